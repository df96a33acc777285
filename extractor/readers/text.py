"""Plain text and markdown reader.

Three table notations become :class:`~extractor.document.Table` blocks (``spans_known=False``,
since text cannot express merges):

- pipe rows as in the seed report: ``a | b | c |`` — ragged, a trailing ``|`` terminates the row,
  empty trailing cells are kept as blanks (the mapping trims them against the header);
- markdown tables (``| a | b |`` with a ``|---|---|`` separator, which is dropped);
- tab-separated rows, and comma-separated rows in a text that is CSV (:func:`is_csv`).

Everything else is a :class:`~extractor.document.Paragraph` per line. Crawler dumps often put a
``key: value`` header above the body (``标题:``, ``发布时间:``, ``原文链接:`` …, then a ``====
正文 ====`` rule); those lines become :attr:`Document.metadata`, not report text. Many such dumps
hold the whole report, tables included, on one line with the cell boundaries lost; that is left to
the locator's running-text path (:mod:`extractor.locate.align`).
"""

from __future__ import annotations

import csv
import hashlib
import re

from extractor.budget import Budget
from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.readers.boxdraw import ASCII_RULE, has_box_table, unbox
from extractor.readers.decode import decode
from extractor.readers.embedded import find_tables, has_html_table, merge, read_tables
from extractor.settings import Settings
from extractor.text import CellState, parse_cell

# possessive throughout: with ``\s*\|?\s*`` the two runs split a line of spaces between them in
# every possible way (a line of 200,000 spaces: minutes)
_MD_SEPARATOR = re.compile(r"^\s*+\|?\s*+:?-{2,}+:?\s*+(?:\|\s*+:?-{2,}+:?\s*+)*+\|?\s*+$")
_MD_ESCAPE = re.compile(r"\\([!-/:-@\[-`{-~])")
r"""A backslash before ASCII punctuation (CommonMark's escape: ``\-``, ``\*``, ``\_``)."""
_RULE_LINE = re.compile(r"^\s*+(?:[-=]{3,}+\s*+)++$")
"""A table's ruler drawn with hyphens or equals signs (pandoc's simple tables, a markdown thematic
break): decoration, never a row or a cell; so is a grid table's (:data:`boxdraw.ASCII_RULE`)."""
_META_LINE = re.compile(
    r"^\s*(标题|题目|发布时间|发布日期|成文日期|时间|日期|文号|发布机构|来源|信息来源|栏目|原文链接|链接|索引号|URL|url)\s*[:：]\s*(.*)$"
)
_MD_HEADING = re.compile(r"^#{1,6}\s+")
_BODY_RULE = re.compile(r"^\s*[=\-—*#]{3,}\s*正文\s*[=\-—*#]{3,}\s*$|^\s*正文\s*$")
_META_KEYS = {
    "标题": "title",
    "题目": "title",
    "发布时间": "published",
    "发布日期": "published",
    "成文日期": "written",
    "时间": "published",
    "日期": "published",
    "文号": "doc_no",
    "发布机构": "publisher",
    "来源": "publisher",
    "信息来源": "publisher",
    "栏目": "column",
    "原文链接": "url",
    "链接": "url",
    "URL": "url",
    "url": "url",
    "索引号": "index_no",
}


def _csv_row(line: str) -> list[str] | None:
    """The cells of a comma-separated row (RFC 4180 quoting), or ``None`` for a line without an
    ASCII comma (Chinese prose writes ``，``)."""
    if "," not in line:
        return None
    try:
        return next(csv.reader([line]))
    except (csv.Error, StopIteration):
        return None


_MIN_CSV_ROWS = 8


def is_csv(lines: list[str], source: str = "") -> bool:
    """Whether the text is comma-separated rows (a table exported as CSV: Excel, ``pandas.read_html``
    then ``to_csv``, maybe amid the page's prose): most lines holding an ASCII comma split into cells
    of which some is a number or empty, or into three short headings or more — or a ``.csv`` name
    and a few such lines. Read otherwise, ``77,24,476`` is 77 and
    24476 (a thousands separator), not three cells."""
    named = source.lower().endswith(".csv")
    commas = [line for line in lines[:5000] if "," in line and (named or _NOT_GROUPING.search(line))]
    if len(commas) < (3 if named else _MIN_CSV_ROWS):
        return False  # (most texts: no csv parsing at all)
    rows = misses = numbered = 0
    allowed = len(commas) // 5 if not named else len(commas)  # the text is CSV only if four in five lines are rows
    try:
        for cells in csv.reader(commas):  # one record per line: no line here ends inside quotes
            states = [parse_cell(c).state for c in cells] if len(cells) >= 2 else []
            if states and (any(st in _NUMBER_OR_EMPTY for st in states) or (len(cells) >= 3 and all(len(c) <= 40 for c in cells))):
                rows += 1  # a row of values, or of headings
                numbered += any(st in _NUMBER for st in states)
            else:
                misses += 1
                if misses > allowed:
                    return False  # (prose with commas: decided at its first lines)
    except csv.Error:
        return False
    # Some rows must hold a number: prose written with ASCII commas (a dump that breaks its lines at
    # each number leaves lines that open with the comma after one: ``,本机关…``) splits into an empty
    # cell and short clauses, which look like blank cells and headings.
    if named:
        return rows >= 3 and numbered >= 1
    return rows >= _MIN_CSV_ROWS and rows >= 0.8 * len(commas) and numbered >= _MIN_CSV_ROWS // 2


