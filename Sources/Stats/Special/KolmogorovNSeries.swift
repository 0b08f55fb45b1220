import Foundation

extension KolmogorovN {
    /// The interval of non-zero entries of row i in Pomeranz's recursion (SciPy's
    /// `_pomeranz_compute_j1j2`).
    private static func pomeranzBounds(_ i: Int, _ n: Int, _ ll: Int, _ ceilf: Int, _ roundf: Int) -> (Int, Int) {
        var j1: Int, j2: Int
        if i == 0 {
            j1 = -ll - ceilf - 1; j2 = ll + ceilf - 1
        } else {
            let half = (i + 1) / 2, odd = (i + 1) % 2
            if odd == 0 {
                if half == n + 1 {
                    j1 = n - ll - ceilf - 1; j2 = n + ll + ceilf - 1
                } else {
                    j1 = half - 1 - ll - roundf - 1; j2 = half + ll - 1 + ceilf - 1
                }
            } else {
                j1 = half - 1 - ll - 1; j2 = half + ll + roundf - 1
            }
        }
        return (max(j1 + 2, 0), min(j2, n))
    }

    /// P(Dₙ ≤ d) by Pomeranz's recursion (1974, CACM algorithm 487), SciPy's `_kolmogn_Pomeranz`:
    /// each row is the previous one convolved with (almost) Poisson probabilities, rescaled by
    /// 2¹²⁸ against underflow, and the answer is n! times the last entry.
    static func pomeranz(_ n: Int, _ x: Double) -> Double {
        let t = Double(n) * x
        let ll = Int(t.rounded(.down))
        let f = t - Double(ll)
        let g = min(f, 1 - f)
        let ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0
        let count = 2 * (ll + 1)
        var gPower = [Double](repeating: 1, count: count)
        var twoGPower = gPower, oneMinusTwoGPower = gPower
        let gn = g / Double(n), twoGn = 2 * g / Double(n), oneMinusTwoGn = (1 - 2 * g) / Double(n)
        for m in 1..<count {
            gPower[m] = gPower[m - 1] * gn / Double(m)
            twoGPower[m] = twoGPower[m - 1] * twoGn / Double(m)
            oneMinusTwoGPower[m] = oneMinusTwoGPower[m - 1] * oneMinusTwoGn / Double(m)
        }
        var v0 = [Double](repeating: 0, count: count)
        var v1 = [Double](repeating: 0, count: count)
        v1[0] = 1
        var v0s = 0, v1s = 0, exponent = 0
        var (j1, _) = pomeranzBounds(0, n, ll, ceilf, roundf)
        for i in 1..<(2 * n + 2) {
            let k1 = j1
            swap(&v0, &v1)
            swap(&v0s, &v1s)
            for idx in v1.indices { v1[idx] = 0 }
            let bounds = pomeranzBounds(i, n, ll, ceilf, roundf)
            j1 = bounds.0
            let j2 = bounds.1
            let powers = (i == 1 || i == 2 * n + 1) ? gPower : (i % 2 == 1 ? twoGPower : oneMinusTwoGPower)
            let ln2 = j2 - k1 + 1
            guard ln2 > 0 else { continue }
            // numpy.convolve(V0[k1 - V0s : k1 - V0s + ln2], pwrs[:ln2]), slices clamped as NumPy does.
            let start = k1 - v0s
            let segment = Array(v0[min(max(start, 0), count)..<min(max(start + ln2, 0), count)])
            let kernel = Array(powers[0..<min(ln2, count)])
            let convStart = j1 - k1, convLength = j2 - j1 + 1
            for idx in 0..<max(convLength, 0) {
                let c = convStart + idx  // entry c of the full convolution
                var s = 0.0
                let lo = max(0, c - (kernel.count - 1)), hi = min(c, segment.count - 1)
                if lo <= hi { for a in lo...hi { s += segment[a] * kernel[c - a] } }
                v1[idx] = s
            }
            if let top = v1.max(), top > 0 && top < 0x1p-128 {
                for idx in v1.indices { v1[idx] *= 0x1p128 }
                exponent -= 128
            }
            v1s = v0s + j1 - k1
        }
        var answer = v1[n - v1s]
        for m in 1...n {
            if abs(answer) > 0x1p128 {
                answer *= 0x1p-128
                exponent += 128
            }
            answer *= Double(m)
        }
        if exponent != 0 { answer = scalbn(answer, exponent) }
        return min(max(answer, 0), 1)
    }

    /// The Pelz–Good (1976) approximation to P(Dₙ ≤ x), SciPy's `_kolmogn_PelzGood`: the
    /// Li-Chien/Korolyuk series K₀ + K₁/√n + K₂/n + K₃/n^{3/2}, each term transformed with the
    /// Jacobi theta functional equation to converge for small z = x√n.
    static func pelzGood(_ n: Int, _ x: Double) -> Double {
        if x <= 0 { return 0 }
        if x >= 1 { return 1 }
        let pi2 = Double.pi * Double.pi, pi4 = pi2 * pi2, pi6 = pi4 * pi2
        let z = Double(n).squareRoot() * x
        let z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2
        let qlog = -pi2 / 8 / z2
        if qlog < -708 { return 0 }
        var q = exp(qlog)
        let k1a = -z2, k1b = pi2 / 4
        let k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16
        let k3d = pi6 * (5 - 30 * z2) / 64
        let k3c = pi4 * (-60 * z2 + 212 * z4) / 16
        let k3b = pi2 * (135 * z4 - 96 * z6) / 4
        let k3a = -30 * z6 - 90 * pow(z, 8)
        var K = [0.0, 0.0, 0.0, 0.0]
        let maxk = Int((16 * z / Double.pi).rounded(.up))
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let m = Double(2 * k - 1)
                let m2 = m * m, m4 = m2 * m2, m6 = m4 * m2
                let qpower = pow(q, Double(8 * k))
                let coefficients = [
                    1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4,
                    k3a + k3b * m2 + k3c * m4 + k3d * m6
                ]
                for i in 0..<4 { K[i] = K[i] * qpower + coefficients[i] }
            }
        }
        let sqrt2pi = (2 * Double.pi).squareRoot()
        let divisors = [z, 6 * z4, 72 * pow(z, 7), 6480 * pow(z, 10)]
        for i in 0..<4 { K[i] = K[i] * q * sqrt2pi / divisors[i] }
        q = exp(-pi2 / 2 / z2)
        var k2extra = 0.0, k3extra = 0.0
        let sqrt3z = 3.0.squareRoot() * z
        if maxk >= 1 {
            for k in stride(from: maxk, through: 1, by: -1) {
                let ks = Double(k), ks2 = ks * ks
                let qp = pow(q, ks2)
                k2extra += ks2 * qp
                let kspi = Double.pi * ks
                k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ks2 * qp
            }
        }
        K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3)
        K[3] += k3extra * pi2 * sqrt2pi / (216 * z6)
        for i in 0..<4 { K[i] /= pow(Double(n), Double(i) / 2) }
        return K[0] + K[1] + K[2] + K[3]
    }
}
