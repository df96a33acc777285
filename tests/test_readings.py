"""Readings of a row's printed numbers (exact, joined, glued, dropped) and the table solver."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractor.locate.align import tokenize
from extractor.mapping.readings import Columns, dropped, glued, joined, row_options
from extractor.mapping.solve import decide, flat, group_violations, prefilter, row_sum_violation

T3 = Columns(7, max_digits=6)


def _values(text: str, cols: Columns, how: str = "glued") -> list[tuple[int | float, ...]]:
    opts = row_options(tokenize(text).numbers, cols, how)  # type: ignore[arg-type]
    return [flat(r) for r, _ in opts.readings]


def _best(text: str, cols: Columns, own=row_sum_violation) -> list[tuple[int | float, ...]]:  # type: ignore[no-untyped-def]
    opts = row_options(tokenize(text).numbers, cols, "glued")
    return [flat(r) for r, _ in prefilter(opts, lambda r: own(r, opts.how) if own is row_sum_violation else own(r))]


def test_unique_when_digits_equal_cells() -> None:
    assert _values("0000000", T3) == [(0,) * 7]


def test_no_leading_zeros() -> None:
    assert (23, 0, 0, 0, 0, 0, 23) in _values("230000023", T3)
    assert _best("230000023", T3) == [(23, 0, 0, 0, 0, 0, 23)]


def test_spaces_are_boundaries() -> None:
    cands = _values("160 02 0 018", T3)
    assert (16, 0, 0, 2, 0, 0, 18) in cands
    assert all(c[0] in (1, 16, 160) for c in cands)  # never 1600: the space is a boundary


def test_table4_run_decided_by_group_totals() -> None:
    # format.md §12.5: exactly one split of this dump satisfies T4-1.
    assert _best("10203120001200000", Columns(15, max_digits=6), group_violations) == [(1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)]


def test_negative_change_only_where_allowed() -> None:
    assert _values("2648-18538", Columns(3)) == []
    assert (2648, -18, 538) in _values("2648-18538", Columns(3, signed=frozenset({1})))


def test_split_over_lines_is_joined() -> None:
    opts = joined(tokenize("1\n62\n0\n0\n0\n0\n0\n162").numbers, T3)
    assert {flat(r) for r, _ in opts.readings} == {(162, 0, 0, 0, 0, 0, 162), (1, 620, 0, 0, 0, 0, 162)}  # never "00"
    kept = prefilter(opts, lambda r: row_sum_violation(r, opts.how))
    assert [flat(r) for r, _ in kept] == [(162, 0, 0, 0, 0, 0, 162)]


def test_spaces_are_never_joined() -> None:
    assert joined(tokenize("1 62 0 0 0 0 0 162").numbers, T3).readings == []


def test_decimal_point_on_its_own_line_is_one_number() -> None:
    assert [n.text for n in tokenize("行政事业性收费\n851\n.\n776247\n").numbers] == ["851.776247"]


def test_sign_and_unit_on_their_own_lines() -> None:
    assert [(n.digits, n.sign, n.unit) for n in tokenize("行政许可\n2\n增\n3\n7\n采购\n5\n142512\n元").numbers] == [
        ("2", "", None), ("3", "+", None), ("7", "", None), ("5", "", None), ("142512", "", "元")]


def test_dropped_cells_decide_only_what_every_reading_agrees_on() -> None:
    opts = dropped(tokenize("3\n0\n3").numbers, T3)
    kept = [r for r, _ in prefilter(opts, lambda r: row_sum_violation(r, opts.how))]
    cells = decide(kept, 7)
    assert cells[-1] is not None and cells[-1].value == 3  # 总计 is 3 under every reading
    assert all(c is None for c in cells[:5])  # which applicant column holds the 3 is not printed


def test_lone_zero_row_is_all_zero() -> None:
    opts = dropped(tokenize("0").numbers, T3)
    cells = decide([r for r, _ in opts.readings], 7)
    assert all(c is not None and c.value == 0 for c in cells)


def test_leading_zero_run_is_never_one_dropped_cell() -> None:
    assert dropped(tokenize("000023").numbers, T3).readings == []


@given(st.lists(st.integers(0, 999), min_size=6, max_size=6), st.randoms())
def test_true_split_is_a_reading_and_row_sum_keeps_it(parts: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    row = (*parts, sum(parts))
    text = "".join(str(v) + (" " if rnd.random() < 0.3 else "") for v in row)
    opts = glued(tokenize(text).numbers, Columns(7))
    if not opts.readings:  # only a run too long to enumerate every split of is left undecided
        assert sum(len(str(v)) for v in row) >= 20
        return
    assert row in [flat(r) for r, _ in opts.readings]
    assert row in [flat(r) for r, _ in prefilter(opts, lambda r: row_sum_violation(r, opts.how))]


@given(st.lists(st.integers(0, 50), min_size=7, max_size=7))
def test_dropped_printing_of_a_row_always_has_the_row_as_a_reading(cells: list[int]) -> None:
    """Leave out blanks (here: none) and merge adjacent repeats: the original row is a reading."""
    printed: list[int] = []
    for v in cells:
        if not printed or printed[-1] != v:
            printed.append(v)
    opts = dropped(tokenize("\n".join(map(str, printed))).numbers, Columns(7))
    assert tuple(cells) in [flat(r) for r, _ in opts.readings]
