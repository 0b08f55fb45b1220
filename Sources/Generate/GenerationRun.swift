import AsyncHTTPClient
import Foundation
import Logging
import SCSImaging

/// How a run writes and how hard it tries.
public struct GenerationOptions: Sendable {
    /// `DIR`: images go to `DIR/<model>/<prompt folder>/<seed>.jpg`, the manifest to `DIR/manifest.jsonl`.
    public var outputDirectory: URL
    public var format: OutputFormat
    /// Images in flight at once.
    public var concurrency: Int
    public var retry: RetryPolicy
    /// Seconds one HTTP request may take to answer (and the longest silence while its body arrives).
    public var timeout: Double

    public init(
        outputDirectory: URL, format: OutputFormat = .jpeg, concurrency: Int = 1,
        retry: RetryPolicy = RetryPolicy(), timeout: Double = 300
    ) {
        self.outputDirectory = outputDirectory
        self.format = format
        self.concurrency = concurrency
        self.retry = retry
        self.timeout = timeout
    }
}

/// Which planned images are already on disk, and which need a request.
public struct GenerationSurvey: Sendable {
    /// Images that exist and decode: no request will be sent for them.
    public let done: [GenerationJob]
    public let todo: [GenerationJob]
    /// Files under a planned name that do not decode; they will be replaced.
    public let unreadable: [String]
    /// Relative paths of finished images, by job.
    let existing: [GenerationJob: String]
}

/// Counts as the run goes.
public struct GenerationProgress: Sendable {
    public var done = 0
    public var failed = 0
    /// Images this run requests (those not already on disk).
    public var total = 0
    public var retries = 0
}

/// What a run did.
public struct GenerationSummary: Sendable {
    public var planned = 0
    /// Images that were already on disk and decoded: no request was sent for them.
    public var alreadyOnDisk = 0
    public var generated = 0
    /// Images the model failed to make (relative path, reason); a rerun tries them again.
    public var failed: [(path: String, reason: String)] = []
    public var retries = 0
    /// Manifest lines added for images that had none (a crash between writing and recording).
    public var recoveredLines = 0
    /// Manifest lines dropped because their image is gone or unreadable, or the line itself was.
    public var droppedLines = 0
}

/// One `scs generate` run: survey what exists, then request the rest, `concurrency` at a time,
/// writing each image atomically and recording it in the manifest.
public final class GenerationRun: @unchecked Sendable {
    public let plan: GenerationPlan
    public let configuration: BackendConfiguration
    public let options: GenerationOptions
    let backend: any ImageBackend
    private let lock = NSLock()
    private var _summary = GenerationSummary()
    private var _progress = GenerationProgress()

    /// What has been done so far, also after an interruption or an error.
    public var summary: GenerationSummary { lock.withLock { _summary } }

    public init(plan: GenerationPlan, backend configuration: BackendConfiguration, options: GenerationOptions) throws {
        guard options.concurrency >= 1 else { throw GenerateError.setting(.tooSmall(.concurrency, value: options.concurrency, least: 1)) }
        guard options.timeout > 0 else { throw GenerateError.setting(.notPositive(.timeout, value: options.timeout)) }
        guard options.retry.retries >= 0 else { throw GenerateError.setting(.tooSmall(.retries, value: options.retry.retries, least: 0)) }
        var configuration = configuration
        // Replicate holds a `Prefer: wait` request open that long: it must end before our timeout
        // does, or every create request would time out and be sent again.
        configuration.replicateWait = min(configuration.replicateWait, max(1, Int(options.timeout) - 5))
        self.plan = plan
        self.configuration = configuration
        self.options = options
        backend = try makeBackend(configuration)
    }

    // MARK: Paths

    public var modelDirectory: URL { options.outputDirectory.appendingPathComponent(plan.modelName) }

    /// `model/folder/seed.ext`, relative to the output folder.
    public func relativePath(_ job: GenerationJob, extension ext: String = "jpg") -> String {
        "\(plan.modelName)/\(job.folder)/\(job.seed).\(ext)"
    }

