import Foundation
import XCTest

/// Checks that a committed fixture is what its oracle script writes today: runs
/// `scripts/oracle/<script> OUT` with the oracle venv's Python and compares OUT with
/// `Tests/Fixtures/<fixture>` byte for byte. Skips, with a message, where the venv is missing.
public func assertFixtureRegenerates(script: String, fixture: String, file: StaticString = #filePath, line: UInt = #line) throws {
    guard let python = TestPaths.oraclePython else { throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh") }
    let committed = TestPaths.fixtures.appendingPathComponent(fixture)
    let out = try makeTemporaryDirectory("scs-fixture").appendingPathComponent(committed.lastPathComponent)
    let path = TestPaths.repoRoot.appendingPathComponent("scripts/oracle").appendingPathComponent(script).path
    let run = try Spawn.run([python.path, path, out.path], environment: ProcessInfo.processInfo.environment, directory: TestPaths.repoRoot)
    XCTAssertEqual(run.status, 0, run.stderr, file: file, line: line)
    XCTAssertEqual(
        try Data(contentsOf: out), try Data(contentsOf: committed), "\(fixture) no longer matches \(script): rerun it", file: file, line: line)
}
