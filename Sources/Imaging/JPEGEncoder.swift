import CCodecs

/// JPEG encoding through libjpeg-turbo's TurboJPEG API, set up to write what Pillow writes for
/// `image.save(path, "JPEG")` with no options, as the paper saved its images:
///
/// - quality 75 (the standard IJG tables scaled to 75), baseline, standard Huffman tables;
/// - 4:2:0 chroma subsampling (libjpeg's default for colour images, which Pillow keeps);
/// - the accurate integer DCT (`TJFLAG_ACCURATEDCT`): Pillow leaves libjpeg's default,
///   `JDCT_ISLOW`, while TurboJPEG would otherwise pick the fast, less exact one;
/// - a JFIF APP0 header (version 1.01, no density unit, 1:1);
/// - the source's JPEG comment (`COM`), if it had one: Pillow ≥ 9.4 carries `info["comment"]`
///   over to the saved file.
///
/// With these settings the bytes equal Pillow 13's (checked in `GenerateTests/JPEGEncoderTests`
/// against a fixture made by `scripts/oracle/make_generate_fixtures.py`).
public enum JPEGEncoder {
    /// PIL's default JPEG quality, the paper's.
    public static let pillowDefaultQuality = 75

    public static func encode(_ image: RGBImage, quality: Int = pillowDefaultQuality, comment: [UInt8]? = nil) throws -> [UInt8] {
        guard image.width > 0, image.height > 0 else { throw ImageDecodingError.corrupt(.jpeg, "cannot encode an empty image") }
        guard let handle = tjInitCompress() else { throw ImageDecodingError.corrupt(.jpeg, "cannot start the JPEG encoder") }
        defer { tjDestroy(handle) }
        var output: UnsafeMutablePointer<UInt8>?
        var size: UInt = 0
        let status = image.pixels.withUnsafeBufferPointer { pixels in
            tjCompress2(
                handle, pixels.baseAddress, Int32(image.width), 0, Int32(image.height), Int32(TJPF_RGB.rawValue),
                &output, &size, Int32(TJSAMP_420.rawValue), Int32(quality), TJFLAG_ACCURATEDCT)
        }
        defer { if let output { tjFree(output) } }
        guard status == 0, let output else {
            throw ImageDecodingError.corrupt(.jpeg, String(cString: tjGetErrorStr2(handle)))
        }
        var bytes = Array(UnsafeBufferPointer(start: output, count: Int(size)))
        if let comment, !comment.isEmpty, comment.count <= 65533 {
            bytes = insertComment(comment, into: bytes)
        }
        return bytes
    }

    /// Puts a COM segment where libjpeg writes the markers Pillow passes it: after SOI and the
    /// JFIF APP0 segment, before the quantisation tables.
    static func insertComment(_ comment: [UInt8], into jpeg: [UInt8]) -> [UInt8] {
        var at = 2
        if jpeg.count > 6, jpeg[2] == 0xFF, jpeg[3] == 0xE0 {
            at = 4 + (Int(jpeg[4]) << 8 | Int(jpeg[5]))
        }
        let length = comment.count + 2
        let segment: [UInt8] = [0xFF, 0xFE, UInt8(length >> 8), UInt8(length & 0xFF)] + comment
        return Array(jpeg[..<at]) + segment + Array(jpeg[at...])
    }

    /// The payload of a JPEG's last COM segment before its image data, as Pillow's
    /// `info["comment"]` holds it (each COM marker overwrites the previous one); `nil` when there
    /// is none or the bytes are not a JPEG.
    public static func comment<Bytes: RandomAccessCollection<UInt8>>(in jpeg: Bytes) -> [UInt8]? where Bytes.Index == Int {
        let b = jpeg
        guard b.count > 4, b[b.startIndex] == 0xFF, b[b.startIndex + 1] == 0xD8 else { return nil }
        var i = b.startIndex + 2
        var found: [UInt8]?
        while i + 4 <= b.endIndex {
            guard b[i] == 0xFF else { return found }
            let marker = b[i + 1]
            if marker == 0xFF { i += 1; continue }  // fill byte
            if marker == 0xDA || marker == 0xD9 { return found }  // image data or end: no more headers
            if (0xD0...0xD7).contains(marker) || marker == 0x01 { i += 2; continue }
            let length = Int(b[i + 2]) << 8 | Int(b[i + 3])
            guard length >= 2, i + 2 + length <= b.endIndex else { return found }
            if marker == 0xFE { found = Array(b[(i + 4)..<(i + 2 + length)]) }
            i += 2 + length
        }
        return found
    }
}
