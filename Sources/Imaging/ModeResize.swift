/// `Image.resize(size, BICUBIC)` for every mode `PillowImage` holds, as Pillow 13 does it:
/// - "1" and "P": nearest neighbour (Pillow switches to NEAREST for them), through its
///   ImagingScaleAffine: source position `(x + 0.5) · in/out`, accumulated step by step in double
///   precision and truncated;
/// - "LA" and "RGBA": premultiplied ("La", "RGBa": MULDIV255), resized, then divided back
///   (`255 · c / a`, clipped), as Image.resize converts around the resample;
/// - "L", "RGB", "CMYK" (and the premultiplied forms): the 8-bit fixed-point passes of
///   `BicubicResize`, over 1 to 4 bands;
/// - "I;16": the 16-bit passes, double-precision weights, `ROUND_UP` and Pillow's byte-wise clip.
/// Pass order and the rows the first pass computes are BicubicResize's.
/// Reference: Pillow src/PIL/Image.py (resize), src/libImaging/Resample.c, Geometry.c, Convert.c.
public enum ModeResize {
    public static func resize(_ image: PillowImage, width: Int, height: Int) -> PillowImage {
        precondition(width > 0 && height > 0 && image.width > 0 && image.height > 0)
        if width == image.width && height == image.height { return image }
        switch image.mode {
        case .one, .P:
            return nearest(image, width: width, height: height)
        case .LA, .RGBA:
            let premultiplied = premultiply(image)
            let resized = resample8(
                premultiplied, bands: image.mode.bands, width: image.width, height: image.height,
                outWidth: width, outHeight: height)
            return image.with(width: width, height: height, samples: unpremultiply(resized, bands: image.mode.bands))
        case .PA:
            // Pillow resamples both bands (the indices too) and the new image has no palette:
            // converted to RGB it is black. Kept, since it is what clip.load computes.
            var resized = image.with(
                width: width, height: height,
                samples: resample8(
                    image.samples, bands: 2, width: image.width, height: image.height,
                    outWidth: width, outHeight: height))
            resized.palette = [UInt8](repeating: 0, count: 768)
            return resized
        case .L, .RGB, .CMYK, .YCbCr:
            return image.with(
                width: width, height: height,
                samples: resample8(
                    image.samples, bands: image.mode.bands, width: image.width, height: image.height,
                    outWidth: width, outHeight: height))
        case .I16:
            let out = resample32(
                image.samples16.map(Double.init), width: image.width, height: image.height,
                outWidth: width, outHeight: height
            ) { Double(store16($0)) }
            return image.with(width: width, height: height, samples16: out.map { UInt16($0) })
        case .I:
            let values = image.samplesI.map(Double.init)
            let out = resample32(values, width: image.width, height: image.height, outWidth: width, outHeight: height) { Double(roundUp($0)) }
            return image.with(width: width, height: height, samplesI: out.map { roundUp($0) })
        case .F:
            // F stores each pass's sums as float32.
            let values = image.samplesF.map(Double.init)
            let out = resample32(values, width: image.width, height: image.height, outWidth: width, outHeight: height) { Double(Float($0)) }
            return image.with(width: width, height: height, samplesF: out.map { Float($0) })
        }
    }

    // MARK: Nearest

    static func nearest(_ image: PillowImage, width: Int, height: Int) -> PillowImage {
        let ax = Double(Float(image.width)) / Double(width), ay = Double(Float(image.height)) / Double(height)
        func coord(_ v: Double) -> Int { v < 0 ? -1 : Int(v) }
        var xin = [Int](repeating: 0, count: width)
        var xo = ax * 0.5
        for x in 0..<width {
            xin[x] = coord(xo)
            xo += ax
        }
        var out = [UInt8](repeating: 0, count: width * height)
        var yo = ay * 0.5
        for y in 0..<height {
            let yi = coord(yo)
            if yi >= 0 && yi < image.height {
                for x in 0..<width where xin[x] >= 0 && xin[x] < image.width {
                    out[y * width + x] = image.samples[yi * image.width + xin[x]]
                }
            }
            yo += ay
        }
        return image.with(width: width, height: height, samples: out)
    }

    // MARK: Premultiplied alpha

    /// The alpha band is the last: L·A / 255 and R·A / 255 … by MULDIV255.
    static func premultiply(_ image: PillowImage) -> [UInt8] {
        let b = image.mode.bands
        var out = image.samples
        for i in stride(from: 0, to: out.count, by: b) {
            let alpha = Int(out[i + b - 1])
            for c in 0..<(b - 1) {
                let t = Int(out[i + c]) * alpha + 128
                out[i + c] = UInt8(((t >> 8) + t) >> 8)
            }
        }
        return out
    }

