import Foundation
import SCSScoring
import TestSupport
import XCTest

/// The per-prompt metrics beside the SCS: their references and their columns.
final class MetricTests: XCTestCase {
    struct VendiCase: Decodable {
        var name: String
        var X: [[Float]]
        var score_K_q1: Double
        var score_K_qinf: Double
        var score_dual_q1_f64: Double
        var score_dual_qinf_f64: Double
    }

    /// vendi-score's `score_K` (float64 cosine kernel) and `score_dual` (on float64 rows) to 1e-9,
    /// on the cases of scripts/oracle/make_text_fixtures.py: random, two tight clusters,
    /// duplicates, orthogonal, n < d and n > d, a zero row.
    func testVendiMatchesTheVendiScorePackage() throws {
        struct Large: Decodable { var n, d, a, b, c, e, m: Int; var score_K_q1, score_K_qinf: Double }
        struct File: Decodable { var cases: [VendiCase]; var large: [Large] }
        // Python's json writes the package's nan (its q=float("inf") result) as NaN, which is not JSON.
        let text = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("text/vendi.json"), encoding: .utf8)
        let file = try JSONDecoder().decode(File.self, from: Data(text.replacingOccurrences(of: "NaN", with: "null").utf8))
        XCTAssertGreaterThanOrEqual(file.cases.count, 10)
        var worst = 0.0
        for c in file.cases {
            let (q1, qInf) = Vendi.scores(c.X)
            for (ours, reference, what) in [
                (q1, c.score_K_q1, "score_K q=1"), (qInf, c.score_K_qinf, "score_K q=inf"),
                (q1, c.score_dual_q1_f64, "score_dual q=1"), (qInf, c.score_dual_qinf_f64, "score_dual q=inf")
            ] {
                worst = max(worst, abs(ours - reference))
                XCTAssertEqual(ours, reference, accuracy: 1e-9, "\(c.name): \(what)")
            }
        }
        // Large groups (n×d up to 1000×64, 300×512, 120×1024), made by a rule both sides compute
        // exactly in float32.
        for g in file.large {
            let x: [[Float]] = (0..<g.n).map { i in
                (0..<g.d).map { j in Float(((i * g.a + j * g.b + (i / g.c) * g.e) % g.m - g.m / 2)) / Float(g.m / 2) }
            }
            let start = Date()
            let (q1, qInf) = Vendi.scores(x)
            let seconds = Date().timeIntervalSince(start)
            worst = max(worst, abs(q1 - g.score_K_q1), abs(qInf - g.score_K_qinf))
            XCTAssertEqual(q1, g.score_K_q1, accuracy: 1e-9, "\(g.n)×\(g.d)")
            XCTAssertEqual(qInf, g.score_K_qinf, accuracy: 1e-9, "\(g.n)×\(g.d)")
            print("vendi \(g.n)×\(g.d): \(String(format: "%.3f", seconds)) s")
        }
        print("vendi: largest difference from vendi-score \(worst) over \(file.cases.count) cases and \(file.large.count) large groups")
    }

    /// Two tight clusters: the mean pair similarity cannot tell them from a spread group, the
    /// Vendi Score counts two.
    func testVendiCountsClusters() {
        let a: [Float] = [1, 0, 0], b: [Float] = [0, 1, 0]
        XCTAssertEqual(Vendi.scores([a, a, b, b]).q1, 2, accuracy: 1e-12)
        XCTAssertEqual(Vendi.scores([a, a, a, a]).q1, 1, accuracy: 1e-12)
        XCTAssertEqual(Vendi.scores([a, b, [0, 0, 1]]).qInf, 3, accuracy: 1e-12)
    }

    /// torchmetrics clips the mean, not each image; Hessel et al. clip each image.
    func testCLIPScoreDefinitions() {
        let text: [Float] = [1, 0]
        let images: [[Float]] = [[1, 1], [-1, 0.2], [0.6, 0.8]]
        let alignment = Alignment(text: text, images: images)
        let cosines = [1 / 2.0.squareRoot(), -1 / (1.04).squareRoot(), 0.6]
        for (a, b) in zip(alignment.cosines, cosines) { XCTAssertEqual(a, b, accuracy: 1e-7) }
        XCTAssertEqual(alignment.clipscore, max(100 * cosines.reduce(0, +) / 3, 0), accuracy: 1e-5)
        XCTAssertEqual(alignment.clipscoreMax, 100 * cosines[0], accuracy: 1e-5)
        XCTAssertEqual(alignment.clipscoreHessel, 2.5 * (cosines[0] + cosines[2]) / 3, accuracy: 1e-7)
        XCTAssertEqual(Alignment(text: text, images: [[-1, 0], [-1, 1]]).clipscore, 0, "a negative mean is floored at 0")
    }

    func testMetricListParsing() throws {
        XCTAssertEqual(try Metric.parseList("scs"), [.scs])
        XCTAssertEqual(try Metric.parseList("clipscore, vendi"), [.scs, .vendi, .clipscore], "scs implied, Metric's order")
        XCTAssertThrowsError(try Metric.parseList("vendy")) { error in
            XCTAssert("\(error)".contains("unknown metric \"vendy\"") && "\(error)".contains("vendi_inf"), "\(error)")
        }
    }

    /// One column per metric, between pair_max and the provenance; `scs merge`'s reader takes them back.
    func testMetricColumnsRoundTrip() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("scs-metrics-\(getpid())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("scores.csv").path
        let scores = [
            GroupScore(
                model: "m", prompt: "a, \"cat\"", nImages: 3, nPairs: 3, scs: 80.5, pairSD: 1, pairMin: 79, pairMax: 82,
                metrics: [.vendi: 1.25, .clipscore: 30.125, .vendiInf: 1.125])
        ]
        let provenance = ScoreProvenance(backbone: .clip, fingerprint: "abc", precision: .fp32, preprocessing: .clip)
        try ScoresFile.write(scores, provenance: provenance, to: path)
        let header = try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertEqual(
            String(header),
            "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,vendi,vendi_inf,clipscore,"
                + "backbone,backbone_fingerprint,precision,preprocessing")
        XCTAssertEqual(try ScoresFile.read(path).groupScores(), scores)
    }
}
