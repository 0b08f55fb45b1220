/// Layer normalisation over the last dimension: for each row,
/// `(x - mean) / sqrt(var + eps) * gamma + beta`, with the biased variance, as `nn.LayerNorm`.
/// `x` and `out` may be the same buffer.
public func layerNorm(_ x: UnsafePointer<Float>, rows: Int, dim: Int,
                      gamma: UnsafePointer<Float>, beta: UnsafePointer<Float>, eps: Float,
                      into out: UnsafeMutablePointer<Float>, inStride: Int? = nil) {
    let ld = inStride ?? dim
    for r in 0..<rows {
        let row = x + r * ld
        // Two passes, sums in Double: the mean and variance stay accurate for any row.
        var sum = 0.0
        for i in 0..<dim { sum += Double(row[i]) }
        let mean = sum / Double(dim)
        var sq = 0.0
        for i in 0..<dim {
            let d = Double(row[i]) - mean
            sq += d * d
        }
        let invStd = Float(1.0 / (sq / Double(dim) + Double(eps)).squareRoot())
        let m = Float(mean)
        let o = out + r * dim
        for i in 0..<dim { o[i] = (row[i] - m) * invStd * gamma[i] + beta[i] }
    }
}
