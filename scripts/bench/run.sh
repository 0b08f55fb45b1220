#!/usr/bin/env bash
# End-to-end image-embedding benchmark: scs (fp32, and bf16 where the CPU has AVX512-BF16) against
# PyTorch and ONNX Runtime (fp32) on the same 768x768 JPEGs (the paper's size), timing read + decode +
# preprocess + forward, with peak RSS, for every backbone scs runs (random weights, real shapes):
# CLIP ViT-B/32, B/16, L/14, H/14 (and bigG), DINOv2 small/base/large/giant and with registers,
# SigLIP base and so400m, DINO ViT-B/16, DreamSim's ensemble and single models.
#
#   bash scripts/bench/run.sh [--images N] [--models LIST] [--big] [--threads T] [--scs-batch B]
#                             [--rival-batch SPEC] [--no-build]
#
#   --images N        images per run for ViT-B/32 (default 200); bigger models fewer, by their cost
#                     (B/16 N/4, L/14 N/8, H/14 N/16, ...; at least 16)
#   --models LIST     comma-separated, from vit-b-32, vit-b-16, vit-l-14, vit-h-14-hf, vit-bigg-14-hf,
#                     dinov2-small, dinov2-base, dinov2-large, dinov2-giant, dinov2-with-registers-base,
#                     siglip-base-patch16-224, siglip-so400m-patch14-384, dino-vitb16, dreamsim-ensemble,
#                     dreamsim-dino_vitb16, dreamsim-clip_vitb32, dreamsim-open_clip_vitb32
#                     (default: vit-b-32, vit-b-16, vit-l-14; "all": every one but bigG)
#   --big             also run `scs bench --images 10000` on ViT-B/32 for the peak RSS on 10,000 images
#   --threads T       threads for every runtime (default: number of cores)
#   --scs-batch B     scs --batch-size (default 16: images per forward pass, per thread)
#   --rival-batch S   rivals.py --batch: B or pytorch=B,onnxruntime=B (default 16)
#   --repeat R        time every runtime R times, interleaved, and keep each one's best (default 3:
#                     a shared 2-core VM's speed drifts by 20% from minute to minute)
#   --no-build        use the existing .build/release/scs
#
# Steps: swift build -c release --product scs; the oracle venv (scripts/oracle/setup-venv.sh); the
# random-weight models (scripts/oracle/full_models.py, backbones.py, clip_family.py, dreamsim_files.py
# into .oracle-cache); the images; per
# model: scs bench in each precision, scripts/bench/rivals.py; a table labelled with the CPU, its
# ISA and OPENBLAS_CORETYPE (which PyTorch's and NumPy's OpenBLAS read; scs does not). Without the
# venv the rivals are skipped. Results (JSON) go to bench-out/. Keep the machine idle.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

N=200
REPEAT=3
MODELS=vit-b-32,vit-b-16,vit-l-14
BIG=0
BUILD=1
THREADS=$(getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
SCS_BATCH=16
RIVAL_BATCH=16
while [ $# -gt 0 ]; do
    case "$1" in
        --images) N=$2; shift 2 ;;
        --models) MODELS=$2; shift 2 ;;
        --repeat) REPEAT=$2; shift 2 ;;
        --big) BIG=1; shift ;;
        --threads) THREADS=$2; shift 2 ;;
        --scs-batch) SCS_BATCH=$2; shift 2 ;;
        --rival-batch) RIVAL_BATCH=$2; shift 2 ;;
        --no-build) BUILD=0; shift ;;
        -h|--help) sed -n '2,20p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "run.sh: unknown argument $1" >&2; exit 2 ;;
    esac
done

