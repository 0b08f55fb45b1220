// Internal to the GEMM: the micro-kernels each path provides and their tile shapes.
//
// A micro-kernel updates one MR x NR tile of C in place:
//   c[i][j] <- fma(a[i][k], b[k][j], c[i][j])   for k = 0 .. kc-1, in order,
// starting from C's values, or, where `init` is given (the first K block), from init[j] (the bias
// row, or zeros) without reading C;
// reading A (fp32) in place as MR rows lda apart, and B as a packed panel (for each k, NR values). The bf16 kernels take k in pairs (vdpbf16ps: c += a0*b0 + a1*b1).
#ifndef SCS_GEMM_INTERNAL_H
#define SCS_GEMM_INTERNAL_H
#include "scs_kernels.h"

typedef void (*scs_kernel_f32)(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init);
typedef void (*scs_kernel_bf16)(int kpairs, const uint32_t *a, const uint32_t *b, float *c, size_t ldc, const float *init);

typedef struct {
    int mr, nr;    // tile
    int kc;        // K block (in k, even): A micro-panel kc x mr stays in L1
    int nc;        // N block: B block kc x nc stays in L2
    scs_kernel_f32 f32;
    scs_kernel_bf16 bf16;
} scs_kernel_desc;

// Tile shapes, fixed per path (packing depends on NR).
#define SCS_AVX512_MR 12
#define SCS_AVX512_NR 32
#define SCS_AVX2_MR 6
#define SCS_AVX2_NR 16
#define SCS_GENERIC_MR 4
#define SCS_GENERIC_NR 16
#define SCS_MAX_MR 12
#define SCS_MAX_NR 32
#define SCS_MAX_KC 512

void scs_kernel_avx512_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init);
void scs_kernel_avx512_bf16(int kpairs, const uint32_t *a, const uint32_t *b, float *c, size_t ldc, const float *init);
void scs_pack_a_bf16_avx512(int rows, int kpairs, const float *a, size_t lda, float alpha, int k_total,
                            int k0, int mr, uint32_t *dst);
void scs_kernel_avx2_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init);
void scs_kernel_generic_f32(int kc, const float *a, size_t lda, const float *b, float *c, size_t ldc, const float *init);

#endif
