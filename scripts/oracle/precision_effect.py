"""How far reduced precision moves the score: fp16 (emulated in PyTorch, as the paper's GPU ran it)
and scs's bf16, each against fp32, on the benchmark images (scripts/bench/make_images.py: image i is
a random crop, flip and colour jitter of shared photo i mod 7, so 7 groups of like images, like 7
prompts of a consistent model) and on the 7 shared photos as one group.

    .venv-oracle/bin/python scripts/oracle/precision_effect.py [--model DIR] [--n 70]

Needs .build/release/scs, the random-weight model (scripts/oracle/full_models.py) and the images.
Prints, per precision, the smallest embedding cosine to fp32 and the largest SCS difference.
"""
import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
import clip_preprocess  # noqa: E402
from make_fixtures import PHOTOS, SHARED_IMAGES  # noqa: E402


def scs_score(e):
    e = e.astype(np.float64)
    e = e / np.linalg.norm(e, axis=1, keepdims=True)
    s = e @ e.T
    i, j = np.triu_indices(len(e), 1)
    return float(np.maximum(100 * s[i, j], 0).mean())


def groups(n):
    return [list(range(g, n, 7)) for g in range(7)] + [list(range(n, n + 7))]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", default=str(ROOT / ".oracle-cache/models/vit-b-32"))
    ap.add_argument("--n", type=int, default=70)
    args = ap.parse_args()
    images = sorted((ROOT / ".oracle-cache/bench-images").glob("*.jpg"))[:args.n]
    paths = [str(p) for p in images] + [str(SHARED_IMAGES / p) for p in PHOTOS]

    from transformers import CLIPModel
    model = CLIPModel.from_pretrained(args.model, dtype=torch.float32).eval()
    x = torch.from_numpy(np.stack([clip_preprocess.preprocess(Path(p), 224) for p in paths]))
    with torch.no_grad():
        def features(m, t):
            out = m.get_image_features(pixel_values=t)
            return getattr(out, "pooler_output", out).float().numpy()
        ref = features(model, x)
        half = features(model.half(), x.half())

    result = {"torch fp32": ref, "torch fp16": half}
    with tempfile.TemporaryDirectory() as tmp:
        for precision in ("fp32", "bf16"):
            out = Path(tmp) / f"{precision}.npy"
            r = subprocess.run([str(ROOT / ".build/release/scs"), "embed", *paths, "--model", args.model, "--no-cache",
                                "--quiet", "--precision", precision, "--out", str(out)], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"scs {precision}: {r.stderr.strip()}")
                continue
            result[f"scs {precision}"] = np.load(out)

    def compare(a, b):
        cos = (a * b).sum(1) / np.linalg.norm(a, axis=1) / np.linalg.norm(b, axis=1)
        d = max(abs(scs_score(a[g]) - scs_score(b[g])) for g in groups(len(images)))
        return float(cos.min()), d

    print(f"{len(images)} benchmark images in 7 groups + the 7 shared photos as one group; model {args.model}")
    for name, base in (("torch fp16", "torch fp32"), ("scs bf16", "scs fp32"), ("scs fp32", "torch fp32")):
        if name in result and base in result:
            c, d = compare(result[name], result[base])
            print(f"{name:>10} vs {base}: min cosine {c:.6f}, largest SCS difference {d:.4f}")


if __name__ == "__main__":
    main()
