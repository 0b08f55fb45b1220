// GEMM shoot-out for the engine choice (docs/ENGINE.md): scs's own kernels against OpenBLAS,
// BLIS and oneDNN on ViT-B/32's linear-layer shapes, single-threaded (the pipeline runs one
// forward pass per core), and each library's row-independence: is a block of 50 rows of
// C = A·Wᵀ the same bits computed alone (M = 50) as inside M = 350 and M = 800, at row offsets
// 0 and 13 (an image's 50 tokens land at any offset in a batch)?
//
//   bash scripts/bench/gemm/run.sh        (builds this with Debian's libopenblas, libblis, libdnnl)
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dlfcn.h>
#include "scs_kernels.h"
#include <dnnl.h>

typedef void (*sgemm_fn)(int order, int ta, int tb, int m, int n, int k, float alpha, const float *a, int lda,
                         const float *b, int ldb, float beta, float *c, int ldc);

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static float *randoms(size_t n, unsigned seed) {
    float *x = aligned_alloc(64, (n * 4 + 63) / 64 * 64);
    for (size_t i = 0; i < n; i++) { seed = seed * 1664525u + 1013904223u; x[i] = ((seed >> 8) / 16777216.0f) - 0.5f; }
    return x;
}

typedef struct { const char *name; void (*run)(void *ctx, int m, int n, int k, const float *a, const float *w, float *c); void *ctx; } impl;

// cblas_sgemm of any library, C = A·Wᵀ (W is [N,K], nn.Linear's layout).
static void run_cblas(void *ctx, int m, int n, int k, const float *a, const float *w, float *c) {
    ((sgemm_fn)ctx)(101, 111, 112, m, n, k, 1.0f, a, k, w, k, 0.0f, c, n);
}

// scs: the weight packed once (per shape), as the model does at load time.
typedef struct { scs_packed p; const float *w; int n, k; scs_format format; float *scratch; } scs_ctx;
static void run_scs(void *vctx, int m, int n, int k, const float *a, const float *w, float *c) {
    scs_ctx *s = vctx;
    if (s->w != w || s->n != n || s->k != k) {
        if (s->w) scs_packed_free(&s->p);
        scs_pack_nk(w, n, k, k, s->format, &s->p);
        s->w = w; s->n = n; s->k = k;
        free(s->scratch);
        s->scratch = aligned_alloc(64, scs_gemm_scratch_floats(1024) * 4);
    }
    scs_gemm(m, a, k, 1.0f, &s->p, NULL, c, n, s->scratch);
}

static void run_dnnl(void *ctx, int m, int n, int k, const float *a, const float *w, float *c) {
    dnnl_sgemm('N', 'T', m, n, k, 1.0f, a, k, w, k, 0.0f, c, n);
}

int main(int argc, char **argv) {
    int reps = argc > 1 ? atoi(argv[1]) : 5;
    void *ob = dlopen("libopenblas.so.0", RTLD_NOW | RTLD_LOCAL);
    void *bl = dlopen("libblis.so.4", RTLD_NOW | RTLD_LOCAL);
    if (ob) { void (*set)(int) = (void (*)(int))dlsym(ob, "openblas_set_num_threads"); if (set) set(1); }
    setenv("BLIS_NUM_THREADS", "1", 1);
    setenv("OMP_NUM_THREADS", "1", 1);
    static scs_ctx sf = {.format = SCS_FORMAT_F32}, sb = {.format = SCS_FORMAT_BF16};
    impl impls[6];
    int ni = 0;
    char scsname[64];
    snprintf(scsname, sizeof scsname, "scs-%s", scs_path_name(scs_current_path()));
    impls[ni++] = (impl){scsname, run_scs, &sf};
    if (scs_format_supported(SCS_FORMAT_BF16)) impls[ni++] = (impl){"scs-bf16", run_scs, &sb};
    if (ob) impls[ni++] = (impl){"openblas", run_cblas, dlsym(ob, "cblas_sgemm")};
    if (bl) impls[ni++] = (impl){"blis", run_cblas, dlsym(bl, "cblas_sgemm")};
    impls[ni++] = (impl){"onednn", run_dnnl, NULL};

    // ViT-B/32, batch 16 (M = 800): qkv/out (768x768), fc1 (768->3072), fc2 (3072->768).
    int shapes[][2] = {{768, 768}, {3072, 768}, {768, 3072}};
    int ms[] = {50, 350, 800};
    printf("%-10s %-16s %8s %8s %8s  50 rows alone == inside M=350/800 at offsets 0, 13\n", "impl", "N x K", "M=50", "M=350", "M=800");
    for (int s = 0; s < 3; s++) {
        int n = shapes[s][0], k = shapes[s][1];
        float *a = randoms((size_t)800 * k, 1), *w = randoms((size_t)n * k, 2);
        float *c = aligned_alloc(64, (size_t)800 * n * 4), *first = aligned_alloc(64, (size_t)800 * n * 4);
        for (int i = 0; i < ni; i++) {
            double gf[3];
            int same = 1;
            for (int mi = 0; mi < 3; mi++) {
                int m = ms[mi];
                impls[i].run(impls[i].ctx, m, n, k, a, w, c);   // warm-up (and packing)
                double best = 1e9;
                for (int r = 0; r < reps; r++) {
                    double t = now();
                    impls[i].run(impls[i].ctx, m, n, k, a, w, c);
                    t = now() - t;
                    if (t < best) best = t;
                }
                gf[mi] = 2.0 * m * n * k / best / 1e9;
                if (mi > 0)
                    for (int off = 0; off <= 13; off += 13) {
                        float *whole = aligned_alloc(64, (size_t)m * n * 4);
                        memcpy(whole, c, (size_t)m * n * 4);
                        impls[i].run(impls[i].ctx, 50, n, k, a + (size_t)off * k, w, first);
                        if (memcmp(first, whole + (size_t)off * n, (size_t)50 * n * 4)) same = 0;
                        free(whole);
                    }
            }
            char shape[32];
            snprintf(shape, sizeof shape, "%dx%d", n, k);
            printf("%-10s %-16s %8.1f %8.1f %8.1f  %s\n", impls[i].name, shape, gf[0], gf[1], gf[2], same ? "yes" : "NO");
        }
        free(a); free(w); free(c); free(first);
    }
    return 0;
}
