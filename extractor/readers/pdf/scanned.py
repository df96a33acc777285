"""Image content of a PDF read by OCR: pages with no text layer, and table images on text pages.

A page with no characters but something drawn (a scan, or text converted to outlines) is rendered
at :data:`RENDER_DPI` and OCR'd whole. A text page whose table is a pasted-in image (a large image
under a table heading, and no ruled table found) has that image's region OCR'd; the recognised
characters join the page's own (none where the text layer already has a character), the image's
rules join the vector edges, and table finding runs again. Without the OCR extra these pages are
noted (``needs_ocr`` / ``table_not_machine_readable``) and the report can come out ``partial``.

Bounds before rendering (pdfium decodes a page's images at their declared size to render it): the
images' declared pixels (``Settings.max_image_pixels``) and the rendered page's pixels
(``Settings.ocr_max_pixels``: a large page is rendered at a lower resolution, down to
:data:`MIN_RENDER_DPI`). A page over them is not OCR'd: a ``page_skipped`` note. Each OCR'd page
grants the document's :class:`~extractor.budget.Budget` ``Settings.ocr_page_timeout_s``, and the
OCR steps check it (``timeout`` past it).
"""

from __future__ import annotations

import ctypes
import math
from typing import Any

import pypdfium2.raw as pdfium_c

from extractor.budget import Budget
from extractor.document import BBox, Document
from extractor.errors import NeedsOCR
from extractor.readers.pdf.chars import LoadedPage
from extractor.readers.pdf.layout import Char
from extractor.readers.pdf.tables import find_tables
from extractor.settings import Settings

RENDER_DPI = 150
MIN_RENDER_DPI = 72
"""A page that fits ``Settings.ocr_max_pixels`` only below this resolution is not OCR'd (its text would
be a few pixels high): a page over 2,000 x 3,000 points with the default limit."""
BIG_IMAGE = 0.1
"""Fraction of the page area from which an image may hold a table (a seal or a logo is smaller)."""


def _engine(doc: Document, settings: Settings) -> Any:
    from extractor.readers.ocr.engine import get_engine

    if not settings.ocr:
        return NeedsOCR("OCR is turned off (Settings.ocr)", source=doc.source)
    try:
        return get_engine(doc.source)
    except NeedsOCR as exc:
        return exc


def ocr_unavailable_reason(settings: Settings) -> str:
    """Why image pages were not OCR'd (for the ``needs_ocr`` error)."""
    engine = _engine(Document(blocks=[], reader="pdf"), settings)
    return engine.message if isinstance(engine, NeedsOCR) else "OCR found no text"


def find_tables_or_ocr(page: LoadedPage, doc: Document, settings: Settings, budget: Budget, *, heading_before: bool) -> None:
    """Table finding; a table that is an image is OCR'd and the page searched again."""
    if not find_tables(page, doc, heading_before=heading_before):
        return
    number = page.data.number
    if number in doc.ocr_pages:  # already OCR'd whole and still no table
        doc.warnings.append(f"table_not_machine_readable: page {number} (no table found by OCR)")
        return
    if ocr_table_images(page, doc, settings, budget) and find_tables(page, doc, heading_before=heading_before):
        doc.warnings.append(f"table_not_machine_readable: page {number} (no table found by OCR)")


def render_scale(page: LoadedPage, settings: Settings) -> float | str:
    """Pixels per point to render the page at for OCR, or why it is not rendered (see the module
    docstring); read from the page's size and its images' declared sizes, before anything is decoded."""
    data = page.data
    declared = image_pixels(page)
    if declared > settings.max_image_pixels:
        return f"its images declare {declared:,} pixels (limit {settings.max_image_pixels:,})"
    area = max(data.width, 1.0) * max(data.height, 1.0)
    scale = min(RENDER_DPI / 72, math.sqrt(settings.ocr_max_pixels / area))
    if scale < MIN_RENDER_DPI / 72:
        return f"it is {data.width:,.0f} x {data.height:,.0f} points, too large to render for OCR"
    return scale


