import Foundation
import SCSImaging

/// Files Python users read directly: .npy arrays and JSON summaries (scores.csv is `ScoresFile`'s).
/// Each is written to a temporary file beside its destination and renamed, so a reader never sees
/// half a file.
public enum OutputFiles {
    /// Embeddings, one row per image in order, as float32 (N, D); returns (N, D).
    @discardableResult
    public static func writeEmbeddingsNpy(_ rows: [[Float]], to path: String) throws -> (rows: Int, dim: Int) {
        let dim = rows.first?.count ?? 0
        try writeNpy(rows.flatMap { $0 }, shape: [rows.count, dim], to: path)
        return (rows.count, dim)
    }

    /// A float32 C-order .npy array (numpy format version 1.0).
    public static func writeNpy(_ values: [Float], shape: [Int], to path: String) throws {
        precondition(shape.reduce(1, *) == values.count)
        let shapeText = shape.count == 1 ? "(\(shape[0]),)" : "(" + shape.map(String.init).joined(separator: ", ") + ")"
        var header = "{'descr': '<f4', 'fortran_order': False, 'shape': \(shapeText), }"
        // Pad so that the data starts on a 64-byte boundary, ending the header with a newline.
        let unpadded = 10 + header.utf8.count + 1
        header += String(repeating: " ", count: (64 - unpadded % 64) % 64) + "\n"
        var data = Data([0x93] + Array("NUMPY".utf8) + [1, 0])
        let length = UInt16(header.utf8.count)
        data.append(contentsOf: [UInt8(length & 0xFF), UInt8(length >> 8)])
        data.append(contentsOf: Array(header.utf8))
        values.withUnsafeBytes { data.append(contentsOf: $0) }
        try atomicWrite(data, to: path)
    }

    public static func writeJSON<T: Encodable>(_ value: T, to path: String) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        try atomicWrite(encoder.encode(value) + Data("\n".utf8), to: path)
    }

    public static func atomicWrite(_ data: Data, to path: String) throws {
        let url = URL(fileURLWithPath: path)
        let temp = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).\(getpid()).tmp")
        do {
            try data.write(to: temp)
            if rename(temp.path, url.path) != 0 { throw FileProblem(errno: errno) }
        } catch {
            try? FileManager.default.removeItem(at: temp)
            throw OutputError(path: path, reason: "cannot write: \(FileProblem.describe(error))")
        }
    }
}

public struct OutputError: Error, CustomStringConvertible {
    public let path: String
    public let reason: String
    public var description: String { "\(path): \(reason)" }
}
