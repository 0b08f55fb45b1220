"""Random-weight DreamSim cache folders and DINO v1 checkpoints, with reference embeddings from
DreamSim's and DINO's own code, for the parity tests.

    .venv-oracle/bin/python scripts/oracle/dreamsim_files.py OUTDIR [NAME ...]

NAMEs (default: all; none is committed, DreamSim's towers are ViT-B):
  dreamsim-ensemble, dreamsim-dino_vitb16, dreamsim-clip_vitb32, dreamsim-open_clip_vitb32
      OUTDIR/NAME/ laid out as `dreamsim(pretrained=True, cache_dir=OUTDIR/NAME)` leaves it: the
      branches' base weights (checkpoints/dino_vitbase16_pretrain.pth as torch.hub saves DINO's;
      clip_vitbP_pretrain.pth.tar and open_clip_vitbP_pretrain.pth.tar, {"state_dict": ... "proj"}
      as DreamSim's release has them; dino_vitb16_pretrain.pth with the DINO head), and the
      variant's PEFT LoRA adapter (adapter_config.json + adapter_model.safetensors, r 16, alpha 0.5,
      on every qkv, attn.proj, fc1, fc2 and the patch convolution, with random A and B).
      expected.npy: `dreamsim(pretrained=True, device="cpu", cache_dir=...)`, then for each shared
      photo `model.embed(preprocess(Image.open(f)))` (float32, (7, E)).
  dino-vitb16
      OUTDIR/dino-vitb16/dino_vitbase16_pretrain.pth (DINO's vit_base(patch_size=16) state dict);
      expected.npy: its forward (class token after the final norm) of DINO's eval transform
      (Resize(256, bicubic), CenterCrop(224), ToTensor, Normalize(ImageNet)) of each photo in RGB.

The network is not reachable here: torch.hub.load("facebookresearch/dino:main", ...) is replaced
by building DreamSim's own copy of DINO's vision_transformer.vit_base and loading the file from
checkpoints/, which is what torch.hub would have loaded. Weights: PyTorch's default init under a
fixed seed, every matrix x2.5, class token and position embeddings N(0, 0.05), biases N(0, 0.05).
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

import dreamsim  # noqa: E402  (imports torchvision: the venv's sitecustomize stubs its operators)
from dreamsim import model as dreamsim_model  # noqa: E402
from dreamsim.feature_extraction import vision_transformer as vits  # noqa: E402

VARIANTS = ("ensemble", "dino_vitb16", "clip_vitb32", "open_clip_vitb32")


def randomised(module, seed):
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in module.named_parameters():
            if name in ("cls_token", "pos_embed"):
                p.normal_(0, 0.05)
            elif p.dim() >= 2:
                p.mul_(2.5)
            else:
                p.copy_((1.0 if name.endswith("norm1.weight") or name.endswith("norm2.weight") or name in ("norm.weight", "pos_drop.weight") else 0.0)
                        + 0.05 * torch.randn_like(p))
    return module


def write_bases(d, seed, variant):
    """The branches' base weights `variant` needs (dreamsim's own download check wants its files)."""
    models = dreamsim_model.dreamsim_args["model_config"][variant]["model_type"].split(",")
    if "dino_vitb16" in models:
        (d / "checkpoints").mkdir(parents=True, exist_ok=True)
        torch.save(randomised(vits.vit_base(patch_size=16), seed).state_dict(), d / "checkpoints" / "dino_vitbase16_pretrain.pth")
        head = vits.DINOHead(768, 2048)
        student = {f"module.head.{k}": v for k, v in head.state_dict().items()}
        student["module.head.last_layer.weight"] = torch.randn(2048, 256) * 0.05   # the key DreamSim reads
        torch.save({"student": student}, d / "dino_vitb16_pretrain.pth")
    for i, (name, patch) in enumerate([("clip", 16), ("open_clip", 16), ("clip", 32), ("open_clip", 32)]):
        if f"{name}_vitb{patch}" not in models:
            continue
        vit = vits.vit_base(patch_size=patch)
        vit.pos_drop = torch.nn.LayerNorm(768)
        sd = randomised(vit, seed + 1 + i).state_dict()
        torch.manual_seed(seed + 11 + i)
        sd["proj"] = torch.randn(768, 512) * 0.05
        torch.save({"state_dict": sd}, d / f"{name}_vitb{patch}_pretrain.pth.tar")


def offline_hub(d):
    """torch.hub.load of DINO, answered from checkpoints/ (what torch.hub downloads there)."""
    def load(repo, name, *args, **kwargs):
        assert repo == "facebookresearch/dino:main" and name == "dino_vitb16", (repo, name)
        vit = vits.vit_base(patch_size=16)
        vit.load_state_dict(torch.load(d / "checkpoints" / "dino_vitbase16_pretrain.pth", weights_only=True))
        return vit
    torch.hub.load = load


def write_adapter(d, variant, seed):
    from peft import LoraConfig, get_peft_model
    offline_hub(d)
    args = dreamsim_model.dreamsim_args["model_config"][variant]
    model = dreamsim_model.PerceptualModel(**args, device="cpu", load_dir=str(d), normalize_embeds=True)
    config = LoraConfig(r=16, lora_alpha=0.5, lora_dropout=0.3, bias="none", 
                        target_modules=r".*\.model\.(blocks\.\d+\.(attn\.qkv|attn\.proj|mlp\.fc1|mlp\.fc2)|patch_embed\.proj)")
    peft_model = get_peft_model(model, config)
    torch.manual_seed(seed)
    with torch.no_grad():
        for name, p in peft_model.named_parameters():
            if "lora_A" in name or "lora_B" in name:
                p.copy_(torch.randn_like(p) * 0.2)
    tag = "ensemble_" if variant == "ensemble" else f"{variant}_single_"
    peft_model.save_pretrained(str(d / f"{tag}lora"))


def reference(d, variant):
    offline_hub(d)
    model, preprocess = dreamsim.dreamsim(pretrained=True, device="cpu", cache_dir=str(d), dreamsim_type=variant)
    rows = []
    with torch.no_grad():
        for photo in PHOTOS:
            with Image.open(SHARED_IMAGES / photo) as im:
                rows.append(model.embed(preprocess(im))[0].float().numpy())
    return np.stack(rows)


def dino_reference(d, seed):
    from torchvision import transforms
    vit = randomised(vits.vit_base(patch_size=16), seed).eval()
    torch.save(vit.state_dict(), d / "dino_vitbase16_pretrain.pth")
    t = transforms.Compose([transforms.Resize(256, interpolation=transforms.InterpolationMode.BICUBIC), transforms.CenterCrop(224),
                            transforms.ToTensor(), transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    rows = []
    with torch.no_grad():
        for photo in PHOTOS:
            with Image.open(SHARED_IMAGES / photo) as im:
                rows.append(vit(t(im.convert("RGB")).unsqueeze(0))[0].numpy())
    return np.stack(rows)


def main():
    names = [f"dreamsim-{v}" for v in VARIANTS] + ["dino-vitb16"]
    if len(sys.argv) < 2 or any(n not in names for n in sys.argv[2:]):
        sys.exit(__doc__)
    torch.set_num_threads(2)
    out = Path(sys.argv[1])
    for i, name in enumerate(sys.argv[2:] or names):
        d = out / name
        if (d / "expected.npy").exists():
            print(f"{name}: exists, skipped ({d})")
            continue
        d.mkdir(parents=True, exist_ok=True)
        if name == "dino-vitb16":
            emb = dino_reference(d, 40)
        else:
            variant = name.removeprefix("dreamsim-")
            write_bases(d, 50, variant)
            write_adapter(d, variant, 60 + i)
            emb = reference(d, variant)
        emb = emb.astype(np.float32)
        n = emb / np.linalg.norm(emb, axis=1, keepdims=True)
        c = n @ n.T
        (d / "expected.json").write_text(json.dumps({"images": PHOTOS, "model": name,
                                                     "pairwise_cosine_min_max": [float(c.min()), float(c.max())]}, indent=1) + "\n")
        np.save(d / "expected.npy", emb)
        print(f"{name}: {emb.shape}, pairwise cosine {c.min():.3f} .. {c.max():.3f}")


if __name__ == "__main__":
    main()
