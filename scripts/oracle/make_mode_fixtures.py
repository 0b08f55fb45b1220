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
And for the modes no JPEG, PNG or WebP opens in (PA, YCbCr, I, F), images made in code from
seeded random data (Image.frombytes), in synthetic/: NAME.npy (the raw samples: uint8 [h, w,
bands], int32 or float32 [h, w]), NAME.palette.npy for PA, synthetic.txt (name and mode per line),
synthetic-crops.npy and synthetic-tensors.npy as above, and synthetic-transformers.npy:
transformers' CLIPImageProcessor at N.
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
    synthetic(out)


def synthetic(out):
    from transformers import CLIPImageProcessor

    rng = np.random.default_rng(20241202)
    folder = os.path.join(out, "synthetic")
    os.makedirs(folder, exist_ok=True)
    made = []
    pa = rng.integers(0, 256, (47, 61, 2), dtype=np.uint8)
    im = Image.frombytes("PA", (61, 47), pa.tobytes())
    palette = rng.integers(0, 256, 768, dtype=np.uint8)
    im.putpalette(palette.tobytes())
    made.append(("pa-61x47", im, pa, palette))
    ycc = rng.integers(0, 256, (61, 47, 3), dtype=np.uint8)
    made.append(("ycbcr-47x61", Image.frombytes("YCbCr", (47, 61), ycc.tobytes()), ycc, None))
    ints = rng.integers(-300, 600, (67, 53)).astype(np.int32)
    made.append(("i-53x67", Image.frombytes("I", (53, 67), ints.astype("<i4").tobytes()), ints, None))
    floats = (rng.random((53, 67)) * 450 - 50).astype(np.float32)
    made.append(("f-67x53", Image.frombytes("F", (67, 53), floats.astype("<f4").tobytes()), floats, None))
    transform = clip.clip._transform(N)
    processor = CLIPImageProcessor(size={"shortest_edge": N}, crop_size={"height": N, "width": N}, resample=3)
    crops, tensors, hf = [], [], []
    for name, im, raw, palette in made:
        np.save(os.path.join(folder, name + ".npy"), raw)
        if palette is not None:
            np.save(os.path.join(folder, name + ".palette.npy"), palette)
        cropped = im
        for t in transform.transforms[:2]:
            cropped = t(cropped)
        crops.append(np.asarray(cropped.convert("RGB"), dtype=np.uint8))
        tensors.append(transform(im).numpy().astype(np.float32))
        hf.append(processor(images=im, return_tensors="np")["pixel_values"][0].astype(np.float32))
    with open(os.path.join(folder, "synthetic.txt"), "w") as f:
        f.write("".join(f"{name} {im.mode}\n" for name, im, _, _ in made))
    np.save(os.path.join(folder, "synthetic-crops.npy"), np.stack(crops))
    np.save(os.path.join(folder, "synthetic-tensors.npy"), np.stack(tensors))
    np.save(os.path.join(folder, "synthetic-transformers.npy"), np.stack(hf))


if __name__ == "__main__":
    main()
