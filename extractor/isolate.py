"""One document in a child process under a memory cap: what ``ogi extract`` does per file.

The readers bound their own work (time budgets, cell counts, PDF page bounds), but a cap on the
whole process is the last line of defence, as for ``ogi batch`` workers: the child sets
``RLIMIT_AS`` to ``memory_mb`` and extracts; its :class:`~extractor.pipeline.ExtractionResult`
comes back pickled through a pipe. Python's own allocations then fail with ``MemoryError``
(→ ``out_of_memory``), and a native library that aborts instead (pdfium does, under an
address-space cap) kills only the child: the parent reports ``worker_crashed`` with the signal
as one line, never a silent SIGABRT. A child still running long after the document's time budgets
(:func:`hard_timeout`) is killed and reported as ``timeout``.

Where ``os.fork`` is missing (Windows) or ``memory_mb`` is 0, the document is read in-process.
"""

from __future__ import annotations

import contextlib
import faulthandler
import os
import pickle
import resource
import selectors
import signal
import struct
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from extractor.errors import OgiError, OutOfMemory, ReaderCrashed, ReadTimeout
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    from extractor.pipeline import ExtractionResult

DEFAULT_MEMORY_MB = 2048
"""Address-space cap per document (the same default as ``ogi batch --memory-mb``)."""


def extract(source: str | Path | bytes, *, name: str | None = None, settings: Settings = DEFAULT_SETTINGS
            ) -> ExtractionResult:
    """:func:`extractor.pipeline.extract`, imported on first use (and patchable here)."""
    from extractor.pipeline import extract as pipeline_extract

    return pipeline_extract(source, name=name, settings=settings)


def hard_timeout(settings: Settings) -> float:
    """Wall-clock limit for the child: reading and locating each have ``timeout_s``, a converter
    its own, plus slack for process start-up and pickling."""
    return 2 * settings.timeout_s + settings.converter_timeout_s + 30.0


def extract_isolated(
    source: str | Path | bytes,
    *,
    name: str | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    memory_mb: int = DEFAULT_MEMORY_MB,
    extract_fn: Callable[..., ExtractionResult] | None = None,
) -> ExtractionResult:
    """:func:`~extractor.pipeline.extract` (or ``extract_fn``) in a child process capped at
    ``memory_mb`` MB of address space (see the module docstring). Never raises for a bad document."""
    # imported here, before the fork: the child inherits the pipeline and the parent unpickles the
    # result with it, instead of each importing it (``ogi --version`` imports this module too)
    from extractor.pipeline import ExtractionResult

    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    fn = extract_fn or extract
    if memory_mb <= 0 or not hasattr(os, "fork"):
        return fn(source, name=name, settings=settings)
    t0 = time.perf_counter()
    read_fd, write_fd = os.pipe()
    grant_read, grant_write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - runs in the child (measured through the parent's result)
        os.close(read_fd)
        os.close(grant_read)
        _child(write_fd, fn, source, name, settings, memory_mb, grant_write)
    os.close(write_fd)
    os.close(grant_write)
    payload, timed_out, granted = _read_all(read_fd, time.monotonic() + hard_timeout(settings), grant_read)
    if timed_out:
        os.kill(pid, signal.SIGKILL)
    _, status = os.waitpid(pid, 0)
    elapsed = (time.perf_counter() - t0) * 1000
    error: OgiError
    if timed_out:
        error = ReadTimeout(f"still running after {hard_timeout(settings) + granted:g} s; the reading process was killed")
    elif os.WIFSIGNALED(status):
        sig = signal.Signals(os.WTERMSIG(status)).name
        error = ReaderCrashed(
            f"the process reading the document died of {sig} (over the {memory_mb:,} MB memory cap, "
            "or a crash in a native library)"
        )
    else:
        try:
            result = pickle.loads(payload)
        except Exception:
            result = None
        if isinstance(result, ExtractionResult):
            return result
        error = ReaderCrashed(f"the process reading the document exited with status {os.WEXITSTATUS(status)} and no result")
    error.source = label
    return ExtractionResult(source=label, status="failed", error=error, elapsed_ms=elapsed)


def _child(fd: int, fn: Callable[..., ExtractionResult], source: str | Path | bytes, name: str | None,
           settings: Settings, memory_mb: int, grant_fd: int | None = None) -> None:  # pragma: no cover
    from extractor import budget
    from extractor.pipeline import ExtractionResult

    code = 0
    try:
        if grant_fd is not None:
            # Each OCR page's time allowance extends the parent's wall-clock limit too.
            budget.on_grant = lambda seconds: _send_grant(grant_fd, seconds)
        signal.signal(signal.SIGINT, signal.SIG_DFL)
        faulthandler.disable()  # a dying child is reported by the parent, in one line
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
        try:
            data = pickle.dumps(fn(source, name=name, settings=settings), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:  # MemoryError, or a library's own out-of-memory error (lxml's serialiser)
            error: OgiError
            if isinstance(exc, MemoryError) or "memory" in str(exc).lower():
                error = OutOfMemory(f"reading the document needed more than the {memory_mb:,} MB memory cap (--memory-mb)")
            else:
                error = ReaderCrashed(f"internal error: {type(exc).__name__}: {exc}")
            error.source = label
            data = pickle.dumps(ExtractionResult(source=label, status="failed", error=error))
        with os.fdopen(fd, "wb") as f:
            f.write(data)
    except BaseException:
        code = 70
    finally:
        os._exit(code)


def _send_grant(fd: int, seconds: float) -> None:  # pragma: no cover - runs in the child
    with contextlib.suppress(OSError):
        os.write(fd, _GRANT.pack(seconds))


_GRANT = struct.Struct("!d")


def _read_all(fd: int, deadline: float, grant_fd: int | None = None) -> tuple[bytes, bool, float]:
    """Everything the child writes until it closes the pipe, or ``timed_out`` at the deadline;
    the seconds the child's budget was granted (:data:`extractor.budget.on_grant`) extend it."""
    chunks: list[bytes] = []
    granted = 0.0
    pending = b""
    with selectors.DefaultSelector() as sel:
        sel.register(fd, selectors.EVENT_READ)
        if grant_fd is not None:
            sel.register(grant_fd, selectors.EVENT_READ)
        try:
            while True:
                left = deadline + granted - time.monotonic()
                if left <= 0:
                    return b"".join(chunks), True, granted
                for key, _ in sel.select(min(left, 1.0)):
                    chunk = os.read(key.fd, 1 << 20)
                    if key.fd == grant_fd:
                        if not chunk:
                            sel.unregister(grant_fd)
                            continue
                        pending += chunk
                        whole = len(pending) - len(pending) % _GRANT.size
                        granted += sum(x for (x,) in _GRANT.iter_unpack(pending[:whole]))
                        pending = pending[whole:]
                        continue
                    if not chunk:
                        return b"".join(chunks), False, granted
                    chunks.append(chunk)
        finally:
            os.close(fd)
            if grant_fd is not None:
                os.close(grant_fd)
