"""Blocks from the report container: paragraphs from one walk of its elements, tables expanded into
a grid the way browsers do it."""

from __future__ import annotations

from functools import lru_cache

from lxml import etree

from extractor.budget import Budget
from extractor.document import Block, Cell, Paragraph, Provenance, Table
from extractor.document.model import provenance_at
from extractor.readers.html.nodes import (
    BLOCK,
    BOILER_CHECK,
    HEADINGS,
    MAX_COLSPAN,
    SKIP,
    El,
    clean_line,
    is_boiler,
    is_layout,
    norm,
    span,
    text_of,
)
from extractor.readers.html.page import Page

_tostring = etree.tostring


class Emitter:
    """Walks the report container once (iterwalk events) and turns it into blocks."""

    def __init__(self, page: Page, warnings: list[str], budget: Budget, *, keep_links: bool) -> None:
        self.page = page
        self.budget = budget
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
        skip = SKIP - {"head"} if top.tag == "html" else SKIP  # no <body>: libxml2 left the text in <head>
        n = 0
        for event, el in it:
            n += 1
            if not n & 255:
                self.budget.check("html elements")
            tag = el.tag
            if not isinstance(tag, str):  # entity or the like: only its tail is text
                if event == "end" and el is not top:
                    self._add(el.tail, links > 0, stack[-1] if stack else top, headings > 0)
                continue
            if event == "start":
                if el is not top and (tag in skip or (tag in BOILER_CHECK and self._boilerplate(el))):
                    if tag in BLOCK:
                        self._flush()
                    it.skip_subtree()
                    skipped = el
                    continue
                if tag == "table" and not is_layout(el):
                    self._flush()
                    self._tables(el)
                    it.skip_subtree()
                    skipped = el
                    continue
                if tag == "br":
                    self._flush()
                    continue
                if tag in BLOCK:
                    self._flush()
                    stack.append(el)
                    headings += tag in HEADINGS
                elif tag == "a" and el.get("href") is not None:
                    links += 1
                if el.text:
                    self._add(el.text, links > 0, stack[-1] if stack else top, headings > 0)
                continue
            if el is skipped:
                skipped = None
                if tag in BLOCK:
                    self._flush()
            elif tag in BLOCK:
                self._flush()
                stack.pop()
                headings -= tag in HEADINGS
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
        if self.keep_links or not is_boiler(el):  # keep_links: the last resort keeps everything
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
        text = norm(clean_line("".join(self.pieces)))
        linky = self.link_chars >= 0.8 * self.chars
        self.pieces, self.chars, self.link_chars = [], 0, 0
        if not text or (linky and not self.keep_links):
            return
        owner = self.owner
        prov = provenance_at(owner.sourceline, self.page.path(owner))
        self.blocks.append(Paragraph(text, prov, "heading" if self.heading else "paragraph"))

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
            text = norm(" ".join(_cell_lines(caption, nested)))
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
        tick, count = self.budget.tick, self.budget.cells
        add_cell, add_stray, cell_texts, prov_at = cells.append, stray.append, _cell_texts, provenance_at
        occupied: list[tuple[int, int]] = []
        for r, tr in enumerate(rows):
            tick("html table rows")
            count(len(tr), "html tables")
            if active:
                active = [a for a in active if a[2] >= r]
                occupied = sorted((a[0], a[1]) for a in active)  # disjoint by construction
            elif occupied:
                occupied = []
            i = col = ci = 0
            prefix = f"table[{k}]/tr[{r + 1}]/"
            for td in tr:
                tag = td.tag
                tail = td.tail  # (stray text is joined and whitespace-normalised: empty pieces add nothing)
                if tag != "td" and tag != "th":
                    if isinstance(tag, str):
                        stray.extend(_cell_lines(td, nested))
                    if tail:
                        add_stray(tail)
                    continue
                if tail:
                    add_stray(tail)
                ci += 1
                value = td.get("colspan")
                cs = 1 if value is None else span(value, 1, MAX_COLSPAN)
                value = td.get("rowspan")
                rs = 1 if value is None else span(value, 0, n_rows - r) or n_rows - r  # rowspan=0: to the table's end
                if occupied:
                    while i < len(occupied):
                        start, end = occupied[i]
                        if end <= col:
                            i += 1
                        elif start <= col:
                            col, i = end, i + 1
                        else:
                            break
                    if i < len(occupied) and occupied[i][0] < col + cs:
                        cs, shrunk = occupied[i][0] - col, True
                text, raw = cell_texts(td, nested)
                add_cell(Cell(r, col, text, raw, rs, cs, prov_at(td.sourceline, f"{prefix}{tag}[{ci}]")))
                if rs > 1:
                    active.append((col, col + cs, r + rs - 1))
                col += cs
        loose = norm(" ".join(stray))
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


