import Foundation
import SCSScoring
import SCSStats

/// Reading what `scs compare` compares: scores.csv (the core's format, RFC 4180, read with
/// SCSScoring's `CSV.parse`), prompt lists, and two-column pairs files.
enum CompareInput {
    /// The (model, prompt, `column`) of every row of one or more scores.csv files, as one table.
    /// Columns are found by header name, so extra or reordered columns are fine; a row with the
    /// wrong number of fields, a score that is not a finite number, or a group given twice is an
    /// error naming the row. Scores from different backbones (kind, fingerprint, precision or
    /// preprocessing, from the rows' provenance columns or else the sidecar) are refused: their
    /// numbers are not on one scale.
    static func scores(at paths: [String], column: String = "scs") throws -> ScoreTable {
        var all: [PromptScore] = [], sources: [String] = []
        var known: (path: String, provenance: ScoreProvenance)?
        var unknown: [String] = []
        for path in paths {
            let file = try scores(at: path, column: column)
            all += file.rows
            sources += file.rows.indices.map { "\(path): row \($0 + 2)" }
            guard let provenance = file.provenance else { unknown.append(path); continue }
            if let known, let diff = provenance.difference(from: known.provenance) {
                throw ComparisonError("\(path) and \(known.path) were scored by different backbones (\(diff)): "
                    + "compare scores of one backbone, or rescore both with the same --model")
            }
            if known == nil { known = (path, provenance) }
        }
        if paths.count > 1, known != nil, let path = unknown.first {
            throw ComparisonError("\(path) does not say which backbone scored it (no provenance columns, no .meta.json): "
                + "cannot check it against \(known!.path)")
        }
        return try ScoreTable(all) { sources[$0] }
    }

    /// One scores.csv: its rows and, when it records it, the backbone that made them.
    static func scores(at path: String, column metric: String = "scs") throws -> (rows: [PromptScore], provenance: ScoreProvenance?) {
        let rows = try CSV.parse(try read(path, what: "scores file"), path: path)
            .filter { !($0.count == 1 && $0[0].trimmingCharacters(in: .whitespaces).isEmpty) }
        guard let header = rows.first else { throw ComparisonError("\(path): empty file, expected a header \(OutputFiles.scoresHeader)") }
        let names = header.map { $0.trimmingCharacters(in: .whitespaces) }
        func column(_ name: String) throws -> Int {
            guard let i = names.firstIndex(of: name) else {
                throw ComparisonError("\(path): no \"\(name)\" column in the header (expected \(OutputFiles.scoresHeader))")
            }
            return i
        }
        let model = try column("model"), prompt = try column("prompt")
        guard let scs = names.firstIndex(of: metric) else {
            let known = Metric(rawValue: metric) != nil
            throw ComparisonError("\(path): no \"\(metric)\" column" + (known ? " (score with --metrics \(metric) to add it)" : " in the header"))
        }
        var scores: [PromptScore] = []
        for (i, row) in rows.enumerated().dropFirst() {
            guard row.count == header.count else {
                throw ComparisonError("\(path): row \(i + 1) has \(row.count) fields, the header has \(header.count)")
            }
            let text = row[scs].trimmingCharacters(in: .whitespaces)
            guard let value = Double(text), value.isFinite else {
                throw ComparisonError("\(path): row \(i + 1): \(metric) is not a finite number: \"\(text)\"")
            }
            scores.append(PromptScore(model: row[model], prompt: row[prompt], score: value))
        }
        guard !scores.isEmpty else { throw ComparisonError("\(path): no scores, only a header") }
        let provenance: ScoreProvenance?
        do {
            provenance = try ScoreProvenance.read(header: names, rows: Array(rows.dropFirst()), path: path)
                ?? ScoresMeta.read(forScores: path)?.provenance
        } catch let error as OutputError {
            throw ComparisonError(error.description)
        }
        return (scores, provenance)
    }

    /// The lines of a prompt list, one prompt per line; a final newline adds no line.
    static func lines(at path: String) throws -> [String] {
        var lines = try read(path, what: "prompt list").components(separatedBy: "\n").map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : $0
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ComparisonError("\(path): the prompt list is empty") }
        return lines
    }

    /// A pairs CSV: a header row, then one pair per row, A's prompt in the first column and
    /// B's in the second. Returns both lists and the header's names.
    static func pairs(at path: String) throws -> (a: [String], b: [String], names: (String, String)) {
        let rows = try CSV.parse(try read(path, what: "pairs file"), path: path)
            .filter { !($0.count == 1 && $0[0].isEmpty) }
        guard let header = rows.first, header.count >= 2 else {
            throw ComparisonError("\(path): expected a header row with two columns (A's prompt, B's prompt)")
        }
        var a: [String] = [], b: [String] = []
        for (i, row) in rows.enumerated().dropFirst() {
            guard row.count >= 2 else { throw ComparisonError("\(path): row \(i + 1) has \(row.count) field, expected 2") }
            a.append(row[0])
            b.append(row[1])
        }
        guard !a.isEmpty else { throw ComparisonError("\(path): no pairs, only a header") }
        return (a, b, (header[0], header[1]))
    }

    private static func read(_ path: String, what: String) throws -> String {
        guard FileManager.default.fileExists(atPath: path) else { throw ComparisonError("\(path): no such \(what)") }
        guard let data = FileManager.default.contents(atPath: path) else { throw ComparisonError("\(path): cannot read the \(what)") }
        guard let text = String(data: data, encoding: .utf8) else { throw ComparisonError("\(path): the \(what) is not UTF-8 text") }
        return text
    }
}
