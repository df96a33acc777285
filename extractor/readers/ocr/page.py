"""An image page -> the PDF reader's page model (characters with boxes, ruling edges).

The OCR engine gives text lines as boxes; each line's characters are laid out across its box
(a CJK glyph one em, a digit or Latin letter about half), so that every character has a position
like a PDF text layer's. The page then goes through exactly the code a born-digital PDF page goes
through: table finding from the ruling edges (:func:`extractor.readers.pdf.tables.tables_from_edges`),
each character placed in the cell its centre lies in, paragraphs, running heads, tables stitched
across pages. Nothing above ``readers/`` can tell that a page was scanned, except for the cost
recorded in ``Document.ocr``.

Coordinates: a PDF page keeps its own points; an image given directly is measured in points of a
150 dpi page (pixels x 0.48 after scaling to the working size).

Steps: grey → working size (the short side scaled to ``WORK_SIDE`` px, about an A4 page at 150 dpi,
so 100 dpi scans are enlarged and 300 dpi ones reduced) → skew measured on the binarised page and
rotated away → rules found by morphology and painted out → OCR → characters and edges in page units.
"""

from __future__ import annotations

import math
import re
import time
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from extractor.readers.ocr import grid
from extractor.readers.ocr.engine import OcrEngine, TextBox, get_engine
from extractor.readers.pdf.layout import Char, Edge, PageData
from extractor.settings import DEFAULT_SETTINGS
from extractor.text import UNREAD, ZERO_SHAPES

if TYPE_CHECKING:
    from extractor.budget import Budget

WORK_SIDE = 1240
"""Short side of the working image in pixels (A4 at 150 dpi)."""
MIN_FACTOR, MAX_FACTOR = 0.4, 2.5
IMAGE_UNIT = 72 / 150
"""Page units per working pixel for an image given directly (a 150 dpi page measured in points)."""
MIN_SCORE = 0.5


@dataclass(slots=True)
class OcrPage:
    chars: list[Char]
    edges: list[Edge]
    seconds: float
    angle: float = 0.0
    boxes: list[TextBox] = field(default_factory=list)


def to_gray(image: Any) -> np.ndarray:
    import cv2

    arr = np.asarray(image)
    if arr.ndim == 3 and arr.shape[2] == 4:
        alpha = arr[:, :, 3:4].astype(np.float32) / 255.0
        arr = (arr[:, :, :3].astype(np.float32) * alpha + 255.0 * (1.0 - alpha)).astype(np.uint8)
    if arr.ndim == 3:
        arr = cv2.cvtColor(arr[:, :, :3], cv2.COLOR_RGB2GRAY)
    if arr.dtype != np.uint8:
        arr = np.clip(arr, 0, 255).astype(np.uint8)
    return arr


