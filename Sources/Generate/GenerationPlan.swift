import Crypto
import Foundation

/// One image to make: a prompt, a seed, and where the file goes.
public struct GenerationJob: Sendable, Hashable {
    /// The prompt's exact text, as sent to the backend and written to the manifest.
    public let prompt: String
    /// The prompt's line in the prompts file (1-based).
    public let promptLine: Int
    /// The prompt's folder name (`PromptFolder.name(for:)`).
    public let folder: String
    public let seed: Int64
    /// The prompt's category and challenge in its suite (`PromptRef`), recorded in the manifest.
    public var category: String? = nil
    public var challenge: String? = nil
}

/// What a run will make: every (prompt, seed) pair, prompt by prompt, seeds in file order.
///
/// Building a plan checks everything that can be checked without a request: prompts that are
/// empty or map to the same folder, seeds that are not integers or repeat, a model name that
/// cannot be a folder. A plan that exists can run.
public struct GenerationPlan: Sendable {
    public let modelName: String
    public let prompts: [PromptRef]
    public let seeds: [Int64]
    public private(set) var jobs: [GenerationJob]
    /// Set when the plan is one shard's share: (index, count), 0-based.
    public private(set) var shard: (index: Int, count: Int)?
    /// The built-in suite the prompts come from (`BuiltInSuite.rawValue`), recorded in every
    /// manifest line; nil for a prompts file.
    public var suite: String?

    public init(modelName: String, prompts: [PromptRef], seeds: [Int64], promptsSource: String = "prompts") throws {
        if let problem = PromptFolder.problem(with: modelName) {
            throw GenerateError.setting(.notAFolderName(.modelName, value: modelName, reason: problem))
        }
        guard !prompts.isEmpty else { throw GenerateError.inputFile(path: promptsSource, reason: "no prompts") }
        guard !seeds.isEmpty else { throw GenerateError.invalidOption("no seeds to generate") }
        var seen: [String: PromptRef] = [:]
        var folders: [String] = []
        for p in prompts {
            let folder = PromptFolder.name(for: p.text)
            let key = PromptFolder.collisionKey(folder)
            if let first = seen[key] {
                throw GenerateError.folderCollision(folder: folder, first: first, second: p)
            }
            seen[key] = p
            folders.append(folder)
        }
        var seenSeeds = Set<Int64>()
        for s in seeds where !seenSeeds.insert(s).inserted {
            throw GenerateError.invalidOption("seed \(s) is listed twice: each seed names one image (<seed>.jpg)")
        }
        self.modelName = modelName
        self.prompts = prompts
        self.seeds = seeds
        var jobs: [GenerationJob] = []
        jobs.reserveCapacity(prompts.count * seeds.count)
        for (p, folder) in zip(prompts, folders) {
            for s in seeds {
                jobs.append(GenerationJob(prompt: p.text, promptLine: p.line, folder: folder, seed: s, category: p.category, challenge: p.challenge))
            }
        }
        self.jobs = jobs
    }

    /// Shard `index` of `count` (0-based): every (prompt, seed) pair is dealt to one shard, in
    /// the order of a stable hash of (model, prompt, seed), round robin, so shards differ by at
    /// most one image and every machine deals the same way. Jobs keep the plan's order.
    public func shard(index: Int, count: Int) throws -> GenerationPlan {
        guard count >= 1, index >= 0, index < count else {
            throw GenerateError.invalidOption("shard \(index)/\(count): the index must be 0…\(max(count - 1, 0)) (shards are numbered from 0)")
        }
        let keys = jobs.map { job -> [UInt8] in
            Array(SHA256.hash(data: Data("\(modelName)\u{0}\(job.prompt)\u{0}\(job.seed)".utf8)))
        }
        let dealt = jobs.indices.sorted { a, b in
            keys[a] == keys[b] ? a < b : keys[a].lexicographicallyPrecedes(keys[b])
        }
        var mine = Set<Int>()
        for (rank, job) in dealt.enumerated() where rank % count == index { mine.insert(job) }
        var part = self
        part.jobs = jobs.indices.filter(mine.contains).map { jobs[$0] }
        part.shard = (index, count)
        return part
    }

