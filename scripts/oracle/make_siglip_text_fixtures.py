"""A tiny random-weight SigLIP with a real SentencePiece tokenizer, and its text-side references.

    .venv-oracle/bin/python scripts/oracle/make_siglip_text_fixtures.py [OUTDIR]

OUTDIR defaults to Tests/Fixtures/text/tiny-siglip. No hub is reachable here, so the tokenizer is
trained on the spot, the way google/siglip-base-patch16-224's spiece.model is built (T5's English
SentencePiece model): unigram, normaliser nmt_nfkc (add_dummy_prefix, remove_extra_whitespaces,
escape_whitespaces all on), no byte fallback, pieces 0 <pad>, 1 </s>, 2 <unk> (no <s>). The
training text is the paper's prompts (../shared/paper/resources/prompts*.txt, three times) plus
seeded generated English-like lines (`generate`); SentencePieceTrainer runs single-threaded with a
fixed seed, so it is deterministic.

What OUTDIR gets (what a hub repo of SigLIP holds, and the references):
  spiece.model, tokenizer_config.json    SiglipTokenizer(vocab_file=...).save_pretrained
  special_tokens_map.json                written by hand as the hub's repos have it (transformers 5
                                         no longer writes one)
  tokenizer.json                         NOT in the hub's SigLIP repos (transformers has no fast
                                         SigLIP tokenizer): built here with `tokenizers`
                                         (`build_fast`) to do what SiglipTokenizer does (lower-case,
                                         strip ASCII punctuation, collapse whitespace, the model's
                                         precompiled_charsmap, Metaspace, Unigram, `$A </s>`,
                                         truncation and padding to 64 with id 1); fast-vs-slow.json
                                         lists the corpus prompts where it does not agree
  config.json, model.safetensors         SiglipModel (text: vocab = the pieces, width 16, MLP 32,
                                         2 layers, 2 heads, 64 positions; vision: 32 px, patch 16,
                                         width 16, 1 layer, 2 heads, MLP 32), float32; torch seed 21,
                                         the model's own init, then every LayerNorm weight set to
                                         1 + 0.1 N(0,1) and every bias to 0.05 N(0,1) (the init
                                         leaves them 1 and 0, which would hide a missing tensor)
  preprocessor_config.json               SiglipImageProcessor, 32x32
  siglip-tokens.json                     for every corpus prompt, the 64 ids of
                                         processor(text=p, padding="max_length", max_length=64,
                                         truncation=True) (the zero-shot pipeline's call), compact
  text-expected.npy / .json              float32 [64, 16]: model.get_text_features(input_ids=ids)
                                         .pooler_output for 64 chosen prompts, no attention mask
                                         (as SigLIP was trained); text-expected-masked.npy: the same
                                         with the tokenizer's attention_mask passed (what
                                         transformers 5.24's zero-shot pipeline does)
  fast-vs-slow.json                      tokenizer.json (tokenizers) vs spiece.model (SiglipTokenizer)

The corpus is Tests/Fixtures/text/prompts.json (written by another script); if it is missing, a
seeded stand-in corpus is generated (`fallback_corpus`). The script also checks an independent
re-implementation of the whole text pipeline (`reference_ids`: canonicalise, the charsmap trie,
SentencePiece's whitespace rules, Unigram Viterbi, EOS, padding) against SiglipTokenizer on every
prompt; it is the algorithm the Swift port follows, written out.

Idempotent: nothing is done if OUTDIR/text-expected.npy exists (delete the folder to regenerate).
"""
import hashlib
import json
import os
import random
import re
import string
import struct
import sys
import time
import unicodedata
import warnings
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("SCS_SHARED", ROOT.parent / "shared")).resolve()
PAPER_PROMPTS = sorted((SHARED / "paper" / "resources").glob("prompts*.txt"))
CORPUS = ROOT / "Tests" / "Fixtures" / "text" / "prompts.json"
OUT = ROOT / "Tests" / "Fixtures" / "text" / "tiny-siglip"
MAX_LEN = 64
PAD_ID, EOS_ID, UNK_ID = 1, 1, 2      # SiglipTokenizer: pad_token = eos_token = "</s>" (piece 1)
# SigLIP-specific edge cases the corpus lacks: the special tokens' text, "▁", Greek final sigma,
# combining marks that tokenizers' Precompiled drops, a literal EOS at the 64th token.
EXTRA_PROMPTS = ["literal </s> eos", "<unk> literal", "x </s> y", "x</s>y", "ends with </s>", "</s>",
                 "  </s>  a", "a<unk>b", "a</s></s>b", "<pad> <s> </S> <UNK>", "the ▁ lower ▁▁block▁", "▁",
                 "▁x", "ΟΔΟΣ ΣΑΣ.Σ σ", "e\u0301\u0301 x", "\uff21\u0301 \ufb01\u0301", "x " * 62 + "</s>", "x " * 70 + "</s>"]

