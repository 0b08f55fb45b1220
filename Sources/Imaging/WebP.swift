import CCodecs

/// WebP through libwebp, as Pillow opens it: RGBA where the file has alpha, else RGB.
enum WebPDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> PillowImage {
        let bytes = data.bindMemory(to: UInt8.self).baseAddress!
        var features = WebPBitstreamFeatures()
        let status = WebPGetFeaturesInternal(bytes, data.count, &features, WEBP_DECODER_ABI_VERSION)
        switch status {
        case VP8_STATUS_OK: break
        case VP8_STATUS_NOT_ENOUGH_DATA: throw ImageDecodingError.truncated(.webp)
        default: throw ImageDecodingError.corrupt(.webp, "bitstream error \(status.rawValue)")
        }
        try ImageLimits.check(width: Int(features.width), height: Int(features.height), format: .webp)
        if features.has_animation != 0 {
            throw ImageDecodingError.corrupt(.webp, "animated WebP is not supported")
        }
        // Pillow opens WebP with alpha as RGBA, without as RGB.
        let alpha = features.has_alpha != 0
        var width: Int32 = 0, height: Int32 = 0
        guard let decoded = alpha ? WebPDecodeRGBA(bytes, data.count, &width, &height) : WebPDecodeRGB(bytes, data.count, &width, &height) else {
            throw ImageDecodingError.truncated(.webp)
        }
        defer { WebPFree(decoded) }
        let count = Int(width) * Int(height) * (alpha ? 4 : 3)
        return PillowImage(
            mode: alpha ? .RGBA : .RGB, width: Int(width), height: Int(height),
            samples: Array(UnsafeBufferPointer(start: decoded, count: count)))
    }
}
