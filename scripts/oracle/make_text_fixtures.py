"""Regenerate the text fixtures under Tests/Fixtures/text/ (CLIP's tokenizer and text tower, the Vendi Score).

    .venv-oracle/bin/python scripts/oracle/make_text_fixtures.py

What it writes (Tests/Fixtures/text/, deleted and rewritten on each run; every file < 4 MiB):

  prompts.json        JSON array of the prompt corpus (text_corpus.py: the paper's prompt files, line by
                      line, then hand-written edge cases, long prompts and seeded random mixes).
  clip-tokens.json    ids aligned with prompts.json (compact JSON):
                        "openai": clip.tokenize(p, context_length=77, truncate=True)[0] (OpenAI's `clip`,
                                  installed as clip-anytorch) without its trailing zero padding;
                        "transformers": input_ids of CLIPTokenizer.from_pretrained(tokenizer/)(p,
                                  padding="max_length", max_length=77, truncation=True) cut to
                                  sum(attention_mask), i.e. without the padding (77 - len pad tokens of id
                                  "transformers_pad_id" follow); "transformers_attention": the full 77-long
                                  attention masks;
                        "differ": indices where the two lists differ; "ftfy_fix_encoding": indices whose
                                  ftfy.fix_text result depends on ftfy's mojibake repair (none by design).
  openai-cleaned.json the text clip.tokenize hands to its split regex, per prompt:
                      whitespace_clean(basic_clean(p)).lower() (ftfy.fix_text, html.unescape twice, \\s+ -> " ",
                      strip, lower).
  unicode-versions.json  {"prompts", "openai", "transformers"} for a few prompts with code points newer than
                      Unicode 14, kept out of the corpus (the references differ through Unicode tables alone).
  mojibake.json       {"mojibake": [...], "intended": [...], "ftfy_fixed": [...], "openai": [[ids]],
                      "transformers": [[ids]]}: mojibake prompts that ftfy (inside clip.tokenize) repairs and
                      transformers does not; kept out of the main corpus.
  (tokenizer)         vocab.json, merges.txt (with the "#version: 0.2" header), tokenizer_config.json,
                      special_tokens_map.json, tokenizer.json, built in a scratch folder in the layout of the
                      hub's openai/clip-vit-* repos (tiny-clip/ keeps all but tokenizer.json), from ../shared/fixtures/clip/bpe_simple_vocab_16e6.txt.gz exactly as
                      OpenAI's SimpleTokenizer builds its vocabulary (256 byte symbols, the same + "</w>",
                      the first 48,894 merges joined, "<|startoftext|>" 49406, "<|endoftext|>" 49407).
  tiny-clip/          random-weight CLIPModel (save_pretrained, float32; text: vocab 49408, width 8, 2 layers,
                      2 heads, MLP 16, quick_gelu, eos 49407; vision: width 16, 1 layer, 2 heads, MLP 32,
                      image 32, patch 16; projection 16; seed 77, every 2-D weight x2.5 after init as
                      make_fixtures.build_model does), the tokenizer files but tokenizer.json (the same ids
                      without it), preprocessor_config.json (the
                      hub's legacy CLIPFeatureExtractor layout, size 32, crop 32); text-expected.npy: float32
                      [64, 16] get_text_features(...).pooler_output for the prompts listed in text-expected.json.
  vendi.json          Vendi Score cases from the `vendi-score` package: float32 embeddings X and
                      vendi.score_dual / vendi.score_K values (see the "how" field).

Seeds: text_corpus.SEED for the corpus, 77 for the tiny model, 64 for the choice of its prompts, 7 for
the Vendi cases. The shared folder is $SCS_SHARED if set, else <repo>/../shared. The venv comes from
scripts/oracle/setup-venv.sh.
"""
import gzip
import importlib.metadata
import json
import os
import random
import shutil
import sys
import tempfile
import warnings
from pathlib import Path

import numpy as np
import torch

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import text_corpus  # noqa: E402

ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("SCS_SHARED", ROOT.parent / "shared")).resolve()
BPE_GZ = SHARED / "fixtures" / "clip" / "bpe_simple_vocab_16e6.txt.gz"
OUT = ROOT / "Tests" / "Fixtures" / "text"
CONTEXT = 77
N_MERGES = 49152 - 256 - 2
MAX_FILE = 4 * 1024 * 1024
OPENAI_MEAN = [0.48145466, 0.4578275, 0.40821073]
OPENAI_STD = [0.26862954, 0.26130258, 0.27577711]


