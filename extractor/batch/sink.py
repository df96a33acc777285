"""The warehouse writer thread of a batch run.

The main process of ``ogi batch`` receives results from the workers, hands out new documents and
settles cross-year pairs; the writer thread opens the warehouse, stores the documents in
transactions, keys the warehouse and closes it. The two overlap: DuckDB releases the GIL while it
inserts and commits, so a transaction no longer holds up the results behind it (nor the documents
the workers would be given next).

The thread owns the writer: every call on it (``start``, ``write``, ``add_paths``, the keys,
``finish``) is made from the thread, in the order the main thread asked for them. An error of the
writer stops the thread; the main thread sees it at its next :meth:`Sink.put` (or at
:meth:`Sink.close`) as a :class:`~extractor.errors.WarehouseError` (the writer's own, or one wrapping
an unexpected exception), so a batch whose output breaks stops with one typed error and never hangs.
"""

from __future__ import annotations

import contextlib
import queue
import threading
import time
from collections.abc import Callable, Collection
from typing import TYPE_CHECKING, Any

from extractor.errors import WarehouseError

if TYPE_CHECKING:
    from extractor.batch.summary import BatchSummary
    from extractor.writers import Record, Writer

WriterCall = Callable[["Writer"], Any]


def _nothing(writer: Writer) -> None:
    return None


class _End:
    """The last item: these records, in the same transaction as whatever is still queued, then ``tail``."""

    def __init__(self, records: list[Record], tail: WriterCall | None, settlements: dict[str, Any]) -> None:
        self.records, self.tail, self.settlements = records, tail, settlements


class _Hold:
    """A record to stage now (if the writer can) and store at the end, as :meth:`Sink.close` gets it."""

    def __init__(self, rec: Record) -> None:
        self.rec = rec