def image_pixels(page: LoadedPage) -> int:
    """Declared width x height of the page's images (forms' included), summed; no image is decoded."""
    w, h = ctypes.c_uint(), ctypes.c_uint()
    total = 0

    def walk(count: Any, get: Any, parent: Any, depth: int) -> None:
        nonlocal total
        for i in range(count(parent)):
            obj = get(parent, i)
            kind = pdfium_c.FPDFPageObj_GetType(obj)
            if kind == pdfium_c.FPDF_PAGEOBJ_IMAGE:
                if pdfium_c.FPDFImageObj_GetImagePixelSize(obj, ctypes.byref(w), ctypes.byref(h)):
                    total += int(w.value) * int(h.value)
            elif kind == pdfium_c.FPDF_PAGEOBJ_FORM and depth < 8:
                walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, depth + 1)

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.page.raw, 0)
    return total


def _render(page: LoadedPage, scale: float) -> Any:
    bitmap = page.page.render(scale=scale, grayscale=True)
    try:
        return bitmap.to_numpy().copy()
    finally:
        bitmap.close()


def ocr_whole_page(page: LoadedPage, doc: Document, settings: Settings, budget: Budget) -> bool:
    """OCR a page without a text layer; False (and a ``needs_ocr`` or ``page_skipped`` note) when
    OCR is not available or the page is too large to render."""
    data = page.data
    _edges, images = page.paths()
    if not images and not _edges:
        return False  # a blank page
    engine = _engine(doc, settings)
    if isinstance(engine, NeedsOCR):
        doc.warnings.append(f"needs_ocr: page {data.number} is an image ({engine.message})")
        return False
    scale = render_scale(page, settings)
    if isinstance(scale, str):
        data.note = f"page_skipped: page {data.number} is not OCR'd: {scale}"
        doc.warnings.append(data.note)
        return False
    from extractor.readers.ocr.page import ocr_image

    budget.grant(settings.ocr_page_timeout_s)
    what = f"OCR of page {data.number}"
    budget.check(what)
    image = _render(page, scale)
    result = ocr_image(image, unit=1 / scale, engine=engine, budget=budget, what=what, max_pixels=settings.ocr_max_pixels)
    data.chars = result.chars
    data.text = "".join(c.text for c in result.chars)
    page.extra_edges = result.edges
    doc.ocr_pages.append(data.number)
    doc.ocr_seconds += result.seconds
    return True


def table_images(page: LoadedPage) -> list[BBox]:
    data = page.data
    area = data.width * data.height
    return [b for b in page.paths()[1] if (b[2] - b[0]) * (b[3] - b[1]) > BIG_IMAGE * area]


def ocr_table_images(page: LoadedPage, doc: Document, settings: Settings, budget: Budget) -> bool:
    """OCR the large images of a text page whose table is an image; False when OCR is not available
    or the page is too large to render."""
    data = page.data
    regions = table_images(page)
    engine = _engine(doc, settings) if regions else None
    scale = render_scale(page, settings) if engine is not None and not isinstance(engine, NeedsOCR) else None
    if engine is None or isinstance(engine, NeedsOCR) or isinstance(scale, str) or scale is None:
        hint = f" ({engine.message})" if isinstance(engine, NeedsOCR) else f" (not OCR'd: {scale})" if isinstance(scale, str) else ""
        doc.warnings.append(f"table_not_machine_readable: page {data.number}{hint}")
        return False
    from extractor.readers.ocr.page import ocr_image

    budget.grant(settings.ocr_page_timeout_s)
    what = f"OCR of the table images of page {data.number}"
    budget.check(what)
    full = _render(page, scale)
    added: list[Char] = []
    for x0, top, x1, bottom in regions:
        px0, py0 = max(int(x0 * scale), 0), max(int(top * scale), 0)
        px1, py1 = min(int(x1 * scale) + 1, full.shape[1]), min(int(bottom * scale) + 1, full.shape[0])
        if px1 - px0 < 20 or py1 - py0 < 20:
            continue
        result = ocr_image(full[py0:py1, px0:px1], unit=1 / scale, offset=(px0 / scale, py0 / scale), engine=engine,
                           budget=budget, what=what, max_pixels=settings.ocr_max_pixels)
        doc.ocr_seconds += result.seconds
        page.extra_edges.extend(result.edges)
        for ch in result.chars:
            if not any(c.x0 <= ch.cx <= c.x1 and c.top <= ch.cy <= c.bottom for c in data.chars):
                added.append(ch)
    data.chars = data.chars + added
    data.text = "".join(c.text for c in data.chars)
    doc.ocr_pages.append(data.number)
    return True


__all__ = ["MIN_RENDER_DPI", "RENDER_DPI", "find_tables_or_ocr", "image_pixels", "ocr_table_images", "ocr_unavailable_reason", "ocr_whole_page", "render_scale"]