IMAGES=.oracle-cache/bench-images
OUT=bench-out
SCS=.build/release/scs
PY=.venv-oracle/bin/python
mkdir -p "$OUT"
rm -f "$OUT"/*.json

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

if [ -x "$PY" ] && "$PY" -c 'import PIL' 2>/dev/null; then
    "$PY" scripts/bench/make_images.py "$IMAGES" "$N"
else
    have=$(find "$IMAGES" -maxdepth 1 -name '*.jpg' 2>/dev/null | wc -l)
    [ "$have" -ge "$N" ] || { echo "run.sh: need Pillow to make $N images in $IMAGES" >&2; exit 1; }
fi

ALL=vit-b-32,vit-b-16,vit-l-14,vit-h-14-hf,dinov2-small,dinov2-base,dinov2-large,dinov2-giant,dinov2-with-registers-base
ALL=$ALL,siglip-base-patch16-224,siglip-so400m-patch14-384,dino-vitb16,dreamsim-ensemble,dreamsim-dino_vitb16
ALL=$ALL,dreamsim-clip_vitb32,dreamsim-open_clip_vitb32
[ "$MODELS" = all ] && MODELS=$ALL

# model NAME: where its files are, the oracle script that builds them, and its cost relative to ViT-B/32.
model() {
    case "$1" in
        vit-b-32) echo ".oracle-cache/models/vit-b-32 full_models.py 1" ;;
        vit-b-16) echo ".oracle-cache/models/vit-b-16 full_models.py 4" ;;
        vit-l-14) echo ".oracle-cache/models/vit-l-14 full_models.py 8" ;;
        vit-h-14-hf) echo ".oracle-cache/clip-family/$1 clip_family.py 16" ;;
        vit-bigg-14-hf) echo ".oracle-cache/clip-family/$1 clip_family.py 40" ;;
        dinov2-small) echo ".oracle-cache/backbones/$1 backbones.py 2" ;;
        dinov2-base|dinov2-with-registers-base|siglip-base-patch16-224) echo ".oracle-cache/backbones/$1 backbones.py 4" ;;
        dinov2-large) echo ".oracle-cache/backbones/$1 backbones.py 8" ;;
        dinov2-giant|siglip-so400m-patch14-384) echo ".oracle-cache/backbones/$1 backbones.py 24" ;;
        dino-vitb16) echo ".oracle-cache/dreamsim/$1/dino_vitbase16_pretrain.pth dreamsim_files.py 4" ;;
        dreamsim-ensemble) echo ".oracle-cache/dreamsim/$1 dreamsim_files.py 12" ;;
        dreamsim-dino_vitb16) echo ".oracle-cache/dreamsim/$1 dreamsim_files.py 4" ;;
        dreamsim-clip_vitb32|dreamsim-open_clip_vitb32) echo ".oracle-cache/dreamsim/$1 dreamsim_files.py 1" ;;
        *) echo "run.sh: unknown model $1" >&2; exit 2 ;;
    esac
}

DOCTOR=$("$SCS" doctor --no-speed)
PRECISIONS=$(echo "$DOCTOR" | sed -n 's/^precisions *//p' | cut -d'(' -f1 | tr -d ',')
for name in ${MODELS//,/ }; do
    read -r MODEL SCRIPT COST <<< "$(model "$name")"
    n=$(( N / COST ))
    [ "$n" -ge 16 ] || n=16
    if [ ! -f "$MODEL/expected.npy" ] && [ ! -f "$(dirname "$MODEL")/expected.npy" ]; then
        [ "$RIVALS" = 1 ] || { echo "run.sh: no venv to build $MODEL" >&2; exit 1; }
        echo "== random-weight $name (scripts/oracle/$SCRIPT)"
        folder=${MODEL%%/$name*}
        "$PY" "scripts/oracle/$SCRIPT" "$folder" "$name"
    fi
    for r in $(seq 1 "$REPEAT"); do
        for precision in $PRECISIONS; do
            echo "== scs $name $precision (run $r of $REPEAT)"
            "$SCS" bench "$IMAGES" --model "$MODEL" --images "$n" --batch-size "$SCS_BATCH" --threads "$THREADS" \
                --precision "$precision" --json "$OUT/scs-$name-$precision-r$r.json"
        done
        if [ "$RIVALS" = 1 ]; then
            echo "== PyTorch and ONNX Runtime $name (scripts/bench/rivals.py, run $r of $REPEAT)"
            "$PY" scripts/bench/rivals.py --model "$MODEL" --images "$IMAGES" --n "$n" --batch "$RIVAL_BATCH" \
                --threads "$THREADS" --json "$OUT/rivals-$name-r$r.json" \
                || echo "run.sh: the rivals failed on $name (see above); its table rows stay empty" >&2
        fi
    done
done

if [ "$BIG" = 1 ]; then
    echo "== scs, 10,000 images"
    "$SCS" bench "$IMAGES" --model .oracle-cache/models/vit-b-32 --images 10000 --batch-size "$SCS_BATCH" \
        --threads "$THREADS" --json "$OUT/scs-big.json"
fi

CPU_LABEL="$(echo "$DOCTOR" | sed -n 's/^cpu *//p'); $(echo "$DOCTOR" | sed -n 's/^kernels *//p' | cut -d';' -f1 | cut -d' ' -f1) kernels; OPENBLAS_CORETYPE=${OPENBLAS_CORETYPE:-unset}"
echo "== $CPU_LABEL; 768x768 JPEG, $THREADS threads (read + decode + preprocess + forward), best of $REPEAT"
TABLE_PY=python3
[ -x "$PY" ] && TABLE_PY=$PY
"$TABLE_PY" - "$OUT" "$RIVALS" "$MODELS" <<'EOF'
import json, sys
from pathlib import Path
out, rivals, models = Path(sys.argv[1]), sys.argv[2] == "1", sys.argv[3].split(",")
rows = []
def add(model, name, r, onnx=None):
    rate = float(r["images_per_second"])
    vs = f"{rate / onnx:.2f}x" if onnx else ""
    extra = ""
    if "min_cosine_vs_fp32" in r:
        extra = f'cos >= {float(r["min_cosine_vs_fp32"]):.5f}, dSCS <= {float(r["max_scs_difference_vs_fp32"]):.3f}'
    rows.append((model, name, str(r["images"]), str(r["batch_size"]), str(r["threads"]),
                 f'{float(r["seconds"]):.2f}', f"{rate:.2f}", vs, f'{float(r["peak_rss_mb"]):.0f}', extra))
def best(records):
    """Each runtime's fastest of the repeats."""
    top = {}
    for r in records:
        key = r.get("runtime") or r.get("precision", "fp32")
        if key not in top or float(r["images_per_second"]) > float(top[key]["images_per_second"]):
            top[key] = r
    return list(top.values())
for m in models:
    rival = best([x for f in sorted(out.glob(f"rivals-{m}-r*.json")) for x in json.loads(f.read_text())])
    onnx = next((float(r["images_per_second"]) for r in rival if r["runtime"] == "onnxruntime"), None)
    for r in sorted(best([json.loads(f.read_text()) for f in out.glob(f"scs-{m}-*-r*.json")]), key=lambda r: r["precision"], reverse=True):
        add(m, f'scs {r.get("precision", "fp32")}', r, onnx)
    for r in rival:
        add(m, r["runtime"] + " fp32", r, onnx)
if (out / "scs-big.json").exists():
    add("vit-b-32", "scs fp32, 10,000 images", json.loads((out / "scs-big.json").read_text()))
head = ("model", "runtime", "images", "batch", "threads", "seconds", "images/s", "vs ORT", "peak RSS MB", "vs fp32")
widths = [max(len(r[i]) for r in rows + [head]) for i in range(len(head))]
left = (0, 1, 9)
line = lambda r: "| " + " | ".join(c.ljust(w) if i in left else c.rjust(w) for i, (c, w) in enumerate(zip(r, widths))) + " |"
print(line(head))
print("|" + "|".join("-" * (w + 2) if i in left else "-" * (w + 1) + ":" for i, w in enumerate(widths)) + "|")
for r in rows:
    print(line(r))
if not rivals:
    print("(PyTorch and ONNX Runtime skipped: no oracle venv)")
EOF
