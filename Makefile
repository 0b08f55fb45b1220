# The two commands of the README:
#   make score DATASET=path/to/images   set up, build, and score a dataset
#   make test                           set up, build, and run every test
# Everything else here is what those two are made of.

DATASET ?=
MODEL ?= openai/clip-vit-base-patch32
OUT ?= scores.csv
SWIFT ?= swift

.PHONY: setup build release score test oracle bench clean

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

# The Python reference (PyTorch, transformers, Pillow, SciPy, ONNX Runtime) for parity tests and
# benchmarks; tests that need it skip, with a message, where it is missing.
oracle:
	@scripts/oracle/setup-venv.sh

bench: release
	scripts/bench/run.sh

clean:
	rm -rf .build
