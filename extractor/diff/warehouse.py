"""Reports read back from a batch warehouse (``ogi batch``), for ``ogi diff WAREHOUSE`` and ``ogi panel``.

A report rebuilt from the warehouse has tables 2–4 (every figure with its state, raw text and cell
position), its metadata, its findings and its sections (warehouse schema ≥ 2.0; a warehouse
migrated from 1.x has no section texts until it is re-extracted, and a diff then compares figures
and cross-year checks only, and says so).

A report is named by a sha256 prefix (at least 6 hex digits; any document, duplicates included)
or ``ORGAN:YEAR`` (canonical documents only: a duplicate publication of the same report is set
aside); the organ is matched with the same normalisation as ``ogi diff`` (so
``洪泽区人民政府:2024`` finds the report titled ``淮安市洪泽区人民政府``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb

from extractor.diff.organs import OrganNames
from extractor.errors import ReportLookupError
from extractor.records.models import (
    CellRef,
    Figure,
    Finding,
    Metadata,
    Report,
    Section,
    Severity,
    Table2,
    Table2Row,
    Table3,
    Table3Row,
    Table4,
    Table4Group,
    TableTemplates,
    Template,
)
from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021
from extractor.text import CellState

SECTIONS_NOT_STORED = "section texts are not stored in the warehouse: figures and cross-year checks only"
REPORT_COLUMNS = ("sha256", "report_key", "duplicate_of", "organ", "organ_in_title", "report_year", "template", "title",
                  "published", "published_source", "url", "reader", "page_count", "year_confirmed", "status",
                  "n_figures", "n_errors", "n_sections", "paths")
_SHA = re.compile(r"^[0-9a-fA-F]{6,64}$")
_SHORT_SHA = re.compile(r"^[0-9a-fA-F]{1,5}$")
_ORGAN_YEAR = re.compile(r"^(?P<organ>.+?)\s*[:：]\s*(?P<year>\d{4})$")
_T2_ONLY_2019 = {c for cols in T2_COLUMNS_2019.values() for c in cols} - {c for cols in T2_COLUMNS_2021.values() for c in cols}


WarehouseLookupError = ReportLookupError
"""A report reference that names no report, or several (``report_lookup``)."""


def connect(path: str | Path, fmt: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection that sees the tables and views of any warehouse format."""
    from extractor.writers.queries import connect_any

    return connect_any(Path(path), fmt)


