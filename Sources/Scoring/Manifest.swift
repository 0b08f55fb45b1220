import Foundation

extension Dataset {
    /// Reads a manifest: CSV with a header naming `model`, `prompt`, `path` (and optionally
    /// `seed` and `category`), or JSON Lines with those keys. Relative paths are relative to the manifest's folder.
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
                items.append(
                    ImageItem(
                        model: try field("model"), prompt: prompt, path: resolve(try field("path")), seed: seed, text: prompt,
                        category: category(object["category"])))
            }
        } else {
            let rows: [[String]]
            do { rows = try CSV.parse(text, path: path) } catch let e as CSVError {
                throw DatasetError.badManifest(path: e.path, line: e.line, reason: e.reason)
            }
            guard let header = rows.first else { throw DatasetError.badManifest(path: path, line: 1, reason: "empty manifest") }
            func column(_ name: String) throws -> Int {
                guard let i = header.firstIndex(of: name) else {
                    throw DatasetError.badManifest(path: path, line: 1, reason: "header has no \(name) column")
                }
                return i
            }
            let (m, p, f) = (try column("model"), try column("prompt"), try column("path"))
            let s = header.firstIndex(of: "seed"), c = header.firstIndex(of: "category")
            for (n, row) in rows.dropFirst().enumerated() where !(row.count == 1 && row[0].isEmpty) {
                guard row.count == header.count else {
                    throw DatasetError.badManifest(path: path, line: n + 2, reason: "\(row.count) fields, header has \(header.count)")
                }
                items.append(
                    ImageItem(
                        model: row[m], prompt: row[p], path: resolve(row[f]), seed: s.map { row[$0] }, text: row[p],
                        category: category(c.map { row[$0] })))
            }
        }
        if items.isEmpty { throw DatasetError.noImages(path) }
        items.sort {
            [$0.model, $0.prompt, $0.path].lexicographicallyPrecedes([$1.model, $1.prompt, $1.path]) {
                $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars)
            }
        }
        return Dataset(items: items)
    }
}