    func url(_ relative: String) -> URL {
        options.outputDirectory.appendingPathComponent(relative)
    }

    /// The endpoint and body of one image's first request, for `--dry-run`.
    public func preview(_ job: GenerationJob) -> (endpoint: String, body: JSONValue, sendsSeed: Bool) {
        (GenerationHTTP.display(backend.endpoint), backend.request(for: job), backend.sendsSeed)
    }

    // MARK: Survey

    /// Which images exist and decode. Reads only: safe for `--dry-run`.
    public func survey() -> GenerationSurvey {
        let manifest = GenerationManifest(directory: options.outputDirectory, name: plan.manifestName)
        try? manifest.load()
        var done: [GenerationJob] = [], todo: [GenerationJob] = [], unreadable: [String] = []
        var existing: [GenerationJob: String] = [:]
        for job in plan.jobs {
            var found: String?
            for ext in options.format.extensions {
                let rel = relativePath(job, extension: ext)
                guard FileManager.default.fileExists(atPath: url(rel).path) else { continue }
                let known = manifest.record(for: rel)?["sha256"]?.stringValue
                if ImageFiles.validImage(at: url(rel), knownSHA256: known) != nil {
                    found = rel
                    break
                }
                unreadable.append(rel)
            }
            if let found {
                done.append(job)
                existing[job] = found
            } else {
                todo.append(job)
            }
        }
        return GenerationSurvey(done: done, todo: todo, unreadable: unreadable, existing: existing)
    }

    // MARK: Run

    /// Generates every planned image that is not on disk yet. Throws the error that stopped the
    /// run (`GenerateError`, or `CancellationError` when the task was cancelled, e.g. by Ctrl-C);
    /// either way, every image on disk is complete and has its manifest line.
    public func run(
        onEvent: @escaping @Sendable (GenerationEvent) -> Void = { _ in },
        onProgress: @escaping @Sendable (GenerationProgress) -> Void = { _ in }
    ) async throws -> GenerationSummary {
        if let name = configuration.kind.secretName, configuration.secret == nil {
            throw GenerateError.missingSecret(name: name, backend: configuration.kind.rawValue, envFile: configuration.envFile)
        }
        let root = options.outputDirectory
        do {
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        } catch {
            throw GenerateError.fileSystem(path: root.path, reason: "cannot create the output folder: \(error.localizedDescription)")
        }
        // Shards share the output folder: each locks its own manifest instead of the folder.
        let runLock = try RunLock(directory: root, file: plan.shard == nil ? nil : ".\(plan.manifestName).lock")
        defer { runLock.release() }

        // Partial files of a crashed run are never images; remove them first.
        for prompt in Set(plan.jobs.map(\.folder)) {
            ImageFiles.removeLeftovers(in: modelDirectory.appendingPathComponent(prompt))
        }
        let survey = self.survey()
        let manifest = GenerationManifest(directory: root, name: plan.manifestName)
        try manifest.load()
        defer { manifest.close() }
        // Lines of planned images must match a file that is there and decodes; others stay.
        let planned = Set(plan.jobs.flatMap { job in options.format.extensions.map { relativePath(job, extension: $0) } })
        let onDisk = Set(survey.existing.values)
        var recovered: [JSONValue] = []
        for (job, rel) in survey.existing.sorted(by: { $0.value < $1.value }) where manifest.record(for: rel) == nil {
            if let bytes = ImageFiles.validImage(at: url(rel)) {
                recovered.append(record(job, path: rel, bytes: bytes, image: nil, seconds: nil, retries: nil, info: [:], recovered: true))
            }
        }
        let change = try manifest.reconcile(keep: { !planned.contains($0) || onDisk.contains($0) }, added: recovered)
        for rel in survey.unreadable { onEvent(.note("\(rel) does not decode; it will be generated again")) }
        if change.added > 0 { onEvent(.note("recorded \(change.added) images that were on disk without a manifest line")) }

        lock.withLock {
            _summary.planned = plan.jobs.count
            _summary.alreadyOnDisk = survey.done.count
            _summary.recoveredLines = change.added
            _summary.droppedLines = change.dropped
            _progress.total = survey.todo.count
        }
        onProgress(lock.withLock { _progress })
        if survey.todo.isEmpty { return summary }

        let client = GenerationHTTP.makeClient(timeout: options.timeout)
        var logger = Logger(label: "scs.generate")
        logger.logLevel = .critical
        let http = GenerationHTTP(
            client: client, backend: configuration.kind.rawValue, policy: options.retry, timeout: options.timeout,
            auth: configuration.secret.map { Authorization(secret: $0, origin: configuration.url) }, logger: logger,
            onEvent: { _ in })
        do {
            try await generate(survey.todo, http: http, manifest: manifest, onEvent: onEvent, onProgress: onProgress)
        } catch {
            try? await client.shutdown()
            throw error
        }
        try? await client.shutdown()
        return summary
    }

