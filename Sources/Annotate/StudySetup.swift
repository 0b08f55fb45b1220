import Foundation
import GRDB
import SCSImaging
import SCSScoring

/// `scs annotate init`: register what annotators will see.
public enum StudySetup {
    /// What `create` registered, for the command to report.
    public struct Summary: Sendable {
        public var prompts: Int
        public var images: Int
        /// Prompts where a model has fewer readable images than `imagesPerSide` (all of them are shown).
        public var shortGroups: [String]
        public var adminToken: String
        /// Images of the two models passed over because they do not read and decode as scoring
        /// reads them ("path: reason"), in the order they were met; the next readable ones were
        /// taken instead.
        public var unreadableImages: [String] = []
        /// What the dataset listing could not use in the two models' folders ("path: reason": a
        /// symlink loop, a name that is not UTF-8, a FIFO, …; see `Dataset.excluded`).
        public var listingExclusions: [String] = []
        /// Prompts both models have, left out because one of them has no readable image of it.
        public var promptsWithoutImages: [String] = []
    }

    /// Creates the study at `path` from a dataset in the paper's `<model>/<prompt>/<images>`
    /// layout: the prompts both models have (or those listed in `promptsFile`, in its order,
    /// each of which both must have) and, per model and prompt, the first `imagesPerSide`
    /// images sorted by file name, as the paper showed them. Every image is read and decoded
    /// first, as `scs score` does: one that fails is passed over (named in the summary) and the
    /// next readable one taken, so annotators see images that were scored.
    ///
    /// `sidesFile` reproduces a fixed arrangement, such as the paper's
    /// `annotations_model_order.txt`: line i is `left,right` for the study's i-th prompt, the same
    /// for every annotator (instead of the random, balanced one). Lines beyond the prompts are
    /// ignored, as the paper's file has 108 lines for 100 prompts.
    public static func create(
        at path: String, dataset root: String, config: StudyConfig,
        promptsFile: String? = nil, sidesFile: String? = nil
    ) throws -> (Study, Summary) {
        guard config.imagesPerSide >= 1 else { throw AnnotateError.invalid("images per side must be at least 1, not \(config.imagesPerSide)") }
        guard config.modelA != config.modelB else { throw AnnotateError.invalid("give two different models") }
        let dataset = try Dataset.scan(root: root, allowEmptyGroups: true)
        let listingExclusions = dataset.excluded
            .filter { $0.model == config.modelA || $0.model == config.modelB || $0.model == nil }.map(\.description)
        var byModel: [String: [String: [ImageItem]]] = [:]
        for item in dataset.items { byModel[item.model, default: [:]][item.prompt, default: []].append(item) }
        let available = byModel.keys.sorted()
        for model in [config.modelA, config.modelB] where byModel[model] == nil {
            throw AnnotateError.unknownModel(model, available: available)
        }
        let groupsA = byModel[config.modelA]!, groupsB = byModel[config.modelB]!
        var prompts: [String]
        if let promptsFile {
            let text: String
            do { text = try readText(promptsFile) } catch {
                throw AnnotateError.study(path: promptsFile, reason: "cannot read the prompts file: \(FileProblem.describe(error))")
            }
            var seen = Set<String>()
            prompts = try text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }
                .filter { !$0.isEmpty && seen.insert($0).inserted }
                .map { line in
                    // Folder names cannot hold some characters; the published data set replaced the
                    // apostrophe (and a generator would the slash) with "_".
                    for candidate in [line, line.replacingOccurrences(of: "'", with: "_").replacingOccurrences(of: "/", with: "_")]
                    where groupsA[candidate] != nil && groupsB[candidate] != nil { return candidate }
                    throw AnnotateError.missingPrompt(line, file: promptsFile)
                }
        } else {
            prompts = Set(groupsA.keys).intersection(groupsB.keys)
                .sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
        }
        guard !prompts.isEmpty else { throw AnnotateError.noCommonPrompts(modelA: config.modelA, modelB: config.modelB) }
        let sides = [(config.modelA, groupsA), (config.modelB, groupsB)]
        // Dataset.scan lists files sorted by name (code points, as Python's sorted).
        let checked = firstReadable(prompts.flatMap { prompt in sides.map { $0.1[prompt] ?? [] } }, count: config.imagesPerSide)
        let unreadable = checked.flatMap(\.bad)
        // A side without a single readable image cannot be compared: a listed prompt is an error,
        // a common one is left out (and named).
        var withoutImages: [String] = [], kept: [String] = [], shown: [[ImageItem]] = []
        for (position, prompt) in prompts.enumerated() {
            let mine = Array(checked[(position * sides.count)..<((position + 1) * sides.count)])
            let empty = sides.indices.filter { mine[$0].good.isEmpty }.map { sides[$0].0 }
            if empty.isEmpty {
                kept.append(prompt)
                shown += mine.map(\.good)
            } else if let promptsFile {
                throw AnnotateError.invalid(
                    "\(promptsFile): prompt \"\(prompt)\" has no readable image of "
                        + empty.joined(separator: " and ") + ": " + mine.flatMap(\.bad).joined(separator: "; "))
            } else {
                withoutImages.append(prompt)
            }
        }
        prompts = kept
        guard !prompts.isEmpty else { throw AnnotateError.noCommonPrompts(modelA: config.modelA, modelB: config.modelB) }
        let fixedSides = try sidesFile.map { try readSides($0, config: config, prompts: prompts.count) }

