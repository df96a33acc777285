"""Make scans of rendered pages (for the OCR tests and ``benchmarks/scanned.py``).

A clean page rendered from a PDF is rotated by a small angle, blurred, given Gaussian noise and
saved as a JPEG, which is what a flatbed scan of a printed report looks like to a reader. The
pages then become an image-only PDF, a PDF that mixes text pages and image pages, PNG files or a
multi-page TIFF.
"""

from __future__ import annotations

import io
import random

import numpy as np
import pypdfium2 as pdfium
from PIL import Image, ImageFilter


def render(pdf_bytes: bytes, dpi: int, pages: list[int] | None = None) -> list[Image.Image]:
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        indices = range(len(pdf)) if pages is None else pages
        return [pdf[i].render(scale=dpi / 72).to_pil() for i in indices]
    finally:
        pdf.close()


def scan_page(img: Image.Image, rng: random.Random, *, max_angle: float = 1.0, noise: float = 8.0,
              quality: int = 70) -> Image.Image:
    """A clean page -> a plausible scan: rotation in [-max_angle, max_angle]°, blur, noise, JPEG."""
    gray = img.convert("L")
    angle = rng.uniform(-max_angle, max_angle)
    gray = gray.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=255)
    gray = gray.filter(ImageFilter.GaussianBlur(radius=rng.uniform(0.3, 0.7)))
    arr = np.asarray(gray).astype(np.float32)
    arr += np.random.default_rng(rng.randrange(1 << 30)).normal(0.0, noise, arr.shape)
    noisy = Image.fromarray(np.clip(arr, 0, 255).astype(np.uint8))
    buf = io.BytesIO()
    noisy.save(buf, format="JPEG", quality=quality)
    return Image.open(io.BytesIO(buf.getvalue()))


def image_pdf(pages: list[Image.Image], dpi: int) -> bytes:
    """An image-only PDF (no text layer), one JPEG page per image."""
    buf = io.BytesIO()
    rgb = [p.convert("RGB") for p in pages]
    rgb[0].save(buf, format="PDF", save_all=True, append_images=rgb[1:], resolution=float(dpi), quality=75)
    return buf.getvalue()


def mixed_pdf(text_pdf: bytes, image_pages: set[int], dpi: int, seed: int = 0) -> bytes:
    """``text_pdf`` with the 0-based ``image_pages`` replaced by scans of themselves."""
    rng = random.Random(seed)
    src = pdfium.PdfDocument(text_pdf)
    out = pdfium.PdfDocument.new()
    try:
        for i in range(len(src)):
            if i in image_pages:
                scanned = pdfium.PdfDocument(image_pdf([scan_page(render(text_pdf, dpi, [i])[0], rng)], dpi))
                out.import_pages(scanned)
                scanned.close()
            else:
                out.import_pages(src, [i])
        buf = io.BytesIO()
        out.save(buf)
        return buf.getvalue()
    finally:
        out.close()
        src.close()


def tiff(pages: list[Image.Image], dpi: int) -> bytes:
    # fresh copies: an image already saved once (as JPEG inside a PDF) keeps that encoder's config,
    # which Pillow would hand to the TIFF encoder
    pages = [p.convert("L") for p in pages]
    buf = io.BytesIO()
    pages[0].save(buf, format="TIFF", save_all=True, append_images=pages[1:], compression="tiff_deflate", dpi=(dpi, dpi))
    return buf.getvalue()


def png(page: Image.Image) -> bytes:
    buf = io.BytesIO()
    page.convert("L").save(buf, format="PNG")
    return buf.getvalue()
