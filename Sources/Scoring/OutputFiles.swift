import Foundation
import SCSImaging

/// Files Python users read directly: .npy arrays, scores.csv, JSON summaries. Each is written to a
/// temporary file beside its destination and renamed, so a reader never sees half a file.
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

    /// The score columns of scores.csv; `provenanceHeader` follows them.
    public static let scoresHeader = "model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max"
    /// The whole header of a scores file with only the SCS columns: the scores, then which
    /// backbone made them (`ScoreProvenance`).
    public static let fullScoresHeader = fullScoresHeader(metrics: [])

    /// The header with the columns of `metrics` (in `Metric`'s order) between the SCS columns and
    /// the provenance.
    public static func fullScoresHeader(metrics: [Metric]) -> String {
        ([scoresHeader] + metricColumns(metrics).map(\.rawValue) + ScoreProvenance.columns).joined(separator: ",")
    }

    /// The extra columns a file with `metrics` has, in `Metric`'s order.
    public static func metricColumns(_ metrics: [Metric]) -> [Metric] {
        Metric.allCases.filter { $0 != .scs && metrics.contains($0) }
    }

    /// scores.csv: one row per group, floats with full precision (repr-style, shortest round-trip),
    /// a column per metric of `metrics` (by default those the groups carry; a group without a
    /// value leaves its cell empty), each row ending with the provenance.
    public static func writeScoresCSV(_ scores: [GroupScore], provenance: ScoreProvenance, metrics: [Metric]? = nil, to path: String) throws {
        let columns = metricColumns(metrics ?? Array(Set(scores.flatMap(\.metrics.keys))))
        var text = fullScoresHeader(metrics: columns) + "\n"
        let tail = provenance.fields.map(CSV.escape).joined(separator: ",")
        for s in scores {
            let fields = [CSV.escape(s.model), CSV.escape(s.prompt), "\(s.nImages)", "\(s.nPairs)",
                          "\(s.scs)", "\(s.pairSD)", "\(s.pairMin)", "\(s.pairMax)"]
                + columns.map { s.metrics[$0].map { "\($0)" } ?? "" } + [tail]
            text += fields.joined(separator: ",") + "\n"
        }
        try atomicWrite(Data(text.utf8), to: path)
    }

    /// The alignment file beside a scores file: `scores.csv` → `scores.alignment.csv`.
    public static func alignmentPath(forScores scores: String) -> String {
        (scores.hasSuffix(".csv") ? String(scores.dropLast(4)) : scores) + ".alignment.csv"
    }

    /// The columns of scores.alignment.csv.
    public static let alignmentHeader = "model,prompt,text,path,cosine,clipscore"

    /// alignment.csv: `model,prompt,text,path,cosine,clipscore` per image (clipscore =
    /// 100·cos), beside scores.csv when an alignment metric was asked for.
    public static func writeAlignmentCSV(_ rows: [ImageAlignment], to path: String) throws {
        var text = alignmentHeader + "\n"
        for r in rows {
            text += [r.model, r.prompt, r.text, r.path].map(CSV.escape).joined(separator: ",") + ",\(r.cosine),\(100 * r.cosine)\n"
        }
        try atomicWrite(Data(text.utf8), to: path)
    }

    /// Reads an alignment file back; a wrong header or a malformed row is an `OutputError` naming
    /// the file and line.
    public static func readAlignmentCSV(_ path: String) throws -> [ImageAlignment] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw OutputError(path: path, reason: "cannot read as UTF-8 text") }
        let rows = try CSV.parse(text, path: path)
        guard rows.first?.joined(separator: ",") == alignmentHeader else {
            throw OutputError(path: path, reason: "header is not \(alignmentHeader)")
        }
        return try rows.dropFirst().enumerated().compactMap { n, row in
            if row.count == 1 && row[0].isEmpty { return nil }
            guard row.count == 6, let cosine = Double(row[4]) else { throw OutputError(path: path, reason: "line \(n + 2) is malformed") }
            return ImageAlignment(model: row[0], prompt: row[1], text: row[2], path: row[3], cosine: cosine)
        }
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
