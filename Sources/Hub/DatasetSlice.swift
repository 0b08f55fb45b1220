import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// A slice of a data set on the Hugging Face hub laid out as `<model>/<prompt>/<images>` (the
/// paper's, `runsdata/semantic-consistency-score`, by default), fetched through the hub's file API
/// with the model downloader's client (`HubHTTP`: its headers, redirects followed by hand, the
/// token only to the hub's origin):
///
/// - listings: `GET {endpoint}/api/datasets/{repo}/tree/{rev}/{path}`, a JSON array of
///   `{"type": "file" | "directory", "path", "size"}`, followed through every
///   `Link: <url>; rel="next"` page;
/// - files: `GET {endpoint}/datasets/{repo}/resolve/{rev}/{path}` (the hub redirects to its CDN).
///
/// Which prompt folders: the first `n` by name that every model has, or named ones. Files already
/// on disk with the listed size are kept; the others are written to `.<name>.part` and renamed
/// into place. After a complete fetch the listings it used are recorded beside the files
/// (`.scs-fetch-study.json`), so that with `HF_HUB_OFFLINE` set, or with no answer from the hub,
/// a complete slice is used from the disk.
public struct DatasetSlice: Sendable {
    public static let paperRepo = "runsdata/semantic-consistency-score"
    /// The record of the listings of complete fetches, in the slice's folder.
    public static let indexName = ".scs-fetch-study.json"
    static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    /// Which prompt folders to fetch.
    public enum Prompts: Sendable, Equatable {
        /// The first `n` (by name) that every model has.
        case first(Int)
        /// These prompts: a folder of that name, or of that name with the characters folder names
        /// cannot hold (' / : …) replaced by `_`, in every model.
        case named([String])
    }

    /// What a fetch did.
    public struct Outcome: Sendable, Equatable {
        public var fetched = 0
        public var present = 0
        /// Set when the slice came from the disk: why (offline, or no answer from the hub).
        public var fromDisk: DatasetError.Cause?
        public var files: Int { fetched + present }
    }

    public var repo = paperRepo
    public var revision = "main"
    public var models = ["SDXL", "pixart"]
    public var prompts = Prompts.first(3)
    public var images = 20
    /// Files fetched at a time.
    public var concurrency = 8
    let settings: HubSettings
    private let logger = Logger(label: "scs.hub.dataset")

