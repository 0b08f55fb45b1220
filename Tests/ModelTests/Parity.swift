import Foundation
import SCSImaging
import SCSModels
import TestSupport
import XCTest

/// How close two sets of embeddings are: the smallest cosine and the largest relative L2 distance
/// over rows, computed in double.
struct Parity {
    var minCosine = 1.0
    var maxRelativeL2 = 0.0

    /// `ours` and `reference` are `[rows, width]`.
    init(_ ours: [Float], _ reference: [Float], width e: Int) {
        precondition(ours.count == reference.count && ours.count % e == 0)
        for i in 0..<(ours.count / e) {
            let a = ours[(i * e)..<((i + 1) * e)].map(Double.init), b = reference[(i * e)..<((i + 1) * e)].map(Double.init)
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            minCosine = min(minCosine, dot / (na * nb))
            maxRelativeL2 = max(maxRelativeL2, diff / nb)
        }
    }

    /// The fp32 bar of every parity test: cosine ≥ 0.99999, relative L2 ≤ 1e-4.
    func check(_ name: String, file: StaticString = #filePath, line: UInt = #line) {
        print("parity \(name): min cosine \(minCosine), max relative L2 \(maxRelativeL2)")
        XCTAssertGreaterThanOrEqual(minCosine, 0.99999, name, file: file, line: line)
        XCTAssertLessThanOrEqual(maxRelativeL2, 1e-4, name, file: file, line: line)
    }

    /// The shared photos (sorted by name), each decoded as Pillow opens it and preprocessed by
    /// `model`'s own `pipeline` (its kind's default when nil), embedded `batch` at a time.
    static func embedSharedPhotos(_ model: any ImageEncoder, pipeline: ImagePreprocessor.Pipeline? = nil, batch: Int) throws -> [Float] {
        let photos = try TestPaths.sharedPhotos()
        let pre = model.preprocessor(pipeline ?? model.kind.defaultPipeline)
        var pixels = [Float]()
        for url in photos { pixels += pre.preprocess(try ImageDecoder.decodeNative(fileAt: url.path)) }
        return model.embed(pixels, count: photos.count, batch: batch)
    }

    /// On CI (`CI` set), a full-size model's files go once it is checked: the largest are several GB.
    static func discardOnCI(_ folder: URL) {
        if ProcessInfo.processInfo.environment["CI"] != nil { try? FileManager.default.removeItem(at: folder) }
    }

    /// Runs an oracle script (`scripts/oracle/NAME`) with arguments; its output is printed.
    static func runOracle(_ script: String, _ arguments: [String]) throws {
        guard let python = TestPaths.oraclePython else { throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh") }
        let path = TestPaths.repoRoot.appendingPathComponent("scripts/oracle/\(script)").path
        let run = try Spawn.run(
            [python.path, path] + arguments, environment: ProcessInfo.processInfo.environment,
            directory: TestPaths.repoRoot)
        print(run.stdout)
        XCTAssertEqual(run.status, 0, "\(script) failed: \(run.stderr.suffix(2000))")
    }
}
