import Foundation
import SCSImaging
import SCSModels
import SCSTensor

/// Which network made a score file's numbers, and how: the backbone's kind (`clip`, `dinov2`,
/// `siglip`), its fingerprint (a hash of its config and weights), the arithmetic and the
/// preprocessing. scores.csv carries it in its last four columns, on every row, so a file that
/// mixes two backbones shows it to anyone who reads it (pandas included), and `scs compare`
/// refuses to compare scores that differ in any of the four.
public struct ScoreProvenance: Sendable, Equatable, CustomStringConvertible {
    /// nil where the file does not say (an empty cell; sidecars of scs before backbones).
    public var backbone: ModelKind?
    public var fingerprint: String
    public var precision: Precision
    public var preprocessing: ImagePreprocessor.Pipeline

    public init(backbone: ModelKind?, fingerprint: String, precision: Precision, preprocessing: ImagePreprocessor.Pipeline) {
        self.backbone = backbone
        self.fingerprint = fingerprint
        self.precision = precision
        self.preprocessing = preprocessing
    }

    /// The columns, in order, after the scores.
    public static let columns = ["backbone", "backbone_fingerprint", "precision", "preprocessing"]

    /// The cells of `columns`, as the file writes them.
    var fields: [String] { [backbone?.rawValue ?? "", fingerprint, precision.rawValue, preprocessing.versionedName] }

    /// A value this scs does not know, in one of the columns: which column, and its text.
    struct UnknownValue: Error {
        var column: String
        var text: String
    }

    /// The provenance the cells of `columns` (in that order) record.
    init(fields: [String]) throws {
        func unknown(_ i: Int) -> UnknownValue { UnknownValue(column: Self.columns[i], text: fields[i]) }
        if fields[0].isEmpty {
            backbone = nil
        } else {
            guard let kind = ModelKind(rawValue: fields[0]) else { throw unknown(0) }
            backbone = kind
        }
        fingerprint = fields[1]
        guard let precision = Precision(rawValue: fields[2]) else { throw unknown(2) }
        guard let pipeline = ImagePreprocessor.Pipeline(versionedName: fields[3]) else { throw unknown(3) }
        self.precision = precision
        preprocessing = pipeline
    }

    /// "dinov2 3f2a9c1b2d4e… fp32 transformers-v1".
    public var description: String { "\(fields[0]) \(fingerprint.prefix(12))… \(fields[2]) \(fields[3])" }

    /// What differs from `other`, or nil when nothing does.
    public func difference(from other: ScoreProvenance) -> String? {
        let names = ["backbone", "fingerprint", "precision", "preprocessing"]
        let diffs = zip(names, zip(fields, other.fields)).filter { $0.1.0 != $0.1.1 }
        guard !diffs.isEmpty else { return nil }
        return diffs.map { "\($0.0) \($0.1.0.prefix(16)) vs \($0.1.1.prefix(16))" }.joined(separator: ", ")
    }
}
