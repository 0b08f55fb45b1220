"""A full-size random-weight SigLIP (google/siglip-base-patch16-224's shape) with a 32,000-piece
SentencePiece tokenizer, and text references, for parity and speed runs (not committed).

    .venv-oracle/bin/python scripts/oracle/siglip_text_full.py OUTDIR

OUTDIR gets what the hub's google/siglip-base-patch16-224 holds (config.json, model.safetensors
float32 ~813 MB, preprocessor_config.json 224x224, spiece.model, tokenizer_config.json,
special_tokens_map.json) plus a tokenizer.json built like the tiny fixture's (the hub's repo has
none), and:
  siglip-tokens.json      ids (64 per prompt, processor(text=p, padding="max_length", max_length=64,
                          truncation=True)) of every corpus prompt, and where tokenizer.json and the
                          written-out reference (make_siglip_text_fixtures.reference_ids) differ
  text-expected.npy/.json float32 [128, 768]: get_text_features(input_ids=ids).pooler_output, no mask

The tokenizer is trained as in make_siglip_text_fixtures.py (unigram, nmt_nfkc, pad 0 / eos 1 /
unk 2, no byte fallback) with 32,000 pieces on 300,000 generated lines (60,000 pseudo-words give
it enough distinct substrings). The model: SiglipConfig() defaults (text: vocab 32000, width 768,
12 layers, 12 heads, MLP 3072, 64 positions; vision: 224 px, patch 16, width 768, 12 layers),
torch seed 22, its own init, then LayerNorm weights 1 + 0.1 N(0,1) and biases 0.05 N(0,1).
Idempotent: nothing is done if OUTDIR/text-expected.npy exists. Prints the time of each step.
"""
import json
import sys
import time
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_siglip_text_fixtures import (  # noqa: E402
    MAX_LEN, EOS_ID, PAD_ID, UNK_ID, check_pipelines, load_corpus, perturb, siglip_processor_config, text_embeddings,
    train_spm, training_lines, write_tokenizer_files)

VOCAB = 32000
N_PROMPTS = 128


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    out = Path(sys.argv[1])
    if (out / "text-expected.npy").exists():
        print(f"{out}: exists, skipped")
        return
    import torch
    from transformers import AutoProcessor, SiglipConfig, SiglipModel
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    hf_logging.disable_progress_bar()
    torch.set_num_threads(2)
    out.mkdir(parents=True, exist_ok=True)
    times = {}
    t = time.time()
    train_spm(out / "spiece.model", VOCAB, training_lines(300000, seed=2, n_pseudo=60000), seed=2)
    tokenizer = write_tokenizer_files(out, out / "spiece.model")
    assert tokenizer.vocab_size == VOCAB, tokenizer.vocab_size
    times["tokenizer (train + files)"] = time.time() - t

    t = time.time()
    torch.manual_seed(22)
    model = SiglipModel(SiglipConfig(text_config={"vocab_size": VOCAB}, vision_config={})).eval()
    perturb(model, 22)
    model.save_pretrained(out)
    (out / "preprocessor_config.json").write_text(json.dumps(siglip_processor_config(224), indent=1) + "\n")
    times["model (init + save)"] = time.time() - t

    t = time.time()
    prompts, source = load_corpus()
    processor = AutoProcessor.from_pretrained(out)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = processor(text=prompts, padding="max_length", max_length=MAX_LEN, truncation=True)
    ids = enc["input_ids"]
    fast_diff, ref_diff, _ = check_pipelines(out, prompts, ids)
    (out / "siglip-tokens.json").write_text(json.dumps({
        "source": source, "max_length": MAX_LEN, "pad_id": PAD_ID, "eos_id": EOS_ID,
        "unk_id": UNK_ID, "ids": ids, "mask_len": [sum(m) for m in enc["attention_mask"]],
        "fast_differs": [c["index"] for c in fast_diff], "reference_differs": ref_diff},
        separators=(",", ":")) + "\n")
    times["tokenize + checks"] = time.time() - t

    t = time.time()
    reloaded = SiglipModel.from_pretrained(out, dtype=torch.float32).eval()
    times["load"] = time.time() - t
    t = time.time()
    emb = text_embeddings(reloaded, ids[:N_PROMPTS])
    times[f"text tower, {N_PROMPTS} x 64 tokens"] = time.time() - t
    np.save(out / "text-expected.npy", emb)
    n = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    c = n @ n.T
    (out / "text-expected.json").write_text(json.dumps({
        "indices": list(range(N_PROMPTS)), "shape": list(emb.shape), "seed": 22, "source": source,
        "how": "SiglipModel.from_pretrained(dir, dtype=float32).get_text_features(input_ids=ids).pooler_output, "
               "ids = siglip-tokens.json ids (the first 128 corpus prompts), no attention mask",
        "pairwise_cosine_min": float(c.min()), "fast_differs": len(fast_diff), "reference_differs": len(ref_diff),
        "seconds": {k: round(v, 1) for k, v in times.items()}}, indent=1) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    for k, v in times.items():
        print(f"  {k}: {v:.1f} s")
    print(f"{out}: {emb.shape}, pairwise cosine min {c.min():.3f}, fast differs on {len(fast_diff)}, "
          f"reference on {len(ref_diff)}; {size / 1e6:.0f} MB")


if __name__ == "__main__":
    main()
