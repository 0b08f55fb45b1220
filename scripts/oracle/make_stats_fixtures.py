"""Regenerate the statistics fixtures under Tests/Fixtures/stats/ (deterministic, fixed seeds).

SciPy 1.17 (scipy/stats, scipy/special) with default arguments is the reference for every
number `scs compare` prints; `swift test --filter StatsTests` compares against these files and
needs no Python. Written files:

  special.json    scipy.special / scipy.stats distribution functions on grids that reach every
                  branch of their algorithms: ndtr, ndtri, gammaln, betainc, stdtr, chdtrc,
                  gammainc, gammaincc, kolmogorov, smirnov, kstwo.sf and kstwo.cdf.
  tests.json      samples (random, SCS-like, tied, zero differences, n = 1..5, n = 100, n = 1000,
                  identical samples, huge and tiny p) with the results of ks_2samp, wilcoxon,
                  ttest_rel, ttest_ind(equal_var=False), mannwhitneyu, shapiro,
                  kstest(x, "norm", args=(mean, sd ddof=1)), the descriptives (numpy) and the
                  effect sizes (their textbook definitions, computed here independently).
                  A test SciPy refuses (exception) or answers with NaN is recorded as
                  {"error": ...} / {"nan": true}; one SciPy answers with a warning that the
                  result is meaningless (shapiro on constant data) as {"warning": ...}.
  friedman.json   friedmanchisquare on blocks of k = 3..6 models.
  holm.json       Holm's step-down adjustment (Holm 1979), written out here from its definition
                  (SciPy has no Holm): p_(i) -> max_{j<=i} min(1, (m-j+1) p_(j)).
  bootstrap.json  the xoshiro256** / SplitMix64 stream that `scs compare --seed` uses, and for
                  a few samples the percentile and BCa intervals of scipy.stats.bootstrap given
                  the very same bootstrap distribution (bootstrap_result=, n_resamples=0), so the
                  BCa arithmetic is checked against SciPy's own code.

Rerun (from any directory):

    bash scripts/oracle/setup-venv.sh
    .venv-oracle/bin/python scripts/oracle/make_stats_fixtures.py
"""
import json
import math
import sys
import warnings
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import scipy
from scipy import special, stats

ROOT = Path(__file__).resolve().parent.parent.parent
OUT = ROOT / "Tests" / "Fixtures" / "stats"
MASK = (1 << 64) - 1


def number(x):
    """A float for JSON: finite as is, +-inf as strings, NaN as None."""
    x = float(x)
    if math.isnan(x):
        return None
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    return x


def write(name, payload):
    payload = {"scipy": scipy.__version__, "numpy": np.__version__, **payload}
    text = json.dumps(payload, separators=(",", ":"), allow_nan=False)
    (OUT / name).write_text(text + "\n")
    print(f"{name}: {len(text) // 1024} KiB")


# ---------------------------------------------------------------- special functions

