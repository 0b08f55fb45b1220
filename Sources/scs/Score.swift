import ArgumentParser
import Foundation
import SCSModels
import SCSScoring
import SCSStats

struct Score: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Score every (model, prompt) group of a dataset.",
        discussion: """
            Layouts: <root>/<model>/<prompt>/<images> (default), or --layout prompt for \
            <root>/<prompt>/<images>, or --manifest FILE (CSV or JSONL with model, prompt, path and \
            optional seed). Writes scores.csv (model,prompt,n_images,n_pairs,scs,pair_sd,pair_min,pair_max), \
            its sidecar scores.meta.json (model fingerprint, precision, preprocessing, what was left out), \
            and prints a per-model summary.

            Symlinked folders and images are followed. What the listing cannot use (a symlink loop, a \
            name that is not UTF-8, a FIFO, socket or device, a broken symlink, a folder that cannot be \
            read) is left out and named with the reason, on stderr and in the JSON: a prompt folder \
            under "excluded", anything else under "skipped".

            Sharded: --shard K/N scores only shard K (0-based) of N: whole groups, placed by image count \
            and a stable hash of (model, prompt), the same on every machine. Give each shard its own \
            --out and --cache (by default scores.shard-K-of-N.csv and embeddings.shard-K-of-N.sqlite beside \
            it); `scs merge` joins the shards' scores into the unsharded scores.csv, byte \
            for byte. --shard auto takes K/N from a Slurm job array (SLURM_ARRAY_TASK_ID, \
            SLURM_ARRAY_TASK_COUNT, or --shards N) or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX, with --shards N).

            Metrics (--metrics, comma-separated; one column each after pair_max, per (model, prompt) group):
            """ + Metric.allCases.map { "\n  \($0.rawValue): \($0.definition)" }.joined() + """


                The alignment metrics (clipscore*) embed the prompt's text with the model's text tower and \
                also write scores.alignment.csv beside --out (model, prompt, text, path, cosine, clipscore per image). The \
                text is the manifest's prompt (--manifest, or the manifest.jsonl scs generate leaves beside \
                the model folders); otherwise the folder name, in which `_` may stand for a character a \
                folder cannot hold (scs says which groups).
                """
    )

    @Option(
        help: ArgumentHelp(
            "Measures to add to scores.csv, comma-separated (scs is always written): scs, scs_se, vendi, vendi_inf, clipscore, clipscore_max, clipscore_hessel, dreamsim, w1kp.",
            valueName: "list"))
    var metrics: String = "scs"

    @Argument(help: "The dataset folder (omit with --manifest).")
    var dataset: String?

    @Option(help: "How the dataset folder is laid out: model-prompt or prompt.")
    var layout: DatasetLayout = .modelPrompt

    @Option(help: "A CSV or JSONL manifest listing model, prompt, path (and seed) per image.")
    var manifest: String?

    @Option(help: ArgumentHelp("Where to write the per-group scores (default: scores.csv; a shard's: scores.shard-K-of-N.csv).", valueName: "path"))
    var out: String?

    @Option(help: "Also write a JSON summary here.")
    var json: String?

    @Flag(help: "Score the rest when an image cannot be read, and list what was skipped.")
    var skipUnreadable = false

    @Flag(help: "No progress output.")
    var quiet = false

    @OptionGroup var sharding: ShardOptions<Score>
    @OptionGroup var nearDuplicates: NearDuplicateOptions

    @OptionGroup var modelOptions: ModelOptions
    @OptionGroup var cacheOptions: CacheOptions
    @OptionGroup var imageOptions: ImageOptions

    func validate() throws {
        if (dataset == nil) == (manifest == nil) { throw ValidationError("give a dataset folder or --manifest FILE, not both") }
        do { _ = try Metric.parseList(metrics) } catch { throw ValidationError("--metrics: \(error)") }
    }

    func run() async throws {
        let progress = ProgressBar(quiet: quiet)
        imageOptions.apply()
        do {
            let listing =
                try manifest.map { try Dataset.manifest(at: $0) }
                ?? Dataset.scan(root: dataset!, layout: layout, allowEmptyGroups: skipUnreadable)
            var data = listing
            var part: (spec: ShardSpec, units: [ShardUnit])?
            if let spec = try sharding.spec() {
                let cut = listing.shard(spec)
                data = cut.dataset
                part = (spec, cut.units)
                if !quiet {
                    note("shard \(spec): \(cut.units.count) of \(cut.total) groups, \(data.items.count) of \(listing.items.count) images")
                }
            }
            let out = self.out ?? ShardSpec.scoresFile(for: part?.spec)
            // A shard keeps its own cache unless told otherwise: shards writing one SQLite file on a
            // network file system would take turns at best.
            let cache =
                try part.map { p -> EmbeddingCache? in
                    guard cacheOptions.cache == nil, !cacheOptions.noCache else { return try cacheOptions.open() }
                    let beside = URL(fileURLWithPath: out).deletingLastPathComponent()
                        .appendingPathComponent(p.spec.fileName(EmbeddingCache.fileName))
                    return try EmbeddingCache(path: beside.path)
                } ?? cacheOptions.open()
            let modelURL = try await modelOptions.resolve(progress: progress)
            let embedder = try Embedder(modelDirectory: modelURL, cache: cache, setup: modelOptions.setup)
            let chosen = try Metric.parseList(metrics)
            let text = try chosen.contains(where: \.needsText) ? TextEncoders.load(modelURL, kind: embedder.kind ?? .clip) : nil
            let (result, alignmentPath) = try Self.scoreAndWrite(
                data: data, listing: listing, shard: part, model: modelOptions.name,
                embedder: embedder, text: text, metrics: chosen,
                skipUnreadable: skipUnreadable, out: out, json: json, nearDuplicateCosine: nearDuplicates.cosine
            ) { p in
                progress.update(label: p.phase.rawValue, done: p.done, total: p.total, unit: p.phase == .hashing ? "files" : "images")
            }
            progress.finishLine()
            if let alignmentPath, !quiet { note("wrote each image's alignment with its prompt to \(alignmentPath)") }
            if !result.textsFromFolders.isEmpty {
                note(
                    "\(result.textsFromFolders.count) prompts were read from folder names with `_`, which may stand for a character a folder cannot hold "
                        + "(e.g. \(result.textsFromFolders[0])); give --manifest with the exact prompts for exact alignment")
            }
            report(result, out: out, listingExclusions: data.excluded)
        } catch {
            progress.finishLine()
            throw error
        }
    }

    /// The scoring step `scs score` and `scs worker` share, once the listing is made and the model
    /// is there: embeds and scores `data` (ScoreRun.run), writes scores.csv to `out`, its sidecar
    /// scores.meta.json, the JSON summary when `json` is given, and scores.alignment.csv beside
    /// `out` when an alignment metric was asked for (its path is returned). `listing` is the whole
    /// listing when `data` is a shard of it. Prints nothing.
    static func scoreAndWrite(
        data: Dataset, listing: Dataset, shard: (spec: ShardSpec, units: [ShardUnit])?, model: String,
        embedder: Embedder, text: (any TextEncoder)?, metrics: [Metric], skipUnreadable: Bool,
        out: String, json: String?, nearDuplicateCosine: Double = NearDuplicates.defaultThreshold,
        progress: ((WorkProgress) -> Void)? = nil
    ) throws -> (result: ScoreResult, alignmentPath: String?) {
        let result = try ScoreRun.run(
            dataset: data, embedder: embedder, skipUnreadable: skipUnreadable, metrics: metrics, text: text,
            intervalCritical: { StudentT.quantile(0.975, df: Double($0 - 1)) }, nearDuplicateCosine: nearDuplicateCosine,
            progress: progress)
        let meta = ScoresMeta(model: model, result: result, dataset: data, listing: listing, shard: shard)
        let alignments = metrics.contains(where: \.needsText) ? result.alignments : nil
        let alignmentPath = try ScoresFile.write(result.scores, meta: meta, alignments: alignments, to: out)
        if let json { try OutputFiles.writeJSON(result, to: json) }
        return (result, alignmentPath)
    }

    private func report(_ r: ScoreResult, out: String, listingExclusions: [DatasetExclusion]) {
        if !quiet {
            note("\(r.scores.count) groups scored: \(r.embedded) images embedded, \(r.fromCache) from the cache; wrote \(out)")
        }
        if r.ignoredFiles > 0 { note("ignored \(r.ignoredFiles) hidden or non-image files") }
        // In the JSON, prompt folders the listing left out are among `excluded`, the rest among `skipped`.
        if !listingExclusions.isEmpty {
            note("left out \(listingExclusions.count) folders or files that cannot be used:")
            for e in listingExclusions { note("  \(e)") }
        }
        let listed = Set(listingExclusions.map(\.description))
        let listedGroups = Set(listingExclusions.compactMap { e in e.prompt.map { GroupKey(model: e.model ?? "", prompt: $0) } })
        let unreadable = r.skipped.filter { !listed.contains($0) }
        if !unreadable.isEmpty {
            note("skipped \(unreadable.count) unreadable images:")
            for s in unreadable { note("  \(s)") }
        }
        let groups = r.excluded.filter { !listedGroups.contains($0.group) }
        if !groups.isEmpty {
            note("left out \(groups.count) groups without 2 readable images:")
            for e in groups { note("  \(e.model)/\(e.prompt): \(e.reason) (\(e.nImages))") }
        }
        printModelSummary(r.models)
        printNearDuplicates(r.nearDuplicates)
    }
}

extension Score: ShardedCommand {
    static let shardHelp = "Score only shard K of N (0-based), or auto: from the job engine's environment."
    static let shardsHelp =
        "With --shard auto: the number of shards (a Kubernetes Job's completions; a Slurm array's size when only some tasks are rerun)."
}
