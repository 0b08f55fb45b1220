import CKernels
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
            scs_quick_gelu(x, count)
        case .gelu:
            scs_gelu(x, count)
        case .geluTanh:
            scs_gelu_tanh(x, count)
        }
    }
}

/// SwiGLU's gate in place: `gate[i] = silu(gate[i]) · up[i]`, vectorised.
public func siluMultiply(_ gate: UnsafeMutablePointer<Float>, _ up: UnsafePointer<Float>, count: Int) {
    scs_silu_mul(gate, up, count)
}

/// Row-wise softmax in place, shifted by the row maximum for stability (CKernels' elementwise.c:
/// the same bits on every CPU).
public func softmaxRows(_ x: UnsafeMutablePointer<Float>, rows: Int, cols: Int, stride: Int? = nil) {
    scs_softmax_rows(x, rows, cols, stride ?? cols)
}

/// `y += x`, elementwise.
@inline(__always)
public func addInPlace(_ y: UnsafeMutablePointer<Float>, _ x: UnsafePointer<Float>, count: Int) {
    for i in 0..<count { y[i] += x[i] }
}

/// `exp` of `count` floats in place, vectorised (about 2 ulp; 0 below −87.34, +inf above 88.72):
/// the exponential inside quick GELU and softmax.
public func vectorExp(_ x: UnsafeMutablePointer<Float>, count: Int) { scs_exp(x, count) }
