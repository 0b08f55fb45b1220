import Foundation
import SCSScoring
import TestSupport
import XCTest

/// `scs --version` and the exit codes that docs/exit-codes.md promises.
final class VersionTests: XCTestCase {
    func testVersionPrintsVersionEngineAndCommit() throws {
        let r = try CLIRunner.run(["--version"])
        XCTAssertEqual(r.status, 0, r.stderr)
        let line = r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        // scs 0.1.0 (engine 3, commit 0123456789ab) -- "unknown" outside scripts/dist.sh's build.
        let pattern = #"^scs [0-9]+\.[0-9]+\.[0-9]+[^ ]* \(engine ([0-9]+), commit ([0-9a-f]{7,40}(-dirty)?|unknown)\)$"#
        XCTAssertNotNil(line.range(of: pattern, options: .regularExpression), line)
        XCTAssertTrue(line.contains("(engine \(Embedder.engineVersion),"), line)
    }

    func testInvalidFlagExitsWithUsageError() throws {
        let r = try CLIRunner.run(["--no-such-flag"])
        XCTAssertEqual(r.status, 64, "an invalid flag is a usage error (EX_USAGE): \(r.stderr)")
        XCTAssertTrue(r.stderr.contains("Unknown option '--no-such-flag'"), r.stderr)
    }

    func testRuntimeErrorExitsOne() throws {
        let missing = FileManager.default.temporaryDirectory.appendingPathComponent("scs-no-such-dataset-\(UUID().uuidString)").path
        let r = try CLIRunner.run(["score", missing, "--model", "/nonexistent/model"])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertTrue(r.stderr.contains("Error: \(missing): no such folder or file"), r.stderr)
    }

    func testHelpExitsZero() throws {
        let r = try CLIRunner.run(["--help"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("USAGE: scs"), r.stdout)
    }
}
