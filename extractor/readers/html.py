"""Reader for HTML: CMS article pages, Word-exported HTML and bare report fragments.

What is not obvious about these pages:

* The bytes are decoded here (:func:`~extractor.readers.decode.decode`), never by the parser:
  pages labelled ``gb2312`` carry GBK-only characters (镕, 喆, 堃) and a parser handed the bytes
  stops at the first one without a word.
* The report is a small part of a CMS page. Its container is found by descending from ``<body>``
  into the child that holds nearly all of the non-link CJK text and every report-table marker
  (第二十条, 申请人, 行政复议 …); menus, footers and share bars stay behind. The info card
  (索引号, 发布机构, 发布时间 …) usually sits outside that container, so ``Document.metadata`` is
  read from the whole page first.
* Word exports wrap every run in ``<span>`` and split one word across spans and fonts
  (``申请人情`` + ``况``), so inline elements are joined with no separator; only block boundaries
  and ``<br>`` separate text. A source newline between two CJK characters is the exporter's line
  wrap and is dropped (the CSS Text 3 segment-break rule); other whitespace collapses to a space.
* Tables are expanded into a grid the way browsers do it: each cell goes to the first free column
  of its row; spans are clamped, and a colspan that would overlap a cell rowspanned from above is
  shrunk, so no grid position is ever claimed twice. A label cell repeated under its own rowspan
  (a CMS bug) is kept where it lands: the row simply overflows to the right.

Speed: whole-page work is libxml2's (parse, strip, text serialisation) plus one cheap pass over the
elements for markers, links and info-card lines; the block-building walk covers only the report
container, once. A 300 KB Word export reads in about 3x the time of the bare lxml parse; nothing
is quadratic (a 50 MB page reads in seconds).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from typing import Any

from lxml import etree

from extractor.budget import Budget
from extractor.document import Block, Cell, Document, Paragraph, Provenance, Table
from extractor.errors import CorruptDocument, EmptyInput, FileTooLarge
from extractor.readers.decode import decode
from extractor.readers.ocr.images import local_images, ocr_or_note
from extractor.settings import Settings

__all__ = ["read"]

El = Any
"""An lxml element (lxml ships no type information)."""

MAX_COLSPAN = 1000  # the HTML standard's own clamp for colspan
MAX_TAGS_PER_CELL = 10
"""Pages with more than this many ``<`` per allowed table cell (``Settings.max_cells``) are refused
before parsing: libxml2's tree costs a few hundred bytes per element."""


def _words(spec: str) -> frozenset[str]:
    return frozenset(spec.split())


_BLOCK = _words(
    """address article aside blockquote body caption center dd details dialog dir div dl dt fieldset figcaption
    figure footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main menu nav ol p pre section summary table
    tbody td tfoot th thead tr ul"""
)
_TABLE_PARTS = _words("tbody thead tfoot tr td th")
_HEADINGS = _words("h1 h2 h3 h4 h5 h6")
_SKIP = _words(
    """head title meta link script style noscript template iframe frame object embed svg math canvas audio video
    map select button input textarea"""
)
"""Never text of the report (``script``/``style`` are stripped before; this catches the rest)."""
_PROSE = _words("p h1 h2 h3 h4 h5 h6 li blockquote pre")
_PROSE_MIN = 40  # CJK characters: a sentence of report prose, longer than a title or an info line
_BOILER_TAGS = _words("nav aside menu footer header")
_BOILER_CHECK = _BOILER_TAGS | _words("div section ul ol dl table")
_BOILER_NAME = re.compile(
    r"(?:^|[\s_\-])(?:nav|navbar|menu|header|footer|foot|copyright|crumbs?|breadcrumbs?|position|location"
    r"|share|bdshare|fenxiang|related|relnews|xglj|links?|sidebar|toolbar|print|pager|pagination|search)"
    r"(?:$|[\s_\-\d])",
    re.IGNORECASE,
)
"""class/id words of navigation, footers, share bars and related-link boxes."""

