import Foundation

/// Resizing a grid of position embeddings, as `torch.nn.functional.interpolate(mode="bicubic",
/// align_corners=False)` does it on float32 on the CPU: ViTs trained at one resolution (DINOv2 at
/// 518 px, 37 x 37 patches) run at another (224 px, 16 x 16) with their grid resampled.
///
/// Without antialias: Keys' cubic with a = −0.75, four taps at `floor(s)` − 1 … + 2 (clamped to
/// the edge) around the source coordinate `s = (i + 0.5) · in/out − 0.5`, the scale in float32.
/// With antialias (`antialias=True`): the filter is a = −0.5 stretched by the scale when shrinking,
/// its taps normalised to sum to 1, as in torch's `_upsample_bicubic2d_aa`; the same filter as
/// `TorchResize`, here on floats. Width first, then height, as torch's separable pass does.
/// Reference: PyTorch aten/src/ATen/native/UpSample.h (`area_pixel_compute_source_index`,
/// `get_cubic_upsample_coefficients`) and cpu/UpSampleKernel.cpp.
enum PositionInterpolation {
    /// `grid`: `[inSide, inSide, D]` row-major; returns `[outSide, outSide, D]`.
    static func bicubic(
        _ grid: UnsafePointer<Float>, side inSide: Int, width d: Int, to outSide: Int,
        antialias: Bool
    ) -> [Float] {
        let taps = antialias ? antialiasTaps(inSize: inSide, outSize: outSide) : cubicTaps(inSize: inSide, outSize: outSide)
        // Along the width: [inSide, outSide, D].
        var rows = [Float](repeating: 0, count: inSide * outSide * d)
        for y in 0..<inSide {
            for x in 0..<outSide {
                let out = y * outSide * d + x * d
                for (index, weight) in taps[x] {
                    let src = grid + (y * inSide + index) * d
                    for c in 0..<d { rows[out + c] += weight * src[c] }
                }
            }
        }
        // Along the height: [outSide, outSide, D].
        var result = [Float](repeating: 0, count: outSide * outSide * d)
        for y in 0..<outSide {
            for x in 0..<outSide {
                let out = (y * outSide + x) * d
                for (index, weight) in taps[y] {
                    let src = (index * outSide + x) * d
                    for c in 0..<d { result[out + c] += weight * rows[src + c] }
                }
            }
        }
        return result
    }

    /// Four taps per output of Keys' cubic (a = −0.75), indices clamped to the input.
    static func cubicTaps(inSize: Int, outSize: Int) -> [[(Int, Float)]] {
        let a: Float = -0.75
        let scale = Float(inSize) / Float(outSize)
        func near(_ x: Float) -> Float { ((a + 2) * x - (a + 3)) * x * x + 1 }  // |x| ≤ 1
        func far(_ x: Float) -> Float { ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }  // 1 < |x| < 2
        return (0..<outSize).map { i in
            let source = scale * (Float(i) + 0.5) - 0.5
            let floorIndex = source.rounded(.down)
            let t = source - floorIndex
            let weights = [far(t + 1), near(t), near(1 - t), far(2 - t)]
            return (0..<4).map { j in (min(max(Int(floorIndex) - 1 + j, 0), inSize - 1), weights[j]) }
        }
    }

    /// The antialiased filter's taps (a = −0.5, support 2 · max(scale, 1)), normalised.
    static func antialiasTaps(inSize: Int, outSize: Int) -> [[(Int, Float)]] {
        let scale = Float(inSize) / Float(outSize)
        let support: Float = scale >= 1 ? 2 * scale : 2
        let invScale: Float = scale >= 1 ? 1 / scale : 1
        func filter(_ xIn: Float) -> Float {
            let a: Float = -0.5, x = abs(xIn)
            if x < 1 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
            if x < 2 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
            return 0
        }
        return (0..<outSize).map { i in
            let center = scale * (Float(i) + 0.5)
            let lo = max(Int(center - support + 0.5), 0)
            let hi = min(Int(center + support + 0.5), inSize)
            var taps = (lo..<hi).map { j in (j, filter((Float(j) - center + 0.5) * invScale)) }
            let total = taps.reduce(Float(0)) { $0 + $1.1 }
            if total != 0 { taps = taps.map { ($0.0, $0.1 / total) } }
            return taps
        }
    }
}
