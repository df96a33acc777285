"""Spreadsheet annexes (.xlsx; .xls and WPS .et) read into the table model.

Some organs publish tables 2–4 as a spreadsheet attached to the report page. Each sheet becomes
a :class:`Table` (merged ranges stored once with their spans, every cell with an element path
``Sheet1!B7``) preceded by a paragraph holding the sheet's name. ``.xlsx`` is read with openpyxl,
``.xls``/``.et`` (OLE2 BIFF) with xlrd; both are pure Python and read nothing but the file.

A spreadsheet that holds none of the report tables' words is ``unsupported_format`` (a budget
sheet, a list of names): it is a kind of document we do not read, not a corrupt one.
"""

from __future__ import annotations

import hashlib
import io
import re
import zipfile
from collections.abc import Iterable

from extractor.budget import Budget
from extractor.document import Block, Cell, Document, Paragraph, Provenance, Table
from extractor.errors import CorruptDocument, EmptyInput, EncryptedDocument, FileTooLarge, UnsupportedFormat
from extractor.settings import DEFAULT_SETTINGS, Settings

TABLE_WORDS = re.compile(
    r"信息内容|申请人情况|本年度办理结果|行政复议|行政诉讼|结果维持|本年新收|自然人|本年制发件数|本年处理决定数量|"
    r"不予公开|结转下年度"
)
MAX_UNPACKED = 200 * 1024 * 1024
"""Total inflated size of an .xlsx's parts (a zip bomb is refused before openpyxl sees it)."""
MAX_ROWS, MAX_COLS = 2000, 200
"""Per sheet: a report table is a few dozen rows; rows and columns past these are not read."""

XLSX_MEDIA = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def is_xlsx(data: bytes) -> bool:
    """A zip whose parts include ``xl/workbook.xml`` (checked in the central directory)."""
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            return any(n.startswith("xl/workbook") for n in zf.namelist()[:5000])
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError, OSError):
        return False


def is_ole2_workbook(data: bytes) -> bool:
    """An OLE2 file with a ``Workbook``/``Book`` stream (Excel 97-2003, WPS ET) and no Word stream."""
    return ("Workbook".encode("utf-16-le") in data or "Book".encode("utf-16-le") + b"\x00\x00" in data) and (
        "WordDocument".encode("utf-16-le") not in data
    )


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value).strip()


def _table(name: str, values: dict[tuple[int, int], str], merges: Iterable[tuple[int, int, int, int]],
           budget: Budget) -> Table | None:
    """Cells from ``{(row, col): text}`` and merged ranges ``(r0, c0, r1, c1)`` (inclusive)."""
    covered: set[tuple[int, int]] = set()
    spans: dict[tuple[int, int], tuple[int, int]] = {}
    for r0, c0, r1, c1 in merges:
        if r0 >= MAX_ROWS or c0 >= MAX_COLS:
            continue
        r1, c1 = min(r1, MAX_ROWS - 1), min(c1, MAX_COLS - 1)
        spans[(r0, c0)] = (r1 - r0 + 1, c1 - c0 + 1)
        covered.update((r, c) for r in range(r0, r1 + 1) for c in range(c0, c1 + 1) if (r, c) != (r0, c0))
    used = [k for k, v in values.items() if v] + list(spans)
    if not used:
        return None
    rows = sorted({r for r, _ in used})
    cols = sorted({c for _, c in used})
    r_min, r_max, c_min, c_max = rows[0], rows[-1], cols[0], cols[-1]
    cells: list[Cell] = []
    for r in range(r_min, r_max + 1):
        budget.tick("reading a spreadsheet")
        for c in range(c_min, c_max + 1):
            if (r, c) in covered:
                continue
            rs, cs = spans.get((r, c), (1, 1))
            cells.append(Cell(row=r - r_min, col=c - c_min, text=values.get((r, c), ""), row_span=rs, col_span=cs,
                              provenance=Provenance(path=f"{name}!{_a1(r, c)}")))
    budget.cells(len(cells), "reading a spreadsheet")
    return Table(cells, Provenance(path=name))


