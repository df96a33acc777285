"""The ways a row's printed numbers can fill its cells.

A row of ``k`` cells printed in running text shows ``n`` numbers (:class:`NumToken`, with how they
were separated). Four *readings* explain them, each under rules the printing guarantees:

- **exact** (``n == k``): one number per cell, as printed;
- **joined** (``n > k``): a number was broken over lines (``1`` / ``62``); adjacent numbers on
  separate lines are joined, exactly ``n - k`` times, into valid numbers (no leading zeros);
- **glued** (``n < k``, digits run together): each digit run is cut into several numbers, no
  leading zeros, a sign only at the start of the change column's number, a decimal point only in
  an amount column (``14710000148`` → 147 1 0 0 0 0 148);
- **dropped** (``n < k``, the dump leaves out blank cells and merges a value repeated in adjacent
  cells): the printed values, in order, each fill one or more adjacent cells, the rest blank
  (``3 0 3`` → 3 in one applicant column, 0s, 3 in 总计).

Which of glued and dropped applies is a property of the whole document (one crawler made it) and
is chosen by :mod:`extractor.mapping.solve` from how well each explains every row. Every reading is
a tuple of :class:`CellReading`; nothing here ranks them except by the cost of joins.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from extractor.locate.align.tokens import NumToken
from extractor.text import MAX_DIGITS, CellState, to_number

Num = int | float
Hypothesis = Literal["glued", "dropped"]
MAX_READINGS = 20_000
"""Readings kept per row. A row with more is left undecided (``none``): a cell is only decided
when *every* reading is known to agree on it, so a truncated list must never decide one."""
MAX_JOINS = 3
MAX_ATTEMPTS = 200_000


@dataclass(frozen=True, slots=True)
class CellReading:
    value: Num | None
    """``None`` for a placeholder or a cell the reading leaves blank."""
    state: CellState
    raw: str
    offset: int | None = None
    line: int | None = None
    inferred: bool = False

    @property
    def flat(self) -> Num:
        return 0 if self.value is None else self.value


_new_object = object.__new__
_set_value, _set_state, _set_raw, _set_offset, _set_line, _set_inferred = (
    CellReading.__dict__[f].__set__ for f in ("value", "state", "raw", "offset", "line", "inferred"))


def _new_cell(value: Num | None, state: CellState, raw: str, offset: int | None, line: int | None, inferred: bool) -> CellReading:
    """``CellReading(value, state, raw, offset, line, inferred)``, the same object, built through its
    slots: a frozen dataclass's ``__init__`` sets each field with ``object.__setattr__``, twice as
    slow, and the searches build tens of thousands of cells per document."""
    cell = _new_object(CellReading)
    _set_value(cell, value)
    _set_state(cell, state)
    _set_raw(cell, raw)
    _set_offset(cell, offset)
    _set_line(cell, line)
    _set_inferred(cell, inferred)
    return cell


Reading = tuple[CellReading, ...]
BLANK = CellReading(None, CellState.BLANK, "")
BLANK_GAP = CellReading(None, CellState.BLANK, "", inferred=True)
"""A blank cell a reading places where the text shows only a space."""


@dataclass(slots=True)
class Options:
    """A row's readings under one hypothesis, with the cost of each (joins cost 1 apiece)."""

    how: str
    """``exact``, ``joined``, ``glued``, ``dropped``, ``blank`` or ``none`` (nothing explains the row)."""
    readings: list[tuple[Reading, float]]

    def plus(self, more: Options) -> Options:
        """These readings and those of ``more`` that read other values (``how``: this one's, unless
        it has none)."""
        seen = {tuple(c.flat for c in r) for r, _ in self.readings}
        extra = [(r, c) for r, c in more.readings if tuple(x.flat for x in r) not in seen]
        if not extra:
            return self
        return Options(self.how if self.readings else more.how, [*self.readings, *extra])


_PLACEHOLDER_STATE = {
    "/": CellState.SLASH,
    "\\": CellState.SLASH,
    "—": CellState.DASH,
    "——": CellState.DASH,
    "–": CellState.DASH,
    "-": CellState.HYPHEN,
    "--": CellState.HYPHEN,
    "无": CellState.NONE_WORD,
    "\xa0": CellState.BLANK,
    "空": CellState.NONE_WORD,
}


