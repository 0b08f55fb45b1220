import AsyncHTTPClient
import Foundation
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix

/// What a run reports as it goes, besides finished images.
public enum GenerationEvent: Sendable {
    /// A request failed in a way that usually heals and will be sent again after `delay` seconds.
    case retrying(image: String, step: String, attempt: Int, attempts: Int, reason: String, delay: Double)
    /// Something worth a line on stderr (an unreadable image that will be replaced, a recovered
    /// manifest line…).
    case note(String)
}

/// One HTTP answer, read to the end.
struct HTTPAnswer: Sendable {
    let status: Int
    let headers: HTTPHeaders
    let body: Data
    let url: URL

    var json: JSONValue? { JSONValue.parse(body) }
}

/// A failure that a new attempt may not meet: 429, 5xx, a timeout, a dropped connection, an answer
/// that is not the JSON or the image it should be.
struct TransientFailure: Error, Sendable {
    let reason: String
    var retryAfter: Double?
}

/// The bearer token a backend sends, and the only origin it is sent to (so an output URL on a
/// CDN, or a redirect, never sees it).
struct Authorization: Sendable {
    let secret: Secret
    let origin: URL
    var header = "Authorization"
    var scheme = "Bearer"
}

/// HTTP for the backends: JSON in and out, images down, each exchange retried on transient
/// failures as `RetryPolicy` says; anything else is a `GenerateError` carrying the server's message.
struct GenerationHTTP: Sendable {
    let client: HTTPClient
    let backend: String
    var policy: RetryPolicy
    /// Seconds a request may take to answer, and the longest silence while its body arrives.
    let timeout: Double
    let auth: Authorization?
    let logger: Logger
    var onEvent: @Sendable (GenerationEvent) -> Void

    static let maxBodyBytes = 256 << 20
    static let maxRedirects = 5

