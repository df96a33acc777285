"""The PDF reader's page model: characters, text lines and pages, and the constants they share."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from operator import attrgetter
from typing import Any

from extractor.document import Paragraph, Table

Matrix = tuple[float, float, float, float, float, float]
Edge = dict[str, Any]

TABLE_KEYWORDS = re.compile(
    r"第二十条|信息内容|申请人情况|本年度办理结果|行政复议|行政诉讼|结果维持|结果纠正|本年新收|自然人|"
    r"商业企业|法人或其他组织|不予公开|无法提供|不予处理|结转下年度|本年制发件数|本年处理决定数量|"
    r"指标名称|计量单位|统计表"
)
"""Any of these in a page's text makes the page worth table finding."""

HEADER_KEYWORDS = re.compile(r"信息内容|申请人情况|结果维持|自然人|本年度办理结果|指标名称|计量单位")
"""Table-header words: a page with one of these but no ruled table gets the text-strategy fallback."""

TABLE_HEADINGS = re.compile(r"主动公开政府信息情况|收到和处理政府信息公开申请情况|行政复议、行政诉讼情况|统计表")
"""Headings that announce a table: with no table found but a large image, the table is an image."""

SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~]\s*\d{1,4}\s*[-—–－~]|第\s*\d{1,4}\s*页(?:\s*[，,/]?\s*共\s*\d{1,4}\s*页)?|"
    r"\d{1,4}\s*/\s*\d{1,4}|\d{1,4}|page\s*\d{1,4}(?:\s*of\s*\d{1,4})?)\s*$",
    re.IGNORECASE,
)
CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
ASCII_WORD = re.compile(r"[A-Za-z]")

SNAP = 3.0
"""pdfplumber's default snap/join/intersection tolerance, in points."""
EDGE_TOL = 2.0
"""Tolerance when clustering cell edges into grid lines."""
STITCH_TOL = 4.5
"""How far the column edges of a table continued on the next page may move."""
MAX_EDGES = 4000
MAX_PAGE_TEXT_OBJECTS = 50_000
"""A page with more text objects is not read at all (``page_skipped`` warning): pdfium's text page
for it would take about 100 bytes per character (a 400,000-object page: 700 MB)."""
MAX_PAGE_CHARS = 100_000
"""Characters read per page (a dense A4 page holds a few thousand; a hostile content stream can
show millions, each costing pdfium calls and a Python object): the rest is dropped with a warning."""
MARGIN = 0.08
"""Fraction of the page height at top and bottom where page numbers and running heads live."""


@dataclass(slots=True)
class Char:
    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    size: float
    cx: float
    """Centre of the glyph's tight box: decides which table cell the character is in."""
    cy: float
    space_before: bool = False
    """pdfium saw a word gap before this character (it generates a space there)."""
    score: float | None = None
    """Recognition confidence of an OCR'd character (None: from the PDF's text layer)."""

    @property
    def ly(self) -> float:
        """Vertical centre of the layout box (the same for all glyphs of a line)."""
        return (self.top + self.bottom) / 2


@dataclass(slots=True)
class Line:
    chars: list[Char]
    text: str = ""
    x0: float = 0.0
    top: float = 0.0
    x1: float = 0.0
    bottom: float = 0.0
    size: float = 0.0

    def __post_init__(self) -> None:
        chars = self.chars
        chars.sort(key=_X0)
        self.x0 = chars[0].x0
        self.x1 = max([c.x1 for c in chars])
        self.top = min([c.top for c in chars])
        self.bottom = max([c.bottom for c in chars])
        cjk = sorted([c.size for c in chars if is_cjk(c.text)]) or sorted([c.size for c in chars])
        self.size = cjk[len(cjk) // 4]  # low quartile: the body size of a line opening with a run-in heading
        self.text = line_text(chars)


_X0 = attrgetter("x0")


def is_cjk(text: str) -> bool:
    """``CJK.match(text)``, by comparing code points (the regex costs more than the rest of a line)."""
    if not text:
        return False
    ch = text[0]
    return "\u2e80" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" or "\uff00" <= ch <= "\uffef"


@dataclass(slots=True)
class PageData:
    number: int
    width: float
    height: float
    chars: list[Char]
    text: str
    blocks: list[tuple[float, Paragraph | Table]] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    margin_lines: list[Line] = field(default_factory=list)
    body_lines: list[Line] = field(default_factory=list)
    ends_open: bool = False
    """The page's last paragraph runs to the right margin (it may continue on the next page)."""
    starts_continued: bool = False
    """The page's first paragraph starts at the left margin, not indented (it may continue one)."""
    note: str = ""
    """A ``page_skipped`` / ``page_truncated`` warning for a page too large to read whole."""






def group_lines(chars: Iterable[Char]) -> list[Line]:
    """Group characters into lines (top to bottom), each sorted left to right."""
    lines: list[list[Char]] = []
    ref: Char | None = None  # the tallest character of the current line
    # (min/max written out: this runs for every character of every page and table cell)
    for ch in sorted(chars, key=lambda c: ((c.top + c.bottom) / 2, c.x0)):
        if ref is not None:
            lo = ch.bottom if ch.bottom < ref.bottom else ref.bottom  # min(ref.bottom, ch.bottom), NaN alike
            hi = ch.top if ch.top > ref.top else ref.top
            if lo - hi >= 0.5 * (ch.size if ch.size < ref.size else ref.size):
                lines[-1].append(ch)
                if ch.size > ref.size:
                    ref = ch
                continue
        lines.append([ch])
        ref = ch
    return [Line(group) for group in lines if any(c.text.strip() for c in group)]


def line_text(chars: list[Char]) -> str:
    out: list[str] = []
    prev: Char | None = None
    pending = False
    for ch in chars:
        if ch.text == " ":
            pending = True
            continue
        if prev is not None:
            wide = ch.x0 - prev.x1 > 0.8 * max(ch.size, 1.0)
            if (pending or ch.space_before or wide) and not (is_cjk(ch.text) and is_cjk(prev.text)):
                out.append(" ")
        out.append(ch.text)
        prev, pending = ch, False
    return "".join(out)


def join_cell_lines(raw: str) -> str:
    """Join a cell's lines: CJK and numbers broken by the cell width rejoin without a space."""
    out = ""
    for part in raw.split("\n"):
        part = part.strip()
        if not part:
            continue
        if out and ASCII_WORD.match(out[-1]) and ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out