# ---------------------------------------------------------------------------------------------
# Training text: seeded, English-like, prompt-shaped.

NOUNS = """cat dog horse bird owl fox wolf bear lion tiger deer rabbit mouse fish whale dolphin turtle frog
dragon unicorn robot astronaut knight wizard witch queen king princess child woman man girl boy family
crowd farmer sailor soldier dancer musician painter scientist teacher doctor chef city village town street
road bridge river lake ocean sea beach island mountain hill valley forest jungle desert field garden park
meadow castle tower house cottage cabin temple church cathedral palace ruin skyscraper lighthouse windmill
barn train car bicycle boat ship airplane balloon rocket spaceship planet moon sun star galaxy nebula sky
cloud storm rain snow fog sunset sunrise night morning evening winter summer autumn spring tree flower
rose tulip sunflower lavender leaf branch fruit apple orange lemon cherry bread cake coffee tea cup bottle
table chair window door mirror lamp candle clock book letter map painting portrait sculpture statue mask
hat dress coat shoe umbrella guitar piano violin drum camera computer phone television market cafe
restaurant library museum station harbor kitchen bedroom room hallway staircase roof wall fence gate""".split()
ADJS = """red blue green yellow purple pink orange black white golden silver gray brown dark bright pale vivid
colorful misty foggy rainy sunny snowy stormy quiet busy crowded empty ancient old new modern futuristic
tiny small large huge giant tall short long round square soft hard smooth rough shiny glowing sparkling
beautiful ugly strange mysterious magical surreal realistic detailed intricate minimal abstract elegant
cozy lonely happy sad angry calm peaceful wild cute fluffy furry wooden stone glass metal paper plastic
frozen burning floating flying sleeping running dancing smiling abandoned hidden distant nearby warm
cold""".split()
STYLES = """photo photograph painting watercolor illustration drawing sketch render oil-painting poster cartoon
anime comic engraving mosaic collage print pastel charcoal etching lithograph woodcut""".split()
ARTISTS = """Monet Van-Gogh Picasso Rembrandt Vermeer Hokusai Klimt Dali Turner Cezanne Renoir Matisse Kahlo
Magritte Hopper Warhol Seurat Degas Munch Caravaggio""".split()
VERBS = """sits stands walks runs jumps flies swims sleeps reads writes paints sings plays looks waits rests
glows shines floats grows falls rises leans hides watches holds carries wears eats drinks""".split()
PREPS = "in on under above near beside behind inside across along through over at by with from".split()
PLACES = ["at dawn", "at dusk", "at night", "in the rain", "in the snow", "under the stars", "by the sea",
          "in a field", "in the city", "on a hill", "in the forest", "on the moon", "in space", "in a dream"]
EXTRAS = ["highly detailed", "4k", "8k resolution", "trending on artstation", "studio lighting",
          "cinematic lighting", "soft focus", "bokeh", "35mm film", "wide angle", "close-up", "octane render",
          "unreal engine", "golden hour", "black and white", "high contrast", "award winning", "sharp focus"]
FUNCTION = """the a an of and or but if then so as is are was were be been has have had do does did not no
yes this that these those it its they them their there here what which who when where why how all some
any each every many much more most few less very too also just only even still again already never
always""".split()
FOREIGN = ["café", "naïve", "über", "façade", "São Paulo", "Zürich", "crème brûlée", "piñata", "résumé",
           "smörgåsbord", "fiancée", "jalapeño", "Москва", "кошка", "東京", "猫", "さくら", "서울", "Αθήνα",
           "γάτα", "ﬁne", "①", "Ｔｏｋｙｏ", "½", "™", "…", "—", "“quoted”", "‘single’", "°C", "€5", "£3"]
ONSETS = ["", "b", "br", "c", "ch", "cl", "d", "dr", "f", "fl", "g", "gr", "h", "j", "k", "l", "m", "n",
          "p", "pl", "pr", "qu", "r", "s", "sh", "sk", "sl", "sp", "st", "str", "t", "th", "tr", "v", "w",
          "wh", "z"]
VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ee", "oo", "ou", "y", "ie", "oa"]
CODAS = ["", "", "n", "r", "s", "t", "l", "m", "nd", "ng", "nt", "st", "ck", "rd", "ll", "ss", "x", "ph",
         "ght"]


def _pseudo_words(rng, n):
    seen, out = set(), []
    while len(out) < n:
        w = "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                    for _ in range(rng.choice((1, 2, 2, 3, 3, 4))))
        if len(w) > 1 and w not in seen:
            seen.add(w)
            out.append(w)
    return out


def generate(n, seed, extra_nouns=(), n_pseudo=3000):
    """n seeded lines: prompt-shaped (45 %), plain word salad (30 %), runs of Zipf-weighted
    pseudo-words (25 %, they give the unigram trainer enough distinct substrings for 32k pieces);
    some upper-cased or title-cased, some with a number or a non-English word."""
    rng = random.Random(seed)
    ch = rng.choice
    nouns = NOUNS + [w for w in extra_nouns if w not in NOUNS]
    pool = _pseudo_words(rng, n_pseudo)
    cum, t = [], 0.0
    for r in range(len(pool)):
        t += 1.0 / (r + 3)
        cum.append(t)

    def phrase():
        a = ch(ADJS)
        d = ch(("an", "the", "some")) if a[0] in "aeiou" else ch(("a", "the", "one", "two", "some"))
        return f"{d} {a} {ch(nouns)}"

    lines = []
    for _ in range(n):
        k = rng.random()
        if k < 0.45:
            s = f"{ch(('a', 'the', 'an old', 'one'))} {ch(STYLES)} of {phrase()} {ch(PREPS)} {phrase()}"
            if rng.random() < 0.4:
                s += f" {ch(VERBS)} {ch(PLACES)}"
            for _ in range(ch((0, 0, 1, 2, 3))):
                s += ", " + ch(EXTRAS)
            if rng.random() < 0.25:
                s += f", in the style of {ch(ARTISTS).replace('-', ' ')}"
        elif k < 0.75:
            s = " ".join(ch(FUNCTION) if rng.random() < 0.45 else ch(nouns + ADJS + VERBS)
                         for _ in range(rng.randint(4, 16)))
            s = s[0].upper() + s[1:] + ch((".", ".", ".", "!", "?", ";", ""))
        else:
            s = " ".join(rng.choices(pool, cum_weights=cum)[0] if rng.random() < 0.7 else ch(FUNCTION)
                         for _ in range(rng.randint(3, 14)))
        r = rng.random()
        if r < 0.05:
            s = s.upper()
        elif r < 0.25:
            s = s.title()
        if rng.random() < 0.15:
            s += f" {rng.randint(0, 2025)}"
        if rng.random() < 0.03:
            s = s.replace(" ", f" {ch(FOREIGN)} ", 1)
        lines.append(s)
    return lines


def training_lines(n, seed, n_pseudo):
    paper = [line.strip() for p in PAPER_PROMPTS for line in p.read_text().splitlines() if line.strip()]
    words = sorted({w for line in paper for w in re.findall(r"[a-z]{3,}", line.lower())})
    return paper * 3 + generate(n, seed, words, n_pseudo)


def train_spm(path, vocab_size, lines, seed):
    """SentencePiece unigram with SigLIP's (T5's) settings, written to `path` (model_prefix "spiece",
    so that the bytes do not depend on where it was made)."""
    import io
    import sentencepiece as spm
    from sentencepiece import sentencepiece_model_pb2 as pb
    spm.set_random_generator_seed(seed)
    buf = io.BytesIO()
    spm.SentencePieceTrainer.train(
        sentence_iterator=iter(lines), model_writer=buf, vocab_size=vocab_size, model_type="unigram",
        normalization_rule_name="nmt_nfkc", add_dummy_prefix=True, remove_extra_whitespaces=True,
        pad_id=0, eos_id=1, unk_id=2, bos_id=-1, pad_piece="<pad>", eos_piece="</s>", unk_piece="<unk>",
        byte_fallback=False, character_coverage=0.9999, num_threads=1, shuffle_input_sentence=False,
        minloglevel=2)
    m = pb.ModelProto.FromString(buf.getvalue())
    m.trainer_spec.model_prefix = "spiece"
    Path(path).write_bytes(m.SerializeToString())


# ---------------------------------------------------------------------------------------------
# tokenizer.json: what SiglipTokenizer does, as a `tokenizers` pipeline.

PY_WHITESPACE = "".join(chr(c) for c in range(0x110000) if chr(c).isspace())   # Python's \s and strip()


