import Foundation
import SCSImaging

/// One image of a dataset: which model drew it, for which prompt, and where it is.
public struct ImageItem: Sendable, Equatable, Hashable {
    public var model: String
    public var prompt: String
    public var path: String
    public var seed: String?
    /// The exact prompt the image was generated from, when a manifest says so; otherwise `prompt`
    /// is all there is (a folder name, which cannot hold every character).
    public var text: String?
    /// The prompt's category in its suite (a manifest's `category`), when one says so.
    public var category: String?

    public init(model: String, prompt: String, path: String, seed: String? = nil, text: String? = nil, category: String? = nil) {
        self.model = model
        self.prompt = prompt
        self.path = path
        self.seed = seed
        self.text = text
        self.category = category
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
    /// The dataset folder exists but cannot be listed; the reason in words.
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .notFound(let path): return "\(path): no such folder or file"
        case .emptyGroup(let folder): return "\(folder): prompt folder has no images"
        case .noImages(let path): return "\(path): no images found"
        case let .badManifest(path, line, reason): return "\(path):\(line): \(reason)"
        case let .unreadable(path, reason): return "\(path): cannot be listed: \(reason)"
        }
    }
}

/// A folder or file of a dataset that the listing could not use, and why: a symlink loop, a
/// name that is not UTF-8, a FIFO, socket or device, a broken symlink, a folder that cannot be read.
/// Never an error, never silent: `scs score` lists each in its JSON (`excluded` for a prompt
/// folder, `skipped` for the rest) and prints it; `scs annotate init` prints it.
public struct DatasetExclusion: Sendable, Equatable, CustomStringConvertible {
    /// The path as printed: names that are not UTF-8 have their bytes escaped (`\xNN`).
    public var path: String
    public var reason: String
    /// The model folder it is in (nil for an entry of the root in the model-prompt layout: a
    /// model folder that cannot be used, or anything else beside the model folders).
    public var model: String?
    /// Set when the entry is a prompt folder (a group without a score): its name as printed.
    public var prompt: String?

    public init(path: String, reason: String, model: String? = nil, prompt: String? = nil) {
        self.path = path
        self.reason = reason
        self.model = model
        self.prompt = prompt
    }

    public var description: String { "\(path): \(reason)" }
}

/// The images to score, grouped by (model, prompt), in a deterministic order: models, then
/// prompts, then files, each sorted by name (Unicode code points, as Python's `sorted`).
public struct Dataset: Sendable {
    public var items: [ImageItem]
    /// Files passed over: hidden files and files whose extension is not an image's (and folders
    /// inside a prompt folder, files beside the model folders).
    public var ignored: [String]
    /// Prompt folders without images (empty groups), kept when the caller allows skipping.
    public var emptyGroups: [String]
    /// What the listing could not use, each with its reason (see `DatasetExclusion`).
    public var excluded: [DatasetExclusion]

    public static let imageExtensions: Set<String> = ["jpg", "jpeg", "png", "webp"]

    public init(items: [ImageItem], ignored: [String] = [], emptyGroups: [String] = [], excluded: [DatasetExclusion] = []) {
        self.items = items
        self.ignored = ignored
        self.emptyGroups = emptyGroups
        self.excluded = excluded
    }

