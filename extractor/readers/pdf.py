"""PDF reader: page geometry from pypdfium2, table finding with pdfplumber's algorithm.

How a page is read:

1. pypdfium2 gives every page's characters with their (loose) boxes, cheaply (a few ms a page).
2. Only pages whose text shows table keywords (``第二十条``, ``申请人情况``, ``行政复议`` …), and pages
   that continue a table from the page before, get table finding. Their vector paths are read with
   pypdfium2 and turned into ruling edges (invisible white fills dropped, a missing closing rule at
   a page break added), then pdfplumber's own edge merging, intersection and cell-grouping functions
   (``pdfplumber.table``) build the cells. Parsing the page a second time with pdfminer is what makes
   bare pdfplumber slow, so it is skipped.
3. Each character is placed in the cell its centre lies in, so a number belongs to the cell it sits
   in even where the text stream prints it on the line above its label. Rows/columns/spans come from
   the cell bboxes measured against the table's distinct x- and y-edges.
4. Text outside the tables becomes paragraphs (page numbers and repeated running heads dropped),
   tables continuing on the next page are stitched into one :class:`Table`.

A page with table keywords but no ruled table falls back to pdfplumber's text strategy; one whose
table is an image gets a ``table_not_machine_readable: page N`` warning.
"""

from __future__ import annotations

import ctypes
import hashlib
import itertools
import re
import statistics
import threading
import time
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.document import BBox, Cell, Document, Paragraph, Provenance, Table
from extractor.errors import CorruptDocument, EncryptedDocument, FileTooLarge, NeedsOCR, ReadTimeout
from extractor.settings import DEFAULT_SETTINGS, Settings

Matrix = tuple[float, float, float, float, float, float]
Edge = dict[str, Any]

TABLE_KEYWORDS = re.compile(
    r"第二十条|信息内容|申请人情况|本年度办理结果|行政复议|行政诉讼|结果维持|结果纠正|本年新收|自然人|"
    r"商业企业|法人或其他组织|不予公开|无法提供|不予处理|结转下年度|本年制发件数|本年处理决定数量|"
    r"指标名称|计量单位|统计表"
)
"""Any of these in a page's text makes the page worth table finding."""

HEADER_KEYWORDS = re.compile(r"信息内容|申请人情况|结果维持|自然人|本年度办理结果|指标名称|计量单位")
"""Table-header words: a page with one of these but no ruled table gets the text-strategy fallback."""

TABLE_HEADINGS = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议、行政诉讼情况|统计表")
"""Headings that announce a table: with no table found but a large image, the table is an image."""

SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]\s*\d{1,4}\s*[-—–－~]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_ASCII_WORD = re.compile(r"[A-Za-z]")

