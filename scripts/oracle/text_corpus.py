"""The prompt corpus of the CLIP tokenizer fixtures (imported by make_text_fixtures.py).

`corpus(shared)` returns the prompts, deterministic (random.Random(SEED)); `mojibake()` returns the
handful of mojibake prompts kept out of it. The corpus' sections, in this order:

  1. every line of the paper's prompts.txt, prompts_monet_sdxl.txt, prompts_monet_lora.txt (UTF-8,
     split on "\n" only; a final empty piece after a trailing newline is not a line);
  2. hand-written edge cases (Unicode, emoji, whitespace, control characters, HTML entities, literal
     special tokens, contractions, numbers, URLs, underscores, case);
  3. long prompts (200 to 2,000 characters, far over 77 tokens);
  4. seeded random mixes of fragments of all the above, until the corpus holds TOTAL prompts.

No prompt of sections 2-4 repeats an earlier one. A random mix whose ftfy.fix_text result depends on
ftfy's mojibake repair (fix_encoding) is rejected, so no prompt's result depends on it (the hand-written
C1-control prompts do reach it; it decodes them as fix_c1_controls alone would).
"""
import random
import unicodedata

SEED = 20240517
TOTAL = 1200
PAPER_FILES = ("prompts.txt", "prompts_monet_sdxl.txt", "prompts_monet_lora.txt")

NFD = lambda s: unicodedata.normalize("NFD", s)  # noqa: E731

UNICODE = [
    # accents, precomposed and decomposed (NFD), stacked and non-composable combining marks
    "café", "naïve résumé", "Crème brûlée à la carte", "São Paulo", "Ångström", "Øresund bridge",
    "Łódź", "Dvořák", "Mötley Crüe", "piñata", "façade", "El Niño", "Zoë Saldaña",
    NFD("café"), NFD("naïve résumé"), NFD("Crème brûlée"), NFD("Ångström"), NFD("Dvořák at the ÉCOLE"),
    "cafe\u0301 au lait", "A\u030angstro\u0308m", "a\u0301\u0323 stacked", "q\u0307 and x\u0323 have no precomposed form",
    "e\u0301\u0301 double acute", "\u0301 leading combining mark", "x\u0345y ypogegrammeni", "\u1fb3 \u03b1\u0345",
    "Å ohm Ω kelvin K", "ﬁ\u0301", "\u212b\u212a\u2126",
    # German, Turkish
    "Straße", "STRASSE", "Fußgängerübergänge", "\u1e9e capital sharp s", "GROẞE STRAẞE", "maße MASSE",
    "İstanbul", "ıspanak", "DİYARBAKIR", "Iğdır", "istanbul İSTANBUL Istanbul", "I\u0307 dotted",
    # Greek incl. final sigma
    "Καλημέρα κόσμε", "ΟΔΟΣ", "ὈΔΥΣΣΕΎΣ", "Σ", "ΣΑΣ ΣΑΣ", "ΌΣΟΣ.", "ΣΊΣΥΦΟΣ's rock", "ἀρχὴ ἥμισυ παντός",
    # Cyrillic
    "Привет, мир", "ЁЛКА и ёлка", "Україна", "Съешь же ещё этих мягких французских булок",
    "МОСКВА", "Ђорђе Љубљана Њујорк",
    # Arabic, Hebrew (with marks), Hindi, Thai
    "مرحبا بالعالم", "مَرْحَبًا", "٠١٢٣٤٥٦٧٨٩", "قطة على سطح", "שלום עולם", "שָׁלוֹם", "חתול בירח",
    "नमस्ते दुनिया", "हिन्दी", "१२३ बिल्ली", "สวัสดีชาวโลก", "แมว ๑๒๓", "ภาพวาดสีน้ำมัน",
    # CJK, kana (full and half width), Hangul (syllables, conjoining jamo, half width)
    "你好，世界", "一只猫在月光下", "貓咪", "水墨画 山水", "こんにちは世界", "猫がいる。", "カタカナ", "ｶﾀｶﾅ",
    "ﾊﾟﾝ ﾎﾞｰﾙ", "ﾃﾞｼﾞﾀﾙ", "안녕하세요 세계", "고양이 그림", "\u1112\u1161\u11ab\u1100\u1173\u11af",
    "ﾡﾢﾣ", "東京タワーの夜景, 4k", "漢字かなカナ混じり文",
    # full width Latin, digits, punctuation; U+3000
    "ＡＢＣ１２３", "ＬＯＵＤ\u3000ＮＯＩＳＥＳ", "！？（）［］｛｝", "ｆｕｌｌｗｉｄｔｈ ｌｏｗｅｒ", "＂ＱＵＯＴＥＤ＂",
    "Ｕﾀｰﾝ", "１，０００ ＹＥＮ ￥", "\u3000indented by an ideographic space",
    # ligatures and digraphs (ftfy table)
    "ﬁsh and ﬂowers", "ﬀ ﬃ ﬄ ﬅ ﬆ", "oﬃce", "Ĳsselmeer ĳs", "ǅemal ǈubav ǋegoš", "ǱǲǳǄǅǆǇǈǉǊǋǌ", "ŉ",
    "æsthetic Œuvre œuf", "ﬁ'S",
    # quotes, dashes, ellipsis, spaces, joiners, format characters
    "‘single’ “double”", "it’s", "don’t stop", "‛reversed‛ ‟high‟", "„German“", "ʼokina ʻokina",
    "«guillemets» ‹single›", "wait…", "em—dash", "en–dash", "horizontal―bar", "a\u00a0b non-breaking",
    "zero\u200bwidth space", "zero\u200cwidth non-joiner", "zero\u200dwidth joiner", "word\u2060joiner",
    "soft\u00adhyphen", "left\u200eto\u200fright marks", "\u202aembedded\u202c", "deprecated\u206a\u206fformat",
    "\ufeffbyte order mark", "mid\ufeffBOM", "annotation\ufff9a\ufffab\ufffb", "object\ufffcreplacement",
    "thin\u2009space", "narrow\u202fnbsp", "figure\u2007space", "em\u2003space", "ogham\u1680space",
    "line\u2028separator", "paragraph\u2029separator", "medium\u205fmath",
    # other symbols, numerals
    "¿Qué? ¡Hola!", "『括弧』【tag】", "•bullet ·middle", "™ ® ©", "→ ← ↑ ↓ ⇒", "∑∫√∞ ≠ ≤",
    "25°C", "5µm", "½ ¼ ¾", "x² y³", "①②③", "Ⅻ ⅻ", "٣ ۳", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝐛𝐨𝐥𝐝", "€20 £5 ¥100 ₹50",
]

