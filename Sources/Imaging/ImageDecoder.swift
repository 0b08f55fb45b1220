import Foundation

/// Decodes JPEG, PNG and WebP to 8-bit RGB, byte for byte as Pillow's
/// `Image.open(path).convert("RGB")` does.
public enum ImageDecoder {
    /// Decodes an image held in memory to RGB (`Image.open(...).convert("RGB")`); the format
    /// comes from the bytes themselves.
    public static func decode(_ bytes: [UInt8]) throws -> RGBImage {
        try decodeNative(bytes).convertedToRGB()
    }

    /// Decodes an image in the mode Pillow opens it in (`Image.open(...)`), for `clip.load`'s
    /// preprocessing, which resizes before converting.
    public static func decodeNative(_ bytes: [UInt8]) throws -> PillowImage {
        if bytes.isEmpty { throw ImageDecodingError.empty }
        guard let format = ImageFormat.sniff(bytes) else { throw ImageDecodingError.unrecognizedFormat }
        let image = try bytes.withUnsafeBytes { raw in
            switch format {
            case .jpeg: return try JPEGDecoder.decode(raw)
            case .png: return try PNGDecoder.decode(raw)
            case .webp: return try WebPDecoder.decode(raw)
            }
        }
        // A damaged header can declare a zero side; nothing downstream can resize that.
        guard image.width > 0, image.height > 0 else {
            throw ImageDecodingError.corrupt(format, "the image is \(image.width)x\(image.height) pixels")
        }
        return image
    }

    /// Reads and decodes a file to RGB; errors name the file.
    public static func decode(fileAt path: String) throws -> RGBImage {
        try decodeNative(fileAt: path).convertedToRGB()
    }

    /// Reads and decodes a file in its own mode; errors name the file.
    public static func decodeNative(fileAt path: String) throws -> PillowImage {
        let bytes: [UInt8]
        do {
            bytes = try readFile(path)
        } catch {
            throw ImageFileError(path: path, reason: "cannot read: \(FileProblem.describe(error))")
        }
        do {
            return try decodeNative(bytes)
        } catch let error as ImageDecodingError {
            throw ImageFileError(path: path, cause: error)
        }
    }

    /// The whole file as bytes; a FIFO, socket or device is refused (without blocking on it).
    /// Errors are `FileProblem`s: what is wrong, in words.
    public static func readFile(_ path: String) throws -> [UInt8] {
        try FileProblem.readRegularFile(path)
    }
}
