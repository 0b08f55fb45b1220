import Foundation
import SCSImaging
import SCSModels
import SCSTensor
import TestSupport
import XCTest

/// Weights packed for the engine, stored on the first load and mapped on the next: the mapped
/// model computes the same bits, damaged or stale files are replaced, and a folder that cannot
/// be written leaves the load as it was.
final class PackedWeightCacheTests: XCTestCase {
    let model = TestPaths.fixtures.appendingPathComponent("models/tiny-b32")
    var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("scs-packed-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        KernelPath.force(nil)
        try? FileManager.default.removeItem(at: folder)
    }

    func cache(_ fingerprint: String = "fp-test", engine: Int = 3, precision: Precision = .fp32) -> PackedWeightCache {
        PackedWeightCache(folder: folder, fingerprint: fingerprint, precision: precision, engineVersion: engine)
    }

    /// The shared photos, preprocessed, embedded as one batch.
    func embeddings(_ encoder: any ImageEncoder) throws -> [UInt32] {
        let pre = encoder.preprocessor(.clip)
        let photos = try TestPaths.sharedPhotos().prefix(4)
        let pixels = try photos.flatMap { pre.preprocess(try ImageDecoder.decode(fileAt: $0.path)) }
        return encoder.embed(pixels, count: photos.count, batch: 2).map(\.bitPattern)
    }

    func testTheSecondLoadMapsTheFirstLoadsPanelsAndComputesTheSameBits() throws {
        let reference = try embeddings(try ImageEncoders.load(model))

        let first = cache()
        let written = try ImageEncoders.load(model, packedCache: first)
        XCTAssertEqual(first.outcome, .written)
        XCTAssertNil(first.readError)  // no file yet is not an error
        let size = try XCTUnwrap(FileManager.default.attributesOfItem(atPath: first.path)[.size] as? Int)
        XCTAssertGreaterThan(size, 4096)
        XCTAssertEqual(try embeddings(written), reference)

        let second = cache()
        let mapped = try ImageEncoders.load(model, packedCache: second)
        XCTAssertEqual(second.outcome, .mapped, "every matrix should come from the file")
        XCTAssertEqual(try embeddings(mapped), reference)
        // Only the file itself: no temporary left behind.
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: folder.path), [URL(fileURLWithPath: first.path).lastPathComponent])
    }

    func testEachKernelPathAndFingerprintHasItsOwnFile() throws {
        let best = cache()
        _ = try ImageEncoders.load(model, packedCache: best)
        XCTAssertTrue(KernelPath.force(.generic))
        let generic = cache()
        XCTAssertNotEqual(generic.path, best.path)
        let encoder = try ImageEncoders.load(model, packedCache: generic)
        XCTAssertEqual(generic.outcome, KernelPath.allCases.first(where: \.isSupported) == .generic ? .mapped : .written)
        // Every fp32 path computes the same bits, so the panels laid out for generic C agree.
        let viaGeneric = try embeddings(encoder)
        KernelPath.force(nil)
        XCTAssertEqual(viaGeneric, try embeddings(try ImageEncoders.load(model)))

        let other = cache("another-model")
        XCTAssertNotEqual(other.path, best.path)
        _ = try ImageEncoders.load(model, packedCache: other)
        XCTAssertEqual(other.outcome, .written)
    }

    func testADamagedFileIsNamedThenReplaced() throws {
        let first = cache()
        _ = try ImageEncoders.load(model, packedCache: first)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: first.path))
        for damage in [bytes.prefix(100), Data("SCSPACK1".utf8) + Data(repeating: 0xff, count: 64), bytes.prefix(bytes.count / 2)] {
            try damage.write(to: URL(fileURLWithPath: first.path))
            let damaged = cache()
            let encoder = try ImageEncoders.load(model, packedCache: damaged)
            let error = try XCTUnwrap(damaged.readError, "damage of \(damage.count) bytes not noticed")
            XCTAssertTrue(error.description.hasPrefix(first.path + ": "), error.description)
            XCTAssertEqual(damaged.outcome, .written)
            XCTAssertEqual(try embeddings(encoder), try embeddings(try ImageEncoders.load(model)))
            let again = cache()
            _ = try ImageEncoders.load(model, packedCache: again)
            XCTAssertEqual(again.outcome, .mapped)
        }
    }

    func testAFileWrittenForAnotherKeyIsNotRead() throws {
        let first = cache("fp-one")
        _ = try ImageEncoders.load(model, packedCache: first)
        try FileManager.default.copyItem(atPath: first.path, toPath: cache("fp-two").path)
        let impostor = cache("fp-two")  // the file is mapped (or refused) when the cache is made
        _ = try ImageEncoders.load(model, packedCache: impostor)
        XCTAssertEqual(impostor.outcome, .written)
        XCTAssertTrue(impostor.readError?.reason.contains("written for fp-one") ?? false, "\(String(describing: impostor.readError))")
    }

    func testOlderEnginesFilesGoWhenANewOneIsWritten() throws {
        let old = cache(engine: 2)
        _ = try ImageEncoders.load(model, packedCache: old)
        let unrelated = cache("another-model", engine: 2)
        _ = try ImageEncoders.load(model, packedCache: unrelated)
        let new = cache(engine: 3)
        _ = try ImageEncoders.load(model, packedCache: new)
        XCTAssertFalse(FileManager.default.fileExists(atPath: old.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: unrelated.path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: new.path))
    }

    func testAFolderThatCannotBeWrittenLeavesTheLoadAsItWas() throws {
        let blocked = folder.appendingPathComponent("not-a-folder")
        try Data("x".utf8).write(to: blocked)
        let cache = PackedWeightCache(folder: blocked, fingerprint: "fp", precision: .fp32, engineVersion: 3)
        let encoder = try ImageEncoders.load(model, packedCache: cache)
        XCTAssertEqual(cache.outcome, .unwritten)
        XCTAssertTrue(cache.saveError?.path.hasPrefix(blocked.path) ?? false, "\(String(describing: cache.saveError))")
        XCTAssertEqual(try embeddings(encoder), try embeddings(try ImageEncoders.load(model)))
    }

    func testBF16PanelsAreStoredAndMappedToo() throws {
        guard Precision.bf16.isSupported else { throw XCTSkip("this CPU lacks AVX512-BF16") }
        let reference = try embeddings(try ImageEncoders.load(model, precision: .bf16))
        let first = cache(precision: .bf16)
        _ = try ImageEncoders.load(model, precision: .bf16, packedCache: first)
        let second = cache(precision: .bf16)
        let mapped = try ImageEncoders.load(model, precision: .bf16, packedCache: second)
        XCTAssertEqual(second.outcome, .mapped)
        XCTAssertNotEqual(first.path, cache(precision: .fp32).path)
        XCTAssertEqual(try embeddings(mapped), reference)
    }
}
