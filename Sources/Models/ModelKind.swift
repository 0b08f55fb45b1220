import Foundation
import SCSImaging
import SCSTensor

/// The architectures scs runs, read from a model's files, never from its name.
public enum ModelKind: String, Sendable, CaseIterable, Codable {
    /// OpenAI CLIP and the CLIP family (OpenCLIP's LAION towers, PickScore, HPSv2): transformers'
    /// `CLIPModel` / `CLIPVisionModelWithProjection` folders, OpenAI `.pt` files, open_clip files.
    case clip
    /// transformers' `Dinov2Model`, with or without registers.
    case dinov2
    /// transformers' `SiglipModel` / `SiglipVisionModel` (SigLIP and fixed-resolution SigLIP 2).
    case siglip
    /// DINO v1 (`dino_vitbase16_pretrain.pth` and its siblings: timm-layout state dicts).
    case dino
    /// DreamSim's ensemble or single-model variants, from `dreamsim(pretrained=True, cache_dir=DIR)`'s DIR.
    case dreamsim

    /// How each kind's reference code prepares images, unless `--preprocess` says otherwise: CLIP's
    /// is `clip.load`'s (the paper's), the others' their transformers image processor.
    public var defaultPipeline: ImagePreprocessor.Pipeline {
        switch self {
        case .clip: return .clip
        case .dinov2, .siglip: return .transformers
        case .dino, .dreamsim: return .pil
        }
    }

    /// What the kind is read from and where its embedding comes from, for `scs models`.
    public var about: String {
        switch self {
        case .clip:
            return "config.json model_type clip or clip_vision_model, or a checkpoint with visual.conv1.weight; "
                + "the projected class token (get_image_features, encode_image)"
        case .dinov2:
            return "config.json model_type dinov2 or dinov2_with_registers; pooler_output (the class token after the final layer norm)"
        case .siglip:
            return "config.json model_type siglip or siglip_vision_model; the attention-pooling head's output (get_image_features)"
        case .dino:
            return "a checkpoint with patch_embed.proj.weight and blocks.N.attn.qkv.weight (DINO's vision_transformer.py); "
                + "the class token after the final layer norm"
        case .dreamsim:
            return "DreamSim's cache folder (ensemble_lora/ or <model>_single_lora/ with the branches' weights); "
                + "the branches' features concatenated, centred and normalised (embed); distance 1 − cos"
        }
    }

    /// The `model_type` values of config.json that name each kind.
    static let modelTypes: [String: ModelKind] = [
        "clip": .clip, "clip_vision_model": .clip,
        "dinov2": .dinov2, "dinov2_with_registers": .dinov2,
        "siglip": .siglip, "siglip_vision_model": .siglip
    ]

    /// The kind of the model at `url`: a folder's config.json `model_type`, or a checkpoint file's
    /// tensor names.
    public static func detect(at url: URL) throws -> ModelKind {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isFolder) else {
            throw WeightsError.cannotOpen(path: url.path, reason: "no such file or folder")
        }
        if !isFolder.boolValue { return try checkpointKind(url) }
        if DreamSimVariant.looksLikeCache(url) { return .dreamsim }
        let configURL = url.appendingPathComponent("config.json")
        let root = try ConfigJSON.read(configURL)
        guard let type = root["model_type"] as? String else {
            throw WeightsError.badConfig(path: configURL.path, reason: "field model_type is missing: cannot tell which model this is")
        }
        guard let kind = modelTypes[type] else {
            throw WeightsError.badConfig(
                path: configURL.path,
                reason: "model_type \(type) is not supported; scs runs "
                    + modelTypes.keys.sorted().joined(separator: ", "))
        }
        return kind
    }
}

extension ModelKind {
    /// A checkpoint file's kind, from its tensor names: OpenAI's CLIP layout (`visual.conv1.weight`)
    /// or DINO's (`patch_embed.proj.weight` with `blocks.0.attn.qkv.weight`).
    static func checkpointKind(_ url: URL) throws -> ModelKind {
        let source: any TensorShapes & TensorSource =
            url.pathExtension.lowercased() == "safetensors"
            ? try SafetensorsFile(path: url.path) : try TorchCheckpoint(path: url.path)
        if source.prefix(before: "visual.conv1.weight") != nil { return .clip }
        if let p = source.prefix(before: "patch_embed.proj.weight"), source.shape(of: p + "blocks.0.attn.qkv.weight") != nil { return .dino }
        throw WeightsError.badConfig(
            path: url.path,
            reason: "neither OpenAI's CLIP layout (visual.conv1.weight) nor DINO's "
                + "(patch_embed.proj.weight, blocks.N.attn.qkv.weight): scs cannot tell which model this is")
    }
}

/// Loading any supported image tower.
public enum ImageEncoders {
    /// Loads the model at `url` (a folder or a checkpoint file) as the kind its files say, packed
    /// for this CPU in `precision`.
    /// `kind`, when the caller has read it already (`Embedder.kind`), saves reading the files twice.
    /// With `packedCache`, matrices packed by an earlier load are mapped from disk, and the file
    /// is written when anything had to be packed (its `outcome` says which happened).
    public static func load(
        _ url: URL, kind: ModelKind? = nil, precision: Precision = .fp32,
        packedCache: PackedWeightCache? = nil
    ) throws -> any ImageEncoder {
        // The one check that this CPU computes in `precision` (a model built directly, without
        // it, fails at its first packed matrix with `TensorError.cannotPack`).
        if !precision.isSupported { throw WeightsError.unsupportedPrecision(precision) }
        let model: any ImageEncoder
        switch try kind ?? ModelKind.detect(at: url) {
        case .clip: model = try CLIPVisionModel(directory: url, precision: precision, packedCache: packedCache)
        case .dinov2: model = try DINOv2Model(directory: url, precision: precision, packedCache: packedCache)
        case .siglip: model = try SigLIPVisionModel(directory: url, precision: precision, packedCache: packedCache)
        case .dino: model = try DINOModel(file: url, precision: precision, packedCache: packedCache)
        case .dreamsim: model = try DreamSimModel(folder: url, precision: precision, packedCache: packedCache)
        }
        packedCache?.finish()
        return model
    }
}

/// Reading a config.json as a dictionary, with errors that name the file.
enum ConfigJSON {
    static func read(_ url: URL) throws -> [String: Any] {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WeightsError.badConfig(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        guard let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
            throw WeightsError.badConfig(path: url.path, reason: "not a JSON object")
        }
        return root
    }

    /// A positive integer field, or `fallback` when absent; anything else (null included) is an
    /// error naming the field.
    static func int(_ dict: [String: Any], _ key: String, _ fallback: Int, path: String) throws -> Int {
        guard let value = dict[key] else { return fallback }
        guard let number = value as? Int, number > 0 else {
            throw WeightsError.badConfig(path: path, reason: "field \(key) must be a positive integer, found \(value)")
        }
        return number
    }

    /// A number field, or `fallback` when absent.
    static func double(_ dict: [String: Any], _ key: String, _ fallback: Double, path: String) throws -> Double {
        guard let value = dict[key], !(value is NSNull) else { return fallback }
        guard let number = value as? Double else {
            throw WeightsError.badConfig(path: path, reason: "field \(key) must be a number, found \(value)")
        }
        return number
    }
}
