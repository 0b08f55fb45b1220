import Foundation
import SCSImaging
import SCSTensor

/// One of DreamSim's towers with its LoRA merged, its pixel normalisation and its feature.
struct DreamSimBranch: @unchecked Sendable {
    enum Kind: Equatable {
        case dino(patch: Int), clip(patch: Int), openCLIP(patch: Int)

        /// The base weights, relative to the cache folder.
        var weightsFile: String {
            switch self {
            case let .dino(p): return "checkpoints/dino_vitbase\(p)_pretrain.pth"
            case let .clip(p): return "clip_vitb\(p)_pretrain.pth.tar"
            case let .openCLIP(p): return "open_clip_vitb\(p)_pretrain.pth.tar"
            }
        }
        var mean: [Float] { if case .dino = self { return ImagePreprocessor.imageNetMean } else { return ImagePreprocessor.openAIMean } }
        var std: [Float] { if case .dino = self { return ImagePreprocessor.imageNetStd } else { return ImagePreprocessor.openAIStd } }
    }

    let kind: Kind
    let tower: TimmViT
    /// CLIP's and OpenCLIP's projection (`proj`, transposed to `[E, D]`); nil for DINO, whose
    /// feature is the class token after the last block, before the final norm (DreamSim hooks block 11).
    let projection: PackedMatrix?
    var width: Int { projection?.outFeatures ?? tower.config.width }

    init(
        kind: Kind, root: URL, adapter: (file: any TensorSource & TensorShapes, scaling: Float), index: Int, precision: Precision,
        cache: PackedWeightCache?
    ) throws {
        self.kind = kind
        let path = root.appendingPathComponent(kind.weightsFile).path
        guard FileManager.default.fileExists(atPath: path) else {
            throw WeightsError.cannotOpen(
                path: path, reason: "missing: DreamSim's cache folder needs it (dreamsim(pretrained=True, cache_dir=...) writes it)")
        }
        let base = try TorchCheckpoint(path: path)
        let prefix = base.prefix(before: "patch_embed.proj.weight") ?? ""
        // peft names the tower's modules base_model.model.extractor_list.<i>.model.<module>.lora_A.weight.
        let lead = "base_model.model.extractor_list.\(index).model."
        var adapters: [String: (a: String, b: String)] = [:]
        for name in adapter.file.names where name.hasPrefix(lead) && name.hasSuffix(".lora_A.weight") {
            let module = String(name.dropFirst(lead.count).dropLast(".lora_A.weight".count))
            adapters[prefix + module + ".weight"] = (name, lead + module + ".lora_B.weight")
        }
        let merged = LoRAMerged(base: base, adapterFile: adapter.file, adapters: adapters, scaling: adapter.scaling)
        if case .dino = kind {
            tower = try TimmViT(merged, prefix: prefix, eps: 1e-6, activation: .gelu, precision: precision, cache: cache)
            projection = nil
        } else {
            // CLIP as DINO: every LayerNorm's eps set to 1e-5, QuickGELU for OpenAI's CLIP.
            if case .clip = kind {
                tower = try TimmViT(merged, prefix: prefix, eps: 1e-5, activation: .quickGELU, precision: precision, cache: cache)
            } else {
                tower = try TimmViT(merged, prefix: prefix, eps: 1e-5, activation: .gelu, precision: precision, cache: cache)
            }
            let d = tower.config.width
            guard let shape = base.shape(of: prefix + "proj"), shape.count == 2, shape[0] == d else {
                throw WeightsError.missingTensor(path: path, name: prefix + "proj")
            }
            let proj = try base.floats(prefix + "proj", shape: shape)  // [D, E]: x @ proj
            var transposed = [Float](repeating: 0, count: d * shape[1])
            for r in 0..<d { for c in 0..<shape[1] { transposed[c * d + r] = proj[r * shape[1] + c] } }
            projection = try PackedMatrix(weight: transposed, outFeatures: shape[1], inFeatures: d, precision: .fp32)
        }
    }
}

/// DreamSim (Fu, Tamir et al., NeurIPS 2023): DINO ViT-B/16, CLIP ViT-B/16 and OpenCLIP ViT-B/16,
/// each tuned with LoRA on human similarity judgements (the `ensemble`), or one of its single-model
/// variants. An image is resized to 224 x 224 (Pillow bicubic, RGB first), each branch normalises it
/// its own way and embeds it, the features are concatenated, and the result is centred (its mean
/// subtracted) and scaled to unit length, as `dreamsim(...)[0].embed` returns it. The DreamSim
/// distance of two images is 1 − cos of their embeddings.
public final class DreamSimModel: ImageEncoder, @unchecked Sendable {
    public let root: URL
    public let variant: DreamSimVariant
    public let precision: Precision
    private let branches: [DreamSimBranch]
    private let pool: WorkspacePool
    public let embeddingWidth: Int

