import Foundation

/// A generation service's stub: the `StubServer` it answers on and its answer to each request.
/// The four services' stubs differ only in their answers, so they start the same way.
public protocol ServiceStub: AnyObject, Sendable {
    init(server: StubServer)
    var server: StubServer { get }
    /// The service's answer to one request (after the server has logged it).
    func handle(_ r: StubRequest) -> StubResponse
}

extension ServiceStub {
    public var url: URL { server.url }

    /// Starts the stub on a free port of 127.0.0.1.
    public static func start() async throws -> Self {
        let box = WeakBox<Self>()
        let server = try await StubServer.start { request in
            guard let stub = box.value else { return StubResponse(status: 503) }
            return stub.handle(request)
        }
        let stub = Self(server: server)
        box.value = stub
        return stub
    }
}

/// A weak reference the server's handler can hold before the stub object exists.
final class WeakBox<T: AnyObject>: @unchecked Sendable {
    weak var value: T?
}

/// A setting the tests change while the server's tasks read it.
@propertyWrapper
public final class Locked<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value

    public init(wrappedValue: Value) { value = wrappedValue }

    public var wrappedValue: Value {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
