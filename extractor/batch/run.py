"""Running a batch: worker processes (local pool) or a Dask cluster extract, the main process writes."""

from __future__ import annotations

import contextlib
import gc
import hashlib
import multiprocessing
import os
import resource
import select
import signal
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from pathlib import Path
from types import FrameType
from typing import TYPE_CHECKING, Any

from extractor.batch.crossyear import CrossYear
from extractor.batch.dedupe import update_dataset
from extractor.batch.records import (
    CHANGED,
    INTERNAL_ERROR,
    OUT_OF_MEMORY,
    TIMEOUT,
    WORKER_CRASHED,
    failed_record,
    record_from_result,
    sniff_format,
)
from extractor.batch.sink import Sink
from extractor.batch.sources import Job, apply_sidecar, check_inputs, load_source, plan
from extractor.batch.summary import BatchSummary, ProgressHook
from extractor.errors import OgiError
from extractor.pipeline import collector_paused, extract
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # the writers pull in duckdb: imported only when a batch runs
    from extractor.writers import Record, Writer

# ---------------------------------------------------------------------------------------------
# Worker side


class _Deadline(BaseException):
    """Raised by SIGALRM inside a worker (a BaseException so readers' ``except Exception`` miss it)."""


def _on_alarm(signum: int, frame: FrameType | None) -> None:
    raise _Deadline


def _init_worker(memory_mb: int, parent_pid: int | None = None) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's business
    if parent_pid is not None:
        watch_parent(parent_pid)
    if memory_mb > 0:
        limit = memory_mb * 1024 * 1024
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def watch_parent(pid: int, poll_s: float = 1.0) -> threading.Thread:
    """Exit this process as soon as process ``pid`` (the batch's main process) is gone.

    A worker's parent is the forkserver, not the main process, so neither a parent-death signal nor
    ``os.getppid()`` notices a SIGKILLed ``ogi batch``; and while a worker lives, the forkserver
    (which exits when its last client is gone) and the resource tracker live too. A daemon thread
    waits on a pidfd of the main process (Linux ≥ 5.3; elsewhere it polls ``kill(pid, 0)``) and ends
    the worker with ``os._exit``, which takes the forkserver and the tracker down after it.
    """

    def gone() -> bool:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
        return False

    def wait() -> None:
        fd: int | None = None
        try:
            fd = os.pidfd_open(pid)
        except ProcessLookupError:
            os._exit(70)
        except (AttributeError, OSError):
            fd = None
        if fd is not None:
            select.select([fd], [], [])
        else:
            while not gone():
                time.sleep(poll_s)
        os._exit(70)

    thread = threading.Thread(target=wait, name="ogi-parent-watch", daemon=True)
    thread.start()
    return thread


def run_job(job: Job, settings: Settings, timeout: float | None = None) -> Record:
    """Extract one planned job (in a worker). Always returns a record; ``timeout`` uses SIGALRM.

    The cyclic collector is paused for the whole job, as :func:`extract` pauses it for the
    document: the report survives ``extract()`` while its rows are built, and a collection falling
    due then walked all of it (about 0.2 ms of worker CPU per document, 5% of a job)."""
    with collector_paused():
        return _run_job(job, settings, timeout)


def _run_job(job: Job, settings: Settings, timeout: float | None) -> Record:
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
        # the reader's name comes from the report; the format is sniffed only when there is none
        known = result.report is not None and result.report.meta.reader
        return record_from_result(job.sha256, job.paths, result, None if known else sniff_format(data, job.source.path),
                                  packed=True)
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


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


# ---------------------------------------------------------------------------------------------
# Engines: yield one record per job, in completion order


FORKSERVER_PRELOAD: tuple[str, ...] = (
    "extractor.batch.run", "extractor.readers.text", "extractor.readers.html",
    # what extract() imports on first use for text the aligner reads (crawler dumps, PDF text):
    # loaded lazily so that `ogi extract` starts quickly, and then imported by every worker of every
    # run, about 17 ms of CPU each; once in the fork server instead (a missing module is skipped)
    "extractor.locate.align.rows", "extractor.mapping.resolve", "extractor.mapping.mixed", "extractor.mapping.solve",
)
"""Modules the fork server imports before it forks workers."""


