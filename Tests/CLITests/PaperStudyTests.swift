import Foundation
import HubStubs
import TestSupport
import XCTest

/// `make demo`'s steps and `make reproduce` (scripts/reproduce.sh) end to end with the debug
/// binary, against a stand-in hub that holds a data set laid out as the published one: every
/// prompt of examples/paper/prompts.txt under SDXL/ and pixart/, the Monet LoRA ("… in the style
/// of TOK") and base ("… in the style of Monet") folders under SDXL/, `'` as `_` in folder names.
/// The hub requires HF_TOKEN, redirects files to a CDN on another port that answers 400 to any
/// request with `Authorization`, and pages its listings 3 entries at a time.
///
/// The images are 32×32 JPEGs made here, 3 per folder (the published set has 20): pixart's and
/// the LoRA's near-identical within a prompt, SDXL's all different, so with the tiny random-weight
/// model the verdicts must come out as the paper's.
final class PaperStudyTests: XCTestCase {
    static let paper = TestPaths.repoRoot.appendingPathComponent("examples/paper")
    static let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
    static let token = "hf_study_secret"

    static func lines(_ name: String) throws -> [String] {
        try String(contentsOf: paper.appendingPathComponent(name), encoding: .utf8)
            .split(whereSeparator: \.isNewline).map(String.init).filter { !$0.isEmpty }
    }

    static func folder(_ prompt: String) -> String { prompt.replacingOccurrences(of: "'", with: "_") }

    /// The published layout, `images` images a folder.
    static func publishedLayout(images: Int) throws -> [String: Data] {
        var files: [String: Data] = ["README.md": Data("# semantic-consistency-score\n".utf8)]
        func add(_ model: String, _ prompt: String, base: UInt64, alike: Bool) throws {
            for s in 0..<images {
                let seed = UInt64(s)
                files["\(model)/\(folder(prompt))/\(1000 + s).jpg"] =
                    alike
                    ? try TinyImages.jpeg(base: base, variant: seed, jitter: 2)
                    : try TinyImages.jpeg(base: base &* 64 &+ seed &+ 1_000_000)
            }
        }
        for (i, prompt) in try lines("prompts.txt").enumerated() {
            try add("pixart", prompt, base: UInt64(i), alike: true)
            try add("SDXL", prompt, base: UInt64(i), alike: false)
        }
        for (i, prompt) in try lines("prompts_monet_lora.txt").enumerated() { try add("SDXL", prompt, base: UInt64(500 + i), alike: true) }
        for (i, prompt) in try lines("prompts_monet_sdxl.txt").enumerated() { try add("SDXL", prompt, base: UInt64(600 + i), alike: false) }
        return files
    }

    var temp: URL!
    private var stub: StubDatasetHub?

    override func setUpWithError() throws { temp = try makeTemporaryDirectory("scs-paper-study") }

    override func tearDown() async throws {
        await stub?.stop()
        try? FileManager.default.removeItem(at: temp)
    }

    /// The machine's environment without any hub settings, plus the stand-in's.
    func studyEnvironment(_ hub: StubDatasetHub, _ extra: [String: String] = [:]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment.filter {
            !$0.key.hasPrefix("HF_") && !$0.key.hasPrefix("HUGGING") && $0.key != "TRANSFORMERS_OFFLINE"
        }
        env["HF_ENDPOINT"] = hub.url.absoluteString
        env["HF_TOKEN"] = Self.token
        env["HF_HUB_CACHE"] = temp.appendingPathComponent("hf").path
        env["SCS_CACHE_DIR"] = temp.appendingPathComponent("scs-cache").path
        env["XDG_CACHE_HOME"] = temp.appendingPathComponent("xdg").path
        return env.merging(extra) { $1 }
    }

    func startStandIn() async throws -> StubDatasetHub {
        let hub = try await StubDatasetHub.start(.init(files: try Self.publishedLayout(images: 3), pageSize: 3, requiredToken: Self.token))
        stub = hub
        return hub
    }

    func checkTokenStayedOnTheHub(_ hub: StubDatasetHub, file: StaticString = #filePath, line: UInt = #line) {
        let log = hub.log
        XCTAssertFalse(log.filter { $0.server == "cdn" }.isEmpty, file: file, line: line)
        XCTAssertTrue(log.filter { $0.server == "cdn" }.allSatisfy { $0.authorization == nil }, "the token reached the CDN", file: file, line: line)
        XCTAssertTrue(log.filter { $0.server == "hub" }.allSatisfy { $0.authorization == "Bearer \(Self.token)" }, file: file, line: line)
        XCTAssertTrue(log.contains { $0.query?.hasPrefix("cursor=") ?? false }, "listings were paged", file: file, line: line)
    }

    /// "Wilcoxon p = X" of a verdict line.
    func wilcoxonP(_ verdict: String) -> Double? {
        guard let range = verdict.range(of: "Wilcoxon p = ") else { return nil }
        return Double(verdict[range.upperBound...].prefix { $0 != "," && $0 != " " })
    }

