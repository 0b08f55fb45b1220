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
CHECK='import torch, transformers, safetensors, PIL, numpy, scipy, onnx, onnxruntime, png, kubernetes_validate, yaml'

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
"$VENV/bin/python" -c "$CHECK"
echo "setup-venv: $VENV installed"
