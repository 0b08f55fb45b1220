"""Where the scs executable is."""
from __future__ import annotations

import os
from pathlib import Path

from ._errors import SCSError

__all__ = ["scs_binary"]

_PACKAGE = Path(__file__).resolve().parent


def scs_binary() -> str:
    """The path of the scs executable this package runs.

    In order: ``semantic_consistency/bin/scs`` (installed from the wheel, which carries it); the
    ``SCS_BINARY`` environment variable; in a source checkout (the package at
    ``<repo>/python/semantic_consistency``), the newer of ``<repo>/.build/release/scs`` and
    ``<repo>/.build/debug/scs``. Raises SCSError when there is none.
    """
    bundled = _PACKAGE / "bin" / "scs"
    if bundled.is_file() and os.access(bundled, os.X_OK):
        return str(bundled)
    env = os.environ.get("SCS_BINARY")
    if env:
        path = os.path.abspath(os.path.expanduser(env))
        if not (os.path.isfile(path) and os.access(path, os.X_OK)):
            raise SCSError(f"SCS_BINARY={env}: no executable file there")
        return path
    repo = _PACKAGE.parent.parent
    if (repo / "Package.swift").is_file():
        built = [p for p in (repo / ".build" / "release" / "scs", repo / ".build" / "debug" / "scs")
                 if p.is_file() and os.access(p, os.X_OK)]
        if built:
            return str(max(built, key=lambda p: p.stat().st_mtime))
        raise SCSError(f"no scs binary: build it in {repo} (swift build, or make release) or set SCS_BINARY")
    raise SCSError("no scs binary: the package has no bin/scs (install the semantic-consistency-score wheel) "
                   "and SCS_BINARY is not set")
