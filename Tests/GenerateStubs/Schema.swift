import SCSGenerate

/// A model input's declared type, as in a Cog model's OpenAPI schema or a FastAPI model.
public enum FieldType: Sendable {
    case string
    case integer(ClosedRange<Int64>? = nil)
    case number(ClosedRange<Double>? = nil)
    case boolean
    case choice([String])

    var name: String {
        switch self {
        case .string, .choice: return "string"
        case .integer: return "integer"
        case .number: return "number"
        case .boolean: return "boolean"
        }
    }

    /// Why `value` does not fit, or `nil`. Integers are accepted where numbers are, as JSON Schema does.
    func problem(_ value: JSONValue) -> String? {
        switch (self, value) {
        case (.string, .string): return nil
        case (.choice(let options), .string(let s)):
            return options.contains(s) ? nil : "\(s) is not one of \(options)"
        case (.integer(let range), .int(let i)):
            if let range, !range.contains(i) { return "must be between \(range.lowerBound) and \(range.upperBound)" }
            return nil
        case (.number(let range), .int), (.number(let range), .double):
            if let range, let d = value.doubleValue, !range.contains(d) { return "must be between \(range.lowerBound) and \(range.upperBound)" }
            return nil
        case (.boolean, .bool): return nil
        default: return "Invalid type. Expected: \(name), given: \(value.typeName.split(separator: " ").last ?? "")"
        }
    }
}

/// A set of inputs: which exist, their types, which are required.
public struct Schema: Sendable {
    public var fields: [String: FieldType]
    public var required: Set<String>
    /// Whether unknown fields are refused (Cog) or ignored.
    public var refusesUnknown = true

    /// (field, problem) for each bad field, sorted by field.
    public func problems(_ input: [String: JSONValue]) -> [(String, String)] {
        var out: [(String, String)] = []
        for name in required where input[name] == nil { out.append((name, "field required")) }
        for (name, value) in input {
            if let type = fields[name] {
                if let p = type.problem(value) { out.append((name, p)) }
            } else if refusesUnknown {
                out.append((name, "Additional property \(name) is not allowed"))
            }
        }
        return out.sorted { $0.0 < $1.0 }
    }
}
