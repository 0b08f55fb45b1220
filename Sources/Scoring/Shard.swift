import Crypto
import Foundation

/// One share of a run split N ways: shard `index` (0-based) of `count`.
///
/// `scs score` and `scs generate` take it as K/N or read it from
/// the job engine (a Slurm job array, a Kubernetes Indexed Job), so one job script serves every
/// task. Indices are 0-based like `SLURM_ARRAY_TASK_ID` of `--array=0-(N-1)` and Kubernetes'
/// `JOB_COMPLETION_INDEX`.
public struct ShardSpec: Sendable, Hashable, Codable, CustomStringConvertible {
    public let index: Int
    public let count: Int

    public init(index: Int, count: Int) throws {
        guard count >= 1 else { throw ShardError.invalid("the shard count must be at least 1, not \(count)") }
        guard index >= 0 && index < count else {
            throw ShardError.invalid("shard \(index)/\(count): the index must be 0…\(count - 1) (shards are numbered from 0)")
        }
        self.index = index
        self.count = count
    }

    /// "K/N", as the command line and file names write it.
    public var description: String { "\(index)/\(count)" }

    /// What `scs score` writes when told nothing else: the scores, and (for a shard, named with
    /// `fileName(EmbeddingCache.fileName)`) its own embedding cache beside them.
    public static let scoresFileName = "scores.csv"

    /// The scores file of this shard, or of a whole run (`shard` nil), when none is named.
    public static func scoresFile(for shard: ShardSpec?) -> String { shard?.fileName(scoresFileName) ?? scoresFileName }

    /// The name a shard's output file takes: `stem.shard-K-of-N.ext` (`scores.csv` →
    /// `scores.shard-0-of-8.csv`), so that shards can share a folder and `scs merge` finds them.
    public func fileName(_ name: String) -> String {
        let url = URL(fileURLWithPath: name)
        let ext = url.pathExtension
        let stem = ext.isEmpty ? name : String(name.dropLast(ext.count + 1))
        return "\(stem).shard-\(index)-of-\(count)" + (ext.isEmpty ? "" : ".\(ext)")
    }

    /// Reads "K/N".
    public static func parse(_ text: String) throws -> ShardSpec {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0]), let n = Int(parts[1]) else {
            throw ShardError.malformed(text)
        }
        return try ShardSpec(index: k, count: n)
    }

    /// The shard the job engine gave this process. A Slurm job array task: with `shards`,
    /// shard `SLURM_ARRAY_TASK_ID` of `shards` (so a rerun of some tasks, `--array=3`, keeps its
    /// number); without, `SLURM_ARRAY_TASK_ID` less `SLURM_ARRAY_TASK_MIN` of
    /// `SLURM_ARRAY_TASK_COUNT`. A Kubernetes Indexed Job: `JOB_COMPLETION_INDEX` of `shards`
    /// (Kubernetes does not pass the number of completions to the pod).
    public static func fromEnvironment(
        _ env: [String: String] = ProcessInfo.processInfo.environment,
        shards: Int? = nil
    ) throws -> ShardSpec {
        func integer(_ name: String) throws -> Int? {
            guard let raw = env[name], !raw.isEmpty else { return nil }
            guard let value = Int(raw) else { throw ShardError.invalid("\(name)=\(raw) is not an integer") }
            return value
        }
        if let task = try integer("SLURM_ARRAY_TASK_ID") {
            if let shards {
                guard task < shards else {
                    throw ShardError.taskBeyondShards(task: task, shards: shards)
                }
                return try ShardSpec(index: task, count: shards)
            }
            guard let count = try integer("SLURM_ARRAY_TASK_COUNT") else {
                throw ShardError.needsShardCount(.slurmWithoutCount)
            }
            if let step = try integer("SLURM_ARRAY_TASK_STEP"), step != 1 {
                throw ShardError.needsShardCount(.slurmStep(step))
            }
            return try ShardSpec(index: task - (try integer("SLURM_ARRAY_TASK_MIN") ?? 0), count: count)
        }
        if let index = try integer("JOB_COMPLETION_INDEX") {
            guard let shards else {
                throw ShardError.needsShardCount(.kubernetes)
            }
            return try ShardSpec(index: index, count: shards)
        }
        throw ShardError.noJobEngine
    }
}

