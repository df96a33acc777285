"""Batch runs: walking inputs, dedup by content, zip guards, crash safety and resume, engines."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from extractor.batch import Job, extract_record, iter_sources, plan, run_batch, run_job, run_local, unsafe_member
from extractor.settings import DEFAULT_SETTINGS, Settings
from extractor.writers import Record, load_tables

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "guantang-2024.txt"
REAL = ROOT.parent / "shared" / "corpus" / "real"


def variants(folder: Path, n: int, start: int = 0) -> list[Path]:
    """``n`` copies of the seed report, each with different bytes (an appended comment line)."""
    folder.mkdir(parents=True, exist_ok=True)
    seed = SEED.read_bytes()
    out = []
    for i in range(start, start + n):
        p = folder / f"report-{i:04d}.txt"
        p.write_bytes(seed + f"\n# copy {i}\n".encode())
        out.append(p)
    return out


def check_consistent(db: Path) -> tuple[int, int]:
    """No duplicates, no partial documents: every report has exactly its figures and vice versa."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        n, distinct = con.execute("SELECT count(*), count(DISTINCT sha256) FROM reports").fetchone() or (0, 0)
        assert n == distinct, "duplicate reports"
        orphans = con.execute(
            "SELECT count(*) FROM (SELECT DISTINCT sha256 FROM figures) f ANTI JOIN reports r USING (sha256)"
        ).fetchone()
        assert orphans == (0,), "figures without a report row"
        wrong = con.execute(
            "SELECT count(*) FROM reports r LEFT JOIN (SELECT sha256, count(*) AS k FROM figures GROUP BY ALL) f "
            "USING (sha256) WHERE coalesce(f.k, 0) <> r.n_figures"
        ).fetchone()
        assert wrong == (0,), "a report whose figure rows are incomplete"
        dup = con.execute("SELECT count(*) FROM (SELECT sha256, key FROM figures GROUP BY ALL HAVING count(*) > 1)").fetchone()
        assert dup == (0,), "duplicate figure rows"
        figures = con.execute("SELECT count(*) FROM figures").fetchone()
        return int(n), int(figures[0] if figures else 0)
    finally:
        con.close()


def test_same_bytes_under_two_names_stored_once(tmp_path: Path) -> None:
    src = tmp_path / "in"
    (src / "sub").mkdir(parents=True)
    (src / "a.txt").write_bytes(SEED.read_bytes())
    (src / "sub" / "b.txt").write_bytes(SEED.read_bytes())
    variants(src, 1)
    (src / "notes.json").write_text("{}")  # not a report suffix: ignored when walking folders
    db = tmp_path / "w.duckdb"
    s = run_batch([src], db, workers=1)
    assert (s.documents, s.ok, s.duplicate_paths) == (2, 2, 1)
    rows = {r["sha256"]: r for r in load_tables(db)["reports"]}
    paths = sorted(p for r in rows.values() for p in r["paths"])
    assert paths == sorted([str(src / "a.txt"), str(src / "sub" / "b.txt"), str(src / "report-0000.txt")])
    assert any(len(r["paths"]) == 2 for r in rows.values())
    # a later run that names the same bytes under a third name adds the path, extracts nothing
    (tmp_path / "c.txt").write_bytes(SEED.read_bytes())
    s2 = run_batch([tmp_path / "c.txt"], db, workers=1)
    assert (s2.already_stored, s2.extracted) == (1, 0)
    again = {r["sha256"]: r for r in load_tables(db)["reports"]}
    assert str(tmp_path / "c.txt") in next(r for r in again.values() if len(r["paths"]) == 3)["paths"]
    assert check_consistent(db) == (2, 400)


