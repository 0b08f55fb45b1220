import Foundation

/// An API token. It prints as `<NAME redacted>` however it is interpolated, so it cannot slip into
/// a message, a log line or the manifest by accident; only `Authorization` headers read `value`.
public struct Secret: Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The environment variable's name, e.g. `REPLICATE_API_TOKEN`.
    public let name: String
    /// Where it was found: "the environment" or the `.env` file's path.
    public let source: String
    let value: String

    public init(name: String, value: String, source: String) {
        self.name = name
        self.value = value
        self.source = source
    }

    public var description: String { "<\(name) redacted>" }
    public var debugDescription: String { description }

    /// `text` with every occurrence of the token replaced, for server messages that echo it
    /// (OpenAI's 401 quotes the key it was given).
    public func redact(_ text: String) -> String {
        guard value.count >= 4 else { return text }
        return text.replacingOccurrences(of: value, with: "<\(name) redacted>")
    }
}

/// The tokens `scs generate` needs, as the paper's code read them (python-dotenv's `load_dotenv`):
/// the process environment first, then a `.env` file, which never overrides the environment.
public enum Secrets {
    /// Looks `name` up; `nil` when it is in neither place (or empty).
    public static func load(_ name: String, environment: [String: String], envFile: URL) -> Secret? {
        if let value = environment[name]?.trimmingCharacters(in: .whitespacesAndNewlines), !value.isEmpty {
            return Secret(name: name, value: value, source: "the environment")
        }
        guard let text = try? String(contentsOf: envFile, encoding: .utf8),
            let value = DotEnv.parse(text)[name], !value.isEmpty
        else { return nil }
        return Secret(name: name, value: value, source: envFile.path)
    }
}

/// The `.env` format python-dotenv reads: `KEY=value` lines, optionally `export KEY=value`,
/// spaces around `=`, values in single or double quotes (`KEY = "value"`, as the paper's
/// `.env_example`), `#` comments on their own line or after an unquoted value.
public enum DotEnv {
    public static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for raw in text.split(whereSeparator: \.isNewline) {
            var line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmingCharacters(in: .whitespaces) }
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingCharacters(in: .whitespaces)
            guard !key.isEmpty, key.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "." }) else { continue }
            var value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
            if let quote = value.first, quote == "\"" || quote == "'", let inner = unquote(value, quote) {
                value = inner
            } else if let hash = value.range(of: " #") {
                value = value[..<hash.lowerBound].trimmingCharacters(in: .whitespaces)
            }
            result[key] = value
        }
        return result
    }

    /// The text between `quote` and its closing partner; in double quotes `\"`, `\\` and `\n`
    /// are escapes. `nil` when the quote is never closed (the value is then taken literally).
    private static func unquote(_ value: String, _ quote: Character) -> String? {
        var out = ""
        var escaped = false
        for c in value.dropFirst() {
            if escaped {
                out.append(c == "n" ? "\n" : c)
                escaped = false
            } else if c == "\\" && quote == "\"" {
                escaped = true
            } else if c == quote {
                return out
            } else {
                out.append(c)
            }
        }
        return nil
    }
}
