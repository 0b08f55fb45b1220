"""semantic_consistency: the Semantic Consistency Score (scs) from Python.

How semantically repeatable is a text-to-image model? Per prompt, the score is the mean over all
image pairs of max(100·cos, 0) of their CLIP image embeddings (Bent, CVPR 2024 Workshops): 0 to
100, higher means the model repeats itself more.

    import semantic_consistency as scs
    df = scs.score("study/", model="openai/clip-vit-base-patch32")   # <study>/<model>/<prompt>/<images>
    result = scs.compare(df, "pixart", "SDXL")                      # tests, effect sizes, verdict
    vectors = scs.embed(["a.jpg", "b.png"])                          # float32 (N, D)

The work is done by the scs binary (carried by the wheel at semantic_consistency/bin/scs; see
``scs_binary``). The model is loaded once per Python session: the package keeps one
``scs worker`` process per (model, options) alive and sends it the requests, so a second call
costs its compute, not a model load. ``shutdown()`` ends the workers (done at exit too). Errors
raise ``SCSError`` with scs's one-line message. The workers' progress and notes go to the
``semantic_consistency`` logger (INFO).
"""
from __future__ import annotations

from ._api import DEFAULT_CACHE, DEFAULT_MODEL, ScoreRows, compare, embed, model_info, score
from ._binary import scs_binary
from ._errors import SCSError
from ._worker import shutdown

__version__ = "0.1.0"

__all__ = [
    "score",
    "embed",
    "compare",
    "model_info",
    "SCSError",
    "ScoreRows",
    "DEFAULT_MODEL",
    "DEFAULT_CACHE",
    "scs_binary",
    "shutdown",
    "__version__",
]
