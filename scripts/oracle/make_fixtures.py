"""Regenerate every oracle fixture under Tests/Fixtures/ (deterministic, fixed seeds).

What it writes (paths relative to the repo root):

  Tests/Fixtures/decode/       small images in many PNG / JPEG / WebP encodings, files with a
                               misleading extension, and bad inputs; expected.json gives, per file,
                               Pillow's mode and the sha256 of Image.open(p).convert("RGB") as
                               row-major HWC uint8 bytes (or error: true when Pillow cannot decode
                               it); shared_expected.json the same for ../shared/fixtures/images;
                               rgb/<file>.npy the full expected RGB of the lossy files.
  Tests/Fixtures/resize/       small synthetic sources (PNG); expected.json gives the sha256 of
                               src.convert("RGB").resize((w, h), Image.BICUBIC).tobytes() for
                               many sizes of these and of the shared photos; a few <case>.npy with
                               the full expected bytes (uint8 HWC).
  Tests/Fixtures/preprocess/   expected.json: sha256 and per-channel sums of the CLIP
                               preprocessing (clip_preprocess.py) of each shared photo, S=224, 336.
  Tests/Fixtures/models/       tiny random-weight CLIP models (config.json + model.safetensors):
                               tiny-b32 (f32), tiny-b32-f16, tiny-b32-bf16 (same weights, stored
                               as float16 / bfloat16), tiny-p16-gelu, tiny-p14-336; each with expected.npy
                               (float32 (7, proj_dim) image embeddings of the shared photos in
                               sorted file-name order, computed in float32) and expected.json.

It also checks that clip_preprocess.py reproduces the shared reference tensor
../shared/fixtures/clip/franz-kafka.preprocessed.npy (max abs diff <= 1e-6).

Rerun (from any directory; the venv comes from scripts/oracle/setup-venv.sh):

    bash scripts/oracle/setup-venv.sh
    .venv-oracle/bin/python scripts/oracle/make_fixtures.py

The shared folder is taken from $SCS_SHARED if set, else <repo>/../shared.
The four output folders above are deleted and rewritten on each run.
"""
import hashlib
import json
import os
import shutil
import struct
import sys
import warnings
from pathlib import Path

import numpy as np
import png  # pypng: 2/4/16-bit and interlaced PNG writing
import torch
from PIL import Image, features

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import clip_preprocess  # noqa: E402

ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("SCS_SHARED", ROOT.parent / "shared")).resolve()
SHARED_IMAGES = SHARED / "fixtures" / "images"
KAFKA_REFERENCE = SHARED / "fixtures" / "clip" / "franz-kafka.preprocessed.npy"
OUT = ROOT / "Tests" / "Fixtures"

PHOTOS = sorted(p.name for p in SHARED_IMAGES.iterdir() if p.is_file())


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def rgb_bytes(img):
    return np.asarray(img.convert("RGB"), dtype=np.uint8).tobytes()


def write_json(path, obj):
    path.write_text(json.dumps(obj, indent=1) + "\n")


def photo(name, box=None, size=None, mode="RGB"):
    """A crop (box = left, top, right, bottom) of a shared photo, resized with LANCZOS."""
    with Image.open(SHARED_IMAGES / name) as im:
        im = im.convert(mode)
        if box:
            im = im.crop(box)
        if size:
            im = im.resize(size, Image.LANCZOS)
        return im


