import Foundation
import SCSImaging

/// The images in the modes no JPEG, PNG or WebP opens in (PA, YCbCr, I, F), made in code by
/// scripts/oracle/make_mode_fixtures.py and kept as raw samples in Tests/Fixtures/modes/synthetic.
public enum SyntheticModes {
    public static var folder: URL { TestPaths.fixtures.appendingPathComponent("modes/synthetic") }

    /// (name, mode) per line of synthetic.txt, in the order of the expected arrays.
    public static func list() throws -> [[String]] {
        try String(contentsOf: folder.appendingPathComponent("synthetic.txt"), encoding: .utf8)
            .split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
    }

    public static func image(_ name: String, mode: String) throws -> PillowImage {
        let raw = try NpyArray(contentsOf: folder.appendingPathComponent("\(name).npy"))
        let h = raw.shape[0], w = raw.shape[1]
        let bytes = [UInt8](raw.data)
        switch mode {
        case "I":
            let values = bytes.withUnsafeBytes { p in (0..<(w * h)).map { p.loadUnaligned(fromByteOffset: 4 * $0, as: Int32.self) } }
            return PillowImage(mode: .I, width: w, height: h, samplesI: values)
        case "F":
            return PillowImage(mode: .F, width: w, height: h, samplesF: raw.floats)
        case "PA":
            let palette = [UInt8](try NpyArray(contentsOf: folder.appendingPathComponent("\(name).palette.npy")).data)
            return PillowImage(mode: .PA, width: w, height: h, samples: bytes, palette: palette)
        default:
            guard let m = PillowImage.Mode(rawValue: mode) else { throw CocoaError(.fileReadCorruptFile) }
            return PillowImage(mode: m, width: w, height: h, samples: bytes)
        }
    }
}