    /// The manifest a run of this plan writes: `manifest.jsonl`, or one per shard,
    /// `manifest.shard-K-of-N.jsonl`, joined afterwards by `scs merge`.
    public var manifestName: String {
        guard let shard else { return "manifest.jsonl" }
        return "manifest.shard-\(shard.index)-of-\(shard.count).jsonl"
    }

    // MARK: Reading the input files

    /// One prompt per line, taken exactly (only the line ending is removed: `\n` or `\r\n`, as the
    /// paper's `line.rstrip('\n')`); blank lines are skipped; a UTF-8 byte-order mark is dropped.
    /// `limit` keeps the first prompts (the paper used the first 100 of 104).
    public static func readPrompts(at path: String, limit: Int? = nil) throws -> [PromptRef] {
        let text = try readText(path)
        var prompts: [PromptRef] = []
        for (i, raw) in lines(text).enumerated() {
            if raw.trimmingCharacters(in: .whitespaces).isEmpty { continue }
            if raw.contains("\0") { throw GenerateError.badLine(path: path, line: i + 1, reason: "the prompt holds a NUL character") }
            prompts.append(PromptRef(line: i + 1, text: raw))
            if let limit, prompts.count == limit { break }
        }
        if prompts.isEmpty { throw GenerateError.inputFile(path: path, reason: "no prompts (the file has no non-blank line)") }
        if let limit, prompts.count < limit {
            throw GenerateError.setting(.pastFile(.limit, value: limit, path: path, available: prompts.count))
        }
        return prompts
    }

    /// One integer seed per line (blank lines skipped), 0 ≤ seed < 2⁶³: negative seeds are
    /// refused because servers read -1 as "pick one at random". `count` keeps the first seeds.
    public static func readSeeds(at path: String, count: Int? = nil) throws -> [Int64] {
        let text = try readText(path)
        var seeds: [Int64] = []
        for (i, raw) in lines(text).enumerated() {
            let t = raw.trimmingCharacters(in: .whitespaces)
            if t.isEmpty { continue }
            guard let s = Int64(t) else {
                throw GenerateError.badLine(path: path, line: i + 1, reason: "\"\(t.prefix(40))\" is not an integer seed")
            }
            guard s >= 0 else {
                throw GenerateError.badLine(path: path, line: i + 1, reason: "seed \(s) is negative (servers read -1 as a random seed)")
            }
            seeds.append(s)
            if let count, seeds.count == count { break }
        }
        if seeds.isEmpty { throw GenerateError.inputFile(path: path, reason: "no seeds") }
        if let count, seeds.count < count {
            throw GenerateError.setting(.pastFile(.count, value: count, path: path, available: seeds.count))
        }
        return seeds
    }

    /// `count` consecutive seeds from `base`.
    public static func seeds(count: Int, base: Int64) throws -> [Int64] {
        guard count >= 1 else { throw GenerateError.setting(.tooSmall(.count, value: count, least: 1)) }
        guard base >= 0, base <= Int64.max - Int64(count) else {
            throw GenerateError.setting(.outOfRange(.seedBase, value: base, range: 0...(Int64.max - Int64(count))))
        }
        return (0..<Int64(count)).map { base + $0 }
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw GenerateError.inputFile(path: path, reason: "cannot read the file")
        }
        guard var text = String(data: data, encoding: .utf8) else {
            throw GenerateError.inputFile(path: path, reason: "not UTF-8 text")
        }
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }

    /// Lines without their terminators; a final terminator does not start an empty line.
    static func lines(_ text: String) -> [String] {
        // Split on scalars: as Characters, "\r\n" is one grapheme that "\n" would not match.
        var out = text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            var scalars = String.UnicodeScalarView(line)
            if scalars.last == "\r" { scalars.removeLast() }
            return String(scalars)
        }
        if out.last == "" { out.removeLast() }
        return out
    }
}