def _valid(digits: str, *, decimal: bool, max_digits: int = MAX_DIGITS) -> bool:
    if not digits or len(digits.replace(".", "").split(".")[0]) > max_digits or len(digits) > MAX_DIGITS:
        return False
    if "." in digits:
        if not decimal:
            return False
        ip, _, fp = digits.partition(".")
        return bool(ip) and bool(fp) and ip.isdigit() and fp.isdigit() and (ip == "0" or ip[0] != "0")
    return digits.isdigit() and (digits == "0" or digits[0] != "0")


def _cell(tok: NumToken, digits: str, sign: str, *, offset: int | None = None, inferred: bool = False, unit: bool = True) -> CellReading:
    if "." in digits or "," in digits:
        value = to_number(digits, "-" if sign == "-" else "")
    else:  # what to_number reads of plain digits, without its call
        value = -int(digits) if sign == "-" else int(digits)
    state = CellState.ZERO if value == 0 else CellState.NUMBER
    raw = sign + digits + ((tok.unit or "") if unit else "")
    return _new_cell(value, state, raw, tok.start if offset is None else offset, tok.line, inferred)


def token_cell(tok: NumToken) -> CellReading:
    """The cell one printed token makes when it fills exactly one cell."""
    if tok.placeholder:
        return _new_cell(None, _PLACEHOLDER_STATE.get(tok.text, CellState.TEXT), tok.text, tok.start, tok.line, False)
    return _cell(tok, tok.digits, tok.sign)


@dataclass(frozen=True, slots=True)
class Columns:
    """Per-cell rules of a row: where a decimal point and where a sign may appear."""

    k: int
    decimal: frozenset[int] = frozenset()
    signed: frozenset[int] = frozenset()
    max_digits: int = 15
    """Longest plausible number in one cell (table 3/4 counts never reach a million)."""


def _fits(cell: CellReading, tok: NumToken | None, pos: int, cols: Columns) -> bool:
    if cell.value is None:
        return True
    if isinstance(cell.value, float) and pos not in cols.decimal:
        return False
    return not (tok is not None and tok.sign and pos not in cols.signed)


def exact(tokens: Sequence[NumToken], cols: Columns) -> Options:
    cells = tuple(token_cell(t) for t in tokens)
    if all(_fits(c, t, i, cols) for i, (c, t) in enumerate(zip(cells, tokens, strict=True))):
        return Options("exact", [(cells, 0.0)])
    return Options("none", [])


def joined(tokens: Sequence[NumToken], cols: Columns, holds: GroupCheck | None = None, group: int = 0) -> Options:
    """Join ``n - k`` pairs of adjacent numbers printed on consecutive lines.

    Numbers side by side on one line are joined too (``2 0`` for 20: a cell whose digits sat in two
    ``<span>`` elements, read with ``get_text(" ")``), but only into a reading that the row's own
    identity confirms (``holds`` for every run of ``group`` cells, each with a printed total): a
    stray page number after a row must not be glued into a cell. A lone ``-`` before a number in a
    signed column may be that number's sign broken off it (``-`` / ``3``: the sign in a ``<span>`` of
    its own) as well as a hyphen cell: both readings are kept, and the cells they disagree on stay
    undecided."""
    n, k = len(tokens), cols.k
    if n - k > MAX_JOINS:
        return Options("none", [])
    groups = k // group if holds is not None and group > 0 and k % group == 0 else 0
    joinable = [
        i for i in range(1, n) if (tokens[i].sep == "line" or (groups and tokens[i].sep == "space"))
        and not tokens[i].placeholder and not tokens[i].sign
        and ((not tokens[i - 1].placeholder and not tokens[i - 1].unit) or (bool(cols.signed) and tokens[i - 1].text == "-"))
    ]
    out: list[tuple[Reading, float]] = []
    for joins in itertools.combinations(joinable, n - k):
        cells: list[CellReading] = []
        ok = True
        i = 0
        js = set(joins)
        while i < n:
            piece = [tokens[i]]
            while i + 1 < n and (i + 1) in js:
                i += 1
                piece.append(tokens[i])
            i += 1
            first = piece[0]
            sign = first.sign
            if first.placeholder and len(piece) > 1:  # "-" / "3": a hyphen broken off the number it signs
                piece = piece[1:]
                if len(cells) not in cols.signed:
                    ok = False
                    break
                sign = "-"
            digits = "".join(t.digits for t in piece)
            pos = len(cells)
            if len(piece) == 1 and sign == piece[0].sign:
                cell = token_cell(piece[0])
            elif not _valid(digits, decimal=pos in cols.decimal, max_digits=cols.max_digits):
                ok = False
                break
            else:
                unit_tok = piece[-1]
                cell = _cell(unit_tok, digits, sign, offset=first.start, inferred=True)
            if not _fits(cell, first, pos, cols):
                ok = False
                break
            cells.append(cell)
        if ok and len(cells) == k and holds is not None and any(tokens[j].sep == "space" for j in joins):
            ok = all(cells[(g + 1) * group - 1].value is not None and holds(tuple(cells[g * group : (g + 1) * group]))
                     for g in range(groups))
        if ok and len(cells) == k:
            out.append((tuple(cells), float(len(joins))))
        if len(out) >= MAX_READINGS:
            return Options("none", [])
    return Options("joined" if out else "none", out)