    static func unpremultiply(_ samples: [UInt8], bands b: Int) -> [UInt8] {
        var out = samples
        for i in stride(from: 0, to: out.count, by: b) {
            let alpha = Int(out[i + b - 1])
            guard alpha != 0 && alpha != 255 else { continue }
            for c in 0..<(b - 1) { out[i + c] = UInt8(min(255, 255 * Int(out[i + c]) / alpha)) }
        }
        return out
    }

    // MARK: 8 bits a sample

    static func resample8(_ samples: [UInt8], bands: Int, width: Int, height: Int, outWidth: Int, outHeight: Int) -> [UInt8] {
        resampled(
            width: width, height: height, outWidth: outWidth, outHeight: outHeight, input: samples,
            horizontal: { src, rows, taps in horizontal8(src, bands: bands, width: width, rows: rows, taps: taps) },
            vertical: { src, w, taps in vertical8(src, rowLength: w * bands, taps: taps) })
    }

    static func horizontal8(_ src: [UInt8], bands: Int, width: Int, rows: Range<Int>, taps: BicubicResize.FilterTaps) -> [UInt8] {
        let outWidth = taps.bounds.count / 2
        var out = [UInt8](repeating: 0, count: rows.count * outWidth * bands)
        let precision = taps.precision, half = Int32(1) << Int32(precision - 1)
        src.withUnsafeBufferPointer { srcBuffer in
            taps.weights.withUnsafeBufferPointer { weightBuffer in
                taps.bounds.withUnsafeBufferPointer { bounds in
                    out.withUnsafeMutableBufferPointer { dst in
                        let input = srcBuffer.baseAddress!, weights = weightBuffer.baseAddress!, output = dst.baseAddress!
                        for (yy, y) in rows.enumerated() {
                            let row = input + y * width * bands
                            let outRow = output + yy * outWidth * bands
                            for xx in 0..<outWidth {
                                let xmin = Int(bounds[2 * xx]), count = Int(bounds[2 * xx + 1])
                                let k = weights + xx * taps.size
                                let p = row + xmin * bands
                                // Four accumulators, whatever the bands: the unused ones cost nothing next to
                                // a loop over bands, and the sums are the same integers Pillow adds.
                                var s0 = half, s1 = half, s2 = half, s3 = half
                                switch bands {
                                case 1:
                                    for x in 0..<count { s0 &+= Int32(p[x]) &* k[x] }
                                case 2:
                                    for x in 0..<count { let w = k[x]; s0 &+= Int32(p[2 * x]) &* w; s1 &+= Int32(p[2 * x + 1]) &* w }
                                case 3:
                                    for x in 0..<count {
                                        let w = k[x]
                                        s0 &+= Int32(p[3 * x]) &* w; s1 &+= Int32(p[3 * x + 1]) &* w; s2 &+= Int32(p[3 * x + 2]) &* w
                                    }
                                default:
                                    for x in 0..<count {
                                        let w = k[x]
                                        s0 &+= Int32(p[4 * x]) &* w; s1 &+= Int32(p[4 * x + 1]) &* w
                                        s2 &+= Int32(p[4 * x + 2]) &* w; s3 &+= Int32(p[4 * x + 3]) &* w
                                    }
                                }
                                let o = outRow + xx * bands
                                o[0] = BicubicResize.clip8(s0, precision: precision)
                                if bands > 1 { o[1] = BicubicResize.clip8(s1, precision: precision) }
                                if bands > 2 { o[2] = BicubicResize.clip8(s2, precision: precision) }
                                if bands > 3 { o[3] = BicubicResize.clip8(s3, precision: precision) }
                            }
                        }
                    }
                }
            }
        }
        return out
    }

    static func vertical8(_ src: [UInt8], rowLength: Int, taps: BicubicResize.FilterTaps) -> [UInt8] {
        let outHeight = taps.bounds.count / 2
        var out = [UInt8](repeating: 0, count: outHeight * rowLength)
        let precision = taps.precision, half = Int32(1) << Int32(precision - 1)
        var sums = [Int32](repeating: 0, count: rowLength)
        src.withUnsafeBufferPointer { srcBuffer in
            out.withUnsafeMutableBufferPointer { dst in
                sums.withUnsafeMutableBufferPointer { acc in
                    let input = srcBuffer.baseAddress!
                    for yy in 0..<outHeight {
                        let ymin = Int(taps.bounds[2 * yy]), count = Int(taps.bounds[2 * yy + 1])
                        // Row at a time: the same integer sums as Pillow's pixel loop, vectorised.
                        for i in 0..<rowLength { acc[i] = half }
                        for y in 0..<count {
                            let w = taps.weights[yy * taps.size + y], row = input + (ymin + y) * rowLength
                            for i in 0..<rowLength { acc[i] &+= Int32(row[i]) &* w }
                        }
                        let outRow = dst.baseAddress! + yy * rowLength
                        for i in 0..<rowLength { outRow[i] = BicubicResize.clip8(acc[i], precision: precision) }
                    }
                }
            }
        }
        return out
    }

