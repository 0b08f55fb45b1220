import Foundation
import SCSScoring
import SCSStats

/// Reading what a comparison compares: scores.csv files (`ScoresFile`, its rules), prompt lists
/// and two-column pairs files.
public enum CompareInput {
    /// The (model, prompt, `metric`) of every row of one or more scores.csv files, as one table.
    /// A file without rows, or a row without a value of `metric`, is an error naming the file and
    /// line. Scores from different backbones (kind, fingerprint, precision or preprocessing, from
    /// the rows' provenance columns or else the sidecar) are refused: their numbers are not on one
    /// scale.
    public static func scores(at paths: [String], metric: Metric = .scs) throws -> ScoreTable {
        var all: [PromptScore] = [], sources: [String] = []
        var known: (path: String, provenance: ScoreProvenance)?
        var unknown: [String] = []
        for path in paths {
            let file = try ScoresFile.read(path)
            try file.requireRows()
            for (row, value) in try file.values(of: metric) {
                all.append(PromptScore(model: row.model, prompt: row.prompt, score: value))
                sources.append("\(path):\(row.line)")
            }
            guard let provenance = file.provenance else { unknown.append(path); continue }
            if let known, let diff = provenance.difference(from: known.provenance) {
                throw ComparisonSetupError.differentBackbones(path, known.path, difference: diff)
            }
            if known == nil { known = (path, provenance) }
        }
        if paths.count > 1, let known, let path = unknown.first {
            throw ComparisonError(
                "\(path) does not say which backbone scored it (no provenance columns, no .meta.json): "
                    + "cannot check it against \(known.path)")
        }
        return try ScoreTable(all) { sources[$0] }
    }

    /// The lines of a prompt list, one prompt per line; a final newline adds no line.
    public static func lines(at path: String) throws -> [String] {
        var lines = try read(path, what: "prompt list").components(separatedBy: "\n").map {
            $0.hasSuffix("\r") ? String($0.dropLast()) : $0
        }
        if lines.last == "" { lines.removeLast() }
        guard !lines.isEmpty else { throw ComparisonError("\(path): the prompt list is empty") }
        return lines
    }

    /// A pairs CSV: a header row, then one pair per row, A's prompt in the first column and
    /// B's in the second. Returns both lists and the header's names.
    public static func pairs(at path: String) throws -> (a: [String], b: [String], names: (String, String)) {
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
