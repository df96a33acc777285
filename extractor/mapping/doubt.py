"""Rows of table 3 read from running text that the text cannot vouch for.

A row printing no numbers reads as blank, and one printing fewer numbers than cells is filled in
as a dump that leaves out blank cells would print it. Both are true of such a dump and false where
a text layer printed numbers away from their labels, or a browser cut the table at the page's edge.
The rules here decide from the table as a whole (its identities, its rows' counts) which rows are
left without values, never blank.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from itertools import pairwise
from typing import TYPE_CHECKING

from extractor.locate.hits import RowHit
from extractor.records.models import CellRef, Figure, Finding, Severity
from extractor.template import T3_COLUMNS, total_holds
from extractor.text import CellState

if TYPE_CHECKING:
    from extractor.locate.align.tokens import NumToken
    from extractor.mapping.readings import Reading
    from extractor.mapping.resolve import TableResult

__all__ = [
    "CUT_TABLE", "FILLED_FAILS", "cut_finding", "cut_table", "filled_failing", "first_columns", "repeats_printed",
    "row_total_fails", "unconfirmed_blanks",
]


_UNCONFIRMED_BLANK = (
    "the row's label is followed by no number, and the table's identities (T3-1, T3-3) fail as read or cannot be checked: "
    "its cells may have been printed elsewhere (a text layer read out of order), so it is not taken as blank"
)


def unconfirmed_blanks(
    rows: dict[str, list[Figure]], empty: list[str], collapsed: list[str], by_key: dict[str, RowHit], detail: Sequence[str],
    findings: list[Finding], scrambled: bool = False,
) -> None:
    """Running text: a row that prints no numbers reads as all blank, and one printing fewer numbers
    than cells is filled in as a dump that leaves out blank cells and merges repeated values would
    print it — true of such a dump, false where a text layer printed the row's numbers away from
    its label. The table's identities decide: the blanks stand only where some column can be
    checked and none fails; the filled-in rows unless the identities fail widely
    (:data:`_SCRAMBLED_CHECKS`: one misprinted total fails a check or two, a scrambled table most),
    or the table is ``scrambled`` (its headings printed among its rows) and not confirmed."""
    if not empty and not collapsed:
        return
    checked, failed = _t3_checks(rows, detail)
    confirmed = checked and not failed
    doubt = (empty if not confirmed else []) + (collapsed if failed >= _SCRAMBLED_CHECKS or (scrambled and not confirmed) else [])
    if not doubt:
        return
    from extractor.mapping.resolve import unreadable_row

    for key in doubt:
        why = _UNCONFIRMED_BLANK if key in empty else _UNCONFIRMED_FILL
        rows[key] = unreadable_row(f"t3.{key}", T3_COLUMNS, replace(by_key[key], unreadable=why), findings)


_SCRAMBLED_CHECKS = 3
_UNCONFIRMED_FILL = (
    "the row prints fewer numbers than cells (or its own total fails), and the table's identities (T3-1, T3-3) fail in "
    "several columns as read or its headings are printed among its rows: where the numbers belong is not known "
    "(a text layer read out of order), so none is placed"
)


CUT_TABLE = (
    "every row of table 3 prints the same number of numbers, fewer than its cells, and some row's total holds in no "
    "way of filling in blank cells: the table was cut at the page's edge (its last columns not printed), not dumped "
    "without its blank cells, so which cells the numbers are is not known"
)


def cut_table(text_rows: dict[str, list[NumToken]], best: TableResult, k: int) -> set[str]:
    """Table 3's rows read from running text when the table was cut at the page's edge (a browser's
    PDF of a page narrower than the table prints its first columns only, every row as many): every
    row prints the same count ``m`` of numbers, ``2 ≤ m < k``, and some row's total holds in no
    reading of the dropped-cells rule (``5 0 0 0`` read as 5, …, 总计 0). A dump that leaves out blank
    cells prints rows of many lengths, and a misprinted total there is the organ's: only the uniform
    count together with a failing row tells the two apart. Returns the rows to leave unread."""
    counts = {len(t) for t in text_rows.values() if t}
    if len(counts) != 1 or not 2 <= (m := counts.pop()) < k or len(text_rows) < _MIN_CUT_ROWS:
        return set()
    return {key for key, t in text_rows.items() if len(t) == m} if filled_failing(text_rows, best, k) else set()


def repeats_printed(rows: Sequence[Sequence[NumToken]]) -> bool:
    """Some row prints the same number twice side by side (``0 0 0 0``): the text does not merge
    repeated values, so it is no dump that leaves cells out — a cut table's printed cells are then
    its first columns, in order."""
    return any(a.text == b.text for toks in rows for a, b in pairwise(toks))


def first_columns(prefix: str, cols: Sequence[str], toks: Sequence[NumToken]) -> list[Figure]:
    """A row of a table cut at the page's edge: its printed numbers fill its first columns in order
    (a browser clips the table's right side), the columns beyond are left without a value."""
    from extractor.mapping.readings import token_cell

    out: list[Figure] = []
    for i, col in enumerate(cols):
        key = f"{prefix}.{col}"
        if i < len(toks):
            c = token_cell(toks[i])
            out.append(Figure.in_text(key, c.value, c.state, c.raw, None, True, c.offset, c.line))
        else:
            out.append(Figure.make(key=key, value=None, state=CellState.AMBIGUOUS, raw="", ref=CellRef.in_text(None, None),
                                   inferred=True))
    return out


def cut_finding(table: str, keys: Sequence[str], printed: int, cells: int) -> Finding:
    return Finding.make(
        code="cells.absent", severity=Severity.WARNING,
        message=(f"{table} was cut at the page's edge: every row prints its first {printed} of {cells} cells, and no "
                 "filling-in of blank cells makes every row's total hold; the printed numbers are read as the first "
                 "columns, the others are left without a value, not blank"),
        cells=list(keys))


def filled_failing(text_rows: dict[str, list[NumToken]], best: TableResult, k: int) -> set[str]:
    """Rows printing fewer numbers than cells, filled in by the dropped-cells rule (or split as
    digits run together), whose own total holds in none of the readings kept (``21 0``: 21 placed,
    总计 0 in every reading). What the readings agree on then says nothing."""
    return {key for key, t in text_rows.items()
            if 0 < len(t) < k and best.options[key].how in ("dropped", "glued") and (kept := best.solved.kept.get(key))
            and not any(_reading_holds(r) for r in kept)}


FILLED_FAILS = (
    "the row prints fewer numbers than cells, no way of filling in the blank cells a dump leaves out makes its own total "
    "hold, and table 3 shows the text printed out of order: its numbers are other rows' cells, not the row's"
)


_MIN_CUT_ROWS = 5


def _reading_holds(reading: Reading) -> bool:
    """Whether a row's reading keeps its own total (blank cells counting 0; no total: nothing to fail)."""
    total = reading[-1].value
    return total is None or total_holds([c.value or 0 for c in reading[:-1]] + [total])


def row_total_fails(figs: list[Figure]) -> bool:
    values = [f.value for f in figs]
    return None not in values and not total_holds(values)  # type: ignore[arg-type]


def _t3_checks(rows: dict[str, list[Figure]], detail: Sequence[str]) -> tuple[int, int]:
    """How many T3-1 (一 + 二 = (七) + 四) and T3-3 ((七) = Σ detail rows) column checks have every
    cell they need, and how many of them fail."""
    def col(key: str, c: int) -> float | None:
        figs = rows.get(key)
        if figs is None:
            return None
        f = figs[c]
        return 0 if f.value is None and f.state is CellState.BLANK else f.value

    checked = failed = 0
    for c in range(len(T3_COLUMNS)):
        top = [col(k, c) for k in ("new_received", "carried_over", "results_total", "carried_forward")]
        if None not in top:
            checked += 1
            failed += abs(top[0] + top[1] - top[2] - top[3]) > 1e-9  # type: ignore[operator]
        parts = [col(k, c) for k in detail if k in rows]
        if top[2] is not None and parts and None not in parts:
            checked += 1
            failed += abs(sum(parts) - top[2]) > 1e-9  # type: ignore[arg-type]
    return checked, failed
