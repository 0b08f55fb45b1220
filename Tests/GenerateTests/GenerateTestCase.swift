import Foundation
import GenerateStubs
@testable import SCSGenerate
import SCSImaging
import TestSupport
import XCTest

/// A temporary output folder per test, stub servers stopped at the end, and runs with tiny
/// retry delays and short timeouts.
class GenerateTestCase: XCTestCase {
    var temp: URL!
    var out: URL { temp.appendingPathComponent("out") }
    private var servers: [StubServer] = []

    override func setUpWithError() throws {
        temp = try makeTemporaryDirectory("scs-generate")
    }

    override func tearDown() async throws {
        for s in servers { await s.stop() }
        servers = []
        try? FileManager.default.removeItem(at: temp)
    }

    func track(_ server: StubServer) { servers.append(server) }

    func plan(_ prompts: [String], seeds: [Int64], model: String = "M") throws -> GenerationPlan {
        try GenerationPlan(modelName: model, prompts: prompts.enumerated().map { PromptRef(line: $0.offset + 1, text: $0.element) }, seeds: seeds)
    }

    func options(concurrency: Int = 1, retries: Int = 3, timeout: Double = 5, format: OutputFormat = .jpeg) -> GenerationOptions {
        GenerationOptions(
            outputDirectory: out, format: format, concurrency: concurrency,
            retry: RetryPolicy(retries: retries, baseDelay: 0.01, maxDelay: 0.05), timeout: timeout)
    }

    func config(_ kind: BackendKind, _ url: URL, secret: String? = nil, settings: GenerationSettings = .init()) -> BackendConfiguration {
        var c = BackendConfiguration(kind: kind, url: url, settings: settings)
        if let secret, let name = kind.secretName { c.secret = Secret(name: name, value: secret, source: "the test") }
        c.pollInterval = 0.01
        return c
    }

    /// Runs a generation and collects its events.
    @discardableResult
    func generate(_ plan: GenerationPlan, _ config: BackendConfiguration, _ options: GenerationOptions) async throws -> (GenerationSummary, Events) {
        let events = Events()
        let run = try GenerationRun(plan: plan, backend: config, options: options)
        let summary = try await run.run(onEvent: { events.add($0) })
        return (summary, events)
    }

    /// The error a run stops with.
    func generateError(
        _ plan: GenerationPlan, _ config: BackendConfiguration, _ options: GenerationOptions,
        file: StaticString = #filePath, line: UInt = #line
    ) async -> GenerateError? {
        await oneLineError(GenerateError.self, file: file, line: line) { try await generate(plan, config, options) }
    }

    var manifestURL: URL { out.appendingPathComponent("manifest.jsonl") }

    /// The manifest's lines, each checked to be a JSON object.
    func manifest(file: StaticString = #filePath, line: UInt = #line) throws -> [JSONValue] {
        let text = (try? String(contentsOf: manifestURL, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { row in
            try XCTUnwrap(JSONValue.parse(Data(row.utf8)), "manifest line is JSON: \(row)", file: file, line: line)
        }
    }

    /// Every file under the output folder but the manifest, relative, sorted (hidden ones included).
    func files() -> [String] {
        let all = FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []
        return all.filter { rel in
            var isDir: ObjCBool = false
            _ = FileManager.default.fileExists(atPath: out.appendingPathComponent(rel).path, isDirectory: &isDir)
            return !isDir.boolValue && rel != "manifest.jsonl"
        }.sorted()
    }

    /// Each manifest line matches its file: it exists, has that sha256 and size, and decodes;
    /// no path is listed twice.
    func assertManifestMatchesFiles(_ lines: [JSONValue], file: StaticString = #filePath, line: UInt = #line) throws {
        let paths = lines.compactMap { $0["path"]?.stringValue }
        XCTAssertEqual(paths.count, lines.count, file: file, line: line)
        XCTAssertEqual(Set(paths).count, paths.count, "no duplicate lines", file: file, line: line)
        for entry in lines {
            let path = try XCTUnwrap(entry["path"]?.stringValue, file: file, line: line)
            let data = try Data(contentsOf: out.appendingPathComponent(path))
            XCTAssertEqual(entry["sha256"]?.stringValue, sha256Hex(data), path, file: file, line: line)
            XCTAssertEqual(entry["bytes"]?.intValue, Int64(data.count), path, file: file, line: line)
            XCTAssertNoThrow(try ImageDecoder.decode([UInt8](data)), path, file: file, line: line)
        }
    }

    /// What the paper's Pillow save writes for a shared photo (fixture of JPEGEncoderTests).
    func pillowJPEGSHA(_ photo: String) throws -> String {
        let summary = try XCTUnwrap(try loadJSON(TestPaths.fixtures.appendingPathComponent("generate/pillow_jpeg.json")) as? [String: Any])
        let images = try XCTUnwrap(summary["images"] as? [String: [String: Any]])
        return try XCTUnwrap(images["shared/\(photo)"]?["sha256"] as? String)
    }
}

/// A `GenerateTestCase` with one service's stub running for each test: the backends' tests and
/// the resume tests all start the stub of the service they talk to, and stop it at the end.
class StubbedGenerateTestCase<Stub: ServiceStub>: GenerateTestCase {
    var stub: Stub!

    override func setUp() async throws {
        try await super.setUp()
        stub = try await Stub.start()
        track(stub.server)
    }
}

/// Collects run events.
final class Events: @unchecked Sendable {
    private let lock = NSLock()
    private var _all: [GenerationEvent] = []
    var all: [GenerationEvent] { lock.withLock { _all } }
    func add(_ e: GenerationEvent) { lock.withLock { _all.append(e) } }

    var retryReasons: [String] {
        all.compactMap { if case let .retrying(_, _, _, _, reason, _) = $0 { return reason } else { return nil } }
    }
    var notes: [String] { all.compactMap { if case .note(let t) = $0 { return t } else { return nil } } }
}