_CJK = "\u2e80-\u2fff\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
_WRAP = re.compile(rf"(?<=[{_CJK}])[ \t\r\f]*\n[ \t\r\n\f]*(?=[{_CJK}])")
_HTML_WS = re.compile(r"[ \t\n\r\f]+")
_INVISIBLE = re.compile("[\u200b-\u200d\u2060\ufeff]")
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^<>]*+>")  # not [^>]: on a page of "<" without ">" every "<" scanned to the end
_DIGITS = re.compile(r"\s*(\d{1,9})")  # a span of more digits is clamped anyway (int() refuses 4,300+)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
_CONTROL_BYTES = bytes((*range(9), 11, 12, *range(14, 32)))

_ROWS = etree.XPath("./tr | ./thead/tr | ./tbody/tr | ./tfoot/tr")
_CELLS = etree.XPath("./td | ./th")
_N_CELLS = etree.XPath("count(./tr/td | ./tr/th | ./*/tr/td | ./*/tr/th)")
_MARKERS = "第二十条|申请人|行政复议|信息内容|自然人|法人或其他组织|勾稽"
"""Words of the report tables' headers: the report container must keep every one of them."""
_MARKER = re.compile(_MARKERS)
_CARD_HINTS = "索引号|发布|来源|时间|日期|链接|地址|标题|名称|发文"
_CARD_HINT = re.compile(_CARD_HINTS)
_ANY_HINT = re.compile(f"{_MARKERS}|{_CARD_HINTS}|报告")
_TITLE_LIKE = re.compile(
    r"[^，。；：:,;]{0,40}\d{4}\s*年度?[^，。；：:,;]{0,12}信息公开[^，。；：:,;]{0,12}报告(?:[（(][^）)]{1,12}[）)])?"
)
"""A text node that is a whole report title (not a sentence mentioning one)."""


def read(data: bytes, *, source: str, settings: Settings) -> Document:
    """Read an HTML page into a :class:`Document` (reader ``html``)."""
    if not data.strip():
        raise EmptyInput("the input is empty", source=source)
    tags = data.count(b"<")
    if tags > MAX_TAGS_PER_CELL * settings.max_cells:  # the parse tree alone would take gigabytes
        raise FileTooLarge(f"the page has {tags:,} tags (limit {MAX_TAGS_PER_CELL * settings.max_cells:,})", source=source)
    decoded = decode(data, source=source)
    text, encoding = decoded.text, decoded.encoding
    # In ASCII-compatible encodings a control character is a control byte: look for it in C.
    ascii_based = not encoding.startswith(("utf-16", "utf-32"))
    controls = len(data.translate(None, _CONTROL_BYTES)) != len(data) if ascii_based else None
    try:
        root = _parse(text, controls)
    except CorruptDocument as exc:
        exc.source = source
        raise
    if root is None:
        if _TAG.sub("", text).strip():  # text the parser could not build a tree for (e.g. 100,000 nested divs)
            raise CorruptDocument("the HTML cannot be parsed (elements nested too deeply?)", source=source)
        raise EmptyInput("the page holds no text", source=source)
    etree.strip_elements(root, etree.Comment, etree.PI, "script", "style", "noscript", "template", with_tail=False)
    budget = Budget(settings, source)
    page = _Page(root, budget)
    metadata = _metadata(root, page)
    body = root.find("body")
    if body is None:
        body = root
    content = _content_root(body, page)
    warnings: list[str] = [note] if (note := decoded.warning()) is not None else []
    blocks = _Emitter(page, warnings, budget, keep_links=False).run(content)
    if not blocks and content is not body:
        blocks = _Emitter(page, warnings, budget, keep_links=False).run(body)
    if not blocks:  # a page of nothing but links is still text: keep it rather than claim emptiness
        blocks = _Emitter(page, warnings, budget, keep_links=True).run(body)
    doc = Document(
        blocks=blocks,
        reader="html",
        source=source,
        sha256=hashlib.sha256(data).hexdigest(),
        media_type="text/html",
        encoding=encoding,
        metadata=metadata,
        warnings=warnings,
    )
    if not any(isinstance(b, Table) for b in blocks):
        images = local_images([img.get("src") or img.get("data-src") or "" for img in body.iter("img")], source)
        if images:  # a "图片版" page: the report is a series of page images saved beside it

            doc.blocks = blocks + ocr_or_note(images, doc, settings, "page image(s)")
    if not any(b.text if isinstance(b, Paragraph) else any(c.text for c in b.cells) for b in doc.blocks):
        raise EmptyInput("the page holds no text", source=source)
    return doc


