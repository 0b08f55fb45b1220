// What `scs --version` prints. `commit` is "unknown" in the source; scripts/dist.sh writes the
// git commit here for the release build and restores this file afterwards.
import SCSScoring

enum BuildInfo {
    static let version = "0.1.0"
    static let commit = "unknown"

    /// `scs --version`: the version, the engine version (a change in it invalidates cached
    /// embeddings) and the commit the binary was built from.
    static var versionLine: String {
        "scs \(version) (engine \(Embedder.engineVersion), commit \(commit))"
    }
}
