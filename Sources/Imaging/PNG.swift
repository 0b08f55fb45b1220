import CCodecs

/// PNG through libpng, with Pillow's conversions to RGB done here: gray is replicated, alpha
/// dropped (not composited), and 16-bit samples reduced as Pillow does: the high byte for
/// colour and gray+alpha images; for plain 16-bit gray (Pillow's "I;16") values clip at 255.
enum PNGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> RGBImage {
        // IHDR is the first chunk: signature (8), length (4), "IHDR" (4), width, height (4 + 4,
        // big-endian). Checked before libpng allocates the rows.
        if data.count >= 24, data[12] == 0x49, data[13] == 0x48, data[14] == 0x44, data[15] == 0x52 {
            let be = { (at: Int) in (0..<4).reduce(0) { $0 << 8 | Int(data[at + $1]) } }
            try ImageLimits.check(width: be(16), height: be(20), format: .png)
        }
        var png = ccodecs_png()
        var message = [CChar](repeating: 0, count: 256)
        let status = ccodecs_png_decode(data.bindMemory(to: UInt8.self).baseAddress!, data.count,
                                        &png, &message, message.count)
        guard status == 0 else {
            let text = String(cString: message)
            if text.contains("truncated") || text.contains("Read Error") || text.contains("Not enough image data") {
                throw ImageDecodingError.truncated(.png)
            }
            throw ImageDecodingError.corrupt(.png, text)
        }
        defer { ccodecs_free(png.pixels) }
        let width = Int(png.width), height = Int(png.height)
        let channels = Int(png.channels), wide = png.bit_depth == 16
        let bytesPerSample = wide ? 2 : 1
        var rgb = [UInt8](repeating: 0, count: width * height * 3)
        rgb.withUnsafeMutableBufferPointer { out in
            for y in 0..<height {
                let row = png.pixels + y * png.row_bytes
                for x in 0..<width {
                    let pixel = row + x * channels * bytesPerSample
                    let o = (y * width + x) * 3
                    if channels <= 2 {
                        let v: UInt8
                        if wide && channels == 1 {
                            v = pixel[0] == 0 ? pixel[1] : 255
                        } else {
                            v = pixel[0]
                        }
                        out[o] = v; out[o + 1] = v; out[o + 2] = v
                    } else {
                        out[o] = pixel[0]
                        out[o + 1] = pixel[bytesPerSample]
                        out[o + 2] = pixel[2 * bytesPerSample]
                    }
                }
            }
        }
        return RGBImage(width: width, height: height, pixels: rgb)
    }
}
