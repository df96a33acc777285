"""Batch runs: many documents → one warehouse (``ogi batch``; layout in ``docs/warehouse.md``).

The run has three stages:

1. **Plan** (main process): walk files, folders (recursively), globs and zip archives (members are
   read in place, never unpacked to disk; unsafe names, bombs and huge members are skipped), hash
   every document (sha256 of its bytes) and merge documents with the same bytes into one job that
   carries all their paths. Hashes already in the output are skipped (resume) unless ``force``.
2. **Extract** (worker processes, or a Dask cluster): :func:`extract_record` per document, under a
   time limit and a memory cap. A worker that dies marks its document ``failed``; the run goes on.
3. **Write** (main process, one writer): whole documents per transaction, so a killed run never
   leaves a half-written report.

:func:`extract_record` is the per-document function, usable on its own from Spark, Ray or Dask.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import multiprocessing
import os
import resource
import signal
import sys
import time
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from extractor.errors import FileTooLarge, OgiError
from extractor.pipeline import ExtractionResult, __version__, extract
from extractor.readers import sniff
from extractor.records.models import SCHEMA_VERSION, Report, Severity
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # the writers pull in pyarrow and duckdb: imported only when a batch runs
    from extractor.writers import Record, Writer

DOC_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".tsv", ".htm", ".html", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps", ".rtf"}
)
"""Suffixes picked up when walking folders and archives (files named explicitly are always read)."""

# Batch-level error codes, in addition to extractor.errors.ERROR_CODES.
TIMEOUT = "timeout"
OUT_OF_MEMORY = "out_of_memory"
WORKER_CRASHED = "worker_crashed"
INTERNAL_ERROR = "internal_error"
CHANGED = "changed_during_run"


@dataclass(frozen=True, slots=True)
class ZipGuard:
    """Limits for reading zip archives in place."""

    max_member_bytes: int = DEFAULT_SETTINGS.max_bytes
    max_ratio: float = 200.0
    """Members that expand more than this (and past 1 MiB) are treated as bombs."""
    max_archive_bytes: int = 8 * 1024**3
    max_members: int = 200_000


@dataclass(frozen=True, slots=True)
class Source:
    """Where one document's bytes live: a file, or a member of a zip archive."""

    path: str
    """Display path; ``archive.zip!dir/member.pdf`` for archive members."""
    file: str
    member: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class Job:
    sha256: str
    source: Source
    paths: list[str]
    size: int


# ---------------------------------------------------------------------------------------------
# Walking inputs


def _is_glob(s: str) -> bool:
    return any(c in s for c in "*?[")


