import Foundation

/// One row of a scores.csv: a group and what the file says of it. Counts and numbers a file
/// leaves out (an empty cell, or no such column in a file made by hand) are nil.
public struct ScoresRow: Sendable, Equatable {
    public var group: GroupKey
    /// The line of the file the row starts on.
    public var line: Int
    public var nImages: Int?
    public var nPairs: Int?
    public var pairSD: Double?
    public var pairMin: Double?
    public var pairMax: Double?
    /// The SCS and every other metric column, by metric.
    public var values: [Metric: Double]
    /// The prompt's category (the `category` column, `scs generate --suite`); nil when the file
    /// has no such column or the cell is empty.
    public var category: String? = nil

    public var model: String { group.model }
    public var prompt: String { group.prompt }
}

/// scores.csv, the file `scs score` and `scs merge` write and report, compare and agreement read,
/// with its sidecar (`ScoresMeta`) and its alignment file. The one reader and writer of all three,
/// so every command holds a file to the same rules: columns are found by header name (extra or
/// reordered columns are fine), every row has the header's number of fields, a count is a
/// non-negative integer and a number is finite (an empty cell is no value), a group given twice
/// is an error, and so are rows of two backbones. Every error is a `ScoresFileError` naming the
/// file and line.
public struct ScoresFile: Sendable {
    /// The columns before the metric columns, in the order scs writes them.
    public static let scoreColumns = ["model", "prompt", "n_images", "n_pairs", "scs", "pair_sd", "pair_min", "pair_max"]
    /// The prompt's category, after `prompt`, in files whose groups have one (a manifest of
    /// `scs generate --suite`); files without categories keep the columns above.
    public static let categoryColumn = "category"

    public let path: String
    /// The header's names, trimmed of spaces.
    public let columns: [String]
    /// The metric columns the file has (scs among them when present), in the file's order.
    public let metrics: [Metric]
    public let rows: [ScoresRow]
    /// Which backbone made the scores: from the provenance columns, else the sidecar; nil when
    /// neither says (a file from an older scs, or made by hand).
    public let provenance: ScoreProvenance?
    /// The sidecar beside the file; nil when there is none.
    public let meta: ScoresMeta?

    /// Reads and checks `path` and its sidecar.
    public static func read(_ path: String) throws -> ScoresFile {
        let records = try records(path)
        guard let header = records.first else { throw ScoresFileError(path: path, line: 1, .emptyFile) }
        let columns = header.fields.map { $0.trimmingCharacters(in: .whitespaces) }
        for required in ["model", "prompt"] where !columns.contains(required) {
            throw ScoresFileError(path: path, line: header.line, .missingColumn(required))
        }
        let index = { (name: String) in columns.firstIndex(of: name) }
        let metricColumns = columns.enumerated().compactMap { i, name in Metric(rawValue: name).map { (i, $0) } }
        let provenanceColumns = ScoreProvenance.columns.compactMap(index)
        var rows: [ScoresRow] = [], firstLine: [GroupKey: Int] = [:]
        var provenance: (line: Int, value: ScoreProvenance)?
        for record in records.dropFirst() {
            let fields = record.fields, line = record.line
            guard fields.count == columns.count else {
                throw ScoresFileError(path: path, line: line, .fieldCount(fields.count, expected: columns.count))
            }
            func cell(_ name: String) -> String? {
                index(name).map { fields[$0].trimmingCharacters(in: .whitespaces) }.flatMap { $0.isEmpty ? nil : $0 }
            }
            func count(_ name: String) throws -> Int? {
                guard let text = cell(name) else { return nil }
                guard let v = Int(text), v >= 0 else { throw ScoresFileError(path: path, line: line, .notACount(column: name, text: text)) }
                return v
            }
            func real(_ name: String) throws -> Double? {
                guard let text = cell(name) else { return nil }
                guard let v = Double(text), v.isFinite else { throw ScoresFileError(path: path, line: line, .notANumber(column: name, text: text)) }
                return v
            }
            let group = GroupKey(model: fields[index("model")!], prompt: fields[index("prompt")!])
            if let first = firstLine[group] { throw ScoresFileError(path: path, line: line, .scoredTwice(group, firstLine: first)) }
            firstLine[group] = line
            var values: [Metric: Double] = [:]
            for (_, metric) in metricColumns { values[metric] = try real(metric.rawValue) }
            rows.append(
                ScoresRow(
                    group: group, line: line, nImages: try count("n_images"), nPairs: try count("n_pairs"),
                    pairSD: try real("pair_sd"), pairMin: try real("pair_min"), pairMax: try real("pair_max"), values: values,
                    category: cell(categoryColumn)))
            if provenanceColumns.count == ScoreProvenance.columns.count {
                let value: ScoreProvenance
                do { value = try ScoreProvenance(fields: provenanceColumns.map { fields[$0] }) } catch let unknown as ScoreProvenance.UnknownValue {
                    throw ScoresFileError(path: path, line: line, .unknownValue(column: unknown.column, text: unknown.text))
                }
                if let seen = provenance, let diff = value.difference(from: seen.value) {
                    throw ScoresFileError(path: path, line: line, .mixedBackbones(firstLine: seen.line, difference: diff))
                }
                provenance = provenance ?? (line, value)
            }
        }
        let meta = try ScoresMeta.read(forScores: path)
        return ScoresFile(
            path: path, columns: columns, metrics: metricColumns.map(\.1), rows: rows,
            provenance: provenance?.value ?? meta?.provenance, meta: meta)
    }