def ocr_image(
    image: Any,
    *,
    unit: float | None = None,
    offset: tuple[float, float] = (0.0, 0.0),
    engine: OcrEngine | None = None,
    budget: Budget | None = None,
    what: str = "OCR",
    max_pixels: int = DEFAULT_SETTINGS.ocr_max_pixels,
) -> OcrPage:
    """OCR one image. ``unit``: page units per pixel of ``image``, which is used at its size (a rendered PDF
    page); None: an image page, scaled to the working size (see the module docstring). Either is
    shrunk to ``max_pixels`` first. ``budget`` is checked between the steps (``what`` names the
    page in its ``timeout``)."""
    import cv2

    deadline = budget.deadline(what) if budget is not None else None

    def check() -> None:
        if deadline is not None:
            deadline.check()

    started = time.perf_counter()
    gray = to_gray(image)
    h, w = gray.shape[:2]
    factor = work_factor(h, w, max_pixels) if unit is None else min(1.0, math.sqrt(max_pixels / max(h * w, 1)))
    if abs(factor - 1.0) > 0.02 or (unit is not None and factor < 1.0):
        interp = cv2.INTER_AREA if factor < 1 else cv2.INTER_CUBIC
        gray = cv2.resize(gray, (max(round(w * factor), 1), max(round(h * factor), 1)), interpolation=interp)
    per_px = IMAGE_UNIT if unit is None else unit * w / gray.shape[1]  # page units per working pixel
    check()
    ink = grid.binarise(gray)
    angle = grid.skew_angle(ink)
    if abs(angle) >= 0.05:
        check()
        gray, _ = grid.rotate(gray, angle)
        ink = grid.binarise(gray)
    check()
    edges, mask = grid.ruling_lines(ink)
    del ink
    clean = stretch(grid.erase(gray, mask) if edges else gray)
    del mask
    check()
    engine = engine or get_engine()
    rules = [(e["x0"], e["top"], e["bottom"]) for e in edges if e["orientation"] == "v"]
    boxes = engine.read(clean, rules, deadline)
    check()
    blobs = missed_glyphs(clean, boxes, rules)
    read = engine.recognize(clean, blobs, deadline)
    good = [b for b in [*boxes, *read] if b.score >= MIN_SCORE]
    # A table cell's glyph read with little confidence (a 5 as "S" at 0.4) or as nothing (a thin 1):
    # the cell is not blank. It becomes U+FFFD, whose cell reads as text (no value, never a 0), in
    # table cells only; a zero's shape read uncertainly (0, 。, o) stays what it was read as. Elsewhere
    # they are dropped.
    doubtful = [b if b.text.strip() in ZERO_SHAPES else TextBox(b.quad, UNREAD, b.score)
                for b in [*boxes, *read] if b.score < MIN_SCORE]
    readq = {tuple(map(tuple, b.quad)) for b in read}
    unread = [TextBox(q, UNREAD, 0.0) for q in blobs if tuple(map(tuple, q)) not in readq]
    boxes = good + in_cells([*doubtful, *unread], good, rules)
    if abs(angle) < 0.05:  # no rules to measure the skew by: take it from the text lines, and turn the boxes
        text_angle = grid.quad_angle([b.quad for b in boxes])
        if abs(text_angle) >= 0.05:
            angle = text_angle
            boxes = _turn(boxes, angle, gray.shape[1], gray.shape[0])
    ox, oy = offset
    chars: list[Char] = []
    for box in boxes:
        chars.extend(_box_chars(box, per_px, ox, oy))
    page_edges = [_scale_edge(e, per_px, ox, oy) for e in edges]
    return OcrPage(chars, page_edges, time.perf_counter() - started, angle, boxes)


def stretch(gray: np.ndarray) -> np.ndarray:
    """Contrast stretched so that the paper is white and the darkest ink black: a faint scan's
    light-grey digits are otherwise too weak for the detector."""
    paper = float(np.percentile(gray, 60))
    darkest = float(np.percentile(gray, 0.5))
    if paper - darkest < 40 or (darkest < 40 and paper > 235):
        return gray
    out: np.ndarray = np.clip((gray.astype(np.float32) - darkest) * (255.0 / (paper - darkest)), 0, 255)
    return out.astype(np.uint8)


