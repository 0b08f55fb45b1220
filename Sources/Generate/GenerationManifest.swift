import Foundation

/// `manifest.jsonl` in the output folder: one JSON object per image on disk, appended when the
/// image has been renamed into place, so a line never names an image that is not complete.
///
/// A run opens it with `load`, which tolerates what a crash can leave (a last line cut short) and
/// drops lines it cannot read; `reconcile` then makes it agree with the files: a line whose image
/// is gone or unreadable is dropped, an image that has no line (a crash between the rename and
/// the append) gets one, marked `"recovered": true`. Lines of other models and seeds are kept as
/// they are. When anything changed the file is rewritten whole, atomically.
final class GenerationManifest: @unchecked Sendable {
    static let fileName = "manifest.jsonl"

    let url: URL
    /// Lines in file order, each a JSON object with a `path`; the last line for a path wins.
    private(set) var records: [(path: String, text: String, value: JSONValue)] = []
    /// Lines that could not be read (a cut-off last line after a crash, hand edits).
    private(set) var unreadableLines = 0
    private let lock = NSLock()
    private var handle: Int32 = -1

    init(directory: URL, name: String = GenerationManifest.fileName) {
        url = directory.appendingPathComponent(name)
    }

    /// Reads the file if there is one.
    func load() throws {
        guard FileManager.default.fileExists(atPath: url.path) else { return }
        guard let data = FileManager.default.contents(atPath: url.path) else {
            throw GenerateError.fileSystem(path: url.path, reason: "cannot read the manifest")
        }
        var byPath: [String: Int] = [:]
        for raw in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let text = String(decoding: raw, as: UTF8.self)
            guard let value = JSONValue.parse(Data(raw)), let path = value["path"]?.stringValue else {
                if !text.trimmingCharacters(in: .whitespaces).isEmpty { unreadableLines += 1 }
                continue
            }
            if let i = byPath[path] {
                records[i] = (path, text, value)
            } else {
                byPath[path] = records.count
                records.append((path, text, value))
            }
        }
    }

    func record(for path: String) -> JSONValue? {
        records.last { $0.path == path }?.value
    }

    /// Keeps the lines `keep` accepts, adds `added`, and rewrites the file (temp + rename) if that
    /// changes anything or unreadable lines were dropped.
    func reconcile(keep: (String) -> Bool, added: [JSONValue]) throws -> (dropped: Int, added: Int) {
        let before = records.count
        records = records.filter { keep($0.path) }
        let dropped = before - records.count
        for value in added {
            guard let path = value["path"]?.stringValue else { continue }
            records.append((path, String(decoding: value.jsonData, as: UTF8.self), value))
        }
        if dropped > 0 || !added.isEmpty || unreadableLines > 0 {
            try rewrite()
        }
        return (dropped, added.count)
    }

    private func rewrite() throws {
        var text = records.map(\.text).joined(separator: "\n")
        if !text.isEmpty { text += "\n" }
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try Data(text.utf8).write(to: temp)
            if rename(temp.path, url.path) != 0 {
                throw GenerateError.fileSystem(path: url.path, reason: String(cString: strerror(errno)))
            }
        } catch let e as GenerateError {
            unlink(temp.path)
            throw e
        } catch {
            unlink(temp.path)
            throw GenerateError.fileSystem(path: url.path, reason: "cannot rewrite the manifest: \(error.localizedDescription)")
        }
        unreadableLines = 0
    }

    /// Appends one line with a single `write` on an `O_APPEND` descriptor, then flushes it to disk,
    /// so concurrent workers never interleave and a crash leaves at most a cut-off last line.
    func append(_ value: JSONValue) throws {
        let line = Array(value.jsonData) + [UInt8(ascii: "\n")]
        try lock.withLock {
            if handle < 0 {
                handle = open(url.path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
                guard handle >= 0 else {
                    throw GenerateError.fileSystem(path: url.path, reason: "cannot open the manifest: \(String(cString: strerror(errno)))")
                }
            }
            let written = line.withUnsafeBytes { write(handle, $0.baseAddress, $0.count) }
            guard written == line.count, fsync(handle) == 0 else {
                throw GenerateError.fileSystem(path: url.path, reason: "cannot append to the manifest: \(String(cString: strerror(errno)))")
            }
            if let path = value["path"]?.stringValue {
                records.append((path, String(decoding: line.dropLast(), as: UTF8.self), value))
            }
        }
    }

    func close() {
        lock.withLock {
            if handle >= 0 { _ = Foundation.close(handle) }
            handle = -1
        }
    }

    deinit { close() }
}