def _mp_context() -> multiprocessing.context.BaseContext:
    main_file = getattr(sys.modules.get("__main__"), "__file__", None)
    if main_file is not None and not os.path.exists(main_file):
        # `python - < script`: spawned children could not re-import __main__; fork instead
        return multiprocessing.get_context("fork")
    if sys.platform.startswith("linux"):
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(list(FORKSERVER_PRELOAD))
        return ctx
    return multiprocessing.get_context("spawn")


def _kill_workers(pool: ProcessPoolExecutor) -> None:
    """Kill the pool's workers, and make sure its manager thread can end. A worker killed while it
    wrote a result leaves that thread reading the rest of the message for ever — and the interpreter
    joins it at exit, so the process would never end. Once the killed workers are reaped, closing this
    process's copy of the result pipe's write end leaves no writer: the thread reads an end of file,
    takes the pool for broken and exits."""
    procs = list((getattr(pool, "_processes", None) or {}).values())
    for proc in procs:
        with contextlib.suppress(OSError, AttributeError):
            proc.kill()
    for proc in procs:
        with contextlib.suppress(OSError, AttributeError, ValueError, AssertionError):
            proc.join(timeout=5)
    writer = getattr(getattr(pool, "_result_queue", None), "_writer", None)
    if writer is not None:
        with contextlib.suppress(OSError):
            writer.close()


JobFn = Callable[[Job, Settings, "float | None"], "Record"]


def start_pool(workers: int, memory_mb: int) -> ProcessPoolExecutor:
    """A worker pool with its processes already starting.

    :func:`run_batch` calls this before it hashes the inputs and opens the warehouse, so that the
    fork server's start (a fresh interpreter importing the pipeline: ~0.25 s) and the workers'
    overlap that work instead of following it."""
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=_mp_context(), initializer=_init_worker,
                               initargs=(memory_mb, os.getpid()))
    for _ in range(workers):  # each submit starts one more process (forkserver/spawn start them one by one)
        pool.submit(os.getpid)
    return pool


CHUNK_MAX = 4
"""Most documents a worker is given at a time (see :func:`run_local`)."""


