import Foundation
import HTTPTypes
import Hummingbird
import NIOCore
import SCSGenerate
import TestSupport

/// A request as a stub server saw it.
public struct StubRequest: Sendable {
    public let method: String
    public let path: String
    public let query: [String: String]
    /// Header values by lower-cased name.
    public let headers: [String: String]
    public let body: Data
    /// When it arrived.
    public let time: Date

    public var json: JSONValue? { JSONValue.parse(body) }
    public var authorization: String? { headers["authorization"] }
}

/// What a stub answers.
public struct StubResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: Data
    /// Never answer (until the server stops): a hung connection.
    public var hang = false

    public init(status: Int, headers: [(String, String)] = [], body: Data = Data(), hang: Bool = false) {
        self.status = status
        self.headers = headers
        self.body = body
        self.hang = hang
    }

    public static func json(_ status: Int, _ value: JSONValue, headers: [(String, String)] = []) -> StubResponse {
        StubResponse(status: status, headers: [("Content-Type", "application/json")] + headers, body: value.jsonData)
    }

    public static func bytes(_ data: Data, type: String) -> StubResponse {
        StubResponse(status: 200, headers: [("Content-Type", type)], body: data)
    }

    public static let hung = StubResponse(status: 503, hang: true)
}

/// Faults a stub injects, one per request of a step, in order.
public enum Fault: Sendable, Equatable {
    /// Answer normally.
    case pass
    /// An error status with the service's usual error body, and a `Retry-After` header if given.
    case status(Int, retryAfter: String? = nil)
    /// Accept the connection and never answer.
    case hang
    /// 200 with JSON cut in the middle.
    case malformedJSON
    /// The image cut to 60 % of its bytes (a complete HTTP answer, an incomplete PNG).
    case truncatedImage
}

/// An HTTP server on 127.0.0.1 (a free port) that logs every request and lets a handler answer.
public final class StubServer: @unchecked Sendable {
    private let server: LocalHTTPServer
    public var port: Int { server.port }
    public var url: URL { server.url }

    private let lock = NSLock()
    private var _log: [StubRequest] = []
    private var inFlight = 0
    private var _maxInFlight = 0
    private var stopping = false
    private var _delay: Double = 0
    private let handler: @Sendable (StubRequest) async -> StubResponse

    /// Every request so far, in arrival order.
    public var log: [StubRequest] { lock.withLock { _log } }
    /// The most requests that were being answered at once.
    public var maxInFlight: Int { lock.withLock { _maxInFlight } }
    /// Seconds every answer takes (a GPU at work).
    public var delay: Double {
        get { lock.withLock { _delay } }
        set { lock.withLock { _delay = newValue } }
    }

    private init(server: LocalHTTPServer, handler: @escaping @Sendable (StubRequest) async -> StubResponse) {
        self.server = server
        self.handler = handler
    }

    /// Starts a server; `handler` sees each request after it is logged.
    public static func start(handler: @escaping @Sendable (StubRequest) async -> StubResponse) async throws -> StubServer {
        let server = try await LocalHTTPServer.start(label: "generate-stub")
        let stub = StubServer(server: server, handler: handler)
        server.answer(with: stub) { try await $0.respond(to: $1) }
        return stub
    }

    public func stop() async {
        lock.withLock { stopping = true }
        await server.stop()
    }

    public func clearLog() { lock.withLock { _log.removeAll() } }

    private func respond(to request: Request) async throws -> Response {
        let buffer = try await request.body.collect(upTo: 64 << 20)
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName.lowercased()] = field.value }
        let query =
            URLComponents(string: request.uri.description)?.queryItems?.reduce(into: [String: String]()) { $0[$1.name] = $1.value ?? "" } ?? [:]
        let logged = StubRequest(
            method: request.method.rawValue, path: request.uri.path, query: query, headers: headers,
            body: Data(buffer.readableBytesView), time: Date())
        lock.withLock {
            _log.append(logged)
            inFlight += 1
            _maxInFlight = max(_maxInFlight, inFlight)
        }
        defer { lock.withLock { inFlight -= 1 } }
        let answer = await handler(logged)
        let delay = self.delay
        if delay > 0 { try? await Task.sleep(nanoseconds: UInt64(delay * 1e9)) }
        if answer.hang {
            // Hold the connection without a byte until the client gives up or the server stops.
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, !lock.withLock({ stopping }) {
                try? await Task.sleep(nanoseconds: 20_000_000)
            }
        }
        var fields = HTTPFields()
        for (name, value) in answer.headers { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        fields[.contentLength] = String(answer.body.count)
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: answer.body)))
    }
}

/// Faults queued per step; each request of a step takes the next one (`.pass` when none is left).
public final class FaultQueue: @unchecked Sendable {
    private let lock = NSLock()
    private var queues: [String: [Fault]] = [:]

    public init() {}

    public func add(_ step: String, _ faults: [Fault]) { lock.withLock { queues[step, default: []] += faults } }

    public func next(_ step: String) -> Fault {
        lock.withLock {
            guard var q = queues[step], !q.isEmpty else { return .pass }
            let f = q.removeFirst()
            queues[step] = q
            return f
        }
    }
}
