import Foundation

/// The regularized incomplete beta function I_x(a, b) (`scipy.special.betainc`), following
/// Cephes' `incbet`: a power series for small b·x, otherwise one of two continued fractions,
/// applied to I_x(a, b) or to 1 − I_{1−x}(b, a), whichever converges faster; the prefactor
/// x^a (1−x)^b / (a B(a, b)) is computed in logarithms so that tails far below 1e-300 keep
/// their relative accuracy until they underflow.
public enum IncompleteBeta {
    private static let epsilon = GammaFunctions.machineEpsilon
    private static let big = 4.503599627370496e15, bigInverse = 2.22044604925031308085e-16

    /// I_x(a, b) for a, b > 0 and 0 ≤ x ≤ 1.
    public static func regularized(_ a: Double, _ b: Double, _ x: Double) -> Double {
        regularized(a, b, x: x, complement: 1 - x)
    }

    /// I_x(a, b), given both x and 1 − x: callers that know 1 − x more accurately than the
    /// subtraction would give it (the t distribution: t²/(ν + t²)) pass it here.
    public static func regularized(_ a: Double, _ b: Double, x: Double, complement xc: Double) -> Double {
        if a.isNaN || b.isNaN || x.isNaN || a <= 0 || b <= 0 || x < 0 || x > 1 { return .nan }
        if x == 0 { return 0 }
        if x == 1 || xc == 0 { return 1 }
        if b * x <= 1 && x <= 0.95 { return powerSeries(a, b, x) }
        // Work with the tail that is below the mean: I_x(a, b) = 1 − I_{1−x}(b, a).
        if x > a / (a + b) {
            let t = (a * xc <= 1 && xc <= 0.95) ? powerSeries(b, a, xc) : fractions(b, a, xc, x)
            return t <= epsilon ? 1 - epsilon : 1 - t
        }
        return fractions(a, b, x, xc)
    }

    /// The continued-fraction branch for x below the mean a / (a + b).
    private static func fractions(_ a: Double, _ b: Double, _ x: Double, _ xc: Double) -> Double {
        let y = x * (a + b - 2) - (a - 1)
        let w = y < 0 ? continuedFraction1(a, b, x) : continuedFraction2(a, b, x) / xc
        let logT = a * log(x) + b * log(xc) - GammaFunctions.logBeta(a, b) + log(w / a)
        return logT < GammaFunctions.minLog ? 0 : exp(logT)
    }

    /// The power series for b·x ≤ 1, x ≤ 0.95 (Cephes' `pseries`).
    private static func powerSeries(_ a: Double, _ b: Double, _ x: Double) -> Double {
        let ai = 1 / a
        var u = (1 - b) * x
        var v = u / (a + 1)
        let t1 = v
        var t = u, n = 2.0, s = 0.0
        let z = epsilon * ai
        while abs(v) > z {
            u = (n - b) * x / n
            t *= u
            v = t / (a + n)
            s += v
            n += 1
        }
        s += t1
        s += ai
        let logT = a * log(x) - GammaFunctions.logBeta(a, b) + log(s)
        return logT < GammaFunctions.minLog ? 0 : exp(logT)
    }

    /// The first continued fraction (Cephes' `incbcf`).
    private static func continuedFraction1(_ a: Double, _ b: Double, _ x: Double) -> Double {
        continuedFraction(x, k: [a, a + b, a, a + 1, 1, b - 1, a + 1, a + 2], step: [1, 1, 2, 2, 1, -1, 2, 2])
    }

    /// The second continued fraction, in z = x / (1 − x) (Cephes' `incbd`).
    private static func continuedFraction2(_ a: Double, _ b: Double, _ x: Double) -> Double {
        continuedFraction(x / (1 - x), k: [a, b - 1, a, a + 1, 1, a + b, a + 1, a + 2], step: [1, -1, 2, 2, 1, 1, 2, 2])
    }

    /// The recurrence both of Cephes' fractions evaluate, two terms a step: they differ only in
    /// the variable and in the coefficients k1…k8, where each starts and how it moves per step.
    private static func continuedFraction(_ x: Double, k start: SIMD8<Double>, step: SIMD8<Double>) -> Double {
        var k = start
        var pkm2 = 0.0, qkm2 = 1.0, pkm1 = 1.0, qkm1 = 1.0
        var answer = 1.0, r = 1.0
        for _ in 0..<300 {
            var xk = -(x * k[0] * k[1]) / (k[2] * k[3])
            var pk = pkm1 + pkm2 * xk, qk = qkm1 + qkm2 * xk
            pkm2 = pkm1; pkm1 = pk; qkm2 = qkm1; qkm1 = qk
            xk = (x * k[4] * k[5]) / (k[6] * k[7])
            pk = pkm1 + pkm2 * xk; qk = qkm1 + qkm2 * xk
            pkm2 = pkm1; pkm1 = pk; qkm2 = qkm1; qkm1 = qk
            if qk != 0 { r = pk / qk }
            let t: Double
            if r != 0 { t = abs((answer - r) / r); answer = r } else { t = 1 }
            if t < 3 * epsilon { break }
            k += step
            rescale(&pkm2, &pkm1, &qkm2, &qkm1, pk, qk)
        }
        return answer
    }

    /// Keeps the convergents' numerators and denominators within range.
    private static func rescale(
        _ pkm2: inout Double, _ pkm1: inout Double, _ qkm2: inout Double, _ qkm1: inout Double,
        _ pk: Double, _ qk: Double
    ) {
        if abs(qk) + abs(pk) > big {
            pkm2 *= bigInverse; pkm1 *= bigInverse; qkm2 *= bigInverse; qkm1 *= bigInverse
        }
        if abs(qk) < bigInverse || abs(pk) < bigInverse {
            pkm2 *= big; pkm1 *= big; qkm2 *= big; qkm1 *= big
        }
    }
}
