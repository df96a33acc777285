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
    """Added to a reader's time budget for each page it OCRs (a page takes 2–8 s on two cores)."""
    max_cells: int = 200_000
    """Documents whose tables hold more cells are refused with ``too_large`` while being read."""


DEFAULT_SETTINGS = Settings()