def chunk_size(n: int, workers: int) -> int:
    """Documents per task for ``n`` documents on ``workers`` workers: 1 for small runs, up to
    :data:`CHUNK_MAX` once every worker gets at least 16 tasks."""
    return max(1, min(CHUNK_MAX, n // (16 * max(1, workers))))


def run_chunk(fn: JobFn, jobs: Sequence[Job], settings: Settings, timeout: float | None) -> list[Record]:
    """``fn`` on each job of a chunk, in a worker. Never raises for one document: an exception of
    ``fn`` becomes that document's ``internal_error`` record."""
    out: list[Record] = []
    for job in jobs:
        try:
            out.append(fn(job, settings, timeout))
        except Exception as exc:
            out.append(failed_record(job.sha256, job.paths, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}"))
    return out


def run_local(jobs: Sequence[Job], settings: Settings, *, workers: int, timeout: float | None,
              memory_mb: int, fn: JobFn = run_job, pool: ProcessPoolExecutor | None = None,
              check: Callable[[], None] | None = None, closing: list[threading.Thread] | None = None,
              chunk: int | None = None) -> Iterator[Record]:
    """Run jobs on a process pool (``pool``: one from :func:`start_pool`, else a new one; ``check`` is
    called at least once a second and may raise to stop the run, e.g. the writer's error). A dead
    worker breaks the pool: it is recreated, the documents that were in flight are retried one at a
    time, and the one that kills a worker alone fails. ``closing``: when every job is done, the pool
    is shut down without waiting for its processes to exit, and the thread that waits for them is
    appended here for the caller to join (the batch stores its last documents meanwhile).

    Workers get ``chunk`` documents per task (default :func:`chunk_size`), as ``Pool.map`` does:
    each task is a round trip through the main process (the job pickled, the result read, the next
    task handed out), and on a machine with as many workers as cores a worker often waited for
    it — 10–30% of the workers' time on 150 documents. A chunk that kills its worker or outlives
    its time limit is retried one document at a time, so a crash or a hang still points at one
    document."""
    size = chunk if chunk is not None else chunk_size(len(jobs), workers)
    todo: list[list[Job]] = [list(jobs[i:i + size]) for i in range(0, len(jobs), max(1, size))]
    todo.reverse()
    suspects: list[Job] = []
    grace = 10.0 if timeout else 0.0
    deadline = (2 * timeout + grace) if timeout else None

    def new_pool() -> ProcessPoolExecutor:
        return start_pool(workers, memory_mb)

    if pool is None:
        pool = new_pool()
    running: dict[Future[list[Record]], tuple[list[Job], float]] = {}
    solo: Future[list[Record]] | None = None
    try:
        while todo or suspects or running:
            # suspects run alone so that a crash points at exactly one document
            if suspects:
                if not running:
                    group = [suspects.pop()]
                    solo = pool.submit(run_chunk, fn, group, settings, timeout)
                    running[solo] = (group, time.monotonic())
            else:
                while todo and len(running) < 2 * workers:
                    group = todo.pop()
                    running[pool.submit(run_chunk, fn, group, settings, timeout)] = (group, time.monotonic())
            done, _ = wait(list(running), timeout=1.0, return_when=FIRST_COMPLETED)
            if check is not None:
                check()
            broken = False
            for fut in done:
                group, _t = running.pop(fut)
                try:
                    yield from fut.result()
                except BrokenProcessPool:
                    broken = True
                    if fut is solo:
                        job = group[0]
                        yield failed_record(job.sha256, job.paths, WORKER_CRASHED,
                                            "the worker process died (memory cap, crash or kill) on this document")
                    else:
                        suspects.extend(group)
                except Exception as exc:  # pickling problems and the like
                    if len(group) > 1:
                        suspects.extend(group)  # alone, the document that cannot come back fails alone
                        continue
                    job = group[0]
                    yield failed_record(job.sha256, job.paths, INTERNAL_ERROR, f"{type(exc).__name__}: {exc}")
            if deadline is not None and not broken:
                now = time.monotonic()
                late = [f for f, (g, t) in running.items() if now - t > deadline * len(g)]
                if late:
                    _kill_workers(pool)
                    for f in late:
                        group, _t = running.pop(f)
                        if len(group) > 1:  # which document hung is not known: each is retried alone
                            suspects.extend(group)
                            continue
                        job = group[0]
                        yield failed_record(job.sha256, job.paths, TIMEOUT,
                                            f"no answer after {deadline:g} s; the worker was killed")
                    broken = True
            if broken:
                for _f, (group, _t) in running.items():
                    suspects.extend(group)
                running.clear()
                pool.shutdown(wait=False, cancel_futures=True)
                pool = new_pool()
    finally:
        killed = bool(running)
        if killed:  # interrupted: do not wait for documents nobody will store
            _kill_workers(pool)
        if closing is not None and not killed:
            manager = getattr(pool, "_executor_manager_thread", None)  # joins the worker processes
            pool.shutdown(wait=False)
            if isinstance(manager, threading.Thread):
                closing.append(manager)
        else:
            # after killing its workers, waiting for the pool can deadlock (its manager thread may
            # wait on a queue no worker reads any more): the killed processes need no join
            pool.shutdown(wait=not killed, cancel_futures=True)


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
# The batch


def store(writer: Writer, records: list[Record]) -> list[Record]:
    """Write ``records`` in one transaction; if the writer refuses the batch (a value it cannot
    store, e.g. a lone surrogate in a text), write them one by one and store the document that
    fails as ``failed`` (``internal_error``) instead, so that one document never stops the run."""
    from extractor.errors import WarehouseError

    try:
        writer.write(records)
        return records
    except WarehouseError:
        raise  # the output itself is unusable (locked, unwritable): stop
    except Exception:  # retried one by one below
        pass
    out: list[Record] = []
    for rec in records:
        try:
            writer.write([rec])
            out.append(rec)
        except WarehouseError:
            raise
        except Exception as exc:
            rep = rec["report"]
            bad = failed_record(rep["sha256"], rep.get("paths") or [], INTERNAL_ERROR,
                                f"cannot store the extracted rows: {type(exc).__name__}: {exc}")
            writer.write([bad])
            out.append(bad)
    return out


def run_batch(
    inputs: Sequence[str | Path],
    out: str | Path = "reports.duckdb",
    *,
    fmt: str | None = None,
    workers: int | None = None,
    timeout: float | None = 300.0,
    memory_mb: int = 4096,
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
    """Extract every document named by ``inputs`` into the warehouse ``out``; see the module doc.

    The cyclic garbage collector of this process is paused for the run (and a full collection made
    every :data:`GC_EVERY` documents instead): records are freed by reference counting, and the
    collections their allocations triggered walked every object of the process, 10–40 ms of CPU
    per 150 documents taken from the workers on a machine with as many workers as cores."""
    with collector_paused():
        return _run_batch_paused(inputs, out, fmt=fmt, workers=workers, timeout=timeout, memory_mb=memory_mb,
                                 force=force, engine=engine, scheduler=scheduler, settings=settings,
                                 progress=progress, writer=writer, commit_every=commit_every,
                                 commit_seconds=commit_seconds, job_fn=job_fn)


GC_EVERY = 2000
"""Documents between two full collections of the main process during a batch (see :func:`run_batch`)."""


def _run_batch_paused(inputs: Sequence[str | Path], out: str | Path, *, fmt: str | None, workers: int | None,
                      timeout: float | None, memory_mb: int, force: bool, engine: str, scheduler: str | None,
                      settings: Settings, progress: ProgressHook | None, writer: Writer | None, commit_every: int,
                      commit_seconds: float, job_fn: JobFn) -> BatchSummary:
    t0 = time.perf_counter()
    workers = workers or os.cpu_count() or 1
    summary = BatchSummary(out=str(out))
    check_inputs(inputs)
    if writer is None:
        from extractor.writers import format_for

        fmt = format_for(out, fmt)  # an unknown output name is refused before any work
    pool = start_pool(workers, memory_mb) if engine != "dask" else None
    closing: list[threading.Thread] = []
    try:
        if writer is None:
            from extractor.writers import open_writer

            writer = open_writer(out, fmt)
        return _run_batch(inputs, writer, workers, timeout, force, engine, scheduler, settings, progress,
                          commit_every, commit_seconds, job_fn, memory_mb, pool, summary, t0, closing)
    finally:
        if pool is not None:  # run_local shuts it down; this is for the paths that never reach it
            # (nothing to extract: its workers are idle, so waiting is quick; not waiting left the
            # pool's wake-up pipe to a race at interpreter exit, "Exception ignored … Bad file
            # descriptor" on stderr). After run_local this joins nothing: it is shut down already.
            pool.shutdown(wait=True, cancel_futures=True)
        for thread in closing:  # the workers exited while the last documents were stored
            thread.join()


ARROW_AT = 300
"""Documents to extract (in this process, this run and earlier ones) from which a DuckDB writer
inserts through pyarrow even when it is not imported yet: the import, with pandas, is paid once per
process and costs about as much CPU as the JSON inserts of ~300 documents save."""
_extracted_here = 0
"""Documents handed to workers by the batches of this process so far."""


def _add_paths(writer: Writer, *, sha: str, paths: Sequence[str]) -> None:
    writer.add_paths(sha, paths)


def _stores_nothing(writer: Writer) -> bool:
    """True when the output holds no document yet (a new warehouse): nothing to skip or replace."""
    fn = getattr(writer, "stores_nothing", None)
    return bool(fn()) if callable(fn) else False


def _run_batch(inputs: Sequence[str | Path], writer: Writer, workers: int, timeout: float | None, force: bool,
               engine: str, scheduler: str | None, settings: Settings, progress: ProgressHook | None,
               commit_every: int, commit_seconds: float, job_fn: JobFn, memory_mb: int,
               pool: ProcessPoolExecutor | None, summary: BatchSummary, t0: float,
               closing: list[threading.Thread]) -> BatchSummary:
    jobs, skipped = plan(inputs, settings)
    summary.skipped = skipped
    summary.documents = len(jobs)
    summary.duplicate_paths = sum(len(j.paths) - 1 for j in jobs.values())
    sink = Sink(writer, store, summary, commit_every=commit_every, commit_seconds=commit_seconds)
    fresh = _stores_nothing(writer)
    # A new warehouse has nothing to skip: the workers start while the writer thread opens it. Every
    # hash is passed as replaced so that a warehouse someone else created meanwhile loses nothing.
    sink.start(replace=set(jobs) if force or fresh else ())
    reported = 0

    def report_progress() -> None:
        nonlocal reported
        if progress:
            done = sink.stored
            if done > reported:
                progress("done", done - reported)
                reported = done

    cross = CrossYear()  # documents with ambiguous table-2 runs wait for their neighbouring years
    try:
        known = {} if fresh else sink.known()
        todo: list[Job] = []
        big: list[Record] = []
        for sha, job in jobs.items():
            if sha in known:
                summary.already_stored += 1
                if not set(job.paths) <= set(known[sha]):
                    sink.call(partial(_add_paths, sha=sha, paths=job.paths))
            elif job.size > settings.max_bytes:
                big.append(failed_record(sha, job.paths, "too_large",
                                         f"{job.size:,} bytes is over the {settings.max_bytes:,}-byte limit"))
            else:
                todo.append(job)
        if progress:
            progress("total", len(todo) + len(big))
        global _extracted_here
        _extracted_here += len(todo)
        if _extracted_here >= ARROW_AT and getattr(writer, "arrow", False) is None:
            writer.arrow = True  # type: ignore[attr-defined]  # importing pyarrow pays off (in the writer thread)
        for rec in big:
            sink.put(apply_sidecar(rec))
        records: Iterator[Record]
        if engine == "dask":
            records = run_dask(todo, settings, scheduler=scheduler, timeout=timeout, workers=workers)
        elif not todo:
            records = iter(())
        else:
            records = run_local(todo, settings, workers=workers, timeout=timeout, memory_mb=memory_mb, fn=job_fn,
                                pool=pool, check=sink.raise_error, closing=closing)
        # near the end (the workers hold or are about to get the last documents), what is queued is
        # stored while they finish: a few documents' time, on a quiet machine about what that
        # transaction takes, so that it is done when the last document arrives
        flush_at = len(todo) - 4 * workers
        for received, rec in enumerate(records, 1):
            if received % GC_EVERY == 0 and not gc.isenabled():
                gc.collect()
            rec = apply_sidecar(rec)
            if cross.observe(rec):
                sink.hold(rec)  # staged now, stored at the end with what settling changes
            else:
                sink.put(rec)
            if received == flush_at:
                sink.flush()
            report_progress()
    finally:
        held: list[Record] = []
        try:
            held = cross.flush()  # the last documents and the held ones: one transaction
            summary.crossyear_settled = cross.settled
        finally:
            # on Ctrl-C, keep what is finished; then key the whole warehouse and close it
            sink.close(held, update_dataset, cross.settlements)
            summary.dataset = sink.tail_result
            summary.migrated_from = getattr(writer, "migrated_from", None)
            report_progress()
            summary.elapsed_s = time.perf_counter() - t0
    return summary
