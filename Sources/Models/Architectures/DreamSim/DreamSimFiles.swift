import Foundation

/// The files `dreamsim(pretrained=True, cache_dir=DIR)` leaves in DIR, by variant: each branch's
/// base weights (DINO's through torch.hub into `checkpoints/`, CLIP's and OpenCLIP's rewritten
/// "as DINO" in `*_pretrain.pth.tar`) and the PEFT LoRA adapter folder of the variant.
public enum DreamSimVariant: String, Sendable, CaseIterable {
    case ensemble
    case dinoViTB16 = "dino_vitb16"
    case clipViTB32 = "clip_vitb32"
    case openCLIPViTB32 = "open_clip_vitb32"

    /// The adapter folder: `ensemble_lora` or `<model>_single_lora`.
    public var adapterFolder: String { self == .ensemble ? "ensemble_lora" : "\(rawValue)_single_lora" }

    /// The branches, in the order their features are concatenated.
    var branches: [DreamSimBranch.Kind] {
        switch self {
        case .ensemble: return [.dino(patch: 16), .clip(patch: 16), .openCLIP(patch: 16)]
        case .dinoViTB16: return [.dino(patch: 16)]
        case .clipViTB32: return [.clip(patch: 32)]
        case .openCLIPViTB32: return [.openCLIP(patch: 32)]
        }
    }

    /// Every file the variant needs, relative to the cache folder.
    public var requiredFiles: [String] {
        branches.map(\.weightsFile) + [adapterFolder + "/adapter_config.json"]
    }

    /// The files that decide the variant's embeddings under `root`: the required ones and the
    /// adapter's weights (`adapter_model.safetensors`, or `.bin` from older peft).
    public func identityFiles(in root: URL) -> [URL] {
        let adapter = ["adapter_model.safetensors", "adapter_model.bin"].map { root.appendingPathComponent(adapterFolder + "/" + $0) }
            .first { FileManager.default.fileExists(atPath: $0.path) }
        return requiredFiles.map { root.appendingPathComponent($0) } + (adapter.map { [$0] } ?? [])
    }

    /// Where torch.hub leaves DINO's ViT-B/16 weights in the cache folder (the DINO branch's base).
    public static let dinoWeights = DreamSimBranch.Kind.dino(patch: 16).weightsFile

    /// The variant a folder holds: `DIR` (the ensemble when its files are there, else the one
    /// complete single model) or `DIR/<variant's adapter folder>`. Nil when it holds none.
    public static func find(in folder: URL) -> (root: URL, variant: DreamSimVariant)? {
        let fm = FileManager.default
        if let variant = allCases.first(where: { $0.adapterFolder == folder.lastPathComponent }),
            fm.fileExists(atPath: folder.appendingPathComponent("adapter_config.json").path)
        {
            return (folder.deletingLastPathComponent(), variant)
        }
        let complete = allCases.filter { v in v.requiredFiles.allSatisfy { fm.fileExists(atPath: folder.appendingPathComponent($0).path) } }
        if complete.contains(.ensemble) { return (folder, .ensemble) }
        if complete.count == 1 { return (folder, complete[0]) }
        return nil
    }

    /// Whether a folder looks like a DreamSim cache (some adapter folder in it), complete or not.
    static func looksLikeCache(_ folder: URL) -> Bool {
        let fm = FileManager.default
        return allCases.contains { fm.fileExists(atPath: folder.appendingPathComponent($0.adapterFolder + "/adapter_config.json").path) }
            || (allCases.contains { $0.adapterFolder == folder.lastPathComponent }
                && fm.fileExists(atPath: folder.appendingPathComponent("adapter_config.json").path))
    }
}
