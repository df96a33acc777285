"""Spreadsheet annexes (.xlsx, .xls/.et) read into the table model."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from extractor.errors import CorruptDocument, UnsupportedFormat
from extractor.pipeline import extract, read_document
from extractor.readers import sniff

FIXTURES = Path(__file__).parent / "fixtures"
FIGURES: dict[str, float] = json.loads((FIXTURES / "report2021.figures.json").read_text(encoding="utf-8"))["figures"]
openpyxl = pytest.importorskip("openpyxl")


def _xlsx_from_docx() -> bytes:
    """The fixture report's tables as an .xlsx workbook, merges included (one sheet per table)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for i, table in enumerate(read_document(FIXTURES / "report2021.docx").tables, 1):
        ws = book.create_sheet(f"表{i}")
        for c in table.cells:
            value: str | float = c.text
            try:
                value = float(c.text)
                value = int(value) if value.is_integer() else value
            except ValueError:
                pass
            ws.cell(row=c.row + 1, column=c.col + 1, value=value)
            if c.row_span > 1 or c.col_span > 1:
                ws.merge_cells(start_row=c.row + 1, start_column=c.col + 1,
                               end_row=c.row + c.row_span, end_column=c.col + c.col_span)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("kind", ["xlsx", "xls"])
def test_spreadsheet_annex_gives_every_figure(kind: str) -> None:
    data = _xlsx_from_docx() if kind == "xlsx" else (FIXTURES / "report2021-annex.xls").read_bytes()
    assert sniff(data, f"annex.{kind}") == "sheet"
    result = extract(data, name=f"annex.{kind}")
    assert result.report is not None, result.error
    flat = result.report.flat()
    assert {k: flat.get(k) for k in FIGURES} == FIGURES
    assert result.report.meta.reader == "sheet"
    fig = result.report.table3.new_received.total  # type: ignore[union-attr]
    assert fig is not None and fig.ref.path is not None and "!" in fig.ref.path  # e.g. 表2!H4


def test_merged_cells_stored_once() -> None:
    doc = read_document(_xlsx_from_docx(), name="annex.xlsx")
    spans = [c for t in doc.tables for c in t.cells if c.row_span > 1 or c.col_span > 1]
    assert spans
    for t in doc.tables:  # no grid position claimed twice
        seen: set[tuple[int, int]] = set()
        for c in t.cells:
            cover = {(r, k) for r in range(c.row, c.row + c.row_span) for k in range(c.col, c.col + c.col_span)}
            assert not cover & seen
            seen |= cover


def test_other_spreadsheet_is_unsupported_not_corrupt() -> None:
    book = openpyxl.Workbook()
    book.active.append(["姓名", "金额"])
    book.active.append(["张三", 100])
    buf = io.BytesIO()
    book.save(buf)
    with pytest.raises(UnsupportedFormat):
        read_document(buf.getvalue(), name="budget.xlsx")


def test_broken_workbook_is_corrupt() -> None:
    data = _xlsx_from_docx()
    cut = bytearray(data)
    start = data.index(b"xl/worksheets/sheet1.xml")
    cut[start + 60 : start + 400] = b"\x00" * 340
    with pytest.raises((CorruptDocument, UnsupportedFormat)):
        read_document(bytes(cut), name="cut.xlsx")