def iter_sources(inputs: Iterable[str | Path], guard: ZipGuard = ZipGuard()) -> Iterator[Source | Skipped]:
    """Documents named by files, folders (recursive), globs and zip archives, in a stable order."""
    for item in inputs:
        s = str(item)
        p = Path(s)
        if not p.exists() and _is_glob(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                yield Skipped(s, "no_match")
            for m in matches:
                yield from _walk(Path(m), explicit=not Path(m).is_dir(), guard=guard)
        elif not p.exists():
            yield Skipped(s, "missing")
        else:
            yield from _walk(p, explicit=True, guard=guard)


def _walk(p: Path, *, explicit: bool, guard: ZipGuard) -> Iterator[Source | Skipped]:
    if p.is_dir():
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                child = Path(root) / name
                if child.suffix.lower() == ".zip" or child.suffix.lower() in DOC_SUFFIXES:
                    yield from _walk(child, explicit=False, guard=guard)
        return
    if p.suffix.lower() == ".zip" and zipfile.is_zipfile(p):
        yield from _zip_members(p, guard)
    elif explicit or p.suffix.lower() in DOC_SUFFIXES:
        yield Source(path=str(p), file=str(p))


def unsafe_member(name: str) -> bool:
    """Absolute paths, drive letters and ``..`` parts: names that would escape an extraction folder."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return True
    return any(part == ".." for part in n.split("/"))


def _zip_members(p: Path, guard: ZipGuard) -> Iterator[Source | Skipped]:
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Skipped(str(p), f"corrupt_archive: {exc}")
        return
    with zf:
        total = 0
        for i, info in enumerate(zf.infolist()):
            shown = f"{p}!{info.filename}"
            if i >= guard.max_members:
                yield Skipped(str(p), f"too_many_members: stopped after {guard.max_members}")
                return
            if info.is_dir():
                continue
            base = info.filename.replace("\\", "/").rsplit("/", 1)[-1]
            if unsafe_member(info.filename):
                yield Skipped(shown, "unsafe_path")
                continue
            if base.startswith(".") or info.filename.startswith("__MACOSX/"):
                continue
            suffix = Path(base).suffix.lower()
            if suffix == ".zip":
                yield Skipped(shown, "nested_archive")
                continue
            if suffix not in DOC_SUFFIXES:
                continue
            if info.flag_bits & 0x1:
                yield Skipped(shown, "encrypted_member")
                continue
            if info.file_size > guard.max_member_bytes:
                yield Skipped(shown, f"too_large: {info.file_size:,} bytes")
                continue
            if info.file_size > 1024**2 and info.file_size > guard.max_ratio * max(info.compress_size, 1):
                yield Skipped(shown, "zip_bomb: compression ratio")
                continue
            total += info.file_size
            if total > guard.max_archive_bytes:
                yield Skipped(str(p), f"archive_too_large: stopped after {guard.max_archive_bytes:,} bytes")
                return
            yield Source(path=shown, file=str(p), member=info.filename)


def load_source(src: Source, limit: int) -> bytes:
    """The document's bytes, reading at most ``limit + 1`` (so a lying zip header cannot blow up)."""
    if src.member is None:
        with open(src.file, "rb") as fh:
            return fh.read(limit + 1)
    with zipfile.ZipFile(src.file) as zf, zf.open(src.member) as fh:
        return fh.read(limit + 1)


def _hash_file(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def plan(inputs: Iterable[str | Path], settings: Settings = DEFAULT_SETTINGS,
         guard: ZipGuard | None = None) -> tuple[dict[str, Job], list[Skipped]]:
    """Hash every document; the same bytes under several names become one job with all paths."""
    guard = guard or ZipGuard(max_member_bytes=settings.max_bytes)
    jobs: dict[str, Job] = {}
    skipped: list[Skipped] = []
    for item in iter_sources(inputs, guard):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            if item.member is None:
                sha, size = _hash_file(item.file)
            else:
                data = load_source(item, settings.max_bytes)
                if len(data) > settings.max_bytes:
                    skipped.append(Skipped(item.path, "zip_bomb: member larger than its header says"))
                    continue
                sha, size = hashlib.sha256(data).hexdigest(), len(data)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
            # corrupt deflate data or an unsupported zip method in one member skips that member only
            skipped.append(Skipped(item.path, f"unreadable: {exc}"))
            continue
        job = jobs.get(sha)
        if job is None:
            jobs[sha] = Job(sha, item, [item.path], size)
        elif item.path not in job.paths:
            job.paths.append(item.path)
    for job in jobs.values():
        job.paths.sort()
    return jobs, skipped


# ---------------------------------------------------------------------------------------------
# Records (the per-document function)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def failed_record(sha256: str, paths: Sequence[str], code: str, message: str, *,
                  reader: str | None = None, elapsed_ms: float = 0.0) -> Record:
    report: dict[str, Any] = {
        "sha256": sha256, "paths": list(paths), "reader": reader, "status": "failed",
        "error_code": code, "error_message": " ".join(message.split()), "n_figures": 0, "n_findings": 0,
        "n_errors": 0, "elapsed_ms": round(elapsed_ms, 3), "extractor_version": __version__,
        "schema_version": SCHEMA_VERSION, "extracted_at": _now(),
    }
    return {"report": report, "figures": [], "findings": []}


def _figure_rows(sha: str, report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for f in report.figures():
        r, v = f.ref, f.flat_value
        rows.append({
            "sha256": sha, "key": f.key, "value": None if v is None else float(v), "state": f.state.value,
            "raw": f.raw, "unit": f.unit, "inferred": f.inferred, "page": r.page, "table_index": r.table,
            "row_index": r.row, "col_index": r.col, "line": r.line,
        })
    for ff in report.pre2019:
        r = ff.ref
        rows.append({
            "sha256": sha, "key": ff.key, "value": float(ff.value), "state": "number", "raw": f"{ff.label}: {ff.raw}",
            "unit": ff.unit, "inferred": False, "page": r.page, "table_index": r.table, "row_index": r.row,
            "col_index": r.col, "line": r.line,
        })
    return rows


def record_from_result(sha256: str, paths: Sequence[str], result: ExtractionResult,
                       reader: str | None = None) -> Record:
    """Warehouse rows for one :class:`ExtractionResult`."""
    if result.report is None:
        err = result.error
        return failed_record(sha256, paths, err.code if err else INTERNAL_ERROR,
                             err.message if err else "no report and no error", reader=reader,
                             elapsed_ms=result.elapsed_ms)
    rep = result.report
    meta = rep.meta
    figures = _figure_rows(sha256, rep)
    findings = [{
        "sha256": sha256, "code": f.code, "severity": f.severity.value, "message": f.message,
        "expression": f.expression, "expected": None if f.expected is None else float(f.expected),
        "actual": None if f.actual is None else float(f.actual), "cells": list(f.cells),
    } for f in rep.findings]
    report: dict[str, Any] = {
        "sha256": sha256, "paths": list(paths), "reader": meta.reader or reader, "title": meta.title,
        "organ": meta.organ, "organ_in_title": meta.organ_in_title, "report_year": meta.report_year,
        "year_confirmed": meta.year_confirmed, "published": meta.published, "template": meta.template,
        "page_count": meta.page_count, "status": result.status, "error_code": None, "error_message": None,
        "n_figures": len(figures), "n_findings": len(findings),
        "n_errors": sum(1 for f in rep.findings if f.severity is Severity.ERROR),
        "elapsed_ms": round(result.elapsed_ms, 3), "extractor_version": rep.extractor_version or __version__,
        "schema_version": rep.schema_version, "extracted_at": _now(),
    }
    return {"report": report, "figures": figures, "findings": findings}


def _sniff(data: bytes, name: str) -> str | None:
    try:
        return sniff(data, name)
    except OgiError:
        return None


def extract_record(source: str | Path | bytes, name: str | None = None, *,
                   settings: Settings = DEFAULT_SETTINGS, paths: Sequence[str] | None = None) -> Record:
    """Extract one document into warehouse rows: ``{"report": {...}, "figures": [...], "findings": [...]}``.

    Never raises for a bad document (a ``failed`` report row carries the error code). The rows match
    the tables of :mod:`extractor.writers.schema`; this is the function to map over a Spark or Ray
    dataset of ``(path, bytes)`` pairs.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    shown = list(paths) if paths is not None else [label]
    if isinstance(source, bytes):
        data = source
    else:
        try:
            size = os.stat(source).st_size
            if size > settings.max_bytes:
                sha, _ = _hash_file(str(source))
                err = FileTooLarge(f"{size:,} bytes is over the {settings.max_bytes:,}-byte limit")
                return failed_record(sha, shown, err.code, err.message)
            data = Path(source).read_bytes()
        except OSError as exc:
            return failed_record(hashlib.sha256(b"").hexdigest(), shown, "read_error", f"cannot read file: {exc}")
    sha = hashlib.sha256(data).hexdigest()
    return record_from_result(sha, shown, extract(data, name=label, settings=settings), _sniff(data, label))


# ---------------------------------------------------------------------------------------------
# Worker side


class _Deadline(BaseException):
    """Raised by SIGALRM inside a worker (a BaseException so readers' ``except Exception`` miss it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Deadline


def _init_worker(memory_mb: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def run_job(job: Job, settings: Settings, timeout: float | None = None) -> Record:
    """Extract one planned job (in a worker). Always returns a record; ``timeout`` uses SIGALRM."""
    t0 = time.perf_counter()
    alarm = timeout is not None and timeout > 0 and _main_thread()
    if alarm:
        old = signal.signal(signal.SIGALRM, _on_alarm)
        signal.setitimer(signal.ITIMER_REAL, float(timeout or 0))
    try:
        data = load_source(job.source, settings.max_bytes)
        sha = hashlib.sha256(data).hexdigest()
        if sha != job.sha256:
            return failed_record(job.sha256, job.paths, CHANGED, "the file changed between planning and extraction")
        result = extract(data, name=job.source.path, settings=settings)
        rec = record_from_result(job.sha256, job.paths, result, _sniff(data, job.source.path))
        return _pack(rec)
    except _Deadline:
        return failed_record(job.sha256, job.paths, TIMEOUT, f"extraction took longer than {timeout:g} s",
                             elapsed_ms=(time.perf_counter() - t0) * 1000)
    except MemoryError:
        return failed_record(job.sha256, job.paths, OUT_OF_MEMORY, "the document exceeded the worker memory cap",
                             elapsed_ms=(time.perf_counter() - t0) * 1000)
    except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError) as exc:
        return failed_record(job.sha256, job.paths, "read_error", f"cannot read: {exc}")
    except Exception as exc:  # a bug in the extractor must not stop the batch
        return failed_record(job.sha256, job.paths, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}",
                             elapsed_ms=(time.perf_counter() - t0) * 1000)
    finally:
        if alarm:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, old)


def _pack(rec: Record) -> Record:
    """Columns instead of row dicts: much cheaper to pickle back to the writer process."""
    from extractor.writers.base import as_columns  # light: pyarrow is imported only by to_arrow's callers

    return {"report": rec["report"], "figures": as_columns("figures", rec["figures"]),
            "findings": as_columns("findings", rec["findings"])}


def _main_thread() -> bool:
    import threading

    return threading.current_thread() is threading.main_thread()


# ---------------------------------------------------------------------------------------------
# Engines: yield one record per job, in completion order


def _mp_context() -> multiprocessing.context.BaseContext:
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file is not None and not os.path.exists(main_file):
        # `python - < script`: spawned children could not re-import __main__; fork instead
        return multiprocessing.get_context("fork")
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["extractor.batch", "extractor.readers.text", "extractor.readers.html"])
        return ctx
    return multiprocessing.get_context("spawn")


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    procs = getattr(pool, "_processes", None) or {}
    for proc in list(procs.values()):
        with contextlib.suppress(OSError, AttributeError):
            proc.kill()


