"""The text layer: pdfium pages, coordinate transforms to the top-left convention, characters."""

from __future__ import annotations

import ctypes
import itertools
import statistics
from collections.abc import Callable
from typing import Any

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.document import BBox
from extractor.errors import CorruptDocument
from extractor.readers.pdf.layout import MAX_PAGE_CHARS, MAX_PAGE_TEXT_OBJECTS, Char, Edge, Matrix, PageData


class LoadedPage:
    """A loaded pdfium page with its coordinate transform to pdfplumber's top-left convention."""

    def __init__(self, page: pdfium.PdfPage, textpage: pdfium.PdfTextPage | None, data: PageData, to_top: Matrix) -> None:
        self.page = page
        self.textpage = textpage
        self.data = data
        self.to_top = to_top
        self.extra_edges: list[Edge] = []
        """Ruling edges found by OCR in the page's images (see :mod:`extractor.readers.pdf.scanned`)."""
        self._paths: tuple[list[Edge], list[BBox]] | None = None
        self.tick: Callable[[str], None] | None = None
        """The document's clock (:meth:`~extractor.budget.Budget.tick`), checked per page object
        while the paths are read: a hostile page of millions of path segments must stop in time."""

    def paths(self) -> tuple[list[Edge], list[BBox]]:
        """The page's vector ruling edges and image bboxes (read once)."""
        if self._paths is None:
            from extractor.readers.pdf.rules import path_edges

            self._paths = path_edges(self, self.tick)
        return self._paths

    def close(self) -> None:
        if self.textpage is not None:
            self.textpage.close()
        self.page.close()


def load_page(pdf: pdfium.PdfDocument, index: int, source: str) -> LoadedPage:
    try:
        page = pdf[index]
        n_text = _text_objects(page)
        textpage = page.get_textpage() if n_text <= MAX_PAGE_TEXT_OBJECTS else None
    except pdfium.PdfiumError as exc:
        raise CorruptDocument(f"page {index + 1} cannot be parsed: {exc}", source=source) from exc
    left, bottom, right, top = page.get_cropbox()
    rotation = page.get_rotation() % 360
    to_top = display_matrix(left, bottom, right, top, rotation)
    width, height = (right - left, top - bottom) if rotation in (0, 180) else (top - bottom, right - left)
    if textpage is None:
        note = f"page_skipped: page {index + 1} holds more than {MAX_PAGE_TEXT_OBJECTS:,} text objects"
        return LoadedPage(page, None, PageData(index + 1, width, height, [], "", note=note), to_top)
    n_chars = pdfium_c.FPDFText_CountChars(textpage.raw)
    note = f"page_truncated: page {index + 1} shows {n_chars:,} characters; read the first {MAX_PAGE_CHARS:,}" if n_chars > MAX_PAGE_CHARS else ""
    chars = _chars(textpage, to_top)
    if rotation in (90, 270) and _runs_vertically(chars):
        # content drawn upright in user space and only displayed rotated: read it unrotated
        to_top = display_matrix(left, bottom, right, top, 0)
        width, height = right - left, top - bottom
        chars = _chars(textpage, to_top)
    text = "".join(c.text for c in chars)
    return LoadedPage(page, textpage, PageData(index + 1, width, height, chars, text, note=note), to_top)


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


def display_matrix(left: float, bottom: float, right: float, top: float, rotation: int) -> Matrix:
    """Matrix from PDF user space to displayed page space with the origin at the top-left."""
    if rotation == 90:
        return (0.0, 1.0, 1.0, 0.0, -bottom, -left)
    if rotation == 180:
        return (-1.0, 0.0, 0.0, 1.0, right, -bottom)
    if rotation == 270:
        return (0.0, -1.0, -1.0, 0.0, top, right)
    return (1.0, 0.0, 0.0, -1.0, -left, top)


def apply_matrix(m: Matrix, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


def map_box(m: Matrix, x0: float, y0: float, x1: float, y1: float) -> BBox:
    ax, ay = apply_matrix(m, x0, y0)
    bx, by = apply_matrix(m, x1, y1)
    return min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)