GroupCheck = Callable[[Reading], bool]
"""Whether one identity group of a row holds (its cells, the total last)."""
MAX_STEPS = 400_000
"""Cells placed while enumerating one row's glued readings; past it the row is left undecided."""


def glued(
    tokens: Sequence[NumToken], cols: Columns, holds: GroupCheck | None = None, group: int = 0, shapes: Shapes | None = None,
) -> Options:
    """Cut digit runs into cells so that exactly ``k`` cells result.

    A space between two runs may also stand for a blank cell (a stripped ``&nbsp;``), as many
    blank cells as there are spaces: ``570/00 57`` is 57, 0, /, 0, 0, blank, 57; ``4450   49`` may
    be 44, 5, 0, blank, blank, blank, 49. So may spaces between the row's label and its first run
    (``规章 8605``: blank, 8, 605) and between its last run and the next label.

    With ``holds`` (the row's own identity over each run of ``group`` cells, the total last) the
    cuts are searched with the identity as they are made: first the readings where every group
    holds, then those where one group fails, and so on — the readings the row's identity prefers,
    without enumerating the millions of cuts of a long run (a table-4 row of 26 glued digits).
    A row whose preferred readings number more than :data:`MAX_READINGS`, or whose search places
    more than :data:`MAX_STEPS` cells, is left undecided.

    ``shapes`` (see :data:`Shapes`) lets a row printed like one searched before take its cuts.
    """
    n, k = len(tokens), cols.k
    if n > k or n == 0:
        return Options("none", [])
    caps = [(2 if t.text in ("——", "--") else 1) if t.placeholder else max(1, len(t.digits.replace(".", ""))) for t in tokens]
    # Blank cells a reading may place before each token, and after the last.
    gaps = [
        min(max(t.blanks_before, 1) if t.sep == "space" else t.blanks_before if t.sep in ("label", "start") else 0, k - 1)
        for t in tokens
    ]
    gaps.append(min(tokens[-1].blanks_after, k - 1))
    if sum(caps) + sum(gaps) < k:
        return Options("none", [])
    if sum(caps) == k and not any(gaps) and not any(t.placeholder or "." in t.digits for t in tokens):
        return _digit_per_cell(tokens, cols)
    groups = k // group if holds is not None and group > 0 and k % group == 0 else 0
    shape: tuple[object, ...] = ()
    if shapes is not None:
        shape = ("glued", cols, holds if groups else None, group,
                 tuple((t.text, t.digits, t.sign, t.unit, t.sep, t.blanks_before, t.blanks_after, t.digits_at - t.start) for t in tokens))
        known = shapes.get(shape)
        if isinstance(known, _Searched):  # the second row of its shape: the first one's cuts, as origins
            known = _recipe(known.opts, known.memo, known.tokens)
            shapes[shape] = known
        if known is not None:
            return _replay(known, tokens)  # type: ignore[arg-type]
    memo: dict[tuple[int, int, int, int], CellReading | None] = {}
    opts = Options("none", [])
    for allowed in range(groups + 1) if groups else (None,):
        try:
            readings = _Cutter(tokens, cols, caps, gaps, holds if groups else None, group, allowed, memo).run()
        except _TooMany:
            break
        if readings:
            opts = Options("glued", [(r, 0.0) for r in readings])
            break
    if shapes is not None and shape not in shapes:
        shapes[shape] = _Searched(opts, memo, tokens)
    return opts


