import Foundation

/// The Shapiro–Wilk test of normality, `scipy.stats.shapiro(x)`: Royston's algorithm AS R94
/// (Applied Statistics 44, 1995) as SciPy's double-precision `swilk` translates it.
public enum ShapiroWilk {
    /// W and its p-value. Needs n ≥ 3. SciPy returns W = 1, p = 1 with a warning when all
    /// values are equal; here that case is "not computable". For n > 5000 the p-value is
    /// flagged as possibly inaccurate, as SciPy warns.
    public static func test(_ x: [Double]) -> TestResult {
        let name = "shapiro"
        let n = x.count
        guard n >= 3 else { return TestResult(test: name, reason: "needs at least 3 observations, got \(n)") }
        // SciPy subtracts x[n/2] of the data as given (not sorted; gh-15777) for stability.
        let y = x.sorted().map { $0 - x[n / 2] }
        let a = coefficients(n)
        guard let (w, p) = swilk(y, a) else { return TestResult(test: name, reason: "all values are equal (zero range)") }
        return TestResult(
            test: name, statistic: w, pvalue: p,
            note: n > 5000 ? "for n > 5000 the p-value may not be accurate" : nil)
    }

    /// The coefficients a₁ … a_{n/2} (AS R94's approximation from normal scores).
    static func coefficients(_ n: Int) -> [Double] {
        let half = n / 2
        var a = [Double](repeating: 0, count: half)
        if n == 3 {
            a[0] = 0.5.squareRoot()
            return a
        }
        let c1 = [0.0, 0.221157, -0.147981, -0.207119e1, 0.4434685e1, -0.2706056e1]
        let c2 = [0.0, 0.42981e-1, -0.293762, -0.1752461e1, 0.5682633e1, -0.3582633e1]
        let an = Double(n), an25 = an + 0.25
        var summ2 = 0.0
        for i in 0..<half {
            a[i] = ppnd((Double(i + 1) - 0.375) / an25)
            summ2 += a[i] * a[i]
        }
        summ2 *= 2
        let ssumm2 = summ2.squareRoot()
        let rsn = 1 / an.squareRoot()
        let a1 = poly(c1, rsn) - a[0] / ssumm2
        let i1: Int
        let fac: Double
        if n > 5 {
            i1 = 2
            let a2 = -a[1] / ssumm2 + poly(c2, rsn)
            fac = ((summ2 - 2 * (a[0] * a[0]) - 2 * (a[1] * a[1])) / (1 - 2 * (a1 * a1) - 2 * (a2 * a2))).squareRoot()
            a[1] = a2
        } else {
            i1 = 1
            fac = ((summ2 - 2 * (a[0] * a[0])) / (1 - 2 * (a1 * a1))).squareRoot()
        }
        a[0] = a1
        for i in i1..<half { a[i] *= -1 / fac }
        return a
    }

    /// W and its significance for sorted, centred data; nil for zero range.
    private static func swilk(_ x: [Double], _ a: [Double]) -> (Double, Double)? {
        let n = x.count
        let range = x[n - 1] - x[0]
        if range < 1e-19 { return nil }
        // a is antisymmetric: element i of the full vector is −a[i] in the lower half, +a[n−1−i]
        // in the upper half, 0 in the middle of an odd n.
        func full(_ i: Int) -> Double {
            let mirror = n - 1 - i
            if i == mirror { return 0 }
            return i < mirror ? -a[i] : a[mirror]
        }
        var sx = x[0] / range, sa = -a[0]
        for i in 1..<n {
            sx += x[i] / range
            sa += full(i)
        }
        sa /= Double(n)
        sx /= Double(n)
        var ssa = 0.0, ssx = 0.0, sax = 0.0
        for i in 0..<n {
            let asa = full(i) - sa
            let xsx = x[i] / range - sx
            ssa += asa * asa
            ssx += xsx * xsx
            sax += asa * xsx
        }
        let ssassx = (ssa * ssx).squareRoot()
        let w1 = (ssassx - sax) * (ssassx + sax) / (ssa * ssx)
        let w = 1 - w1
        if n == 3 {
            // Exact for n = 3; W ≥ 0.75 in theory, clamped as SciPy does (gh-18322).
            if w < 0.75 { return (0.75, 0) }
            return (w, 1 - 6 / Double.pi * acos(w.squareRoot()))
        }
        let an = Double(n)
        var y = log(w1)
        let xx = log(an)
        let m: Double, s: Double
        if n <= 11 {
            let gamma = poly([-0.2273e1, 0.459], an)
            if y >= gamma { return (w, 1e-19) }
            y = -log(gamma - y)
            m = poly([0.5440, -0.39978, 0.25054e-1, -0.6714e-3], an)
            s = exp(poly([0.13822e1, -0.77857, 0.62767e-1, -0.20322e-2], an))
        } else {
            m = poly([-0.15861e1, -0.31082, -0.83751e-1, 0.38915e-2], xx)
            s = exp(poly([-0.4803, -0.82676e-1, 0.30302e-2], xx))
        }
        return (w, alnorm((y - m) / s, upper: true))
    }

    /// c₀ + c₁x + … (AS R94's `poly`, evaluated in its order).
    static func poly(_ c: [Double], _ x: Double) -> Double {
        let nord = c.count
        var result = c[0]
        if nord == 1 { return result }
        var p = x * c[nord - 1]
        if nord == 2 { return result + p }
        for i in stride(from: nord - 2, through: 1, by: -1) { p = (p + c[i]) * x }
        result += p
        return result
    }

    /// Normal quantile, AS 111 (`ppnd`, 7 digits — the accuracy AS R94 was fitted with).
    static func ppnd(_ p: Double) -> Double {
        let q = p - 0.5
        if abs(q) <= 0.42 {
            let r = q * q
            let num = q * (((-25.44106049637 * r + 41.39119773534) * r + -18.61500062529) * r + 2.50662823884)
            return num / ((((3.13082909833 * r + -21.06224101826) * r + 23.08336743743) * r + -8.47351093090) * r + 1)
        }
        var r = q > 0 ? 1 - p : p
        if r <= 0 { return 0 }
        r = (-log(r)).squareRoot()
        let value =
            (((2.32121276858 * r + 4.85014127135) * r + -2.29796479134) * r + -2.78718931138)
            / ((1.63706781897 * r + 3.54388924762) * r + 1)
        return q < 0 ? -value : value
    }

    /// Upper (or lower) normal tail area, AS 66 (`alnorm`), as SciPy's swilk uses it.
    static func alnorm(_ x: Double, upper: Bool) -> Double {
        var up = upper, z = x
        if !(z > 0) { up = false; z = -z }
        if !(z <= 7 || (up && z <= 38)) { return up ? 0 : 1 }
        let y = 0.5 * z * z
        let temp: Double
        if z <= 1.28 {
            temp =
                0.5 - z
                * (0.398942280444 - 0.399903438504 * y
                    / (y + 5.75885480458 - 29.8213557808 / (y + 2.62433121679 + 48.6959930692 / (y + 5.92885724438))))
        } else {
            temp =
                0.398942280385 * exp(-y)
                / (z - 3.8052e-8 + 1.00000615302
                    / (z + 3.98064794e-4 + 1.98615381364
                        / (z - 0.151679116635 + 5.29330324926
                            / (z + 4.8385912808 - 15.1508972451 / (z + 0.742380924027 + 30.789933034 / (z + 3.99019417011))))))
        }
        return up ? temp : 1 - temp
    }
}
