import Foundation
import TestSupport
import XCTest

/// `--metrics w1kp` on a backbone that is not DreamSim's: refused in one line naming how to
/// choose one, before any image is embedded (the calibration is of DreamSim distances only).
final class W1KPCommandTests: CommandTestCase {
    func testW1KPNeedsADreamSimBackbone() throws {
        let folder = work.appendingPathComponent("ds/m/p")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in 0..<2 {
            try FileManager.default.copyItem(
                at: TestPaths.sharedImages.appendingPathComponent("rocket.jpg"), to: folder.appendingPathComponent("\(i).jpg"))
        }
        let scores = work.appendingPathComponent("scores.csv").path
        let r = try CLIRunner.run([
            "score", work.appendingPathComponent("ds").path, "--model", tiny, "--no-cache", "--quiet", "--metrics", "vendi,w1kp", "--out", scores
        ])
        XCTAssertEqual(r.status, 1, r.stderr)
        XCTAssertEqual(r.stderr, "Error: metric w1kp needs a DreamSim backbone (--model dreamsim:ensemble or another variant)\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: scores))
    }
}