@dataclass(slots=True)
class _Searched:
    """A row shape searched once: what :func:`_recipe` needs, taken only when a second row of the
    shape comes (most shapes occur once)."""

    opts: Options
    memo: dict[tuple[int, int, int, int], CellReading | None]
    tokens: Sequence[NumToken]


Shapes = dict[tuple[object, ...], object]
"""Readings found for a row *shape*, shared by the rows of one table: rows printed alike (the same
numbers, signs, units, separators and blank runs, ``0 0 0 0 0 00`` in row after row) have the same
readings cell for cell, but for where each cell was printed. The search runs for the first such
row; the others take its readings with their own positions (:func:`_replay`). This holds because
nothing the search decides reads a position: a ``holds`` check sees the cells' values and states
only (a check that read offsets or lines would need them in the shape)."""

_Origin = tuple[str, int, int, int]
"""Where a cell of a glued reading comes from: ``("g", …)`` a blank gap, ``("w", i, …)`` token ``i``
as one cell, ``("h", i, …)`` half of a glued ``——``, ``("p", i, at, n)`` the ``n`` digits of token
``i`` from its ``at``-th."""
_Recipe = tuple[str, list[tuple[_Origin, ...]]]
"""A row's options: ``how`` and the origin of every cell of every reading."""


def _recipe(opts: Options, memo: dict[tuple[int, int, int, int], CellReading | None], tokens: Sequence[NumToken]) -> _Recipe | None:
    """The origins of the cells of ``opts`` (the cells the search made, all in ``memo``); ``None``
    when a cell's origin is not known (the row is then searched again, never guessed)."""
    origin: dict[int, _Origin] = {id(BLANK_GAP): ("g", -1, 0, 0)}
    for (i, at, n, _pos), cell in memo.items():
        if cell is not None:
            origin[id(cell)] = ("w", i, 0, 0) if at == -1 else ("h", i, 0, 0) if at == -2 else ("p", i, at - tokens[i].digits_at, n)
    readings: list[tuple[_Origin, ...]] = []
    for r, _ in opts.readings:
        if not all(id(c) in origin for c in r):
            return None
        readings.append(tuple([origin[id(c)] for c in r]))
    return opts.how, readings


def _replay(recipe: _Recipe, tokens: Sequence[NumToken]) -> Options:
    """The options of a row of ``tokens`` from the origins found for a row of the same shape: each
    cell built as the search builds it (see :meth:`_Cutter._whole`, :meth:`_Cutter._piece`)."""
    how, readings = recipe
    made: dict[_Origin, CellReading] = {}

    def cell(origin: _Origin) -> CellReading:
        c = made.get(origin)
        if c is None:
            kind, i, at, n = origin
            if kind == "g":
                c = BLANK_GAP
            else:
                tok = tokens[i]
                if kind == "w":
                    c = token_cell(tok)
                elif kind == "h":
                    half = tok.text[:1]
                    c = _new_cell(None, _PLACEHOLDER_STATE[half], half, tok.start, tok.line, True)
                else:
                    c = _cell(tok, tok.digits[at : at + n], tok.sign if at == 0 else "", offset=tok.digits_at + at, inferred=True,
                              unit=at + n == len(tok.digits))
            made[origin] = c
        return c

    return Options(how, [(tuple([cell(o) for o in r]), 0.0) for r in readings])


