import Foundation

/// Joins the manifests of a generation run split N ways (`scs generate --shard K/N` writes
/// `manifest.shard-K-of-N.jsonl`) into one `manifest.jsonl`, as an unsharded run would have
/// written it: every shard present exactly once, no image listed twice, each line kept as its
/// shard wrote it (the last line for a path wins within a shard, as when a run reads it back).
public enum ManifestMerge {
    public struct Merged: Sendable {
        /// The merged file's text, shard by shard in index order, each in its own line order.
        public var text: String
        public var images: Int
        public var shards: Int
    }

    /// (index, count) from a shard manifest's name; nil for any other name.
    public static func shard(ofFileName name: String) -> (index: Int, count: Int)? {
        guard name.hasPrefix("manifest.shard-"), name.hasSuffix(".jsonl") else { return nil }
        let middle = name.dropFirst("manifest.shard-".count).dropLast(".jsonl".count)
        let parts = middle.components(separatedBy: "-of-")
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]), n >= 1, k >= 0, k < n else { return nil }
        return (k, n)
    }

    public static func merge(paths: [String]) throws -> Merged {
        guard !paths.isEmpty else { throw GenerateError.invalidOption("no shard manifests given") }
        var byIndex: [Int: String] = [:]
        var count: Int?
        for path in paths {
            let name = URL(fileURLWithPath: path).lastPathComponent
            guard let s = shard(ofFileName: name) else {
                throw GenerateError.inputFile(
                    path: path, reason: "not a shard manifest (manifest.shard-K-of-N.jsonl, as a sharded scs generate writes them)")
            }
            if let count, count != s.count {
                throw GenerateError.inputFile(path: path, reason: "a shard of \(s.count), but \(byIndex.values.first ?? "") is a shard of \(count)")
            }
            count = s.count
            if let other = byIndex[s.index] {
                throw GenerateError.inputFile(path: path, reason: "shard \(s.index)/\(s.count) given twice (also \(other))")
            }
            byIndex[s.index] = path
        }
        let n = count!
        let missing = (0..<n).filter { byIndex[$0] == nil }
        if !missing.isEmpty {
            throw GenerateError.invalidOption(
                "missing \(missing.count) of \(n) shard manifests: "
                    + missing.prefix(10).map { "manifest.shard-\($0)-of-\(n).jsonl" }.joined(separator: ", "))
        }
        var owner: [String: String] = [:]
        var lines: [String] = []
        for index in 0..<n {
            let path = byIndex[index]!
            guard let data = FileManager.default.contents(atPath: path) else {
                throw GenerateError.inputFile(path: path, reason: "cannot read the file")
            }
            var mine: [(path: String, text: String)] = []
            var at: [String: Int] = [:]
            for (number, raw) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
                let text = String(decoding: raw, as: UTF8.self)
                if text.trimmingCharacters(in: .whitespaces).isEmpty { continue }
                guard let value = JSONValue.parse(Data(raw)), let image = value["path"]?.stringValue, !image.isEmpty else {
                    throw GenerateError.badLine(
                        path: path, line: number + 1,
                        reason: "not a manifest line (a JSON object with a path); rerun that shard to repair it")
                }
                if let i = at[image] {
                    mine[i].text = text
                } else {
                    at[image] = mine.count
                    mine.append((image, text))
                }
            }
            for line in mine {
                if let other = owner[line.path] {
                    throw GenerateError.inputFile(path: path, reason: "\(line.path) is also in \(other): the shards were not cut from one plan")
                }
                owner[line.path] = path
                lines.append(line.text)
            }
        }
        return Merged(text: lines.map { $0 + "\n" }.joined(), images: lines.count, shards: n)
    }
}
