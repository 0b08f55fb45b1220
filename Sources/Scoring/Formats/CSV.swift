import Foundation

/// A CSV file that cannot be parsed: which file, on which line (of the text, counting the lines
/// inside quoted fields), and why.
public struct CSVError: Error, Equatable, Sendable, CustomStringConvertible {
    public let path: String
    public let line: Int
    public let reason: String

    public var description: String { "\(path):\(line): \(reason)" }
}

/// RFC 4180 CSV, as every file scs writes uses it and as Python's csv module and pandas read it:
/// fields quoted when they hold a comma, a quote or a line break, quotes doubled, rows ended by
/// LF (CRLF is read too). The one codec of the package: manifests, scores, alignments, pairs
/// files and the annotation export all go through it.
public enum CSV {
    /// One row and the line of the text it starts on (a quoted field may span several).
    public struct Record: Sendable, Equatable {
        public var fields: [String]
        public var line: Int

        /// A line with nothing but spaces: files edited by hand have them, and they are not rows.
        public var isBlank: Bool { fields.count == 1 && fields[0].allSatisfy { $0 == " " || $0 == "\t" } }
    }

    /// Every row of `text` with the line it starts on; `path` names the file in errors.
    public static func records(_ text: String, path: String) throws -> [Record] {
        var records: [Record] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1, rowLine = 1
        var chars = Array(text.unicodeScalars)[...]
        while let c = chars.popFirst() {
            if inQuotes {
                if c == "\"" {
                    if chars.first == "\"" { field.unicodeScalars.append("\""); chars.removeFirst() } else { inQuotes = false }
                } else {
                    if c == "\n" { line += 1 }
                    field.unicodeScalars.append(c)
                }
            } else if c == "\"" && field.isEmpty {
                inQuotes = true
            } else if c == "," {
                row.append(field); field = ""
            } else if c == "\n" || c == "\r" {
                if c == "\r" && chars.first == "\n" { chars.removeFirst() }
                row.append(field); field = ""
                records.append(Record(fields: row, line: rowLine)); row = []
                line += 1
                rowLine = line
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw CSVError(path: path, line: line, reason: "unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { row.append(field); records.append(Record(fields: row, line: rowLine)) }
        return records
    }

    /// The rows of `text`, without their line numbers.
    public static func parse(_ text: String, path: String) throws -> [[String]] {
        try records(text, path: path).map(\.fields)
    }

    /// One CSV field, quoted when it must be.
    public static func escape(_ field: String) -> String {
        // isNewline: "\r\n" is one Character in Swift, equal to neither "\n" nor "\r".
        if field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }

    /// One row as written: each field escaped, joined by commas, ended by LF.
    public static func row(_ fields: [String]) -> String {
        fields.map(escape).joined(separator: ",") + "\n"
    }
}
