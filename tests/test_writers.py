"""Warehouse writers: every format stores the same rows; resume, force and schema evolution."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractor.batch import extract_record
from extractor.errors import WarehouseOutdated
from extractor.writers import (
    WAREHOUSE_SCHEMA_VERSION,
    WRITERS,
    Record,
    WarehouseError,
    format_for,
    load_tables,
    open_writer,
)
from extractor.writers.files import table_path
from extractor.writers.queries import QUERIES, connect_any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "corpus" / "guantang-2024.txt"
EXT = {"duckdb": "duckdb", "parquet": "parquet", "csv": "csv", "jsonl": "jsonl"}


@pytest.fixture(scope="module")
def records() -> list[Record]:
    seed = SEED.read_bytes()
    recs = [
        extract_record(seed, name="a.txt", paths=["a.txt", "dir/b.txt"]),
        extract_record(seed + b"\n# other bytes\n", name="c.txt"),
        extract_record(b"\x00\x01 junk" * 50, name="junk.bin"),
        extract_record(b"", name="empty.txt"),
    ]
    # a finding with every column filled, and text that needs quoting in CSV
    recs[1]["findings"].append({
        "sha256": recs[1]["report"]["sha256"], "finding_no": 0, "code": "T3-1", "severity": "error",
        "message": 'a, "quoted"\nline', "expression": "一 + 二 = 七 + 四", "expected": 3, "actual": None,
        "expected_amount": None, "actual_amount": Decimal("2.5"), "cells": ["t3.granted.total", "x"],
    })
    recs[1]["report"]["n_findings"] = 1
    return recs


def _norm(tables: dict[str, list[dict[str, Any]]]) -> dict[str, list[str]]:
    return {t: sorted(json.dumps(r, sort_keys=True, default=str, ensure_ascii=False) for r in rows)
            for t, rows in tables.items()}


def _write(out: Path, recs: list[Record], fmt: str | None = None) -> None:
    w = open_writer(out, fmt)
    w.start()
    w.write(recs[:2])
    w.write(recs[2:])
    w.finish()


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_every_format_round_trips_the_same_rows(tmp_path: Path, records: list[Record], fmt: str) -> None:
    out = tmp_path / f"w.{EXT[fmt]}"
    _write(out, records)
    got = load_tables(out)
    n_sections = sum(len(r["sections"]) for r in records)
    assert n_sections >= 12
    assert {t: len(v) for t, v in got.items()} == {"reports": 4, "figures": 400, "findings": 1, "sections": n_sections}
    expected = {"reports": [r["report"] for r in records], "figures": [f for r in records for f in r["figures"]],
                "findings": [f for r in records for f in r["findings"]]}
    reference = tmp_path / "ref.duckdb"
    if not reference.exists():
        _write(reference, records)
    assert _norm(got) == _norm(load_tables(reference))
    assert _norm(got)["figures"] == _norm(expected)["figures"]
    [finding] = got["findings"]
    assert finding["cells"] == ["t3.granted.total", "x"] and finding["message"] == 'a, "quoted"\nline'
    assert finding["expected"] == 3 and finding["actual_amount"] == Decimal("2.5")
    rep = next(r for r in got["reports"] if r["paths"] == ["a.txt", "dir/b.txt"])
    assert rep["organ"] == "衡山县贯塘乡人民政府" and rep["report_year"] == 2024 and rep["n_figures"] == 200
    # the same SQL works on every format
    con = connect_any(out, fmt)
    for sql in QUERIES.values():
        con.execute(sql).fetchall()
    assert con.execute("SELECT count(*) FROM report_figures").fetchone() == (4,)
    # exact types: counts BIGINT, money DECIMAL, whatever the format
    types = dict(con.execute("SELECT DISTINCT key, CASE WHEN value IS NOT NULL THEN typeof(value) ELSE typeof(amount) END "
                             "FROM figures WHERE key IN ('t3.granted.total', 't2.fees.amount')").fetchall())
    assert types == {"t3.granted.total": "BIGINT", "t2.fees.amount": "DECIMAL(18,4)"}
    assert con.execute("SELECT typeof(t3_granted_total), typeof(t2_fees_amount) FROM report_figures LIMIT 1"
                       ).fetchone() == ("BIGINT", "DECIMAL(18,4)")
    con.close()


def test_directory_outputs_and_format_choice(tmp_path: Path, records: list[Record]) -> None:
    assert format_for("x.duckdb") == format_for("x") == "duckdb"
    assert format_for("x.parquet") == "parquet" and format_for("x", "jsonl") == "jsonl"
    with pytest.raises(WarehouseError):
        format_for("x", "xlsx")
    _write(tmp_path / "pq", records, "parquet")
    assert (tmp_path / "pq" / "figures.parquet").exists()
    assert table_path(tmp_path / "r.csv", "csv", "reports") == tmp_path / "r.reports.csv"


@pytest.mark.parametrize("fmt", list(WRITERS))
def test_resume_force_and_paths(tmp_path: Path, records: list[Record], fmt: str) -> None:
    out = tmp_path / f"w.{EXT[fmt]}"
    w = open_writer(out)
    assert w.start() == {}
    w.write(records[:2])
    w.finish()
    w = open_writer(out)
    known = w.start()
    assert set(known) == {r["report"]["sha256"] for r in records[:2]}
    w.add_paths(records[1]["report"]["sha256"], ["zz/new.txt"])
    w.write(records[2:])
    w.finish()
    got = load_tables(out)
    assert len(got["reports"]) == 4 and len(got["figures"]) == 400
    assert any("zz/new.txt" in r["paths"] for r in got["reports"])
    # --force: the replaced document is written again, once
    sha = records[0]["report"]["sha256"]
    w = open_writer(out)
    assert sha not in w.start(replace={sha})
    w.write(records[:1])
    w.finish()
    again = load_tables(out)
    assert len(again["reports"]) == 4 and len(again["figures"]) == 400


def test_jsonl_drops_torn_lines_and_orphans(tmp_path: Path, records: list[Record]) -> None:
    out = tmp_path / "w.jsonl"
    _write(out, records[:1])
    figs = table_path(out, "jsonl", "figures")
    with figs.open("a", encoding="utf-8") as fh:  # a run killed after figures, before its reports line
        fh.write(json.dumps({**records[1]["figures"][0]}, default=str) + "\n")
        fh.write('{"sha256": "torn')
    w = open_writer(out)
    assert set(w.start()) == {records[0]["report"]["sha256"]}
    w.finish()
    got = load_tables(out)
    assert len(got["figures"]) == 200 and {r["sha256"] for r in got["figures"]} == {records[0]["report"]["sha256"]}


V1_DDL = {
    "reports": "sha256 VARCHAR, paths VARCHAR[], reader VARCHAR, title VARCHAR, organ VARCHAR, organ_in_title VARCHAR, "
               "report_year BIGINT, year_confirmed BOOLEAN, published DATE, template VARCHAR, page_count BIGINT, "
               "status VARCHAR, error_code VARCHAR, error_message VARCHAR, n_figures BIGINT, n_findings BIGINT, "
               "n_errors BIGINT, elapsed_ms DOUBLE, extractor_version VARCHAR, schema_version VARCHAR, "
               "extracted_at TIMESTAMP",
    "figures": "sha256 VARCHAR, key VARCHAR, value DOUBLE, state VARCHAR, raw VARCHAR, unit VARCHAR, inferred BOOLEAN, "
               "page BIGINT, table_index BIGINT, row_index BIGINT, col_index BIGINT, line BIGINT",
    "findings": "sha256 VARCHAR, code VARCHAR, severity VARCHAR, message VARCHAR, expression VARCHAR, expected DOUBLE, "
                "actual DOUBLE, cells VARCHAR[]",
}


def _v1_database(db: Path, records: list[Record]) -> None:
    """A warehouse as schema 1.0 wrote it: DOUBLE numbers, no keys, no sections."""
    con = duckdb.connect(str(db))
    con.execute("CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute("INSERT INTO meta VALUES ('schema_version', '1.0')")
    for table, ddl in V1_DDL.items():
        con.execute(f"CREATE TABLE {table} ({ddl})")
    for rec in records:
        rep = rec["report"]
        cols = [c.split()[0] for c in V1_DDL["reports"].split(", ")]
        con.execute(f"INSERT INTO reports VALUES ({', '.join('?' * len(cols))})", [rep.get(c) for c in cols])
        for f in rec["figures"]:
            v = f["value"] if f["value"] is not None else f["amount"]
            con.execute("INSERT INTO figures VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                        [f["sha256"], f["key"], None if v is None else float(v), f["state"], f["raw"], f["unit"],
                         f["inferred"], f["page"], f["table_index"], f["row_index"], f["col_index"], f["line"]])
        for x in rec["findings"]:
            con.execute("INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                        [x["sha256"], x["code"], x["severity"], x["message"], x["expression"], 3.0, 2.5, x["cells"]])
    con.execute('CREATE VIEW report_figures AS SELECT sha256, 0.0 AS "t3.granted.total" FROM reports')
    con.close()


def test_duckdb_v1_warehouse_is_migrated(tmp_path: Path, records: list[Record]) -> None:
    db = tmp_path / "old.duckdb"
    _v1_database(db, records)
    with pytest.raises(WarehouseOutdated, match="ogi migrate"):  # readers refuse it with a way out
        connect_any(db)
    w = open_writer(db)
    w.start()
    assert getattr(w, "migrated_from", None) == "1.0"
    w.finish()
    con = connect_any(db)
    assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone() == (WAREHOUSE_SCHEMA_VERSION,)
    assert con.execute("SELECT count(*), count(value), count(amount) FROM figures").fetchone() == (400, 398, 2)
    assert con.execute("SELECT DISTINCT typeof(value) FROM figures WHERE value IS NOT NULL").fetchone() == ("BIGINT",)
    assert con.execute("SELECT expected, actual, actual_amount FROM findings").fetchone() == (3, None, Decimal("2.5"))
    assert con.execute("SELECT count(*) FROM report_figures WHERE t3_granted_total = 0").fetchone() == (2,)
    con.close()
    con = duckdb.connect(str(db))  # the keys hold after the migration
    with pytest.raises(duckdb.ConstraintException):
        con.execute("INSERT INTO figures (sha256, key, state, inferred) SELECT sha256, key, state, inferred "
                    "FROM figures LIMIT 1")
    con.close()
    con = duckdb.connect(str(db))
    con.execute("UPDATE meta SET value = '9.0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WarehouseError):
        open_writer(db).start()


def test_inserts_without_pyarrow_store_the_same_rows(tmp_path: Path, records: list[Record],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """pyarrow is optional: without it, rows go to DuckDB as one JSON text per table and batch."""
    import extractor.writers.duckdb_writer as dw

    _write(tmp_path / "arrow.duckdb", records)
    monkeypatch.setattr(dw, "_pyarrow", lambda: None)
    _write(tmp_path / "json.duckdb", records)
    _write(tmp_path / "json.parquet", records)
    ref = _norm(load_tables(tmp_path / "arrow.duckdb"))
    assert _norm(load_tables(tmp_path / "json.duckdb")) == ref == _norm(load_tables(tmp_path / "json.parquet"))


def test_csv_spool_and_list_inserts_store_the_same_rows(tmp_path: Path, records: list[Record],
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    """Large batches of ``figures`` rows go through a CSV file, small batches as one Python list per
    column, the rest as one JSON text: the same rows each way, texts that need quoting, empty texts
    and NULLs apart, NUL characters, money and lists included."""
    import copy

    import extractor.writers.duckdb_writer as dw

    def with_odd_figures(odd: list[str | None]) -> list[Record]:
        recs = copy.deepcopy(records)
        sha = recs[1]["report"]["sha256"]
        figs = recs[1]["figures"]
        extra = [{"sha256": sha, "key": f"x.odd.{i}", "value": [None, 0, -7, 2**62][i % 4],
                  "amount": [None, Decimal("12.3400"), Decimal("-0.0001")][i % 3], "state": "number",
                  "raw": odd[i % len(odd)], "unit": odd[(i + 3) % len(odd)], "inferred": bool(i % 2),
                  "page": None, "table_index": i % 5, "row_index": None, "col_index": 3, "line": i}
                 for i in range(40)]
        if isinstance(figs, dict):
            for row in extra:
                for k, v in row.items():
                    figs[k].append(v)
        else:
            figs.extend(extra)
        recs[1]["report"]["n_figures"] = len(figs["key"] if isinstance(figs, dict) else figs)
        return recs

    odd: list[str | None] = ["", 'a, "quoted"\r\nline', "一\n二", "\\N", "NULL", " lead", "tab\there", "\x1e", None]
    from extractor.writers.sql import EMPTY
    recs = with_odd_figures([*odd, "x\x00y", EMPTY])  # NUL and the empty-text marker: that batch not as CSV
    clean = with_odd_figures(odd)
    def write(name: str, spool_from: int, list_to: int) -> None:
        with monkeypatch.context() as m:
            m.setattr(dw, "MIN_SPOOL_ROWS", spool_from)
            m.setattr(dw, "MAX_LIST_ROWS", list_to)
            _write(tmp_path / f"{name}.duckdb", recs)
            _write(tmp_path / f"{name}-clean.duckdb", clean)

    write("json", 10**9, 0)
    write("lists", 10**9, 10**9)
    spooled: list[str] = []
    real = dw.csv_insert_sql
    monkeypatch.setattr(dw, "csv_insert_sql", lambda *a, **k: spooled.append(a[0]) or real(*a, **k))
    write("csv", 1, 0)  # the batch with a NUL character goes as JSON
    assert "figures" in spooled
    for suffix in ("", "-clean"):
        ref = _norm(load_tables(tmp_path / f"json{suffix}.duckdb"))
        assert _norm(load_tables(tmp_path / f"lists{suffix}.duckdb")) == ref
        assert _norm(load_tables(tmp_path / f"csv{suffix}.duckdb")) == ref
