/// Pillow's `Image.resize(size, Image.BICUBIC)` for 8-bit RGB, ported to give the same bytes.
///
/// Pillow resamples separably: a horizontal pass into an 8-bit temporary image (only the rows the
/// vertical pass will read), then a vertical pass. Filter weights are computed in double
/// precision, normalised to sum 1, and turned into 22-bit fixed point (rounded half away from
/// zero); each output sample is `(0.5 + sum(in * w)) >> 22`, clipped to 0...255. Any departure in
/// that arithmetic changes some bytes, so it is followed to the letter.
/// Reference: Pillow, src/libImaging/Resample.c (precompute_coeffs, normalize_coeffs_8bpc,
/// ImagingResampleInner), as of Pillow 13.
public enum BicubicResize {
    static let precisionBits = 32 - 8 - 2

    /// Resizes to `width` x `height` (both at least 1).
    public static func resize(_ image: RGBImage, width: Int, height: Int) -> RGBImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0)
        let needHorizontal = width != image.width
        let needVertical = height != image.height
        if !needHorizontal && !needVertical { return image }

        // Pillow 13 runs the vertical pass first when the height shrinks by more than twice
        // as many pixels as the width does; the order changes some bytes, so it is kept.
        let horizontalFirst = !((image.height - height) > 0 && (image.height - height) > (image.width - width) * 2)
        var vertical = FilterTaps(inSize: image.height, outSize: height)
        let horizontal = FilterTaps(inSize: image.width, outSize: width)
        var current = image
        if horizontalFirst {
            if needHorizontal {
                // Only the rows the vertical pass reads are resampled.
                let firstRow = Int(vertical.bounds[0])
                let lastRow = Int(vertical.bounds[2 * height - 2] + vertical.bounds[2 * height - 1])
                for i in 0..<height { vertical.bounds[2 * i] -= Int32(firstRow) }
                current = resampleHorizontally(current, rows: firstRow..<lastRow, taps: horizontal)
            }
            if needVertical { current = resampleVertically(current, outHeight: height, taps: vertical) }
        } else {
            if needVertical { current = resampleVertically(current, outHeight: height, taps: vertical) }
            if needHorizontal { current = resampleHorizontally(current, rows: 0..<current.height, taps: horizontal) }
        }
        return current
    }

    /// The weights of one axis: for output index i, input indices `bounds[2i] ..< bounds[2i] + bounds[2i+1]`
    /// with weights `weights[i * size ...]`.
    struct FilterTaps {
        let size: Int
        var bounds: [Int32]
        let weights: [Int32]
        /// The normalised weights before fixed point: what Pillow's 16- and 32-bit passes use.
        let doubles: [Double]

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
    static func clip8(_ value: Int32) -> UInt8 {
        let v = value >> Int32(precisionBits)
        return v < 0 ? 0 : (v > 255 ? 255 : UInt8(v))
    }

    static func resampleHorizontally(_ image: RGBImage, rows: Range<Int>, taps: FilterTaps) -> RGBImage {
        let outWidth = taps.bounds.count / 2
        let inWidth = image.width
        var out = [UInt8](repeating: 0, count: rows.count * outWidth * 3)
        let half = Int32(1) << Int32(precisionBits - 1)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { weights in
                taps.bounds.withUnsafeBufferPointer { bounds in
                    out.withUnsafeMutableBufferPointer { dst in
                        for (yy, y) in rows.enumerated() {
                            let row = src.baseAddress! + y * inWidth * 3
                            let outRow = dst.baseAddress! + yy * outWidth * 3
                            for xx in 0..<outWidth {
                                let xmin = Int(bounds[2 * xx]), count = Int(bounds[2 * xx + 1])
                                let k = weights.baseAddress! + xx * taps.size
                                let p = row + xmin * 3
                                var s0 = half, s1 = half, s2 = half
                                for x in 0..<count {
                                    let w = k[x]
                                    s0 &+= Int32(p[3 * x]) &* w
                                    s1 &+= Int32(p[3 * x + 1]) &* w
                                    s2 &+= Int32(p[3 * x + 2]) &* w
                                }
                                outRow[3 * xx] = clip8(s0)
                                outRow[3 * xx + 1] = clip8(s1)
                                outRow[3 * xx + 2] = clip8(s2)
                            }
                        }
                    }
                }
            }
        }
        return RGBImage(width: outWidth, height: rows.count, pixels: out)
    }

    static func resampleVertically(_ image: RGBImage, outHeight: Int, taps: FilterTaps) -> RGBImage {
        let rowLength = image.width * 3
        var out = [UInt8](repeating: 0, count: outHeight * rowLength)
        let half = Int32(1) << Int32(precisionBits - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        image.pixels.withUnsafeBufferPointer { src in
            taps.weights.withUnsafeBufferPointer { weights in
                out.withUnsafeMutableBufferPointer { dst in
                    sums.withUnsafeMutableBufferPointer { acc in
                        for yy in 0..<outHeight {
                            let ymin = Int(taps.bounds[2 * yy]), count = Int(taps.bounds[2 * yy + 1])
                            let k = weights.baseAddress! + yy * taps.size
                            // Row-at-a-time accumulation: the same sums as Pillow's
                            // pixel-at-a-time loop (integer addition is exact), but it vectorises.
                            for i in 0..<rowLength { acc[i] = half }
                            for y in 0..<count {
                                let w = k[y]
                                let row = src.baseAddress! + (ymin + y) * rowLength
                                for i in 0..<rowLength { acc[i] &+= Int32(row[i]) &* w }
                            }
                            let outRow = dst.baseAddress! + yy * rowLength
                            for i in 0..<rowLength { outRow[i] = clip8(acc[i]) }
                        }
                    }
                }
            }
        }
        return RGBImage(width: image.width, height: outHeight, pixels: out)
    }
}