JobFn = Callable[[Job, Settings, "float | None"], "Record"]


def run_local(jobs: Sequence[Job], settings: Settings, *, workers: int, timeout: float | None,
              memory_mb: int, fn: JobFn = run_job) -> Iterator[Record]:
    """Run jobs on a process pool. A dead worker breaks the pool: it is recreated, the documents
    that were in flight are retried one at a time, and the one that kills a worker alone fails."""
    ctx = _mp_context()
    todo = list(reversed(jobs))
    suspects: list[Job] = []
    grace = 10.0 if timeout else 0.0
    deadline = (2 * timeout + grace) if timeout else None

    def new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=_init_worker,
                                   initargs=(memory_mb,))

    pool = new_pool()
    running: dict[Future[Record], tuple[Job, float]] = {}
    solo: Future[Record] | None = None
    try:
        while todo or suspects or running:
            # suspects run alone so that a crash points at exactly one document
            if suspects:
                if not running:
                    job = suspects.pop()
                    solo = pool.submit(fn, job, settings, timeout)
                    running[solo] = (job, time.monotonic())
            else:
                while todo and len(running) < 2 * workers:
                    job = todo.pop()
                    running[pool.submit(fn, job, settings, timeout)] = (job, time.monotonic())
            done, _ = wait(list(running), timeout=1.0, return_when=FIRST_COMPLETED)
            broken = False
            for fut in done:
                job, _t = running.pop(fut)
                try:
                    yield fut.result()
                except BrokenProcessPool:
                    broken = True
                    if fut is solo:
                        yield failed_record(job.sha256, job.paths, WORKER_CRASHED,
                                            "the worker process died (memory cap, crash or kill) on this document")
                    else:
                        suspects.append(job)
                except Exception as exc:  # pickling problems and the like
                    yield failed_record(job.sha256, job.paths, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
            if deadline is not None and not broken:
                now = time.monotonic()
                late = [f for f, (_j, t) in running.items() if now - t > deadline]
                if late:
                    _kill_workers(pool)
                    for f in late:
                        job, _t = running.pop(f)
                        yield failed_record(job.sha256, job.paths, TIMEOUT,
                                            f"no answer after {deadline:g} s; the worker was killed")
                    broken = True
            if broken:
                for _f, (job, _t) in running.items():
                    suspects.append(job)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        if running:  # interrupted: do not wait for documents nobody will store
            _kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)


