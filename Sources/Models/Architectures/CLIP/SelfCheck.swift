import Foundation
import SCSTensor

/// Checks this CPU's arithmetic, on every kernel path it runs: SyntheticCLIP's small check model
/// against the embeddings transformers computed for it (SelfCheckReference.swift), and the same
/// bits in a batch as one at a time. A kernel, compiler or CPU that computes wrong numbers fails here loudly.
public enum SelfCheck {
    /// One kernel path in one precision.
    public struct Result: Sendable {
        public var path: KernelPath
        public var precision: Precision
        /// Largest ‖ours − reference‖ / ‖reference‖ over the check inputs.
        public var maxRelativeError: Double
        /// Smallest cosine between ours and the reference.
        public var minCosine: Double
        /// Batch of all inputs == one at a time, bit for bit.
        public var batchInvariant: Bool
        public var passed: Bool
    }

    /// fp32 must agree with PyTorch as the parity tests require; bf16 rounds every product's
    /// operands to 8 bits of mantissa, hence its looser bound.
    public static let fp32Tolerance = 1e-5
    public static let bf16MinCosine = 0.999

    /// Runs the check on every supported path (fp32) and in bf16 where the CPU has it. The model
    /// is written into `workDirectory` (a few hundred kB).
    public static func run(workDirectory: URL) throws -> [Result] {
        let config = SyntheticCLIP.checkConfig
        let folder = workDirectory.appendingPathComponent("check-model")
        try SyntheticCLIP.write(config: config, seed: SyntheticCLIP.checkWeightsSeed, to: folder)
        let count = SyntheticCLIP.checkInputCount, e = config.projectionDim
        let inputs = SyntheticCLIP.inputs(count: count, size: config.imageSize, seed: SyntheticCLIP.checkInputsSeed)
        let reference = referenceBits.map { Double(Float(bitPattern: $0)) }
        let previous = KernelPath.current
        defer { KernelPath.force(previous) }
        var results: [Result] = []
        for path in KernelPath.allCases where path.isSupported {
            KernelPath.force(path)
            for precision in Precision.allCases where precision.isSupported && (precision == .fp32 || path == .avx512) {
                let model = try CLIPVisionModel(directory: folder, precision: precision)
                let batched = model.embed(inputs, count: count, batch: count)
                let single = model.embed(inputs, count: count, batch: 1)
                var worst = 0.0, minCos = 1.0
                for i in 0..<count {
                    let a = batched[(i * e)..<((i + 1) * e)].map(Double.init), b = Array(reference[(i * e)..<((i + 1) * e)])
                    let dot = zip(a, b).reduce(0) { $0 + $1.0 * $1.1 }
                    let na = a.reduce(0) { $0 + $1 * $1 }.squareRoot(), nb = b.reduce(0) { $0 + $1 * $1 }.squareRoot()
                    let diff = zip(a, b).reduce(0) { $0 + ($1.0 - $1.1) * ($1.0 - $1.1) }.squareRoot()
                    worst = max(worst, diff / nb)
                    minCos = min(minCos, na > 0 && nb > 0 ? dot / (na * nb) : -1)
                }
                if !worst.isFinite { worst = .infinity; minCos = -1 }
                let invariant = batched.map(\.bitPattern) == single.map(\.bitPattern)
                let accurate = precision == .fp32 ? worst <= fp32Tolerance : minCos >= bf16MinCosine
                results.append(
                    Result(
                        path: path, precision: precision, maxRelativeError: worst, minCosine: minCos,
                        batchInvariant: invariant, passed: invariant && accurate))
            }
        }
        return results
    }
}
