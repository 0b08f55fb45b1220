"""Random-weight DINOv2 and SigLIP image towers, and their reference embeddings, for the parity tests.

    .venv-oracle/bin/python scripts/oracle/backbones.py OUTDIR [NAME ...]

Each NAME becomes OUTDIR/NAME/ with what the hub's repo of that shape holds: config.json and
model.safetensors (save_pretrained of the transformers model, float32) and preprocessor_config.json
(the hub's: BitImageProcessor for DINOv2, SiglipImageProcessor for SigLIP). Then expected.npy:
float32 (7, E) embeddings of the shared photos (sorted by name) through the model's own pipeline,
`AutoImageProcessor.from_pretrained(dir)(Image.open(f))` then the model in float32 (DINOv2:
`pooler_output`; SigLIP: `get_image_features`), and expected.json describing it.

Weights: the model's own random init under torch.manual_seed(seed); for DINOv2 every weight with
two or more dimensions then multiplied by 2.5 and every LayerScale set to 1 + 0.1·N(0, 1), so
different images give clearly different embeddings. SigLIP keeps its init as it is: scaled, its
random tower turns chaotic (photos' embeddings nearly unrelated, bf16 rounding amplified to
cosine 0.998), which no trained model is. Idempotent: a folder whose expected.npy exists is skipped.

Names: the tiny-* ones are committed under Tests/Fixtures/backbones (a few hundred KB each);
the others are full size (not committed; .oracle-cache/backbones).
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

DINO_PROCESSOR = {
    "crop_size": {"height": 224, "width": 224}, "do_center_crop": True, "do_convert_rgb": True,
    "do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.485, 0.456, 0.406],
    "image_processor_type": "BitImageProcessor", "image_std": [0.229, 0.224, 0.225], "resample": 3,
    "rescale_factor": 0.00392156862745098, "size": {"shortest_edge": 256},
}


def siglip_processor(size):
    return {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
            "image_processor_type": "SiglipImageProcessor", "image_std": [0.5, 0.5, 0.5], "resample": 3,
            "rescale_factor": 0.00392156862745098, "size": {"height": size, "width": size}}


def dinov2(hidden, layers, heads, registers=None, swiglu=False, image_size=518, patch=14):
    def build():
        from transformers import Dinov2Config, Dinov2Model, Dinov2WithRegistersConfig, Dinov2WithRegistersModel
        common = dict(hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                      image_size=image_size, patch_size=patch, use_swiglu_ffn=swiglu)
        if registers is None:
            return Dinov2Model(Dinov2Config(**common))
        return Dinov2WithRegistersModel(Dinov2WithRegistersConfig(num_register_tokens=registers, **common))
    return build, DINO_PROCESSOR, lambda model, x: model(pixel_values=x).pooler_output


def siglip(hidden, intermediate, layers, heads, image_size=224, patch=16, whole=False):
    def build():
        from transformers import SiglipConfig, SiglipModel, SiglipVisionConfig, SiglipVisionModel
        vision = dict(hidden_size=hidden, intermediate_size=intermediate, num_hidden_layers=layers,
                      num_attention_heads=heads, image_size=image_size, patch_size=patch)
        if whole:   # a whole SiglipModel (text tower too, small), as the hub's repos are
            return SiglipModel(SiglipConfig(vision_config=vision, text_config=dict(
                hidden_size=64, intermediate_size=128, num_hidden_layers=1, num_attention_heads=2, vocab_size=256)))
        return SiglipVisionModel(SiglipVisionConfig(**vision))

    def embed(model, x):
        out = model.get_image_features(pixel_values=x) if hasattr(model, "get_image_features") else model(pixel_values=x)
        return out.pooler_output if hasattr(out, "pooler_output") else out
    return build, siglip_processor(image_size), embed


MODELS = {
    # committed fixtures: every code path at a tiny width
    "tiny-dinov2": (dinov2(32, 2, 2, image_size=70), 1, "DINOv2, 2 layers, width 32, trained at 70 px (5x5 grid → 16x16)"),
    "tiny-dinov2-swiglu": (dinov2(48, 2, 2, swiglu=True), 2, "DINOv2 with SwiGLU, 2 layers, width 48, 37x37 grid → 16x16"),
    "tiny-dinov2-registers": (dinov2(32, 2, 2, registers=4), 3, "DINOv2 with 4 registers, width 32 (antialiased interpolation)"),
    "tiny-dinov2-224": (dinov2(32, 1, 2, image_size=224), 4, "DINOv2 trained at 224 px (no interpolation)"),
    "tiny-siglip": (siglip(32, 64, 2, 2, image_size=64, patch=16), 5, "SigLIP vision tower, width 32, 64 px"),
    "tiny-siglip-whole": (siglip(32, 64, 2, 4, image_size=48, patch=8, whole=True), 6, "SiglipModel (vision_model. prefix), 48 px"),
    # full size (the published shapes)
    "dinov2-small": (dinov2(384, 12, 6), 11, "DINOv2 ViT-S/14"),
    "dinov2-base": (dinov2(768, 12, 12), 12, "DINOv2 ViT-B/14"),
    "dinov2-large": (dinov2(1024, 24, 16), 13, "DINOv2 ViT-L/14"),
    "dinov2-giant": (dinov2(1536, 40, 24, swiglu=True), 14, "DINOv2 ViT-g/14 (SwiGLU)"),
    "dinov2-with-registers-base": (dinov2(768, 12, 12, registers=4), 15, "DINOv2 ViT-B/14 with 4 registers"),
    "siglip-base-patch16-224": (siglip(768, 3072, 12, 12, whole=True), 16, "SigLIP base patch16 224 (SiglipModel)"),
    "siglip-so400m-patch14-384": (siglip(1152, 4304, 27, 16, image_size=384, patch=14), 17, "SigLIP so400m patch14 384"),
}


def randomise(model, seed):
    torch.manual_seed(seed)
    if "Siglip" in type(model).__name__:
        return
    model.apply(model._init_weights) if hasattr(model, "_init_weights") else None
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("lambda1"):
                p.copy_(1 + 0.1 * torch.randn_like(p))
            elif p.dim() >= 2:
                p.normal_(0, 0.02 * 2.5) if name.endswith(("probe", "position_embeddings", "cls_token", "register_tokens")) \
                    else p.mul_(2.5)
            elif name.endswith("bias"):
                p.copy_(0.05 * torch.randn_like(p))


def main():
    if len(sys.argv) < 2 or any(n not in MODELS for n in sys.argv[2:]):
        sys.exit(__doc__)
    from transformers import AutoImageProcessor, AutoModel
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()
    torch.set_num_threads(2)
    out = Path(sys.argv[1])
    for name in sys.argv[2:] or [n for n in MODELS if n.startswith("tiny-")]:
        (build, processor_config, embed), seed, description = MODELS[name]
        d = out / name
        if (d / "expected.npy").exists():
            print(f"{name}: exists, skipped ({d})")
            continue
        d.mkdir(parents=True, exist_ok=True)
        torch.manual_seed(seed)
        model = build().eval()
        randomise(model, seed)
        model.save_pretrained(d)
        (d / "preprocessor_config.json").write_text(json.dumps(processor_config, indent=1) + "\n")
        processor = AutoImageProcessor.from_pretrained(d)
        reloaded = AutoModel.from_pretrained(d, dtype=torch.float32).eval()
        rows = []
        with torch.no_grad():
            for photo in PHOTOS:
                with Image.open(SHARED_IMAGES / photo) as im:
                    x = processor(images=im, return_tensors="pt")["pixel_values"]
                rows.append(embed(reloaded, x)[0].float().numpy())
        emb = np.stack(rows).astype(np.float32)
        n = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        c = n @ n.T
        (d / "expected.json").write_text(json.dumps({
            "images": PHOTOS, "model": description, "seed": seed, "processor": type(processor).__name__,
            "embedding": "pooler_output", "pairwise_cosine_min_max": [float(c.min()), float(c.max())],
        }, indent=1) + "\n")
        np.save(d / "expected.npy", emb)
        size = sum(p.stat().st_size for p in d.iterdir())
        print(f"{name}: {emb.shape}, pairwise cosine {c.min():.3f} .. {c.max():.3f}, {size / 1e6:.1f} MB in {d}")


if __name__ == "__main__":
    main()