def _parse(text: str, controls: bool | None = None) -> El | None:
    """libxml2's HTML parser on ``str``; BeautifulSoup only when it gives up.

    This is the parser behind ``lxml.html.document_fromstring``, used through a plain
    ``etree.HTMLParser`` so that elements are plain ``_Element`` proxies: ``lxml.html``'s
    Python-level element-class lookup costs more than the parse itself on a Word export.
    """
    text = _XML_DECL.sub("", text, count=1)  # lxml rejects str input with an encoding declaration
    if controls or (controls is None and _CONTROL.search(text)):
        text = _CONTROL.sub(" ", text)  # libxml2 would turn them into U+FFFD
    root = _lxml(text)
    if root is None:  # libxml2 gives up on input without any element (a lone comment, say)
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "lxml")
        root = _lxml(str(soup)) if soup.get_text().strip() else None
    return root


def _lxml(text: str) -> El | None:
    # one parser per call: parsers are not thread-safe. huge_tree lifts libxml2's nesting limit
    # from 256 to 2048 levels (junk HTML of unclosed <font>/<span> tags gets deep); deeper than
    # that the tree is cut off silently, so that is reported rather than read as a shorter page.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
    try:
        root = etree.fromstring(text, parser)
    except (etree.LxmlError, ValueError):
        return None
    if any("Excessive depth" in e.message for e in parser.error_log):
        raise CorruptDocument("the HTML nests elements more than 2,048 levels deep; the parser would drop the rest")
    return root


# ---------------------------------------------------------------- text helpers


def _cjk(s: str) -> int:
    """Rough count of CJK characters (and full-width punctuation): UTF-8 bytes beyond one per char."""
    return (len(s.encode("utf-8", "ignore")) - len(s)) // 2


def _text(el: El) -> str:
    """Text content of ``el`` without its tail (libxml2's text serialiser: cheaper than XPath)."""
    s: str = etree.tostring(el, method="text", encoding=str, with_tail=False)
    return s


def _clean_line(s: str) -> str:
    """HTML whitespace collapsed, CJK line wraps removed; ``&nbsp;`` and U+3000 kept (the raw form)."""
    s = s.strip(" \t\n\r\f")
    if "\n" in s:
        s = _WRAP.sub("", s)
    if _INVISIBLE.search(s):
        s = _INVISIBLE.sub("", s).strip(" \t\n\r\f")
    return _HTML_WS.sub(" ", s)


def _norm(s: str) -> str:
    """All whitespace, including ``&nbsp;`` and U+3000, collapsed to single spaces."""
    return " ".join(s.split())


def _span(value: str | None, low: int, high: int) -> int:
    """A colspan/rowspan attribute, clamped to ``[low, high]``; junk or absent means 1."""
    if value is None:
        return 1
    m = _DIGITS.match(value)
    return min(max(int(m.group(1)), low), high) if m else 1


def _is_boiler(el: El) -> bool:
    """Navigation, footer, share bar or related-links box, by tag, class or id."""
    if el.tag in _BOILER_TAGS:
        return True
    cls, ident = el.get("class"), el.get("id")
    return bool((cls or ident) and _BOILER_NAME.search(f"{cls or ''} {ident or ''}"))


def _own_tables(cell: El, table: El) -> list[El]:
    """Tables nested in ``cell`` whose nearest enclosing table is ``table``."""
    return [t for t in cell.iter("table") if next(t.iterancestors("table"), None) is table]


def _is_layout(table: El, depth: int = 0) -> bool:
    """A table used for page layout, not data: a single cell framing paragraphs, or a cell holding
    other tables amid prose.

    Layout tables are unwrapped (their cells read as ordinary blocks); data tables become
    :class:`Table` blocks, and a table nested in a data cell becomes a block of its own.
    """
    if _N_CELLS(table) <= 1:  # a frame around paragraphs or tables; a lone text cell stays a table
        return any(e.tag in _BLOCK and e.tag not in _TABLE_PARTS for e in table.iterdescendants())
    if table.find(".//table") is None:
        return False
    for c in (c for r in _ROWS(table) for c in _CELLS(r)):
        inner = _own_tables(c, table)
        if len(inner) >= 2:
            return True
        if inner and _cjk(_text(c)) - _cjk(_text(inner[0])) >= 50:
            return True
        if inner and depth < 8 and _is_layout(inner[0], depth + 1):  # a frame around a frame
            return True
    return False


