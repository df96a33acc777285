"""Native reader for Word 97-2003 .doc files: no LibreOffice, antiword or catdoc needed.

:mod:`extractor.readers.msdoc_format` turns the binary file into paragraphs with their table
flags and row layouts; this module turns those into :class:`Paragraph` and :class:`Table` blocks
the way the DOCX reader does, so that a report reads the same from its .doc and its .docx:

* **Text.** Fields (``\\x13`` instruction ``\\x14`` result ``\\x15``, nested, a TOC's result
  spanning many paragraphs) keep their result only. ``\\x0b`` (and a page break inside a
  paragraph) breaks a line, a tab is a space, ``\\x1e`` a hyphen, ``\\x1f`` nothing, NBSP a space;
  object anchors (``\\x01``, ``\\x08``, notes ``\\x02``, comments ``\\x05``) and other control
  characters are dropped. Lines are joined as :func:`extractor.readers.docx.join_lines` joins them.
* **Tables.** A cell is the paragraphs up to its cell mark; a row ends at the TTP mark, which
  carries the row's cell edges. The grid's column lines are the distinct edges of all the table's
  rows (edges within :data:`EDGE_TOLERANCE` twips are one line), so a cell spans the columns
  between its own edges. A vertically merged cell (restart, then continue flags in the rows below)
  becomes one cell with ``row_span`` and the continuation cells are dropped (their text, if any,
  appended), as the DOCX reader does with ``w:vMerge``. A table without row layouts falls back to
  one cell per cell mark with ``spans_known=False``. Nested tables are flattened into the text of
  the outer cell.
* **Provenance.** A .doc has no pages in its text: every paragraph (a cell's too) is numbered,
  and that number is the ``line`` of its block or cell.

Headers, footers, footnotes, comments, text boxes and pictures are not read (the main document
text only).
"""

from __future__ import annotations

import hashlib
import re
import struct
from collections.abc import Iterable
from dataclasses import dataclass, field

from extractor.budget import Budget
from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.errors import ReadError
from extractor.readers.docx import append_text, join_lines, paragraph_kind
from extractor.readers.msdoc_format import NativeDocError, RawParagraph, RowDef, UnsupportedDoc, read_paragraphs
from extractor.settings import DEFAULT_SETTINGS, Settings

MEDIA_TYPE = "application/msword"
EDGE_TOLERANCE = 30
"""Cell edges closer than this (twips, 1/1440 inch: 30 ≈ 0.5 mm) are the same column line."""


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a Word 97-2003 file. Raises :class:`NativeDocError` (:class:`UnsupportedDoc` for Word
    6/95 and older) when it cannot, ``EncryptedDocument`` for a password-protected one, and the
    budget's ``ReadTimeout``/``FileTooLarge``."""
    budget = Budget(settings, source)
    try:
        paragraphs = read_paragraphs(data, budget)
    except ReadError as exc:
        exc.source = exc.source or source
        raise
    except (struct.error, IndexError, ValueError, OverflowError, UnicodeError) as exc:  # a check missed
        raise NativeDocError(f"malformed Word structure: {type(exc).__name__}: {exc}") from exc
    blocks, warnings = build_blocks(paragraphs, budget)
    if not blocks:
        raise NativeDocError("the document has no text")
    return Document(
        blocks=blocks,
        reader="doc",
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type=MEDIA_TYPE,
        warnings=warnings,
    )


def build_blocks(paragraphs: Iterable[RawParagraph], budget: Budget) -> tuple[list[Paragraph | Table], list[str]]:
    """The blocks of the paragraphs (numbered from 1 for provenance) and the reader's warnings."""
    builder = _Builder(budget)
    for number, para in enumerate(paragraphs, start=1):
        builder.add(para, number)
    builder.flush_table()
    return builder.blocks, builder.warnings


# --------------------------------------------------------------------------------------------
# text

