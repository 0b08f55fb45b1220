import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import TestSupport
import XCTest

/// `scs fetch-study` (make demo's first step) against a loopback hub in huggingface.co's layout:
/// `/api/datasets/{repo}/tree/{rev}/{path}` listings and `/datasets/{repo}/resolve/{rev}/{path}` files.
final class FetchStudyTests: XCTestCase {
    static let repo = "runsdata/semantic-consistency-score"

    final class StubDatasetHub: @unchecked Sendable {
        let files: [String: Data]
        var port = 0
        var task: Task<Void, Error>?
        private let lock = NSLock()
        private var _requests: [String] = []
        var requests: [String] { lock.withLock { _requests } }

        init(files: [String: Data]) { self.files = files }

        func respond(_ rawPath: String) -> Response {
            let path = rawPath.removingPercentEncoding ?? rawPath
            lock.withLock { _requests.append(path) }
            let treePrefix = "/api/datasets/\(FetchStudyTests.repo)/tree/main/", filePrefix = "/datasets/\(FetchStudyTests.repo)/resolve/main/"
            if path.hasPrefix(treePrefix) {
                let dir = String(path.dropFirst(treePrefix.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
                var entries: [String: (String, Int?)] = [:]
                for (file, data) in files where file.hasPrefix(dir + "/") {
                    let rest = file.dropFirst(dir.count + 1)
                    if let slash = rest.firstIndex(of: "/") {
                        let sub = dir + "/" + rest[..<slash]
                        entries[sub] = ("directory", nil)
                    } else {
                        entries[file] = ("file", data.count)
                    }
                }
                guard !entries.isEmpty else { return Response(status: .notFound) }
                let json = "[" + entries.sorted { $0.key < $1.key }.map { key, v in
                    "{\"type\":\"\(v.0)\",\"path\":\"\(key.replacingOccurrences(of: "\"", with: "\\\""))\"" + (v.1.map { ",\"size\":\($0)" } ?? "") + ",\"oid\":\"x\"}"
                }.joined(separator: ",") + "]"
                return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: json)))
            }
            if path.hasPrefix(filePrefix), let data = files[String(path.dropFirst(filePrefix.count))] {
                return Response(status: .ok, headers: [.contentLength: String(data.count)], body: .init(byteBuffer: ByteBuffer(bytes: data)))
            }
            return Response(status: .notFound)
        }

        struct Responder: HTTPResponder {
            typealias Context = BasicRequestContext
            let hub: StubDatasetHub
            func respond(to request: Request, context: Context) async throws -> Response { hub.respond(request.uri.path) }
        }

        func start() async throws {
            let (ports, continuation) = AsyncStream<Int>.makeStream()
            var logger = Logger(label: "stub-dataset-hub")
            logger.logLevel = .critical
            let app = Application(responder: Responder(hub: self), configuration: .init(address: .hostname("127.0.0.1", port: 0)),
                                  onServerRunning: { continuation.yield($0.localAddress?.port ?? 0) }, logger: logger)
            task = Task { try await app.run() }
            var it = ports.makeAsyncIterator()
            port = await it.next() ?? 0
        }

        func stop() async {
            task?.cancel()
            _ = try? await task?.value
        }
    }

    func testFetchesTheFirstSharedPromptsOnceAndSaysWhatFailedOffline() async throws {
        let photo = try Data(contentsOf: TestPaths.sharedImages.appendingPathComponent("rocket.jpg"))
        var files: [String: Data] = ["README.md": Data("readme".utf8)]
        for (model, prompts) in [("SDXL", ["a cat", "a man's portrait", "zebra"]), ("pixart", ["a cat", "a man's portrait", "yak"])] {
            for p in prompts {
                for seed in ["11", "22", "33"] { files["\(model)/\(p)/\(seed).jpg"] = photo + Data(model.utf8) }
                files["\(model)/\(p)/notes.txt"] = Data("x".utf8)
            }
        }
        let hub = StubDatasetHub(files: files)
        try await hub.start()
        let out = try makeTemporaryDirectory("scs-fetch").appendingPathComponent("study")
        let env = ["HF_ENDPOINT": "http://127.0.0.1:\(hub.port)"]
        let args = ["fetch-study", "--out", out.path, "--prompts", "2", "--images", "2"]
        let r = try CLIRunner.run(args, environment: env)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("8 files fetched, 0 already there"), r.stderr)
        for model in ["SDXL", "pixart"] {
            for p in ["a cat", "a man's portrait"] {
                let dir = out.appendingPathComponent("\(model)/\(p)")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted(), ["11.jpg", "22.jpg"], dir.path)
                XCTAssertEqual(try Data(contentsOf: dir.appendingPathComponent("11.jpg")), photo + Data(model.utf8))
            }
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.appendingPathComponent("SDXL/zebra").path))
        let again = try CLIRunner.run(args, environment: env)
        XCTAssertTrue(again.stderr.contains("0 files fetched, 8 already there"), again.stderr)
        await hub.stop()

        // Offline: one line naming what could not be fetched, and from where.
        let offline = try CLIRunner.run(args, environment: ["HF_ENDPOINT": "http://127.0.0.1:9"])
        XCTAssertNotEqual(offline.status, 0)
        XCTAssertTrue(offline.stderr.contains("cannot fetch the listing of SDXL of \(Self.repo) from http://127.0.0.1:9"), offline.stderr)
    }
}
