"""OCR of image content, offline: scanned PDF pages, images in text PDFs, DOCX and HTML, image files.

``engine.py`` wraps the engine (RapidOCR, models inside its wheel) behind :class:`OcrEngine`;
``grid.py`` finds the skew and the ruling lines of a page image; ``page.py`` turns an image into
the PDF reader's page model, so that scanned pages are read by the same table and paragraph code
as born-digital ones. The optional extra ``ocr`` installs the engine; without it, image content
raises (or notes) ``needs_ocr`` naming the extra.
"""

from extractor.readers.ocr.engine import OCR_EXTRA, OcrEngine, TextBox, get_engine, ocr_available

__all__ = ["OCR_EXTRA", "OcrEngine", "TextBox", "get_engine", "ocr_available"]