def missed_glyphs(clean: np.ndarray, boxes: list[TextBox], rules: list[tuple[float, float, float]]) -> list[Any]:
    """Boxes around ink the detector left out (it misses isolated single glyphs: a lone ``0`` or
    ``1`` in a table cell): glyph-sized blobs of ink outside every detected box, joined with
    their neighbours on the line but never across a rule. The recogniser decides what they are;
    specks and noise come back with low scores and are dropped."""
    import cv2

    ink = grid.binarise(clean)
    for b in boxes:
        xs = [p[0] for p in b.quad]
        ys = [p[1] for p in b.quad]
        ink[max(int(min(ys)) - 2, 0) : int(max(ys)) + 3, max(int(min(xs)) - 2, 0) : int(max(xs)) + 3] = 0
    ink = cv2.morphologyEx(ink, cv2.MORPH_OPEN, np.ones((2, 2), np.uint8))  # specks
    for x, top, bottom in rules:  # keep blobs of neighbouring cells apart
        ink[max(int(top), 0) : int(bottom) + 1, max(int(x) - 3, 0) : int(x) + 4] = 0
    joined = cv2.dilate(ink, cv2.getStructuringElement(cv2.MORPH_RECT, (9, 3)))
    for x, top, bottom in rules:
        joined[max(int(top), 0) : int(bottom) + 1, max(int(x) - 3, 0) : int(x) + 4] = 0
    n, _labels, stats, _ = cv2.connectedComponentsWithStats(joined, connectivity=8)
    out = []
    for i in range(1, n):
        x, y, w, h, area = (int(v) for v in stats[i])
        if not (10 <= h <= 70 and 5 <= w <= 400 and area >= 40):
            continue
        if int(ink[y : y + h, x : x + w].sum() // 255) < 25:
            continue
        x0, y0, x1, y1 = x - 2, y - 3, x + w + 2, y + h + 3
        out.append(((x0, y0), (x1, y0), (x1, y1), (x0, y1)))
    return out[:400]


def in_cells(boxes: list[TextBox], good: list[TextBox], rules: list[tuple[float, float, float]]) -> list[TextBox]:
    """The boxes that lie between two vertical rules (in a table cell, not the margin) and that no
    box in ``good`` covers."""
    out = []
    for b in boxes:
        x0, x1 = min(p[0] for p in b.quad), max(p[0] for p in b.quad)
        y0, y1 = min(p[1] for p in b.quad), max(p[1] for p in b.quad)
        cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
        if any(min(p[0] for p in g.quad) <= cx <= max(p[0] for p in g.quad)
               and min(p[1] for p in g.quad) <= cy <= max(p[1] for p in g.quad) for g in good):
            continue
        left = any(x <= x0 + 2 and top <= cy <= bottom for x, top, bottom in rules)
        right = any(x >= x1 - 2 and top <= cy <= bottom for x, top, bottom in rules)
        if left and right:
            out.append(b)
    return out


def work_factor(h: int, w: int, max_pixels: int = DEFAULT_SETTINGS.ocr_max_pixels) -> float:
    """Scale of an image page's working copy: the short side to :data:`WORK_SIDE` (within the
    factor bounds), and no more than ``max_pixels`` in all (a very wide image is shrunk further)."""
    factor = min(max(WORK_SIDE / max(min(h, w), 1), MIN_FACTOR), MAX_FACTOR)
    return min(factor, math.sqrt(max_pixels / max(h * w, 1)))


def image_page(
    image: Any,
    number: int,
    engine: OcrEngine | None = None,
    *,
    budget: Budget | None = None,
    max_pixels: int = DEFAULT_SETTINGS.ocr_max_pixels,
) -> tuple[PageData, OcrPage]:
    """A whole image as a page of the PDF reader's model (see the module docstring for units)."""
    gray = to_gray(image)
    h, w = gray.shape[:2]
    factor = work_factor(h, w, max_pixels)
    result = ocr_image(gray, engine=engine, budget=budget, what=f"OCR of image page {number}", max_pixels=max_pixels)
    width, height = w * factor * IMAGE_UNIT, h * factor * IMAGE_UNIT
    text = "".join(c.text for c in result.chars)
    return PageData(number, width, height, result.chars, text), result


_WIDE = re.compile(r"[\u1100-\u11ff\u2e80-\ua4cf\uac00-\ud7af\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]")


def _weight(ch: str) -> float:
    if _WIDE.match(ch) or unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    return 0.3 if ch == " " else 0.55


def _box_chars(box: TextBox, per_px: float, ox: float, oy: float) -> list[Char]:
    xs = [p[0] for p in box.quad]
    ys = [p[1] for p in box.quad]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    pad = (bottom - top) * 0.12  # the detector's box is grown around the glyphs
    top, bottom = top + pad, bottom - pad
    text = box.text.strip()
    weights = [_weight(c) for c in text]
    total = sum(weights) or 1.0
    step = (x1 - x0) / total
    size = (bottom - top) * per_px
    out: list[Char] = []
    x = x0
    ctop, cbottom = oy + top * per_px, oy + bottom * per_px
    for ch, wgt in zip(text, weights, strict=True):
        cx0, cx1 = ox + x * per_px, ox + (x + step * wgt) * per_px
        x += step * wgt
        if ch in "\u3000\xa0\t":
            ch = " "
        out.append(Char(ch, cx0, ctop, cx1, cbottom, size, (cx0 + cx1) / 2, (ctop + cbottom) / 2, score=box.score))
    return out


def _turn(boxes: list[TextBox], angle: float, w: int, h: int) -> list[TextBox]:
    """The boxes as they would sit on the page rotated by ``angle`` degrees (see :func:`grid.rotate`)."""
    import cv2

    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    out = []
    for b in boxes:
        pts = tuple((m[0, 0] * x + m[0, 1] * y + m[0, 2], m[1, 0] * x + m[1, 1] * y + m[1, 2]) for x, y in b.quad)
        out.append(TextBox(pts, b.text, b.score))  # type: ignore[arg-type]
    return out


def _scale_edge(e: Edge, per_px: float, ox: float, oy: float) -> Edge:
    out = dict(e)
    for k in ("x0", "x1"):
        out[k] = ox + e[k] * per_px
    for k in ("top", "bottom"):
        out[k] = oy + e[k] * per_px
    out["width"] = e["width"] * per_px
    out["height"] = e["height"] * per_px
    return out


__all__ = ["OcrPage", "image_page", "ocr_image", "to_gray"]