class _Page:
    """Page-wide facts gathered once: link text per element, report markers, info-card lines."""

    MAX_MARKERS = 500  # enough to pin the report tables down; bounds the work on giant pages

    def __init__(self, root: El, budget: Budget | None = None) -> None:
        self.tree = root.getroottree()
        self._paths: dict[El, str] = {}
        self._segments: dict[El, str] = {}
        self.link_weight: dict[El, int] = {}  # CJK link text inside each element
        for a in root.iter("a"):
            if budget is not None:
                budget.tick("html links")
            w = _cjk(_text(a)) if a.get("href") is not None else 0
            if w:
                for e in (a, *a.iterancestors()):
                    self.link_weight[e] = self.link_weight.get(e, 0) + w
        self.card_lines: list[tuple[str, El, bool]] = []  # (text, element, is it the element's tail)
        self.titles: list[str] = []  # text nodes that look like a report title, outside links
        self.hit_count: dict[El, int] = {}  # marker texts (outside links) inside each element
        self.n_markers = 0
        for el in root.iter():
            if budget is not None:
                budget.tick("html elements")
            s = el.text
            if s and _ANY_HINT.search(s):
                self._note(s, el, False)
            s = el.tail
            if s and _ANY_HINT.search(s):
                self._note(s, el, True)

    def _note(self, s: str, el: El, is_tail: bool) -> None:
        if len(s) < 160 and _CARD_HINT.search(s) and isinstance(el.tag, str):
            self.card_lines.append((s, el, is_tail))
        holder = el.getparent() if is_tail else el
        if holder is None:
            return
        title = self._title_of(s, holder) if not self.titles and len(s) < 120 and "报告" in s else None
        if not title and (self.n_markers >= self.MAX_MARKERS or not _MARKER.search(s)):
            return
        chain = [holder, *holder.iterancestors()]
        if any(e.tag == "a" and e.get("href") is not None for e in chain):
            return
        if title:
            self.titles.append(title)
        elif self.n_markers < self.MAX_MARKERS:
            self.n_markers += 1
            for e in chain:
                self.hit_count[e] = self.hit_count.get(e, 0) + 1

    @staticmethod
    def _title_of(s: str, holder: El) -> str | None:
        """The report title this text node belongs to, read from its whole block: Word exports
        split one title over several ``<span>`` runs (``样本市…保障`` + ``局2024年度…报告``), and a
        run alone may look like a complete title without the organ."""
        block = holder if holder.tag in _BLOCK else next((a for a in holder.iterancestors() if a.tag in _BLOCK), None)
        if block is not None:
            whole = _norm(_clean_line(_text(block)))
            if len(whole) < 120:
                return whole if _TITLE_LIKE.fullmatch(whole) else None
        line = _norm(_clean_line(s))
        return line if _TITLE_LIKE.fullmatch(line) else None

    def hits(self, el: El) -> int:
        return self.hit_count.get(el, 0)

    def path(self, el: El) -> str:
        """``el``'s path as libxml2's ``getpath`` writes it (``/html/body/div[2]/p[3]``), in
        linear time overall: ``getpath`` counts an element's same-name siblings on every call, so a
        page of 100,000 sibling paragraphs cost 10^10 steps. Here each parent's children are
        numbered once and each ancestor's path is kept."""
        chain: list[El] = []
        e = el
        while e is not None and e not in self._paths:
            chain.append(e)
            e = e.getparent()
        path = "" if e is None else self._paths[e]
        for x in reversed(chain):
            path = f"{path}/{self._segment(x)}"
            self._paths[x] = path
        return path

    def _segment(self, el: El) -> str:
        seg = self._segments.get(el)
        if seg is not None:
            return seg
        parent = el.getparent()
        if parent is None:
            return str(el.tag)
        kids = [k for k in parent if isinstance(k.tag, str)]
        total = Counter(k.tag for k in kids)
        seen: Counter[str] = Counter()
        for k in kids:
            seen[k.tag] += 1
            self._segments[k] = f"{k.tag}[{seen[k.tag]}]" if total[k.tag] > 1 else str(k.tag)
        return self._segments[el]

    def weight(self, el: El) -> int:
        """CJK text inside ``el`` that is not link text: how much report prose it can hold."""
        return _cjk(_text(el)) - self.link_weight.get(el, 0)


