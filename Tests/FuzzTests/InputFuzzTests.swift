import Foundation
@testable import scs
@testable import SCSModels
import SCSImaging
import SCSReport
@testable import SCSScoring
@testable import SCSGenerate
import TestSupport
import XCTest

/// Mutation fuzzing of every parser that reads a file a user hands to scs: images, safetensors,
/// config.json, PyTorch checkpoints, scores.csv and its sidecar, manifests (CSV, JSONL and
/// generation manifests), pairs files. Every mutant is accepted or refused with one line naming
/// the file; a trap fails the run (see TestSupport/Fuzz.swift; long runs: scripts/fuzz/run.sh).
final class InputFuzzTests: XCTestCase {
    /// The short run's mutants per target (SCS_FUZZ_ITERATIONS overrides).
    static let shortRun = 150

    func fixture(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: TestPaths.fixtures.appendingPathComponent(path))) }

    func check(_ report: FuzzReport, file: StaticString = #filePath, line: UInt = #line) {
        print(report)
        XCTAssertEqual(
            report.badErrors.count, 0, "errors that are not one line naming the file: \(report.badErrors.prefix(3))",
            file: file, line: line)
        XCTAssertGreaterThan(report.refused, 0, "no mutant was refused: the target does not parse", file: file, line: line)
    }

    /// The body must throw only errors that name `file`; errors that do not are reported as bad.
    func naming(_ file: URL, _ body: () throws -> Void) throws {
        do { try body() } catch {
            let text = "\(error)"
            if !text.contains(file.path) && !text.contains(file.lastPathComponent) { throw Unnamed(text: text) }
            throw error
        }
    }

    struct Unnamed: Error, CustomStringConvertible {
        let text: String
        var description: String { "the error does not name the file:\n\(text)" }
    }

    func testImages() throws {
        let seeds = try [
            "jpeg-baseline-420-77x115.jpg", "jpeg-progressive-420-101x67.jpg", "jpeg-cmyk-adobe-101x67.jpg",
            "png-palette8-trns-97x61.png", "png-gray16-alpha-53x75.png", "png-rgb8-adam7-3x2.png",
            "webp-lossy-117x81.webp", "webp-lossless-alpha-117x81.webp"
        ].map { try fixture("decode/\($0)") }
        let pre = ImagePreprocessor(size: 32)
        check(
            try Fuzz.run("image", seeds: seeds, iterations: Fuzz.iterations(fallback: Self.shortRun * 3), name: "image.jpg") { url, _ in
                try naming(url) { _ = pre.preprocess(try ImageDecoder.decode(fileAt: url.path)) }
            })
    }

    func testSafetensorsAndConfig() throws {
        check(
            try Fuzz.run(
                "safetensors", seeds: [try fixture("models/tiny-p14-336/model.safetensors")],
                iterations: Fuzz.iterations(fallback: Self.shortRun), name: "model.safetensors"
            ) { url, _ in
                try naming(url) {
                    let file = try SafetensorsFile(path: url.path)
                    for (name, entry) in file.entries { _ = try file.floats(name, shape: entry.shape); file.release(name) }
                }
            })
        let configs = try ["tiny-b32", "tiny-p14-336", "tiny-p16-gelu"].map { try fixture("models/\($0)/config.json") }
        check(
            try Fuzz.run("config", seeds: configs, iterations: Fuzz.iterations(fallback: Self.shortRun), name: "config.json") { url, _ in
                try naming(url) { _ = try CLIPVisionConfig.load(from: url) }
            })
    }

    func testPyTorchCheckpoints() throws {
        let seeds = try ["openai-legacy.pt", "openai-fp16.pth", "evil.pt"].map { try fixture("checkpoints/\($0)") }
        check(
            try Fuzz.run("checkpoint", seeds: seeds, iterations: Fuzz.iterations(fallback: Self.shortRun), name: "model.pt") { url, _ in
                try naming(url) { _ = try CLIPVisionModel(directory: url) }
            })
    }

    func scoresSeed() -> [UInt8] {
        Array(
            """
            model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max,backbone,backbone_fingerprint,precision,preprocessing
            SDXL,a cat,4,6,71.83021,6.1,52.9,90.4,clip,ab12,fp32,clip-v2
            SDXL,"a ""red"" dog, big",3,3,65.5,2.25,60.0,70.0,clip,ab12,fp32,clip-v2
            pixart,a cat,4,6,80.125,1.5,77.0,83.25,clip,ab12,fp32,clip-v2
            pixart,"a ""red"" dog, big",3,3,0.0,0.0,0.0,0.0,clip,ab12,fp32,clip-v2

            """.utf8)
    }

    func testScoresFilesAndSidecars() throws {
        check(
            try Fuzz.run("scores", seeds: [scoresSeed()], iterations: Fuzz.iterations(fallback: Self.shortRun), name: "scores.csv") { url, _ in
                var first: Error?
                for read in [
                    { _ = try ScoresFile.read(url.path).groupScores() }, { _ = try ScoreRows.read(url.path) },
                    { _ = try CompareInput.scores(at: [url.path]) }
                ] as [() throws -> Void] {
                    do { try naming(url, read) } catch { first = first ?? error }
                }
                if let first { throw first }
            })
        let meta = try JSONEncoder().encode(
            ScoresMeta(
                model: "m",
                result: ScoreResult(
                    scores: [], models: [], excluded: [ExcludedGroup(model: "a", prompt: "b", nImages: 1, reason: "r")], skipped: ["x: y"],
                    ignoredFiles: 0, embedded: 0, fromCache: 0, backbone: .clip, modelFingerprint: "f", precision: .fp32, kernels: "k",
                    preprocessing: .clip),
                dataset: Dataset(items: [ImageItem(model: "a", prompt: "b", path: "/x.jpg")]),
                shard: (try ShardSpec(index: 0, count: 2), [ShardUnit(position: 0, model: "a", prompt: "b", nImages: 1)])))
        check(
            try Fuzz.run("sidecar", seeds: [[UInt8](meta)], iterations: Fuzz.iterations(fallback: Self.shortRun), name: "scores.meta.json") {
                url, _ in
                try naming(url) { _ = try ScoresMeta.read(forScores: url.deletingLastPathComponent().appendingPathComponent("scores.csv").path) }
            })
    }

    func testManifestsAndPairs() throws {
        let csv = Array("model,prompt,path,seed\nSDXL,a cat,a/1.jpg,1\nSDXL,\"a, dog\",a/2.jpg,2\npixart,a cat,/abs/3.png,\n".utf8)
        let jsonlText: String =
            #"{"model":"SDXL","prompt":"a cat","path":"a/1.jpg","seed":1}"# + "\n"
            + #"{"model":"pixart","prompt":"a \"dog\"","path":"b/2.jpg"}"# + "\n"
        let jsonl = Array(jsonlText.utf8)
        for (target, seed, name) in [("manifest-csv", csv, "images.csv"), ("manifest-jsonl", jsonl, "images.jsonl")] {
            check(
                try Fuzz.run(target, seeds: [seed], iterations: Fuzz.iterations(fallback: Self.shortRun), name: name) { url, _ in
                    try naming(url) { _ = try Dataset.manifest(at: url.path) }
                })
        }
        let generated = Array(
            (#"{"path":"SDXL/a cat/11.jpg","model":"SDXL","prompt":"a cat","seed":11,"sha256":"ab"}"# + "\n"
                + #"{"path":"SDXL/a cat/12.jpg","model":"SDXL","prompt":"a cat","seed":12}"# + "\n").utf8)
        check(
            try Fuzz.run(
                "generation-manifest", seeds: [generated], iterations: Fuzz.iterations(fallback: Self.shortRun),
                name: "manifest.shard-0-of-1.jsonl"
            ) { url, _ in
                let manifest = GenerationManifest(directory: url.deletingLastPathComponent(), name: url.lastPathComponent)
                try naming(url) { try manifest.load() }
                try naming(url) { _ = try ManifestMerge.merge(paths: [url.path]) }
            })
        let pairs = Array("lora prompt,base prompt\na cat in TOK style,a cat\n\"a, dog\",a dog\n".utf8)
        check(
            try Fuzz.run("pairs", seeds: [pairs], iterations: Fuzz.iterations(fallback: Self.shortRun), name: "pairs.csv") { url, _ in
                try naming(url) { _ = try CompareInput.pairs(at: url.path) }
            })
    }
}
