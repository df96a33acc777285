"""Reports read back from a batch warehouse (``ogi batch``), for ``ogi diff --db`` and ``ogi panel``.

The warehouse stores ``reports``, ``figures`` and ``findings`` (docs/warehouse.md) but **not the
section texts**, so a report rebuilt from it has tables 2–4 (every figure with its state, raw text
and cell position), its metadata and its findings — and no sections: a diff read from a warehouse
compares figures and cross-year checks only, and says so.

A report is named by a sha256 prefix (at least 6 hex digits) or ``ORGAN:YEAR``; the organ is
matched with the same normalisation as ``ogi diff`` (so ``洪泽区人民政府:2024`` finds the report
titled ``淮安市洪泽区人民政府``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

import duckdb

from extractor.diff.organs import OrganNames
from extractor.records.models import (
    CellRef,
    Figure,
    Finding,
    Metadata,
    Report,
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
from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021, T2_DECIMAL_COLUMNS
from extractor.text import CellState

SECTIONS_NOT_STORED = "section texts are not stored in the warehouse: figures and cross-year checks only"
REPORT_COLUMNS = ("sha256", "organ", "organ_in_title", "report_year", "template", "title", "published", "reader",
                  "page_count", "year_confirmed", "status", "n_figures", "paths")
_SHA = re.compile(r"^[0-9a-fA-F]{6,64}$")
_ORGAN_YEAR = re.compile(r"^(?P<organ>.+?)\s*[:：]\s*(?P<year>\d{4})$")
_T2_ONLY_2019 = {c for cols in T2_COLUMNS_2019.values() for c in cols} - {c for cols in T2_COLUMNS_2021.values() for c in cols}


class WarehouseLookupError(ValueError):
    """A report reference that names no report, or several."""


def connect(path: str | Path, fmt: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only connection that sees ``reports``, ``figures`` and ``findings`` of any warehouse format."""
    from extractor.writers import format_for
    from extractor.writers.queries import connect_any

    p = Path(path)
    if not p.exists() and format_for(p, fmt) == "duckdb":
        raise WarehouseLookupError(f"{p}: no such warehouse")
    return connect_any(p, format_for(p, fmt))


def report_rows(con: duckdb.DuckDBPyConnection, *, include_failed: bool = False) -> list[dict[str, Any]]:
    where = "" if include_failed else " WHERE status <> 'failed'"
    cur = con.execute(f"SELECT {', '.join(REPORT_COLUMNS)} FROM reports{where} ORDER BY organ, report_year, sha256")
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def resolve(con: duckdb.DuckDBPyConnection, ref: str, organs: OrganNames | None = None) -> str:
    """The sha256 that ``ref`` (sha256 prefix or ``ORGAN:YEAR``) names; raises WarehouseLookupError."""
    ref = ref.strip()
    rows = report_rows(con, include_failed=True)
    if _SHA.match(ref):
        hits = [r for r in rows if str(r["sha256"]).lower().startswith(ref.lower())]
        if len(hits) == 1:
            return str(hits[0]["sha256"])
        if len(hits) > 1:
            raise WarehouseLookupError(f"{ref}: prefix of {len(hits)} reports ({', '.join(str(h['sha256'])[:12] for h in hits[:5])}…); give more digits")
    m = _ORGAN_YEAR.match(ref)
    if m is None:
        raise WarehouseLookupError(f"{ref}: no report with this sha256 prefix (or give ORGAN:YEAR)")
    organs = organs or OrganNames.create()
    year = int(m.group("year"))
    cands = [r for r in rows if r["report_year"] == year and r["status"] != "failed"]
    hits = [r for r in cands if r["organ"] and organs.match(m.group("organ"), r["organ"]).matched]
    if not hits:
        near = sorted({str(r["organ"]) for r in cands if r["organ"]})[:8]
        raise WarehouseLookupError(f"{ref}: no {year} report of this organ"
                                   + (f" (that year: {', '.join(near)})" if near else ""))
    exact = [r for r in hits if r["organ"] == m.group("organ")]
    hits = exact or hits
    if len({r["organ"] for r in hits}) > 1:
        raise WarehouseLookupError(f"{ref}: matches several organs ({', '.join(sorted({str(r['organ']) for r in hits}))}); "
                                   "use a sha256 prefix")
    best = max(hits, key=lambda r: (r["status"] == "ok", r["n_figures"] or 0, str(r["sha256"])))
    return str(best["sha256"])


def _value(key: str, v: float | None) -> int | float | None:
    if v is None:
        return None
    parts = key.split(".")
    if len(parts) == 3 and parts[0] == "t2" and (parts[1], parts[2]) in T2_DECIMAL_COLUMNS:
        return v
    return int(v) if float(v).is_integer() else v


def _figure(row: dict[str, Any]) -> Figure:
    state = CellState(row["state"]) if row["state"] else CellState.NUMBER
    value = _value(row["key"], row["value"])
    if state.reads_as_zero:
        value = None  # the warehouse stores placeholders as 0; the record keeps them valueless
    ref = CellRef(page=row["page"], table=row["table_index"], row=row["row_index"], col=row["col_index"], line=row["line"])
    return Figure(key=row["key"], value=value, state=state, raw=row["raw"] or "", unit=row["unit"],
                  inferred=bool(row["inferred"]), ref=ref)


def build_report(meta_row: dict[str, Any], figures: Iterable[dict[str, Any]],
                 findings: Iterable[dict[str, Any]] = ()) -> Report:
    """A :class:`Report` (tables, metadata, findings; no sections) from warehouse rows."""
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
                   expression=f.get("expression"), expected=_value("", f.get("expected")),
                   actual=_value("", f.get("actual")), cells=list(f.get("cells") or []))
           for f in findings]
    return Report(meta=meta, table2=t2, table3=t3, table4=t4, findings=out)


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any]) -> list[dict[str, Any]]:
    cur = con.execute(sql, list(params))
    cols = [d[0] for d in cur.description or ()]
    return [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]


def load_reports(con: duckdb.DuckDBPyConnection, shas: Sequence[str], *, with_findings: bool = True) -> dict[str, Report]:
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
    return {s: build_report(metas[s], figs.get(s, []), finds.get(s, [])) for s in wanted if s in metas}


def load_report(con: duckdb.DuckDBPyConnection, ref: str, organs: OrganNames | None = None) -> Report:
    sha = resolve(con, ref, organs)
    return load_reports(con, [sha])[sha]
