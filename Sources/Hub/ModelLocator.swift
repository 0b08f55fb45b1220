import Foundation
import Logging

/// The one place a model's name becomes a local path: an existing folder or checkpoint file, a
/// published name (`dreamsim:…`, `dino:…`: `PublishedModels`), or a Hugging Face repo id (or a
/// checkpoint file inside a repo) looked up in the local huggingface_hub cache and downloaded into
/// it when missing.
///
/// Honours huggingface_hub's environment: `HF_HUB_CACHE`, `HF_HOME`, `XDG_CACHE_HOME`, `HF_ENDPOINT`,
/// `HF_TOKEN`, `HF_HUB_OFFLINE`, `HF_HUB_ETAG_TIMEOUT`, `HF_HUB_DOWNLOAD_TIMEOUT`.
public struct ModelLocator: Sendable {
    /// The model used when none is given.
    public static let defaultModel = "openai/clip-vit-base-patch32"
    /// The files every model folder must hold.
    public static let requiredFiles = ["config.json", "model.safetensors"]
    /// The weights file a repo without model.safetensors may have instead (PickScore's, older repos).
    public static let fallbackWeights = "pytorch_model.bin"
    /// Files downloaded too when the hub has them: the image processor's settings, and the
    /// tokenizer files the text towers read (CLIP's vocab.json and merges.txt, SigLIP's
    /// spiece.model, the pad token in the configs).
    static let optionalFiles = [
        "preprocessor_config.json", "tokenizer_config.json", "special_tokens_map.json",
        "vocab.json", "merges.txt", "spiece.model"
    ]

    let settings: HubSettings
    /// For the published models' cache folder and mirrors (`SCS_CACHE_DIR`, `SCS_DREAMSIM_RELEASES`, …).
    let environment: [String: String]
    private let logger = Logger(label: "scs.hub")

