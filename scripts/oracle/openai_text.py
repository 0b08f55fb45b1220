"""OpenAI's text embeddings of the corpus, the paper's code: clip.load + clip.tokenize + encode_text.

    .venv-oracle/bin/python scripts/oracle/openai_text.py CHECKPOINT COUNT OUT.npy

Writes float32 [COUNT, E]: `clip.load(CHECKPOINT, device="cpu", jit=False)[0].encode_text(
clip.tokenize(prompts[:COUNT], truncate=True))` for the first COUNT prompts of
Tests/Fixtures/text/prompts.json (clip.load rounds the weights to float16 and computes in float32
on the CPU).
"""
import json
import sys
import types
from pathlib import Path

sys.modules.setdefault("torchvision._meta_registrations", types.ModuleType("torchvision._meta_registrations"))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import clip  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]


def main():
    checkpoint, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    prompts = json.loads((ROOT / "Tests/Fixtures/text/prompts.json").read_text())[:count]
    model, _ = clip.load(checkpoint, device="cpu", jit=False)
    with torch.no_grad():
        features = model.encode_text(clip.tokenize(prompts, truncate=True)).float().numpy()
    np.save(out, features.astype(np.float32))
    print(f"{out}: {features.shape}")


if __name__ == "__main__":
    main()
