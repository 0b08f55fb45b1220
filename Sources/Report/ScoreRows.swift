import Foundation
import SCSScoring

/// The rows of a scores.csv as the report shows them: each group's SCS, the other metric
/// columns the file has, and `n_images` to check against the dataset.
public struct ScoreRow: Sendable, Equatable {
    public let model: String
    public let prompt: String
    public let nImages: Int?
    public let scs: Double
    /// The other metric columns the file has (`scs score --metrics`), by name; empty cells left out.
    public var metrics: [String: Double] = [:]
}

/// The report's view of a `ScoresFile`, which holds it to the rules every reader shares.
public enum ScoreRows {
    /// The rows of `file`; a file without an SCS in every row, or without rows, is an error.
    public static func rows(of file: ScoresFile) throws -> [ScoreRow] {
        try file.requireRows()
        return try file.values(of: .scs).map { row, scs in
            ScoreRow(
                model: row.model, prompt: row.prompt, nImages: row.nImages, scs: scs,
                metrics: Dictionary(uniqueKeysWithValues: row.values.filter { $0.key != .scs }.map { ($0.key.rawValue, $0.value) }))
        }
    }

    /// Reads `path` (`ScoresFile.read`) and returns its rows.
    public static func read(_ path: String) throws -> [ScoreRow] {
        try rows(of: ScoresFile.read(path))
    }
}

/// `<scores>.alignment.csv` (written by `scs score` with an alignment metric): each image's
/// cosine with its prompt's text, by image path.
public enum AlignmentRows {
    /// path → cosine, or nil when there is no such file; a malformed file is an error naming the line.
    public static func read(forScores scores: String) throws -> [String: Double]? {
        try ScoresFile.readAlignments(forScores: scores).map {
            Dictionary($0.map { ($0.path, $0.cosine) }, uniquingKeysWith: { _, last in last })
        }
    }
}