def _char_class(chars):
    return "[" + "".join("\\x{%X}" % ord(c) for c in chars) + "]"


def build_fast(model_file):
    from sentencepiece import sentencepiece_model_pb2 as pb
    from tokenizers import AddedToken, Regex, Tokenizer, decoders, normalizers, pre_tokenizers, processors
    from tokenizers.models import Unigram
    m = pb.ModelProto.FromString(Path(model_file).read_bytes())
    ns, ts = m.normalizer_spec, m.trainer_spec
    tok = Tokenizer(Unigram([(p.piece, p.score) for p in m.pieces], unk_id=ts.unk_id, byte_fallback=ts.byte_fallback))
    steps = [
        normalizers.Replace("▁", " "),                                      # text.replace("▁", " ")
        normalizers.Lowercase(),                                            # do_lower_case
        normalizers.Replace(Regex(_char_class(string.punctuation)), ""),    # remove_punctuation
        normalizers.Replace(Regex(_char_class(PY_WHITESPACE) + "+"), " "),  # re.sub(r"\s+", " ")
        normalizers.Strip(left=True, right=True),                           # .strip()
        normalizers.Precompiled(ns.precompiled_charsmap),                   # nmt_nfkc
    ]
    if ns.remove_extra_whitespaces:
        steps += [normalizers.Replace(Regex(r"\A +| +\z"), ""), normalizers.Replace(Regex(" {2,}"), " ")]
    if ns.escape_whitespaces:
        steps.append(normalizers.Replace(" ", "▁"))
    if ns.add_dummy_prefix:   # SentencePiece adds its "▁" even before a "▁"; Metaspace would not
        steps.append(normalizers.Replace(Regex(r"\A▁"), "▁▁"))
    tok.normalizer = normalizers.Sequence(steps)
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.post_processor = processors.TemplateProcessing(
        single="$A </s>", pair="$A </s> $B </s>", special_tokens=[("</s>", ts.eos_id)])
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always", split=True)
    tok.add_special_tokens([AddedToken("</s>", lstrip=True, rstrip=True, normalized=False, special=True),
                            AddedToken("<unk>", lstrip=True, rstrip=True, normalized=False, special=True)])
    tok.enable_truncation(MAX_LEN)
    tok.enable_padding(length=MAX_LEN, pad_id=PAD_ID, pad_token="</s>")
    return tok


SPECIAL_TOKENS_MAP = {name: {"content": content, "lstrip": True, "normalized": False, "rstrip": True,
                             "single_word": False}
                      for name, content in (("eos_token", "</s>"), ("pad_token", "</s>"), ("unk_token", "<unk>"))}


def write_tokenizer_files(d, model_file):
    """spiece.model + tokenizer_config.json (save_pretrained), special_tokens_map.json, tokenizer.json."""
    from transformers import SiglipTokenizer
    tok = SiglipTokenizer(vocab_file=str(model_file))
    tok.save_pretrained(d)
    (Path(d) / "special_tokens_map.json").write_text(json.dumps(SPECIAL_TOKENS_MAP, indent=2) + "\n")
    build_fast(Path(d) / "spiece.model").save(str(Path(d) / "tokenizer.json"))
    return tok


def siglip_processor_config(size):
    return {"do_normalize": True, "do_rescale": True, "do_resize": True, "image_mean": [0.5, 0.5, 0.5],
            "image_processor_type": "SiglipImageProcessor", "image_std": [0.5, 0.5, 0.5],
            "processor_class": "SiglipProcessor", "resample": 3, "rescale_factor": 0.00392156862745098,
            "size": {"height": size, "width": size}}


# ---------------------------------------------------------------------------------------------
# The corpus

