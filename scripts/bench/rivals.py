"""Time PyTorch and ONNX Runtime end to end on the images `scs bench` uses.

    .venv-oracle/bin/python scripts/bench/rivals.py --model DIR --images DIR \
        [--n N] [--batch B] [--threads T] [--runtimes pytorch,onnxruntime] [--json FILE]

Same work as `scs bench`: the folder's images (jpg/jpeg/png/webp, sorted by name, repeated to N if
N is larger), each read, decoded and preprocessed as the model's own code does it, batched, then
the image embedding in float32 (scripts/bench/rival_models.py: CLIP, DINOv2, SigLIP, DINO, DreamSim,
the kind read from the files):

  pytorch      the model's reference code under torch.inference_mode(), torch.set_num_threads(T);
  onnxruntime  the same module exported by torch.onnx.export(dynamo=False) with a dynamic batch
               axis (cached in <repo>/.oracle-cache/onnx/), CPUExecutionProvider,
               intra_op_num_threads=T, ORT_ENABLE_ALL graph optimisation.

Each runtime runs in its own subprocess (so its peak RSS, getrusage ru_maxrss, is its own): load the
model, run one warm-up batch (not timed), then time decode + preprocess + forward over all N images.
--batch takes one value for both runtimes or NAME=B pairs (pytorch=8,onnxruntime=16). --prefetch
decodes the next batch on a second thread while the current one runs through the network (as scs
does); off by default. Prints one line per runtime:

    pytorch: 13.20 images/s (200 images in 15.15 s, batch 8, 2 threads), peak RSS 900 MB
"""
import argparse
import hashlib
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE.parent / "oracle"))

RUNTIMES = ("pytorch", "onnxruntime")
EXTENSIONS = {".jpg", ".jpeg", ".png", ".webp"}


def image_paths(folder, n):
    files = sorted(p.name for p in Path(folder).iterdir()
                   if not p.name.startswith(".") and p.suffix.lower() in EXTENSIONS)
    if not files:
        sys.exit(f"rivals: {folder}: no images")
    n = len(files) if n is None else n
    return [os.path.join(folder, files[i % len(files)]) for i in range(n)]


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


# ---------------------------------------------------------------- ONNX export (own subprocess)

def onnx_path(model_dir):
    """Cache file for the exported image tower of model_dir (a folder or a file), keyed by its files."""
    model_dir = Path(model_dir).resolve()
    files = [model_dir] if model_dir.is_file() else sorted(p for p in model_dir.rglob("*") if p.is_file())
    stamp = "|".join(f"{p.name}:{p.stat().st_size}:{p.stat().st_mtime_ns}" for p in files)
    key = hashlib.sha256(f"{model_dir}|{stamp}".encode()).hexdigest()[:12]
    return ROOT / ".oracle-cache" / "onnx" / f"{model_dir.name}-vision-{key}.onnx"


def export_onnx(model_dir, out):
    import warnings
    warnings.simplefilter("ignore")  # the legacy exporter's deprecation and tracer warnings
    import numpy as np
    import torch
    from rival_models import load, preprocessor

    wrapper, size = load(model_dir), preprocessor(model_dir)[1]
    x = torch.randn(2, 3, size, size, generator=torch.Generator().manual_seed(0))
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".tmp")
    with torch.inference_mode():
        torch.onnx.export(wrapper, (x,), str(tmp), dynamo=False, opset_version=17,
                          input_names=["pixel_values"], output_names=["image_embeds"],
                          dynamic_axes={"pixel_values": {0: "batch"}, "image_embeds": {0: "batch"}})
        expected = wrapper(torch.cat([x, x[:1]])).numpy()
    import onnxruntime as ort
    got = ort.InferenceSession(str(tmp), providers=["CPUExecutionProvider"]).run(
        None, {"pixel_values": torch.cat([x, x[:1]]).numpy()})[0]
    err = float(np.abs(got - expected).max() / np.abs(expected).max())
    if err > 1e-4:
        sys.exit(f"rivals: exported ONNX model differs from PyTorch (relative error {err:.2e})")
    os.replace(tmp, out)
    print(f"rivals: exported {out} (batch 3 relative error vs PyTorch {err:.1e})", file=sys.stderr)


# ---------------------------------------------------------------- one runtime (own subprocess)

