import Foundation

/// A config.json field name. Each architecture names its own fields, so any string is a key.
struct ConfigKey: CodingKey, ExpressibleByStringLiteral {
    let stringValue: String
    init(stringValue: String) { self.stringValue = stringValue }
    init(stringLiteral value: String) { stringValue = value }
    var intValue: Int? { nil }
    init?(intValue: Int) { nil }
}

/// One object of a config.json (the root, `vision_config` or `text_config`).
typealias ConfigFields = KeyedDecodingContainer<ConfigKey>

/// Typed reads of config.json fields. An absent field takes the caller's default; a field of the
/// wrong type or out of range is a `DecodingError` at that field, which `ConfigJSON.decode`
/// turns into `WeightsError.badConfig` naming the file and the field's path.
extension KeyedDecodingContainer where Key == ConfigKey {
    /// An integer of at least `minimum` (positive unless said), or `fallback` when absent. null
    /// is an error: transformers writes every size it has, so a null one is a damaged file.
    func integer(_ key: Key, default fallback: Int, atLeast minimum: Int = 1) throws -> Int {
        guard contains(key) else { return fallback }
        guard let number = try? decode(Int.self, forKey: key), number >= minimum else {
            let kind = minimum == 1 ? "a positive integer" : "an integer of at least \(minimum)"
            throw invalid(key, "must be \(kind), found \(found(key))")
        }
        return number
    }

    /// A positive number, or `fallback` when absent or null (transformers' own reading of null).
    func positiveNumber(_ key: Key, default fallback: Double) throws -> Double {
        guard contains(key), try !decodeNil(forKey: key) else { return fallback }
        guard let number = try? decode(Double.self, forKey: key), number > 0, number.isFinite else {
            throw invalid(key, "must be a positive number, found \(found(key))")
        }
        return number
    }

    /// true or false, or `fallback` when absent or null.
    func flag(_ key: Key, default fallback: Bool) throws -> Bool {
        guard contains(key), try !decodeNil(forKey: key) else { return fallback }
        guard let value = try? decode(Bool.self, forKey: key) else {
            throw invalid(key, "must be true or false, found \(found(key))")
        }
        return value
    }

    /// A string, or `fallback` when absent or null.
    func text(_ key: Key, default fallback: String) throws -> String {
        guard contains(key), try !decodeNil(forKey: key) else { return fallback }
        guard let value = try? decode(String.self, forKey: key) else {
            throw invalid(key, "must be a string, found \(found(key))")
        }
        return value
    }

    /// A nested object (`vision_config`, `text_config`), or nil when absent or null.
    func object(_ key: Key) throws -> ConfigFields? {
        guard contains(key), try !decodeNil(forKey: key) else { return nil }
        guard let nested = try? nestedContainer(keyedBy: ConfigKey.self, forKey: key) else {
            throw invalid(key, "must be an object, found \(found(key))")
        }
        return nested
    }

    /// The error for a field whose value (or whose relation to others) is wrong.
    func invalid(_ key: Key, _ reason: String) -> DecodingError {
        DecodingError.dataCorrupted(.init(codingPath: codingPath + [key], debugDescription: reason))
    }

    /// The value found at `key`, for an error message.
    private func found(_ key: Key) -> String {
        if (try? decodeNil(forKey: key)) == true { return "null" }
        if let value = try? decode(Int.self, forKey: key) { return "\(value)" }
        if let value = try? decode(Double.self, forKey: key) { return "\(value)" }
        if let value = try? decode(Bool.self, forKey: key) { return "\(value)" }
        if let value = try? decode(String.self, forKey: key) { return "\"\(value)\"" }
        return "an array or object"
    }
}

extension ConfigJSON {
    /// Decodes a config type from the config.json at `url`; every error names the file, and the
    /// field when one is at fault (`vision_config.hidden_size`).
    static func decode<Config: Decodable>(_ type: Config.Type, from url: URL) throws -> Config {
        let data: Data
        do { data = try Data(contentsOf: url) } catch {
            throw WeightsError.badConfig(path: url.path, reason: "cannot read: \(error.localizedDescription)")
        }
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw WeightsError.badConfig(path: url.path, reason: reason(error))
        }
    }

    /// "field a.b: what is wrong", or "not a JSON object" when the file is not one.
    static func reason(_ error: DecodingError) -> String {
        let context: DecodingError.Context
        switch error {
        case let .dataCorrupted(c), let .typeMismatch(_, c), let .valueNotFound(_, c): context = c
        case let .keyNotFound(key, c):
            return "field \((c.codingPath + [key]).map(\.stringValue).joined(separator: ".")) is missing"
        @unknown default: return "\(error)"
        }
        guard !context.codingPath.isEmpty else { return "not a JSON object" }
        return "field \(context.codingPath.map(\.stringValue).joined(separator: ".")): \(context.debugDescription)"
    }
}
