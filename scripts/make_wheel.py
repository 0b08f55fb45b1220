#!/usr/bin/env python3
"""make wheel: the platform wheel that carries the self-contained `scs` (make dist).

    semantic_consistency_score-<version>-py3-none-manylinux_2_<glibc>_x86_64.whl

Distribution `semantic-consistency-score`, import package `semantic_consistency` (its sources are
python/semantic_consistency/; python/pyproject.toml, when present, gives the dependencies, extras,
description and console scripts). The binary goes to semantic_consistency/bin/scs (mode 0755), as
ruff's wheel carries its own; the console script `scs` runs the package's CLI entry point.

Built with the standard library alone (zipfile, hashlib): no network, no build backend. The archive
is reproducible: fixed timestamps, sorted entries. The glibc part of the tag is the newest GLIBC_
symbol version the binary needs (scripts/dist.sh measures it), read again here from the binary.
"""
from __future__ import annotations

import argparse
import base64
import hashlib
import os
import re
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

DIST_NAME = "semantic-consistency-score"
IMPORT_NAME = "semantic_consistency"
ZIP_DATE = (2020, 1, 1, 0, 0, 0)

# Used only when python/semantic_consistency/ is not there: enough for `scs` and `python -m` to run
# the binary, so that the packaging can be built and checked on its own.
FALLBACK_INIT = '''"""semantic_consistency: the scs binary, packaged (the Python API is not in this build)."""
import os as _os

__all__ = ["scs_binary"]


def scs_binary() -> str:
    """The path of the scs executable that this wheel carries."""
    return _os.path.join(_os.path.dirname(_os.path.abspath(__file__)), "bin", "scs")
'''
FALLBACK_MAIN = '''import os
import sys

from . import scs_binary


def main() -> None:
    """Runs the bundled scs with this process's arguments (exec: its exit code is ours)."""
    exe = scs_binary()
    os.execv(exe, [exe] + sys.argv[1:])


if __name__ == "__main__":
    main()
'''


def newest_glibc(binary: Path) -> str:
    out = subprocess.run(["objdump", "-T", str(binary)], check=True, capture_output=True, text=True).stdout
    versions = {tuple(int(x) for x in m.split(".")) for m in re.findall(r"GLIBC_([0-9]+(?:\.[0-9]+)+)", out)}
    if not versions:
        sys.exit(f"make_wheel: {binary} needs no GLIBC_ symbol: is it the dynamic dist binary?")
    return ".".join(str(x) for x in max(versions))


def read_pyproject(python_dir: Path) -> dict:
    path = python_dir / "pyproject.toml"
    if not path.is_file():
        return {}
    import tomllib

    with path.open("rb") as f:
        return tomllib.load(f).get("project", {})


def record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def entry_point(project: dict, package: Path) -> str:
    scripts = project.get("scripts", {})
    if "scs" in scripts:
        return scripts["scs"]
    main = package / "__main__.py"
    if main.is_file() and re.search(r"^def main\(", main.read_text(), re.M):
        return f"{IMPORT_NAME}.__main__:main"
    cli = package / "cli.py"
    if cli.is_file() and re.search(r"^def main\(", cli.read_text(), re.M):
        return f"{IMPORT_NAME}.cli:main"
    return f"{IMPORT_NAME}.__main__:main"


