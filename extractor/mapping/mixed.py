"""Readings of a row in a text that both leaves blank cells out and breaks or glues numbers.

:mod:`extractor.mapping.readings` reads a row under one layout at a time: blank cells left out
(*dropped*), or numbers broken over lines (*joined*), or digits run together (*glued*). A text can
do two at once: ``get_text(" ", strip=True)`` of a page whose cells hold their digits in several
``<span>`` elements leaves empty cells out and prints ``1 1`` for 11; ``get_text()`` of a page with
empty ``<td>`` cells runs the digits of the printed cells together and prints nothing for the empty
ones. Such a row has many more readings, so only the row's own identity licenses one: these
readings are only those whose every group of cells holds its total.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

from extractor.locate.align.tokens import NumToken
from extractor.mapping.readings import (
    BLANK,
    MAX_ATTEMPTS,
    MAX_JOINS,
    MAX_READINGS,
    CellReading,
    Columns,
    GroupCheck,
    Num,
    Options,
    Reading,
    _cell,
    _fits,
    _new_cell,
    _TooMany,
    _valid,
    token_cell,
)
from extractor.text import CellState


def joined_dropped(tokens: Sequence[NumToken], cols: Columns, holds: GroupCheck, group: int) -> Options:
    """A row of a text that both leaves blank cells out and breaks numbers over lines (``11`` /
    ``10 21``: 11, four blanks, 10, 21 — or 1, 1, 10, 21…): the fewest joins of adjacent numbers after
    which the joined numbers, placed in order with blank cells between them, make every group of
    ``group`` cells hold its own total (``holds``). Only rows that no plain reading explains come
    here, so the identity is what licenses each join.

    Every group's total must be a printed number (a placeholder total checks nothing). Joins may
    cross a line break or a space, never a placeholder, a signed number or a number
    with a unit before it. Every printed number other than 0 fills exactly one cell: a value
    merged over repeated cells would let almost any row balance. A ``0`` may stand for several
    cells (it reads as the blanks around it). All readings with the fewest joins are returned (cost:
    the number of joins); none when no join count up to :data:`MAX_JOINS` balances the row."""
    n, k = len(tokens), cols.k
    joinable = [
        i for i in range(1, n) if tokens[i].sep in ("line", "space")
        and not tokens[i].placeholder and not tokens[i - 1].placeholder and not tokens[i].sign and not tokens[i - 1].unit
    ]
    budget = [MAX_ATTEMPTS]
    if n <= k:  # a row the plain dropped readings explain (their list may have been too long to keep) needs no join
        try:
            if next(_placed(tokens, cols, holds, group, budget, merge=True), None) is not None:
                return Options("none", [])
        except _TooMany:
            return Options("none", [])
    for j in range(max(1, n - k), min(MAX_JOINS, len(joinable)) + 1):
        found: dict[tuple[tuple[int | None, Num], ...], tuple[Reading, float]] = {}
        for joins in itertools.combinations(joinable, j):
            merged = _merge(tokens, frozenset(joins), cols)
            if merged is None:
                continue
            try:
                for reading in _placed(merged, cols, holds, group, budget):
                    found.setdefault(tuple((c.offset, c.flat) for c in reading), (reading, float(j)))
            except _TooMany:
                return Options("none", [])
            if len(found) > MAX_READINGS:
                return Options("none", [])
        if found:
            return Options("joined", list(found.values()))
    return Options("none", [])


def _merge(tokens: Sequence[NumToken], joins: frozenset[int], cols: Columns) -> list[NumToken] | None:
    """``tokens`` with token ``i`` joined onto the one before it for every ``i`` in ``joins`` (the
    joined token keeps the first one's place and the last one's unit); ``None`` when a joined number
    is no valid number (a leading zero, too many digits)."""
    out: list[NumToken] = []
    for i, t in enumerate(tokens):
        if i not in joins:
            out.append(t)
            continue
        prev = out[-1]
        digits = prev.digits + t.digits
        if not _valid(digits, decimal=bool(cols.decimal), max_digits=cols.max_digits):
            return None
        out[-1] = NumToken(prev.text + t.text, digits, prev.sign, t.unit, prev.start, t.end, prev.sep, prev.label_pos,
                           prev.digits_at, prev.line, prev.blanks_before, t.blanks_after, prev.gap_lines)
    return out


def _placed(
    tokens: Sequence[NumToken], cols: Columns, holds: GroupCheck, group: int, budget: list[int], merge: bool = False,
) -> Iterator[Reading]:
    """The placements of ``tokens`` in order, each non-zero one in exactly one cell, a ``0`` in one
    or more, every other cell blank, whose groups all hold (``merge``: a number may fill more cells,
    as :func:`~extractor.mapping.readings.dropped` reads repeated values). ``budget`` counts the cells placed, across calls."""
    n, k = len(tokens), cols.k
    base = [token_cell(t) for t in tokens]
    zero = CellReading(0, CellState.ZERO, "0", None, None, True) if any(c.value == 0 for c in base) else BLANK
    cells = [_new_cell(b.value, b.state, b.raw, b.offset, b.line, True) for b in base]
    picked: list[CellReading] = []

    def walk(c: int, i: int, used: bool) -> Iterator[Reading]:
        if c == k:
            if i == n - 1 and used:
                yield tuple(picked)
            return
        if k - c < n - 1 - i + (0 if used or i < 0 else 1):
            return  # fewer cells left than tokens still to place
        moves: list[tuple[int, bool, int]] = [(i, used, -1)]  # a blank cell (or a 0 standing for one more)
        if merge and i >= 0 and used:
            moves.append((i, True, i))  # the value repeated
        if (i < 0 or used) and i + 1 < n:
            moves.append((i + 1, True, i + 1))
        for nxt, nxt_used, origin in moves:
            cell = zero if origin < 0 or base[origin].value == 0 else cells[origin]
            if origin >= 0 and not _fits(base[origin], tokens[origin], c, cols):
                continue
            budget[0] -= 1
            if budget[0] < 0:
                raise _TooMany
            picked.append(cell)
            # a group's total must be printed: a placeholder or blank total checks nothing, and
            # nothing else licenses a join
            if (c + 1) % group or (cell.value is not None and holds(tuple(picked[c + 1 - group :]))):
                yield from walk(c + 1, nxt, nxt_used)
            picked.pop()

    yield from walk(0, -1, False)


def glued_dropped(tokens: Sequence[NumToken], cols: Columns, holds: GroupCheck, group: int) -> Options:
    """A row of a text that runs the digits of printed cells together and prints nothing for blank
    ones (``1310162748`` for 13, 10, 16, 2, 7, blank, 48): every cut of the digit runs into valid
    numbers, with blank cells anywhere between them, that makes every group of ``group`` cells hold
    its total. A placeholder fills one cell.

    ``holds`` must be a sum identity (its group's last cell against the sum of the others): a search
    state that led to no reading (the same token, digit, cell and sum of the group's cells so far)
    is not searched again. None when the search places more than
    :data:`~extractor.mapping.readings.MAX_ATTEMPTS` cells or finds more than
    :data:`~extractor.mapping.readings.MAX_READINGS` readings: a cell is decided only when every
    reading is known."""
    n, k = len(tokens), cols.k
    if n == 0 or n > k:
        return Options("none", [])
    # (not readings.BLANK_GAP: a 总计 that is that object leaves its row unchecked)
    blank = CellReading(None, CellState.BLANK, "", inferred=True)
    cells: list[CellReading] = []
    found: dict[tuple[tuple[int | None, Num], ...], Reading] = {}
    dead: set[tuple[int, int, int, Num]] = set()
    budget = [MAX_ATTEMPTS]

    def push(cell: CellReading) -> bool:
        budget[0] -= 1
        if budget[0] < 0:
            raise _TooMany
        cells.append(cell)
        pos = len(cells)
        if pos % group == 0 and not holds(tuple(cells[pos - group :])):
            cells.pop()
            return False
        return True

    def walk(i: int, at: int) -> bool:
        """Readings from here on (token ``i``'s digits from ``at``); whether there was any."""
        pos = len(cells)
        if pos == k:
            if i < n:
                return False
            reading = tuple(cells)
            found.setdefault(tuple((c.offset, c.flat) for c in reading), reading)
            if len(found) > MAX_READINGS:
                raise _TooMany
            return True
        if k - pos < n - i:
            return False  # fewer cells left than tokens still to place
        state = (i, at, pos, round(sum(c.flat for c in cells[pos - pos % group :]), 9))
        if state in dead:
            return False
        any_found = False
        if k - pos > n - i and push(blank):  # a blank cell here
            any_found |= walk(i, at)
            cells.pop()
        if i < n:
            any_found |= _next_cells(i, at, pos)
        if not any_found:
            dead.add(state)
        return any_found

    def _next_cells(i: int, at: int, pos: int) -> bool:
        """Token ``i`` (from its digit ``at``) filling the cell at ``pos``, each way it can."""
        tok = tokens[i]
        if tok.placeholder:
            ok = push(token_cell(tok)) and walk(i + 1, 0)
            if len(cells) > pos:
                cells.pop()
            return ok
        any_found = False
        digits = tok.digits
        for end in range(at + 1, len(digits) + 1):
            piece = digits[at:end]
            if piece.endswith(".") or not _valid(piece, decimal=pos in cols.decimal, max_digits=cols.max_digits):
                continue
            last = end == len(digits)
            cell = _cell(tok, piece, tok.sign if at == 0 else "", offset=tok.digits_at + at, inferred=True, unit=last)
            if not _fits(cell, tok if at == 0 else None, pos, cols) or not push(cell):
                continue
            any_found |= walk(i + 1, 0) if last else walk(i, end)
            cells.pop()
        return any_found

    try:
        walk(0, 0)
    except _TooMany:
        return Options("none", [])
    return Options("glued" if found else "none", [(r, 0.0) for r in found.values()])
