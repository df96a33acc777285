"""Text that both leaves blank cells out and breaks numbers over lines or spans.

``get_text(" ", strip=True)`` of a page whose cells hold their digits in several ``<span>`` elements
prints ``11 10 21`` for a row of 1|1 (one cell, two spans), blank, 10, 21: the row prints as many
numbers as it has non-blank cells only by chance. Such a row is read with the fewest joins that
make its own total hold; a table-2 row (no total) parted the same way stays without values.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractor.locate.align import tokenize
from extractor.mapping.mixed import glued_dropped, joined_dropped
from extractor.mapping.readings import Columns, dropped, joined
from extractor.mapping.resolve import _group_holds, _row_holds, hypotheses
from extractor.mapping.solve import decide, flat, group_violations, row_sum_violation

T3 = Columns(7, max_digits=6)
T4 = Columns(15, max_digits=6)


def _readings(text: str, cols: Columns = T3) -> list[tuple[int | float, ...]]:
    holds, group = (_row_holds, 7) if cols.k == 7 else (_group_holds, 5)
    return [flat(r) for r, _ in joined_dropped(tokenize(text).numbers, cols, holds, group).readings]


def test_a_broken_number_is_joined_and_placed_by_the_row_total() -> None:
    got = _readings("1\n1 10 21")
    assert got, "11 + 10 = 21 explains the row"
    assert all(r[-1] == 21 and sorted(v for v in r[:-1] if v) == [10, 11] for r in got)
    assert all(r.index(11) < r.index(10) for r in got)  # printed order is kept
    assert (0, 0, 0, 0, 11, 10, 21) in got


def test_no_join_without_the_total_confirming_it() -> None:
    assert _readings("1\n1 10 22") == []


def test_never_joined_across_a_placeholder() -> None:
    assert _readings("1\n/\n1 10 21") == []  # 1, /, 1, 10: no join makes 21 once "/" is a cell


def test_every_printed_number_fills_exactly_one_cell() -> None:
    # 5 1 11 balances only if 5 fills two cells (5+5+1=11), and no join balances it: a merged
    # value would let almost any row balance, so it licenses no reading here
    assert _readings("5 1\n11") == []


def test_only_the_fewest_joins_are_kept() -> None:
    got = _readings("1\n1 2 2 7 1 1 3\n3")
    assert got and all(r[-1] == 33 for r in got)
    assert all(sum(1 for v in r if v) == 7 for r in got)  # two joins (9 numbers, 7 cells), no more


def test_table4_groups_each_confirm_their_joins() -> None:
    got = _readings("1\n2 12 3 3 1 0 1 0 2", T4)
    assert got and all(group_violations(_as_reading(r)) == 0 for r in got)
    assert all(12 in r[:5] and r[4] == 12 for r in got)


def _as_reading(values: tuple[int | float, ...]):  # type: ignore[no-untyped-def]
    from extractor.mapping.readings import CellReading
    from extractor.text import CellState

    return tuple(CellReading(v, CellState.NUMBER if v else CellState.ZERO, str(v)) for v in values)


@settings(max_examples=150, deadline=None)
@given(
    parts=st.lists(st.integers(min_value=0, max_value=400), min_size=6, max_size=6),
    cut=st.integers(min_value=1, max_value=5),
    sep=st.sampled_from(["\n", " "]),
    data=st.data(),
)
def test_the_printed_row_is_always_a_reading(parts: list[int], cut: int, sep: str, data: st.DataObject) -> None:
    """A row that holds, printed without its blank cells, one of its numbers broken in two: the true
    row is among the readings, so every cell all readings agree on is right."""
    row = [*parts, sum(parts)]
    printed = [str(v) for v in row if v]
    breakable = [i for i, s in enumerate(printed) if len(s) > 1 and s[min(cut, len(s) - 1)] != "0"]
    if not breakable:
        return
    i = data.draw(st.sampled_from(breakable))
    s = printed[i]
    at = min(cut, len(s) - 1)
    printed[i : i + 1] = [s[:at], s[at:]]
    text = " ".join(printed[:i]) + (" " if i else "") + printed[i] + sep + " ".join(printed[i + 1 :])
    toks = tokenize(text).numbers
    opts = joined_dropped(toks, T3, _row_holds, 7)
    got = [flat(r) for r, _ in opts.readings]
    if not got and len(toks) <= 7:
        # no join is tried where the plain dropped readings (a value repeated over cells) already
        # balance the row: 1 1 / 99 200 is also 1, 1, 99, 99, 200
        plain = dropped(toks, T3)
        assert any(row_sum_violation(r, "dropped") == 0 for r, _ in plain.readings) or plain.how == "none", text
        return
    assert tuple(row) in got, (text, got[:5])
    for col, cell in enumerate(decide([r for r, _ in opts.readings], 7)):
        if cell is not None:
            assert cell.value in (row[col], None) and (cell.value or 0) == row[col]
    assert all(row_sum_violation(r, "joined") == 0 for r, _ in opts.readings)


def _glued_dropped(text: str) -> list[tuple[int | float, ...]]:
    return [flat(r) for r, _ in glued_dropped(tokenize(text).numbers, T3, _row_holds, 7).readings]


def test_glued_digits_may_hide_unprinted_blank_cells() -> None:
    got = _glued_dropped("1310162748")  # 13 10 16 2 7 (blank) 48, an empty <td> printing nothing
    assert (13, 10, 16, 2, 7, 0, 48) in got and (13, 10, 16, 2, 0, 7, 48) in got
    assert all(r[-1] == 48 and sum(r[:-1]) == 48 for r in got)
    cells = decide([r for r, _ in glued_dropped(tokenize("408408").numbers, T3, _row_holds, 7).readings], 7)
    assert cells[-1] is not None and cells[-1].value == 408  # the total is known …
    assert all(c is None for c in cells[:-1])  # … not which applicant column printed 408


@settings(max_examples=150, deadline=None)
@given(parts=st.lists(st.integers(min_value=0, max_value=60), min_size=6, max_size=6),
       blank=st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_glued_row_with_unprinted_blanks_is_always_a_reading(parts: list[int], blank: list[bool]) -> None:
    """Printed cells' digits run together, blank cells print nothing: the true row is a reading."""
    assume(sum(parts) > 0)
    row = [0 if b else v for v, b in zip(parts, blank, strict=True)]
    row.append(sum(row))
    text = "".join(str(v) for v, b in zip(row, [*blank, False], strict=True) if not b)
    assume(row[-1] > 0)
    opts = glued_dropped(tokenize(text).numbers, T3, _row_holds, 7)
    assume(opts.how != "none" or len(text) > 14)  # a long run may exceed the search budget (then no reading)
    assert tuple(row) in [flat(r) for r, _ in opts.readings], text


