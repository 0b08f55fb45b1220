#!/usr/bin/env bash
# Builds and runs gemm_bench.c: scs's kernels against OpenBLAS, BLIS and oneDNN (GFLOP/s,
# single thread, ViT-B/32 shapes) and whether each gives row-independent results.
#   bash scripts/bench/gemm/run.sh [REPS]      needs libopenblas-dev libblis-dev libdnnl-dev
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../../.."
for p in libopenblas-dev libblis-dev libdnnl-dev; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
        || { echo "gemm bench: installing $p"; apt-get install -y -qq --no-install-recommends "$p" >/dev/null; }
done
# Every library single-threaded, as scs runs one GEMM per core.
export OMP_NUM_THREADS=1 BLIS_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1
out=$(mktemp -d)
"${CC:-clang}" -O2 -ffp-contract=off -std=gnu11 -ISources/CKernels/include -ISources/CKernels scripts/bench/gemm/gemm_bench.c \
   Sources/CKernels/*.c -o "$out/gemm_bench" -ldnnl -ldl -lm
echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs); OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
"$out/gemm_bench" "${1:-5}"
rm -rf "$out"
