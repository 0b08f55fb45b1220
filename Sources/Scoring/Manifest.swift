import Foundation

extension Dataset {
    /// Reads a manifest: CSV with a header naming `model`, `prompt`, `path` (and optionally
    /// `seed`), or JSON Lines with those keys. Relative paths are relative to the manifest's folder.
    /// Items are sorted as a scanned folder's are.
    public static func manifest(at path: String) throws -> Dataset {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { throw DatasetError.notFound(path) }
        let base = URL(fileURLWithPath: path).deletingLastPathComponent()
        var items: [ImageItem] = []
        func resolve(_ p: String) -> String { p.hasPrefix("/") ? p : base.appendingPathComponent(p).standardizedFileURL.path }
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        let isJSONL = path.lowercased().hasSuffix(".jsonl") || lines.first?.trimmingCharacters(in: .whitespaces).hasPrefix("{") == true
        if isJSONL {
            for (n, line) in lines.enumerated() where !line.trimmingCharacters(in: .whitespaces).isEmpty {
                guard let object = (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] else {
                    throw DatasetError.badManifest(path: path, line: n + 1, reason: "not a JSON object")
                }
                func field(_ key: String) throws -> String {
                    guard let value = object[key] as? String, !value.isEmpty else {
                        throw DatasetError.badManifest(path: path, line: n + 1, reason: "missing field \(key)")
                    }
                    return value
                }
                let seed = object["seed"].map { "\($0)" }
                let prompt = try field("prompt")
                items.append(ImageItem(model: try field("model"), prompt: prompt, path: resolve(try field("path")), seed: seed, text: prompt))
            }
        } else {
            let rows = try CSV.parse(text, path: path)
            guard let header = rows.first else { throw DatasetError.badManifest(path: path, line: 1, reason: "empty manifest") }
            func column(_ name: String) throws -> Int {
                guard let i = header.firstIndex(of: name) else {
                    throw DatasetError.badManifest(path: path, line: 1, reason: "header has no \(name) column")
                }
                return i
            }
            let (m, p, f) = (try column("model"), try column("prompt"), try column("path"))
            let s = header.firstIndex(of: "seed")
            for (n, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
                guard row.count == header.count else {
                    throw DatasetError.badManifest(path: path, line: n + 2, reason: "\(row.count) fields, header has \(header.count)")
                }
                items.append(ImageItem(model: row[m], prompt: row[p], path: resolve(row[f]), seed: s.map { row[$0] }, text: row[p]))
            }
        }
        if items.isEmpty { throw DatasetError.noImages(path) }
        items.sort { [$0.model, $0.prompt, $0.path].lexicographicallyPrecedes([$1.model, $1.prompt, $1.path]) {
            $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
        } }
        return Dataset(items: items)
    }
}

/// RFC 4180 CSV: quoted fields, doubled quotes, CRLF or LF.
public enum CSV {
    public static func parse(_ text: String, path: String) throws -> [[String]] {
        var rows: [[String]] = []
        var row: [String] = []
        var field = ""
        var inQuotes = false
        var line = 1
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
                rows.append(row); row = []
                line += 1
            } else {
                field.unicodeScalars.append(c)
            }
        }
        if inQuotes { throw DatasetError.badManifest(path: path, line: line, reason: "unterminated quoted field") }
        if !field.isEmpty || !row.isEmpty { row.append(field); rows.append(row) }
        return rows
    }

    /// One CSV field, quoted when it must be.
    public static func escape(_ field: String) -> String {
        // isNewline: "\r\n" is one Character in Swift, equal to neither "\n" nor "\r".
        if field.contains(where: { $0 == "," || $0 == "\"" || $0.isNewline }) {
            return "\"" + field.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        return field
    }
}
