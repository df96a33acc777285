"""Splitting digits that ran together when a table was flattened into text.

Crawler dumps of Word-exported pages lose every cell boundary: ``（七）总计14710000148`` is
147 1 0 0 0 0 148 and ``规范性文件7777166`` is 77 77 166 (format.md §8.4). A run of digits is
split into exactly ``k`` numbers under the only rules a printed table guarantees — no leading
zeros (``07`` is never a cell), whitespace is always a boundary, a minus sign starts a number —
and the candidates are then ranked by the table's identities (T3-2 row sums, T3-1/T3-3 column
sums, T4-1 group totals). The chosen split is reported as a finding; a run that the identities
cannot decide is reported as ambiguous and its cells get no value. Nothing here ever changes a
printed number: it only decides where one number ends and the next begins.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass

from extractor.text import to_number

Num = int | float
Candidate = tuple[Num, ...]

_CHUNK = re.compile(r"[-−]?[\d.]+")
_UNIT = re.compile(r"(万元|亿元|元|笔|件|条|个|项)")
MAX_CANDIDATES = 50_000


@dataclass(slots=True)
class Run:
    """A run of printed digits, split on whitespace (and units) into chunks."""

    text: str
    chunks: list[str]
    units: list[str]

    @property
    def digit_count(self) -> int:
        return sum(sum(ch.isdigit() for ch in c) for c in self.chunks)


def parse_run(text: str) -> Run:
    units = _UNIT.findall(text)
    spaced = _UNIT.sub(" ", text).replace(",", "")
    return Run(text=text, chunks=_CHUNK.findall(spaced), units=units)


def _valid_number(s: str, *, allow_decimal: bool, allow_negative: bool) -> bool:
    if s.startswith(("-", "−")):
        if not allow_negative:
            return False
        s = s[1:]
    if not s:
        return False
    if "." in s:
        if not allow_decimal:
            return False
        ip, _, fp = s.partition(".")
        if not ip or not fp or not ip.isdigit() or not fp.isdigit():
            return False
        return ip == "0" or ip[0] != "0"
    return s.isdigit() and (s == "0" or s[0] != "0")


def _chunk_splits(chunk: str, parts: int, allow_decimal: bool, allow_negative: bool) -> Iterator[list[str]]:
    """Ways to cut ``chunk`` into ``parts`` valid numbers (a minus sign only at a piece start)."""
    n = len(chunk)
    if parts == 1:
        if _valid_number(chunk, allow_decimal=allow_decimal, allow_negative=allow_negative):
            yield [chunk]
        return
    for cut in range(1, n - parts + 2):
        head = chunk[:cut]
        if not _valid_number(head, allow_decimal=allow_decimal, allow_negative=allow_negative):
            continue
        for rest in _chunk_splits(chunk[cut:], parts - 1, allow_decimal, allow_negative):
            yield [head, *rest]


def _max_parts(chunk: str) -> int:
    return max(1, sum(ch.isdigit() for ch in chunk))


def candidate_splits(
    run: Run,
    k: int,
    *,
    decimal_positions: Sequence[int] = (),
    negative_positions: Sequence[int] = (),
    limit: int = MAX_CANDIDATES,
) -> list[Candidate]:
    """Every split of ``run`` into exactly ``k`` numbers (capped at ``limit``)."""
    chunks = run.chunks
    if not chunks or len(chunks) > k or run.digit_count < k or run.digit_count > k * 12:
        return []
    caps = [_max_parts(c) for c in chunks]
    out: list[Candidate] = []
    allow_dec = bool(decimal_positions)
    allow_neg = bool(negative_positions)

    def allocations(i: int, remaining: int) -> Iterator[list[int]]:
        if i == len(chunks) - 1:
            if 1 <= remaining <= caps[i]:
                yield [remaining]
            return
        tail_min = len(chunks) - i - 1
        for p in range(1, min(caps[i], remaining - tail_min) + 1):
            for rest in allocations(i + 1, remaining - p):
                yield [p, *rest]

    for alloc in allocations(0, k):
        per_chunk = [list(_chunk_splits(c, p, allow_dec, allow_neg)) for c, p in zip(chunks, alloc, strict=True)]
        if any(not s for s in per_chunk):
            continue
        for combo in itertools.product(*per_chunk):
            pieces = [p for part in combo for p in part]
            if not _positions_ok(pieces, decimal_positions, negative_positions):
                continue
            out.append(tuple(to_number(p.lstrip("-−"), "-" if p[0] in "-−" else "") for p in pieces))
            if len(out) >= limit:
                return out
    return out


def _positions_ok(pieces: list[str], decimal_positions: Sequence[int], negative_positions: Sequence[int]) -> bool:
    for i, p in enumerate(pieces):
        if "." in p and i not in decimal_positions:
            return False
        if p[0] in "-−" and i not in negative_positions:
            return False
    return True


@dataclass(slots=True)
class Choice:
    """Outcome of :func:`choose`: the values, how many equally good splits there were, the cost."""

    values: Candidate | None
    n_candidates: int
    n_best: int
    cost: int


def choose(candidates: list[Candidate], cost: Callable[[Candidate], int]) -> Choice:
    """Pick the unique lowest-cost candidate; ``values`` is ``None`` when the best is not unique."""
    if not candidates:
        return Choice(None, 0, 0, 0)
    scored = sorted((cost(c), c) for c in candidates)
    best_cost = scored[0][0]
    best = [c for s, c in scored if s == best_cost]
    return Choice(best[0] if len(best) == 1 else None, len(candidates), len(best), best_cost)


def row_sum_violations(values: Candidate) -> int:
    """T3-2 for one table-3 row (last value = sum of the others); 0 or 1."""
    return 0 if sum(values[:-1]) == values[-1] else 1


def group_total_violations(values: Candidate, group: int = 5) -> int:
    """T4-1 for a 15-value table-4 row: each group's last value = sum of its first four."""
    bad = 0
    for g in range(0, len(values), group):
        part = values[g : g + group]
        if len(part) == group and sum(part[:-1]) != part[-1]:
            bad += 1
    return bad


