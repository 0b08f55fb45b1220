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
}
