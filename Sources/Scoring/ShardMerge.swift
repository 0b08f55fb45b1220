import Foundation

/// Joins the scores of N shards into the scores one unsharded run writes.
///
/// Nothing is recomputed: every shard scored whole groups with the same arithmetic (the engine
/// gives the same bits for an image whatever else is in its batch), so the merged rows, put back
/// in the unsharded order, are the unsharded scores.csv byte for byte. What is checked first:
/// every input is a shard's output (its `.meta.json` sidecar says which shard), all N shards are
/// there exactly once, they listed the same dataset with the same model fingerprint, precision and
/// preprocessing, and together they cover every group exactly once.
public enum ShardMerge {
    public struct Merged: Sendable {
        public var scores: [GroupScore]
        public var meta: ScoresMeta
    }

    /// Reads and checks the shards' scores files (each with its sidecar) and merges them.
    public static func merge(scoreFiles: [String]) throws -> Merged {
        guard !scoreFiles.isEmpty else { throw ShardError.merge("no shard outputs given") }
        var shards: [(path: String, meta: ScoresMeta, record: ScoresMeta.ShardRecord)] = []
        for path in scoreFiles {
            guard FileManager.default.fileExists(atPath: path) else { throw ShardError.merge("\(path): no such file") }
            guard let meta = try ScoresMeta.read(forScores: path) else {
                throw ShardError.noSidecar(path: path, sidecar: ScoresMeta.path(forScores: path))
            }
            guard let record = meta.shard else {
                throw ShardError.merge("\(path): not a shard's scores (its sidecar has no shard); an unsharded run needs no merge")
            }
            shards.append((path, meta, record))
        }
        let first = shards[0]
        for s in shards.dropFirst() {
            func differs(_ what: String, _ mine: String, _ theirs: String) -> ShardError {
                .merge("\(s.path): \(what) \(mine) differs from \(first.path)'s \(theirs)")
            }
            if s.record.count != first.record.count {
                throw differs("shard count", "\(s.record.count)", "\(first.record.count)")
            }
            if s.meta.modelFingerprint != first.meta.modelFingerprint {
                throw differs("model fingerprint", s.meta.modelFingerprint, first.meta.modelFingerprint)
            }
            if s.meta.precision != first.meta.precision {
                throw differs("precision", s.meta.precision.rawValue, first.meta.precision.rawValue)
            }
            if s.meta.metrics != first.meta.metrics {
                throw differs(
                    "metric columns", s.meta.metrics?.joined(separator: ",") ?? "none", first.meta.metrics?.joined(separator: ",") ?? "none")
            }
            if s.meta.preprocessing != first.meta.preprocessing {
                throw differs("preprocessing", s.meta.preprocessing.versionedName, first.meta.preprocessing.versionedName)
            }
            if s.meta.listingDigest != first.meta.listingDigest || s.meta.groups != first.meta.groups {
                throw ShardError.merge(
                    "\(s.path): listed a different dataset (\(s.meta.groups) groups, \(s.meta.images) images) "
                        + "from \(first.path) (\(first.meta.groups) groups, \(first.meta.images) images)")
            }
        }
        let count = first.record.count
        var byIndex: [Int: String] = [:]
        for s in shards {
            if let other = byIndex[s.record.index] {
                throw ShardError.merge("shard \(s.record.index)/\(count) given twice: \(other) and \(s.path)")
            }
            byIndex[s.record.index] = s.path
        }
        let missing = (0..<count).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            let names = missing.prefix(10).map { "\($0)/\(count)" }.joined(separator: ", ")
            throw ShardError.merge("missing \(missing.count) of \(count) shards: \(names)\(missing.count > 10 ? ", …" : "")")
        }

        // Every group in exactly one shard.
        var owner = [String?](repeating: nil, count: first.meta.groups)
        var position: [GroupKey: Int] = [:]
        for s in shards {
            for u in s.record.units {
                guard u.position >= 0 && u.position < owner.count else {
                    throw ShardError.merge("\(s.path): group \(u.model)/\(u.prompt) has position \(u.position), outside 0…\(owner.count - 1)")
                }
                if let other = owner[u.position] {
                    throw ShardError.merge("group \(u.model)/\(u.prompt) is in two shards: \(other) and \(s.path)")
                }
                owner[u.position] = s.path
                position[u.group] = u.position
            }
        }
        if let hole = owner.firstIndex(where: { $0 == nil }) {
            throw ShardError.merge("group \(hole + 1) of \(owner.count) is in no shard: the shards were not cut from one listing")
        }

        var rows: [(position: Int, score: GroupScore)] = []
        for s in shards {
            for score in try ScoresFile.read(s.path).groupScores() {
                guard let p = position[score.group], owner[p] == s.path else {
                    throw ShardError.merge("\(s.path): row \(score.model)/\(score.prompt) is not one of this shard's groups")
                }
                rows.append((p, score))
            }
        }
        rows.sort { $0.position < $1.position }
        for (a, b) in zip(rows, rows.dropFirst()) where a.position == b.position {
            throw ShardError.merge("\(owner[a.position] ?? ""): group \(a.score.model)/\(a.score.prompt) has two rows")
        }
        let keyed = { (e: ExcludedGroup) in position[e.group] ?? Int.max }
        var meta = first.meta
        meta.shard = nil
        meta.excluded = shards.flatMap(\.meta.excluded).sorted { keyed($0) < keyed($1) }
        meta.skipped = shards.flatMap(\.meta.skipped).sorted()
        return Merged(scores: rows.map(\.score), meta: meta)
    }

    /// The shards' alignment files (`ScoresFile.alignmentPath`) joined in the merged groups'
    /// order, each group's rows as its shard wrote them; nil when no shard has one, an error when
    /// only some do.
    public static func mergeAlignments(scoreFiles: [String], order: [GroupScore]) throws -> [ImageAlignment]? {
        let paths = scoreFiles.map(ScoresFile.alignmentPath)
        let present = paths.filter { FileManager.default.fileExists(atPath: $0) }
        if present.isEmpty { return nil }
        guard present.count == paths.count else {
            throw ShardError.merge("\(paths.first { !present.contains($0) }!): missing, while other shards have their alignment file")
        }
        var position: [GroupKey: Int] = [:]
        for (i, s) in order.enumerated() { position[s.group] = i }
        var rows: [(position: Int, row: ImageAlignment)] = []
        for path in paths {
            for row in try ScoresFile.readAlignments(path) {
                guard let p = position[row.group] else {
                    throw ShardError.merge("\(path): \(row.model)/\(row.prompt) is not a merged group")
                }
                rows.append((p, row))
            }
        }
        // A stable sort: within a group, the shard's own order.
        return rows.enumerated().sorted { ($0.element.position, $0.offset) < ($1.element.position, $1.offset) }.map(\.element.row)
    }
}
