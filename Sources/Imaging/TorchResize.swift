/// torch's antialiased bicubic resize of uint8 images, `interpolate(x, mode="bicubic",
/// antialias=True)` as torchvision's `resize` runs it on a uint8 tensor on the CPU, to the byte.
///
/// transformers 5's CLIPImageProcessor resizes this way (its torchvision backend), so its pixels
/// differ from Pillow's by a grey level here and there. The filter is Pillow's, but the kernel
/// differs in three ways that change bytes: the weights are normalised in double precision with
/// the cubic written as `((a·x − 5a)·x + 8a)·x − 4a` (ATen's `cubic_convolution2`), they are
/// stored as int16 with as many fraction bits as the largest weight of the axis allows (not
/// Pillow's fixed 22), and the width is always resampled first, over every row.
/// Reference: PyTorch aten/src/ATen/native/cpu/UpSampleKernel.cpp (`_compute_index_ranges_weights`,
/// `_compute_index_ranges_int16_weights`) and UpSampleKernelAVXAntialias.h.
public enum TorchResize {
    static func cubic(_ xIn: Double) -> Double {
        let a = -0.5
        let x = abs(xIn)
        if x < 1.0 { return ((a + 2) * x - (a + 3)) * x * x + 1 }
        if x < 2.0 { return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a }
        return 0
    }

    /// The axis' weights as int16 values with torch's precision, in BicubicResize's form.
    static func taps(inSize: Int, outSize: Int) -> BicubicResize.FilterTaps {
        let scale = Double(inSize) / Double(outSize)
        let support = scale >= 1.0 ? 2.0 * scale : 2.0
        let invscale = scale >= 1.0 ? 1.0 / scale : 1.0
        let size = Int(support.rounded(.up)) * 2 + 1
        var bounds = [Int32](repeating: 0, count: 2 * outSize)
        var weights = [Double](repeating: 0, count: outSize * size)
        var wtMax = 0.0
        for i in 0..<outSize {
            let center = scale * (Double(i) + 0.5)
            let xmin = max(Int(center - support + 0.5), 0)
            let count = min(Int(center + support + 0.5), inSize) - xmin
            var total = 0.0
            for j in 0..<count {
                let w = cubic((Double(j + xmin) - center + 0.5) * invscale)
                weights[i * size + j] = w
                total += w
            }
            if total != 0.0 {
                for j in 0..<count {
                    weights[i * size + j] /= total
                    wtMax = max(wtMax, weights[i * size + j])
                }
            }
            bounds[2 * i] = Int32(xmin)
            bounds[2 * i + 1] = Int32(count)
        }
        var precision = 0
        while precision < 22 {
            if Int(0.5 + wtMax * Double(1 << (precision + 1))) >= 1 << 15 { break }
            precision += 1
        }
        let one = Double(1 << precision)
        let fixed = weights.map { w -> Int32 in
            let v = w * one
            return v < 0 ? Int32(-0.5 + v) : Int32(0.5 + v)
        }
        return BicubicResize.FilterTaps(size: size, bounds: bounds, weights: fixed, precision: precision)
    }

    /// Resizes an RGB image to `width` x `height`: the width first, over every row, then the height.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0)
        var pixels = image.pixels
        if width != image.width {
            pixels = ModeResize.horizontal8(
                pixels, bands: 3, width: image.width, rows: 0..<image.height,
                taps: taps(inSize: image.width, outSize: width))
        }
        if height != image.height {
            pixels = ModeResize.vertical8(pixels, rowLength: width * 3, taps: taps(inSize: image.height, outSize: height))
        }
        return RGBImage(width: width, height: height, pixels: pixels)
    }
}
