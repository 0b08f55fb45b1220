import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// What the hub's HEAD on `resolve/{revision}/{file}` tells about a file.
struct FileMetadata: Sendable {
    var commit: String
    var etag: String
    var size: Int64?
    /// Where to GET the bytes: the CDN URL of a 302, else the resolve URL.
    var downloadURL: URL
    /// LFS files come with `X-Linked-Etag`, the file's sha256.
    var isLFS: Bool
}

/// Downloads repo files into the huggingface_hub cache layout, as `hf_hub_download` does.
struct HubDownloader {
    typealias Progress = @Sendable (_ done: Int64, _ total: Int64?, _ file: String) -> Void

    let settings: HubSettings
    let cache: HubCache
    let logger: Logger
    /// GET attempts per file; each retry resumes the partial blob with a Range request.
    var maxAttempts = 3
    var retryDelay: Duration = .milliseconds(200)

    /// Downloads `required` (a missing one is an error) and `optional` (a 404 is ignored) files of `revision`,
    /// links them into one snapshot, records `refs/<revision>`, and returns the snapshot folder.
    func download(
        _ repo: RepoID, revision: String, required: [String], optional: [String],
        progress: Progress?
    ) async throws -> URL {
        try await HTTPClient.withHTTPClient(configuration: HubHTTP.configuration(settings)) { client in
            let http = HubHTTP(client: client, settings: settings, repo: repo, logger: logger)
            var commit: String?
            for file in required + optional {
                let meta: FileMetadata
                do {
                    // Once the first answer names the commit, ask for that commit so all files match.
                    meta = try await metadata(http, revision: commit ?? revision, file: file)
                } catch HubError.httpStatus(404, _, _, _) where optional.contains(file) {
                    logger.debug("hub has no optional file", metadata: ["file": "\(file)"])
                    if let commit { cache.markMissing(repo, commit: commit, file: file) }
                    continue
                }
                commit = commit ?? meta.commit
                try await fetch(http, meta, file: file, progress: progress)
                try cache.link(repo, commit: commit!, file: file, etag: meta.etag)
            }
            guard let commit else { throw HubError.invalidResponse(url: settings.endpoint, reason: "no files requested") }
            try cache.writeRef(repo, revision: revision, commit: commit)
            return cache.snapshot(repo, commit: commit)
        }
    }

    // MARK: Metadata

    /// HEAD without following the hub's redirect to its CDN: the redirect itself carries the metadata.
    /// Other redirects (a renamed repo) are followed.
    func metadata(_ http: HubHTTP, revision: String, file: String) async throws -> FileMetadata {
        let url = http.resolveURL(revision: revision, file: file)
        var current = url
        for _ in 0...HubHTTP.maxRedirects {
            let response = try await http.send(.HEAD, current, timeout: settings.metadataTimeout)
            try await http.drain(response)
            let code = response.status.code
            let headers = response.headers
            let hasMetadata =
                headers.first(name: "X-Repo-Commit") != nil
                && (headers.first(name: "X-Linked-Etag") ?? headers.first(name: "ETag")) != nil
            if HubHTTP.isRedirect(code) {
                let next = try http.redirectTarget(response, from: current)
                if hasMetadata { return try parse(headers, status: code, url: current, location: next) }
                current = next
                continue
            }
            guard code == 200 else { throw http.httpError(code, current) }
            return try parse(headers, status: code, url: current, location: current)
        }
        throw HubError.invalidResponse(url: url, reason: "more than \(HubHTTP.maxRedirects) redirects")
    }

    private func parse(_ headers: HTTPHeaders, status: UInt, url: URL, location: URL) throws -> FileMetadata {
        guard let commit = headers.first(name: "X-Repo-Commit"), HubCache.isSafeName(commit) else {
            throw HubError.invalidResponse(url: url, reason: "no valid X-Repo-Commit header (is HF_ENDPOINT a Hugging Face hub?)")
        }
        let linked = headers.first(name: "X-Linked-Etag")
        guard let rawEtag = linked ?? headers.first(name: "ETag") else {
            throw HubError.invalidResponse(url: url, reason: "no ETag header")
        }
        let etag = Self.normalizeEtag(rawEtag)
        guard HubCache.isSafeName(etag) else {
            throw HubError.invalidResponse(url: url, reason: "unusable ETag \(rawEtag)")
        }
        var size = headers.first(name: "X-Linked-Size").flatMap { Int64($0) }
        if size == nil, status == 200 { size = headers.first(name: "Content-Length").flatMap { Int64($0) } }
        return FileMetadata(commit: commit, etag: etag, size: size, downloadURL: location, isLFS: linked != nil)
    }

    /// huggingface_hub's `_normalize_etag`: drop a weak `W/` prefix and the quotes.
    static func normalizeEtag(_ etag: String) -> String {
        var e = etag.trimmingCharacters(in: .whitespaces)
        if e.hasPrefix("W/") { e.removeFirst(2) }
        return e.trimmingCharacters(in: CharacterSet(charactersIn: "\""))
    }

    // MARK: Download

