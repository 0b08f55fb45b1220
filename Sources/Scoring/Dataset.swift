import Foundation

/// One image of a dataset: which model drew it, for which prompt, and where it is.
public struct ImageItem: Sendable, Equatable, Hashable {
    public var model: String
    public var prompt: String
    public var path: String
    public var seed: String?
    /// The exact prompt the image was generated from, when a manifest says so; otherwise `prompt`
    /// is all there is (a folder name, which cannot hold every character).
    public var text: String?

    public init(model: String, prompt: String, path: String, seed: String? = nil, text: String? = nil) {
        self.model = model
        self.prompt = prompt
        self.path = path
        self.seed = seed
        self.text = text
    }
}

/// How a dataset is laid out on disk.
public enum DatasetLayout: String, Sendable, CaseIterable {
    /// `<root>/<model>/<prompt>/<images>`: the paper's layout and the default.
    case modelPrompt = "model-prompt"
    /// `<root>/<prompt>/<images>`: one model, named after the root folder.
    case prompt
}

/// Problems with a dataset as a whole; each names the path at fault.
public enum DatasetError: Error, Equatable, Sendable, CustomStringConvertible {
    case notFound(String)
    case emptyGroup(folder: String)
    case noImages(String)
    case badManifest(path: String, line: Int, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such folder or file"
        case .emptyGroup(let folder): return "\(folder): prompt folder has no images"
        case .noImages(let path): return "\(path): no images found"
        case let .badManifest(path, line, reason): return "\(path):\(line): \(reason)"
        }
    }
}

/// The images to score, grouped by (model, prompt), in a deterministic order: models, then
/// prompts, then files, each sorted by name (Unicode code points, as Python's `sorted`).
public struct Dataset: Sendable {
    public var items: [ImageItem]
    /// Files passed over: hidden files and files whose extension is not an image's.
    public var ignored: [String]
    /// Prompt folders without images (empty groups), kept when the caller allows skipping.
    public var emptyGroups: [String]

    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    public init(items: [ImageItem], ignored: [String] = [], emptyGroups: [String] = []) {
        self.items = items
        self.ignored = ignored
        self.emptyGroups = emptyGroups
    }

    /// Scans a folder. With `allowEmptyGroups`, empty prompt folders are listed in `emptyGroups`
    /// instead of being an error.
    public static func scan(root: String, layout: DatasetLayout = .modelPrompt, allowEmptyGroups: Bool = false) throws -> Dataset {
        let fm = FileManager.default
        var isDir: ObjCBool = false
        guard fm.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else { throw DatasetError.notFound(root) }
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        var dataset = Dataset(items: [])

        func children(_ url: URL) throws -> [URL] {
            try fm.contentsOfDirectory(at: url, includingPropertiesForKeys: [.isDirectoryKey])
                .sorted { $0.lastPathComponent.unicodeScalars.lexicographicallyPrecedes($1.lastPathComponent.unicodeScalars) }
        }
        func isDirectory(_ url: URL) -> Bool { (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
        func scanPrompt(_ folder: URL, model: String) throws {
            var found = 0
            for file in try children(folder) {
                let name = file.lastPathComponent
                if name.hasPrefix(".") || isDirectory(file) || !imageExtensions.contains(file.pathExtension.lowercased()) {
                    dataset.ignored.append(file.path)
                    continue
                }
                dataset.items.append(ImageItem(model: model, prompt: folder.lastPathComponent, path: file.path,
                                               seed: file.deletingPathExtension().lastPathComponent))
                found += 1
            }
            if found == 0 {
                if !allowEmptyGroups { throw DatasetError.emptyGroup(folder: folder.path) }
                dataset.emptyGroups.append(folder.path)
            }
        }
        func scanModel(_ folder: URL, model: String) throws {
            for entry in try children(folder) {
                if entry.lastPathComponent.hasPrefix(".") || !isDirectory(entry) {
                    dataset.ignored.append(entry.path)
                    continue
                }
                try scanPrompt(entry, model: model)
            }
        }
        switch layout {
        case .prompt:
            try scanModel(rootURL, model: rootURL.lastPathComponent)
        case .modelPrompt:
            for entry in try children(rootURL) {
                if entry.lastPathComponent.hasPrefix(".") || !isDirectory(entry) {
                    dataset.ignored.append(entry.path)
                    continue
                }
                try scanModel(entry, model: entry.lastPathComponent)
            }
        }
        if dataset.items.isEmpty && dataset.emptyGroups.isEmpty { throw DatasetError.noImages(root) }
        dataset.readPromptTexts(root: rootURL)
        return dataset
    }

    /// `scs generate` writes `manifest.jsonl` beside the model folders (a sharded run
    /// `manifest.shard-K-of-N.jsonl`), one line per image with its `path` (relative to that folder)
    /// and exact `prompt`: scanned images take their text from it. Lines without both are passed over.
    mutating func readPromptTexts(root: URL) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0 == "manifest.jsonl" || ($0.hasPrefix("manifest.shard-") && $0.hasSuffix(".jsonl")) }.sorted()
        var texts: [String: String] = [:]
        let lines = names.flatMap { name in
            (FileManager.default.contents(atPath: root.appendingPathComponent(name).path) ?? Data()).split(separator: UInt8(ascii: "\n"))
        }
        for line in lines {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                  let path = object["path"] as? String, let prompt = object["prompt"] as? String else { continue }
            texts[root.appendingPathComponent(path).standardizedFileURL.path] = prompt
        }
        for i in items.indices { items[i].text = texts[items[i].path] }
    }

    /// The text of each group's prompt: the manifest's when every image of the group has it,
    /// else the group's name. `fromFolders` lists groups named after a folder whose name holds
    /// `_`, which may stand for a character a folder cannot hold (the paper's data set replaced
    /// apostrophes with it).
    public func promptTexts() -> (texts: [String], fromFolders: [String]) {
        var texts: [String] = [], ambiguous: [String] = []
        for group in groups {
            let known = Set(group.indices.compactMap { items[$0].text })
            if known.count == 1, group.indices.allSatisfy({ items[$0].text != nil }) {
                texts.append(known.first!)
            } else {
                texts.append(group.prompt)
                if group.prompt.contains("_") { ambiguous.append(group.model + "/" + group.prompt) }
            }
        }
        return (texts, ambiguous)
    }

    /// Groups in order: (model, prompt) → indices into `items`.
    public var groups: [(model: String, prompt: String, indices: [Int])] {
        var order: [String: Int] = [:]
        var result: [(model: String, prompt: String, indices: [Int])] = []
        for (i, item) in items.enumerated() {
            let key = item.model + "\u{0}" + item.prompt
            if let g = order[key] {
                result[g].indices.append(i)
            } else {
                order[key] = result.count
                result.append((item.model, item.prompt, [i]))
            }
        }
        return result
    }
}
