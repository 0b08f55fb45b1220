"""``python -m semantic_consistency ARGS`` and the console script ``scs``: run the scs CLI."""
from __future__ import annotations

import os
import sys

from ._binary import scs_binary
from ._errors import SCSError


def main() -> None:
    """Runs scs with this process's arguments (exec: its exit code and output are scs's own)."""
    try:
        exe = scs_binary()
    except SCSError as e:
        print(f"Error: {e}", file=sys.stderr)
        sys.exit(1)
    os.execv(exe, [exe] + sys.argv[1:])


if __name__ == "__main__":
    main()