def _dask_task(job: Job, settings: Settings, timeout: float | None) -> Record:
    return run_job(job, settings, timeout)


def run_dask(jobs: Sequence[Job], settings: Settings, *, scheduler: str | None, timeout: float | None,
             workers: int) -> Iterator[Record]:
    """Map :func:`run_job` over a Dask distributed cluster; records come back to this process's writer.

    Inputs must be readable at the same paths on the workers (a shared filesystem). The per-document
    time limit works through SIGALRM only where tasks run on a main thread; the readers' own
    budgets (``Settings.timeout_s``) always apply.
    """
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise OgiError('the Dask engine needs the optional extra: pip install "ogi-extractor[dask]"') from exc
    dist: Any = distributed
    cluster: Any = None
    if scheduler:
        client: Any = dist.Client(scheduler)
    else:
        cluster = dist.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True)
        client = dist.Client(cluster)
    try:
        pending = list(jobs)
        window = max(64, 8 * workers)
        futures: Any = dist.as_completed()
        index: dict[Any, Job] = {}

        def submit(job: Job) -> None:
            fut = client.submit(_dask_task, job, settings, timeout, key=f"ogi-{job.sha256}", pure=False)
            index[fut.key] = job
            futures.add(fut)

        pending.reverse()
        for _ in range(min(window, len(pending))):
            submit(pending.pop())
        for fut in futures:
            job = index.pop(fut.key)
            try:
                yield fut.result()
            except Exception as exc:  # worker lost, killed, pickling…
                yield failed_record(job.sha256, job.paths, WORKER_CRASHED, f"dask task failed: {type(exc).__name__}: {exc}")
            if pending:
                submit(pending.pop())
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