def solve_columns(
    fixed: dict[str, Candidate],
    open_rows: dict[str, list[Candidate]],
    column_cost: Callable[[dict[str, Candidate]], int],
    *,
    max_combinations: int = 20_000,
) -> tuple[dict[str, Candidate], dict[str, int]]:
    """Choose one candidate per open row minimising ``column_cost`` over the whole table.

    Rows with a single candidate are fixed up front. Returns the chosen values for the rows the
    search could decide and, per open row, the number of equally good alternatives (1 = unique).
    When the product of candidates is too large, rows are improved one at a time (coordinate
    descent) from their first candidate, which is their best by row-local cost.
    """
    chosen: dict[str, Candidate] = dict(fixed)
    ties: dict[str, int] = {}
    open_items = [(k, v) for k, v in open_rows.items() if v]
    for k, v in open_items:
        if len(v) == 1:
            chosen[k] = v[0]
            ties[k] = 1
    multi = [(k, v) for k, v in open_items if len(v) > 1]
    if not multi:
        return chosen, ties
    total = 1
    for _, v in multi:
        total *= len(v)
        if total > max_combinations:
            break
    if total <= max_combinations:
        best_cost: int | None = None
        best_sets: list[tuple[Candidate, ...]] = []
        keys = [k for k, _ in multi]
        for combo in itertools.product(*(v for _, v in multi)):
            trial = dict(chosen)
            trial.update(zip(keys, combo, strict=True))
            c = column_cost(trial)
            if best_cost is None or c < best_cost:
                best_cost, best_sets = c, [combo]
            elif c == best_cost:
                best_sets.append(combo)
        for i, k in enumerate(keys):
            distinct = {s[i] for s in best_sets}
            ties[k] = len(distinct)
            if len(distinct) == 1:
                chosen[k] = best_sets[0][i]
        return chosen, ties
    # Coordinate descent for pathological tables.
    current = {k: v[0] for k, v in multi}
    for _ in range(3):
        for k, v in multi:
            costs = []
            for cand in v:
                trial = {**chosen, **current, k: cand}
                costs.append((column_cost(trial), cand))
            best = min(c for c, _ in costs)
            winners = [cand for c, cand in costs if c == best]
            current[k] = winners[0]
            ties[k] = len(winners)
    for k, _ in multi:
        if ties.get(k) == 1:
            chosen[k] = current[k]
    return chosen, ties
