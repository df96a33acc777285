"""The batch's writer thread (extractor.batch.sink): results complete, errors typed, never a hang."""

from __future__ import annotations

import threading
import time
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_batch import check_consistent, variants

from extractor.batch import BatchSummary, run_batch
from extractor.batch.run import store
from extractor.batch.sink import Sink
from extractor.errors import WarehouseError, WarehouseLocked
from extractor.writers import Record
from extractor.writers.duckdb_writer import DuckDBWriter


class FailingWriter(DuckDBWriter):
    """A DuckDB writer that breaks on its ``fail_at``-th write (``exc``) or at ``start``."""

    def __init__(self, out: Path, *, fail_at: int | None = None, exc: BaseException | None = None,
                 fail_start: bool = False, slow_s: float = 0.0) -> None:
        super().__init__(out)
        self.fail_at, self.exc, self.fail_start, self.slow_s = fail_at, exc, fail_start, slow_s
        self.writes = 0
        self.thread_names: set[str] = set()

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        self.thread_names.add(threading.current_thread().name)
        if self.fail_start:
            raise WarehouseError(f"cannot use {self.out}: the disk is gone", source=str(self.out))
        return super().start(replace)

    def write(self, records: Sequence[Record]) -> None:
        self.thread_names.add(threading.current_thread().name)
        self.writes += 1
        time.sleep(self.slow_s)
        if self.fail_at is not None and self.writes >= self.fail_at:
            assert self.exc is not None
            raise self.exc
        super().write(records)


def _no_writer_thread_left() -> bool:
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        if not any(t.name == "ogi-writer" for t in threading.enumerate()):
            return True
        time.sleep(0.05)
    return False


def test_every_result_is_stored_by_the_writer_thread(tmp_path: Path) -> None:
    variants(tmp_path / "in", 23)
    db = tmp_path / "w.duckdb"
    writer = FailingWriter(db)
    done: list[int] = []
    s = run_batch([tmp_path / "in"], db, workers=2, writer=writer, commit_every=4, commit_seconds=0.05,
                  progress=lambda ev, n: done.append(n) if ev == "done" else None)
    assert (s.documents, s.extracted, s.ok) == (23, 23, 23)
    assert sum(done) == 23
    assert writer.thread_names == {"ogi-writer"}  # the main thread never touched the warehouse
    assert writer.writes >= 23 // 4
    assert check_consistent(db) == (23, 23 * 200)
    assert _no_writer_thread_left()


def test_a_write_error_stops_the_run_with_the_writers_typed_error(tmp_path: Path) -> None:
    variants(tmp_path / "in", 30)
    db = tmp_path / "w.duckdb"
    writer = FailingWriter(db, fail_at=2, exc=WarehouseLocked("the disk vanished", source=str(db)))
    t0 = time.monotonic()
    with pytest.raises(WarehouseLocked, match="the disk vanished"):
        run_batch([tmp_path / "in"], db, workers=2, writer=writer, commit_every=3, commit_seconds=0.05)
    assert time.monotonic() - t0 < 60
    assert _no_writer_thread_left()
    # what was committed before the error is whole; rerunning finishes the job
    check_consistent(db)
    s = run_batch([tmp_path / "in"], db, workers=2)
    assert s.already_stored + s.extracted == 30
    assert check_consistent(db) == (30, 30 * 200)


def test_an_unexpected_writer_exception_becomes_a_warehouse_error(tmp_path: Path) -> None:
    variants(tmp_path / "in", 8)
    db = tmp_path / "w.duckdb"
    # every write fails, including the one-by-one retries and the failed rows that replace them
    writer = FailingWriter(db, fail_at=1, exc=RuntimeError("boom"))
    with pytest.raises(WarehouseError, match="writer stopped: RuntimeError: boom") as info:
        run_batch([tmp_path / "in"], db, workers=2, writer=writer, commit_every=2)
    assert info.value.code == "warehouse_error"
    assert isinstance(info.value.__cause__, RuntimeError)
    assert _no_writer_thread_left()


@pytest.mark.parametrize("fresh", [True, False])
def test_a_writer_that_cannot_start_stops_the_run(tmp_path: Path, fresh: bool) -> None:
    variants(tmp_path / "in", 6)
    db = tmp_path / "w.duckdb"
    if not fresh:
        run_batch([tmp_path / "in" / "report-0000.txt"], db, workers=1)
    writer = FailingWriter(db, fail_start=True)
    assert writer.stores_nothing() is fresh
    t0 = time.monotonic()
    with pytest.raises(WarehouseError, match="the disk is gone"):
        run_batch([tmp_path / "in"], db, workers=2, writer=writer)
    assert time.monotonic() - t0 < 60
    assert _no_writer_thread_left()


