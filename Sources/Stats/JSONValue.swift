import Foundation

/// A JSON document whose objects keep their keys in the order they were written, so that
/// `scs compare --json` reads top-down like the table (Foundation's encoders sort or shuffle).
public indirect enum JSONValue: Equatable, Sendable {
    case null
    case bool(Bool)
    case number(Double)
    case integer(Int)
    case string(String)
    case array([JSONValue])
    case object([(String, JSONValue)])

    public static func == (lhs: JSONValue, rhs: JSONValue) -> Bool {
        lhs.serialized() == rhs.serialized()
    }

    /// A finite number as a JSON number; ±∞ as the strings "inf" / "-inf" (JSON has no
    /// infinity); NaN as null — callers never put NaN here, they report "not computable".
    public static func double(_ x: Double?) -> JSONValue {
        guard let x else { return .null }
        if x.isNaN { return .null }
        if x.isInfinite { return .string(x > 0 ? "inf" : "-inf") }
        return .number(x)
    }

    /// The value at `key` of an object.
    public subscript(key: String) -> JSONValue? {
        if case .object(let pairs) = self { return pairs.first { $0.0 == key }?.1 }
        return nil
    }

    /// Pretty-printed JSON text, two-space indents, numbers in shortest round-trip form.
    public func serialized(indent: String = "") -> String {
        let inner = indent + "  "
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .integer(let i): return String(i)
        case .number(let x):
            if x == x.rounded() && abs(x) < 1e15 { return String(format: "%.1f", x) }
            return "\(x)"
        case .string(let s): return JSONValue.quote(s)
        case .array(let items):
            if items.isEmpty { return "[]" }
            if items.allSatisfy({
                if case .number = $0 { return true }; if case .integer = $0 { return true }; return false
            }) {
                return "[" + items.map { $0.serialized() }.joined(separator: ", ") + "]"
            }
            return "[\n" + items.map { inner + $0.serialized(indent: inner) }.joined(separator: ",\n") + "\n" + indent + "]"
        case .object(let pairs):
            if pairs.isEmpty { return "{}" }
            return "{\n"
                + pairs.map { inner + JSONValue.quote($0.0) + ": " + $0.1.serialized(indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        }
    }

    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
