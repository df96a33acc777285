"""The warehouse as a dataset (issue 12): one report one row of truth (report_key, duplicate_of,
dup.conflict), status words, exact types, keys, refusals (unknown outputs, missing inputs, locked
warehouses), GBK zip names, migration of a schema-1 warehouse."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from reportgen import GeneratedReport, generate, next_year, render_html, render_pipe

from extractor.batch import extract_record, iter_sources, run_batch
from extractor.batch.dedupe import FORMAT_PREFERENCE, assign, canonical_rank, report_keys
from extractor.cli import main
from extractor.errors import InputNotFound, UnknownOutput, WarehouseLocked
from extractor.pipeline import ExtractionResult
from extractor.writers import canonical_keys, load_tables, open_writer
from extractor.writers.queries import connect_any
from extractor.writers.schema import MONEY_KEYS, STATUSES, wide_column

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "guantang-2024.txt"


def ogi(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", "from extractor.cli import run; run()", *args], capture_output=True,
                          text=True, timeout=120, cwd=cwd)


def _organ(seed: int, organ: str, year: int) -> GeneratedReport:
    rep = generate(seed)
    rep.organ, rep.year = organ, year
    return rep


# --- the same reports as HTML and as text ---------------------------------------------------------------


@pytest.fixture(scope="module")
def twins(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, GeneratedReport]]:
    """Two organs × two years, each report published as an HTML page and as a text dump, plus a
    report whose second copy prints one figure differently; batched by the real CLI."""
    tmp = tmp_path_factory.mktemp("twins")
    src = tmp / "in"
    src.mkdir()
    a22 = _organ(3, "示例县人民政府", 2022)
    b22 = _organ(4, "样例市生态环境局", 2022)
    reps = {"a2022": a22, "a2023": next_year(a22, 5), "b2022": b22, "b2023": next_year(b22, 6),
            "c2023": _organ(7, "某某镇人民政府", 2023)}
    for name, rep in reps.items():
        (src / f"{name}.txt").write_text(render_pipe(rep), encoding="utf-8")
        if name != "c2023":
            (src / f"{name}.html").write_text(render_html(rep), encoding="utf-8")
    other = GeneratedReport(organ=reps["c2023"].organ, year=2023, figures=dict(reps["c2023"].figures))
    other.figures["t2.licensing.decisions"] = int(other.figures["t2.licensing.decisions"]) + 7
    (src / "c2023-copy.txt").write_text(render_pipe(other), encoding="utf-8")
    db = tmp / "reports.duckdb"
    res = ogi("batch", str(src), "--out", str(db), "-j", "2")
    assert res.returncode == 0, res.stderr
    assert res.stdout == ""  # the summary goes to stderr
    assert "5 duplicates in the warehouse, 1 conflict" in res.stderr, res.stderr
    return db, reps


def test_each_report_key_counted_once_in_applications_panel_and_diff(
        twins: tuple[Path, dict[str, GeneratedReport]], tmp_path: Path) -> None:
    db, reps = twins
    runner = CliRunner()
    con = duckdb.connect(str(db), read_only=True)
    rows = con.execute("SELECT sha256, report_key, duplicate_of, reader FROM reports ORDER BY report_key, reader").fetchall()
    con.close()
    keys = {r[1] for r in rows}
    assert keys == {"示例县人民政府:2022", "示例县人民政府:2023", "样例市生态环境局:2022", "样例市生态环境局:2023",
                    "某某镇人民政府:2023"}
    for key in keys:
        group = [r for r in rows if r[1] == key]
        canonical = [r for r in group if r[2] is None]
        assert len(canonical) == 1 and all(r[2] == canonical[0][0] for r in group if r[2] is not None)
        if key != "某某镇人民政府:2023":  # equal figures and errors: HTML is preferred to a text dump
            assert canonical[0][3] == "html" and len(group) == 2

    res = runner.invoke(main, ["query", str(db), "applications", "--format", "json"])
    assert res.exit_code == 0, res.output
    got = [json.loads(line) for line in res.stdout.splitlines()]
    assert sorted(r["report_key"] for r in got) == sorted(keys)  # once each
    for r in got:
        assert r["reports"] == 1
        name = {"示例县人民政府": "a", "样例市生态环境局": "b", "某某镇人民政府": "c"}[r["organ"]] + str(r["report_year"])
        assert r["new_received"] == reps[name].figures["t3.new_received.total"]
    assert "5 duplicate documents set aside" in res.stderr

    res = runner.invoke(main, ["panel", str(db), "--out", str(tmp_path / "p.csv"), "--format", "json"])
    organs = [json.loads(line) for line in res.stdout.splitlines()]
    assert {o["organ"]: o["years"] for o in organs} == {"示例县人民政府": [2022, 2023], "样例市生态环境局": [2022, 2023],
                                                        "某某镇人民政府": [2023]}
    assert "5 duplicate documents set aside" in res.stderr
    panel = (tmp_path / "p.csv").read_text(encoding="utf-8")
    assert "several reports for one year" not in panel  # duplicates never reach the panel
    fig = next(line for line in panel.splitlines() if line.startswith("示例县人民政府,") and ",t3.new_received.total," in line)
    assert f",{reps['a2022'].figures['t3.new_received.total']},{reps['a2023'].figures['t3.new_received.total']}," in fig

    res = runner.invoke(main, ["diff", str(db), "示例县人民政府:2022", "示例县人民政府:2023", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["consecutive"] and any("2 duplicate documents of these reports set aside" in n for n in d["notes"])
    canon = {r[1]: r[0] for r in rows if r[2] is None}
    assert (d["old"]["sha256"], d["new"]["sha256"]) == (canon["示例县人民政府:2022"], canon["示例县人民政府:2023"])


def test_dup_conflict_names_the_figures(twins: tuple[Path, dict[str, GeneratedReport]]) -> None:
    db, reps = twins
    tables = load_tables(db)
    [conflict] = [f for f in tables["findings"] if f["code"] == "dup.conflict"]
    head = next(r for r in tables["reports"] if r["sha256"] == conflict["sha256"])
    assert head["report_key"] == "某某镇人民政府:2023" and head["duplicate_of"] is None
    assert conflict["cells"] == ["t2.licensing.decisions"] and conflict["severity"] == "warning"
    v = int(reps["c2023"].figures["t2.licensing.decisions"])
    assert {conflict["expected"], conflict["actual"]} == {v, v + 7}
    assert "t2.licensing.decisions" in conflict["message"]
    # the finding numbers stay unique per document, and a second run does not repeat the finding
    res = ogi("batch", str(db.parent / "in"), "--out", str(db), "-q")
    assert res.returncode == 0 and res.stderr == ""
    assert sum(f["code"] == "dup.conflict" for f in load_tables(db)["findings"]) == 1


def _row(sha: str, n_figures: int = 200, n_errors: int = 0, reader: str = "text", organ: str = "甲县人民政府",
         year: int = 2023, status: str = "ok") -> dict[str, Any]:
    return {"sha256": sha, "n_figures": n_figures, "n_errors": n_errors, "reader": reader, "organ": organ,
            "report_year": year, "status": status}


def test_the_canonical_rule() -> None:
    rows = [_row("a" * 64, reader="html"), _row("b" * 64, n_figures=201, reader="text"),
            _row("c" * 64, n_figures=201, n_errors=1, reader="docx"), _row("d" * 64, status="failed", organ="")]
    keys, groups = assign(rows)
    assert groups == {"b" * 64: ["c" * 64, "a" * 64]}  # most figures, then fewest errors, then the format
    assert keys["d" * 64] == (None, None)  # failed documents are never keyed
    rows = [_row("9" * 64, reader="text"), _row("8" * 64, reader="pdf"), _row("7" * 64, reader="html")]
    assert sorted(rows, key=canonical_rank)[0]["reader"] == "html"
    assert FORMAT_PREFERENCE.index("html") < FORMAT_PREFERENCE.index("pdf") < FORMAT_PREFERENCE.index("text")
    # the organ key is the one diff and panel match on: a leading city prefix is the same organ
    keys2 = report_keys([_row("e" * 64, organ="洪泽区人民政府"), _row("f" * 64, organ="淮安市洪泽区人民政府"),
                         _row("0" * 64, organ="宿迁市生态环境局"), _row("1" * 64, organ="淮安市生态环境局")])
    assert keys2["e" * 64] == keys2["f" * 64] == "洪泽区人民政府:2023"
    assert keys2["0" * 64] != keys2["1" * 64]


@given(st.lists(st.tuples(st.integers(0, 3), st.integers(0, 2), st.sampled_from(FORMAT_PREFERENCE),
                          st.sampled_from(["甲县人民政府", "乙市人民政府"]), st.sampled_from([2022, 2023])),
                min_size=1, max_size=8, unique=True), st.randoms())
def test_one_canonical_per_key_whatever_the_order(specs: list[tuple[int, int, str, str, int]], rnd: Any) -> None:
    rows = [_row(f"{i:064x}", n_figures=f, n_errors=e, reader=r, organ=o, year=y) for i, (f, e, r, o, y) in enumerate(specs)]
    keys, groups = assign(rows)
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert assign(shuffled) == (keys, groups)
    for key in {k for k, _ in keys.values()}:
        members = [s for s, (k, _) in keys.items() if k == key]
        heads = [s for s in members if keys[s][1] is None]
        assert len(heads) == 1
        best = min((r for r in rows if r["sha256"] in members), key=canonical_rank)
        assert heads[0] == best["sha256"]


# --- status words, types, keys -------------------------------------------------------------------------


def test_status_partial_is_carried_through(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rec = extract_record(SEED.read_bytes(), name="seed.txt")
    result = ExtractionResult(source="x", status="partial")
    assert result.status in STATUSES
    rec["report"]["status"] = "partial"
    w = open_writer(tmp_path / "w.duckdb")
    w.start()
    w.write([rec])
    w.finish()
    res = CliRunner().invoke(main, ["query", str(tmp_path / "w.duckdb"), "status", "--format", "json"])
    assert json.loads(res.stdout)["status"] == "partial"
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    with pytest.raises(duckdb.ConstraintException):
        con.execute("UPDATE reports SET status = 'done'")  # only the four status words
    con.close()

    from extractor import cli
    from extractor.pipeline import extract

    def partial(*args: Any, **kwargs: Any) -> ExtractionResult:
        r = extract(*args, **kwargs)
        r.status = "partial"
        return r

    monkeypatch.setattr(cli, "extract", partial)
    res = CliRunner().invoke(main, ["check", str(SEED)])
    assert "— partial: 200 figures, 0 findings" in res.output
    res = CliRunner().invoke(main, ["check", str(SEED), "--format", "json"])
    assert json.loads(res.output)["status"] == "partial"


def test_summary_counts_partial() -> None:
    from extractor.batch import BatchSummary

    s = BatchSummary(out="w.duckdb", documents=1)
    s.add({"report": {"status": "partial", "n_figures": 1, "error_code": None}})
    assert s.statuses["partial"] == 1 and "1 partial" in s.line() and "1 document;" in s.line()
    assert "1 figure;" in s.line()


def test_exact_types_in_every_format(tmp_path: Path) -> None:
    rep = generate(21)
    rep.figures["t2.fees.amount"] = 1.25
    rec = extract_record(render_pipe(rep).encode(), name="r.txt")
    figs = {f["key"]: f for f in rec["figures"]}  # type: ignore[union-attr]
    assert figs["t2.fees.amount"]["value"] is None and figs["t2.fees.amount"]["amount"] == Decimal("1.2500")
    assert type(figs["t3.new_received.total"]["value"]) is int and figs["t3.new_received.total"]["amount"] is None
    n = rep.figures["t3.new_received.total"]
    for fmt in ("csv", "jsonl"):
        out = tmp_path / f"w.{fmt}"
        w = open_writer(out)
        w.start()
        w.write([rec])
        w.finish()
        text = (tmp_path / f"w.figures.{fmt}").read_text(encoding="utf-8")
        line = next(x for x in text.splitlines() if "t3.new_received.total" in x)
        assert (f",{n}," in line) if fmt == "csv" else (f'"value": {n},' in line)
        assert ".0," not in line and ".0}" not in line
    res = CliRunner().invoke(main, ["query", str(tmp_path / "w.csv"), "SELECT value, amount FROM figures WHERE key IN "
                                    "('t3.new_received.total', 't2.fees.amount') ORDER BY key", "--format", "csv"])
    assert res.stdout.splitlines()[1:] == [",1.25", f"{n},"]


def test_keys_not_null_and_plain_wide_columns(tmp_path: Path) -> None:
    db = tmp_path / "w.duckdb"
    w = open_writer(db)
    w.start()
    w.write([extract_record(SEED.read_bytes(), name="seed.txt")])
    w.finish()
    con = duckdb.connect(str(db))
    for sql in ("INSERT INTO figures SELECT * FROM figures LIMIT 1",  # (sha256, key) is the key
                "INSERT INTO reports SELECT * FROM reports",
                "INSERT INTO findings (sha256, finding_no, code, severity) VALUES (NULL, 0, 'x', 'info')",
                "INSERT INTO sections SELECT * FROM sections LIMIT 1"):
        with pytest.raises(duckdb.ConstraintException):
            con.execute(sql)
    cols = [r[0] for r in con.execute("DESCRIBE report_figures").fetchall()]
    wide = [wide_column(k) for k in canonical_keys()]
    assert len(set(wide)) == len(wide) and set(wide) <= set(cols)
    assert all(re.fullmatch(r"[a-z][a-z0-9_]*", c) for c in cols)  # usable without quoting
    assert con.execute("SELECT t3_new_received_total, typeof(t3_new_received_total), typeof(t2_fees_amount) "
                       "FROM report_figures").fetchone() == (0, "BIGINT", "DECIMAL(18,4)")
    assert {k for k in canonical_keys() if k in MONEY_KEYS} == MONEY_KEYS
    con.close()


# --- refusals ------------------------------------------------------------------------------------------


def test_unknown_output_and_missing_inputs_are_refused(tmp_path: Path) -> None:
    runner = CliRunner()
    res = runner.invoke(main, ["batch", str(SEED), "--out", str(tmp_path / "x.xlsx")])
    assert res.exit_code == 2 and res.stdout == ""
    assert res.stderr.count("\n") == 1 and "unknown_output" in res.stderr and "xlsx" in res.stderr
    assert list(tmp_path.iterdir()) == []
    res = runner.invoke(main, ["batch", str(tmp_path / "nope"), str(SEED), "--out", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2 and res.stderr == f"ogi: {tmp_path / 'nope'}: missing_input: no such file or directory\n"
    assert not (tmp_path / "w.duckdb").exists()
    res = runner.invoke(main, ["batch", str(tmp_path / "*.pdf"), "--out", str(tmp_path / "w.duckdb")])
    assert res.exit_code == 2 and "missing_input: no file matches this pattern" in res.stderr
    with pytest.raises(UnknownOutput):
        run_batch([SEED], tmp_path / "x.xlsx")
    with pytest.raises(InputNotFound):
        run_batch([tmp_path / "nope"], tmp_path / "w.duckdb")
    done = ogi("batch", str(SEED), "--out", str(tmp_path / "x.xlsx"))  # a real process: one line, no traceback
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def _gbk_zip(path: Path, name: str, data: bytes) -> None:
    """A zip as Windows tools in China write it: the member name in GBK, no UTF-8 flag."""
    raw = name.encode("gbk")
    placeholder = "x" * (len(raw) - 4) + ".txt"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(placeholder, data)
    blob = path.read_bytes()
    assert blob.count(placeholder.encode()) == 2  # local header and central directory
    path.write_bytes(blob.replace(placeholder.encode(), raw))


def test_gbk_zip_member_names_decode(tmp_path: Path) -> None:
    archive = tmp_path / "reports.zip"
    name = "2024年政府信息公开工作年度报告.txt"
    _gbk_zip(archive, name, SEED.read_bytes())
    with zipfile.ZipFile(archive) as zf:
        assert zf.infolist()[0].filename != name  # what zipfile makes of it (cp437)
    [src] = list(iter_sources([archive]))
    assert src.path == f"{archive}!{name}"
    s = run_batch([archive], tmp_path / "w.duckdb", workers=1)
    assert s.ok == 1
    [rep] = load_tables(tmp_path / "w.duckdb")["reports"]
    assert rep["paths"] == [f"{archive}!{name}"] and rep["organ"] == "衡山县贯塘乡人民政府"


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "jsonl"])
def test_second_writer_gets_warehouse_locked(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"w.{fmt}"
    first = open_writer(out)
    first.start()
    try:
        with pytest.raises(WarehouseLocked):
            open_writer(out).start()
        res = ogi("batch", str(SEED), "--out", str(out))
        assert res.returncode == 2 and res.stderr.count("\n") == 1 and "warehouse_locked" in res.stderr, res.stderr
        if fmt == "duckdb":
            q = ogi("query", str(out), "status")
            assert q.returncode == 2 and q.stderr.count("\n") == 1 and "warehouse_locked" in q.stderr
    finally:
        first.finish()
    assert ogi("batch", str(SEED), "--out", str(out), "-q").returncode == 0  # free again


def test_query_never_prints_a_traceback(tmp_path: Path) -> None:
    out = tmp_path / "r.parquet"
    run_batch([SEED], out, workers=1)
    runner = CliRunner()
    for name in (out, tmp_path / "r.reports.parquet", tmp_path / "r"):  # with or without the table suffix
        res = runner.invoke(main, ["query", str(name), "SELECT count(*) AS n FROM reports", "--format", "json"])
        assert res.exit_code == 0 and json.loads(res.stdout) == {"n": 1}, res.output
    cases = {
        (str(tmp_path / "missing.duckdb"), "status"): "no_warehouse",
        (str(out), "SELEC nonsense"): "query_error",
        (str(out), "SELECT * FROM no_such_table"): "query_error",
        (str(tmp_path / "missing.parquet"), "status"): "no_warehouse",
        (str(SEED), "status"): "warehouse_error",
    }
    for (wh, sql), code in cases.items():
        res = runner.invoke(main, ["query", wh, sql])
        assert res.exit_code == 2 and res.stderr.count("\n") == 1 and f": {code}: " in res.stderr, (wh, res.output)
        assert res.exception is None or isinstance(res.exception, SystemExit)
    done = ogi("query", str(out), "SELEC 1")
    assert done.returncode == 2 and done.stderr.startswith("ogi: query: query_error: ") and "Traceback" not in done.stderr


# --- migration -----------------------------------------------------------------------------------------


def test_migrate_a_schema_1_warehouse(tmp_path: Path) -> None:
    from test_writers import _v1_database

    db = tmp_path / "old.duckdb"
    recs = [extract_record(SEED.read_bytes(), name="a.txt"), extract_record(SEED.read_bytes() + b"\n", name="b.txt")]
    _v1_database(db, recs)
    res = CliRunner().invoke(main, ["query", str(db), "status"])
    assert res.exit_code == 2 and "old_warehouse" in res.stderr and "ogi migrate" in res.stderr
    res = CliRunner().invoke(main, ["migrate", str(db)])
    assert res.exit_code == 0, res.output
    assert "migrated from schema 1.0 to 2.0; 2 documents, 1 duplicates; 2 documents without section texts" in res.stderr
    tables = load_tables(db)
    assert sorted(r["duplicate_of"] is None for r in tables["reports"]) == [False, True]
    assert {r["report_key"] for r in tables["reports"]} == {"衡山县贯塘乡人民政府:2024"}
    again = CliRunner().invoke(main, ["migrate", str(db)])
    assert "already at schema 2.0" in again.stderr


def test_file_warehouse_of_schema_1_is_converted_on_write(tmp_path: Path) -> None:
    out = tmp_path / "w.jsonl"
    rec = extract_record(SEED.read_bytes(), name="a.txt")
    v1 = {k: v for k, v in rec["report"].items() if k not in ("report_key", "duplicate_of", "url", "published_source",
                                                               "n_sections")}
    (tmp_path / "w.reports.jsonl").write_text(json.dumps(v1, default=str, ensure_ascii=False) + "\n", encoding="utf-8")
    with (tmp_path / "w.figures.jsonl").open("w", encoding="utf-8") as fh:
        for f in rec["figures"]:  # type: ignore[union-attr]
            v = f["value"] if f["value"] is not None else f["amount"]
            row = {k: x for k, x in f.items() if k != "amount"} | {"value": None if v is None else float(v)}
            fh.write(json.dumps(row, default=str, ensure_ascii=False) + "\n")
    with pytest.raises(Exception, match="ogi migrate"):
        connect_any(out)
    res = CliRunner().invoke(main, ["migrate", str(out)])
    assert res.exit_code == 0, res.output
    tables = load_tables(out)
    assert len(tables["figures"]) == 200 and {type(f["value"]) for f in tables["figures"] if f["value"] is not None} == {int}


def poisoned(job: Any, settings: Any, timeout: float | None) -> Any:
    """run_job, with a text no sink can store in one document (module level: workers import it)."""
    from extractor.batch import run_job

    rec = run_job(job, settings, timeout)
    if job.source.path.endswith("r1.txt"):
        rec["report"]["title"] = "bad \ud800 title"
    return rec


@pytest.mark.parametrize("fmt", ["duckdb", "parquet", "jsonl"])
def test_a_document_the_writer_cannot_store_fails_alone(tmp_path: Path, fmt: str) -> None:
    """A value a sink refuses (a lone surrogate in a text) fails that document only, as internal_error."""
    src = tmp_path / "in"
    src.mkdir()
    for i in range(3):
        (src / f"r{i}.txt").write_bytes(SEED.read_bytes() + f"\n# {i}\n".encode())
    s = run_batch([src], tmp_path / f"w.{fmt}", workers=1, job_fn=poisoned, commit_every=8)
    assert s.ok == 2 and dict(s.failed) == {"internal_error": 1}
    tables = load_tables(tmp_path / f"w.{fmt}")
    bad = next(r for r in tables["reports"] if r["status"] == "failed")
    assert bad["paths"] == [str(src / "r1.txt")] and "cannot store" in bad["error_message"]
    assert {f["sha256"] for f in tables["figures"]} == {r["sha256"] for r in tables["reports"] if r["status"] == "ok"}


_NUM = st.one_of(st.none(), st.integers(-5, 5), st.integers(-(2**62), 2**62),
                 st.decimals(min_value=-1000, max_value=1000, places=4, allow_nan=False))


@given(st.lists(st.lists(_NUM, min_size=4, max_size=4), min_size=2, max_size=4))
def test_conflicts_compared_by_the_database_are_the_ones_python_finds(docs: list[list[Any]]) -> None:
    """``DuckDBStore.figure_differences`` (the batch's path) against ``figure_values`` (every other writer)."""
    import tempfile

    from extractor.batch.dedupe import conflict_findings
    from extractor.writers.schema import exact_number

    keys = ["t3.granted.total", "t2.fees.amount", "t4.review.total", "t2.licensing.decisions"]
    with tempfile.TemporaryDirectory() as tmp:
        w = open_writer(Path(tmp) / "w.duckdb")
        w.start()
        try:
            recs = []
            for i, nums in enumerate(docs):
                sha = f"{i:064x}"
                rep = extract_record(SEED.read_bytes(), name="x.txt")["report"] | {"sha256": sha, "paths": [f"{i}.txt"]}
                figs = []
                for key, v in zip(keys, nums, strict=True):
                    value, amount = exact_number(key, v)
                    figs.append({"sha256": sha, "key": key, "value": value, "amount": amount, "state": "number",
                                 "raw": None, "unit": None, "inferred": False, "page": None, "table_index": None,
                                 "row_index": None, "col_index": None, "line": None})
                rep["n_figures"] = len(figs)
                recs.append({"report": rep, "figures": figs, "findings": [], "sections": []})
            w.write(recs)
            rows = w.report_rows()
            _keys, groups = assign(rows)
            assert groups, "the documents share organ and year: one group"
            by_sha = {str(r["sha256"]): r for r in rows}
            pairs = [(h, d) for h, dups in groups.items() for d in dups]
            fast = conflict_findings(groups, w.figure_differences(pairs), by_sha)  # type: ignore[attr-defined]
            slow = conflict_findings(groups, w.figure_values({s for p in pairs for s in p}), by_sha)
            assert fast == slow
        finally:
            w.finish()
