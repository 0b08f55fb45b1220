"""Write N distinct 768x768 JPEG benchmark images made from the shared photos.

    .venv-oracle/bin/python scripts/bench/make_images.py OUTDIR N

Image i (00000.jpg, 00001.jpg, ...) is shared photo i mod 7 (sorted file-name order, from
$SCS_SHARED/fixtures/images, default <repo>/../shared/fixtures/images) after a random crop
(30-100 % of the area, aspect 3:4..4:3), a random horizontal flip and a random colour jitter
(brightness, contrast, saturation 0.7..1.3), resized to 768x768 with BICUBIC and saved by PIL
with its default JPEG settings (quality 75), like the paper's <seed>.jpg images. Every image has
its own fixed seed (i), so the set is reproducible and does not depend on N. Idempotent: existing
files are kept (written via a temporary file, so a complete name means a complete image).
"""
import os
import random
import sys
from pathlib import Path

from PIL import Image, ImageEnhance

ROOT = Path(__file__).resolve().parent.parent.parent
SHARED = Path(os.environ.get("SCS_SHARED", ROOT.parent / "shared")).resolve()
PHOTOS_DIR = SHARED / "fixtures" / "images"
SIZE = 768


def make(photo, rng):
    w, h = photo.size
    for _ in range(20):
        area = rng.uniform(0.3, 1.0) * w * h
        aspect = rng.uniform(3 / 4, 4 / 3)
        cw, ch = round((area * aspect) ** 0.5), round((area / aspect) ** 0.5)
        if cw <= w and ch <= h:
            break
    else:
        cw = ch = min(w, h)
    left, top = rng.randint(0, w - cw), rng.randint(0, h - ch)
    img = photo.crop((left, top, left + cw, top + ch)).resize((SIZE, SIZE), Image.BICUBIC)
    if rng.random() < 0.5:
        img = img.transpose(Image.FLIP_LEFT_RIGHT)
    for enhance in (ImageEnhance.Brightness, ImageEnhance.Contrast, ImageEnhance.Color):
        img = enhance(img).enhance(rng.uniform(0.7, 1.3))
    return img


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    out, n = Path(sys.argv[1]), int(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    names = sorted(p.name for p in PHOTOS_DIR.iterdir() if p.is_file())
    if not names:
        sys.exit(f"make_images: no photos in {PHOTOS_DIR}")
    photos = {}
    written = 0
    for i in range(n):
        path = out / f"{i:05d}.jpg"
        if path.exists():
            continue
        name = names[i % len(names)]
        if name not in photos:
            with Image.open(PHOTOS_DIR / name) as im:
                photos[name] = im.convert("RGB")
        img = make(photos[name], random.Random(i))
        tmp = path.with_name(path.name + ".tmp")
        img.save(tmp, "JPEG")
        os.replace(tmp, path)
        written += 1
    print(f"make_images: {n} images in {out} ({written} written, {n - written} already there)")


if __name__ == "__main__":
    main()
