import Foundation

/// Why a scores.csv, its sidecar or its alignment file cannot be used: the file, the line (when
/// the problem has one) and what is wrong, as data, so each caller can word it in its own terms.
public struct ScoresFileError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Problem: Equatable, Sendable {
        case notFound
        case unreadable(String)
        /// The CSV itself is malformed (`CSVError`'s reason).
        case malformed(String)
        case emptyFile
        case missingColumn(String)
        case fieldCount(Int, expected: Int)
        case notANumber(column: String, text: String)
        case notACount(column: String, text: String)
        case emptyCell(column: String)
        case scoredTwice(GroupKey, firstLine: Int)
        case noRows
        /// A provenance cell naming a backbone, precision or preprocessing (version) this scs does not know.
        case unknownValue(column: String, text: String)
        /// Two rows whose provenance columns name different backbones.
        case mixedBackbones(firstLine: Int, difference: String)
        /// The JSON sidecar cannot be used.
        case sidecar(String)
    }

    public let path: String
    public let line: Int?
    public let problem: Problem

    public init(path: String, line: Int? = nil, _ problem: Problem) {
        self.path = path
        self.line = line
        self.problem = problem
    }

    public var description: String { path + (line.map { ":\($0)" } ?? "") + ": " + reason }

    /// The message without the file and line.
    public var reason: String {
        switch problem {
        case .notFound: return "no such scores file"
        case .unreadable(let why): return why
        case .malformed(let why): return why
        case .emptyFile: return "empty file, expected a header \(ScoresFile.scoreColumns.joined(separator: ","))"
        case .missingColumn(let name):
            return "no \"\(name)\" column in the header (expected \(ScoresFile.scoreColumns.joined(separator: ",")))"
        case let .fieldCount(count, expected): return "\(count) fields, the header has \(expected)"
        case let .notANumber(column, text): return "\(column) is not a finite number: \"\(text.prefix(30))\""
        case let .notACount(column, text): return "\(column) \"\(text.prefix(30))\" is not a count"
        case .emptyCell(let column): return "no \(column) value"
        case let .scoredTwice(group, first): return "\(group.model) / \(group.prompt) is scored twice (also line \(first))"
        case .noRows: return "no scores, only a header"
        case let .unknownValue(column, text): return "\(column) \"\(text.prefix(30))\" is not one this scs knows"
        case let .mixedBackbones(first, difference):
            return "rows \(first) and \(line ?? 0) come from different backbones (\(difference)); score each backbone into its own file"
        case .sidecar(let why): return why
        }
    }
}
