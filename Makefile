# The two commands of the README:
#   make demo                           the main job: fetch a slice of the paper's study, score,
#                                       compare, and write the report
#   make test                           set up, build, and run every test
# and, on your own images: make score DATASET=path/to/images
# Everything else here is what those two are made of.

DATASET ?=
MODEL ?= openai/clip-vit-base-patch32
OUT ?= scores.csv
SWIFT ?= swift

.PHONY: setup build release score test oracle bench clean demo

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product scs

score: release
	@test -n "$(DATASET)" || { echo "usage: make score DATASET=path/to/<model>/<prompt>/<images> [MODEL=...] [OUT=scores.csv]"; exit 2; }
	.build/release/scs score "$(DATASET)" --model "$(MODEL)" --out "$(OUT)" --json "$(OUT:.csv=.json)"

test: setup
	$(SWIFT) test

# The whole study on real data: a slice of the paper's data set (Hugging Face runsdata/
# semantic-consistency-score: DEMO_PROMPTS prompts, SDXL and pixart, 20 images each, through the
# hub's file API under $$HF_ENDPOINT) and the default model into their caches, then score,
# compare and report. Offline, the first step says what could not be fetched.
DEMO_PROMPTS ?= 5
DEMO_OUT ?= demo
demo: release
	@mkdir -p "$(DEMO_OUT)"
	.build/release/scs fetch-study --prompts $(DEMO_PROMPTS) > "$(DEMO_OUT)/study-path.txt"
	.build/release/scs score "$$(cat $(DEMO_OUT)/study-path.txt)" --model "$(MODEL)" --out "$(DEMO_OUT)/scores.csv"
	.build/release/scs compare "$(DEMO_OUT)/scores.csv" --a pixart --b SDXL --json "$(DEMO_OUT)/compare.json"
	.build/release/scs report "$$(cat $(DEMO_OUT)/study-path.txt)" --model "$(MODEL)" --scores "$(DEMO_OUT)/scores.csv" \
		--compare "$(DEMO_OUT)/compare.json" --out "$(DEMO_OUT)/report"
	@echo "open $(DEMO_OUT)/report/index.html"

# The Python reference (PyTorch, transformers, Pillow, SciPy, ONNX Runtime) for parity tests and
# benchmarks; tests that need it skip, with a message, where it is missing.
oracle:
	@scripts/oracle/setup-venv.sh

bench: release
	scripts/bench/run.sh

clean:
	rm -rf .build
