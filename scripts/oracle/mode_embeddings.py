"""The paper's pipeline on every image mode, for the full-size parity test.

    .venv-oracle/bin/python scripts/oracle/mode_embeddings.py MODEL.pt OUT.npy

`model, preprocess = clip.load(MODEL.pt, device="cpu", jit=False)`, then
`model.encode_image(preprocess(Image.open(f)))` for each image of Tests/Fixtures/modes/names.txt
(files in Tests/Fixtures/decode: every mode Pillow opens JPEG, PNG and WebP in), in that order,
then the images made in code in the other modes (Tests/Fixtures/modes/synthetic: PA, YCbCr, I, F).
"""
import os
import sys
import types

sys.modules["torchvision._meta_registrations"] = types.ModuleType("torchvision._meta_registrations")

import numpy as np  # noqa: E402
import torch  # noqa: E402
from PIL import Image  # noqa: E402

import clip  # noqa: E402


def main():
    model, preprocess = clip.load(sys.argv[1], device="cpu", jit=False)
    root = os.path.join(os.path.dirname(__file__), "../../Tests/Fixtures")
    with open(os.path.join(root, "modes/names.txt")) as f:
        names = [n for n in f.read().split("\n") if n]
    images = [Image.open(os.path.join(root, "decode", n)) for n in names]
    synthetic = os.path.join(root, "modes/synthetic")
    with open(os.path.join(synthetic, "synthetic.txt")) as f:
        for line in f.read().split("\n"):
            if not line:
                continue
            name, mode = line.split(" ")
            raw = np.load(os.path.join(synthetic, name + ".npy"))
            h, w = raw.shape[:2]
            data = raw.astype("<i4").tobytes() if mode == "I" else raw.astype("<f4").tobytes() if mode == "F" else raw.tobytes()
            im = Image.frombytes(mode, (w, h), data)
            if mode == "PA":
                im.putpalette(np.load(os.path.join(synthetic, name + ".palette.npy")).tobytes())
            images.append(im)
    pixels = torch.stack([preprocess(im) for im in images])
    with torch.no_grad():
        np.save(sys.argv[2], model.encode_image(pixels).float().numpy())


if __name__ == "__main__":
    main()
