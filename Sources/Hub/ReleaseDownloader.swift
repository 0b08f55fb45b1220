import AsyncHTTPClient
import Crypto
import Foundation
import NIOCore
import ZIPFoundation

/// A file a project publishes outside the Hugging Face hub (a GitHub release, its own CDN): where
/// it is, where it goes under the destination folder, whether it is a zip to unpack there, and
/// its published SHA-256 when the project gives one.
public struct ReleaseFile: Sendable, Equatable {
    public var url: URL
    /// For a plain file, its path under the folder; for a zip, the folder it is unpacked into ("" = the folder itself).
    public var destination: String
    public var unzip: Bool
    public var sha256: String?

    public init(url: URL, destination: String, unzip: Bool = false, sha256: String? = nil) {
        self.url = url
        self.destination = destination
        self.unzip = unzip
        self.sha256 = sha256
    }

    /// "download URL and unzip it into DIR" / "download URL to DIR/FILE": what to do by hand.
    func instruction(root: URL) -> String {
        let target = destination.isEmpty ? root.path : root.appendingPathComponent(destination).path
        return unzip ? "download \(url.absoluteString) and unzip it into \(target)" : "download \(url.absoluteString) to \(target)"
    }
}

/// Everything that can go wrong fetching release files; each description is one line that says
/// what failed and what to put where instead.
public enum ReleaseError: Error, CustomStringConvertible, Equatable {
    case offline(what: String, instructions: [String])
    case unreachable(url: URL, reason: String, instructions: [String])
    case httpStatus(Int, url: URL, instructions: [String])
    case checksumMismatch(url: URL, expected: String, actual: String)
    case badArchive(url: URL, reason: String)
    case fileSystem(path: String, reason: String)

