import Foundation
import SCSScoring

/// The rows of a scores.csv as `scs score` writes it. Columns are found by header name; the
/// report needs `model`, `prompt`, `scs` and, to check it against the dataset, `n_images`.
public struct ScoreRow: Sendable, Equatable {
    public let model: String
    public let prompt: String
    public let nImages: Int?
    public let scs: Double
    /// The other metric columns the file has (`scs score --metrics`), by name; empty cells left out.
    public var metrics: [String: Double] = [:]
}

public enum ScoreRows {
    /// Reads and checks `path`: a malformed row, a score that is not a finite number or a group
    /// given twice is an error naming the row.
    public static func read(_ path: String) throws -> [ScoreRow] {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ReportError("\(path): cannot read the scores file")
        }
        let rows = try CSV.parse(text, path: path).filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = rows.first?.map({ $0.trimmingCharacters(in: .whitespaces) }) else {
            throw ReportError("\(path): empty file, expected a header \(OutputFiles.scoresHeader)")
        }
        func column(_ name: String) throws -> Int {
            guard let i = header.firstIndex(of: name) else {
                throw ReportError("\(path): no \"\(name)\" column in the header (expected \(OutputFiles.scoresHeader))")
            }
            return i
        }
        let model = try column("model"), prompt = try column("prompt"), scs = try column("scs")
        let nImages = header.firstIndex(of: "n_images")
        let metricColumns = header.enumerated().filter { Metric(rawValue: $0.element) != nil && $0.element != "scs" }
        var out: [ScoreRow] = [], seen: Set<String> = []
        for (i, row) in rows.enumerated().dropFirst() {
            guard row.count == header.count else {
                throw ReportError("\(path): row \(i + 1) has \(row.count) fields, the header has \(header.count)")
            }
            guard let value = Double(row[scs].trimmingCharacters(in: .whitespaces)), value.isFinite else {
                throw ReportError("\(path): row \(i + 1): scs is not a finite number: \"\(row[scs])\"")
            }
            guard seen.insert(row[model] + "\u{0}" + row[prompt]).inserted else {
                throw ReportError("\(path): row \(i + 1): \(row[model]) / \(row[prompt]) is scored twice")
            }
            var scored = ScoreRow(model: row[model], prompt: row[prompt], nImages: nImages.flatMap { Int(row[$0]) }, scs: value)
            for (column, name) in metricColumns {
                guard !row[column].isEmpty else { continue }
                guard let v = Double(row[column]), v.isFinite else {
                    throw ReportError("\(path): row \(i + 1): \(name) is not a finite number: \"\(row[column])\"")
                }
                scored.metrics[name] = v
            }
            out.append(scored)
        }
        guard !out.isEmpty else { throw ReportError("\(path): no scores, only a header") }
        return out
    }
}

/// `<scores>.alignment.csv` (written by `scs score` with an alignment metric): each image's
/// cosine with its prompt's text, by image path.
public enum AlignmentRows {
    /// path → cosine, or nil when there is no such file; a malformed file is an error naming the line.
    public static func read(forScores scores: String) throws -> [String: Double]? {
        let path = OutputFiles.alignmentPath(forScores: scores)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        do {
            return Dictionary(try OutputFiles.readAlignmentCSV(path).map { ($0.path, $0.cosine) }, uniquingKeysWith: { _, last in last })
        } catch let error as OutputError {
            throw ReportError(error.description)
        }
    }
}
