import Foundation
import SCSModels
import SCSImaging
import SCSScoring
import TestSupport
import XCTest

final class EmbedderTests: XCTestCase {
    let tiny = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")

    func testPipelineMatchesTransformersAndCacheServesReruns() throws {
        let cachePath = try makeTemporaryDirectory().appendingPathComponent("cache.sqlite").path
        let photos = try TestPaths.sharedPhotos().map(\.path)
        let expected = try NpyArray(contentsOf: tiny.appendingPathComponent("expected.npy")).floats
        let e = 32

        let first = try Embedder(
            modelDirectory: tiny, cache: EmbeddingCache(path: cachePath),
            setup: EmbeddingSetup(workers: 2, batchSize: 2))
        let outcome = try first.embed(paths: photos, skipUnreadable: false)
        XCTAssertEqual(outcome.embeddedCount, 7)
        XCTAssertEqual(outcome.cachedCount, 0)
        for (i, row) in outcome.embeddings.enumerated() {
            let ref = Array(expected[(i * e)..<((i + 1) * e)])
            let row = try XCTUnwrap(row)
            let maxDiff = zip(row, ref).map { abs($0 - $1) }.max()!
            XCTAssertLessThan(maxDiff, 1e-4 * (ref.map { abs($0) }.max()!), "image \(i)")
        }

        // A new process would open the cache afresh: no inference, the same numbers.
        let second = try Embedder(modelDirectory: tiny, cache: EmbeddingCache(path: cachePath))
        XCTAssertEqual(second.fingerprint, first.fingerprint)
        let again = try second.embed(paths: photos.reversed(), skipUnreadable: false)
        XCTAssertEqual(again.embeddedCount, 0)
        XCTAssertEqual(again.cachedCount, 7)
        XCTAssertEqual(again.embeddings.reversed().map { $0! }, outcome.embeddings.map { $0! })
    }

    /// The weights packed for the engine go beside the embedding cache on the first load and are
    /// mapped on the next, keyed by the fingerprint; without a cache, or when asked not to, nothing
    /// is written.
    func testPackedWeightsAreKeptBesideTheCacheAndMappedOnTheNextLoad() throws {
        let dir = try makeTemporaryDirectory()
        let cachePath = dir.appendingPathComponent("cache.sqlite").path
        let first = try Embedder(modelDirectory: tiny, cache: EmbeddingCache(path: cachePath))
        _ = try first.model()
        let written = try XCTUnwrap(first.packedWeights)
        XCTAssertEqual(written.outcome, .written)
        XCTAssertEqual(
            URL(fileURLWithPath: written.path).deletingLastPathComponent().path,
            Embedder.packedWeightsFolder(cachePath: cachePath).path)
        XCTAssertTrue(URL(fileURLWithPath: written.path).lastPathComponent.hasPrefix(String(first.fingerprint.prefix(32))))

        let second = try Embedder(modelDirectory: tiny, cache: EmbeddingCache(path: cachePath))
        _ = try second.model()
        XCTAssertEqual(second.packedWeights?.outcome, .mapped)

        let off = try Embedder(
            modelDirectory: tiny, cache: EmbeddingCache(path: dir.appendingPathComponent("other.sqlite").path),
            setup: EmbeddingSetup(keepsPackedWeights: false))
        _ = try off.model()
        XCTAssertNil(off.packedWeights)
        let none = try Embedder(modelDirectory: tiny, cache: nil)
        _ = try none.model()
        XCTAssertNil(none.packedWeights)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: Embedder.packedWeightsFolder(cachePath: cachePath).path).count, 1)
    }

    func testUnreadableFilesStopOrAreSkipped() throws {
        let dir = try makeTemporaryDirectory()
        let good = dir.appendingPathComponent("good.jpg"), bad = dir.appendingPathComponent("bad.png")
        try FileManager.default.copyItem(at: TestPaths.sharedImages.appendingPathComponent("rocket.jpg"), to: good)
        try Data("this is text".utf8).write(to: bad)
        let cachePath = dir.appendingPathComponent("cache.sqlite").path
        let embedder = try Embedder(modelDirectory: tiny, cache: EmbeddingCache(path: cachePath))
        XCTAssertThrowsError(try embedder.embed(paths: [good.path, bad.path], skipUnreadable: false)) { error in
            XCTAssertTrue("\(error)".contains("bad.png"), "\(error)")
        }
        let skipped = try embedder.embed(paths: [good.path, bad.path], skipUnreadable: true)
        XCTAssertNotNil(skipped.embeddings[0])
        XCTAssertNil(skipped.embeddings[1])
        XCTAssertEqual(skipped.skipped.map(\.path), [bad.path])
    }

    /// A score file's sidecar is enough to find its embeddings again: the same cache key and
    /// preprocessing as the embedder that made them, no model needed; any other setup misses.
    func testAnEmbedderReproducingAScoreFileReadsItsEmbeddingsFromTheCache() throws {
        let cache = try EmbeddingCache(path: try makeTemporaryDirectory().appendingPathComponent("cache.sqlite").path)
        let photos = try TestPaths.sharedPhotos().map(\.path)
        let made = try Embedder(modelDirectory: tiny, cache: cache, setup: EmbeddingSetup(pipeline: .transformers, workers: 2))
        let dataset = Dataset(items: photos.map { ImageItem(model: "m", prompt: "p", path: $0) })
        let meta = ScoresMeta(model: "tiny", result: try ScoreRun.run(dataset: dataset, embedder: made, skipUnreadable: false), dataset: dataset)

        let again = Embedder(reproducing: meta, cache: cache)
        XCTAssertNil(again.modelDirectory)
        XCTAssertEqual(again.kind, .clip)
        XCTAssertEqual(again.cacheKey, made.cacheKey)
        XCTAssertEqual(again.preprocessing, .transformers)
        let outcome = try again.embed(paths: photos, skipUnreadable: false)
        XCTAssertEqual(outcome.cachedCount, photos.count)
        XCTAssertEqual(outcome.embeddings, try made.embed(paths: photos, skipUnreadable: false).embeddings)

        var other = meta
        other.preprocessing = .clip
        XCTAssertThrowsError(try Embedder(reproducing: other, cache: cache).embed(paths: photos, skipUnreadable: false)) {
            guard case .notCached(let missing, _, _, _)? = $0 as? EmbedderError else { return XCTFail("\($0)") }
            XCTAssertEqual(missing, photos.count)
        }
    }

    func testNpyRoundTrip() throws {
        let path = try makeTemporaryDirectory().appendingPathComponent("x.npy").path
        let values: [Float] = (0..<12).map { Float($0) * 0.5 - 2 }
        try OutputFiles.writeNpy(values, shape: [3, 4], to: path)
        let read = try NpyArray(contentsOf: URL(fileURLWithPath: path))
        XCTAssertEqual(read.shape, [3, 4])
        XCTAssertEqual(read.floats, values)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: path)).count % 64, (12 * 4) % 64)
    }
}
