"""score, embed, compare: the Python API over the scs binary."""
from __future__ import annotations

import csv
import enum
import json as _json
import math
import os
import shutil
import subprocess
import tempfile
from typing import TYPE_CHECKING, Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from ._binary import scs_binary
from ._errors import SCSError, error_from_stderr
from ._images import is_array, is_pil_image, split_images, write_image
from ._worker import Worker, get_worker

if TYPE_CHECKING:  # pragma: no cover
    import numpy
    import pandas

__all__ = ["score", "embed", "compare", "model_info", "ScoreRows", "DEFAULT_MODEL", "DEFAULT_CACHE"]

PathLike = Union[str, "os.PathLike[str]"]

#: The model scs uses when none is named.
DEFAULT_MODEL = "openai/clip-vit-base-patch32"


class _Default(enum.Enum):
    CACHE = "scs's default embedding cache"

    def __repr__(self) -> str:
        return "DEFAULT_CACHE"


#: ``cache=DEFAULT_CACHE`` (the default): scs's own embedding cache, as the CLI uses without
#: ``--cache``. ``cache=None``: no cache (``--no-cache``). A path: that SQLite file.
DEFAULT_CACHE = _Default.CACHE

CacheArg = Union[PathLike, None, _Default]

# scores.csv's columns by type; any other column is a metric (a float, empty where it has no value).
_INT_COLUMNS = frozenset({"n_images", "n_pairs"})
_TEXT_COLUMNS = frozenset({"model", "prompt", "backbone", "backbone_fingerprint", "precision", "preprocessing"})


class ScoreRows(List[Dict[str, Any]]):
    """What ``score`` returns without pandas: a list of dicts, one per scores.csv row, with the
    sidecar's provenance (scores.meta.json) in ``provenance`` (also as ``attrs``, as a DataFrame
    has it)."""

    def __init__(self, rows: Iterable[Dict[str, Any]] = (), provenance: Optional[Dict[str, Any]] = None,
                 columns: Sequence[str] = ()) -> None:
        super().__init__(rows)
        self.provenance: Dict[str, Any] = dict(provenance or {})
        #: The columns of scores.csv, in order.
        self.columns: List[str] = list(columns)

    @property
    def attrs(self) -> Dict[str, Any]:
        return self.provenance


def _path(p: PathLike) -> str:
    return os.path.abspath(os.path.expanduser(os.fspath(p)))


def _worker_args(model: str, revision: Optional[str], batch_size: Optional[int], threads: Optional[int],
                 precision: Optional[str], preprocess: Optional[str], cache: CacheArg,
                 max_pixels: Optional[int]) -> List[str]:
    # A model that is a local path is passed absolute: the worker outlives the caller's cwd.
    local = os.path.expanduser(model)
    args = ["--model", os.path.abspath(local) if os.path.exists(local) else model]
    for flag, value in (("--revision", revision), ("--batch-size", batch_size), ("--threads", threads),
                        ("--precision", precision), ("--preprocess", preprocess), ("--max-pixels", max_pixels)):
        if value is not None:
            args += [flag, str(value)]
    if cache is None:
        args.append("--no-cache")
    elif cache is not DEFAULT_CACHE:
        args += ["--cache", _path(cache)]
    return args


def _worker_for(model: str = DEFAULT_MODEL, *, revision: Optional[str] = None, batch_size: Optional[int] = None,
                threads: Optional[int] = None, precision: Optional[str] = None, preprocess: Optional[str] = None,
                cache: CacheArg = DEFAULT_CACHE, max_pixels: Optional[int] = None) -> Worker:
    return get_worker(scs_binary(), _worker_args(model, revision, batch_size, threads, precision, preprocess, cache, max_pixels))


