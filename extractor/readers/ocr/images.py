"""Image files as report pages: PNG/JPEG/TIFF given directly, ``<img>`` files of an HTML page,
pictures inside a DOCX. Each image (each frame of a multi-page TIFF; each slice of a very tall web
image) becomes a page; the pages are read by the PDF reader's table, paragraph and stitching code.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Iterator
from pathlib import PurePosixPath
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from extractor.budget import Budget
from extractor.document import Block, Document
from extractor.errors import CorruptDocument, EmptyInput, FileTooLarge, NeedsOCR, UnsupportedFormat
from extractor.readers import IMAGE_MAGIC
from extractor.readers.ocr.engine import OcrEngine, get_engine
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:
    import numpy as np

MAX_PIXELS = DEFAULT_SETTINGS.max_image_pixels
"""Declared pixels per image by default (``Settings.max_image_pixels``); larger ones are ``too_large``."""
MIN_SIDE = 200
"""Images smaller than this on either side are icons, seals, QR codes, not report pages."""
TALL = 1.6
"""An image taller than this many widths is a web page's long scroll: it is cut into page-sized slices."""



_UNSAFE = re.compile(r"[^0-9A-Za-z._-]+")


def saved_name(url: str) -> str:
    """File name under which a page image fetched from ``url`` is saved beside its page (``p1.png``):
    the last path segment, made safe. ``ogi crawl`` writes it, the HTML reader looks it up."""
    name = _UNSAFE.sub("_", unquote(PurePosixPath(urlsplit(url).path).name)).strip("._")
    return name[:120] or "image"


def is_image(data: bytes) -> bool:
    return data.startswith(IMAGE_MAGIC) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def decode(data: bytes, *, source: str, max_frames: int = 200, max_pixels: int = MAX_PIXELS) -> list[np.ndarray]:
    """Grey frames of an image file (several for a multi-page TIFF)."""
    return list(frames(data, source=source, max_frames=max_frames, max_pixels=max_pixels))


def frames(data: bytes, *, source: str, max_frames: int = 200, max_pixels: int = MAX_PIXELS) -> Iterator[np.ndarray]:
    """:func:`decode` one frame at a time (a 200-page TIFF is never held decoded whole); each frame's
    declared size is checked against ``max_pixels`` before it is decoded."""
    import numpy as np
    from PIL import Image, ImageSequence, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as im:
            for n, frame in enumerate(ImageSequence.Iterator(im)):
                if n >= max_frames:
                    break
                if frame.width * frame.height > max_pixels:
                    where = f"frame {n + 1} of the image" if n else "the image"
                    raise FileTooLarge(f"{where} is {frame.width}x{frame.height} pixels (limit {max_pixels:,})", source=source)
                yield np.asarray(frame.convert("L"))
    except (UnidentifiedImageError, Image.DecompressionBombError) as exc:
        if isinstance(exc, Image.DecompressionBombError):
            raise FileTooLarge(f"the image is too large to decode: {exc}", source=source) from exc
        raise UnsupportedFormat(f"not an image Pillow can read: {exc}", source=source) from exc
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        raise CorruptDocument(f"the image cannot be decoded: {exc}", source=source) from exc


def split_tall(gray: np.ndarray) -> list[np.ndarray]:
    """Cut a long scroll image into slices about an A4 page tall, at the emptiest row near each cut."""
    import numpy as np

    h, w = gray.shape[:2]
    if h <= TALL * w:
        return [gray]
    target = int(1.414 * w)
    ink = (gray < 160).sum(axis=1)
    out, start = [], 0
    while h - start > TALL * w:
        lo, hi = start + int(target * 0.8), min(start + int(target * 1.1), h - 1)
        cut = lo + int(np.argmin(ink[lo:hi])) if hi > lo else start + target
        out.append(gray[start:cut])
        start = cut
    out.append(gray[start:])
    return out