# Code points assigned after Unicode 14 (Python 3.11's str.lower and NFC), kept out of the corpus: the two
# references disagree on them through their Unicode tables alone (regex's \p{L} is Unicode 17, tokenizers'
# Oniguruma 16, Rust's lower-casing 17), and any other implementation has tables of its own.
NEWER_UNICODE = [
    "x\ua7cb\ua7dc\u1c89y", "\U00010d50\U00010d51 garay", "\U0003d000 ext j", "x\U00016ea0y",
    "LATIN \uA7CB\uA7CC\uA7DA", "x\U0001E6C0y",
]

EMOJI = [
    "🐱", "a cat 🐱 on a mat", "🐶🐱🐭", "👍", "👍🏽", "👍🏻👍🏼👍🏽👍🏾👍🏿", "👨‍👩‍👧‍👦", "family 👨‍👩‍👧 portrait",
    "👩🏽‍🚀 astronaut", "🇫🇷🇯🇵🇺🇸", "flag 🇩🇪", "1️⃣ 2️⃣ #️⃣ *️⃣", "❤️", "❤", "☺︎ ☺️", "🏳️‍🌈", "🏴‍☠️",
    "🏴\U000e0067\U000e0062\U000e0077\U000e006c\U000e0073\U000e007f Wales", "🧑‍🎨 painting 🎨🖌️", "😀😃😄😁😆",
    "🙂🙃", "✨magic✨", "🌕🌖🌗🌘🌑", "⚡️⚡", "🔥" * 12, "emoji🐱without🐶spaces", "©️ ®️ ™️",
]

WHITESPACE = [
    "", " ", "   ", "\t", "\n", "\r\n", "\r", " \t\n\r\x0b\x0c ", "\u00a0", "\u3000", "\u2028\u2029",
    "\u200b", "\u200d", "\ufeff", "a\tb", "line1\nline2", "line1\r\nline2", "a\rb", "a\x0bb", "a\x0cb",
    "  leading spaces", "trailing spaces  ", "a     b", "\t\ttabbed\t\t", "\n\nblank lines\n\n",
    "a photo\r\nof a cat\r\n", "mixed \t\n\u00a0\u2003 whitespace",
]

