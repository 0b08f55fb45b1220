import Foundation
import GRDB
@testable import SCSAnnotate
import SCSImaging
import TestSupport
import XCTest

/// The study made on a `StudyFixture` (TestSupport), and its answers as stored.
extension StudyFixture {
    func create(imagesPerSide: Int = 20, allowCantTell: Bool = false, promptsFile: String? = nil) throws -> (Study, StudySetup.Summary) {
        try StudySetup.create(
            at: studyPath, dataset: dataset.path,
            config: StudyConfig(modelA: "SDXL", modelB: "pixart", imagesPerSide: imagesPerSide, allowCantTell: allowCantTell),
            promptsFile: promptsFile)
    }

    /// Rows of the answer table, read with a connection of our own (not the server's).
    func storedAnswers() throws -> [Row] {
        let queue = try DatabaseQueue(path: studyPath)
        return try queue.read { db in try Row.fetchAll(db, sql: "SELECT * FROM answer ORDER BY id") }
    }
}

/// A test case on a throw-away study with one annotator invited, alice; subclasses choose the
/// study's size.
class AliceStudyTestCase: XCTestCase {
    var fixture: StudyFixture!
    var study: Study!
    var alice: Annotator!

    func makeFixture() throws -> (StudyFixture, imagesPerSide: Int) {
        (try StudyFixture.make(prompts: ["a red fox"], images: 2), 2)
    }

    override func setUp() async throws {
        let (made, perSide) = try makeFixture()
        fixture = made
        study = try made.create(imagesPerSide: perSide).0
        alice = try study.invite(name: "alice")
    }

    override func tearDown() async throws { fixture?.remove() }
}

/// The server on a free loopback port, for one test.
final class RunningServer: @unchecked Sendable {
    let server: AnnotationServer
    let port: Int
    private let task: Task<Void, Error>

    var base: String { "http://127.0.0.1:\(port)" }

    private init(server: AnnotationServer, port: Int, task: Task<Void, Error>) {
        self.server = server
        self.port = port
        self.task = task
    }

    static func start(
        _ study: Study, proxy: ProxyPolicy = .none, idleTimeout: Duration = AnnotationServer.defaultIdleTimeout,
        warmThumbnails: Bool = false, concurrentDecodes: Int = 4
    ) async throws -> RunningServer {
        let server = try AnnotationServer(study: study, proxy: proxy, concurrentDecodes: concurrentDecodes)
        let (ports, continuation) = AsyncStream<Int>.makeStream()
        let task = Task {
            try await server.run(
                host: "127.0.0.1", port: 0, logLevel: .critical, idleTimeout: idleTimeout,
                warmThumbnails: warmThumbnails
            ) { continuation.yield($0) }
        }
        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next(), port > 0 else { throw CancellationError() }
        return RunningServer(server: server, port: port, task: task)
    }

    func stop() async {
        task.cancel()
        _ = try? await task.value
    }
}
