"""Full-size random-weight CLIP ViT-B/32 with its text tower, and torchmetrics' CLIPScore on it (not committed).

    .venv-oracle/bin/python scripts/oracle/text_full.py OUTDIR          # e.g. .oracle-cache/text

writes OUTDIR/clip-vit-b-32/:
  config.json, model.safetensors   CLIPModel(CLIPConfig()) (ViT-B/32 vision and text towers, projection 512,
                                   text eos_token_id 49407), seed 32, every 2-D weight x2.5 after init
                                   (make_fixtures.build_model: the same weights as full_models.py vit-b-32),
                                   save_pretrained in float32;
  tokenizer files                  a copy of Tests/Fixtures/text/tiny-clip's (make_text_fixtures.py);
  preprocessor_config.json         openai/clip-vit-base-patch32's (legacy CLIPFeatureExtractor keys: size 224,
                                   crop 224, OpenAI mean/std, resample 3 = bicubic);
  text-expected.npy / .json        float32 [256, 512]: get_text_features(**tok(prompts[:256], padding="max_length",
                                   max_length=77, truncation=True, return_tensors="pt")).pooler_output for the
                                   first 256 prompts of Tests/Fixtures/text/prompts.json;
  clipscore.json                   torchmetrics' CLIPScore on the 7 shared photos (sorted by name) for 5 prompts
                                   (its "how" field says exactly what is computed and how).

Idempotent: each output whose file exists is skipped (model, text-expected, clipscore, in that order).
Takes about 1.5 minutes on 2 cores from scratch (model 10 s, text 20 s, CLIPScore 30-60 s); about 600 MB.
"""
import json
import shutil
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_fixtures import PHOTOS, SHARED_IMAGES, build_model  # noqa: E402
from make_text_fixtures import OUT as TEXT_FIXTURES, copy_tokenizer, preprocessor_config, quiet_imports  # noqa: E402

K = 256
CLIPSCORE_PROMPTS = [
    "a portrait painting of a cat wearing a tuxedo and top hat",
    "a high-resolution 3D render of a futuristic cityscape at night",
    "a watercolor painting of a field of lavender flowers under a cloudy sky",
    "a cat 🐱 on a mat",
]
LONG_PROMPT_START = "an extremely detailed oil painting of a lighthouse"


def pooled(out):
    return getattr(out, "pooler_output", out)


def as_transformers4(model):
    """torchmetrics 1.9 normalises what get_image_features / get_text_features return as a tensor; in
    transformers 5 they return a BaseModelOutputWithPooling (AttributeError: no attribute 'norm'). This
    returns the tensor transformers 4 returned (the projected embedding, its .pooler_output)."""
    text, image = model.get_text_features, model.get_image_features
    model.get_text_features = lambda *a, **k: pooled(text(*a, **k))
    model.get_image_features = lambda *a, **k: pooled(image(*a, **k))
    return model


def photos_uint8():
    """The shared photos as torchmetrics users pass them: uint8 CHW tensors of Image.open(f).convert("RGB")."""
    out = []
    for name in PHOTOS:
        with Image.open(SHARED_IMAGES / name) as im:
            out.append(torch.from_numpy(np.array(im.convert("RGB"))).permute(2, 0, 1).contiguous())
    return out


def make_model(d):
    """The model folder, built beside `d` and renamed into place: a run that stops halfway leaves
    no folder that a later run would take as complete."""
    from transformers import CLIPModel
    tmp = d.with_name(d.name + ".partial")
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.rmtree(d, ignore_errors=True)
    model = build_model({}, None, seed=32)
    model.save_pretrained(tmp)
    # The committed tiny CLIP carries the hub's tokenizer files (all but tokenizer.json).
    copy_tokenizer(TEXT_FIXTURES / "tiny-clip", tmp)
    (tmp / "preprocessor_config.json").write_text(json.dumps(preprocessor_config(224), indent=2) + "\n")
    reloaded = CLIPModel.from_pretrained(tmp, dtype=torch.float32)
    for (n, a), (_, b) in zip(model.state_dict().items(), reloaded.state_dict().items()):
        assert torch.equal(a, b), n
    tmp.rename(d)


