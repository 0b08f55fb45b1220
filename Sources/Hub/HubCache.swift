import Foundation

/// The huggingface_hub cache layout under one cache directory:
///
///     models--ORG--NAME/refs/<revision>                 the commit hash a branch or tag points to
///     models--ORG--NAME/snapshots/<commit>/<file>       symlink to ../../blobs/<etag>
///     models--ORG--NAME/blobs/<etag>                    the file's bytes (<etag>.incomplete while downloading)
///     models--ORG--NAME/.no_exist/<commit>/<file>       an empty marker: the hub has no such file
struct HubCache: Sendable {
    let root: URL

    func repoFolder(_ repo: RepoID) -> URL { root.appendingPathComponent(repo.cacheFolderName, isDirectory: true) }

    func refFile(_ repo: RepoID, revision: String) -> URL {
        repoFolder(repo).appendingPathComponent("refs").appendingPathComponent(revision)
    }

    func snapshot(_ repo: RepoID, commit: String) -> URL {
        repoFolder(repo).appendingPathComponent("snapshots").appendingPathComponent(commit, isDirectory: true)
    }

    func blob(_ repo: RepoID, etag: String) -> URL {
        repoFolder(repo).appendingPathComponent("blobs").appendingPathComponent(etag)
    }

    func incompleteBlob(_ repo: RepoID, etag: String) -> URL {
        repoFolder(repo).appendingPathComponent("blobs").appendingPathComponent(etag + ".incomplete")
    }

    /// The commit a revision points to: `refs/<revision>`, or the revision itself when it is a commit hash.
    func commit(_ repo: RepoID, revision: String) -> String? {
        if let data = FileManager.default.contents(atPath: refFile(repo, revision: revision).path) {
            let commit = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            if HubCache.isSafeName(commit) { return commit }
        }
        return Revision.isCommitHash(revision) ? revision : nil
    }

    /// The snapshot folder of `revision` when every one of `files` is in it (symlinks resolving to blobs).
    func completeSnapshot(_ repo: RepoID, revision: String, files: [String]) -> URL? {
        guard let commit = commit(repo, revision: revision) else { return nil }
        let folder = snapshot(repo, commit: commit)
        let complete = files.allSatisfy { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        return complete ? folder : nil
    }

    /// Points `snapshots/<commit>/<file>` at `blobs/<etag>` with a relative symlink, as huggingface_hub does.
    func link(_ repo: RepoID, commit: String, file: String, etag: String) throws {
        let pointer = snapshot(repo, commit: commit).appendingPathComponent(file)
        let depth = file.split(separator: "/").count + 1  // up from the file's folder to the repo folder
        let target = String(repeating: "../", count: depth) + "blobs/" + etag
        try Self.fileSystem(pointer.path) {
            let fm = FileManager.default
            try fm.createDirectory(at: pointer.deletingLastPathComponent(), withIntermediateDirectories: true)
            if (try? fm.destinationOfSymbolicLink(atPath: pointer.path)) == target { return }
            if (try? fm.attributesOfItem(atPath: pointer.path)) != nil { try fm.removeItem(at: pointer) }
            try fm.createSymbolicLink(atPath: pointer.path, withDestinationPath: target)
        }
    }

    /// Records that `revision` points to `commit` (`refs/<revision>`); nothing to do when the revision is the commit.
    func writeRef(_ repo: RepoID, revision: String, commit: String) throws {
        guard revision != commit else { return }
        let file = refFile(repo, revision: revision)
        try Self.fileSystem(file.path) {
            try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
            try Data(commit.utf8).write(to: file, options: .atomic)
        }
    }

    /// Leaves huggingface_hub's `.no_exist/<commit>/<file>` marker for a file the hub does not have.
    func markMissing(_ repo: RepoID, commit: String, file: String) {
        let marker = repoFolder(repo).appendingPathComponent(".no_exist").appendingPathComponent(commit)
            .appendingPathComponent(file)
        try? FileManager.default.createDirectory(at: marker.deletingLastPathComponent(), withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: marker.path, contents: Data())
    }

    /// Creates the `blobs` folder (and the ones above it).
    func prepareBlobs(_ repo: RepoID) throws {
        let blobs = repoFolder(repo).appendingPathComponent("blobs")
        try Self.fileSystem(blobs.path) {
            try FileManager.default.createDirectory(at: blobs, withIntermediateDirectories: true)
        }
    }

    /// Whether a commit hash or etag from the server is safe as a single path component.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && name != "." && name != ".."
            && name.unicodeScalars.allSatisfy {
                $0.isASCII && (CharacterSet.alphanumerics.contains($0) || $0 == "-" || $0 == "_" || $0 == ".")
            }
    }

    /// Runs a file-system operation, turning its error into `HubError.fileSystem`.
    static func fileSystem<T>(_ path: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as HubError {
            throw error
        } catch {
            throw HubError.fileSystem(path: path, reason: Self.reason(error))
        }
    }

    static func reason(_ error: Error) -> String {
        let ns = error as NSError
        if let underlying = ns.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if ns.domain == NSPOSIXErrorDomain { return String(cString: strerror(Int32(ns.code))) }
        return ns.localizedDescription.replacingOccurrences(of: "\n", with: " ")
    }
}