def test_a_second_writer_of_the_same_new_warehouse_is_refused(tmp_path: Path) -> None:
    variants(tmp_path / "in", 3)
    db = tmp_path / "w.duckdb"
    holder = DuckDBWriter(db)
    holder.start()
    try:
        with pytest.raises(WarehouseLocked):
            run_batch([tmp_path / "in"], db, workers=1)
    finally:
        holder.finish()
    assert _no_writer_thread_left()


# ---------------------------------------------------------------------------------------------
# The sink on its own


class ListWriter:
    """Records every call, in order, with the thread that made it."""

    def __init__(self, *, fail_on: str | None = None, slow_s: float = 0.0) -> None:
        self.out = Path("memory")
        self.calls: list[tuple[str, Any]] = []
        self.fail_on, self.slow_s = fail_on, slow_s

    def _call(self, name: str, arg: Any) -> None:
        assert threading.current_thread().name == "ogi-writer"
        time.sleep(self.slow_s)
        if name == self.fail_on:
            raise WarehouseError(f"{name} failed")
        self.calls.append((name, arg))

    def start(self, replace: Collection[str] = ()) -> dict[str, list[str]]:
        self._call("start", sorted(replace))
        return {}

    def write(self, records: Sequence[Record]) -> None:
        self._call("write", [r["report"]["sha256"] for r in records])

    def add_paths(self, sha256: str, paths: Sequence[str]) -> None:
        self._call("add_paths", sha256)

    def finish(self) -> None:
        self._call("finish", None)


def _rec(i: int) -> Record:
    return {"report": {"sha256": f"{i:064x}", "status": "ok", "n_figures": 0}, "figures": [], "findings": []}


@settings(max_examples=30, deadline=None)
@given(n=st.integers(0, 40), every=st.integers(1, 9), last=st.integers(0, 5))
def test_sink_stores_everything_in_order_in_whole_batches(n: int, every: int, last: int) -> None:
    w = ListWriter()
    summary = BatchSummary(out="memory")
    sink = Sink(w, store, summary, commit_every=every, commit_seconds=10.0)  # type: ignore[arg-type]
    sink.start()
    for i in range(n):
        sink.put(_rec(i))
    sink.call(lambda wr: wr.add_paths("x", ["p"]))
    sink.close([_rec(1000 + i) for i in range(last)], tail=lambda wr: "keyed")
    writes = [arg for name, arg in w.calls if name == "write"]
    assert [s for batch in writes for s in batch] == [_rec(i)["report"]["sha256"] for i in [*range(n), *range(1000, 1000 + last)]]
    assert all(len(b) <= every for b in writes[:-1] if writes)
    names = [name for name, _ in w.calls]
    assert names[0] == "start" and names[-1] == "finish"
    # the call runs after every record queued before it is stored
    before = [arg for name, arg in w.calls[: names.index("add_paths")] if name == "write"]
    assert sum(len(b) for b in before) == n
    assert sink.tail_result == "keyed"
    assert sink.stored == summary.extracted == n + last


def test_sink_error_reaches_a_main_thread_blocked_on_a_full_queue() -> None:
    w = ListWriter(fail_on="write", slow_s=0.05)
    sink = Sink(w, store, BatchSummary(out="memory"), commit_every=1, max_queued=1)  # type: ignore[arg-type]
    sink.start()
    t0 = time.monotonic()
    with pytest.raises(WarehouseError, match="write failed"):
        for i in range(1000):
            sink.put(_rec(i))
    assert time.monotonic() - t0 < 10
    with pytest.raises(WarehouseError, match="write failed"):
        sink.close()
    assert [name for name, _ in w.calls] == ["start", "finish"]


def test_sink_commits_after_commit_seconds_without_more_records() -> None:
    w = ListWriter()
    sink = Sink(w, store, BatchSummary(out="memory"), commit_every=100, commit_seconds=0.05)  # type: ignore[arg-type]
    sink.start()
    sink.put(_rec(1))
    deadline = time.monotonic() + 10
    while sink.stored < 1 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sink.stored == 1  # stored before close: the time limit, not the end, committed it
    sink.close()


# ---------------------------------------------------------------------------------------------
# Documents held for cross-year settling: staged while the workers run, stored at the end


def _glued_pairs(folder: Path, seeds: range) -> None:
    from gen import draw_variant
    from gen.render_layouts import render_layout
    from test_crossyear import _pair

    folder.mkdir(parents=True, exist_ok=True)
    for seed in seeds:
        a, b = _pair(seed)
        (folder / f"{seed}-a.txt").write_text(render_layout("glued", a, draw_variant(seed), seed), encoding="utf-8")
        (folder / f"{seed}-b.txt").write_text(render_layout("glued", b, draw_variant(seed + 1), seed + 1),
                                              encoding="utf-8")
    variants(folder, 5)


