import ArgumentParser
import Foundation
import SCSGenerate
import SCSScoring

/// `scs merge`: the shards of a run joined into what one unsharded run writes.
struct Merge: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Join the outputs of a sharded run: scores (scs score --shard) or manifests (scs generate --shard).",
        discussion: """
            Scores: give every shard's scores.csv (each with its .meta.json sidecar beside it). The \
            shards must be all N, each once, from one dataset listing, with one model fingerprint, \
            precision and preprocessing; every group must be in exactly one shard. Writes the scores.csv \
            (and sidecar) one unsharded run writes, byte for byte.
            Manifests: give every manifest.shard-K-of-N.jsonl; writes one manifest.jsonl.
            Embedding caches merge with `scs cache merge`.
            """
    )

    @Argument(help: "The shards' scores.csv files, or their manifest.shard-K-of-N.jsonl files.")
    var inputs: [String]

    @Option(help: "Where to write the merged scores.csv or manifest.jsonl.")
    var out: String

    @Option(help: "Also write a JSON summary of the merged scores here (per-model summaries, what was left out).")
    var json: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give the shards' outputs to merge") }
        let manifests = inputs.filter { $0.hasSuffix(".jsonl") }.count
        if manifests != 0 && manifests != inputs.count {
            throw ValidationError("give either scores files or manifests (.jsonl), not both")
        }
        if manifests > 0 && json != nil { throw ValidationError("--json goes with scores, not manifests") }
        if inputs.contains(out) { throw ValidationError("--out \(out) is one of the inputs") }
    }

    func run() throws {
        if inputs.allSatisfy({ $0.hasSuffix(".jsonl") }) {
            let merged = try ManifestMerge.merge(paths: inputs)
            try OutputFiles.atomicWrite(Data(merged.text.utf8), to: out)
            if !quiet { note("merged \(merged.shards) shard manifests: \(merged.images) images; wrote \(out)") }
            return
        }
        let merged = try ShardMerge.merge(scoreFiles: inputs)
        let alignments = try ShardMerge.mergeAlignments(scoreFiles: inputs, order: merged.scores)
        try ScoresFile.write(merged.scores, meta: merged.meta, alignments: alignments, to: out)
        let models = ModelSummary.summarize(merged.scores)
        if let json {
            try OutputFiles.writeJSON(MergedSummary(scores: merged.scores, models: models, meta: merged.meta), to: json)
        }
        if quiet { return }
        note("merged \(inputs.count) shards: \(merged.scores.count) groups scored, \(merged.meta.excluded.count) left out; wrote \(out)")
        printModelSummary(models)
    }
}

/// The merged run's JSON summary: the scores, per-model summaries and the sidecar's record.
private struct MergedSummary: Encodable {
    var scores: [GroupScore]
    var models: [ModelSummary]
    var meta: ScoresMeta
}
