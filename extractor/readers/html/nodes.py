"""What the HTML reader knows about elements: tag sets, marker words, and cheap text helpers."""

from __future__ import annotations

import re
from typing import Any

from lxml import etree

El = Any
"""An lxml element (lxml ships no type information)."""

MAX_COLSPAN = 1000  # the HTML standard's own clamp for colspan


def words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


BLOCK = words(
    """address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table
    tbody td tfoot th thead tr ul"""
)
TABLE_PARTS = words("tbody thead tfoot tr td th")
HEADINGS = words("h1 h2 h3 h4 h5 h6")
SKIP = words(
    """head title meta link script style noscript template iframe frame object embed svg math canvas audio video
    map select button input textarea"""
)
"""Never text of the report (``script``/``style`` are stripped before; this catches the rest)."""
PROSE = words("p h1 h2 h3 h4 h5 h6 li blockquote pre")
PROSE_MIN = 40  # CJK characters: a sentence of report prose, longer than a title or an info line
BOILER_TAGS = words("nav aside menu footer header")
BOILER_CHECK = BOILER_TAGS | words("div section ul ol dl table")
BOILER_NAME = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|header|footer|foot|copyright|crumbs?|breadcrumbs?|position|location"
    r"|share|bdshare|fenxiang|related|relnews|xglj|links?|sidebar|toolbar|print|pager|pagination|search)"
    r"(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
"""class/id words of navigation, footers, share bars and related-link boxes."""

CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP = re.compile(rf"(?<=[{CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{CJK}])")
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
TAG = re.compile(r"<[^<>]*+>")  # not [^>]: on a page of "<" without ">" every "<" scanned to the end
_DIGITS = re.compile(r"\s*(\d{1,9})")  # a span of more digits is clamped anyway (int() refuses 4,300+)

ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
CELLS = etree.XPath("./td | ./th")
N_CELLS = etree.XPath("count(./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th)")
MARKERS = "第二十条|申请人|行政复议|信息内容|自然人|法人或其他组织|勾稽"
"""Words of the report tables' headers: the report container must keep every one of them."""
MARKER = re.compile(MARKERS)
CARD_HINTS = "索引号|发布|来源|时间|日期|链接|地址|标题|名称|发文"
CARD_HINT = re.compile(CARD_HINTS)
ANY_HINT = re.compile(f"{MARKERS}|{CARD_HINTS}|报告")
TITLE_LIKE = re.compile(
    r"[^，。；：:,;]{0,40}\d{4}\s*年度?[^，。；：:,;]{0,12}信息公开[^，。；：:,;]{0,12}报告(?:[（(][^）)]{1,12}[）)])?"
)
"""A text node that is a whole report title (not a sentence mentioning one)."""

# ---------------------------------------------------------------- text helpers


def cjk(s: str) -> int:
    """Rough count of CJK characters (and full-width punctuation): UTF-8 bytes beyond one per char."""
    return (len(s.encode("utf-8", "ignore")) - len(s)) // 2


def text_of(el: El) -> str:
    """Text content of ``el`` without its tail (libxml2's text serialiser: cheaper than XPath)."""
    s: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return s


def clean_line(s: str) -> str:
    """HTML whitespace collapsed, CJK line wraps removed; ``&nbsp;`` and U+3000 kept (the raw form)."""
    s = s.strip(" \t\n\r\f")
    if "\n" in s:
        s = _WRAP.sub("", s)
    if INVISIBLE.search(s):
        s = INVISIBLE.sub("", s).strip(" \t\n\r\f")
    return _HTML_WS.sub(" ", s)


def norm(s: str) -> str:
    """All whitespace, including ``&nbsp;`` and U+3000, collapsed to single spaces."""
    return " ".join(s.split())


def span(value: str | None, low: int, high: int) -> int:
    """A colspan/rowspan attribute, clamped to ``[low, high]``; junk or absent means 1."""
    if value is None:
        return 1
    if value.isdecimal() and len(value) <= 9:  # what the pattern would read: the common case
        return min(max(int(value), low), high)
    m = _DIGITS.match(value)
    return min(max(int(m.group(1)), low), high) if m else 1


def is_boiler(el: El) -> bool:
    """Navigation, footer, share bar or related-links box, by tag, class or id."""
    if el.tag in BOILER_TAGS:
        return True
    cls, ident = el.get("class"), el.get("id")
    return bool((cls or ident) and BOILER_NAME.search(f"{cls or ''} {ident or ''}"))


def own_tables(cell: El, table: El) -> list[El]:
    """Tables nested in ``cell`` whose nearest enclosing table is ``table``."""
    return [t for t in cell.iter("table") if next(t.iterancestors("table"), None) is table]


def is_layout(table: El, depth: int = 0) -> bool:
    """A table used for page layout, not data: a single cell framing paragraphs, or a cell holding
    other tables amid prose.

    Layout tables are unwrapped (their cells read as ordinary blocks); data tables become
    :class:`Table` blocks, and a table nested in a data cell becomes a block of its own.
    """
    if N_CELLS(table) <= 1:  # a frame around paragraphs or tables; a lone text cell stays a table
        return any(e.tag in BLOCK and e.tag not in TABLE_PARTS for e in table.iterdescendants())
    if table.find(".//table") is None:
        return False
    for c in (c for r in ROWS(table) for c in CELLS(r)):
        inner = own_tables(c, table)
        if len(inner) >= 2:
            return True
        if inner and cjk(text_of(c)) - cjk(text_of(inner[0])) >= 50:
            return True
        if inner and depth < 8 and is_layout(inner[0], depth + 1):  # a frame around a frame
            return True
    return False

