# The two commands of the README:
#   make demo                           the main job: fetch a slice of the paper's study, score,
#                                       compare, and write the report
#   make test                           set up, build, and run every test
# and, on your own images: make score DATASET=path/to/images; the paper's whole study: make reproduce
# Everything else here is what those two are made of.

DATASET ?=
MODEL ?= openai/clip-vit-base-patch32
OUT ?= scores.csv
SWIFT ?= swift

.PHONY: setup build release score test lint format oracle bench clean demo demo-steps reproduce dist wheel dist-check

setup:
	@scripts/setup.sh

build: setup
	$(SWIFT) build

release: setup
	$(SWIFT) build -c release --product scs

# The usage first, before anything is built.
score:
	@test -n "$(DATASET)" || { echo "usage: make score DATASET=path/to/<model>/<prompt>/<images> [MODEL=...] [OUT=scores.csv]"; exit 2; }
	@$(MAKE) --no-print-directory release
	.build/release/scs score "$(DATASET)" --model "$(MODEL)" --out "$(OUT)" --json "$(OUT:.csv=.json)"

test: setup lint
	$(SWIFT) test
	SCS_BINARY=.build/debug/scs python3 -m pytest -q python/tests

# One style: swift-format's (in the Swift toolchain), configured in .swift-format (4 spaces, 150
# columns, layout only: no rule rewrites code). `make format` applies it; `make lint`, the first
# step of `make test`, fails on any file it would change.
FORMATTED = Sources Tests Package.swift

format:
	$(SWIFT) format -i -r -p $(FORMATTED)

lint:
	$(SWIFT) format lint --strict -r -p $(FORMATTED)

# The whole study on real data: a slice of the paper's data set (Hugging Face runsdata/
# semantic-consistency-score: the first DEMO_PROMPTS prompts by name, SDXL and pixart,
# DEMO_IMAGES images each, through the hub's file API under $$HF_ENDPOINT) and the default model
# into their caches, then score, compare and report. 12 prompts: with 5, the smallest exact
# Wilcoxon p is 0.0625 and no difference could ever be significant. Offline, a slice fetched
# completely before is used from the disk; otherwise the first step says what is missing.
# demo-steps are the steps alone, with the scs binary in SCS (the tests run them with the debug build).
DEMO_PROMPTS ?= 12
DEMO_IMAGES ?= 20
DEMO_OUT ?= demo
SCS ?= .build/release/scs
demo: release
	@$(MAKE) --no-print-directory demo-steps SCS=.build/release/scs

demo-steps:
	@mkdir -p "$(DEMO_OUT)"
	$(SCS) fetch-study --prompts $(DEMO_PROMPTS) --images $(DEMO_IMAGES) > "$(DEMO_OUT)/study-path.txt"
	$(SCS) score "$$(cat "$(DEMO_OUT)/study-path.txt")" --model "$(MODEL)" --out "$(DEMO_OUT)/scores.csv"
	$(SCS) compare "$(DEMO_OUT)/scores.csv" --a pixart --b SDXL --json "$(DEMO_OUT)/compare.json"
	$(SCS) report "$$(cat "$(DEMO_OUT)/study-path.txt")" --model "$(MODEL)" --scores "$(DEMO_OUT)/scores.csv" \
		--compare "$(DEMO_OUT)/compare.json" --out "$(DEMO_OUT)/report"
	@echo "open $(DEMO_OUT)/report/index.html"

# The paper's whole study from the published data set: all 100 prompts of SDXL and pixart and the
# Monet LoRA folders, scored, both comparisons (the LoRA's pairs from examples/paper/monet_pairs.csv),
# the report, and the paper's two claims beside what scs measured (scripts/reproduce.sh).
REPRODUCE_OUT ?= reproduce
reproduce: release
	SCS=.build/release/scs MODEL="$(MODEL)" OUT="$(REPRODUCE_OUT)" scripts/reproduce.sh

# The Python reference (PyTorch, transformers, Pillow, SciPy, ONNX Runtime) for parity tests and
# benchmarks; tests that need it skip, with a message, where it is missing.
oracle:
	@scripts/oracle/setup-venv.sh

bench: release
	scripts/bench/run.sh

# Distribution. dist: the self-contained release scs (Swift runtime, Foundation, codecs and SQLite
# linked in; glibc and libstdc++ alone stay dynamic) and dist/scs-<version>-linux-x86_64.tar.gz
# with licences, completions and man page (scripts/dist.sh; scratch path .build-dist).
# wheel: dist/semantic_consistency_score-<version>-py3-none-manylinux_2_XX_x86_64.whl carrying that
# binary and python/semantic_consistency (scripts/make_wheel.py). dist-check: the wheel installed
# with pip in a minimal Debian root without Swift or compiler, its scores.csv against the
# development build's (scripts/dist-check.sh; root, minutes; not part of make test).
dist: setup
	scripts/dist.sh

wheel: dist
	python3 scripts/make_wheel.py --binary dist/scs --python-dir python --licenses .build-dist/licenses --out dist

dist-check: wheel build
	scripts/dist-check.sh

clean:
	rm -rf .build
