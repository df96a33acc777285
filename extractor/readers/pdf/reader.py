"""The PDF reader's entry point: open, read page by page under a time budget, assemble the Document."""

from __future__ import annotations

import hashlib
import threading

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractor.budget import Budget
from extractor.document import Document
from extractor.errors import CorruptDocument, EncryptedDocument, FileTooLarge, NeedsOCR
from extractor.readers.pdf.chars import load_page
from extractor.readers.pdf.layout import TABLE_HEADINGS, TABLE_KEYWORDS, PageData
from extractor.readers.pdf.paragraphs import assign_lines, build_paragraphs
from extractor.readers.pdf.scanned import find_tables_or_ocr, ocr_unavailable_reason, ocr_whole_page
from extractor.readers.pdf.stitch import stitch
from extractor.readers.pdf.tables import table_reaches_bottom
from extractor.readers.pdf_limits import check_pages
from extractor.settings import DEFAULT_SETTINGS, Settings

_PDFIUM_LOCK = threading.Lock()
"""pdfium is not thread-safe: one document at a time per process (use processes to parallelise)."""


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a PDF into a :class:`Document` (see the module docstring)."""
    with _PDFIUM_LOCK:
        return _read(data, source, settings)


def _read(data: bytes, source: str, settings: Settings) -> Document:
    budget = Budget(settings, source)  # each page OCR'd grants it settings.ocr_page_timeout_s
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
        check_pages(data, n_pages, source=source, settings=settings)  # bounds before pdfium parses a page
        pages: list[PageData] = []
        prev_table_open = heading_before = False
        for index in range(n_pages):
            budget.check(f"reading stopped at page {index + 1} of {n_pages}")
            page = load_page(pdf, index, source)
            page.tick = budget.tick
            if page.data.note:
                doc.warnings.append(page.data.note)
            pages.append(page.data)
            if not page.data.chars and not page.data.note:
                ocr_whole_page(page, doc, settings, budget)
            if TABLE_KEYWORDS.search(page.data.text) or prev_table_open or heading_before:
                find_tables_or_ocr(page, doc, settings, budget, heading_before=heading_before)
            prev_table_open = table_reaches_bottom(page.data)
            heading_before = bool(TABLE_HEADINGS.search(page.data.text[-60:]))
            page.close()
        skipped = [p.note for p in pages if p.note.startswith("page_skipped")]
        if not any(p.chars for p in pages) and skipped:
            raise FileTooLarge(f"every page with content is too large to read ({skipped[0]})", source=source)
        if not any(p.chars for p in pages):
            raise NeedsOCR(
                f"the PDF has no text layer ({n_pages} page(s) of images or outlines) and OCR is not available "
                f"({ocr_unavailable_reason(settings)})",
                source=source,
            )
        noted = {w for w in doc.warnings if w.startswith("needs_ocr:")}
        for p in pages:
            if not p.chars and not p.note.startswith("page_skipped") and not any(w.startswith(f"needs_ocr: page {p.number} ") for w in noted):
                doc.warnings.append(f"page_without_text: page {p.number}")
        assign_lines(pages)
        for p in pages:
            build_paragraphs(p)
        doc.blocks = stitch(pages)
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