def _chars(textpage: pdfium.PdfTextPage, m: Matrix) -> list[Char]:
    """The page's characters (at most :data:`MAX_PAGE_CHARS`) in display space.

    The hot loop of the reader (every character of every page), kept lean: the pdfium functions
    are called without ctypes' per-call argument checks (:func:`unchecked`) and their by-reference
    arguments are built once, pdfium is asked whether a character is generated only for spaces (it
    generates nothing else but the CR/LF skipped anyway), and on an unrotated page the transform is
    a shift and a flip written out rather than a matrix product.
    """
    out: list[Char] = []
    raw = textpage.raw
    get_unicode, is_generated, loose_box, tight_box = _TEXT_CALLS
    rect = pdfium_c.FS_RECTF()
    left, right, bottom_, top_ = ctypes.c_double(), ctypes.c_double(), ctypes.c_double(), ctypes.c_double()
    p_rect, p_left, p_right, p_bottom, p_top = (ctypes.byref(x) for x in (rect, left, right, bottom_, top_))
    upright = m[:4] == (1.0, 0.0, 0.0, -1.0)
    dx, dy = m[4], m[5]  # upright: x' = x + dx, y' = dy - y
    gap = False
    for i in range(min(pdfium_c.FPDFText_CountChars(raw), MAX_PAGE_CHARS)):
        code = get_unicode(raw, i)
        if code in _SKIPPED_CODES:
            continue
        if code == 32 and is_generated(raw, i) == 1:
            gap = True
            continue
        if not loose_box(raw, i, p_rect):
            continue
        tight_box(raw, i, p_left, p_right, p_bottom, p_top)
        if upright:
            x0, x1 = rect.left + dx, rect.right + dx
            top, bottom = dy - rect.top, dy - rect.bottom
            if x1 < x0:
                x0, x1 = x1, x0
            if bottom < top:
                top, bottom = bottom, top
            cx = ((left.value + dx) + (right.value + dx)) / 2  # the same sums as the matrix product
            cy = ((dy - bottom_.value) + (dy - top_.value)) / 2
        else:
            x0, top, x1, bottom = map_box(m, rect.left, rect.bottom, rect.right, rect.top)
            tx0, ttop, tx1, tbottom = map_box(m, left.value, bottom_.value, right.value, top_.value)
            cx, cy = (tx0 + tx1) / 2, (ttop + tbottom) / 2
        if x1 - x0 <= 0 and bottom - top <= 0:
            continue
        ch = chr(code) if code < 0x110000 else "\ufffd"
        if ch in "\u3000\xa0\t":
            ch = " "
        out.append(Char(ch, x0, top, x1, bottom, bottom - top, cx, cy, gap))
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


def unchecked(fn: Any, restype: Any) -> Any:
    """A pypdfium2.raw function that returns a number, called without ctypes' argument checks.

    pypdfium2 declares each function's argument types, so every call converts and checks every
    argument (a ``byref`` against its pointer type): 0.4-1 µs a call, which is most of the cost of
    reading a character. The same C function through a prototype without argument types takes a
    quarter of that; callers pass exactly what the C signature takes (handles and ``byref``
    objects, ``int`` indices) and keep the checked function for anything returning a pointer.
    Where calling conventions differ (32-bit Windows), the checked function is kept.
    """
    address = ctypes.cast(fn, ctypes.c_void_p).value
    if ctypes.sizeof(ctypes.c_void_p) != 8 or address is None:
        return fn
    return ctypes.CFUNCTYPE(restype)(address)


_TEXT_CALLS = (
    unchecked(pdfium_c.FPDFText_GetUnicode, ctypes.c_uint),
    unchecked(pdfium_c.FPDFText_IsGenerated, ctypes.c_int),
    unchecked(pdfium_c.FPDFText_GetLooseCharBox, ctypes.c_int),
    unchecked(pdfium_c.FPDFText_GetCharBox, ctypes.c_int),
)

_SKIPPED_CODES = frozenset((0, 0xFFFE, 0xFFFF, 10, 13))
"""Not characters (none, pdfium's markers) and line breaks; pdfium generates only these, and spaces."""


def mat_mul(a: Matrix, b: Matrix) -> Matrix:
    """``a`` applied first, then ``b``."""
    return (
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    )