class Sink:
    """A thread that stores records with ``writer`` (see the module doc).

    Transactions hold whole documents: up to ``commit_every`` of them, or what arrived within
    ``commit_seconds`` of the first one waiting, whichever is less; with ``eager_every``, also as
    soon as that many wait and nothing else is queued (off by default: on 150 documents and 2 cores
    the extra transactions cost more CPU than the smaller last one saves). ``store`` writes one batch
    and returns the records as stored (see :func:`extractor.batch.run.store`).
    """

    def __init__(self, writer: Writer, store: Callable[[Writer, list[Record]], list[Record]], summary: BatchSummary,
                 *, commit_every: int = 64, commit_seconds: float = 1.0, max_queued: int = 1024,
                 eager_every: int | None = None) -> None:
        self.writer = writer
        self._store = store
        self.summary = summary
        self.commit_every = max(1, commit_every)
        self.commit_seconds = commit_seconds
        self.eager_every = max(1, eager_every or self.commit_every)
        self._q: queue.Queue[Record | _End | _Hold | tuple[WriterCall]] = queue.Queue(maxsize=max(1, max_queued))
        self._staged: set[str] = set()
        self._staging: list[Record] = []
        self._ready = threading.Event()
        self._known: dict[str, list[str]] = {}
        self._error: BaseException | None = None
        self._lock = threading.Lock()
        self._stored = 0
        self.tail_result: Any = None
        self._thread: threading.Thread | None = None
        self._closed = False

    # -- main thread ---------------------------------------------------------------------------

    def start(self, replace: Collection[str] = ()) -> None:
        """Start the thread; it opens the writer (``writer.start(replace)``) first."""
        self._thread = threading.Thread(target=self._run, args=(set(replace),), name="ogi-writer", daemon=True)
        self._thread.start()

    def known(self) -> dict[str, list[str]]:
        """What ``writer.start`` returned (waits for it); raises the writer's error."""
        while not self._ready.wait(0.1):
            self._check_alive()
        self.raise_error()
        return self._known

    @property
    def stored(self) -> int:
        """Documents stored so far (committed)."""
        with self._lock:
            return self._stored

    def put(self, rec: Record) -> None:
        """Queue one record (blocks while ``max_queued`` are waiting); raises the writer's error."""
        self._put(rec)

    def hold(self, rec: Record) -> None:
        """A record that :meth:`close` will get again, maybe changed (cross-year settling): a writer
        that can (``stage``/``write_staged``) stores it now, as it is, so that the end of the run
        only applies the changes. The record's lists must not be changed in place after this
        (settling copies what it changes); the report row is copied here."""
        snap: dict[str, Any] = {"report": dict(rec["report"])}
        for table in ("figures", "findings", "sections"):
            rows = rec.get(table)
            if rows is not None:
                snap[table] = [dict(r) for r in rows] if isinstance(rows, list) else rows
        self._put(_Hold(snap))  # type: ignore[arg-type]

    def call(self, fn: WriterCall) -> None:
        """Run ``fn(writer)`` in the thread, in order with the writes."""
        self._put((fn,))

    def flush(self) -> None:
        """Store what is queued now (and stage the held records) without waiting for ``commit_every``
        or ``commit_seconds``. The batch calls it once, a few documents before the end: the writer,
        idle until then, stores what came since its last transaction while the workers finish, so
        that the transaction after the last document (serial: nothing else runs then) is small."""
        self._put((_nothing,))

    def close(self, last: list[Record] | None = None, tail: WriterCall | None = None,
              settlements: dict[str, Any] | None = None) -> None:
        """Store ``last`` with whatever is still queued (one transaction), run ``tail(writer)``
        (its result: :attr:`tail_result`), finish the writer and wait for the thread. Records of
        ``last`` that were staged (:meth:`hold`) are stored already: the writer applies the changes
        ``settlements`` (sha256 → :class:`~extractor.batch.crossyear.Settlement`) made to them since.
        Raises the writer's error. Idempotent."""
        if self._closed or self._thread is None:
            return
        self._closed = True
        if self._error is None:
            self._put(_End(list(last or []), tail, dict(settlements or {})), final=True)
        while self._thread.is_alive():
            self._thread.join(0.1)
        self.raise_error()

    def raise_error(self) -> None:
        err = self._error
        if err is None:
            return
        if isinstance(err, WarehouseError):
            raise err
        if isinstance(err, Exception):
            raise WarehouseError(f"the warehouse writer stopped: {type(err).__name__}: {err}",
                                 source=str(getattr(self.writer, "out", ""))) from err
        raise err  # KeyboardInterrupt and the like, as they were

    def _put(self, item: Record | _End | _Hold | tuple[WriterCall], *, final: bool = False) -> None:
        while True:
            self.raise_error()
            self._check_alive()
            try:
                self._q.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _check_alive(self) -> None:
        if self._thread is not None and not self._thread.is_alive() and self._error is None and not self._closed:
            self._error = WarehouseError("the warehouse writer thread ended unexpectedly")

    # -- writer thread -------------------------------------------------------------------------

    def _run(self, replace: set[str]) -> None:
        try:
            self._known = self.writer.start(replace)
        except BaseException as exc:
            self._error = exc
            self._ready.set()
            self._drain()
            return
        self._ready.set()
        finished = False
        try:
            self._loop()
            finished = True
            self.writer.finish()
        except BaseException as exc:
            self._error = exc
            if not finished:
                with contextlib.suppress(BaseException):  # the first error is the one to report
                    self.writer.finish()
            self._drain()

    def _drain(self) -> None:
        """Empty the queue so that a main thread blocked on a full queue wakes up and sees the error."""
        try:
            while True:
                self._q.get_nowait()
        except queue.Empty:
            pass

    def _loop(self) -> None:
        batch: list[Record] = []
        first = 0.0
        while True:
            timeout = None if not batch else max(0.0, first + self.commit_seconds - time.monotonic())
            try:
                item = self._q.get(timeout=timeout)
            except queue.Empty:
                self._write(batch)
                continue
            if isinstance(item, _End):
                self._staging.clear()  # too late to stage: stored the ordinary way
                if self._end_in_one(batch, item):
                    return
                self._write_last(batch, item)
                if item.tail is not None:
                    self.tail_result = item.tail(self.writer)
                return
            if isinstance(item, _Hold):
                self._staging.append(item.rec)
                continue
            if isinstance(item, tuple):
                self._write(batch)  # in order: what came before the call is stored before it runs
                item[0](self.writer)
                continue
            if not batch:
                first = time.monotonic()
            batch.append(item)
            if len(batch) >= self.commit_every or (len(batch) >= self.eager_every and self._q.empty()):
                self._write(batch)

    def _stage(self) -> None:
        """Stage the held records (one by one if the batch fails: one that cannot be staged is
        stored the ordinary way at the end)."""
        recs, self._staging = self._staging, []
        stage = getattr(self.writer, "stage", None)
        if not recs or stage is None or not hasattr(self.writer, "write_staged"):
            return
        try:
            stage(recs)
            self._staged.update(str(r["report"]["sha256"]) for r in recs)
            return
        except WarehouseError:
            raise
        except Exception:
            pass
        for rec in recs:
            try:
                stage([rec])
                self._staged.add(str(rec["report"]["sha256"]))
            except WarehouseError:
                raise
            except Exception:
                continue

    def _end_in_one(self, batch: list[Record], end: _End) -> bool:
        """The last documents and ``end.tail`` (the keys) in one transaction, when the writer can
        (``last_transaction``). False when it cannot or the transaction failed and was rolled back
        (a document the writer refuses): the caller then stores them the ordinary way, one
        transaction for the documents (one by one if need be), then the tail."""
        last = getattr(self.writer, "last_transaction", None)
        if last is None:
            return False
        staged = [r for r in end.records if str(r["report"]["sha256"]) in self._staged]
        rest = [*batch, *(r for r in end.records if str(r["report"]["sha256"]) not in self._staged)]
        try:
            with last():
                if staged:
                    self.writer.write_staged(rest, self._staged, end.settlements)  # type: ignore[attr-defined]
                elif rest:
                    self.writer.write(rest)
                result = end.tail(self.writer) if end.tail is not None else None
        except WarehouseError:
            raise
        except Exception:
            return False
        self._count([*rest, *staged], len(rest) + len(staged))
        batch.clear()
        self.tail_result = result
        return True

    def _write_and_stage(self, batch: list[Record]) -> bool:
        """Store ``batch`` and stage the held records in one transaction, when the writer can
        (``write_and_stage``); False when it cannot or refused (rolled back: done separately)."""
        both = getattr(self.writer, "write_and_stage", None)
        if both is None or getattr(self.writer, "stage", None) is None or not hasattr(self.writer, "write_staged"):
            return False
        recs = self._staging
        try:
            both(batch, recs)
        except WarehouseError:
            raise
        except Exception:
            return False
        self._staging = []
        self._staged.update(str(r["report"]["sha256"]) for r in recs)
        self._count(batch, len(batch))
        batch.clear()
        return True

    def _write_last(self, batch: list[Record], end: _End) -> None:
        staged = [r for r in end.records if str(r["report"]["sha256"]) in self._staged]
        batch.extend(r for r in end.records if str(r["report"]["sha256"]) not in self._staged)
        if not staged:
            self._write(batch)
            return
        try:
            self.writer.write_staged(batch, self._staged, end.settlements)  # type: ignore[attr-defined]
            stored = [*batch, *staged]
        except WarehouseError:
            raise
        except Exception:  # as if nothing had been staged: every record the ordinary way
            with contextlib.suppress(Exception):
                self.writer.drop_staged()  # type: ignore[attr-defined]
            stored = self._store(self.writer, [*batch, *staged])
        self._count(stored, len(batch) + len(staged))
        batch.clear()

    def _write(self, batch: list[Record]) -> None:
        if batch and self._staging and self._write_and_stage(batch):
            return
        self._stage()  # while the workers run, never at the end
        if not batch:
            return
        stored = self._store(self.writer, batch)
        self._count(stored, len(batch))
        batch.clear()

    def _count(self, stored: list[Record], n: int) -> None:
        for rec in stored:
            self.summary.add(rec)
        with self._lock:
            self._stored += n
