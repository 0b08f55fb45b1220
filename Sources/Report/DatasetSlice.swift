import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// A small slice of the paper's published data set (`runsdata/semantic-consistency-score` on the
/// Hugging Face hub, `<model>/<prompt>/<seed>.jpg`), fetched through the hub's file API so that
/// `make demo` can show the whole study on real images:
///
/// - listing: `GET {endpoint}/api/datasets/{repo}/tree/{rev}/{path}`, a JSON array of
///   `{"type": "file" | "directory", "path", "size"}`;
/// - files: `GET {endpoint}/datasets/{repo}/resolve/{rev}/{path}`.
///
/// The first `prompts` prompt folders (by name) that every model has, and the first `images`
/// images of each. Files already on disk with the listed size are not fetched again.
public struct DatasetSlice: Sendable {
    public var endpoint: URL
    public var repo = "runsdata/semantic-consistency-score"
    public var revision = "main"
    public var models = ["SDXL", "pixart"]
    public var prompts = 3
    public var images = 20

    public init(endpoint: URL) { self.endpoint = endpoint }

    /// `$HF_ENDPOINT`, else huggingface.co, as huggingface_hub.
    public static func defaultEndpoint(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(string: environment["HF_ENDPOINT"].flatMap { $0.isEmpty ? nil : $0 } ?? "https://huggingface.co")!
    }

    /// Where the slice is kept: `$SCS_CACHE_DIR/datasets/<repo>`, else under `$XDG_CACHE_HOME/scs`
    /// or `~/.cache/scs`, beside the embedding cache.
    public static func defaultFolder(repo: String = "runsdata/semantic-consistency-score",
                                     environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let base = environment["SCS_CACHE_DIR"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
                ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path) + "/scs"
        return base + "/datasets/" + repo
    }

    struct Entry: Decodable {
        let type: String
        let path: String
        let size: Int?
    }

    /// Fetches the slice into `folder`; returns (fetched, already present).
    public func fetch(into folder: URL, progress: ((Int, Int) -> Void)? = nil) throws -> (fetched: Int, present: Int) {
        var prompts: [[String]] = []
        for model in models {
            prompts.append(try list(model).filter { $0.type == "directory" }.map { ($0.path as NSString).lastPathComponent })
        }
        let shared = (prompts.first ?? []).filter { p in prompts.allSatisfy { $0.contains(p) } }.sorted().prefix(self.prompts)
        guard !shared.isEmpty else {
            throw ReportError("\(repo) at \(endpoint.absoluteString): no prompt folder that \(models.joined(separator: " and ")) both have")
        }
        var jobs: [(path: String, size: Int?)] = []
        for model in models {
            for prompt in shared {
                let files = try list("\(model)/\(prompt)").filter {
                    $0.type == "file" && ["jpg", "jpeg", "png", "webp"].contains(($0.path as NSString).pathExtension.lowercased())
                }.sorted { $0.path < $1.path }.prefix(images)
                jobs += files.map { ($0.path, $0.size) }
            }
        }
        var fetched = 0, present = 0
        let fm = FileManager.default
        for (i, job) in jobs.enumerated() {
            let target = folder.appendingPathComponent(job.path)
            if let size = job.size, (try? fm.attributesOfItem(atPath: target.path)[.size] as? Int) == size {
                present += 1
            } else {
                let data = try get(url(["datasets", repo, "resolve", revision, job.path]), what: job.path)
                if let size = job.size, data.count != size {
                    throw ReportError("\(job.path): got \(data.count) bytes from \(endpoint.absoluteString), the listing says \(size)")
                }
                try fm.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
                let temp = target.deletingLastPathComponent().appendingPathComponent(".\(target.lastPathComponent).part")
                try data.write(to: temp)
                if rename(temp.path, target.path) != 0 { throw ReportError("\(target.path): cannot write") }
                fetched += 1
            }
            progress?(i + 1, jobs.count)
        }
        return (fetched, present)
    }

    func list(_ path: String) throws -> [Entry] {
        let data = try get(url(["api", "datasets", repo, "tree", revision, path]), what: "the listing of \(path)")
        do { return try JSONDecoder().decode([Entry].self, from: data) } catch {
            throw ReportError("\(repo): the listing of \(path) from \(endpoint.absoluteString) is not a hub tree listing")
        }
    }

    /// The endpoint plus path segments, each percent-encoded (prompts hold spaces and apostrophes).
    func url(_ parts: [String]) -> URL {
        let allowed = CharacterSet.urlPathAllowed.subtracting(CharacterSet(charactersIn: "?#;"))
        let path = parts.flatMap { $0.split(separator: "/").map(String.init) }
            .map { $0.addingPercentEncoding(withAllowedCharacters: allowed) ?? $0 }.joined(separator: "/")
        let base = endpoint.absoluteString.hasSuffix("/") ? String(endpoint.absoluteString.dropLast()) : endpoint.absoluteString
        return URL(string: base + "/" + path)!
    }

    /// A blocking GET; any failure is one line naming what could not be fetched and from where.
    func get(_ url: URL, what: String) throws -> Data {
        final class Box: @unchecked Sendable { var data: Data?; var status = 0; var error: Error? }
        let box = Box(), done = DispatchSemaphore(value: 0)
        var request = URLRequest(url: url, timeoutInterval: 60)
        if let token = ProcessInfo.processInfo.environment["HF_TOKEN"], !token.isEmpty {
            request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        }
        URLSession.shared.dataTask(with: request) { data, response, error in
            box.data = data
            box.status = (response as? HTTPURLResponse)?.statusCode ?? 0
            box.error = error
            done.signal()
        }.resume()
        done.wait()
        if let error = box.error {
            throw ReportError("cannot fetch \(what) of \(repo) from \(endpoint.absoluteString): \(error.localizedDescription) (offline? set HF_ENDPOINT for a mirror)")
        }
        guard box.status == 200, let data = box.data else {
            throw ReportError("cannot fetch \(what) of \(repo) from \(endpoint.absoluteString): HTTP \(box.status)")
        }
        return data
    }
}
