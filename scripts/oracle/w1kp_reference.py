"""W1KP as its authors compute it, on the CPU, for the parity test (W1KPParityTests).

    .venv-oracle/bin/python scripts/oracle/w1kp_reference.py MODEL_DIR VARIANT OUT.json

MODEL_DIR: a random-weight DreamSim folder that scripts/oracle/dreamsim_files.py wrote (laid out
as `dreamsim(pretrained=True, cache_dir=MODEL_DIR)` leaves it); VARIANT: its dreamsim_type.

What castorini/w1kp's ListwiseDreamSimDistanceMeasure.measure does (w1kp/model/distance.py at
commit 04b9892523bfa54412c47ccffdf4a6fec5a26941), restated here in our own words because the
`w1kp` package pins old transformers and Pillow and moves the model to CUDA:
  - every image through DreamSim's `preprocess`, the batch concatenated, DreamSim's `embed`
    (its default normalize_embeds=True: centred, unit length);
  - the full matrix of squared L2 distances (torch.cdist(p=2) squared, float32);
  - the entries above 1e-4 kept (this drops the diagonal, and any pair that close), their mean;
  - u_k: 1,000 times, a random permutation of the images, the first k of it, the minimum
    off-diagonal entry of their block of the matrix (the diagonal set to 1e7); the mean of the
    1,000 minimums. Here for every k = 2 .. n, with torch's generator seeded, and with the
    standard deviation of the 1,000 minimums so the test can bound the Monte Carlo error.
  - the calibration: query_inverted_cdf, np.interp over cdf-xy.pt's x and y; W1KP = 1 - F(mean).
The photos: the shared ones (make_fixtures.PHOTOS, sorted by name).
"""
import json
import sys
from pathlib import Path

import numpy as np
import torch
from PIL import Image

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from make_fixtures import PHOTOS, SHARED_IMAGES  # noqa: E402
from dreamsim_files import offline_hub  # noqa: E402

import dreamsim  # noqa: E402

CDF = HERE.parents[1].parent / "shared" / "calibration" / "w1kp" / "cdf-xy.pt"


def main():
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    model_dir, variant, out = Path(sys.argv[1]), sys.argv[2], Path(sys.argv[3])
    torch.set_num_threads(2)
    offline_hub(model_dir)
    model, preprocess = dreamsim.dreamsim(pretrained=True, device="cpu", cache_dir=str(model_dir), dreamsim_type=variant)
    images = []
    for photo in PHOTOS:
        with Image.open(SHARED_IMAGES / photo) as im:
            images.append(im.copy())
    with torch.no_grad():
        embeds = model.embed(torch.cat([preprocess(im) for im in images]))
        pairwise = torch.cdist(embeds, embeds, p=2).pow(2)
        kept = pairwise[torch.where(pairwise > 1e-4)]
        mean = kept.mean().item()
        torch.manual_seed(1000)
        n = len(images)
        curve = []
        for k in range(2, n + 1):
            minimums = []
            for _ in range(1000):
                idx = torch.randperm(n)[:k]
                block = pairwise[idx][:, idx]
                block.fill_diagonal_(1e7)
                minimums.append(block.min().item())
            curve.append(dict(k=k, u=float(np.mean(minimums)), sd=float(np.std(minimums, ddof=1)), samples=len(minimums)))
    x, y = torch.load(CDF, weights_only=False)
    result = dict(
        photos=PHOTOS, mean_distance=mean, kept_entries=int(kept.numel()), w1kp=float(1 - np.interp(mean, x, y)),
        distances=pairwise.double().tolist(), reusability=curve)
    out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"{variant}: mean {mean:.7f}, W1KP {result['w1kp']:.7f}, {kept.numel()} entries kept of {n * n}")


if __name__ == "__main__":
    main()