    /// Scans a folder. With `allowEmptyGroups`, empty prompt folders are listed in `emptyGroups`
    /// instead of being an error.
    ///
    /// Folders are listed by `FolderLister`, from the bytes of their names: symlinked model and
    /// prompt folders and images are followed; a folder reached again through a symlink (a loop)
    /// and everything else that cannot be used (names that are not UTF-8, FIFOs, sockets,
    /// devices, broken symlinks, folders that cannot be read) go to `excluded` with the reason,
    /// never to `ignored`, and never stop the scan.
    public static func scan(root: String, layout: DatasetLayout = .modelPrompt, allowEmptyGroups: Bool = false) throws -> Dataset {
        let rootURL = URL(fileURLWithPath: root).standardizedFileURL
        let rootIdentity: FolderLister.Identity
        switch FolderLister.identity(of: rootURL.path) {
        case .success(let identity): rootIdentity = identity
        case .failure(let problem):
            var isDir: ObjCBool = false
            if !FileManager.default.fileExists(atPath: root, isDirectory: &isDir) || !isDir.boolValue {
                if problem.reason == FolderLister.symlinkLoop { throw DatasetError.unreadable(path: root, reason: problem.reason) }
                throw DatasetError.notFound(root)
            }
            throw DatasetError.unreadable(path: root, reason: problem.reason)
        }
        let rootEntries: [FolderLister.Entry]
        do { rootEntries = try FolderLister.list(rootURL.path, displayPath: rootURL.path) } catch {
            throw DatasetError.unreadable(path: root, reason: FileProblem.describe(error))
        }
        var dataset = Dataset(items: [])

        /// The entries of a folder, or nil (and the folder excluded) when it cannot be listed.
        func children(_ path: String, model: String?, prompt: String?) -> [FolderLister.Entry]? {
            do { return try FolderLister.list(path, displayPath: path) } catch {
                dataset.excluded.append(
                    DatasetExclusion(
                        path: path, reason: "cannot be read: \(FileProblem.describe(error))",
                        model: model, prompt: prompt))
                return nil
            }
        }
        func scanPrompt(_ path: String, name prompt: String, model: String) {
            guard let entries = children(path, model: model, prompt: prompt) else { return }
            var found = 0
            for entry in entries {
                if entry.hidden { dataset.ignored.append(entry.displayPath); continue }
                switch entry.kind {
                case .unusable(let reason):
                    dataset.excluded.append(DatasetExclusion(path: entry.displayPath, reason: reason, model: model))
                case .folder:
                    dataset.ignored.append(entry.displayPath)
                case .file:
                    let url = URL(fileURLWithPath: entry.path!)
                    guard imageExtensions.contains(url.pathExtension.lowercased()) else {
                        dataset.ignored.append(entry.displayPath)
                        continue
                    }
                    dataset.items.append(
                        ImageItem(
                            model: model, prompt: prompt, path: entry.path!,
                            seed: url.deletingPathExtension().lastPathComponent))
                    found += 1
                }
            }
            if found == 0 { dataset.emptyGroups.append(path) }
        }
        /// The prompt folders of a model folder (`ancestors`: the folders above, for loops).
        func scanModel(_ path: String, model: String, ancestors: Set<FolderLister.Identity>, entries: [FolderLister.Entry]? = nil) {
            guard let entries = entries ?? children(path, model: model, prompt: nil) else { return }
            for entry in entries {
                if entry.hidden { dataset.ignored.append(entry.displayPath); continue }
                switch entry.kind {
                case .unusable(let reason):
                    dataset.excluded.append(
                        DatasetExclusion(
                            path: entry.displayPath, reason: reason, model: model,
                            prompt: entry.displayName))
                case .folder(let identity) where ancestors.contains(identity):
                    dataset.excluded.append(
                        DatasetExclusion(
                            path: entry.displayPath, reason: FolderLister.symlinkLoop, model: model,
                            prompt: entry.displayName))
                case .folder:
                    scanPrompt(entry.path!, name: entry.name!, model: model)
                case .file:
                    dataset.ignored.append(entry.displayPath)
                }
            }
        }
        switch layout {
        case .prompt:
            scanModel(rootURL.path, model: rootURL.lastPathComponent, ancestors: [rootIdentity], entries: rootEntries)
        case .modelPrompt:
            for entry in rootEntries {
                if entry.hidden { dataset.ignored.append(entry.displayPath); continue }
                switch entry.kind {
                case .unusable(let reason):
                    dataset.excluded.append(DatasetExclusion(path: entry.displayPath, reason: reason))
                case .folder(let identity) where identity == rootIdentity:
                    dataset.excluded.append(DatasetExclusion(path: entry.displayPath, reason: FolderLister.symlinkLoop))
                case .folder(let identity):
                    scanModel(entry.path!, model: entry.name!, ancestors: [rootIdentity, identity])
                case .file:
                    dataset.ignored.append(entry.displayPath)
                }
            }
        }
        if let empty = dataset.emptyGroups.first, !allowEmptyGroups { throw DatasetError.emptyGroup(folder: empty) }
        if dataset.items.isEmpty && dataset.emptyGroups.isEmpty { throw DatasetError.noImages(root) }
        dataset.readPromptTexts(root: rootURL)
        return dataset
    }

    /// `scs generate` writes `manifest.jsonl` beside the model folders (a sharded run
    /// `manifest.shard-K-of-N.jsonl`), one line per image with its `path` (relative to that folder)
    /// and exact `prompt`: scanned images take their text from it, and their `category` when the
    /// line has one (`scs generate --suite`). Lines without both are passed over.
    mutating func readPromptTexts(root: URL) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? [])
            .filter { $0 == "manifest.jsonl" || ($0.hasPrefix("manifest.shard-") && $0.hasSuffix(".jsonl")) }.sorted()
        var texts: [String: String] = [:], categories: [String: String] = [:]
        let lines = names.flatMap { name in
            (FileManager.default.contents(atPath: root.appendingPathComponent(name).path) ?? Data()).split(separator: UInt8(ascii: "\n"))
        }
        for line in lines {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(line))) as? [String: Any],
                let path = object["path"] as? String, let prompt = object["prompt"] as? String
            else { continue }
            let key = root.appendingPathComponent(path).standardizedFileURL.path
            texts[key] = prompt
            categories[key] = Self.category(object["category"])
        }
        for i in items.indices {
            items[i].text = texts[items[i].path]
            items[i].category = categories[items[i].path]
        }
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
        var order: [GroupKey: Int] = [:]
        var result: [(model: String, prompt: String, indices: [Int])] = []
        for (i, item) in items.enumerated() {
            let key = item.group
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