    func testMakeDemoStepsReachASignificantVerdictOnTwelvePromptsThenWorkOffline() async throws {
        let hub = try await startStandIn()
        let out = temp.appendingPathComponent("demo")
        let env = studyEnvironment(hub)
        let binary = CLIRunner.binary.path
        let started = Date()
        // DEMO_PROMPTS is left at its default: the point is that the default can be significant.
        let r = try Spawn.run(
            [
                "make", "--no-print-directory", "demo-steps", "SCS=\(binary)", "MODEL=\(Self.tiny)",
                "DEMO_OUT=\(out.path)", "DEMO_IMAGES=3"
            ], environment: env, directory: TestPaths.repoRoot)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        print("make demo-steps: \(Int(Date().timeIntervalSince(started))) s")
        let verdict = try XCTUnwrap(r.stdout.split(separator: "\n").last { $0.contains("Wilcoxon p =") }.map(String.init), r.stdout)
        XCTAssertTrue(verdict.hasPrefix("pixart is more consistent than SDXL: +"), verdict)
        XCTAssertTrue(verdict.hasSuffix(", 12 prompts"), verdict)
        XCTAssertLessThan(try XCTUnwrap(wilcoxonP(verdict), verdict), 0.05)
        XCTAssertTrue(r.stdout.contains("open \(out.path)/report/index.html"), r.stdout)
        let index = try String(contentsOf: out.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("pixart") && index.contains("SDXL"))
        checkTokenStayedOnTheHub(hub)
        // 12 prompts × 2 models × 3 images, each fetched once; at most one progress line per file.
        XCTAssertEqual(hub.log.filter { $0.server == "cdn" }.count, 72)
        XCTAssertTrue(r.stderr.contains("72 files fetched, 0 already there"), r.stderr)
        let progressLines = r.stderr.split(separator: "\n").filter { $0.hasPrefix("fetching") }
        XCTAssertGreaterThanOrEqual(progressLines.count, 1)
        XCTAssertLessThanOrEqual(progressLines.count, 72, r.stderr)
        let folder = try String(contentsOf: out.appendingPathComponent("study-path.txt"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines)

        // HF_HUB_OFFLINE=1 with the complete slice on disk: from the disk, and it says so.
        let offline = try CLIRunner.run(
            ["fetch-study", "--images", "3", "--prompts", "12"], environment: studyEnvironment(hub, ["HF_HUB_OFFLINE": "1"]))
        XCTAssertEqual(offline.status, 0, offline.stderr)
        XCTAssertEqual(offline.stdout, folder + "\n")
        XCTAssertTrue(offline.stderr.contains("HF_HUB_OFFLINE is set: working offline, all 72 files of the slice are in \(folder)"), offline.stderr)
        // No hub at all: the same from the disk; one prompt more: one line saying what is missing.
        let port = hub.hubPort
        await hub.stop()
        let gone = try CLIRunner.run(["fetch-study", "--images", "3", "--prompts", "12"], environment: env)
        XCTAssertEqual(gone.status, 0, gone.stderr)
        XCTAssertTrue(gone.stderr.contains("no answer from 127.0.0.1 (connection refused): working offline, all 72 files"), gone.stderr)
        let more = try CLIRunner.run(["fetch-study", "--images", "3", "--prompts", "13"], environment: env)
        XCTAssertNotEqual(more.status, 0)
        let message = more.stderr.trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertFalse(message.contains("\n"), message)
        XCTAssertTrue(
            message.contains(
                "no answer from 127.0.0.1:\(port) (connection refused; offline?) and \(folder) holds no complete "
                    + "fetch of this slice"), message)
        XCTAssertTrue(message.contains("(no listing of SDXL/"), message)
    }

    func testReproduceRunsThePaperStudyAndSetsItsClaimsBesideTheMeasurements() async throws {
        let hub = try await startStandIn()
        let out = temp.appendingPathComponent("reproduce")
        let env = studyEnvironment(hub, ["SCS": CLIRunner.binary.path, "MODEL": Self.tiny, "OUT": out.path, "IMAGES": "3"])
        let started = Date()
        let r = try Spawn.run(["bash", "scripts/reproduce.sh"], environment: env, directory: TestPaths.repoRoot)
        XCTAssertEqual(r.status, 0, r.stdout + r.stderr)
        print("reproduce.sh: \(Int(Date().timeIntervalSince(started))) s")
        let stdout = r.stdout
        print(stdout.split(separator: "\n").suffix(6).joined(separator: "\n"))
        XCTAssertTrue(stdout.contains("pixart vs SDXL: 100 prompts paired by identical prompt"), stdout)
        XCTAssertTrue(stdout.contains("Monet LoRA vs SDXL: 49 pairs from the lists, line by line (lines differ by \"TOK\" → \"Monet\")"), stdout)
        XCTAssertFalse(stdout.contains("do not pair cleanly"), stdout)
        XCTAssertTrue(stdout.contains("1. paper: PixArt-α is more consistent than SDXL, significant"), stdout)
        XCTAssertTrue(stdout.contains("2. paper: the Monet LoRA is more consistent than base SDXL, significant"), stdout)
        let claims = stdout.split(separator: "\n").filter { $0.hasPrefix("   scs:") }.map(String.init)
        XCTAssertEqual(claims.count, 2, stdout)
        XCTAssertTrue(claims.first?.hasPrefix("   scs:   pixart mean SCS ") ?? false, "\(claims)")
        XCTAssertTrue(claims.first?.hasSuffix("on 100 prompt pairs: agrees") ?? false, "\(claims)")
        XCTAssertTrue(claims.last?.hasPrefix("   scs:   Monet LoRA mean SCS ") ?? false, "\(claims)")
        XCTAssertTrue(claims.last?.hasSuffix("on 49 prompt pairs: agrees") ?? false, "\(claims)")
        for claim in claims {
            // Both means are numbers, A's the higher; the p-value is below 5%.
            let means = claim.components(separatedBy: "mean SCS ").dropFirst().map { Double($0.prefix { $0 != "," })! }
            XCTAssertEqual(means.count, 2, claim)
            XCTAssertGreaterThan(means[0], means[1], claim)
            XCTAssertLessThan(try XCTUnwrap(wilcoxonP(claim), claim), 0.05)
        }
        // The full report holds both comparisons.
        let index = try String(contentsOf: out.appendingPathComponent("report/index.html"), encoding: .utf8)
        XCTAssertTrue(index.contains("Monet LoRA"), "the LoRA comparison is in the report")
        XCTAssertTrue(index.contains("pixart"))
        XCTAssertTrue(
            FileManager.default.fileExists(atPath: out.appendingPathComponent("report/figures/figure2-2.svg").path)
                || index.components(separatedBy: "figure2").count > 2, "two rows of Figure 2")
        checkTokenStayedOnTheHub(hub)
        // Exactly the paper's files: the first 100 prompts of both models, the 100 Monet folders.
        let prompts = try Self.lines("prompts.txt")
        let fetched = Set(hub.log.filter { $0.server == "hub" && $0.path.contains("/resolve/") }.map { $0.path })
        XCTAssertEqual(fetched.count, (100 * 2 + 100) * 3)
        XCTAssertFalse(fetched.contains { $0.contains("/\(Self.folder(prompts[100]))/") }, "prompt 101 is not the paper's")
    }

    /// `make score` without DATASET= says how to call it, and builds nothing first.
    func testMakeScoreWithoutDatasetPrintsItsUsageBeforeBuilding() throws {
        let env = ProcessInfo.processInfo.environment.filter { $0.key != "DATASET" }
        let r = try Spawn.run(["make", "--no-print-directory", "score"], environment: env, directory: TestPaths.repoRoot)
        XCTAssertEqual(r.status, 2, r.stdout + r.stderr)
        XCTAssertTrue(r.stdout.hasPrefix("usage: make score DATASET=path/to/<model>/<prompt>/<images>"), r.stdout)
        XCTAssertFalse((r.stdout + r.stderr).contains("swift build") || (r.stdout + r.stderr).contains("setup"), r.stdout + r.stderr)
    }

    /// examples/paper/monet_pairs.csv is the two lists, realigned: each LoRA prompt with the same
    /// prompt "in the style of Monet", wherever the other list has it.
    func testMonetPairsAreTheTwoListsRealigned() throws {
        let lora = try Self.lines("prompts_monet_lora.txt"), sdxl = try Self.lines("prompts_monet_sdxl.txt")
        XCTAssertEqual(lora.count, 50)
        XCTAssertEqual(sdxl.count, 50)
        func field(_ s: String) -> String { s.contains(",") || s.contains("\"") ? "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : s }
        var rows = ["Monet LoRA prompt,SDXL prompt"], drifted = 0
        for (i, prompt) in lora.enumerated() {
            XCTAssertTrue(prompt.hasSuffix(" in the style of TOK"), prompt)
            let base = String(prompt.dropLast("TOK".count)) + "Monet"
            guard let j = sdxl.firstIndex(of: base) else { continue }
            if j != i { drifted += 1 }
            rows.append(field(prompt) + "," + field(base))
        }
        XCTAssertEqual(rows.count - 1, 49)
        XCTAssertEqual(drifted, 11, "lines 16-26 of the LoRA list pair with lines 17-27 of the SDXL list")
        let file = try String(contentsOf: Self.paper.appendingPathComponent("monet_pairs.csv"), encoding: .utf8)
        XCTAssertEqual(file, rows.joined(separator: "\n") + "\n")
    }
}
