import Foundation

/// Why a report cannot be written. Each message names the file, model, prompt or image at fault;
/// nothing is left in the output folder when one is thrown.
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// A file or folder given to the report that is not what it must be. The fields say which file
/// and what is wrong; the remedy is worded by the caller (`describe`), since only the command line
/// knows its own commands and flags.
public enum ReportInputError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A comparisons file that is not the JSON a comparison writes.
    case notAComparison(path: String, NotAComparison)
    /// The output folder exists, holds files, and is not an earlier report (no report.json).
    case outputNotAReport(path: String)

    public enum NotAComparison: Equatable, Sendable {
        /// Not a JSON object at all.
        case notAnObject
        /// An object without model_a, model_b or verdict.
        case missingFields
    }

    public var description: String { describe(.plain) }

    /// One line, naming what writes comparisons and how to choose another output as `wording` does.
    public func describe(_ wording: ReportWording) -> String {
        switch self {
        case let .notAComparison(path, .notAnObject):
            return "\(path): not a JSON object (expected the output of \(wording.comparisonSource))"
        case let .notAComparison(path, .missingFields):
            return "\(path): not the output of \(wording.comparisonSource) (no model_a, model_b or verdict)"
        case let .outputNotAReport(path):
            return "\(path) exists and is not an scs report (no report.json): \(wording.choosingOutput)"
        }
    }
}

/// How a `ReportInputError` names what writes comparison files and how to choose another output.
public struct ReportWording: Sendable {
    /// What writes a comparisons file: `scs compare --json` on the command line.
    public var comparisonSource: String
    /// The remedy for an output folder that is not a report: `choose another --out`.
    public var choosingOutput: String

    public init(comparisonSource: String, choosingOutput: String) {
        self.comparisonSource = comparisonSource
        self.choosingOutput = choosingOutput
    }

    /// Plain words, for `description`.
    public static let plain = ReportWording(comparisonSource: "a comparison in JSON", choosingOutput: "choose another output folder")
}
