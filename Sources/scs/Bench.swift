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
        let model = try CLIPVisionModel(directory: directory)
        var pipeline = EmbeddingPipeline(model: model, batchSize: modelOptions.batchSize)
        if let t = modelOptions.threads { pipeline.workers = t }
        // The clock starts when the first batch is out (a warm-up, as the rivals' scripts have):
        // the figure is the steady rate, not the time to fault the weights in.
        var done = 0, timed = 0
        var start: Date?
        try pipeline.run(paths: paths) { result in
            if let failure = result.failed.first { throw failure.error }
            done += result.embedded.count
            if start == nil { start = Date() } else { timed += result.embedded.count }
            progress.update(label: "bench", done: done, total: paths.count)
        }
        guard let start, timed > 0 else { throw ValidationError("use more images than one batch per thread to time") }
        let seconds = Date().timeIntervalSince(start)
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let peakMB = Double(usage.ru_maxrss) / 1024
        let rate = Double(timed) / seconds
        say(String(format: "scs: %d images (%d timed after a warm-up batch) in %.2f s: %.2f images/s (%d threads, batch %d, BLAS %@), peak RSS %.0f MB",
                   done, timed, seconds, rate, pipeline.workers, pipeline.batchSize, BLAS.coreName, peakMB))
        if let json {
            let figures: [String: String] = [
                "images": "\(done)", "timed_images": "\(timed)", "seconds": "\(seconds)", "images_per_second": "\(rate)",
                "threads": "\(pipeline.workers)", "batch_size": "\(pipeline.batchSize)", "peak_rss_mb": "\(peakMB)",
                "blas_core": BLAS.coreName,
            ]
            try OutputFiles.writeJSON(figures, to: json)
        }
    }
}
