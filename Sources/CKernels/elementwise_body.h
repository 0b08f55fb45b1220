// The elementwise kernels' body, included once per instruction set by elementwise.c with
// SUFFIX(name) naming that copy and a `#pragma clang attribute` giving its target. Not a header
// to include elsewhere.

static inline __attribute__((always_inline)) v16f SUFFIX(splat)(float x) { return (v16f){x, x, x, x, x, x, x, x, x, x, x, x, x, x, x, x}; }

static inline __attribute__((always_inline)) v16f SUFFIX(select)(v16i mask, v16f a, v16f b) {
    v16i ai, bi;
    memcpy(&ai, &a, 64);
    memcpy(&bi, &b, 64);
    v16i r = (ai & mask) | (bi & ~mask);
    v16f out;
    memcpy(&out, &r, 64);
    return out;
}

// exp(x) = 2^n · exp(r), n = round(x / ln 2) (magic-number rounding), r = x − n·ln 2 in two parts,
// exp(r) by its degree-6 Taylor polynomial; about 2 ulp. Below −87.34: 0; above 88.72: +inf.
static inline __attribute__((always_inline)) v16f SUFFIX(exp16)(v16f x) {
    const v16f low = SUFFIX(splat)(-87.33654f), high = SUFFIX(splat)(88.72283f);
    v16i below = x < low, above = x > high;
    v16f c = SUFFIX(select)(below, low, x);
    c = SUFFIX(select)(above, high, c);
    const v16f magic = SUFFIX(splat)(12582912.0f);
    v16f shifted = c * SUFFIX(splat)(1.442695040888963f) + magic;
    v16f n = shifted - magic;
    v16f r = c - n * SUFFIX(splat)(0.693145751953125f);
    r = r - n * SUFFIX(splat)(1.428606765330187e-06f);
    v16f p = SUFFIX(splat)(1.0f / 720);
    p = p * r + SUFFIX(splat)(1.0f / 120);
    p = p * r + SUFFIX(splat)(1.0f / 24);
    p = p * r + SUFFIX(splat)(1.0f / 6);
    p = p * r + SUFFIX(splat)(0.5f);
    p = p * r + SUFFIX(splat)(1.0f);
    p = p * r + SUFFIX(splat)(1.0f);
    v16i bits;
    memcpy(&bits, &shifted, 64);
    bits = ((bits - 0x4B400000) + 127) << 23;
    v16f scale;
    memcpy(&scale, &bits, 64);
    v16f result = p * scale;
    result = SUFFIX(select)(above, SUFFIX(splat)(__builtin_inff()), result);
    result = SUFFIX(select)(below, SUFFIX(splat)(0.0f), result);
    return result;
}

static inline __attribute__((always_inline)) v16f SUFFIX(load16)(const float *x, size_t n) {
    v16f v = SUFFIX(splat)(0.0f);
    memcpy(&v, x, n * 4);
    return v;
}

void SUFFIX(exp)(float *x, size_t count) {
    for (size_t i = 0; i < count; i += 16) {
        size_t n = count - i < 16 ? count - i : 16;
        v16f v = SUFFIX(exp16)(SUFFIX(load16)(x + i, n));
        memcpy(x + i, &v, n * 4);
    }
}

// x * sigmoid(1.702 x) = x / (1 + exp(−1.702 x)), OpenAI CLIP's activation.
static inline __attribute__((always_inline)) v16f SUFFIX(quick_gelu16)(v16f v) { return v / (SUFFIX(splat)(1.0f) + SUFFIX(exp16)(SUFFIX(splat)(-1.702f) * v)); }

void SUFFIX(quick_gelu)(float *x, size_t count) {
    size_t i = 0;
    for (; i + 16 <= count; i += 16) {
        v16f v = SUFFIX(quick_gelu16)(SUFFIX(load16)(x + i, 16));
        memcpy(x + i, &v, 64);
    }
    if (i < count) {
        v16f v = SUFFIX(quick_gelu16)(SUFFIX(load16)(x + i, count - i));
        memcpy(x + i, &v, (count - i) * 4);
    }
}

void SUFFIX(quick_gelu_rows)(float *x, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) SUFFIX(quick_gelu)(x + r * ld, cols);
}

// GELU, 0.5·x·(1 + erf(x/√2)), with erf(z) = 1 − erfc(z) for z ≥ 0 (odd for z < 0) and erfc from
// its Chebyshev fit (Numerical Recipes' erfcc: t = 1/(1 + |z|/2), erfc = t·exp(−z² + P(t)),
// fractional error below 1.2e-7): within about 2e-7 of torch's exact GELU.
static inline __attribute__((always_inline)) v16f SUFFIX(gelu16)(v16f v) {
    v16f z = v * SUFFIX(splat)(0.70710678118654752f);
    v16i negative = z < SUFFIX(splat)(0.0f);
    v16f a = SUFFIX(select)(negative, -z, z);
    v16f t = SUFFIX(splat)(1.0f) / (SUFFIX(splat)(1.0f) + SUFFIX(splat)(0.5f) * a);
    v16f p = SUFFIX(splat)(0.17087277f);
    p = p * t + SUFFIX(splat)(-0.82215223f);
    p = p * t + SUFFIX(splat)(1.48851587f);
    p = p * t + SUFFIX(splat)(-1.13520398f);
    p = p * t + SUFFIX(splat)(0.27886807f);
    p = p * t + SUFFIX(splat)(-0.18628806f);
    p = p * t + SUFFIX(splat)(0.09678418f);
    p = p * t + SUFFIX(splat)(0.37409196f);
    p = p * t + SUFFIX(splat)(1.00002368f);
    p = p * t + SUFFIX(splat)(-1.26551223f);
    v16f erfc = t * SUFFIX(exp16)(p - a * a);
    v16f erf = SUFFIX(splat)(1.0f) - erfc;
    erf = SUFFIX(select)(negative, -erf, erf);
    return SUFFIX(splat)(0.5f) * v * (SUFFIX(splat)(1.0f) + erf);
}