    private enum Outcome: Sendable {
        case written
        case failed(GenerationJob, GenerateError)
        case stop(Error)
    }

    private func generate(
        _ jobs: [GenerationJob], http: GenerationHTTP, manifest: GenerationManifest,
        onEvent: @escaping @Sendable (GenerationEvent) -> Void,
        onProgress: @escaping @Sendable (GenerationProgress) -> Void
    ) async throws {
        try await withThrowingTaskGroup(of: Outcome.self) { group in
            var queue = jobs.makeIterator()
            var running = 0
            func fill(upTo limit: Int) {
                while running < limit, let job = queue.next() {
                    group.addTask { await self.make(job, http: http, manifest: manifest, onEvent: onEvent, onProgress: onProgress) }
                    running += 1
                }
            }
            // The first image goes alone: a bad token or a bad input then costs one request, not
            // `concurrency` of them. Once it has an answer, the others fill the slots.
            fill(upTo: 1)
            while let outcome = try await group.next() {
                running -= 1
                switch outcome {
                case .written:
                    break
                case let .failed(job, error):
                    let rel = relativePath(job, extension: options.format == .jpeg ? "jpg" : "*")
                    let progress = lock.withLock {
                        _summary.failed.append((rel, error.description))
                        _progress.failed += 1
                        return _progress
                    }
                    onEvent(.note("\(rel) failed: \(error.description)"))
                    onProgress(progress)
                case .stop(let error):
                    group.cancelAll()
                    throw error
                }
                if Task.isCancelled { throw CancellationError() }
                fill(upTo: options.concurrency)
            }
        }
    }

    /// One image, start to finish. Never throws: the outcome says what happened.
    private func make(
        _ job: GenerationJob, http base: GenerationHTTP, manifest: GenerationManifest,
        onEvent: @escaping @Sendable (GenerationEvent) -> Void,
        onProgress: @escaping @Sendable (GenerationProgress) -> Void
    ) async -> Outcome {
        let started = Date()
        let retries = Counter()
        var http = base
        http.onEvent = { [self] event in
            if case .retrying = event {
                retries.increment()
                let progress = lock.withLock {
                    _summary.retries += 1
                    _progress.retries += 1
                    return _progress
                }
                onProgress(progress)
            }
            onEvent(event)
        }
        do {
            let result = try await backend.generate(job, http: http, format: options.format)
            try Task.checkCancellation()
            let rel = relativePath(job, extension: result.image.fileExtension)
            try ImageFiles.writeAtomically(result.image.bytes, to: url(rel))
            // An unreadable file of another extension under this seed would be read by `scs score`.
            for ext in options.format.extensions where ext != result.image.fileExtension {
                let other = url(relativePath(job, extension: ext))
                if FileManager.default.fileExists(atPath: other.path) { try? FileManager.default.removeItem(at: other) }
            }
            try manifest.append(
                record(
                    job, path: rel, bytes: result.image.bytes, image: result.image,
                    seconds: Date().timeIntervalSince(started), retries: retries.value,
                    info: result.info, recovered: false))
            let progress = lock.withLock {
                _summary.generated += 1
                _progress.done += 1
                return _progress
            }
            onProgress(progress)
            return .written
        } catch let error as GenerateError where !error.stopsRun {
            return .failed(job, error)
        } catch {
            return .stop(error)
        }
    }

