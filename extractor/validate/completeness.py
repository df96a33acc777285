"""Completeness: a 2019+ report must hold tables 2, 3 and 4 (format.md §3). A report that lacks
one is never "ok": the missing table is an error finding and the result's status is ``partial``.

``table.unreadable`` when the reader said why (a page or a table that is an image and was not
OCR'd, an image it could not decode); ``table.missing`` otherwise (the table is not in the text:
cut out of a crawler dump, left out by the organ, or printed in a form nobody can locate).
Pre-2019 free-form reports have no such tables and are never flagged.
"""

from __future__ import annotations

from collections.abc import Iterable

from extractor.records.models import Finding, Report, Severity
from extractor.text import CellState

TABLES = (
    ("table2", "t2", 2, "主动公开政府信息情况"),
    ("table3", "t3", 3, "收到和处理政府信息公开申请情况"),
    ("table4", "t4", 4, "政府信息公开行政复议、行政诉讼情况"),
)
FIRST_TEMPLATE_YEAR = 2019
"""Reports on 2019 and later years follow the national template with tables 2–4."""
UNREADABLE_NOTES = frozenset({"table_not_machine_readable", "needs_ocr", "image_unreadable", "page_without_text"})
"""Reader notes (``reader.<code>`` findings) that explain a missing table."""
CODES = frozenset({"table.missing", "table.unreadable"})


def tables_expected(report: Report) -> bool:
    if report.meta.template == "pre2019":
        return False
    year = report.meta.report_year
    found = any(getattr(report, attr) is not None for attr, *_ in TABLES)
    return found or (year is not None and year >= FIRST_TEMPLATE_YEAR)


def check_tables(report: Report, reader_notes: Iterable[Finding]) -> list[Finding]:
    """``table.missing`` / ``table.unreadable`` (severity error) for each of tables 2–4 not found."""
    if not tables_expected(report):
        return []
    why = [f for f in reader_notes if f.code.removeprefix("reader.") in UNREADABLE_NOTES]
    out: list[Finding] = []
    located: set[str] = set()  # t2, t3, t4: tables with cells
    read: set[str] = set()  # … and with at least one cell decided
    for f in report.figures():
        prefix = f.key.partition(".")[0]
        located.add(prefix)
        if f.state is not CellState.AMBIGUOUS:
            read.add(prefix)
    for attr, prefix, number, title in TABLES:
        table = getattr(report, attr)
        if table is not None and prefix in read:
            continue
        if table is not None and prefix in located:
            # Found, but not one cell decided (an OCR'd table 4 read as one stray number, a glued
            # run nothing splits): as good as missing for a dataset, so never "ok".
            out.append(Finding.make(code="table.unreadable", severity=Severity.ERROR,
                                    message=f"table {number} ({title}) was found but none of its cells could be read "
                                    "(see the split/cells findings)"))
        elif why:
            reason = "; ".join(f.message for f in why[:3])
            out.append(Finding.make(code="table.unreadable", severity=Severity.ERROR,
                                    message=f"table {number} ({title}) could not be read: {reason}"))
        else:
            out.append(Finding.make(code="table.missing", severity=Severity.ERROR,
                                    message=f"table {number} ({title}) is not in the document"))
    return out


__all__ = ["CODES", "check_tables", "tables_expected"]
