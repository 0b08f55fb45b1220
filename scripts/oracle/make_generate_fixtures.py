"""Write Tests/Fixtures/generate/pillow_jpeg.json: what Pillow writes when the paper saves an image.

The paper's generate_images.py did, for every image a model returned:

    Image.open(BytesIO(image_data)).convert('RGB').save(f'{path}/{seed}.jpg', 'JPEG')

i.e. Pillow's default JPEG settings (quality 75, 4:2:0, baseline, standard Huffman tables) and,
since Pillow 9.4, the source's JPEG comment carried over. For each shared photo and each decodable
file of Tests/Fixtures/decode, this records the sha256 and size of exactly those bytes, so that
GenerateTests/JPEGEncoderTests can check that `scs generate`'s TurboJPEG encoder writes the same
file without Python.

Rerun (the venv comes from scripts/oracle/setup-venv.sh):

    .venv-oracle/bin/python scripts/oracle/make_generate_fixtures.py

The shared folder is taken from $SCS_SHARED if set, else <repo>/../shared.
"""
import hashlib
import io
import json
import os
import warnings
from pathlib import Path

import PIL
from PIL import Image, features

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
SHARED = Path(os.environ.get("SCS_SHARED", ROOT.parent / "shared")).resolve()
SOURCES = [("shared", SHARED / "fixtures" / "images"), ("decode", ROOT / "Tests" / "Fixtures" / "decode")]
OUT = ROOT / "Tests" / "Fixtures" / "generate"


def paper_save(path: Path) -> bytes:
    """The paper's conversion and save, to bytes instead of a file."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # palette-with-transparency notices
        image = Image.open(io.BytesIO(path.read_bytes()))
        image_jpeg = image.convert("RGB")
    out = io.BytesIO()
    image_jpeg.save(out, "JPEG")
    return out.getvalue()


def main() -> None:
    images = {}
    for group, folder in SOURCES:
        for path in sorted(folder.iterdir()):
            if not path.is_file() or path.suffix.lower() not in (".jpg", ".jpeg", ".png", ".webp"):
                continue
            try:
                data = paper_save(path)
            except Exception:  # the deliberately broken fixtures
                continue
            images[f"{group}/{path.name}"] = {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    OUT.mkdir(parents=True, exist_ok=True)
    summary = {
        "pillow": PIL.__version__,
        "libjpeg_turbo": features.version("jpg"),
        "call": "Image.open(f).convert('RGB').save(out, 'JPEG')",
        "images": images,
    }
    (OUT / "pillow_jpeg.json").write_text(json.dumps(summary, indent=1, sort_keys=True) + "\n")
    print(f"wrote {OUT / 'pillow_jpeg.json'}: {len(images)} images")


if __name__ == "__main__":
    main()
