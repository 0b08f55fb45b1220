import Foundation

/// Which network made a score file's numbers, and how: the backbone's kind (`clip`, `dinov2`,
/// `siglip`), its fingerprint (a hash of its config and weights), the arithmetic and the
/// preprocessing. scores.csv carries it in its last four columns, on every row, so a file that
/// mixes two backbones shows it to anyone who reads it (pandas included), and `scs compare`
/// refuses to compare scores that differ in any of the four.
public struct ScoreProvenance: Sendable, Codable, Equatable, CustomStringConvertible {
    public var backbone: String
    public var fingerprint: String
    public var precision: String
    public var preprocessing: String

    public init(backbone: String, fingerprint: String, precision: String, preprocessing: String) {
        self.backbone = backbone
        self.fingerprint = fingerprint
        self.precision = precision
        self.preprocessing = preprocessing
    }

    /// The columns, in order, after the scores.
    public static let columns = ["backbone", "backbone_fingerprint", "precision", "preprocessing"]

    var fields: [String] { [backbone, fingerprint, precision, preprocessing] }

    /// "dinov2 3f2a9c1b2d4e… fp32 transformers-v1".
    public var description: String { "\(backbone) \(fingerprint.prefix(12))… \(precision) \(preprocessing)" }

    /// What differs from `other`, or nil when nothing does.
    public func difference(from other: ScoreProvenance) -> String? {
        let names = ["backbone", "fingerprint", "precision", "preprocessing"]
        let diffs = zip(names, zip(fields, other.fields)).filter { $0.1.0 != $0.1.1 }
        guard !diffs.isEmpty else { return nil }
        return diffs.map { "\($0.0) \($0.1.0.prefix(16)) vs \($0.1.1.prefix(16))" }.joined(separator: ", ")
    }

    /// The provenance of a parsed scores.csv (header, then rows): nil when the columns are absent
    /// (a file from an older scs, or made by hand); an error naming the rows when two rows differ.
    public static func read(header: [String], rows: [[String]], path: String) throws -> ScoreProvenance? {
        let indices = columns.map { header.firstIndex(of: $0) }
        guard indices.allSatisfy({ $0 != nil }) else { return nil }
        var first: (line: Int, value: ScoreProvenance)?
        for (n, row) in rows.enumerated() where row.count == header.count {
            let value = ScoreProvenance(backbone: row[indices[0]!], fingerprint: row[indices[1]!],
                                        precision: row[indices[2]!], preprocessing: row[indices[3]!])
            guard let seen = first else { first = (n + 2, value); continue }
            if let diff = value.difference(from: seen.value) {
                throw OutputError(path: path, reason: "rows \(seen.line) and \(n + 2) come from different backbones (\(diff)); "
                    + "score each backbone into its own file")
            }
        }
        return first?.value
    }
}
