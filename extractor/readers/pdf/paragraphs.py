"""Text outside tables: body vs margin lines (running heads and page numbers dropped), paragraphs and headings."""

from __future__ import annotations

import re
import statistics
from collections import Counter

from extractor.document import Paragraph, Provenance
from extractor.readers.pdf.layout import (
    ASCII_WORD,
    MARGIN,
    PAGE_NUMBER,
    SECTION_HEADING,
    Line,
    PageData,
    group_lines,
)


def assign_lines(pages: list[PageData]) -> None:
    """Split each page's non-table text into body lines and margin lines, dropping running heads."""
    for p in pages:
        boxes = [(b[0] - 1, b[1] - 1, b[2] + 1, b[3] + 1) for t in p.tables if (b := t.provenance.bbox)]
        free = []
        for c in p.chars:  # the characters outside every table
            cx, cy = c.cx, c.cy
            for x0, top, x1, bottom in boxes:
                if x0 <= cx <= x1 and top <= cy <= bottom:
                    break
            else:
                free.append(c)
        for line in group_lines(free):
            in_margin = line.bottom < p.height * MARGIN or line.top > p.height * (1 - MARGIN)
            (p.margin_lines if in_margin else p.body_lines).append(line)
    counts: Counter[str] = Counter()
    for p in pages:
        counts.update({_shape(line.text) for line in p.margin_lines})
    repeated = {k for k, n in counts.items() if n >= 2 and n >= len(pages) / 2}
    numbering = _numbering(pages)
    for p in pages:
        kept = [ln for ln in p.margin_lines if not _page_number(ln.text, p.number, numbering)
                and (_shape(ln.text) not in repeated or ln.text.strip().isdigit())]
        p.body_lines = sorted(p.body_lines + kept, key=lambda ln: (ln.top, ln.x0))


def _numbering(pages: list[PageData]) -> set[int]:
    """Offsets (printed number − page number) of the bare numbers in the pages' margins that number
    the pages: one shared by two pages at least (a cover or a preface may go unnumbered, so the
    offset need not be 0); in a document of one or two pages, a lone number equal to its page's."""
    offsets = Counter(int(t) - p.number for p in pages for ln in p.margin_lines if (t := ln.text.strip()).isdigit() and len(t) <= 4)
    shared = {o for o, n in offsets.items() if n >= 2}
    if shared:
        return shared
    return {0} & set(offsets) if len(pages) <= 2 else set()


def _page_number(text: str, page: int, numbering: set[int]) -> bool:
    """A page number: decorated (``- 3 -``, ``第3页``, ``3/10``), or a bare number that counts the
    pages (see :func:`_numbering`). A bare number elsewhere in a margin is text: a table row's last
    cell printed as a line of its own at the top of a page."""
    t = text.strip()
    if t.isdigit():
        return len(t) <= 4 and int(t) - page in numbering
    return bool(PAGE_NUMBER.match(text))


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", "".join(text.split()))


def build_paragraphs(p: PageData) -> None:
    lines = p.body_lines
    if not lines:
        return
    sizes = [ln.size for ln in lines]
    body_size = statistics.median(sizes)
    left = min(ln.x0 for ln in lines)
    right = max(ln.x1 for ln in lines)
    current: list[Line] = []
    unit = max(body_size, 1.0)
    p.starts_continued = lines[0].x0 <= left + 1.2 * unit and not _is_heading(lines[0].text, lines[0].size, body_size)
    p.ends_open = lines[-1].x1 >= right - 1.5 * unit

    def flush() -> None:
        if not current:
            return
        text = current[0].text
        for ln in current[1:]:
            text += (" " if ASCII_WORD.match(text[-1:]) and ASCII_WORD.match(ln.text[:1]) else "") + ln.text
        bbox = (min(c.x0 for c in current), current[0].top, max(c.x1 for c in current), current[-1].bottom)
        heading = _is_heading(text, current[0].size, body_size)
        para = Paragraph(text, Provenance(page=p.number, bbox=bbox), kind="heading" if heading else "paragraph")
        p.blocks.append((bbox[1], para))
        current.clear()

    for ln in lines:
        if current:
            prev = current[-1]
            unit = max(prev.size, 1.0)
            new = (
                prev.x1 < right - 1.5 * unit
                or ln.x0 > left + 1.2 * unit
                or ln.top - prev.bottom > 1.2 * (prev.bottom - prev.top)
                or abs(ln.size - prev.size) > 0.15 * unit
                or _is_heading(ln.text, ln.size, body_size)
                or _is_heading(" ".join(c.text for c in current), prev.size, body_size)
            )
            if new:
                flush()
        current.append(ln)
    flush()


def _is_heading(text: str, size: float, body_size: float) -> bool:
    if size > body_size * 1.15 and len(text) <= 60:
        return True
    stripped = text.strip()
    return bool(SECTION_HEADING.match(stripped)) and len(stripped) <= 30 and "。" not in stripped[:-1]