# ---------------------------------------------------------------- finding the report body


def _content_root(body: El, page: _Page) -> El:
    """Smallest element holding every report-table marker and nearly all non-link CJK text.

    Descend from ``<body>`` into the child holding every marker (or, on a page without any, the
    heaviest child) as long as the siblings left behind, not counting those that look like
    navigation or footers, hold under a quarter of that child's text and no paragraph of prose
    (an introduction such as 根据《条例》…本报告所列数据的统计期限… must not be cut off). Only
    what is left behind is weighed, so the descent reads each part of the page about once.
    Paragraphs and data tables are never entered. With no good candidate the answer is ``<body>``.
    """
    cur, w_cur, h_cur = body, page.weight(body), page.hits(body)
    weights = None if h_cur else _subtree_weights(body, page)
    while w_cur > 0:
        kids = [k for k in cur if isinstance(k.tag, str)]
        if weights is None:
            best = next((k for k in kids if page.hits(k) == h_cur), None)
        else:
            best = max(kids, key=lambda k: weights.get(k, 0) if k.tag not in _SKIP else -1, default=None)
        if best is None or best.tag in _SKIP or (best.tag == "table" and not _is_layout(best)):
            break
        if not any(g.tag in _BLOCK for g in best if isinstance(g.tag, str)):
            break  # a paragraph, not a container: its siblings are more of the text
        own = _cjk(cur.text or "") + sum(_cjk(k.tail or "") for k in cur)
        left = boiler = 0
        prose = own  # the longest run of prose that would be left behind
        for k in kids:
            if k is not best:
                w = page.weight(k) if weights is None else weights.get(k, 0)
                if k.tag in _SKIP or _is_boiler(k):
                    boiler += w
                else:
                    left += w
                    if k.tag in _PROSE:
                        prose = max(prose, w)
        w_best = w_cur - own - left - boiler
        if w_best <= 0 or own + left > 0.25 * w_best or prose >= _PROSE_MIN:
            break
        cur, w_cur = best, w_best
    return cur


def _subtree_weights(top: El, page: _Page) -> dict[El, int]:
    """Non-link CJK weight of every element under ``top``, bottom-up in one pass (post-order)."""
    acc: dict[El, int] = {}
    for _, el in etree.iterwalk(top, events=("end",)):
        w = acc.get(el, 0) + (_cjk(el.text) if el.text and isinstance(el.tag, str) else 0)
        if w:
            acc[el] = w
        parent = el.getparent()
        if parent is not None and el is not top:
            w += _cjk(el.tail) if el.tail else 0
            if w:
                acc[parent] = acc.get(parent, 0) + w
    for el, w in acc.items():
        acc[el] = w - page.link_weight.get(el, 0)
    return acc


# ---------------------------------------------------------------- blocks