_SPECIAL = re.compile("[\x00-\x1f\xa0]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class _Text:
    """Control characters to text, with the field state carried from paragraph to paragraph."""

    def __init__(self) -> None:
        self.fields: list[bool] = []
        """Open fields, innermost last: True once its separator (``\\x14``) was seen."""
        self.hidden = 0
        """Open fields still in their instruction part: text is dropped while any is."""

    def lines(self, text: str) -> list[str]:
        lines: list[str] = []
        buf: list[str] = []
        pos = 0
        for m in _SPECIAL.finditer(text):
            if not self.hidden and m.start() > pos:
                buf.append(text[pos : m.start()])
            pos = m.end()
            ch = m.group()
            if ch == "\x13":
                self.fields.append(False)
                self.hidden += 1
            elif ch == "\x14":
                if self.fields and not self.fields[-1]:
                    self.fields[-1] = True
                    self.hidden -= 1
            elif ch == "\x15":
                if self.fields and not self.fields.pop():
                    self.hidden -= 1
            elif self.hidden:
                continue
            elif ch in "\x0b\x0c":
                lines.append("".join(buf))
                buf = []
            elif ch in "\t\xa0":
                buf.append(" ")
            elif ch == "\x1e":
                buf.append("-")
        if not self.hidden and pos < len(text):
            buf.append(text[pos:])
        lines.append("".join(buf))
        if self.hidden:  # an instruction never holds a paragraph mark: a broken field shows from here on
            self.fields = [True] * len(self.fields)
            self.hidden = 0
        return [_pair_surrogates(line) for line in lines]


def _pair_surrogates(text: str) -> str:
    """The text held one character per UTF-16 code unit (string index = CP): join surrogate pairs."""
    if _SURROGATE.search(text) is None:
        return text
    return text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")


# --------------------------------------------------------------------------------------------
# blocks


@dataclass(slots=True)
class _CellText:
    lines: list[str]
    line: int


@dataclass(slots=True)
class _Row:
    cells: list[_CellText]
    layout: RowDef | None


@dataclass(slots=True)
class _Slot:
    """A cell of a row after horizontal merges, with its edges in twips."""

    left: int
    right: int
    vert: int
    lines: list[str]
    line: int
    index: int


@dataclass(slots=True)
class _Builder:
    budget: Budget
    blocks: list[Paragraph | Table] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    text: _Text = field(default_factory=_Text)
    rows: list[_Row] = field(default_factory=list)
    row_cells: list[_CellText] = field(default_factory=list)
    cell_lines: list[str] = field(default_factory=list)
    cell_line: int | None = None
    table_line: int = 0
    n_tables: int = 0

    def add(self, para: RawParagraph, number: int) -> None:
        """One paragraph. Inside a table (depth ≥ 1) a cell collects paragraphs up to its cell
        mark (``\\x07``), and the row ends at the TTP mark, the ``\\x07`` paragraph flagged
        ``sprmPFTtp`` that carries the row layout. Deeper paragraphs (nested tables, whose cells
        end with ``\\r``) are lines of the outer cell."""
        self.budget.tick("doc paragraphs")
        lines = self.text.lines(para.text)
        props = para.props
        depth = props.depth
        if depth <= 0:
            self.flush_table()
            text = join_lines(lines)
            if text:
                styled = para.heading_style or (props.outline is not None and props.outline < 9)
                kind = paragraph_kind(text, styled=styled)
                self.blocks.append(Paragraph(text, Provenance(line=number), kind=kind))
            return
        if not self.rows and not self.row_cells and self.cell_line is None:
            self.table_line = number
        if depth == 1 and para.mark == "\x07" and (props.ttp or props.row is not None):
            self.end_row(props.row)
            return
        if self.cell_line is None:
            self.cell_line = number
        self.cell_lines.extend(lines)
        if depth == 1 and para.mark in ("\x07", ""):
            self.end_cell()

    def end_cell(self) -> None:
        self.row_cells.append(_CellText(self.cell_lines, self.cell_line or self.table_line))
        self.cell_lines = []
        self.cell_line = None

    def end_row(self, layout: RowDef | None) -> None:
        if self.cell_line is not None:  # text after the last cell mark (a malformed row)
            self.end_cell()
        if self.row_cells:
            self.budget.cells(len(self.row_cells), "doc tables")
            self.rows.append(_Row(self.row_cells, layout))
        self.row_cells = []

    def flush_table(self) -> None:
        if self.row_cells or self.cell_line is not None:
            self.end_row(None)  # a table cut off before its last row mark
        rows, self.rows = self.rows, []
        if not rows:
            return
        self.n_tables += 1
        path = f"tbl[{self.n_tables}]"
        prov = Provenance(line=self.table_line, path=path)
        cells = _grid_cells(rows, path)
        if cells is not None:
            table = Table(cells, prov)
        else:
            table = Table(_plain_cells(rows, path), prov, spans_known=False)
            if not any("table_spans_unknown" in w for w in self.warnings):
                self.warnings.append("table_spans_unknown: native .doc reader (a table row without its layout)")
        if any(c.text for c in table.cells):
            self.blocks.append(table)


def _cell_raw(lines: list[str]) -> str:
    return "\n".join(s for s in (line.strip() for line in lines) if s)


def _new_cell(row: int, col: int, lines: list[str], line: int, path: str, span: int = 1) -> Cell:
    raw = _cell_raw(lines)
    return Cell(row=row, col=col, text=join_lines(raw.split("\n")), raw_text=raw, col_span=span,
                provenance=Provenance(line=line, path=path))  # fmt: skip


def _plain_cells(rows: list[_Row], path: str) -> list[Cell]:
    return [
        _new_cell(r, k, c.lines, c.line, f"{path}/tr[{r + 1}]/tc[{k + 1}]")
        for r, row in enumerate(rows)
        for k, c in enumerate(row.cells)
    ]


def _slots(row: _Row) -> list[_Slot] | None:
    """The row's cells with their edges; a cell flagged as merged into the previous one
    (horizontal merge 2/3) widens that cell instead. None when the layout does not fit the row."""
    layout = row.layout
    if layout is None or len(layout.edges) != len(row.cells) + 1:
        return None
    slots: list[_Slot] = []
    for k, cell in enumerate(row.cells):
        left, right = layout.edges[k], layout.edges[k + 1]
        if layout.horz[k] in (2, 3) and slots:
            slots[-1].right = right
            slots[-1].lines = slots[-1].lines + cell.lines
            continue
        slots.append(_Slot(left, right, layout.vert[k], cell.lines, cell.line, k))
    return slots


def _column_lines(edges: set[int]) -> dict[int, int]:
    """Each edge position's grid column line: sorted edges, a new line wherever an edge is more
    than :data:`EDGE_TOLERANCE` past the first edge of the current line."""
    index: dict[int, int] = {}
    first: int | None = None
    n = -1
    for edge in sorted(edges):
        if first is None or edge - first > EDGE_TOLERANCE:
            first = edge
            n += 1
        index[edge] = n
    return index


def _grid_cells(rows: list[_Row], path: str) -> list[Cell] | None:
    """Cells placed on the grid of all rows' edges, vertical merges folded (see the module doc).
    None when some row has no usable layout."""
    slotted: list[list[_Slot]] = []
    for row in rows:
        slots = _slots(row)
        if slots is None:
            return None
        slotted.append(slots)
    column = _column_lines({e for slots in slotted for s in slots for e in (s.left, s.right)})
    cells: list[Cell] = []
    open_cells: dict[int, Cell] = {}  # grid column -> vertically merged cell still open
    for r, slots in enumerate(slotted):
        next_free = 0
        for s in slots:
            col = max(column[s.left], next_free)
            span = max(column[s.right] - col, 1)
            next_free = col + span
            if s.vert in (1, 2) and col in open_cells:
                above = open_cells[col]
                above.row_span = r - above.row + 1
                append_text(above, _cell_raw(s.lines))
                continue
            cell = _new_cell(r, col, s.lines, s.line, f"{path}/tr[{r + 1}]/tc[{s.index + 1}]", span)
            cells.append(cell)
            for c in range(col, col + span):
                open_cells.pop(c, None)
            if s.vert == 3:
                open_cells[col] = cell
    cells.sort(key=lambda c: (c.row, c.col))
    return cells


__all__ = ["EDGE_TOLERANCE", "MEDIA_TYPE", "NativeDocError", "UnsupportedDoc", "build_blocks", "read"]
