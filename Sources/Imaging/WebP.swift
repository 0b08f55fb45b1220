import CCodecs

/// WebP through libwebp. Alpha, where present, is dropped, as Pillow's convert("RGB") drops it.
enum WebPDecoder {
    static func decode(_ data: UnsafeRawBufferPointer) throws -> RGBImage {
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
        var width: Int32 = 0, height: Int32 = 0
        guard let decoded = WebPDecodeRGB(bytes, data.count, &width, &height) else {
            throw ImageDecodingError.truncated(.webp)
        }
        defer { WebPFree(decoded) }
        let count = Int(width) * Int(height) * 3
        return RGBImage(width: Int(width), height: Int(height),
                        pixels: Array(UnsafeBufferPointer(start: decoded, count: count)))
    }
}