        let study = try Study.create(at: path)
        let adminToken = Tokens.random()
        var summary = Summary(
            prompts: prompts.count, images: 0, shortGroups: [], adminToken: adminToken,
            unreadableImages: unreadable, listingExclusions: listingExclusions,
            promptsWithoutImages: withoutImages)
        do {
            try study.pool.write { db in
                try Schema.setMeta(
                    db,
                    [
                        "schema_version": Schema.version,
                        "model_a": config.modelA, "model_b": config.modelB,
                        "images_per_side": String(config.imagesPerSide),
                        "allow_cant_tell": config.allowCantTell ? "1" : "0",
                        "question": config.question,
                        "dataset": URL(fileURLWithPath: root).standardizedFileURL.path,
                        "admin_token": adminToken,
                        "form_secret": Tokens.random(),
                        "created_at": Timestamp.now()
                    ])
                if let fixedSides {
                    try Schema.setMeta(db, ["fixed_sides": fixedSides.map { $0 ? "A" : "B" }.joined()])
                }
                for (position, prompt) in prompts.enumerated() {
                    try db.execute(sql: "INSERT INTO prompt (position, text) VALUES (?, ?)", arguments: [position, prompt])
                    let promptID = db.lastInsertedRowID
                    for (side, (model, _)) in sides.enumerated() {
                        let items = shown[position * sides.count + side]
                        if items.count < config.imagesPerSide { summary.shortGroups.append("\(model)/\(prompt)") }
                        for (i, item) in items.enumerated() {
                            try db.execute(
                                sql: "INSERT INTO image (prompt_id, model, position, path) VALUES (?, ?, ?, ?)",
                                arguments: [promptID, model, i, item.path])
                            summary.images += 1
                        }
                    }
                }
            }
        } catch {
            try? FileManager.default.removeItem(atPath: path)
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
            throw AnnotateError.study(path: path, reason: FileProblem.describe(error))
        }
        return (study, summary)
    }

    /// For each list of images, the first `count` that read and decode as scoring reads them
    /// (`ImageDecoder.decodeNative`: the header, its pixel limit, then every pixel), and "path:
    /// reason" for each one passed over on the way. Lists are checked in parallel.
    static func firstReadable(_ lists: [[ImageItem]], count: Int) -> [(good: [ImageItem], bad: [String])] {
        final class Slots: @unchecked Sendable {
            var values: [(good: [ImageItem], bad: [String])]
            let lock = NSLock()
            init(_ n: Int) { values = Array(repeating: ([], []), count: n) }
        }
        let slots = Slots(lists.count)
        DispatchQueue.concurrentPerform(iterations: lists.count) { i in
            var good: [ImageItem] = [], bad: [String] = []
            for item in lists[i] where good.count < count {
                do {
                    _ = try ImageDecoder.decodeNative(fileAt: item.path)
                    good.append(item)
                } catch {
                    bad.append(error is ImageFileError ? "\(error)" : "\(item.path): \(error)")
                }
            }
            slots.lock.lock()
            slots.values[i] = (good, bad)
            slots.lock.unlock()
        }
        return slots.values
    }

    /// A whole UTF-8 text file; errors are `FileProblem`s in words.
    static func readText(_ path: String) throws -> String {
        guard let text = String(validating: try FileProblem.readRegularFile(path), as: UTF8.self) else {
            throw FileProblem(reason: "not UTF-8 text")
        }
        return text.hasPrefix("\u{FEFF}") ? String(text.dropFirst()) : text  // a byte-order mark, as Notepad writes
    }

    /// Reads a `left,right` per line file into "model A on the left?" flags, one per prompt.
    static func readSides(_ path: String, config: StudyConfig, prompts: Int) throws -> [Bool] {
        let text: String
        do { text = try readText(path) } catch {
            throw AnnotateError.study(path: path, reason: "cannot read the sides file: \(FileProblem.describe(error))")
        }
        let lines = text.split(whereSeparator: \.isNewline).map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        guard lines.count >= prompts else {
            throw AnnotateError.invalid("\(path): \(lines.count) lines for \(prompts) prompts")
        }
        return try lines.prefix(prompts).enumerated().map { i, line in
            let parts = line.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            if parts == [config.modelA, config.modelB] { return true }
            if parts == [config.modelB, config.modelA] { return false }
            throw AnnotateError.invalid(
                "\(path):\(i + 1): expected \"\(config.modelA),\(config.modelB)\" or \"\(config.modelB),\(config.modelA)\", got \"\(line)\"")
        }
    }
}