SNAP = 3.0
"""pdfplumber's default snap/join/intersection tolerance, in points."""
EDGE_TOL = 2.0
"""Tolerance when clustering cell edges into grid lines."""
STITCH_TOL = 4.5
"""How far the column edges of a table continued on the next page may move."""
MAX_EDGES = 4000
MAX_PAGE_TEXT_OBJECTS = 50_000
"""A page with more text objects is not read at all (``page_skipped`` warning): pdfium's text page
for it would take about 100 bytes per character (a 400,000-object page: 700 MB)."""
MAX_PAGE_CHARS = 100_000
"""Characters read per page (a dense A4 page holds a few thousand; a hostile content stream can
show millions, each costing pdfium calls and a Python object): the rest is dropped with a warning."""
MARGIN = 0.08
"""Fraction of the page height at top and bottom where page numbers and running heads live."""


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    cx: float
    """Centre of the glyph's tight box: decides which table cell the character is in."""
    cy: float
    space_before: bool = False
    """pdfium saw a word gap before this character (it generates a space there)."""

    @property
    def ly(self) -> float:
        """Vertical centre of the layout box (the same for all glyphs of a line)."""
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Line:
    chars: list[Char]
    text: str = ""
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        self.chars.sort(key=lambda c: c.x0)
        self.x0 = min(c.x0 for c in self.chars)
        self.x1 = max(c.x1 for c in self.chars)
        self.top = min(c.top for c in self.chars)
        self.bottom = max(c.bottom for c in self.chars)
        cjk = sorted(c.size for c in self.chars if _CJK.match(c.text)) or sorted(c.size for c in self.chars)
        self.size = cjk[len(cjk) // 4]  # low quartile: the body size of a line opening with a run-in heading
        self.text = _line_text(self.chars)


@dataclass(slots=True)
class PageData:
    number: int
    width: float
    height: float
    chars: list[Char]
    text: str
    blocks: list[tuple[float, Paragraph | Table]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    margin_lines: list[Line] = field(default_factory=list)
    body_lines: list[Line] = field(default_factory=list)
    ends_open: bool = False
    """The page's last paragraph runs to the right margin (it may continue on the next page)."""
    starts_continued: bool = False
    """The page's first paragraph starts at the left margin, not indented (it may continue one)."""
    note: str = ""
    """A ``page_skipped`` / ``page_truncated`` warning for a page too large to read whole."""


# --------------------------------------------------------------------------------------------
# entry point


_PDFIUM_LOCK = threading.Lock()
"""pdfium is not thread-safe: one document at a time per process (use processes to parallelise)."""


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF into a :class:`Document` (see the module docstring)."""
    with _PDFIUM_LOCK:
        return _read(data, source, settings)


def _read(data: bytes, source: str, settings: Settings) -> Document:
    started = time.monotonic()
    doc = Document(
        blocks=[], reader="pdf", source=source, sha256=hashlib.sha256(data).hexdigest(), media_type="application/pdf"
    )
    pdf = _open(data, source)
    try:
        n_pages = len(pdf)
        doc.page_count = n_pages
        if n_pages == 0:
            raise CorruptDocument("the PDF has no pages", source=source)
        if n_pages > settings.pdf_max_pages:
            doc.warnings.append(f"pages_truncated: read {settings.pdf_max_pages} of {n_pages} pages")
            n_pages = settings.pdf_max_pages
        pages: list[PageData] = []
        prev_table_open = heading_before = False
        for index in range(n_pages):
            if time.monotonic() - started > settings.timeout_s:
                raise ReadTimeout(
                    f"reading stopped at page {index + 1} of {n_pages} after {settings.timeout_s:g} s", source=source
                )
            page = _load_page(pdf, index, source)
            if page.data.note:
                doc.warnings.append(page.data.note)
            pages.append(page.data)
            if TABLE_KEYWORDS.search(page.data.text) or prev_table_open or heading_before:
                _find_tables(page, doc, heading_before=heading_before)
            prev_table_open = _table_reaches_bottom(page.data)
            heading_before = bool(TABLE_HEADINGS.search(page.data.text[-60:]))
            page.close()
        if not any(p.chars for p in pages) and any(p.note.startswith("page_skipped") for p in pages):
            raise FileTooLarge(f"every page with content is too large to read ({pages[0].note})", source=source)
        if not any(p.chars for p in pages):
            raise NeedsOCR(
                f"the PDF has no text layer ({n_pages} page(s) of images or outlines): run OCR on it first",
                source=source,
            )
        for p in pages:
            if not p.chars:
                doc.warnings.append(f"page_without_text: page {p.number}")
        _assign_lines(pages)
        for p in pages:
            _build_paragraphs(p)
        doc.blocks = _stitch(pages)
    finally:
        pdf.close()
    return doc


def _open(data: bytes, source: str) -> pdfium.PdfDocument:
    tail = data[-4096:]
    if b"%%EOF" not in tail:
        raise CorruptDocument("the PDF is truncated (no %%EOF marker at its end)", source=source)
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code in (pdfium_c.FPDF_ERR_PASSWORD, pdfium_c.FPDF_ERR_SECURITY):
            raise EncryptedDocument("the PDF is password-protected", source=source) from exc
        raise CorruptDocument(f"the PDF cannot be parsed: {exc}", source=source) from exc


# --------------------------------------------------------------------------------------------
# page geometry (pypdfium2)


class _Page:
    """A loaded pdfium page with its coordinate transform to pdfplumber's top-left convention."""

    def __init__(self, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None, data: PageData, to_top: Matrix) -> None:
        self.page = page
        self.textpage = textpage
        self.data = data
        self.to_top = to_top

    def close(self) -> None:
        if self.textpage is not None:
            self.textpage.close()
        self.page.close()


def _load_page(pdf: pdfium.PdfDocument, index: int, source: str) -> _Page:
    try:
        page = pdf[index]
        n_text = _text_objects(page)
        textpage = page.get_textpage() if n_text <= MAX_PAGE_TEXT_OBJECTS else None
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"page {index + 1} cannot be parsed: {exc}", source=source) from exc
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    to_top = _display_matrix(left, bottom, right, top, rotation)
    width, height = (right - left, top - bottom) if rotation in (0, 180) else (top - bottom, right - left)
    if textpage is None:
        note = f"page_skipped: page {index + 1} holds more than {MAX_PAGE_TEXT_OBJECTS:,} text objects"
        return _Page(page, None, PageData(index + 1, width, height, [], "", note=note), to_top)
    n_chars = pdfium_c.FPDFText_CountChars(textpage.raw)
    note = f"page_truncated: page {index + 1} shows {n_chars:,} characters; read the first {MAX_PAGE_CHARS:,}" if n_chars > MAX_PAGE_CHARS else ""
    chars = _chars(textpage, to_top)
    if rotation in (90, 270) and _runs_vertically(chars):
        # content drawn upright in user space and only displayed rotated: read it unrotated
        to_top = _display_matrix(left, bottom, right, top, 0)
        width, height = right - left, top - bottom
        chars = _chars(textpage, to_top)
    text = "".join(c.text for c in chars)
    return _Page(page, textpage, PageData(index + 1, width, height, chars, text, note=note), to_top)


def _text_objects(page: pdfium.PdfPage) -> int:
    """Text objects on the page, counted only up to just past :data:`MAX_PAGE_TEXT_OBJECTS`."""
    raw = page.raw
    n = int(pdfium_c.FPDFPage_CountObjects(raw))
    if n <= MAX_PAGE_TEXT_OBJECTS:
        return n
    found = 0
    for i in range(n):
        if pdfium_c.FPDFPageObj_GetType(pdfium_c.FPDFPage_GetObject(raw, i)) == pdfium_c.FPDF_PAGEOBJ_TEXT:
            found += 1
            if found > MAX_PAGE_TEXT_OBJECTS:
                break
    return found


def _runs_vertically(chars: list[Char]) -> bool:
    """Do consecutive characters mostly advance down/up the page rather than across it?"""
    vertical = horizontal = 0
    for a, b in itertools.pairwise(chars):
        dx, dy = abs(b.cx - a.cx), abs(b.cy - a.cy)
        if max(dx, dy) < 3 * max(a.size, 1.0):  # neighbours on the same line (or column)
            if dy > dx:
                vertical += 1
            else:
                horizontal += 1
    return vertical > 2 * horizontal


def _display_matrix(left: float, bottom: float, right: float, top: float, rotation: int) -> Matrix:
    """Matrix from PDF user space to displayed page space with the origin at the top-left."""
    if rotation == 90:
        return (0.0, 1.0, 1.0, 0.0, -bottom, -left)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, 1.0, right, -bottom)
    if rotation == 270:
        return (0.0, -1.0, -1.0, 0.0, top, right)
    return (1.0, 0.0, 0.0, -1.0, -left, top)