def metadata(project: dict, version: str, readme: Path | None) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {DIST_NAME}",
        f"Version: {version}",
        "Summary: " + project.get("description",
                                  "The Semantic Consistency Score: how semantically repeatable is a text-to-image model?"),
        "License: " + (project.get("license", {}).get("text", "see the licenses folder")
                       if isinstance(project.get("license"), dict) else project.get("license", "see the licenses folder")),
        "Requires-Python: " + project.get("requires-python", ">=3.9"),
        "Platform: Linux x86_64",
    ]
    for url_name, url in project.get("urls", {}).items():
        lines.append(f"Project-URL: {url_name}, {url}")
    for c in project.get("classifiers", []):
        lines.append(f"Classifier: {c}")
    for dep in project.get("dependencies", []):
        lines.append(f"Requires-Dist: {dep}")
    for extra, deps in project.get("optional-dependencies", {}).items():
        lines.append(f"Provides-Extra: {extra}")
        for dep in deps:
            marker = f'extra == "{extra}"'
            lines.append(f"Requires-Dist: {dep}; {marker}" if ";" not in dep else f"Requires-Dist: {dep} and {marker}")
    text = "\n".join(lines) + "\n"
    if readme is not None and readme.is_file():
        text += "Description-Content-Type: text/markdown\n\n" + readme.read_text()
    return text


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=Path("dist/scs"), help="the stripped dist binary (make dist)")
    ap.add_argument("--python-dir", type=Path, default=Path("python"), help="holds semantic_consistency/ and pyproject.toml")
    ap.add_argument("--licenses", type=Path, default=None, help="folder of licence files to put in the .dist-info")
    ap.add_argument("--version", default=None, help="default: Sources/scs/BuildInfo.swift's")
    ap.add_argument("--out", type=Path, default=Path("dist"))
    args = ap.parse_args()

    version = args.version
    if version is None:
        m = re.search(r'static let version = "([^"]+)"', Path("Sources/scs/BuildInfo.swift").read_text())
        version = m.group(1)
    if not args.binary.is_file():
        sys.exit(f"make_wheel: {args.binary} is missing: run make dist first")
    glibc = newest_glibc(args.binary)
    major, minor = glibc.split(".")[:2]
    tag = f"py3-none-manylinux_{major}_{minor}_x86_64"

    project = read_pyproject(args.python_dir)
    if project.get("version") and project["version"] != version:
        print(f"make_wheel: note: python/pyproject.toml says version {project['version']}; the wheel is {version}, scs's",
              file=sys.stderr)
    package = args.python_dir / IMPORT_NAME
    files: dict[str, tuple[bytes, int]] = {}  # archive path -> (bytes, mode)
    if (package / "__init__.py").is_file():
        for path in sorted(package.rglob("*")):
            rel = path.relative_to(args.python_dir).as_posix()
            if path.is_dir() or "__pycache__" in path.parts or path.suffix in (".pyc", ".pyo"):
                continue
            if rel.startswith(f"{IMPORT_NAME}/bin/"):
                continue
            files[rel] = (path.read_bytes(), 0o644)
    else:
        print(f"make_wheel: warning: {package}/__init__.py is missing; the wheel carries a minimal package "
              "that runs the binary (no Python API)", file=sys.stderr)
        files[f"{IMPORT_NAME}/__init__.py"] = (FALLBACK_INIT.encode(), 0o644)
        files[f"{IMPORT_NAME}/__main__.py"] = (FALLBACK_MAIN.encode(), 0o644)
    files[f"{IMPORT_NAME}/bin/scs"] = (args.binary.read_bytes(), 0o755)

    info = f"semantic_consistency_score-{version}.dist-info"
    readme = None
    if isinstance(project.get("readme"), str):
        readme = args.python_dir / project["readme"]
    elif (args.python_dir / "README.md").is_file():
        readme = args.python_dir / "README.md"
    files[f"{info}/METADATA"] = (metadata(project, version, readme).encode(), 0o644)
    files[f"{info}/WHEEL"] = (("Wheel-Version: 1.0\nGenerator: scs scripts/make_wheel.py\n"
                               f"Root-Is-Purelib: false\nTag: {tag}\n").encode(), 0o644)
    scripts = {"scs": entry_point(project, package)}
    scripts.update({k: v for k, v in project.get("scripts", {}).items() if k != "scs"})
    files[f"{info}/entry_points.txt"] = (("[console_scripts]\n" + "".join(f"{k} = {v}\n" for k, v in sorted(scripts.items())))
                                         .encode(), 0o644)
    if args.licenses and args.licenses.is_dir():
        for path in sorted(args.licenses.iterdir()):
            if path.is_file():
                files[f"{info}/licenses/{path.name}"] = (path.read_bytes(), 0o644)
    files[f"{info}/top_level.txt"] = (f"{IMPORT_NAME}\n".encode(), 0o644)

    record = "".join(f"{name},{record_hash(data)},{len(data)}\n" for name, (data, _) in sorted(files.items()))
    record += f"{info}/RECORD,,\n"
    files[f"{info}/RECORD"] = (record.encode(), 0o644)

    args.out.mkdir(parents=True, exist_ok=True)
    wheel = args.out / f"semantic_consistency_score-{version}-{tag}.whl"
    for old in args.out.glob("semantic_consistency_score-*.whl"):
        old.unlink()
    # RECORD last, as the spec recommends; everything else sorted, the .dist-info after the package.
    order = sorted(n for n in files if not n.startswith(info)) + sorted(n for n in files if n.startswith(info) and not n.endswith("/RECORD"))
    order.append(f"{info}/RECORD")
    with zipfile.ZipFile(wheel, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name in order:
            data, mode = files[name]
            zi = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            zi.external_attr = (stat.S_IFREG | mode) << 16
            zi.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(zi, data)
    print(f"make_wheel: {wheel} ({os.path.getsize(wheel)} bytes; console script scs = {scripts['scs']}; glibc {glibc})")


if __name__ == "__main__":
    main()
