import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// A tiny HTTP client for the tests: no redirects followed, cookies by hand.
struct TestHTTP {
    static let client: HTTPClient = {
        var config = HTTPClient.Configuration(redirectConfiguration: .disallow)
        config.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 32
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }()

    struct Reply {
        let status: Int
        let headers: HTTPHeaders
        let body: Data
        var text: String { String(decoding: body, as: UTF8.self) }
        func header(_ name: String) -> String? { headers.first(name: name) }
    }

    static func request(_ url: String, method: HTTPMethod = .GET, headers: [(String, String)] = [], body: String? = nil) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 50 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers, body: Data(buffer: buffer))
    }

    static func get(_ url: String, cookie: String? = nil) async throws -> Reply {
        try await request(url, headers: cookie.map { [("Cookie", $0)] } ?? [])
    }

    /// Posts a form as a browser on the same origin would.
    static func post(
        _ url: String, form: [(String, String)], cookie: String?, origin: String? = nil,
        extra: [(String, String)] = []
    ) async throws -> Reply {
        var headers = extra
        if let cookie { headers.append(("Cookie", cookie)) }
        if let origin { headers.append(("Origin", origin)) }
        let body = form.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
        return try await request(url, method: .POST, headers: headers, body: body)
    }

    static func escape(_ s: String) -> String {
        s.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? s
    }
}

/// An annotator's browser session, as the page gives it: the cookie and the form's hidden fields.
struct Session {
    let link: String
    let cookie: String
    let csrf: String
    let prompt: Int64?
    let page: String

    static func open(_ link: String, cookie: String? = nil) async throws -> Session {
        let reply = try await TestHTTP.get(link, cookie: cookie)
        guard reply.status == 200 else { throw NSError(domain: "Session", code: reply.status) }
        let setCookie = reply.header("Set-Cookie").map { String($0.split(separator: ";")[0]) }
        let page = reply.text
        return Session(
            link: link, cookie: setCookie ?? cookie ?? "", csrf: field("csrf", in: page) ?? "",
            prompt: field("prompt", in: page).flatMap { Int64($0) }, page: page)
    }

    static func field(_ name: String, in page: String) -> String? {
        guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = page[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func answer(_ prompt: Int64, _ choice: String, origin: String? = nil) async throws -> TestHTTP.Reply {
        try await TestHTTP.post(
            link + "/answer", form: [("csrf", csrf), ("prompt", String(prompt)), ("choice", choice)],
            cookie: cookie, origin: origin)
    }
}