def _apply(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def _box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> BBox:
    ax, ay = _apply(m, x0, y0)
    bx, by = _apply(m, x1, y1)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _chars(textpage: pdfium.PdfTextPage, m: Matrix) -> list[Char]:
    """The page's characters (at most :data:`MAX_PAGE_CHARS`) in display space."""
    out: list[Char] = []
    raw = textpage.raw
    rect = pdfium_c.FS_RECTF()
    left, right, bottom_, top_ = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    gap = False
    for i in range(min(pdfium_c.FPDFText_CountChars(raw), MAX_PAGE_CHARS)):
        code = pdfium_c.FPDFText_GetUnicode(raw, i)
        if code in (0, 0xFFFE, 0xFFFF) or code in (10, 13):
            continue
        if pdfium_c.FPDFText_IsGenerated(raw, i) == 1:
            gap = gap or code == 32
            continue
        if not pdfium_c.FPDFText_GetLooseCharBox(raw, i, rect):
            continue
        x0, top, x1, bottom = _box(m, rect.left, rect.bottom, rect.right, rect.top)
        if x1 - x0 <= 0 and bottom - top <= 0:
            continue
        pdfium_c.FPDFText_GetCharBox(raw, i, left, right, bottom_, top_)
        tx0, ttop, tx1, tbottom = _box(m, left.value, bottom_.value, right.value, top_.value)
        ch = chr(code) if code < 0x110000 else "\ufffd"
        if ch in "\u3000\xa0\t":
            ch = " "
        out.append(Char(ch, x0, top, x1, bottom, bottom - top, (tx0 + tx1) / 2, (ttop + tbottom) / 2, gap))
        gap = False
    heights = [c.size for c in out if c.text != " "]
    if heights:
        typical = statistics.median(heights)
        for c in out:
            inside = c.x0 - 1 <= c.cx <= c.x1 + 1 and c.top - 1 <= c.cy <= c.bottom + 1
            if c.size > 3 * typical or c.x1 - c.x0 > 3 * typical or not inside:
                # a bogus loose box (seen on vertically stacked labels): use a small box at the glyph
                half = min(typical, c.size) / 4
                c.x0, c.top, c.x1, c.bottom = c.cx - half, c.cy - half, c.cx + half, c.cy + half
                c.size = 2 * half
    return out


def _mat_mul(a: Matrix, b: Matrix) -> Matrix:
    """``a`` applied first, then ``b``."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


def _edge(x0: float, top: float, x1: float, bottom: float) -> Edge:
    if x1 - x0 >= bottom - top:
        y = (top + bottom) / 2
        return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0, "orientation": "h"}
    x = (x0 + x1) / 2
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "orientation": "v"}


def _is_white(rgba: tuple[int, int, int, int]) -> bool:
    r, g, b, a = rgba
    return a == 0 or (r > 245 and g > 245 and b > 245)


def _path_edges(page: _Page) -> tuple[list[Edge], list[BBox]]:
    """Ruling edges from the page's vector paths, plus the bboxes of images (for the image warning)."""
    edges: list[Edge] = []
    images: list[BBox] = []
    fm = pdfium_c.FS_MATRIX()
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    px, py = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()

    def walk(
        count: Callable[[Any], int], get: Callable[[Any, int], Any], parent: Any, outer: Matrix, depth: int
    ) -> None:
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
                pdfium_c.FPDFPageObj_GetMatrix(obj, fm)
                inner = _mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
                walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, inner, depth + 1)
            elif kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                if pdfium_c.FPDFPageObj_GetBounds(obj, left, bottom, right, top):
                    images.append(_box(outer, left.value, bottom.value, right.value, top.value))
            elif kind == pdfium_c.FPDF_PAGEOBJ_PATH:
                pdfium_c.FPDFPageObj_GetMatrix(obj, fm)
                full = _mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
                pdfium_c.FPDFPath_GetDrawMode(obj, fillmode, stroke)
                pdfium_c.FPDFPageObj_GetFillColor(obj, r, g, b, a)
                fill_visible = fillmode.value != 0 and not _is_white((r.value, g.value, b.value, a.value))
                pdfium_c.FPDFPageObj_GetStrokeColor(obj, r, g, b, a)
                stroke_visible = bool(stroke.value) and not _is_white((r.value, g.value, b.value, a.value))
                if not (fill_visible or stroke_visible):
                    continue
                subpaths: list[list[tuple[float, float]]] = []
                for k in range(pdfium_c.FPDFPath_CountSegments(obj)):
                    seg = pdfium_c.FPDFPath_GetPathSegment(obj, k)
                    pdfium_c.FPDFPathSegment_GetPoint(seg, px, py)
                    point = _apply(full, px.value, py.value)
                    if pdfium_c.FPDFPathSegment_GetType(seg) == pdfium_c.FPDF_SEGMENT_MOVETO or not subpaths:
                        subpaths.append([point])
                    else:
                        subpaths[-1].append(point)
                for pts in subpaths:
                    edges.extend(_subpath_edges(pts, stroke_visible, fill_visible))

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.page.raw, page.to_top, 0)
    return edges, images


