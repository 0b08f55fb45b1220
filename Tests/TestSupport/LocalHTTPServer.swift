import Foundation
import Hummingbird
import Logging

/// A Hummingbird server on 127.0.0.1 at a free port, for the stubs that stand in for remote
/// services (the Hugging Face hub, the generation APIs). The stub is made once the port is known,
/// so it is attached after the start with `answer(with:_:)`; until then every request gets 503.
public final class LocalHTTPServer: @unchecked Sendable {
    public let port: Int
    public var url: URL { URL(string: "http://127.0.0.1:\(port)")! }

    private let lock = NSLock()
    private var respond: (@Sendable (Request) async throws -> Response)?
    private var task: Task<Void, Error>?

    private init(port: Int) { self.port = port }

    /// Starts a server; `label` names its (silenced) logger.
    public static func start(label: String) async throws -> LocalHTTPServer {
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let box = ServerBox()
        var logger = Logger(label: label)
        logger.logLevel = .critical
        let app = Application(
            responder: BoxResponder(box: box),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in continuation.yield(channel.localAddress?.port ?? 0) },
            logger: logger
        )
        let task = Task { try await app.run() }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        let server = LocalHTTPServer(port: port)
        server.task = task
        box.server = server
        return server
    }

    /// Every request from now on is answered by `respond` with `stub`, which the server holds
    /// weakly (the stub holds the server): once the stub is gone, requests get 503.
    public func answer<Stub: AnyObject & Sendable>(
        with stub: Stub,
        _ respond: @escaping @Sendable (Stub, Request) async throws -> Response
    ) {
        lock.withLock {
            self.respond = { [weak stub] request in
                guard let stub else { return Response(status: .serviceUnavailable) }
                return try await respond(stub, request)
            }
        }
    }

    public func stop() async {
        task?.cancel()
        _ = try? await task?.value
        task = nil
    }

    fileprivate func handle(_ request: Request) async throws -> Response {
        guard let respond = lock.withLock({ respond }) else { return Response(status: .serviceUnavailable) }
        return try await respond(request)
    }
}

private final class ServerBox: @unchecked Sendable {
    weak var server: LocalHTTPServer?
}

private struct BoxResponder: HTTPResponder {
    typealias Context = BasicRequestContext
    let box: ServerBox

    func respond(to request: Request, context: Context) async throws -> Response {
        guard let server = box.server else { return Response(status: .serviceUnavailable) }
        return try await server.handle(request)
    }
}
