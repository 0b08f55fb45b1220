"""Each backbone as its own Python stack runs it, for scripts/bench/rivals.py: the per-image
preprocessing its reference code uses, and the model loaded by that code.

    preprocessor(path) -> (preprocess, size)    preprocess(image path) -> float32 [3, S, S] numpy
    load(path) -> torch.nn.Module               float32 [B, 3, S, S] tensor -> [B, E] embeddings

Kinds, read from the files as scs reads them:
  clip      transformers folder (CLIPModel or CLIPVisionModelWithProjection): get_image_features /
            image_embeds; preprocessing clip_preprocess.py (clip.load's, exactly)
  dinov2    transformers Dinov2Model(+registers): pooler_output; AutoImageProcessor
  siglip    transformers SiglipModel / SiglipVisionModel: get_image_features / pooler_output; AutoImageProcessor
  dino      DINO's checkpoint (.pth): DINO's vision_transformer.vit_base (DreamSim's copy); DINO's eval transform
  dreamsim  DreamSim's cache folder: dreamsim(pretrained=True, cache_dir=...) with the LoRA merged
            (merge_and_unload: faster than the unmerged model, so the rivals get the better of the
            two); its preprocess; embed
"""
import json
from pathlib import Path

import numpy as np
import torch


def kind_of(path):
    p = Path(path)
    if p.is_file():
        return "dino"
    if any(c.name.endswith("_lora") for c in p.iterdir() if c.is_dir()):
        return "dreamsim"
    model_type = json.loads((p / "config.json").read_text()).get("model_type", "")
    return {"clip": "clip", "clip_vision_model": "clip", "dinov2": "dinov2", "dinov2_with_registers": "dinov2",
            "siglip": "siglip", "siglip_vision_model": "siglip"}[model_type]


def quiet_transformers():
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def pooled(out):
    for name in ("image_embeds", "pooler_output"):
        if getattr(out, name, None) is not None:
            return getattr(out, name)
    return out


def preprocessor(path):
    kind = kind_of(path)
    from PIL import Image
    if kind == "clip":
        from transformers import AutoConfig
        from clip_preprocess import preprocess as clip_pre
        config = AutoConfig.from_pretrained(path)
        size = getattr(config, "vision_config", config).image_size
        return (lambda p: clip_pre(p, size)), size
    if kind in ("dinov2", "siglip"):
        quiet_transformers()
        from transformers import AutoImageProcessor
        processor = AutoImageProcessor.from_pretrained(path)

        def pre(p):
            with Image.open(p) as im:
                return processor(images=im, return_tensors="np")["pixel_values"][0].astype(np.float32)
        crop = processor.crop_size if getattr(processor, "do_center_crop", False) else processor.size
        return pre, int(crop["height"])
    from torchvision import transforms
    if kind == "dino":
        t = transforms.Compose([transforms.Resize(256, interpolation=transforms.InterpolationMode.BICUBIC), transforms.CenterCrop(224),
                                transforms.ToTensor(), transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    else:   # dreamsim's preprocess
        t = transforms.Compose([transforms.Resize((224, 224), interpolation=transforms.InterpolationMode.BICUBIC), transforms.ToTensor()])

    def pre(p):
        with Image.open(p) as im:
            return t(im.convert("RGB")).numpy()
    return pre, 224


class Wrapped(torch.nn.Module):
    def __init__(self, model, call):
        super().__init__()
        self.m, self.call = model, call

    def forward(self, x):
        return self.call(self.m, x)


def load(path):
    kind = kind_of(path)
    if kind == "clip":
        quiet_transformers()
        from transformers import AutoConfig, CLIPModel, CLIPVisionModelWithProjection
        whole = "CLIPModel" in (AutoConfig.from_pretrained(path).architectures or ["CLIPModel"])
        model = (CLIPModel if whole else CLIPVisionModelWithProjection).from_pretrained(path, dtype=torch.float32)
        call = (lambda m, x: pooled(m.get_image_features(pixel_values=x))) if whole else (lambda m, x: m(pixel_values=x).image_embeds)
        return Wrapped(model, call).eval()
    if kind in ("dinov2", "siglip"):
        quiet_transformers()
        from transformers import AutoModel
        model = AutoModel.from_pretrained(path, dtype=torch.float32)
        if hasattr(model, "get_image_features"):
            return Wrapped(model, lambda m, x: pooled(m.get_image_features(pixel_values=x))).eval()
        return Wrapped(model, lambda m, x: m(pixel_values=x).pooler_output).eval()
    from dreamsim.feature_extraction import vision_transformer as vits
    if kind == "dino":
        vit = vits.vit_base(patch_size=16)
        vit.load_state_dict(torch.load(path, weights_only=True))
        return vit.eval()
    import dreamsim
    root = Path(path)

    def hub_load(repo, name, *args, **kwargs):   # DINO's weights from torch.hub's folder, offline
        vit = vits.vit_base(patch_size=16)
        vit.load_state_dict(torch.load(root / "checkpoints" / "dino_vitbase16_pretrain.pth", weights_only=True))
        return vit
    torch.hub.load = hub_load
    variant = "ensemble" if (root / "ensemble_lora").is_dir() else \
        next(c.name for c in root.iterdir() if c.name.endswith("_single_lora"))[:-len("_single_lora")]
    model, _ = dreamsim.dreamsim(pretrained=True, device="cpu", cache_dir=str(root), dreamsim_type=variant)
    return Wrapped(model.merge_and_unload(), lambda m, x: m.embed(x)).eval()
