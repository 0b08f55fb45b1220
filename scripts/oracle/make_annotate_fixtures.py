"""Regenerate Tests/Fixtures/annotate/statistics.json (deterministic, fixed seed).

The reference for the statistics `scs annotate agreement` prints; `swift test --filter
AnnotateTests` compares against this file and needs no Python.

  binomial   for (k, n): scipy.stats.binomtest(k, n, 0.5).pvalue (two-sided, SciPy's definition:
             outcomes no more likely than k, relative tolerance 1e-7) and its
             proportion_ci(0.95, method="wilson") (Wilson score interval, no continuity correction).
  fleiss     count matrices (subjects x categories) with their Fleiss' kappa, written out here with
             plain numpy from the textbook formula (Fleiss 1971), generalised to subjects with
             different numbers of raters: P_i = (sum_j n_ij^2 - n_i) / (n_i (n_i - 1)), P_bar =
             mean P_i, p_j = sum_i n_ij / sum_i n_i, P_e = sum_j p_j^2, kappa = (P_bar - P_e) /
             (1 - P_e); subjects with fewer than 2 raters left out. (statsmodels is not used.)
  cohen      label pairs with Cohen's kappa (Cohen 1960): p_o = share of equal labels,
             p_e = sum_c p_a(c) p_b(c), kappa = (p_o - p_e) / (1 - p_e).

Rerun (from any directory):

    bash scripts/oracle/setup-venv.sh
    .venv-oracle/bin/python scripts/oracle/make_annotate_fixtures.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.stats import binomtest

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests" / "Fixtures" / "annotate" / "statistics.json"
rng = np.random.default_rng(20240408)


def binomial_cases():
    pairs = [(94, 100), (6, 100), (50, 100), (51, 100), (60, 100), (0, 1), (1, 1), (0, 2), (1, 2), (3, 10),
             (5, 10), (7, 20), (13, 17), (0, 50), (50, 50), (1, 50), (49, 50), (30, 31), (470, 1000),
             (530, 1000), (999, 1000), (12, 13), (4, 9), (5, 9)]
    pairs += [(int(rng.integers(0, n + 1)), int(n)) for n in rng.integers(1, 300, size=12)]
    out = []
    for k, n in pairs:
        r = binomtest(k, n, 0.5)
        ci = r.proportion_ci(confidence_level=0.95, method="wilson")
        out.append({"k": k, "n": n, "pvalue": float(r.pvalue), "wilson_low": float(ci.low), "wilson_high": float(ci.high)})
    return out


def fleiss(counts):
    counts = np.asarray(counts, dtype=float)
    n_i = counts.sum(axis=1)
    counts = counts[n_i >= 2]
    n_i = n_i[n_i >= 2]
    if len(counts) == 0:
        return None
    p_i = ((counts ** 2).sum(axis=1) - n_i) / (n_i * (n_i - 1))
    p_bar = p_i.mean()
    p_j = counts.sum(axis=0) / n_i.sum()
    p_e = (p_j ** 2).sum()
    if p_e >= 1:
        return None
    return float((p_bar - p_e) / (1 - p_e))


def fleiss_cases():
    cases = [
        # Fleiss (1971)-style small example with 3 raters, 2 categories.
        [[3, 0], [0, 3], [2, 1], [1, 2], [3, 0], [0, 3]],
        [[2, 0], [2, 0], [0, 2], [1, 1]],
        [[5, 0], [5, 0], [5, 0]],  # all in one category: undefined
        [[1, 0], [0, 1], [1, 1]],  # two subjects with one rater left out
        [[2, 1, 0], [0, 2, 1], [1, 1, 1], [3, 0, 0]],
    ]
    for categories in (2, 3):
        for subjects in (5, 30, 100):
            raters = rng.integers(1, 8, size=subjects)
            rows = []
            for r in raters:
                probs = rng.dirichlet(np.ones(categories) * 0.7)
                rows.append([int(x) for x in rng.multinomial(r, probs)])
            cases.append(rows)
    return [{"counts": c, "kappa": fleiss(c)} for c in cases]


def cohen(a, b):
    a = np.asarray(a)
    b = np.asarray(b)
    labels = sorted(set(a.tolist()) | set(b.tolist()))
    p_o = float((a == b).mean())
    p_e = sum(float((a == c).mean()) * float((b == c).mean()) for c in labels)
    if p_e >= 1:
        return None
    return (p_o - p_e) / (1 - p_e)


def cohen_cases():
    cases = [
        (["A", "A", "B", "B"], ["A", "A", "B", "B"]),
        (["A", "B", "A", "B"], ["B", "A", "B", "A"]),
        (["A", "A", "A"], ["A", "A", "A"]),  # undefined
        (["A", "A", "B", "cant_tell", "B"], ["A", "B", "B", "cant_tell", "cant_tell"]),
    ]
    for n in (5, 20, 100):
        for k in (2, 3):
            labels = ["SDXL", "pixart", "cant_tell"][:k]
            a = rng.choice(labels, size=n).tolist()
            b = [x if rng.random() < 0.6 else str(rng.choice(labels)) for x in a]
            cases.append((a, b))
    return [{"a": a, "b": b, "kappa": cohen(a, b)} for a, b in cases]


def main():
    OUT.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "generator": f"scripts/oracle/make_annotate_fixtures.py (SciPy {scipy.__version__}, numpy {np.__version__})",
        "binomial": binomial_cases(),
        "fleiss": fleiss_cases(),
        "cohen": cohen_cases(),
    }
    OUT.write_text(json.dumps(data, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