_NUMBER_OR_EMPTY = frozenset({CellState.NUMBER, CellState.ZERO, CellState.BLANK})
_NUMBER = frozenset({CellState.NUMBER, CellState.ZERO})
_NOT_GROUPING = re.compile(r"(?<!\d),|,(?!\d{3}(?!\d))")
"""A comma that groups no number's thousands. A line whose every comma does (``16,414``, ``行政许可
1,141 0 1,141``, ``采购 5,419,886元``) is a line of a text, not a CSV row: a table printed with
thousands separators one cell or one row per line would otherwise be taken for CSV and every such
number cut in two. (Each comma is looked at once: no pattern over the whole line.)"""


def _split_row(line: str, csv_rows: bool = False) -> tuple[list[str], str] | None:
    """Cells of a pipe or tab row and its kind (``open``: a pipe row opening and closing with ``|``;
    ``pipe``; ``tab``), or ``None`` when the line is not a table row.

    A leading pipe is kept as an empty first cell here; :func:`_lead_pipes` decides per table
    whether it is markdown's opening delimiter or a blank first cell.

    A line with a "cell" longer than :data:`_MAX_CELL` characters is running text that happens to
    hold pipes or tabs (a crawler's ``get_text(" ")`` or ``text_content()`` puts a whole report on
    one line, its navigation bar's ``|`` and the tabs between blocks included): it is a paragraph,
    and the running-text reader finds the tables in it.
    """
    if csv_rows and "|" not in line and "\t" not in line:
        cells_csv = _csv_row(line)
        return (cells_csv, "csv") if cells_csv is not None and len(cells_csv) >= 2 else None
    if "|" not in line and "\t" not in line:
        return None  # most lines: no cell separator at all
    if line.count("|") >= 2 or (line.count("|") == 1 and line.rstrip().endswith("|")):
        s = line.strip()
        closed = s.endswith("|")
        if closed:
            s = s[:-1]  # a trailing pipe terminates the row; it does not open an empty cell
        # A leading pipe is markdown's opening delimiter only in a row that also closes: html2text
        # prints rows without outer pipes, and "| 5| 9|…| 7" there opens with an empty cell.
        cells, kind = [c.strip() for c in s.split("|")], "open" if closed and s.startswith("|") else "pipe"
        if "\\" in s:  # markdown's escapes: pandoc writes a hyphen cell as \-
            cells = [_MD_ESCAPE.sub(r"\1", c) for c in cells]
    elif line.count("\t") >= 2:
        cells, kind = [c.strip() for c in line.strip("\r\n").split("\t")], "tab"
    else:
        return None
    if len(line) > _MAX_CELL and any(len(c) > _MAX_CELL for c in cells):
        return None
    return cells, kind


_BR = re.compile(r"<br\s*/?>", re.IGNORECASE)
_INLINE_TAG = re.compile(r"</?(?:span|font|strong|b|i|u|em|p|div|a|sup|sub|o:p)(?:\s[^<>]*)?/?>", re.IGNORECASE)
"""Inline HTML elements kept inside a markdown table cell: markup, not text."""
_MAX_CELL = 200
"""Characters beyond which a cell is prose: the longest cell of the template (a table-3 row label)
has 35, a filled-in cell of an 其他需要报告的事项 table rarely 150."""


def _lead_pipes(rows: list[tuple[int, list[str], str]]) -> None:
    """Decide per table what a leading pipe is. When every pipe row of the table opens with one
    (markdown ``| a | b |``), it is the opening delimiter and the empty cell before it is dropped.
    In a table whose other pipe rows do not open with one (seed style ``a | b |``), a row that does
    starts with a blank cell: `` |  | 6 | 6 |`` is table 4 with its first cells blank."""
    if any(kind == "pipe" for _, _, kind in rows):
        return
    for _, cells, kind in rows:
        if kind == "open":
            del cells[0]


