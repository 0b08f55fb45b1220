"""transformers' CLIPImageProcessor output, for `--preprocess transformers`.

    .venv-oracle/bin/python scripts/oracle/make_transformers_preprocess_fixtures.py Tests/Fixtures/transformers-preprocess

transformers 5.24's CLIPImageProcessor (the torchvision backend: convert to RGB, torch's
antialiased bicubic resize of the uint8 tensor, crop at int((h - 224) / 2), then
(x - 255·mean) / (255·std) in float32), with the settings of openai/clip-vit-base-patch32's
preprocessor_config.json:
- tensors-40.npy: [n, 3, 40, 40] for every image of Tests/Fixtures/modes/names.txt (files in
  Tests/Fixtures/decode), with size and crop 40;
- photo-NAME.npy: [3, 224, 224] for three of the shared photos (a tall one, an odd crop, a large one).
"""
import os
import sys

import numpy as np
from PIL import Image
from transformers import CLIPImageProcessor

root = os.path.join(os.path.dirname(__file__), "../..")


def processor(n):
    return CLIPImageProcessor(do_resize=True, size={"shortest_edge": n}, resample=3, do_center_crop=True,
                              crop_size={"height": n, "width": n}, do_rescale=True, rescale_factor=1 / 255,
                              do_normalize=True, do_convert_rgb=True)


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(root, "Tests/Fixtures/modes/names.txt")) as f:
        names = [n for n in f.read().split("\n") if n]
    small = processor(40)
    tensors = [small(images=Image.open(os.path.join(root, "Tests/Fixtures/decode", n)), return_tensors="np")["pixel_values"][0]
               for n in names]
    np.save(os.path.join(out, "tensors-40.npy"), np.stack(tensors).astype(np.float32))
    shared = os.path.join(root, "../shared/fixtures/images")
    full = processor(224)
    for n in ["rocket.jpg", "franz-kafka.jpg", "hubble_deep_field.jpg"]:
        t = full(images=Image.open(os.path.join(shared, n)), return_tensors="np")["pixel_values"][0]
        np.save(os.path.join(out, "photo-" + n.split(".")[0] + ".npy"), t.astype(np.float32))


if __name__ == "__main__":
    main()
