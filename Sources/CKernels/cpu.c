// CPU feature detection for kernel dispatch: CPUID for what the processor has, XGETBV for what
// the operating system saves on a context switch (AVX-512 registers are usable only if both).
#include "scs_kernels.h"
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>

static unsigned long long xgetbv0(void) {
    unsigned int eax, edx;
    __asm__ volatile("xgetbv" : "=a"(eax), "=d"(edx) : "c"(0));
    return ((unsigned long long)edx << 32) | eax;
}

scs_cpu_features scs_cpu_detect(void) {
    scs_cpu_features f;
    memset(&f, 0, sizeof f);
    unsigned int a, b, c, d;
    if (!__get_cpuid(1, &a, &b, &c, &d)) return f;
    int osxsave = (c >> 27) & 1;
    f.fma = (c >> 12) & 1;
    f.f16c = (c >> 29) & 1;
    unsigned long long xcr0 = osxsave ? xgetbv0() : 0;
    int ymm = (xcr0 & 0x6) == 0x6;             // SSE and AVX state
    int zmm = ymm && (xcr0 & 0xE0) == 0xE0;    // opmask, ZMM0-15 upper halves, ZMM16-31
    int tiles = (xcr0 & 0x60000) == 0x60000;   // AMX tile config and data
    if (!ymm) { f.fma = 0; f.f16c = 0; return f; }
    if (__get_cpuid_max(0, 0) < 7) return f;
    __cpuid_count(7, 0, a, b, c, d);
    f.avx2 = (b >> 5) & 1;
    f.avx512f = zmm && ((b >> 16) & 1);
    f.avx512bw = zmm && ((b >> 30) & 1);
    f.avx512vl = zmm && ((b >> 31) & 1);
    f.avx512_vnni = zmm && ((c >> 11) & 1);
    f.amx_bf16 = tiles && ((d >> 22) & 1);
    __cpuid_count(7, 1, a, b, c, d);
    f.avx_vnni = (a >> 4) & 1;
    f.avx512_bf16 = zmm && ((a >> 5) & 1);
    return f;
}

void scs_cpu_brand(char *out, size_t size) {
    if (size == 0) return;
    out[0] = 0;
    unsigned int regs[12];
    if (__get_cpuid_max(0x80000000, 0) < 0x80000004 || size < 49) return;
    for (unsigned int i = 0; i < 3; i++)
        __cpuid(0x80000002 + i, regs[4 * i], regs[4 * i + 1], regs[4 * i + 2], regs[4 * i + 3]);
    memcpy(out, regs, 48);
    out[48] = 0;
    // Trim the padding some CPUs put around the name.
    size_t start = 0, len = strlen(out);
    while (start < len && out[start] == ' ') start++;
    while (len > start && out[len - 1] == ' ') len--;
    memmove(out, out + start, len - start);
    out[len - start] = 0;
}

#else
scs_cpu_features scs_cpu_detect(void) { scs_cpu_features f; memset(&f, 0, sizeof f); return f; }
void scs_cpu_brand(char *out, size_t size) { if (size) out[0] = 0; }
#endif
