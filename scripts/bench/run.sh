#!/usr/bin/env bash
# End-to-end ViT-B/32 image-embedding benchmark: scs against PyTorch and ONNX Runtime on the same
# 768x768 JPEGs (the paper's size), timing read + decode + preprocess + forward, with peak RSS.
#
#   bash scripts/bench/run.sh [--images N] [--big] [--threads T] [--scs-batch B]
#                             [--rival-batch SPEC] [--no-build]
#
#   --images N        images per run (default 200), made by make_images.py in .oracle-cache/bench-images
#   --big             also run `scs bench --images 10000` (the folder's images repeated) for the peak RSS
#                     on 10,000 images (the target is under 1 GB)
#   --threads T       threads for every runtime (default: number of cores)
#   --scs-batch B     scs --batch-size (default 16: images per forward pass, per thread)
#   --rival-batch S   rivals.py --batch: B or pytorch=B,onnxruntime=B (default 16)
#   --no-build        use the existing .build/release/scs
#
# Steps: swift build -c release --product scs; the oracle venv (scripts/oracle/setup-venv.sh); the
# random-weight full-size ViT-B/32 (scripts/oracle/full_models.py .oracle-cache/models); the images;
# scs bench; scripts/bench/rivals.py; a table. Without the venv the rivals are skipped (scs still runs
# if the model and images already exist). Results (JSON) go to bench-out/. Keep the machine idle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=200
BIG=0
BUILD=1
THREADS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
SCS_BATCH=16
RIVAL_BATCH=16
while [ $# -gt 0 ]; do
    case "$1" in
        --images) N=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --threads) THREADS=$2; shift 2 ;;
        --scs-batch) SCS_BATCH=$2; shift 2 ;;
        --rival-batch) RIVAL_BATCH=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

MODEL=.oracle-cache/models/vit-b-32
IMAGES=.oracle-cache/bench-images
OUT=bench-out
SCS=.build/release/scs
PY=.venv-oracle/bin/python
mkdir -p "$OUT"
rm -f "$OUT"/scs.json "$OUT"/scs-big.json "$OUT"/rivals.json

if [ "$BUILD" = 1 ]; then
    echo "== swift build -c release --product scs"
    swift build -c release --product scs
fi
[ -x "$SCS" ] || { echo "run.sh: $SCS missing" >&2; exit 1; }

echo "== oracle venv"
RIVALS=1
if ! bash scripts/oracle/setup-venv.sh; then
    RIVALS=0
    echo "run.sh: the oracle venv could not be built: PyTorch and ONNX Runtime will be skipped" >&2
fi

if [ ! -f "$MODEL/model.safetensors" ] || [ ! -f "$MODEL/expected.npy" ]; then
    [ "$RIVALS" = 1 ] || { echo "run.sh: no venv to build $MODEL" >&2; exit 1; }
    echo "== random-weight models (scripts/oracle/full_models.py)"
    "$PY" scripts/oracle/full_models.py .oracle-cache/models
fi

if [ -x "$PY" ] && "$PY" -c 'import PIL' 2>/dev/null; then
    "$PY" scripts/bench/make_images.py "$IMAGES" "$N"
else
    have=$(find "$IMAGES" -maxdepth 1 -name '*.jpg' 2>/dev/null | wc -l)
    [ "$have" -ge "$N" ] || { echo "run.sh: need Pillow to make $N images in $IMAGES" >&2; exit 1; }
fi

echo "== scs"
"$SCS" bench "$IMAGES" --model "$MODEL" --images "$N" --batch-size "$SCS_BATCH" --threads "$THREADS" --json "$OUT/scs.json"

if [ "$RIVALS" = 1 ]; then
    echo "== PyTorch and ONNX Runtime (scripts/bench/rivals.py)"
    "$PY" scripts/bench/rivals.py --model "$MODEL" --images "$IMAGES" --n "$N" --batch "$RIVAL_BATCH" \
        --threads "$THREADS" --json "$OUT/rivals.json"
fi

if [ "$BIG" = 1 ]; then
    echo "== scs, 10,000 images"
    "$SCS" bench "$IMAGES" --model "$MODEL" --images 10000 --batch-size "$SCS_BATCH" --threads "$THREADS" \
        --json "$OUT/scs-big.json"
fi

echo "== ViT-B/32, ${N} images of 768x768 JPEG, $THREADS threads (read + decode + preprocess + forward)"
TABLE_PY=python3
[ -x "$PY" ] && TABLE_PY=$PY
"$TABLE_PY" - "$OUT" "$RIVALS" <<'EOF'
import json, sys
from pathlib import Path
out, rivals = Path(sys.argv[1]), sys.argv[2] == "1"
rows = []
def add(name, r):
    rows.append((name, str(r["images"]), str(r["batch_size"]), str(r["threads"]),
                 f'{float(r["seconds"]):.2f}', f'{float(r["images_per_second"]):.2f}', f'{float(r["peak_rss_mb"]):.0f}'))
add("scs", json.loads((out / "scs.json").read_text()))
if (out / "rivals.json").exists():
    for r in json.loads((out / "rivals.json").read_text()):
        add(r["runtime"], r)
if (out / "scs-big.json").exists():
    add("scs (10,000 images)", json.loads((out / "scs-big.json").read_text()))
head = ("runtime", "images", "batch", "threads", "seconds", "images/s", "peak RSS MB")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
line = lambda r: "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"
print(line(head))
print("|" + "|".join("-" * (w + 2) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
for r in rows:
    print(line(r))
if not rivals:
    print("(PyTorch and ONNX Runtime skipped: no oracle venv)")
EOF
