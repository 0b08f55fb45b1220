#!/usr/bin/env bash
# The long fuzz run, by hand: N mutants per target (default 2000) from seed S (default 1), over
# every parser of user input (images, safetensors, config.json, PyTorch checkpoints, scores.csv
# and its sidecar, manifests, generation manifests, pairs files, image servers' JSON answers,
# annotation form posts and URLs). `make test` runs the same tests with 150 mutants each.
#
#   scripts/fuzz/run.sh [N] [S]
#
# A mutant that traps kills the test process; its input is then in .build/fuzz/current-<target>
# and is copied into the regression corpus, Tests/Fixtures/fuzz/<target>/, which every run
# (the short one in `make test` too) replays first. Prints the totals.
set -uo pipefail
cd "$(dirname "$0")/../.."
n=${1:-2000}
seed=${2:-1}
swift build --build-tests >/dev/null || exit 1
rm -f .build/fuzz/current-*
log=$(mktemp)
SCS_FUZZ_ITERATIONS=$n SCS_FUZZ_SEED=$seed swift test --skip-build \
    --filter 'InputFuzzTests|BackendAnswerFuzzTests|AnnotationFuzzTests' 2>&1 | tee "$log" | grep -E '^fuzz |error:'
status=${PIPESTATUS[0]}
kept=0
for current in .build/fuzz/current-*; do
    [ -f "$current" ] || continue
    target=${current##*/current-}
    mkdir -p "Tests/Fixtures/fuzz/$target"
    name=$(sha256sum "$current" | cut -c1-16)
    cp "$current" "Tests/Fixtures/fuzz/$target/$name"
    echo "fuzz: the run died on an input of $target: kept as Tests/Fixtures/fuzz/$target/$name"
    kept=$((kept + 1))
done
inputs=$(grep -E '^fuzz [a-z0-9-]+: [0-9]+ inputs' "$log" | awk '{s += $3} END {print s + 0}')
requests=$(grep -E '^fuzz annotation: [0-9]+ requests' "$log" | awk '{s += $3} END {print s + 0}')
bad=$(grep -E '^fuzz [a-z0-9-]+: ' "$log" | grep -oE '[0-9]+ bad errors' | awk '{s += $1} END {print s + 0}')
echo "fuzz total: $((inputs + requests)) inputs (seed $seed, $n per target), $kept crashes, $bad errors that were not one line; test exit $status"
rm -f "$log"
[ "$status" -eq 0 ] && [ "$kept" -eq 0 ]
