import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1

/// Sends hub requests: the headers huggingface_hub sends, redirects followed by hand (so the token never
/// leaves the hub's origin), transport errors turned into `HubError.unreachable`.
struct HubHTTP {
    let client: HTTPClient
    let settings: HubSettings
    let repo: RepoID
    let logger: Logger

    static let maxRedirects = 5

    /// `{endpoint}/{repo}/resolve/{revision}/{file}`.
    func resolveURL(revision: String, file: String) -> URL {
        let path = file.split(separator: "/").map { String($0).addingPercentEncoding(withAllowedCharacters: .urlPathAllowed) ?? String($0) }
        let text =
            settings.endpoint.absoluteString + "/\(repo.org)/\(repo.name)/resolve/"
            + Revision.urlSegment(revision) + "/" + path.joined(separator: "/")
        return URL(string: text)!
    }

    /// A request client configured for the hub: no automatic redirects, no endless connection retries.
    static func configuration(_ settings: HubSettings) -> HTTPClient.Configuration {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        config.timeout = .init(connect: .seconds(settings.metadataTimeout), read: .seconds(settings.downloadTimeout))
        config.connectionPool.retryConnectionEstablishment = false
        return config
    }

    func headers(for url: URL, rangeStart: Int64? = nil) -> HTTPHeaders {
        var headers = HTTPHeaders()
        headers.add(name: "User-Agent", value: "scs (SCSHub; AsyncHTTPClient)")
        headers.add(name: "Accept-Encoding", value: "identity")
        if let token = settings.token, Self.sameOrigin(url, settings.endpoint) {
            headers.add(name: "Authorization", value: "Bearer \(token)")
        }
        if let start = rangeStart, start > 0 { headers.add(name: "Range", value: "bytes=\(start)-") }
        return headers
    }

    /// Sends one request (no redirects). The caller must consume or drop the body.
    func send(_ method: HTTPMethod, _ url: URL, rangeStart: Int64? = nil, timeout: Int64? = nil) async throws -> HTTPClientResponse {
        var request = HTTPClientRequest(url: url.absoluteString)
        request.method = method
        request.headers = headers(for: url, rangeStart: rangeStart)
        logger.debug(
            "hub request",
            metadata: [
                "method": "\(method)", "url": "\(HubError.display(url))",
                "range": "\(rangeStart.map { "bytes=\($0)-" } ?? "none")"
            ])
        do {
            if let timeout {
                return try await client.execute(request, timeout: .seconds(timeout), logger: logger)
            }
            return try await client.execute(request, deadline: .distantFuture, logger: logger)
        } catch let error as HubError {
            throw error
        } catch {
            throw unreachable(error, url: url)
        }
    }

    /// Sends a GET, following up to five redirects.
    func get(_ url: URL, rangeStart: Int64?) async throws -> (HTTPClientResponse, URL) {
        var current = url
        for _ in 0...Self.maxRedirects {
            let response = try await send(.GET, current, rangeStart: rangeStart)
            guard Self.isRedirect(response.status.code) else { return (response, current) }
            let next = try redirectTarget(response, from: current)
            try await drain(response)
            current = next
        }
        throw HubError.invalidResponse(url: url, reason: "more than \(Self.maxRedirects) redirects")
    }

    func redirectTarget(_ response: HTTPClientResponse, from url: URL) throws -> URL {
        guard let location = response.headers.first(name: "Location"),
            let next = URL(string: location, relativeTo: url)?.absoluteURL,
            let scheme = next.scheme?.lowercased(), scheme == "http" || scheme == "https"
        else {
            throw HubError.invalidResponse(url: url, reason: "HTTP \(response.status.code) without a usable Location header")
        }
        return next
    }

    /// Reads and discards a (small) body so the connection can be reused.
    func drain(_ response: HTTPClientResponse) async throws {
        do {
            _ = try await response.body.collect(upTo: 1 << 20)
        } catch {
            // The answer is already known; a body we do not need may fail without consequence.
        }
    }

    /// A transport failure of the request to `url` (the hub's, or the CDN's after a redirect).
    func unreachable(_ error: Error, url: URL) -> HubError {
        .unreachable(repo: repo.description, url: url, endpoint: settings.endpoint, reason: NetworkFailure.reason(error))
    }

    func httpError(_ status: UInt, _ url: URL) -> HubError {
        .httpStatus(Int(status), url: url, repo: repo.description, endpoint: settings.endpoint)
    }

    static func isRedirect(_ code: UInt) -> Bool { [301, 302, 303, 307, 308].contains(code) }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ u: URL) -> Int? { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : u.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased()
            && port(a) == port(b)
    }
}