    /// A client for a run: no automatic redirects (they are followed here, so the token stays
    /// home), no silent connection retries, timeouts from `--timeout`.
    static func makeClient(timeout: Double) -> HTTPClient {
        var config = HTTPClient.Configuration()
        config.redirectConfiguration = .disallow
        config.decompression = .disabled
        let ms = Int64(max(timeout, 0.001) * 1000)
        config.timeout = .init(connect: .milliseconds(min(ms, 10_000)), read: .milliseconds(ms))
        config.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: config)
    }

    /// Sends a request until `decode` accepts a 2xx answer. `decode` throws `TransientFailure` for
    /// an answer worth asking again (malformed JSON, a truncated image), `GenerateError` for one
    /// that is final. 429, 408 and 5xx answers and transport errors are retried; other statuses
    /// stop the run with the server's message.
    func exchange<T>(
        _ method: HTTPMethod, _ url: URL, json: JSONValue? = nil, headers extra: [(String, String)] = [],
        image: String, step: String, decode: (HTTPAnswer) throws -> T
    ) async throws -> T {
        let attempts = policy.retries + 1
        var attempt = 0
        while true {
            attempt += 1
            try Task.checkCancellation()
            let failure: TransientFailure
            do {
                let answer = try await send(method, url, json: json, headers: extra)
                switch answer.status {
                case 200..<300:
                    return try decode(answer)
                case 408, 425, 429, 500...599:
                    let message = Self.serverMessage(answer, auth: auth)
                    let phrase = GenerateError.statusPhrase(answer.status)
                    throw TransientFailure(
                        reason: "HTTP \(answer.status)\(phrase.isEmpty ? "" : " \(phrase)")" + (message.isEmpty ? "" : ": \(message)"),
                        retryAfter: answer.headers.first(name: "Retry-After").flatMap { RetryPolicy.parseRetryAfter($0) })
                default:
                    throw GenerateError.rejected(
                        backend: backend, url: Self.display(answer.url), status: answer.status,
                        message: Self.serverMessage(answer, auth: auth))
                }
            } catch let t as TransientFailure {
                failure = t
            } catch let e as GenerateError {
                throw e
            } catch {
                if Task.isCancelled || error is CancellationError { throw CancellationError() }
                failure = TransientFailure(reason: TransportFailure.reason(error))
            }
            guard attempt < attempts else {
                throw GenerateError.gaveUp(backend: backend, url: Self.display(url), attempts: attempt, reason: failure.reason)
            }
            let delay = policy.delay(beforeRetry: attempt, retryAfter: failure.retryAfter)
            logger.debug("retrying", metadata: ["step": "\(step)", "reason": "\(failure.reason)"])
            onEvent(.retrying(image: image, step: step, attempt: attempt + 1, attempts: attempts, reason: failure.reason, delay: delay))
            try await Task.sleep(nanoseconds: UInt64(delay * 1e9))
        }
    }

    /// One request, its body read to the end; GETs follow up to five redirects.
    private func send(_ method: HTTPMethod, _ url: URL, json: JSONValue?, headers extra: [(String, String)]) async throws -> HTTPAnswer {
        var current = url
        for _ in 0...Self.maxRedirects {
            var request = HTTPClientRequest(url: current.absoluteString)
            request.method = method
            request.headers.add(name: "User-Agent", value: "scs-generate/0.1")
            request.headers.add(name: "Accept-Encoding", value: "identity")
            if let auth, Self.sameOrigin(current, auth.origin) {
                request.headers.add(name: auth.header, value: "\(auth.scheme) \(auth.secret.value)")
            }
            for (name, value) in extra { request.headers.add(name: name, value: value) }
            if let json {
                request.headers.add(name: "Content-Type", value: "application/json")
                request.body = .bytes(ByteBuffer(bytes: json.jsonData))
            }
            logger.debug("request", metadata: ["method": "\(method)", "url": "\(Self.display(current))"])
            let response = try await client.execute(request, timeout: .milliseconds(Int64(timeout * 1000)), logger: logger)
            let code = Int(response.status.code)
            if method == .GET, [301, 302, 303, 307, 308].contains(code),
                let location = response.headers.first(name: "Location"),
                let next = URL(string: location, relativeTo: current)?.absoluteURL,
                ["http", "https"].contains(next.scheme?.lowercased() ?? "")
            {
                _ = try? await response.body.collect(upTo: 1 << 20)
                current = next
                continue
            }
            let buffer: ByteBuffer
            do {
                buffer = try await response.body.collect(upTo: Self.maxBodyBytes)
            } catch is NIOTooManyBytesError {
                throw GenerateError.protocolViolation(
                    backend: backend, url: Self.display(current),
                    reason: "the answer is larger than \(Self.maxBodyBytes >> 20) MiB")
            }
            return HTTPAnswer(status: code, headers: response.headers, body: Data(buffer.readableBytesView), url: current)
        }
        throw GenerateError.protocolViolation(backend: backend, url: Self.display(url), reason: "more than \(Self.maxRedirects) redirects")
    }

    // MARK: Helpers

    /// The server's own words from an error answer, on one line, without the token, at most 500
    /// characters. Understands the error shapes of Replicate (`detail`, `title`, `invalid_fields`),
    /// OpenAI (`error.message`), FastAPI/AUTOMATIC1111 (`detail: [{loc, msg}]`, `error`) and
    /// ComfyUI (`error.message`, `node_errors`).
    static func serverMessage(_ answer: HTTPAnswer, auth: Authorization?) -> String {
        var parts: [String] = []
        if let json = answer.json, case .object(let o) = json {
            if let e = o["error"] {
                if let s = e.stringValue { parts.append(s) }
                if let m = e["message"]?.stringValue { parts.append(m) }
                if let d = e["details"]?.stringValue, !d.isEmpty { parts.append(d) }
            }
            if let t = o["title"]?.stringValue, o["detail"]?.stringValue != t { parts.append(t) }
            if let d = o["detail"] {
                if let s = d.stringValue, !s.isEmpty { parts.append(s) }
                for item in d.arrayValue ?? [] {
                    let loc = (item["loc"]?.arrayValue ?? []).map { $0.stringValue ?? $0.description }.joined(separator: ".")
                    if let msg = item["msg"]?.stringValue { parts.append(loc.isEmpty ? msg : "\(loc): \(msg)") }
                }
            }
            for f in o["invalid_fields"]?.arrayValue ?? [] {
                if let d = f["description"]?.stringValue { parts.append(d) }
            }
            if let m = o["message"]?.stringValue { parts.append(m) }
            if let errors = o["errors"]?.stringValue, !errors.isEmpty { parts.append(errors) }
            for (node, value) in (o["node_errors"]?.objectValue ?? [:]).sorted(by: { $0.key < $1.key }) {
                for e in value["errors"]?.arrayValue ?? [] {
                    let m = [e["message"]?.stringValue, e["details"]?.stringValue].compactMap { $0 }.filter { !$0.isEmpty }
                    parts.append("node \(node): " + m.joined(separator: ": "))
                }
            }
        }
        if parts.isEmpty {
            parts.append(String(decoding: answer.body.prefix(300), as: UTF8.self))
        }
        var text = parts.joined(separator: "; ")
        if let auth { text = auth.secret.redact(text) }
        return oneLine(text, max: 500)
    }

    static func oneLine(_ text: String, max: Int) -> String {
        let flat = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: " ")
        return flat.count > max ? String(flat.prefix(max)) + "…" : flat
    }

    /// A URL without its query (signed CDN URLs carry long signatures).
    static func display(_ url: URL) -> String {
        guard var parts = URLComponents(url: url, resolvingAgainstBaseURL: false) else { return url.absoluteString }
        parts.query = nil
        parts.fragment = nil
        parts.user = nil
        parts.password = nil
        return parts.string ?? url.absoluteString
    }

    static func sameOrigin(_ a: URL, _ b: URL) -> Bool {
        func port(_ u: URL) -> Int? { u.port ?? (u.scheme?.lowercased() == "https" ? 443 : u.scheme?.lowercased() == "http" ? 80 : nil) }
        return a.scheme?.lowercased() == b.scheme?.lowercased() && a.host?.lowercased() == b.host?.lowercased() && port(a) == port(b)
    }

    /// `base` + `path`, keeping any path prefix of `base` (a server behind `/sd/`).
    static func endpoint(_ base: URL, _ path: String) -> URL {
        var text = base.absoluteString
        while text.hasSuffix("/") { text.removeLast() }
        return URL(string: text + path)!
    }
}

