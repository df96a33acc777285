"""Image content of a PDF read by OCR: pages with no text layer, and table images on text pages.

A page with no characters but something drawn (a scan, or text converted to outlines) is rendered
at :data:`RENDER_DPI` and OCR'd whole. A text page whose table is a pasted-in image (a large image
under a table heading, and no ruled table found) has that image's region OCR'd; the recognised
characters join the page's own (none where the text layer already has a character), the image's
rules join the vector edges, and table finding runs again. Without the OCR extra these pages are
noted (``needs_ocr`` / ``table_not_machine_readable``) and the report can come out ``partial``.
"""

from __future__ import annotations

from typing import Any

from extractor.document import BBox, Document
from extractor.errors import NeedsOCR
from extractor.readers.pdf.chars import LoadedPage
from extractor.readers.pdf.layout import Char
from extractor.readers.pdf.tables import find_tables
from extractor.settings import Settings

RENDER_DPI = 150
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


def find_tables_or_ocr(page: LoadedPage, doc: Document, settings: Settings, *, heading_before: bool) -> None:
    """Table finding; a table that is an image is OCR'd and the page searched again."""
    if not find_tables(page, doc, heading_before=heading_before):
        return
    number = page.data.number
    if number in doc.ocr_pages:  # already OCR'd whole and still no table
        doc.warnings.append(f"table_not_machine_readable: page {number} (no table found by OCR)")
        return
    if ocr_table_images(page, doc, settings) and find_tables(page, doc, heading_before=heading_before):
        doc.warnings.append(f"table_not_machine_readable: page {number} (no table found by OCR)")


def _render(page: LoadedPage) -> Any:
    bitmap = page.page.render(scale=RENDER_DPI / 72, grayscale=True)
    try:
        return bitmap.to_numpy().copy()
    finally:
        bitmap.close()


def ocr_whole_page(page: LoadedPage, doc: Document, settings: Settings) -> bool:
    """OCR a page without a text layer; False (and a ``needs_ocr`` note) when OCR is not available."""
    data = page.data
    _edges, images = page.paths()
    if not images and not _edges:
        return False  # a blank page
    engine = _engine(doc, settings)
    if isinstance(engine, NeedsOCR):
        doc.warnings.append(f"needs_ocr: page {data.number} is an image ({engine.message})")
        return False
    from extractor.readers.ocr.page import ocr_image

    result = ocr_image(_render(page), unit=72 / RENDER_DPI, engine=engine)
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


def ocr_table_images(page: LoadedPage, doc: Document, settings: Settings) -> bool:
    """OCR the large images of a text page whose table is an image; False when OCR is not available."""
    data = page.data
    regions = table_images(page)
    engine = _engine(doc, settings) if regions else None
    if engine is None or isinstance(engine, NeedsOCR):
        hint = f" ({engine.message})" if isinstance(engine, NeedsOCR) else ""
        doc.warnings.append(f"table_not_machine_readable: page {data.number}{hint}")
        return False
    from extractor.readers.ocr.page import ocr_image

    scale = RENDER_DPI / 72
    full = _render(page)
    added: list[Char] = []
    for x0, top, x1, bottom in regions:
        px0, py0 = max(int(x0 * scale), 0), max(int(top * scale), 0)
        px1, py1 = min(int(x1 * scale) + 1, full.shape[1]), min(int(bottom * scale) + 1, full.shape[0])
        if px1 - px0 < 20 or py1 - py0 < 20:
            continue
        result = ocr_image(full[py0:py1, px0:px1], unit=1 / scale, offset=(px0 / scale, py0 / scale), engine=engine)
        doc.ocr_seconds += result.seconds
        page.extra_edges.extend(result.edges)
        for ch in result.chars:
            if not any(c.x0 <= ch.cx <= c.x1 and c.top <= ch.cy <= c.bottom for c in data.chars):
                added.append(ch)
    data.chars = data.chars + added
    data.text = "".join(c.text for c in data.chars)
    doc.ocr_pages.append(data.number)
    return True


__all__ = ["RENDER_DPI", "find_tables_or_ocr", "ocr_table_images", "ocr_unavailable_reason", "ocr_whole_page"]
