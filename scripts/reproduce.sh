#!/usr/bin/env bash
# make reproduce: the paper's whole study from its published data set (Hugging Face data set
# runsdata/semantic-consistency-score), then the paper's two claims beside what scs measured.
#
#   1. fetch the first PROMPTS lines of examples/paper/prompts.txt for SDXL and pixart, and the
#      Monet folders under SDXL/ (the lines of prompts_monet_lora.txt and prompts_monet_sdxl.txt);
#   2. score them all;
#   3. compare pixart with SDXL (paired by prompt), and the Monet LoRA with base SDXL (paired by
#      examples/paper/monet_pairs.csv: the original's two lists drift apart, see its README);
#   4. write the report with both comparisons, and print the claims beside the measurements.
#
# Variables (the Makefile sets them; a test runs this with the debug binary):
#   SCS      the scs binary                    (.build/release/scs)
#   MODEL    the CLIP model                    (openai/clip-vit-base-patch32)
#   OUT      where everything goes             (reproduce)
#   STUDY    where the images go               ($OUT/study)
#   PROMPTS  prompts of prompts.txt            (100, the paper's)
#   IMAGES   images per prompt and model       (20, the paper's)
#   PAPER    the folder of the lists           (examples/paper beside this script)
# The hub: HF_ENDPOINT, HF_TOKEN (sent to the hub only), HF_HUB_OFFLINE, as for every scs command.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
SCS=${SCS:-$here/../.build/release/scs}
MODEL=${MODEL:-openai/clip-vit-base-patch32}
OUT=${OUT:-reproduce}
STUDY=${STUDY:-$OUT/study}
PROMPTS=${PROMPTS:-100}
IMAGES=${IMAGES:-20}
PAPER=${PAPER:-$here/../examples/paper}

mkdir -p "$OUT"
head -n "$PROMPTS" "$PAPER/prompts.txt" > "$OUT/prompts.txt"

echo "== fetching $PROMPTS prompts of SDXL and pixart, and the Monet LoRA folders, into $STUDY" >&2
"$SCS" fetch-study --out "$STUDY" --models SDXL,pixart --prompts-file "$OUT/prompts.txt" --images "$IMAGES" > /dev/null
"$SCS" fetch-study --out "$STUDY" --models SDXL --prompts-file "$PAPER/prompts_monet_lora.txt" \
    --prompts-file "$PAPER/prompts_monet_sdxl.txt" --images "$IMAGES" > /dev/null

echo "== scoring" >&2
"$SCS" score "$STUDY" --model "$MODEL" --out "$OUT/scores.csv" --json "$OUT/scores.json" > /dev/null

echo "== PixArt-α against SDXL" >&2
"$SCS" compare "$OUT/scores.csv" --a pixart --b SDXL --json "$OUT/compare-pixart-sdxl.json" | tee "$OUT/compare-pixart-sdxl.txt"
echo
echo "== the Monet LoRA against base SDXL" >&2
"$SCS" compare "$OUT/scores.csv" --a SDXL --b SDXL --pairs "$PAPER/monet_pairs.csv" --label-a "Monet LoRA" --label-b SDXL \
    --json "$OUT/compare-lora-sdxl.json" | tee "$OUT/compare-lora-sdxl.txt"
echo

echo "== the report" >&2
"$SCS" report "$STUDY" --model "$MODEL" --scores "$OUT/scores.csv" \
    --compare "$OUT/compare-pixart-sdxl.json" --compare "$OUT/compare-lora-sdxl.json" --out "$OUT/report" > /dev/null

# One claim: the paper's words, then what scs measured, read from the compare printout (its table
# rows "<label>  n  mean …" and its last line, the verdict).
claim() {
    local number=$1 words=$2 printout=$3 a=$4 b=$5
    local verdict mean_a mean_b p n agree
    verdict=$(tail -n 1 "$printout")
    mean_a=$(grep -E "^$a +[0-9]+ " "$printout" | head -n 1 | awk '{print $(NF-6)}')
    mean_b=$(grep -E "^$b +[0-9]+ " "$printout" | head -n 1 | awk '{print $(NF-6)}')
    p=$(sed -n 's/.*Wilcoxon p = \([^,]*\),.*/\1/p' <<< "$verdict")
    n=$(sed -n 's/.*, \([0-9]*\) prompts\{0,1\}$/\1/p' <<< "$verdict")
    if [[ $verdict == "$a is more consistent than $b:"* ]]; then agree="agrees"; else agree="disagrees ($verdict)"; fi
    echo "$number. paper: $words, significant (Wilcoxon signed-rank, p < 0.05)"
    echo "   scs:   $a mean SCS $mean_a, $b mean SCS $mean_b, Wilcoxon p = ${p:-?} on ${n:-?} prompt pairs: $agree"
}

echo "The paper's claims beside what scs measured:"
claim 1 "PixArt-α is more consistent than SDXL" "$OUT/compare-pixart-sdxl.txt" pixart SDXL
claim 2 "the Monet LoRA is more consistent than base SDXL" "$OUT/compare-lora-sdxl.txt" "Monet LoRA" SDXL
echo "Report with both comparisons: $OUT/report/index.html"
