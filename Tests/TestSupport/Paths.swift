import Foundation

/// Where tests find the repository, its committed fixtures, the shared material and the oracle.
public enum TestPaths {
    /// The repository root (the folder holding Package.swift).
    public static let repoRoot: URL = {
        var url = URL(fileURLWithPath: #filePath)
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.fileExists(atPath: url.appendingPathComponent("Package.swift").path) {
                return url
            }
        }
        fatalError("Package.swift not found above \(#filePath)")
    }()

    public static var fixtures: URL { repoRoot.appendingPathComponent("Tests/Fixtures") }

    /// `../shared` beside the repository (read-only material: photos, the CLIP test vector).
    public static var shared: URL { repoRoot.deletingLastPathComponent().appendingPathComponent("shared") }
    public static var sharedImages: URL { shared.appendingPathComponent("fixtures/images") }

    /// The Python oracle's interpreter, when the venv has been built (scripts/oracle/setup-venv.sh).
    public static var oraclePython: URL? {
        let url = repoRoot.appendingPathComponent(".venv-oracle/bin/python")
        return FileManager.default.isExecutableFile(atPath: url.path) ? url : nil
    }

    /// The shared photos, sorted by file name (the order of every expected.npy).
    public static func sharedPhotos() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(at: sharedImages, includingPropertiesForKeys: nil)
            .filter { !$0.lastPathComponent.hasPrefix(".") }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
    }
}
