"""Write Tests/Fixtures/report/kde_box.json: the numbers behind `scs report`'s Figure 2.

For a few small samples (a spread of per-prompt scores, a tiny sample, one with outliers, a
bimodal one, ties) this records:

- the Gaussian KDE of `scipy.stats.gaussian_kde(x)` (Scott's factor), evaluated on the grid
  seaborn's `kdeplot` draws by default: `numpy.linspace(min - 3*bw, max + 3*bw, 200)` with
  `bw = sqrt(kde.covariance)` (seaborn's `_define_support_univariate`, cut=3, gridsize=200);
- the box plot numbers of `matplotlib.cbook.boxplot_stats(x, whis=1.5)`, computed here with
  NumPy because matplotlib is not in the oracle venv: quartiles and median by
  `numpy.percentile(x, [25, 50, 75])` (linear), whiskers at the most extreme data within
  1.5 IQR of the box (snapped back to the box when there is none), outliers beyond them.

ReportTests/KDEParityTests checks SCSStats' KernelDensity and BoxPlotStats against this file
(KDE to 1e-9 relative). Rerun (the venv comes from scripts/oracle/setup-venv.sh):

    .venv-oracle/bin/python scripts/oracle/make_report_fixtures.py
"""
import json
import pathlib

import numpy as np
import scipy
from scipy.stats import gaussian_kde

OUT = pathlib.Path(__file__).resolve().parents[2] / "Tests/Fixtures/report/kde_box.json"


def boxplot_stats(x, whis=1.5):
    """matplotlib.cbook.boxplot_stats for one sample, in NumPy."""
    x = np.asarray(x, dtype=float)
    q1, med, q3 = np.percentile(x, [25, 50, 75])
    iqr = q3 - q1
    loval, hival = q1 - whis * iqr, q3 + whis * iqr
    wiskhi = x[x <= hival]
    whishi = q3 if len(wiskhi) == 0 or np.max(wiskhi) < q3 else np.max(wiskhi)
    wisklo = x[x >= loval]
    whislo = q1 if len(wisklo) == 0 or np.min(wisklo) > q1 else np.min(wisklo)
    fliers = np.sort(x[(x < whislo) | (x > whishi)])
    return {"q1": q1, "median": med, "q3": q3, "whislo": whislo, "whishi": whishi,
            "fliers": fliers.tolist(), "mean": np.mean(x)}


def main():
    rng = np.random.default_rng(20240408)
    samples = {
        "scores_100": (70 + 6 * rng.standard_normal(100)).tolist(),
        "tiny_5": [61.2, 64.8, 66.1, 70.3, 71.9],
        "outliers": (rng.normal(72, 3, 30).tolist() + [40.5, 45.0, 95.25]),
        "bimodal": (rng.normal(55, 2, 25).tolist() + rng.normal(80, 2, 25).tolist()),
        "ties": [50.0, 50.0, 50.0, 52.5, 52.5, 60.0, 61.0, 61.0],
    }
    cases = []
    for name, x in samples.items():
        x = [float(v) for v in x]
        kde = gaussian_kde(x)
        bw = float(np.sqrt(kde.covariance.squeeze()))
        grid = np.linspace(min(x) - 3 * bw, max(x) + 3 * bw, 200)
        cases.append({
            "name": name, "x": x, "factor": float(kde.factor), "bandwidth": bw,
            "grid": grid.tolist(), "density": kde(grid).tolist(),
            "box": {k: (v if isinstance(v, list) else float(v)) for k, v in boxplot_stats(x).items()},
        })
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps({"scipy": scipy.__version__, "numpy": np.__version__, "cases": cases}, indent=1) + "\n")
    print(f"wrote {OUT}")


if __name__ == "__main__":
    main()