def alpha_ramp(w, h):
    """An alpha plane with a diagonal ramp, a fully transparent and a fully opaque block."""
    y, x = np.mgrid[0:h, 0:w]
    a = ((x + y) * 255 // max(1, (w + h - 2))).astype(np.uint8)
    a[: h // 4, : w // 4] = 0
    a[-(h // 4):, -(w // 4):] = 255
    return a


def png_ihdr(path):
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    w, h, depth, ctype, _, _, interlace = struct.unpack(">IIBBBBB", data[16:29])
    return {"bit_depth": depth, "color_type": ctype, "interlace": interlace}


def pypng_write(path, rows, width, height, **kw):
    with open(path, "wb") as f:
        png.Writer(width, height, **kw).write(f, rows)


# ----------------------------------------------------------------------------- decode

def make_decode(outdir):
    outdir.mkdir(parents=True)
    (outdir / "rgb").mkdir()
    rng = np.random.default_rng(1234)
    files = []  # (file name, description, expected PNG IHDR or None, store full rgb?)

    def add(name, desc, ihdr=None, keep_rgb=False):
        if ihdr is not None:
            got = png_ihdr(outdir / name)
            assert got == ihdr, (name, got, ihdr)
        files.append((name, desc, keep_rgb))

    rgb = photo("chelsea.png", (120, 20, 380, 200), (97, 61))
    rgb2 = photo("coffee.png", (150, 50, 450, 350), (83, 83))
    rgb3 = photo("astronaut.png", (100, 0, 400, 460), (71, 109))
    gray = photo("camera.png", (100, 40, 420, 300), (89, 73), "L")
    gray2 = photo("franz-kafka.jpg", (60, 80, 400, 560), (53, 75), "L")

    # --- PNG, 8 bit, Pillow writer
    gray.save(outdir / "png-gray8-L-89x73.png")
    add("png-gray8-L-89x73.png", "PNG 8-bit gray", {"bit_depth": 8, "color_type": 0, "interlace": 0})

    la = Image.merge("LA", (gray2, Image.fromarray(alpha_ramp(*gray2.size))))
    la.save(outdir / "png-gray8-alpha-LA-53x75.png")
    add("png-gray8-alpha-LA-53x75.png", "PNG 8-bit gray+alpha", {"bit_depth": 8, "color_type": 4, "interlace": 0})

    rgb.save(outdir / "png-rgb8-97x61.png")
    add("png-rgb8-97x61.png", "PNG 8-bit RGB", {"bit_depth": 8, "color_type": 2, "interlace": 0})

    rgba = rgb3.copy()
    rgba.putalpha(Image.fromarray(alpha_ramp(*rgb3.size)))
    rgba.save(outdir / "png-rgba8-71x109.png")
    add("png-rgba8-71x109.png", "PNG 8-bit RGBA (alpha dropped by convert)",
        {"bit_depth": 8, "color_type": 6, "interlace": 0})

    pal = rgb2.quantize(colors=256)
    pal.save(outdir / "png-palette8-83x83.png")
    add("png-palette8-83x83.png", "PNG 8-bit palette, no tRNS", {"bit_depth": 8, "color_type": 3, "interlace": 0})

    pal_t = rgb.quantize(colors=200)
    trns = bytes((i * 37) % 256 for i in range(len(pal_t.getpalette()) // 3))
    pal_t.save(outdir / "png-palette8-trns-97x61.png", transparency=trns)
    add("png-palette8-trns-97x61.png", "PNG 8-bit palette with tRNS (alpha ignored by convert)",
        {"bit_depth": 8, "color_type": 3, "interlace": 0})

    for bits, colors, src, size in ((1, 2, rgb2, "83x83"), (2, 4, rgb, "97x61"), (4, 16, rgb3, "71x109")):
        name = f"png-palette{bits}-{size}.png"
        src.quantize(colors=colors).save(outdir / name, bits=bits)
        add(name, f"PNG {bits}-bit palette ({colors} colours)",
            {"bit_depth": bits, "color_type": 3, "interlace": 0})

    # gray 1-bit (Pillow mode "1"), 2 and 4 bit via pypng (exact sample values)
    gray.point(lambda v: 255 if v > 110 else 0).convert("1", dither=Image.NONE).save(
        outdir / "png-gray1-89x73.png")
    add("png-gray1-89x73.png", "PNG 1-bit gray", {"bit_depth": 1, "color_type": 0, "interlace": 0})
    g = np.asarray(gray2)
    for bits in (2, 4):
        name = f"png-gray{bits}-53x75.png"
        q = (g.astype(np.uint32) >> (8 - bits)).astype(np.uint8)
        pypng_write(outdir / name, q.tolist(), q.shape[1], q.shape[0], greyscale=True, bitdepth=bits)
        add(name, f"PNG {bits}-bit gray", {"bit_depth": bits, "color_type": 0, "interlace": 0})

    # --- PNG, 16 bit (pypng). Samples = 8-bit photo * 257 plus noise so low bytes vary.
    def to16(a8):
        a = a8.astype(np.int64) * 257 + rng.integers(-128, 128, size=a8.shape)
        return np.clip(a, 0, 65535).astype(np.uint16)

    g16 = to16(np.asarray(gray))
    g16[0, :] = np.linspace(0, 65535, g16.shape[1]).astype(np.uint16)  # first row spans the range
    g16[1, :8] = [0, 1, 254, 255, 256, 257, 32768, 65535]
    assert (g16 > 255).mean() > 0.5 and g16.min() == 0 and g16.max() == 65535
    pypng_write(outdir / "png-gray16-89x73.png", g16.tolist(), 89, 73, greyscale=True, bitdepth=16)
    add("png-gray16-89x73.png", "PNG 16-bit gray spanning 0..65535 (Pillow opens as I;16)",
        {"bit_depth": 16, "color_type": 0, "interlace": 0}, keep_rgb=True)

    la16 = np.dstack([to16(g), alpha_ramp(53, 75).astype(np.uint16) * 257])
    pypng_write(outdir / "png-gray16-alpha-53x75.png", la16.reshape(75, -1).tolist(), 53, 75,
                greyscale=True, alpha=True, bitdepth=16)
    add("png-gray16-alpha-53x75.png", "PNG 16-bit gray+alpha",
        {"bit_depth": 16, "color_type": 4, "interlace": 0}, keep_rgb=True)

    rgb16 = to16(np.asarray(rgb))
    pypng_write(outdir / "png-rgb16-97x61.png", rgb16.reshape(61, -1).tolist(), 97, 61,
                greyscale=False, bitdepth=16)
    add("png-rgb16-97x61.png", "PNG 16-bit RGB", {"bit_depth": 16, "color_type": 2, "interlace": 0},
        keep_rgb=True)

    rgba16 = np.dstack([to16(np.asarray(rgb3)), alpha_ramp(71, 109).astype(np.uint16) * 257])
    pypng_write(outdir / "png-rgba16-71x109.png", rgba16.reshape(109, -1).tolist(), 71, 109,
                greyscale=False, alpha=True, bitdepth=16)
    add("png-rgba16-71x109.png", "PNG 16-bit RGBA", {"bit_depth": 16, "color_type": 6, "interlace": 0},
        keep_rgb=True)

    # --- PNG, Adam7 interlaced (pypng)
    a = np.asarray(rgb)
    pypng_write(outdir / "png-rgb8-adam7-97x61.png", a.reshape(61, -1).tolist(), 97, 61,
                greyscale=False, bitdepth=8, interlace=True)
    add("png-rgb8-adam7-97x61.png", "PNG 8-bit RGB, Adam7 interlaced",
        {"bit_depth": 8, "color_type": 2, "interlace": 1})
    q = (g.astype(np.uint32) >> 6).astype(np.uint8)
    pypng_write(outdir / "png-gray2-adam7-53x75.png", q.tolist(), 53, 75, greyscale=True, bitdepth=2,
                interlace=True)
    add("png-gray2-adam7-53x75.png", "PNG 2-bit gray, Adam7 interlaced",
        {"bit_depth": 2, "color_type": 0, "interlace": 1})
    pypng_write(outdir / "png-rgba16-adam7-71x109.png", rgba16.reshape(109, -1).tolist(), 71, 109,
                greyscale=False, alpha=True, bitdepth=16, interlace=True)
    add("png-rgba16-adam7-71x109.png", "PNG 16-bit RGBA, Adam7 interlaced",
        {"bit_depth": 16, "color_type": 6, "interlace": 1})
    # tiny odd sizes: Adam7 passes that are empty
    tiny = np.asarray(photo("rocket.jpg", (200, 100, 203, 102)))
    pypng_write(outdir / "png-rgb8-adam7-3x2.png", tiny.reshape(2, -1).tolist(), 3, 2,
                greyscale=False, bitdepth=8, interlace=True)
    add("png-rgb8-adam7-3x2.png", "PNG 8-bit RGB 3x2, Adam7 with empty passes",
        {"bit_depth": 8, "color_type": 2, "interlace": 1})

    # --- JPEG (Pillow / libjpeg-turbo)
    jpeg_rgb = photo("rocket.jpg", (250, 60, 450, 360), (77, 115))
    jpeg_rgb2 = photo("hubble_deep_field.jpg", (300, 200, 700, 500), (101, 67))
    jpegs = [
        ("jpeg-baseline-420-77x115.jpg", jpeg_rgb, {}, "JPEG baseline 4:2:0, quality 75"),
        ("jpeg-baseline-422-77x115.jpg", jpeg_rgb, {"subsampling": "4:2:2"}, "JPEG baseline 4:2:2"),
        ("jpeg-baseline-444-77x115.jpg", jpeg_rgb, {"subsampling": "4:4:4"}, "JPEG baseline 4:4:4"),
        ("jpeg-progressive-420-101x67.jpg", jpeg_rgb2, {"progressive": True}, "JPEG progressive 4:2:0"),
        ("jpeg-q95-optimized-444-101x67.jpg", jpeg_rgb2, {"quality": 95, "optimize": True,
                                                          "subsampling": "4:4:4"},
         "JPEG quality 95, optimised Huffman tables, 4:4:4"),
        ("jpeg-restart-420-101x67.jpg", jpeg_rgb2, {"restart_marker_blocks": 3},
         "JPEG baseline 4:2:0 with restart markers every 3 MCUs"),
        ("jpeg-gray-89x73.jpg", gray, {}, "JPEG grayscale"),
        ("jpeg-gray-progressive-53x75.jpg", gray2, {"progressive": True}, "JPEG grayscale progressive"),
    ]
    for name, im, kw, desc in jpegs:
        im.save(outdir / name, "JPEG", **kw)
        add(name, desc, keep_rgb=True)

    # CMYK with a real K channel (Pillow's RGB->CMYK would leave K = 0): K = 255 - max(R,G,B)
    c = np.asarray(jpeg_rgb2).astype(np.int32)
    k = 255 - c.max(axis=2)
    denom = np.maximum(255 - k, 1)
    cmy = ((255 - k)[..., None] - c) * 255 // denom[..., None]
    cmyk = Image.fromarray(np.dstack([cmy, k]).astype(np.uint8), "CMYK")
    cmyk.save(outdir / "jpeg-cmyk-adobe-101x67.jpg", "JPEG")
    add("jpeg-cmyk-adobe-101x67.jpg", "JPEG CMYK (Adobe APP14, inverted CMYK as Pillow writes it)",
        keep_rgb=True)

    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation: rotate 90 CW to display; Pillow's open/convert ignores it
    jpeg_rgb.save(outdir / "jpeg-exif-orientation6-77x115.jpg", "JPEG", exif=exif.tobytes())
    add("jpeg-exif-orientation6-77x115.jpg", "JPEG with EXIF Orientation=6 (must be ignored)",
        keep_rgb=True)

    # --- WebP
    wsrc = photo("coffee.png", (100, 80, 500, 360), (117, 81))
    wsrc_a = wsrc.copy()
    wsrc_a.putalpha(Image.fromarray(alpha_ramp(117, 81)))
    for name, im, kw, desc, keep in (
        ("webp-lossy-117x81.webp", wsrc, {"quality": 80}, "WebP lossy (VP8)", True),
        ("webp-lossless-117x81.webp", wsrc, {"lossless": True}, "WebP lossless (VP8L)", False),
        ("webp-lossy-alpha-117x81.webp", wsrc_a, {"quality": 80}, "WebP lossy with alpha (VP8X+ALPH)", True),
        ("webp-lossless-alpha-117x81.webp", wsrc_a, {"lossless": True}, "WebP lossless with alpha", False),
    ):
        im.save(outdir / name, "WEBP", method=4, **kw)
        add(name, desc, keep_rgb=keep)

    # --- misleading extensions: the format must be sniffed from the content
    shutil.copy(outdir / "png-rgb8-97x61.png", outdir / "misnamed-png-really-97x61.jpg")
    add("misnamed-png-really-97x61.jpg", "PNG named .jpg")
    shutil.copy(outdir / "jpeg-baseline-420-77x115.jpg", outdir / "misnamed-jpeg-really-77x115.png")
    add("misnamed-jpeg-really-77x115.png", "JPEG named .png")
    shutil.copy(outdir / "webp-lossless-117x81.webp", outdir / "misnamed-webp-really-117x81.jpg")
    add("misnamed-webp-really-117x81.jpg", "WebP named .jpg")

    # --- bad inputs
    data = (outdir / "jpeg-baseline-420-77x115.jpg").read_bytes()
    (outdir / "bad-truncated-60pct.jpg").write_bytes(data[: int(len(data) * 0.6)])
    add("bad-truncated-60pct.jpg", "JPEG cut to 60% of its bytes")
    data = (outdir / "png-rgb8-97x61.png").read_bytes()
    (outdir / "bad-truncated-60pct.png").write_bytes(data[: int(len(data) * 0.6)])
    add("bad-truncated-60pct.png", "PNG cut to 60% of its bytes")
    (outdir / "not-an-image.png").write_text("This is a text file, not a PNG.\n")
    add("not-an-image.png", "text file named .png")
    (outdir / "empty.jpg").write_bytes(b"")
    add("empty.jpg", "empty file")

    expected = [describe(outdir / name, desc, keep and (outdir / "rgb")) for name, desc, keep in files]
    write_json(outdir / "expected.json", expected)
    errors = [e for e in expected if e.get("error")]
    assert [e["file"] for e in errors] == [n for n, _, _ in files if n.startswith(("bad-", "not-", "empty"))]

    shared = [describe(SHARED_IMAGES / name, None, None) for name in PHOTOS]
    write_json(outdir / "shared_expected.json", {"shared": shared})
    return expected


def describe(path, desc, rgb_dir):
    entry = {"file": path.name}
    try:
        with Image.open(path) as im:
            im.load()
            arr = np.asarray(im.convert("RGB"), dtype=np.uint8)
            entry.update(width=im.width, height=im.height, pil_mode=im.mode, pil_format=im.format,
                         rgb_sha256=sha256(arr.tobytes()))
    except Exception as e:  # noqa: BLE001 - any Pillow failure is an expected decode error
        entry.update(error=True, pil_error=str(e).replace(str(path), path.name))
    if desc:
        entry["description"] = desc
    if rgb_dir and not entry.get("error"):
        np.save(rgb_dir / (path.name + ".npy"), arr)
        entry["rgb_npy"] = "rgb/" + path.name + ".npy"
    return entry


# ----------------------------------------------------------------------------- resize

def make_resize(outdir):
    outdir.mkdir(parents=True)
    rng = np.random.default_rng(42)
    sources = {}

    sources["noise-37x23.png"] = Image.fromarray(rng.integers(0, 256, (23, 37, 3), dtype=np.uint8))
    y = np.linspace(0, 1, 300)[:, None]
    x = np.arange(5)[None, :] / 4
    strip = np.dstack([255 * y * np.ones_like(x), 255 * (1 - y) * (0.5 + 0.5 * x), 128 + 127 * np.sin(20 * y + x)])
    sources["gradient-5x300.png"] = Image.fromarray(np.round(strip).astype(np.uint8))
    sources["gradient-300x5.png"] = Image.fromarray(np.round(strip.transpose(1, 0, 2)[:, ::-1]).astype(np.uint8))
    sources["pixel-1x1.png"] = Image.fromarray(np.array([[[200, 17, 90]]], dtype=np.uint8))
    sources["checker-2x2.png"] = Image.fromarray(
        np.array([[[255, 255, 255], [0, 0, 0]], [[0, 0, 0], [255, 0, 128]]], dtype=np.uint8))
    # hard edges and saturated colours: bicubic overshoot must clip to 0..255
    e = np.zeros((48, 64, 3), dtype=np.uint8)
    e[:, 16:32] = 255
    e[10:20, :, 0] = 255
    e[30:31, :, 1] = 255
    e[::7, ::5, 2] = 255
    sources["edges-64x48.png"] = Image.fromarray(e)

    for name, im in sources.items():
        im.save(outdir / name)
        with Image.open(outdir / name) as check:
            assert rgb_bytes(check) == rgb_bytes(im)

    extreme = [(1, 300), (300, 1), (997, 3), (3, 997), (1, 1)]

    def small_sizes(w, h):
        s = [(w, h), (1, h), (w, 1), (2 * w, 2 * h), (3 * w + 1, 2 * h + 3), (max(1, w // 2), max(1, h // 2)),
             (max(1, w * 7 // 10), max(1, h * 13 // 10)), (13, 7), (7, 13), (64, 64), (224, 224),
             (2 * w, max(1, h // 3)), (w + 1, h), (w, h + 1), (5 * w, 5 * h), (max(1, w - 1), max(1, h - 1)),
             (101, 3), (2, 2), (3, 3)]
        return s + extreme

    def photo_sizes(w, h):
        s = [(w, h), clip_preprocess.resize_size(w, h, 224), clip_preprocess.resize_size(w, h, 336),
             (224, 224), (w // 2, h // 2), (w // 3, h // 3), (w // 7 + 1, h // 5 + 1), (113, 77), (77, 113),
             (w + 1, h - 1), (w * 3 // 4 + 1, h * 2 // 3), (2 * w + 1, 2 * h - 1), (w * 5 // 4, h * 9 // 8),
             (16, 16), (2, 3)]
        return s + extreme

    # cases whose full expected bytes are also stored as .npy
    full = {("noise-37x23.png", 17, 11), ("noise-37x23.png", 80, 50), ("gradient-5x300.png", 3, 97),
            ("checker-2x2.png", 7, 5), ("edges-64x48.png", 101, 3), ("gradient-300x5.png", 1, 1)}

    cases = []
    all_sources = [(n, im, False) for n, im in sources.items()]
    for n in PHOTOS:
        with Image.open(SHARED_IMAGES / n) as im:
            all_sources.append((n, im.convert("RGB"), True))
    for name, src, shared in all_sources:
        sizes = (photo_sizes if shared else small_sizes)(*src.size)
        sizes += sorted((w, h) for n, w, h in full if n == name)
        seen = set()
        for w, h in sizes:
            if (w, h) in seen:
                continue
            seen.add((w, h))
            out = src.convert("RGB").resize((w, h), Image.BICUBIC)
            cases.append({"source": name, "shared": shared, "source_width": src.width,
                          "source_height": src.height, "width": w, "height": h,
                          "sha256": sha256(out.tobytes())})

    for (src_name, w, h) in sorted(full):
        src = sources[src_name]
        arr = np.asarray(src.resize((w, h), Image.BICUBIC), dtype=np.uint8)
        npy = f"{Path(src_name).stem}-to-{w}x{h}.npy"
        np.save(outdir / npy, arr)
        case = next(c for c in cases if (c["source"], c["width"], c["height"]) == (src_name, w, h))
        assert case["sha256"] == sha256(arr.tobytes())
        case["npy"] = npy
    assert 150 <= len(cases) <= 300, len(cases)
    write_json(outdir / "expected.json", cases)
    return cases


# ----------------------------------------------------------------------------- preprocess

def check_kafka():
    ref = np.load(KAFKA_REFERENCE)
    ours = clip_preprocess.preprocess(SHARED_IMAGES / "franz-kafka.jpg", 224)
    assert ref.shape == (1,) + ours.shape and ref.dtype == np.float32, ref.shape
    diff = float(np.abs(ref[0].astype(np.float64) - ours).max())
    print(f"franz-kafka.jpg vs shared reference tensor: max abs diff = {diff:.3g}")
    assert diff <= 1e-6, diff
    return diff


def make_preprocess(outdir):
    outdir.mkdir(parents=True)
    entries = []
    for name in PHOTOS:
        with Image.open(SHARED_IMAGES / name) as im:
            w0, h0 = im.size
            for s in (224, 336):
                t = clip_preprocess.preprocess_image(im, s)
                rw, rh = clip_preprocess.resize_size(w0, h0, s)
                entries.append({
                    "image": name, "size": s, "shape": list(t.shape),
                    "resized_width": rw, "resized_height": rh,
                    "crop_box": list(clip_preprocess.crop_box(rw, rh, s)),
                    "sha256": sha256(t.astype("<f4").tobytes()),
                    "channel_sums": [float(t[c].sum(dtype=np.float64)) for c in range(3)],
                    "first_values": [float(v) for v in t[:, 0, 0]],
                })
    write_json(outdir / "expected.json", {
        "definition": "scripts/oracle/clip_preprocess.py; sha256 of float32 little-endian CHW bytes",
        "mean": [float(v) for v in clip_preprocess.MEAN], "std": [float(v) for v in clip_preprocess.STD],
        "cases": entries})
    return entries


# ----------------------------------------------------------------------------- models

TINY_TEXT = dict(vocab_size=100, hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                 intermediate_size=32, max_position_embeddings=77, bos_token_id=98, eos_token_id=99,
                 pad_token_id=1)


def build_model(vision, projection_dim, seed, text=None, scale=2.5):
    """Random-weight CLIPModel, every 2-D weight multiplied by `scale`; float32, eval mode."""
    from transformers import CLIPConfig, CLIPModel

    vision = dict(vision)
    text = dict(text or {})
    if projection_dim is not None:
        vision["projection_dim"] = projection_dim
        text["projection_dim"] = projection_dim
        config = CLIPConfig(text_config=text, vision_config=vision, projection_dim=projection_dim)
    else:
        config = CLIPConfig(text_config=text or None, vision_config=vision)
    torch.manual_seed(seed)
    model = CLIPModel(config).float().eval()
    with torch.no_grad():
        for p in model.parameters():
            if p.ndim == 2:
                p.mul_(scale)
    return model


def pixel_batch(size=224):
    return torch.from_numpy(np.stack([clip_preprocess.preprocess(SHARED_IMAGES / n, size) for n in PHOTOS]))


def image_features(model, x):
    with torch.no_grad():
        out = model.float().get_image_features(pixel_values=x.float())
    out = getattr(out, "pooler_output", out)
    return out.detach().cpu().numpy().astype(np.float32)


def save_model(model, outdir, x, description, dtype=None):
    """save_pretrained (optionally in f16/bf16), reload as float32, write expected.npy/.json."""
    from transformers import CLIPModel

    stored = model if dtype is None else model.to(dtype)
    stored.save_pretrained(outdir)
    model.float()
    reloaded = CLIPModel.from_pretrained(outdir, dtype=torch.float32).eval()
    emb = image_features(reloaded, x)
    if dtype is None:
        assert np.array_equal(emb, image_features(model, x))
    else:  # the in-memory model upcast back to float32 gives exactly the same numbers
        again = image_features(model.to(dtype).float(), x)
        assert np.array_equal(emb, again)
    np.save(outdir / "expected.npy", emb)
    cos = cosines(emb)
    vc = reloaded.config.vision_config
    write_json(outdir / "expected.json", {
        "images": PHOTOS,
        "model": description,
        "stored_dtype": str(dtype or torch.float32).replace("torch.", ""),
        "vision": {"hidden_size": vc.hidden_size, "intermediate_size": vc.intermediate_size,
                   "num_hidden_layers": vc.num_hidden_layers, "num_attention_heads": vc.num_attention_heads,
                   "patch_size": vc.patch_size, "image_size": vc.image_size, "hidden_act": vc.hidden_act,
                   "layer_norm_eps": vc.layer_norm_eps},
        "projection_dim": reloaded.config.projection_dim,
        "expected": "float32 (N, projection_dim) = get_image_features(pixel_values) in float32, "
                    "pixel_values = clip_preprocess.preprocess of each image (S=224)",
        "pairwise_cosine_min_max": [float(cos.min()), float(cos.max())],
    })
    return emb


def cosines(emb):
    e = emb.astype(np.float64)
    e /= np.linalg.norm(e, axis=1, keepdims=True)
    c = e @ e.T
    return c[np.triu_indices(len(e), 1)]


def make_models(outdir):
    outdir.mkdir(parents=True)
    x = pixel_batch(224)
    results = {}
    b32 = dict(hidden_size=64, intermediate_size=256, num_hidden_layers=2, num_attention_heads=4,
               patch_size=32, image_size=224, hidden_act="quick_gelu", layer_norm_eps=1e-5)
    desc = "tiny random CLIP, ViT patch 32, hidden 64, 2 layers, 4 heads, quick_gelu, seed 0, 2-D weights x2.5"
    model = build_model(b32, 32, seed=0, text=TINY_TEXT)
    results["tiny-b32"] = save_model(model, outdir / "tiny-b32", x, desc)
    results["tiny-b32-f16"] = save_model(model, outdir / "tiny-b32-f16", x, desc + ", stored float16",
                                         torch.float16)
    model = build_model(b32, 32, seed=0, text=TINY_TEXT)  # rebuilt: .to(f16) rounded it in place
    results["tiny-b32-bf16"] = save_model(model, outdir / "tiny-b32-bf16", x, desc + ", stored bfloat16",
                                          torch.bfloat16)

    p16 = dict(hidden_size=48, intermediate_size=96, num_hidden_layers=3, num_attention_heads=3,
               patch_size=16, image_size=224, hidden_act="gelu", layer_norm_eps=1e-5)
    model = build_model(p16, 24, seed=1, text=TINY_TEXT)
    results["tiny-p16-gelu"] = save_model(
        model, outdir / "tiny-p16-gelu", x,
        "tiny random CLIP, ViT patch 16, hidden 48, 3 layers, 3 heads, gelu, seed 1, 2-D weights x2.5")
    # The L/14-336 shape in miniature: patch 14 on a 336 image (577 tokens), so the input size
    # comes from config.json, not from a constant.
    p14 = dict(hidden_size=32, intermediate_size=64, num_hidden_layers=1, num_attention_heads=2,
               patch_size=14, image_size=336, hidden_act="quick_gelu", layer_norm_eps=1e-5)
    model = build_model(p14, 16, seed=2, text=TINY_TEXT)
    results["tiny-p14-336"] = save_model(
        model, outdir / "tiny-p14-336", pixel_batch(336),
        "tiny random CLIP, ViT patch 14 at 336 px (L/14-336's geometry), hidden 32, 1 layer, 2 heads, "
        "quick_gelu, seed 2, 2-D weights x2.5")
    for name, emb in results.items():
        c = cosines(emb)
        print(f"  {name}: embeddings {emb.shape}, pairwise cosine {c.min():.3f} .. {c.max():.3f}")
    return results


# ----------------------------------------------------------------------------- main

def main():
    warnings.filterwarnings("ignore", message="Palette images with Transparency")
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    torch.set_num_threads(min(2, os.cpu_count() or 1))
    print(f"Pillow {Image.__version__} (libjpeg-turbo {features.version('libjpeg_turbo')}, "
          f"libwebp {features.version('webp')}, zlib {features.version('zlib')}), torch {torch.__version__}")
    assert PHOTOS, f"no shared photos in {SHARED_IMAGES}"
    check_kafka()
    for sub in ("decode", "resize", "preprocess", "models"):
        shutil.rmtree(OUT / sub, ignore_errors=True)
    decode = make_decode(OUT / "decode")
    print(f"decode: {len(decode)} files ({sum(1 for d in decode if d.get('error'))} bad)")
    resize = make_resize(OUT / "resize")
    print(f"resize: {len(resize)} cases")
    pre = make_preprocess(OUT / "preprocess")
    print(f"preprocess: {len(pre)} cases")
    make_models(OUT / "models")

    total = 0
    print("\nfiles written:")
    for p in sorted(OUT.rglob("*")):
        if p.is_file():
            size = p.stat().st_size
            total += size
            print(f"  {size:>9}  {p.relative_to(ROOT)}")
            if size > 1024 * 1024 * 1.25:
                print(f"  WARNING: {p.relative_to(ROOT)} is over 1.25 MiB")
    print(f"total: {total} bytes ({total / 1048576:.2f} MiB)")


if __name__ == "__main__":
    main()
