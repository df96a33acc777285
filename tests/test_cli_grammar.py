"""One CLI grammar (issue 12): --format everywhere (json = JSON Lines whatever the number of inputs),
the warehouse first, old spellings as hidden aliases, stderr for progress and summaries (progress only
on a terminal), -q, plain tables in pipes, and the small things (plurals, short prefixes, ambiguous
ORGAN:YEAR, a warehouse given to diff as a report)."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportgen import generate, next_year, render_pipe

from extractor.batch import run_batch
from extractor.cli import main

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "guantang-2024.txt"
BOX = set("┃━┏┓┗┛│─┡┩╇╈┼")


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("grammar")
    src = tmp / "in"
    src.mkdir()
    a = generate(51)
    a.organ, a.year = "示例县人民政府", 2022
    reps = {"a2022": a, "a2023": next_year(a, 52)}
    for city in ("淮安市", "宿迁市"):  # two organs that both match 生态环境局:2023
        r = generate(53)
        r.organ, r.year = f"{city}生态环境局", 2023
        reps[city] = r
    for name, rep in reps.items():
        (src / f"{name}.txt").write_text(render_pipe(rep), encoding="utf-8")
    out = tmp / "reports.duckdb"
    run_batch([src], out, workers=1)
    return out


def _lines(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines()]


def test_json_is_json_lines_whatever_the_number_of_inputs(tmp_path: Path) -> None:
    runner = CliRunner()
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    for fmt in ("json", "jsonl", "flat"):
        one = runner.invoke(main, ["extract", str(SEED), "--format", fmt])
        two = runner.invoke(main, ["extract", str(SEED), str(SEED), "--format", fmt])
        assert len(one.stdout.splitlines()) == 1 and len(two.stdout.splitlines()) == 2
        assert _lines(one.stdout)[0] == _lines(two.stdout)[0] == _lines(two.stdout)[1]
    assert set(_lines(one.stdout)[0]) == {"source", "figures"}
    one = runner.invoke(main, ["check", str(SEED), "--format", "json"])
    two = runner.invoke(main, ["check", str(SEED), str(bad), "--json"])  # --json: hidden alias
    assert one.exit_code == 0 and two.exit_code == 2
    assert len(one.stdout.splitlines()) == 1 and len(two.stdout.splitlines()) == 2
    first, failed = _lines(two.stdout)
    assert first == _lines(one.stdout)[0] and first["status"] == "ok" and first["findings"] == []
    assert failed["status"] == "failed" and failed["error"]["code"] == "empty_input"  # type: ignore[index]
    assert two.stderr.count("\n") == 1  # and its one-line error on stderr
    pretty = runner.invoke(main, ["extract", str(SEED), "--indent", "2"])
    assert json.loads(pretty.stdout)["meta"]["report_year"] == 2024 and len(pretty.stdout.splitlines()) > 100
    assert "--json" not in runner.invoke(main, ["check", "--help"]).output


def test_every_reading_command_takes_format(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["query", str(db), "SELECT report_key, report_year FROM reports ORDER BY ALL",
                               "--format", "json"])
    assert _lines(res.stdout)[0] == {"report_key": "宿迁市生态环境局:2023", "report_year": 2023}
    csv_out = runner.invoke(main, ["query", str(db), "status", "--csv"])  # old spelling, hidden
    assert csv_out.stdout.splitlines()[0] == "status,documents,figures,findings"
    assert runner.invoke(main, ["query", str(db), "status"]).stdout == csv_out.stdout  # csv off a terminal
    res = runner.invoke(main, ["panel", str(db), "-o", str(tmp_path / "p.csv"), "--format", "json"])
    assert [o["organ"] for o in _lines(res.stdout)] == ["宿迁市生态环境局", "淮安市生态环境局", "示例县人民政府"]
    res = runner.invoke(main, ["diff", str(db), "示例县人民政府:2022", "示例县人民政府:2023", "--format", "json"])
    assert len(res.stdout.splitlines()) == 1 and json.loads(res.stdout)["consecutive"] is True
    assert runner.invoke(main, ["diff", str(db), "示例县人民政府:2022", "示例县人民政府:2023", "--json"]
                         ).stdout == res.stdout
    for cmd in (["query", str(db), "status", "--format", "xml"], ["diff", "a", "b", "--format", "csv"]):
        assert runner.invoke(main, cmd).exit_code == 2


def test_the_warehouse_is_the_first_argument_old_spellings_still_work(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    new = runner.invoke(main, ["diff", str(db), "示例县人民政府:2022", "示例县人民政府:2023", "--format", "json"])
    old = runner.invoke(main, ["diff", "--db", str(db), "示例县人民政府:2022", "示例县人民政府:2023", "--json"])
    assert new.exit_code == old.exit_code == 0 and new.stdout == old.stdout
    p1, p2 = tmp_path / "1.csv", tmp_path / "2.csv"
    assert runner.invoke(main, ["panel", str(db), "-o", str(p1), "-q"]).exit_code == 0
    assert runner.invoke(main, ["panel", "--db", str(db), "-o", str(p2), "-q"]).exit_code == 0
    assert p1.read_text(encoding="utf-8") == p2.read_text(encoding="utf-8")
    for cmd in ("diff", "panel"):
        assert "--db" not in runner.invoke(main, [cmd, "--help"]).output
    out = tmp_path / "w.parquet"
    res = runner.invoke(main, ["batch", str(SEED), "--out", str(tmp_path / "w"), "--format", "parquet", "-q"])
    assert res.exit_code == 0 and (tmp_path / "w" / "reports.parquet").exists()  # --format: old --warehouse-format
    res = runner.invoke(main, ["batch", str(SEED), "--out", str(out), "-q"])
    assert res.exit_code == 0 and res.output == ""
    res = runner.invoke(main, ["query", str(tmp_path / "w"), "status", "--warehouse-format", "parquet", "--format", "json"])
    assert _lines(res.stdout)[0]["documents"] == 1


def test_small_things(db: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["check", str(SEED)])
    assert "200 figures, 0 findings" in res.stdout
    res = runner.invoke(main, ["diff", str(db), "abc12", "示例县人民政府:2023"])
    assert res.exit_code == 2 and res.stderr.startswith("ogi: abc12: report_lookup: a sha256 prefix needs at least 6")
    res = runner.invoke(main, ["diff", str(db), "生态环境局:2023", "示例县人民政府:2023"])
    assert res.exit_code == 2 and res.stderr.count("\n") == 1
    assert res.stderr.startswith("ogi: 生态环境局:2023: report_lookup: matches 2 reports: ")
    assert "淮安市生态环境局" in res.stderr and "宿迁市生态环境局" in res.stderr  # both listed, with sha256 prefixes
    res = runner.invoke(main, ["diff", str(db), str(SEED)])
    assert res.exit_code == 2 and f"use `ogi diff {db} OLD NEW` (or --db {db})" in res.stderr
    res = runner.invoke(main, ["query", str(db), "SELECT 1 AS one, 'x' AS two", "--format", "table"])
    assert not BOX & set(res.stdout) and res.stdout.split() == ["one", "two", "1", "x"]  # plain text in a pipe
    res = runner.invoke(main, ["diff", str(db), "示例县人民政府:2022", "示例县人民政府:2023"])
    assert not BOX & set(res.stdout) and "Changed figures" in res.stdout
    assert all(line == line.rstrip() for line in res.stdout.splitlines())


def _ogi(*args: str) -> list[str]:
    return [sys.executable, "-c", "from extractor.cli import run; run()", *args]


def _run_with_tty_stderr(args: list[str], timeout: float = 60) -> tuple[str, str, int]:
    """Run with stderr on a pseudo-terminal and stdout on a pipe; return (stdout, terminal text, rc)."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "TERM": "xterm"}
    proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    chunks: list[bytes] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        ready, _, _ = select.select([master], [], [], 0.1)
        if ready:
            try:
                data = os.read(master, 65536)
            except OSError:
                break
            if not data:
                break
            chunks.append(data)
        elif proc.poll() is not None:
            break
    out = proc.stdout.read().decode() if proc.stdout else ""
    rc = proc.wait(10)
    os.close(master)
    return out, b"".join(chunks).decode(errors="replace"), rc


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses a pseudo-terminal")
def test_progress_and_summary_on_stderr_stdout_clean(tmp_path: Path) -> None:
    src = tmp_path / "in"
    src.mkdir()
    for i in range(40):
        (src / f"r{i}.txt").write_bytes(SEED.read_bytes() + f"\n# {i}\n".encode())
    out, tty, rc = _run_with_tty_stderr(_ogi("batch", str(src), "--out", str(tmp_path / "w.duckdb"), "-j", "1"))
    assert rc == 0 and out == ""  # `ogi batch … > log` stays clean
    assert "ogi batch: 40 documents; 40 ok" in tty  # the summary
    assert "/40" in tty or "━" in tty  # the progress bar was drawn on the terminal
    out, tty, rc = _run_with_tty_stderr(_ogi("batch", str(src), "--out", str(tmp_path / "q.duckdb"), "-j", "1", "-q"))
    assert rc == 0 and out == "" and tty.strip() == ""
    out, tty, rc = _run_with_tty_stderr(_ogi("query", str(tmp_path / "w.duckdb"), "status", "--format", "table"))
    assert rc == 0 and not BOX & set(out) and "39 duplicate documents set aside" in tty


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="uses a pseudo-terminal")
def test_box_tables_on_a_terminal(tmp_path: Path) -> None:
    run_batch([SEED], tmp_path / "w.duckdb", workers=1)
    master, slave = pty.openpty()
    proc = subprocess.run(_ogi("query", str(tmp_path / "w.duckdb"), "status"), stdout=slave, stderr=subprocess.PIPE,
                          timeout=60, env={**os.environ, "COLUMNS": "120"})
    os.close(slave)
    text = b""
    while select.select([master], [], [], 0.2)[0]:
        try:
            chunk = os.read(master, 65536)
        except OSError:
            break
        if not chunk:
            break
        text += chunk
    os.close(master)
    assert proc.returncode == 0 and BOX & set(text.decode(errors="replace"))  # table on a terminal