def model_info(model: str = DEFAULT_MODEL, *, revision: Optional[str] = None, precision: Optional[str] = None,
               preprocess: Optional[str] = None, cache: CacheArg = DEFAULT_CACHE, batch_size: Optional[int] = None,
               threads: Optional[int] = None, max_pixels: Optional[int] = None) -> Dict[str, Any]:
    """Loads ``model`` in this session's worker (if it is not loaded yet) and describes it:
    ``kind`` (clip, dinov2, siglip, dino, dreamsim), ``fingerprint``, ``precision``,
    ``preprocessing``, ``kernels``, ``load_seconds``, ``path``, ``cache``, ``version``, and
    ``packed_weights``: ``"mapped"`` when the weights came from the packed-weights file an earlier
    load wrote beside the cache, ``"written"`` when this load wrote it, None without a cache."""
    worker = _worker_for(model, revision=revision, batch_size=batch_size, threads=threads, precision=precision,
                         preprocess=preprocess, cache=cache, max_pixels=max_pixels)
    return worker.ensure_started()


def _convert(column: str, text: str) -> Any:
    if column in _TEXT_COLUMNS:
        return text
    if text == "":
        return None
    if column in _INT_COLUMNS:
        return int(text)
    return float(text)


def _read_scores(csv_path: str, meta_path: Optional[str]) -> Tuple[List[str], List[Dict[str, Any]], Dict[str, Any]]:
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        header = next(reader, [])
        rows = [{c: _convert(c, v) for c, v in zip(header, row)} for row in reader if row]
    provenance: Dict[str, Any] = {}
    if meta_path and os.path.isfile(meta_path):
        with open(meta_path, encoding="utf-8") as f:
            provenance = _json.load(f)
    return header, rows, provenance


def _table(header: List[str], rows: List[Dict[str, Any]], provenance: Dict[str, Any]) -> Any:
    try:
        import pandas as pd
    except ImportError:
        return ScoreRows(rows, provenance, header)
    columns: Dict[str, Any] = {}
    for c in header:
        values = [r.get(c) for r in rows]
        if c in _TEXT_COLUMNS:
            columns[c] = pd.Series(values, dtype=object)
        elif c in _INT_COLUMNS:
            columns[c] = pd.Series(values, dtype="int64")
        else:
            columns[c] = pd.Series([math.nan if v is None else v for v in values], dtype="float64")
    frame = pd.DataFrame(columns, columns=header)
    frame.attrs.update(provenance)
    return frame


