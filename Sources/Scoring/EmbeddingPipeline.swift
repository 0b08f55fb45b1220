import Foundation
import SCSModels
import SCSImaging
import SCSTensor

/// Embeds image files, fast and in bounded memory:
///
///     reader thread:  read file → decode → preprocess → batch   ─┐ (queue of `workers + 1` batches)
///     worker threads: one per core, each runs whole batches through the network with
///                     a single-threaded GEMM                        ─┐ (queue of results)
///     calling thread: receives finished batches in any order (to store them, draw progress)
///
/// Decoding the next batch overlaps the network's work on the current ones, and every core stays
/// busy through the non-GEMM parts of the network too (layer norms, softmax, activations).
public struct EmbeddingPipeline: Sendable {
    public let model: any ImageEncoder
    public let preprocessor: ImagePreprocessor
    public var workers: Int
    public var batchSize: Int

    /// `preprocessing` nil: the model kind's own (`ModelKind.defaultPipeline`).
    public init(
        model: any ImageEncoder, workers: Int = ProcessInfo.processInfo.activeProcessorCount, batchSize: Int = 8,
        preprocessing: ImagePreprocessor.Pipeline? = nil
    ) {
        self.model = model
        preprocessor = model.preprocessor(preprocessing ?? model.kind.defaultPipeline)
        self.workers = max(1, workers)
        self.batchSize = max(1, batchSize)
    }

    /// One finished batch: embeddings for some inputs (by index into the input list) and the
    /// inputs that could not be read or decoded.
    public struct BatchResult: Sendable {
        public var embedded: [(index: Int, embedding: [Float])]
        public var failed: [(index: Int, error: ImageFileError)]
    }

    private struct Batch: @unchecked Sendable {
        var indices: [Int] = []
        var pixels: [Float] = []
        var failed: [(index: Int, error: ImageFileError)] = []
    }

    /// Embeds `paths`. `onBatch` runs on the calling thread as batches finish; throwing from it
    /// stops the pipeline (work already handed to `onBatch` stays done) and rethrows.
    public func run(paths: [String], onBatch: (BatchResult) throws -> Void) throws {
        if paths.isEmpty { return }
        let pending = BoundedQueue<Batch>(capacity: workers + 1)
        let finished = BoundedQueue<BatchResult>(capacity: 4 * workers + 4)

        let reader = Thread { [preprocessor, batchSize, workers] in
            var batch = Batch()
            var target = Self.batchTarget(remaining: paths.count, workers: workers, batchSize: batchSize)
            for (index, path) in paths.enumerated() {
                do {
                    let image = try ImageDecoder.decodeNative(fileAt: path)
                    batch.pixels += preprocessor.preprocess(image)
                    batch.indices.append(index)
                } catch let error as ImageFileError {
                    batch.failed.append((index, error))
                } catch {
                    batch.failed.append((index, ImageFileError(path: path, reason: "\(error)")))
                }
                if batch.indices.count == target || index == paths.count - 1 {
                    if !pending.push(batch) { return }
                    batch = Batch()
                    target = Self.batchTarget(remaining: paths.count - index - 1, workers: workers, batchSize: batchSize)
                }
            }
            pending.close()
        }
        reader.stackSize = 1 << 22
        reader.start()

        let running = Counter(workers)
        for _ in 0..<workers {
            let worker = Thread { [model] in
                let workspace = model.borrowWorkspace(capacity: batchSize)
                let e = model.embeddingWidth
                var out = [Float](repeating: 0, count: batchSize * e)
                while let batch = pending.pop() {
                    let n = batch.indices.count
                    if n > 0 {
                        batch.pixels.withUnsafeBufferPointer { px in
                            out.withUnsafeMutableBufferPointer { o in
                                model.embed(px.baseAddress!, batch: n, into: o.baseAddress!, workspace: workspace)
                            }
                        }
                    }
                    let embedded = (0..<n).map { (batch.indices[$0], Array(out[($0 * e)..<(($0 + 1) * e)])) }
                    if !finished.push(BatchResult(embedded: embedded, failed: batch.failed)) { break }
                }
                model.recycle(workspace)
                if running.decrement() == 0 { finished.close() }
            }
            worker.stackSize = 1 << 22
            worker.start()
        }

        do {
            while let result = finished.pop() { try onBatch(result) }
        } catch {
            pending.cancel()
            finished.cancel()
            throw error
        }
    }
}

extension EmbeddingPipeline {
    /// The size of the next batch: `batchSize`, except that the remaining images are spread evenly
    /// over the rounds they need, so no worker idles at the end (20 images on 2 workers with
    /// batches of 16 make two batches of 10, not 16 and 4). Batch sizes never change a result.
    static func batchTarget(remaining: Int, workers: Int, batchSize: Int) -> Int {
        guard remaining > 0 else { return batchSize }
        let perRound = workers * batchSize
        let rounds = (remaining + perRound - 1) / perRound
        let share = rounds * workers
        return min(batchSize, max(1, (remaining + share - 1) / share))
    }
}

/// A thread-safe countdown.
final class Counter: @unchecked Sendable {
    private var value: Int
    private let lock = NSLock()
    init(_ value: Int) { self.value = value }
    func decrement() -> Int {
        lock.lock()
        defer { lock.unlock() }
        value -= 1
        return value
    }
}