    // MARK: 16 and 32 bits a sample

    /// ROUND_UP, then each byte clipped on its own (`CLIP8(v % 256)`, `CLIP8(v >> 8)`), as Pillow stores it.
    static func store16(_ ss: Double) -> UInt16 {
        let v = Int32(ss >= 0 ? ss + 0.5 : ss - 0.5)
        let low = min(max(v % 256, 0), 255), high = min(max(v >> 8, 0), 255)
        return UInt16(high) << 8 | UInt16(low)
    }

    /// ROUND_UP: `(int)(f + 0.5)` or `(int)(f - 0.5)`, truncating.
    static func roundUp(_ f: Double) -> Int32 { Int32(clamping: Int((f >= 0 ? f + 0.5 : f - 0.5).rounded(.towardZero))) }

    /// Pillow's 16- and 32-bit passes: double-precision sums, each stored (`store`) as the mode
    /// keeps it (I;16's bytes, I's ROUND_UP, F's float32).
    static func resample32(
        _ values: [Double], width: Int, height: Int, outWidth: Int, outHeight: Int,
        store: @escaping (Double) -> Double
    ) -> [Double] {
        resampled(
            width: width, height: height, outWidth: outWidth, outHeight: outHeight, input: values,
            horizontal: { src, rows, taps in
                let ow = taps.bounds.count / 2
                var out = [Double](repeating: 0, count: rows.count * ow)
                for (yy, y) in rows.enumerated() {
                    for xx in 0..<ow {
                        let xmin = Int(taps.bounds[2 * xx]), count = Int(taps.bounds[2 * xx + 1])
                        var ss = 0.0
                        for x in 0..<count { ss += src[y * width + xmin + x] * taps.doubles[xx * taps.size + x] }
                        out[yy * ow + xx] = store(ss)
                    }
                }
                return out
            },
            vertical: { src, w, taps in
                let oh = taps.bounds.count / 2
                var out = [Double](repeating: 0, count: oh * w)
                for yy in 0..<oh {
                    let ymin = Int(taps.bounds[2 * yy]), count = Int(taps.bounds[2 * yy + 1])
                    for xx in 0..<w {
                        var ss = 0.0
                        for y in 0..<count { ss += src[(ymin + y) * w + xx] * taps.doubles[yy * taps.size + y] }
                        out[yy * w + xx] = store(ss)
                    }
                }
                return out
            })
    }

    // MARK: The two passes

    /// Pillow's ImagingResampleInner: which pass first, and only the rows the second pass reads.
    static func resampled<T>(
        width: Int, height: Int, outWidth: Int, outHeight: Int, input: [T],
        horizontal: ([T], Range<Int>, BicubicResize.FilterTaps) -> [T],
        vertical: ([T], Int, BicubicResize.FilterTaps) -> [T]
    ) -> [T] {
        let needHorizontal = outWidth != width, needVertical = outHeight != height
        let horizontalFirst = !((height - outHeight) > 0 && (height - outHeight) > (width - outWidth) * 2)
        var verticalTaps = BicubicResize.FilterTaps(inSize: height, outSize: outHeight)
        let horizontalTaps = BicubicResize.FilterTaps(inSize: width, outSize: outWidth)
        var current = input
        if horizontalFirst {
            if needHorizontal {
                var rows = 0..<height
                if needVertical {
                    let first = Int(verticalTaps.bounds[0])
                    let last = Int(verticalTaps.bounds[2 * outHeight - 2] + verticalTaps.bounds[2 * outHeight - 1])
                    for i in 0..<outHeight { verticalTaps.bounds[2 * i] -= Int32(first) }
                    rows = first..<last
                }
                current = horizontal(current, rows, horizontalTaps)
            }
            if needVertical { current = vertical(current, outWidth, verticalTaps) }
        } else {
            if needVertical { current = vertical(current, width, verticalTaps) }
            if needHorizontal { current = horizontal(current, 0..<outHeight, horizontalTaps) }
        }
        return current
    }
}
