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
CHECK='import torch, transformers, safetensors, PIL, numpy, scipy, onnx, onnxruntime, png, kubernetes_validate, yaml, clip, open_clip, peft, dreamsim, vendi_score, torchmetrics, ftfy, sentencepiece; from transformers import CLIPModel'

# The registry's torchvision is built for CUDA: its operator registrations fail against the CPU
# torch, and then every import of torchvision (transformers, clip and open_clip make one) fails.
# Nothing here uses those operators; a sitecustomize stubs their module in every process of the
# venv (../shared/ORACLE.md).
shim() {
    local site
    site=$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')
    cat > "$site/sitecustomize.py" <<'PY'
# Written by scripts/oracle/setup-venv.sh: lets torchvision import on the CPU-only torch.
import sys
import types

sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))
PY
}
[ -x "$VENV/bin/python" ] && shim

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
# The backbones' own code: DreamSim (with peft for its LoRA adapters) and timm.
"$VENV/bin/pip" install "torch==2.13.0+cpu" timm peft dreamsim
# The metrics' references (vendi-score, torchmetrics' CLIPScore) and the tokenizers' (ftfy cleans
# clip.tokenize's text; sentencepiece reads and trains SigLIP's spiece.model).
"$VENV/bin/pip" install "torch==2.13.0+cpu" vendi-score torchmetrics ftfy sentencepiece
shim
"$VENV/bin/python" -c "$CHECK"
echo "setup-venv: $VENV installed"