def special_fixtures():
    out = {}
    xs = sorted(set(np.round(np.linspace(-38.5, 9, 96), 6).tolist() + [-0.7, -0.1, 0.0, 0.3, 0.7071, 1.414, 1.42]))
    out["ndtr"] = [[x, number(special.ndtr(x))] for x in xs]
    ps = np.concatenate([np.logspace(-300, -1, 40), np.linspace(0.02, 0.98, 25), 1 - np.logspace(-15, -1, 15), [0.025000000000000022, 0.975, 0.5]])
    out["ndtri"] = [[float(p), number(special.ndtri(p))] for p in ps]
    gs = np.concatenate([np.logspace(-3, 5, 40), [0.5, 1, 1.5, 2, 2.5, 3, 10.5, 50.5, 1000.5]])
    out["gammaln"] = [[float(x), number(special.gammaln(x))] for x in gs]
    rows = []
    for a in [0.5, 1, 1.5, 2.5, 5, 10, 49.5, 100, 1000]:
        for b in [0.5, 1, 3, 7.25, 50, 500]:
            for x in [1e-10, 1e-3, 0.05, 0.3, 0.5, 0.7, 0.95, 0.999, 1 - 1e-9]:
                rows.append([a, b, x, number(special.betainc(a, b, x))])
    out["betainc"] = rows
    rows = []
    for df in [1, 1.5, 2, 3.7, 5, 10, 29.3, 99, 198.6, 1000, 1e5]:
        for t in [-1e10, -1e3, -50, -10, -3, -1, -0.1, 0, 0.5, 2, 8, 40]:
            rows.append([df, t, number(special.stdtr(df, t))])
    out["stdtr"] = rows
    rows = []
    for df in [1, 2, 3, 4, 5, 9, 20, 59]:
        for x in [0.01, 0.5, 1, 3, 10, 50, 200, 1000]:
            rows.append([df, x, number(special.chdtrc(df, x))])
    out["chdtrc"] = rows
    rows = []
    for a in [0.5, 1, 2.5, 10, 30, 100]:
        for x in [0.01, 0.5, 1, 5, 20, 60, 150]:
            rows.append([a, x, number(special.gammainc(a, x)), number(special.gammaincc(a, x))])
    out["gammainc"] = rows
    out["kolmogorov"] = [[float(x), number(special.kolmogorov(x))] for x in np.concatenate([np.linspace(0.03, 0.9, 30), np.linspace(0.9, 6.5, 30), [0.82, 0.8200001]])]
    rows = []
    for n in [1, 2, 3, 5, 10, 20, 50, 100, 141, 500, 1000, 10000]:
        for x in [0.0, 1e-4, 0.01, 0.05, 0.1, 0.2, 0.3, 0.5, 0.7, 0.9, 0.99, 1.0, 1.0 / n, 0.5 / n, 1 - 1.0 / n]:
            rows.append([n, x, number(special.smirnov(n, x))])
    out["smirnov"] = rows
    rows = []
    for n in [1, 2, 3, 4, 5, 8, 10, 20, 50, 100, 140, 141, 200, 500, 1000, 5000, 20000, 150000]:
        grid = [1e-4, 0.001, 0.004, 0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.13, 0.17, 0.2, 0.25, 0.3, 0.4, 0.45, 0.5, 0.6, 0.8, 0.95, 0.999]
        # Points around the algorithm switches: n x^2 = 0.754693, 2.2, 4, 18, 370; n x^1.5 = 1.4; n x = 1, n - 1.
        for c in [0.7, 0.754693, 0.8, 2.0, 2.2, 2.4, 3.9, 4.0, 4.2, 17, 19, 360, 380]:
            x = math.sqrt(c / n)
            if x < 1:
                grid.append(x)
        for x in [(1.4 / n) ** (2 / 3), 0.75 / n, 1.0 / n, 1.5 / n, (n - 1.0) / n, (n - 0.5) / n]:
            if 0 < x < 1:
                grid.append(x)
        for x in sorted(set(grid)):
            rows.append([n, x, number(stats.kstwo.sf(x, n)), number(stats.kstwo.cdf(x, n))])
    out["kstwo"] = rows
    write("special.json", out)


# ---------------------------------------------------------------- tests on samples

