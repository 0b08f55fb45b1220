"""Build full-size random-weight CLIP models for the parity test (not committed).

    .venv-oracle/bin/python scripts/oracle/full_models.py OUTDIR [NAME ...]   # e.g. .oracle-cache/models

NAMEs default to vit-b-32 and vit-b-16 (the parity test's); vit-l-14 is for the benchmark.

writes, for each of
  OUTDIR/vit-b-32/   CLIPConfig() defaults (= ViT-B/32 vision tower, default text tower), seed 32
  OUTDIR/vit-b-16/   the same with vision patch_size=16, seed 16
config.json + model.safetensors (float32, save_pretrained; every 2-D weight scaled x2.5 after the
seeded random init), expected.npy = float32 (7, 512) get_image_features of the 7 shared photos
(sorted file-name order, preprocessed by clip_preprocess.py at S=224, computed in float32) and
expected.json listing the images. Idempotent: a model whose expected.npy exists is skipped
(expected.npy is written last). About 600 MB per model.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from make_fixtures import PHOTOS, build_model, cosines, image_features, pixel_batch  # noqa: E402

MODELS = {
    "vit-b-32": (dict(), 32, "random CLIP ViT-B/32 (CLIPConfig() defaults), seed 32, 2-D weights x2.5"),
    "vit-b-16": (dict(patch_size=16), 16, "random CLIP ViT-B/16 (CLIPConfig() defaults, vision patch_size=16), "
                                          "seed 16, 2-D weights x2.5"),
    "vit-l-14": (dict(hidden_size=1024, intermediate_size=4096, num_hidden_layers=24, num_attention_heads=16,
                      patch_size=14, projection_dim=768), 14,
                 "random CLIP ViT-L/14 (vision 1024 wide, 24 layers, 16 heads, patch 14, projection 768), "
                 "seed 14, 2-D weights x2.5"),
}
DEFAULT = ("vit-b-32", "vit-b-16")


def main():
    if len(sys.argv) < 2 or any(n not in MODELS for n in sys.argv[2:]):
        sys.exit(__doc__)
    names = sys.argv[2:] or DEFAULT
    from transformers import CLIPModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    torch.set_num_threads(2)

    out = Path(sys.argv[1])
    x = None
    for name in names:
        vision, seed, description = MODELS[name]
        d = out / name
        if (d / "expected.npy").exists():
            print(f"{name}: exists, skipped ({d})")
            continue
        d.mkdir(parents=True, exist_ok=True)
        if x is None:
            x = pixel_batch(224)
        vision = dict(vision)
        model = build_model(vision, vision.pop("projection_dim", None), seed=seed)
        model.save_pretrained(d)
        emb = image_features(model, x)
        reloaded = CLIPModel.from_pretrained(d, dtype=torch.float32).eval()
        assert np.array_equal(emb, image_features(reloaded, x)), "reloaded model differs"
        vc = reloaded.config.vision_config
        (d / "expected.json").write_text(json.dumps({
            "images": PHOTOS, "model": description,
            "vision": {"hidden_size": vc.hidden_size, "num_hidden_layers": vc.num_hidden_layers,
                       "patch_size": vc.patch_size, "image_size": vc.image_size, "hidden_act": vc.hidden_act},
            "projection_dim": reloaded.config.projection_dim,
            "pairwise_cosine_min_max": [float(cosines(emb).min()), float(cosines(emb).max())],
        }, indent=1) + "\n")
        np.save(d / "expected.npy", emb)
        c = cosines(emb)
        size = sum(p.stat().st_size for p in d.iterdir())
        print(f"{name}: {emb.shape} embeddings, pairwise cosine {c.min():.3f} .. {c.max():.3f}, "
              f"{size / 1e6:.0f} MB in {d}")


if __name__ == "__main__":
    main()