# ---------------------------------------------------------------------------------------------
# Crawl sidecars (``ogi crawl`` stores ``<document>.json`` beside each document it downloads)


def sidecar_meta(paths: Sequence[str]) -> dict[str, Any] | None:
    """The page metadata a crawler stored beside one of these files (``<file>.json``), if any."""
    for p in paths:
        side = Path(p + ".json")
        if "!" in p or not side.is_file():
            continue
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return None


def apply_sidecar(rec: Record) -> Record:
    """Source URLs go into ``paths``; the page's title and publication date fill a report row that
    has none (a PDF rarely prints its publication date; the page around it does)."""
    rep = rec["report"]
    meta = sidecar_meta(rep.get("paths") or [])
    if meta is None:
        return rec
    urls = [u for u in [meta.get("url"), *(meta.get("urls") or [])] if isinstance(u, str) and u]
    rep["paths"] = list(dict.fromkeys([*rep.get("paths", []), *urls]))
    rep["url"] = urls[0] if urls else None
    if not rep.get("title") and isinstance(meta.get("title"), str):
        rep["title"] = meta["title"]
    if not rep.get("published") and isinstance(meta.get("published"), str):
        from extractor.locate.meta import parse_date

        rep["published"] = parse_date(meta["published"])
    return rec


# ---------------------------------------------------------------------------------------------
# The batch