def run(fn):
    """SciPy's answer, or how it declined."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            with np.errstate(all="ignore"):
                res = fn()
        except Exception as e:  # noqa: BLE001 - any refusal is a documented outcome
            return {"error": f"{type(e).__name__}: {e}"}
    statistic, pvalue = float(res[0]), float(res[1])
    if math.isnan(statistic) or math.isnan(pvalue):
        return {"nan": True}
    out = {"statistic": number(statistic), "pvalue": number(pvalue)}
    if hasattr(res, "df"):
        out["df"] = number(res.df)
    messages = [str(w.message) for w in caught if "range zero" in str(w.message)]
    if messages:
        out["warning"] = messages[0]
    return out


def descriptives(x):
    x = np.asarray(x, dtype=float)
    return {"n": len(x), "mean": float(np.mean(x)), "median": float(np.median(x)),
            "sd": number(np.std(x, ddof=1)) if len(x) > 1 else None,
            "min": float(np.min(x)), "max": float(np.max(x)),
            "q1": float(np.percentile(x, 25)), "q3": float(np.percentile(x, 75))}


def effect(x, y):
    """The effect sizes by their published definitions (see EffectSizes.swift)."""
    d = np.asarray(x, float) - np.asarray(y, float)
    out = {"mean_difference": float(np.mean(d)), "median_difference": float(np.median(d))}
    sd = np.std(d, ddof=1) if len(d) > 1 else float("nan")
    out["cohens_dz"] = number(np.mean(d) / sd) if len(d) > 1 and sd > 0 else None
    nz = d[d != 0]
    if len(nz):
        r = stats.rankdata(np.abs(nz))
        rp, rm = r[nz > 0].sum(), r[nz < 0].sum()
        out["rank_biserial"] = float((rp - rm) / (rp + rm))
    else:
        out["rank_biserial"] = None
    out["wins"] = int((d > 0).sum())
    out["losses"] = int((d < 0).sum())
    out["win_rate"] = float((d > 0).mean())
    return out


def kstest_norm(x):
    x = np.asarray(x, float)
    return lambda: stats.kstest(x, "norm", args=(np.mean(x), np.std(x, ddof=1)))


def case(name, x, y, paired=True):
    x = [float(v) for v in x]
    y = [float(v) for v in y]
    r = {
        "ks_2samp": run(lambda: stats.ks_2samp(x, y)),
        "ttest_ind": run(lambda: stats.ttest_ind(x, y, equal_var=False)),
        "mannwhitneyu": run(lambda: stats.mannwhitneyu(x, y)),
        "shapiro_a": run(lambda: stats.shapiro(x)),
        "shapiro_b": run(lambda: stats.shapiro(y)),
        "kstest_norm_a": run(kstest_norm(x)),
        "kstest_norm_b": run(kstest_norm(y)),
    }
    out = {"name": name, "paired": paired, "x": x, "y": y, "results": r,
           "descriptives": {"a": descriptives(x), "b": descriptives(y)}}
    if paired:
        r["wilcoxon"] = run(lambda: stats.wilcoxon(x, y))
        r["ttest_rel"] = run(lambda: stats.ttest_rel(x, y))
        out["effect"] = effect(x, y)
        out["descriptives"]["difference"] = descriptives(np.subtract(x, y))
    return out


def test_cases():
    rng = np.random.default_rng(20240405)
    cases = []

    def scs(n, loc=68.0, sd=6.0):
        return np.clip(rng.normal(loc, sd, n), 0, 100)

    # Random SCS-like pairs at many sizes: n = 1..5, the permutation range, the exact range.
    for n in [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 20, 30, 49, 50, 51, 75, 100]:
        a = scs(n)
        cases.append(case(f"random n={n}", a, a - rng.normal(1.5, 3, n)))
    # Ties and zero differences (scores rounded as a CSV with one decimal would give them).
    for n in [2, 3, 4, 5, 8, 11, 13, 14, 25, 50, 51, 100]:
        a = np.round(scs(n), 0)
        b = np.round(a - rng.normal(1, 2, n), 0)
        cases.append(case(f"ties and zeros n={n}", a, b))
    for n in [6, 13, 40]:
        a = scs(n)
        b = a.copy()
        b[: n // 3] += np.round(rng.normal(0, 2, n // 3), 1)
        cases.append(case(f"mostly zero differences n={n}", a, b))
    # Identical samples, constant shift, constant samples.
    for n in [1, 3, 5, 20, 100]:
        a = scs(n)
        cases.append(case(f"identical n={n}", a, a))
    for n in [4, 10, 60]:
        a = scs(n)
        cases.append(case(f"constant shift n={n}", a, a - 2.5))
    cases.append(case("constant samples n=8", [70.0] * 8, [65.0] * 8))
    cases.append(case("one constant sample n=12", [70.0] * 12, scs(12)))
    # Tiny and huge p-values.
    for n in [10, 30, 50, 100, 400]:
        a = scs(n)
        cases.append(case(f"large effect n={n}", a + 12, a + rng.normal(0, 0.5, n)))
    for n in [20, 100]:
        a = scs(n)
        cases.append(case(f"complete separation n={n}", a + 40, a))
    for n in [30, 100]:
        a = scs(n)
        cases.append(case(f"no effect n={n}", a, a + rng.normal(0, 1e-3, n)))
    cases.append(case("nearly constant differences n=25", (a := scs(25)), a - 3 + rng.normal(0, 1e-9, 25)))
    # Scale: tiny and huge magnitudes.
    cases.append(case("tiny scale n=40", rng.normal(0, 1e-6, 40), rng.normal(1e-7, 1e-6, 40)))
    cases.append(case("huge scale n=40", rng.normal(1e8, 1e6, 40), rng.normal(1.002e8, 1e6, 40)))
    # Non-normal shapes: shapiro and the KS normality check far from 1.
    for n in [25, 140, 141, 300, 1000]:
        cases.append(case(f"exponential n={n}", rng.exponential(5, n), rng.uniform(0, 10, n)))
    cases.append(case("lognormal n=60", rng.lognormal(3, 1, 60), rng.lognormal(3, 0.5, 60)))
    cases.append(case("beta SCS n=100", 100 * rng.beta(8, 3, 100), 100 * rng.beta(6, 3, 100)))
    cases.append(case("normal n=1500", rng.normal(70, 5, 1500), rng.normal(70.3, 5, 1500)))
    # Independent samples of different sizes (ks_2samp's lattice path, mannwhitneyu exact/asymptotic).
    for n1, n2 in [(1, 1), (1, 4), (2, 2), (3, 7), (5, 8), (8, 100), (4, 30), (9, 12), (20, 31), (50, 80), (7, 7), (100, 230)]:
        cases.append(case(f"independent {n1} vs {n2}", scs(n1), scs(n2, loc=70), paired=False))
    cases.append(case("independent ties 6 vs 9", np.round(scs(6)), np.round(scs(9)), paired=False))
    cases.append(case("independent separated 6 vs 40", scs(6) + 50, scs(40) - 20, paired=False))
    cases.append(case("independent separated 300 vs 500", rng.normal(0, 1, 300), rng.normal(1.5, 1, 500), paired=False))
    # More than 10 000 values: ks_2samp switches to the asymptotic distribution. Evenly spaced
    # dyadic values, stored as {"arange": [n, start, step]} (start + i*step is exact in any language).
    big = case("independent arange 10500 vs 3000", 0.5 * np.arange(10500), 37.25 + 1.5 * np.arange(3000), paired=False)
    big["x"], big["y"] = {"arange": [10500, 0.0, 0.5]}, {"arange": [3000, 37.25, 1.5]}
    cases.append(big)
    write("tests.json", {"cases": cases})


def friedman_fixtures():
    rng = np.random.default_rng(7)
    cases = []

    def add(name, blocks):
        blocks = np.asarray(blocks, float)
        res = run(lambda: stats.friedmanchisquare(*blocks.T))
        cases.append({"name": name, "blocks": blocks.tolist(), "result": res})

    for k in [3, 4, 6]:
        for n in [1, 2, 5, 10, 30, 100]:
            base = rng.normal(68, 6, (n, 1))
            add(f"random k={k} n={n}", base + rng.normal(np.arange(k) * 0.8, 3, (n, k)))
    add("ties k=4 n=20", np.round(rng.normal(68, 2, (20, 4))))
    add("all tied k=3 n=5", np.full((5, 3), 70.0))
    add("strong effect k=3 n=100", rng.normal(0, 1, (100, 1)) + np.array([0.0, 3.0, 6.0]) + rng.normal(0, 0.3, (100, 3)))
    add("two models k=2", rng.normal(0, 1, (10, 2)))
    write("friedman.json", {"cases": cases})


def holm(pvalues):
    present = [(i, p) for i, p in enumerate(pvalues) if p is not None]
    m = len(present)
    order = sorted(range(m), key=lambda r: (present[r][1], r))
    out = [None] * len(pvalues)
    running = 0.0
    for rank, r in enumerate(order):
        running = max(running, min(1.0, (m - rank) * present[r][1]))
        out[present[r][0]] = running
    return out


def holm_fixtures():
    rng = np.random.default_rng(11)
    cases = [[0.01, 0.04, 0.03, 0.005], [0.5], [], [None, 0.02, None, 0.02, 0.001], [1e-300, 0.9, 0.9, 0.2], [0.0, 0.0]]
    for m in [3, 6, 10, 45]:
        cases.append([float(p) for p in rng.uniform(0, 0.2, m) ** 2])
    write("holm.json", {"cases": [{"pvalues": c, "adjusted": holm(c)} for c in cases]})


# ---------------------------------------------------------------- bootstrap

class Xoshiro:
    """xoshiro256** seeded by SplitMix64, as Sources/Stats/Random.swift."""

    def __init__(self, seed):
        x = seed & MASK
        s = []
        for _ in range(4):
            x = (x + 0x9E3779B97F4A7C15) & MASK
            z = x
            z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
            z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
            s.append(z ^ (z >> 31))
        self.s = s

    @staticmethod
    def rotl(x, k):
        return ((x << k) | (x >> (64 - k))) & MASK

    def next(self):
        s = self.s
        result = (self.rotl((s[1] * 5) & MASK, 7) * 9) & MASK
        t = (s[1] << 17) & MASK
        s[2] ^= s[0]
        s[3] ^= s[1]
        s[1] ^= s[2]
        s[0] ^= s[3]
        s[2] ^= t
        s[3] = self.rotl(s[3], 45)
        return result

    def index(self, bound):
        limit = (MASK // bound) * bound
        while True:
            r = self.next()
            if r < limit:
                return r % bound


def bootstrap_fixtures():
    streams = []
    for seed in [0, 1, 42, MASK]:
        g = Xoshiro(seed)
        first = [str(g.next()) for _ in range(8)]
        g = Xoshiro(seed)
        streams.append({"seed": str(seed), "first": first, "indices_below_7": [g.index(7) for _ in range(10)]})
    # A longer index stream for one seed, to catch any drift in the rejection step.
    g = Xoshiro(2024)
    index_stream = {"seed": 2024, "bounds": [3, 100, 2**40 + 7, 5, 2**62 + 11], "indices": []}
    for b in index_stream["bounds"]:
        index_stream["indices"].append(str(g.index(b)))

    rng = np.random.default_rng(99)
    cases = []
    for name, d, resamples, seed in [
        ("SCS-like differences n=30", rng.normal(2.5, 3, 30), 2000, 0),
        ("skewed differences n=25", rng.exponential(2, 25) - 0.5, 2000, 7),
        ("small n=5", rng.normal(1, 1, 5), 1500, 3),
        ("ties n=40", np.round(rng.normal(1, 2, 40)), 1000, 12345),
        ("n=2", np.array([1.0, 3.5]), 500, 1),
    ]:
        d = [float(v) for v in d]
        arr = np.asarray(d)
        g = Xoshiro(seed)
        dist = []
        for _ in range(resamples):
            idx = [g.index(len(d)) for _ in range(len(d))]
            dist.append(np.mean(arr[idx]))
        fake = SimpleNamespace(bootstrap_distribution=np.asarray(dist))
        out = {"name": name, "d": d, "resamples": resamples, "seed": seed,
               "distribution_head": [float(v) for v in dist[:5]]}
        for method in ["percentile", "BCa"]:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                res = stats.bootstrap((arr,), np.mean, n_resamples=0, bootstrap_result=fake,
                                      method=method, confidence_level=0.95)
            ci = res.confidence_interval
            out[method.lower()] = [number(ci.low), number(ci.high)]
        cases.append(out)
    write("bootstrap.json", {"streams": streams, "index_stream": index_stream, "cases": cases})


def main():
    if not scipy.__version__.startswith("1.17"):
        sys.exit(f"SciPy 1.17 expected, found {scipy.__version__}: run scripts/oracle/setup-venv.sh")
    OUT.mkdir(parents=True, exist_ok=True)
    special_fixtures()
    test_cases()
    friedman_fixtures()
    holm_fixtures()
    bootstrap_fixtures()


if __name__ == "__main__":
    main()