CONTROL = [
    "\x00", "a\x00b", "bell\x07", "\x07\x07\x07", "\x1b[31mred\x1b[0m", "\x1b[1;32mbold green\x1b[0m text",
    "\x1b[0m", "\x1b]0;title\x07 osc", "\x1b(B charset", "esc\x1b alone", "del\x7f", "\x7f",
    "\x01\x02\x03\x04\x05\x06\x08", "\x0e\x0f\x10\x1a\x1c\x1d\x1e\x1f", "a\x1fb",
    # C1 controls: these reach ftfy's mojibake repair (fix_encoding)
    "\x85", "a\x85b", "\x9d", "x\x9dy", "\x80", "price \x80 5", "c1 \x81\x8d\x8f\x90\x9d",
    "\x91quoted\x92", "naïve \x85 text", "日本 \x85",
]

HTML = [
    "&amp;", "Tom &amp; Jerry", "&lt;b&gt;bold&lt;/b&gt;", "it&#39;s", "&quot;quoted&quot;", "a&nbsp;b",
    "&amp;amp;", "&amp;amp;amp;", "&amp;lt;b&amp;gt;", "&#x2019;", "it&#x2019;s", "&#8220;hi&#8221;",
    "&hellip; &mdash; &ndash;", "&copy; 2024", "caf&eacute;", "CAF&EACUTE;", "&Eacute;COLE", "&NTILDE; &nTILDE;",
    "BUNDESSTRA&SZLIG;E", "&notanentity;", "&amp", "&lt", "AT&T", "this&not that", "&#128512;", "&#x1F431;",
    "&#0;", "&#65;&#66;&#67;", "&#x41;", "&frac12;", "&alpha;&beta;", "&lt;|endoftext|&gt;",
    "<b>&amp;</b>", "<p>&ldquo;hi&rdquo;</p>", "x < y &amp;&amp; y > z", "<i>caf&eacute;</i>",
    "a &lt; b < c", "&ldquo;one&rdquo;\n<b>two</b> &ldquo;x&rdquo;", "<b>one</b>\n&ldquo;two&rdquo;",
    "&amp;amp;amp; <", "&#39;&#39;", "<3 &hearts;", "&nbsp;&nbsp;&nbsp;",
]

SPECIAL = [
    "<|startoftext|>", "<|endoftext|>", "a photo<|endoftext|>of a cat", "a photo <|endoftext|> of a cat",
    "<|endoftext|><|endoftext|>", "<|startoftext|>a cat<|endoftext|>", "!!<|endoftext|>", "(<|endoftext|>)",
    "<<|endoftext|>>", "x<|startoftext|>y", "<|ENDOFTEXT|>", "<|EndOfText|>", "<|STARTOFTEXT|>",
    "<|endoftext|", "<|endoftext |>", "< |endoftext|>", "<|endoftext|>!", "'<|endoftext|>'",
    "<|endoftext|>" * 80, "a " + "<|endoftext|> " * 100, "<|ſtartoftext|>", "<|endoftext|>\n<|endoftext|>",
    "<|endoftext|>&amp;", "<|pad|> <|unk|>", "</w>", "cat</w>", "<|startoftext|><|startoftext|>",
    "a <|endoftext|>\u0338 b", "<\u0338|endoftext|>", "<|endoftext|>\u0301",
]

CONTRACTIONS = [
    "it's", "IT'S", "It'S", "iT's", "we'll", "WE'LL", "We'Ll", "I'm", "I'M", "i'm", "don't", "DON'T", "Don'T",
    "they're", "THEY'RE", "we've", "WE'VE", "I'd", "YOU'D", "she'd've", "o'clock", "rock 'n' roll", "'s",
    "''s", "'tis", "y'all", "it's's", "'S'", "don''t", "it'ſ", "IT'ſ", "ITʼS", "ITʼS and it’s and it‘s",
    "the cat's toy", "THE CAT'S TOY", "James' book", "'quoted'", "the '90s", "'ll 're 've 'm 'd 't 's",
]

