import Foundation
import SCSImaging
import SCSTensor

/// The one reader and writer of `.scspack` files: a model's weight matrices as the GEMM kernels
/// read them, so that the next load maps them instead of converting and packing again.
///
/// Layout: the 8 bytes `SCSPACK1`, an 8-byte little-endian index length, a JSON index
/// (`{"key", "matrices": [{"name", "n", "k", "precision", "path", "offset", "bytes"}]}`), then
/// the panels, each at a 4096-byte aligned offset from the start of the file (so each is 64-byte
/// aligned once mapped). The panels are in the machine's byte order: the key names the kernel
/// path, and every kernel path is x86-64.
public enum PackedWeightFile {
    static let magic = Array("SCSPACK1".utf8)
    static let alignment = 4096

    struct Index: Codable {
        var key: String
        var matrices: [Entry]
    }

    struct Entry: Codable {
        var name: String
        var n: Int
        var k: Int
        var precision: String
        var path: String
        var offset: Int
        var bytes: Int
    }

    /// A mapped file's matrices by name. Unmapped when the last matrix borrowing it is gone.
    final class Mapping: @unchecked Sendable {
        let path: String
        let key: String
        private let base: UnsafeMutableRawPointer
        private let length: Int
        private let entries: [String: Entry]

        /// Maps `path`; nil when it is missing. A file that is damaged, or written for another
        /// key, is an error naming it (the cache then packs afresh and replaces it).
        init?(path: String, key: String) throws {
            let fd = open(path, O_RDONLY)
            if fd < 0 {
                if errno == ENOENT { return nil }
                throw PackedWeightFileError(path: path, reason: String(cString: strerror(errno)))
            }
            defer { close(fd) }
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw PackedWeightFileError(path: path, reason: String(cString: strerror(errno))) }
            let size = Int(info.st_size)
            guard size >= 16 else { throw PackedWeightFileError(path: path, reason: "\(size) bytes: too short") }
            guard let mapped = mmap(nil, size, PROT_READ, MAP_SHARED, fd, 0), mapped != MAP_FAILED else {
                throw PackedWeightFileError(path: path, reason: "cannot map: \(String(cString: strerror(errno)))")
            }
            do {
                let index = try Self.index(UnsafeRawBufferPointer(start: mapped, count: size), path: path)
                guard index.key == key else { throw PackedWeightFileError(path: path, reason: "written for \(index.key), not \(key)") }
                var byName: [String: Entry] = [:]
                for entry in index.matrices {
                    guard entry.offset % PackedWeightFile.alignment == 0, entry.offset >= 16, entry.bytes >= 0, entry.offset <= size - entry.bytes
                    else {
                        throw PackedWeightFileError(path: path, reason: "matrix \(entry.name) lies outside the file")
                    }
                    byName[entry.name] = entry
                }
                (self.path, self.key, base, length, entries) = (path, key, mapped, size, byName)
            } catch {
                munmap(mapped, size)
                throw error
            }
        }

        private static func index(_ file: UnsafeRawBufferPointer, path: String) throws -> Index {
            guard Array(file[0..<8]) == PackedWeightFile.magic else {
                throw PackedWeightFileError(path: path, reason: "not an scs packed-weights file")
            }
            var length: UInt64 = 0
            withUnsafeMutableBytes(of: &length) { $0.copyMemory(from: UnsafeRawBufferPointer(rebasing: file[8..<16])) }
            guard UInt64(littleEndian: length) <= UInt64(file.count - 16) else {
                throw PackedWeightFileError(path: path, reason: "index runs past the end")
            }
            let count = Int(UInt64(littleEndian: length))
            do {
                return try JSONDecoder().decode(Index.self, from: Data(file[16..<(16 + count)]))
            } catch {
                throw PackedWeightFileError(path: path, reason: "unreadable index: \(error)")
            }
        }

        /// The matrix stored as `name`, when it has this shape, precision and kernel path.
        func matrix(_ name: String, n: Int, k: Int, precision: Precision) -> PackedMatrix? {
            guard let e = entries[name], e.n == n, e.k == k, e.precision == precision.rawValue,
                let matrix = PackedMatrix(
                    borrowing: UnsafeRawPointer(base + e.offset), byteCount: e.bytes,
                    outFeatures: n, inFeatures: k, precision: precision, owner: self),
                matrix.kernelPath.rawValue == e.path
            else { return nil }
            return matrix
        }

        deinit { munmap(base, length) }
    }

    /// Writes `matrices` to `path` under `key`, through a temporary file renamed into place, so
    /// that a reader (another process, another shard) never sees half a file.
    static func write(_ matrices: [(name: String, matrix: PackedMatrix)], key: String, to path: String) throws {
        var entries: [Entry] = []
        for (name, m) in matrices {
            entries.append(
                Entry(
                    name: name, n: m.outFeatures, k: m.inFeatures, precision: m.precision.rawValue,
                    path: m.kernelPath.rawValue, offset: 0, bytes: m.panels.count))
        }
        // The index's length depends on the offsets' digits: place the data after the index as
        // it would be with the longest offsets, then check it.
        let estimate = try JSONEncoder().encode(
            Index(
                key: key,
                matrices: entries.map {
                    var e = $0; e.offset = Int.max; return e
                }))
        var offset = (16 + estimate.count + alignment - 1) / alignment * alignment
        for i in entries.indices {
            entries[i].offset = offset
            offset += (entries[i].bytes + alignment - 1) / alignment * alignment
        }
        let index = try JSONEncoder().encode(Index(key: key, matrices: entries))
        precondition(16 + index.count <= entries.first?.offset ?? Int.max, "the index outgrew its estimate")

        let folder = URL(fileURLWithPath: path).deletingLastPathComponent()
        do {
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        } catch {
            throw PackedWeightFileError(path: folder.path, reason: "cannot create: \(FileProblem.describe(error))")
        }
        let temporary = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        guard FileManager.default.createFile(atPath: temporary, contents: nil), let handle = FileHandle(forWritingAtPath: temporary) else {
            throw PackedWeightFileError(path: temporary, reason: "cannot create")
        }
        do {
            var header = magic
            withUnsafeBytes(of: UInt64(index.count).littleEndian) { header += $0 }
            try handle.write(contentsOf: Data(header) + index)
            for (entry, (_, m)) in zip(entries, matrices) {
                try handle.seek(toOffset: UInt64(entry.offset))
                try handle.write(contentsOf: Data(m.panels))
            }
            try handle.truncate(atOffset: UInt64(offset))
            try handle.close()
            guard rename(temporary, path) == 0 else { throw PackedWeightFileError(path: path, reason: String(cString: strerror(errno))) }
        } catch {
            try? handle.close()
            unlink(temporary)
            if let known = error as? PackedWeightFileError { throw known }
            throw PackedWeightFileError(path: temporary, reason: "cannot write: \(FileProblem.describe(error))")
        }
    }
}

/// A packed-weights file that cannot be read or written, naming it.
public struct PackedWeightFileError: Error, CustomStringConvertible, Sendable {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
