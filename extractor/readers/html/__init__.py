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

The package: :mod:`.parse` (bytes to a tree), :mod:`.page` (page-wide facts and the report's
container), :mod:`.blocks` (paragraphs and table grids), :mod:`.meta` (the info card, ``<meta>``
tags, the title), :mod:`.nodes` (tag sets and text helpers).
"""

from __future__ import annotations

import hashlib

from lxml import etree

from extractor.budget import Budget
from extractor.document import Document, Paragraph, Table
from extractor.errors import CorruptDocument, EmptyInput, FileTooLarge
from extractor.readers.decode import decode, utf8_unless_invalid
from extractor.readers.html.blocks import Emitter
from extractor.readers.html.meta import page_metadata
from extractor.readers.html.nodes import TAG, El
from extractor.readers.html.page import Page, content_root
from extractor.readers.html.parse import parse, parse_utf8
from extractor.readers.ocr.images import local_images, ocr_or_note
from extractor.settings import Settings

__all__ = ["read"]

MAX_TAGS_PER_CELL = 10
"""Pages with more than this many ``<`` per allowed table cell (``Settings.max_cells``) are refused
before parsing: libxml2's tree costs a few hundred bytes per element."""
_CONTROL_SINGLES = tuple(bytes((b,)) for b in (*range(9), 11, 12, *range(14, 32)))


def read(data: bytes, *, source: str, settings: Settings) -> Document:
    """Read an HTML page into a :class:`Document` (reader ``html``)."""
    if not data.strip():
        raise EmptyInput("the input is empty", source=source)
    limit = MAX_TAGS_PER_CELL * settings.max_cells
    # (a page shorter than the limit cannot hold more tags than that: no need to count them)
    if len(data) > limit and (tags := data.count(b"<")) > limit:  # the parse tree alone would take gigabytes
        raise FileTooLarge(f"the page has {tags:,} tags (limit {limit:,})", source=source)
    # In ASCII-compatible encodings a control character is a control byte: look for each in C
    # (27 memchr scans cost less than one copy of the page).
    controls = any(b in data for b in _CONTROL_SINGLES)
    root: El | None = None
    encoding, note = "utf-8", None
    if not controls and utf8_unless_invalid(data):
        try:  # the bytes as they are: libxml2 checks UTF-8 itself, and decoding is then wasted work
            root = parse_utf8(data)
        except CorruptDocument as exc:
            exc.source = source
            raise
    if root is None:
        decoded = decode(data, source=source)
        text, encoding, note = decoded.text, decoded.encoding, decoded.warning()
        ascii_based = not encoding.startswith(("utf-16", "utf-32"))
        try:
            root = parse(text, controls if ascii_based else None,
                         data if encoding == "utf-8" and not decoded.replaced else None)
        except CorruptDocument as exc:
            exc.source = source
            raise
        if root is None:
            if TAG.sub("", text).strip():  # text the parser could not build a tree for (e.g. 100,000 nested divs)
                raise CorruptDocument("the HTML cannot be parsed (elements nested too deeply?)", source=source)
            raise EmptyInput("the page holds no text", source=source)
    etree.strip_elements(root, etree.Comment, etree.PI, "script", "style", "noscript", "template", with_tail=False)
    budget = Budget(settings, source)
    page = Page(root, budget)
    metadata = page_metadata(root, page)
    body = root.find("body")
    if body is None:
        body = root
    content = content_root(body, page)
    warnings: list[str] = [note] if note is not None else []
    blocks = Emitter(page, warnings, budget, keep_links=False).run(content)
    if not blocks and content is not body:
        blocks = Emitter(page, warnings, budget, keep_links=False).run(body)
    if not blocks:  # a page of nothing but links is still text: keep it rather than claim emptiness
        blocks = Emitter(page, warnings, budget, keep_links=True).run(body)
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