def make_text_expected(d, prompts):
    from transformers import CLIPModel, CLIPTokenizer
    model = CLIPModel.from_pretrained(d, dtype=torch.float32).eval()
    tok = CLIPTokenizer.from_pretrained(d)
    chosen = prompts[:K]
    enc = tok(chosen, padding="max_length", max_length=77, truncation=True, return_tensors="pt")
    with torch.no_grad():
        emb = pooled(model.get_text_features(**enc)).numpy().astype(np.float32)
    (d / "text-expected.json").write_text(json.dumps({
        "indices": list(range(K)), "shape": list(emb.shape),
        "how": ("float32 CLIPModel.from_pretrained(clip-vit-b-32).get_text_features(**CLIPTokenizer.from_pretrained("
                "clip-vit-b-32)(prompts[:256], padding='max_length', max_length=77, truncation=True, "
                "return_tensors='pt')).pooler_output, prompts = Tests/Fixtures/text/prompts.json"),
    }, indent=1) + "\n")
    np.save(d / "text-expected.npy", emb)
    return emb


def cosine_rows(a, b):
    a = a.astype(np.float64) / np.linalg.norm(a.astype(np.float64), axis=1, keepdims=True)
    b = b.astype(np.float64) / np.linalg.norm(b.astype(np.float64), axis=1, keepdims=True)
    return a @ b.T