    /// `folder`: DreamSim's cache folder (or the variant's adapter folder inside it).
    /// `packedCache`, when given, maps the matrices an earlier load packed, and records the rest.
    public init(folder: URL, precision: Precision = .fp32, packedCache: PackedWeightCache? = nil) throws {
        self.precision = precision
        guard let (root, variant) = DreamSimVariant.find(in: folder) else {
            let needs = DreamSimVariant.ensemble.requiredFiles.joined(separator: ", ")
            throw WeightsError.cannotOpen(path: folder.path, reason: "not a complete DreamSim cache folder (the ensemble needs \(needs))")
        }
        self.root = root
        self.variant = variant
        let adapterFolder = root.appendingPathComponent(variant.adapterFolder)
        let config = try ConfigJSON.read(adapterFolder.appendingPathComponent("adapter_config.json"))
        let configPath = adapterFolder.appendingPathComponent("adapter_config.json").path
        if config["use_dora"] as? Bool == true {
            throw WeightsError.badConfig(path: configPath, reason: "use_dora is true: DoRA adapters are not merged by scs (plain LoRA only)")
        }
        let r = try ConfigJSON.int(config, "r", 8, path: configPath)
        let alpha = try ConfigJSON.double(config, "lora_alpha", 8, path: configPath)
        let scaling = Float((config["use_rslora"] as? Bool ?? false) ? alpha / Double(r).squareRoot() : alpha / Double(r))
        let safetensors = adapterFolder.appendingPathComponent("adapter_model.safetensors")
        let adapterFile: any TensorSource & TensorShapes =
            FileManager.default.fileExists(atPath: safetensors.path)
            ? try SafetensorsFile(path: safetensors.path)
            : try TorchCheckpoint(path: adapterFolder.appendingPathComponent("adapter_model.bin").path)
        branches = try variant.branches.enumerated().map { i, kind in
            try DreamSimBranch(kind: kind, root: root, adapter: (adapterFile, scaling), index: i, precision: precision, cache: packedCache)
        }
        let layout = branches[0].tower.config.layout
        guard
            branches.allSatisfy({
                $0.tower.config.layout.tokens == layout.tokens && $0.tower.config.width == layout.width
                    && $0.tower.config.mlpHidden == layout.mlpWidth
            })
        else {
            throw WeightsError.badConfig(path: root.path, reason: "the branches' towers differ in shape")
        }
        pool = WorkspacePool(layout)
        embeddingWidth = branches.reduce(0) { $0 + $1.width }
    }

    public var kind: ModelKind { .dreamsim }
    public var summary: String {
        "DreamSim \(variant.rawValue) (\(branches.map { "\($0.kind)" }.joined(separator: ", "))) → \(embeddingWidth)"
    }

    /// dreamsim's `preprocess`: RGB, Resize((224, 224), BICUBIC) on the PIL image, ToTensor. Each
    /// branch normalises the 0…1 pixels itself.
    public func preprocessor(_ pipeline: ImagePreprocessor.Pipeline) -> ImagePreprocessor {
        ImagePreprocessor(size: branches[0].tower.config.imageSize, resize: .exact, mean: [0, 0, 0], std: [1, 1, 1], pipeline: pipeline)
    }

    /// `[B, 3, 224, 224]` pixels in 0…1 → `[B, E]`, E the branches' features concatenated.
    public func embed(_ pixels: UnsafePointer<Float>, batch: Int, into output: UnsafeMutablePointer<Float>, workspace: Workspace) {
        precondition(batch <= workspace.capacity, "batch \(batch) exceeds workspace capacity \(workspace.capacity)")
        let w = workspace, s = branches[0].tower.config.imageSize, plane = s * s, e = embeddingWidth
        var normalised = [Float](repeating: 0, count: batch * 3 * plane)
        var offset = 0
        for branch in branches {
            // transforms.Normalize(mean, std): (x − mean) / std per channel, in float32.
            for b in 0..<batch {
                for c in 0..<3 {
                    let m = branch.kind.mean[c], sd = branch.kind.std[c], base = (b * 3 + c) * plane
                    for i in 0..<plane { normalised[base + i] = (pixels[base + i] - m) / sd }
                }
            }
            normalised.withUnsafeBufferPointer { branch.tower.forward($0.baseAddress!, batch: batch, w) }
            let d = branch.tower.config.width, t = branch.tower.config.tokens
            if let projection = branch.projection {
                branch.tower.normalizedClassTokens(batch: batch, w, into: w.h)  // ln_post(cls) [B, D]
                linear(w.h, rows: batch, weight: projection, bias: nil, into: output + offset, outStride: e, scratch: w.gemm)
            } else {
                for b in 0..<batch { (output + b * e + offset).update(from: w.x + b * t * d, count: d) }  // cls after block 11
            }
            offset += branch.width
        }
        // normalize_embedding: subtract each row's mean, divide by its norm.
        for b in 0..<batch {
            let row = output + b * e
            var sum = 0.0
            for i in 0..<e { sum += Double(row[i]) }
            let mean = Float(sum / Double(e))
            var squares = 0.0
            for i in 0..<e {
                row[i] -= mean
                squares += Double(row[i]) * Double(row[i])
            }
            let norm = Float(squares.squareRoot())
            for i in 0..<e { row[i] /= norm }
        }
    }

    public func makeWorkspace(capacity: Int) -> Workspace { pool.make(capacity: capacity) }
    public func borrowWorkspace(capacity: Int) -> Workspace { pool.borrow(capacity: capacity) }
    public func recycle(_ workspace: Workspace) { pool.recycle(workspace) }
}