def test_corrupt_file_in_the_middle(tmp_path: Path) -> None:
    files = variants(tmp_path / "in", 6)
    (tmp_path / "in" / "report-0003.txt").write_bytes(b"\x00\x01\x02binary junk" * 200)
    (tmp_path / "in" / "report-0004.pdf").write_bytes(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ntruncated")
    (tmp_path / "in" / "empty.txt").write_bytes(b"")
    db = tmp_path / "w.duckdb"
    s = run_batch([tmp_path / "in"], db, workers=2)
    assert s.documents == len(files) + 2
    assert s.ok == len(files) - 1
    assert sum(s.failed.values()) == 3 and "unsupported_format" in s.failed and "empty_input" in s.failed
    reports = load_tables(db)["reports"]
    failed = [r for r in reports if r["status"] == "failed"]
    assert all(r["error_code"] and r["error_message"] and r["n_figures"] == 0 for r in failed)
    check_consistent(db)
    assert "failed (" in s.line() and "docs/s" in s.line()


def _zip(path: Path, members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression=compression) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data, compress_type=compression)
    return path


def test_zip_archive_read_in_place_with_guards(tmp_path: Path) -> None:
    seed = SEED.read_bytes()
    arc = _zip(tmp_path / "reports.zip", {
        "2024/good.txt": seed,
        "../evil.txt": seed + b"\n# evil\n",
        "/etc/abs.txt": seed + b"\n# abs\n",
        "bomb.txt": b"0" * (4 * 1024 * 1024),
        "nested.zip": b"PK\x03\x04",
        "readme.json": b"{}",
    })
    assert unsafe_member("../evil.txt") and unsafe_member("a/../../b") and unsafe_member("C:/x") and not unsafe_member("a/b.txt")
    items = list(iter_sources([arc]))
    reasons = {getattr(i, "path", ""): getattr(i, "reason", None) for i in items}
    assert reasons[f"{arc}!../evil.txt"] == "unsafe_path"
    assert reasons[f"{arc}!/etc/abs.txt"] == "unsafe_path"
    assert reasons[f"{arc}!bomb.txt"].startswith("zip_bomb")
    assert reasons[f"{arc}!nested.zip"] == "nested_archive"
    db = tmp_path / "w.duckdb"
    s = run_batch([arc], db, workers=1)
    assert (s.documents, s.ok) == (1, 1)
    assert {x.reason.split(":")[0] for x in s.skipped} == {"unsafe_path", "zip_bomb", "nested_archive"}
    [row] = load_tables(db)["reports"]
    assert row["paths"] == [f"{arc}!2024/good.txt"]
    assert not (tmp_path.parent / "evil.txt").exists()
    # a member bigger than --max-bytes is skipped before it is read
    small = Settings(max_bytes=1000)
    _jobs, skipped = plan([arc], small)
    assert any(x.reason.startswith("too_large") for x in skipped)


def test_globs_and_missing_inputs(tmp_path: Path) -> None:
    variants(tmp_path / "a", 2)
    variants(tmp_path / "b", 1, start=5)
    jobs, skipped = plan([str(tmp_path / "*" / "report-000*.txt"), str(tmp_path / "nope.txt")])
    assert len(jobs) == 3
    assert [s.reason for s in skipped] == ["missing"]


def crash_on_marker(job: Job, settings: Settings, timeout: float | None) -> Record:
    """A job function whose worker dies on one document (stands in for a segfaulting reader)."""
    if job.source.path.endswith("report-0002.txt"):
        os._exit(13)
    return run_job(job, settings, timeout)


def raise_on_marker(job: Job, settings: Settings, timeout: float | None) -> Record:
    """A job function that raises on one document (a bug outside run_job's own guard)."""
    if job.source.path.endswith("report-0004.txt"):
        raise RuntimeError("boom")
    return run_job(job, settings, timeout)


@pytest.mark.parametrize("chunk", [None, 3])
def test_dead_worker_fails_one_document_and_the_run_goes_on(tmp_path: Path, chunk: int | None) -> None:
    """Also when workers get several documents per task: the chunk of the dead worker is retried
    one document at a time."""
    variants(tmp_path / "in", 6)
    jobs, _ = plan([tmp_path / "in"])
    records = list(run_local(list(jobs.values()), DEFAULT_SETTINGS, workers=2, timeout=30, memory_mb=0,
                             fn=crash_on_marker, chunk=chunk))
    status = {r["report"]["paths"][0].rsplit("/", 1)[-1]: (r["report"]["status"], r["report"]["error_code"])
              for r in records}
    assert len(records) == 6
    assert status["report-0002.txt"] == ("failed", "worker_crashed")
    assert all(v == ("ok", None) for k, v in status.items() if k != "report-0002.txt")


