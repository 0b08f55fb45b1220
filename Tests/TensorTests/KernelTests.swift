import Foundation
import SCSTensor
import XCTest

/// The hand-written kernels against plain libm / textbook definitions.
final class KernelTests: XCTestCase {
    func testVectorExpIsWithinAFewUlpOfLibm() {
        var worst: Float = 0
        var x: Float = -87
        while x < 88 {
            var v = (0..<21).map { x + Float($0) * 0.0137 }
            vectorExp(&v, count: v.count)
            for j in 0..<21 {
                let reference = expf(x + Float(j) * 0.0137)
                worst = max(worst, abs(v[j] - reference) / reference)
            }
            x += 0.219
        }
        XCTAssertLessThan(worst, 5e-7, "worst relative error \(worst)")
        var extremes: [Float] = [-200, 100, 0]
        vectorExp(&extremes, count: 3)
        XCTAssertEqual(extremes, [0, .infinity, 1])
    }

    func testActivationsAndSoftmax() {
        let inputs: [Float] = (0..<37).map { Float($0) * 0.5 - 9 }
        var q = inputs
        Activation.quickGELU.apply(&q, count: q.count)
        var g = inputs
        Activation.gelu.apply(&g, count: g.count)
        for (i, v) in inputs.enumerated() {
            XCTAssertEqual(q[i], v / (1 + expf(-1.702 * v)), accuracy: 1e-6 * max(1, abs(v)))
            XCTAssertEqual(g[i], 0.5 * v * (1 + erff(v / 2.0.squareRoot().float)), accuracy: 1e-6 * max(1, abs(v)))
        }
        var rows: [Float] = (0..<21).map { sin(Float($0)) * 30 }
        softmaxRows(&rows, rows: 3, cols: 7)
        for r in 0..<3 {
            XCTAssertEqual(rows[(r * 7)..<(r * 7 + 7)].reduce(0, +), 1, accuracy: 1e-6)
            let raw = (0..<7).map { sin(Float(r * 7 + $0)) * 30 }
            let m = raw.max()!
            let denominator = raw.map { expf($0 - m) }.reduce(0, +)
            for c in 0..<7 { XCTAssertEqual(rows[r * 7 + c], expf(raw[c] - m) / denominator, accuracy: 1e-6) }
        }
    }

    /// The vectorised GELU (erf and tanh forms) and SwiGLU's gate against libm, over the range
    /// activations reach, and the same bits on every kernel path.
    func testGELUFormsAndSiLUAgainstLibmOnEveryPath() {
        let inputs: [Float] = (0..<4001).map { Float($0) * 0.01 - 20 } + [-100, 100, 0, -0.0, 1e-20, -1e-20]
        var byPath: [[Float]] = []
        defer { KernelPath.force(nil) }
        for path in KernelPath.allCases where path.isSupported {
            _ = KernelPath.force(path)
            var g = inputs, t = inputs, s = inputs
            Activation.gelu.apply(&g, count: g.count)
            Activation.geluTanh.apply(&t, count: t.count)
            siluMultiply(&s, inputs.map { _ in 2 }, count: s.count)
            for (i, v) in inputs.enumerated() {
                let tolerance = 3e-7 * max(1, abs(v))
                XCTAssertEqual(g[i], Float(0.5 * Double(v) * (1 + erf(Double(v) / 2.0.squareRoot()))), accuracy: tolerance, "gelu(\(v))")
                let y = 0.7978845608028654 * (Double(v) + 0.044715 * Double(v) * Double(v) * Double(v))
                XCTAssertEqual(t[i], Float(0.5 * Double(v) * (1 + tanh(y))), accuracy: tolerance, "gelu_tanh(\(v))")
                XCTAssertEqual(s[i], Float(2 * Double(v) / (1 + exp(-Double(v)))), accuracy: 2 * tolerance, "2·silu(\(v))")
            }
            byPath.append(g + t + s)
        }
        for other in byPath.dropFirst() { XCTAssertEqual(other.map(\.bitPattern), byPath[0].map(\.bitPattern), "paths differ") }
    }

    func testLayerNormMatchesDefinition() {
        let x: [Float] = (0..<10).map { Float($0 * $0) - 20 }
        let gamma: [Float] = (0..<5).map { 1 + Float($0) / 10 }, beta: [Float] = (0..<5).map { Float($0) - 2 }
        var out = [Float](repeating: 0, count: 10)
        layerNorm(x, rows: 2, dim: 5, gamma: gamma, beta: beta, eps: 1e-5, into: &out)
        for r in 0..<2 {
            let row = x[(r * 5)..<(r * 5 + 5)].map(Double.init)
            let mean = row.reduce(0, +) / 5
            let variance = row.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 5
            for i in 0..<5 {
                let expected = (row[i] - mean) / (variance + 1e-5).squareRoot() * Double(gamma[i]) + Double(beta[i])
                XCTAssertEqual(Double(out[r * 5 + i]), expected, accuracy: 1e-5)
            }
        }
    }
}

private extension Double { var float: Float { Float(self) } }
