/// Layer normalisation over the last dimension: for each row,
/// `(x - mean) / sqrt(var + eps) * gamma + beta`, with the biased variance, as `nn.LayerNorm`.
/// `x` and `out` may be the same buffer.
public func layerNorm(
    _ x: UnsafePointer<Float>, rows: Int, dim: Int,
    gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
    into out: UnsafeMutablePointer<Float>, inStride: Int? = nil
) {
    let ld = inStride ?? dim
    for r in 0..<rows {
        let row = x + r * ld
        // Two passes (mean, then squared deviations), each summed in 16 float lanes and the
        // lanes added in double: for D = 768 a lane adds 48 terms, well inside float's accuracy.
        let mean = sumOf(row, dim) { $0 } / Double(dim)
        let m = Float(mean)
        let variance = sumOf(row, dim) { ($0 - SIMD16(repeating: m)) * ($0 - SIMD16(repeating: m)) } / Double(dim)
        let invStd = Float(1.0 / (variance + Double(eps)).squareRoot())
        let o = out + r * dim
        for i in 0..<dim { o[i] = (row[i] - m) * invStd * gamma[i] + beta[i] }
    }
}

/// Σ f(x) over `count` floats, vectorised; `f` maps 16 lanes at a time (padding lanes are
/// excluded from the sum).
@inline(__always)
private func sumOf(_ x: UnsafePointer<Float>, _ count: Int, _ f: (SIMD16<Float>) -> SIMD16<Float>) -> Double {
    var acc = SIMD16<Float>(repeating: 0)
    var i = 0
    let raw = UnsafeRawPointer(x)
    while i + 16 <= count {
        acc += f(raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self))
        i += 16
    }
    var total = 0.0
    for lane in 0..<16 { total += Double(acc[lane]) }
    while i < count {
        total += Double(f(SIMD16(repeating: x[i]))[0])
        i += 1
    }
    return total
}
