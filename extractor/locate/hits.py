"""What the locator hands to the mapping: rows of tables 2–4 recognised by their labels.

A :class:`RowHit` is one template row found in the document, whatever the format: either a list
of printed cells already resolved to columns (tables the reader saw as grids) or a *run* of text
whose cell boundaries were lost (running text), read by :mod:`extractor.mapping.readings`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from extractor.document import Cell
from extractor.records.models import CellRef
from extractor.template import T2_ITEMS, T3_ROWS, RowSpec, T2ItemSpec
from extractor.text import fold

if TYPE_CHECKING:
    from extractor.locate.align.tokens import NumToken

TableKind = Literal["t2", "t3", "t4"]
UNLABELED = "?"
"""Key of a table-3 value row printed without its label."""


@dataclass(slots=True)
class PrintedCell:
    """A printed cell handed to the mapping. Its :class:`CellRef` is built on first use: most
    cells of a document never become figures, and building pydantic objects is the costly part."""

    text: str
    table_index: int
    cell: Cell
    _ref: CellRef | None = None

    @property
    def ref(self) -> CellRef:
        if self._ref is None:
            self._ref = cell_ref(self.table_index, self.cell)
        return self._ref


def cell_ref(table_index: int, cell: Cell) -> CellRef:
    p = cell.provenance
    return CellRef.at(table_index, cell.row, cell.col, p.page, p.line, p.path, p.bbox)


@dataclass(slots=True)
class RowHit:
    kind: TableKind
    key: str
    """t3 row key, t2 item key, or ``"data"`` for the table-4 row."""
    label: str = ""
    cells: Sequence[PrintedCell | None] | None = None
    """Grid rows: one entry per column (``None`` = the row prints no cell there)."""
    run: str | None = None
    """Flattened rows: the text between this row's label and the next label."""
    tokens: Sequence[NumToken] | None = None
    """Running text: the numbers printed for this row, with how they were separated
    (:mod:`extractor.locate.align`); the mapping decides how many cells each fills."""
    unreadable: str | None = None
    """Why the row's printed cells cannot be told apart (e.g. a placeholder glued to its label),
    so that no reading may decide them."""
    run_ref: CellRef = field(default_factory=CellRef.make)
    columns: tuple[str, ...] = ()
    """Table 2: column keys from the block's header row (in print order)."""
    block: str | None = None
    """Table 2: the 第二十条 item ``(一)``… the row sits under."""
    absent: tuple[int, ...] = ()
    """Grid rows: value columns the table does not print at all (its header has no 总计 and its rows
    one cell fewer: a table cut at the page's edge when it was converted), left without a value
    rather than read as blank."""
    moved: str | None = None
    """Running text: how numbers printed away from the row's label were given to it
    (:mod:`extractor.locate.align.displaced`); reported as a ``rows.displaced`` finding."""


@dataclass(slots=True)
class Located:
    """All rows found, plus the raw signals the template detector needs."""

    t2: list[RowHit] = field(default_factory=list)
    t3: list[RowHit] = field(default_factory=list)
    t4: list[RowHit] = field(default_factory=list)
    t2_header_words: set[str] = field(default_factory=set)
    sources: dict[str, str] = field(default_factory=dict)
    """Per table kind: ``grid`` or ``text`` — where its rows came from."""
    t2_headings_misplaced: bool = False
    """Running text: a table-2 block's column headings are printed among its rows or above another
    block (:func:`t2_headings_misplaced`): its rows' numbers may be other rows' cells."""
    t3_header_inside: bool = False
    """Running text: table 3's applicant headings (自然人, 商业企业 …) are printed among its rows, not
    above them — a text layer read out of order, where a row's printed numbers may not be all of it."""


_ENUM_PREFIX = re.compile(r"^[\(\[]?[一二三四五六七八九十\d]+[\)\]\.]?")


