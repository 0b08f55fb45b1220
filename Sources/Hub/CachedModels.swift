import Foundation

/// A model snapshot in the huggingface_hub cache.
public struct CachedModel: Sendable, Equatable {
    /// `org/name`, from the cache folder's name (`models--org--name`).
    public var repo: String
    /// The snapshot's commit, and the revisions (branches, tags) that point to it.
    public var commit: String
    public var revisions: [String]
    public var folder: URL
}

extension ModelLocator {
    /// Every model snapshot in the cache, sorted by repo and commit. Folders that are not a
    /// model repo's (`datasets--…`) and snapshots without files are left out.
    public func cachedModels() -> [CachedModel] {
        let fm = FileManager.default
        let root = settings.cacheDirectory
        guard let repos = try? fm.contentsOfDirectory(atPath: root.path) else { return [] }
        var found: [CachedModel] = []
        for entry in repos.sorted() where entry.hasPrefix("models--") {
            let repo = entry.dropFirst("models--".count).replacingOccurrences(of: "--", with: "/")
            let folder = root.appendingPathComponent(entry)
            var refs: [String: [String]] = [:]
            let refsFolder = folder.appendingPathComponent("refs")
            if let names = fm.enumerator(atPath: refsFolder.path) {
                for case let name as String in names {
                    if let commit = try? String(contentsOf: refsFolder.appendingPathComponent(name), encoding: .utf8) {
                        refs[commit.trimmingCharacters(in: .whitespacesAndNewlines), default: []].append(name)
                    }
                }
            }
            let snapshots = folder.appendingPathComponent("snapshots")
            for commit in ((try? fm.contentsOfDirectory(atPath: snapshots.path)) ?? []).sorted() {
                let snapshot = snapshots.appendingPathComponent(commit, isDirectory: true)
                guard let files = try? fm.contentsOfDirectory(atPath: snapshot.path), !files.isEmpty else { continue }
                found.append(CachedModel(repo: repo, commit: commit, revisions: (refs[commit] ?? []).sorted(), folder: snapshot))
            }
        }
        return found
    }
}
