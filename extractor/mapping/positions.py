"""Table columns from character positions: text laid out by position (``pdftotext -layout``).

A PDF's text turned into text by position (``pdftotext -layout``, pdfplumber's ``layout=True``)
pads every line with spaces so that each character sits about where it sat on the page. A blank
table cell then prints nothing, but the numbers after it still sit under their own columns:

    一、本年新收政府   1641    3  2    5    8    1643
    信息公开申请数量   4                         2
    二、上年结转政府        2  0  3    2         7

Used only where the table's rows show the layout (:func:`anchors_of`):

* **Where a short row's numbers go.** A line that prints a number in every cell of a table-3 row
  gives the columns' positions (*anchors*) for its page (:attr:`NumToken.page`: pages are laid out
  apart, a few characters off each other). Among the readings that leave blank cells out
  (:func:`~extractor.mapping.readings.dropped`) and hold the row's totals, those whose numbers sit
  nearest their columns' anchors are kept (:func:`placement_cost`, within half a column's width
  of the best: a number moved by a column costs about a width more, while pdftotext's drift of a
  character or two within a row costs every reading alike). Readings are only filtered, never
  invented; a row on a page without a full row keeps them all.
Numbers a narrow cell wrapped over two lines are joined before this, where rows are found
(:mod:`extractor.locate.align.wrapped`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from statistics import median

from extractor.locate.align.tokens import NumToken
from extractor.mapping.readings import Reading

__all__ = ["Anchors", "anchors_of", "by_position", "placement_cost"]

_WIDER = 1.3
"""How much wider the short rows' numbers sit apart than the full rows' (per gap, the median row):
blank cells take their columns' room. A dump that leaves blank cells out and separates numbers
by a fixed run of spaces spaces them alike."""


@dataclass(frozen=True, slots=True)
class Anchors:
    """Where a full row's numbers sit (one point per column) and the source line they print on."""

    line: int
    page: int | None
    centers: tuple[float, ...]
    align: str = "centre"
    """Which point of a number the columns align (``start``, ``end`` or ``centre``): a right-aligned
    column puts a 1-digit number's centre a character right of a 3-digit one's."""

    def at(self, t: NumToken) -> float:
        return _point(t, self.align)


def _point(t: NumToken, align: str = "centre") -> float:
    """Where a number sits on its line: its first character, its end, or its centre."""
    assert t.x is not None
    width = t.end - t.start
    return t.x if align == "start" else t.x + width if align == "end" else t.x + width / 2


def _gaps(tokens: Sequence[NumToken]) -> list[float]:
    return [_point(b) - _point(a) for a, b in pairwise(tokens)]


def _widest_space(top: Sequence[NumToken]) -> int:
    """The most characters between two adjacent numbers of a row's line."""
    return max(b.x - a.x - (a.end - a.start) for a, b in pairwise(top))  # type: ignore[operator]


def _top(tokens: Sequence[NumToken]) -> list[NumToken]:
    """The numbers on the row's first line, when every number has a position and the others are
    on the next line (pieces :mod:`~extractor.locate.align.wrapped` could not join)."""
    if not tokens or any(t.x is None or t.line is None for t in tokens):
        return []
    head = tokens[0].line
    assert head is not None
    if any(t.line not in (head, head + 1) for t in tokens):
        return []
    return [t for t in tokens if t.line == head]


def anchors_of(rows: Mapping[str, Sequence[NumToken]], k: int) -> list[Anchors]:
    """The full rows' anchors, when the table is laid out by position; else none.

    Laid out by position means: every row on lines of its own, some row printing all ``k`` numbers
    on its first line, and the rows printing fewer numbers there spread them :data:`_WIDER` as far
    apart (the median row: their blank cells kept their room), the median one with a wider space
    between two numbers than any full row has."""
    tops = [_top(toks) for toks in rows.values()]
    lines = [top[0].line for top in tops if top]
    if len(set(lines)) < len(lines):
        return []  # rows sharing a line (a page dumped on one line): offsets there say nothing of columns
    full = [top for top in tops if len(top) == k]
    short = [top for top in tops if 1 < len(top) < k]
    if not short:
        return []
    full = [top for top in full if all(b.x > a.x for a, b in pairwise(top))]  # type: ignore[operator]
    if not full:
        return []
    per_gap = median(g for top in full for g in _gaps(top))
    if median((_point(top[-1]) - _point(top[0])) / ((len(top) - 1) * per_gap) for top in short) < _WIDER:
        return []
    if median(_widest_space(top) for top in short) <= max(_widest_space(top) for top in full):
        return []  # no blank cell kept its room (single spaces throughout: a text of rows, not of positions)
    return [a for page in {top[0].page for top in full} for a in _full_row_anchors([top for top in full if top[0].page == page])]