NUMBERS = [
    "3.14159", "1,000,000", "2024-05-17", "12:30pm", "1e-10", "-42", "+7", "0.5x", "50%", "$19.99",
    "1st 2nd 3rd 4th", "100000000000000000000", "0", "007", "3.0.1-beta", "1/2", "24fps 1080p 4K 8k",
    "v1.5", "SD2.1", "10^6", "#1", "No. 5", "a1b2c3", "x86_64", "IPv4 192.168.0.1",
]

URLS = [
    "https://example.com/path?q=1&x=2#frag", "http://www.ArtStation.com/artwork/XYZ_123",
    "www.example.org", "user@example.com", "ftp://a.b/c", "https://example.com/caf%C3%A9",
    "C:\\Users\\me\\file.png", "/usr/local/bin/python3", "https://ex.com/?a=&amp;b=&lt;c&gt;",
    "trending on artstation, https://t.co/AbC123", "file:///tmp/x.png", "@user #hashtag $TAG",
]

UNDERSCORES = [
    "a_photo_of_a_cat", "van_gogh_s_starry_night", "portrait__of___a_man", "_leading", "trailing_",
    "snake_case_and-kebab-case", "it_s_a_cat", "I_m_here", "we_ll_see", "don_t_stop", "UPPER_CASE_NAME",
    "a_cat_wearing_a_top_hat_in_the_style_of_TOK", "__init__", "___", "a_b_c_d_e_f_g",
]

CASE = [
    "A PhOtO oF a CaT", "CamelCaseWordsJoined", "iPhone", "McDonald's", "LOUD PROMPT IN CAPS",
    "a photo of a CAT", "Van Gogh", "VAN GOGH", "van gogh", "tHe StArRy NiGhT", "ABC abc Abc aBC",
]

WORDS = (
    "a an the of in on at with and by from under over cat dog horse bird fish tree flower forest mountain "
    "river ocean city street night day sunset sunrise portrait painting photo photograph render sketch "
    "watercolor oil acrylic digital art style artist impressionist monet van gogh futuristic ancient "
    "golden silver red blue green purple dark light bright soft sharp detailed highly realistic surreal "
    "cinematic lighting bokeh lens 35mm wide angle close up macro landscape still life abstract"
).split()


def paper_prompts(shared):
    out = []
    for name in PAPER_FILES:
        text = (shared / "paper" / "resources" / name).read_bytes().decode("utf-8")
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        out.extend(lines)
    return out


def long_prompts(rng):
    out = [
        "cat " * 300, "a" * 2000, "a " * 400, "supercalifragilistic" * 50, "1234567890" * 100,
        "3.14159265358979323846264338327950288419716939937510" * 5, "!" * 500, "?!" * 300, "." * 1000,
        "-" * 1000, "=" * 777, "_" * 600, "…" * 300, "🐱" * 200, "猫" * 400, "ＡＢＣ" * 100,
        "it's " * 80, "IT'S " * 80, "<|endoftext|> a " * 30, "&amp; " * 150, "ß" * 500, "İ" * 300,
        "\t" * 300 + "tabs", " " * 1500 + "x", "é" * 400, NFD("é") * 400, "ﬁ" * 300,
        "a, " * 250, "the quick brown fox jumps over the lazy dog. " * 20,
        ("an extremely detailed oil painting of a lighthouse on a cliff at sunset, dramatic clouds, "
         "crashing waves, golden hour lighting, in the style of J. M. W. Turner, trending on artstation, "
         "8k resolution, highly detailed, masterpiece, award winning, volumetric light, " * 4),
    ]
    for n in (40, 60, 90, 150, 250, 380):
        words = [rng.choice(WORDS) for _ in range(n)]
        out.append(" ".join(words))
    pool = UNICODE + EMOJI + NUMBERS + CONTRACTIONS
    for length in (200, 300, 500, 800, 1200, 1600, 2000):
        parts, size = [], 0
        while size < length:
            p = rng.choice(pool + WORDS * 3)
            parts.append(p)
            size += len(p) + 1
        out.append(" ".join(parts)[:length])
    for length in (250, 700, 1900):
        out.append("".join(rng.choice("0123456789") for _ in range(length)))
        out.append("".join(rng.choice("!@#$%^&*()[]{};:,.<>/?\\|`~-=+") for _ in range(length)))
    return [p[:2000] for p in out]


