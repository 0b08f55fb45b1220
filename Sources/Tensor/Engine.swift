import CKernels

/// The numeric format of the network's matrix products. Accumulation is always float32.
public enum Precision: String, Sendable, CaseIterable, Codable {
    /// IEEE float32 operands: the reference, and the default.
    case fp32
    /// bfloat16 operands (rounded to nearest even), float32 accumulation, through AVX512-BF16's
    /// `vdpbf16ps`: about twice the arithmetic rate, embeddings within cosine ~0.9995 of fp32.
    case bf16

    var format: scs_format { self == .fp32 ? SCS_FORMAT_F32 : SCS_FORMAT_BF16 }

    /// Whether this CPU can compute in this precision.
    public var isSupported: Bool { scs_format_supported(format) != 0 }

    /// Why not, in one line, where it is not supported.
    public var unsupportedReason: String? { unsupportedReason(naming: { "precision \($0.rawValue)" }) }

    /// Why not, naming precisions as `naming` does (the command line names its flag).
    public func unsupportedReason(naming: (Precision) -> String) -> String? {
        if isSupported { return nil }
        return "\(naming(self)) needs a CPU with AVX512-BF16 (Intel Cooper Lake or Sapphire Rapids and later, AMD Zen 4 and later); "
            + "this one (\(CPU.brand)) lacks it: use \(naming(.fp32))"
    }
}

/// The GEMM kernel families. Every fp32 path computes the same bits: each output element is one
/// chain of fused multiply-adds in the order of k (see scs_kernels.h).
public enum KernelPath: String, Sendable, CaseIterable {
    case avx512, avx2, generic

    var cValue: scs_path {
        switch self {
        case .avx512: return SCS_PATH_AVX512
        case .avx2: return SCS_PATH_AVX2
        case .generic: return SCS_PATH_GENERIC
        }
    }

    init(_ path: scs_path) {
        switch path {
        case SCS_PATH_AVX512: self = .avx512
        case SCS_PATH_AVX2: self = .avx2
        default: self = .generic
        }
    }

    /// Whether this CPU runs it.
    public var isSupported: Bool { scs_path_supported(cValue) != 0 }

    /// The path in use: the best the CPU runs, unless forced by `KernelPath.force` or by the
    /// environment variable `SCS_KERNEL` (avx512, avx2 or generic).
    public static var current: KernelPath { KernelPath(scs_current_path()) }

    /// Makes matrices packed from now on use `path`; nil goes back to the best. Weights already
    /// packed keep the path they were packed for. Returns false if the CPU cannot run it.
    @discardableResult
    public static func force(_ path: KernelPath?) -> Bool {
        scs_set_path(path?.cValue ?? SCS_PATH_AUTO) == 0
    }
}

/// What the processor is and can do, for `scs doctor`, bench labels and bug reports.
public enum CPU {
    /// The brand string, e.g. "AMD EPYC 9B45".
    public static var brand: String {
        var buffer = [CChar](repeating: 0, count: 64)
        scs_cpu_brand(&buffer, buffer.count)
        let name = String(cString: buffer)
        return name.isEmpty ? "unknown CPU" : name
    }

    /// The ISA extensions the kernels care about that this CPU (and its OS) supports.
    public static var extensions: [String] {
        let f = scs_cpu_detect()
        let named: [(String, Int32)] = [
            ("avx2", f.avx2), ("fma", f.fma), ("f16c", f.f16c), ("avx512f", f.avx512f), ("avx512bw", f.avx512bw),
            ("avx512vl", f.avx512vl), ("avx512_bf16", f.avx512_bf16), ("avx512_vnni", f.avx512_vnni),
            ("avx_vnni", f.avx_vnni), ("amx_bf16", f.amx_bf16)
        ]
        return named.filter { $0.1 != 0 }.map(\.0)
    }

    /// A one-line label: brand and the widest vector ISA, e.g. "AMD EPYC (avx512, bf16)".
    public static var label: String {
        var isa = KernelPath.current.rawValue
        if Precision.bf16.isSupported { isa += ", bf16" }
        return "\(brand) (\(isa))"
    }
}
