"""Images in memory as files scs can read: lossless PNG, so the embedding is that of the pixels."""
from __future__ import annotations

import os
import struct
import zlib
from typing import Any, List

from ._errors import SCSError

__all__ = ["png_bytes", "is_pil_image", "is_array", "write_image"]

# PNG colour types by channel count: gray, gray + alpha, RGB, RGBA.
_COLOR_TYPES = {1: 0, 2: 4, 3: 2, 4: 6}


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data) & 0xFFFFFFFF)


def png_bytes(array: Any) -> bytes:
    """An 8-bit PNG of a uint8 array: H×W (gray), H×W×1, H×W×2 (gray + alpha), H×W×3 (RGB) or
    H×W×4 (RGBA). The standard library alone (zlib); no filter, so the bytes depend only on the
    pixels."""
    dtype = str(getattr(array, "dtype", ""))
    shape = tuple(getattr(array, "shape", ()))
    if dtype != "uint8":
        raise SCSError(f"an image array must be uint8 (H, W, 3) pixels, got dtype {dtype or type(array).__name__}")
    if len(shape) == 2:
        shape = (shape[0], shape[1], 1)
    if len(shape) != 3 or shape[2] not in _COLOR_TYPES or shape[0] < 1 or shape[1] < 1:
        raise SCSError(f"an image array must be (H, W), (H, W, 3) or (H, W, 4) uint8 pixels, got shape {tuple(array.shape)}")
    height, width, channels = shape
    import numpy as np  # present: the array is one of its arrays

    pixels = np.ascontiguousarray(array, dtype=np.uint8).reshape(height, width * channels)
    filtered = np.zeros((height, width * channels + 1), dtype=np.uint8)  # filter byte 0 (None) per row
    filtered[:, 1:] = pixels
    header = struct.pack(">IIBBBBB", width, height, 8, _COLOR_TYPES[channels], 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", header)
            + _chunk(b"IDAT", zlib.compress(filtered.tobytes(), 1)) + _chunk(b"IEND", b""))


def is_pil_image(obj: Any) -> bool:
    """A PIL.Image.Image (without importing PIL when it is not loaded already)."""
    return any(c.__module__.startswith("PIL.") and c.__name__ == "Image" for c in type(obj).__mro__)


def is_array(obj: Any) -> bool:
    """A numpy array (or anything with a dtype, a shape and tobytes)."""
    return hasattr(obj, "dtype") and hasattr(obj, "shape") and hasattr(obj, "tobytes")


def write_image(obj: Any, folder: str, index: int) -> str:
    """Writes a PIL image or a pixel array to ``folder`` as PNG and returns its path."""
    path = os.path.join(folder, f"image-{index:06d}.png")
    if is_pil_image(obj):
        try:
            obj.save(path, format="PNG")
        except (OSError, ValueError, KeyError):
            # Modes PNG cannot hold (CMYK, F, I;16B, ...): their RGB, as scs would make of them.
            obj.convert("RGB").save(path, format="PNG")
    elif is_array(obj):
        with open(path, "wb") as f:
            f.write(png_bytes(obj))
    else:
        raise SCSError(f"an image is a path, a PIL image or a uint8 numpy array, got {type(obj).__name__}")
    return path


def split_images(images: Any) -> List[Any]:
    """The images of ``embed``'s argument: one image (path, PIL image, H×W or H×W×C array), a
    batch array (N×H×W×C) or a sequence of images."""
    if isinstance(images, (str, bytes, os.PathLike)) or is_pil_image(images):
        return [images]
    if is_array(images):
        ndim = len(images.shape)
        if ndim == 4:
            return [images[i] for i in range(images.shape[0])]
        return [images]
    try:
        return list(images)
    except TypeError:
        raise SCSError(f"images: a path, a PIL image, a numpy array or a list of them, got {type(images).__name__}") from None
