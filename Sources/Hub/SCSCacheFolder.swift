import Foundation

/// scs's own cache folder, where the embedding cache, fetched data sets and published models
/// live: `$SCS_CACHE_DIR`, else `$XDG_CACHE_HOME/scs`, else `~/.cache/scs`. (Models downloaded
/// from the hub go to the Hugging Face cache instead, as huggingface_hub puts them.)
public enum SCSCacheFolder {
    public static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        if let dir = environment["SCS_CACHE_DIR"], !dir.isEmpty { return dir }
        let base =
            environment["XDG_CACHE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".cache").path
        return base + "/scs"
    }
}
