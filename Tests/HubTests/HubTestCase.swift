import Foundation
import TestSupport
import XCTest
@testable import SCSHub

/// A temporary cache folder per test, and helpers shared by the Hub tests.
class HubTestCase: XCTestCase {
    var temp: URL!
    var cacheDir: URL { temp.appendingPathComponent("hub") }

    override func setUpWithError() throws {
        temp = FileManager.default.temporaryDirectory.appendingPathComponent("scs-hub-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: temp, withIntermediateDirectories: true)
    }

    private var hubs: [StubHub] = []

    override func tearDown() async throws {
        for hub in hubs { await hub.stop() }
        hubs = []
        try? FileManager.default.removeItem(at: temp)
    }

    /// Starts a stub hub that `tearDown` stops.
    func startHub(_ behaviour: StubHub.Behaviour) async throws -> StubHub {
        let hub = try await StubHub.start(behaviour)
        hubs.append(hub)
        return hub
    }

    /// An environment isolated from the machine's: the temp cache, `endpoint`, and a temp HOME.
    func environment(endpoint: URL?, _ extra: [String: String] = [:]) -> [String: String] {
        var env = ["HF_HUB_CACHE": cacheDir.path, "HOME": temp.path]
        if let endpoint { env["HF_ENDPOINT"] = endpoint.absoluteString }
        return env.merging(extra) { $1 }
    }

    /// The `HubError` that `resolve` throws, failing the test when it throws nothing or something else.
    func resolveError(
        _ locator: ModelLocator, _ model: String, revision: String = "main",
        file: StaticString = #filePath, line: UInt = #line
    ) async -> HubError? {
        await oneLineError(HubError.self, file: file, line: line) { try await locator.resolve(model, revision: revision).path }
    }

    /// A port on 127.0.0.1 that nothing listens on (a stub that was started and stopped).
    func closedPort() async throws -> Int {
        let hub = try await StubHub.start(.init())
        let port = hub.port
        await hub.stop()
        return port
    }

    func repoFolder(_ repo: String = "test-org/tiny-clip") -> URL {
        cacheDir.appendingPathComponent("models--" + repo.replacingOccurrences(of: "/", with: "--"))
    }

    func files(under folder: URL) -> [String] {
        let items = FileManager.default.enumerator(atPath: folder.path)?.allObjects as? [String] ?? []
        return items.sorted()
    }
}

/// Collects progress callbacks.
final class ProgressLog: @unchecked Sendable {
    private let lock = NSLock()
    private var _events: [(done: Int64, total: Int64?, file: String)] = []
    var events: [(done: Int64, total: Int64?, file: String)] { lock.withLock { _events } }

    var callback: @Sendable (Int64, Int64?, String) -> Void {
        { done, total, file in self.lock.withLock { self._events.append((done, total, file)) } }
    }
}