class _Cutter:
    """Depth-first search over the cuts of a row's tokens into ``k`` cells, in a fixed order (fewer
    cells per token first, then shorter first pieces), pruned by the identity groups: a branch
    stops once more than ``allowed`` groups have failed."""

    def __init__(
        self, tokens: Sequence[NumToken], cols: Columns, caps: list[int], gaps: list[int],
        holds: GroupCheck | None, group: int, allowed: int | None,
        memo: dict[tuple[int, int, int, int], CellReading | None] | None = None,
    ) -> None:
        self.tokens, self.cols, self.caps, self.gaps = tokens, cols, caps, gaps
        self.memo = {} if memo is None else memo
        """Per (token, first digit's offset, digits, cell position): the cell those digits make
        there, or ``None`` when they make no valid cell there (the search meets the same piece at
        the same position along many paths, and again for every ``allowed``)."""
        self.holds, self.group, self.allowed = holds, group, allowed
        n = len(tokens)
        # Fewest and most cells tokens i… can fill (a gap before a token may add one blank cell).
        self.min_left = [0] * (n + 1)
        self.max_left = [gaps[n]] * (n + 1)
        for i in range(n - 1, -1, -1):
            self.min_left[i] = self.min_left[i + 1] + 1
            self.max_left[i] = self.max_left[i + 1] + caps[i] + gaps[i]
        self.out: list[Reading] = []
        self.cells: list[CellReading] = []
        self.failed: list[int] = []
        self.bad = 0
        self.steps = 0

    def run(self) -> list[Reading]:
        self._token(0)
        return self.out

    def _push(self, cell: CellReading) -> bool:
        """Place a cell; ``False`` (nothing placed) when it completes a group whose failure is one too many."""
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise _TooMany
        cells = self.cells
        cells.append(cell)
        failed = 0
        pos = len(cells)
        if self.holds is not None and pos % self.group == 0 and not self.holds(tuple(cells[pos - self.group :])):
            failed = 1
            if self.allowed is not None and self.bad >= self.allowed:
                cells.pop()
                return False
        self.bad += failed
        self.failed.append(failed)
        return True

    def _pop(self) -> None:
        self.bad -= self.failed.pop()
        self.cells.pop()

    def _token(self, i: int) -> None:
        """Token ``i`` after 0, 1, … of the blank cells its gap allows (``i == n``: the row's end)."""
        k = self.cols.k
        pos = len(self.cells)
        left = k - pos
        if left < self.min_left[i] or left > self.max_left[i]:
            return
        if i == len(self.tokens):
            if left == 0 or self._blanks(left):
                self.out.append(tuple(self.cells))
                for _ in range(left):
                    self._pop()
                if len(self.out) > MAX_READINGS:
                    raise _TooMany
            return
        placed = 0
        while True:
            self._fill(i)
            if placed == self.gaps[i] or len(self.cells) == k or not self._push(BLANK_GAP):
                break
            placed += 1
        for _ in range(placed):
            self._pop()

    def _blanks(self, n: int) -> bool:
        """Place ``n`` blank cells (all or none)."""
        for j in range(n):
            if not self._push(BLANK_GAP):
                for _ in range(j):
                    self._pop()
                return False
        return True

    def _fill(self, i: int) -> None:
        """Token ``i`` as 1, 2, … cells, then the tokens after it."""
        tok, cols = self.tokens[i], self.cols
        pos = len(self.cells)
        left = cols.k - pos
        lo = max(1, left - self.max_left[i + 1])
        hi = min(self.caps[i], left - self.min_left[i + 1])
        for parts in range(lo, hi + 1):
            if tok.placeholder:
                if parts == 2:
                    cell = self._half(i)  # "——" glued: two dash cells
                    if self._push(cell):
                        if self._push(cell):
                            self._token(i + 1)
                            self._pop()
                        self._pop()
                elif parts == 1:
                    whole = self._whole(i, pos)
                    if whole is not None and self._push(whole):
                        self._token(i + 1)
                        self._pop()
            elif parts == 1:
                whole = self._whole(i, pos)
                if whole is not None and self._push(whole):
                    self._token(i + 1)
                    self._pop()
            else:
                self._pieces(i, tok.digits, 0, parts, tok.digits_at)

    def _half(self, i: int) -> CellReading:
        """Half of token ``i``, a glued ``——`` or ``--``: one of its two placeholder cells."""
        key = (i, -2, 0, 0)
        cell = self.memo.get(key)
        if cell is None:
            tok = self.tokens[i]
            half = tok.text[:1]
            cell = self.memo[key] = _new_cell(None, _PLACEHOLDER_STATE[half], half, tok.start, tok.line, True)
        return cell

    def _whole(self, i: int, pos: int) -> CellReading | None:
        """Token ``i`` as one cell at ``pos`` (``None``: it cannot be that cell)."""
        key = (i, -1, 0, pos)
        memo = self.memo
        if key in memo:
            return memo[key]
        tok, cols = self.tokens[i], self.cols
        cell = token_cell(tok)
        valid = tok.placeholder or _valid(tok.digits, decimal=pos in cols.decimal, max_digits=cols.max_digits)
        out = cell if valid and _fits(cell, tok, pos, cols) else None
        memo[key] = out
        return out

    def _pieces(self, i: int, digits: str, n_piece: int, parts: int, offset: int) -> None:
        """The cuts of ``digits`` (the rest of token ``i``) into ``parts - n_piece`` more cells."""
        pos = len(self.cells)
        last = n_piece == parts - 1
        before_last = n_piece == parts - 2
        cuts = [len(digits)] if last else range(1, len(digits) - (parts - n_piece) + 2)
        memo = self.memo
        for cut in cuts:
            # the key needs neither n_piece (0 exactly when offset is the token's first digit) nor
            # last (exactly when the piece runs to the token's end)
            key = (i, offset, cut, pos)
            if key in memo:
                cell = memo[key]
            else:
                cell = memo[key] = self._piece(i, digits[:cut], n_piece == 0, offset, last, pos)
            if cell is None or not self._push(cell):
                continue
            if last:
                self._token(i + 1)
            elif before_last:  # the last piece is the rest of the digits: placed here, not by another call
                key = (i, offset + cut, len(digits) - cut, pos + 1)
                if key in memo:
                    rest = memo[key]
                else:
                    rest = memo[key] = self._piece(i, digits[cut:], False, offset + cut, True, pos + 1)
                if rest is not None and self._push(rest):
                    self._token(i + 1)
                    self._pop()
            else:
                self._pieces(i, digits[cut:], n_piece + 1, parts, offset + cut)
            self._pop()

    def _piece(self, i: int, piece: str, first: bool, offset: int, last: bool, pos: int) -> CellReading | None:
        """The cell ``piece`` of token ``i``'s digits makes at ``pos``, or ``None`` when it is no
        valid number there or does not fit the column."""
        tok, cols = self.tokens[i], self.cols
        if "." in piece:
            if not _valid(piece, decimal=pos in cols.decimal, max_digits=cols.max_digits):
                return None
        elif not (piece.isdigit() and (piece[0] != "0" or piece == "0") and len(piece) <= cols.max_digits and len(piece) <= MAX_DIGITS):
            return None  # what _valid says of a piece without a decimal point
        cell = _cell(tok, piece, tok.sign if first else "", offset=offset, inferred=True, unit=last)
        # The original cut order stops a whole cutting at the first piece that does not fit.
        return cell if _fits(cell, tok if first else None, pos, cols) else None


