"""The one exception type of the package."""
from __future__ import annotations

from typing import Optional

__all__ = ["SCSError", "error_from_stderr"]


class SCSError(RuntimeError):
    """An error of scs, with its one-line message.

    ``message`` is what scs printed after ``Error:`` (the CLI) or the worker's ``"error"``; for a
    problem found on the Python side (a missing binary, an argument of the wrong type) it is this
    package's own one-line message. ``str(error)`` is the message.
    """

    def __init__(self, message: str, *, exit_code: Optional[int] = None) -> None:
        super().__init__(message)
        self.message: str = message
        #: The exit status of the scs process, when one exited.
        self.exit_code: Optional[int] = exit_code

    def __str__(self) -> str:
        return self.message


def error_from_stderr(stderr: str, exit_code: Optional[int], what: str) -> SCSError:
    """The SCSError for a scs process that failed: its ``Error: ...`` line, else its last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in lines:
        if line.startswith("Error: "):
            return SCSError(line[len("Error: "):], exit_code=exit_code)
    tail = lines[-1] if lines else "no message on stderr"
    return SCSError(f"{what} exited with status {exit_code}: {tail}", exit_code=exit_code)