def fallback_corpus(seed=5):
    """A seeded stand-in for Tests/Fixtures/text/prompts.json: paper prompts, generated prompts, and
    edge cases (empty, whitespace, case, punctuation, Unicode, emoji, control characters, long)."""
    rng = random.Random(seed)
    paper = [line.strip() for p in PAPER_PROMPTS for line in p.read_text().splitlines() if line.strip()]
    edge = ["", " ", "   \t\n ", "a", "A", ".", "!!!", "a photo of a cat", "A PHOTO OF A CAT",
            "  leading and trailing  ", "multiple   spaces\tand\ttabs\nand\nnewlines", "don't stop-believing!",
            "«guillemets» „quotes“ “curly” ‘single’", "café naïve Zürich São Paulo crème brûlée",
            "東京の猫", "一只猫的照片", "고양이 사진", "фотография кошки", "φωτογραφία μιας γάτας ΟΔΟΣ",
            "صورة قطة", "תמונה של חתול", "😀", "a cat 🐱 and a dog 🐶", "👩‍👩‍👧‍👦 family", "🇫🇷 flag",
            "ﬁne ligature ½ ① ™ ℌ Ｆｕｌｌｗｉｄｔｈ", "x\u00a0y\u3000z\u2009w", "zero\u200bwidth\u200djoin",
            "ctrl\x00\x01\x07\x1b\x7fchars", "sep\x1c\x1d\x1e\x1fchars", "e\u0301 vs é", "İstanbul ß ǅ Σ",
            "the ▁ lower block", "literal </s> eos", "<unk> literal", "<pad> literal", "ends with </s>",
            "a" * 300, " ".join(["word"] * 100), "#hashtag @mention http://example.com/a_b?c=d&e=f"]
    gen = generate(900, seed, n_pseudo=500)
    long = [" ".join(w for _ in range(12) for w in rng.choice(gen).split()[:8]) for _ in range(20)]
    return paper + edge + gen + long


def load_corpus():
    if not CORPUS.exists():
        print(f"{CORPUS} missing: using the seeded stand-in corpus")
        return fallback_corpus(), "fallback_corpus() (seeded stand-in)"
    data = json.loads(CORPUS.read_text())
    items = data.get("prompts", data) if isinstance(data, dict) else data
    out = []
    for it in items:
        out.append(it if isinstance(it, str) else it.get("text", it.get("prompt")))
    assert all(isinstance(p, str) for p in out), "prompts.json: expected strings or {text: ...}"
    return out, str(CORPUS.relative_to(ROOT))


# ---------------------------------------------------------------------------------------------
# Reference ids: SiglipTokenizer as the tests expect it, and an independent re-implementation.

def hf_encode(tokenizer, prompts):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = tokenizer(prompts, padding="max_length", max_length=MAX_LEN, truncation=True)
    return enc["input_ids"], enc["attention_mask"]


class Charsmap:
    """SentencePiece's precompiled_charsmap: u32 LE n, then a darts-clone double array of n bytes
    (u32 units), then NUL-terminated replacement strings; keys are UTF-8 byte strings."""

    def __init__(self, blob):
        n = struct.unpack_from("<I", blob, 0)[0]
        self.units = struct.unpack_from(f"<{n // 4}I", blob, 4)
        self.strings = blob[4 + n:]

    def longest(self, key):
        """(replacement bytes, bytes consumed) of the longest key that is a prefix of `key`, or None."""
        units, best = self.units, None
        pos = (units[0] >> 10) << ((units[0] & 0x200) >> 6)
        for i, c in enumerate(key):
            pos ^= c
            u = units[pos]
            if u & 0x800000FF != c:
                break
            pos ^= (u >> 10) << ((u & 0x200) >> 6)
            if (u >> 8) & 1:
                off = units[pos] & 0x7FFFFFFF
                best = (self.strings[off:self.strings.index(b"\0", off)], i + 1)
        return best


def sp_normalize(text, cmap, dummy=True):
    """SentencePiece's Normalizer::Normalize with remove_extra_whitespaces and escape_whitespaces."""
    b = text.encode("utf-8")
    i, out = 0, bytearray()

    def step(i):
        hit = cmap.longest(b[i:i + 64])
        if hit:
            return hit
        n = 1 if b[i] < 0x80 else 2 if b[i] < 0xE0 else 3 if b[i] < 0xF0 else 4
        return b[i:i + n], n

    while i < len(b):                       # heading spaces
        rep, n = step(i)
        if rep != b" ":
            break
        i += n
    if i == len(b):
        return ""
    if dummy:
        out += "▁".encode()
    prev_space = True
    while i < len(b):
        rep, n = step(i)
        while prev_space and rep.startswith(b" "):
            rep = rep[1:]
        if rep:
            out += rep.replace(b" ", "▁".encode())
            prev_space = rep.endswith(b" ")
        i += n
    while out.endswith("▁".encode()):        # trailing spaces (and trailing "▁" of any origin)
        del out[-3:]
    return out.decode("utf-8")


