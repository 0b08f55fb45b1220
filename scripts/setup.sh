#!/usr/bin/env bash
# Installs the C libraries scs links against (libjpeg-turbo, libpng, libwebp, SQLite), from
# Debian's packages, when any is missing; the headless browser the annotation app's end-to-end
# test drives (chromium, chromium-driver); and Slurm with munge, which the sharding test starts as
# a single-node cluster (scripts/slurm/local-cluster.sh; no service is enabled or started here);
# nginx, curl and openssl, which the annotation server's proxy test runs on loopback with a
# throw-away certificate (nginx's own service is not started here); pytest and numpy for the
# Python API's tests, from PyPI, when python3 lacks them.
# Idempotent and non-interactive: a machine that has them all is left untouched.
set -euo pipefail
packages=(libturbojpeg0-dev libjpeg62-turbo-dev libpng-dev zlib1g-dev libwebp-dev libsqlite3-dev chromium chromium-driver slurm-wlm munge nginx curl openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# The Python API's tests (make test runs them after swift test) need pytest and numpy in python3.
if ! python3 -c "import pytest, numpy" 2>/dev/null; then
  echo "setup: installing pytest and numpy for python3"
  python3 -m pip install --quiet pytest numpy
fi
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: system libraries present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "setup: done"
