import Foundation
@testable import SCSModels
import SCSImaging
import TestSupport
import XCTest

/// PyTorch checkpoints read without PyTorch: torch.save (zip and legacy), float16 state dicts,
/// TorchScript archives (the form of OpenAI's ViT-B-32.pt) and open_clip's files give the
/// embeddings of the paper's own code (`clip.load(...).encode_image`) and of open_clip, on the
/// same pixels; a pickle that would run code is refused and runs nothing.
/// Fixtures: scripts/oracle/make_torch_checkpoints.py.
final class TorchCheckpointTests: XCTestCase {
    let folder = TestPaths.fixtures.appendingPathComponent("checkpoints")

    /// Embeds inputs.npy with the model in `file`; min cosine and max relative L2 to `expected`.
    func compare(_ file: URL, expected: URL, inputs: URL? = nil) throws -> (cosine: Double, l2: Double, model: CLIPVisionModel) {
        let model = try CLIPVisionModel(directory: file)
        let pixels = try NpyArray(contentsOf: inputs ?? folder.appendingPathComponent("inputs.npy"))
        let reference = try NpyArray(contentsOf: expected)
        let n = pixels.shape[0], e = model.config.projectionDim
        XCTAssertEqual(reference.shape, [n, e], file.lastPathComponent)
        let out = model.embed(pixels.floats, count: n, batch: 2)
        var worst = (cosine: 1.0, l2: 0.0)
        for i in 0..<n {
            let a = out[(i * e)..<((i + 1) * e)].map(Double.init), b = reference.floats[(i * e)..<((i + 1) * e)].map(Double.init)
            let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
            let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
            let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
            worst = (min(worst.cosine, dot / (na * nb)), max(worst.l2, diff / nb))
        }
        print("checkpoint \(file.lastPathComponent): min cosine \(worst.cosine), max relative L2 \(worst.l2)")
        XCTAssertGreaterThanOrEqual(worst.cosine, 0.99999, file.lastPathComponent)
        XCTAssertLessThanOrEqual(worst.l2, 1e-4, file.lastPathComponent)
        return (worst.cosine, worst.l2, model)
    }

    func testOpenAIFormatsMatchClipLoad() throws {
        let cases: [(String, String, TorchCheckpoint.Format)] = [
            ("openai-state-dict.pt", "openai-expected.npy", .zip),
            ("openai-legacy.pt", "openai-expected.npy", .legacy),
            ("openai-torchscript.pt", "openai-torchscript-expected.npy", .torchScript),
            ("openai-fp16.pth", "openai-fp16-expected.npy", .zip)
        ]
        for (file, expected, format) in cases {
            XCTAssertEqual(try TorchCheckpoint(path: folder.appendingPathComponent(file).path).format, format, file)
            let r = try compare(folder.appendingPathComponent(file), expected: folder.appendingPathComponent(expected))
            XCTAssertEqual(r.model.config.activation, "quick_gelu")
            XCTAssertEqual(r.model.config.imageSize, 32)
            XCTAssertEqual(r.model.config.layers, 2)
        }
        // The float16 file holds half the bytes: its tensors really are float16.
        let half = try TorchCheckpoint(path: folder.appendingPathComponent("openai-fp16.pth").path)
        XCTAssertEqual(half.tensors["visual.conv1.weight"]?.storage.dtype, .float16)
    }

    func testOpenCLIPFilesWithTheirConfig() throws {
        let oc = folder.appendingPathComponent("open_clip")
        for file in ["open_clip_pytorch_model.bin", "open_clip_model.safetensors"] {
            let r = try compare(oc.appendingPathComponent(file), expected: oc.appendingPathComponent("expected.npy"))
            XCTAssertEqual(r.model.config.activation, "gelu", "open_clip_config.json's quick_gelu: false")
            XCTAssertEqual(r.model.config.heads, 2, "head_width 32 of width 64")
        }
    }

