import Crypto
import Foundation
import SCSImaging

/// How images are stored.
public enum OutputFormat: String, Sendable, CaseIterable {
    /// Re-encoded as the paper saved them: `Image.open(bytes).convert("RGB").save(p, "JPEG")`,
    /// i.e. quality 75, 4:2:0 (see `JPEGEncoder`), as `<seed>.jpg`.
    case jpeg
    /// The backend's bytes untouched, as `<seed>.png`, `.jpg` or `.webp` after their content.
    case original

    /// File extensions a finished image of this format may have.
    var extensions: [String] {
        switch self {
        case .jpeg: return ["jpg"]
        case .original: return ["png", "jpg", "jpeg", "webp"]
        }
    }
}

/// An image ready to be written: validated (it decodes), converted to the output format.
public struct PreparedImage: Sendable {
    public let bytes: [UInt8]
    public let fileExtension: String
    public let width: Int
    public let height: Int
    /// The format the backend sent.
    public let sourceFormat: ImageFormat

    /// Decodes what the backend sent (so a truncated or garbled image is caught here, before it
    /// can reach the disk) and encodes it in `format`.
    public init(backendBytes: [UInt8], format: OutputFormat) throws {
        let image = try ImageDecoder.decode(backendBytes)
        guard let source = ImageFormat.sniff(backendBytes) else { throw ImageDecodingError.unrecognizedFormat }
        sourceFormat = source
        width = image.width
        height = image.height
        switch format {
        case .jpeg:
            let comment = source == .jpeg ? JPEGEncoder.comment(in: backendBytes) : nil
            bytes = try JPEGEncoder.encode(image, comment: comment)
            fileExtension = "jpg"
        case .original:
            bytes = backendBytes
            fileExtension = source == .jpeg ? "jpg" : source.rawValue
        }
    }
}

/// Writing and checking image files so that a crash never leaves a partial image under a final name.
enum ImageFiles {
    /// Prefix of temporary files: hidden, so `scs score` never reads one, and recognisable, so a
    /// later run can remove those a crash left behind.
    static let temporaryPrefix = ".scs-partial-"

    /// Writes `bytes` to a hidden temporary file in `url`'s folder, flushes it to disk, then
    /// renames it over `url` (rename is atomic within a folder).
    static func writeAtomically(_ bytes: [UInt8], to url: URL) throws {
        let folder = url.deletingLastPathComponent()
        let fm = FileManager.default
        do {
            try fm.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw GenerateError.fileSystem(path: folder.path, reason: "cannot create the folder: \(error.localizedDescription)")
        }
        let temp = folder.appendingPathComponent("\(temporaryPrefix)\(getpid())-\(UUID().uuidString.prefix(8))-\(url.lastPathComponent)")
        let fd = open(temp.path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
        guard fd >= 0 else {
            throw GenerateError.fileSystem(path: temp.path, reason: "cannot create: \(String(cString: strerror(errno)))")
        }
        var ok = bytes.withUnsafeBytes { raw -> Bool in
            var offset = 0
            while offset < raw.count {
                let n = write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 { if errno == EINTR { continue }; return false }
                offset += n
            }
            return true
        }
        let reason = String(cString: strerror(errno))
        ok = ok && fsync(fd) == 0
        close(fd)
        guard ok, rename(temp.path, url.path) == 0 else {
            let why = ok ? String(cString: strerror(errno)) : reason
            unlink(temp.path)
            throw GenerateError.fileSystem(path: url.path, reason: "cannot write the image: \(why)")
        }
    }

    /// Removes the temporary files an interrupted run left in `folder` (not recursive).
    static func removeLeftovers(in folder: URL) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder.path) else { return }
        for name in names where name.hasPrefix(temporaryPrefix) {
            unlink(folder.appendingPathComponent(name).path)
        }
    }

    /// A finished image at `url`: it exists and decodes. Returns its bytes, or `nil`.
    static func validImage(at url: URL, knownSHA256: String? = nil) -> [UInt8]? {
        guard let data = FileManager.default.contents(atPath: url.path), !data.isEmpty else { return nil }
        let bytes = [UInt8](data)
        // A file whose digest is the one recorded when it was written (after it was decoded and
        // validated) is that file: no need to decode it again.
        if let knownSHA256, sha256Hex(bytes) == knownSHA256 { return bytes }
        return (try? ImageDecoder.decode(bytes)) != nil ? bytes : nil
    }
}

/// Lower-case hex SHA-256.
func sha256Hex(_ bytes: [UInt8]) -> String {
    SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined()
}