def _frame_labels(rows: list[tuple[int, list[str], str]]) -> None:
    """Drop what ``pandas.DataFrame.to_csv`` adds to a table read by ``pandas.read_html``: a first
    row of column numbers (``,0,1,2,…``) and a first column of row numbers (``0``, ``1``, ``2``, …).
    Read as cells they would be table 4's fifteen numbers or a row's applicant counts. Only in CSV
    rows, and only when the numbering runs through the whole table. Changes ``rows`` in place."""
    if not rows or any(kind != "csv" for _, _, kind in rows):
        return
    first = rows[0][1]
    if len(first) >= 3 and not first[0].strip() and [c.strip() for c in first[1:]] == [str(i) for i in range(len(first) - 1)]:
        del rows[0]
    if len(rows) >= 2:
        heads = [cells[0].strip() if cells else "" for _, cells, _ in rows]
        start = heads[0]
        if start in ("0", "1") and heads == [str(int(start) + i) for i in range(len(rows))]:
            for _, cells, _ in rows:
                del cells[0]


def _continued_row(lines: list[str], i: int) -> tuple[str, int]:
    """A markdown row that opens with ``|`` but does not close on its line has a cell with a line
    break in it (``| 行政复议 | 行政诉`` / ``讼 |  | … |``, a converter that kept the ``<br>``): the
    following lines, up to one that closes the row, are joined to it. A line that opens a row of
    its own, or no closing line within a few, leaves the row as it is."""
    joined = lines[i].rstrip()
    for j in range(i + 1, min(i + 1 + _MAX_CONTINUED, len(lines))):
        nxt = lines[j].strip()
        if not nxt or nxt.startswith("|"):
            break
        joined += " " + nxt
        if nxt.endswith("|"):
            return joined, j + 1
    return lines[i], i + 1


_MAX_CONTINUED = 4


