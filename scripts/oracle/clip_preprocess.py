"""OpenAI CLIP image preprocessing, reimplemented without torchvision.

This is the oracle definition the Swift port must match bit for bit:

1. ``img = Image.open(path).convert("RGB")`` (RGB *before* resizing, as
   transformers does; for RGB and L sources this equals OpenAI's pipeline);
2. resize with ``Image.BICUBIC`` so the short side is ``S`` and the long side is
   ``int(S * long / short)`` (truncated);
3. centre crop ``S x S`` at ``top = int(round((h - S) / 2.0))``,
   ``left = int(round((w - S) / 2.0))``;
4. float32 exactly as torchvision's ToTensor + Normalize:
   ``x = u8 / float32(255)``, then ``(x - mean) / std`` per channel, all float32;
   layout CHW, shape ``(3, S, S)``.

Used by make_fixtures.py and full_models.py; run directly to print a tensor summary:

    .venv-oracle/bin/python scripts/oracle/clip_preprocess.py IMAGE [S]
"""
import sys

import numpy as np
from PIL import Image

MEAN = np.array([0.48145466, 0.4578275, 0.40821073], dtype=np.float32)
STD = np.array([0.26862954, 0.26130258, 0.27577711], dtype=np.float32)


def resize_size(width, height, size=224):
    """Size (w, h) after scaling the short side to ``size`` (long side truncated)."""
    if width <= height:
        return size, int(size * height / width)
    return int(size * width / height), size


def resized_rgb(img, size=224):
    """RGB-converted, short-side-resized (not yet cropped) PIL image."""
    img = img.convert("RGB")
    w, h = resize_size(img.width, img.height, size)
    return img.resize((w, h), Image.BICUBIC)


def crop_box(width, height, size=224):
    top = int(round((height - size) / 2.0))
    left = int(round((width - size) / 2.0))
    return left, top, left + size, top + size


def preprocess_image(img, size=224):
    """PIL image -> float32 array (3, size, size)."""
    img = resized_rgb(img, size)
    img = img.crop(crop_box(img.width, img.height, size))
    arr = np.asarray(img, dtype=np.uint8)  # H, W, 3
    x = arr.astype(np.float32) / np.float32(255)
    x = (x - MEAN) / STD  # broadcasts over the channel axis, stays float32
    return np.ascontiguousarray(x.transpose(2, 0, 1), dtype=np.float32)


def preprocess(path, size=224):
    """Image file -> float32 array (3, size, size)."""
    with Image.open(path) as img:
        return preprocess_image(img, size)


if __name__ == "__main__":
    t = preprocess(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 224)
    print(t.shape, t.dtype, [float(t[c].sum(dtype=np.float64)) for c in range(3)])