class _Emitter:
    """Walks the report container once (iterwalk events) and turns it into blocks."""

    def __init__(self, page: _Page, warnings: list[str], budget: Budget, *, keep_links: bool) -> None:
        self.page = page
        self.budget = budget
        self.tree = page.tree
        self.warnings = warnings
        self.keep_links = keep_links
        self.blocks: list[Block] = []
        self.n_tables = 0
        self.pieces: list[str] = []
        self.chars = 0
        self.link_chars = 0
        self.owner: El = None
        self.heading = False
        self.body_weight = 0

    def run(self, top: El) -> list[Block]:
        self.body_weight = self.page.weight(top)
        it = etree.iterwalk(top, events=("start", "end"))
        stack: list[El] = []
        links = headings = 0
        skipped: El = None
        skip = _SKIP - {"head"} if top.tag == "html" else _SKIP  # no <body>: libxml2 left the text in <head>
        for event, el in it:
            self.budget.tick("html elements")
            tag = el.tag
            if not isinstance(tag, str):  # entity or the like: only its tail is text
                if event == "end" and el is not top:
                    self._add(el.tail, links > 0, stack[-1] if stack else top, headings > 0)
                continue
            if event == "start":
                if el is not top and (tag in skip or (tag in _BOILER_CHECK and self._boilerplate(el))):
                    if tag in _BLOCK:
                        self._flush()
                    it.skip_subtree()
                    skipped = el
                    continue
                if tag == "table" and not _is_layout(el):
                    self._flush()
                    self._tables(el)
                    it.skip_subtree()
                    skipped = el
                    continue
                if tag == "br":
                    self._flush()
                    continue
                if tag in _BLOCK:
                    self._flush()
                    stack.append(el)
                    headings += tag in _HEADINGS
                elif tag == "a" and el.get("href") is not None:
                    links += 1
                if el.text:
                    self._add(el.text, links > 0, stack[-1] if stack else top, headings > 0)
                continue
            if el is skipped:
                skipped = None
                if tag in _BLOCK:
                    self._flush()
            elif tag in _BLOCK:
                self._flush()
                stack.pop()
                headings -= tag in _HEADINGS
            elif tag == "a" and el.get("href") is not None:
                links -= 1
            if el is top:
                break
            if el.tail:
                self._add(el.tail, links > 0, stack[-1] if stack else top, headings > 0)
        self._flush()
        return self.blocks

    def _boilerplate(self, el: El) -> bool:
        """Boilerplate by name, unless it holds report markers or a real share of the text."""
        if self.keep_links or not _is_boiler(el):  # keep_links: the last resort keeps everything
            return False
        return self.page.hits(el) == 0 and self.page.weight(el) < 0.2 * self.body_weight

    def _add(self, s: str | None, in_link: bool, owner: El, heading: bool) -> None:
        if not s:
            return
        n = len(s.strip())
        if not self.pieces:
            if not n:
                return
            self.owner, self.heading = owner, heading
        self.pieces.append(s)
        self.chars += n
        if in_link:
            self.link_chars += n

    def _flush(self) -> None:
        if not self.pieces:
            return
        text = _norm(_clean_line("".join(self.pieces)))
        linky = self.link_chars >= 0.8 * self.chars
        self.pieces, self.chars, self.link_chars = [], 0, 0
        if not text or (linky and not self.keep_links):
            return
        owner = self.owner
        prov = Provenance(line=owner.sourceline, path=self.page.path(owner))
        self.blocks.append(Paragraph(text, prov, kind="heading" if self.heading else "paragraph"))

    def _tables(self, first: El) -> None:
        """Emit a data table, then the tables nested in its cells (depth first, document order)."""
        todo = [first]
        while todo:
            nested: list[El] = []
            self._table(todo.pop(), nested)
            todo.extend(reversed(nested))

    def _table(self, t: El, nested: list[El]) -> None:
        caption = t.find("caption")
        if caption is not None:
            text = _norm(" ".join(_cell_lines(caption, nested)))
            if text:
                prov = Provenance(line=caption.sourceline, path=self.page.path(caption))
                self.blocks.append(Paragraph(text, prov))
        k = self.n_tables + 1
        stray: list[str] = []  # text outside any cell (a browser shows it before the table)
        rows = _rows(t, nested, stray)
        n_rows = len(rows)
        cells: list[Cell] = []
        active: list[tuple[int, int, int]] = []  # (first col, end col, last row) of rowspans from above
        shrunk = False
        for r, tr in enumerate(rows):
            self.budget.tick("html table rows")
            self.budget.cells(len(tr), "html tables")
            active = [a for a in active if a[2] >= r]
            occupied = sorted((a[0], a[1]) for a in active)  # disjoint by construction
            i = col = ci = 0
            for td in tr:
                if td.tag not in ("td", "th"):
                    stray.extend(_cell_lines(td, nested) if isinstance(td.tag, str) else ())
                    stray.append(td.tail or "")
                    continue
                stray.append(td.tail or "")
                ci += 1
                while i < len(occupied):
                    start, end = occupied[i]
                    if end <= col:
                        i += 1
                    elif start <= col:
                        col, i = end, i + 1
                    else:
                        break
                cs = _span(td.get("colspan"), 1, MAX_COLSPAN)
                rs = _span(td.get("rowspan"), 0, n_rows - r) or n_rows - r  # rowspan=0: to the table's end
                if i < len(occupied) and occupied[i][0] < col + cs:
                    cs, shrunk = occupied[i][0] - col, True
                lines = _cell_lines(td, nested)
                prov = Provenance(line=td.sourceline, path=f"table[{k}]/tr[{r + 1}]/{td.tag}[{ci}]")
                cells.append(Cell(r, col, _norm(" ".join(lines)), "\n".join(lines), rs, cs, prov))
                if rs > 1:
                    active.append((col, col + cs, r + rs - 1))
                col += cs
        loose = _norm(" ".join(stray))
        if loose:
            self.blocks.append(Paragraph(loose, Provenance(line=t.sourceline, path=self.page.path(t))))
        if not cells:
            return
        self.n_tables = k
        if shrunk:
            self.warnings.append(f"table[{k}]: a colspan overlapped a rowspan from above and was shrunk")
        self.blocks.append(Table(cells, Provenance(line=t.sourceline, path=f"table[{k}]")))


