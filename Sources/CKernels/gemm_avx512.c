// AVX-512 micro-kernels: a 12 x 32 fp32 tile in 24 zmm accumulators (2 vectors of B per k,
// 12 broadcasts of A, read in place from 12 rows), and the same tile in bf16 pairs with
// AVX512-BF16's vdpbf16ps.
// Compiled for those ISAs with target attributes; called only where CPUID says they run.
#include "gemm_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define MR SCS_AVX512_MR

// The tile's 24 accumulators start from the bias row `init` (first K block) or from C, and end in C.
#define LOAD_TILE()                                                            \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {          \
        acc[i][0] = _mm512_loadu_ps(init ? init : c + i * ldc);                \
        acc[i][1] = _mm512_loadu_ps(init ? init + 16 : c + i * ldc + 16);      \
    }
#define STORE_TILE()                                                           \
    _Pragma("clang loop unroll(full)") for (int i = 0; i < MR; i++) {          \
        _mm512_storeu_ps(c + i * ldc, acc[i][0]);                              \
        _mm512_storeu_ps(c + i * ldc + 16, acc[i][1]);                         \
    }

__attribute__((target("avx512f")))
void scs_kernel_avx512_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init) {
    __m512 acc[MR][2];
    const float *row[MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) row[i] = a + i * lda;
    LOAD_TILE();
    for (int k = 0; k < kc; k++) {
        __m512 b0 = _mm512_load_ps(b), b1 = _mm512_load_ps(b + 16);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512 ai = _mm512_set1_ps(row[i][k]);
            acc[i][0] = _mm512_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm512_fmadd_ps(ai, b1, acc[i][1]);
        }
        b += 32;
    }
    STORE_TILE();
}

// b: for each k pair, 32 columns x 2 bf16 (one uint32 per column); a: for each pair, MR uint32.
__attribute__((target("avx512f,avx512bf16")))
void scs_kernel_avx512_bf16(int kpairs, const uint32_t *a, const uint32_t *b, float *c, size_t ldc, const float *init) {
    __m512 acc[MR][2];
    LOAD_TILE();
    for (int p = 0; p < kpairs; p++) {
        __m512bh b0 = (__m512bh)_mm512_load_si512((const void *)b);
        __m512bh b1 = (__m512bh)_mm512_load_si512((const void *)(b + 16));
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m512bh ai = (__m512bh)_mm512_set1_epi32((int)a[i]);
            acc[i][0] = _mm512_dpbf16_ps(acc[i][0], ai, b0);
            acc[i][1] = _mm512_dpbf16_ps(acc[i][1], ai, b1);
        }
        a += MR;
        b += 32;
    }
    STORE_TILE();
}

// Packs `rows` (<= mr) rows of A, k in [k0, k0 + 2·kpairs), scaled by alpha, into bf16 pairs,
// rounded to nearest even (vcvtne2ps2bf16); columns at or past k_total and rows past `rows` are 0.
__attribute__((target("avx512f,avx512bf16")))
void scs_pack_a_bf16_avx512(int rows, int kpairs, const float *a, size_t lda, float alpha, int k_total,
                            int k0, int mr, uint32_t *dst) {
    uint32_t tmp[16];
    __m512 scale = _mm512_set1_ps(alpha);
    for (int r = 0; r < mr; r++) {
        const float *row = a + (size_t)r * lda;
        int p = 0;
        if (r < rows) {
            // 16 pairs (32 floats) at a time where all are inside K.
            for (; p + 16 <= kpairs && k0 + 2 * (p + 16) <= k_total; p += 16) {
                __m512 lo = _mm512_mul_ps(_mm512_loadu_ps(row + k0 + 2 * p), scale);
                __m512 hi = _mm512_mul_ps(_mm512_loadu_ps(row + k0 + 2 * p + 16), scale);
                __m512bh packed = _mm512_cvtne2ps_pbh(hi, lo);
                _mm512_storeu_si512((void *)tmp, (__m512i)packed);
                for (int q = 0; q < 16; q++) dst[(size_t)(p + q) * mr + r] = tmp[q];
            }
        }
        // The rest (a K tail, or a padding row): through a zero-padded copy, the same conversion.
        while (p < kpairs) {
            float buf[32] = {0};
            int n = kpairs - p < 16 ? kpairs - p : 16;
            for (int q = 0; q < 2 * n; q++) {
                int k = k0 + 2 * p + q;
                if (r < rows && k < k_total) buf[q] = row[k] * alpha;
            }
            __m512bh packed = _mm512_cvtne2ps_pbh(_mm512_loadu_ps(buf + 16), _mm512_loadu_ps(buf));
            _mm512_storeu_si512((void *)tmp, (__m512i)packed);
            for (int q = 0; q < n; q++) dst[(size_t)(p + q) * mr + r] = tmp[q];
            p += n;
        }
    }
}
#else
void scs_kernel_avx512_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init) {}
void scs_kernel_avx512_bf16(int kpairs, const uint32_t *a, const uint32_t *b, float *c, size_t ldc, const float *init) {}
void scs_pack_a_bf16_avx512(int rows, int kpairs, const float *a, size_t lda, float alpha, int k_total,
                            int k0, int mr, uint32_t *dst) {}
#endif
