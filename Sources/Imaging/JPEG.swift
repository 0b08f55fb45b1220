import CCodecs

/// JPEG through libjpeg-turbo's TurboJPEG API, set up as Pillow sets up libjpeg: the accurate
/// integer IDCT (JDCT_ISLOW) and "fancy" chroma upsampling. Both are exact integer algorithms,
/// so the pixels equal Pillow's whatever libjpeg-turbo version each side links.
enum JPEGDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> PillowImage {
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
        let isGray = colorspace == Int32(TJCS_GRAY.rawValue)
        let channels = isCMYK ? 4 : (isGray ? 1 : 3)
        let format = isCMYK ? TJPF_CMYK : (isGray ? TJPF_GRAY : TJPF_RGB)
        var decoded = [UInt8](repeating: 0, count: w * h * channels)
        let status = decoded.withUnsafeMutableBufferPointer { out in
            tjDecompress2(
                handle, source, UInt(data.count), out.baseAddress, width, 0, height,
                Int32(format.rawValue), TJFLAG_ACCURATEDCT)
        }
        if status != 0 {
            // TurboJPEG reports libjpeg warnings as failures too. Pillow ignores warnings
            // ("extraneous bytes before marker") but refuses data that ends early.
            let isWarning = tjGetErrorCode(handle) == Int32(TJERR_WARNING.rawValue)
            let message = String(cString: tjGetErrorStr2(handle))
            if !isWarning || message.contains("Premature end") { throw failure(handle) }
        }
        if isCMYK {
            // Pillow reads Adobe CMYK as inverted ("CMYK;I"): ink = 255 - stored.
            for i in decoded.indices { decoded[i] = 255 - decoded[i] }
            return PillowImage(mode: .CMYK, width: w, height: h, samples: decoded)
        }
        return PillowImage(mode: isGray ? .L : .RGB, width: w, height: h, samples: decoded)
    }

    private static func failure(_ handle: tjhandle) -> ImageDecodingError {
        let message = String(cString: tjGetErrorStr2(handle))
        if message.contains("Premature end") { return .truncated(.jpeg) }
        return .corrupt(.jpeg, message)
    }
}
