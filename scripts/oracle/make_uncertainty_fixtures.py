"""Regenerate Tests/Fixtures/stats/uncertainty.json: the uncertainty of a group's SCS, by brute force.

For a few groups of random float32 embeddings (n = 2, 3, 4, a group whose negative cosines are
clipped to 0, larger groups), computed literally and independently of scs's O(n^2) formulas:

  scs           mean over pairs i < j of max(100 cos, 0) (numpy, float64 from the float32 values)
  leave_one_out the SCS recomputed on each subset without image i
  se            the jackknife SE: sqrt((n-1)/n * sum (U_-i - mean)^2) (n >= 3)
  t, lo, hi     scipy.stats.t.ppf(0.975, n-1); scs -/+ t*se clipped to [0, 100]
  zeta1, zeta2  Hoeffding's components, unbiased: zeta2 = mean h^2 - theta2, zeta1 = mean over
                ordered triples (i, j, k) distinct of h_ij h_ik - theta2, theta2 = mean over
                ordered 4-tuples of distinct images of h_ij h_kl (n >= 4), by enumerating them
  projected     sqrt(4(m-2)/(m(m-1)) z1 + 2/(m(m-1)) z2) for a few m, z1 = max(zeta1, 0),
                z2 = max(zeta2, 2 z1)
  t_ppf         scipy.stats.t.ppf(p, df) on a grid of p and df (integer and fractional, tails)
  models        per model (its groups as prompts): the mean over prompts, the SE from the
                prompts sd/sqrt(k) (ddof 1) and the part the seeds account for sqrt(sum se^2)/k

Rerun (from any directory):

    .venv-oracle/bin/python scripts/oracle/make_uncertainty_fixtures.py [OUT.json]

(OUT.json instead of the committed file: the test that regenerates it compares the two.)
"""
import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np
from scipy import stats

OUT = Path(__file__).resolve().parents[2] / "Tests/Fixtures/stats/uncertainty.json"


def scs(e):
    u = e / np.linalg.norm(e, axis=1, keepdims=True)
    n = len(e)
    return float(np.mean([max(100 * float(u[i] @ u[j]), 0.0) for i in range(n) for j in range(i + 1, n)]))


def kernel(e):
    u = e / np.linalg.norm(e, axis=1, keepdims=True)
    return np.maximum(100 * (u @ u.T), 0.0)


def group(name, e):
    e = e.astype(np.float32)
    x = e.astype(np.float64)
    n = len(x)
    out = {"name": name, "n": n, "embeddings": [[float(v) for v in row] for row in e], "scs": scs(x)}
    if n >= 3:
        loo = [scs(np.delete(x, i, axis=0)) for i in range(n)]
        m = np.mean(loo)
        se = math.sqrt((n - 1) / n * sum((v - m) ** 2 for v in loo))
        t = float(stats.t.ppf(0.975, n - 1))
        out.update(leave_one_out=loo, se=se, t=t, lo=max(out["scs"] - t * se, 0.0), hi=min(out["scs"] + t * se, 100.0))
    else:
        out.update(leave_one_out=[], se=None, t=None, lo=None, hi=None)
    if n >= 4:
        h = kernel(x)
        quads = [h[i, j] * h[k, l] for i, j, k, l in itertools.permutations(range(n), 4)]
        theta2 = float(np.mean(quads))
        triples = [h[i, j] * h[i, k] for i, j, k in itertools.permutations(range(n), 3)]
        squares = [h[i, j] ** 2 for i, j in itertools.combinations(range(n), 2)]
        z1 = float(np.mean(triples)) - theta2
        z2 = float(np.mean(squares)) - theta2
        proj = {}
        for m in (2, 3, n, 2 * n, 50, 100):
            # The components brought inside their population bounds: zeta1 >= 0, zeta2 >= 2 zeta1.
            b1 = max(z1, 0.0)
            b2 = max(z2, 2 * b1)
            proj[str(m)] = math.sqrt(4 * (m - 2) / (m * (m - 1)) * b1 + 2 / (m * (m - 1)) * b2)
        out.update(zeta1=z1, zeta2=z2, unbiased_variance=4 * (n - 2) / (n * (n - 1)) * z1 + 2 / (n * (n - 1)) * z2, projected=proj)
    else:
        out.update(zeta1=None, zeta2=None, unbiased_variance=None, projected={})
    return out


def main():
    rng = np.random.default_rng(21)
    groups = []
    groups.append(group("n2", rng.normal(size=(2, 8)) + 1))
    groups.append(group("n3", rng.normal(size=(3, 8)) + 0.8))
    groups.append(group("n4", rng.normal(size=(4, 6)) + 0.5))
    # Centred, low-dimensional: many negative cosines, clipped to 0; the interval clips at 0.
    groups.append(group("clipped", rng.normal(size=(6, 4))))
    groups.append(group("n7", rng.normal(size=(7, 16)) + 0.7))
    groups.append(group("tight", rng.normal(size=(9, 12)) * 0.2 + 1))
    groups.append(group("n10", rng.normal(size=(10, 32)) + 0.4))
    # One image twice: a true duplicate pair (cos = 1).
    dup = rng.normal(size=(5, 8)) + 0.6
    dup[4] = dup[1]
    groups.append(group("duplicate", dup))
    models = {"A": ["n3", "n4", "clipped", "n7"], "B": ["tight", "n10", "duplicate"]}
    by_name = {g["name"]: g for g in groups}
    summary = {}
    for model, names in models.items():
        s = np.array([by_name[g]["scs"] for g in names])
        se = np.array([by_name[g]["se"] for g in names])
        k = len(names)
        summary[model] = {
            "prompts": names, "mean": float(np.mean(s)), "se_prompts": float(np.std(s, ddof=1) / math.sqrt(k)),
            "se_seeds": float(math.sqrt(np.sum(se ** 2)) / k),
        }
        half = float(stats.t.ppf(0.975, k - 1)) * summary[model]["se_prompts"]
        summary[model].update(low=summary[model]["mean"] - half, high=summary[model]["mean"] + half)
    t_ppf = [[p, df, float(stats.t.ppf(p, df))]
             for df in (1, 1.5, 2, 3, 4.25, 7, 19, 30, 99, 1000, 1e6)
             for p in (1e-12, 1e-6, 0.001, 0.025, 0.3, 0.5, 0.6, 0.9, 0.975, 0.995, 0.999999)]
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"groups": groups, "models": summary, "t_ppf": t_ppf}, indent=1) + "\n")
    print(f"wrote {out} ({out.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
