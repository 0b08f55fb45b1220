"""clip.load's preprocess of an image in every mode Pillow opens JPEG, PNG and WebP files in.

    .venv-oracle/bin/python scripts/oracle/make_mode_fixtures.py Tests/Fixtures/modes

For each image of Tests/Fixtures/decode (1, L, LA, P with 1/2/4/8-bit palettes and transparency,
I;16, RGB, RGBA from 8- and 16-bit PNGs, CMYK and gray JPEGs, RGB and RGBA WebPs), OpenAI's own
transform, `clip.clip._transform(N)` (Resize in the image's mode, CenterCrop, convert("RGB"),
ToTensor, Normalize), with N = 40 so that both downscaling and upscaling occur. Writes:
- names.txt: the files, one per line, in the order of the arrays;
- modes.txt: Pillow's mode for each;
- crops.npy: uint8 [n, N, N, 3], the RGB crop before ToTensor (byte-exact target);
- tensors.npy: float32 [n, 3, N, N], the transform's output.
"""
import os
import sys
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")

import numpy as np  # noqa: E402
from PIL import Image  # noqa: E402

import clip  # noqa: E402

N = 40


def main():
    out = sys.argv[1]
    src = os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures/decode")
    names = sorted(n for n in os.listdir(src)
                   if n.split(".")[-1] in ("png", "jpg", "webp") and not n.startswith(("bad-", "empty", "not-", "misnamed")))
    transform = clip.clip._transform(N)
    resize_crop = transform.transforms[:2]
    crops, tensors, modes = [], [], []
    for n in names:
        im = Image.open(os.path.join(src, n))
        modes.append(im.mode)
        cropped = im
        for t in resize_crop:
            cropped = t(cropped)
        crops.append(np.asarray(cropped.convert("RGB"), dtype=np.uint8))
        tensors.append(transform(Image.open(os.path.join(src, n))).numpy().astype(np.float32))
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, "names.txt"), "w") as f:
        f.write("\n".join(names) + "\n")
    with open(os.path.join(out, "modes.txt"), "w") as f:
        f.write("\n".join(modes) + "\n")
    np.save(os.path.join(out, "crops.npy"), np.stack(crops))
    np.save(os.path.join(out, "tensors.npy"), np.stack(tensors))


if __name__ == "__main__":
    main()
