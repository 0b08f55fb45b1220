import Foundation
import TestSupport

/// Real image bytes for the stubs to answer with: the shared photos, as files.
public enum StubImages {
    /// PNG photos, as diffusion servers send PNG.
    public static let pngNames = ["astronaut.png", "camera.png", "chelsea.png", "coffee.png"]

    public static func bytes(_ name: String) -> Data {
        (try? Data(contentsOf: TestPaths.sharedImages.appendingPathComponent(name))) ?? Data()
    }

    /// The photo a stub sends for `seed`: a different one for neighbouring seeds.
    public static func name(forSeed seed: Int64) -> String { pngNames[Int(seed % Int64(pngNames.count))] }

    public static func png(forSeed seed: Int64) -> Data { bytes(name(forSeed: seed)) }

    /// The first 60 % of an image: still an HTTP-complete answer, no longer a complete image.
    public static func truncated(_ data: Data) -> Data { data.prefix(data.count * 6 / 10) }

    /// JSON cut in the middle, as a proxy that drops a connection mid-body would leave it.
    public static let malformedJSON = Data(#"{"id": "abc", "status": "succ"#.utf8)
}
