import Foundation
import TestSupport
import XCTest

/// `scs worker` through its protocol, as the Python package drives it: requests on stdin, one JSON
/// line per request on stdout, errors that leave the worker running, nothing else on stdout.
final class WorkerTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    var work: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("scs-worker")
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: work)
    }

    /// Runs a worker with `requests` (one per line) on stdin, then EOF; its status, stdout lines
    /// parsed as JSON, and stderr.
    func drive(_ arguments: [String], _ requests: [String]) throws -> (status: Int32, responses: [[String: Any]], stdout: String, stderr: String) {
        let process = Process()
        process.executableURL = CLIRunner.binary
        process.arguments = ["worker"] + arguments
        let input = Pipe(), output = Pipe(), errors = Pipe()
        process.standardInput = input
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let errRead = BackgroundRead(errors.fileHandleForReading)
        // A failed start closes stdin early: writing to it then must not kill the test (SIGPIPE).
        signal(SIGPIPE, SIG_IGN)
        try? input.fileHandleForWriting.write(contentsOf: Data(requests.map { $0 + "\n" }.joined().utf8))
        try? input.fileHandleForWriting.close()
        let out = output.fileHandleForReading.readDataToEndOfFile()
        let err = errRead.wait()
        process.waitUntilExit()
        let text = String(decoding: out, as: UTF8.self)
        let responses = try text.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any], "not a JSON object: \($0)")
        }
        return (process.terminationStatus, responses, text, String(decoding: err, as: UTF8.self))
    }

    func makeDataset() throws -> URL {
        try PhotoStudy.make(
            at: work.appendingPathComponent("dataset"),
            [
                ("SDXL", "a rocket", ["rocket.jpg", "astronaut.png", "hubble_deep_field.jpg"]),
                ("SDXL", "a cat", ["chelsea.png", "coffee.png"]),
                ("pixart", "a rocket", ["rocket.jpg", "camera.png", "franz-kafka.jpg"])
            ])
    }

    func testPingInfoEmbedScoreAndErrorsThatKeepTheWorker() throws {
        let root = try makeDataset()
        let images = ["SDXL/a rocket/1.jpg", "SDXL/a cat/2.png"].map { root.appendingPathComponent($0).path }
        let npy = work.appendingPathComponent("worker.npy").path, csv = work.appendingPathComponent("worker.csv").path
        let requests = [
            #"{"id": 1, "op": "ping"}"#,
            #"{"id": 2, "op": "info"}"#,
            try json(["id": 3, "op": "embed", "paths": images, "out": npy]),
            try json(["id": 4, "op": "score", "dataset": root.path, "metrics": ["scs", "vendi"], "out": csv]),
            try json(["id": 5, "op": "embed", "paths": [work.appendingPathComponent("missing.jpg").path], "out": npy + ".x"]),
            "not json",
            "",
            #"{"id": "seven", "op": "fly"}"#,
            try json(["id": 8, "op": "score", "out": csv]),
            #"{"id": 9, "op": "ping"}"#
        ]
        let r = try drive(["--model", tiny, "--no-cache"], requests)
        XCTAssertEqual(r.status, 0, r.stderr)
        // One response per request but the blank line, in order; stdout holds nothing else.
        XCTAssertEqual(r.responses.count, 9, r.stdout)
        XCTAssertEqual(r.stdout.split(separator: "\n").count, 9)
        XCTAssertEqual(r.responses.map { "\($0["id"] ?? "none")" }, ["1", "2", "3", "4", "5", "<null>", "seven", "8", "9"])
        XCTAssertEqual(r.responses[0]["op"] as? String, "pong")
        XCTAssertEqual(r.responses[0]["ok"] as? Bool, true)

        let info = r.responses[1]
        XCTAssertEqual(info["kind"] as? String, "clip")
        XCTAssertEqual(info["precision"] as? String, "fp32")
        XCTAssertEqual((info["fingerprint"] as? String)?.count, 64)
        XCTAssertTrue(info["cache"] is NSNull)

        // embed: the .npy scs embed writes.
        XCTAssertEqual(r.responses[2]["shape"] as? [Int], [2, 32])
        let cliNpy = work.appendingPathComponent("cli.npy").path
        let e = try CLIRunner.run(["embed"] + images + ["--model", tiny, "--no-cache", "--out", cliNpy, "--quiet"])
        XCTAssertEqual(e.status, 0, e.stderr)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: npy)), try Data(contentsOf: URL(fileURLWithPath: cliNpy)))

        // score: the scores.csv and sidecar scs score writes.
        XCTAssertEqual(r.responses[3]["groups"] as? Int, 3)
        XCTAssertEqual(r.responses[3]["meta"] as? String, work.appendingPathComponent("worker.meta.json").path)
        let cliCSV = work.appendingPathComponent("cli.csv").path
        let s = try CLIRunner.run(["score", root.path, "--model", tiny, "--no-cache", "--metrics", "scs,vendi", "--out", cliCSV, "--quiet"])
        XCTAssertEqual(s.status, 0, s.stderr)
        XCTAssertEqual(try String(contentsOfFile: csv, encoding: .utf8), try String(contentsOfFile: cliCSV, encoding: .utf8))
        XCTAssertEqual(
            try Data(contentsOf: URL(fileURLWithPath: work.appendingPathComponent("worker.meta.json").path)),
            try Data(contentsOf: URL(fileURLWithPath: work.appendingPathComponent("cli.meta.json").path)))

        // Errors: scs's one-line message, and the worker answers the next request.
        for i in [4, 5, 6, 7] {
            XCTAssertEqual(r.responses[i]["ok"] as? Bool, false, "\(r.responses[i])")
            let message = try XCTUnwrap(r.responses[i]["error"] as? String)
            XCTAssertFalse(message.contains("\n") || message.hasPrefix("Error"), message)
        }
        XCTAssertTrue((r.responses[4]["error"] as? String ?? "").contains("missing.jpg: cannot read"), "\(r.responses[4])")
        XCTAssertTrue((r.responses[6]["error"] as? String ?? "").contains("unknown op \"fly\""), "\(r.responses[6])")
        XCTAssertTrue((r.responses[7]["error"] as? String ?? "").contains("\"dataset\""), "\(r.responses[7])")
        XCTAssertEqual(r.responses[8]["op"] as? String, "pong")
    }

    func testAModelThatCannotLoadEndsTheWorkerWithScsError() throws {
        let missing = work.appendingPathComponent("no-model").path
        let r = try drive(["--model", missing, "--no-cache"], [#"{"id": 1, "op": "info"}"#])
        XCTAssertEqual(r.status, 1)
        XCTAssertEqual(r.stdout, "")
        let line = try XCTUnwrap(r.stderr.split(separator: "\n").first { $0.hasPrefix("Error: ") }, r.stderr)
        XCTAssertTrue(line.contains(missing), String(line))
    }

    func testHelpDocumentsTheProtocol() throws {
        let r = try CLIRunner.run(["worker", "--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        for needle in ["\"op\":\"embed\"", "\"op\":\"score\"", "\"op\":\"info\"", "\"ok\":false", "--model"] {
            XCTAssertTrue(r.stdout.contains(needle), "worker --help names \(needle)")
        }
    }

    private func json(_ object: [String: Any]) throws -> String {
        String(decoding: try JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }
}
