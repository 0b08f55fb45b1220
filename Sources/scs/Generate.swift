import ArgumentParser
import Foundation
import SCSGenerate
import SCSScoring

extension BackendKind: ExpressibleByArgument {}
extension OutputFormat: ExpressibleByArgument {}
extension BuiltInSuite: ExpressibleByArgument {}

/// `scs generate`: N images per prompt, one per seed, from a backend, into the paper's layout.
struct Generate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Generate one image per (prompt, seed) through Replicate, AUTOMATIC1111, ComfyUI or OpenAI.",
        discussion: """
            Writes OUT/MODEL/<prompt folder>/<seed>.jpg, the layout `scs score` reads, and one line per \
            image to OUT/manifest.jsonl. A rerun skips images already on disk (no request is sent for \
            them); Ctrl-C stops cleanly. Tokens (REPLICATE_API_TOKEN, OPENAI_API_KEY) come from the \
            environment or a .env file and are never printed or recorded.

            Prompt suites: --suite parti (PartiPrompts, 1,632 prompts in 12 categories, Apache-2.0), \
            geneval (GenEval, 553 prompts tagged by skill, MIT) or paper (the paper's 100, MIT), with \
            --category to keep some categories and --limit K for the first K of each. Every manifest \
            line records the suite and the prompt's category (Parti's challenge too), and `scs score` \
            carries the category into scores.csv for `scs compare --by category`.

            Sharded: --shard K/N makes only shard K (0-based) of the (prompt, seed) pairs, dealt by a \
            stable hash, and records them in OUT/manifest.shard-K-of-N.jsonl; shards can share OUT. \
            `scs merge OUT/manifest.shard-*-of-N.jsonl --out OUT/manifest.jsonl` joins the manifests. \
            --shard auto reads a Slurm job array's or a Kubernetes Indexed Job's environment.
            """
    )

    // MARK: What to make

    @Option(help: "The server's protocol (a1111 also serves Forge and stable-diffusion.cpp's server).")
    var backend: BackendKind

    @Option(help: ArgumentHelp("The server (default: the backend's usual address).", valueName: "url"))
    var url: String?

    @Option(
        help: ArgumentHelp(
            "Prompts: one per line, or .tsv with a header (prompt and category columns) or .jsonl ({\"prompt\": …, \"category\": …}).",
            valueName: "file"))
    var prompts: String?

    @Option(help: ArgumentHelp("A built-in prompt suite instead of --prompts: parti, geneval or paper.", valueName: "name"))
    var suite: BuiltInSuite?

    @Option(help: ArgumentHelp("Only these categories of the suite (comma-separated; Parti's Category, GenEval's tag).", valueName: "A,B"))
    var category: String?

    @Option(help: ArgumentHelp("Use only the first K prompts (with --category: the first K of each category).", valueName: "K"))
    var limit: Int?

    @Option(help: ArgumentHelp("Seeds, one integer per line (with --n, the first N).", valueName: "file"))
    var seeds: String?

    @Option(name: .customLong("n"), help: ArgumentHelp("Images per prompt.", valueName: "N"))
    var count: Int?

    @Option(help: ArgumentHelp("With --n and no --seeds: seeds S, S+1, …, S+N-1.", valueName: "S"))
    var seedBase: Int64?

    @Option(help: ArgumentHelp("The model's folder under --out (default: the preset's).", valueName: "name"))
    var modelName: String?

    @Option(help: ArgumentHelp("The output folder.", valueName: "dir"))
    var out: String

    // MARK: Backend settings

    @Option(help: ArgumentHelp("Replicate: the paper's settings, \(ReplicatePreset.all.map(\.name).joined(separator: ", ")).", valueName: "name"))
    var preset: String?

    @Option(help: ArgumentHelp("Replicate: the model, owner/name or owner/name:version.", valueName: "model"))
    var replicateModel: String?

    @Option(help: ArgumentHelp("Replicate: the model version id (64 hex digits).", valueName: "id"))
    var replicateVersion: String?

    @Option(help: ArgumentHelp("Replicate: seconds the create request waits for the result (Prefer: wait), 1-60.", valueName: "s"))
    var replicateWait: Int = 60

    @Option(help: ArgumentHelp("ComfyUI: an API-format workflow with {{prompt}} and {{seed}} placeholders.", valueName: "file"))
    var workflow: String?

    @Option(help: ArgumentHelp("OpenAI: the image model.", valueName: "model"))
    var openaiModel: String = "gpt-image-1"

    @Option(help: "Image width in pixels.")
    var width: Int?

    @Option(help: "Image height in pixels.")
    var height: Int?

    @Option(help: "Denoising steps.")
    var steps: Int?

    @Option(help: "Classifier-free guidance scale.")
    var guidance: Double?

    @Option(help: ArgumentHelp("The negative prompt.", valueName: "text"))
    var negativePrompt: String?

    @Option(help: ArgumentHelp("Sampler or scheduler, in the backend's words (K_EULER, Euler, euler).", valueName: "name"))
    var sampler: String?

    @Option(help: ArgumentHelp("More inputs as a JSON object, or @file.json; merged into each request.", valueName: "json"))
    var extra: String?

    // MARK: Output and reliability

    @Option(help: "jpeg (as the paper saved: quality 75, 4:2:0) or original (the backend's bytes).")
    var format: OutputFormat = .jpeg

    @Option(help: ArgumentHelp("Images in flight at once (default: 4 for replicate and openai, 1 for local servers).", valueName: "N"))
    var concurrency: Int?

    @Option(help: ArgumentHelp("Retries of a request after a 429, a 5xx, a timeout or a broken connection.", valueName: "N"))
    var retries: Int = 5

    @Option(help: ArgumentHelp("Seconds before the first retry; doubled each time, with jitter.", valueName: "s"))
    var retryBaseDelay: Double = 1

    @Option(help: ArgumentHelp("The longest wait between retries, in seconds (a server's Retry-After wins).", valueName: "s"))
    var retryMaxDelay: Double = 60

    @Option(help: ArgumentHelp("Seconds one HTTP request may take.", valueName: "s"))
    var timeout: Double = 300

    @Option(help: ArgumentHelp("Seconds one image may take in all, polling included.", valueName: "s"))
    var jobTimeout: Double = 1800

    @Option(help: ArgumentHelp("Seconds between status polls (Replicate, ComfyUI).", valueName: "s"))
    var pollInterval: Double = 1

    @Option(help: ArgumentHelp("The .env file tokens are read from when not in the environment.", valueName: "file"))
    var envFile: String?

    @Flag(help: "Print the plan (requests, folders, the first request) and send nothing.")
    var dryRun = false

    @OptionGroup var sharding: ShardOptions<Generate>

    @Flag(help: "No progress output.")
    var quiet = false

    func validate() throws {
        if (prompts == nil) == (suite == nil) { throw ValidationError("give --prompts FILE or --suite NAME (\(Self.suiteNames))") }
        if let category, Self.categories(category).isEmpty { throw ValidationError("--category names no category") }
        if seeds == nil && (count == nil || seedBase == nil) {
            throw ValidationError("give --seeds FILE, or --n N with --seed-base S")
        }
        if seeds != nil && seedBase != nil { throw ValidationError("--seed-base goes with --n, not with --seeds") }
        if let count, count < 1 { throw ValidationError("--n must be at least 1") }
        if let limit, limit < 1 { throw ValidationError("--limit must be at least 1") }
        if let concurrency, concurrency < 1 { throw ValidationError("--concurrency must be at least 1") }
        if retries < 0 { throw ValidationError("--retries must be 0 or more") }
        for (name, value) in [("--retry-base-delay", retryBaseDelay), ("--retry-max-delay", retryMaxDelay)] where !(value >= 0) {
            throw ValidationError("\(name) must be 0 or more")
        }
        for (name, value) in [("--timeout", timeout), ("--job-timeout", jobTimeout), ("--poll-interval", pollInterval)] where !(value > 0) {
            throw ValidationError("\(name) must be positive")
        }
        if let preset, ReplicatePreset.named(preset) == nil {
            throw ValidationError("unknown --preset \(preset); known: \(ReplicatePreset.all.map(\.name).joined(separator: ", "))")
        }
        if preset == nil && modelName == nil { throw ValidationError("give --model-name (the model's folder under --out)") }
        if let url, URL(string: url)?.host == nil || !["http", "https"].contains(URL(string: url)?.scheme?.lowercased() ?? "") {
            throw ValidationError("--url must be an http(s) URL, not \(url)")
        }
    }

    func run() async throws {
        let progress = ProgressBar(quiet: quiet)
        let presetValue = preset.flatMap(ReplicatePreset.named)
        let (promptList, suiteName) = try choosePrompts(progress: progress)
        let seedList =
            try seeds.map { try GenerationPlan.readSeeds(at: $0, count: count) }
            ?? GenerationPlan.seeds(count: count!, base: seedBase!)
        var plan = try GenerationPlan(
            modelName: modelName ?? presetValue!.modelName, prompts: promptList, seeds: seedList,
            promptsSource: prompts ?? suite!.rawValue)
        plan.suite = suiteName
        if let spec = try sharding.spec() {
            let all = plan.jobs.count
            plan = try plan.shard(index: spec.index, count: spec.count)
            progress.message("shard \(spec): \(plan.jobs.count) of \(all) images, recorded in \(plan.manifestName)")
        }
        let config = try backendConfiguration(preset: presetValue)
        let options = GenerationOptions(
            outputDirectory: URL(fileURLWithPath: out), format: format,
            concurrency: concurrency ?? backend.defaultConcurrency,
            retry: RetryPolicy(retries: retries, baseDelay: retryBaseDelay, maxDelay: max(retryMaxDelay, retryBaseDelay)),
            timeout: timeout)
        let generation = try GenerationRun(plan: plan, backend: config, options: options)
        if let word = presetValue?.triggerWord {
            let missing = plan.prompts.filter { !$0.text.contains(word) }
            if !missing.isEmpty {
                progress.message("note: \(missing.count) prompts lack the trigger word \(word) of --preset \(presetValue!.name) (e.g. \(missing[0]))")
            }
        }
        if dryRun {
            GenerateReport.printPlan(generation, survey: generation.survey(), secret: config.secret, secretName: backend.secretName)
            return
        }
        try await execute(generation, progress: progress)
    }

    static let suiteNames = BuiltInSuite.allCases.map(\.rawValue).joined(separator: ", ")

    static func categories(_ list: String) -> [String] {
        list.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }

    /// The prompts of --suite or --prompts, cut by --category and --limit, and the suite's name
    /// for the manifest. A plain prompts file keeps its old rules (exact lines, --limit past the
    /// file is an error).
    private func choosePrompts(progress: ProgressBar) throws -> (prompts: [PromptRef], suite: String?) {
        if let prompts, category == nil, PromptSuite.format(ofFile: prompts) == .lines {
            return (try GenerationPlan.readPrompts(at: prompts, limit: limit), nil)
        }
        let loaded = try suite.map { try $0.load() } ?? PromptSuite.read(path: prompts!)
        let chosen = try loaded.select(categories: category.map(Self.categories), limit: limit)
        for s in chosen.short {
            progress.message("note: category \(s.category) has \(s.available) prompts, fewer than --limit \(limit!): all are used")
        }
        if let suite, !quiet {
            progress.message(
                "suite \(suite.rawValue): \(chosen.prompts.count) of \(loaded.prompts.count) prompts (\(suite.licence); \(suite.sourceNote))")
        }
        return (chosen.prompts, loaded.name)
    }

    /// The backend's settings from the options, with the token from the environment or `.env`.
    private func backendConfiguration(preset: ReplicatePreset?) throws -> BackendConfiguration {
        let settings = GenerationSettings(
            width: width, height: height, steps: steps, guidance: guidance,
            negativePrompt: negativePrompt, sampler: sampler, extra: try parseExtra())
        var config = BackendConfiguration(kind: backend, url: url.flatMap(URL.init(string:)), settings: settings)
        let envPath = envFile ?? ".env"
        if let envFile, !FileManager.default.fileExists(atPath: envFile) {
            throw GenerateError.inputFile(path: envFile, reason: "no such file (--env-file)")
        }
        config.envFile = envPath
        if let name = backend.secretName {
            config.secret = Secrets.load(name, environment: ProcessInfo.processInfo.environment, envFile: URL(fileURLWithPath: envPath))
        }
        config.preset = preset
        config.replicateModel = replicateModel
        config.replicateVersion = replicateVersion
        config.replicateWait = replicateWait
        config.workflow = try workflow.map { try ComfyWorkflow(path: $0) }
        config.openAIModel = openaiModel
        config.pollInterval = pollInterval
        config.jobTimeout = jobTimeout
        return config
    }

    /// `--extra`: a JSON object, inline or `@file`.
    private func parseExtra() throws -> [String: JSONValue] {
        guard let extra else { return [:] }
        var data = Data(extra.utf8)
        var source = "--extra"
        if extra.hasPrefix("@") {
            let path = String(extra.dropFirst())
            guard let contents = FileManager.default.contents(atPath: path) else {
                throw GenerateError.inputFile(path: path, reason: "cannot read the file (--extra)")
            }
            data = contents
            source = path
        }
        guard let value = JSONValue.parse(data), case .object(let object) = value else {
            throw GenerateError.invalidOption("\(source) must be a JSON object, e.g. '{\"refine\": \"expert_ensemble_refiner\"}'")
        }
        return object
    }

    /// Runs with a progress bar; Ctrl-C (or SIGTERM) cancels the run, which stops at once with
    /// every finished image recorded; a second Ctrl-C exits immediately.
    private func execute(_ generation: GenerationRun, progress: ProgressBar) async throws {
        let quiet = self.quiet
        // Signals are caught before the run starts, so no Ctrl-C can find the default handler.
        let interrupts = Interrupts()
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { interrupts.interrupt() }
            source.resume()
            sources.append(source)
        }
        defer { sources.forEach { $0.cancel() } }
        let task = Task { () -> GenerationSummary in
            try await generation.run(
                onEvent: { event in
                    switch event {
                    case let .retrying(image, step, attempt, attempts, reason, delay):
                        if !quiet {
                            progress.message(
                                String(format: "retrying %@ (%@, attempt %d of %d in %.1f s): %@", image, step, attempt, attempts, delay, reason))
                        }
                    case .note(let text):
                        progress.message(text)
                    }
                },
                onProgress: { p in
                    progress.update(
                        label: "generating", done: p.done + p.failed, total: p.total,
                        note: p.retries == 0 ? "" : "\(p.retries) \(p.retries == 1 ? "retry" : "retries")")
                })
        }
        interrupts.attach(task)

        let summary: GenerationSummary
        do {
            summary = try await task.value
        } catch is CancellationError {
            progress.finishLine()
            let s = generation.summary
            note(
                "interrupted: \(s.generated) images written this run, \(s.alreadyOnDisk) were already on disk; the manifest is complete; "
                    + "run the same command to resume")
            throw ExitCode(130)
        } catch {
            progress.finishLine()
            let s = generation.summary
            if s.generated > 0 {
                note("\(s.generated) images were written and recorded before the run stopped")
            }
            throw error
        }
        progress.finishLine()
        GenerateReport.printSummary(summary, generation: generation)
        if !summary.failed.isEmpty { throw ExitCode(1) }
    }
}

/// Ctrl-C and SIGTERM: the first cancels the run (even one that has not started yet), the
/// second exits at once.
private final class Interrupts: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    private var task: Task<GenerationSummary, Error>?

    func interrupt() {
        let (n, task) = lock.withLock { () -> (Int, Task<GenerationSummary, Error>?) in
            count += 1
            return (count, self.task)
        }
        if n > 1 { Foundation.exit(130) }
        task?.cancel()
    }

    func attach(_ task: Task<GenerationSummary, Error>) {
        let interrupted = lock.withLock { () -> Bool in
            self.task = task
            return count > 0
        }
        if interrupted { task.cancel() }
    }
}

extension Generate: ShardedCommand {
    static let shardHelp = "Make only shard K of N (0-based) of the images, or auto: from the job engine's environment."
    static let shardsHelp = "With --shard auto: the number of shards (a Kubernetes Job's completions; a Slurm array's size)."
}