def _parse_lines(
    lines: list[str], *, source: str, budget: Budget | None = None, paged: bool = False, csv_rows: bool = False,
) -> tuple[list[Paragraph | Table], dict[str, str]]:
    blocks: list[Paragraph | Table] = []
    metadata: dict[str, str] = {}
    rule = next((i for i, line in enumerate(lines[:60]) if _BODY_RULE.match(line)), None)
    header = lines[:rule] if rule is not None else lines[:40]
    start = rule + 1 if rule is not None else 0
    for i, line in enumerate(header):
        m = _META_LINE.match(line)
        if m:
            key = _META_KEYS[m.group(1)]
            if m.group(2).strip() and key not in metadata:
                metadata[key] = m.group(2).strip()
            if rule is None:
                start = i + 1
        elif line.strip() and rule is None:
            break  # without a body rule only a contiguous key: value header at the top counts
    rows: list[tuple[int, list[str], str]] = []

    def flush() -> None:
        if not rows:
            return
        _lead_pipes(rows)
        _frame_labels(rows)
        cells: list[Cell] = []
        for r, (lineno, texts, _) in enumerate(rows):
            prov = Provenance(line=lineno)  # one per line: every cell of a text row sits on it
            for c, text in enumerate(texts):
                if "<" in text:  # a line break inside a markdown cell (markdownify, pymupdf4llm), and inline
                    # HTML a converter kept (pandoc -t gfm: <span style="FONT-FAMILY: 仿宋_GB2312">0</span>, whose
                    # style holds digits)
                    text = _INLINE_TAG.sub("", _BR.sub("\n", text))
                cells.append(Cell(row=r, col=c, text=" ".join(text.split()), raw_text=text, provenance=prov))
        blocks.append(Table(cells=cells, provenance=Provenance(line=rows[0][0]), spans_known=False))
        rows.clear()

    pages = _pages(lines) if paged else None
    skip_to = start
    for i in range(start, len(lines)):
        if i < skip_to:
            continue  # joined to the row above
        line = lines[i]
        if ("-" in line or "=" in line) and (_MD_SEPARATOR.match(line) or _RULE_LINE.match(line) or ASCII_RULE.match(line)):
            continue
        if line.lstrip().startswith("|") and not line.rstrip().endswith("|"):
            line, skip_to = _continued_row(lines, i)
        if budget is not None:
            budget.tick("text lines")
            if len(line) > 100_000:  # refuse a line of a million cells before splitting it
                budget.cells(max(line.count("|"), line.count("\t")) // 2, "text table row")
        row = _split_row(line, csv_rows)
        if row is not None:
            if budget is not None:
                budget.cells(len(row[0]), "text tables")
            rows.append((i + 1, *row))
            continue
        flush()
        text = line.strip()
        if not text and "\xa0" in line:
            text = "\xa0"  # a blank cell printed (<td>&nbsp;</td> dumped a cell per line): kept for the aligner
        heading = _MD_HEADING.match(text) if text[:1] == "#" else None
        if heading:  # markdown "# 标题": the marker is markup, not text
            text = text[heading.end() :].strip()
        if text:
            indent = len(line) - len(line.lstrip())
            if paged and "\f" in line[:indent]:
                indent = len(line[:indent].rsplit("\f", 1)[-1])  # a form feed (pdftotext's page break) starts the line anew
            blocks.append(Paragraph(text=text, provenance=Provenance(page=pages[i] if pages else None, line=i + 1,
                                                                     column=None if heading else indent),
                                    kind="heading" if heading else "paragraph"))
    flush()
    return blocks, metadata


def _pages(lines: list[str]) -> list[int]:
    """Each line's 1-based page, in a text that marks page breaks with form feeds (pdftotext)."""
    out, page = [], 1
    for line in lines:
        out.append(page + line[: len(line) - len(line.lstrip())].count("\f"))
        page += line.count("\f")
    return out


def read_text(
    text: str, *, source: str = "<memory>", sha256: str = "", encoding: str | None = None, budget: Budget | None = None,
    settings: Settings | None = None,
) -> Document:
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if has_box_table(text):
        lines = unbox(lines)
    embedded = find_tables(lines) if has_html_table(text) else []
    for t in embedded:  # HTML tables kept in markdown: read by the HTML reader, not as lines
        lines[t.first : t.last + 1] = [""] * (t.last - t.first + 1)
    spans = 0
    if "]{" in text:  # after the grid tables' cells are joined: a span's attributes may wrap inside a cell
        joined, spans = unwrap_spans("\n".join(lines))
        lines = joined.split("\n") if spans else lines
    csv_rows = "," in text and is_csv(lines, source)
    blocks, metadata = _parse_lines(lines, source=source, budget=budget, paged="\f" in text, csv_rows=csv_rows)
    if embedded:
        blocks = merge(blocks, read_tables(embedded, source=source, settings=settings or Settings()))
    return Document(
        blocks=blocks,
        reader="text",
        source=source,
        sha256=sha256,
        media_type="text/markdown" if source.endswith(".md") else "text/plain",
        encoding=encoding,
        metadata=metadata,
        warnings=[f"unwrapped_spans: {spans:,} markdown bracketed spans ([text]{{attributes}}) unwrapped; offsets refer to the "
                  "unwrapped text"] if spans else [],
    )


_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#[0-9]{2,7}|#[xX][0-9a-fA-F]{2,6});")
_MIN_ENTITIES = 3
"""Character references before a text is taken for markup stripped of its tags but not unescaped."""


def unescape_entities(text: str) -> tuple[str, int]:
    """A crawler that strips tags with a regular expression leaves the page's character references:
    ``&nbsp;`` in every blank cell of a Word-exported table, ``&ensp;``, ``&#12288;`` between
    words. Read as text they are label characters glued to the numbers (a cell ``0&nbsp;`` reads as
    prose between two numbers). With a few of them in the text, they are decoded (``html.unescape``)
    and the count is returned for the reader's note; otherwise the text is left as it is."""
    n = len(_ENTITY.findall(text, 0, 2_000_000))
    if n < _MIN_ENTITIES:
        return text, 0
    import html

    return html.unescape(text), n


_BRACKETED_SPAN = re.compile(r"\[([^\[\]\n]*)\]\{[^{}\n]*\}")
_MIN_SPANS = 3
_MAX_SPAN_DEPTH = 8
"""Nesting levels unwrapped (pandoc nests two or three; each level is one pass over the text)."""


def unwrap_spans(text: str) -> tuple[str, int]:
    """Pandoc's markdown keeps an HTML page's ``<span style=…>`` as bracketed spans,
    ``[规章]{style="font-family: 仿宋_GB2312; font-size: 14pt;"}``: the attributes are markup (their
    numbers are no cells), the text in brackets is the text. With a few of them in the text, every
    one is unwrapped, innermost first; the count is returned for the reader's note."""
    if text.count("]{") < _MIN_SPANS:
        return text, 0
    total = 0
    for _ in range(_MAX_SPAN_DEPTH):
        text, n = _BRACKETED_SPAN.subn(r"\1", text)
        total += n
        if not n:
            break
    return text, total


def read(data: bytes, *, source: str, settings: Settings) -> Document:
    decoded = decode(data, source=source)
    budget = Budget(settings, source)
    text, entities = unescape_entities(decoded.text) if "&" in decoded.text else (decoded.text, 0)
    doc = read_text(text, source=source, sha256=hashlib.sha256(data).hexdigest(), encoding=decoded.encoding, budget=budget,
                    settings=settings)
    if entities:
        doc.warnings.append(f"unescaped_entities: {entities:,} HTML character references (&nbsp; …) decoded; offsets refer to the decoded text")
    if (note := decoded.warning()) is not None:
        doc.warnings.append(note)
    return doc