def _content(db: Path) -> dict[str, list[dict[str, Any]]]:
    from extractor.writers import load_tables

    tables = load_tables(db)
    for rows in tables.values():
        for r in rows:
            r.pop("extracted_at", None)
            r.pop("elapsed_ms", None)
    return tables


class NoStaging(DuckDBWriter):
    stage = None  # the sink then stores held documents the ordinary way


class BrokenStaging(DuckDBWriter):
    def __init__(self, out: Path, where: str) -> None:
        super().__init__(out)
        self.where = where
        self.staged = 0

    def stage(self, records: Sequence[Record]) -> None:
        if self.where == "stage":
            raise RuntimeError("cannot stage")
        super().stage(records)
        self.staged += len(records)

    def write_staged(self, records: Sequence[Record], shas: Collection[str], settlements: dict[str, Any]) -> None:
        if self.where == "write_staged":
            raise RuntimeError("cannot write the staged documents")
        super().write_staged(records, shas, settlements)


@pytest.mark.parametrize("where", ["none", "stage", "write_staged"])
def test_held_documents_staged_or_not_store_the_same_rows(tmp_path: Path, where: str) -> None:
    _glued_pairs(tmp_path / "in", range(4))
    plain = tmp_path / "plain.duckdb"
    s0 = run_batch([tmp_path / "in"], plain, workers=2, writer=NoStaging(plain), commit_every=2, commit_seconds=0.01)
    assert s0.crossyear_settled > 0
    db = tmp_path / "w.duckdb"
    writer = BrokenStaging(db, where)
    s1 = run_batch([tmp_path / "in"], db, workers=2, writer=writer, commit_every=2, commit_seconds=0.01)
    assert (s1.extracted, s1.crossyear_settled, s1.ok, s1.with_findings) == (
        s0.extracted, s0.crossyear_settled, s0.ok, s0.with_findings)
    if where != "stage":
        assert writer.staged > 0  # the test went through staging
    assert _content(db) == _content(plain)
    check_consistent(db)
    # --force replaces every document, staged ones included
    s2 = run_batch([tmp_path / "in"], db, workers=2, force=True, commit_every=2, commit_seconds=0.01)
    assert s2.extracted == s0.extracted
    assert _content(db) == _content(plain)


