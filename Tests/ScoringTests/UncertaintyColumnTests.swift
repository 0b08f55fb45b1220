import SCSScoring
import XCTest

/// How scs_se reaches scores.csv: asked for by name (its interval comes with it), three columns
/// right after pair_max, and what a group without a standard error or without a quantile writes.
final class UncertaintyColumnTests: XCTestCase {
    func testAskingForOneAsksForAllThree() throws {
        XCTAssertEqual(try Metric.parseList("scs_se"), [.scs, .scsSE, .scsLow, .scsHigh])
        XCTAssertEqual(try Metric.parseList("vendi,scs_hi"), [.scs, .scsSE, .scsLow, .scsHigh, .vendi])
        XCTAssertEqual(try Metric.parseList("scs"), [.scs], "the default asks for none")
        let header = ScoresFile.header(metrics: try Metric.parseList("scs,scs_se,vendi"))
        let after = header.firstIndex(of: "pair_max")! + 1
        XCTAssertEqual(Array(header[after..<(after + 4)]), ["scs_se", "scs_lo", "scs_hi", "vendi"])
    }

    func testColumnsOfAGroup() throws {
        // Three images, pair values 10, 20, 60: U_{-i} = 60, 20, 10; mean 30; se² = 2/3 · 1400.
        let u = try XCTUnwrap(ScoreUncertainty(pairValues: [10, 20, 60], images: 3))
        XCTAssertEqual(u.scs, 30)
        XCTAssertEqual(u.leaveOneOut, [60, 20, 10])
        XCTAssertEqual(u.jackknifeSE!, (2.0 / 3 * 1400).squareRoot(), accuracy: 1e-12)
        XCTAssertNil(u.zeta1, "Hoeffding's components need 4 images")
        XCTAssertNil(u.projectedStandardError(images: 20))
        XCTAssertEqual(Set(u.columns(critical: nil).keys), [.scsSE], "no quantile: no interval")
        let columns = u.columns { n in
            XCTAssertEqual(n, 3)
            return 0.5
        }
        XCTAssertEqual(columns[.scsLow]!, 30 - 0.5 * u.jackknifeSE!, accuracy: 1e-12)
        XCTAssertEqual(columns[.scsHigh]!, 30 + 0.5 * u.jackknifeSE!, accuracy: 1e-12)
        XCTAssertEqual(u.columns { _ in 100 }[.scsLow], 0, "clipped at 0")
        XCTAssertEqual(u.columns { _ in 100 }[.scsHigh], 100, "clipped at 100")
    }
}
