import Foundation
import SCSModels

/// Models published outside the Hugging Face hub, named on the command line by kind and variant:
///
///     dreamsim:ensemble  dreamsim:dino_vitb16  dreamsim:clip_vitb32  dreamsim:open_clip_vitb32
///     dino:vitb16  dino:vitb8  dino:vits16  dino:vits8
///
/// They live under scs's cache (`$SCS_CACHE_DIR`, else `$XDG_CACHE_HOME/scs`, else `~/.cache/scs`)
/// in `models/dreamsim` (laid out as `dreamsim(pretrained=True, cache_dir=...)` lays it out, so an
/// existing DreamSim cache folder can be copied there or passed to `--model` as it is) and
/// `models/dino`. A missing model is downloaded from where its authors publish it: DreamSim's
/// GitHub release zips (v0.2.0) and DINO's weights on dl.fbaipublicfiles.com (which the DINO
/// branch of DreamSim needs too). Neither project publishes checksums: the SHA-256 of what was
/// downloaded is recorded in `downloads.json` beside the files. `SCS_DREAMSIM_RELEASES` and
/// `SCS_DINO_RELEASES` replace the two base URLs (a mirror).
public enum PublishedModels {
    public static let dreamsimReleases = "https://github.com/ssundaram21/dreamsim/releases/download/v0.2.0-checkpoints"
    public static let dinoReleases = "https://dl.fbaipublicfiles.com/dino"
    /// DINO's published backbones: name → file stem.
    public static let dino = [
        "vitb16": "dino_vitbase16_pretrain", "vitb8": "dino_vitbase8_pretrain",
        "vits16": "dino_deitsmall16_pretrain", "vits8": "dino_deitsmall8_pretrain"
    ]

    /// The scs cache folder's `models` subfolder.
    public static func root(environment: [String: String] = ProcessInfo.processInfo.environment) -> URL {
        URL(fileURLWithPath: SCSCacheFolder.path(environment: environment)).appendingPathComponent("models", isDirectory: true)
    }

    /// Whether `name` is one of these names (`kind:variant`); nothing is checked on disk.
    public static func isPublishedName(_ name: String) -> Bool { name.hasPrefix("dreamsim:") || name.hasPrefix("dino:") }

    /// The model's local path, downloaded first when missing; nil when `name` is not one of these.
    public static func resolve(
        _ name: String, environment: [String: String] = ProcessInfo.processInfo.environment,
        progress: ReleaseDownloader.Progress? = nil
    ) async throws -> URL? {
        guard isPublishedName(name) else { return nil }
        let (kind, variant) = (String(name.prefix { $0 != ":" }), String(name.drop { $0 != ":" }.dropFirst()))
        let dreamsimBase = environment["SCS_DREAMSIM_RELEASES"].flatMap { $0.isEmpty ? nil : $0 } ?? dreamsimReleases
        let dinoBase = environment["SCS_DINO_RELEASES"].flatMap { $0.isEmpty ? nil : $0 } ?? dinoReleases
        let downloader = ReleaseDownloader(environment: environment)
        if kind == "dino" {
            guard let stem = dino[variant] else {
                throw ReleaseError.fileSystem(
                    path: name, reason: "unknown DINO model; scs knows dino:" + dino.keys.sorted().joined(separator: ", dino:"))
            }
            let folder = root(environment: environment).appendingPathComponent("dino")
            let file = folder.appendingPathComponent(stem + ".pth")
            if !FileManager.default.fileExists(atPath: file.path) {
                try await downloader.fetch(
                    [ReleaseFile(url: URL(string: "\(dinoBase)/\(stem)/\(stem).pth")!, destination: stem + ".pth")],
                    into: folder, what: name, progress: progress)
            }
            return file
        }
        guard let dreamsim = DreamSimVariant(rawValue: variant) else {
            throw ReleaseError.fileSystem(
                path: name,
                reason: "unknown DreamSim variant; scs knows dreamsim:"
                    + DreamSimVariant.allCases.map(\.rawValue).joined(separator: ", dreamsim:"))
        }
        let folder = root(environment: environment).appendingPathComponent("dreamsim")
        let missing = dreamsim.requiredFiles.filter { !FileManager.default.fileExists(atPath: folder.appendingPathComponent($0).path) }
        if !missing.isEmpty {
            let zip = "dreamsim_\(dreamsim.rawValue)_checkpoint.zip"
            var files = [ReleaseFile(url: URL(string: "\(dreamsimBase)/\(zip)")!, destination: "", unzip: true)]
            // The DINO branch's base weights come from DINO's own release (torch.hub fetches them for dreamsim).
            if missing.contains(DreamSimVariant.dinoWeights) {
                let stem = dino["vitb16"]!
                files.append(ReleaseFile(url: URL(string: "\(dinoBase)/\(stem)/\(stem).pth")!, destination: DreamSimVariant.dinoWeights))
            }
            try await downloader.fetch(files, into: folder, what: name, progress: progress)
        }
        return folder.appendingPathComponent(dreamsim.adapterFolder)
    }
}
