import ArgumentParser
import Foundation
import SCSModels
import SCSScoring
import SCSTensor

struct Bench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Time end-to-end embedding (read, decode, preprocess, forward) of a folder of images.",
        discussion: "No cache is used. Prints images/s and the peak resident memory; scripts/bench/run.sh compares with PyTorch and ONNX Runtime."
    )

    @Argument(help: "A folder of images.")
    var folder: String

    @Option(help: "Use at most this many images (repeating the folder's images if it has fewer).")
    var images: Int?

    @Option(help: "Write the figures as JSON here.")
    var json: String?

    @Option(
        help:
            "With --precision other than fp32: compare with fp32 on these groups, image i in group i mod N (scripts/bench/make_images.py makes image i from photo i mod 7)."
    )
    var groups = 7

    @Flag(
        help:
            "Also time loading the model: packing its weights, then mapping them from a packed-weights file (written to a temporary folder and removed)."
    )
    var load = false

    @OptionGroup var modelOptions: ModelOptions

    func run() async throws {
        let progress = ProgressBar(quiet: false)
        let files = try FileManager.default.contentsOfDirectory(atPath: folder)
            .filter { !$0.hasPrefix(".") && Dataset.imageExtensions.contains(($0 as NSString).pathExtension.lowercased()) }
            .sorted().map { (folder as NSString).appendingPathComponent($0) }
        guard !files.isEmpty else { throw ValidationError("\(folder): no images") }
        let count = images ?? files.count
        let paths = (0..<count).map { files[$0 % files.count] }
        let directory = try await modelOptions.resolve(progress: progress)
        let setup = modelOptions.setup
        let loadFigures = load ? try Self.timeLoading(directory, precision: setup.precision) : [:]
        let model = try ImageEncoders.load(directory, precision: setup.precision)
        let pipeline = EmbeddingPipeline(model: model, workers: setup.workers, batchSize: setup.batchSize, preprocessing: setup.pipeline)
        // Warm-up: one batch per thread, untimed (the rivals' scripts also run one batch first), so
        // the weights are paged in. Then every image is timed, start to finish, tail included.
        let warmup = Array(paths.prefix(pipeline.workers * pipeline.batchSize))
        try pipeline.run(paths: warmup) { result in
            if let failure = result.failed.first { throw failure.error }
        }
        var done = 0
        let start = Date()
        try pipeline.run(paths: paths) { result in
            if let failure = result.failed.first { throw failure.error }
            done += result.embedded.count
            progress.update(label: "bench", done: done, total: paths.count)
        }
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let rate = Double(done) / seconds
        say(
            String(
                format: "scs: %@: %d images in %.2f s: %.2f images/s (%@, %d threads, batch %d, %@ kernels on %@), peak RSS %.0f MB",
                model.summary, done, seconds, rate, setup.precision.rawValue, pipeline.workers, pipeline.batchSize,
                KernelPath.current.rawValue, CPU.brand, peakMB))
        var accuracy: [String: String] = [:]
        if setup.precision != .fp32 {
            // Against fp32 on the same images (untimed): every embedding's cosine, every group's SCS.
            let unique = Array(Set(paths)).sorted()
            let reduced = try Self.embeddings(pipeline, unique)
            let reference = try Self.embeddings(
                EmbeddingPipeline(
                    model: try ImageEncoders.load(directory), batchSize: pipeline.batchSize,
                    preprocessing: setup.pipeline), unique)
            var minCosine = 1.0, maxDelta = 0.0
            for (a, b) in zip(reduced, reference) { minCosine = min(minCosine, ConsistencyScore.cosine(a, b)) }
            let n = max(1, groups)
            for g in 0..<n {
                let members = unique.indices.filter { $0 % n == g }
                guard members.count >= 2 else { continue }
                let s1 = ConsistencyScore.score(model: "", prompt: "", embeddings: members.map { reduced[$0] })!.scs
                let s0 = ConsistencyScore.score(model: "", prompt: "", embeddings: members.map { reference[$0] })!.scs
                maxDelta = max(maxDelta, abs(s1 - s0))
            }
            say(
                String(
                    format: "scs: %@ vs fp32 on %d images: min cosine %.6f, largest SCS difference %.4f (%d groups)",
                    setup.precision.rawValue, unique.count, minCosine, maxDelta, min(n, unique.count)))
            accuracy = ["min_cosine_vs_fp32": "\(minCosine)", "max_scs_difference_vs_fp32": "\(maxDelta)"]
        }
        if let json {
            var figures: [String: String] = [
                "images": "\(done)", "seconds": "\(seconds)", "images_per_second": "\(rate)",
                "threads": "\(pipeline.workers)", "batch_size": "\(pipeline.batchSize)", "peak_rss_mb": "\(peakMB)",
                "precision": setup.precision.rawValue, "kernels": KernelPath.current.rawValue,
                "cpu": CPU.brand, "cpu_extensions": CPU.extensions.joined(separator: " "), "model": directory.lastPathComponent,
                "kind": model.kind.rawValue, "architecture": model.summary
            ]
            figures.merge(accuracy) { $1 }
            figures.merge(loadFigures) { $1 }
            try OutputFiles.writeJSON(figures, to: json)
        }
    }

    /// Loading timed three ways, each the best of three: packing every matrix (no packed-weights
    /// cache), packing and writing the file (a first load), and mapping the file (every later load).
    static func timeLoading(_ directory: URL, precision: Precision) throws -> [String: String] {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("scs-bench-packed-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        func best(_ body: () throws -> Void) rethrows -> Double {
            var fastest = Double.infinity
            for _ in 0..<3 {
                let start = Date()
                try body()
                fastest = min(fastest, Date().timeIntervalSince(start))
            }
            return fastest
        }
        let packing = try best { _ = try ImageEncoders.load(directory, precision: precision) }
        let writing = try best {
            try? FileManager.default.removeItem(at: folder)
            _ = try ImageEncoders.load(
                directory, precision: precision,
                packedCache: PackedWeightCache(
                    folder: folder, fingerprint: "bench", precision: precision, engineVersion: Embedder.engineVersion))
        }
        var bytes = 0
        let mapping = try best {
            let cache = PackedWeightCache(folder: folder, fingerprint: "bench", precision: precision, engineVersion: Embedder.engineVersion)
            _ = try ImageEncoders.load(directory, precision: precision, packedCache: cache)
            bytes = (try? FileManager.default.attributesOfItem(atPath: cache.path)[.size] as? Int) ?? 0
        }
        say(
            String(
                format: "scs: load: packing %.3f s, packing and writing the packed-weights file %.3f s, mapping it %.3f s (%.0f MB): %.0fx faster",
                packing, writing, mapping, Double(bytes) / 1e6, packing / mapping))
        return [
            "load_packing_seconds": "\(packing)", "load_writing_seconds": "\(writing)", "load_mapped_seconds": "\(mapping)",
            "packed_weights_bytes": "\(bytes)"
        ]
    }

    /// The embeddings of `paths`, in order.
    static func embeddings(_ pipeline: EmbeddingPipeline, _ paths: [String]) throws -> [[Float]] {
        var out = [[Float]](repeating: [], count: paths.count)
        try pipeline.run(paths: paths) { result in
            if let failure = result.failed.first { throw failure.error }
            for (i, e) in result.embedded { out[i] = e }
        }
        return out
    }
}