def _rows(t: El, nested: list[El], stray: list[str]) -> list[El]:
    """The rows of ``t`` in order; text between them, outside any cell, goes to ``stray``."""
    rows: list[El] = []
    stray.append(t.text or "")
    for c in t:
        group = c.tag in ("thead", "tbody", "tfoot")
        if group:
            stray.append(c.text or "")
        for el in c if group else (c,):
            if el.tag == "tr":
                rows.append(el)
                stray.append(el.text or "")
            elif el.tag != "caption" and isinstance(el.tag, str):
                stray.extend(_cell_lines(el, nested))
            stray.append(el.tail or "")
        if group:
            stray.append(c.tail or "")
    return rows


_CELL_BREAKS = _BLOCK | _SKIP | {"br"}


def _cell_lines(cell: El, nested: list[El]) -> list[str]:
    """The cell's text as lines (``<br>`` and block boundaries break lines), nested tables left out.

    Lines keep ``&nbsp;`` (a cell holding only ``&nbsp;`` gives ``["\\xa0"]``, whose text is "").
    """
    blocks = [e for e in cell.iterdescendants() if e.tag in _CELL_BREAKS]
    if not blocks or (len(blocks) == 1 and blocks[0].tag in ("p", "div")):  # Word's <td><p><span>…
        text = _text(cell)
        only = blocks[0] if blocks else None
        alone = only is None or (
            len(cell) == 1 and cell[0] is only and not (cell.text or "").strip() and not (only.tail or "").strip()
        )
        if alone or text.strip() == _text(only).strip():
            line = _clean_line(text)
            return [line] if line else []
    lines: list[str] = []
    cur: list[str] = []

    def brk() -> None:
        if cur:
            line = _clean_line("".join(cur))
            if line:
                lines.append(line)
            cur.clear()

    it = etree.iterwalk(cell, events=("start", "end"))
    skipped: El = None
    for event, el in it:
        tag = el.tag
        if event == "start":
            if not isinstance(tag, str):
                continue
            if el is cell:
                if el.text:
                    cur.append(el.text)
                continue
            if tag == "table" or tag in _SKIP:
                if tag == "table":
                    nested.append(el)
                brk()
                it.skip_subtree()
                skipped = el
                continue
            if tag == "br" or tag in _BLOCK:
                brk()
            if el.text:
                cur.append(el.text)
            continue
        if el is cell:
            break
        if el is skipped or (isinstance(tag, str) and tag in _BLOCK):
            brk()
        if el.tail:
            cur.append(el.tail)
    brk()
    return lines


# ---------------------------------------------------------------- page metadata


def _ranked(spec: str) -> dict[str, tuple[str, int]]:
    """``key rank name name …`` lines to ``{name: (key, rank)}``; a lower rank wins."""
    return {
        name: (key, int(rank))
        for line in spec.strip().splitlines()
        for key, rank, *names in [line.split()]
        for name in names
    }


