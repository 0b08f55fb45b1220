import Crypto
import Foundation

enum Hashing {
    static func hex<D: Digest>(_ digest: D) -> String {
        digest.map { String(format: "%02x", $0) }.joined()
    }

    static func sha256(_ bytes: [UInt8]) -> String { hex(SHA256.hash(data: bytes)) }

    /// SHA-256 of a file, streamed in 4 MiB pieces.
    static func sha256(fileAt path: String) throws -> String {
        guard let handle = FileHandle(forReadingAtPath: path) else { throw OutputError(path: path, reason: "cannot open") }
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 4 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hex(hasher.finalize())
    }
}

/// Identifies a model's numbers: a hash of its config.json and of its weights. In a Hugging Face
/// cache snapshot the weights file links to a blob named by its SHA-256, which is used as is;
/// otherwise the file is hashed once and remembered by path, size and modification time.
public enum ModelFingerprint {
    public static func compute(directory: URL, cache: EmbeddingCache?) throws -> String {
        let config = try [UInt8](Data(contentsOf: directory.appendingPathComponent("config.json")))
        let weights = directory.appendingPathComponent("model.safetensors")
        let resolved = weights.resolvingSymlinksInPath()
        let name = resolved.lastPathComponent
        let weightsHash: String
        if name.count == 64, name.allSatisfy(\.isHexDigit) {
            weightsHash = name
        } else {
            let attributes = try FileManager.default.attributesOfItem(atPath: resolved.path)
            let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
            let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            if let known = cache?.fileHash(path: resolved.path, size: size, mtime: mtime) {
                weightsHash = known
            } else {
                weightsHash = try Hashing.sha256(fileAt: resolved.path)
                cache?.rememberFileHash(path: resolved.path, size: size, mtime: mtime, sha256: weightsHash)
            }
        }
        return Hashing.sha256(Array((Hashing.sha256(config) + ":" + weightsHash).utf8))
    }
}
