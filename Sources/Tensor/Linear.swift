import CKernels

/// Scratch memory for the GEMM: the packed left operand of one K block. One per thread.
public final class GEMMScratch: @unchecked Sendable {
    let floats: UnsafeMutablePointer<Float>
    let rows: Int

    /// Room for products of up to `rows` rows.
    public init(rows: Int) {
        self.rows = rows
        let count = scs_gemm_scratch_floats(Int32(rows))
        floats = UnsafeMutableRawPointer.allocate(byteCount: count * 4, alignment: 64).bindMemory(to: Float.self, capacity: count)
    }

    deinit { floats.deallocate() }
}

/// `out[M, N] = x[M, K] · Wᵀ + bias`, `W` packed (`PackedMatrix`). Each output is one fma chain
/// over k starting from the bias (inside the kernel, so `out` is written once); then
/// `activation`, if given, on each output.
@inline(__always)
public func linear(
    _ x: UnsafePointer<Float>, rows m: Int, weight: PackedMatrix, bias: UnsafePointer<Float>?,
    into out: UnsafeMutablePointer<Float>, outStride: Int? = nil, inStride: Int? = nil,
    scratch: GEMMScratch, then activation: Activation? = nil
) {
    precondition(m <= scratch.rows, "GEMM of \(m) rows exceeds scratch for \(scratch.rows)")
    let n = weight.outFeatures, ldc = outStride ?? n
    // Quick GELU is fused: applied to each tile as it is finished, while it is in cache.
    let fused = activation == .quickGELU
    scs_gemm_ex(
        Int32(m), x, inStride ?? weight.inFeatures, 1, weight.packed, bias, out, ldc, scratch.floats,
        fused ? SCS_EPILOGUE_QUICK_GELU : SCS_EPILOGUE_NONE)
    if let activation, !fused {
        for r in 0..<m { activation.apply(out + r * ldc, count: n) }
    }
}

/// `C[M, N] = alpha · A[M, K] · op(B)` for attention's per-head products, with B packed on the
/// fly into `packBuffer` (`attentionPackBytes` bytes). `transposeB`: B is given as `[N, K]`.
@inline(__always)
public func matmul(
    _ a: UnsafePointer<Float>, lda: Int, _ b: UnsafePointer<Float>, ldb: Int, transposeB: Bool,
    into c: UnsafeMutablePointer<Float>, ldc: Int, m: Int, n: Int, k: Int,
    alpha: Float = 1, packBuffer: UnsafeMutableRawPointer, scratch: GEMMScratch
) {
    var packed = scs_packed()
    if transposeB {
        scs_pack_nk_into(b, Int32(n), Int32(k), ldb, SCS_FORMAT_F32, packBuffer, &packed)
    } else {
        scs_pack_kn_into(b, Int32(k), Int32(n), ldb, SCS_FORMAT_F32, packBuffer, &packed)
    }
    scs_gemm(Int32(m), a, lda, alpha, &packed, nil, c, ldc, scratch.floats)
}

/// Bytes of the buffer `matmul` packs an `[N, K]` (or `[K, N]`) fp32 operand into.
public func packedBytes(n: Int, k: Int) -> Int { scs_packed_bytes(Int32(n), Int32(k), SCS_FORMAT_F32) }
