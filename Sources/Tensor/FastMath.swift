/// A vectorised exp for float32, accurate to about 2 ulp over the whole range, so activations and
/// softmax do not pay for a libm call per element (quick GELU alone needs ~1.8 million
/// exponentials per ViT-B/32 image).
///
/// exp(x) = 2^n · exp(r) with n = round(x / ln 2) and r = x − n·ln 2 (ln 2 split into a high and a
/// low part so r is exact), exp(r) by its degree-6 Taylor/minimax polynomial on |r| ≤ ln 2 / 2,
/// and 2^n built in the exponent bits. Inputs below −87.3 give 0 and above 88.7 give +inf, as expf.
@inline(__always)
public func exp16(_ x: SIMD16<Float>) -> SIMD16<Float> {
    // Masked replacement lowers to vector compares and blends; pointwiseMin/Max and
    // clamped(lowerBound:upperBound:) become per-lane scalar loops.
    let low = SIMD16<Float>(repeating: -87.33654), high = SIMD16<Float>(repeating: 88.72283)
    var clamped = x
    clamped.replace(with: low, where: x .< low)
    clamped.replace(with: high, where: x .> high)
    // n = round(x / ln 2) by the magic-number trick: adding 1.5·2²³ leaves n in the low mantissa
    // bits (a per-lane Float→Int conversion would not vectorise).
    let magic = SIMD16<Float>(repeating: 12_582_912)
    let shifted = clamped * 1.442695040888963 + magic
    let n = shifted - magic
    var r = clamped - n * 0.693145751953125          // ln 2, high part (exact in float)
    r = r - n * 1.428606765330187e-06                 // ln 2, low part
    // exp(r) ≈ 1 + r + r²/2 + … + r⁶/720 (Horner)
    var p = SIMD16<Float>(repeating: 1.0 / 720)
    p = p * r + 1.0 / 120
    p = p * r + 1.0 / 24
    p = p * r + 1.0 / 6
    p = p * r + 0.5
    p = p * r + 1
    p = p * r + 1
    let integer = unsafeBitCast(shifted, to: SIMD16<Int32>.self) &- 0x4B40_0000
    let bits = (integer &+ 127) &<< 23
    var result = p * unsafeBitCast(bits, to: SIMD16<Float>.self)
    result.replace(with: SIMD16(repeating: .infinity), where: x .> 88.72283)
    result.replace(with: SIMD16(repeating: 0), where: x .< -87.33654)
    return result
}

/// Applies `body` to `count` floats 16 at a time; the tail is padded and written back in part.
@inline(__always)
func forEachVector(_ x: UnsafeMutablePointer<Float>, count: Int, _ body: (SIMD16<Float>) -> SIMD16<Float>) {
    var i = 0
    let raw = UnsafeMutableRawPointer(x)
    while i + 16 <= count {
        let v = raw.loadUnaligned(fromByteOffset: i * 4, as: SIMD16<Float>.self)
        raw.storeBytes(of: body(v), toByteOffset: i * 4, as: SIMD16<Float>.self)
        i += 16
    }
    if i < count {
        var v = SIMD16<Float>(repeating: 0)
        for j in 0..<(count - i) { v[j] = x[i + j] }
        let out = body(v)
        for j in 0..<(count - i) { x[i + j] = out[j] }
    }
}