def _subpath_edges(pts: list[tuple[float, float]], stroked: bool, filled: bool) -> list[Edge]:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    w, h = x1 - x0, bottom - top
    if w < 0.5 and h < 0.5:
        return []
    if min(w, h) <= 2.0:  # a rule drawn as a thin filled box or a single stroked segment
        return [_edge(x0, top, x1, bottom)]
    axis_aligned = all(abs(p[0] - x0) < 0.5 or abs(p[0] - x1) < 0.5 for p in pts) and all(
        abs(p[1] - top) < 0.5 or abs(p[1] - bottom) < 0.5 for p in pts
    )
    if axis_aligned and 4 <= len(pts) <= 5:  # a rectangle: its four sides
        return [
            _edge(x0, top, x1, top),
            _edge(x0, bottom, x1, bottom),
            _edge(x0, top, x0, bottom),
            _edge(x1, top, x1, bottom),
        ]
    if not stroked:
        return []
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
            out.append(_edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return out


def _close_open_tables(edges: list[Edge]) -> list[Edge]:
    """Add the closing rule that Word/WPS omit where a table breaks across pages.

    Vertical rules that stop at the same y with no horizontal rule there mark an open table edge.
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    extra: list[Edge] = []
    for key in ("bottom", "top"):
        groups: dict[int, list[Edge]] = {}
        for e in vertical:
            groups.setdefault(round(e[key] / EDGE_TOL), []).append(e)
        for members in groups.values():
            if len(members) < 3:
                continue
            y = statistics.median(e[key] for e in members)
            lo, hi = min(e["x0"] for e in members), max(e["x0"] for e in members)
            covered = any(
                abs(h["top"] - y) <= SNAP and h["x0"] <= lo + SNAP and h["x1"] >= hi - SNAP for h in horizontal
            )
            if not covered and hi - lo > 20:
                extra.append(_edge(lo, y, hi, y))
    return edges + extra


# --------------------------------------------------------------------------------------------
# tables


def _find_tables(page: _Page, doc: Document, *, heading_before: bool = False) -> None:
    from pdfplumber.table import cells_to_tables, edges_to_intersections, intersections_to_cells, merge_edges
    from pdfplumber.utils.geometry import filter_edges

    data = page.data
    edges, images = _path_edges(page)
    edges = [e for e in edges if max(e["width"], e["height"]) >= SNAP]
    if len(edges) > MAX_EDGES:  # a vector drawing, not a table: cell finding would be quadratic
        doc.warnings.append(f"too_many_rules: page {data.number} ({len(edges)} edges), table finding skipped")
        return
    merged = merge_edges(_close_open_tables(edges), SNAP, SNAP, SNAP, SNAP)
    merged = filter_edges(merged, min_length=SNAP)
    cells = intersections_to_cells(edges_to_intersections(merged, SNAP, SNAP))
    tables = [t for t in (_grid_table(group, data) for group in cells_to_tables(cells)) if t is not None]
    if not tables:
        page_area = data.width * data.height
        big_image = any((b[2] - b[0]) * (b[3] - b[1]) > 0.1 * page_area for b in images)
        if big_image and (heading_before or TABLE_HEADINGS.search(data.text) or HEADER_KEYWORDS.search(data.text)):
            doc.warnings.append(f"table_not_machine_readable: page {data.number}")
            return
        if HEADER_KEYWORDS.search(data.text):
            tables = _text_strategy_tables(data)
    for table in tables:
        bbox = table.provenance.bbox
        assert bbox is not None
        data.tables.append(table)
        data.blocks.append((bbox[1], table))


def _cluster(values: Iterable[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def _index(edges: Sequence[float], v: float) -> int:
    i = bisect_right(edges, v + EDGE_TOL) - 1
    return max(i, 0)


def _grid_table(cell_boxes: Sequence[BBox], data: PageData, spans_known: bool = True) -> Table | None:
    xs = _cluster(v for b in cell_boxes for v in (b[0], b[2]))
    ys = _cluster(v for b in cell_boxes for v in (b[1], b[3]))
    if len(xs) < 3 or len(ys) < 2:  # a single column is a framed paragraph, not a table
        return None
    placed: list[tuple[int, int, int, int, BBox]] = []
    grid: dict[tuple[int, int], int] = {}
    for box in sorted(cell_boxes, key=lambda b: (round(b[1]), b[0])):
        r0, r1 = _index(ys, box[1]), _index(ys, box[3])
        c0, c1 = _index(xs, box[0]), _index(xs, box[2])
        if r1 <= r0 or c1 <= c0:
            continue
        k = len(placed)
        placed.append((r0, c0, r1 - r0, c1 - c0, box))
        for r in range(r0, r1):
            for c in range(c0, c1):
                grid.setdefault((r, c), k)
    texts: list[list[Char]] = [[] for _ in placed]
    tx0, ttop, tx1, tbottom = xs[0], ys[0], xs[-1], ys[-1]
    for ch in data.chars:
        cx, cy = ch.cx, ch.cy
        if tx0 <= cx <= tx1 and ttop <= cy <= tbottom:
            k = grid.get((min(bisect_right(ys, cy) - 1, len(ys) - 2), min(bisect_right(xs, cx) - 1, len(xs) - 2)), -1)
            if k >= 0:
                texts[k].append(ch)
    cells = []
    for (row, col, rs, cs, box), chars in zip(placed, texts, strict=True):
        raw = "\n".join(line.text for line in _lines(chars))
        cells.append(
            Cell(
                row=row,
                col=col,
                text=_join_cell_lines(raw),
                raw_text=raw,
                row_span=rs,
                col_span=cs,
                provenance=Provenance(page=data.number, bbox=box),
            )
        )
    if not any(c.text for c in cells):
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells, Provenance(page=data.number, bbox=(tx0, ttop, tx1, tbottom)), spans_known=spans_known)


def _text_strategy_tables(data: PageData) -> list[Table]:
    """pdfplumber's text strategy on our words, for tables printed without ruling lines."""
    from pdfplumber.table import (
        cells_to_tables,
        edges_to_intersections,
        intersections_to_cells,
        merge_edges,
        words_to_edges_h,
        words_to_edges_v,
    )

    words = _words(data.chars)
    if len(words) < 6:
        return []
    edges = words_to_edges_v(words, word_threshold=3) + words_to_edges_h(words, word_threshold=1)
    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    cells = intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    out = []
    for group in cells_to_tables(cells):
        table = _grid_table(group, data, spans_known=False)
        if table is None:
            continue
        # the text strategy puts a rule above and below every line: drop the empty rows and columns
        rows = sorted({c.row for c in table.cells if c.text})
        cols = sorted({c.col for c in table.cells if c.text})
        table.cells = [c for c in table.cells if c.row in rows and c.col in cols]
        for c in table.cells:
            c.row, c.col = rows.index(c.row), cols.index(c.col)
        if table.n_cols >= 3 and table.n_rows >= 3:
            out.append(table)
    return out


def _words(chars: list[Char]) -> list[dict[str, Any]]:
    words: list[dict[str, Any]] = []
    for line in _lines(chars):
        current: list[Char] = []
        for ch in [*line.chars, Char(" ", 1e9, 0, 1e9, 0, 0, 1e9, 0)]:
            gap = ch.x0 - current[-1].x1 if current else 0.0
            if ch.text == " " or gap > 3.0:
                if current:
                    words.append(
                        {
                            "text": "".join(c.text for c in current),
                            "x0": current[0].x0,
                            "x1": current[-1].x1,
                            "top": min(c.top for c in current),
                            "bottom": max(c.bottom for c in current),
                            "upright": True,
                        }
                    )
                current = [] if ch.text == " " else [ch]
            else:
                current.append(ch)
    return words


def _table_reaches_bottom(data: PageData) -> bool:
    if not data.tables:
        return False
    last = max(data.tables, key=lambda t: t.provenance.bbox[3] if t.provenance.bbox else 0.0)
    bbox = last.provenance.bbox
    assert bbox is not None
    below = [c for c in data.chars if c.top > bbox[3] and c.bottom < data.height * (1 - MARGIN) and c.text.strip()]
    return not below


# --------------------------------------------------------------------------------------------
# text lines and paragraphs


def _lines(chars: Iterable[Char]) -> list[Line]:
    """Group characters into lines (top to bottom), each sorted left to right."""
    lines: list[list[Char]] = []
    ref: Char | None = None  # the tallest character of the current line
    for ch in sorted(chars, key=lambda c: (c.ly, c.x0)):
        if ref is not None:
            overlap = min(ref.bottom, ch.bottom) - max(ref.top, ch.top)
            if overlap >= 0.5 * min(ref.size, ch.size):
                lines[-1].append(ch)
                if ch.size > ref.size:
                    ref = ch
                continue
        lines.append([ch])
        ref = ch
    return [Line(group) for group in lines if any(c.text.strip() for c in group)]


def _line_text(chars: list[Char]) -> str:
    out: list[str] = []
    prev: Char | None = None
    pending = False
    for ch in chars:
        if ch.text == " ":
            pending = True
            continue
        if prev is not None:
            wide = ch.x0 - prev.x1 > 0.8 * max(ch.size, 1.0)
            if (pending or ch.space_before or wide) and not (_CJK.match(ch.text) and _CJK.match(prev.text)):
                out.append(" ")
        out.append(ch.text)
        prev, pending = ch, False
    return "".join(out)


def _join_cell_lines(raw: str) -> str:
    """Join a cell's lines: CJK and numbers broken by the cell width rejoin without a space."""
    out = ""
    for part in raw.split("\n"):
        part = part.strip()
        if not part:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out


def _assign_lines(pages: list[PageData]) -> None:
    """Split each page's non-table text into body lines and margin lines, dropping running heads."""
    for p in pages:
        boxes = [t.provenance.bbox for t in p.tables if t.provenance.bbox]
        free = [
            c for c in p.chars if not any(b[0] - 1 <= c.cx <= b[2] + 1 and b[1] - 1 <= c.cy <= b[3] + 1 for b in boxes)
        ]
        for line in _lines(free):
            in_margin = line.bottom < p.height * MARGIN or line.top > p.height * (1 - MARGIN)
            (p.margin_lines if in_margin else p.body_lines).append(line)
    counts: Counter[str] = Counter()
    for p in pages:
        counts.update({_shape(line.text) for line in p.margin_lines})
    repeated = {k for k, n in counts.items() if n >= 2 and n >= len(pages) / 2}
    for p in pages:
        kept = [ln for ln in p.margin_lines if not PAGE_NUMBER.match(ln.text) and _shape(ln.text) not in repeated]
        p.body_lines = sorted(p.body_lines + kept, key=lambda ln: (ln.top, ln.x0))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def _build_paragraphs(p: PageData) -> None:
    lines = p.body_lines
    if not lines:
        return
    sizes = [ln.size for ln in lines]
    body_size = statistics.median(sizes)
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    current: list[Line] = []
    unit = max(body_size, 1.0)
    p.starts_continued = lines[0].x0 <= left + 1.2 * unit and not _is_heading(lines[0].text, lines[0].size, body_size)
    p.ends_open = lines[-1].x1 >= right - 1.5 * unit

    def flush() -> None:
        if not current:
            return
        text = current[0].text
        for ln in current[1:]:
            text += (" " if _ASCII_WORD.match(text[-1:]) and _ASCII_WORD.match(ln.text[:1]) else "") + ln.text
        bbox = (min(c.x0 for c in current), current[0].top, max(c.x1 for c in current), current[-1].bottom)
        heading = _is_heading(text, current[0].size, body_size)
        para = Paragraph(text, Provenance(page=p.number, bbox=bbox), kind="heading" if heading else "paragraph")
        p.blocks.append((bbox[1], para))
        current.clear()

    for ln in lines:
        if current:
            prev = current[-1]
            unit = max(prev.size, 1.0)
            new = (
                prev.x1 < right - 1.5 * unit
                or ln.x0 > left + 1.2 * unit
                or ln.top - prev.bottom > 1.2 * (prev.bottom - prev.top)
                or abs(ln.size - prev.size) > 0.15 * unit
                or _is_heading(ln.text, ln.size, body_size)
                or _is_heading(" ".join(c.text for c in current), prev.size, body_size)
            )
            if new:
                flush()
        current.append(ln)
    flush()


def _is_heading(text: str, size: float, body_size: float) -> bool:
    if size > body_size * 1.15 and len(text) <= 60:
        return True
    stripped = text.strip()
    return bool(SECTION_HEADING.match(stripped)) and len(stripped) <= 30 and "。" not in stripped[:-1]


# --------------------------------------------------------------------------------------------
# stitching tables across pages


def _stitch(pages: list[PageData]) -> list[Paragraph | Table]:
    out: list[Paragraph | Table] = []
    prev_open = False
    for p in pages:
        blocks = [b for _, b in sorted(p.blocks, key=lambda item: item[0])]
        if blocks and out:
            last, first = out[-1], blocks[0]
            if isinstance(last, Table) and isinstance(first, Table) and _continue_table(last, first):
                blocks = blocks[1:]
            elif (
                isinstance(last, Paragraph)
                and isinstance(first, Paragraph)
                and last.kind == first.kind == "paragraph"
                and prev_open
                and p.starts_continued
            ):
                joiner = " " if _ASCII_WORD.match(last.text[-1:]) and _ASCII_WORD.match(first.text[:1]) else ""
                last.text += joiner + first.text
                blocks = blocks[1:]
        out.extend(blocks)
        prev_open = p.ends_open and bool(blocks) and isinstance(blocks[-1], Paragraph)
    return out


def _x_edges(table: Table) -> list[float]:
    return _cluster(v for c in table.cells if c.provenance.bbox for v in (c.provenance.bbox[0], c.provenance.bbox[2]))


_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[.、．])")
"""A label that opens a new row (PDF text may space the characters out: ``(七 ) 总计``, ``三 、``)."""
_GROUP_OPEN = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*(?:[）)]|$)")
_NUMERIC = re.compile(r"^[\s\d.,，%\-—–/]*$|^\s*[无空〇]\s*$")
"""A value cell: digits, or a placeholder (/, —, -, 无, 空) — never part of a label."""


