"""Choosing readings for a whole table at once, and the cells every best choice agrees on.

Each row has readings (:mod:`extractor.mapping.readings`). A row's own identity (T3-2 总计 = the
six columns, T4-1 group total = its four parts) first keeps the readings that satisfy it, when any
does. The table's column identities then score whole tables:

    cost = 100 × (failed T3-1 and T3-3 column checks) + Σ reading costs (joins) + narrative misses

and *every* reading that appears in some lowest-cost table is kept. A cell is decided when all of
its row's kept readings agree on it (blank and 0 agree: both read as 0); otherwise it stays without
a value and a finding says so. This is exact, not greedy: the detail rows are combined by dynamic
programming over their column-sum vectors (the only thing T3-3 sees), so a table of many
undecided rows is still solved exactly; past :data:`MAX_STATES` sum vectors the solver gives up on
the column identities and keeps every reading that satisfies its own row — fewer cells decided,
never a guessed one.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractor.mapping.readings import CellReading, Num, Options, Reading
from extractor.text import CellState

Vec = tuple[Num, ...]
MAX_STATES = 50_000
MAX_T31_COMBOS = 200_000
"""(七) readings × readings of 一, 二 and 四 that the T3-1 search may try; past it (rows left
undecided by a dump that drops blank cells can have hundreds of readings each: a product of
billions) the solver gives up on the column identities, as past :data:`MAX_STATES`."""
VIOLATION = 100.0


_NOT_PRINTED = frozenset({CellState.SLASH, CellState.DASH, CellState.HYPHEN, CellState.NONE_WORD})
"""A 总计 printed as a placeholder is no total: the row's sum is not checked against it."""


def flat(reading: Reading) -> Vec:
    return tuple([0 if c.value is None else c.value for c in reading])


def _part_sum(cells: Reading) -> tuple[Num, bool]:
    """Σ of the cells' values (blank as 0: :attr:`CellReading.flat`), and whether any is non-zero.
    (A loop, not ``sum`` over a generator: this runs for every reading the search completes.)"""
    total: Num = 0
    nonzero = False
    for c in cells:
        v = c.value
        if v:  # adding a 0 or a blank changes no sum
            total += v
            nonzero = True
    return total, nonzero


def row_sum_violation(reading: Reading, how: str) -> int:
    """T3-2 on one reading; a 总计 printed blank (not inferred) leaves the row unchecked."""
    total = reading[-1]
    parts, nonzero = _part_sum(reading[:-1])
    if nonzero and ((how == "exact" and total.state is CellState.BLANK) or total.state in _NOT_PRINTED):
        return 0
    value = total.value
    return 0 if abs(parts - (0 if value is None else value)) < 1e-9 else 1


def group_violations(reading: Reading, group: int = 5) -> int:
    bad = 0
    for g in range(0, len(reading), group):
        part = reading[g : g + group]
        if len(part) == group:
            value = part[-1].value
            if abs(_part_sum(part[:-1])[0] - (0 if value is None else value)) > 1e-9:
                bad += 1
    return bad


def prefilter(options: Options, own: Callable[[Reading], int]) -> list[tuple[Reading, float]]:
    """The readings with the fewest violations of the row's own identity, then the cheapest."""
    if len(options.readings) <= 1:
        return list(options.readings)  # nothing to choose among
    scored = [(own(r), c, r) for r, c in options.readings]
    best = min((v, c) for v, c, _ in scored)
    return [(r, c) for v, c, r in scored if (v, c) == best]


@dataclass(slots=True)
class Solved:
    kept: dict[str, list[Reading]]
    """Per row, every reading that appears in some lowest-cost table."""
    cost: float
    exact: bool
    """False when the search gave up on the column identities (:data:`MAX_STATES`)."""


def _groups(readings: list[tuple[Reading, float]], extra: Callable[[Vec], float]) -> dict[Vec, tuple[float, list[Reading]]]:
    """Readings by their flat vector (the identities see nothing else), cheapest cost per vector."""
    out: dict[Vec, tuple[float, list[Reading]]] = {}
    for r, c in readings:
        v = flat(r)
        cost = c + extra(v)
        cur = out.get(v)
        if cur is None or cost < cur[0] - 1e-9:
            out[v] = (cost, [r])
        elif abs(cost - cur[0]) <= 1e-9:
            cur[1].append(r)
    return out