def run_runtime(args):
    import numpy as np

    paths = image_paths(args.images, args.n)
    batch = args.batch
    from rival_models import preprocessor
    preprocess = preprocessor(args.model)[0]
    if args.runtime == "pytorch":
        import torch
        from rival_models import load
        torch.set_num_threads(args.threads)
        module = load(args.model)

        def forward(x):
            with torch.inference_mode():
                return module(torch.from_numpy(x)).float().numpy()
    else:
        import onnxruntime as ort
        options = ort.SessionOptions()
        options.intra_op_num_threads = args.threads
        options.inter_op_num_threads = 1
        options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        session = ort.InferenceSession(args.onnx, options, providers=["CPUExecutionProvider"])

        def forward(x):
            return session.run(None, {"pixel_values": x})[0]

    def load(chunk):
        return np.stack([preprocess(p) for p in chunk])

    chunks = [paths[i:i + batch] for i in range(0, len(paths), batch)]
    forward(load(chunks[0]))  # warm-up, not timed

    done = 0
    start = time.perf_counter()
    if args.prefetch:
        from concurrent.futures import ThreadPoolExecutor
        with ThreadPoolExecutor(1) as pool:
            pending = pool.submit(load, chunks[0])
            for i in range(len(chunks)):
                x = pending.result()
                if i + 1 < len(chunks):
                    pending = pool.submit(load, chunks[i + 1])
                done += len(forward(x))
    else:
        for chunk in chunks:
            done += len(forward(load(chunk)))
    seconds = time.perf_counter() - start
    result = {"runtime": args.runtime, "images": done, "seconds": seconds, "images_per_second": done / seconds,
              "batch_size": batch, "threads": args.threads, "prefetch": args.prefetch,
              "peak_rss_mb": peak_rss_mb()}
    print(json.dumps(result))


# ---------------------------------------------------------------- driver

def batch_sizes(spec):
    sizes = {}
    for part in spec.split(","):
        name, _, value = part.rpartition("=")
        for runtime in ([name] if name else RUNTIMES):
            if runtime not in RUNTIMES:
                sys.exit(f"rivals: unknown runtime {runtime!r} in --batch")
            sizes[runtime] = int(value)
    return sizes


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", required=True, help="model folder or checkpoint file (as scs --model takes it)")
    parser.add_argument("--images", required=True, help="folder of images")
    parser.add_argument("--n", type=int, help="number of images (default: all; repeats the folder if larger)")
    parser.add_argument("--batch", default="8", help="batch size: B, or pytorch=B,onnxruntime=B (default 8)")
    parser.add_argument("--threads", type=int, default=2, help="threads per runtime (default 2)")
    parser.add_argument("--runtimes", default=",".join(RUNTIMES), help="comma-separated (default: both)")
    parser.add_argument("--prefetch", action="store_true", help="decode the next batch while the network runs")
    parser.add_argument("--json", help="write the results (a list) here")
    parser.add_argument("--runtime", choices=RUNTIMES, help=argparse.SUPPRESS)  # child mode
    parser.add_argument("--onnx", help=argparse.SUPPRESS)
    parser.add_argument("--export", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.export:
        return export_onnx(args.model, Path(args.export))
    if args.runtime:
        args.batch = int(args.batch)
        return run_runtime(args)

    sizes = batch_sizes(args.batch)
    runtimes = [r.strip() for r in args.runtimes.split(",") if r.strip()]
    me = [sys.executable, str(Path(__file__).resolve())]
    common = ["--model", args.model, "--images", args.images, "--threads", str(args.threads)]
    if args.n is not None:
        common += ["--n", str(args.n)]
    if args.prefetch:
        common.append("--prefetch")
    results = []
    for runtime in runtimes:
        if runtime not in RUNTIMES:
            sys.exit(f"rivals: unknown runtime {runtime!r}")
        extra = []
        if runtime == "onnxruntime":
            onnx = onnx_path(args.model)
            if not onnx.exists():
                exported = subprocess.run(me + ["--model", args.model, "--images", args.images, "--export", str(onnx)],
                                          stderr=subprocess.PIPE, text=True)
                if exported.returncode != 0:
                    # e.g. DINOv2 with registers: aten::_upsample_bicubic2d_aa has no ONNX operator.
                    last = exported.stderr.strip().splitlines()[-1] if exported.stderr.strip() else "no message"
                    print(f"onnxruntime: skipped, the model does not export to ONNX ({last})", flush=True)
                    continue
            extra = ["--onnx", str(onnx)]
        out = subprocess.run(me + common + ["--runtime", runtime, "--batch", str(sizes.get(runtime, 8))] + extra,
                             check=True, stdout=subprocess.PIPE, text=True).stdout
        r = json.loads(out.strip().splitlines()[-1])
        results.append(r)
        print(f"{runtime}: {r['images_per_second']:.2f} images/s ({r['images']} images in {r['seconds']:.2f} s, "
              f"batch {r['batch_size']}, {r['threads']} threads{', prefetch' if r['prefetch'] else ''}), "
              f"peak RSS {r['peak_rss_mb']:.0f} MB", flush=True)
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