    /// Reads the huggingface_hub settings from `environment`.
    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        settings = HubSettings(environment: environment)
        self.environment = environment
    }

    /// The huggingface_hub cache: `$HF_HUB_CACHE`, else `$HF_HOME/hub`, else `$XDG_CACHE_HOME/huggingface/hub`,
    /// else `~/.cache/huggingface/hub`.
    public var cacheDirectory: URL { settings.cacheDirectory }

    /// The hub to download from: `$HF_ENDPOINT`, else `https://huggingface.co`.
    public var endpoint: URL { settings.endpoint }

    /// Returns a directory with config.json and model.safetensors.
    ///
    /// - Parameters:
    ///   - model: a folder or file path, a published name such as `dreamsim:ensemble`, or a repo id
    ///     such as `openai/clip-vit-base-patch32`.
    ///   - revision: branch, tag or commit of the repo (ignored for a folder).
    ///   - progress: called while downloading with the bytes done, the file's size when known, and its name.
    /// - Returns: the folder itself, or the repo's snapshot folder in the cache.
    /// - Throws: `HubError`, whose description is one line saying what went wrong and what to do.
    public func resolve(
        _ model: String, revision: String = "main",
        progress: (@Sendable (_ done: Int64, _ total: Int64?, _ file: String) -> Void)? = nil
    )
        async throws -> URL
    {
        if let published = try await PublishedModels.resolve(model, environment: environment, progress: progress) { return published }
        if let folder = try localFolder(model) { return folder }
        // A checkpoint file inside a repo: org/name/path/file.pt (HPSv2's xswu/HPSv2/HPS_v2_compressed.pt).
        let parts = model.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let inRepo = parts.count >= 3 && Self.checkpointExtensions.contains(URL(fileURLWithPath: model).pathExtension.lowercased())
        let repo = try RepoID(inRepo ? parts[0] + "/" + parts[1] : model)
        let file = inRepo ? parts.dropFirst(2).joined(separator: "/") : nil
        try Revision.validate(revision)
        let cache = HubCache(root: settings.cacheDirectory)
        let wanted = file.map { [$0] } ?? Self.requiredFiles
        let alternative = file == nil ? ["config.json", Self.fallbackWeights] : nil
        for files in [wanted] + (alternative.map { [$0] } ?? []) {
            if let snapshot = cache.completeSnapshot(repo, revision: revision, files: files) {
                logger.debug("model found in cache", metadata: ["path": "\(snapshot.path)"])
                return file.map { snapshot.appendingPathComponent($0) } ?? snapshot
            }
        }
        if settings.offline {
            throw HubError.offline(
                repo: repo.description, revision: revision,
                cacheDirectory: settings.cacheDirectory, endpoint: settings.endpoint)
        }
        if let error = settings.endpointError { throw error }
        let downloader = HubDownloader(settings: settings, cache: cache, logger: logger)
        if let file {
            let snapshot = try await downloader.download(
                repo, revision: revision, required: [file],
                optional: ["open_clip_config.json"], progress: progress)
            return snapshot.appendingPathComponent(file)
        }
        do {
            let snapshot = try await downloader.download(
                repo, revision: revision, required: Self.requiredFiles,
                optional: Self.optionalFiles, progress: progress)
            return try validated(snapshot)
        } catch let HubError.httpStatus(404, url, _, _) where url.lastPathComponent == Self.requiredFiles[1] {
            // No model.safetensors in this repo: its torch.save weights instead.
            let snapshot = try await downloader.download(
                repo, revision: revision, required: ["config.json", Self.fallbackWeights],
                optional: Self.optionalFiles, progress: progress)
            return try validated(snapshot)
        }
    }

    /// A DreamSim cache folder (`dreamsim(pretrained=True, cache_dir=DIR)`'s DIR: an `*_lora`
    /// adapter folder inside) or one of its adapter folders; the model layer checks the rest.
    static func isDreamSimFolder(_ folder: URL) -> Bool {
        let fm = FileManager.default
        if folder.lastPathComponent.hasSuffix("_lora") { return fm.fileExists(atPath: folder.appendingPathComponent("adapter_config.json").path) }
        let entries = (try? fm.contentsOfDirectory(atPath: folder.path)) ?? []
        return entries.contains { $0.hasSuffix("_lora") && fm.fileExists(atPath: folder.appendingPathComponent($0 + "/adapter_config.json").path) }
    }

    /// Files `--model` takes as a checkpoint in itself.
    public static let checkpointExtensions: Set<String> = ["pt", "pth", "bin", "safetensors"]

    /// The argument as a folder when it names an existing one; `nil` when nothing exists at that path.
    private func localFolder(_ model: String) throws -> URL? {
        var path = model
        if path == "~" || path.hasPrefix("~/") {
            path = FileManager.default.homeDirectoryForCurrentUser.path + path.dropFirst()
        }
        var isDirectory: ObjCBool = false
        guard !path.isEmpty, FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return nil }
        guard isDirectory.boolValue else {
            // A checkpoint file: OpenAI's ViT-B-32.pt (TorchScript), torch.save files, open_clip's
            // open_clip_pytorch_model.bin or .safetensors (OpenAI's tensor names).
            if Self.checkpointExtensions.contains(URL(fileURLWithPath: path).pathExtension.lowercased()) {
                return URL(fileURLWithPath: path).standardizedFileURL
            }
            throw HubError.invalidModelArgument(
                model,
                reason: "it is a file but not a checkpoint (.pt, .pth, .bin, .safetensors); "
                    + "pass it, or the folder that holds " + Self.requiredFiles.joined(separator: " and "))
        }
        return try validated(URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL)
    }

    private func validated(_ folder: URL) throws -> URL {
        if Self.isDreamSimFolder(folder) { return folder }
        let has = { FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        let missing = Self.requiredFiles.filter { !has($0) && !($0 == Self.requiredFiles[1] && has(Self.fallbackWeights)) }
        guard missing.isEmpty else { throw HubError.missingFiles(missing, folder: folder) }
        return folder
    }
}