def _add(a: Vec, b: Vec) -> Vec:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def _mismatches(a: Vec, b: Vec) -> int:
    return sum(1 for x, y in zip(a, b, strict=True) if abs(x - y) > 1e-9)


def _exceeds(part: Vec, whole: Vec) -> int:
    """Columns where a partial sum already passes the total it is part of."""
    return sum(1 for x, y in zip(part, whole, strict=True) if x > y + 1e-9)


def solve_table3(
    rows: dict[str, list[tuple[Reading, float]]],
    detail: Sequence[str],
    extra: Callable[[str, Vec], float] = lambda key, v: 0.0,
    loose: frozenset[str] = frozenset(),
) -> Solved:
    """Lowest-cost tables under T3-1 (一 + 二 = （七） + 4, per column) and T3-3 ((七) = Σ detail).

    ``rows`` holds each row's prefiltered readings; ``extra`` adds a row-local cost (the narrative).
    Rows in ``loose`` have no reading that satisfies their own 总计: the column identities may not
    pick among their readings (a reading that breaks its own row is no evidence), so all of them
    are kept, while the other rows are still solved with them in the sums.
    """
    groups = {k: _groups(v, lambda vec, k=k: extra(k, vec)) for k, v in rows.items() if v}  # type: ignore[misc]
    kept: dict[str, list[Reading]] = {}
    if not groups:
        return Solved(kept, 0.0, True)
    width = len(next(iter(next(iter(groups.values())))))
    zero: Vec = (0,) * width
    det = [k for k in detail if k in groups]
    # A detail row with no reading (unreadable, or not printed) holds unknown counts: (七) is then at
    # least the sum of the others, column by column, not equal to it (counts are never negative).
    complete = len(det) == len(detail)
    off = _mismatches if complete else _exceeds
    top = ("new_received", "carried_over", "results_total", "carried_forward")
    if "results_total" not in groups:
        return _independent(groups, kept)

    # Forward and backward sums over the detail rows, as packed integers where the counts allow
    # (one addition per step instead of a tuple per step: the search visits millions of sums).
    packing = _packing(groups, width)
    if packing is None:
        return _independent(groups, kept, exact=False)
    pack, unpack = packing
    packed = {k: [(pack(v), cv) for v, (cv, _) in groups[k].items()] for k in det}

    # T3-1 over the other three top rows, for each (七) vector.
    others = [k for k in top if k != "results_total"]
    have_all = all(k in groups for k in others)

    def t31(rt: Vec) -> tuple[float, list[tuple[Vec, ...]]]:
        if not have_all:
            return sum(min(c for c, _ in groups[k].values()) for k in others if k in groups), []
        best = float("inf")
        winners: list[tuple[Vec, ...]] = []
        for combo in itertools.product(*(groups[k].items() for k in others)):
            (new, (cn, _)), (car, (cc, _)), (cf, (cf_cost, _)) = combo
            cost = VIOLATION * _mismatches(_add(new, car), _add(rt, cf)) + cn + cc + cf_cost
            if cost < best:
                best, winners = cost, [(new, car, cf)]
            elif cost == best:
                winners.append((new, car, cf))
        return best, winners

    if have_all and len(groups["results_total"]) * math.prod(len(groups[k]) for k in others) > MAX_T31_COMBOS:
        return _independent(groups, kept, exact=False)
    t31_of = {rt: t31(rt) for rt in groups["results_total"]}
    g_of = {rt: t31_of[rt][0] + crt for rt, (crt, _) in groups["results_total"].items()}

    def best_pairs(finals: dict[int, float]) -> tuple[float, list[tuple[int, Vec]]]:
        best_total = float("inf")
        pairs: list[tuple[int, Vec]] = []
        unpacked = {key: unpack(key) for key in finals}
        for rt, g in g_of.items():
            for s, cs in finals.items():
                cost = cs + VIOLATION * off(unpacked[s], rt) + g
                if cost < best_total - 1e-9:
                    best_total, pairs = cost, [(s, rt)]
                elif abs(cost - best_total) <= 1e-9:
                    pairs.append((s, rt))
        return best_total, pairs

    # First only the sums that can still equal a (七) reading lane by lane. A table outside that
    # band misses (七) in some column, so it costs at least VIOLATION more than the cheapest (七)
    # and T3-1 choice; when the band's best costs less than that, it holds every lowest-cost table
    # and the (much larger) full search is skipped.
    # (A small search — few readings per row — goes straight to the full search: same result.)
    paths = 1
    for k in det:
        paths = min(paths * len(packed[k]), _SMALL + 1)
    fwd = bwd = None
    if paths > _SMALL and complete:  # the band keeps sums that can equal (七): an equality
        targets = list(groups["results_total"])
        vecs = {k: list(groups[k]) for k in det}
        fwd = _sums(det, packed, pack(zero), _Band(det, vecs, targets, width, pack))
        bwd = None if fwd is None else _sums(det[::-1], packed, pack(zero), _Band(det[::-1], vecs, targets, width, pack))
        if fwd is None or bwd is None:
            return _independent(groups, kept, exact=False)  # the full search holds the band's sums and more
        best_total, pairs = best_pairs(fwd[-1])
    if fwd is None or bwd is None or not best_total < VIOLATION + min(g_of.values()) - 1e-9:
        fwd = _sums(det, packed, pack(zero))
        bwd = None if fwd is None else _sums(det[::-1], packed, pack(zero))
        if fwd is None or bwd is None:
            return _independent(groups, kept, exact=False)
        best_total, pairs = best_pairs(fwd[-1])
    bwd.reverse()
    finals = fwd[-1]
    keep_vecs: dict[str, set[Vec]] = {k: set() for k in groups}
    for _s, rt in pairs:
        keep_vecs["results_total"].add(rt)
        if have_all:
            for new, car, fwd_row in t31_of[rt][1]:
                keep_vecs["new_received"].add(new)
                keep_vecs["carried_over"].add(car)
                keep_vecs["carried_forward"].add(fwd_row)
    if not have_all:
        for k in others:
            if k in groups:
                low = min(c for c, _ in groups[k].values())
                keep_vecs[k] = {v for v, (c, _) in groups[k].items() if c == low}
    ends = {s for s, _ in pairs}
    inf = float("inf")
    for i, k in enumerate(det):
        after = bwd[i + 1]
        for v, (cv, _) in groups[k].items():
            pv = pack(v)
            for f, c_before in fwd[i].items():
                partial = f + pv
                if any(abs(c_before + cv + after.get(s - partial, inf) - finals[s]) <= 1e-9 for s in ends):
                    keep_vecs[k].add(v)
                    break
    for k, by_vec in groups.items():
        if k in loose:
            kept[k] = [r for _, rs in by_vec.values() for r in rs]
        elif k in keep_vecs and (k in det or k in top):
            kept[k] = [r for v in keep_vecs[k] for r in by_vec[v][1]]
        else:
            low = min(c for c, _ in by_vec.values())
            kept[k] = [r for c, rs in by_vec.values() if c == low for r in rs]
    return Solved(kept, best_total, True)