@dataclass(slots=True)
class BatchSummary:
    out: str
    documents: int = 0
    """Distinct documents (by content hash) named by the inputs."""
    already_stored: int = 0
    extracted: int = 0
    ok: int = 0
    with_findings: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    figures: int = 0
    duplicate_paths: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    elapsed_s: float = 0.0

    @property
    def docs_per_s(self) -> float:
        return self.extracted / self.elapsed_s if self.elapsed_s > 0 else 0.0

    def add(self, rec: Record) -> None:
        rep = rec["report"]
        self.extracted += 1
        self.figures += int(rep.get("n_figures") or 0)
        if rep["status"] == "ok":
            self.ok += 1
        elif rep["status"] == "findings":
            self.with_findings += 1
        else:
            self.failed[str(rep["error_code"])] += 1

    def line(self) -> str:
        failed = sum(self.failed.values())
        by_code = ", ".join(f"{k}: {v}" for k, v in sorted(self.failed.items()))
        parts = [
            f"{self.documents:,} documents",
            f"{self.ok:,} ok",
            f"{self.with_findings:,} with findings",
            f"{failed:,} failed" + (f" ({by_code})" if by_code else ""),
            f"{self.figures:,} figures",
        ]
        if self.already_stored:
            parts.insert(1, f"{self.already_stored:,} already stored")
        if self.skipped:
            parts.append(f"{len(self.skipped):,} skipped")
        return (f"ogi batch: {'; '.join(parts)}; {self.elapsed_s:.1f} s, {self.docs_per_s:.1f} docs/s → {self.out}")


ProgressHook = Callable[[str, int], None]
"""``hook("total", n)`` once after planning, then ``hook("done", 1)`` per stored document."""


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path = "reports.duckdb",
    *,
    fmt: str | None = None,
    workers: int | None = None,
    timeout: float | None = 120.0,
    memory_mb: int = 2048,
    force: bool = False,
    engine: str = "local",
    scheduler: str | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    progress: ProgressHook | None = None,
    writer: Writer | None = None,
    commit_every: int = 64,
    commit_seconds: float = 1.0,
    job_fn: JobFn = run_job,
) -> BatchSummary:
    """Extract every document named by ``inputs`` into the warehouse ``out``; see the module doc."""
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    summary = BatchSummary(out=str(out))
    jobs, skipped = plan(inputs, settings)
    summary.skipped = skipped
    summary.documents = len(jobs)
    summary.duplicate_paths = sum(len(j.paths) - 1 for j in jobs.values())
    if writer is None:
        from extractor.writers import open_writer

        writer = open_writer(out, fmt)
    known = writer.start(replace=set(jobs) if force else ())
    todo: list[Job] = []
    big: list[Record] = []
    for sha, job in jobs.items():
        if sha in known:
            summary.already_stored += 1
            if not set(job.paths) <= set(known[sha]):
                writer.add_paths(sha, job.paths)
        elif job.size > settings.max_bytes:
            big.append(failed_record(sha, job.paths, "too_large",
                                     f"{job.size:,} bytes is over the {settings.max_bytes:,}-byte limit"))
        else:
            todo.append(job)
    if progress:
        progress("total", len(todo) + len(big))
    pending: list[Record] = []
    last = time.monotonic()

    def commit() -> None:
        nonlocal last
        if pending:
            writer.write(pending)
            for rec in pending:
                summary.add(rec)
            if progress:
                progress("done", len(pending))
            pending.clear()
        last = time.monotonic()

    try:
        pending.extend(apply_sidecar(rec) for rec in big)
        records: Iterator[Record]
        if engine == "dask":
            records = run_dask(todo, settings, scheduler=scheduler, timeout=timeout, workers=workers)
        elif not todo:
            records = iter(())
        else:
            records = run_local(todo, settings, workers=workers, timeout=timeout, memory_mb=memory_mb, fn=job_fn)
        for rec in records:
            pending.append(apply_sidecar(rec))
            if len(pending) >= commit_every or time.monotonic() - last >= commit_seconds:
                commit()
        commit()
    finally:
        try:
            commit()  # on Ctrl-C, keep what is finished
        finally:
            writer.finish()
            summary.elapsed_s = time.perf_counter() - t0
    return summary


__all__ = [
    "BatchSummary",
    "Job",
    "Skipped",
    "Source",
    "ZipGuard",
    "extract_record",
    "iter_sources",
    "plan",
    "run_batch",
    "run_job",
]