class Viterbi:
    def __init__(self, model_file):
        from sentencepiece import sentencepiece_model_pb2 as pb
        m = pb.ModelProto.FromString(Path(model_file).read_bytes())
        self.cmap = Charsmap(m.normalizer_spec.precompiled_charsmap)
        self.pieces = {p.piece: (i, np.float32(p.score)) for i, p in enumerate(m.pieces) if p.type in (1, 4)}
        self.unk_id = m.trainer_spec.unk_id
        self.unk_score = np.float32(min(p.score for p in m.pieces if p.type == 1) - np.float32(10))
        self.max_len = max(len(p) for p in self.pieces)

    def encode(self, s):
        """Best segmentation of a normalised string; runs of unknown characters become one unk id.
        Path scores are float32 sums, as SentencePiece's (float64 sums pick another path in a
        few near-ties: 3 of 40,000 random strings with the 32k model)."""
        n = len(s)
        best = [np.float32(0)] + [np.float32(-np.inf)] * n
        back = [None] * (n + 1)
        for i in range(n):
            single = False
            for j in range(i + 1, min(n, i + self.max_len) + 1):
                hit = self.pieces.get(s[i:j])
                if hit is not None:
                    single |= j == i + 1
                    if best[i] + hit[1] > best[j]:
                        best[j], back[j] = best[i] + hit[1], (i, hit[0])
            if not single and best[i] + self.unk_score > best[i + 1]:
                best[i + 1], back[i + 1] = best[i] + self.unk_score, (i, None)
        ids, j = [], n
        while j > 0:
            i, pid = back[j]
            if pid is None and ids and ids[-1] is None:
                pass                          # merge with the unknown run that follows
            else:
                ids.append(pid)
            j = i
        return [self.unk_id if x is None else x for x in reversed(ids)]


def canonicalize(text):
    """SiglipTokenizer.canonicalize_text: lower(), drop string.punctuation, \\s+ -> " ", strip()."""
    text = text.lower().translate(str.maketrans("", "", string.punctuation))
    return re.sub(r"\s+", " ", text).strip()


def reference_ids(text, vit, simple=False):
    """SiglipTokenizer(text, padding="max_length", max_length=64, truncation=True)["input_ids"], by the
    written-out algorithm. Literal "</s>" / "<unk>" in the text are the special tokens (their
    neighbours lose adjacent whitespace); every other chunk is canonicalised and encoded as the slow
    tokenizer does: SentencePiece on "<unk>" + chunk, minus the pieces of "<unk>" (the first chunk
    starts with the "▁" that SiglipTokenizer.tokenize puts in front of the text).
    simple=True: the short form, Viterbi(sp_normalize(canonicalize(text))) + EOS, no special tokens."""
    if simple:
        ids = vit.encode(sp_normalize(canonicalize(text), vit.cmap))[:MAX_LEN - 1] + [EOS_ID]
        return ids + [PAD_ID] * (MAX_LEN - len(ids))
    text = "▁" + text.replace("▁", " ")
    chunks = re.split(r"(</s>|<unk>)", text)
    for k in range(1, len(chunks), 2):
        chunks[k - 1] = chunks[k - 1].rstrip()
        chunks[k + 1] = chunks[k + 1].lstrip()
    special = {"</s>": EOS_ID, "<unk>": UNK_ID}
    lead = len(vit.encode(sp_normalize("<unk>", vit.cmap)))
    ids, is_special = [], []
    for k, chunk in enumerate(chunks):
        if k % 2:
            ids.append(special[chunk])
            is_special.append(True)
        elif chunk:
            pieces = vit.encode(sp_normalize("<unk>" + canonicalize(chunk), vit.cmap))[lead:]
            ids += pieces
            is_special += [False] * len(pieces)
    if len(ids) > 1 and ids[0] == vit.pieces.get("▁", (-1,))[0] and is_special[1]:
        ids = ids[1:]
    ids = ids[:MAX_LEN - 1]
    if not ids or ids[-1] != EOS_ID:
        ids.append(EOS_ID)
    return ids + [PAD_ID] * (MAX_LEN - len(ids))


# ---------------------------------------------------------------------------------------------

def categories(p):
    cats = []
    if not p.strip():
        cats.append("empty-or-whitespace")
    if any(unicodedata.category(c) in ("Cc", "Cf") and c not in "\t\n\r" for c in p):
        cats.append("control-or-format")
    if any(ord(c) >= 0x1F000 or 0x2600 <= ord(c) < 0x2800 for c in p):
        cats.append("emoji")
    if any(0x3040 <= ord(c) <= 0x30FF or 0x4E00 <= ord(c) <= 0x9FFF or 0xAC00 <= ord(c) <= 0xD7AF for c in p):
        cats.append("cjk")
    if any(0x370 <= ord(c) <= 0x6FF or 0x590 <= ord(c) <= 0x5FF for c in p):
        cats.append("greek-cyrillic-hebrew-arabic")
    if any(ord(c) > 0x7F for c in p) and not cats:
        cats.append("other-non-ascii")
    if len(p) and sum(c in string.punctuation for c in p) / len(p) > 0.2:
        cats.append("punctuation-heavy")
    if re.search(r"[a-z]", p) and re.search(r"[A-Z]{2,}", p):
        cats.append("mixed-case")
    if "</s>" in p or "<unk>" in p or "▁" in p:
        cats.append("special-token-text")
    return cats


