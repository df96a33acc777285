"""The page images of a "图片版" report page (a body that is a series of images, no tables).

``ogi crawl`` stores such a page as ``reports/<name>.html`` and its body images, fetched like any
other request (robots, rate, size limits), as ``reports/<name>_files/<file name>`` — the layout of
a browser's "save page, complete". The page itself is stored as fetched (its bytes keep their
sha256); the HTML reader finds an image whose ``src`` is a URL in that folder by its file name and
reads it by OCR.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from urllib.parse import urljoin, urlsplit

from extractor.readers.ocr.images import saved_name as file_name

MAX_IMAGES = 60
"""Images fetched per report page."""
IMAGE_SUFFIXES = frozenset({"", ".png", ".jpg", ".jpeg", ".gif", ".bmp", ".tif", ".tiff", ".webp"})
_IMG = re.compile(r"<img\b[^>]*?\s(?:data-src|src)\s*=\s*(?:\"([^\"]{1,2000})\"|'([^']{1,2000})'|([^\s>]{1,2000}))",
                  re.IGNORECASE)


def image_urls(html: str, base_url: str) -> list[str]:
    """Absolute URLs of the ``<img>`` elements of a page, in order, without repeats (``data:`` skipped)."""
    out: list[str] = []
    for m in _IMG.finditer(html):
        src = (m.group(1) or m.group(2) or m.group(3) or "").strip()
        if not src or src.lower().startswith(("data:", "javascript:")):
            continue
        url = urljoin(base_url, src)
        if urlsplit(url).scheme not in ("http", "https"):
            continue
        if PurePosixPath(urlsplit(url).path).suffix.lower() not in IMAGE_SUFFIXES:
            continue
        if url not in out:
            out.append(url)
        if len(out) >= MAX_IMAGES:
            break
    return out


def folder_for(page_rel: str) -> str:
    """``reports/x.html`` -> ``reports/x_files``."""
    return str(PurePosixPath(page_rel).with_suffix("")) + "_files"


__all__ = ["MAX_IMAGES", "file_name", "folder_for", "image_urls"]