def test_a_raising_job_function_fails_one_document_of_its_chunk(tmp_path: Path) -> None:
    variants(tmp_path / "in", 6)
    jobs, _ = plan([tmp_path / "in"])
    records = list(run_local(list(jobs.values()), DEFAULT_SETTINGS, workers=2, timeout=30, memory_mb=0,
                             fn=raise_on_marker, chunk=4))
    status = {r["report"]["paths"][0].rsplit("/", 1)[-1]: (r["report"]["status"], r["report"]["error_code"])
              for r in records}
    assert len(records) == 6
    assert status["report-0004.txt"] == ("failed", "internal_error")
    assert all(v == ("ok", None) for k, v in status.items() if k != "report-0004.txt")


def test_extract_record_public_function(tmp_path: Path) -> None:
    rec = extract_record(SEED)
    assert rec["report"]["status"] == "ok" and rec["report"]["n_figures"] == len(rec["figures"]) == 200
    assert rec["report"]["sha256"] == rec["figures"][0]["sha256"]
    bad = extract_record(b"", name="empty.txt")
    assert bad["report"]["status"] == "failed" and bad["report"]["error_code"] == "empty_input"
    assert bad["report"]["paths"] == ["empty.txt"]


def test_forkserver_preload_holds_what_extract_imports() -> None:
    """Every module the fork server preloads exists (it skips a missing one silently), and after them
    extracting a report that needs the aligner imports no other module of the package: workers
    start warm."""
    code = (
        "import sys\n"
        "from extractor.batch.run import FORKSERVER_PRELOAD\n"
        "for m in FORKSERVER_PRELOAD: __import__(m)\n"
        "before = set(sys.modules)\n"
        "from extractor.pipeline import extract\n"
        "assert extract(sys.argv[1]).status == 'ok'\n"
        "print(' '.join(sorted(m for m in set(sys.modules) - before if m.startswith('extractor'))))\n"
    )
    tsv = ROOT / "corpus" / "generated" / "gen-000009-hybrid-tsv.tsv"  # read by the aligner (lazily loaded)
    out = subprocess.run([sys.executable, "-c", code, str(tsv)], capture_output=True, text=True, check=True)
    assert out.stdout.split() == []


def _ogi(*args: str) -> list[str]:
    return [sys.executable, "-c", "from extractor.cli import run; run()", *args]


