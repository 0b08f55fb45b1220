/// An image in the mode Pillow opens it in, before any conversion: what `Image.open` gives.
///
/// OpenAI's `clip.load` preprocess resizes the image in this mode and converts it to RGB only
/// after the centre crop, so the mode decides the arithmetic: palette and 1-bit images are
/// resized by nearest neighbour, images with alpha with premultiplied alpha, 16-bit gray in 16
/// bits. Modes are those Pillow gives JPEG, PNG and WebP files, and the rest `Image.open` can give
/// (PA, YCbCr, I, F: other formats, or images made in code), so every mode runs Pillow's arithmetic.
public struct PillowImage: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// 1-bit (stored as 0 or 255 per pixel, as Pillow unpacks it).
        case one = "1"
        case L, LA, P, PA, RGB, RGBA, CMYK, YCbCr
        /// 16-bit gray, one UInt16 per pixel (in `samples16`).
        case I16 = "I;16"
        /// 32-bit signed integers (in `samplesI`) and 32-bit floats (in `samplesF`).
        case I, F

        /// Bytes per pixel in `samples` (0 for I;16).
        public var bands: Int {
            switch self {
            case .one, .L, .P: return 1
            case .LA, .PA: return 2
            case .RGB, .YCbCr: return 3
            case .RGBA, .CMYK: return 4
            case .I16, .I, .F: return 0
            }
        }
    }

    public let mode: Mode
    public let width: Int
    public let height: Int
    /// `height * width * bands` bytes, interleaved; for P, palette indices.
    public var samples: [UInt8]
    /// I;16 only: `height * width` values.
    public var samples16: [UInt16]
    /// I only, and F only: `height * width` values.
    public var samplesI: [Int32]
    public var samplesF: [Float]
    /// P and PA: 256 RGB triples (entries the file does not give stay black, as Pillow starts them).
    public var palette: [UInt8]
    /// A PNG's tRNS chunk, as Pillow keeps it in `info["transparency"]`: an alpha per palette
    /// entry, or one transparent colour (as stored in the file). `convert("RGB")` ignores it;
    /// transformers' `convert_to_rgb` does not.
    public var transparency: Transparency?

    public enum Transparency: Sendable, Equatable {
        case paletteAlpha([UInt8])
        case color([UInt16])
    }

    public init(
        mode: Mode, width: Int, height: Int, samples: [UInt8] = [], samples16: [UInt16] = [], samplesI: [Int32] = [],
        samplesF: [Float] = [], palette: [UInt8] = [], transparency: Transparency? = nil
    ) {
        let count = mode == .I16 ? samples16.count : mode == .I ? samplesI.count : mode == .F ? samplesF.count : samples.count
        precondition(count == width * height * max(mode.bands, 1), "PillowImage \(mode.rawValue): wrong sample count for \(width)x\(height)")
        self.samplesI = samplesI
        self.samplesF = samplesF
        self.mode = mode
        self.width = width
        self.height = height
        self.samples = samples
        self.samples16 = samples16
        self.palette = mode == .P || mode == .PA ? Self.fullPalette(palette) : []
        self.transparency = transparency
    }

    /// Pillow starts a palette black and overwrites the entries the file gives.
    static func fullPalette(_ given: [UInt8]) -> [UInt8] {
        var full = [UInt8](repeating: 0, count: 768)
        full.replaceSubrange(0..<min(given.count, 768), with: given.prefix(768))
        return full
    }

    /// The same image in another size, with samples laid out for that size.
    func with(
        width: Int, height: Int, samples: [UInt8] = [], samples16: [UInt16] = [], samplesI: [Int32] = [],
        samplesF: [Float] = []
    ) -> PillowImage {
        PillowImage(
            mode: mode, width: width, height: height, samples: samples, samples16: samples16, samplesI: samplesI,
            samplesF: samplesF, palette: palette, transparency: transparency)
    }

    /// `Image.convert("RGB")`, as Pillow's Convert.c does it for each mode.
    public func convertedToRGB() -> RGBImage {
        let n = width * height
        var rgb = [UInt8](repeating: 0, count: n * 3)
        switch mode {
        case .RGB:
            rgb = samples
        case .one, .L, .LA:
            let step = mode.bands
            for i in 0..<n {
                let v = mode == .one ? (samples[i] != 0 ? 255 : 0) : samples[i * step]
                rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
            }
        case .P, .PA:
            let step = mode.bands
            for i in 0..<n {
                let p = Int(samples[i * step]) * 3
                rgb[3 * i] = palette[p]; rgb[3 * i + 1] = palette[p + 1]; rgb[3 * i + 2] = palette[p + 2]
            }
        case .RGBA:
            for i in 0..<n { for c in 0..<3 { rgb[3 * i + c] = samples[4 * i + c] } }
        case .CMYK:
            // Pillow's cmyk2rgb: 255 - k scaled, less the ink: nk - MULDIV255(ink, nk).
            for i in 0..<n {
                let nk = 255 - Int(samples[4 * i + 3])
                for c in 0..<3 {
                    let t = Int(samples[4 * i + c]) * nk + 128
                    rgb[3 * i + c] = UInt8(clamping: nk - (((t >> 8) + t) >> 8))
                }
            }
        case .I16:
            // I;16 → L keeps values below 256 and clips the rest to 255.
            for i in 0..<n {
                let v = samples16[i] < 256 ? UInt8(samples16[i]) : 255
                rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
            }
        case .I:
            for i in 0..<n {
                let v = UInt8(clamping: samplesI[i])
                rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
            }
        case .F:
            // F → L: clipped to 0...255, else truncated.
            for i in 0..<n {
                let f = samplesF[i]
                let v: UInt8 = f <= 0 ? 0 : (f >= 255 ? 255 : UInt8(f))
                rgb[3 * i] = v; rgb[3 * i + 1] = v; rgb[3 * i + 2] = v
            }
        case .YCbCr:
            for i in 0..<n {
                let y = Int(samples[3 * i]), cb = Int(samples[3 * i + 1]), cr = Int(samples[3 * i + 2])
                let r = y + (YCbCr.rCr[cr] >> 6), g = y + ((YCbCr.gCb[cb] + YCbCr.gCr[cr]) >> 6), b = y + (YCbCr.bCb[cb] >> 6)
                rgb[3 * i] = UInt8(clamping: r); rgb[3 * i + 1] = UInt8(clamping: g); rgb[3 * i + 2] = UInt8(clamping: b)
            }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }

    /// The sub-image `[left, left + w) x [top, top + h)`; the box must lie inside.
    public func cropped(left: Int, top: Int, width w: Int, height h: Int) -> PillowImage {
        precondition(left >= 0 && top >= 0 && left + w <= width && top + h <= height)
        if mode == .I || mode == .F {
            var ints = [Int32](), floats = [Float]()
            for y in 0..<h {
                let start: Int = (top + y) * width + left
                if mode == .I { ints += samplesI[start..<(start + w)] } else { floats += samplesF[start..<(start + w)] }
            }
            return with(width: w, height: h, samplesI: ints, samplesF: floats)
        }
        if mode == .I16 {
            var out = [UInt16](); out.reserveCapacity(w * h)
            for y in 0..<h {
                let start: Int = (top + y) * width + left
                out += samples16[start..<(start + w)]
            }
            return with(width: w, height: h, samples16: out)
        }
        let b = mode.bands
        var out = [UInt8](); out.reserveCapacity(w * h * b)
        for y in 0..<h {
            let start: Int = ((top + y) * width + left) * b
            out += samples[start..<(start + w * b)]
        }
        return with(width: w, height: h, samples: out)
    }

    /// transformers' `convert_to_rgb`: an image with alpha or a transparency is converted to RGBA
    /// and composited onto white (`Image.alpha_composite`), others converted as `convert("RGB")`.
    public func compositedOnWhite() -> RGBImage {
        let hasAlpha = mode == .LA || mode == .RGBA || mode == .PA || transparency != nil
        guard hasAlpha else { return convertedToRGB() }
        let rgb = convertedToRGB().pixels
        let n = width * height
        var alpha = [UInt8](repeating: 255, count: n)
        switch (mode, transparency) {
        case (.LA, _), (.PA, _): for i in 0..<n { alpha[i] = samples[2 * i + 1] }
        case (.RGBA, _): for i in 0..<n { alpha[i] = samples[4 * i + 3] }
        case (.P, .paletteAlpha(let table)?):
            for i in 0..<n { let p = Int(samples[i]); alpha[i] = p < table.count ? table[p] : 255 }
        case (.one, .color(let c)?), (.L, .color(let c)?):
            for i in 0..<n where UInt16(samples[i]) == c[0] { alpha[i] = 0 }
        case (.I16, .color(let c)?):
            for i in 0..<n where samples16[i] == c[0] { alpha[i] = 0 }
        case (.RGB, .color(let c)?):
            for i in 0..<n where UInt16(samples[3 * i]) == c[0] && UInt16(samples[3 * i + 1]) == c[1] && UInt16(samples[3 * i + 2]) == c[2] {
                alpha[i] = 0
            }
        default: break
        }
        // Pillow's ImagingAlphaComposite with an opaque white destination (PRECISION_BITS 7).
        var out = [UInt8](repeating: 255, count: n * 3)
        for i in 0..<n {
            let a = UInt32(alpha[i])
            guard a != 0 else { continue }
            let coef1 = a * 255 * 255 * 128 / (255 * 255)
            let coef2 = 255 * 128 - coef1
            for c in 0..<3 {
                let t = UInt32(rgb[3 * i + c]) * coef1 + 255 * coef2 + (0x80 << 7)
                out[3 * i + c] = UInt8(min(255, (((t >> 8) + t) >> 8) >> 7))
            }
        }
        return RGBImage(width: width, height: height, pixels: out)
    }
}

/// Pillow's YCbCr → RGB: JFIF's equations in 6-bit fixed point, each table entry
/// `(int)((i − 128) · k · 64 + 0.5)` (C truncation), R = Y + (Cr term >> 6) and so on, clipped.
enum YCbCr {
    static func table(_ k: Double) -> [Int] { (0..<256).map { Int((Double($0 - 128) * k * 64 + 0.5)) } }
    static let rCr = table(1.40200)
    static let gCb = table(-0.34414)
    static let gCr = table(-0.71414)
    static let bCb = table(1.77200)
}
