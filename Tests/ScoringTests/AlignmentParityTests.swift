import Foundation
import SCSImaging
import SCSModels
import SCSScoring
import TestSupport
import XCTest

/// Prompt alignment against its reference implementation.
final class AlignmentParityTests: XCTestCase {
    /// torchmetrics' CLIPScore on the full-size tower (random weights), the 7 shared photos and 5
    /// prompts: images through transformers' preprocessing as torchmetrics sends them, text through
    /// CLIPTokenizer. torchmetrics 1.9 fails on transformers 5 as shipped (its get_*_features return
    /// an output object); the oracle unwraps `.pooler_output`. For a prompt over 77 tokens
    /// torchmetrics cuts the ids without keeping `<|endoftext|>` and so pools the start token; scs
    /// truncates as CLIPTokenizer does, and is checked there against transformers' own cosines.
    func testCLIPScoreMatchesTorchmetrics() throws {
        let folder = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/text/clip-vit-b-32")
        if !FileManager.default.fileExists(atPath: folder.appendingPathComponent("clipscore.json").path) {
            guard let python = TestPaths.oraclePython else { throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh") }
            let run = try Spawn.run(
                [
                    python.path, TestPaths.repoRoot.appendingPathComponent("scripts/oracle/text_full.py").path,
                    folder.deletingLastPathComponent().path
                ], environment: ProcessInfo.processInfo.environment,
                directory: TestPaths.repoRoot)
            XCTAssertEqual(run.status, 0, run.stderr)
        }
        struct Reference: Decodable {
            var prompts: [String]
            var images: [String]
            var torchmetrics: [Double]
            var torchmetrics_unclamped: [Double]
            var torchmetrics_per_image: [[Double]]
            var cos: [[Double]]
        }
        let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: folder.appendingPathComponent("clipscore.json")))
        XCTAssertEqual(ref.images, try TestPaths.sharedPhotos().map(\.lastPathComponent))
        let vision = try CLIPVisionModel(directory: folder)
        let e = vision.embeddingWidth
        let pre = vision.preprocessor(.transformers)
        var pixels = [Float]()
        for url in try TestPaths.sharedPhotos() { pixels += pre.preprocess(try ImageDecoder.decodeNative(fileAt: url.path)) }
        let flat = vision.embed(pixels, count: ref.images.count, batch: 4)
        let images = (0..<ref.images.count).map { Array(flat[($0 * e)..<(($0 + 1) * e)]) }
        let text = try CLIPTextModel(directory: folder)
        let texts = text.embed(texts: ref.prompts)
        var worst = 0.0
        for (i, prompt) in ref.prompts.enumerated() {
            let a = Alignment(text: Array(texts[(i * e)..<((i + 1) * e)]), images: images)
            let long = text.tokenizer.encode(prompt).count > text.tokenizer.contextLength - 2
            let expected = long ? ref.cos[i].map { 100 * $0 } : ref.torchmetrics_per_image[i]
            for (ours, theirs) in zip(a.cosines.map { 100 * $0 }, expected) {
                worst = max(worst, abs(ours - theirs))
                XCTAssertEqual(ours, theirs, accuracy: 1e-4, "\(prompt.prefix(40)): 100·cos per image")
            }
            guard !long else { continue }
            XCTAssertEqual(a.clipscore, ref.torchmetrics[i], accuracy: 1e-4, "\(prompt.prefix(40)): CLIPScore")
            XCTAssertEqual(100 * a.cosines.reduce(0, +) / Double(a.cosines.count), ref.torchmetrics_unclamped[i], accuracy: 1e-4)
        }
        print("clipscore: largest difference from torchmetrics' per-image 100·cos \(worst) over \(ref.prompts.count)×\(ref.images.count)")
    }
}
