import Foundation

/// The activations CLIP configs name in `hidden_act`.
public enum Activation: String, Sendable {
    /// OpenAI CLIP's `x * sigmoid(1.702 x)`.
    case quickGELU = "quick_gelu"
    /// The exact GELU, `x * Φ(x)` with the error function.
    case gelu = "gelu"
    /// GELU's tanh approximation.
    case geluTanh = "gelu_pytorch_tanh"

    /// Applies the activation in place to `count` floats.
    public func apply(_ x: UnsafeMutablePointer<Float>, count: Int) {
        switch self {
        case .quickGELU:
            forEachVector(x, count: count) { v in v / (1 + exp16(-1.702 * v)) }
        case .gelu:
            for i in 0..<count {
                let v = x[i]
                x[i] = 0.5 * v * (1 + erff(v * 0.70710678118654752))
            }
        case .geluTanh:
            for i in 0..<count {
                let v = x[i]
                x[i] = 0.5 * v * (1 + tanhf(0.7978845608028654 * (v + 0.044715 * v * v * v)))
            }
        }
    }
}

/// Row-wise softmax in place, shifted by the row maximum for stability.
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int? = nil) {
    let ld = stride ?? cols
    for r in 0..<rows {
        let row = x + r * ld
        var maxValue = -Float.infinity
        for i in 0..<cols { maxValue = max(maxValue, row[i]) }
        forEachVector(row, count: cols) { v in exp16(v - maxValue) }
        var sum: Float = 0
        for i in 0..<cols { sum += row[i] }
        let inv = 1 / sum
        for i in 0..<cols { row[i] *= inv }
    }
}

/// `y += x`, elementwise.
@inline(__always)
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}
