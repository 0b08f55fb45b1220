import Foundation
import GRDB

/// Folding shard caches into one (`scs cache merge`).
extension EmbeddingCache {
    public struct MergeCounts: Sendable, Equatable {
        /// Rows copied in, rows the destination already held with the same bits, file hashes copied.
        public var added = 0
        public var alreadyPresent = 0
        public var fileHashes = 0
        public init() {}
    }

    /// Copies every embedding of the cache at `source` into this one, checking each row first: a
    /// well-formed key (model, preprocessing version, 64 hex digits), a vector of `dim` float32
    /// values, all finite. A key this cache already holds must hold the same bits; a different
    /// vector is refused (one line naming the key), since two shards that embedded one image must
    /// agree. The source is opened read-only; the whole merge of one source is one transaction.
    public func merge(from source: String) throws -> MergeCounts {
        guard FileManager.default.fileExists(atPath: source) else { throw CacheError(path: source, reason: "no such file") }
        var config = Configuration()
        config.readonly = true
        let input: DatabaseQueue
        do { input = try DatabaseQueue(path: source, configuration: config) } catch {
            throw CacheError(path: source, reason: "cannot open as SQLite: \(error)")
        }
        var counts = MergeCounts()
        do {
            let tables = try input.read { try String.fetchAll($0, sql: "SELECT name FROM sqlite_master WHERE type = 'table'") }
            guard tables.contains("embedding") else {
                throw CacheError(path: source, reason: "not an scs embedding cache (no embedding table)")
            }
            try db.write { out in
                try input.read { src in
                    let rows = try Row.fetchCursor(src, sql: "SELECT model, preprocess, image_sha256, dim, vector FROM embedding")
                    while let row = try rows.next() {
                        let (model, preprocess, hash) = try Self.checkedKey(row, source: source)
                        let vector = try Self.checkedVector(row, source: source, key: "\(model)/\(hash)")
                        if let existing = try Data.fetchOne(
                            out,
                            sql: """
                                SELECT vector FROM embedding WHERE model = ? AND preprocess = ? AND image_sha256 = ?
                                """, arguments: [model, preprocess, hash])
                        {
                            guard existing == vector else {
                                throw CacheError(path: source, reason: "embedding \(hash) of \(model) differs from the one in \(path)")
                            }
                            counts.alreadyPresent += 1
                            continue
                        }
                        try out.execute(
                            sql: """
                                INSERT INTO embedding (model, preprocess, image_sha256, dim, vector) VALUES (?, ?, ?, ?, ?)
                                """, arguments: [model, preprocess, hash, vector.count / 4, vector])
                        counts.added += 1
                    }
                    if tables.contains("file_hash") {
                        let hashes = try Row.fetchCursor(src, sql: "SELECT path, size, mtime, sha256 FROM file_hash")
                        while let row = try hashes.next() {
                            guard let path: String = row["path"], let size: Int = row["size"], let mtime: Double = row["mtime"],
                                let sha: String = row["sha256"], Self.isSHA256(sha)
                            else { continue }
                            try out.execute(
                                sql: "INSERT OR IGNORE INTO file_hash (path, size, mtime, sha256) VALUES (?, ?, ?, ?)",
                                arguments: [path, size, mtime, sha])
                            counts.fileHashes += out.changesCount
                        }
                    }
                }
            }
        } catch let error as CacheError {
            throw error
        } catch {
            throw CacheError(path: source, reason: "\(error)")
        }
        return counts
    }

    static func isSHA256(_ text: String) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { (48...57).contains($0) || (97...102).contains($0) }
    }

    private static func checkedKey(_ row: Row, source: String) throws -> (String, Int, String) {
        guard let model = row["model"] as String?, !model.isEmpty else {
            throw CacheError(path: source, reason: "a row has no model key")
        }
        guard let preprocess = row["preprocess"] as Int? else {
            throw CacheError(path: source, reason: "a row of \(model) has no preprocessing version")
        }
        guard let hash = row["image_sha256"] as String?, isSHA256(hash) else {
            throw CacheError(path: source, reason: "a row of \(model) has an image hash that is not 64 hex digits")
        }
        return (model, preprocess, hash)
    }

    private static func checkedVector(_ row: Row, source: String, key: String) throws -> Data {
        guard let dim = row["dim"] as Int?, dim > 0, dim <= 1 << 16 else {
            throw CacheError(path: source, reason: "embedding \(key): dim is missing or out of range")
        }
        guard let vector = row["vector"] as Data?, vector.count == dim * 4 else {
            throw CacheError(path: source, reason: "embedding \(key): the vector does not hold \(dim) float32 values")
        }
        let finite = vector.withUnsafeBytes { raw -> Bool in
            (0..<dim).allSatisfy { Float(bitPattern: raw.loadUnaligned(fromByteOffset: $0 * 4, as: UInt32.self)).isFinite }
        }
        guard finite else { throw CacheError(path: source, reason: "embedding \(key): the vector holds a NaN or an infinity") }
        return vector
    }
}
