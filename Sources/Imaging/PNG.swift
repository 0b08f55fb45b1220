import CCodecs

/// PNG through libpng, in the mode Pillow opens it: "P" with its palette, "1", "L", "LA", "I;16"
/// for 16-bit gray, "RGB", "RGBA"; 16-bit colour and gray+alpha keep the high byte of each
/// sample, as Pillow's rawmodes do (16-bit gray+alpha becomes RGBA).
enum PNGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> PillowImage {
        // IHDR is the first chunk: signature (8), length (4), "IHDR" (4), width, height (4 + 4,
        // big-endian). Checked before libpng allocates the rows.
        if data.count >= 24, data[12] == 0x49, data[13] == 0x48, data[14] == 0x44, data[15] == 0x52 {
            let be = { (at: Int) in (0..<4).reduce(0) { $0 << 8 | Int(data[at + $1]) } }
            try ImageLimits.check(width: be(16), height: be(20), format: .png)
        }
        var png = ccodecs_png()
        var message = [CChar](repeating: 0, count: 256)
        let status = ccodecs_png_decode(
            data.bindMemory(to: UInt8.self).baseAddress!, data.count,
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
        // The mode Pillow's PngImagePlugin gives each colour type and depth.
        let mode: PillowImage.Mode
        switch (png.color_type, png.file_bit_depth) {
        case (3, _): mode = .P
        case (0, 1): mode = .one
        case (0, 16): mode = .I16
        case (0, _): mode = .L
        case (4, 16): mode = .RGBA  // "LA;16B" unpacks to RGBA
        case (4, _): mode = .LA
        case (2, _): mode = .RGB
        default: mode = .RGBA
        }
        func sample(_ pixel: UnsafeMutablePointer<UInt8>, _ channel: Int) -> UInt8 { pixel[channel * bytesPerSample] }  // high byte
        var samples = [UInt8](), samples16 = [UInt16]()
        if mode == .I16 { samples16.reserveCapacity(width * height) } else { samples.reserveCapacity(width * height * mode.bands) }
        for y in 0..<height {
            let row = png.pixels + y * png.row_bytes
            if !wide {
                // 8-bit samples are already Pillow's: the row as it is.
                samples.append(contentsOf: UnsafeBufferPointer(start: row, count: width * channels))
                continue
            }
            for x in 0..<width {
                let pixel = row + x * channels * bytesPerSample
                switch mode {
                case .I16: samples16.append(UInt16(pixel[0]) << 8 | UInt16(pixel[1]))
                case .RGBA where channels == 2:
                    let g = sample(pixel, 0)
                    samples += [g, g, g, sample(pixel, 1)]
                default:
                    for c in 0..<channels { samples.append(sample(pixel, c)) }
                }
            }
        }
        let palette = withUnsafeBytes(of: png.palette) { Array($0.prefix(Int(png.palette_entries) * 3)) }
        var transparency: PillowImage.Transparency?
        if png.has_trns != 0 {
            if mode == .P {
                var table = [UInt8](repeating: 255, count: 256)
                withUnsafeBytes(of: png.trns_alpha) { for i in 0..<min(Int(png.trns_entries), 256) { table[i] = $0[i] } }
                transparency = .paletteAlpha(table)
            } else if mode != .LA && mode != .RGBA {
                transparency = .color([png.trns_color.0, png.trns_color.1, png.trns_color.2])
            }
        }
        return PillowImage(
            mode: mode, width: width, height: height, samples: samples, samples16: samples16, palette: palette,
            transparency: transparency)
    }
}
