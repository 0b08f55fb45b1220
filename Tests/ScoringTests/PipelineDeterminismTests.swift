import Foundation
import SCSScoring
import SCSTensor
import TestSupport
import XCTest

/// Through the whole pipeline (reader thread, worker threads, batches that finish in any order):
/// the same embeddings, bit for bit, for every thread count and batch size, and with or without
/// a cache holding some of them.
final class PipelineDeterminismTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")

    func embed(
        _ paths: [String], workers: Int, batch: Int, cache: EmbeddingCache? = nil,
        precision: Precision = .fp32
    ) throws -> [[UInt32]] {
        let embedder = try Embedder(
            modelDirectory: tiny, cache: cache,
            setup: EmbeddingSetup(precision: precision, workers: workers, batchSize: batch))
        return try embedder.embed(paths: paths, skipUnreadable: false).embeddings.map { try XCTUnwrap($0).map(\.bitPattern) }
    }

    func testThreadsBatchesAndCacheDoNotChangeABit() throws {
        let photos = try TestPaths.sharedPhotos().map(\.path)
        let paths = (0..<17).map { photos[$0 % photos.count] }  // duplicates are embedded once
        let cores = max(2, ProcessInfo.processInfo.activeProcessorCount)
        for precision in Precision.allCases where precision.isSupported {
            let reference = try embed(photos, workers: 1, batch: 1, precision: precision)
            for workers in 1...cores {
                for batch in [1, 2, 3, 5, 8, 16, 17] {
                    let got = try embed(paths, workers: workers, batch: batch, precision: precision)
                    XCTAssertEqual(
                        got, paths.indices.map { reference[$0 % photos.count] },
                        "\(precision): \(workers) threads, batch \(batch)")
                }
            }
            // Half from a cache, half fresh: the same bits as all fresh.
            let cache = try EmbeddingCache(path: try makeTemporaryDirectory().appendingPathComponent("c.sqlite").path)
            _ = try embed(Array(photos.prefix(3)), workers: 2, batch: 2, cache: cache, precision: precision)
            XCTAssertEqual(try embed(photos, workers: 2, batch: 4, cache: cache, precision: precision), reference)
        }
    }

    func testPrecisionIsPartOfTheCacheKey() throws {
        let embedder = try Embedder(modelDirectory: tiny, cache: nil)
        let fp32 = embedder.cacheKey
        let bf16 = try Embedder(modelDirectory: tiny, cache: nil, setup: EmbeddingSetup(precision: .bf16))
        XCTAssertNotEqual(bf16.cacheKey, fp32)
        XCTAssertTrue(fp32.hasPrefix(embedder.fingerprint))
    }
}

/// Several connections creating the same new cache at once (as two `scs` processes may): none fails.
final class CacheConcurrencyTests: XCTestCase {
    func testConcurrentOpeningOfANewCache() throws {
        for round in 0..<5 {
            let path = try makeTemporaryDirectory().appendingPathComponent("cache-\(round).sqlite").path
            let failures = Failures()
            DispatchQueue.concurrentPerform(iterations: 8) { _ in
                do {
                    let cache = try EmbeddingCache(path: path)
                    try cache.store(model: "m", preprocess: 1, embeddings: [(hash: UUID().uuidString, vector: [1, 2])])
                } catch {
                    failures.add("\(error)")
                }
            }
            XCTAssertEqual(failures.all, [], "round \(round)")
            XCTAssertEqual(try EmbeddingCache(path: path).count(model: "m"), 8)
        }
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private var list: [String] = []
        func add(_ s: String) { lock.lock(); list.append(s); lock.unlock() }
        var all: [String] { lock.lock(); defer { lock.unlock() }; return list }
    }
}
