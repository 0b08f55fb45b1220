"""Regenerate Tests/Fixtures/stats/categories/ (deterministic, fixed seed): the oracle of
`scs compare --by category` (`CategoryComparison`).

  scores.csv     two models' SCS on prompts in five categories of different sizes (one smaller
                 than the default minimum of 5 prompts, one where a model strongly wins), a
                 prompt scored by one model only and two prompts without a category.
  expected.json  per category, over the prompts both models scored: n, the means, the mean
                 difference, scipy.stats.wilcoxon's and scipy.stats.ttest_rel's two-sided
                 p-values (SciPy 1.17, default arguments), and their Holm-adjusted values across
                 the categories with at least 5 prompts. Holm's step-down adjustment is written
                 out here by brute force from its definition (statsmodels is not in the venv):
                 the adjusted p of hypothesis k is the largest, over the hypotheses l ranked at
                 or before k (p ascending, ties in input order), of min(1, (m - rank(l)) p_l).

Rerun:

    .venv-oracle/bin/python scripts/oracle/make_category_fixtures.py
"""
import csv
import json
from pathlib import Path

import numpy as np
import scipy
from scipy import stats

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "Tests/Fixtures/stats/categories"
MINIMUM = 5


def holm_brute_force(pvalues):
    """Holm's adjustment for a list of p-values (None stays None, outside the family)."""
    present = [(i, p) for i, p in enumerate(pvalues) if p is not None]
    m = len(present)
    order = sorted(range(m), key=lambda r: (present[r][1], r))
    rank = {present[r][0]: position for position, r in enumerate(order)}
    out = [None] * len(pvalues)
    for k, _ in present:
        out[k] = max(min(1.0, (m - rank[l]) * p) for l, p in present if rank[l] <= rank[k])
    return out


def main():
    rng = np.random.default_rng(20261205)
    sizes = {"Animals": 12, "Vehicles": 8, "Food & Beverage": 6, "Abstract": 3, "People": 9}
    shift = {"Animals": 6.0, "Vehicles": 0.5, "Food & Beverage": -1.0, "Abstract": 2.0, "People": -0.3}
    rows = []
    for category, n in sizes.items():
        for i in range(n):
            prompt = f"{category.lower()} prompt {i}"
            a = float(np.clip(rng.normal(72, 6), 0, 100))
            b = float(np.clip(a - shift[category] + rng.normal(0, 3), 0, 100))
            rows.append(("A", prompt, category, a))
            rows.append(("B", prompt, category, b))
    rows.append(("A", "only in A", "Animals", 70.0))
    for i in range(2):
        a = float(rng.normal(70, 5))
        rows.append(("A", f"uncategorised {i}", "", a))
        rows.append(("B", f"uncategorised {i}", "", a - 1))
    OUT.mkdir(parents=True, exist_ok=True)
    with open(OUT / "scores.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["model", "prompt", "category", "scs"])
        for model, prompt, category, score in rows:
            w.writerow([model, prompt, category, repr(score)])

    scores = {(m, p): s for m, p, _, s in rows}
    categories = []
    for category in sizes:
        prompts = [p for m, p, c, _ in rows if m == "A" and c == category and ("B", p) in scores]
        x = np.array([scores[("A", p)] for p in prompts])
        y = np.array([scores[("B", p)] for p in prompts])
        entry = {"category": category, "n_prompts": len(prompts)}
        if len(prompts) >= MINIMUM:
            entry.update(
                mean_a=float(x.mean()), mean_b=float(y.mean()), mean_difference=float((x - y).mean()),
                pvalue=float(stats.wilcoxon(x, y).pvalue), ttest_rel_pvalue=float(stats.ttest_rel(x, y).pvalue))
        categories.append(entry)
    for key in ["pvalue", "ttest_rel_pvalue"]:
        adjusted = holm_brute_force([c.get(key) for c in categories])
        for c, value in zip(categories, adjusted):
            if value is not None:
                c[key + "_holm"] = value
    expected = {"scipy": scipy.__version__, "minimum_prompts": MINIMUM, "categories": categories,
                "uncategorised": ["uncategorised 0", "uncategorised 1"]}
    (OUT / "expected.json").write_text(json.dumps(expected, indent=1) + "\n")


if __name__ == "__main__":
    main()
