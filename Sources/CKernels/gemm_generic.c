// Portable micro-kernel: the same fma chain in plain C (fmaf is exact, whatever the compiler
// vectorises), so any CPU computes the same bits as the vector paths.
#include "gemm_internal.h"
#include <math.h>

#define MR SCS_GENERIC_MR
#define NR SCS_GENERIC_NR

void scs_kernel_generic_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init) {
    float acc[MR][NR];
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) acc[i][j] = init ? init[j] : c[i * ldc + j];
    for (int k = 0; k < kc; k++) {
        for (int i = 0; i < MR; i++)
            for (int j = 0; j < NR; j++) acc[i][j] = fmaf(a[i * lda + k], b[j], acc[i][j]);
        b += NR;
    }
    for (int i = 0; i < MR; i++)
        for (int j = 0; j < NR; j++) c[i * ldc + j] = acc[i][j];
}
