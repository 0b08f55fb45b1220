import Foundation

/// Everything that can go wrong while finding or downloading a model.
///
/// Every `description` is a single line; the network-related cases also say what to download by hand
/// and where to put it.
public enum HubError: Error, CustomStringConvertible, Equatable {
    /// The model asked for is neither an existing folder nor a valid repo id (`org/name`).
    case invalidModelArgument(String, reason: String)
    /// The revision (branch, tag or commit) is not a safe name.
    case invalidRevision(String, reason: String)
    /// `HF_ENDPOINT` is not an http(s) URL.
    case invalidEndpoint(String)
    /// A model folder lacks some of the files a CLIP model needs.
    case missingFiles([String], folder: URL)
    /// `HF_HUB_OFFLINE` is set and the model is not in the local cache.
    case offline(repo: String, revision: String, cacheDirectory: URL, endpoint: URL)
    /// The hub, or the file host it redirected to (`url`: the request that got no answer), could not
    /// be reached (connection refused, DNS failure, timeout, dropped connection…).
    case unreachable(repo: String, url: URL, endpoint: URL, reason: String)
    /// The hub (or its CDN: then `url` is on another host) answered with an HTTP error status.
    case httpStatus(Int, url: URL, repo: String, endpoint: URL)
    /// The server's answer lacks what the hub protocol promises (e.g. no `X-Repo-Commit` header).
    case invalidResponse(url: URL, reason: String)
    /// A downloaded file does not have the size the hub announced.
    case sizeMismatch(file: String, expected: Int64, actual: Int64)
    /// A downloaded LFS file's sha256 differs from the hub's `X-Linked-Etag`.
    case checksumMismatch(file: String, expected: String, actual: String)
    /// Reading or writing the cache failed.
    case fileSystem(path: String, reason: String)

    /// One line: what failed, with paths, URLs and statuses, and what to do about it.
    public var description: String { describe(usingFolder: "load the model from that folder") }

    /// One line, where `usingFolder` says how to use a folder of files downloaded by hand (the
    /// command line names its flag).
    public func describe(usingFolder: String) -> String {
        let remedy = { (repo: String, endpoint: URL) in Self.remedy(repo: repo, endpoint: endpoint, usingFolder: usingFolder) }
        switch self {
        case let .invalidModelArgument(argument, reason):
            return "'\(argument)' is neither an existing model folder nor a Hugging Face repo id like "
                + "\(ModelLocator.defaultModel): \(reason)"
        case let .invalidRevision(revision, reason):
            return "invalid revision '\(revision)': \(reason)"
        case let .invalidEndpoint(value):
            return "HF_ENDPOINT '\(value)' is not an http(s) URL such as https://huggingface.co"
        case let .missingFiles(files, folder):
            let list = files.joined(separator: " and ")
            return "model folder \(folder.path) has no \(list) (a CLIP model folder needs "
                + ModelLocator.requiredFiles.joined(separator: " and ") + ")"
        case let .offline(repo, revision, cache, endpoint):
            let rev = revision == "main" ? "" : " (revision \(revision))"
            return "HF_HUB_OFFLINE is set and \(repo)\(rev) is not in the Hugging Face cache at \(cache.path): "
                + Self.remedy(repo: repo, endpoint: endpoint, usingFolder: usingFolder, alternative: "or unset HF_HUB_OFFLINE")
        case let .unreachable(repo, url, endpoint, reason):
            if let host = Self.otherHost(url, endpoint) {
                // The hub answered with a redirect; the file host it named did not answer.
                return "cannot download \(repo): the file host \(host) that \(endpoint.absoluteString) redirected to "
                    + "could not be reached (\(reason)) for \(Self.display(url)): " + remedy(repo, endpoint)
            }
            return "cannot download \(repo) from \(endpoint.absoluteString) (\(reason)): " + remedy(repo, endpoint)
        case let .httpStatus(status, url, repo, endpoint):
            let statusText = HTTPStatusText.line(status)
            if let host = Self.otherHost(url, endpoint) {
                // The token is never sent there: a 401/403 from the file host is not about HF_TOKEN.
                return "cannot download \(repo): the file host \(host) that \(endpoint.absoluteString) redirected to "
                    + "answered \(statusText) for \(Self.display(url)): " + remedy(repo, endpoint)
            }
            var hint = ""
            if status == 401 || status == 403 {
                hint = "; if the repo is private or gated, set HF_TOKEN"
            }
            return "cannot download \(repo) from \(endpoint.absoluteString) (\(statusText)"
                + " for \(Self.display(url))\(hint)): " + remedy(repo, endpoint)
        case let .invalidResponse(url, reason):
            return "unexpected answer from \(Self.display(url)): \(reason)"
        case let .sizeMismatch(file, expected, actual):
            return "downloaded \(file) has \(actual) bytes but the hub announced \(expected); "
                + "the partial download was discarded, run again to retry"
        case let .checksumMismatch(file, expected, actual):
            return "downloaded \(file) has sha256 \(actual) but the hub announced \(expected); "
                + "the download was discarded, run again to retry"
        case let .fileSystem(path, reason):
            return "cannot write the Hugging Face cache at \(path): \(reason)"
        }
    }

    /// What to download by hand, and where to put it.
    static func remedy(
        repo: String, endpoint: URL, usingFolder: String,
        alternative: String = "or set HF_ENDPOINT to a reachable mirror"
    ) -> String {
        let files = ModelLocator.requiredFiles.joined(separator: " and ")
        let page = endpoint.appendingPathComponent(repo).absoluteString
        return "download \(files) from \(page) into a folder and \(usingFolder), \(alternative)"
    }

    /// `host[:port]` of `url` when it is not on the endpoint's origin (a CDN the hub redirected to).
    static func otherHost(_ url: URL, _ endpoint: URL) -> String? {
        HubHTTP.sameOrigin(url, endpoint) ? nil : host(url)
    }

    /// `host[:port]` of `url`, as an error names the server that failed.
    static func host(_ url: URL) -> String {
        (url.host ?? url.absoluteString) + (url.port.map { ":\($0)" } ?? "")
    }

    /// A URL without its query (CDN URLs carry long signatures).
    static func display(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        parts.query = nil
        parts.fragment = nil
        return parts.string ?? url.absoluteString
    }
}

/// Reason phrases for the statuses a hub commonly answers.
enum HTTPStatusText {
    /// "HTTP 404 Not Found" (the phrase left out when unknown).
    static func line(_ status: Int) -> String {
        let phrase = text(status)
        return "HTTP \(status)" + (phrase.isEmpty ? "" : " \(phrase)")
    }

    static func text(_ status: Int) -> String {
        switch status {
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 416: return "Range Not Satisfiable"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return ""
        }
    }
}
