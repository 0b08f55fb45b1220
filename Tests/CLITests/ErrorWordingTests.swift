import Foundation
import TestSupport
import XCTest

/// The libraries say which setting, value and limit an error is about; only `scs` names its flags
/// (Sources/scs/ErrorWording.swift). These run the real binary and read what it prints.
final class ErrorWordingTests: XCTestCase {
    var work: URL!

    override func setUpWithError() throws {
        work = try makeTemporaryDirectory("scs-cli-wording")
        try Data("a red fox\na blue bird\n".utf8).write(to: work.appendingPathComponent("prompts.txt"))
    }

    override func tearDownWithError() throws { try? FileManager.default.removeItem(at: work) }

    /// `scs generate --dry-run` against a port nothing listens on: every check here comes before
    /// any request. No job engine's variables leak in from the test's environment.
    func generate(_ more: [String], environment: [String: String] = [:]) throws -> CLIResult {
        let quiet = ["SLURM_ARRAY_TASK_ID": "", "SLURM_ARRAY_TASK_COUNT": "", "JOB_COMPLETION_INDEX": ""]
        return try CLIRunner.run(
            [
                "generate", "--prompts", work.appendingPathComponent("prompts.txt").path, "--n", "2", "--seed-base", "0",
                "--out", work.appendingPathComponent("out").path, "--url", "http://127.0.0.1:9", "--dry-run", "--quiet"
            ] + more,
            environment: quiet.merging(environment) { $1 })
    }

    func assertError(_ result: CLIResult, _ line: String, status: Int32 = 1, file: StaticString = #filePath, line number: UInt = #line) {
        XCTAssertEqual(result.status, status, result.stderr, file: file, line: number)
        XCTAssertTrue(result.stderr.contains("Error: \(line)"), result.stderr, file: file, line: number)
    }

