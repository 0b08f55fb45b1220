"""Regenerate Tests/Fixtures/stats/power.json: the number of prompts `scs compare --power` finds.

An independent port of Sources/Stats/Power.swift's procedure, with SciPy's own test: the observed
paired differences are centred, shifted to the difference D asked about, and resampled with
replacement (k of them, xoshiro256** with the project's unbiased index mapping, one generator per
k seeded with seed + k * 0x9E3779B97F4A7C15 mod 2**64); the power at k is the share of `draws`
resamples that scipy.stats.wilcoxon (its defaults, as `scs compare`'s verdict) rejects at alpha.
The search doubles k from 2 until the power reaches the target (or max_prompts), then bisects
between the last two k. The Swift test (StatsTests/PowerTests) must find the same k and the same
power at every k evaluated (to 1e-12).

Rerun:

    .venv-oracle/bin/python scripts/oracle/make_power_fixtures.py
"""

import json
import sys
import warnings
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_stats_fixtures import MASK, Xoshiro  # noqa: E402  the project's generator, ported once

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "stats" / "power.json"
GOLDEN = 0x9E3779B97F4A7C15


def power(shifted, k, alpha, draws, seed):
    rng = Xoshiro((seed + k * GOLDEN) & MASK)
    rejected = 0
    for _ in range(draws):
        sample = np.array([shifted[rng.index(len(shifted))] for _ in range(k)])
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                p = stats.wilcoxon(sample).pvalue
        except ValueError:
            continue  # SciPy refuses (all differences zero): not a rejection
        if np.isfinite(p) and p < alpha:
            rejected += 1
    return rejected / draws


def search(differences, difference, alpha, target, draws, seed, max_prompts):
    d = np.asarray(differences, dtype=np.float64)
    # The mean as the Swift side takes it (pairwise summation agrees with numpy's to the last
    # bit for these short samples; both are the correctly rounded mean up to one ulp).
    shifted = d - np.mean(d) + difference
    powers = {}

    def at(k):
        if k not in powers:
            powers[k] = power(shifted, k, alpha, draws, seed)
        return powers[k]

    k, found = 2, None
    while True:
        if at(k) >= target:
            found = k
            break
        if k >= max_prompts:
            break
        k = min(2 * k, max_prompts)
    if found is not None and found > 2:
        high = found
        low = max(key for key in powers if key < high)
        while high - low > 1:
            mid = (low + high) // 2
            if at(mid) >= target:
                high = mid
            else:
                low = mid
        found = high
    return found, sorted(powers.items())


def main():
    rng = np.random.default_rng(21)
    cases = []

    def add(name, differences, difference=None, alpha=0.05, target=0.8, draws=200, seed=0, max_prompts=8192):
        differences = [float(x) for x in differences]
        D = float(np.mean(differences)) if difference is None else float(difference)
        found, evaluated = search(differences, D, alpha, target, draws, seed, max_prompts)
        cases.append({
            "name": name, "differences": differences, "difference": D, "difference_given": difference is not None,
            "alpha": alpha, "target": target, "draws": draws, "seed": seed, "max_prompts": max_prompts,
            "prompts": found, "evaluated": [{"prompts": k, "power": p} for k, p in evaluated],
        })
        print(f"{name}: K = {found}, {len(evaluated)} k evaluated")

    # The demo: a 12-point difference on 5 prompts that no exact test can call.
    add("12 points on 5 prompts", rng.normal(12, 9, 5).round(3))
    add("3 points, sd 6, 20 prompts", rng.normal(1, 6, 20), difference=3.0, seed=7)
    add("alpha 0.01, power 0.9", rng.normal(4, 5, 12), alpha=0.01, target=0.9, seed=3)
    add("no difference: beyond the bound", rng.normal(0, 5, 8), difference=0.0, max_prompts=40)
    add("one repeated difference", [2.5, 2.5, 2.5], draws=50)
    payload = {"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}
    OUT.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    print(f"{OUT.relative_to(ROOT)}: {OUT.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