def ocr_pages(
    images: Iterable[tuple[str, bytes]], doc: Document, settings: Settings, *, strict: bool = False
) -> list[Block]:
    """OCR the images (``(label, bytes)``, in reading order) into blocks; ``doc`` gets the cost.

    ``strict``: the images are the document (an image file): errors raise. Otherwise (images in an
    HTML page or a DOCX) an unreadable image is noted and skipped, and small images are ignored.
    """
    from extractor.readers.ocr.page import image_page
    from extractor.readers.pdf.layout import PageData
    from extractor.readers.pdf.paragraphs import assign_lines, build_paragraphs
    from extractor.readers.pdf.stitch import stitch
    from extractor.readers.pdf.tables import place_tables

    budget = Budget(settings, doc.source)  # each page grants it settings.ocr_page_timeout_s
    engine: OcrEngine = get_engine(doc.source)  # raises NeedsOCR naming the extra
    pages: list[PageData] = []
    for label, data in images:
        try:
            for frame in frames(data, source=doc.source, max_frames=settings.pdf_max_pages, max_pixels=settings.max_image_pixels):
                if not strict and min(frame.shape[:2]) < MIN_SIDE:
                    continue
                for part in split_tall(frame):
                    budget.check(f"OCR stopped at image {label}")
                    budget.grant(settings.ocr_page_timeout_s)
                    page, result = image_page(part, len(pages) + 1, engine, budget=budget, max_pixels=settings.ocr_max_pixels)
                    place_tables(page, result.edges, doc)
                    pages.append(page)
                    doc.ocr_pages.append(page.number)
                    doc.ocr_seconds += result.seconds
        except (UnsupportedFormat, CorruptDocument, FileTooLarge) as exc:
            if strict:
                raise
            doc.warnings.append(f"image_unreadable: {label} ({exc.code})")
            continue
    if not pages:
        return []
    assign_lines(pages)
    for p in pages:
        build_paragraphs(p)
    return stitch(pages)


def ocr_or_note(images: list[tuple[str, bytes]], doc: Document, settings: Settings, what: str) -> list[Block]:
    """:func:`ocr_pages` for images inside another document: without OCR, a ``needs_ocr`` note."""
    if not images:
        return []
    if not settings.ocr:
        doc.warnings.append(f"needs_ocr: {len(images)} {what} not read (OCR is turned off)")
        return []
    try:
        return ocr_pages(images, doc, settings)
    except NeedsOCR as exc:
        doc.warnings.append(f"needs_ocr: {len(images)} {what} not read ({exc.message})")
        return []


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height from the image header (no decoding), None when Pillow cannot read it."""
    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            return int(im.width), int(im.height)
    except Exception:  # any undecodable or hostile header: not an image we read
        return None


MAX_PAGE_IMAGES = 60


def local_images(srcs: Iterable[str], source: str) -> list[tuple[str, bytes]]:
    """Page-sized images of an HTML page whose files are on disk beside it: a relative ``src`` under
    the page's folder, or (for a URL ``src``) ``<page name>_files/<file name>``, where a saved page
    and ``ogi crawl`` keep them. Never a path outside the page's folder; nothing is fetched."""
    from pathlib import Path

    if not source or source.startswith("<") or "!" in source:
        return []
    try:
        page = Path(source).resolve()
    except OSError:
        return []
    base = page.parent
    saved = base / (page.stem + "_files")
    out: list[tuple[str, bytes]] = []
    seen: set[Path] = set()
    for raw in srcs:
        src = raw.strip()
        parts = urlsplit(src)
        if not src or parts.scheme not in ("", "http", "https"):
            continue
        try:
            candidates = [saved / saved_name(src)]
            if not (parts.scheme or parts.netloc or src.startswith("/")):
                candidates.insert(0, base / unquote(parts.path))
            path = next((c.resolve() for c in candidates if c.resolve().is_relative_to(base) and c.is_file()), None)
            if path is None or path in seen or path.stat().st_size > 32 * 1024 * 1024:
                continue
            data = path.read_bytes()
        except (OSError, ValueError):
            continue
        seen.add(path)
        size = image_size(data)
        if size is None or min(size) < MIN_SIDE:
            continue  # icons, seals, QR codes
        out.append((path.name, data))
        if len(out) >= MAX_PAGE_IMAGES:
            break
    return out


def read(data: bytes, *, source: str, settings: Settings) -> Document:
    """An image file (PNG, JPEG, TIFF, GIF, BMP, WebP) as the pages of one report (reader ``image``)."""
    import hashlib

    doc = Document(blocks=[], reader="image", source=source, sha256=hashlib.sha256(data).hexdigest(),
                   media_type="image")
    if not settings.ocr:
        raise NeedsOCR("the input is an image and OCR is turned off (Settings.ocr)", source=source)
    doc.blocks = ocr_pages([(source, data)], doc, settings, strict=True)
    doc.page_count = len(doc.ocr_pages)
    if not doc.blocks:
        raise EmptyInput("OCR found no text in the image", source=source)
    return doc



__all__ = ["IMAGE_MAGIC", "decode", "image_size", "is_image", "local_images", "ocr_or_note", "ocr_pages", "read", "saved_name", "split_tall"]