def score(dataset: Optional[PathLike] = None, *, manifest: Optional[PathLike] = None, model: str = DEFAULT_MODEL,
          metrics: Union[Sequence[str], str] = ("scs",), out: Optional[PathLike] = None, json: Optional[PathLike] = None,
          layout: Optional[str] = None, skip_unreadable: bool = False, cache: CacheArg = DEFAULT_CACHE,
          precision: Optional[str] = None, preprocess: Optional[str] = None, revision: Optional[str] = None,
          batch_size: Optional[int] = None, threads: Optional[int] = None, max_pixels: Optional[int] = None) -> Any:
    """Scores every (model, prompt) group of a dataset, as ``scs score`` does.

    Args:
        dataset: the folder ``<root>/<model>/<prompt>/<images>`` (or ``<root>/<prompt>/<images>``
            with ``layout="prompt"``). Give it or ``manifest``.
        manifest: a CSV or JSONL file listing model, prompt, path (and seed) per image.
        model: a model folder, a checkpoint file, a Hugging Face repo id, ``dreamsim:VARIANT`` or
            ``dino:NAME`` (as ``scs score --model``).
        metrics: measures to add after the SCS columns, e.g. ``("scs", "vendi", "clipscore")``.
        out: where to write scores.csv (byte for byte what ``scs score --out`` writes, with its
            scores.meta.json beside it). Without it the scores go through a temporary file.
        json: also write scs's JSON summary here.
        layout: ``"model-prompt"`` (default) or ``"prompt"``.
        skip_unreadable: score the rest when an image cannot be read (listed in the provenance).
        cache: ``DEFAULT_CACHE`` (scs's embedding cache), ``None`` (no cache) or a SQLite path.
        precision: ``"fp32"`` (default) or ``"bf16"``. preprocess: ``"clip"`` or ``"transformers"``.
        revision, batch_size, threads, max_pixels: as the ``scs score`` options of those names.

    Returns:
        A pandas DataFrame when pandas is installed (the columns of scores.csv; the sidecar's
        provenance — model, backbone, model_fingerprint, precision, preprocessing, metrics,
        excluded, skipped ... — in ``df.attrs``), else a ``ScoreRows`` list of dicts with the same
        provenance in ``.provenance``. ``attrs["scores_csv"]`` is ``out`` when it was given.

    The model stays loaded in this session's scs worker: the next call with the same model and
    options does not load it again. Raises SCSError with scs's one-line message.
    """
    if (dataset is None) == (manifest is None):
        raise SCSError("give a dataset folder or manifest=FILE, not both")
    names = [m.strip() for m in metrics.split(",")] if isinstance(metrics, str) else [str(m) for m in metrics]
    worker = _worker_for(model, revision=revision, batch_size=batch_size, threads=threads, precision=precision,
                         preprocess=preprocess, cache=cache, max_pixels=max_pixels)
    scratch = None if out is not None else tempfile.mkdtemp(prefix="scs-score-")
    try:
        out_path = _path(out) if out is not None else os.path.join(scratch, "scores.csv")  # type: ignore[arg-type]
        response = worker.request("score", dataset=_path(dataset) if dataset is not None else None,
                                  manifest=_path(manifest) if manifest is not None else None,
                                  layout=layout, metrics=names, out=out_path,
                                  json=_path(json) if json is not None else None,
                                  skip_unreadable=bool(skip_unreadable))
        header, rows, provenance = _read_scores(out_path, response.get("meta"))
        if out is not None:
            provenance["scores_csv"] = out_path
            if response.get("alignment"):
                provenance["alignment_csv"] = response["alignment"]
        return _table(header, rows, provenance)
    finally:
        if scratch is not None:
            shutil.rmtree(scratch, ignore_errors=True)


def embed(images: Any, *, model: str = DEFAULT_MODEL, cache: CacheArg = DEFAULT_CACHE, precision: Optional[str] = None,
          preprocess: Optional[str] = None, revision: Optional[str] = None, batch_size: Optional[int] = None,
          threads: Optional[int] = None, max_pixels: Optional[int] = None) -> "numpy.ndarray":
    """Embeds images with the model's image tower, as ``scs embed`` does.

    Args:
        images: image files (paths), PIL images, uint8 numpy arrays of pixels ((H, W, 3) RGB,
            (H, W, 4) RGBA or (H, W) gray; an (N, H, W, C) array is N images), one of them or a
            list mixing them. Images in memory are written as lossless PNG to a temporary folder,
            so their embedding is that of exactly those pixels.
        model, cache, precision, preprocess, revision, batch_size, threads, max_pixels: as for
            ``score``.

    Returns:
        float32 numpy array (N, D), one row per image in order: the model's own embedding (CLIP:
        get_image_features, unnormalised; DINOv2 and SigLIP: pooler_output; DreamSim: unit length).

    The model stays loaded in this session's scs worker, so the next call pays only its compute.
    Raises SCSError with scs's one-line message (an unreadable image, a model that cannot load).
    """
    import numpy as np

    items = split_images(images)
    if not items:
        raise SCSError("embed needs at least one image")
    worker = _worker_for(model, revision=revision, batch_size=batch_size, threads=threads, precision=precision,
                         preprocess=preprocess, cache=cache, max_pixels=max_pixels)
    scratch = tempfile.mkdtemp(prefix="scs-embed-")
    try:
        paths = []
        for i, item in enumerate(items):
            if isinstance(item, (str, os.PathLike)):
                paths.append(_path(item))
            elif isinstance(item, bytes):
                paths.append(_path(os.fsdecode(item)))
            elif is_pil_image(item) or is_array(item):
                paths.append(write_image(item, scratch, i))
            else:
                raise SCSError(f"image {i}: a path, a PIL image or a uint8 numpy array, got {type(item).__name__}")
        out = os.path.join(scratch, "embeddings.npy")
        worker.request("embed", paths=paths, out=out)
        array: "numpy.ndarray" = np.asarray(np.load(out), dtype=np.float32)
        return array
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def _write_table(scores: Any, path: str) -> None:
    """A scores table (DataFrame or list of dicts) as a CSV scs compare reads."""
    if hasattr(scores, "to_csv"):
        scores.to_csv(path, index=False)
        return
    rows: List[Mapping[str, Any]] = list(scores)
    if not rows:
        raise SCSError("compare: the scores are empty")
    header = list(getattr(scores, "columns", None) or rows[0].keys())
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(header)
        for r in rows:
            w.writerow(["" if r.get(c) is None else r.get(c) for c in header])