@lru_cache(maxsize=8192)
def match_t3_row(label: str, *, in_other_group: bool = False) -> RowSpec | None:
    """The table-3 row whose core occurs last in ``label`` (the label closest to the numbers).

    ``（六）其他处理1.申请人无正当理由逾期不补正…`` holds the group label and the sub-row label;
    the sub-row wins. A bare ``其他``/``3.其他`` is the third （六） sub-row only inside that group, or
    after the group's own label in the same row.
    """
    f = fold(label)
    if not f:
        return None
    best: tuple[int, int, RowSpec] | None = None
    for spec in T3_ROWS:
        for core in spec.cores:
            pos = f.rfind(core)
            if pos >= 0:
                end = pos + len(core)
                rank = (end, len(core))
                if best is None or rank > best[:2]:
                    best = (end, len(core), spec)
    if best is not None:
        spec = best[2]
        if spec.key == "other" and f.endswith("其他") and not f.endswith("其他处理") and (in_other_group or "其他处理" in f):
            return _OTHER_OTHER  # inside the group, or printed after its label (``（六）其他处理3．其他``: a row
            # that is a table of its own, as a Word text dump whose wrapped group cell breaks the rows)
        return spec
    stripped = _ENUM_PREFIX.sub("", f)
    if stripped in ("其他", "其它") and (in_other_group or f.startswith("3.")):
        return _OTHER_OTHER
    return None


_OTHER_OTHER = next(r for r in T3_ROWS if r.key == "other_other")

_T2_PATTERNS: tuple[tuple[re.Pattern[str], T2ItemSpec], ...] = tuple(
    (re.compile("|".join(re.escape(c) for c in item.cores)), item) for item in T2_ITEMS
)


@lru_cache(maxsize=4096)
def match_t2_item(label: str) -> T2ItemSpec | None:
    f = fold(label)
    best: tuple[int, T2ItemSpec] | None = None
    for pattern, item in _T2_PATTERNS:
        for m in pattern.finditer(f):
            if best is None or m.end() > best[0]:
                best = (m.end(), item)
    return best[1] if best else None


_T2_COLUMN_CORES: tuple[tuple[str, str], ...] = (
    ("制发", "issued"),
    ("废止", "repealed"),
    ("现行有效", "in_force"),
    ("先行有效", "in_force"),
    ("有效件数", "in_force"),
    ("处理决定", "decisions"),
    ("收费金额", "amount"),
    ("采购总金额", "amount"),
    ("总金额", "amount"),
    ("新制作", "new_made"),
    ("新公开", "new_published"),
    ("公开总数", "total_published"),
    ("对外公开总", "total_published"),
    ("上一年", "prior_year"),
    ("上年项目", "prior_year"),
    ("增/减", "change"),
    ("增减", "change"),
    ("采购项目", "projects"),
)


T2_UNRECORDED = "?"
"""Prefix of a header column no known word names (``?2019年项目数量``: the year's own item count
printed instead of 上一年项目数量 + 本年增/减; ``?本年新作数量``: a garbled heading), the heading's
text after it. Such a column is read, so that the row's cells stay apart, and recorded nowhere
unless the template has a like-worded column in its place (see mapping.tables)."""
_T2_HEADING_END = re.compile(r"数量|件数|金额|增/?减")
"""The word a printed column heading ends with."""


_FIRST_BLOCK_KEYS = frozenset({"issued", "repealed", "in_force", "new_made", "new_published", "total_published"})
"""Columns of the 第二十条第（一）项 block (规章, 规范性文件) only."""


def t2_headings_misplaced(block: str, header: str, body: str) -> bool:
    """Whether a table-2 block's column headings stand where no table prints them: among its rows
    (``body``, from its rows' first number to the next block; a heading between the first item and
    its number is pdftotext's order for a one-row block) or, in its ``header``, a heading of another
    block's kind (（一）'s 新公开数量 above 行政事业性收费). pdftotext's plain order does this to
    narrow cells read across the columns; the block's numbers are then in column order."""
    late = [_heading_key(h) for h in _headings(fold(body))]
    if any(k is not None for k in late):
        return True
    keys = [k for k in (_heading_key(h) for h in _headings(fold(header))) if k is not None]
    first = block == "(一)"
    return any((k in _FIRST_BLOCK_KEYS) != first for k in keys)


