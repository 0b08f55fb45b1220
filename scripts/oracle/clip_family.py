"""Random-weight CLIP-family towers beyond OpenAI's, in the formats they are published in, with
reference embeddings from their own code, for the parity tests.

    .venv-oracle/bin/python scripts/oracle/clip_family.py OUTDIR [NAME ...]

NAMEs (default: all but the bigG ones; nothing here is committed, it is too big):
  tiny-openclip-wide   open_clip CLIP 1280 wide with 2 layers and head width 80 (ViT-H's tower
                       width, shallow), open_clip_pytorch_model.bin with NO config beside it
                       (as HPSv2 ships): scs must take open_clip's ViT-H head width and GELU
  vit-h-14-openclip    open_clip ViT-H-14 (LAION's laion2b_s32b_b79k shape): open_clip_pytorch_model.bin
                       + open_clip_config.json, as the hub's repo holds them
  hpsv2                the same tower as HPSv2 ships it: HPS_v2_compressed.pt, torch.save of
                       {"state_dict": open_clip state dict}, no config
  vit-h-14-hf          transformers CLIPVisionModelWithProjection of ViT-H/14 (laion/CLIP-ViT-H-14's
                       shape; PickScore_v1 is this architecture)
  vit-bigg-14-openclip open_clip ViT-bigG-14 (1664 wide, 48 layers), bin + config (about 10 GB)
  vit-bigg-14-hf       transformers CLIPVisionModelWithProjection of ViT-bigG/14 (about 7.5 GB)

Each folder gets expected.npy: float32 (7, E) embeddings of the shared photos (sorted by name)
through the format's own code: open_clip's `create_model_and_transforms` preprocess and
`encode_image` for open_clip files; for transformers folders `clip.clip._transform(224)` (the
preprocessing scs uses for every CLIP) and `get_image_features`. Weights: the model's seeded
init, every matrix x2.5 (so photos differ clearly). Idempotent: existing expected.npy skips.
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_fixtures import PHOTOS, SHARED_IMAGES  # noqa: E402

import open_clip  # noqa: E402  (after sitecustomize's torchvision stub)


def scaled(model, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2 and "embedding" not in name:
                p.mul_(2.5)
    return model.eval()


def open_clip_files(name, folder, seed, layout, vision=None):
    """open_clip model `name` (or a custom vision_cfg), saved in `layout`: "hub" or "hpsv2" or "bare"."""
    torch.manual_seed(seed)
    if vision is None:
        cfg = open_clip.get_model_config(name)
        model, _, preprocess = open_clip.create_model_and_transforms(name, pretrained=None)
    else:
        cfg = {"embed_dim": 64, "vision_cfg": vision,
               "text_cfg": {"context_length": 77, "vocab_size": 49408, "width": 64, "heads": 2, "layers": 1}}
        model = open_clip.model.CLIP(embed_dim=cfg["embed_dim"], vision_cfg=cfg["vision_cfg"], text_cfg=cfg["text_cfg"])
        preprocess = open_clip.image_transform(vision["image_size"], is_train=False)
    model = scaled(model, seed)
    sd = model.state_dict()
    if layout == "hpsv2":
        torch.save({"state_dict": sd}, folder / "HPS_v2_compressed.pt")
    else:
        torch.save(sd, folder / "open_clip_pytorch_model.bin")
    if layout == "hub":
        (folder / "open_clip_config.json").write_text(json.dumps({
            "model_cfg": cfg, "preprocess_cfg": {"mean": list(open_clip.OPENAI_DATASET_MEAN),
                                                  "std": list(open_clip.OPENAI_DATASET_STD)}}, indent=1) + "\n")

    def embed(image):
        return model.encode_image(preprocess(image).unsqueeze(0))[0]
    return embed


def transformers_folder(vision, projection, folder, seed):
    from transformers import CLIPVisionConfig, CLIPVisionModelWithProjection
    import clip
    torch.manual_seed(seed)
    model = scaled(CLIPVisionModelWithProjection(CLIPVisionConfig(projection_dim=projection, hidden_act="gelu", **vision)), seed)
    model.save_pretrained(folder)
    model = CLIPVisionModelWithProjection.from_pretrained(folder, dtype=torch.float32).eval()
    preprocess = clip.clip._transform(224)

    def embed(image):
        out = model(pixel_values=preprocess(image).unsqueeze(0))
        return out.image_embeds[0]
    return embed


H14 = dict(hidden_size=1280, intermediate_size=5120, num_hidden_layers=32, num_attention_heads=16, patch_size=14)
BIGG = dict(hidden_size=1664, intermediate_size=8192, num_hidden_layers=48, num_attention_heads=16, patch_size=14)
MODELS = {
    "tiny-openclip-wide": lambda d: open_clip_files(None, d, 21, "bare", vision={
        "image_size": 56, "layers": 2, "width": 1280, "head_width": 80, "patch_size": 14, "mlp_ratio": 0.25}),
    "vit-h-14-openclip": lambda d: open_clip_files("ViT-H-14", d, 22, "hub"),
    "hpsv2": lambda d: open_clip_files("ViT-H-14", d, 23, "hpsv2"),
    "vit-h-14-hf": lambda d: transformers_folder(H14, 1024, d, 24),
    "vit-bigg-14-openclip": lambda d: open_clip_files("ViT-bigG-14", d, 25, "hub"),
    "vit-bigg-14-hf": lambda d: transformers_folder(BIGG, 1280, d, 26),
}


def main():
    if len(sys.argv) < 2 or any(n not in MODELS for n in sys.argv[2:]):
        sys.exit(__doc__)
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    torch.set_num_threads(2)
    out = Path(sys.argv[1])
    for name in sys.argv[2:] or [n for n in MODELS if "bigg" not in n]:
        d = out / name
        if (d / "expected.npy").exists():
            print(f"{name}: exists, skipped ({d})")
            continue
        d.mkdir(parents=True, exist_ok=True)
        embed = MODELS[name](d)
        rows = []
        with torch.no_grad():
            for photo in PHOTOS:
                with Image.open(SHARED_IMAGES / photo) as im:
                    rows.append(embed(im).float().numpy())
        emb = np.stack(rows).astype(np.float32)
        n = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        c = n @ n.T
        (d / "expected.json").write_text(json.dumps({"images": PHOTOS, "model": name,
                                                     "pairwise_cosine_min_max": [float(c.min()), float(c.max())]}, indent=1) + "\n")
        np.save(d / "expected.npy", emb)
        size = sum(p.stat().st_size for p in d.iterdir())
        print(f"{name}: {emb.shape}, pairwise cosine {c.min():.3f} .. {c.max():.3f}, {size / 1e6:.1f} MB in {d}")


if __name__ == "__main__":
    main()
