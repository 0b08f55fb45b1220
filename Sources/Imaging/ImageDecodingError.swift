/// Why bytes could not be turned into pixels. Callers that know the file add its path
/// (see `ImageFileError`).
public enum ImageDecodingError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Zero bytes.
    case empty
    /// Not JPEG, PNG or WebP by content.
    case unrecognizedFormat
    /// The data stops before the image does.
    case truncated(ImageFormat)
    /// The codec refused the data; its own message.
    case corrupt(ImageFormat, String)
    /// The header declares more pixels than `ImageLimits.maxPixels`.
    case tooLarge(ImageFormat, width: Int, height: Int, limit: Int)

    public var description: String { describe(raisingLimit: "raising ImageLimits.maxPixels allows it") }

    /// One line; `raisingLimit` says how to allow a larger image (the command line names its flag).
    public func describe(raisingLimit: String) -> String {
        switch self {
        case .empty: return "empty file"
        case .unrecognizedFormat: return "not a JPEG, PNG or WebP image"
        case .truncated(let format): return "truncated \(format.rawValue.uppercased()) data"
        case .corrupt(let format, let message): return "invalid \(format.rawValue.uppercased()) data: \(message)"
        case let .tooLarge(format, width, height, limit):
            let pixels = width.multipliedReportingOverflow(by: height)
            let count = pixels.overflow ? "more than \(Int.max)" : "\(pixels.partialValue)"
            return "\(format.rawValue.uppercased()) of \(width)x\(height) = \(count) pixels, over the limit of \(limit) "
                + "(a possible decompression bomb, as Pillow calls it; \(raisingLimit))"
        }
    }
}

/// A decoding error for a named file.
public struct ImageFileError: Error, Sendable, CustomStringConvertible {
    public let path: String
    public let reason: String
    /// The decoder's error, when that is the reason: a caller may word it its own way.
    public let cause: ImageDecodingError?

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
        cause = nil
    }

    public init(path: String, cause: ImageDecodingError) {
        self.path = path
        reason = cause.description
        self.cause = cause
    }

    public var description: String { "\(path): \(reason)" }
}
