"""Regenerate Tests/Fixtures/seeds/curves.json: `scs seeds`'s curves, computed independently.

Each case is a group's pair values h(i, j) = max(100 cos(e_i, e_j), 0), i < j in row-major order,
from random float32 embeddings (numpy, float64 cosines). For every n = 2 .. N:
  - when C(N, n) <= draws: every n-subset (itertools.combinations), its score the numpy mean of
    its pair values: the exact distribution of the subset score, brute force;
  - otherwise the very subsets Sources/Stats/SubsetCurve.swift draws (a partial Fisher-Yates
    shuffle driven by the project's xoshiro256**, one generator per group seeded with `seed`,
    consumed in order of n), scored the same way;
then the mean, numpy.percentile(.., [2.5, 97.5]) (linear), the share within +-delta of the full
score, the smallest n from which every larger n keeps >= 95% within, and the model curve (means
over the groups with at least n images). The Swift test (StatsTests/SubsetCurveTests) compares
to 1e-9.

Also the projected n needed (`scs seeds`' n_needed_projected): Hoeffding's components estimated
by brute force over distinct index tuples (zeta2 = mean h_ij^2 - mean h_ij h_kl over disjoint
pairs; zeta1 = mean h_ij h_ik over triples of distinct images - the same disjoint mean), then the
smallest m >= 2 with sqrt(4(m-2)/(m(m-1)) z1 + 2/(m(m-1)) z2) <= delta/1.96, where z1 = max(zeta1, 0)
and z2 = max(zeta2, 2 z1) (the components' population bounds), up to
100 000 (ReportTests/SeedsProjectionTests compares exactly).

Rerun:

    .venv-oracle/bin/python scripts/oracle/make_seeds_fixtures.py [OUTPUT]   # default: the committed path
"""

import itertools
import json
import math
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_stats_fixtures import Xoshiro  # noqa: E402  the project's generator, ported once

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "seeds" / "curves.json"


def pair_values(rng, n, dim=16, spread=0.8):
    centre = rng.normal(size=dim)
    e = (centre + spread * rng.normal(size=(n, dim))).astype(np.float32).astype(np.float64)
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    cos = e @ e.T
    return [max(100 * cos[i, j], 0.0) for i in range(n) for j in range(i + 1, n)]


def curve(values, n_images, draws, delta, seed):
    h = np.zeros((n_images, n_images))
    k = 0
    for i in range(n_images):
        for j in range(i + 1, n_images):
            h[i, j] = h[j, i] = values[k]
            k += 1

    def score(subset):
        return float(np.mean([h[a, b] for a, b in itertools.combinations(sorted(subset), 2)]))

    full = score(range(n_images))
    rng = Xoshiro(seed)
    points = []
    for size in range(2, n_images + 1):
        exhaustive = math.comb(n_images, size) <= draws
        if exhaustive:
            scores = [score(s) for s in itertools.combinations(range(n_images), size)]
        else:
            scores, idx = [], list(range(n_images))
            for _ in range(draws):
                for i in range(size):
                    j = i + rng.index(n_images - i)
                    idx[i], idx[j] = idx[j], idx[i]
                scores.append(score(idx[:size]))
        s = np.array(scores)
        low, high = np.percentile(s, [2.5, 97.5])
        points.append({
            "n": size, "subsets": len(scores), "exhaustive": exhaustive, "mean": float(s.mean()),
            "low": float(low), "high": float(high), "within_delta": float(np.mean(np.abs(s - full) <= delta)),
        })
    needed = n_images
    for p in reversed(points):
        if p["within_delta"] < 0.95:
            break
        needed = p["n"]
    return full, points, needed


def projected_needed(values, n_images, delta, largest=100_000):
    if n_images < 4:
        return None
    h = np.zeros((n_images, n_images))
    k = 0
    for i in range(n_images):
        for j in range(i + 1, n_images):
            h[i, j] = h[j, i] = values[k]
            k += 1
    squares = np.mean([h[i, j] ** 2 for i, j in itertools.combinations(range(n_images), 2)])
    shared = np.mean([h[i, j] * h[i, k] for i, j, k in itertools.permutations(range(n_images), 3)])
    disjoint = np.mean([h[i, j] * h[k, l] for i, j, k, l in itertools.permutations(range(n_images), 4)])
    zeta1, zeta2 = shared - disjoint, squares - disjoint
    for m in range(2, largest + 1):
        z1 = max(zeta1, 0.0)
        z2 = max(zeta2, 2 * z1)
        var = 4 * (m - 2) / (m * (m - 1)) * z1 + 2 / (m * (m - 1)) * z2
        if math.sqrt(var) <= delta / 1.96:
            return m
    return None


def main():
    rng = np.random.default_rng(2024)
    groups = []
    for name, n_images, spread, draws, delta, seed in [
        ("seven images, draws 25", 7, 0.8, 25, 1.0, 0),
        ("ten images, draws 200", 10, 0.6, 200, 1.0, 11),
        ("ten images, wide delta", 10, 1.2, 60, 4.0, 5),
        ("twelve tight images", 12, 0.25, 100, 0.5, 3),
        ("two images", 2, 0.8, 200, 1.0, 0),
    ]:
        values = pair_values(rng, n_images, spread=spread)
        full, points, needed = curve(values, n_images, draws, delta, seed)
        groups.append({
            "name": name, "n_images": n_images, "draws": draws, "delta": delta, "seed": seed, "pair_values": values,
            "full": full, "points": points, "n_needed": needed,
            "n_needed_projected": projected_needed(values, n_images, delta),
        })
        print(f"{name}: full {full:.3f}, n needed {needed}, projected {groups[-1]['n_needed_projected']}")
    # The model curve over the first three groups (different N): means at each n over the groups
    # that reach it.
    model = []
    members = groups[:3]
    for n in range(2, max(g["n_images"] for g in members) + 1):
        at = [p for g in members for p in g["points"] if p["n"] == n]
        model.append({
            "n": n, "prompts": len(at), **{key: float(np.mean([p[key] for p in at])) for key in ["mean", "low", "high", "within_delta"]},
        })
    payload = {"numpy": np.__version__, "groups": groups, "model_of_first_three": model}
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    out.write_text(json.dumps(payload, separators=(",", ":")) + "\n")
    print(f"{out}: {out.stat().st_size // 1024} KiB")


if __name__ == "__main__":
    main()