// GELU's tanh form (gelu_pytorch_tanh), 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), with
// tanh(y) = 1 − 2 / (exp(2y) + 1) (exp saturates to 0 or +inf, so tanh to ±1).
static inline __attribute__((always_inline)) v16f SUFFIX(gelu_tanh16)(v16f v) {
    v16f y = SUFFIX(splat)(0.7978845608028654f) * (v + SUFFIX(splat)(0.044715f) * v * v * v);
    v16f tanh = SUFFIX(splat)(1.0f) - SUFFIX(splat)(2.0f) / (SUFFIX(exp16)(SUFFIX(splat)(2.0f) * y) + SUFFIX(splat)(1.0f));
    return SUFFIX(splat)(0.5f) * v * (SUFFIX(splat)(1.0f) + tanh);
}

// Applies `f` to `count` floats in place, 16 at a time.
#define SCS_MAP(f)                                                        \
    size_t i = 0;                                                         \
    for (; i + 16 <= count; i += 16) {                                    \
        v16f v = f(SUFFIX(load16)(x + i, 16));                            \
        memcpy(x + i, &v, 64);                                            \
    }                                                                     \
    if (i < count) {                                                      \
        v16f v = f(SUFFIX(load16)(x + i, count - i));                     \
        memcpy(x + i, &v, (count - i) * 4);                               \
    }

void SUFFIX(gelu)(float *x, size_t count) { SCS_MAP(SUFFIX(gelu16)) }
void SUFFIX(gelu_tanh)(float *x, size_t count) { SCS_MAP(SUFFIX(gelu_tanh16)) }

// SwiGLU's gate: gate[i] = silu(gate[i]) · up[i], silu(g) = g / (1 + exp(−g)).
void SUFFIX(silu_mul)(float *gate, const float *up, size_t count) {
    for (size_t i = 0; i < count; i += 16) {
        size_t n = count - i < 16 ? count - i : 16;
        v16f g = SUFFIX(load16)(gate + i, n), u = SUFFIX(load16)(up + i, n);
        v16f r = g / (SUFFIX(splat)(1.0f) + SUFFIX(exp16)(-g)) * u;
        memcpy(gate + i, &r, n * 4);
    }
}
#undef SCS_MAP

// Row softmax: max, exp(x − max), sum in 16 lanes added in a fixed tree, scale by 1/sum.
void SUFFIX(softmax_rows)(float *x, size_t rows, size_t cols, size_t ld) {
    for (size_t r = 0; r < rows; r++) {
        float *row = x + r * ld;
        // The maximum, in 16 lanes (padding lanes hold −inf), then across them: exact in any order.
        v16f mx = SUFFIX(splat)(-__builtin_inff());
        for (size_t i = 0; i < cols; i += 16) {
            size_t n = cols - i < 16 ? cols - i : 16;
            v16f v = SUFFIX(splat)(-__builtin_inff());
            memcpy(&v, row + i, n * 4);
            mx = SUFFIX(select)(v > mx, v, mx);
        }
        float lanes[16];
        memcpy(lanes, &mx, 64);
        float m = lanes[0];
        for (int j = 1; j < 16; j++) m = lanes[j] > m ? lanes[j] : m;
        v16f acc = SUFFIX(splat)(0.0f);
        size_t i = 0;
        for (; i < cols; i += 16) {
            size_t n = cols - i < 16 ? cols - i : 16;
            v16f v = SUFFIX(exp16)(SUFFIX(load16)(row + i, n) - SUFFIX(splat)(m));
            if (n < 16) {
                v16i lane = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15};
                v = SUFFIX(select)(lane < (int)n, v, SUFFIX(splat)(0.0f));
            }
            memcpy(row + i, &v, n * 4);
            acc += v;
        }
        // Lanes in a fixed pairwise tree: 16 → 8 → 4 → 2 → 1.
        float s[16];
        memcpy(s, &acc, 64);
        for (int w = 8; w >= 1; w /= 2)
            for (int j = 0; j < w; j++) s[j] += s[j + w];
        v16f inv = SUFFIX(splat)(1.0f / s[0]);
        for (i = 0; i < cols; i += 16) {
            size_t n = cols - i < 16 ? cols - i : 16;
            v16f v = SUFFIX(load16)(row + i, n) * inv;
            memcpy(row + i, &v, n * 4);
        }
    }
}
