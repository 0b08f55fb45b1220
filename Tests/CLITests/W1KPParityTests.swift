import Foundation
import TestSupport
import XCTest

/// `scs score --metrics w1kp` against W1KP's own computation (scripts/oracle/w1kp_reference.py:
/// ListwiseDreamSimDistanceMeasure.measure re-run on the CPU with the dreamsim package) on the
/// shared photos, through a random-weight DreamSim clip_vitb32 (one ViT-B/32 tower, the cheapest
/// variant). Mean distance and calibrated score to 1e-6; our exact u_k within 4 Monte Carlo
/// standard errors of the reference's 1,000-permutation estimate.
final class W1KPParityTests: XCTestCase {
    struct Reference: Decodable {
        struct Point: Decodable {
            let k: Int
            let u: Double
            let sd: Double
            let samples: Int
        }
        let photos: [String]
        let mean_distance: Double
        let w1kp: Double
        let reusability: [Point]
    }

    struct Summary: Decodable {
        struct Group: Decodable {
            struct Detail: Decodable {
                struct Point: Decodable {
                    let k: Int
                    let u: Double
                    let w1kp: Double
                    let method: String
                }
                let mean_distance: Double?
                let kept_pairs: Int
                let reusability: [Point]
                let calibration: String
            }
            let w1kp: Double?
            let w1kp_detail: Detail?
        }
        let scores: [Group]
    }

    func testScoreMatchesTheAuthorsListwiseMeasure() throws {
        guard let python = TestPaths.oraclePython else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check W1KP against its reference code")
        }
        let started = Date()
        let root = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/dreamsim")
        let oracle = TestPaths.repoRoot.appendingPathComponent("scripts/oracle")
        let env = ProcessInfo.processInfo.environment
        let built = try Spawn.run(
            [python.path, oracle.appendingPathComponent("dreamsim_files.py").path, root.path, "dreamsim-clip_vitb32"], environment: env,
            directory: TestPaths.repoRoot)
        XCTAssertEqual(built.status, 0, built.stderr)
        let model = root.appendingPathComponent("dreamsim-clip_vitb32")
        let work = try makeTemporaryDirectory("scs-w1kp")
        let referenceJSON = work.appendingPathComponent("reference.json")
        let ran = try Spawn.run(
            [python.path, oracle.appendingPathComponent("w1kp_reference.py").path, model.path, "clip_vitb32", referenceJSON.path],
            environment: env, directory: TestPaths.repoRoot)
        XCTAssertEqual(ran.status, 0, ran.stderr)
        let reference = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: referenceJSON))

        let group = work.appendingPathComponent("data/SDXL/a photo")
        try FileManager.default.createDirectory(at: group, withIntermediateDirectories: true)
        for name in reference.photos {
            try FileManager.default.copyItem(at: TestPaths.sharedImages.appendingPathComponent(name), to: group.appendingPathComponent(name))
        }
        let csv = work.appendingPathComponent("scores.csv").path, json = work.appendingPathComponent("scores.json").path
        let r = try CLIRunner.run([
            "score", work.appendingPathComponent("data").path, "--model", model.path, "--metrics", "w1kp", "--out", csv, "--json", json,
            "--no-cache", "--quiet"
        ])
        XCTAssertEqual(r.status, 0, r.stderr)
        let summary = try JSONDecoder().decode(Summary.self, from: Data(contentsOf: URL(fileURLWithPath: json)))
        let ours = try XCTUnwrap(summary.scores.first)
        let detail = try XCTUnwrap(ours.w1kp_detail)
        let mean = try XCTUnwrap(detail.mean_distance), score = try XCTUnwrap(ours.w1kp)
        print(
            "w1kp parity: mean distance \(mean) vs \(reference.mean_distance) (Δ \(abs(mean - reference.mean_distance))), "
                + "W1KP \(score) vs \(reference.w1kp) (Δ \(abs(score - reference.w1kp)))")
        XCTAssertEqual(mean, reference.mean_distance, accuracy: 1e-6)
        XCTAssertEqual(score, reference.w1kp, accuracy: 1e-6)
        XCTAssertGreaterThan(score, 0, "the photos' mean distance must fall inside the calibration, not beyond its end")
        XCTAssertTrue(detail.calibration.contains("0a33166633c6f9342ae41ae6d77626041a9bc995"), detail.calibration)

        XCTAssertEqual(detail.reusability.map(\.k), reference.reusability.map(\.k))
        for (point, sampled) in zip(detail.reusability, reference.reusability) {
            XCTAssertEqual(point.method, "exact")
            let se = sampled.sd / Double(sampled.samples).squareRoot()
            print(
                "w1kp parity: u_\(point.k) exact \(point.u), sampled \(sampled.u) ± \(se)" + (se > 0 ? " (\(abs(point.u - sampled.u) / se) SE)" : ""))
            XCTAssertLessThanOrEqual(abs(point.u - sampled.u), 4 * se + 1e-6, "k \(point.k)")
        }
        let header = try String(contentsOfFile: csv, encoding: .utf8).split(separator: "\n")[0]
        XCTAssertTrue(header.split(separator: ",").contains("w1kp"), String(header))
        print("w1kp parity: \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }
}
