#!/usr/bin/env bash
# make dist-check: the wheel where users are. A minimal Debian 12 root made with debootstrap
# (Debian's packages only: no Swift, no compiler, no -dev package), python3 and python3-venv
# installed there, the wheel (dist/semantic_consistency_score-*.whl, make wheel) installed with pip
# (--no-deps; numpy from PyPI only if the Python API needs it), then `scs score` on a fixture study
# (two models, two prompts, JPEG, PNG and WebP images, the tiny random-weight CLIP of
# Tests/Fixtures/models/tiny-b32) and, where the package has it, the Python API's
# semantic_consistency.score(...) on the same study. Their scores.csv must be the same bytes as
# the development build's (.build/debug/scs, or SCS_DEV=path).
#
# Not part of make test: the root takes minutes to make. Run as root (debootstrap, chroot, mount).
# Environment: ROOT (default /tmp/scs-dist-check/root), FRESH=1 makes the root anew even if one is
# there, MIRROR (default: the first of apt's own URIs), SCS_DEV (the development build).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$(pwd)
ROOT=${ROOT:-/tmp/scs-dist-check/root}
SCS_DEV=${SCS_DEV:-$repo/.build/debug/scs}
if [ -z "${MIRROR:-}" ]; then
  MIRROR=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' | grep -v security | head -1 || true)
  [ -n "$MIRROR" ] || MIRROR=$(grep -hs '^deb ' /etc/apt/sources.list | awk '{print $2}' | head -1 || true)
  MIRROR=${MIRROR:-http://deb.debian.org/debian}
fi
[ "$(id -u)" -eq 0 ] || { echo "dist-check: run as root (debootstrap, chroot)" >&2; exit 2; }

results=()
failed=0
pass() { results+=("PASS  $1"); echo "dist-check: PASS  $1"; }
fail() { results+=("FAIL  $1"); echo "dist-check: FAIL  $1" >&2; failed=1; }
summary() {
  echo
  echo "== dist-check summary =="
  for r in "${results[@]}"; do echo "  $r"; done
  if [ "$failed" -eq 0 ] && [ "${#results[@]}" -gt 0 ]; then echo "dist-check: PASS"; else echo "dist-check: FAIL"; fi
}

wheel=$(ls dist/semantic_consistency_score-*.whl 2>/dev/null | head -1 || true)
[ -n "$wheel" ] || { echo "dist-check: no wheel in dist/: run make wheel" >&2; exit 1; }
[ -x "$SCS_DEV" ] || { echo "dist-check: no development build at $SCS_DEV: run swift build (or set SCS_DEV)" >&2; exit 1; }
echo "dist-check: wheel $wheel; development build $SCS_DEV; root $ROOT; mirror $MIRROR"

mounted=()
cleanup() {
  for ((i=${#mounted[@]}-1; i>=0; i--)); do umount -l "${mounted[$i]}" 2>/dev/null || true; done
}
trap 'cleanup; summary' EXIT
bind() { mkdir -p "$ROOT$1"; mount --bind "$1" "$ROOT$1"; mounted+=("$ROOT$1"); }

# 1. The root: Debian's minbase, python3 and python3-venv; nothing else.
if [ "${FRESH:-0}" = 1 ] || [ ! -f "$ROOT/.scs-dist-check-base" ]; then
  command -v debootstrap >/dev/null || { apt-get update -qq; DEBIAN_FRONTEND=noninteractive apt-get install -y -qq debootstrap >/dev/null; }
  rm -rf "$ROOT"; mkdir -p "$ROOT"
  echo "dist-check: debootstrap --variant=minbase bookworm $ROOT $MIRROR"
  debootstrap --variant=minbase bookworm "$ROOT" "$MIRROR" > "$ROOT.debootstrap.log" 2>&1 \
    || { tail -20 "$ROOT.debootstrap.log" >&2; echo "dist-check: debootstrap failed" >&2; exit 1; }
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mkdir -p "$ROOT/proc"; mount -t proc proc "$ROOT/proc"; mounted+=("$ROOT/proc")
  chroot "$ROOT" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive \
    sh -c 'apt-get update -qq && apt-get install -y -qq --no-install-recommends python3 python3-venv >/dev/null' \
    || { echo "dist-check: apt-get in the root failed" >&2; exit 1; }
  chroot "$ROOT" apt-get clean
  touch "$ROOT/.scs-dist-check-base"
else
  echo "dist-check: reusing the root at $ROOT (FRESH=1 makes it anew)"
  cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
  mkdir -p "$ROOT/proc"; mount -t proc proc "$ROOT/proc"; mounted+=("$ROOT/proc")
fi
# /proc stays mounted while scs runs there: the statically linked Swift runtime reads its
# arguments from /proc/self/cmdline (without it, every scs sees no arguments).
# TLS to PyPI from the root: the host's CA bundle and pip configuration.
mkdir -p "$ROOT/etc/ssl/certs"
cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$ROOT/etc/pip.conf"

in_root() { chroot "$ROOT" /usr/bin/env -i PATH=/opt/scs-venv/bin:/usr/bin:/bin HOME=/root LANG=C.UTF-8 \
  PIP_CERT=/etc/ssl/certs/ca-certificates.crt PIP_DISABLE_PIP_VERSION_CHECK=1 "$@"; }

# 2. What the root must not have.
bad=""
for tool in swift swiftc cc gcc clang c++ g++ ld; do
  in_root sh -c "command -v $tool" >/dev/null 2>&1 && bad="$bad $tool"
done
devs=$(in_root dpkg-query -W -f='${Package}\n' | grep -E -- '-dev$' | tr '\n' ' ' || true)
[ -d "$ROOT/opt/swift" ] && bad="$bad /opt/swift"
if [ -z "$bad$devs" ]; then pass "the root has no Swift, no compiler, no -dev package ($(in_root dpkg-query -W -f='.\n' | wc -l) Debian packages; $(in_root python3 --version))"
else fail "the root has:$bad $devs"; fi

# 3. The wheel, installed with pip into a fresh venv.
rm -rf "$ROOT/opt/scs-venv" "$ROOT/work"; mkdir -p "$ROOT/work"
cp "$wheel" "$ROOT/work/"
in_root python3 -m venv /opt/scs-venv
if in_root pip install -q --no-deps "/work/$(basename "$wheel")"; then pass "pip install --no-deps $(basename "$wheel")"
else fail "pip install of the wheel"; exit 1; fi
in_root pip list 2>/dev/null | sed 's/^/  /'
if ldd_out=$(in_root sh -c 'ldd "$(python3 -c "import semantic_consistency, os; print(os.path.join(os.path.dirname(semantic_consistency.__file__), \"bin\", \"scs\"))")"' 2>&1); then
  echo "$ldd_out" | sed 's/^/  ldd: /'
  if echo "$ldd_out" | grep -q 'not found'; then fail "the bundled binary misses libraries in the root"; else pass "ldd of the bundled binary in the root: every library found"; fi
else fail "ldd of the bundled binary: $ldd_out"; fi
if v=$(in_root scs --version 2>&1); then pass "scs --version in the root: $v"; else fail "scs --version in the root: $v"; fi

# 4. The fixture study: <study>/<model>/<prompt>/<images>, JPEG, PNG and WebP from Tests/Fixtures/decode.
study="$ROOT/work/study"
d=Tests/Fixtures/decode
mk() { mkdir -p "$study/$1/$2"; cp "$d/$3" "$study/$1/$2/$4"; }
mk model-a "a red rocket" jpeg-baseline-420-77x115.jpg 1.jpg
mk model-a "a red rocket" jpeg-baseline-444-77x115.jpg 2.jpg
mk model-a "a red rocket" jpeg-progressive-420-101x67.jpg 3.jpg
mk model-a "a grey cat" jpeg-gray-89x73.jpg 1.jpg
mk model-a "a grey cat" png-rgb8-97x61.png 2.png
mk model-a "a grey cat" webp-lossy-117x81.webp 3.webp
mk model-b "a red rocket" jpeg-restart-420-101x67.jpg 1.jpg
mk model-b "a red rocket" jpeg-q95-optimized-444-101x67.jpg 2.jpg
mk model-b "a red rocket" jpeg-cmyk-adobe-101x67.jpg 3.jpg
mk model-b "a grey cat" jpeg-exif-orientation6-77x115.jpg 1.jpg
mk model-b "a grey cat" png-rgba8-71x109.png 2.png
mk model-b "a grey cat" webp-lossless-117x81.webp 3.webp
mkdir -p "$ROOT/work/model"; cp Tests/Fixtures/models/tiny-b32/{config.json,model.safetensors} "$ROOT/work/model/"

# The development build, outside the root, on the same files.
host=$(mktemp -d /tmp/scs-dist-check-host.XXXXXX)
"$SCS_DEV" score "$study" --model "$ROOT/work/model" --no-cache --out "$host/scores.csv" --quiet > /dev/null
# scs writes the dataset path nowhere in scores.csv; the same relative layout gives the same rows.
echo "  development build's scores.csv:"; sed 's/^/    /' "$host/scores.csv"

# scs score in the root.
if in_root sh -c 'cd /work && scs score study --model model --no-cache --out scores-cli.csv --quiet >/dev/null'; then
  if cmp -s "$host/scores.csv" "$ROOT/work/scores-cli.csv"; then pass "scs score in the root: scores.csv identical to the development build's ($(wc -c < "$host/scores.csv") bytes, $(($(wc -l < "$host/scores.csv") - 1)) rows)"
  else fail "scs score in the root: scores.csv differs"; diff "$host/scores.csv" "$ROOT/work/scores-cli.csv" | head -20 >&2; fi
else fail "scs score in the root exited non-zero"; fi

# Prompts tokenized in the root: the tokenizers' data is compiled into the binary (Sources/CTextData);
# a resource folder beside it once went missing there. A tiny CLIP with its text tower.
mkdir -p "$ROOT/work/text-model"; cp Tests/Fixtures/text/tiny-clip/* "$ROOT/work/text-model/"
"$SCS_DEV" score "$study" --model "$ROOT/work/text-model" --metrics clipscore --no-cache --out "$host/aligned.csv" --quiet > /dev/null
if in_root sh -c 'cd /work && scs score study --model text-model --metrics clipscore --no-cache --out aligned.csv --quiet >/dev/null'; then
  # (the alignment file names each image by its path, which differs between the two runs)
  if cmp -s "$host/aligned.csv" "$ROOT/work/aligned.csv"; then
    pass "scs score --metrics clipscore in the root (prompts tokenized): scores.csv identical to the development build's"
  else fail "scs score --metrics clipscore in the root: the files differ"; diff "$host/aligned.csv" "$ROOT/work/aligned.csv" | head -20 >&2; fi
else fail "scs score --metrics clipscore in the root exited non-zero"; fi

if in_root sh -c 'cd /work && python3 -m semantic_consistency --version' >/dev/null 2>&1; then pass "python -m semantic_consistency --version"
else fail "python -m semantic_consistency --version"; fi

# 5. The Python API, where the package has it.
if in_root python3 -c 'import semantic_consistency as s, sys; sys.exit(0 if hasattr(s, "score") else 3)' 2>/dev/null; then
  if ! in_root python3 -c 'import numpy' 2>/dev/null; then
    if in_root python3 -c 'import semantic_consistency' 2>&1 | grep -q numpy || [ "${NUMPY:-auto}" = 1 ]; then
      in_root pip install -q numpy && echo "  installed numpy from PyPI in the root"
    fi
  fi
  if in_root python3 - <<'PY'
import inspect, os, sys
import semantic_consistency as s
kw = {}
params = inspect.signature(s.score).parameters
if "out" in params:
    kw["out"] = "/work/scores-api.csv"
if "cache" in params:
    kw["cache"] = None
result = s.score("/work/study", model="/work/model", **kw)
if not os.path.exists("/work/scores-api.csv"):
    # The API returned the scores; write them as scs does is not ours to redo: ask for the CSV.
    sys.exit("the API wrote no /work/scores-api.csv (score(..., out=...) is not supported?)")
print("  API score() returned", type(result).__name__)
PY
  then
    if cmp -s "$host/scores.csv" "$ROOT/work/scores-api.csv"; then pass "semantic_consistency.score(...) in the root: scores.csv identical to the development build's"
    else fail "semantic_consistency.score(...): scores.csv differs"; diff "$host/scores.csv" "$ROOT/work/scores-api.csv" | head -20 >&2; fi
  else fail "semantic_consistency.score(...) in the root raised"; fi
else
  results+=("SKIP  the Python API: the installed package has no semantic_consistency.score")
  echo "dist-check: SKIP  the Python API (no semantic_consistency.score in the package)"
fi
rm -rf "$host"
[ "$failed" -eq 0 ]
