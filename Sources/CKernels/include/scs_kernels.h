// scs's compute kernels: a GEMM whose every output element is one fixed chain of fused
// multiply-adds, so an image's embedding never depends on its batch, its place in the batch or
// the thread that ran it; with run-time dispatch to AVX-512, AVX2+FMA or portable C.
//
// Why our own GEMM and not a library's: OpenBLAS 0.3.21 (Debian's) picks different kernels and
// edge paths by matrix shape and by OPENBLAS_CORETYPE, so rows of the same image differ by up to
// 3e-6 between batch sizes; oneDNN and BLIS choose blockings (and BLIS its "sup" path) by shape
// too. None promises shape-independent results. See docs/ENGINE.md for the measurements.
#ifndef SCS_KERNELS_H
#define SCS_KERNELS_H
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// Kernel paths, best first. `SCS_PATH_AUTO` picks the best the CPU runs.
typedef enum {
    SCS_PATH_AUTO = 0,
    SCS_PATH_AVX512 = 1,       // AVX-512F: 12x32 fp32 tile
    SCS_PATH_AVX2 = 2,         // AVX2 + FMA: 6x16 fp32 tile
    SCS_PATH_GENERIC = 3,      // portable C, fmaf
} scs_path;

/// Numeric formats of the GEMM's operands (accumulation is always fp32).
typedef enum {
    SCS_FORMAT_F32 = 0,
    SCS_FORMAT_BF16 = 1,       // AVX512-BF16 vdpbf16ps: operands rounded to bf16 (nearest even)
} scs_format;

/// CPU features scs looks at.
typedef struct {
    int avx2, fma, avx512f, avx512bw, avx512vl, avx512_bf16, avx512_vnni, avx_vnni, amx_bf16, f16c;
} scs_cpu_features;

scs_cpu_features scs_cpu_detect(void);
/// The CPU's brand string ("AMD EPYC ..."), into `out` (at least 49 bytes).
void scs_cpu_brand(char *out, size_t size);

/// Whether this CPU can run `path` / `format`.
int scs_path_supported(scs_path path);
int scs_format_supported(scs_format format);
/// The path in use: the best supported one, or the one forced by scs_set_path or by the
/// environment variable SCS_KERNEL=avx512|avx2|generic (read once, at first use).
scs_path scs_current_path(void);
/// Forces a path (SCS_PATH_AUTO to undo). Returns 0, or -1 if the CPU cannot run it.
int scs_set_path(scs_path path);
const char *scs_path_name(scs_path path);

/// Packed right-hand operand: B as NR-column panels, each K (rounded up to even for bf16) rows
/// deep, zero-padded past N. Made once per weight matrix; read-only afterwards.
typedef struct {
    int n, k;            // logical shape: C[M,N] += A[M,K] * B[K,N]
    int nr;              // panel width
    int kp;              // K as stored (K, or K rounded up to even for bf16)
    scs_format format;
    scs_path path;       // the path it was packed for
    void *data;          // 64-byte aligned
    size_t bytes;
} scs_packed;

/// Packs B given as W[N,K] row-major (leading dimension ldw), i.e. B = Wᵀ: nn.Linear's weight.
/// Returns 0, or -1 when memory or the format is not available. Free with scs_packed_free.
int scs_pack_nk(const float *w, int n, int k, size_t ldw, scs_format format, scs_packed *out);
/// Packs B given as B[K,N] row-major (leading dimension ldb).
int scs_pack_kn(const float *b, int k, int n, size_t ldb, scs_format format, scs_packed *out);
/// The same packings into a caller's buffer of scs_packed_bytes(...) bytes (64-byte aligned):
/// for small per-call operands (attention's keys and values) without an allocation.
size_t scs_packed_bytes(int n, int k, scs_format format);
void scs_pack_nk_into(const float *w, int n, int k, size_t ldw, scs_format format, void *buffer, scs_packed *out);
void scs_pack_kn_into(const float *b, int k, int n, size_t ldb, scs_format format, void *buffer, scs_packed *out);
void scs_packed_free(scs_packed *p);
/// Describes panels that `scs_pack_nk` wrote earlier, on this path, and that live in memory the
/// caller owns (a memory-mapped cache file): `data` must be 64-byte aligned and hold
/// scs_packed_bytes(n, k, format) bytes. The result is not owned (scs_packed_free leaves it).
void scs_packed_borrow(int n, int k, scs_format format, const void *data, scs_packed *out);

/// Scratch floats scs_gemm needs for M rows (the packed left operand of one K block).
size_t scs_gemm_scratch_floats(int m);

/// C[M,N] = bias + alpha · A[M,K] · B, row-major (bias: N floats, or NULL for none). Every C
/// element is one chain c ← fma(a_k, b_k, c) over k = 0, 1, …, K−1 in order, starting from
/// bias[j] (or 0); bf16 takes k in pairs. alpha scales A as it is packed (exact for powers of
/// two, and in any case the same for every row). `scratch` holds scs_gemm_scratch_floats(m)
/// floats, 64-byte aligned. C's previous content is not read.
void scs_gemm(int m, const float *a, size_t lda, float alpha, const scs_packed *b, const float *bias,
              float *c, size_t ldc, float *scratch);

/// Epilogues applied to each finished tile of C, while it is in cache.
typedef enum {
    SCS_EPILOGUE_NONE = 0,
    SCS_EPILOGUE_QUICK_GELU = 1,   // x · sigmoid(1.702 x)
} scs_epilogue;

/// scs_gemm, then `epilogue` on each element of C (the same bits as applying it afterwards).
void scs_gemm_ex(int m, const float *a, size_t lda, float alpha, const scs_packed *b, const float *bias,
                 float *c, size_t ldc, float *scratch, scs_epilogue epilogue);

/// Elementwise kernels (elementwise.c): the same bits on every CPU.
void scs_exp(float *x, size_t count);          // about 2 ulp; 0 below -87.34, +inf above 88.72
void scs_quick_gelu(float *x, size_t count);
void scs_quick_gelu_rows(float *x, size_t rows, size_t cols, size_t ld);
void scs_gelu(float *x, size_t count);        // exact GELU (erf), within about 2e-7 of torch's
void scs_gelu_tanh(float *x, size_t count);   // gelu_pytorch_tanh
void scs_silu_mul(float *gate, const float *up, size_t count);  // gate = silu(gate) * up (SwiGLU)
void scs_softmax_rows(float *x, size_t rows, size_t cols, size_t ld);

#ifdef __cplusplus
}
#endif
#endif
