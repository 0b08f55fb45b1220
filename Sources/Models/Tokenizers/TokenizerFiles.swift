import Foundation

/// What the tokenizers share about their files.
enum TokenizerFiles {
    /// The pad token a folder's tokenizer files name (`special_tokens_map.json`, else
    /// `tokenizer_config.json`; a plain string or an added-token object).
    static func padToken(in folder: URL) -> String? {
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            guard let data = FileManager.default.contents(atPath: folder.appendingPathComponent(name).path),
                let root = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any]
            else { continue }
            if let pad = root["pad_token"] as? String { return pad }
            if let pad = (root["pad_token"] as? [String: Any])?["content"] as? String { return pad }
        }
        return nil
    }
}

/// A tokenizer's files are missing or malformed; names the file.
public enum TokenizerError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case missing(folder: String, reason: String)

    public var description: String {
        switch self {
        case let .unreadable(path, reason): return "\(path): \(reason)"
        case let .missing(folder, reason): return "\(folder): \(reason)"
        }
    }
}