def compare(scores: Any, a: Optional[str] = None, b: Optional[str] = None, *, metric: str = "scs",
            models: Optional[Sequence[str]] = None, pairs: Optional[PathLike] = None,
            pairs_a: Optional[PathLike] = None, pairs_b: Optional[PathLike] = None, label_a: Optional[str] = None,
            label_b: Optional[str] = None, keep_mismatched: bool = False, bootstrap: int = 9999,
            seed: int = 0) -> Dict[str, Any]:
    """Compares models' per-prompt scores, as ``scs compare --json`` does.

    Args:
        scores: a scores.csv path (or a list of paths), or what ``score`` returned (a DataFrame
            or a list of dicts; filtered rows are compared as they are).
        a, b: the two models, paired by identical prompt (or by ``pairs``/``pairs_a``+``pairs_b``).
        metric: the column to compare: scs (default), vendi, vendi_inf, clipscore, ... .
        models: instead of a and b, several models compared pairwise.
        pairs, pairs_a, pairs_b, label_a, label_b, keep_mismatched, bootstrap, seed: as the
            ``scs compare`` options of those names.

    Returns:
        scs compare's JSON document as a dict: the tests (paired t, Wilcoxon, ...), effect sizes,
        bootstrap intervals and ``verdict``.

    Raises SCSError with scs's one-line message.
    """
    scratch = tempfile.mkdtemp(prefix="scs-compare-")
    try:
        if isinstance(scores, (str, os.PathLike)):
            files = [_path(scores)]
        elif isinstance(scores, (list, tuple)) and scores and all(isinstance(s, (str, os.PathLike)) for s in scores):
            files = [_path(s) for s in scores]
        else:
            files = [os.path.join(scratch, "scores.csv")]
            _write_table(scores, files[0])
        out = os.path.join(scratch, "compare.json")
        args = [scs_binary(), "compare", *files, "--metric", metric, "--json", out,
                "--bootstrap", str(bootstrap), "--seed", str(seed)]
        for flag, value in (("--a", a), ("--b", b), ("--label-a", label_a), ("--label-b", label_b)):
            if value is not None:
                args += [flag, value]
        for flag, path in (("--pairs", pairs), ("--pairs-a", pairs_a), ("--pairs-b", pairs_b)):
            if path is not None:
                args += [flag, _path(path)]
        if models is not None:
            args += ["--models", ",".join(models)]
        if keep_mismatched:
            args.append("--keep-mismatched")
        done = subprocess.run(args, stdin=subprocess.DEVNULL, capture_output=True, text=True)
        if done.returncode != 0:
            raise error_from_stderr(done.stderr, done.returncode, "scs compare")
        with open(out, encoding="utf-8") as f:
            document: Dict[str, Any] = _json.load(f)
        return document
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