def _regrid(cells: Iterable[Cell], edges: list[float]) -> None:
    for c in cells:
        if c.provenance.bbox:
            c.col = _index(edges, c.provenance.bbox[0])
            c.col_span = max(_index(edges, c.provenance.bbox[2]) - c.col, 1)


def _continue_table(head: Table, tail: Table) -> bool:
    """Append ``tail`` (top of the next page) to ``head`` when it continues the same table.

    The column edges must agree (one table's edges a subset of the other's: a continuation may use
    fewer or more of the columns); a repeated header is dropped; a row or a group label cut by the
    page break is joined back into the cell above.
    """
    # A head already stitched from several pages holds each page's slightly shifted edges
    # (LibreOffice moves a column edge by a few points between pages): compare at STITCH_TOL.
    hx, tx = _cluster(_x_edges(head), STITCH_TOL), _cluster(_x_edges(tail), STITCH_TOL)
    if len(hx) < 2 or len(tx) < 2 or abs(hx[0] - tx[0]) > STITCH_TOL or abs(hx[-1] - tx[-1]) > STITCH_TOL:
        return False
    union = _cluster([*hx, *tx], STITCH_TOL)
    if len(union) != max(len(hx), len(tx)):
        return False
    if head.spans_known != tail.spans_known:
        return False
    _regrid(head.cells, union)
    _regrid(tail.cells, union)
    # drop a repeated header: leading rows whose text equals the head table's first rows
    head_rows, tail_rows = head.text_rows(), tail.text_rows()
    skip = 0
    while (
        skip < min(len(tail_rows) - 1, len(head_rows), 4)
        and tail_rows[skip] == head_rows[skip]
        and any(tail_rows[skip])
    ):
        skip += 1
    last_row = head.n_rows - 1
    above_row = head.grid()[last_row]
    first = [c for c in tail.cells if c.row == skip]

    def above(cell: Cell) -> Cell | None:
        a = above_row[cell.col] if cell.col < len(above_row) else None
        return a if a is not None and a.col == cell.col and a.col_span == cell.col_span else None

    def joinable(a: Cell | None, cell: Cell) -> bool:
        return (
            a is not None
            and bool(a.text)
            and not (cell.text and (_NUMERIC.match(cell.text) or _ENUMERATOR.match(cell.text)))
        )

    # Rows of the head that print a number are data rows. An empty cell on the new page continues
    # only a label cell of such rows (a group label cut by the break); under a header cell it is a
    # blank figure (table 4's data row after its header, with 复议 结果维持 blank).
    data_rows = {c.row for c in head.cells if c.text and _NUMERIC.match(c.text)}
    eligible = [c for c in first if above(c) is not None]
    # a row cut by the page break: every cell that lines up with the cell above continues it
    split_row = any(c.text for c in eligible) and all(not c.text or joinable(above(c), c) for c in eligible)
    if not any(c.text for c in first) and first and len(eligible) == len(first):
        split_row = True  # an empty strip: the rest of a row whose text all stayed on the page before
    whole_row = split_row and len(eligible) == len(first)
    offset = head.n_rows - skip - (1 if whole_row else 0)
    for cell in tail.cells:
        if cell.row < skip:
            continue
        a = above(cell) if cell.row == skip else None
        if a is not None and (split_row or _is_split_part(a, cell, data_rows)):
            a.row_span = max(a.row_span, cell.row + offset + cell.row_span - a.row)
            if cell.text:
                a.text = _join_cell_lines(a.text + "\n" + cell.text)
                a.raw_text = a.raw_text + "\n" + cell.raw_text
            continue
        cell.row += offset
        head.cells.append(cell)
    head.cells.sort(key=lambda c: (c.row, c.col))
    return True


def _is_split_part(above: Cell, cell: Cell, data_rows: set[int]) -> bool:
    """Is ``cell`` (first row on the new page) the rest of the label cell ``above`` cut by the page break?"""
    if not above.text or _NUMERIC.match(above.text):
        return False
    if not cell.text:
        return any(r in data_rows for r in range(above.row, above.row + above.row_span))
    if _NUMERIC.match(cell.text) or _ENUMERATOR.match(cell.text):
        return False
    return bool(_GROUP_OPEN.match(above.text)) and not above.text.endswith(("。",))


__all__ = ["read"]