_ALIGNS = ("start", "end", "centre")


def _full_row_anchors(full: Sequence[Sequence[NumToken]]) -> list[Anchors]:
    """A page's full rows as anchors at every alignment; with two or more of them, only at the
    alignments under which their columns spread least (how the page's cells align; within half a
    character per column of the least: numbers of like widths spread alike at any alignment)."""
    aligns: Sequence[str] = _ALIGNS
    if len(full) > 1:
        def spread(align: str) -> float:
            return sum(max(_point(top[c], align) for top in full) - min(_point(top[c], align) for top in full)
                       for c in range(len(full[0])))
        spreads = {align: spread(align) for align in _ALIGNS}
        aligns = [align for align in _ALIGNS if spreads[align] <= min(spreads.values()) + len(full[0]) / 2]
    return [Anchors(top[0].line or 0, top[0].page, tuple(_point(t, align) for t in top), align) for top in full for align in aligns]


def _nearest(anchors: Sequence[Anchors], line: int, page: int | None) -> Anchors | None:
    """The anchor line closest to ``line`` on the same page (each page of a table has columns of
    its own: another page's may sit a few characters off)."""
    same = [a for a in anchors if a.page == page]
    return min(same, key=lambda a: (abs(a.line - line), a.line), default=None)


def _width(a: Anchors) -> float:
    """The narrowest column spacing of an anchor line."""
    return min(y - x for x, y in pairwise(a.centers))


def placement_cost(reading: Reading, tokens: Sequence[NumToken], anchors: Sequence[Anchors], shift: float = 0.0) -> float | None:
    """How far the reading puts the row's numbers from their columns: the characters between each
    number's centre and its column's anchor, summed, plus a column's width for every cell a
    number fills beyond its first (a layout by position prints each cell). ``None`` when the row
    is not laid out on its line or no anchor line shares its page."""
    top = _top(tokens)
    if len(top) < 2:
        return None
    a = _nearest(anchors, top[0].line or 0, top[0].page)
    if a is None or len(a.centers) != len(reading):
        return None
    width = _width(a)
    by_start = {t.start: t for t in tokens}
    cost = 0.0
    seen: set[int] = set()
    for col, cell in enumerate(reading):
        if cell.offset is None or (cell.value is None and not cell.raw):
            continue
        if cell.offset in seen:
            cost += width
            continue
        seen.add(cell.offset)
        tok = by_start.get(cell.offset)
        if tok is None:
            return None
        cost += abs(a.at(tok) - shift - a.centers[col])
    return cost


def by_position(kept: list[tuple[Reading, float]], tokens: Sequence[NumToken], anchors: Sequence[Anchors]) -> list[tuple[Reading, float]]:
    """The readings that place the numbers nearest their columns: within half a column's width of
    the best (a reading that moves a number by a column costs about a width more), at each
    alignment the anchors allow (the union: an alignment the page does not show decides nothing
    alone); all of them when the row's positions are unknown."""
    top = _top(tokens)
    keep: set[int] = set()
    scored_any = False
    for align in _ALIGNS:
        sub = [a for a in anchors if a.align == align]
        a = _nearest(sub, top[0].line or 0, top[0].page) if top else None
        if a is None:
            continue
        last = top[-1]
        # A row set off its columns (pdftotext pushes a row after a long label): when every reading
        # puts the row's last number in the last column (its total), that column says by how much.
        # Whether it is set off or drawn together (its first columns in place) is not known: the
        # readings nearest under either are kept.
        shifts = {0.0, a.at(last) - a.centers[-1] if all(r[-1].offset == last.start for r, _ in kept) else 0.0}
        for shift in shifts:
            scored = [placement_cost(r, tokens, sub, shift) for r, _ in kept]
            if any(m is None for m in scored):
                continue
            scored_any = True
            best = min(m for m in scored if m is not None)
            keep.update(i for i, m in enumerate(scored) if m is not None and m <= best + _width(a) / 2)
    return [kept[i] for i in sorted(keep)] if scored_any else kept