    public var description: String {
        switch self {
        case let .offline(what, instructions):
            return "\(what) is not in the cache and downloads are off (HF_HUB_OFFLINE or SCS_OFFLINE): " + instructions.joined(separator: "; ")
        case let .unreachable(url, reason, instructions):
            return "cannot download \(url.absoluteString) (\(reason)): " + instructions.joined(separator: "; ")
        case let .httpStatus(status, url, instructions):
            return "cannot download \(url.absoluteString) (HTTP \(status)): " + instructions.joined(separator: "; ")
        case let .checksumMismatch(url, expected, actual):
            return "\(url.absoluteString) has sha256 \(actual), not the published \(expected); the download was discarded"
        case let .badArchive(url, reason):
            return "\(url.absoluteString) is not a usable zip archive (\(reason)); the download was discarded"
        case let .fileSystem(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}

/// Downloads release files into a folder: each streamed to `<folder>/.downloads/`, its SHA-256
/// computed on the way and checked against the published one when there is one, then moved (or
/// unzipped, refusing entries that would land outside the folder) into place. What was fetched,
/// with its SHA-256, is recorded in `<folder>/downloads.json`. Honours `HF_HUB_OFFLINE` and
/// `SCS_OFFLINE` (no network: one line saying what to download and where to put it).
public struct ReleaseDownloader: Sendable {
    public typealias Progress = @Sendable (_ done: Int64, _ total: Int64?, _ file: String) -> Void
    let offline: Bool
    let timeout: Int64

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        let settings = HubSettings(environment: environment)
        offline = settings.offline || ["1", "true", "yes", "on"].contains(environment["SCS_OFFLINE"]?.lowercased() ?? "")
        timeout = settings.downloadTimeout
    }

    /// Fetches `files` into `root`; `what` names the model in messages.
    public func fetch(_ files: [ReleaseFile], into root: URL, what: String, progress: Progress? = nil) async throws {
        let instructions = files.map { $0.instruction(root: root) }
        if offline { throw ReleaseError.offline(what: what, instructions: instructions) }
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .follow(max: 5, allowCycles: false)
        config.decompression = .disabled
        config.timeout = .init(connect: .seconds(10), read: .seconds(timeout))
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
        defer { try? client.syncShutdown() }
        let staging = root.appendingPathComponent(".downloads", isDirectory: true)
        try Self.fileSystem(staging.path) { try FileManager.default.createDirectory(at: staging, withIntermediateDirectories: true) }
        var record: [[String: String]] = []
        for file in files {
            let partial = staging.appendingPathComponent(file.url.lastPathComponent + ".incomplete")
            let digest = try await download(file, to: partial, client: client, instructions: instructions, progress: progress)
            if let expected = file.sha256, expected.lowercased() != digest {
                try? FileManager.default.removeItem(at: partial)
                throw ReleaseError.checksumMismatch(url: file.url, expected: expected, actual: digest)
            }
            try place(file, from: partial, root: root)
            record.append(["url": file.url.absoluteString, "sha256": digest, "verified": file.sha256 == nil ? "no published checksum" : "yes"])
        }
        try? FileManager.default.removeItem(at: staging)
        let manifest = root.appendingPathComponent("downloads.json")
        let previous = (try? JSONSerialization.jsonObject(with: Data(contentsOf: manifest))) as? [[String: String]] ?? []
        let data = try JSONSerialization.data(withJSONObject: previous + record, options: [.prettyPrinted, .sortedKeys])
        try Self.fileSystem(manifest.path) { try data.write(to: manifest) }
    }

    /// Streams one file to `partial`, returning its SHA-256.
    private func download(
        _ file: ReleaseFile, to partial: URL, client: HTTPClient, instructions: [String],
        progress: Progress?
    ) async throws -> String {
        var request = HTTPClientRequest(url: file.url.absoluteString)
        request.headers.add(name: "User-Agent", value: "scs (SCSHub; AsyncHTTPClient)")
        let response: HTTPClientResponse
        do {
            response = try await client.execute(request, deadline: .distantFuture)
        } catch {
            throw ReleaseError.unreachable(url: file.url, reason: NetworkFailure.reason(error), instructions: instructions)
        }
        guard response.status.code == 200 else {
            _ = try? await response.body.collect(upTo: 1 << 20)
            throw ReleaseError.httpStatus(Int(response.status.code), url: file.url, instructions: instructions)
        }
        let total = response.headers.first(name: "Content-Length").flatMap { Int64($0) }
        guard FileManager.default.createFile(atPath: partial.path, contents: nil), let handle = try? FileHandle(forWritingTo: partial) else {
            throw ReleaseError.fileSystem(path: partial.path, reason: "cannot create file")
        }
        defer { try? handle.close() }
        var hasher = SHA256()
        var done: Int64 = 0
        do {
            for try await chunk in response.body {
                try chunk.withUnsafeReadableBytes { bytes in
                    hasher.update(bufferPointer: bytes)
                    try handle.write(contentsOf: bytes)
                }
                done += Int64(chunk.readableBytes)
                progress?(done, total, file.url.lastPathComponent)
            }
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw ReleaseError.unreachable(url: file.url, reason: NetworkFailure.reason(error), instructions: instructions)
        }
        if let total, total != done {
            try? FileManager.default.removeItem(at: partial)
            throw ReleaseError.unreachable(url: file.url, reason: "\(done) of \(total) bytes arrived", instructions: instructions)
        }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Moves a plain file into place, or unzips an archive into its folder.
    private func place(_ file: ReleaseFile, from partial: URL, root: URL) throws {
        let fm = FileManager.default
        defer { try? fm.removeItem(at: partial) }
        let target = file.destination.isEmpty ? root : root.appendingPathComponent(file.destination)
        guard file.unzip else {
            try Self.fileSystem(target.path) {
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                if fm.fileExists(atPath: target.path) { try fm.removeItem(at: target) }
                try fm.moveItem(at: partial, to: target)
            }
            return
        }
        let archive: Archive
        do { archive = try Archive(url: partial, accessMode: .read) } catch {
            throw ReleaseError.badArchive(url: file.url, reason: "\(error)")
        }
        let base = target.standardizedFileURL.path + "/"
        for entry in archive {
            let destination = target.appendingPathComponent(entry.path).standardizedFileURL
            guard destination.path.hasPrefix(base) else {
                throw ReleaseError.badArchive(url: file.url, reason: "entry \(entry.path) would land outside \(target.path)")
            }
            if entry.type == .directory { continue }
            guard entry.type == .file else { throw ReleaseError.badArchive(url: file.url, reason: "entry \(entry.path) is not a file") }
            try Self.fileSystem(destination.path) {
                try fm.createDirectory(at: destination.deletingLastPathComponent(), withIntermediateDirectories: true)
                if fm.fileExists(atPath: destination.path) { try fm.removeItem(at: destination) }
                do { _ = try archive.extract(entry, to: destination) } catch {
                    throw ReleaseError.badArchive(url: file.url, reason: "cannot extract \(entry.path): \(error)")
                }
            }
        }
    }

    static func fileSystem<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ReleaseError { throw error } catch {
            throw ReleaseError.fileSystem(path: path, reason: error.localizedDescription)
        }
    }
}
