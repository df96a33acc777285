"""Warehouse writers: every format stores the same rows; resume, force and schema evolution."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from extractor.batch import extract_record
from extractor.writers import WRITERS, Record, WarehouseError, canonical_keys, format_for, load_tables, open_writer
from extractor.writers.duckdb_writer import ensure_schema
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
        "sha256": recs[1]["report"]["sha256"], "code": "T3-1", "severity": "error", "message": 'a, "quoted"\nline',
        "expression": "一 + 二 = 七 + 四", "expected": 3.0, "actual": 2.5, "cells": ["t3.granted.total", "x"],
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
    assert {t: len(v) for t, v in got.items()} == {"reports": 4, "figures": 400, "findings": 1}
    expected = {"reports": [r["report"] for r in records], "figures": [f for r in records for f in r["figures"]],
                "findings": [f for r in records for f in r["findings"]]}
    reference = tmp_path / "ref.duckdb"
    if not reference.exists():
        _write(reference, records)
    assert _norm(got) == _norm(load_tables(reference))
    assert _norm(got)["figures"] == _norm(expected)["figures"]
    [finding] = got["findings"]
    assert finding["cells"] == ["t3.granted.total", "x"] and finding["message"] == 'a, "quoted"\nline'
    rep = next(r for r in got["reports"] if r["paths"] == ["a.txt", "dir/b.txt"])
    assert rep["organ"] == "衡山县贯塘乡人民政府" and rep["report_year"] == 2024 and rep["n_figures"] == 200
    # the same SQL works on every format
    con = connect_any(out, fmt)
    for sql in QUERIES.values():
        con.execute(sql).fetchall()
    assert con.execute("SELECT count(*) FROM report_figures").fetchone() == (4,)
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


def test_duckdb_schema_evolution(tmp_path: Path, records: list[Record]) -> None:
    db = tmp_path / "old.duckdb"
    _write(db, records)
    con = duckdb.connect(str(db))
    con.execute("ALTER TABLE reports DROP COLUMN n_errors")  # as if written by an older minor version
    con.execute("UPDATE meta SET value = '1.0' WHERE key = 'schema_version'")
    con.execute("DROP VIEW report_figures")
    ensure_schema(con)
    cols = {r[0] for r in con.execute("DESCRIBE report_figures").fetchall()}
    assert set(canonical_keys()) <= cols and "t3.new_received.total" in cols
    assert con.execute("SELECT count(*) FROM reports WHERE n_errors IS NULL").fetchone() == (4,)
    assert con.execute(
        """SELECT "t3.granted.total" FROM report_figures r JOIN reports USING (sha256) WHERE 'a.txt' IN paths"""
    ).fetchone() == (0.0,)
    con.execute("UPDATE meta SET value = '9.0' WHERE key = 'schema_version'")
    con.close()
    with pytest.raises(WarehouseError):
        open_writer(db).start()
