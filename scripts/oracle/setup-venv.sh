#!/usr/bin/env bash
# Create the Python oracle environment (.venv-oracle at the repo root) used by
# scripts/oracle/*.py to regenerate Tests/Fixtures and the parity models.
# Idempotent and non-interactive: if the venv exists and its imports work, it
# does nothing. See /work/shared/ORACLE.md (torch must stay pinned to +cpu).
#
#   bash scripts/oracle/setup-venv.sh        # from any directory
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."

VENV=.venv-oracle
CHECK='import sys, types; sys.modules["torchvision._meta_registrations"] = types.ModuleType("m"); import torch, transformers, safetensors, PIL, numpy, scipy, onnx, onnxruntime, png, kubernetes_validate, yaml, clip, open_clip'

if [ -x "$VENV/bin/python" ] && "$VENV/bin/python" -c "$CHECK" >/dev/null 2>&1; then
    echo "setup-venv: $VENV is ready"
    exit 0
fi

if [ ! -x "$VENV/bin/python" ]; then
    python3 -m venv "$VENV"
fi
# Pillow and SciPy are pinned: fixtures are byte-exact to them (Pillow 13 changed its resize pass order).
"$VENV/bin/pip" install "torch==2.13.0+cpu" "transformers==5.24.0" safetensors "pillow==13.0.0" numpy "scipy==1.17.1" onnx onnxruntime pypng \
    kubernetes-validate pyyaml   # examples/k8s: the Job schema, checked without a cluster
# The paper's own code (OpenAI's clip, as clip-anytorch) and open_clip, for the checkpoint reader's
# parity (../shared/ORACLE.md: torchvision loads on the CPU torch once its operator registry is stubbed).
"$VENV/bin/pip" install "torch==2.13.0+cpu" torchvision open-clip-torch clip-anytorch "setuptools<81"
"$VENV/bin/python" -c "$CHECK"
echo "setup-venv: $VENV installed"