    // MARK: Manifest lines

    /// One manifest line: who made the image, from what, with which request, and what was written.
    func record(
        _ job: GenerationJob, path: String, bytes: [UInt8], image: PreparedImage?, seconds: Double?,
        retries: Int?, info: [String: JSONValue], recovered: Bool
    ) -> JSONValue {
        var o: [String: JSONValue] = [
            "model": .string(plan.modelName),
            "prompt": .string(job.prompt),
            "prompt_line": .int(Int64(job.promptLine)),
            "seed": .int(job.seed),
            "seed_sent": .bool(backend.sendsSeed),
            "path": .string(path),
            "backend": .string(configuration.kind.rawValue),
            "endpoint": .string(GenerationHTTP.display(backend.endpoint)),
            "request": backend.request(for: job),
            "format": .string(options.format.rawValue),
            "sha256": .string(sha256Hex(bytes)),
            "bytes": .int(Int64(bytes.count)),
            "created": .string(ISO8601DateFormatter().string(from: Date()))
        ]
        if options.format == .jpeg { o["jpeg_quality"] = .int(Int64(JPEGEncoder.pillowDefaultQuality)); o["jpeg_subsampling"] = "4:2:0" }
        if let preset = configuration.preset { o["preset"] = .string(preset.name) }
        // Where the prompt comes from, for `scs score` to carry the category into scores.csv.
        if let suite = plan.suite { o["suite"] = .string(suite) }
        if let category = job.category { o["category"] = .string(category) }
        if let challenge = job.challenge { o["challenge"] = .string(challenge) }
        if let workflow = configuration.workflow {
            o["workflow"] = .string(workflow.path)
            o["workflow_sha256"] = .string(workflow.sha256)
        }
        if let image {
            o["width"] = .int(Int64(image.width))
            o["height"] = .int(Int64(image.height))
            o["source_format"] = .string(image.sourceFormat.rawValue)
        } else if let decoded = try? ImageDecoder.decode(bytes) {
            o["width"] = .int(Int64(decoded.width))
            o["height"] = .int(Int64(decoded.height))
        }
        o["seconds"] = seconds.map { .double(($0 * 1000).rounded() / 1000) } ?? .null
        if let retries { o["retries"] = .int(Int64(retries)) }
        if !info.isEmpty { o["backend_info"] = .object(info) }
        if recovered { o["recovered"] = true }
        return .object(o)
    }
}

/// A thread-safe counter.
final class Counter: @unchecked Sendable {
    private let lock = NSLock()
    private var count = 0
    func increment() { lock.withLock { count += 1 } }
    var value: Int { lock.withLock { count } }
}

/// An exclusive `flock` on the output folder, so two runs never write the same images and
/// manifest. The kernel releases it when the process ends, however it ends.
final class RunLock {
    private var fd: Int32

    /// Locks `directory`, or with `file`, that file in it (created if missing).
    init(directory: URL, file: String? = nil) throws {
        fd = file.map { open(directory.appendingPathComponent($0).path, O_RDWR | O_CREAT, 0o644) } ?? open(directory.path, O_RDONLY)
        guard fd >= 0 else {
            throw GenerateError.fileSystem(path: directory.path, reason: "cannot open the output folder: \(String(cString: strerror(errno)))")
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            close(fd)
            fd = -1
            throw GenerateError.locked(path: directory.path)
        }
    }

    func release() {
        if fd >= 0 { close(fd) }
        fd = -1
    }

    deinit { release() }
}