/// Why a shard cannot run or shards cannot be merged; one line naming the shard or file.
///
/// The cases about how the shard was asked for carry the values, not a command line's names for
/// them: `describe(_:)` words them as a caller's interface does (`scs` names its flags).
public enum ShardError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A shard count or index out of range.
    case invalid(String)
    /// A shard given as text that is not K/N.
    case malformed(String)
    /// A Slurm array task numbered past the shard count given.
    case taskBeyondShards(task: Int, shards: Int)
    /// The job engine's environment does not say how many shards there are.
    case needsShardCount(ShardCountGap)
    /// An automatic shard outside a Slurm job array and a Kubernetes Indexed Job.
    case noJobEngine
    case merge(String)
    /// A scores file given to merge without the sidecar a shard's run writes beside it.
    case noSidecar(path: String, sidecar: String)

    /// Why the shard count must be given.
    public enum ShardCountGap: Equatable, Sendable {
        case slurmWithoutCount, slurmStep(Int), kubernetes
    }

    public var description: String { describe(.plain) }

    /// One line, naming the shard, the shard count and the job array as `wording` does.
    public func describe(_ wording: ShardWording) -> String {
        switch self {
        case .invalid(let text), .merge(let text): return text
        case .malformed(let text): return "\(wording.shard(text)): expected K/N (e.g. 0/8), or auto"
        case let .taskBeyondShards(task, shards):
            return "SLURM_ARRAY_TASK_ID=\(task) but \(wording.shards(shards)): submit the array as \(wording.array(shards))"
        case .needsShardCount(.slurmWithoutCount):
            return "SLURM_ARRAY_TASK_ID is set but SLURM_ARRAY_TASK_COUNT is not: give \(wording.shards(nil))"
        case .needsShardCount(.slurmStep(let step)):
            return "the job array steps by \(step) (SLURM_ARRAY_TASK_STEP): give \(wording.shards(nil))"
        case .needsShardCount(.kubernetes):
            return "JOB_COMPLETION_INDEX is set: give \(wording.shards(nil)), the Job's completions"
        case let .noSidecar(path, sidecar):
            return "\(path): no \(sidecar) beside it (written by \(wording.scoringShard("K/N")))"
        case .noJobEngine:
            return
                "\(wording.shard("auto")): neither SLURM_ARRAY_TASK_ID (a Slurm job array) nor JOB_COMPLETION_INDEX (a Kubernetes Indexed Job) is set"
        }
    }
}

/// How a `ShardError` names the shard asked for, the shard count and a Slurm job array.
public struct ShardWording: Sendable {
    /// The shard as given, plainly (shard `auto`) or as the command line writes it (`--shard auto`).
    public var shard: @Sendable (String) -> String
    /// The shard count, or (nil) how to give it: `8 shards`, `the number of shards`.
    public var shards: @Sendable (Int?) -> String
    /// A job array of that many tasks, numbered as shards are.
    public var array: @Sendable (Int) -> String
    /// A scoring run of one shard (what writes a shard's scores and sidecar).
    public var scoringShard: @Sendable (String) -> String

    public init(
        shard: @escaping @Sendable (String) -> String, shards: @escaping @Sendable (Int?) -> String,
        array: @escaping @Sendable (Int) -> String, scoringShard: @escaping @Sendable (String) -> String
    ) {
        self.shard = shard
        self.shards = shards
        self.array = array
        self.scoringShard = scoringShard
    }

    /// Plain words, for `description`.
    public static let plain = ShardWording(
        shard: { "shard \"\($0)\"" }, shards: { $0.map { "\($0) shards" } ?? "the number of shards" },
        array: { "tasks numbered 0 to \($0 - 1)" }, scoringShard: { "a scoring run of shard \($0)" })
}