def make_clipscore(d, prompts):
    from torchmetrics.functional.multimodal.clip_score import _clip_score_update
    from torchmetrics.multimodal.clip_score import CLIPScore
    from transformers import CLIPModel, CLIPProcessor, CLIPTokenizer

    long_prompt = next(p for p in prompts if p.startswith(LONG_PROMPT_START))
    chosen = CLIPSCORE_PROMPTS + [long_prompt]
    assert all(p in prompts for p in chosen)
    images = photos_uint8()

    def load(legacy=False):
        model = CLIPModel.from_pretrained(d, dtype=torch.float32).eval()
        if legacy:  # the hub's openai/clip-* configs: text eos_token_id 2 -> pool at input_ids.argmax(-1)
            model.config.text_config.eos_token_id = 2
            model.text_model.eos_token_id = 2
        return model, CLIPProcessor.from_pretrained(d)

    # torchmetrics as shipped fails on transformers 5
    model, processor = load()
    try:
        CLIPScore(model_name_or_path=lambda: (model, processor)).update(images[:1], chosen[:1])
        stock_error = None
    except Exception as e:  # noqa: BLE001
        stock_error = f"{type(e).__name__}: {e}"

    out = {"torchmetrics": [], "torchmetrics_unclamped": [], "torchmetrics_per_image": [],
           "torchmetrics_input_ids_length": [], "torchmetrics_pooled_position": [],
           "torchmetrics_legacy_eos_token_id_2": [], "torchmetrics_per_image_legacy_eos_token_id_2": []}
    for legacy in (False, True):
        model, processor = load(legacy)
        as_transformers4(model)
        suffix = "_legacy_eos_token_id_2" if legacy else ""
        for p in chosen:
            metric = CLIPScore(model_name_or_path=lambda: (model, processor))
            with torch.no_grad():
                metric.update(images, [p] * len(images))
                out["torchmetrics" + suffix].append(float(metric.compute()))
                score, n = _clip_score_update(images, [p] * len(images), model, processor)
            out["torchmetrics_per_image" + suffix].append([float(s) for s in score])
            if legacy:
                continue
            out["torchmetrics_unclamped"].append(float(score.sum() / n))
            full = processor(text=[p], return_tensors="pt", padding=True)["input_ids"][0]
            out["torchmetrics_input_ids_length"].append(len(full))
            hit = (full[:77] == 49407).nonzero()
            out["torchmetrics_pooled_position"].append(int(hit[0, 0]) if len(hit) else 0)

    # reference cosines: tokenizer with truncation, processor on PIL images
    model, processor = load()
    tok = CLIPTokenizer.from_pretrained(d)
    pil = []
    for name in PHOTOS:
        with Image.open(SHARED_IMAGES / name) as im:
            pil.append(im.convert("RGB"))
    px_pil = processor(images=pil, return_tensors="pt")["pixel_values"]
    px_tensor = processor(images=[t for t in images], return_tensors="pt", padding=True)["pixel_values"]
    enc = tok(chosen, padding="max_length", max_length=77, truncation=True, return_tensors="pt")
    with torch.no_grad():
        t = pooled(model.get_text_features(**enc)).numpy()
        v = pooled(model.get_image_features(pixel_values=px_pil)).numpy()
    cos = cosine_rows(t, v)
    doc = {
        "prompts": chosen, "images": PHOTOS,
        "model": "clip-vit-b-32 (this folder): random CLIPConfig() weights, seed 32, 2-D weights x2.5",
        "torchmetrics_stock_error": stock_error,
        **out,
        "cos": cos.tolist(),
        "pixel_values_tensor_vs_pil_max_abs_diff": float((px_pil - px_tensor).abs().max()),
        "image_processor_class": type(processor.image_processor).__name__,
        "how": (
            "torchmetrics 1.9.0 CLIPScore(model_name_or_path=lambda: (CLIPModel.from_pretrained(dir), "
            "CLIPProcessor.from_pretrained(dir))) (the callable form; the string form only accepts hub names "
            "containing 'openai', then makes the same two calls). As shipped it raises on transformers 5 "
            "(torchmetrics_stock_error): get_*_features return a BaseModelOutputWithPooling; the values here "
            "patch the model so they return its .pooler_output, the tensor transformers 4 returned. "
            "torchmetrics: per prompt, update(7 uint8 CHW tensors of Image.open(f).convert('RGB'), [prompt]*7), "
            "compute() = max(mean over images of 100*cos, 0) (torchmetrics_unclamped: the mean before "
            "max(., 0)). torchmetrics_per_image: _clip_score_update's 100*cos per image (not clamped). "
            "Its path: images -> processor(images=[tensors], padding=True) "
            "(CLIPImageProcessor, torchvision backend: uint8 CHW tensor, bicubic antialiased resize of the "
            "shortest edge to 224, centre crop 224, rescale, normalise); text -> processor(text=[...], "
            "padding=True) WITHOUT truncation, then input_ids and attention_mask cut to the first 77 columns "
            "(torchmetrics_input_ids_length is the length before the cut). A prompt over 77 tokens thus "
            "loses its EOT: with eos_token_id 49407 the text tower pools position 0 (the first position of "
            "49407, argmax of an all-zero row), i.e. the start token, the same vector for every long prompt "
            "(torchmetrics_pooled_position); with the hub's legacy eos_token_id 2 it pools input_ids.argmax(-1), "
            "which is then also position 0, the start token 49406 being the largest id left "
            "(torchmetrics_legacy_eos_token_id_2, torchmetrics_per_image_legacy_eos_token_id_2: identical). "
            "cos[i][j]: cosine (float64) of get_text_features of tokenizer(prompt_i, padding='max_length', "
            "max_length=77, truncation=True) and get_image_features "
            "of processor(images=PIL image j); for prompts under 77 tokens torchmetrics_per_image[i][j] = "
            "100*cos[i][j] up to float32 rounding."),
    }
    (d / "clipscore.json").write_text(json.dumps(doc, indent=1) + "\n")
    return doc


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    quiet_imports()
    warnings.filterwarnings("ignore", message=".*longer than the specified maximum sequence length.*")
    torch.set_num_threads(2)
    torch.manual_seed(0)
    d = Path(sys.argv[1]) / "clip-vit-b-32"
    d.parent.mkdir(parents=True, exist_ok=True)
    prompts = json.loads((TEXT_FIXTURES / "prompts.json").read_text())
    t0 = time.time()
    if not (d / "model.safetensors").exists() or not (d / "vocab.json").exists():
        make_model(d)
        print(f"model: {time.time() - t0:.1f} s")
    if not (d / "text-expected.npy").exists():
        emb = make_text_expected(d, prompts)
        print(f"text-expected {emb.shape}: {time.time() - t0:.1f} s")
    if not (d / "clipscore.json").exists():
        doc = make_clipscore(d, prompts)
        print("torchmetrics:", [round(v, 3) for v in doc["torchmetrics"]], "stock:", doc["torchmetrics_stock_error"])
        print(f"clipscore: {time.time() - t0:.1f} s")
    print(f"done in {time.time() - t0:.1f} s: {d}")


if __name__ == "__main__":
    main()