def _a1(r: int, c: int) -> str:
    letters = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{r + 1}"


def _xlsx_blocks(data: bytes, source: str, budget: Budget) -> list[Block]:
    import openpyxl

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
            if any(i.flag_bits & 0x1 for i in infos):
                raise EncryptedDocument("the workbook zip is encrypted", source=source)
            if len(infos) > 5000 or sum(i.file_size for i in infos) > MAX_UNPACKED:
                raise FileTooLarge("the workbook inflates past its limit (a likely zip bomb)", source=source)
        book = openpyxl.load_workbook(io.BytesIO(data), data_only=True)
    except (EncryptedDocument, FileTooLarge):
        raise
    except Exception as exc:  # openpyxl raises many kinds (KeyError, zipfile, XML errors) for a broken file
        raise CorruptDocument(f"the workbook cannot be read: {type(exc).__name__}: {exc}", source=source) from exc
    blocks: list[Block] = []
    for ws in book.worksheets:
        values: dict[tuple[int, int], str] = {}
        for row in ws.iter_rows(max_row=min(ws.max_row, MAX_ROWS), max_col=min(ws.max_column, MAX_COLS)):
            budget.tick("reading a spreadsheet")
            for cell in row:
                if cell.value is not None:
                    values[(cell.row - 1, cell.column - 1)] = _text(cell.value)
        merges = [(m.min_row - 1, m.min_col - 1, m.max_row - 1, m.max_col - 1) for m in ws.merged_cells.ranges]
        table = _table(ws.title, values, merges, budget)
        if table is not None:
            blocks += [Paragraph(ws.title, Provenance(path=ws.title), kind="heading"), table]
    return blocks


def _xls_blocks(data: bytes, source: str, budget: Budget) -> list[Block]:
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=data, formatting_info=True, on_demand=True)
    except Exception as exc:  # xlrd.XLRDError, struct errors, … for a broken or unsupported BIFF file
        if "encrypt" in str(exc).lower():
            raise EncryptedDocument("the workbook is password-protected", source=source) from exc
        raise UnsupportedFormat(f"a spreadsheet xlrd cannot read: {exc}", source=source) from exc
    blocks: list[Block] = []
    try:
        for index in range(book.nsheets):
            sh = book.sheet_by_index(index)
            values: dict[tuple[int, int], str] = {}
            for r in range(min(sh.nrows, MAX_ROWS)):
                budget.tick("reading a spreadsheet")
                for c in range(min(sh.ncols, MAX_COLS)):
                    text = _text(sh.cell_value(r, c))
                    if text:
                        values[(r, c)] = text
            merges = [(r0, c0, r1 - 1, c1 - 1) for r0, r1, c0, c1 in sh.merged_cells]
            table = _table(sh.name, values, merges, budget)
            if table is not None:
                blocks += [Paragraph(sh.name, Provenance(path=sh.name), kind="heading"), table]
    finally:
        book.release_resources()
    return blocks


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read an .xlsx, .xls or .et workbook (reader ``sheet``)."""
    if not data.strip():
        raise EmptyInput("the workbook is empty", source=source)
    budget = Budget(settings, source)
    xlsx = data.startswith(b"PK")
    blocks = _xlsx_blocks(data, source, budget) if xlsx else _xls_blocks(data, source, budget)
    text = "\n".join(c.text for b in blocks if isinstance(b, Table) for c in b.cells)
    if not TABLE_WORDS.search(text):
        raise UnsupportedFormat("a spreadsheet that holds none of the report's tables 2–4", source=source)
    return Document(blocks=blocks, reader="sheet", source=source, sha256=hashlib.sha256(data).hexdigest(),
                    media_type=XLSX_MEDIA if xlsx else "application/vnd.ms-excel")


__all__ = ["is_ole2_workbook", "is_xlsx", "read"]
