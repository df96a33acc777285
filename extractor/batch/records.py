"""Warehouse rows for one document: :func:`extract_record` (the per-document function, usable on
its own from Spark, Ray or Dask) and the conversion of an :class:`ExtractionResult` into rows."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.batch.sources import hash_file
from extractor.errors import FileTooLarge, OgiError
from extractor.pipeline import ExtractionResult, __version__, extract
from extractor.readers import sniff
from extractor.records.models import SCHEMA_VERSION, Report, Severity
from extractor.settings import DEFAULT_SETTINGS, Settings
from extractor.writers.base import Rows, as_columns, as_rows
from extractor.writers.schema import BIGINT_MAX, MONEY_KEYS, exact_number

if TYPE_CHECKING:
    from extractor.writers import Record

# Batch-level error codes, in addition to extractor.errors.ERROR_CODES.
TIMEOUT = "timeout"
OUT_OF_MEMORY = "out_of_memory"
WORKER_CRASHED = "worker_crashed"
INTERNAL_ERROR = "internal_error"
CHANGED = "changed_during_run"

# ---------------------------------------------------------------------------------------------
# Records (the per-document function)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def failed_record(sha256: str, paths: Sequence[str], code: str, message: str, *,
                  reader: str | None = None, elapsed_ms: float = 0.0) -> Record:
    report: dict[str, Any] = {
        "sha256": sha256, "paths": list(paths), "reader": reader, "status": "failed",
        "error_code": code, "error_message": " ".join(message.split()), "n_figures": 0, "n_findings": 0,
        "n_errors": 0, "n_sections": 0, "elapsed_ms": round(elapsed_ms, 3), "extractor_version": __version__,
        "schema_version": SCHEMA_VERSION, "extracted_at": _now(),
    }
    return {"report": report, "figures": [], "findings": [], "sections": []}


_FIGURE_COLUMNS = ("key", "value", "amount", "state", "raw", "unit", "inferred", "page", "table_index", "row_index",
                   "col_index", "line")


def _figure_columns(sha: str, report: Report) -> dict[str, list[Any]]:
    """The ``figures`` rows of a report as columns, built directly (a worker sends them as they are):
    one tuple per figure, read from the models' ``__dict__`` (no property or validation on the way),
    then turned into columns by ``zip``."""
    rows: list[tuple[Any, ...]] = []
    add = rows.append
    states: dict[Any, tuple[str, bool]] = {}
    money = MONEY_KEYS
    for f in report.figures():
        d = f.__dict__
        r = d["ref"].__dict__
        k, v, state = d["key"], d["value"], d["state"]
        n: int | None
        a: Decimal | None
        st = states.get(state)
        if st is None:
            st = states[state] = (state.value, bool(state.reads_as_zero))
        if v is None:  # Figure.flat_value: placeholders and blanks read as 0
            v = 0 if st[1] else None
        if type(v) is int and k not in money and -BIGINT_MAX <= v <= BIGINT_MAX:
            n, a = v, None  # the common case of exact_number, inline
        else:
            n, a = exact_number(k, v)
        add((k, n, a, st[0], d["raw"], d["unit"], d["inferred"], r["page"], r["table"], r["row"], r["col"], r["line"]))
    for ff in report.pre2019:
        ref = ff.ref
        n, a = exact_number(ff.key, ff.value, money="元" in (ff.unit or ""))
        add((ff.key, n, a, "number", f"{ff.label}: {ff.raw}", ff.unit, False, ref.page, ref.table, ref.row, ref.col,
             ref.line))
    cols: dict[str, list[Any]] = {"sha256": [sha] * len(rows)}
    if rows:
        cols.update(zip(_FIGURE_COLUMNS, map(list, zip(*rows, strict=True)), strict=True))
    else:
        cols.update((c, []) for c in _FIGURE_COLUMNS)
    return cols


def _finding_rows(sha: str, report: Report) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, f in enumerate(report.findings):
        money = bool(f.cells) and all(c in MONEY_KEYS for c in f.cells)
        expected, expected_amount = exact_number("", f.expected, money=money)
        actual, actual_amount = exact_number("", f.actual, money=money)
        rows.append({
            "sha256": sha, "finding_no": i, "code": f.code, "severity": f.severity.value, "message": f.message,
            "expression": f.expression, "expected": expected, "actual": actual,
            "expected_amount": expected_amount, "actual_amount": actual_amount, "cells": list(f.cells),
        })
    return rows


def record_from_result(sha256: str, paths: Sequence[str], result: ExtractionResult,
                       reader: str | None = None, *, packed: bool = False) -> Record:
    """Warehouse rows for one :class:`ExtractionResult` (``packed``: figure, finding and section
    rows as columns, what a batch worker sends back; else lists of row dicts)."""
    if result.report is None:
        err = result.error
        return failed_record(sha256, paths, err.code if err else INTERNAL_ERROR,
                             err.message if err else "no report and no error", reader=reader,
                             elapsed_ms=result.elapsed_ms)
    rep = result.report
    meta = rep.meta
    fig_cols = _figure_columns(sha256, rep)
    figures: Rows = fig_cols if packed else as_rows("figures", fig_cols)
    finding_rows = _finding_rows(sha256, rep)
    findings: Rows = as_columns("findings", finding_rows) if packed else finding_rows
    section_rows = [{"sha256": sha256, "position": i, "number": s.number, "heading": s.heading, "text": s.text}
                    for i, s in enumerate(rep.sections)]
    sections: Rows = as_columns("sections", section_rows) if packed else section_rows
    report: dict[str, Any] = {
        "sha256": sha256, "paths": list(paths), "url": meta.url, "reader": meta.reader or reader,
        "title": meta.title, "organ": meta.organ, "organ_in_title": meta.organ_in_title,
        "report_year": meta.report_year, "year_confirmed": meta.year_confirmed, "published": meta.published,
        "published_source": meta.published_source, "template": meta.template, "page_count": meta.page_count,
        "status": result.status, "error_code": None, "error_message": None,
        "n_figures": len(fig_cols["key"]), "n_findings": len(finding_rows),
        "n_errors": sum(1 for f in rep.findings if f.severity is Severity.ERROR), "n_sections": len(section_rows),
        "elapsed_ms": round(result.elapsed_ms, 3), "extractor_version": rep.extractor_version or __version__,
        "schema_version": rep.schema_version, "extracted_at": _now(),
    }
    return {"report": report, "figures": figures, "findings": findings, "sections": sections}


def sniff_format(data: bytes, name: str) -> str | None:
    try:
        return sniff(data, name)
    except OgiError:
        return None


def extract_record(source: str | Path | bytes, name: str | None = None, *,
                   settings: Settings = DEFAULT_SETTINGS, paths: Sequence[str] | None = None) -> Record:
    """Extract one document into warehouse rows: ``{"report": {...}, "figures": [...], "findings": [...],
    "sections": [...]}``.

    Never raises for a bad document (a ``failed`` report row carries the error code). The rows match
    the tables of :mod:`extractor.writers.schema`; this is the function to map over a Spark or Ray
    dataset of ``(path, bytes)`` pairs.
    """
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    shown = list(paths) if paths is not None else [label]
    if isinstance(source, bytes):
        data = source
    else:
        try:
            size = os.stat(source).st_size
            if size > settings.max_bytes:
                sha, _ = hash_file(str(source))
                err = FileTooLarge(f"{size:,} bytes is over the {settings.max_bytes:,}-byte limit")
                return failed_record(sha, shown, err.code, err.message)
            data = Path(source).read_bytes()
        except OSError as exc:
            return failed_record(hashlib.sha256(b"").hexdigest(), shown, "read_error", f"cannot read file: {exc}")
    sha = hashlib.sha256(data).hexdigest()
    return record_from_result(sha, shown, extract(data, name=label, settings=settings), sniff_format(data, label))

