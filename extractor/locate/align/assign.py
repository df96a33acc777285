"""Which printed numbers belong to which row: one dynamic programme over the whole table.

Every number has a *natural* row: the last row whose label began before it (numbers follow their
label, or sit inside it when a wrapped label is cut by its own numbers). pdftotext and some PDF
text layers print a row's numbers one line *above* its label when the label wraps and the numbers
are centred on it; those numbers fall in the previous row's zone. The programme assigns each
number to its natural row or the next one, keeping rows in order, and minimises

    Σ rows  count_cost(row)  +  SHIFT_COST × rows whose numbers were moved up from the previous zone

where ``count_cost`` is 0 for a row whose numbers can fill exactly its columns — as many numbers
as columns, or fewer numbers holding at least as many digits (digits run together) — and 1
otherwise, a row holding none included: emptying one row to fill another never pays by itself.
Only a number printed after label text (a wrapped label's continuation) may open a row other than
its natural one, so a row's own run of numbers is never split between two rows; layouts whose
counts are irregular anyway (dropped blank cells) keep the natural assignment.

The other way round, ``pdftotext -layout`` prints a two-line label's numbers *after* the first
line of the next row's label when a group label (``（四）`` beside rows 1–3) shares that line:
``1.本机关不掌握 / 相关政府信息 / （四）2.没有现成信息 / 37 0 … 37 / 需要另行制作 0 0 …``. A run
printed inside a label (the label goes on after it) may therefore also go back to the previous
row (``backs``); each number moved back costs ``SHIFT_COST`` (the previous row is open already,
so a move back opens nothing): it pays only where the previous row would otherwise stay short
and this one hold too many.
"""

from __future__ import annotations

from collections.abc import Sequence

SHIFT_COST = 0.1


def count_cost(n: int, digits: int, k: int) -> float:
    return 0.0 if n == k or (n <= k <= digits) else 1.0


def assign_rows(
    zones: Sequence[int], widths: Sequence[int], digits: Sequence[int], opens: Sequence[bool] | None = None,
    backs: Sequence[bool] | None = None,
) -> list[int]:
    """Row index for each number (``-1``: before the first row, not a cell).

    ``zones[j]`` is number j's natural row (``-1`` before the first anchor); numbers are in print
    order, so zones are non-decreasing. ``widths[r]`` is row r's number of columns, ``digits[j]``
    the digits number j prints (1 for a placeholder). ``opens[j]`` says whether number j may open a
    row that is not its natural one; ``backs[j]`` whether it may go back to the row before its
    natural one.
    """
    m = len(zones)
    n_rows = len(widths)
    if m == 0 or n_rows == 0:
        return [-1] * m
    if opens is not None and not any(opens) and not (backs and any(backs)):
        return list(zones)  # no number may leave its natural row: the only assignment there is
    cap = max(widths) + 1
    inf = float("inf")
    State = tuple[int, int, int]  # row, numbers in it (capped), digits in it (capped)
    states: dict[State, float] = {(-1, 0, 0): 0.0}
    back: list[dict[State, State]] = []

    def closing(row: int, count: int, dig: int, new_row: int) -> float:
        cost = count_cost(count, dig, widths[row]) if row >= 0 else 0.0
        return cost + max(0, new_row - max(row, -1) - 1)  # rows skipped stay empty: 1 each

    for j in range(m):
        nxt: dict[State, float] = {}
        bp: dict[State, State] = {}
        d = min(digits[j], cap)
        # a run moved back moves whole: once one of its numbers went back, the rest follow it
        whole = backs is not None and j > 0 and backs[j] and backs[j - 1] and zones[j - 1] == zones[j]
        for (row, count, dig), cost in states.items():
            for shift in (-1, 0, 1):
                target = zones[j] + shift
                if target >= n_rows or target < row:
                    continue
                if shift < 0 and not (backs and backs[j]):
                    continue
                if whole and row == zones[j] - 1 and target != row:
                    continue
                if shift > 0 and target != row and opens is not None and not opens[j]:
                    continue
                if target == row:
                    key = (row, min(count + 1, cap), min(dig + d, cap))
                    c = cost + SHIFT_COST * (shift < 0)  # every number moved back pays: the row is already open
                else:
                    key = (target, 1, d)
                    c = cost + closing(row, count, dig, target) + SHIFT_COST * abs(shift)
                if c < nxt.get(key, inf):
                    nxt[key] = c
                    bp[key] = (row, count, dig)
        states = nxt
        back.append(bp)
    best_key = min(states, key=lambda s: states[s] + closing(s[0], s[1], s[2], n_rows))
    out = [0] * m
    key = best_key
    for j in range(m - 1, -1, -1):
        out[j] = key[0]
        key = back[j][key]
    return out