    /// `metric` of every row; a file without its column, or a row without a value, is an error.
    public func values(of metric: Metric) throws -> [(row: ScoresRow, value: Double)] {
        guard metrics.contains(metric) else {
            throw ScoresFileError(path: path, line: 1, .missingColumn(metric.rawValue))
        }
        return try rows.map { row in
            guard let v = row.values[metric] else { throw ScoresFileError(path: path, line: row.line, .emptyCell(column: metric.rawValue)) }
            return (row, v)
        }
    }

    /// Throws when the file has a header but no row: a report or a comparison of nothing.
    public func requireRows() throws {
        if rows.isEmpty { throw ScoresFileError(path: path, .noRows) }
    }

    /// The rows as `scs score` made them, every count and number there (what a merge joins).
    public func groupScores() throws -> [GroupScore] {
        for name in Self.scoreColumns where !columns.contains(name) { throw ScoresFileError(path: path, line: 1, .missingColumn(name)) }
        return try rows.map { r in
            func need<T>(_ value: T?, _ name: String) throws -> T {
                guard let value else { throw ScoresFileError(path: path, line: r.line, .emptyCell(column: name)) }
                return value
            }
            return GroupScore(
                model: r.model, prompt: r.prompt, nImages: try need(r.nImages, "n_images"), nPairs: try need(r.nPairs, "n_pairs"),
                scs: try need(r.values[.scs], "scs"), pairSD: try need(r.pairSD, "pair_sd"),
                pairMin: try need(r.pairMin, "pair_min"), pairMax: try need(r.pairMax, "pair_max"),
                // An empty cell: the group has no value for that metric.
                metrics: r.values.filter { $0.key != .scs }, category: r.category)
        }
    }

    /// The records of a CSV file scs writes beside scores (scores, alignments), blank lines left out.
    static func records(_ path: String) throws -> [CSV.Record] {
        guard FileManager.default.fileExists(atPath: path) else { throw ScoresFileError(path: path, .notFound) }
        guard let data = FileManager.default.contents(atPath: path) else { throw ScoresFileError(path: path, .unreadable("cannot read the file")) }
        guard let text = String(data: data, encoding: .utf8) else { throw ScoresFileError(path: path, .unreadable("not UTF-8 text")) }
        do {
            return try CSV.records(text, path: path).filter { !$0.isBlank }
        } catch let e as CSVError {
            throw ScoresFileError(path: path, line: e.line, .malformed(e.reason))
        }
    }
}
