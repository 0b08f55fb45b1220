import Crypto
import Foundation

/// The sha256 of a file, read in 4 MiB pieces (model files are hundreds of MB).
enum SHA256File {
    static func hex(of url: URL) throws -> String {
        try HubCache.fileSystem(url.path) {
            let handle = try FileHandle(forReadingFrom: url)
            defer { try? handle.close() }
            var hasher = SHA256()
            while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty {
                hasher.update(data: chunk)
            }
            return hex(hasher.finalize())
        }
    }

    static func hex(of data: Data) -> String { hex(SHA256.hash(data: data)) }

    private static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }
}