/// One unit of work to place on a shard: a (model, prompt) group with its image count.
public struct ShardUnit: Sendable, Hashable, Codable {
    /// The unit's place in the unsharded run's order.
    public var position: Int
    public var model: String
    public var prompt: String
    public var nImages: Int

    public init(position: Int, model: String, prompt: String, nImages: Int) {
        self.position = position
        self.model = model
        self.prompt = prompt
        self.nImages = nImages
    }

    enum CodingKeys: String, CodingKey { case position, model, prompt, nImages = "n_images" }
}

/// Places whole groups on shards.
///
/// Every shard computes the same placement on its own from the dataset listing, with no
/// coordinator: units are taken largest first, ties broken by a stable hash of (model, prompt)
/// (SHA-256, so the order is the same on every machine and in every run, and unrelated to the
/// folder names' order), and each goes to the shard holding the fewest images so far (the
/// lowest-numbered among equals). Shards then differ by at most one group's images.
public enum ShardPlacement {
    /// The shard of each unit, in the units' order.
    public static func place(_ units: [ShardUnit], count: Int) -> [Int] {
        let keys = units.map { stableKey(model: $0.model, prompt: $0.prompt) }
        let order = units.indices.sorted { a, b in
            if units[a].nImages != units[b].nImages { return units[a].nImages > units[b].nImages }
            if keys[a] != keys[b] { return keys[a] < keys[b] }
            return units[a].position < units[b].position
        }
        var load = [Int](repeating: 0, count: count)
        var shardOf = [Int](repeating: 0, count: units.count)
        for u in order {
            var best = 0
            for s in 1..<max(count, 1) where load[s] < load[best] { best = s }
            shardOf[u] = best
            load[best] += max(units[u].nImages, 1)
        }
        return shardOf
    }

    /// The first 8 bytes of SHA-256("model\0prompt"), big-endian.
    public static func stableKey(model: String, prompt: String) -> UInt64 {
        let digest = SHA256.hash(data: Data(GroupKey(model: model, prompt: prompt).digestText.utf8))
        return digest.prefix(8).reduce(0) { $0 << 8 | UInt64($1) }
    }
}

extension Dataset {
    /// Every group, then every empty prompt folder, in the unsharded run's order.
    public var shardUnits: [ShardUnit] {
        var units = groups.enumerated().map { i, g in
            ShardUnit(position: i, model: g.model, prompt: g.prompt, nImages: g.indices.count)
        }
        for folder in emptyGroups {
            let url = URL(fileURLWithPath: folder)
            units.append(
                ShardUnit(
                    position: units.count, model: url.deletingLastPathComponent().lastPathComponent,
                    prompt: url.lastPathComponent, nImages: 0))
        }
        return units
    }

    /// A digest of the listing every shard must agree on: each unit's model, prompt and image count.
    public static func listingDigest(_ units: [ShardUnit]) -> String {
        var hasher = SHA256()
        for u in units { hasher.update(data: Data("\(u.group.digestText)\u{0}\(u.nImages)\n".utf8)) }
        return Hashing.hex(hasher.finalize())
    }

    /// The part of the dataset shard `shard` scores, the units it covers, and how many units the
    /// whole listing has.
    public func shard(_ shard: ShardSpec) -> (dataset: Dataset, units: [ShardUnit], total: Int) {
        let units = shardUnits
        let placement = ShardPlacement.place(units, count: shard.count)
        let mine = units.indices.filter { placement[$0] == shard.index }.map { units[$0] }
        let groupCount = units.count - emptyGroups.count
        var keep = Set<GroupKey>()
        for u in mine where u.position < groupCount { keep.insert(u.group) }
        let emptyKept = Set(mine.filter { $0.position >= groupCount }.map { $0.position - groupCount })
        let part = Dataset(
            items: items.filter { keep.contains($0.group) }, ignored: ignored,
            emptyGroups: emptyGroups.enumerated().filter { emptyKept.contains($0.offset) }.map(\.element),
            excluded: shard.index == 0 ? excluded : [])  // named once: `scs merge` joins the shards' lists
        return (part, mine, units.count)
    }
}
