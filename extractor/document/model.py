"""The intermediate document model every reader produces and the locator reads.

A :class:`Document` is an ordered list of blocks: :class:`Paragraph` (headings and running text)
and :class:`Table` (a cell grid). Readers differ wildly (pipe-delimited text, Word-exported HTML,
PDF page geometry, DOCX XML) but all of them end here, so the locator and the mapping never know
which format a report came from.

Merged cells are stored **once**, at their top-left grid position, with explicit ``row_span`` and
``col_span``. :meth:`Table.grid` expands them into a dense grid in which every covered position
points at the same :class:`Cell` object; code that must not double count (python-docx returns a
merged cell once per covered position, BeautifulSoup once per ``<td>``) works with
:attr:`Table.cells` or :meth:`Table.row_cells`, which list each cell once.

Every cell and paragraph carries a :class:`Provenance` so that a figure extracted three stages
later can still be pointed at: the page (paged formats), the bounding box (PDF), the 1-based line
(text formats) or an element path (HTML/DOCX).

These are plain slotted dataclasses, not pydantic models: a 300 KB Word-exported page produces
thousands of cells and the hot path must stay cheap. The typed, validated output records live in
:mod:`extractor.records`.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Literal

BBox = tuple[float, float, float, float]
"""``(x0, top, x1, bottom)`` in PDF points, origin at the page's top-left (pdfplumber's convention)."""


@dataclass(slots=True, frozen=True)
class Provenance:
    """Where a block or cell sits in the source document."""

    page: int | None = None
    """1-based page number for paged formats (PDF); ``None`` otherwise."""
    line: int | None = None
    """1-based line number in text formats."""
    path: str | None = None
    """Element path for tree formats, e.g. ``table[3]/tr[5]/td[2]`` (HTML) or ``tbl[1]/tr[4]/tc[2]``."""
    bbox: BBox | None = None
    column: int | None = None
    """0-based character column where a text line's content begins (its indentation). In a text
    laid out by position (``pdftotext -layout``) a number's column says which table column it sits
    in, even where blank cells print nothing."""

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.path:
            parts.append(self.path)
        return ", ".join(parts) or "unknown position"


_new = object.__new__
_SET_PAGE, _SET_LINE, _SET_PATH, _SET_BBOX, _SET_COLUMN = (
    Provenance.__dict__[f].__set__ for f in ("page", "line", "path", "bbox", "column"))


def provenance_at(line: int | None, path: str | None) -> Provenance:
    """``Provenance(line=line, path=path)`` for the hot path (a provenance per table cell): the
    slots written directly instead of through the frozen dataclass's ``object.__setattr__``."""
    p = _new(Provenance)
    _SET_PAGE(p, None)
    _SET_LINE(p, line)
    _SET_PATH(p, path)
    _SET_BBOX(p, None)
    _SET_COLUMN(p, None)
    return p


@dataclass(slots=True)
class Cell:
    """One table cell as printed. ``text`` is whitespace-normalised; ``raw_text`` is as found."""

    row: int
    col: int
    text: str
    raw_text: str = ""
    row_span: int = 1
    col_span: int = 1
    provenance: Provenance = field(default_factory=Provenance)
    confidence: float | None = None
    """How sure the reader is of ``text`` (0–1) when it was recognised from an image; None when it
    was read exactly (a text layer, markup). The mapping may correct an uncertain cell that the
    identities prove misread, never an exact one."""

    def __post_init__(self) -> None:
        if not self.raw_text:
            self.raw_text = self.text


@dataclass(slots=True)
class Paragraph:
    text: str
    provenance: Provenance = field(default_factory=Provenance)
    kind: Literal["paragraph", "heading"] = "paragraph"


@dataclass(slots=True)
class Table:
    """A cell grid. ``cells`` holds every cell once, in reading order (row, then column)."""

    cells: list[Cell]
    provenance: Provenance = field(default_factory=Provenance)
    spans_known: bool = True
    """False when the reader cannot know merges (pipe/markdown text): rows may then be ragged and
    column positions are only the order of cells within a row."""

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def row_cells(self, row: int) -> list[Cell]:
        """Cells whose top-left corner is in ``row``, once each, left to right."""
        return sorted((c for c in self.cells if c.row == row), key=lambda c: c.col)

    def rows(self) -> Iterator[list[Cell]]:
        """Cells by origin row (each cell once, left to right); rows without origin cells are empty."""
        cells = sorted(self.cells, key=_ROW_COL)
        n_rows = max((c.row + c.row_span for c in cells), default=0)
        rows: list[list[Cell]] = [[] for _ in range(n_rows)]
        if cells and cells[0].row < 0:
            return iter(rows)  # a cell before the first row: none is placed (as the ordered scan would)
        for c in cells:
            if c.row < n_rows:
                rows[c.row].append(c)
        return iter(rows)

    def grid(self) -> list[list[Cell | None]]:
        """Dense grid with spans expanded; covered positions share the origin cell object."""
        n_rows = n_cols = 0
        for c in self.cells:
            if c.row + c.row_span > n_rows:
                n_rows = c.row + c.row_span
            if c.col + c.col_span > n_cols:
                n_cols = c.col + c.col_span
        g: list[list[Cell | None]] = [[None] * n_cols for _ in range(n_rows)]
        for c in self.cells:
            if c.row_span == 1 and c.col_span == 1:  # most cells: one position
                line = g[c.row]
                if line[c.col] is None:
                    line[c.col] = c
                continue
            for r in range(c.row, c.row + c.row_span):
                line = g[r]
                for k in range(c.col, c.col + c.col_span):
                    if line[k] is None:
                        line[k] = c
        return g

    def text_rows(self) -> list[list[str]]:
        """The grid as text, spans expanded (handy in tests and debugging)."""
        return [[c.text if c else "" for c in row] for row in self.grid()]


Block = Paragraph | Table
_ROW_COL = attrgetter("row", "col")


@dataclass(slots=True)
class Document:
    """What a reader returns: blocks in reading order plus facts about the source."""

    blocks: list[Block]
    reader: str
    """Name of the reader that produced it: ``text``, ``html``, ``pdf``, ``docx``, ``doc``."""
    source: str = "<memory>"
    sha256: str = ""
    media_type: str = ""
    encoding: str | None = None
    page_count: int | None = None
    metadata: dict[str, str] = field(default_factory=dict)
    """Facts the page states outside the report body: ``title``, ``published`` (发布时间),
    ``publisher`` (发布机构/来源), ``index_no`` (索引号), ``url`` (原文链接)."""
    warnings: list[str] = field(default_factory=list)
    """Things the reader noticed but could work around (e.g. a wrong charset label)."""
    ocr_pages: list[int] = field(default_factory=list)
    """Pages (1-based; images in order for HTML/DOCX/image files) whose text came from OCR."""
    ocr_seconds: float = 0.0
    """Time spent rendering and recognising those pages."""

    @property
    def paragraphs(self) -> list[Paragraph]:
        return [b for b in self.blocks if isinstance(b, Paragraph)]

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]

    def text(self) -> str:
        """All text in reading order; table rows rendered as ``a | b | c``."""
        out: list[str] = []
        for b in self.blocks:
            if isinstance(b, Paragraph):
                out.append(b.text)
            else:
                out.extend([" | ".join([c.text for c in row]) for row in b.rows()])
        return "\n".join(out)