FRAGMENTS = {
    "word": WORDS,
    "unicode": [u for u in UNICODE if len(u) < 40],
    "emoji": EMOJI,
    "ws": [" ", "  ", "\t", "\n", "\r\n", "\u00a0", "\u3000", "\u2009", "\u200b", "\u200d", "\u2028"],
    "ctrl": ["\x00", "\x07", "\x1b[31m", "\x1b[0m", "\x7f", "\x0b", "\x0c", "\ufeff", "\x1f"],
    "entity": ["&amp;", "&lt;", "&gt;", "&#39;", "&quot;", "&nbsp;", "&amp;amp;", "&hellip;", "&eacute;",
               "&#x2019;", "&ldquo;", "&rdquo;", "&EACUTE;"],
    "contraction": CONTRACTIONS,
    "number": NUMBERS,
    "url": URLS,
    "special": ["<|endoftext|>", "<|startoftext|>", "<|ENDOFTEXT|>"],
    "under": UNDERSCORES,
    "lt": ["<", ">", "<b>", "</i>", "<br/>"],
    "punct": ["!", "?", "...", "…", "—", "–", ",", ";", ":", "(", ")", "\"", "'", "’", "“", "”", "*", "#",
              "~", "|", "/", "\\", "ﬁ", "ＡＢＣ", "ｶﾅ"],
}
WEIGHTS = {"word": 12, "unicode": 4, "emoji": 3, "ws": 3, "ctrl": 1, "entity": 2, "contraction": 3,
           "number": 2, "url": 1, "special": 1, "under": 1, "lt": 1, "punct": 3}
SEPARATORS = [" "] * 8 + ["", "", "\t", "\n", ", ", "-", "_", "\u00a0", "  "]


def random_case(rng, s):
    r = rng.random()
    if r < 0.55:
        return s
    if r < 0.7:
        return s.upper()
    if r < 0.8:
        return s.title()
    if r < 0.9:
        return s.swapcase()
    return "".join(c.upper() if rng.random() < 0.5 else c for c in s)


def random_mix(rng):
    cats = list(WEIGHTS)
    weights = [WEIGHTS[c] for c in cats]
    n = rng.choice([1, 2, 3, 4, 5, 6, 8, 10, 12, 16, 24, 40])
    parts = []
    for _ in range(n):
        cat = rng.choices(cats, weights)[0]
        parts.append(rng.choice(FRAGMENTS[cat]))
        parts.append(rng.choice(SEPARATORS))
    return random_case(rng, "".join(parts[:-1]))


def needs_encoding_fix(p):
    import ftfy
    return ftfy.fix_text(p) != ftfy.fix_text(p, fix_encoding=False)


def corpus(shared):
    rng = random.Random(SEED)
    prompts = paper_prompts(shared)
    seen = set(prompts)
    for section in (UNICODE, EMOJI, WHITESPACE, CONTROL, HTML, SPECIAL, CONTRACTIONS, NUMBERS, URLS,
                    UNDERSCORES, CASE, long_prompts(rng)):
        for p in section:
            if p not in seen:
                prompts.append(p)
                seen.add(p)
    while len(prompts) < TOTAL:
        p = random_mix(rng)
        if p in seen or needs_encoding_fix(p):
            continue
        prompts.append(p)
        seen.add(p)
    return prompts


# Mojibake: UTF-8 text decoded as Windows-1252 (bytes it leaves undefined as the C1 code points, as
# ftfy's "sloppy" codec does) or as Latin-1; ftfy repairs it inside clip.tokenize.
MOJIBAKE_SOURCES = [
    "café", "über alles", "São Paulo", "don’t", "“quoted”", "😀 smile", "привет", "naïve résumé",
    "æsthetic", "Fußgänger", "こんにちは", "✨ sparkles", "— dash", "日本語の文章", "Ελληνικά",
]


def windows_1252_mojibake(s):
    return "".join(chr(b) if b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else bytes([b]).decode("cp1252")
                   for b in s.encode("utf-8"))


def mojibake():
    """[(mojibake, intended text)]: each source as Windows-1252 mojibake, a few as Latin-1 mojibake,
    and two where the mojibake's U+00A0 became a plain space."""
    out = [(windows_1252_mojibake(s), s) for s in MOJIBAKE_SOURCES]
    out += [(s.encode("utf-8").decode("latin-1"), s) for s in ("café", "über", "don’t")]
    out += [("voilÃ  le travail", "voilà le travail"), ("Ã la mode", "à la mode")]
    return out
