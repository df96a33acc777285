"""One settings object for the whole pipeline (pdfplumber-style): defaults that fit a laptop,
overridable per call or from the CLI."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Settings:
    max_bytes: int = 64 * 1024 * 1024
    """Inputs larger than this are refused with ``too_large`` before any parsing."""
    timeout_s: float = 60.0
    """Time budget per document: for reading it (every reader), and again for locating its tables."""
    pdf_max_pages: int = 200
    converter_timeout_s: float = 60.0
    ocr: bool = True
    """OCR image content (scanned pages, table images) when the ``ocr`` extra is installed."""
    ocr_page_timeout_s: float = 30.0
    """Added to a reader's time budget for each page it OCRs (a page takes 2–8 s on two cores),
    granted when the page's OCR starts; the budget is checked between OCR steps (rendering,
    deskewing, ruling lines, detection, each batch of recognised lines), so a page never runs far
    past it: the read then stops with ``timeout``."""
    ocr_max_pixels: int = 6_000_000
    """Pixels of one image the OCR pipeline works on (A4 at 150 dpi is 2.2 M, A3 4.4 M). A larger
    PDF page is rendered at a lower resolution to fit, an image page is scaled down to fit; a PDF
    page that would fall below 72 dpi is not rendered (a ``page_skipped`` note). Text detection
    itself runs on at most 2.5 M pixels (``readers.ocr.engine.DETECT_MAX_PIXELS``): its network
    needs ~190 bytes per pixel, which is what bounds a scanned page's memory."""
    max_image_pixels: int = 60_000_000
    """Declared pixels (width × height from the header, read before decoding) of an image (an
    A4 page at 600 dpi is 35 M). An image file, or a frame of one, over it is refused with
    ``too_large``; an image inside a DOCX or web page is skipped with a note; a PDF page whose
    images declare more in total is not rendered for OCR (a ``page_skipped`` note)."""
    max_cells: int = 200_000
    """Documents whose tables hold more cells are refused with ``too_large`` while being read."""


DEFAULT_SETTINGS = Settings()
