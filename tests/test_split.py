"""Splitting digits that ran together, and choosing the split by the identities."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractor.mapping.split import candidate_splits, choose, group_total_violations, parse_run, row_sum_violations


def test_unique_when_digits_equal_cells() -> None:
    assert candidate_splits(parse_run("0000000"), 7) == [(0,) * 7]


def test_no_leading_zeros() -> None:
    cands = candidate_splits(parse_run("230000023"), 7)
    assert (23, 0, 0, 0, 0, 0, 23) in cands
    assert all(row_sum_violations(c) == 0 for c in cands if c == (23, 0, 0, 0, 0, 0, 23))
    assert choose(cands, row_sum_violations).values == (23, 0, 0, 0, 0, 0, 23)


def test_spaces_are_boundaries() -> None:
    cands = candidate_splits(parse_run("160 02 0 018"), 7)
    assert (16, 0, 0, 2, 0, 0, 18) in cands
    assert all(c[0] in (1, 16, 160) for c in cands)  # never 1600: the space is a boundary


def test_table4_run_decided_by_group_totals() -> None:
    # format.md §12.5: exactly one split of this dump satisfies T4-1.
    choice = choose(candidate_splits(parse_run("10203120001200000"), 15), group_total_violations)
    assert choice.values == (1, 0, 2, 0, 3, 12, 0, 0, 0, 12, 0, 0, 0, 0, 0)


def test_negative_change_only_where_allowed() -> None:
    run = parse_run("2648-18538")
    assert candidate_splits(run, 3) == []
    assert (2648, -18, 538) in candidate_splits(run, 3, negative_positions=[1])


def test_ambiguous_is_not_chosen() -> None:
    choice = choose(candidate_splits(parse_run("2433"), 3), lambda c: 0)
    assert choice.values is None and choice.n_best > 1


@given(st.lists(st.integers(0, 999), min_size=6, max_size=6), st.randoms())
def test_true_split_is_a_candidate_and_row_sum_picks_it_when_unique(parts: list[int], rnd) -> None:  # type: ignore[no-untyped-def]
    row = (*parts, sum(parts))
    text = "".join(str(v) + (" " if rnd.random() < 0.3 else "") for v in row)
    cands = candidate_splits(parse_run(text), 7)
    assert row in cands
    good = [c for c in cands if row_sum_violations(c) == 0]
    assert row in good
    choice = choose(cands, row_sum_violations)
    assert choice.values in (row, None)
