"""Readers: one module per input format, each ``read(data, source=..., settings=...) -> Document``.

The format is sniffed from the bytes, never trusted from the file name: government sites serve
HTML or RTF under ``.doc`` names, and PDFs as ``.htm`` downloads.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import Protocol

from extractor.document import Document
from extractor.errors import EmptyInput, FileTooLarge, UnsupportedFormat
from extractor.settings import DEFAULT_SETTINGS, Settings

IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"II*\x00", b"MM\x00*", b"GIF87a", b"GIF89a", b"BM")
"""Leading bytes of the image formats read by OCR (PNG, JPEG, TIFF, GIF, BMP; WebP is RIFF…WEBP)."""


class Reader(Protocol):
    def __call__(self, data: bytes, *, source: str, settings: Settings) -> Document: ...


# format name -> "module:function", imported lazily so that `ogi extract x.txt` never pays for
# pdfplumber or python-docx imports.
READERS: dict[str, str] = {
    "text": "extractor.readers.text:read",
    "html": "extractor.readers.html:read",
    "pdf": "extractor.readers.pdf:read",
    "docx": "extractor.readers.docx:read",
    "doc": "extractor.readers.doc:read",
    "rtf": "extractor.readers.doc:read_rtf",
    "jsdata": "extractor.readers.jsdata:read",
    "image": "extractor.readers.ocr.images:read",
    "sheet": "extractor.readers.sheet:read",
}


_WIDE_BOMS = ((b"\xff\xfe\x00\x00", "utf-32-le"), (b"\x00\x00\xfe\xff", "utf-32-be"),
              (b"\xff\xfe", "utf-16-le"), (b"\xfe\xff", "utf-16-be"))
"""Byte-order marks of the wide encodings (UTF-32 first: its LE mark begins with UTF-16's)."""


def sniff(data: bytes, name: str = "") -> str:
    """Name of the reader for these bytes (see :data:`READERS`). Text in UTF-16 or UTF-32 with a
    byte-order mark (Word's "Unicode text", Notepad's "Unicode") is sniffed as its UTF-8 form would
    be: its ASCII characters carry NUL bytes."""
    for bom, encoding in _WIDE_BOMS:
        if data.startswith(bom):
            head_text = data[len(bom) : len(bom) + 8192].decode(encoding, errors="ignore")
            return sniff(head_text.encode("utf-8"), name)
    head = data[:2048]
    stripped = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    low = stripped[:1024].lower()
    if stripped.startswith(b"%PDF") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        from extractor.readers.sheet import is_xlsx  # the sheet and OCR modules load for their inputs only

        return "sheet" if is_xlsx(data) else "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        from extractor.readers.sheet import is_ole2_workbook

        return "sheet" if is_ole2_workbook(data) else "doc"  # OLE2: .xls/.et, else .doc/.wps
    if data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP"):
        return "image"  # a scanned page: read by OCR (the ``ocr`` extra)
    if stripped.startswith(b"{\\rtf"):
        return "rtf"
    if JS_HEAD.match(stripped):
        from extractor.readers.jsdata import looks_like_js_data  # loaded for script-like inputs only

        if looks_like_js_data(data):
            return "jsdata"  # a report shipped as a string in a .js data file
    if low.startswith((b"<!doctype html", b"<html", b"<?xml")) or any(
        tag in low for tag in (b"<html", b"<head", b"<body", b"<table", b"<div", b"<p>", b"<meta")
    ):
        return "text" if _markdown_with_html(data) else "html"
    if _is_binary(head):
        raise UnsupportedFormat("binary data that is not PDF, DOCX, DOC, RTF, HTML, an image or text")
    lname = name.lower()
    if lname.endswith((".htm", ".html", ".shtml", ".xhtml")) and b"<" in head:
        return "html"
    return "text"


_STRUCTURE = re.compile(rb"<!doctype|<html|<head|<body", re.IGNORECASE)
_TAG_LINE = re.compile(rb"<[a-zA-Z/!]")
_MD_RULE = re.compile(rb"(?m)^[ \t]*\|[ \t]*:?-{3,}:?[ \t]*\|")
"""A markdown table's rule line under its header (``|------|:---|``)."""


def _markdown_with_html(data: bytes) -> bool:
    """Markdown that keeps some HTML (pandoc keeps a table with merged cells as ``<table>``, a
    page's layout ``<div>`` as a fenced div): no page structure, and most of its lines without a
    tag. It is read as text, its tables by the HTML reader (:mod:`extractor.readers.embedded`)."""
    sample = data[:65536]
    if _STRUCTURE.search(sample):
        return False
    lines = [line for line in sample.split(b"\n") if line.strip()]
    if len(lines) < 20:
        return False
    tagged = sum(1 for line in lines if _TAG_LINE.search(line))
    if tagged < 0.75 * len(lines):
        return True
    # pandoc -t gfm keeps every <div> and <span> of a saved page, so most lines hold a tag; its
    # tables are still markdown's pipe tables, under a |---|---| rule
    # (further down than the sample: a page's navigation comes first)
    return _MD_RULE.search(data, 0, 1 << 20) is not None and data.count(b"\n|", 0, 1 << 20) >= 3


def _is_binary(head: bytes) -> bool:
    if not head:
        return False
    if b"\x00" in head and not (head.startswith((b"\xff\xfe", b"\xfe\xff"))):
        return True
    control = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return control > len(head) // 20


_CONTROL_BYTES = bytes([*range(0, 9), *range(14, 32)])
JS_HEAD = re.compile(rb"""^\s*(?:/[/*][^\n]*\n\s*)*(?:let|var|const|window\.\w+|export\s+default)\b[^=]{0,80}=\s*["'`]""")
"""The start of a JavaScript data file (``var data = "…``): :mod:`.jsdata` reads those."""


def get_reader(fmt: str) -> Callable[..., Document]:
    try:
        target = READERS[fmt]
    except KeyError:
        raise UnsupportedFormat(f"no reader for format {fmt!r}") from None
    module, func = target.split(":")
    reader: Callable[..., Document] = getattr(importlib.import_module(module), func)
    return reader


def read_bytes(
    data: bytes, *, source: str = "<memory>", fmt: str | None = None, settings: Settings = DEFAULT_SETTINGS
) -> Document:
    """Sniff (unless ``fmt`` is given) and read. Raises :class:`extractor.errors.ReadError` subclasses."""
    if len(data) > settings.max_bytes:
        raise FileTooLarge(
            f"{len(data):,} bytes is over the {settings.max_bytes:,}-byte limit (raise it with --max-bytes)",
            source=source,
        )
    if not data.strip():
        raise EmptyInput("the input is empty", source=source)
    try:
        fmt = fmt or sniff(data, source)
    except UnsupportedFormat as exc:
        exc.source = source
        raise
    return get_reader(fmt)(data, source=source, settings=settings)


__all__ = ["IMAGE_MAGIC", "READERS", "Reader", "get_reader", "read_bytes", "sniff"]