def choose(prompts, ids, mask_len, k=64):
    """k prompt indices: a few of every kind (see `categories`, plus the truncated ones), then evenly
    spread ones to fill up; never two with the same ids."""
    chosen, why, seen = [], {}, set()

    def take(i, reason):
        if i not in why and len(chosen) < k and tuple(ids[i]) not in seen:
            chosen.append(i)
            why[i] = reason
            seen.add(tuple(ids[i]))
    truncated = [i for i, m in enumerate(mask_len) if m == MAX_LEN]
    for i in truncated[:6]:
        take(i, "truncated")
    per = {}
    for i, p in enumerate(prompts):
        for c in categories(p):
            per.setdefault(c, []).append(i)
    for c in sorted(per):
        for i in per[c][:5]:
            take(i, c)
    step = max(1, len(prompts) // k)
    for start in range(step):
        for i in range(start, len(prompts), step):
            take(i, "spread")
    return sorted(chosen), why


def perturb(model, seed):
    """LayerNorm weights 1 + 0.1 N(0,1), every bias 0.05 N(0,1) (the init leaves them 1 and 0)."""
    import torch
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(0.05 * torch.randn(p.shape, generator=g))
            elif "layer_norm" in name or "layernorm" in name or "post_layernorm" in name:
                p.copy_(1 + 0.1 * torch.randn(p.shape, generator=g))


def text_embeddings(model, ids, masks=None, batch=32):
    import torch
    rows = []
    with torch.no_grad():
        for s in range(0, len(ids), batch):
            x = torch.tensor(ids[s:s + batch])
            m = None if masks is None else torch.tensor(masks[s:s + batch])
            out = model.get_text_features(input_ids=x, attention_mask=m)
            rows.append(out.pooler_output.float().numpy())
    return np.concatenate(rows).astype(np.float32)


def check_pipelines(d, prompts, ids):
    """fast (tokenizer.json) and the written-out reference vs SiglipTokenizer, on every prompt
    (the corpus, then EXTRA_PROMPTS)."""
    from tokenizers import Tokenizer
    fast = Tokenizer.from_file(str(Path(d) / "tokenizer.json"))
    fast_ids = [e.ids for e in fast.encode_batch(prompts)]
    fast_diff = [{"index": i, "prompt": p, "slow": a, "fast": b}
                 for i, (p, a, b) in enumerate(zip(prompts, ids, fast_ids)) if a != b]
    vit = Viterbi(Path(d) / "spiece.model")
    ref_diff = [i for i, (p, a) in enumerate(zip(prompts, ids)) if reference_ids(p, vit) != a]
    simple_diff = [i for i, (p, a) in enumerate(zip(prompts, ids)) if reference_ids(p, vit, simple=True) != a]
    return fast_diff, ref_diff, simple_diff


def main():
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else OUT
    if (out / "text-expected.npy").exists():
        print(f"{out}: exists, skipped")
        return
    import torch
    from transformers import AutoProcessor, SiglipConfig, SiglipModel, SiglipTokenizer
    from transformers.utils import logging as hf_logging
    hf_logging.set_verbosity_error()
    torch.set_num_threads(1)
    t0 = time.time()
    out.mkdir(parents=True, exist_ok=True)
    train_spm(out / "spiece.model", 2000, training_lines(40000, seed=1, n_pseudo=3000), seed=1)
    write_tokenizer_files(out, out / "spiece.model")
    tokenizer = SiglipTokenizer.from_pretrained(out)
    vocab = tokenizer.vocab_size

    torch.manual_seed(21)
    config = SiglipConfig(
        text_config=dict(vocab_size=vocab, hidden_size=16, intermediate_size=32, num_hidden_layers=2,
                         num_attention_heads=2, max_position_embeddings=MAX_LEN),
        vision_config=dict(image_size=32, patch_size=16, hidden_size=16, num_hidden_layers=1,
                           num_attention_heads=2, intermediate_size=32))
    model = SiglipModel(config).eval()
    perturb(model, 21)
    model.save_pretrained(out)
    (out / "preprocessor_config.json").write_text(json.dumps(siglip_processor_config(32), indent=1) + "\n")

    prompts, source = load_corpus()
    processor = AutoProcessor.from_pretrained(out)
    assert type(processor.tokenizer).__name__ == "SiglipTokenizer", type(processor.tokenizer)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        enc = processor(text=prompts, padding="max_length", max_length=MAX_LEN, truncation=True)
    ids, masks = enc["input_ids"], enc["attention_mask"]
    assert (ids, masks) == tuple(hf_encode(tokenizer, prompts))
    extra_ids, extra_masks = hf_encode(tokenizer, EXTRA_PROMPTS)
    (out / "siglip-tokens.json").write_text(json.dumps({
        "source": source, "corpus_sha256": hashlib.sha256(json.dumps(prompts, ensure_ascii=False).encode()).hexdigest(),
        "max_length": MAX_LEN, "pad_id": PAD_ID, "eos_id": EOS_ID, "unk_id": UNK_ID,
        "how": 'processor(text=p, padding="max_length", max_length=64, truncation=True)["input_ids"] '
               "(SiglipProcessor + SiglipTokenizer, transformers " + __import__("transformers").__version__
               + "); mask_len = sum(attention_mask): tokens + EOS, the rest is padding",
        "ids": ids, "mask_len": [sum(m) for m in masks],
        "extra": {"prompts": EXTRA_PROMPTS, "ids": extra_ids, "mask_len": [sum(m) for m in extra_masks]}},
        separators=(",", ":"), ensure_ascii=False) + "\n")

    fast_diff, ref_diff, simple_diff = check_pipelines(out, prompts + EXTRA_PROMPTS, ids + extra_ids)
    (out / "fast-vs-slow.json").write_text(json.dumps({
        "how": "tokenizers.Tokenizer.from_file(tokenizer.json).encode(p).ids vs siglip-tokens.json ids "
               "(index >= len(corpus): extra prompts); short_form_differs: prompts where "
               "Viterbi(sp_normalize(canonicalize(p))) + EOS (no special-token splitting) differs",
        "prompts": len(prompts), "differ": len(fast_diff), "cases": fast_diff,
        "short_form_differs": [{"index": i, "prompt": (prompts + EXTRA_PROMPTS)[i]} for i in simple_diff]},
        ensure_ascii=False, separators=(",", ":")) + "\n")
    assert not ref_diff, f"reference_ids disagrees with SiglipTokenizer on {len(ref_diff)} prompts: {ref_diff[:20]}"

    chosen, why = choose(prompts, ids, [sum(m) for m in masks])
    reloaded = SiglipModel.from_pretrained(out, dtype=torch.float32).eval()
    emb = text_embeddings(reloaded, [ids[i] for i in chosen])
    masked = text_embeddings(reloaded, [ids[i] for i in chosen], [masks[i] for i in chosen])
    n = emb / np.linalg.norm(emb, axis=1, keepdims=True)
    c = n @ n.T   # chosen rows have distinct ids
    np.save(out / "text-expected.npy", emb)
    np.save(out / "text-expected-masked.npy", masked)
    (out / "text-expected.json").write_text(json.dumps({
        "indices": chosen, "why": [why[i] for i in chosen], "shape": list(emb.shape),
        "how": "SiglipModel.from_pretrained(dir, dtype=float32).get_text_features(input_ids=ids)"
               ".pooler_output (transformers 5 returns a BaseModelOutputWithPooling; pooler_output = "
               "head(final_layer_norm(last_hidden_state)[:, -1, :]), i.e. the position-63 state, "
               "unnormalised), ids = siglip-tokens.json ids[indices], no attention mask. "
               "text-expected-masked.npy: the same with attention_mask = the tokenizer's (1 for the "
               "tokens and the EOS, 0 for padding)",
        "seed": 21, "pairwise_cosine_min_max": [float(c.min()), float(c[~np.eye(len(c), dtype=bool)].max())],
        "masked_vs_unmasked_max_abs": float(np.abs(masked - emb).max()),
    }, indent=1, ensure_ascii=False) + "\n")
    size = sum(p.stat().st_size for p in out.iterdir())
    print(f"{out}: vocab {vocab}, {len(prompts)} prompts ({source}); fast differs on {len(fast_diff)}; "
          f"embeddings {emb.shape}, pairwise cosine {c.min():.3f}..; {size / 1e6:.2f} MB; {time.time() - t0:.0f} s")


if __name__ == "__main__":
    main()
