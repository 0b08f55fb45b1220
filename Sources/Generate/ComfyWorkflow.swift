import Crypto
import Foundation

/// A ComfyUI workflow in API format (the JSON "Save (API Format)" writes: node id →
/// `{"class_type", "inputs"}`) with placeholders where each image's values go.
///
/// A placeholder is `{{name}}` inside a string. A string that is only a placeholder becomes the
/// value with its JSON type (`"{{seed}}"` → `892834`, `"{{guidance}}"` → `7.5`); a placeholder
/// inside longer text is replaced by the value's text (`"{{prompt}}, oil on canvas"`).
/// Substitution happens on the parsed JSON, so quotes in a prompt cannot break the workflow.
///
/// Names: `prompt` and `seed` (both required, or every image would be the same), and
/// `negative_prompt`, `width`, `height`, `steps`, `guidance`, `sampler`, plus any key of `--extra`.
public struct ComfyWorkflow: Sendable {
    public let path: String
    public let graph: [String: JSONValue]
    /// The placeholder names the workflow uses.
    public let placeholders: Set<String>
    /// SHA-256 of the workflow file as given.
    public let sha256: String

    public static let builtInNames: Set<String> = ["prompt", "seed", "negative_prompt", "width", "height", "steps", "guidance", "sampler"]
    public static let requiredNames: Set<String> = ["prompt", "seed"]

    public init(path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GenerateError.workflow(path: path, reason: "cannot read the file")
        }
        try self.init(data: data, path: path)
    }

    public init(data: Data, path: String) throws {
        self.path = path
        sha256 = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        guard let json = JSONValue.parse(data), case .object(let graph) = json else {
            throw GenerateError.workflow(path: path, reason: "not a JSON object")
        }
        if graph["nodes"] != nil && graph["links"] != nil {
            throw GenerateError.workflow(path: path, reason: "this is the UI format; export the workflow with \"Save (API Format)\"")
        }
        for (id, node) in graph {
            guard node["class_type"]?.stringValue != nil, node["inputs"]?.objectValue != nil else {
                throw GenerateError.workflow(path: path, reason: "node \"\(id)\" has no class_type and inputs: not an API-format workflow")
            }
        }
        self.graph = graph
        var names = Set<String>()
        Self.collect(.object(graph), into: &names)
        placeholders = names
        let missing = Self.requiredNames.subtracting(names)
        if !missing.isEmpty {
            throw GenerateError.workflow(
                path: path,
                reason: "no " + missing.sorted().map { "{{\($0)}}" }.joined(separator: " or ")
                    + " placeholder: every image would be drawn from the same input")
        }
    }

    /// The workflow with every placeholder replaced; `values` must hold every name used.
    public func substituted(_ values: [String: JSONValue]) -> JSONValue {
        Self.substitute(.object(graph), values)
    }

    // MARK: Placeholders

    static let pattern = try! NSRegularExpression(pattern: #"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}"#)

    static func names(in text: String) -> [(range: Range<String.Index>, name: String)] {
        pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).compactMap { m in
            guard let r = Range(m.range, in: text), let n = Range(m.range(at: 1), in: text) else { return nil }
            return (r, String(text[n]))
        }
    }

    private static func collect(_ value: JSONValue, into names: inout Set<String>) {
        switch value {
        case .string(let s): for m in Self.names(in: s) { names.insert(m.name) }
        case .array(let a): for v in a { collect(v, into: &names) }
        case .object(let o): for v in o.values { collect(v, into: &names) }
        default: break
        }
    }

    private static func substitute(_ value: JSONValue, _ values: [String: JSONValue]) -> JSONValue {
        switch value {
        case .string(let s):
            let matches = names(in: s)
            if matches.isEmpty { return value }
            if matches.count == 1, matches[0].range == s.startIndex..<s.endIndex, let v = values[matches[0].name] { return v }
            var out = s
            for m in matches.reversed() {
                guard let v = values[m.name] else { continue }
                out.replaceSubrange(m.range, with: text(of: v))
            }
            return .string(out)
        case .array(let a): return .array(a.map { substitute($0, values) })
        case .object(let o): return .object(o.mapValues { substitute($0, values) })
        default: return value
        }
    }

    private static func text(of value: JSONValue) -> String {
        switch value {
        case .string(let s): return s
        case .int(let i): return String(i)
        case .double(let d): return d.rounded() == d && abs(d) < 1e15 ? String(Int64(d)) : String(d)
        case .bool(let b): return b ? "true" : "false"
        case .null: return ""
        default: return value.description
        }
    }
}
