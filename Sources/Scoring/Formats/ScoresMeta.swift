import Foundation
import SCSImaging
import SCSModels
import SCSTensor

/// The sidecar of a scores.csv (`scores.meta.json` beside `scores.csv`): what made the scores,
/// so they can be told apart, merged and traced back to their embeddings. A CSV cannot carry it
/// without breaking the readers Python users have (`pandas.read_csv` needs no options today).
public struct ScoresMeta: Sendable, Codable, Equatable {
    public static let format = "scs-scores/1"

    public var format: String = ScoresMeta.format
    /// The model as it was named on the command line (folder, repo id).
    public var model: String
    /// The network's architecture (clip, dinov2, siglip); absent in sidecars of scs before backbones.
    public var backbone: ModelKind?
    /// The network's identity: a hash of its config and weights.
    public var modelFingerprint: String
    /// Written as its name ("fp32").
    public var precision: Precision
    /// How images became pixels, written as its name and version ("clip-v2"); part of the
    /// embedding cache's key.
    public var preprocessing: ImagePreprocessor.Pipeline
    /// The metric columns after the SCS columns (`scs score --metrics`); nil in files from before them.
    public var metrics: [String]?
    /// What was scored: every unit's count and a digest of the listing.
    public var groups: Int
    public var images: Int
    public var listingDigest: String
    /// Groups without a score and images that could not be read.
    public var excluded: [ExcludedGroup]
    public var skipped: [String]
    /// Set on a shard's output: which shard, and the units it covered.
    public var shard: ShardRecord?

    public struct ShardRecord: Sendable, Codable, Equatable {
        public var index: Int
        public var count: Int
        public var units: [ShardUnit]
    }

    enum CodingKeys: String, CodingKey {
        case format, model, backbone, modelFingerprint = "model_fingerprint", precision, preprocessing, metrics, groups, images,
            listingDigest = "listing_digest", excluded, skipped, shard
    }

    public init(
        model: String, result: ScoreResult, dataset: Dataset, listing: Dataset? = nil,
        shard: (spec: ShardSpec, units: [ShardUnit])? = nil
    ) {
        let units = (listing ?? dataset).shardUnits
        self.model = model
        backbone = result.backbone
        modelFingerprint = result.modelFingerprint
        precision = result.precision
        preprocessing = result.preprocessing
        metrics = result.metricColumns.map(\.rawValue)
        groups = units.count
        images = (listing ?? dataset).items.count
        listingDigest = Dataset.listingDigest(units)
        excluded = result.excluded
        skipped = result.skipped
        self.shard = shard.map { ShardRecord(index: $0.spec.index, count: $0.spec.count, units: $0.units) }
    }

    /// What the rows of the scores record of the network.
    public var provenance: ScoreProvenance {
        ScoreProvenance(backbone: backbone, fingerprint: modelFingerprint, precision: precision, preprocessing: preprocessing)
    }

    /// `scores.csv` → `scores.meta.json`; a name without an extension gains `.meta.json`.
    public static func path(forScores csv: String) -> String {
        let url = URL(fileURLWithPath: csv)
        let base = url.pathExtension.isEmpty ? url : url.deletingPathExtension()
        let name = base.lastPathComponent + ".meta.json"
        return csv.contains("/") ? base.deletingLastPathComponent().appendingPathComponent(name).path : name
    }

    public func write(forScores csv: String) throws {
        try OutputFiles.writeJSON(self, to: Self.path(forScores: csv))
    }

    /// Reads the sidecar of `csv`; nil when there is none (scores from an older scs or by hand).
    /// `ScoresFile.read` reads it with the scores; merge reads it alone, before any scores.
    public static func read(forScores csv: String) throws -> ScoresMeta? {
        let path = path(forScores: csv)
        func fail(_ reason: String) -> ScoresFileError { ScoresFileError(path: path, .sidecar(reason)) }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw fail("cannot read") }
        do {
            let meta = try JSONDecoder().decode(ScoresMeta.self, from: data)
            guard meta.format == format else { throw fail("format \(meta.format), expected \(format)") }
            return meta
        } catch let error as ScoresFileError {
            throw error
        } catch let DecodingError.keyNotFound(key, _) {
            throw fail("missing field \(key.stringValue)")
        } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw fail("field \(field) has the wrong type")
        } catch let DecodingError.dataCorrupted(context) where !context.codingPath.isEmpty {
            // A value this scs does not know: a precision, a backbone or another preprocessing version.
            let field = context.codingPath.map(\.stringValue).joined(separator: ".")
            throw fail("field \(field): \(context.debugDescription)")
        } catch {
            throw fail("not a scores sidecar (JSON): \(error.localizedDescription)")
        }
    }
}
