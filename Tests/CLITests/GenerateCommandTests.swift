import Foundation
import GenerateStubs
import SCSGenerate
import TestSupport
import XCTest

/// `scs generate` end to end, as a user runs it: the real binary against loopback servers, then
/// `scs score` on what it wrote; a run killed with SIGKILL and resumed; tokens that never leak.
final class GenerateCommandTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    var work: URL!
    var out: URL { work.appendingPathComponent("study") }
    var servers: [StubServer] = []

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("scs-cli-generate")
        try Data("a red fox in the snow\na person's eye\n".utf8).write(to: work.appendingPathComponent("prompts.txt"))
        try Data("11\n12\n13\n99\n".utf8).write(to: work.appendingPathComponent("seeds.txt"))
    }

    override func tearDown() async throws {
        for s in servers { await s.stop() }
        try? FileManager.default.removeItem(at: work)
    }

    func args(_ backend: String, _ url: URL, _ more: [String] = []) -> [String] {
        [
            "generate", "--backend", backend, "--url", url.absoluteString, "--prompts", work.appendingPathComponent("prompts.txt").path,
            "--seeds", work.appendingPathComponent("seeds.txt").path, "--n", "3", "--out", out.path, "--retry-base-delay", "0.01"
        ] + more
    }

    func manifestLines() throws -> [JSONValue] {
        let text = (try? String(contentsOf: out.appendingPathComponent("manifest.jsonl"), encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try XCTUnwrap(JSONValue.parse(Data($0.utf8))) }
    }

    /// Every file under the output folder, relative (hidden ones too).
    func files() -> [String] {
        (FileManager.default.enumerator(atPath: out.path)?.allObjects as? [String] ?? []).filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: out.appendingPathComponent($0).path, isDirectory: &isDir) && !isDir.boolValue
        }.sorted()
    }

    func testGenerateThenScoreReadsTheOutput() async throws {
        let stub = try await A1111Stub.start()
        servers.append(stub.server)
        stub.faults.add("txt2img", [.status(500)])
        let r = try CLIRunner.run(args("a1111", stub.url, ["--model-name", "SDXL"]))
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stderr.contains("retrying a red fox in the snow/11 (txt2img, attempt 2 of 6"), r.stderr)
        XCTAssertTrue(r.stderr.contains("generating:") && r.stderr.contains("6/6 images") && r.stderr.contains("1 retry"), r.stderr)
        XCTAssertTrue(r.stderr.contains("6 images generated, 0 already on disk, 1 retries"), r.stderr)
        XCTAssertEqual(
            files(),
            [
                "SDXL/a person_s eye/11.jpg", "SDXL/a person_s eye/12.jpg", "SDXL/a person_s eye/13.jpg",
                "SDXL/a red fox in the snow/11.jpg", "SDXL/a red fox in the snow/12.jpg", "SDXL/a red fox in the snow/13.jpg",
                "manifest.jsonl"
            ])
        XCTAssertEqual(try manifestLines().count, 6)

        // scs score reads the folder as it is…
        let csv = work.appendingPathComponent("scores.csv").path
        let score = try CLIRunner.run(["score", out.path, "--model", tiny, "--no-cache", "--out", csv, "--quiet"])
        XCTAssertEqual(score.status, 0, score.stderr)
        let rows = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n").map(String.init)
        XCTAssertEqual(rows.count, 3)
        XCTAssertTrue(rows[1].hasPrefix("SDXL,a person_s eye,3,3,"), rows[1])
        XCTAssertTrue(rows[2].hasPrefix("SDXL,a red fox in the snow,3,3,"), rows[2])
        // …and through the manifest, with the prompts' exact text.
        let exact = work.appendingPathComponent("exact.csv").path
        let byManifest = try CLIRunner.run([
            "score", "--manifest", out.appendingPathComponent("manifest.jsonl").path, "--model", tiny,
            "--no-cache", "--out", exact, "--quiet"
        ])
        XCTAssertEqual(byManifest.status, 0, byManifest.stderr)
        XCTAssertTrue(try String(contentsOfFile: exact, encoding: .utf8).contains("SDXL,a person's eye,3,3,"))
    }

    /// Two shards into one folder (each its own manifest and lock), their manifests merged: every
    /// planned image made once, the merged manifest scores like an unsharded run's; a missing
    /// shard manifest is one line naming it.
    func testShardsShareTheFolderAndTheirManifestsMerge() async throws {
        let stub = try await A1111Stub.start()
        servers.append(stub.server)
        var made: [String] = []
        for k in 0..<2 {
            let r = try CLIRunner.run(args("a1111", stub.url, ["--model-name", "SDXL", "--shard", "\(k)/2"]))
            XCTAssertEqual(r.status, 0, r.stderr)
            XCTAssertTrue(r.stderr.contains("shard \(k)/2: 3 of 6 images, recorded in manifest.shard-\(k)-of-2.jsonl"), r.stderr)
            let lines = try String(contentsOf: out.appendingPathComponent("manifest.shard-\(k)-of-2.jsonl"), encoding: .utf8)
                .split(separator: "\n").map { try XCTUnwrap(JSONValue.parse(Data($0.utf8))?["path"]?.stringValue) }
            XCTAssertEqual(lines.count, 3)
            made += lines
        }
        XCTAssertEqual(stub.bodies.count, 6, "each image requested once")
        XCTAssertEqual(made.sorted(), files().filter { $0.hasSuffix(".jpg") })
        XCTAssertEqual(Set(made).count, 6)

        let manifests = (0..<2).map { out.appendingPathComponent("manifest.shard-\($0)-of-2.jsonl").path }
        let merged = out.appendingPathComponent("manifest.jsonl").path
        let m = try CLIRunner.run(["merge"] + manifests + ["--out", merged])
        XCTAssertEqual(m.status, 0, m.stderr)
        XCTAssertTrue(m.stderr.contains("merged 2 shard manifests: 6 images"), m.stderr)
        XCTAssertEqual(try manifestLines().compactMap { $0["path"]?.stringValue }.sorted(), made.sorted())
        let csv = work.appendingPathComponent("scores.csv").path
        let score = try CLIRunner.run(["score", "--manifest", merged, "--model", tiny, "--no-cache", "--out", csv, "--quiet"])
        XCTAssertEqual(score.status, 0, score.stderr)
        XCTAssertTrue(try String(contentsOfFile: csv, encoding: .utf8).contains("SDXL,a person's eye,3,3,"))

        let missing = try CLIRunner.run(["merge", manifests[0], "--out", work.appendingPathComponent("m.jsonl").path])
        XCTAssertEqual(missing.status, 1)
        XCTAssertTrue(missing.stderr.contains("missing 1 of 2 shard manifests: manifest.shard-1-of-2.jsonl"), missing.stderr)
        // Rerunning a shard sends nothing: its images are on disk and in its manifest.
        let again = try CLIRunner.run(args("a1111", stub.url, ["--model-name", "SDXL", "--shard", "1/2"]))
        XCTAssertEqual(again.status, 0, again.stderr)
        XCTAssertEqual(stub.bodies.count, 6)
    }

    /// SIGKILL between two images, then the same command again: no request for an image already
    /// on disk, no duplicate manifest line, the token nowhere.
    func testKilledRunResumesWithoutDuplicateRequests() async throws {
        let stub = try await ReplicateStub.start()
        servers.append(stub.server)
        stub.faults.add("create", [.pass, .pass, .hang])
        try Data("REPLICATE_API_TOKEN = \"\(ReplicateStub.token)\"\n".utf8).write(to: work.appendingPathComponent(".env"))
        let env = ["REPLICATE_API_TOKEN": ""]  // from .env only, whatever the machine has
        let command = args("replicate", stub.url, ["--preset", "paper-pixart", "--concurrency", "1", "--timeout", "30"])

        let (process, stdout, stderr) = try CLIRunner.start(command, environment: env, directory: work)
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning, (try? manifestLines().count) ?? 0 < 2 || stub.created.count < 3 {
            usleep(10_000)
        }
        XCTAssertTrue(process.isRunning, "the run ended before it could be killed")
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        var output =
            String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            + String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertEqual(
            files(), ["manifest.jsonl", "pixart/a red fox in the snow/11.jpg", "pixart/a red fox in the snow/12.jpg"],
            "two complete images, no partial file")
        XCTAssertEqual(try manifestLines().count, 2)

        let rerun = try CLIRunner.run(command, environment: env, directory: work)
        XCTAssertEqual(rerun.status, 0, rerun.stderr)
        XCTAssertTrue(rerun.stderr.contains("4 images generated, 2 already on disk"), rerun.stderr)
        output += rerun.stdout + rerun.stderr

        // Requests per image over both runs: once each, twice for the one that hung when killed.
        var asked: [String: Int] = [:]
        for body in stub.created { asked["\(body["input"]!["prompt"]!.stringValue!)/\(body["input"]!["seed"]!.intValue!)", default: 0] += 1 }
        XCTAssertEqual(
            asked,
            [
                "a red fox in the snow/11": 1, "a red fox in the snow/12": 1, "a red fox in the snow/13": 2,
                "a person's eye/11": 1, "a person's eye/12": 1, "a person's eye/13": 1
            ])
        let lines = try manifestLines()
        XCTAssertEqual(lines.count, 6)
        XCTAssertEqual(Set(lines.compactMap { $0["path"]?.stringValue }).count, 6)
        for line in lines {
            let data = try Data(contentsOf: out.appendingPathComponent(line["path"]!.stringValue!))
            XCTAssertEqual(line["sha256"]?.stringValue, sha256Hex(data))
            XCTAssertEqual(line["preset"], "paper-pixart")
        }
        // The token went in headers only: not in any output, file or manifest.
        XCTAssertTrue(stub.server.log.filter { $0.method == "POST" }.allSatisfy { $0.authorization == "Bearer \(ReplicateStub.token)" })
        XCTAssertFalse(output.contains(ReplicateStub.token))
        for file in files() {
            let data = try Data(contentsOf: out.appendingPathComponent(file))
            XCTAssertNil(data.range(of: Data(ReplicateStub.token.utf8)), file)
        }
    }

    /// Ctrl-C: the run stops at once, says how to resume, and leaves complete images and lines.
    func testInterruptStopsCleanly() async throws {
        let stub = try await A1111Stub.start()
        servers.append(stub.server)
        stub.faults.add("txt2img", [.pass, .hang])
        let (process, _, stderr) = try CLIRunner.start(args("a1111", stub.url, ["--model-name", "m", "--timeout", "30"]))
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline, process.isRunning, stub.server.log.count < 2 { usleep(10_000) }
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 130)
        let message = String(decoding: stderr.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        XCTAssertTrue(message.contains("interrupted: 1 images written this run") && message.contains("run the same command to resume"), message)
        XCTAssertEqual(files(), ["m/a red fox in the snow/11.jpg", "manifest.jsonl"])
        XCTAssertEqual(try manifestLines().map { $0["path"] }, ["m/a red fox in the snow/11.jpg"])
    }

    /// An image the model fails is listed, the others are kept, and the exit status is 1.
    func testFailedImagesAreListedAndExitWithOne() async throws {
        let stub = try await ReplicateStub.start()
        servers.append(stub.server)
        stub.failSeeds = [12]
        let r = try CLIRunner.run(args("replicate", stub.url, ["--preset", "paper-sdxl"]), environment: ["REPLICATE_API_TOKEN": ReplicateStub.token])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("4 images generated, 0 already on disk, 2 failed"), r.stderr)
        XCTAssertTrue(r.stderr.contains("SDXL/a person_s eye/12.jpg: replicate: prediction") && r.stderr.contains("NSFW content detected"), r.stderr)
        XCTAssertEqual(try manifestLines().count, 4)
    }

    func testDryRunPrintsThePlanAndSendsNothing() async throws {
        let stub = try await ReplicateStub.start()
        servers.append(stub.server)
        let r = try CLIRunner.run(
            args("replicate", stub.url, ["--preset", "paper-sdxl", "--dry-run"]), environment: ["REPLICATE_API_TOKEN": ""],
            directory: work)
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("2 prompts × 3 seeds = 6; 0 on disk, 6 to request"), r.stdout)
        XCTAssertTrue(r.stdout.contains("a person_s eye/  3 to request   (prompt: a person's eye)"), r.stdout)
        XCTAssertTrue(r.stdout.contains("REPLICATE_API_TOKEN missing"), r.stdout)
        XCTAssertTrue(r.stdout.contains(#""version":"39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b""#), r.stdout)
        XCTAssertEqual(stub.server.log.count, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: out.path))
    }

    func testErrorsStopWithOneLineAndNoSecret() async throws {
        let stub = try await OpenAIStub.start()
        servers.append(stub.server)
        // Two prompts for one folder: nothing is sent.
        try Data("a cat's hat\na cat_s hat\n".utf8).write(to: work.appendingPathComponent("prompts.txt"))
        let collision = try CLIRunner.run(args("openai", stub.url, ["--model-name", "gpt"]), environment: ["OPENAI_API_KEY": OpenAIStub.key])
        XCTAssertNotEqual(collision.status, 0)
        XCTAssertTrue(collision.stderr.contains("line 1 \"a cat's hat\" and line 2 \"a cat_s hat\""), collision.stderr)
        XCTAssertEqual(stub.server.log.count, 0)

        // A rejected key: the run stops at the first answer, and the key the server quotes is hidden.
        try Data("a teapot\n".utf8).write(to: work.appendingPathComponent("prompts.txt"))
        let wrong = "sk-this-key-is-wrong-and-secret"
        let r = try CLIRunner.run(args("openai", stub.url, ["--model-name", "gpt"]), environment: ["OPENAI_API_KEY": wrong])
        XCTAssertNotEqual(r.status, 0)
        XCTAssertTrue(r.stderr.contains("HTTP 401") && r.stderr.contains("<OPENAI_API_KEY redacted>"), r.stderr)
        XCTAssertFalse((r.stdout + r.stderr).contains(wrong))
        XCTAssertEqual(stub.server.log.count, 1)
    }
}