def _headings(f: str) -> list[str]:
    """The printed column headings of a header text: each runs from the end of the previous one (or
    the start of its line) to the word it ends with. One scan for the end words: a lazy
    ``.*?(?:数量|…)`` searched from every position of a long text without one is quadratic."""
    out = []
    prev = 0
    for m in _T2_HEADING_END.finditer(f):
        start = max(prev, f.rfind("\n", prev, m.start()) + 1)
        out.append(f[start : m.end()])
        prev = m.end()
    return out


def t2_columns_in(text: str) -> list[str]:
    """Table-2 column keys of a header text, one per printed heading in printed order
    (:data:`T2_UNRECORDED` for a heading that names no known column); a heading repeated at once
    (a spanned cell copied into each column it covers) counts once."""
    return list(_t2_columns_in(text)) if len(text) <= 400 else _t2_columns(text)


@lru_cache(maxsize=1024)
def _t2_columns_in(text: str) -> tuple[str, ...]:
    """:func:`t2_columns_in`, kept per text (a report's table-2 header rows repeat the same words)."""
    return tuple(_t2_columns(text))


def _t2_columns(text: str) -> list[str]:
    f = fold(text)
    headings = [part for h in _headings(f) for part in _wrapped_apart(h)]
    out: list[str] = []
    prev = None
    for h in headings:
        if h == prev:
            continue
        prev = h
        key = _heading_key(h)
        if key is not None and out and out[-1] == key:
            continue  # the same heading again, after 信息内容 stood before its first copy
        out.append(T2_UNRECORDED + h if key is None or key in out else key)
    if not out or all(k.startswith(T2_UNRECORDED) for k in out):
        return _columns_named(f)
    return out


def _wrapped_apart(heading: str) -> list[str]:
    """A heading whose last character wrapped below the next one (pdftotext -layout prints
    ``上一年项目数 本年增/减 处理决定数量`` and ``量`` on the line below) runs into the next heading:
    split it after the ``数`` that ends a known column word, when another known word follows.
    (``上一年项目本年收费金额``, a stray word before the heading, has no such 数 and stays one.)"""
    hits = sorted((heading.find(core), core) for core, _ in _T2_COLUMN_CORES if core in heading)
    for (pos, core), (nxt, _) in pairwise(hits):
        cut = heading.find("数", pos + len(core), nxt)
        if nxt >= pos + len(core) and cut >= 0:
            return [heading[: cut + 1], *_wrapped_apart(heading[cut + 1 :])]
    return [heading]


def _heading_key(heading: str) -> str | None:
    """The column a heading names: the known word ending nearest its end (``上一年项目本年收费金额``
    is 收费金额)."""
    best: tuple[int, str] | None = None
    for core, key in _T2_COLUMN_CORES:
        pos = heading.rfind(core)
        if pos >= 0 and (best is None or pos + len(core) > best[0]):
            best = (pos + len(core), key)
    return best[1] if best else None


def _columns_named(f: str) -> list[str]:
    """Known column words anywhere in a header without headings to split on, in printed order."""
    found: list[tuple[int, str]] = []
    taken: set[str] = set()
    for core, key in _T2_COLUMN_CORES:
        pos = f.find(core)
        if pos >= 0 and key not in taken:
            found.append((pos, key))
            taken.add(key)
    return [k for _, k in sorted(found)]


_BLOCK = re.compile(r"第二十条第?\(([一二三四五六七八九十]+)\)项?")


def t2_block_in(text: str) -> str | None:
    m = _BLOCK.search(fold(text))
    return f"({m.group(1)})" if m else None