def report_rows(con: duckdb.DuckDBPyConnection, *, include_failed: bool = False,
                include_duplicates: bool = False) -> list[dict[str, Any]]:
    """Report rows, canonical documents only unless ``include_duplicates``."""
    conds = ([] if include_failed else ["status <> 'failed'"]) + ([] if include_duplicates else ["duplicate_of IS NULL"])
    where = f" WHERE {' AND '.join(conds)}" if conds else ""
    cur = con.execute(f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports{where} ORDER BY organ, report_year, sha256")
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def duplicates_of(con: duckdb.DuckDBPyConnection, sha256s: Sequence[str]) -> list[str]:
    """The documents set aside as duplicates of these canonical documents."""
    rows = con.execute("SELECT sha256 FROM reports WHERE list_contains(?::VARCHAR[], duplicate_of) ORDER BY sha256",
                       [list(sha256s)]).fetchall()
    return [str(r[0]) for r in rows]


def _describe(row: dict[str, Any]) -> str:
    paths = row.get("paths") or []
    return f"{str(row['sha256'])[:12]} {row.get('organ') or '?'} ({row.get('reader') or '?'}, {paths[0] if paths else '?'})"


def resolve(con: duckdb.DuckDBPyConnection, ref: str, organs: OrganNames | None = None) -> str:
    """The sha256 that ``ref`` (sha256 prefix or ``ORGAN:YEAR``) names; raises WarehouseLookupError."""
    ref = ref.strip()
    if _SHORT_SHA.match(ref):
        raise WarehouseLookupError("a sha256 prefix needs at least 6 hex digits (or give ORGAN:YEAR)", source=ref)
    if _SHA.match(ref):
        rows = report_rows(con, include_failed=True, include_duplicates=True)
        hits = [r for r in rows if str(r["sha256"]).lower().startswith(ref.lower())]
        if len(hits) == 1:
            return str(hits[0]["sha256"])
        if len(hits) > 1:
            raise WarehouseLookupError(f"prefix of {len(hits)} documents ({'; '.join(_describe(h) for h in hits[:5])}"
                                       f"{' …' if len(hits) > 5 else ''}); give more digits", source=ref)
    m = _ORGAN_YEAR.match(ref)
    if m is None:
        raise WarehouseLookupError("no document with this sha256 prefix (or give ORGAN:YEAR)", source=ref)
    organs = organs or OrganNames.create()
    year = int(m.group("year"))
    cands = [r for r in report_rows(con) if r["report_year"] == year]
    hits = [r for r in cands if r["organ"] and organs.match(m.group("organ"), r["organ"]).matched]
    if not hits:
        near = sorted({str(r["organ"]) for r in cands if r["organ"]})[:8]
        raise WarehouseLookupError(f"no {year} report of this organ" + (f" (that year: {', '.join(near)})" if near else ""),
                                   source=ref)
    exact = [r for r in hits if r["organ"] == m.group("organ")]
    hits = exact or hits
    if len(hits) > 1:
        raise WarehouseLookupError(f"matches {len(hits)} reports: {'; '.join(_describe(h) for h in hits[:8])}"
                                   f"{' …' if len(hits) > 8 else ''}; name one by its sha256 prefix", source=ref)
    return str(hits[0]["sha256"])


def _value(row: dict[str, Any]) -> int | float | None:
    """The record's number for a figure row: the count, or the amount as a float (as the readers make it)."""
    if row.get("value") is not None:
        return int(row["value"])
    amount = row.get("amount")
    return None if amount is None else float(amount)


def _figure(row: dict[str, Any]) -> Figure:
    state = CellState(row["state"]) if row["state"] else CellState.NUMBER
    value = _value(row)
    if state.reads_as_zero:
        value = None  # the warehouse stores placeholders as 0; the record keeps them valueless
    # the warehouse's columns are typed already: construct without validating (a report has ~200 figures)
    ref = CellRef.model_construct(page=row["page"], table=row["table_index"], row=row["row_index"],
                                  col=row["col_index"], line=row["line"], path=None, bbox=None, offset=None)
    return Figure.model_construct(key=row["key"], value=value, state=state, raw=row["raw"] or "", unit=row["unit"],
                                  inferred=bool(row["inferred"]), ref=ref)


def build_report(meta_row: dict[str, Any], figures: Iterable[dict[str, Any]],
                 findings: Iterable[dict[str, Any]] = (), sections: Iterable[dict[str, Any]] = ()) -> Report:
    """A :class:`Report` (tables, metadata, findings, sections) from warehouse rows."""
    t2_rows: dict[str, dict[str, Figure]] = {}
    t3_rows: dict[str, dict[str, Figure]] = {}
    t4_rows: dict[str, dict[str, Figure]] = {}
    for row in figures:
        parts = str(row["key"]).split(".")
        if len(parts) != 3:
            continue  # pre2019.<n> free figures are not rebuilt
        table = {"t2": t2_rows, "t3": t3_rows, "t4": t4_rows}.get(parts[0])
        if table is not None:
            table.setdefault(parts[1], {})[parts[2]] = _figure(row)
    t2 = t3 = t4 = None
    if t2_rows:
        lay2: Template = "2019" if any(c in _T2_ONLY_2019 for cols in t2_rows.values() for c in cols) else "2021"
        t2 = Table2(template=lay2, **{k: Table2Row(**v) for k, v in t2_rows.items() if k in Table2.model_fields})
    if t3_rows:
        lay3: Template = "2019" if "other" in t3_rows else "2021"
        t3 = Table3(template=lay3, **{k: Table3Row(**v) for k, v in t3_rows.items() if k in Table3.model_fields})
    if t4_rows:
        t4 = Table4(**{k: Table4Group(**v) for k, v in t4_rows.items() if k in Table4.model_fields})
    published = meta_row.get("published")
    paths = meta_row.get("paths") or []
    year = meta_row.get("report_year")
    meta = Metadata(
        published_source=meta_row.get("published_source"), url=meta_row.get("url"),
        title=meta_row.get("title"), organ=meta_row.get("organ"), organ_in_title=meta_row.get("organ_in_title"),
        report_year=int(year) if year is not None else None, year_confirmed=bool(meta_row.get("year_confirmed")),
        published=published if isinstance(published, date) else None,
        template=meta_row.get("template") or "other",
        templates=TableTemplates(t2=t2.template if t2 else None, t3=t3.template if t3 else None,
                                 t4=("2021" if (year or 2021) >= 2021 else "2019") if t4 else None),
        source_name=Path(str(paths[0])).name if paths else None, sha256=meta_row.get("sha256"),
        reader=meta_row.get("reader"), page_count=meta_row.get("page_count"),
    )
    out = [Finding(code=f["code"], severity=Severity(f["severity"]), message=f["message"] or "",
                   expression=f.get("expression"), expected=_number(f, "expected"), actual=_number(f, "actual"),
                   cells=list(f.get("cells") or []))
           for f in sorted(findings, key=lambda f: f.get("finding_no") or 0)]
    secs = [Section(number=int(r["number"]), heading=r.get("heading") or "", text=r.get("text") or "")
            for r in sorted(sections, key=lambda r: r.get("position") or 0) if 1 <= int(r["number"]) <= 10]
    return Report(meta=meta, table2=t2, table3=t3, table4=t4, findings=out, sections=secs)


def _number(row: dict[str, Any], name: str) -> int | float | None:
    """A count (BIGINT column) or an amount (``<name>_amount``, DECIMAL) as the record's number."""
    v = row.get(name)
    if v is None:
        v = row.get(f"{name}_amount")
    if isinstance(v, Decimal):
        return int(v) if v == v.to_integral_value() else float(v)
    return v


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def load_reports(con: duckdb.DuckDBPyConnection, shas: Sequence[str], *, with_findings: bool = True,
                 with_sections: bool = True) -> dict[str, Report]:
    """Rebuild the reports ``shas`` (full sha256 values) from the warehouse."""
    if not shas:
        return {}
    wanted = list(dict.fromkeys(shas))
    where = "WHERE list_contains(?::VARCHAR[], sha256)"
    metas = {r["sha256"]: r for r in _rows(con, f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports {where}", [wanted])}
    figs: dict[str, list[dict[str, Any]]] = {}
    for r in _rows(con, f"SELECT * FROM figures {where}", [wanted]):
        figs.setdefault(r["sha256"], []).append(r)
    finds: dict[str, list[dict[str, Any]]] = {}
    if with_findings:
        for r in _rows(con, f"SELECT * FROM findings {where}", [wanted]):
            finds.setdefault(r["sha256"], []).append(r)
    secs: dict[str, list[dict[str, Any]]] = {}
    if with_sections:
        for r in _rows(con, f"SELECT * FROM sections {where}", [wanted]):
            secs.setdefault(r["sha256"], []).append(r)
    return {s: build_report(metas[s], figs.get(s, []), finds.get(s, []), secs.get(s, [])) for s in wanted if s in metas}


def sections_stored(con: duckdb.DuckDBPyConnection, shas: Sequence[str]) -> bool:
    """Whether the section texts of these documents are in the warehouse (not for a 1.x migration)."""
    row = con.execute("SELECT count(*) FROM reports WHERE list_contains(?::VARCHAR[], sha256) AND n_sections IS NULL",
                      [list(shas)]).fetchone()
    return not row or row[0] == 0


def load_report(con: duckdb.DuckDBPyConnection, ref: str, organs: OrganNames | None = None) -> Report:
    sha = resolve(con, ref, organs)
    return load_reports(con, [sha])[sha]
