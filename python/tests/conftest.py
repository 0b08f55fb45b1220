"""The package from this checkout (python/), and the scs binary it runs: SCS_BINARY, or the
checkout's .build/{release,debug}/scs. Tests skip, saying why, when there is no binary."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

PYTHON_DIR = Path(__file__).resolve().parent.parent
REPO = PYTHON_DIR.parent
sys.path.insert(0, str(PYTHON_DIR))

import semantic_consistency  # noqa: E402


@pytest.fixture(scope="session")
def scs_bin() -> str:
    try:
        return semantic_consistency.scs_binary()
    except semantic_consistency.SCSError as e:
        pytest.skip(f"no scs binary to test the Python API with: {e} (run swift build, or set SCS_BINARY)")


@pytest.fixture(scope="session")
def tiny_model() -> str:
    return str(REPO / "Tests" / "Fixtures" / "models" / "tiny-b32")


@pytest.fixture(scope="session")
def shared_images() -> Path:
    path = REPO.parent / "shared" / "fixtures" / "images"
    if not path.is_dir():
        pytest.skip(f"no shared photos at {path}")
    return path