def _digit_per_cell(tokens: Sequence[NumToken], cols: Columns) -> Options:
    """As many digits as cells and no space that could stand for a blank: every digit is a cell
    (the only cut of the runs into ``k`` numbers), if the signs sit where the columns allow.

    (The caller passes tokens of digits only. Each digit's cell is what :func:`_cell` makes of it,
    built here directly: all-zero rows glued as ``0000000`` are common.)"""
    cells: list[CellReading] = []
    zero, number = CellState.ZERO, CellState.NUMBER
    for tok in tokens:
        digits = tok.digits
        if len(digits) == 1:
            cell = token_cell(tok)
            if not _fits(cell, tok, len(cells), cols):
                return Options("none", [])
            cells.append(cell)
            continue
        if tok.sign and len(cells) not in cols.signed:
            return Options("none", [])  # the sign goes with the first digit, in a column without one
        last, line, at = len(digits) - 1, tok.line, tok.digits_at
        for i, d in enumerate(digits):
            sign = tok.sign if i == 0 else ""
            value = _DIGIT_VALUE.get(d)
            if value is None:
                value = int(d)  # another script's digit (what to_number reads)
            if sign == "-":
                value = -value
            raw = sign + d + ((tok.unit or "") if i == last else "")
            cells.append(_new_cell(value, zero if value == 0 else number, raw, at + i, line, True))
    return Options("glued", [(tuple(cells), 0.0)])


