import ArgumentParser
import Foundation
import SCSModels
import SCSImaging
import SCSScoring
import SCSTensor

struct Doctor: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check this machine: CPU, kernels, the engine's arithmetic, and its speed. Paste the output into bug reports.",
        discussion: """
            Offline and self-contained: the arithmetic is checked on a small built-in model against \
            embeddings PyTorch computed for it, on every kernel path the CPU runs; the speed is timed on \
            a model of ViT-B/32's shape with generated weights (or --model) and 20 generated 768x768 JPEGs. \
            Exits with status 1 if a check fails.
            """
    )

    @Option(help: "Time this model instead of the generated ViT-B/32-shaped one (a folder or a cached repo id).")
    var model: String?

    @Option(help: "Images to time at each precision.")
    var images = 20

    @Flag(help: "Skip the speed measurement.")
    var noSpeed = false

    func run() async throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("scs-doctor-\(getpid())")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }

        let env = ProcessInfo.processInfo.environment
        say("scs doctor")
        say("cpu          \(CPU.brand), \(ProcessInfo.processInfo.activeProcessorCount) cores")
        say("extensions   \(CPU.extensions.isEmpty ? "none of interest" : CPU.extensions.joined(separator: " "))")
        let forced = env["SCS_KERNEL"].map { " (SCS_KERNEL=\($0))" } ?? ""
        say(
            "kernels      \(KernelPath.current.rawValue)\(forced); this CPU runs: \(KernelPath.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", "))"
        )
        say(
            "precisions   \(Precision.allCases.filter(\.isSupported).map(\.rawValue).joined(separator: ", "))"
                + (Precision.bf16.isSupported ? "" : " (bf16 needs AVX512-BF16)"))
        say("threads      \(ProcessInfo.processInfo.activeProcessorCount) (one forward pass per core; --threads changes it)")
        let blasVariables = env.keys.filter { $0.hasPrefix("OPENBLAS_") || $0.hasPrefix("OMP_") || $0.hasPrefix("MKL_") }.sorted()
        if !blasVariables.isEmpty {
            say("environment  \(blasVariables.map { "\($0)=\(env[$0]!)" }.joined(separator: " ")): not read by scs (its GEMM is its own)")
        }

        let results = try SelfCheck.run(workDirectory: work)
        var failed = false
        for r in results {
            let accuracy =
                r.precision == .fp32
                ? String(format: "max relative error %.1e vs PyTorch (limit %.0e)", r.maxRelativeError, SelfCheck.fp32Tolerance)
                : String(format: "min cosine %.6f vs PyTorch fp32 (limit %.3f)", r.minCosine, SelfCheck.bf16MinCosine)
            say(
                "self-check   \(r.path.rawValue) \(r.precision.rawValue): \(accuracy), batch-invariant \(r.batchInvariant ? "yes" : "NO"): \(r.passed ? "ok" : "FAILED")"
            )
            failed = failed || !r.passed
        }
        if failed {
            let bad = results.filter { !$0.passed }.map { "\($0.path.rawValue)/\($0.precision.rawValue)" }.joined(separator: ", ")
            say(
                "problem      the engine computes wrong numbers on \(bad). Use another path (e.g. SCS_KERNEL=generic) "
                    + "until it is fixed, and report this output with `lscpu`.")
        }

        if !noSpeed {
            let progress = ProgressBar(quiet: false)
            let modelDirectory: URL
            let label: String
            if let model {
                var options = try ModelOptions.parse([])
                options.model = model
                modelDirectory = try await options.resolve(progress: progress)
                label = model
            } else {
                modelDirectory = work.appendingPathComponent("vit-b-32-shaped")
                try SyntheticCLIP.write(config: CLIPVisionConfig(), seed: 32, to: modelDirectory)
                label = "ViT-B/32 shape, generated weights"
            }
            let paths = try Self.writeImages(count: images, to: work.appendingPathComponent("images"))
            for precision in Precision.allCases where precision.isSupported {
                let network = try CLIPVisionModel(directory: modelDirectory, precision: precision)
                let pipeline = EmbeddingPipeline(model: network, batchSize: 8)
                try pipeline.run(paths: Array(paths.prefix(pipeline.workers))) { _ in }  // warm-up, untimed
                let start = Date()
                try pipeline.run(paths: paths) { result in
                    if let failure = result.failed.first { throw failure.error }
                }
                let seconds = Date().timeIntervalSince(start)
                say(
                    String(
                        format: "speed        %@: %.1f images/s (%d images of 768x768 JPEG, end to end; %@)",
                        precision.rawValue, Double(paths.count) / seconds, paths.count, label))
            }
        }
        if failed { throw ExitCode(1) }
    }

    /// `count` 768x768 JPEGs of smooth coloured patterns, different each.
    static func writeImages(count: Int, to folder: URL) throws -> [String] {
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let side = 768
        return try (0..<count).map { n in
            var pixels = [UInt8](repeating: 0, count: side * side * 3)
            for y in 0..<side {
                for x in 0..<side {
                    let i = (y * side + x) * 3
                    let t = Double(n) * 0.7
                    pixels[i] = UInt8(127.5 + 127 * sin(Double(x) * 0.013 + t))
                    pixels[i + 1] = UInt8(127.5 + 127 * sin(Double(y) * 0.017 - t))
                    pixels[i + 2] = UInt8(127.5 + 127 * sin(Double(x + y) * 0.009 + 2 * t))
                }
            }
            let bytes = try JPEGEncoder.encode(RGBImage(width: side, height: side, pixels: pixels))
            let path = folder.appendingPathComponent(String(format: "%03d.jpg", n)).path
            try Data(bytes).write(to: URL(fileURLWithPath: path))
            return path
        }
    }
}
