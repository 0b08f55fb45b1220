// The GEMM driver: path dispatch, packing of both operands, and the blocked loops around the
// micro-kernels (gemm_avx512.c, gemm_avx2.c, gemm_generic.c).
//
// Determinism: each C element is one chain of fmas over k in order (bf16: over k pairs), whatever
// M, the row's place among the M rows, the tile shape or the blocking. Blocking over K stores the
// partial sum in C and loads it back, which is exact, and rows of A never mix. So the fp32 paths
// (AVX-512, AVX2, portable) compute the same bits as one another, and an image's rows the same
// bits in any batch.
#include "gemm_internal.h"
#include <stdlib.h>
#include <string.h>
#include <math.h>

// MARK: - Dispatch

static const scs_kernel_desc desc_avx512 = {SCS_AVX512_MR, SCS_AVX512_NR, 256, 512, scs_kernel_avx512_f32, NULL};
static const scs_kernel_desc desc_avx512_bf16 = {SCS_AVX512_MR, SCS_AVX512_NR, 512, 512, NULL, scs_kernel_avx512_bf16};
static const scs_kernel_desc desc_avx2 = {SCS_AVX2_MR, SCS_AVX2_NR, 256, 512, scs_kernel_avx2_f32, NULL};
static const scs_kernel_desc desc_generic = {SCS_GENERIC_MR, SCS_GENERIC_NR, 256, 512, scs_kernel_generic_f32, NULL};

static scs_cpu_features cached_features(void) {
    static scs_cpu_features f;
    static int done = 0;
    if (!__atomic_load_n(&done, __ATOMIC_ACQUIRE)) {
        scs_cpu_features g = scs_cpu_detect();
        f = g;
        __atomic_store_n(&done, 1, __ATOMIC_RELEASE);
    }
    return f;
}

int scs_path_supported(scs_path path) {
    scs_cpu_features f = cached_features();
    switch (path) {
    case SCS_PATH_AUTO: case SCS_PATH_GENERIC: return 1;
    case SCS_PATH_AVX512: return f.avx512f;
    case SCS_PATH_AVX2: return f.avx2 && f.fma;
    }
    return 0;
}

int scs_format_supported(scs_format format) {
    if (format == SCS_FORMAT_F32) return 1;
    scs_cpu_features f = cached_features();
    return format == SCS_FORMAT_BF16 && f.avx512f && f.avx512_bf16;
}

static scs_path best_path(void) {
    if (scs_path_supported(SCS_PATH_AVX512)) return SCS_PATH_AVX512;
    if (scs_path_supported(SCS_PATH_AVX2)) return SCS_PATH_AVX2;
    return SCS_PATH_GENERIC;
}

static int forced_path = -1;   // -1: not read yet; else a scs_path (AUTO = best)

static scs_path path_from_env(void) {
    const char *v = getenv("SCS_KERNEL");
    if (!v || !*v) return SCS_PATH_AUTO;
    if (!strcmp(v, "avx512")) return SCS_PATH_AVX512;
    if (!strcmp(v, "avx2")) return SCS_PATH_AVX2;
    if (!strcmp(v, "generic")) return SCS_PATH_GENERIC;
    return SCS_PATH_AUTO;
}

scs_path scs_current_path(void) {
    int p = __atomic_load_n(&forced_path, __ATOMIC_ACQUIRE);
    if (p < 0) {
        p = path_from_env();
        if (!scs_path_supported((scs_path)p)) p = SCS_PATH_AUTO;
        __atomic_store_n(&forced_path, p, __ATOMIC_RELEASE);
    }
    return p == SCS_PATH_AUTO ? best_path() : (scs_path)p;
}

int scs_set_path(scs_path path) {
    if (!scs_path_supported(path)) return -1;
    __atomic_store_n(&forced_path, (int)path, __ATOMIC_RELEASE);
    return 0;
}

const char *scs_path_name(scs_path path) {
    switch (path) {
    case SCS_PATH_AUTO: return "auto";
    case SCS_PATH_AVX512: return "avx512";
    case SCS_PATH_AVX2: return "avx2";
    case SCS_PATH_GENERIC: return "generic";
    }
    return "?";
}

static const scs_kernel_desc *descriptor(scs_path path, scs_format format) {
    if (format == SCS_FORMAT_BF16) return &desc_avx512_bf16;
    switch (path) {
    case SCS_PATH_AVX512: return &desc_avx512;
    case SCS_PATH_AVX2: return &desc_avx2;
    default: return &desc_generic;
    }
}

// MARK: - Packing B