def quiet_imports():
    warnings.filterwarnings("ignore", message="pkg_resources is deprecated")
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    hf_logging.set_verbosity_error()


def compact(obj):
    return json.dumps(obj, separators=(",", ":")) + "\n"


# ----------------------------------------------------------------------------- tokenizer folder

def byte_symbols():
    """GPT-2's printable stand-ins for the 256 bytes, in vocabulary order: the 188 printable Latin-1
    bytes as themselves, then the other 68 bytes as U+0100 + k in byte order."""
    printable = list(range(0x21, 0x7F)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    others = [b for b in range(256) if b not in printable]
    return [chr(b) for b in printable] + [chr(0x100 + k) for k in range(len(others))]


def vocabulary():
    lines = gzip.open(BPE_GZ).read().decode("utf-8").split("\n")
    merges = lines[1:N_MERGES + 1]
    symbols = byte_symbols()
    tokens = symbols + [s + "</w>" for s in symbols] + ["".join(m.split()) for m in merges]
    tokens += ["<|startoftext|>", "<|endoftext|>"]
    assert len(tokens) == 49408 and len(set(tokens)) == 49408
    return tokens, merges


def added_token(content, legacy_type=True):
    d = {"content": content, "single_word": False, "lstrip": False, "rstrip": False, "normalized": True}
    if legacy_type:
        d["__type"] = "AddedToken"
    return d


def write_tokenizer(folder):
    """The hub's openai/clip-vit-base-patch32 tokenizer files (tokenizer.json: the serialisation of what
    CLIPTokenizer.from_pretrained makes of the other four, with padding and truncation off)."""
    from tokenizers import Tokenizer
    from transformers import CLIPTokenizer

    folder.mkdir(parents=True, exist_ok=True)
    tokens, merges = vocabulary()
    (folder / "vocab.json").write_text(
        json.dumps({t: i for i, t in enumerate(tokens)}, ensure_ascii=False, separators=(",", ":")), encoding="utf-8")
    (folder / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n", encoding="utf-8")
    config = {
        "unk_token": added_token("<|endoftext|>"), "bos_token": added_token("<|startoftext|>"),
        "eos_token": added_token("<|endoftext|>"), "pad_token": "<|endoftext|>", "add_prefix_space": False,
        "errors": "replace", "do_lower_case": True, "name_or_path": "openai/clip-vit-base-patch32",
        "model_max_length": CONTEXT, "special_tokens_map_file": "./special_tokens_map.json",
        "tokenizer_class": "CLIPTokenizer",
    }
    (folder / "tokenizer_config.json").write_text(json.dumps(config, indent=2) + "\n")
    special = {"bos_token": added_token("<|startoftext|>", False), "eos_token": added_token("<|endoftext|>", False),
               "unk_token": added_token("<|endoftext|>", False), "pad_token": "<|endoftext|>"}
    (folder / "special_tokens_map.json").write_text(json.dumps(special, indent=2) + "\n")
    backend = Tokenizer.from_str(CLIPTokenizer.from_pretrained(folder).backend_tokenizer.to_str())
    backend.no_padding()
    backend.no_truncation()
    backend.save(str(folder / "tokenizer.json"), pretty=False)
    return tokens


def copy_tokenizer(src, dst):
    for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
        shutil.copyfile(src / name, dst / name)


def preprocessor_config(size):
    """openai/clip-vit-base-patch32's preprocessor_config.json (legacy CLIPFeatureExtractor keys) at `size`."""
    return {"crop_size": size, "do_center_crop": True, "do_normalize": True, "do_resize": True,
            "feature_extractor_type": "CLIPFeatureExtractor", "image_mean": OPENAI_MEAN,
            "image_std": OPENAI_STD, "resample": 3, "size": size}


# ----------------------------------------------------------------------------- tokenising

def openai_ids(prompts):
    import clip
    out = []
    for p in prompts:
        row = clip.tokenize(p, context_length=CONTEXT, truncate=True)[0].tolist()
        last = max(i for i, v in enumerate(row) if v != 0)
        out.append(row[:last + 1])
    return out


def openai_cleaned(prompts):
    from clip.simple_tokenizer import basic_clean, whitespace_clean
    return [whitespace_clean(basic_clean(p)).lower() for p in prompts]


def transformers_ids(tok, prompts):
    enc = tok(prompts, padding="max_length", max_length=CONTEXT, truncation=True)
    ids, masks = enc["input_ids"], enc["attention_mask"]
    assert all(len(r) == CONTEXT for r in ids)
    return [r[:sum(m)] for r, m in zip(ids, masks)], masks


def load_tokenizers(folder, prompts):
    """CLIPTokenizer and AutoTokenizer on the folder, with and without its tokenizer.json: all must agree."""
    from transformers import AutoTokenizer, CLIPTokenizer
    tok = CLIPTokenizer.from_pretrained(folder)
    auto = AutoTokenizer.from_pretrained(folder)
    assert type(auto) is type(tok), (type(auto), type(tok))
    ref = transformers_ids(tok, prompts)
    assert transformers_ids(auto, prompts) == ref
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json"):
            shutil.copyfile(folder / name, Path(tmp) / name)
        assert transformers_ids(CLIPTokenizer.from_pretrained(tmp), prompts) == ref, "tokenizer.json changes ids"
    single = [transformers_ids(tok, [p]) for p in prompts[:50]]
    assert [s[0][0] for s in single] == ref[0][:50], "batched and single calls differ"
    return tok, ref


def plain_ascii(p):
    return all(" " <= c <= "~" for c in p) and "&" not in p and "<|" not in p


# ----------------------------------------------------------------------------- tiny CLIP

TINY_TEXT = dict(vocab_size=49408, hidden_size=8, intermediate_size=16, num_attention_heads=2, num_hidden_layers=2,
                 max_position_embeddings=CONTEXT, hidden_act="quick_gelu", eos_token_id=49407, bos_token_id=49406,
                 pad_token_id=1)
TINY_VISION = dict(hidden_size=16, num_hidden_layers=1, num_attention_heads=2, intermediate_size=32, image_size=32,
                   patch_size=16)


def text_features(model, tok, prompts):
    enc = tok(prompts, padding="max_length", max_length=CONTEXT, truncation=True, return_tensors="pt")
    with torch.no_grad():
        out = model.get_text_features(**enc)
    return enc, getattr(out, "pooler_output", out).detach().numpy().astype(np.float32)


def pick_text_prompts(prompts, k=64):
    """Indices: the edge cases named below (first match each), then a seeded sample of the rest."""
    wanted = [
        lambda p: p == "", lambda p: p.strip() == "" and p != "", lambda p: len(p) >= 1500,
        lambda p: p == "cat " * 300, lambda p: "🐱" in p, lambda p: "👨‍👩‍👧‍👦" in p, lambda p: "你好" in p,
        lambda p: "こんにちは" in p, lambda p: "안녕" in p, lambda p: p == "a photo<|endoftext|>of a cat",
        lambda p: p == "<|endoftext|>", lambda p: p == "!!<|endoftext|>", lambda p: p == "<|ENDOFTEXT|>",
        lambda p: p == "<|startoftext|>", lambda p: p == "<|endoftext|>" * 80, lambda p: p == "ＡＢＣ１２３",
        lambda p: p == "ﬁsh and ﬂowers", lambda p: p == "it’s", lambda p: p == "ΟΔΟΣ",
        lambda p: p == "&amp;amp;", lambda p: "\x1b[31m" in p, lambda p: p == "a\x85b", lambda p: p == "IT'S",
    ]
    chosen = []
    for f in wanted:
        i = next(i for i, p in enumerate(prompts) if f(p) and i not in chosen)
        chosen.append(i)
    rest = [i for i in range(len(prompts)) if i not in chosen]
    chosen += random.Random(64).sample(rest, k - len(chosen))
    return sorted(chosen)


def make_tiny_clip(outdir, tokenizer_dir, prompts):
    from make_fixtures import build_model
    from transformers import CLIPModel, CLIPTokenizer

    outdir.mkdir(parents=True)
    model = build_model(TINY_VISION, 16, seed=77, text=TINY_TEXT)
    model.save_pretrained(outdir)
    copy_tokenizer(tokenizer_dir, outdir)
    (outdir / "preprocessor_config.json").write_text(json.dumps(preprocessor_config(32), indent=2) + "\n")
    tok = CLIPTokenizer.from_pretrained(outdir)
    reloaded = CLIPModel.from_pretrained(outdir, dtype=torch.float32).eval()

    indices = pick_text_prompts(prompts)
    chosen = [prompts[i] for i in indices]
    enc, emb = text_features(reloaded, tok, chosen)
    _, emb0 = text_features(model, tok, chosen)
    assert np.array_equal(emb, emb0), "reloaded model differs"
    # pooling: the first position of eos_token_id (49407); with the hub's legacy eos_token_id 2 it is
    # input_ids.argmax(-1), the first position of the largest id, also 49407 here
    ids = enc["input_ids"]
    first_eos = (ids == 49407).int().argmax(-1)
    assert torch.equal(first_eos, ids.argmax(-1))
    legacy = CLIPModel.from_pretrained(outdir, dtype=torch.float32).eval()
    legacy.text_model.eos_token_id = 2
    legacy.config.text_config.eos_token_id = 2
    _, emb_legacy = text_features(legacy, tok, chosen)
    with torch.no_grad():
        hidden = reloaded.text_model(**enc).last_hidden_state
        manual = reloaded.text_projection(hidden[torch.arange(len(chosen)), first_eos]).numpy()
    assert np.array_equal(manual, emb)
    np.save(outdir / "text-expected.npy", emb)
    (outdir / "text-expected.json").write_text(json.dumps({
        "indices": indices, "shape": list(emb.shape),
        "how": ("float32 CLIPModel.from_pretrained(tiny-clip).get_text_features(**CLIPTokenizer.from_pretrained("
                "tiny-clip)([prompts[i] for i in indices], padding='max_length', max_length=77, truncation=True, "
                "return_tensors='pt')).pooler_output (transformers 5 returns a BaseModelOutputWithPooling; its "
                "pooler_output is the text_projection of the final-layer-normed hidden state at the first "
                "position of eos_token_id 49407, causal attention, padding masked)"),
        "model": "random CLIP, seed 77, 2-D weights x2.5; text width 8, 2 layers, 2 heads, MLP 16, quick_gelu, "
                 "eos_token_id 49407; vision width 16, 1 layer, image 32, patch 16; projection 16",
        "legacy_eos_token_id_2_identical": bool(np.array_equal(emb_legacy, emb)),
        "first_eos_position": first_eos.tolist(),
    }, indent=1) + "\n")
    return indices, emb


# ----------------------------------------------------------------------------- Vendi

def vendi_cases():
    rng = np.random.default_rng(7)
    g = lambda *s: rng.standard_normal(s)  # noqa: E731
    cases = [("random n2 d4", g(2, 4)), ("random n3 d4", g(3, 4)), ("random n5 d16 (n<d)", g(5, 16)),
             ("random n20 d4 (n>d)", g(20, 4)), ("random n50 d16 (n>d)", g(50, 16)),
             ("random n20 d512 (n<d)", g(20, 512))]
    c = g(2, 512)
    cases.append(("two tight clusters n50 d512", np.concatenate([c[0] + 0.01 * g(25, 512), c[1] + 0.01 * g(25, 512)])))
    cases.append(("exact duplicates n5 d16", np.repeat(g(1, 16), 5, axis=0)))
    cases.append(("3 distinct + 2 duplicates n5 d16", g(3, 16)[[0, 1, 2, 0, 1]]))
    cases.append(("orthogonal n4 d4, unequal norms", np.diag([0.5, 2.0, 3.0, 10.0])))
    q, _ = np.linalg.qr(g(512, 3))
    cases.append(("orthonormal n3 d512", q.T * np.array([[1.0], [5.0], [0.1]])))
    cases.append(("antipodal pair n2 d512", np.stack([c[0], -c[0]])))
    z = g(5, 4)
    z[2] = 0
    cases.append(("zero-norm row n5 d4", z))
    cases.append(("one cluster + outlier n50 d4", np.concatenate([c[0, :4] + 0.001 * g(49, 4), g(1, 4)])))
    cases.append(("norms 1e-3..1e3 n20 d16", g(20, 16) * np.logspace(-3, 3, 20)[:, None]))
    return [(name, x.astype(np.float32)) for name, x in cases]


def make_vendi(path):
    from sklearn import preprocessing
    from vendi_score import vendi

    out = []
    for name, x in vendi_cases():
        x64 = x.astype(np.float64)
        xn = preprocessing.normalize(x64, axis=1)
        k = xn @ xn.T
        with np.errstate(all="ignore"):
            case = {
                "name": name, "n": int(x.shape[0]), "d": int(x.shape[1]), "X": x.tolist(),
                "score_dual_q1": float(vendi.score_dual(x, q=1)),
                "score_dual_qinf": float(vendi.score_dual(x, q="inf")),
                "score_dual_q1_f64": float(vendi.score_dual(x64, q=1)),
                "score_dual_qinf_f64": float(vendi.score_dual(x64, q="inf")),
                "score_K_q1": float(vendi.score_K(k, q=1)),
                "score_K_qinf": float(vendi.score_K(k, q="inf")),
                "score_K_q_float_inf": float(vendi.score_K(k, q=float("inf"))),
                "eigenvalues_K_over_n": [float(v) for v in np.linalg.eigvalsh(k / len(k))],
            }
        out.append(case)
    # Large groups, stored as the rule that makes them (exact in float32 on both sides):
    # X[i][j] = ((i * a + j * b + (i // c) * e) % m - m // 2) / (m // 2).
    large = []
    for n, d, a, b, c, e, m in [(300, 512, 31, 17, 7, 5, 97), (1000, 64, 13, 29, 50, 11, 89), (120, 1024, 7, 3, 10, 23, 101)]:
        i = np.arange(n)[:, None]
        j = np.arange(d)[None, :]
        x = (((i * a + j * b + (i // c) * e) % m - m // 2) / (m // 2)).astype(np.float32)
        xn = preprocessing.normalize(x.astype(np.float64), axis=1)
        k = xn @ xn.T
        large.append({"n": n, "d": d, "a": a, "b": b, "c": c, "e": e, "m": m,
                      "score_K_q1": float(vendi.score_K(k, q=1)), "score_K_qinf": float(vendi.score_K(k, q="inf"))})
    doc = {
        "package": "vendi-score", "version": importlib.metadata.version("vendi-score"),
        "large": large,
        "how": ("X: float32 rows as stored. score_dual_*: vendi.score_dual(X, q) on the float32 X as stored "
                "(sklearn.preprocessing.normalize keeps float32, so X.T @ X / n and scipy.linalg.eigvalsh run in "
                "float32); *_f64: the same on X.astype(float64). score_K_*: vendi.score_K(K, q) with "
                "K = Xn @ Xn.T in float64, Xn = X.astype(float64) with rows L2-normalised (a zero row stays zero), "
                "normalize=False: eigvalsh(K / n) in float64. q=1: exp(-sum(w log w)) over the eigenvalues w > 0 "
                "(zero and negative eigenvalues dropped). q='inf' (the package's spelling; a float inf gives nan, "
                "see score_K_q_float_inf): exp(-log(max w)) = 1 / max eigenvalue. eigenvalues_K_over_n: "
                "numpy.linalg.eigvalsh(K / n), ascending."),
        "cases": out,
    }
    path.write_text(json.dumps(doc, separators=(",", ":")) + "\n")
    return out


# ----------------------------------------------------------------------------- main

def main():
    quiet_imports()
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    import clip
    import ftfy
    from transformers import __version__ as tf_version

    # Only this script's outputs are replaced: tiny-siglip/ beside them is make_siglip_text_fixtures.py's.
    OUT.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(OUT / "tiny-clip", ignore_errors=True)
    # The hub layout is built in a scratch folder; tiny-clip/ keeps the files scs reads (no tokenizer.json).
    scratch = Path(tempfile.mkdtemp(prefix="clip-tokenizer-"))
    tokens = write_tokenizer(scratch)
    assert {t: i for i, t in enumerate(tokens)} == clip.clip._tokenizer.encoder, "vocab.json != OpenAI's encoder"

    prompts = text_corpus.corpus(SHARED)
    assert len(prompts) >= 1100
    (OUT / "prompts.json").write_text(json.dumps(prompts, indent=0) + "\n")
    tok, (hf, masks) = load_tokenizers(scratch, prompts)
    oa = openai_ids(prompts)
    ascii_cases = [i for i, p in enumerate(prompts) if plain_ascii(p)]
    bad = [i for i in ascii_cases if oa[i] != hf[i]]
    assert not bad, [prompts[i] for i in bad[:5]]
    differ = [i for i in range(len(prompts)) if oa[i] != hf[i]]
    encoding = [i for i, p in enumerate(prompts) if text_corpus.needs_encoding_fix(p)]
    doc = {
        "context_length": CONTEXT, "transformers_pad_id": tok.pad_token_id,
        "transformers_class": f"{type(tok).__module__}.{type(tok).__name__}", "transformers_version": tf_version,
        "clip_version": importlib.metadata.version("clip-anytorch"), "ftfy_version": ftfy.__version__,
        "how": ("openai: clip.tokenize(p, context_length=77, truncate=True)[0] without the trailing zeros; "
                "transformers: CLIPTokenizer.from_pretrained('tiny-clip')(p, padding='max_length', max_length=77, "
                "truncation=True)['input_ids'][:sum(attention_mask)]"),
        "differ": differ, "ftfy_fix_encoding": encoding,
        "openai": oa, "transformers": hf, "transformers_attention": masks,
    }
    text = compact(doc)
    if len(text.encode()) <= 3 * 1024 * 1024:
        (OUT / "clip-tokens.json").write_text(text)
    else:  # one file per tokenizer
        for key in ("openai", "transformers"):
            part = {k: v for k, v in doc.items() if k not in ("openai", "transformers", "transformers_attention")}
            part[key] = doc[key]
            if key == "transformers":
                part["transformers_attention"] = masks
            (OUT / f"clip-tokens-{key}.json").write_text(compact(part))
    (OUT / "openai-cleaned.json").write_text(json.dumps(openai_cleaned(prompts), indent=0) + "\n")

    pairs = text_corpus.mojibake()
    moji = [m for m, _ in pairs]
    (OUT / "mojibake.json").write_text(json.dumps({
        "mojibake": moji, "intended": [s for _, s in pairs], "ftfy_fixed": [ftfy.fix_text(m) for m in moji],
        "openai": openai_ids(moji), "transformers": transformers_ids(tok, moji)[0],
        "how": "as clip-tokens.json; ftfy.fix_text (inside clip.tokenize) repairs these, transformers does not",
    }, separators=(",", ":")) + "\n")

    newer = text_corpus.NEWER_UNICODE
    (OUT / "unicode-versions.json").write_text(json.dumps({
        "prompts": newer, "openai": openai_ids(newer), "transformers": transformers_ids(tok, newer)[0],
        "how": ("as clip-tokens.json, for prompts with code points assigned after Unicode 14 (kept out of "
                "prompts.json): the references differ through their Unicode tables alone (Python 3.11 str.lower "
                "and NFC: Unicode 14; regex's \\p{L}: 17; tokenizers' Oniguruma \\p{L}: 16; Rust lower-casing: 17)"),
    }, separators=(",", ":")) + "\n")

    indices, emb = make_tiny_clip(OUT / "tiny-clip", scratch, prompts)
    shutil.rmtree(scratch, ignore_errors=True)
    vendi = make_vendi(OUT / "vendi.json")

    print(f"{len(prompts)} prompts, {len(differ)} differ between clip.tokenize and {type(tok).__name__} "
          f"(pad id {tok.pad_token_id}); {len(ascii_cases)} plain-ASCII prompts all agree; "
          f"{len(encoding)} depend on ftfy's mojibake repair")
    print(f"tiny-clip: text-expected {emb.shape} for {len(indices)} prompts; vendi: {len(vendi)} cases")
    total = 0
    for p in sorted(q for q in OUT.rglob("*") if "tiny-siglip" not in q.parts):
        if p.is_file():
            size = p.stat().st_size
            total += size
            print(f"  {size:>9}  {p.relative_to(ROOT)}")
            assert size < MAX_FILE, f"{p} is over 4 MiB"
    print(f"total: {total} bytes ({total / 1048576:.2f} MiB)")


if __name__ == "__main__":
    main()
