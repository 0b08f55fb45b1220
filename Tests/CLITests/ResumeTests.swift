import Foundation
import SCSScoring
import SCSTensor
import TestSupport
import XCTest

/// kill -9 during `scs score`, rerun: it resumes from the cache and the scores are identical to
/// an uninterrupted run's, byte for byte, on every kernel path the CPU runs (SCS_KERNEL).
final class ResumeTests: XCTestCase {
    func testKilledRunResumesWithIdenticalScores() throws {
        var scores: [String: String] = [:]
        for path in KernelPath.allCases where path.isSupported {
            scores[path.rawValue] = try killAndResume(environment: ["SCS_KERNEL": path.rawValue], label: path.rawValue)
        }
        // fp32 on every path is the same arithmetic: the same scores.csv.
        XCTAssertEqual(Set(scores.values).count, 1, "scores differ between kernel paths: \(scores.keys.sorted())")
    }

    /// Returns the clean run's scores.csv.
    func killAndResume(environment: [String: String], label: String) throws -> String {
        let work = try makeTemporaryDirectory("scs-resume")
        let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")
        let photo = try Data(contentsOf: TestPaths.sharedImages.appendingPathComponent("hubble_deep_field.jpg"))
        let total = 48
        // Distinct files: bytes after a JPEG's end-of-image marker change its hash, not its pixels.
        for i in 0..<total {
            let dir = work.appendingPathComponent("data/model/prompt \(i % 4)")
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try (photo + Data("pad \(i)".utf8)).write(to: dir.appendingPathComponent("\(i).jpg"))
        }
        let data = work.appendingPathComponent("data").path
        let cachePath = work.appendingPathComponent("cache.sqlite").path
        let fingerprint = Embedder.cacheKey(fingerprint: try ModelFingerprint.compute(directory: tiny, cache: nil), precision: .fp32)
        let args = ["score", data, "--model", tiny.path, "--cache", cachePath, "--batch-size", "2", "--quiet"]

        let (process, _, errors) = try CLIRunner.start(
            args + ["--out", work.appendingPathComponent("killed.csv").path],
            environment: environment)
        var stored = 0
        let deadline = Date().addingTimeInterval(120)
        while Date() < deadline && process.isRunning {
            if FileManager.default.fileExists(atPath: cachePath) {
                stored = (try? EmbeddingCache(path: cachePath).count(model: fingerprint)) ?? 0
                if stored >= 4 { break }
            }
            usleep(20_000)
        }
        if !process.isRunning {
            let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            XCTFail("\(label): the run finished before it could be killed (status \(process.terminationStatus)): \(stderr)")
        }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        XCTAssertEqual(process.terminationReason, .uncaughtSignal)
        let afterKill = try EmbeddingCache(path: cachePath).count(model: fingerprint)
        XCTAssertGreaterThanOrEqual(afterKill, 4, "batches committed before the kill are kept")
        XCTAssertLessThan(afterKill, total)

        let resumedCSV = work.appendingPathComponent("resumed.csv").path
        let json = work.appendingPathComponent("resumed.json").path
        let resumed = try CLIRunner.run(args + ["--out", resumedCSV, "--json", json], environment: environment)
        XCTAssertEqual(resumed.status, 0, resumed.stderr)
        let summary = try XCTUnwrap(try loadJSON(URL(fileURLWithPath: json)) as? [String: Any])
        XCTAssertEqual(summary["from_cache"] as? Int, afterKill)
        XCTAssertEqual(summary["embedded"] as? Int, total - afterKill)

        let cleanCSV = work.appendingPathComponent("clean.csv").path
        let clean = try CLIRunner.run(
            ["score", data, "--model", tiny.path, "--no-cache", "--quiet", "--out", cleanCSV],
            environment: environment)
        XCTAssertEqual(clean.status, 0, clean.stderr)
        XCTAssertEqual(
            try String(contentsOfFile: resumedCSV, encoding: .utf8), try String(contentsOfFile: cleanCSV, encoding: .utf8),
            "\(label): resumed scores differ from a clean run's")
        return try String(contentsOfFile: cleanCSV, encoding: .utf8)
    }
}
