"""``scs worker`` processes, one per (binary, model, options), kept alive for the Python session.

The protocol (see ``scs worker --help``): one JSON request per line on the worker's stdin, one
JSON response per line on its stdout, in order; ``{"ok": false, "error": ...}`` for a failed
request, after which the worker goes on. Its stderr (progress, notes) is read by a thread and
passed to the ``semantic_consistency`` logger at INFO level; the last lines are kept for errors.
"""
from __future__ import annotations

import atexit
import collections
import json
import logging
import os
import subprocess
import threading
from typing import Any, Deque, Dict, List, Optional, Sequence, Tuple

from ._errors import SCSError, error_from_stderr

__all__ = ["Worker", "get_worker", "shutdown"]

log = logging.getLogger("semantic_consistency")


class Worker:
    """One ``scs worker`` process: started on first use, a lock around each request/response,
    restarted once when it is found dead."""

    def __init__(self, binary: str, args: Sequence[str]) -> None:
        self.binary = binary
        self.args: Tuple[str, ...] = tuple(args)
        self._lock = threading.Lock()
        self._process: Optional["subprocess.Popen[bytes]"] = None
        self._stderr: Deque[str] = collections.deque(maxlen=200)
        self._stderr_thread: Optional[threading.Thread] = None
        self._next_id = 0
        #: The worker's answer to ``info`` when it started (model, fingerprint, kind, precision, load_seconds...).
        self.info: Dict[str, Any] = {}
        #: The last successful response (its ``seconds`` is the worker's own time for the request).
        self.last_response: Dict[str, Any] = {}
        #: How many processes this worker has started (1 normally; 2 after a restart).
        self.starts = 0

    # -- process ---------------------------------------------------------------------------
    def _start(self) -> None:
        self._stderr = collections.deque(maxlen=200)
        cmd = [self.binary, "worker", *self.args]
        log.debug("starting %s", " ".join(cmd))
        try:
            self._process = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                             stderr=subprocess.PIPE, bufsize=0, close_fds=True)
        except OSError as e:
            raise SCSError(f"cannot run {self.binary}: {e.strerror or e}") from None
        self.starts += 1
        self._stderr_thread = threading.Thread(target=self._drain_stderr, args=(self._process,),
                                               name="scs-worker-stderr", daemon=True)
        self._stderr_thread.start()
        # The worker loads the model before it reads a request: `info` answers once it is ready,
        # or the process ends with scs's `Error: ...` on stderr.
        info = self._exchange({"op": "info"}, starting=True)
        self.info = {k: v for k, v in info.items() if k not in ("id", "ok")}

    def _drain_stderr(self, process: "subprocess.Popen[bytes]") -> None:
        assert process.stderr is not None
        for raw in iter(process.stderr.readline, b""):
            line = raw.decode("utf-8", "replace").rstrip("\n")
            self._stderr.append(line)
            if line.strip():
                log.info("scs worker: %s", line.rstrip("\r"))

    def _alive(self) -> bool:
        return self._process is not None and self._process.poll() is None

    def _died(self, what: str) -> SCSError:
        """The error of a worker that stopped answering: scs's `Error:` line if it wrote one."""
        process = self._process
        code: Optional[int] = None
        if process is not None:
            try:
                code = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                code = process.wait()
            if self._stderr_thread is not None:
                self._stderr_thread.join(timeout=5)
        self._process = None
        return error_from_stderr("\n".join(self._stderr), code, what)

    def _exchange(self, request: Dict[str, Any], starting: bool = False) -> Dict[str, Any]:
        process = self._process
        assert process is not None and process.stdin is not None and process.stdout is not None
        self._next_id += 1
        request = {"id": self._next_id, **request}
        line = json.dumps(request, ensure_ascii=False) + "\n"
        try:
            process.stdin.write(line.encode("utf-8"))
            process.stdin.flush()
            raw = process.stdout.readline()
        except (BrokenPipeError, ConnectionResetError, OSError):
            raw = b""
        if not raw:
            what = "scs worker" + (" (starting)" if starting else f" (answering {request.get('op')})")
            raise _WorkerDied(self._died(what))
        try:
            response: Dict[str, Any] = json.loads(raw)
        except ValueError:
            raise SCSError(f"scs worker answered something that is not JSON: {raw[:120]!r}") from None
        if not isinstance(response, dict):
            raise SCSError(f"scs worker answered something that is not a JSON object: {raw[:120]!r}")
        if response.get("id") != request["id"]:
            raise SCSError(f"scs worker answered request {response.get('id')} to request {request['id']}")
        if not response.get("ok"):
            raise SCSError(str(response.get("error", "scs worker: the request failed")))
        return response

    # -- public ----------------------------------------------------------------------------
    def request(self, op: str, **fields: Any) -> Dict[str, Any]:
        """Sends one request and returns the worker's response (a dict with ``ok`` true).

        Raises SCSError with the worker's one-line message when the request fails. A worker found
        dead (it crashed, or was killed) is started again once and the request sent again.
        """
        body = {"op": op, **{k: v for k, v in fields.items() if v is not None}}
        with self._lock:
            for attempt in (0, 1):
                if not self._alive():
                    if self._process is not None:
                        self._died("scs worker")  # reap it
                    try:
                        self._start()
                    except _WorkerDied as died:
                        raise died.error from None
                try:
                    response = self._exchange(body)
                    self.last_response = response
                    return response
                except _WorkerDied as died:
                    if attempt == 1:
                        raise died.error from None
                    log.warning("scs worker stopped (%s); starting it again", died.error)
            raise AssertionError("unreachable")

    def ensure_started(self) -> Dict[str, Any]:
        """Starts the worker if it is not running (loading the model) and returns its info."""
        with self._lock:
            if not self._alive():
                try:
                    self._start()
                except _WorkerDied as died:
                    raise died.error from None
            return dict(self.info)

    def close(self, timeout: float = 5.0) -> None:
        """Ends the worker: closes its stdin (it exits at EOF), kills it if it does not."""
        with self._lock:
            process, self._process = self._process, None
            if process is None:
                return
            try:
                if process.stdin is not None:
                    process.stdin.close()
                process.wait(timeout=timeout)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
                process.wait()
            finally:
                if process.stdout is not None:
                    process.stdout.close()


class _WorkerDied(Exception):
    def __init__(self, error: SCSError) -> None:
        super().__init__(str(error))
        self.error = error


_pool: Dict[Tuple[str, Tuple[str, ...]], Worker] = {}
_pool_lock = threading.Lock()
_pool_pid = os.getpid()


def get_worker(binary: str, args: Sequence[str]) -> Worker:
    """The session's worker for this binary and these ``scs worker`` arguments (made on first use)."""
    global _pool_pid
    key = (binary, tuple(args))
    with _pool_lock:
        if _pool_pid != os.getpid():
            # A forked child (multiprocessing): the parent's workers and their pipes stay the parent's.
            _pool.clear()
            _pool_pid = os.getpid()
        worker = _pool.get(key)
        if worker is None:
            worker = _pool[key] = Worker(binary, args)
    return worker


def workers() -> List[Worker]:
    """The workers made in this session."""
    with _pool_lock:
        return list(_pool.values())


def shutdown() -> None:
    """Ends every worker of the session (also done at exit)."""
    with _pool_lock:
        all_workers = list(_pool.values()) if _pool_pid == os.getpid() else []
        _pool.clear()
    for worker in all_workers:
        worker.close()


atexit.register(shutdown)
