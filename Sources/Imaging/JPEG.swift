import CCodecs

/// JPEG through libjpeg-turbo's TurboJPEG API, set up as Pillow sets up libjpeg: the accurate
/// integer IDCT (JDCT_ISLOW) and "fancy" chroma upsampling. Both are exact integer algorithms,
/// so the pixels equal Pillow's whatever libjpeg-turbo version each side links.
enum JPEGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> RGBImage {
        guard let handle = tjInitDecompress() else {
            throw ImageDecodingError.corrupt(.jpeg, "cannot start the JPEG decoder")
        }
        defer { tjDestroy(handle) }
        let source = data.bindMemory(to: UInt8.self).baseAddress!
        var width: Int32 = 0, height: Int32 = 0, subsampling: Int32 = 0, colorspace: Int32 = 0
        if tjDecompressHeader3(handle, source, UInt(data.count), &width, &height, &subsampling, &colorspace) != 0 {
            throw failure(handle)
        }
        let w = Int(width), h = Int(height)
        try ImageLimits.check(width: w, height: h, format: .jpeg)
        let isCMYK = colorspace == Int32(TJCS_CMYK.rawValue) || colorspace == Int32(TJCS_YCCK.rawValue)
        let channels = isCMYK ? 4 : 3
        let format = isCMYK ? TJPF_CMYK : TJPF_RGB
        var decoded = [UInt8](repeating: 0, count: w * h * channels)
        let status = decoded.withUnsafeMutableBufferPointer { out in
            tjDecompress2(handle, source, UInt(data.count), out.baseAddress, width, 0, height,
                          Int32(format.rawValue), TJFLAG_ACCURATEDCT)
        }
        if status != 0 {
            // TurboJPEG reports libjpeg warnings as failures too. Pillow ignores warnings
            // ("extraneous bytes before marker") but refuses data that ends early.
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            let message = String(cString: tjGetErrorStr2(handle))
            if !isWarning || message.contains("Premature end") { throw failure(handle) }
        }
        if isCMYK { decoded = cmykToRGB(decoded) }
        return RGBImage(width: w, height: h, pixels: decoded)
    }

    private static func failure(_ handle: tjhandle) -> ImageDecodingError {
        let message = String(cString: tjGetErrorStr2(handle))
        if message.contains("Premature end") { return .truncated(.jpeg) }
        return .corrupt(.jpeg, message)
    }

    /// Pillow reads Adobe CMYK JPEGs as inverted CMYK ("CMYK;I") and converts CMYK to RGB with
    /// r = 255 - c - k + c*k/255 in its rounded fixed-point form. libjpeg hands over the
    /// stored, inverted, values: stored = 255 - ink.
    static func cmykToRGB(_ cmyk: [UInt8]) -> [UInt8] {
        let n = cmyk.count / 4
        var rgb = [UInt8](repeating: 0, count: n * 3)
        for i in 0..<n {
            let nk = Int(cmyk[i * 4 + 3])  // 255 - k
            for c in 0..<3 {
                let ink = 255 - Int(cmyk[i * 4 + c])
                let t = ink * nk + 128
                let product = ((t >> 8) + t) >> 8  // Pillow's MULDIV255
                rgb[i * 3 + c] = UInt8(clamping: nk - product)
            }
        }
        return rgb
    }
}
