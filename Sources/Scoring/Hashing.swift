import Crypto
import Foundation
import SCSModels

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
    /// `directory` is a model folder, or a checkpoint file (with open_clip's
    /// `open_clip_config.json` beside it, when there is one, since it decides the activation).
    public static func compute(directory: URL, cache: EmbeddingCache?) throws -> String {
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: directory.path, isDirectory: &isFolder), !isFolder.boolValue {
            let sidecar = directory.deletingLastPathComponent().appendingPathComponent("open_clip_config.json")
            let config = FileManager.default.contents(atPath: sidecar.path).map { Hashing.sha256([UInt8]($0)) } ?? "none"
            return Hashing.sha256(Array(("checkpoint:" + config + ":" + (try weightsHash(directory, cache: cache))).utf8))
        }
        if let (root, variant) = DreamSimVariant.find(in: directory) {
            // DreamSim: the variant and every file its embeddings depend on.
            let parts = try variant.identityFiles(in: root).map { $0.lastPathComponent + "=" + (try weightsHash($0, cache: cache)) }
            return Hashing.sha256(Array(("dreamsim:\(variant.rawValue):" + parts.joined(separator: ",")).utf8))
        }
        let config = try [UInt8](Data(contentsOf: directory.appendingPathComponent("config.json")))
        let weights = try weightsHash(FolderWeights.file(in: directory) ?? directory.appendingPathComponent("model.safetensors"), cache: cache)
        return Hashing.sha256(Array((Hashing.sha256(config) + ":" + weights).utf8))
    }

    private static func weightsHash(_ weights: URL, cache: EmbeddingCache?) throws -> String {
        let resolved = weights.resolvingSymlinksInPath()
        let name = resolved.lastPathComponent
        if name.count == 64, name.allSatisfy(\.isHexDigit) { return name }
        let attributes = try FileManager.default.attributesOfItem(atPath: resolved.path)
        let size = (attributes[.size] as? NSNumber)?.intValue ?? 0
        let mtime = (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        if let known = cache?.fileHash(path: resolved.path, size: size, mtime: mtime) { return known }
        let hash = try Hashing.sha256(fileAt: resolved.path)
        cache?.rememberFileHash(path: resolved.path, size: size, mtime: mtime, sha256: hash)
        return hash
    }
}
