import Foundation
import GRDB
import SCSHub

/// Embeddings kept in an embedded SQLite database, keyed by model fingerprint, preprocessing
/// version and the SHA-256 of the image file's bytes. Each batch is committed as it completes
/// (WAL journal), so a run that is killed keeps everything it had embedded and a rerun resumes.
public final class EmbeddingCache: @unchecked Sendable {
    public let path: String
    let db: DatabaseQueue

    /// The cache's file name, in scs's cache folder (and a shard's, as `embeddings.shard-K-of-N.sqlite`).
    public static let fileName = "embeddings.sqlite"

    /// The default location: `$SCS_CACHE_DIR`, else `$XDG_CACHE_HOME/scs`, else `~/.cache/scs`.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        SCSCacheFolder.path(environment: environment) + "/" + fileName
    }

    public init(path: String) throws {
        self.path = path
        // Two processes opening a new cache at once (a test probing a running `scs score`, shards
        // started together) can meet SQLITE_BUSY where SQLite does not wait (switching to WAL):
        // try again for a few seconds before giving up.
        var attempt = 0
        while true {
            do {
                db = try Self.open(path: path)
                return
            } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY && attempt < 50 {
                attempt += 1
                usleep(100_000)
            } catch {
                throw CacheError(path: path, reason: "\(error)")
            }
        }
    }

    private static func open(path: String) throws -> DatabaseQueue {
        try FileManager.default.createDirectory(
            at: URL(fileURLWithPath: path).deletingLastPathComponent(),
            withIntermediateDirectories: true)
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.prepareDatabase { db in
            try db.execute(sql: "PRAGMA journal_mode = WAL")
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
        }
        let db = try DatabaseQueue(path: path, configuration: config)
        // The schema in one write transaction, each table only if missing: processes that create
        // the same new cache at once serialise on SQLite's lock instead of racing a migrator's
        // "is it applied yet?" check (one of them then failed with "table already exists").
        try db.write { db in
            try db.create(table: "embedding", ifNotExists: true) { t in
                t.column("model", .text).notNull()
                t.column("preprocess", .integer).notNull()
                t.column("image_sha256", .text).notNull()
                t.column("dim", .integer).notNull()
                t.column("vector", .blob).notNull()
                t.primaryKey(["model", "preprocess", "image_sha256"])
            }
            try db.create(table: "file_hash", ifNotExists: true) { t in
                t.column("path", .text).notNull().primaryKey()
                t.column("size", .integer).notNull()
                t.column("mtime", .double).notNull()
                t.column("sha256", .text).notNull()
            }
        }
        return db
    }

    /// The cached embeddings among `hashes`.
    public func lookup(model: String, preprocess: Int, hashes: [String]) throws -> [String: [Float]] {
        var found: [String: [Float]] = [:]
        let unique = Array(Set(hashes))
        do {
            try db.read { db in
                for start in stride(from: 0, to: unique.count, by: 500) {
                    let chunk = Array(unique[start..<min(start + 500, unique.count)])
                    let marks = Array(repeating: "?", count: chunk.count).joined(separator: ",")
                    let rows = try Row.fetchCursor(
                        db,
                        sql: """
                            SELECT image_sha256, vector FROM embedding
                            WHERE model = ? AND preprocess = ? AND image_sha256 IN (\(marks))
                            """, arguments: StatementArguments([model.databaseValue, preprocess.databaseValue] + chunk.map(\.databaseValue)))
                    while let row = try rows.next() {
                        let data: Data = row["vector"]
                        found[row["image_sha256"]] = data.withUnsafeBytes { Array($0.bindMemory(to: Float.self)) }
                    }
                }
            }
        } catch { throw CacheError(path: path, reason: "\(error)") }
        return found
    }

    /// Stores a batch in one transaction.
    public func store(model: String, preprocess: Int, embeddings: [(hash: String, vector: [Float])]) throws {
        do {
            try db.write { db in
                for (hash, vector) in embeddings {
                    try db.execute(
                        sql: """
                            INSERT OR REPLACE INTO embedding (model, preprocess, image_sha256, dim, vector) VALUES (?, ?, ?, ?, ?)
                            """, arguments: [model, preprocess, hash, vector.count, vector.withUnsafeBytes { Data($0) }])
                }
            }
        } catch { throw CacheError(path: path, reason: "\(error)") }
    }

    /// How many embeddings the cache holds for a model.
    public func count(model: String) throws -> Int {
        try db.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM embedding WHERE model = ?", arguments: [model]) ?? 0 }
    }

    /// A remembered SHA-256 of a large file, valid while its size and modification time hold.
    public func fileHash(path: String, size: Int, mtime: Double) -> String? {
        try? db.read {
            try String.fetchOne(
                $0, sql: "SELECT sha256 FROM file_hash WHERE path = ? AND size = ? AND mtime = ?",
                arguments: [path, size, mtime])
        }
    }

    public func rememberFileHash(path: String, size: Int, mtime: Double, sha256: String) {
        try? db.write {
            try $0.execute(
                sql: "INSERT OR REPLACE INTO file_hash (path, size, mtime, sha256) VALUES (?, ?, ?, ?)",
                arguments: [path, size, mtime, sha256])
        }
    }
}

public struct CacheError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "embedding cache \(path): \(reason)" }
}
