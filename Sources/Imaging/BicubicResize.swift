/// Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit RGB, ported to give the same bytes, and
/// the filter weights every mode's resize uses (the passes themselves are ModeResize's).
///
/// Pillow resamples separably: a horizontal pass into an 8-bit temporary image (only the rows the
/// vertical pass will read), then a vertical pass (in Pillow 13, sometimes the other way round).
/// Filter weights are computed in double
/// precision, normalised to sum 1, and turned into 22-bit fixed point (rounded half away from
/// zero); each output sample is `(0.5 + sum(in * w)) >> 22`, clipped to 0...255. Any departure in
/// that arithmetic changes some bytes, so it is followed to the letter.
/// Reference: Pillow, src/libImaging/Resample.c (precompute_coeffs, normalize_coeffs_8bpc,
/// ImagingResampleInner), as of Pillow 13.
public enum BicubicResize {
    static let precisionBits = 32 - 8 - 2

    /// Resizes to `width` x `height` (both at least 1): ModeResize's 8-bit passes over 3 bands.
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0)
        if width == image.width && height == image.height { return image }
        return RGBImage(
            width: width, height: height,
            pixels: ModeResize.resample8(
                image.pixels, bands: 3, width: image.width, height: image.height,
                outWidth: width, outHeight: height))
    }

    /// The weights of one axis: for output index i, input indices `bounds[2i] ..< bounds[2i] + bounds[2i+1]`
    /// with weights `weights[i * size ...]`.
    struct FilterTaps {
        let size: Int
        var bounds: [Int32]
        let weights: [Int32]
        /// The normalised weights before fixed point: what Pillow's 16- and 32-bit passes use.
        let doubles: [Double]
        /// Fraction bits of `weights`: Pillow's fixed 22; torch picks them per axis (TorchResize).
        var precision = BicubicResize.precisionBits

        init(size: Int, bounds: [Int32], weights: [Int32], precision: Int) {
            self.size = size
            self.bounds = bounds
            self.weights = weights
            self.doubles = []
            self.precision = precision
        }

        init(inSize: Int, outSize: Int) {
            // Pillow passes the box as floats; (in1 - in0) is exact for any real image size.
            let scale = Double(Float(inSize) - Float(0)) / Double(outSize)
            let filterScale = max(scale, 1.0)
            let support = 2.0 * filterScale  // bicubic support is 2
            let size = Int(support.rounded(.up)) * 2 + 1
            var bounds = [Int32](repeating: 0, count: outSize * 2)
            var weights = [Int32](repeating: 0, count: outSize * size)
            var doubles = [Double](repeating: 0, count: outSize * size)
            var k = [Double](repeating: 0, count: size)
            let one = Double(1 << BicubicResize.precisionBits)
            for xx in 0..<outSize {
                let center = 0.0 + (Double(xx) + 0.5) * scale
                let ss = 1.0 / filterScale
                let xmin = max(Int(center - support + 0.5), 0)
                let xmax = min(Int(center + support + 0.5), inSize) - xmin
                var ww = 0.0
                for x in 0..<xmax {
                    let w = BicubicResize.cubic((Double(x + xmin) - center + 0.5) * ss)
                    k[x] = w
                    ww += w
                }
                for x in 0..<size {
                    var w = x < xmax ? k[x] : 0
                    if x < xmax && ww != 0.0 { w /= ww }
                    doubles[xx * size + x] = w
                    weights[xx * size + x] = w < 0 ? Int32(-0.5 + w * one) : Int32(0.5 + w * one)
                }
                bounds[2 * xx] = Int32(xmin)
                bounds[2 * xx + 1] = Int32(xmax)
            }
            self.size = size
            self.bounds = bounds
            self.weights = weights
            self.doubles = doubles
        }
    }

    /// Keys' cubic convolution kernel with a = -0.5, as Pillow evaluates it.
    @inline(__always)
    static func cubic(_ xIn: Double) -> Double {
        let a = -0.5
        let x = xIn < 0.0 ? -xIn : xIn
        if x < 1.0 { return ((a + 2.0) * x - (a + 3.0)) * x * x + 1 }
        if x < 2.0 { return (((x - 5) * x + 8) * x - 4) * a }
        return 0.0
    }

    @inline(__always)
    static func clip8(_ value: Int32, precision: Int = precisionBits) -> UInt8 {
        let v = value >> Int32(precision)
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
    }
}
