import CBLAS

/// `out[M, N] = x[M, K] · wᵀ + bias`, with `w` stored `[N, K]` row-major as PyTorch's
/// `nn.Linear` stores it, so weights are used in place without a transpose.
/// One BLAS sgemm does the work; the bias is written into `out` first and accumulated (beta = 1).
@inline(__always)
public func linear(_ x: UnsafePointer<Float>, rows m: Int, inFeatures k: Int,
                   weight w: UnsafePointer<Float>, bias: UnsafePointer<Float>?, outFeatures n: Int,
                   into out: UnsafeMutablePointer<Float>, outStride: Int? = nil) {
    let ldc = outStride ?? n
    if let bias {
        for r in 0..<m { (out + r * ldc).update(from: bias, count: n) }
    }
    cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, Int32(m), Int32(n), Int32(k),
                1, x, Int32(k), w, Int32(k), bias == nil ? 0 : 1, out, Int32(ldc))
}

/// General `C[M, N] = alpha · A[M, K] · op(B) + beta · C` on strided row-major views, for the
/// small per-head products of attention.
@inline(__always)
public func matmul(_ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
                   into c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int,
                   alpha: Float = 1, beta: Float = 0) {
    cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
}

/// BLAS threading. The pipeline runs one forward pass per core with single-threaded BLAS,
/// which keeps every core busy in the non-BLAS parts too.
public enum BLAS {
    public static var threads: Int {
        get { Int(openblas_get_num_threads()) }
        set { openblas_set_num_threads(Int32(newValue)) }
    }
    /// The kernel set OpenBLAS picked for this CPU (e.g. "Haswell", "SkylakeX").
    public static var coreName: String { String(cString: openblas_get_corename()) }
}
