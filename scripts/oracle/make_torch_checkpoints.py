"""PyTorch checkpoints for the checkpoint reader's tests, with the reference embeddings.

    .venv-oracle/bin/python scripts/oracle/make_torch_checkpoints.py Tests/Fixtures/checkpoints
    .venv-oracle/bin/python scripts/oracle/make_torch_checkpoints.py OUT --full   # ViT-B/32 size, not committed

Random-weight models in the formats people download:
- OpenAI's `clip.model.CLIP` (the paper's code, package clip-anytorch): its state dict by
  `torch.save` (zip), by `torch.save(..., _use_new_zipfile_serialization=False)` (legacy), in
  float16 as `clip.model.convert_weights` leaves it, and the whole model traced and saved by
  `torch.jit.save` (TorchScript, the form of OpenAI's ViT-B-32.pt). The reference is
  `clip.load(file, device="cpu", jit=False)[0].encode_image(pixels)`, the paper's call.
- open_clip's `CLIP` with GELU and a head width of 32 (which only open_clip_config.json tells):
  `open_clip_pytorch_model.bin` and `open_clip_model.safetensors`, reference `encode_image`.
- `evil.pt`: a torch.save file whose pickle calls os.system; it must be refused, never run.
Inputs are preprocessed pixels (inputs.npy), so these test the weights, not the preprocessing.
"""
import json
import os
import sys
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")

import numpy as np  # noqa: E402
import torch  # noqa: E402

import clip  # noqa: E402
import open_clip  # noqa: E402
from clip.model import CLIP, convert_weights  # noqa: E402
from safetensors.torch import save_file  # noqa: E402


def scaled(model, factor=2.5):
    """Random init is too gentle for distinct embeddings: scale the matrices up."""
    with torch.no_grad():
        for name, p in model.named_parameters():
            if p.dim() >= 2:
                p.mul_(factor)
    return model


class Evil:
    def __reduce__(self):
        return (os.system, ("touch /tmp/scs-evil-pickle-ran",))


def main():
    out = sys.argv[1]
    full = "--full" in sys.argv
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(20241202)
    if full:
        dims = dict(embed_dim=512, image_resolution=224, vision_layers=12, vision_width=768, vision_patch_size=32)
        text = dict(context_length=77, vocab_size=49408, transformer_width=512, transformer_heads=8, transformer_layers=12)
    else:
        dims = dict(embed_dim=16, image_resolution=32, vision_layers=2, vision_width=64, vision_patch_size=8)
        text = dict(context_length=8, vocab_size=64, transformer_width=64, transformer_heads=1, transformer_layers=1)
    size = dims["image_resolution"]
    model = scaled(CLIP(**dims, **text)).eval()
    pixels = torch.rand(3, 3, size, size) * 4 - 2
    np.save(os.path.join(out, "inputs.npy"), pixels.numpy().astype(np.float32))

    def reference(path):
        loaded, _ = clip.load(path, device="cpu", jit=False)
        with torch.no_grad():
            return loaded.encode_image(pixels).float().numpy()

    sd = model.state_dict()
    torch.save(sd, os.path.join(out, "openai-state-dict.pt"))
    np.save(os.path.join(out, "openai-expected.npy"), reference(os.path.join(out, "openai-state-dict.pt")))
    if not full:
        torch.save(sd, os.path.join(out, "openai-legacy.pt"), _use_new_zipfile_serialization=False)
        half = scaled(CLIP(**dims, **text), 1.0).eval()
        half.load_state_dict(sd)
        convert_weights(half)
        torch.save(half.state_dict(), os.path.join(out, "openai-fp16.pth"))
        np.save(os.path.join(out, "openai-fp16-expected.npy"), reference(os.path.join(out, "openai-fp16.pth")))
    tokens = torch.zeros(1, text["context_length"], dtype=torch.long)
    tokens[0, :3] = torch.tensor([1, 5, text["vocab_size"] - 1])
    traced = torch.jit.trace(model, (pixels[:1], tokens), check_trace=False)
    if full:
        traced = traced.half()   # as OpenAI's released archives hold their weights
    torch.jit.save(traced, os.path.join(out, "openai-torchscript.pt"))
    np.save(os.path.join(out, "openai-torchscript-expected.npy"), reference(os.path.join(out, "openai-torchscript.pt")))

    if full:
        return
    vision = dict(image_size=size, layers=2, width=64, head_width=32, patch_size=8)
    text_cfg = dict(context_length=8, vocab_size=64, width=32, heads=2, layers=1)
    oc = scaled(open_clip.model.CLIP(embed_dim=16, vision_cfg=vision, text_cfg=text_cfg, quick_gelu=False)).eval()
    folder = os.path.join(out, "open_clip")
    os.makedirs(folder, exist_ok=True)
    torch.save(oc.state_dict(), os.path.join(folder, "open_clip_pytorch_model.bin"))
    save_file({k: v.contiguous() for k, v in oc.state_dict().items()}, os.path.join(folder, "open_clip_model.safetensors"))
    with open(os.path.join(folder, "open_clip_config.json"), "w") as f:
        json.dump({"model_cfg": {"embed_dim": 16, "vision_cfg": vision, "text_cfg": text_cfg, "quick_gelu": False},
                   "preprocess_cfg": {"mean": list(open_clip.OPENAI_DATASET_MEAN), "std": list(open_clip.OPENAI_DATASET_STD)}},
                  f, indent=2)
    with torch.no_grad():
        np.save(os.path.join(folder, "expected.npy"), oc.encode_image(pixels).numpy())

    torch.save({"weights": torch.zeros(2), "payload": Evil()}, os.path.join(out, "evil.pt"))


if __name__ == "__main__":
    main()
