import ArgumentParser
import Foundation
import SCSCLIP
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
        let model = try CLIPVisionModel(directory: directory, precision: modelOptions.precision)
        var pipeline = EmbeddingPipeline(model: model, batchSize: modelOptions.batchSize)
        if let t = modelOptions.threads { pipeline.workers = t }
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
        say(String(format: "scs: %d images in %.2f s: %.2f images/s (%@, %d threads, batch %d, %@ kernels on %@), peak RSS %.0f MB",
                   done, seconds, rate, modelOptions.precision.rawValue, pipeline.workers, pipeline.batchSize,
                   KernelPath.current.rawValue, CPU.brand, peakMB))
        if let json {
            let figures: [String: String] = [
                "images": "\(done)", "seconds": "\(seconds)", "images_per_second": "\(rate)",
                "threads": "\(pipeline.workers)", "batch_size": "\(pipeline.batchSize)", "peak_rss_mb": "\(peakMB)",
                "precision": modelOptions.precision.rawValue, "kernels": KernelPath.current.rawValue,
                "cpu": CPU.brand, "cpu_extensions": CPU.extensions.joined(separator: " "), "model": directory.lastPathComponent,
            ]
            try OutputFiles.writeJSON(figures, to: json)
        }
    }
}
