"""The Python API against the scs CLI it wraps: the same bytes, the same numbers, scs's errors.

Run as make test does: SCS_BINARY=.build/debug/scs python3 -m pytest -q python/tests
(the tiny random-weight CLIP of Tests/Fixtures/models/tiny-b32, temporary caches).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any, Dict, List

import numpy as np
import pytest

import semantic_consistency as sc
from semantic_consistency import _api, _images

from conftest import PYTHON_DIR, REPO

STUDY = {
    ("model-a", "a red rocket"): ["rocket.jpg", "astronaut.png", "hubble_deep_field.jpg"],
    ("model-a", "a grey cat"): ["chelsea.png", "coffee.png", "camera.png"],
    ("model-b", "a red rocket"): ["rocket.jpg", "franz-kafka.jpg", "camera.png"],
    ("model-b", "a grey cat"): ["chelsea.png", "coffee.png", "astronaut.png"],
}


@pytest.fixture()
def study(tmp_path: Path, shared_images: Path) -> Path:
    """<tmp>/ds/<model>/<prompt>/<n>.<ext> from the shared photos."""
    root = tmp_path / "ds"
    for (model, prompt), photos in STUDY.items():
        folder = root / model / prompt
        folder.mkdir(parents=True)
        for i, photo in enumerate(photos):
            shutil.copy(shared_images / photo, folder / f"{i + 1}{Path(photo).suffix}")
    return root


def run_scs(binary: str, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run([binary, *args], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done


def records(table: Any) -> List[Dict[str, Any]]:
    """Rows of what score returned, DataFrame or list, as plain dicts (NaN as None)."""
    if hasattr(table, "to_dict"):
        return [{k: (None if isinstance(v, float) and v != v else v) for k, v in r.items()} for r in table.to_dict("records")]
    return [dict(r) for r in table]


def provenance(table: Any) -> Dict[str, Any]:
    return table.attrs if hasattr(table, "to_dict") else table.provenance


@pytest.fixture(autouse=True)
def fresh_workers():
    yield
    sc.shutdown()


def test_score_writes_the_bytes_scs_score_writes(scs_bin: str, tiny_model: str, study: Path, tmp_path: Path) -> None:
    cli = tmp_path / "cli.csv"
    run_scs(scs_bin, "score", str(study), "--model", tiny_model, "--cache", str(tmp_path / "cli.sqlite"),
            "--metrics", "scs,vendi", "--out", str(cli), "--quiet")
    out = tmp_path / "api" / "scores.csv"
    out.parent.mkdir()
    table = sc.score(study, model=tiny_model, metrics=["scs", "vendi"], out=out, cache=tmp_path / "api.sqlite")
    assert out.read_bytes() == cli.read_bytes()
    meta = json.loads((out.parent / "scores.meta.json").read_text())
    cli_meta = json.loads((tmp_path / "cli.meta.json").read_text())
    assert {k: v for k, v in meta.items()} == cli_meta
    # The rows are scores.csv's, typed; the provenance is the sidecar's.
    rows = records(table)
    assert len(rows) == 4
    assert rows[0]["model"] == "model-a" and rows[0]["prompt"] == "a grey cat"
    assert rows[0]["n_images"] == 3 and rows[0]["n_pairs"] == 3
    header = cli.read_text().splitlines()[0].split(",")
    assert list(rows[0].keys()) == header
    for row, line in zip(rows, cli.read_text().splitlines()[1:]):
        fields = line.split(",")
        assert row["scs"] == float(fields[header.index("scs")])
        assert row["vendi"] == float(fields[header.index("vendi")])
    p = provenance(table)
    assert p["backbone"] == "clip" and p["precision"] == "fp32"
    assert p["model_fingerprint"] == rows[0]["backbone_fingerprint"]
    assert p["scores_csv"] == str(out)
    print(f"\nscore: {len(rows)} rows, {out.stat().st_size} bytes identical to scs score's; returned {type(table).__name__}")


def test_score_without_out_leaves_no_file_and_gives_the_same_rows(scs_bin: str, tiny_model: str, study: Path,
                                                                 tmp_path: Path) -> None:
    cli = tmp_path / "cli.csv"
    run_scs(scs_bin, "score", str(study), "--model", tiny_model, "--no-cache", "--out", str(cli), "--quiet")
    table = sc.score(str(study), model=tiny_model, cache=None)
    reference = sc.score(str(study), model=tiny_model, cache=None, out=tmp_path / "again.csv")
    assert (tmp_path / "again.csv").read_bytes() == cli.read_bytes()
    assert records(table) == records(reference)
    assert "scores_csv" not in provenance(table) and provenance(table)["groups"] == 4


def test_score_without_pandas_is_a_list_with_provenance(tiny_model: str, study: Path, monkeypatch, scs_bin: str) -> None:
    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    rows = sc.score(study, model=tiny_model, cache=None)
    assert isinstance(rows, list) and isinstance(rows, sc.ScoreRows)
    assert rows.provenance["backbone"] == "clip" and rows.attrs is rows.provenance
    assert rows.columns[:4] == ["model", "prompt", "n_images", "n_pairs"]
    assert all(isinstance(r["scs"], float) for r in rows)


def test_score_returns_a_dataframe_when_pandas_is_there(tiny_model: str, study: Path, scs_bin: str) -> None:
    pd = pytest.importorskip("pandas", reason="pandas is not installed: the DataFrame path is not tested here")
    df = sc.score(study, model=tiny_model, cache=None)
    assert isinstance(df, pd.DataFrame)
    assert df["n_images"].dtype == "int64" and df["scs"].dtype == "float64"
    assert df.attrs["model_fingerprint"] == df["backbone_fingerprint"].iloc[0]


def test_embed_paths_equals_scs_embed(scs_bin: str, tiny_model: str, study: Path, tmp_path: Path) -> None:
    paths = sorted(str(p) for p in study.rglob("*.*"))
    npy = tmp_path / "cli.npy"
    run_scs(scs_bin, "embed", *paths, "--model", tiny_model, "--no-cache", "--out", str(npy), "--quiet")
    expected = np.load(npy)
    got = sc.embed(paths, model=tiny_model, cache=None)
    assert got.dtype == np.float32 and got.shape == expected.shape == (len(paths), 32)
    assert np.array_equal(got, expected)
    # Through a cache, and one path alone.
    assert np.array_equal(sc.embed(paths, model=tiny_model, cache=tmp_path / "c.sqlite"), expected)
    # The worker wrote the packed weights beside that cache; a new worker maps them, and computes
    # the same bits (a new cache file, so that nothing comes from the embedding cache).
    first = _api._worker_for(tiny_model, cache=tmp_path / "c.sqlite")
    assert first.info["packed_weights"] == "written"
    first.close()
    assert sorted(p.suffix for p in (tmp_path / "packed").iterdir()) == [".scspack"]
    assert np.array_equal(sc.embed(paths, model=tiny_model, cache=tmp_path / "d.sqlite"), expected)
    assert _api._worker_for(tiny_model, cache=tmp_path / "d.sqlite").info["packed_weights"] == "mapped"
    assert np.array_equal(sc.embed(Path(paths[0]), model=tiny_model, cache=None), expected[:1])


def test_embed_of_pixels_in_memory_equals_embed_of_the_png(tiny_model: str, scs_bin: str) -> None:
    decode = REPO / "Tests" / "Fixtures" / "decode"
    png = decode / "png-rgb8-97x61.png"
    pixels = decode_png(png.read_bytes())  # the file's RGB pixels, (61, 97, 3) uint8
    assert pixels.dtype == np.uint8 and pixels.shape == (61, 97, 3)
    from_file = sc.embed([str(png)], model=tiny_model, cache=None)
    assert np.array_equal(sc.embed(pixels, model=tiny_model, cache=None), from_file)
    # A batch array, a list mixing arrays and paths, and gray pixels.
    both = sc.embed([pixels, str(png)], model=tiny_model, cache=None)
    assert np.array_equal(both, np.vstack([from_file, from_file]))
    assert np.array_equal(sc.embed(np.stack([pixels, pixels]), model=tiny_model, cache=None), both)
    gray = decode_png((decode / "png-gray8-L-89x73.png").read_bytes())[..., 0]
    assert np.array_equal(sc.embed(gray, model=tiny_model, cache=None),
                          sc.embed([str(decode / "png-gray8-L-89x73.png")], model=tiny_model, cache=None))
    with pytest.raises(sc.SCSError, match="uint8"):
        sc.embed(pixels.astype(np.float32), model=tiny_model, cache=None)


def test_the_png_writer_is_lossless(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    for shape in [(5, 7, 3), (4, 3), (3, 9, 4), (1, 1, 2)]:
        pixels = rng.integers(0, 256, size=shape, dtype=np.uint8)
        data = _images.png_bytes(pixels)
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        assert decode_png(data).reshape(pixels.shape).tolist() == pixels.tolist()


def decode_png(data: bytes) -> np.ndarray:
    """Just enough of PNG for the tests: 8 bit, not interlaced, gray/RGB/with alpha, any row filter."""
    import struct
    import zlib

    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        tag, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if tag == b"IHDR":
            width, height, depth, color, _, _, interlace = struct.unpack(">IIBBBBB", body[:13])
            assert depth == 8 and interlace == 0
            channels = {0: 1, 4: 2, 2: 3, 6: 4}[color]
        elif tag == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride, bpp = zlib.decompress(idat), width * channels, channels
    out = bytearray(height * stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)]
        for x in range(stride):
            a = out[y * stride + x - bpp] if x >= bpp else 0
            b = out[(y - 1) * stride + x] if y > 0 else 0
            c = out[(y - 1) * stride + x - bpp] if y > 0 and x >= bpp else 0
            if kind == 0:
                pred = 0
            elif kind == 1:
                pred = a
            elif kind == 2:
                pred = b
            elif kind == 3:
                pred = (a + b) // 2
            else:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
            out[y * stride + x] = (line[x] + pred) & 0xFF
    return np.frombuffer(bytes(out), dtype=np.uint8).reshape(height, width, channels)


def test_embed_of_a_pil_image_equals_embed_of_its_file(tiny_model: str, shared_images: Path, scs_bin: str) -> None:
    Image = pytest.importorskip("PIL.Image", reason="Pillow is not installed: PIL images are not tested here")
    paths = [shared_images / "astronaut.png", shared_images / "camera.png"]  # RGB and gray PNGs
    images = [Image.open(p) for p in paths]
    assert np.array_equal(sc.embed(images, model=tiny_model, cache=None),
                          sc.embed([str(p) for p in paths], model=tiny_model, cache=None))
    # PIL's pixels of a PNG, as an array, are the same pixels too.
    assert np.array_equal(sc.embed(np.asarray(images[0]), model=tiny_model, cache=None),
                          sc.embed(str(paths[0]), model=tiny_model, cache=None))


def test_compare_returns_scs_compares_document(scs_bin: str, tiny_model: str, study: Path, tmp_path: Path) -> None:
    out = tmp_path / "scores.csv"
    table = sc.score(study, model=tiny_model, cache=None, out=out)
    result = sc.compare(out, "model-a", "model-b", bootstrap=99)
    assert isinstance(result["verdict"], str) and "model-a" in result["verdict"]
    assert result["model_a"] == "model-a" and result["metric"] == "scs"
    cli = tmp_path / "cli.json"
    run_scs(scs_bin, "compare", str(out), "--a", "model-a", "--b", "model-b", "--bootstrap", "99", "--json", str(cli))
    assert result == json.loads(cli.read_text())
    # From the table score returned, as it is.
    assert sc.compare(table, "model-a", "model-b", bootstrap=99)["verdict"] == result["verdict"]
    print(f"\ncompare: {result['verdict']}")
    with pytest.raises(sc.SCSError) as e:
        sc.compare(out, "model-a", "nobody")
    assert "nobody" in str(e.value) and "\n" not in str(e.value)


def test_a_bad_model_raises_scs_one_line_error(tmp_path: Path, study: Path, scs_bin: str) -> None:
    missing = tmp_path / "no-such-model"
    with pytest.raises(sc.SCSError) as e:
        sc.score(study, model=str(missing), cache=None)
    message = str(e.value)
    assert "\n" not in message and str(missing) in message and not message.startswith("Error:")
    cli = subprocess.run([scs_bin, "score", str(study), "--model", str(missing), "--no-cache"], capture_output=True, text=True)
    assert cli.returncode != 0 and f"Error: {message}" in cli.stderr
    with pytest.raises(sc.SCSError):
        sc.embed(str(study / "model-a" / "a grey cat" / "1.png"), model=str(missing), cache=None)


def test_a_failed_request_keeps_the_worker(tiny_model: str, study: Path, tmp_path: Path, scs_bin: str) -> None:
    good = str(study / "model-a" / "a grey cat" / "1.png")
    first = sc.embed(good, model=tiny_model, cache=None)
    worker = _api._worker_for(tiny_model, cache=None)
    with pytest.raises(sc.SCSError) as e:
        sc.embed(str(tmp_path / "missing.png"), model=tiny_model, cache=None)
    assert "missing.png" in str(e.value) and "\n" not in str(e.value)
    assert np.array_equal(sc.embed(good, model=tiny_model, cache=None), first)
    assert worker.starts == 1
    # A worker that died is started again once, and the request answered.
    assert worker._process is not None
    worker._process.kill()
    worker._process.wait()
    assert np.array_equal(sc.embed(good, model=tiny_model, cache=None), first)
    assert worker.starts == 2


def test_workers_are_shared_and_thread_safe(tiny_model: str, study: Path, scs_bin: str) -> None:
    paths = sorted(str(p) for p in study.rglob("*.*"))
    expected = sc.embed(paths, model=tiny_model, cache=None)
    results: List[Any] = [None] * 6

    def work(i: int) -> None:
        results[i] = sc.embed(paths[i % len(paths):] + paths[:i % len(paths)], model=tiny_model, cache=None)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(results))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, r in enumerate(results):
        k = i % len(paths)
        assert np.array_equal(r, np.vstack([expected[k:], expected[:k]]))
    assert _api._worker_for(tiny_model, cache=None).starts == 1
    info = sc.model_info(tiny_model, cache=None)
    assert info["kind"] == "clip" and info["precision"] == "fp32" and len(info["fingerprint"]) == 64


def test_second_embed_costs_its_compute_not_a_load(tiny_model: str, tmp_path: Path, scs_bin: str) -> None:
    """16 images, no cache (each call computes everything). First call: starts the worker and loads
    the model. Second call: its wall time in Python (temp folder, request, .npy read back) against
    the compute the worker reports for it (from reading the request to the .npy written: hashing,
    decoding, preprocessing, the forward passes). The bar: at most 1.5x. SCS_TEST_TIMING_MODEL
    names a real model (e.g. a CLIP ViT-B/32 folder) to measure with instead of the tiny one."""
    model = os.environ.get("SCS_TEST_TIMING_MODEL") or tiny_model
    rng = np.random.default_rng(1)
    paths = []
    for i in range(16):
        path = tmp_path / f"{i:02d}.png"
        path.write_bytes(_images.png_bytes(rng.integers(0, 256, size=(512, 512, 3), dtype=np.uint8)))
        paths.append(str(path))
    worker = _api._worker_for(model, cache=None)
    timings = []
    for _ in range(3):
        start = time.perf_counter()
        sc.embed(paths, model=model, cache=None)
        timings.append((time.perf_counter() - start, worker.last_response["seconds"]))
    (first, _), (second, compute2), (third, compute3) = timings
    load = worker.info["load_seconds"]
    print(f"\nembed of 16 images with {Path(model).name}: first call {first:.3f}s (worker start and model load "
          f"{load:.3f}s); second {second:.3f}s for {compute2:.3f}s of compute ({second / compute2:.2f}x); "
          f"third {third:.3f}s for {compute3:.3f}s ({third / compute3:.2f}x)")
    assert worker.starts == 1
    assert second <= 1.5 * compute2, f"second call {second:.3f}s > 1.5 x its compute {compute2:.3f}s"


def test_python_m_and_the_console_entry_run_the_cli(scs_bin: str) -> None:
    env = dict(os.environ, PYTHONPATH=str(PYTHON_DIR), SCS_BINARY=scs_bin)
    done = subprocess.run([sys.executable, "-m", "semantic_consistency", "--version"], capture_output=True, text=True, env=env)
    assert done.returncode == 0 and done.stdout.startswith("scs 0.1.0"), done.stderr
    done = subprocess.run([sys.executable, "-m", "semantic_consistency", "compare", "/nonexistent.csv"],
                          capture_output=True, text=True, env=env)
    assert done.returncode != 0 and "Error:" in done.stderr


def test_the_version_is_scs_version() -> None:
    swift = (REPO / "Sources" / "scs" / "BuildInfo.swift").read_text()
    assert f'static let version = "{sc.__version__}"' in swift
    tomllib = pytest.importorskip("tomllib", reason="tomllib is Python 3.11's")

    with open(PYTHON_DIR / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    assert project["version"] == sc.__version__
    assert project["scripts"]["scs"] == "semantic_consistency.__main__:main"