    /// Reads the huggingface_hub settings (`HF_ENDPOINT`, `HF_TOKEN`, `HF_HUB_OFFLINE`, timeouts) from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        settings = HubSettings(environment: environment)
    }

    public var endpoint: URL { settings.endpoint }

    /// Where the slice is kept: `$SCS_CACHE_DIR/datasets/<repo>`, else under `$XDG_CACHE_HOME/scs`
    /// or `~/.cache/scs`, beside the embedding cache.
    public static func defaultFolder(
        repo: String = paperRepo,
        environment: [String: String] = ProcessInfo.processInfo.environment
    ) -> String {
        SCSCacheFolder.path(environment: environment) + "/datasets/" + repo
    }

    /// One entry of a tree listing.
    struct Entry: Codable, Equatable, Sendable {
        var type: String
        var path: String
        var size: Int?
    }

    /// The record of the listings complete fetches used, per repo and revision.
    struct Index: Codable {
        var repo: String
        var revision: String
        var listings: [String: [Entry]]
    }

    // MARK: Fetching

    /// Fetches the slice into `folder` (`progress`: files done, files in the slice).
    public func fetch(into folder: URL, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> Outcome {
        let repoID: RepoID
        do { repoID = try RepoID(repo) } catch { throw DatasetError.invalidRepo(repo) }
        if settings.offline { return try await fromDisk(folder, cause: .offlineSet, progress: progress) }
        if let error = settings.endpointError, case let .invalidEndpoint(raw) = error { throw DatasetError.invalidEndpoint(raw) }
        do {
            return try await HTTPClient.withHTTPClient(configuration: HubHTTP.configuration(settings)) { client in
                let http = HubHTTP(client: client, settings: settings, repo: repoID, logger: logger)
                return try await online(http, folder: folder, progress: progress)
            }
        } catch let DatasetError.incomplete(_, _, _, .unreachable(url, reason), _) {
            // No answer at all: a slice that an earlier complete fetch left on disk will do.
            return try await fromDisk(folder, cause: .unreachable(url: url, reason: reason), progress: progress)
        }
    }

    private func online(_ http: HubHTTP, folder: URL, progress: (@Sendable (Int, Int) -> Void)?) async throws -> Outcome {
        var listed: [String: [Entry]] = [:]
        let jobs = try await plan { path in
            let entries = try await list(http, path)
            listed[path] = entries
            return entries
        }
        let fm = FileManager.default
        var outcome = Outcome()
        var pending: [Entry] = []
        for job in jobs {
            if let size = job.size, Self.fileSize(folder.appendingPathComponent(job.path)) == size {
                outcome.present += 1
            } else {
                pending.append(job)
            }
        }
        let total = jobs.count
        progress?(outcome.present, total)
        try await withThrowingTaskGroup(of: Void.self) { group in
            var queue = pending[...]
            var done = outcome.present
            for _ in 0..<max(1, concurrency) {
                guard let job = queue.popFirst() else { break }
                group.addTask { try await download(http, job, into: folder) }
            }
            while try await group.next() != nil {
                done += 1
                progress?(done, total)
                if let job = queue.popFirst() {
                    group.addTask { try await download(http, job, into: folder) }
                }
            }
        }
        outcome.fetched = pending.count
        // Complete: record what was listed, so that an offline run can check the slice.
        var index = readIndex(folder) ?? Index(repo: repo, revision: revision, listings: [:])
        index.listings.merge(listed) { $1 }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let target = folder.appendingPathComponent(Self.indexName)
        let temp = folder.appendingPathComponent(Self.indexName + ".part")
        guard (try? fm.createDirectory(at: folder, withIntermediateDirectories: true)) != nil,
            let data = try? encoder.encode(index), fm.createFile(atPath: temp.path, contents: data),
            rename(temp.path, target.path) == 0
        else {
            try? fm.removeItem(at: temp)
            throw DatasetError.fileSystem(path: target.path, reason: "cannot write the record of the listings")
        }
        return outcome
    }

    /// The slice from the disk alone: every file the recorded listings select, with its size.
    private func fromDisk(_ folder: URL, cause: DatasetError.Cause, progress: (@Sendable (Int, Int) -> Void)?) async throws -> Outcome {
        let listings = readIndex(folder)?.listings ?? [:]
        let jobs = try await plan { path in
            guard let entries = listings[path] else {
                throw DatasetError.incomplete(repo: repo, folder: folder.path, missing: .listing(path), cause: cause, endpoint: endpoint)
            }
            return entries
        }
        let missing = jobs.filter { job in job.size.map { Self.fileSize(folder.appendingPathComponent(job.path)) != $0 } ?? true }
        guard missing.isEmpty else {
            throw DatasetError.incomplete(repo: repo, folder: folder.path, missing: .files(missing.map(\.path)), cause: cause, endpoint: endpoint)
        }
        progress?(jobs.count, jobs.count)
        return Outcome(fetched: 0, present: jobs.count, fromDisk: cause)
    }

    // MARK: Which files

    /// The image files of the slice, from listings of `model` and `model/prompt` folders.
    func plan(_ list: (String) async throws -> [Entry]) async throws -> [Entry] {
        var folders: [[String]] = []
        for model in models {
            folders.append(try await list(model).filter { $0.type == "directory" }.map { ($0.path as NSString).lastPathComponent })
        }
        let chosen = try choose(folders)
        var jobs: [Entry] = []
        for (model, prompts) in zip(models, chosen) {
            for prompt in prompts {
                jobs += images(in: try await list("\(model)/\(prompt)"))
            }
        }
        return jobs
    }

    /// Per model, the prompt folders to fetch, from each model's folder names.
    func choose(_ folders: [[String]]) throws -> [[String]] {
        switch prompts {
        case let .first(n):
            let shared = (folders.first ?? []).filter { p in folders.allSatisfy { $0.contains(p) } }.sorted().prefix(max(n, 0))
            guard !shared.isEmpty else {
                throw DatasetError.noSharedPrompts(repo: repo, revision: revision, models: models, endpoint: endpoint)
            }
            return folders.map { _ in Array(shared) }
        case let .named(names):
            return try zip(models, folders).map { model, have in
                let set = Set(have)
                var byKey: [String: [String]] = [:]
                for name in have { byKey[Self.folderKey(name), default: []].append(name) }
                var found: [String] = [], missing: [String] = []
                for name in names {
                    let trimmed = name.trimmingCharacters(in: .whitespaces)
                    if set.contains(trimmed) {
                        found.append(trimmed)
                    } else if let match = byKey[Self.folderKey(trimmed)], match.count == 1 {
                        found.append(match[0])
                    } else {
                        missing.append(trimmed)
                    }
                }
                guard missing.isEmpty else {
                    throw DatasetError.missingPrompts(repo: repo, revision: revision, model: model, prompts: missing)
                }
                var seen = Set<String>()
                return found.filter { seen.insert($0).inserted }
            }
        }
    }

    /// The first `images` image files of a prompt folder's listing, by name.
    func images(in entries: [Entry]) -> [Entry] {
        Array(
            entries.filter { $0.type == "file" && Self.imageExtensions.contains(($0.path as NSString).pathExtension.lowercased()) }
                .sorted { $0.path < $1.path }.prefix(max(images, 0)))
    }

    /// The text with the characters dataset tools replace in folder names (' / \ : * ? " < > |) as `_`.
    static func folderKey(_ text: String) -> String {
        let replaced: Set<Character> = ["'", "\u{2019}", "/", "\\", ":", "*", "?", "\"", "<", ">", "|"]
        return String(text.trimmingCharacters(in: .whitespacesAndNewlines).map { replaced.contains($0) ? "_" : $0 })
    }

    // MARK: Requests

    /// `{endpoint}/api/datasets/{repo}/tree/{rev}/{path}`.
    func treeURL(_ path: String) -> URL { url("api/datasets", path) }
    /// `{endpoint}/datasets/{repo}/resolve/{rev}/{path}`.
    func fileURL(_ path: String) -> URL { url("datasets", path) }

    /// Each segment of `path` percent-encoded (prompts hold spaces and apostrophes), the revision as one segment.
    private func url(_ prefix: String, _ path: String) -> URL {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;/"))
        let encoded = path.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: allowed) ?? String($0) }
        let verb = prefix == "datasets" ? "resolve" : "tree"
        return URL(
            string: settings.endpoint.absoluteString + "/\(prefix)/\(repo)/\(verb)/" + Revision.urlSegment(revision) + "/"
                + encoded.joined(separator: "/"))!
    }

    /// A tree listing, every page of it.
    func list(_ http: HubHTTP, _ path: String) async throws -> [Entry] {
        var next: URL? = treeURL(path)
        var entries: [Entry] = []
        var pages = 0
        while let url = next {
            let (response, final) = try await get(http, url, path: path, listing: true)
            let body: ByteBuffer
            do { body = try await response.body.collect(upTo: 256 << 20) } catch {
                throw DatasetError.interrupted(path: "the listing of \(path)", url: final, reason: NetworkFailure.reason(error))
            }
            guard let page = try? JSONDecoder().decode([Entry].self, from: Data(body.readableBytesView)) else {
                throw DatasetError.invalidResponse(url: final, reason: "the listing of \(path) is not a hub tree listing")
            }
            for entry in page {
                // Only entries inside the folder listed, with no way out of it.
                let parts = entry.path.split(separator: "/", omittingEmptySubsequences: false)
                guard entry.path.hasPrefix(path + "/"), !parts.contains(where: { $0.isEmpty || $0 == "." || $0 == ".." }) else {
                    throw DatasetError.invalidResponse(url: final, reason: "the listing of \(path) holds '\(entry.path)', not a path inside it")
                }
            }
            entries += page
            pages += 1
            next = Self.nextLink(response.headers["Link"], relativeTo: final)
            if pages > 100_000 { throw DatasetError.invalidResponse(url: final, reason: "the listing of \(path) never ends") }
        }
        return entries
    }

    /// The `rel="next"` URL of `Link` headers (RFC 8288), if any.
    static func nextLink(_ values: [String], relativeTo base: URL) -> URL? {
        for value in values {
            var rest = Substring(value)
            while let open = rest.firstIndex(of: "<"), let close = rest[open...].firstIndex(of: ">") {
                let target = rest[rest.index(after: open)..<close]
                let after = rest[rest.index(after: close)...]
                let end = after.firstIndex(of: "<") ?? after.endIndex
                let params = after[..<end].lowercased()
                let isNext = params.split(separator: ";").contains { param in
                    let kv = param.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
                    return kv.count == 2 && kv[0] == "rel"
                        && kv[1].trimmingCharacters(in: CharacterSet(charactersIn: "\"")).split(separator: " ").contains("next")
                }
                if isNext, let url = URL(string: String(target), relativeTo: base)?.absoluteURL { return url }
                rest = after[end...]
            }
        }
        return nil
    }

    /// A GET through the hub's client (redirects by hand, the token only to the hub); a status
    /// other than 200 is a `DatasetError.httpStatus`, no answer at all `.incomplete(.unreachable)`.
    func get(_ http: HubHTTP, _ url: URL, path: String, listing: Bool) async throws -> (HTTPClientResponse, URL) {
        let response: HTTPClientResponse, final: URL
        do {
            (response, final) = try await http.get(url, rangeStart: nil)
        } catch let HubError.unreachable(_, failed, _, reason) {
            throw DatasetError.incomplete(
                repo: repo, folder: "", missing: .files([]), cause: .unreachable(url: failed, reason: reason), endpoint: endpoint)
        } catch let HubError.invalidResponse(failed, reason) {
            throw DatasetError.invalidResponse(url: failed, reason: reason)
        }
        guard response.status.code == 200 else {
            try await http.drain(response)
            let message = response.headers.first(name: "X-Error-Message").map {
                NetworkFailure.oneLine($0.trimmingCharacters(in: .whitespaces), max: 300)
            }
            throw DatasetError.httpStatus(
                Int(response.status.code), url: final, endpoint: endpoint, repo: repo, revision: revision,
                path: path, listing: listing, errorCode: response.headers.first(name: "X-Error-Code"), message: message,
                tokenSent: settings.token != nil && HubHTTP.sameOrigin(final, endpoint))
        }
        return (response, final)
    }

    /// One file into `folder`: streamed to `.<name>.part`, its size checked, renamed into place.
    func download(_ http: HubHTTP, _ job: Entry, into folder: URL) async throws {
        let target = folder.appendingPathComponent(job.path)
        let dir = target.deletingLastPathComponent()
        let temp = dir.appendingPathComponent(".\(target.lastPathComponent).part")
        let fm = FileManager.default
        do { try fm.createDirectory(at: dir, withIntermediateDirectories: true) } catch {
            throw DatasetError.fileSystem(path: dir.path, reason: error.localizedDescription)
        }
        let (response, final) = try await get(http, fileURL(job.path), path: job.path, listing: false)
        guard fm.createFile(atPath: temp.path, contents: nil), let handle = FileHandle(forWritingAtPath: temp.path) else {
            try await http.drain(response)
            throw DatasetError.fileSystem(path: temp.path, reason: "cannot create the file")
        }
        var count = 0
        do {
            defer { try? handle.close() }
            do {
                for try await chunk in response.body {
                    chunk.withUnsafeReadableBytes { handle.write(Data($0)) }
                    count += chunk.readableBytes
                    if let size = job.size, count > size { break }
                }
            } catch {
                throw DatasetError.interrupted(path: job.path, url: final, reason: NetworkFailure.reason(error))
            }
        } catch {
            try? fm.removeItem(at: temp)
            throw error
        }
        if let size = job.size, count != size {
            try? fm.removeItem(at: temp)
            throw DatasetError.sizeMismatch(path: job.path, expected: size, actual: count, url: final)
        }
        guard rename(temp.path, target.path) == 0 else {
            try? fm.removeItem(at: temp)
            throw DatasetError.fileSystem(path: target.path, reason: String(cString: strerror(errno)))
        }
    }

    // MARK: Disk

    func readIndex(_ folder: URL) -> Index? {
        guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(Self.indexName).path),
            let index = try? JSONDecoder().decode(Index.self, from: data),
            index.repo == repo, index.revision == revision
        else { return nil }
        return index
    }

    static func fileSize(_ url: URL) -> Int? { HubDownloader.fileSize(url).map(Int.init) }
}