def test_a_hyphen_before_a_number_in_a_signed_column_may_be_its_sign() -> None:
    opts = joined(tokenize("5\n-\n3\n2").numbers, Columns(3, signed=frozenset({1})))
    got = {flat(r) for r, _ in opts.readings}
    assert (5, -3, 2) in got  # the sign in a span of its own
    assert (5, 0, 32) in got  # or a hyphen cell and 3 / 2 broken: both kept, the cells undecided
    unsigned = joined(tokenize("5\n-\n3\n2").numbers, Columns(3))
    assert all(v >= 0 for r, _ in unsigned.readings for v in flat(r))  # no column takes the sign


def test_a_leading_zero_run_that_may_be_a_broken_tail_keeps_both_hypotheses() -> None:
    broken_tail = tokenize("3\n01 2 303").numbers  # 301 broken after its 3
    assert hypotheses([(broken_tail, 7)]) == ["glued", "dropped"]
    proven = tokenize("01 2 303").numbers  # a row cannot open with a leading zero: glued digits
    assert hypotheses([(proven, 7)]) == ["glued"]


@pytest.mark.parametrize(("text", "numbers"), [
    ("1\n、\n信访举报\n5", ["5"]),  # the enumerator's point alone on its line
    ("1\n．\n属于国家秘密\n5", ["5"]),
    ("851\n.\n776247", ["851.776247"]),  # a decimal point alone on its line is still a decimal point
])
def test_an_enumerator_split_over_lines_is_no_cell(text: str, numbers: list[str]) -> None:
    assert [t.text for t in tokenize(text).numbers] == numbers


@pytest.mark.parametrize(("text", "cells"), [
    ("3\n无\n法提供\n4", ["3", "4"]),  # 无法提供 broken over lines is label text
    ("3\n无\n正当理由\n4", ["3", "4"]),
    ("3\n无\n正、行政机关\n4", ["3", "无", "4"]),  # a 无 cell before a wrapped label
    ("3\n无\n4", ["3", "无", "4"]),
])
def test_a_none_word_across_a_line_break(text: str, cells: list[str]) -> None:
    assert [t.text for t in tokenize(text).numbers] == cells


def _generated_html_wrong(seeds: range, tools: set[str]) -> list[tuple[int, str, list[tuple[str, object, object]]]]:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen import draw_variant, generate
    from gen.layout_check import score
    from gen.render_html import render_html
    from gen.render_layouts import identities_hold

    from benchmarks.tool_dumps import html_dumps
    from extractor import extract
    from extractor.readers.decode import decode_bytes

    out = []
    for seed in seeds:
        rep = generate(seed)
        if not identities_hold(rep):
            continue
        html, _ = decode_bytes(render_html(rep, draw_variant(seed)))
        for tool, text in html_dumps(html):
            if tool in tools:
                s = score(rep, extract(text.encode("utf-8"), name=f"gen{seed}.txt"))
                if s.wrong:
                    out.append((seed, tool, s.wrong))
    return out


def test_generated_html_dumps_that_drop_blanks_and_split_spans_give_no_wrong_value() -> None:
    """Generated pages (digits split over spans, blank cells) dumped by get_text with a separator and
    stripping (blank cells left out, numbers broken) and without one (digits glued, empty cells
    printing nothing): where the report's printed totals hold, no figure may be wrong."""
    tools = {"bs4 get_text(' ', strip)", "bs4 get_text('\\n', strip)", "bs4 get_text()"}
    assert _generated_html_wrong(range(0, 16), tools) == []