    func testGenerationSettingsAreNamedByTheirFlags() throws {
        assertError(try generate(["--backend", "a1111", "--model-name", "m", "--width", "0"]), "--width must be between 1 and 16384\n")
        assertError(
            try generate(["--backend", "comfyui", "--model-name", "m"]),
            "--backend comfyui needs --workflow FILE (a workflow saved in API format, with {{prompt}} and {{seed}} placeholders)\n")
        assertError(try generate(["--backend", "a1111", "--preset", "paper-sdxl"]), "--preset is for --backend replicate\n")
        assertError(
            try generate(["--backend", "a1111", "--model-name", "m", "--extra", #"{"seed": 3}"#]),
            "--extra cannot set seed: it comes from the prompts and seeds\n")
        assertError(
            try generate(["--backend", "openai", "--model-name", "m", "--steps", "20", "--guidance", "7"]),
            "the openai backend has no --steps, --guidance (OpenAI's image API takes a prompt, a size and a few model options: use --extra)\n")
        let replicate = try generate(["--backend", "replicate", "--model-name", "m"])
        assertError(replicate, "give --preset (")
        XCTAssertTrue(replicate.stderr.contains(") or --replicate-model owner/name[:version]\n"), replicate.stderr)
        assertError(
            try generate(["--backend", "a1111", "--model-name", "m", "--limit", "5"]),
            "--limit 5 but \(work.appendingPathComponent("prompts.txt").path) has only 2 prompts\n")
    }

    func testShardsAreNamedByTheirFlags() throws {
        assertError(try generate(["--backend", "a1111", "--model-name", "m", "--shard", "1"]), "--shard 1: expected K/N (e.g. 0/8), or auto\n")
        assertError(
            try generate(["--backend", "a1111", "--model-name", "m", "--shard", "auto"]),
            "--shard auto: neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set\n")
        assertError(
            try generate(
                ["--backend", "a1111", "--model-name", "m", "--shard", "auto", "--shards", "3"],
                environment: ["SLURM_ARRAY_TASK_ID": "5"]),
            "SLURM_ARRAY_TASK_ID=5 but --shards 3: submit the array as --array=0-2\n")
        assertError(
            try generate(["--backend", "a1111", "--model-name", "m", "--shard", "auto"], environment: ["JOB_COMPLETION_INDEX": "1"]),
            "JOB_COMPLETION_INDEX is set: give --shards N, the Job's completions\n")
        // A usage error stays one: exit 64, with the usage line.
        let usage = try CLIRunner.run(["score", work.path, "--shards", "2"])
        assertError(usage, "--shards N goes with --shard auto\n", status: 64)
        XCTAssertTrue(usage.stderr.contains("Usage: scs score"), usage.stderr)
    }

    /// The hub's and the decoder's remedies name `--model` and `--max-pixels`.
    func testModelAndPixelLimitAreNamedByTheirFlags() throws {
        let folder = work.appendingPathComponent("ds/m/p")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let png = folder.appendingPathComponent("a.png")
        try FileManager.default.copyItem(at: TestPaths.fixtures.appendingPathComponent("decode/png-rgb8-97x61.png"), to: png)
        let offline = try CLIRunner.run(
            ["score", work.appendingPathComponent("ds").path, "--model", "nobody/nothing", "--no-cache", "--quiet"],
            environment: ["HF_HUB_OFFLINE": "1", "HF_HOME": work.appendingPathComponent("hf").path])
        assertError(offline, "HF_HUB_OFFLINE is set and nobody/nothing is not in the Hugging Face cache")
        XCTAssertTrue(offline.stderr.contains("into a folder and pass --model FOLDER, or unset HF_HUB_OFFLINE\n"), offline.stderr)
        let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
        let bomb = try CLIRunner.run([
            "score", work.appendingPathComponent("ds").path, "--model", tiny, "--no-cache", "--quiet", "--max-pixels", "10",
            "--out", work.appendingPathComponent("scores.csv").path
        ])
        assertError(
            bomb,
            "\(png.path): PNG of 97x61 = 5917 pixels, over the limit of 10 "
                + "(a possible decompression bomb, as Pillow calls it; --max-pixels raises the limit)\n")
    }

    /// Merge's, the DreamSim metric's and the report's remedies (typed errors in the libraries)
    /// name `scs score --shard`, `--model`, `scs compare --json` and `--out`.
    func testScoringAndReportRemediesNameTheirFlags() throws {
        let unsharded = work.appendingPathComponent("plain.csv")
        try Data("model,prompt,scs\nA,p,1\n".utf8).write(to: unsharded)
        assertError(
            try CLIRunner.run(["merge", unsharded.path, "--out", work.appendingPathComponent("m.csv").path]),
            "\(unsharded.path): no \(work.appendingPathComponent("plain.meta.json").path) beside it (written by scs score --shard K/N)\n")

        let data = work.appendingPathComponent("ds")
        for (prompt, photo) in [("p", "rocket.jpg"), ("q", "coffee.png")] {
            let folder = data.appendingPathComponent("m/\(prompt)")
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for i in 0..<2 {
                try FileManager.default.copyItem(
                    at: TestPaths.sharedImages.appendingPathComponent(photo), to: folder.appendingPathComponent("\(i).jpg"))
            }
        }
        let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
        let scores = work.appendingPathComponent("scores.csv").path
        assertError(
            try CLIRunner.run(["score", data.path, "--model", tiny, "--no-cache", "--quiet", "--metrics", "dreamsim", "--out", scores]),
            "metric dreamsim needs a DreamSim backbone (--model dreamsim:ensemble or another variant)\n")
        XCTAssertEqual(try CLIRunner.run(["score", data.path, "--model", tiny, "--no-cache", "--quiet", "--out", scores]).status, 0)

        let report = ["report", data.path, "--scores", scores, "--model", tiny, "--no-cache", "--quiet"]
        let notJSON = work.appendingPathComponent("c.json")
        try Data("[1]".utf8).write(to: notJSON)
        assertError(
            try CLIRunner.run(report + ["--compare", notJSON.path, "--out", work.appendingPathComponent("r").path]),
            "\(notJSON.path): not a JSON object (expected the output of scs compare --json)\n")
        try Data("{}".utf8).write(to: notJSON)
        assertError(
            try CLIRunner.run(report + ["--compare", notJSON.path, "--out", work.appendingPathComponent("r").path]),
            "\(notJSON.path): not the output of scs compare --json (no model_a, model_b or verdict)\n")
        let taken = work.appendingPathComponent("taken")
        try FileManager.default.createDirectory(at: taken, withIntermediateDirectories: true)
        try Data("mine".utf8).write(to: taken.appendingPathComponent("notes.txt"))
        assertError(
            try CLIRunner.run(report + ["--out", taken.path]),
            "\(taken.path) exists and is not an scs report (no report.json): choose another --out\n")
    }

    /// No library string names a `--flag`: the libraries throw typed errors, the command line
    /// words them. Comments may name flags; CSS custom properties (`var(--fg)`) are not flags.
    func testNoLibraryStringNamesAFlag() throws {
        let root = TestPaths.repoRoot
        let flag = try NSRegularExpression(pattern: #""[^"]*(?<![\w(-])--[a-z][a-z-]*"#)
        var found: [String] = []
        let files = FileManager.default.enumerator(atPath: root.appendingPathComponent("Sources").path)?.allObjects as? [String] ?? []
        XCTAssertGreaterThan(files.count, 50, "the scan found too few sources")
        for relative in files where relative.hasSuffix(".swift") && !relative.hasPrefix("scs/") {
            let path = "Sources/" + relative
            let text = try String(contentsOf: root.appendingPathComponent(path), encoding: .utf8)
            for (i, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let code = line.trimmingCharacters(in: .whitespaces)
                if code.hasPrefix("//") { continue }
                let s = String(line)
                if flag.firstMatch(in: s, range: NSRange(s.startIndex..., in: s)) != nil { found.append("\(path):\(i + 1): \(code)") }
            }
        }
        XCTAssertEqual(found, [], "library strings that name flags:\n" + found.joined(separator: "\n"))
    }
}