    /// Makes sure `blobs/<etag>` holds the file: downloads it into `<etag>.incomplete` (resuming what is there),
    /// checks its size and, for LFS files, its sha256, then renames it.
    func fetch(_ http: HubHTTP, _ meta: FileMetadata, file: String, progress: Progress?) async throws {
        let repo = http.repo
        let blob = cache.blob(repo, etag: meta.etag)
        if let existing = Self.fileSize(blob), meta.size == nil || meta.size == existing {
            progress?(existing, existing, file)
            return
        }
        try cache.prepareBlobs(repo)
        let partial = cache.incompleteBlob(repo, etag: meta.etag)
        var attempt = 1
        while true {
            do {
                try await fetchOnce(http, meta, into: partial, file: file, progress: progress)
                break
            } catch let error as HubError {
                guard case .unreachable = error, attempt < maxAttempts else { throw error }
                logger.debug("download interrupted, resuming", metadata: ["file": "\(file)", "error": "\(error)"])
                attempt += 1
                try await Task.sleep(for: retryDelay * (attempt - 1))
            }
        }
        try verify(meta, partial: partial, file: file)
        try HubCache.fileSystem(blob.path) {
            let fm = FileManager.default
            if fm.fileExists(atPath: blob.path) { try fm.removeItem(at: blob) }
            try fm.moveItem(at: partial, to: blob)
        }
    }

    /// One GET: resumes from the partial file's size with `Range`, restarts when the server ignores it.
    private func fetchOnce(
        _ http: HubHTTP, _ meta: FileMetadata, into partial: URL, file: String,
        progress: Progress?
    ) async throws {
        var offset = Self.fileSize(partial) ?? 0
        if let expected = meta.size, offset > expected { offset = 0 }
        if let expected = meta.size, offset == expected, expected > 0 { return }

        let (response, url) = try await http.get(meta.downloadURL, rangeStart: offset > 0 ? offset : nil)
        switch response.status.code {
        case 206:
            let start = response.headers.first(name: "Content-Range").flatMap(Self.rangeStart)
            guard start == offset else {
                try await http.drain(response)
                throw HubError.invalidResponse(url: url, reason: "206 for bytes \(start.map(String.init) ?? "?")- instead of \(offset)-")
            }
        case 200:
            if offset > 0 { logger.debug("server ignored Range, restarting", metadata: ["file": "\(file)"]) }
            offset = 0
        case 416 where offset > 0:
            // Nothing left past `offset`: restart from scratch next time round.
            try await http.drain(response)
            try? FileManager.default.removeItem(at: partial)
            throw HubError.unreachable(
                repo: http.repo.description, url: url, endpoint: settings.endpoint,
                reason: "HTTP 416 for a resumed download of \(file)")
        default:
            try await http.drain(response)
            throw http.httpError(response.status.code, url)
        }
        let total = meta.size ?? response.headers.first(name: "Content-Length").flatMap { Int64($0) }.map { $0 + offset }

        let handle = try HubCache.fileSystem(partial.path) { () throws -> FileHandle in
            if !FileManager.default.fileExists(atPath: partial.path) {
                guard FileManager.default.createFile(atPath: partial.path, contents: nil) else {
                    throw HubError.fileSystem(path: partial.path, reason: "cannot create file")
                }
            }
            let handle = try FileHandle(forWritingTo: partial)
            try handle.truncate(atOffset: UInt64(offset))
            try handle.seekToEnd()
            return handle
        }
        defer { try? handle.close() }

        var done = offset
        var reported = offset
        progress?(done, total, file)
        do {
            for try await chunk in response.body {
                try HubCache.fileSystem(partial.path) {
                    try chunk.withUnsafeReadableBytes { try handle.write(contentsOf: $0) }
                }
                done += Int64(chunk.readableBytes)
                if let expected = meta.size, done > expected {
                    throw HubError.sizeMismatch(file: file, expected: expected, actual: done)
                }
                if done - reported >= 1 << 20 || done == total {
                    progress?(done, total, file)
                    reported = done
                }
            }
        } catch let error as HubError {
            if case .sizeMismatch = error { try? FileManager.default.removeItem(at: partial) }
            throw error
        } catch {
            throw http.unreachable(error, url: url)
        }
        if reported != done { progress?(done, total, file) }
    }

    /// Size, then (LFS) sha256; a bad file is deleted so the next run starts over.
    private func verify(_ meta: FileMetadata, partial: URL, file: String) throws {
        let actual = Self.fileSize(partial) ?? 0
        if let expected = meta.size, actual != expected {
            try? FileManager.default.removeItem(at: partial)
            throw HubError.sizeMismatch(file: file, expected: expected, actual: actual)
        }
        guard meta.isLFS, meta.etag.count == 64 else { return }
        let digest = try SHA256File.hex(of: partial)
        if digest != meta.etag.lowercased() {
            try? FileManager.default.removeItem(at: partial)
            throw HubError.checksumMismatch(file: file, expected: meta.etag, actual: digest)
        }
    }

    /// `bytes START-END/TOTAL` → START.
    static func rangeStart(_ header: String) -> Int64? {
        let parts = header.trimmingCharacters(in: .whitespaces).split(separator: " ")
        guard parts.count == 2, parts[0].lowercased() == "bytes", let dash = parts[1].firstIndex(of: "-") else { return nil }
        return Int64(parts[1][..<dash])
    }

    static func fileSize(_ url: URL) -> Int64? {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: url.path),
            let size = attributes[.size] as? NSNumber
        else { return nil }
        return size.int64Value
    }
}
