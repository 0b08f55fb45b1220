import Foundation
import SCSTensor
import TestSupport
import XCTest

final class DoctorCommandTests: XCTestCase {
    func testDoctorChecksEveryPathAndTimesEachPrecision() throws {
        let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32").path
        let r = try CLIRunner.run(["doctor", "--model", tiny, "--images", "3"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("cpu "), r.stdout)
        for path in KernelPath.allCases where path.isSupported {
            XCTAssertTrue(r.stdout.contains("self-check   \(path.rawValue) fp32: max relative error"), r.stdout)
        }
        let checks = r.stdout.split(separator: "\n").filter { $0.hasPrefix("self-check") }
        XCTAssertFalse(checks.isEmpty)
        XCTAssertTrue(checks.allSatisfy { $0.hasSuffix(": ok") }, r.stdout)
        for precision in Precision.allCases where precision.isSupported {
            XCTAssertTrue(r.stdout.contains("speed        \(precision.rawValue): "), r.stdout)
        }
    }

    func testForcedPathIsReportedAndUnknownPrecisionIsOneLine() throws {
        let r = try CLIRunner.run(["doctor", "--no-speed"], environment: ["SCS_KERNEL": "generic"])
        XCTAssertEqual(r.status, 0, r.stderr)
        XCTAssertTrue(r.stdout.contains("kernels      generic (SCS_KERNEL=generic)"), r.stdout)
        XCTAssertFalse(r.stdout.contains("speed "))
        let bad = try CLIRunner.run(["embed", "x.jpg", "--out", "/tmp/x.npy", "--precision", "fp16"])
        XCTAssertNotEqual(bad.status, 0)
        XCTAssertTrue(bad.stderr.contains("fp16"), bad.stderr)
    }
}