_SMALL = 4096
"""Detail-row searches with at most this many reading combinations skip the band."""
_LANE = 32
"""Bits per column of a packed sum vector."""
_LANE_MAX = 1 << 24
"""Largest count packed (a sum of fewer than 64 such stays below 2**30: no lane overflows, and a
difference with a negative lane borrows into a value no real sum has)."""


def _packing(groups: dict[str, dict[Vec, tuple[float, list[Reading]]]], width: int) -> tuple[Callable[[Vec], int], Callable[[int], Vec]] | None:
    """Sum vectors as integers (column ``j`` in bits ``32j…``): one addition per step of the search
    instead of a tuple. Only for vectors of small non-negative integer counts — what a table 3 holds;
    anything else (``None``) leaves the column identities unused."""
    if len(groups) >= 64 or not all(type(x) is int and 0 <= x < _LANE_MAX for g in groups.values() for v in g for x in v):
        return None
    mask = (1 << _LANE) - 1

    def pack(v: Vec) -> int:
        out = 0
        for j, x in enumerate(v):
            out |= int(x) << (_LANE * j)
        return out

    def unpack(code: int) -> Vec:
        return tuple((code >> (_LANE * j)) & mask for j in range(width))

    return pack, unpack


def _sums(
    rows: Sequence[str], packed: dict[str, list[tuple[int, float]]], start: int, band: _Band | None = None,
) -> list[dict[int, float]] | None:
    """Cheapest cost of each reachable sum after each row (``None`` past :data:`MAX_STATES`); with
    a ``band``, only sums whose every completion can still equal some (七) reading lane by lane."""
    out: list[dict[int, float]] = [{start: 0.0}]
    inf = float("inf")
    for i, k in enumerate(rows, start=1):
        nxt: dict[int, float] = {}
        get = nxt.get
        options = packed[k]
        hi, lo, high = band.limits(i) if band is not None else (0, 0, 0)
        for s, c in out[-1].items():
            for v, cv in options:
                t = s + v
                total = c + cv
                if total < get(t, inf):
                    if high and ((t + hi) & high or (t + lo) & high != high):
                        continue
                    nxt[t] = total
            if len(nxt) > MAX_STATES:
                return None
        out.append(nxt)
    return out


