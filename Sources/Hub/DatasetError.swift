import Foundation

/// What can go wrong while fetching a slice of a data set from the hub (`DatasetSlice`).
///
/// Every `description` is one line that says what failed and what to do; none names a
/// command-line option (the library does not know the command that called it).
public enum DatasetError: Error, CustomStringConvertible, Equatable {
    /// Why the slice had to come from the disk.
    public enum Cause: Sendable, Equatable {
        /// `HF_HUB_OFFLINE` (or `TRANSFORMERS_OFFLINE`) is set.
        case offlineSet
        /// No answer came at all from `url` (connection refused, DNS failure, timeout…).
        case unreachable(url: URL, reason: String)
    }

    /// What a slice on disk lacks.
    public enum Missing: Sendable, Equatable {
        /// No complete fetch recorded the listing of this folder.
        case listing(String)
        /// Files absent, or of another size than their listing says.
        case files([String])
    }

    /// The repo id is not `org/name`.
    case invalidRepo(String)
    /// `HF_ENDPOINT` is not an http(s) URL.
    case invalidEndpoint(String)
    /// The hub or the file host answered an error to the request for `path` (its listing when
    /// `listing`, else the file); `errorCode` and `message` are the hub's `X-Error-Code` and
    /// `X-Error-Message` headers; `tokenSent` says whether the request carried `HF_TOKEN`.
    case httpStatus(
        Int, url: URL, endpoint: URL, repo: String, revision: String, path: String, listing: Bool,
        errorCode: String?, message: String?, tokenSent: Bool)
    /// The slice is not complete on disk, and the hub cannot be asked (`cause`).
    case incomplete(repo: String, folder: String, missing: Missing, cause: Cause, endpoint: URL)
    /// An answer began but broke off (connection dropped, timed out mid-body): not a reason to
    /// think the machine offline.
    case interrupted(path: String, url: URL, reason: String)
    /// An answer that is not what the hub's API promises (not a tree listing, a path outside the folder listed…).
    case invalidResponse(url: URL, reason: String)
    /// A file arrived with another size than its listing says.
    case sizeMismatch(path: String, expected: Int, actual: Int, url: URL)
    /// No prompt folder that every model has.
    case noSharedPrompts(repo: String, revision: String, models: [String], endpoint: URL)
    /// Named prompt folders that a model lacks.
    case missingPrompts(repo: String, revision: String, model: String, prompts: [String])
    /// Writing the slice failed.
    case fileSystem(path: String, reason: String)

    public var description: String {
        switch self {
        case let .invalidRepo(repo):
            return "'\(repo)' is not a data set repo id of the form org/name"
        case let .invalidEndpoint(value):
            return "HF_ENDPOINT '\(value)' is not an http(s) URL such as https://huggingface.co"
        case let .httpStatus(status, url, endpoint, repo, revision, path, listing, code, message, tokenSent):
            let what = listing ? "the listing of \(path)" : path
            let said = HTTPStatusText.line(status) + (message.map { ": \($0)" } ?? "")
            if let host = HubError.otherHost(url, endpoint) {
                // Only the hub gets the token: a file host's refusal is not about HF_TOKEN.
                return "the file host \(host) that \(endpoint.absoluteString) redirected to answered \(said) for \(what) of \(repo) "
                    + "(\(HubError.display(url))): run again later, or set HF_ENDPOINT to a mirror"
            }
            let at = "on \(endpoint.absoluteString)"
            switch (status, code) {
            case (401, "RepoNotFound"), (403, "RepoNotFound"), (404, "RepoNotFound"):
                return "the data set \(repo) does not exist \(at), or is private or gated (\(said)): check the repo id"
                    + (tokenSent ? ", and that HF_TOKEN has access to it" : ", or set HF_TOKEN to a token with access to it")
            case (401, _), (403, _):
                return "\(endpoint.absoluteString) refused \(what) of \(repo) (\(said)): "
                    + (tokenSent
                        ? "check HF_TOKEN: it is set but not valid for this data set, or has no access to it"
                        : "set HF_TOKEN to a token with access to the data set")
            case (404, "RevisionNotFound"):
                return "the data set \(repo) has no revision '\(revision)' \(at) (\(said)): give a branch, tag or commit it has"
            case (404, "EntryNotFound"):
                return "the data set \(repo) at revision '\(revision)' has no \(listing ? "folder" : "file") \(path) \(at) (\(said))"
            case (404, _):
                return "\(what) of \(repo) at revision '\(revision)' was not found \(at) (\(said)): "
                    + "check the repo id, the revision and the path"
            default:
                return "\(endpoint.absoluteString) answered \(said) for \(what) of \(repo) (\(HubError.display(url))): run again later"
            }
        case let .incomplete(repo, folder, missing, cause, endpoint):
            let lacking: String
            switch missing {
            case let .listing(path):
                lacking = "\(folder) holds no complete fetch of this slice of \(repo) (no listing of \(path) recorded)"
            case let .files(paths):
                let shown = paths.prefix(3).joined(separator: ", ") + (paths.count > 3 ? " and \(paths.count - 3) more" : "")
                lacking = "\(folder) lacks \(paths.count) file" + (paths.count == 1 ? "" : "s") + " of the slice of \(repo) (\(shown))"
            }
            switch cause {
            case .offlineSet:
                return "HF_HUB_OFFLINE is set and \(lacking): unset HF_HUB_OFFLINE to fetch it"
            case let .unreachable(url, reason):
                return "no answer from \(HubError.host(url)) (\(reason); offline?) and \(lacking): "
                    + "connect, or set HF_ENDPOINT to a reachable mirror"
            }
        case let .interrupted(path, url, reason):
            return "\(path): the answer from \(HubError.host(url)) broke off (\(reason)): run again, files already complete are kept"
        case let .invalidResponse(url, reason):
            return "unexpected answer from \(HubError.display(url)): \(reason) (is HF_ENDPOINT a Hugging Face hub?)"
        case let .sizeMismatch(path, expected, actual, url):
            return "\(path): got \(actual) bytes from \(HubError.display(url)), the listing says \(expected); run again to retry"
        case let .noSharedPrompts(repo, revision, models, endpoint):
            return "the data set \(repo) at revision '\(revision)' on \(endpoint.absoluteString) has no prompt folder that "
                + models.joined(separator: " and ") + (models.count == 1 ? " has" : " all have")
        case let .missingPrompts(repo, revision, model, prompts):
            let shown = prompts.prefix(3).map { "'\($0)'" }.joined(separator: ", ") + (prompts.count > 3 ? " and \(prompts.count - 3) more" : "")
            return "the data set \(repo) at revision '\(revision)' has no folder \(model)/ for \(prompts.count) of the prompts asked for "
                + "(\(shown), also with ' and other characters folder names cannot hold as _)"
        case let .fileSystem(path, reason):
            return "cannot write \(path): \(reason)"
        }
    }
}