/// Short, lower-case reasons for transport failures ("timed out", "connection refused").
enum TransportFailure {
    static func reason(_ error: Error) -> String {
        switch error {
        case let e as HTTPClientError:
            switch e {
            case .connectTimeout: return "connection timed out"
            case .readTimeout: return "timed out waiting for the server"
            case .deadlineExceeded: return "timed out waiting for the server"
            case .remoteConnectionClosed: return "connection closed by the server"
            default: return GenerationHTTP.oneLine("\(e)", max: 200)
            }
        case let e as NIOConnectionError:
            if let first = e.connectionErrors.first { return reason(first.error) }
            return "cannot connect to \(e.host):\(e.port)"
        case let e as HTTPParserError where e == .invalidEOFState:
            return "connection closed before the end of the answer"
        case let e as IOError:
            return String(cString: strerror(e.errnoCode)).lowercased()
        case let e as ChannelError:
            switch e {
            case .connectTimeout: return "connection timed out"
            case .eof, .ioOnClosedChannel, .alreadyClosed, .outputClosed, .inputClosed: return "connection closed by the server"
            default: return GenerationHTTP.oneLine("\(e)", max: 200)
            }
        default:
            let text = GenerationHTTP.oneLine(String(describing: error), max: 200)
            if text.localizedCaseInsensitiveContains("connection refused") { return "connection refused" }
            return text
        }
    }
}