class _Band:
    """Lane-wise bounds on partial sums of packed vectors, tested with two additions: a lane above
    its upper bound ``u`` carries into bit 30 after adding ``2**30 - 1 - u``; a lane at or above its
    lower bound ``l`` does after adding ``2**30 - l``."""

    def __init__(self, rows: Sequence[str], packed_vecs: dict[str, list[Vec]], targets: list[Vec], width: int, pack: Callable[[Vec], int]) -> None:
        top = [max(t[j] for t in targets) for j in range(width)]
        bottom = [min(t[j] for t in targets) for j in range(width)]
        self.high = pack((_BIT,) * width)
        self._limits: list[tuple[int, int, int]] = [(0, 0, 0)]
        n = len(rows)
        lows = [[min(v[j] for v in packed_vecs[k]) for j in range(width)] for k in rows]
        highs = [[max(v[j] for v in packed_vecs[k]) for j in range(width)] for k in rows]
        rest_min: list[Num] = [0] * width  # over the rows after the i-th, built from the end
        rest_max: list[Num] = [0] * width
        limits: list[tuple[int, int, int]] = []
        for i in range(n, 0, -1):
            hi = pack(tuple(_BIT - 1 - max(top[j] - rest_min[j], -1) for j in range(width)))
            lo = pack(tuple(_BIT - max(min(bottom[j] - rest_max[j], _BIT - 1), 0) for j in range(width)))
            limits.append((hi, lo, self.high))
            rest_min = [a + b for a, b in zip(rest_min, lows[i - 1], strict=True)]
            rest_max = [a + b for a, b in zip(rest_max, highs[i - 1], strict=True)]
        self._limits += limits[::-1]

    def limits(self, i: int) -> tuple[int, int, int]:
        return self._limits[i]


_BIT = 1 << 30


def _independent(groups: dict[str, dict[Vec, tuple[float, list[Reading]]]], kept: dict[str, list[Reading]], *, exact: bool = True) -> Solved:
    total = 0.0
    for k, g in groups.items():
        low = min(c for c, _ in g.values())
        total += low
        kept[k] = [r for c, rs in g.values() if c == low for r in rs]
    return Solved(kept, total, exact)


def solve_rows(rows: dict[str, list[tuple[Reading, float]]], cost: Callable[[str, Reading], float]) -> Solved:
    """Rows without column identities between them (tables 2 and 4): each row on its own."""
    kept: dict[str, list[Reading]] = {}
    total = 0.0
    for k, readings in rows.items():
        if not readings:
            continue
        scored = [(c + cost(k, r), r) for r, c in readings]
        low = min(s for s, _ in scored)
        total += low
        kept[k] = [r for s, r in scored if abs(s - low) <= 1e-9]
    return Solved(kept, total, True)


Decided = CellReading
"""One cell after solving: the agreed reading (``None`` where the kept readings disagree)."""


def decide(kept: list[Reading], k: int) -> list[Decided | None]:
    """Per column, the cell all kept readings agree on (``None``: they disagree)."""
    if len(kept) == 1:
        return list(kept[0][:k])  # the reading's own cells: the same fields
    out: list[Decided | None] = []
    for col in range(k):
        cells = [r[col] for r in kept]
        if not cells or any(abs(c.flat - cells[0].flat) > 1e-9 for c in cells):
            out.append(None)
            continue
        states = {c.state for c in cells}
        first = cells[0]
        if len(states) == 1:
            state = first.state
        elif first.flat == 0:
            state = CellState.ZERO if CellState.ZERO in states else CellState.BLANK
        else:
            state = first.state
        offsets = {c.offset for c in cells}
        raws = {c.raw for c in cells}
        out.append(
            Decided(
                value=first.value if len(states) == 1 else (0 if first.flat == 0 else first.value),
                state=state,
                raw=first.raw if len(raws) == 1 else "",
                offset=first.offset if len(offsets) == 1 else None,
                line=first.line if len(offsets) == 1 else None,
                inferred=any(c.inferred for c in cells) or len(kept) > 1,
            )
        )
    return out