_DIGIT_VALUE = {str(d): d for d in range(10)}


def dropped(
    tokens: Sequence[NumToken], cols: Columns, shapes: Shapes | None = None, holds: GroupCheck | None = None, group: int = 0,
) -> Options:
    """Printed values in order, each filling one or more cells; the other cells blank.

    Enumerated as distinct *cell vectors*: a printed 0 and a blank read alike, so they are one
    reading (state ``zero`` when the row printed a 0); a non-zero cell keeps the token it came from.
    A lone ``0`` is one reading however many cells it may stand for. With ``shapes`` (see
    :data:`Shapes`) rows printing the same values share the enumeration.

    With ``holds`` over runs of ``group`` cells shorter than the row (table 4's three groups of
    five, each with its 总计), only readings in which every group holds are enumerated, pruned group
    by group: nine numbers of fifteen cells have tens of thousands of placements, a few of which hold.
    """
    n, k = len(tokens), cols.k
    if n == 0 or n > k:
        return Options("none", [])
    if any(tok.digits and not _valid(tok.digits, decimal=True, max_digits=cols.max_digits) for tok in tokens):
        return Options("none", [])  # "000023" is glued digits, never one cell
    base = [token_cell(t) for t in tokens]
    printed_zero = any(c.value == 0 for c in base)
    zero_cell = CellReading(0, CellState.ZERO, "0", None, None, True) if printed_zero else BLANK
    # One cell object per token (index -1, the last entry, is the blank-or-zero cell).
    cell_of = [_new_cell(b.value, b.state, b.raw, b.offset, b.line, n < k) for b in base] + [zero_cell]
    pick = cell_of.__getitem__
    pruned = holds is not None and 0 < group < k and k % group == 0
    Key = tuple[int, ...]  # per cell: -1 blank-or-zero, else the token index

    end: set[Key] = {()}
    none: set[Key] = set()

    @cache
    def suffixes(c: int, i: int, used: bool) -> set[Key]:
        """Cell-origin suffixes from cell ``c`` on, token ``i`` current (``used``: placed already)."""
        if c == k:
            return end if i == n - 1 and used else none
        moves: list[tuple[int, bool, int | None]] = [(i, used, None)]  # this cell blank
        if i >= 0:
            moves.append((i, True, i))  # token i again (a repeated value merged)
        if (i < 0 or used) and i + 1 < n:
            moves.append((i + 1, True, i + 1))  # the next printed token
        out: set[Key] = set()
        for nxt_i, nxt_used, origin in moves:
            if origin is not None and not _fits(base[origin], tokens[origin], c, cols):
                continue
            mark = -1 if origin is None or base[origin].value == 0 else origin
            for rest in suffixes(c + 1, nxt_i, nxt_used):
                out.add((mark, *rest))
                if len(out) > MAX_READINGS:
                    raise _TooMany
        if pruned and not c % group:
            assert holds is not None
            out = {key for key in out if holds(tuple(map(pick, key[:group])))}
        return out  # cached and only read: no frozen copy (a copy hashes every suffix again)

    shape: tuple[object, ...] = ("dropped", cols, tuple((t.text, t.digits, t.sign, t.unit) for t in tokens), pruned)
    known = shapes.get(shape) if shapes is not None else None
    ordered: list[Key] | None
    if known is not None:
        ordered = known  # type: ignore[assignment]
    else:
        try:
            ordered = sorted(suffixes(0, -1, False))
        except _TooMany:
            ordered = None
        if shapes is not None:
            shapes[shape] = ordered if ordered is not None else _TOO_MANY
    if ordered is None or ordered is _TOO_MANY:
        return Options("none", [])
    out: list[tuple[Reading, float]] = [(tuple(map(pick, vec)), 0.0) for vec in ordered]
    return Options("dropped" if out else "none", out)