def test_a_small_cli_batch_imports_neither_pandas_nor_pyarrow(tmp_path: Path) -> None:
    import re
    import subprocess
    import sys

    variants(tmp_path / "in", 3)
    proc = subprocess.run([sys.executable, "-X", "importtime", "-c", "from extractor.cli import run; run()", "batch",
                           str(tmp_path / "in"), "--out", str(tmp_path / "w.duckdb"), "-q"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-2000:]
    imported = set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", proc.stderr, re.M))
    assert "duckdb" in imported  # the measurement works
    assert not {"pandas", "pyarrow", "numpy"} & imported
    assert check_consistent(tmp_path / "w.duckdb") == (3, 600)


def test_sink_flush_stores_what_is_queued_without_waiting() -> None:
    w = ListWriter()
    sink = Sink(w, store, BatchSummary(out="memory"), commit_every=100, commit_seconds=60.0)  # type: ignore[arg-type]
    sink.start()
    for i in range(3):
        sink.put(_rec(i))
    sink.flush()
    deadline = time.monotonic() + 10
    while sink.stored < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    assert sink.stored == 3  # neither commit_every nor commit_seconds: the flush stored them
    sink.put(_rec(3))
    sink.close()
    assert [arg for name, arg in w.calls if name == "write"] == [[_rec(i)["report"]["sha256"] for i in range(3)],
                                                                  [_rec(3)["report"]["sha256"]]]


# ---------------------------------------------------------------------------------------------
# The last transaction: the run's last documents and the warehouse keys, one commit


class NoLastTransaction(DuckDBWriter):
    last_transaction = None  # the sink then stores the last documents, then keys, in two transactions


class WatchedLast(DuckDBWriter):
    """Notes each write and key call and whether it ran inside the last transaction; ``refuse``: the
    keys fail once there (rolled back: the sink then stores the ordinary way)."""

    def __init__(self, out: Path, refuse: bool = False) -> None:
        super().__init__(out)
        self.refuse = refuse
        self.calls: list[tuple[str, bool]] = []

    def write(self, records: Sequence[Record]) -> None:
        if records:
            self.calls.append(("write", self._last))
        super().write(records)

    def write_staged(self, records: Sequence[Record], shas: Collection[str], settlements: dict[str, Any]) -> None:
        self.calls.append(("write_staged", self._last))
        super().write_staged(records, shas, settlements)

    def set_keys(self, keys: Any, conflicts: Sequence[dict[str, Any]]) -> None:
        self.calls.append(("set_keys", self._last))
        if self._last and self.refuse:
            self.refuse = False
            raise ValueError("a value this writer cannot store")
        super().set_keys(keys, conflicts)


@pytest.mark.parametrize("refuse", [False, True])
def test_last_documents_and_keys_in_one_transaction_store_the_same_rows(tmp_path: Path, refuse: bool) -> None:
    _glued_pairs(tmp_path / "in", range(3))
    plain = tmp_path / "plain.duckdb"
    s0 = run_batch([tmp_path / "in"], plain, workers=2, writer=NoLastTransaction(plain), commit_every=4)
    db = tmp_path / "w.duckdb"
    writer = WatchedLast(db, refuse=refuse)
    s1 = run_batch([tmp_path / "in"], db, workers=2, writer=writer, commit_every=4)
    if refuse:  # tried in the last transaction, rolled back, then the ordinary way
        assert ("set_keys", True) in writer.calls and writer.calls[-1] == ("set_keys", False)
        assert writer.calls[-2] == ("write_staged", False)
    else:  # the held documents and the keys share the last transaction
        assert writer.calls[-2:] == [("write_staged", True), ("set_keys", True)]
    assert (s1.extracted, s1.crossyear_settled, s1.ok, s1.with_findings) == (
        s0.extracted, s0.crossyear_settled, s0.ok, s0.with_findings)
    assert s1.crossyear_settled > 0
    assert s1.dataset is not None and s0.dataset is not None
    assert (s1.dataset.keyed, s1.dataset.duplicates) == (s0.dataset.keyed, s0.dataset.duplicates)
    assert _content(db) == _content(plain)
    check_consistent(db)


def _pid_noting_job(job: Any, settings: Any, timeout: float | None) -> Record:
    """:func:`run_job`, noting the worker's pid in ``pids/`` beside the input folder (the fork server
    keeps the environment of the test that started it, so no variable can carry the folder)."""
    import os

    from extractor.batch import run_job

    (Path(job.paths[0]).parent.parent / "pids" / str(os.getpid())).touch()
    return run_job(job, settings, timeout)


def test_the_workers_are_gone_when_the_batch_returns(tmp_path: Path) -> None:
    """The pool is shut down without waiting while the last documents are stored; the run still
    joins its worker processes before it returns."""
    import os

    pids = tmp_path / "pids"
    pids.mkdir()
    variants(tmp_path / "in", 12)
    s = run_batch([tmp_path / "in"], tmp_path / "w.duckdb", workers=2, job_fn=_pid_noting_job)
    assert s.extracted == s.ok + s.with_findings == 12
    seen = [int(p.name) for p in pids.iterdir()]
    assert seen
    for pid in seen:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


class Killed(BaseException):
    """Stands for a SIGKILL: nothing after it runs, in the writer or elsewhere."""


class KilledBeforeSettling(DuckDBWriter):
    """Stages the held documents, then dies where the run's last transaction would settle them."""

    def write_staged(self, records: Sequence[Record], shas: Collection[str], settlements: dict[str, Any]) -> None:
        raise Killed


def test_held_documents_of_a_killed_run_are_whole_marked_and_redone(tmp_path: Path) -> None:
    import duckdb

    _glued_pairs(tmp_path / "in", range(4))
    plain = tmp_path / "plain.duckdb"
    s0 = run_batch([tmp_path / "in"], plain, workers=2, commit_every=2, commit_seconds=0.01)
    assert s0.crossyear_settled > 0
    db = tmp_path / "w.duckdb"
    with pytest.raises(Killed):
        run_batch([tmp_path / "in"], db, workers=2, writer=KilledBeforeSettling(db), commit_every=2,
                  commit_seconds=0.01)
    stored, _ = check_consistent(db)  # whole documents, as extracted alone
    con = duckdb.connect(str(db), read_only=True)
    marked = {k for (k,) in con.execute("SELECT key FROM meta WHERE key LIKE 'held:%'").fetchall()}
    con.close()
    assert marked  # the held documents were stored before settling, and marked
    s1 = run_batch([tmp_path / "in"], db, workers=2, commit_every=2, commit_seconds=0.01)
    assert s1.already_stored == stored - len(marked)  # the marked ones are extracted again
    assert s1.extracted == s0.extracted - s1.already_stored
    assert s1.crossyear_settled > 0
    assert _content(db) == _content(plain)
    check_consistent(db)
