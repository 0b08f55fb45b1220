/// An image in the mode Pillow opens it in, before any conversion: what `Image.open` gives.
///
/// OpenAI's `clip.load` preprocess resizes the image in this mode and converts it to RGB only
/// after the centre crop, so the mode decides the arithmetic: palette and 1-bit images are
/// resized by nearest neighbour, images with alpha with premultiplied alpha, 16-bit gray in 16
/// bits. Modes are those Pillow gives JPEG, PNG and WebP files.
public struct PillowImage: Sendable, Equatable {
    public enum Mode: String, Sendable, CaseIterable {
        /// 1-bit (stored as 0 or 255 per pixel, as Pillow unpacks it).
        case one = "1"
        case L, LA, P, RGB, RGBA, CMYK
        /// 16-bit gray, one UInt16 per pixel (in `samples16`).
        case I16 = "I;16"

        /// Bytes per pixel in `samples` (0 for I;16).
        public var bands: Int {
            switch self {
            case .one, .L, .P: return 1
            case .LA: return 2
            case .RGB: return 3
            case .RGBA, .CMYK: return 4
            case .I16: return 0
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
    /// P only: 256 RGB triples (entries the file does not give keep Pillow's initial gray ramp).
    public var palette: [UInt8]
    /// A PNG's tRNS chunk, as Pillow keeps it in `info["transparency"]`: an alpha per palette
    /// entry, or one transparent colour (as stored in the file). `convert("RGB")` ignores it;
    /// transformers' `convert_to_rgb` does not.
    public var transparency: Transparency?

    public enum Transparency: Sendable, Equatable {
        case paletteAlpha([UInt8])
        case color([UInt16])
    }

    public init(mode: Mode, width: Int, height: Int, samples: [UInt8] = [], samples16: [UInt16] = [], palette: [UInt8] = [],
                transparency: Transparency? = nil) {
        precondition(mode == .I16 ? samples16.count == width * height : samples.count == width * height * mode.bands,
                     "PillowImage \(mode.rawValue): wrong sample count for \(width)x\(height)")
        self.mode = mode
        self.width = width
        self.height = height
        self.samples = samples
        self.samples16 = samples16
        self.palette = mode == .P ? Self.fullPalette(palette) : []
        self.transparency = transparency
    }

    /// Pillow starts every palette as a gray ramp and overwrites the entries the file gives.
    static func fullPalette(_ given: [UInt8]) -> [UInt8] {
        var full = (0..<256).flatMap { [UInt8($0), UInt8($0), UInt8($0)] }
        full.replaceSubrange(0..<min(given.count, 768), with: given.prefix(768))
        return full
    }

    /// The same image in another size, with samples laid out for that size.
    func with(width: Int, height: Int, samples: [UInt8] = [], samples16: [UInt16] = []) -> PillowImage {
        PillowImage(mode: mode, width: width, height: height, samples: samples, samples16: samples16, palette: palette,
                    transparency: transparency)
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
        case .P:
            for i in 0..<n {
                let p = Int(samples[i]) * 3
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
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }

    /// The sub-image `[left, left + w) x [top, top + h)`; the box must lie inside.
    public func cropped(left: Int, top: Int, width w: Int, height h: Int) -> PillowImage {
        precondition(left >= 0 && top >= 0 && left + w <= width && top + h <= height)
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
        let hasAlpha = mode == .LA || mode == .RGBA || transparency != nil
        guard hasAlpha else { return convertedToRGB() }
        let rgb = convertedToRGB().pixels
        let n = width * height
        var alpha = [UInt8](repeating: 255, count: n)
        switch (mode, transparency) {
        case (.LA, _): for i in 0..<n { alpha[i] = samples[2 * i + 1] }
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