    /// ViT-B/32 at full size with random weights: its state dict by torch.save, and the traced
    /// model by torch.jit.save with float16 weights (as OpenAI's ViT-B-32.pt), against
    /// `clip.load`. Needs the oracle venv with clip and open_clip (scripts/oracle/setup-venv.sh).
    func testFullSizeViTB32MatchesClipLoad() throws {
        guard let python = TestPaths.oraclePython else {
            throw XCTSkip("oracle venv missing: run scripts/oracle/setup-venv.sh to check full-size .pt parity with clip.load")
        }
        let probe = try Spawn.run(
            [python.path, "-c", "import sys, types; sys.modules['torchvision._meta_registrations'] = types.ModuleType('m'); import clip, open_clip"],
            environment: ProcessInfo.processInfo.environment, directory: TestPaths.repoRoot)
        if probe.status != 0 { throw XCTSkip("the oracle venv lacks OpenAI's clip package: rerun scripts/oracle/setup-venv.sh") }
        let out = TestPaths.repoRoot.appendingPathComponent(".oracle-cache/checkpoints-b32")
        if !FileManager.default.fileExists(atPath: out.appendingPathComponent("openai-torchscript-expected.npy").path) {
            let made = try Spawn.run(
                [python.path, "scripts/oracle/make_torch_checkpoints.py", out.path, "--full"],
                environment: ProcessInfo.processInfo.environment, directory: TestPaths.repoRoot)
            XCTAssertEqual(made.status, 0, made.stderr)
        }
        let inputs = out.appendingPathComponent("inputs.npy")
        for (file, expected) in [("openai-state-dict.pt", "openai-expected.npy"), ("openai-torchscript.pt", "openai-torchscript-expected.npy")] {
            let r = try compare(out.appendingPathComponent(file), expected: out.appendingPathComponent(expected), inputs: inputs)
            XCTAssertEqual(
                r.model.config,
                {
                    var c = CLIPVisionConfig(); c.shape.activation = "quick_gelu"; return c
                }(), "ViT-B/32's shape, read from the tensors")
        }
        XCTAssertEqual(
            try TorchCheckpoint(path: out.appendingPathComponent("openai-torchscript.pt").path)
                .tensors["visual.transformer.resblocks.0.attn.in_proj_weight"]?.storage.dtype, .float16)

        // The paper's whole pipeline on every image mode: clip.load's preprocess + encode_image
        // against scs's decode in the image's own mode, preprocess and forward pass.
        let model = out.appendingPathComponent("openai-torchscript.pt")
        let expected = out.appendingPathComponent("modes-expected.npy")
        let made = try Spawn.run(
            [python.path, "scripts/oracle/mode_embeddings.py", model.path, expected.path],
            environment: ProcessInfo.processInfo.environment, directory: TestPaths.repoRoot)
        XCTAssertEqual(made.status, 0, made.stderr)
        let names = try String(contentsOf: TestPaths.fixtures.appendingPathComponent("modes/names.txt"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        let network = try CLIPVisionModel(directory: model)
        let pre = ImagePreprocessor(size: network.config.imageSize)
        var pixels = [Float]()
        for name in names {
            pixels += pre.preprocess(try ImageDecoder.decodeNative(fileAt: TestPaths.fixtures.appendingPathComponent("decode/\(name)").path))
        }
        let synthetic = try SyntheticModes.list()
        for entry in synthetic { pixels += pre.preprocess(try SyntheticModes.image(entry[0], mode: entry[1])) }
        let labels = names + synthetic.map { "\($0[0]) (\($0[1]))" }
        let ours = network.embed(pixels, count: labels.count, batch: 4)
        let reference = try NpyArray(contentsOf: expected).floats
        let e = network.config.projectionDim
        var worst = 1.0
        for i in 0..<labels.count {
            let a = ours[(i * e)..<((i + 1) * e)].map(Double.init), b = reference[(i * e)..<((i + 1) * e)].map(Double.init)
            let cosine =
                zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
                / (a.reduce(0) { $0 + $1 * $1 }.squareRoot() * b.reduce(0) { $0 + $1 * $1 }.squareRoot())
            XCTAssertGreaterThanOrEqual(cosine, 0.99999, labels[i])
            worst = min(worst, cosine)
        }
        print("clip.load pipeline on \(labels.count) images in every mode: min cosine \(worst)")
    }

    func testPickleThatRunsCodeIsRefused() throws {
        let marker = "/tmp/scs-evil-pickle-ran"
        unlink(marker)
        let path = folder.appendingPathComponent("evil.pt").path
        XCTAssertThrowsError(try TorchCheckpoint(path: path)) { error in
            let text = "\(error)"
            XCTAssertTrue(text.hasPrefix(path) && text.contains("refuses to load posix.system"), text)
            XCTAssertFalse(text.contains("\n"))
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: marker), "the pickle's code ran")
    }

    func testDamagedCheckpointsAreOneLineErrors() throws {
        let work = try makeTemporaryDirectory("scs-pt")
        defer { try? FileManager.default.removeItem(at: work) }
        let good = try Data(contentsOf: folder.appendingPathComponent("openai-legacy.pt"))
        var rng = SystemRandomNumberGenerator()
        for i in 0..<200 {
            var bytes = [UInt8](good)
            switch i % 3 {
            case 0: bytes = Array(bytes.prefix(Int.random(in: 0..<bytes.count, using: &rng)))
            case 1: for _ in 0..<4 { bytes[Int.random(in: 0..<min(bytes.count, 4096), using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
            default: bytes[Int.random(in: 0..<min(bytes.count, 2048), using: &rng)] ^= 0xFF
            }
            let url = work.appendingPathComponent("damaged-\(i).pt")
            try Data(bytes).write(to: url)
            do {
                _ = try CLIPVisionModel(directory: url)
            } catch {
                XCTAssertFalse("\(error)".contains("\n"), "\(error)")
                XCTAssertTrue("\(error)".contains(url.path), "the error names the file: \(error)")
            }
        }
    }
}
