// Elementwise kernels: exp, quick GELU, GELU (erf and tanh forms), SwiGLU's gate and row softmax, written once on 16-lane vectors (clang's
// vector extensions, elementwise_body.h) and compiled three times: for AVX-512, for AVX2 and for
// baseline x86-64. The source fixes every operation and its order, and contraction is off
// (-ffp-contract=off), so each copy computes the same bits: which one runs cannot change a result.
#include "scs_kernels.h"
#include <string.h>

// The helpers pass 16-lane vectors by value; they are always inlined, so no call (and no ABI
// difference between the copies) remains.
#pragma clang diagnostic ignored "-Wpsabi"

typedef float v16f __attribute__((vector_size(64), aligned(4)));
typedef int v16i __attribute__((vector_size(64), aligned(4)));

#define SUFFIX(name) name##_generic
#include "elementwise_body.h"
#undef SUFFIX

#if defined(__x86_64__)
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define SUFFIX(name) name##_avx2
#include "elementwise_body.h"
#undef SUFFIX
#pragma clang attribute pop

#pragma clang attribute push(__attribute__((target("avx512f"))), apply_to = function)
#define SUFFIX(name) name##_avx512
#include "elementwise_body.h"
#undef SUFFIX
#pragma clang attribute pop
#endif

// Dispatch on the path in use (scs_current_path), so a forced path (SCS_KERNEL=avx2) runs
// everything as a CPU of that kind would, and the tests can compare the copies.
#if defined(__x86_64__)
#define DISPATCH(name, args)                                       \
    do {                                                           \
        scs_path path = scs_current_path();                        \
        if (path == SCS_PATH_AVX512) name##_avx512 args;           \
        else if (path == SCS_PATH_AVX2) name##_avx2 args;          \
        else name##_generic args;                                  \
    } while (0)
#else
#define DISPATCH(name, args) name##_generic args
#endif

void scs_exp(float *x, size_t count) { DISPATCH(exp, (x, count)); }
void scs_quick_gelu(float *x, size_t count) { DISPATCH(quick_gelu, (x, count)); }
void scs_quick_gelu_rows(float *x, size_t rows, size_t cols, size_t ld) { DISPATCH(quick_gelu_rows, (x, rows, cols, ld)); }
void scs_gelu(float *x, size_t count) { DISPATCH(gelu, (x, count)); }
void scs_gelu_tanh(float *x, size_t count) { DISPATCH(gelu_tanh, (x, count)); }
void scs_silu_mul(float *gate, const float *up, size_t count) { DISPATCH(silu_mul, (gate, up, count)); }
void scs_softmax_rows(float *x, size_t rows, size_t cols, size_t ld) { DISPATCH(softmax_rows, (x, rows, cols, ld)); }