def lined(tokens: Sequence[NumToken], cols: Columns, lead: int | None = None, sep: int = 0) -> Reading | None:
    """The row as a dump that prints one cell per line and a blank cell as empty lines reads. ``sep``
    empty lines stand between any two cells (0 for LibreOffice's text export; 1 for docx2txt, which
    follows every paragraph with one), and each blank cell adds ``sep + 1`` more
    (:attr:`NumToken.gap_lines`); the cells after the last token are blank (``lead``: the blank
    cells before the first token, when some of the empty lines before it separate rows). ``None``
    when the tokens do not fit the row or a gap is no whole number of blank cells."""
    cells = [BLANK] * cols.k
    pos = -1
    for i, t in enumerate(tokens):
        if i or lead is None:
            blanks, odd = divmod(t.gap_lines - sep, sep + 1)
            if blanks < 0 or odd:
                return None
        else:
            blanks = lead
        pos += 1 + blanks
        if pos >= cols.k:
            return None
        base = token_cell(t)
        if not _fits(base, t, pos, cols):
            return None
        cells[pos] = _new_cell(base.value, base.state, base.raw, base.offset, base.line, True)
    return tuple(cells)


class _TooMany(Exception):
    pass


_TOO_MANY: list[tuple[int, ...]] = []
"""Marks a row shape with too many readings in :data:`Shapes` (an object no enumeration returns)."""


def per_digit(tokens: Sequence[NumToken]) -> list[NumToken]:
    """Every digit of a glued run as a number of its own (a run with fewer digits than cells)."""
    out: list[NumToken] = []
    for t in tokens:
        if t.placeholder or t.sign or "." in t.digits or len(t.digits) == 1:
            out.append(t)
            continue
        for i, d in enumerate(t.digits):
            out.append(NumToken(d, d, "", None, t.digits_at + i, t.digits_at + i + 1, "space" if i else t.sep, t.label_pos, t.digits_at + i, t.line))
    return out


def hyphen_cells(tokens: Sequence[NumToken], cols: Columns) -> list[NumToken]:
    """A row with no signed column reads a hyphen glued to the digits after it (``-00``) as a
    hyphen placeholder cell and the digits: a glued dump prints a ``-`` cell against the next one,
    and no cell of such a row can hold a negative number. ``减3`` keeps its sign (it is not a cell)."""
    if cols.signed:
        return list(tokens)
    return [part for t in tokens for part in (_split_hyphen(t) if _glued_hyphen(t) else (t,))]


def leading_hyphen_cell(tokens: Sequence[NumToken], cols: Columns) -> list[NumToken] | None:
    """In a row with a signed column whose first column is not (2019 table 2: 上一年项目数量, 本年增/减),
    a hyphen glued before the row's first digits (``行政事业性收费-30``) may be the first cell's
    placeholder as well as the sign of a number whose first cell was left out: the tokens read the
    first way (the caller keeps both readings), or ``None`` when the row does not start so."""
    if not cols.signed or 0 in cols.signed or not tokens or not _glued_hyphen(tokens[0]):
        return None
    return [*_split_hyphen(tokens[0]), *tokens[1:]]


def _glued_hyphen(t: NumToken) -> bool:
    return t.sign == "-" and t.text[:1] == "-"


def _split_hyphen(t: NumToken) -> tuple[NumToken, NumToken]:
    """``-00`` as a hyphen placeholder token and the digits glued to it."""
    return (NumToken("-", "", "", None, t.start, t.start + 1, t.sep, t.label_pos, t.start, t.line, t.blanks_before, 0),
            NumToken(t.text[1:], t.digits, "", t.unit, t.start + 1, t.end, "space", t.label_pos, t.digits_at, t.line, 0, t.blanks_after))


def row_options(
    tokens: Sequence[NumToken], cols: Columns, hypothesis: Hypothesis, holds: GroupCheck | None = None, group: int = 0,
    shapes: Shapes | None = None,
) -> Options:
    """The readings of one row under a hypothesis about the document's layout (``holds``/``group``:
    the row's own identity, which guides the cutting of glued runs; see :func:`glued`; ``shapes``:
    see :data:`Shapes`)."""
    n, k = len(tokens), cols.k
    if n == 0:
        return Options("blank", [(tuple([BLANK] * k), 0.0)])
    if n == k:
        ex = exact(tokens, cols)
        if ex.readings:
            return ex
    if n > k:
        return joined(tokens, cols, holds, group)
    if hypothesis == "glued":
        return glued(tokens, cols, holds, group, shapes)
    return dropped(tokens, cols, shapes, holds, group)