_CELL_BREAKS = BLOCK | SKIP | {"br"}


@lru_cache(maxsize=4096)
def _lines1(text: str) -> list[str]:
    """A cell's text as one line (cells repeat the same few texts: 0, /, 无 …). Callers must not
    change the list."""
    line = clean_line(text)
    return [line] if line else []


@lru_cache(maxsize=4096)
def _texts1(text: str) -> tuple[str, str]:
    """``(text, raw_text)`` of a cell whose text is one line: ``text`` of :func:`_lines1`."""
    line = clean_line(text)
    return (norm(line), line) if line else ("", "")


@lru_cache(maxsize=4096)
def _norm1(line: str) -> str:
    return norm(line)


def _cell_texts(cell: El, nested: list[El]) -> tuple[str, str]:
    """A cell's ``(text, raw_text)``: its :func:`_cell_lines` joined by spaces (whitespace
    normalised) and by newlines. The cells of a report table are one line each, a bare text or
    Word's ``<p><span>…``; those are read here without the general line walk."""
    n = len(cell)
    if not n:
        return _texts1(cell.text or "")
    only: El = None  # the one block or <br> inside the cell, if there is exactly one
    for e in cell.iterdescendants():
        if e.tag in _CELL_BREAKS:
            if only is not None:
                break
            only = e
    else:
        if only is None:
            return _texts1(_tostring(cell, method="text", encoding=str, with_tail=False))
        if only.tag == "p" or only.tag == "div":
            text = _tostring(cell, method="text", encoding=str, with_tail=False)
            if (n == 1 and cell[0] is only and not (cell.text or "").strip() and not (only.tail or "").strip()) or (
                text.strip() == text_of(only).strip()
            ):
                return _texts1(text)
    lines = _cell_lines(cell, nested)
    if len(lines) == 1:
        return _norm1(lines[0]), lines[0]
    return norm(" ".join(lines)), "\n".join(lines)


def _cell_lines(cell: El, nested: list[El]) -> list[str]:
    """The cell's text as lines (``<br>`` and block boundaries break lines), nested tables left out.

    Lines keep ``&nbsp;`` (a cell holding only ``&nbsp;`` gives ``["\\xa0"]``, whose text is "").
    """
    only: El = None  # the one block or <br> inside the cell, if there is exactly one
    several = False
    for e in cell.iterdescendants():
        if e.tag in _CELL_BREAKS:
            if only is not None:
                several = True
                break
            only = e
    if not several and (only is None or only.tag in ("p", "div")):  # Word's <td><p><span>…
        text = text_of(cell)
        alone = only is None or (
            len(cell) == 1 and cell[0] is only and not (cell.text or "").strip() and not (only.tail or "").strip()
        )
        if alone or text.strip() == text_of(only).strip():
            return _lines1(text)
    lines: list[str] = []
    cur: list[str] = []

    def brk() -> None:
        if cur:
            line = clean_line("".join(cur))
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
            if tag == "table" or tag in SKIP:
                if tag == "table":
                    nested.append(el)
                brk()
                it.skip_subtree()
                skipped = el
                continue
            if tag == "br" or tag in BLOCK:
                brk()
            if el.text:
                cur.append(el.text)
            continue
        if el is cell:
            break
        if el is skipped or (isinstance(tag, str) and tag in BLOCK):
            brk()
        if el.tail:
            cur.append(el.tail)
    brk()
    return lines


# ---------------------------------------------------------------- page metadata

