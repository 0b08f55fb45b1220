import Foundation

extension ScoresFile {
    /// The header of a file with `metrics`: the score columns, a column per metric other than
    /// the SCS (in `Metric`'s order), then which backbone made them (`ScoreProvenance`).
    public static func header(metrics: [Metric], categories: Bool = false) -> [String] {
        var columns = scoreColumns
        if categories { columns.insert(categoryColumn, at: 2) }
        return columns + metricColumns(metrics).map(\.rawValue) + ScoreProvenance.columns
    }

    /// The extra columns a file with `metrics` has, in `Metric`'s order.
    public static func metricColumns(_ metrics: [Metric]) -> [Metric] {
        Metric.allCases.filter { $0 != .scs && metrics.contains($0) }
    }

    /// scores.csv: one row per group, floats with full precision (repr-style, shortest round-trip),
    /// a column per metric of `metrics` (by default those the groups carry; a group without a
    /// value leaves its cell empty), each row ending with the provenance; a `category` column
    /// after `prompt` when any group has a category.
    public static func write(_ scores: [GroupScore], provenance: ScoreProvenance, metrics: [Metric]? = nil, to path: String) throws {
        let columns = metricColumns(metrics ?? Array(Set(scores.flatMap(\.metrics.keys))))
        let categories = scores.contains { $0.category != nil }
        var text = CSV.row(header(metrics: columns, categories: categories))
        for s in scores {
            text += CSV.row(
                [s.model, s.prompt] + (categories ? [s.category ?? ""] : []) + [
                    "\(s.nImages)", "\(s.nPairs)", "\(s.scs)", "\(s.pairSD)", "\(s.pairMin)", "\(s.pairMax)"
                ]
                    + columns.map { s.metrics[$0].map { "\($0)" } ?? "" } + provenance.fields)
        }
        try OutputFiles.atomicWrite(Data(text.utf8), to: path)
    }

    /// scores.csv with its sidecar and, given alignments, its alignment file; returns the
    /// alignment file's path when it wrote one.
    @discardableResult
    public static func write(_ scores: [GroupScore], meta: ScoresMeta, alignments: [ImageAlignment]? = nil, to path: String) throws -> String? {
        try write(scores, provenance: meta.provenance, metrics: meta.metrics?.compactMap(Metric.init), to: path)
        try meta.write(forScores: path)
        guard let alignments else { return nil }
        let alignmentPath = alignmentPath(forScores: path)
        try writeAlignments(alignments, to: alignmentPath)
        return alignmentPath
    }

    // MARK: The alignment file

    /// The alignment file beside a scores file: `scores.csv` → `scores.alignment.csv`.
    public static func alignmentPath(forScores scores: String) -> String {
        (scores.hasSuffix(".csv") ? String(scores.dropLast(4)) : scores) + ".alignment.csv"
    }

    /// The columns of scores.alignment.csv.
    public static let alignmentColumns = ["model", "prompt", "text", "path", "cosine", "clipscore"]

    /// alignment.csv: `model,prompt,text,path,cosine,clipscore` per image (clipscore =
    /// 100·cos), beside scores.csv when an alignment metric was asked for.
    public static func writeAlignments(_ rows: [ImageAlignment], to path: String) throws {
        var text = CSV.row(alignmentColumns)
        for r in rows { text += CSV.row([r.model, r.prompt, r.text, r.path, "\(r.cosine)", "\(100 * r.cosine)"]) }
        try OutputFiles.atomicWrite(Data(text.utf8), to: path)
    }

    /// Reads an alignment file back, by the same rules as scores (columns by name, every row
    /// whole, numbers finite).
    public static func readAlignments(_ path: String) throws -> [ImageAlignment] {
        let records = try records(path)
        guard let header = records.first else { throw ScoresFileError(path: path, line: 1, .emptyFile) }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        let index = try alignmentColumns.dropLast().map { name in
            guard let i = columns.firstIndex(of: name) else { throw ScoresFileError(path: path, line: header.line, .missingColumn(name)) }
            return i
        }
        return try records.dropFirst().map { record in
            let f = record.fields
            guard f.count == columns.count else {
                throw ScoresFileError(path: path, line: record.line, .fieldCount(f.count, expected: columns.count))
            }
            guard let cosine = Double(f[index[4]]), cosine.isFinite else {
                throw ScoresFileError(path: path, line: record.line, .notANumber(column: "cosine", text: f[index[4]]))
            }
            return ImageAlignment(model: f[index[0]], prompt: f[index[1]], text: f[index[2]], path: f[index[3]], cosine: cosine)
        }
    }

    /// The alignment file beside `scores`, or nil when there is none.
    public static func readAlignments(forScores scores: String) throws -> [ImageAlignment]? {
        let path = alignmentPath(forScores: scores)
        return FileManager.default.fileExists(atPath: path) ? try readAlignments(path) : nil
    }
}
