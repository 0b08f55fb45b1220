import Foundation
import SCSStats
import TestSupport
import XCTest

/// `compare --power` against scripts/oracle/make_power_fixtures.py, which replays the same
/// resampling (a Python port of xoshiro256** and its index mapping) with scipy.stats.wilcoxon:
/// the same k must be found, and the same power at every k evaluated.
final class PowerTests: XCTestCase {
    func testPromptsNeededMatchSciPyResampling() throws {
        let cases = try XCTUnwrap(try Oracle.load("power.json")["cases"] as? [[String: Any]])
        XCTAssertGreaterThanOrEqual(cases.count, 4)
        for c in cases {
            let name = c["name"] as? String ?? "?"
            let power = PairedPower(
                differences: Oracle.numbers(c["differences"]), difference: try XCTUnwrap(Oracle.number(c["difference"])),
                alpha: try XCTUnwrap(Oracle.number(c["alpha"])), target: try XCTUnwrap(Oracle.number(c["target"])),
                draws: try XCTUnwrap(c["draws"] as? Int), seed: UInt64(try XCTUnwrap(c["seed"] as? Int)),
                maxPrompts: try XCTUnwrap(c["max_prompts"] as? Int))
            XCTAssertEqual(power.prompts, c["prompts"] as? Int, name)
            let evaluated = try XCTUnwrap(c["evaluated"] as? [[String: Any]])
            XCTAssertEqual(power.evaluated.map(\.prompts), evaluated.compactMap { $0["prompts"] as? Int }, name)
            for (ours, ref) in zip(power.evaluated, evaluated) {
                XCTAssertEqual(ours.power, try XCTUnwrap(Oracle.number(ref["power"])), accuracy: 1e-12, "\(name) k=\(ours.prompts)")
            }
        }
    }

    /// Power grows with the difference asked about, and the sentence names the bound when it is
    /// not reached.
    func testLargerDifferencesNeedFewerPrompts() {
        let d: [Double] = [3, -2, 5, 1, 0.5, 4, -1, 2.5, 6, -3]
        let small = PairedPower(differences: d, difference: 1, draws: 200, seed: 4)
        let large = PairedPower(differences: d, difference: 4, draws: 200, seed: 4)
        XCTAssertNotNil(small.prompts)
        XCTAssertLessThan(large.prompts ?? .max, small.prompts ?? 0)
        let none = PairedPower(differences: d, difference: 0, draws: 100, seed: 4, maxPrompts: 16)
        XCTAssertNil(none.prompts)
        XCTAssertTrue(none.sentence(unit: "SCS").hasPrefix("more than 16 prompts"), none.sentence(unit: "SCS"))
        XCTAssertTrue(large.sentence(unit: "SCS").contains("+4.0 SCS with power 0.8"), large.sentence(unit: "SCS"))
    }
}