_META_NAMES = _ranked(
    """
    title 0 articletitle
    title 1 og:title dc.title
    published 2 pubdate publishdate firstpublishedtime article:published_time
    published 3 dc.date
    publisher 3 contentsource
    url 1 url og:url
    """
)
_CARD_LABELS = _ranked(
    """
    index_no 1 索引号
    publisher 1 发布机构 发布单位
    publisher 2 发文机关 信息来源 文章来源 来源
    published 1 发布时间 发布日期 公开日期 公开时间
    published 3 时间 日期
    published 4 发文日期
    published 5 成文日期
    url 2 原文链接 原文地址
    title 2 标题 文件名称 名称
    """
)
_LABEL_ALT = "|".join(sorted(_CARD_LABELS, key=len, reverse=True))
# a label must not be the tail of a longer word: 采集时间 is not 时间
_LABEL_COLON = re.compile(rf"(?<![\u4e00-\u9fff])({_LABEL_ALT})\s*[:：]")
_LABEL_ONLY = re.compile(rf"({_LABEL_ALT})\s*[:：]?")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL = re.compile(r"(?:https?:)?//\S+", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"^(.*报告(?:[（(][^）)]{1,12}[）)])?)\s*[-_|｜－—–]\s*\S.*$")


_Best = dict[str, tuple[int, str]]
"""Metadata candidates kept so far: key -> (rank, value); the first of the lowest rank wins."""


def _put(best: _Best, key: str, value: str | None, rank: int) -> None:
    value = _clean_value(key, value)
    if value and (key not in best or rank < best[key][0]):
        best[key] = (rank, value)


def _clean_value(key: str, value: str | None) -> str | None:
    value = _norm(value or "")
    if not value:
        return None
    if key == "published":
        m = _DATE.search(value)
        if not m:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    if key == "url":
        m = _URL.search(value)
        return m.group(0) if m else None
    if key == "title":
        m = _TITLE_SUFFIX.match(value)
        if m:
            return m.group(1).strip()
        return value.split("_")[0].strip() if _cjk(value) else None
    # publisher, index_no: the first token, up to a separator such as 【 or |
    token = re.split(r"[\s【\[|｜]", value, maxsplit=1)[0]
    if key == "publisher" and not _cjk(token):
        return None
    return token or None


def _metadata(root: El, page: _Page) -> dict[str, str]:
    best: _Best = {}
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            _put(best, "url", link.get("href"), 0)
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if name in _META_NAMES:
            key, rank = _META_NAMES[name]
            _put(best, key, m.get("content"), rank)
    title = root.find(".//title")
    if title is not None:
        _put(best, "title", _text(title), 4)
    if page.titles:
        _put(best, "title", page.titles[0], 3)
    for s, el, is_tail in page.card_lines:
        _card_text(best, s, el, is_tail)
    return {k: v for k, (_, v) in sorted(best.items())}


def _card_text(best: _Best, s: str, owner: El, is_tail: bool) -> None:
    """Label/value pairs of an info card: ``发布时间：2020-01-20``, ``<td>索引号</td><td>…</td>``."""
    text = _norm(s)
    if owner.tag in ("title", "head"):
        return
    found = list(_LABEL_COLON.finditer(text))
    if not found:
        if _LABEL_ONLY.fullmatch(text):
            _offer(best, text.rstrip(":： "), _following_value(owner, is_tail, text.rstrip(":： ")))
        return
    for j, m in enumerate(found):
        end = found[j + 1].start() if j + 1 < len(found) else len(text)
        value = text[m.end() : end].strip()
        _offer(best, m.group(1), value or _following_value(owner, is_tail, m.group(1)))


def _offer(best: _Best, label: str, value: str | None) -> None:
    key, prio = _CARD_LABELS[label]
    if value and _URL.match(value):
        key, prio = "url", 2
    elif key == "title" and value and "报告" not in value and label != "标题":
        return
    _put(best, key, value, prio)


def _following_value(owner: El, is_tail: bool, label: str) -> str | None:
    """Value of a label standing alone: the next cell of a card table, or what follows in the parent."""
    cell = owner if owner.tag in ("td", "th") and not is_tail else None
    if cell is None and not is_tail:
        cell = next((a for a in owner.iterancestors("td", "th")), None)
        if cell is not None and _norm(_text(cell)).rstrip(":： ") != label:
            cell = None
    if cell is not None:
        nxt = cell.getnext()
        return _norm(_text(nxt)) if nxt is not None else None
    parent = owner.getparent()  # holds the label (a tail) or the element that holds it
    if parent is None:
        return None
    context = _norm(_text(parent))
    if len(context) > 300:
        return None
    m = re.search(rf"{label}\s*[:：]?\s*(.*)", context)
    if not m:
        return None
    rest = m.group(1)
    nxt = _LABEL_COLON.search(rest)
    return (rest[: nxt.start()] if nxt else rest).strip() or None