def test_resume_after_sigkill(tmp_path: Path) -> None:
    n = 60
    variants(tmp_path / "in", n)
    db = tmp_path / "w.duckdb"
    args = _ogi("batch", str(tmp_path / "in"), "--out", str(db), "--workers", "1", "--commit-every", "1", "-q")
    proc = subprocess.Popen(args, cwd=tmp_path, start_new_session=True)
    wal = Path(f"{db}.wal")
    t0 = time.monotonic()
    while time.monotonic() - t0 < 30 and proc.poll() is None:
        try:
            size = wal.stat().st_size  # (the file may vanish between two looks: a checkpoint)
        except FileNotFoundError:
            size = 0
        if size > 200_000:  # a few documents committed (the schema is ~100 KB)
            break
        time.sleep(0.01)
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its workers, mid-write
    proc.wait()
    stored, _ = check_consistent(db)
    assert 0 < stored < n, f"the kill did not land mid-run ({stored} stored)"
    done = subprocess.run(args[:-1], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert f"{stored:,} already stored" in done.stderr
    assert check_consistent(db) == (n, 200 * n)
    # --force re-extracts everything, still one row per document
    forced = subprocess.run(_ogi("batch", str(tmp_path / "in"), "--out", str(db), "--force", "-j", "2"),
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert forced.returncode == 0, forced.stderr
    assert f"{n:,} ok" in forced.stderr
    assert check_consistent(db) == (n, 200 * n)


def test_cli_batch_and_query(tmp_path: Path) -> None:
    variants(tmp_path / "in", 3)
    out = tmp_path / "r.duckdb"
    res = subprocess.run(_ogi("batch", str(tmp_path / "in"), "-o", str(out), "-j", "1"), capture_output=True,
                         text=True, timeout=60)
    assert res.returncode == 0, res.stderr
    assert res.stdout == "" and res.stderr.startswith("ogi batch: 3 documents; 3 ok;")  # summary on stderr
    assert "2 duplicates in the warehouse" in res.stderr  # three copies of one report: one canonical
    q = subprocess.run(_ogi("query", str(out), "applications"), capture_output=True, text=True, timeout=60)
    assert q.returncode == 0, q.stderr
    assert q.stdout.splitlines()[1] == "衡山县贯塘乡人民政府:2024,衡山县贯塘乡人民政府,2024,0,0,1"
    assert "2 duplicate documents set aside" in q.stderr


@pytest.mark.skipif(not REAL.is_dir(), reason="needs ../shared/corpus/real")
def test_real_corpus_batch(tmp_path: Path) -> None:
    s = run_batch([REAL], tmp_path / "real.parquet", workers=2)
    assert s.documents >= 20 and s.ok + s.with_findings >= s.documents * 0.8


def test_dask_engine_matches_local(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    variants(tmp_path / "in", 4)
    (tmp_path / "in" / "bad.txt").write_bytes(b"\x00junk" * 100)
    local = run_batch([tmp_path / "in"], tmp_path / "local.jsonl", workers=2)
    dask = run_batch([tmp_path / "in"], tmp_path / "dask.jsonl", workers=2, engine="dask")
    assert (local.ok, sum(local.failed.values())) == (dask.ok, sum(dask.failed.values())) == (4, 1)
    a, b = load_tables(tmp_path / "local.jsonl"), load_tables(tmp_path / "dask.jsonl")
    for table, keys in (("reports", ("sha256", "status", "error_code", "n_figures", "organ")),
                        ("figures", ("sha256", "key", "value", "state", "raw"))):
        assert sorted(tuple(r[k] for k in keys) for r in a[table]) == sorted(tuple(r[k] for k in keys) for r in b[table])


def _session_pids(sid: int) -> list[int]:
    out = subprocess.run(["ps", "-o", "pid=", "-s", str(sid)], capture_output=True, text=True).stdout
    return [int(x) for x in out.split()]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses ps -s and the forkserver (Linux)")
def test_sigkilled_batch_leaves_no_process_behind(tmp_path: Path) -> None:
    """Issue 13 item 5: after SIGKILL of `ogi batch` (the main process only, as the OOM killer or a
    scheduler does), its workers, the forkserver and the resource tracker all exit."""
    variants(tmp_path / "in", 400)
    args = _ogi("batch", str(tmp_path / "in"), "--out", str(tmp_path / "w.duckdb"), "-j", "2", "-q")
    proc = subprocess.Popen(args, cwd=tmp_path, start_new_session=True, stderr=subprocess.DEVNULL)
    try:
        t0 = time.monotonic()
        while time.monotonic() - t0 < 30 and len(_session_pids(proc.pid)) < 4 and proc.poll() is None:
            time.sleep(0.05)  # main, resource tracker, forkserver, workers
        assert proc.poll() is None and len(_session_pids(proc.pid)) >= 4, "the batch did not start its workers"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        t0 = time.monotonic()
        while time.monotonic() - t0 < 10 and _session_pids(proc.pid):
            time.sleep(0.1)
        assert _session_pids(proc.pid) == [], "processes outlived the killed batch"
    finally:
        for pid in _session_pids(proc.pid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


def test_watch_parent_exits_when_the_parent_is_gone(tmp_path: Path) -> None:
    """The watchdog on its own: a child process watching a process that dies exits with code 70."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    code = (f"import time; from extractor.batch.run import watch_parent; watch_parent({sleeper.pid}, 0.05); "
            "time.sleep(30); print('still here')")
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    time.sleep(0.5)
    assert child.poll() is None
    sleeper.kill()
    sleeper.wait()
    out, _ = child.communicate(timeout=10)
    assert child.returncode == 70 and "still here" not in out
