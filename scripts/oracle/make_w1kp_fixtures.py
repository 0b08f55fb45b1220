"""Regenerate Tests/Fixtures/w1kp/w1kp.json, the brute-force reference for W1KP (W1KPTests).

    .venv-oracle/bin/python scripts/oracle/make_w1kp_fixtures.py

Independent of scs's code: the calibration is read from the authors' own cdf-xy.pt (not from the
table scs compiles in) and interpolated with np.interp, as their query_inverted_cdf does; the
distances, the kept pairs and their mean by numpy; u_k by visiting every k-subset with
itertools.combinations and taking the minimum over its pairs. Written:

  cdf      queries (every calibration x, every midpoint between neighbours, points beyond both
           ends) and np.interp(query, x, y) in float64.
  groups   random DreamSim-like embeddings (float32, centred and of unit length as DreamSim's
           `embed` returns them; clustered so that their squared distances fall inside the
           calibration's range), with duplicates in one group (a repeated row and a row moved by
           1e-3), n = 8 to 10 and one of 21 (beyond the all-subsets limit, where scs enumerates
           the k with few subsets and samples the rest): the squared distance matrix, the pairs
           at or below 1e-4, the mean over the others, 1 - F(mean), and for k = 2..n the exact
           u_k and 1 - F(u_k).
"""
import itertools
import json
from pathlib import Path

import numpy as np
import torch

ROOT = Path(__file__).resolve().parents[2]
CDF = ROOT.parent / "shared" / "calibration" / "w1kp" / "cdf-xy.pt"
OUT = ROOT / "Tests" / "Fixtures" / "w1kp" / "w1kp.json"


def embeddings(rng, n, dim, spread, duplicates=False):
    centre = rng.standard_normal(dim)
    rows = centre + spread * rng.standard_normal((n, dim))
    if duplicates:
        rows[3] = rows[1]
        rows[5] = rows[2] + 1e-3 * rng.standard_normal(dim)
    rows = rows - rows.mean(axis=1, keepdims=True)
    rows = rows / np.linalg.norm(rows, axis=1, keepdims=True)
    return rows.astype(np.float32)


def exact_u(d, k):
    n = len(d)
    pairs = list(itertools.combinations(range(k), 2))
    a = np.array([p[0] for p in pairs]); b = np.array([p[1] for p in pairs])
    total, count = 0.0, 0
    combos = itertools.combinations(range(n), k)
    while True:
        chunk = np.array(list(itertools.islice(combos, 200_000)), dtype=np.int64)
        if len(chunk) == 0:
            break
        total += d[chunk[:, a], chunk[:, b]].min(axis=1).sum()
        count += len(chunk)
    return total / count


def main():
    x, y = torch.load(CDF, weights_only=False)
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    F = lambda q: np.interp(q, x, y)
    queries = np.concatenate([x, (x[:-1] + x[1:]) / 2, [-0.5, -1e-12, 1.0 + 1e-12, 2.5, 4.0]])
    rng = np.random.default_rng(21)
    groups = []
    for n, dim, spread, dup in [(8, 16, 0.35, False), (9, 16, 0.5, True), (10, 24, 0.6, False), (10, 8, 0.25, False), (21, 16, 0.45, False)]:
        e = embeddings(rng, n, dim, spread, dup)
        e64 = e.astype(np.float64)
        d = ((e64[:, None, :] - e64[None, :, :]) ** 2).sum(axis=2)
        iu = np.triu_indices(n, 1)
        kept = d[iu][d[iu] > 1e-4]
        dups = [[int(i), int(j), float(d[i, j])] for i, j in zip(*iu) if d[i, j] <= 1e-4]
        mean = float(kept.mean())
        us = [float(exact_u(d, k)) for k in range(2, n + 1)]
        groups.append(dict(
            embeddings=[[float(v) for v in row] for row in e], distances=d.tolist(), mean_distance=mean, kept_pairs=int(len(kept)),
            duplicates=dups, w1kp=float(1 - F(mean)), u=us, u_w1kp=[float(1 - F(u)) for u in us]))
        print(f"n={n}: mean {mean:.6f}, W1KP {1 - F(mean):.6f}, duplicates {len(dups)}, u_2..n {us[0]:.4f}..{us[-1]:.4f}")
    OUT.write_text(json.dumps(dict(
        source="castorini/w1kp cdf-xy.pt, np.interp; numpy and itertools brute force (scripts/oracle/make_w1kp_fixtures.py)",
        cdf=dict(queries=queries.tolist(), values=F(queries).tolist()), groups=groups)) + "\n")
    print(f"wrote {OUT.relative_to(ROOT)} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
