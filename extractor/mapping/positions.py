"""Table columns from character positions: text laid out by position (``pdftotext -layout``).

A PDF's text turned into text by position (``pdftotext -layout``, pdfplumber's ``layout=True``)
pads every line with spaces so that each character sits about where it sat on the page. A blank
table cell then prints nothing, but the numbers after it still sit under their own columns:

    一、本年新收政府   1641    3  2    5    8    1643
    信息公开申请数量   4                         2
    二、上年结转政府        2  0  3    2         7

Two things follow, both used only where the table's rows show the layout (:func:`anchors_of`):

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
    """Centres of a full row's numbers (one per column) and the source line they print on."""

    line: int
    page: int | None
    centers: tuple[float, ...]
    align: str = "centre"
    """Which point of a number the columns align: ``centre`` (a full row's numbers), ``start`` or
    ``end`` (columns found from every row of a page, :func:`_page_anchors`)."""

    def at(self, t: NumToken) -> float:
        assert t.x is not None
        return t.x if self.align == "start" else t.x + (t.end - t.start) if self.align == "end" else _center(t)


def _center(t: NumToken) -> float:
    assert t.x is not None
    return t.x + (t.end - t.start) / 2


def _gaps(tokens: Sequence[NumToken]) -> list[float]:
    return [_center(b) - _center(a) for a, b in pairwise(tokens)]


def _top(tokens: Sequence[NumToken]) -> list[NumToken]:
    """The numbers on the row's first line, when every number has a position and the others are
    pieces on the next line (see :func:`vertical_joins`)."""
    if not tokens or any(t.x is None or t.line is None for t in tokens):
        return []
    head = tokens[0].line
    assert head is not None
    if any(t.line not in (head, head + 1) for t in tokens):
        return []
    return [t for t in tokens if t.line == head]


def anchors_of(rows: Mapping[str, Sequence[NumToken]], k: int) -> list[Anchors]:
    """The full rows' anchors, when the table is laid out by position; else none.

    Laid out by position means: some row prints all ``k`` numbers on its first line, and the rows
    printing fewer numbers there spread them :data:`_WIDER` as far apart (the median row: their
    blank cells kept their room)."""
    tops = [_top(toks) for toks in rows.values()]
    full = [top for top in tops if len(top) == k]
    short = [top for top in tops if 1 < len(top) < k]
    if not short:
        return []
    found = [Anchors(top[0].line or 0, top[0].page, tuple(_center(t) for t in top)) for top in full
             if all(b.x > a.x for a, b in pairwise(top))]  # type: ignore[operator]
    if full:
        per_gap = median(g for top in full for g in _gaps(top))
        if median((_center(top[-1]) - _center(top[0])) / ((len(top) - 1) * per_gap) for top in short) < _WIDER:
            return []
    pages = {top[0].page for top in tops if top} - {a.page for a in found}
    for page in pages:
        found += _page_anchors([top for top in tops if top and top[0].page == page], k)
    return found


_CLUSTER_SPAN = 2
"""Characters a column's numbers may spread over, aligned at one point, in a page's columns."""


def _page_anchors(tops: Sequence[Sequence[NumToken]], k: int) -> list[Anchors]:
    """A page's columns when no row there prints every cell: all its rows' numbers, aligned at
    their start, end or centre, fall into exactly ``k`` groups each at most :data:`_CLUSTER_SPAN`
    wide and apart from the next by more than the widest. The alignment that groups tightest
    wins; none that does gives no anchors (the page's short rows keep all their readings)."""
    if sum(len(top) for top in tops) < 2 * k:
        return []
    best: tuple[float, Anchors] | None = None
    for align in ("start", "end", "centre"):
        probe = Anchors(0, None, (), align)
        xs = sorted(probe.at(t) for top in tops for t in top)
        groups: list[list[float]] = [[xs[0]]]
        for x in xs[1:]:
            if x - groups[-1][-1] > 1:
                groups.append([x])
            else:
                groups[-1].append(x)
        spans = [g[-1] - g[0] for g in groups]
        if len(groups) != k or max(spans) > _CLUSTER_SPAN:
            continue
        if min(b[0] - a[-1] for a, b in pairwise(groups)) <= max(spans):
            continue
        line = min(top[0].line or 0 for top in tops)
        cand = Anchors(line, tops[0][0].page, tuple(sum(g) / len(g) for g in groups), align)
        if best is None or max(spans) < best[0]:
            best = (max(spans), cand)
    return [best[1]] if best else []


def _nearest(anchors: Sequence[Anchors], line: int, page: int | None) -> Anchors | None:
    """The anchor line closest to ``line`` on the same page (each page of a table has columns of
    its own: another page's may sit a few characters off)."""
    same = [a for a in anchors if a.page == page]
    return min(same, key=lambda a: (abs(a.line - line), a.line), default=None)


def _width(a: Anchors) -> float:
    """The narrowest column spacing of an anchor line."""
    return min(y - x for x, y in pairwise(a.centers))


def placement_cost(reading: Reading, tokens: Sequence[NumToken], anchors: Sequence[Anchors]) -> float | None:
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
        cost += abs(a.at(tok) - a.centers[col])
    return cost


def by_position(kept: list[tuple[Reading, float]], tokens: Sequence[NumToken], anchors: Sequence[Anchors]) -> list[tuple[Reading, float]]:
    """The readings that place the numbers nearest their columns: within half a column's width of
    the best (a reading that moves a number by a column costs about a width more); all of them
    when the row's positions are unknown."""
    scored = [(placement_cost(r, tokens, anchors), r, c) for r, c in kept]
    if any(m is None for m, _, _ in scored):
        return kept
    top = _top(tokens)
    a = _nearest(anchors, top[0].line or 0, top[0].page)
    assert a is not None
    margin = _width(a) / 2
    best = min(m for m, _, _ in scored if m is not None)
    return [(r, c) for m, r, c in scored if m is not None and m <= best + margin]
