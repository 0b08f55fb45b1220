// AVX2 + FMA micro-kernel: a 6 x 16 fp32 tile in 12 ymm accumulators (2 vectors of B per k,
// 6 broadcasts of A), the classic Haswell shape.
#include "gemm_internal.h"
#if defined(__x86_64__)
#include <immintrin.h>

#define MR SCS_AVX2_MR

__attribute__((target("avx2,fma")))
void scs_kernel_avx2_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init) {
    __m256 acc[MR][2];
    const float *row[MR];
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) row[i] = a + i * lda;
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        acc[i][0] = _mm256_loadu_ps(init ? init : c + i * ldc);
        acc[i][1] = _mm256_loadu_ps(init ? init + 8 : c + i * ldc + 8);
    }
    for (int k = 0; k < kc; k++) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8);
#pragma clang loop unroll(full)
        for (int i = 0; i < MR; i++) {
            __m256 ai = _mm256_broadcast_ss(row[i] + k);
            acc[i][0] = _mm256_fmadd_ps(ai, b0, acc[i][0]);
            acc[i][1] = _mm256_fmadd_ps(ai, b1, acc[i][1]);
        }
        b += 16;
    }
#pragma clang loop unroll(full)
    for (int i = 0; i < MR; i++) {
        _mm256_storeu_ps(c + i * ldc, acc[i][0]);
        _mm256_storeu_ps(c + i * ldc + 8, acc[i][1]);
    }
}
#else
void scs_kernel_avx2_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init) {}
#endif
