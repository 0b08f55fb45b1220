import Foundation

/// The exact distribution of the two-sided one-sample Kolmogorov–Smirnov statistic Dₙ
/// (`scipy.stats.kstwo`, SciPy's `_ksstats.kolmogn`), with the algorithm choices of Simard and
/// L'Ecuyer (2011, J. Stat. Softw. 39(11)) exactly as SciPy makes them: Ruben–Gambino closed
/// forms at the ends, 2·smirnov for d ≥ ½ (and for large n·d²), Durbin's matrix in Marsaglia,
/// Tsang and Wang's form (`DMTW`), Pomeranz's recursion, and the Pelz–Good expansion.
public enum KolmogorovN {
    /// P(Dₙ ≥ d) (`scipy.stats.kstwo.sf(d, n)`).
    public static func sf(_ d: Double, n: Int) -> Double { kolmogn(n, d, cdf: false) }

    /// P(Dₙ ≤ d) (`scipy.stats.kstwo.cdf(d, n)`).
    public static func cdf(_ d: Double, n: Int) -> Double { kolmogn(n, d, cdf: true) }

    private static func pick(_ cdfValue: Double, _ sfValue: Double, _ cdf: Bool) -> Double {
        min(max(cdf ? cdfValue : sfValue, 0), 1)
    }

    static func kolmogn(_ n: Int, _ x: Double, cdf: Bool) -> Double {
        if x.isNaN || n <= 0 { return .nan }
        if x >= 1 { return pick(1, 0, cdf) }
        if x <= 0 { return pick(0, 1, cdf) }
        let nd = Double(n)
        let t = nd * x
        if t <= 1 {
            if t <= 0.5 { return pick(0, 1, cdf) }
            let prob: Double
            if n <= 140 {
                // np.prod(arange(1, n+1) * (1/n) * (2t − 1)): a running product, left to right.
                var p = 1.0
                for i in 1...n { p *= Double(i) * (1 / nd) * (2 * t - 1) }
                prob = p
            } else {
                prob = exp(logFactorialOverPower(nd) + nd * log(2 * t - 1))
            }
            return pick(prob, 1 - prob, cdf)
        }
        if t >= nd - 1 {
            let prob = 2 * pow(1 - x, nd)
            return pick(1 - prob, prob, cdf)
        }
        if x >= 0.5 {
            let prob = 2 * Kolmogorov.smirnov(n, x)
            return pick(1 - prob, prob, cdf)
        }
        let nxSquared = t * x
        if n <= 140 {
            if nxSquared <= 0.754693 {
                let prob = durbinMTW(n, x)
                return pick(prob, 1 - prob, cdf)
            }
            if nxSquared <= 4 {
                let prob = pomeranz(n, x)
                return pick(prob, 1 - prob, cdf)
            }
            let prob = 2 * Kolmogorov.smirnov(n, x)
            return pick(1 - prob, prob, cdf)
        }
        if !cdf {
            if nxSquared >= 370 { return 0 }
            if nxSquared >= 2.2 { return min(max(2 * Kolmogorov.smirnov(n, x), 0), 1) }
        }
        let cdfProb: Double
        if nxSquared >= 18 {
            cdfProb = 1
        } else if n <= 100_000 && nd * pow(x, 1.5) <= 1.4 {
            cdfProb = durbinMTW(n, x)
        } else {
            cdfProb = pelzGood(n, x)
        }
        return pick(cdfProb, 1 - cdfProb, cdf)
    }

    /// log(n! / nⁿ) by Stirling's series with n·log n removed up front (SciPy's
    /// `_log_nfactorial_div_n_pow_n`).
    static func logFactorialOverPower(_ n: Double) -> Double {
        let coefficients = [
            -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
            8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
            -2.7777777777777777778e-3, 8.3333333333333333333e-2
        ]
        let rn = 1 / n
        let z = rn / n
        let poly = coefficients.reduce(0.0) { $0 * z + $1 }
        return log(n) / 2 - n + log(2 * Double.pi) / 2 + rn * poly
    }

    /// P(Dₙ ≤ d) by Durbin's matrix H^n (Marsaglia, Tsang & Wang 2003), with the matrix
    /// power taken by squaring and rescaled by 2¹²⁸ as SciPy's `_kolmogn_DMTW` does.
    static func durbinMTW(_ n: Int, _ d: Double) -> Double {
        if d >= 1 { return 1 }
        let nd = Double(n) * d
        if nd <= 0.5 { return 0 }
        let k = Int(nd.rounded(.up))
        let h = Double(k) - nd
        let m = 2 * k - 1
        var v = (1...m).map { 1 - pow(h, Double($0)) }
        var w = [Double](repeating: 0, count: m)
        var factorial = 1.0
        for j in 1...m {
            w[j - 1] = factorial
            factorial /= Double(j)
            v[j - 1] *= factorial
        }
        let tt = pow(max(2 * h - 1, 0), Double(m)) - 2 * pow(h, Double(m))
        v[m - 1] = (1 + tt) * factorial
        var H = Matrix(size: m)
        for i in 1..<max(m, 1) {
            for row in (i - 1)..<m { H[row, i] = w[row - (i - 1)] }
        }
        for row in 0..<m { H[row, 0] = v[row] }
        for col in 0..<m { H[m - 1, col] = v[m - 1 - col] }

        let scaleUp = 0x1p128, scaleDown = 0x1p-128
        var power = Matrix.identity(m)
        var remaining = n, exponent = 0, hExponent = 0
        while remaining > 0 {
            if remaining % 2 == 1 {
                power = power * H
                exponent += hExponent
            }
            H = H * H
            hExponent *= 2
            if abs(H[k - 1, k - 1]) > scaleUp {
                H.scale(by: scaleDown)
                hExponent += 128
            }
            remaining /= 2
        }
        var p = power[k - 1, k - 1]
        for i in 1...n {
            p = Double(i) * p / Double(n)
            if abs(p) < scaleDown {
                p *= scaleUp
                exponent -= 128
            }
        }
        if exponent != 0 { p = scalbn(p, exponent) }
        return min(max(p, 0), 1)
    }
}

/// A small dense square matrix for Durbin's method.
struct Matrix {
    let size: Int
    var values: [Double]

    init(size: Int) {
        self.size = size
        values = [Double](repeating: 0, count: size * size)
    }

    static func identity(_ size: Int) -> Matrix {
        var m = Matrix(size: size)
        for i in 0..<size { m[i, i] = 1 }
        return m
    }

    subscript(row: Int, col: Int) -> Double {
        get { values[row * size + col] }
        set { values[row * size + col] = newValue }
    }

    mutating func scale(by factor: Double) {
        for i in values.indices { values[i] *= factor }
    }

    static func * (a: Matrix, b: Matrix) -> Matrix {
        var c = Matrix(size: a.size)
        for i in 0..<a.size {
            for k in 0..<a.size {
                let aik = a.values[i * a.size + k]
                if aik == 0 { continue }
                for j in 0..<a.size { c.values[i * a.size + j] += aik * b.values[k * a.size + j] }
            }
        }
        return c
    }
}