// fp32 to bf16, rounded to nearest even (NaN stays a quiet NaN).
static uint16_t bf16_rne(float x) {
    uint32_t u;
    memcpy(&u, &x, 4);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

static void describe(int n, int k, scs_format format, scs_packed *out) {
    scs_path path = format == SCS_FORMAT_BF16 ? SCS_PATH_AVX512 : scs_current_path();
    const scs_kernel_desc *d = descriptor(path, format);
    out->n = n;
    out->k = k;
    out->nr = d->nr;
    out->kp = format == SCS_FORMAT_BF16 ? (k + 1) / 2 * 2 : k;
    out->format = format;
    out->path = path;
    size_t panels = (size_t)(n + d->nr - 1) / d->nr;
    size_t element = format == SCS_FORMAT_BF16 ? 2 : 4;
    out->bytes = panels * (size_t)out->kp * (size_t)d->nr * element;
    out->data = NULL;
}

size_t scs_packed_bytes(int n, int k, scs_format format) {
    scs_packed p;
    describe(n, k, format, &p);
    return p.bytes;
}

void scs_packed_borrow(int n, int k, scs_format format, const void *data, scs_packed *out) {
    describe(n, k, format, out);
    out->data = (void *)data;
    out->bytes = 0;   // not owned
}

// B(kk, j) is read as src[kk * sk + j * sj]: [N,K] row-major has sk = 1, sj = ldw; [K,N] the reverse.
static void pack_strided(const float *src, size_t sk, size_t sj, scs_packed *p) {
    int nr = p->nr, n = p->n, k = p->k, kp = p->kp;
    int panels = (n + nr - 1) / nr;
    if (p->format == SCS_FORMAT_F32) {
        float *dst = p->data;
        for (int q = 0; q < panels; q++, dst += (size_t)kp * nr) {
            int cols = n - q * nr < nr ? n - q * nr : nr;
            const float *s0 = src + (size_t)q * nr * sj;
            if (cols < nr) memset(dst, 0, (size_t)kp * nr * 4);
            if (sj == 1) {
                // [K,N] rows: each k's columns are contiguous.
                for (int kk = 0; kk < kp; kk++) memcpy(dst + (size_t)kk * nr, s0 + (size_t)kk * sk, (size_t)cols * 4);
            } else {
                // [N,K] rows: read each column's k run contiguously.
                for (int j = 0; j < cols; j++) {
                    const float *col = s0 + (size_t)j * sj;
                    for (int kk = 0; kk < kp; kk++) dst[(size_t)kk * nr + j] = col[(size_t)kk * sk];
                }
            }
        }
    } else {
        // One uint32 per (pair, column): B[2p, col] in the low half, B[2p+1, col] in the high half.
        uint32_t *dst = p->data;
        for (int q = 0; q < panels; q++)
            for (int pair = 0; pair < kp / 2; pair++)
                for (int j = 0; j < nr; j++) {
                    int col = q * nr + j, k0 = 2 * pair;
                    float lo = col < n ? src[(size_t)k0 * sk + (size_t)col * sj] : 0.0f;
                    float hi = (col < n && k0 + 1 < k) ? src[(size_t)(k0 + 1) * sk + (size_t)col * sj] : 0.0f;
                    *dst++ = (uint32_t)bf16_rne(lo) | ((uint32_t)bf16_rne(hi) << 16);
                }
    }
}

static int allocate(scs_packed *p) {
    void *data = NULL;
    size_t bytes = p->bytes ? (p->bytes + 63) / 64 * 64 : 64;
    if (posix_memalign(&data, 64, bytes) != 0) return -1;
    p->data = data;
    return 0;
}

int scs_pack_nk(const float *w, int n, int k, size_t ldw, scs_format format, scs_packed *out) {
    if (!scs_format_supported(format)) return -1;
    describe(n, k, format, out);
    if (allocate(out)) return -1;
    pack_strided(w, 1, ldw, out);
    return 0;
}

int scs_pack_kn(const float *b, int k, int n, size_t ldb, scs_format format, scs_packed *out) {
    if (!scs_format_supported(format)) return -1;
    describe(n, k, format, out);
    if (allocate(out)) return -1;
    pack_strided(b, ldb, 1, out);
    return 0;
}

void scs_pack_nk_into(const float *w, int n, int k, size_t ldw, scs_format format, void *buffer, scs_packed *out) {
    describe(n, k, format, out);
    out->data = buffer;
    pack_strided(w, 1, ldw, out);
    out->bytes = 0;   // not owned
}

void scs_pack_kn_into(const float *b, int k, int n, size_t ldb, scs_format format, void *buffer, scs_packed *out) {
    describe(n, k, format, out);
    out->data = buffer;
    pack_strided(b, ldb, 1, out);
    out->bytes = 0;
}

void scs_packed_free(scs_packed *p) {
    if (p->data && p->bytes) free(p->data);
    p->data = NULL;
}

// MARK: - The driver

size_t scs_gemm_scratch_floats(int m) {
    size_t rows = (size_t)(m + SCS_MAX_MR - 1) / SCS_MAX_MR * SCS_MAX_MR + SCS_MAX_MR;
    return rows * SCS_MAX_KC;
}

// Copies `rows` rows of A, k in [k0, k0 + kc), scaled by alpha, into `dst` as mr rows of kc
// (rows past `rows` zero): for a last panel that does not fill a tile, or alpha != 1.
static void copy_a_f32(int rows, int kc, const float *a, size_t lda, float alpha, int k0, int mr, float *dst) {
    for (int r = 0; r < mr; r++) {
        float *out = dst + (size_t)r * kc;
        if (r < rows) {
            const float *src = a + (size_t)r * lda + k0;
            for (int kk = 0; kk < kc; kk++) out[kk] = src[kk] * alpha;
        } else {
            memset(out, 0, (size_t)kc * 4);
        }
    }
}

void scs_gemm(int m, const float *a, size_t lda, float alpha, const scs_packed *b, const float *bias,
              float *c, size_t ldc, float *scratch) {
    scs_gemm_ex(m, a, lda, alpha, b, bias, c, ldc, scratch, SCS_EPILOGUE_NONE);
}

void scs_gemm_ex(int m, const float *a, size_t lda, float alpha, const scs_packed *b, const float *bias,
                 float *c, size_t ldc, float *scratch, scs_epilogue epilogue) {
    const scs_kernel_desc *d = descriptor(b->path, b->format);
    const int mr = d->mr, nr = d->nr, n = b->n, kp = b->kp;
    const int bf16 = b->format == SCS_FORMAT_BF16;
    const int panels_m = (m + mr - 1) / mr;
    float tile[SCS_MAX_MR * SCS_MAX_NR] __attribute__((aligned(64)));
    float start[SCS_MAX_NR] __attribute__((aligned(64)));   // the first K block's starting row
    if (kp == 0) {   // no products: C = bias
        for (int r = 0; r < m; r++)
            for (int j = 0; j < n; j++) c[(size_t)r * ldc + j] = bias ? bias[j] : 0.0f;
        return;
    }
    for (int k0 = 0; k0 < kp; k0 += d->kc) {
        int kc = kp - k0 < d->kc ? kp - k0 : d->kc;
        if (bf16) {
            for (int q = 0; q < panels_m; q++) {
                int rows = m - q * mr < mr ? m - q * mr : mr;
                scs_pack_a_bf16_avx512(rows, kc / 2, a + (size_t)q * mr * lda, lda, alpha, b->k, k0, mr,
                                       (uint32_t *)scratch + (size_t)q * mr * (kc / 2));
            }
        }
        const int first = k0 == 0, last = k0 + d->kc >= kp;
        for (int j0 = 0; j0 < n; j0 += d->nc) {
            int j1 = n - j0 < d->nc ? n : j0 + d->nc;
            for (int q = 0; q < panels_m; q++) {
                int rows = m - q * mr < mr ? m - q * mr : mr;
                // fp32 reads A in place; a partial panel, or a scaled A, through a copy.
                const float *ap = a + (size_t)q * mr * lda + k0;
                size_t ald = lda;
                if (!bf16 && (rows < mr || alpha != 1.0f)) {
                    copy_a_f32(rows, kc, a + (size_t)q * mr * lda, lda, alpha, k0, mr, scratch);
                    ap = scratch;
                    ald = (size_t)kc;
                }
                for (int j = j0; j < j1; j += nr) {
                    int cols = n - j < nr ? n - j : nr;
                    const float *init = NULL;
                    if (first) {
                        if (bias && cols == nr) {
                            init = bias + j;
                        } else {
                            for (int t = 0; t < nr; t++) start[t] = (bias && t < cols) ? bias[j + t] : 0.0f;
                            init = start;
                        }
                    }
                    size_t panel = (size_t)(j / nr) * kp * nr;          // in elements of k x column
                    float *ct = c + (size_t)q * mr * ldc + j;
                    float *target = ct;
                    size_t ld = ldc;
                    if (rows < mr || cols < nr) {
                        // Edge tile: through a full-size copy, so the kernel's arithmetic is the same.
                        if (!first)
                            for (int r = 0; r < rows; r++) memcpy(tile + r * nr, ct + (size_t)r * ldc, (size_t)cols * 4);
                        target = tile;
                        ld = nr;
                    }
                    if (bf16) {
                        const uint32_t *bp = (const uint32_t *)b->data + panel / 2 + (size_t)(k0 / 2) * nr;
                        d->bf16(kc / 2, (const uint32_t *)scratch + (size_t)q * mr * (kc / 2), bp, target, ld, init);
                    } else {
                        const float *bp = (const float *)b->data + panel + (size_t)k0 * nr;
                        d->f32(kc, ap, ald, bp, target, ld, init);
                    }
                    if (target == tile)
                        for (int r = 0; r < rows; r++) memcpy(ct + (size_t)r * ldc, tile + r * nr, (size_t)cols * 4);
                    if (last && epilogue == SCS_EPILOGUE_QUICK_GELU) scs_quick_gelu_rows(ct, rows, cols, ldc);
                }
            }
        }
    }
}
