"""Readings of a row's printed numbers (exact, joined, glued, dropped) and the table solver."""

from __future__ import annotations

from hypothesis import given, settings
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


def test_spaces_are_joined_only_where_the_row_identity_confirms_it() -> None:
    from extractor.mapping.resolve import _row_holds

    toks = tokenize("1 62 0 0 0 0 0 162").numbers
    assert joined(toks, T3).readings == []  # no identity to check against: never
    assert [flat(r) for r, _ in joined(toks, T3, _row_holds, 7).readings] == [(162, 0, 0, 0, 0, 0, 162)]
    # "2 0" and "2 1": digits of one cell in two <span>s, read with get_text(" ") (平潭 2020 HTML)
    spans = tokenize("2 0 0 0 0 0 1 2 1").numbers
    assert [flat(r) for r, _ in joined(spans, T3, _row_holds, 7).readings] == [(20, 0, 0, 0, 0, 1, 21)]
    # a page number after the row is never glued into a cell, even where the total is a placeholder
    furniture = tokenize("19 1 0 0 0 0 19 - 7 -").numbers
    assert joined(furniture, T3, _row_holds, 7).readings == []


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


# --- Glued runs searched with the row's identity (no enumeration of every cut) ------------------

def _holds_t4(cells) -> bool:  # type: ignore[no-untyped-def]
    return group_violations(cells) == 0


def _holds_t3(cells) -> bool:  # type: ignore[no-untyped-def]
    return row_sum_violation(cells, "glued") == 0


def _brute_force(digits: str, k: int, max_digits: int) -> list[tuple[int, ...]]:
    """Every cut of one digit run into ``k`` numbers without leading zeros (the reference)."""
    out: list[tuple[int, ...]] = []

    def go(rest: str, acc: tuple[int, ...]) -> None:
        left = k - len(acc)
        if not left <= len(rest) <= left * max_digits or len(out) > 20_000:
            return
        if left == 1:
            if rest == "0" or rest[0] != "0":
                out.append((*acc, int(rest)))
            return
        for cut in range(1, min(len(rest), max_digits) + 1):
            head = rest[:cut]
            if head == "0" or head[0] != "0":
                go(rest[cut:], (*acc, int(head)))

    go(digits, ())
    return out


def _group_fails(vec: tuple[int, ...], group: int) -> int:
    return sum(1 for g in range(0, len(vec), group) if sum(vec[g : g + group - 1]) != vec[g + group - 1])


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 40), min_size=12, max_size=12), st.booleans())
def test_glued_search_with_identity_equals_brute_force(parts: list[int], break_one: bool) -> None:
    # Three table-4 groups of four parts and a total; sometimes one total printed wrong.
    cells: list[int] = []
    for g in range(3):
        four = parts[4 * g : 4 * g + 4]
        cells += [*four, sum(four) + (1 if break_one and g == 1 else 0)]
    run = "".join(map(str, cells))
    cols = Columns(15, max_digits=4)
    got = {flat(r) for r, _ in glued(tokenize(run).numbers, cols, _holds_t4, 5).readings}
    every = _brute_force(run, 15, 4)
    if len(every) > 20_000:
        return  # the reference itself gives up where the row is left undecided
    fewest = min(_group_fails(v, 5) for v in every)
    assert got == {v for v in every if _group_fails(v, 5) == fewest}
    assert tuple(cells) in got or fewest < _group_fails(tuple(cells), 5)


def test_long_table4_run_is_cut_by_the_group_totals_not_enumerated() -> None:
    # 26 glued digits for 15 cells (a city's table 4 with three-digit counts): millions of cuts,
    # of which three satisfy all three group totals; they agree on the first ten cells.
    toks = tokenize("72641783735113481261211620").numbers
    cols = Columns(15, max_digits=6)
    assert glued(toks, cols).how == "none"  # without the identity: too many cuts, left undecided
    readings = [flat(r) for r, _ in glued(toks, cols, _holds_t4, 5).readings]
    assert (72, 64, 178, 37, 351, 13, 4, 8, 1, 26, 1, 2, 1, 16, 20) in readings
    assert len(readings) == 3
    assert {r[:10] for r in readings} == {(72, 64, 178, 37, 351, 13, 4, 8, 1, 26)}


def test_table3_row_cut_by_its_total_and_all_cuts_when_none_holds() -> None:
    toks = tokenize("1288210050261").numbers  # 128 82 1 0 0 50 | 261
    got = {flat(r) for r, _ in glued(toks, T3, _holds_t3, 7).readings}
    assert (128, 82, 1, 0, 0, 50, 261) in got
    assert all(sum(v[:6]) == v[6] for v in got)
    broken = tokenize("1288210050262").numbers  # the printed total is off by one: no cut holds
    every = {flat(r) for r, _ in glued(broken, T3).readings}
    assert {flat(r) for r, _ in glued(broken, T3, _holds_t3, 7).readings} == every
    assert (128, 82, 1, 0, 0, 50, 262) in every


# --- The table-3 search: the band of sums that can meet (七) is an optimisation, never a change --

_VEC = st.lists(st.integers(0, 6), min_size=7, max_size=7).map(tuple)


def _reading(vec: tuple[int, ...]):  # type: ignore[no-untyped-def]
    from extractor.mapping.readings import CellReading
    from extractor.text import CellState

    return tuple(CellReading(x, CellState.ZERO if x == 0 else CellState.NUMBER, str(x)) for x in vec)


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(_VEC, min_size=1, max_size=3), min_size=2, max_size=5),
    st.lists(_VEC, min_size=1, max_size=3),
    st.lists(st.lists(_VEC, min_size=1, max_size=2), min_size=3, max_size=3),
    st.booleans(),
    st.integers(0, 2),
)
def test_table3_band_search_keeps_exactly_the_full_search(detail, totals, top, exact_total, sound_top) -> None:  # type: ignore[no-untyped-def]
    import extractor.mapping.solve as solve

    det = [f"d{i}" for i in range(len(detail))]
    if exact_total:  # make one (七) reading equal a sum of detail readings, as a sound table has
        totals = [*totals, tuple(map(sum, zip(*(opts[0] for opts in detail), strict=True)))]
    if sound_top:  # T3-1 holds for one (七) reading: 一 + 二 = (七) + 四, column by column
        new, car, fwd = top
        rt = totals[sound_top - 1] if sound_top <= len(totals) else totals[0]
        new_vec = tuple(r + f + 3 for r, f in zip(rt, fwd[0], strict=True))
        top = [[*new, new_vec], [*car, (3,) * 7], fwd]
    rows = {k: [(_reading(v), 0.0) for v in opts] for k, opts in zip(det, detail, strict=True)}
    rows["results_total"] = [(_reading(v), 0.0) for v in totals]
    for k, opts in zip(("new_received", "carried_over", "carried_forward"), top, strict=True):
        rows[k] = [(_reading(v), 0.0) for v in opts]

    class NoBand:
        def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
            pass

        def limits(self, i: int) -> tuple[int, int, int]:
            return (0, 0, 0)

    small = solve._SMALL
    solve._SMALL = 0  # always search the band first
    try:
        fast = solve.solve_table3(rows, det)
    finally:
        solve._SMALL = small
    band = solve._Band
    solve._Band = NoBand  # type: ignore[assignment,misc]
    try:
        full = solve.solve_table3(rows, det)
    finally:
        solve._Band = band  # type: ignore[misc]
    assert fast.cost == full.cost
    assert {k: sorted(map(flat, v)) for k, v in fast.kept.items()} == {k: sorted(map(flat, v)) for k, v in full.kept.items()}


def test_table3_cheapest_table_may_miss_the_total_outside_the_band() -> None:
    # d0 reads (5, 5) or 0 in its first columns; (七) reads (5, 5) (then T3-1 fails in two columns)
    # or (1, 0) (T3-1 holds). The best table misses (七) in one column, with a sum (0) outside
    # every (七) reading: the band search alone would not see it.
    from extractor.mapping.solve import solve_table3

    z = (0,) * 5
    rows = {
        "d0": [(_reading((5, 5, *z)), 0.0), (_reading((0, 0, *z)), 0.0)],
        "results_total": [(_reading((5, 5, *z)), 0.0), (_reading((1, 0, *z)), 0.0)],
        "new_received": [(_reading((1, 3, 3, 3, 0, 0, 0)), 0.0)],
        "carried_over": [(_reading((0,) * 7), 0.0)],
        "carried_forward": [(_reading((0, 3, 3, 3, 0, 0, 0)), 0.0)],
    }
    import extractor.mapping.solve as solve

    small, solve._SMALL = solve._SMALL, 0  # search the band first, as a large table would
    try:
        solved = solve_table3(rows, ["d0"])
    finally:
        solve._SMALL = small
    assert solved.cost == 100.0
    assert [flat(r) for r in solved.kept["d0"]] == [(0, 0, *z)]
    assert [flat(r) for r in solved.kept["results_total"]] == [(1, 0, *z)]


def test_a_run_of_spaces_may_be_as_many_blank_cells() -> None:
    # Tags stripped with each blank cell printed as one space: 44, 5, 0, blank, blank, blank, 49.
    got = set(_values("4450   49", T3))
    assert (44, 5, 0, 0, 0, 0, 49) in got
    assert set(_best("4450   49", T3)) == {(44, 5, 0, 0, 0, 0, 49), (4, 45, 0, 0, 0, 0, 49)}  # the columns decide
    assert (44, 5, 0, 0, 0, 0, 49) not in set(_values("4450 49", T3))  # one space: at most one blank


def test_spaces_after_the_label_may_be_a_blank_first_cell() -> None:
    toks = tokenize("规章 8605行政规范性文件").numbers
    got = {flat(r) for r, _ in glued(toks, Columns(3)).readings}
    assert (0, 8, 605) in got and (8, 60, 5) in got  # so the third cell is not decided
    no_space = tokenize("规章8605行政规范性文件").numbers
    assert (0, 8, 605) not in {flat(r) for r, _ in glued(no_space, Columns(3)).readings}


def test_line_edge_spaces_are_not_blank_cells() -> None:
    toks = tokenize("规章\n   8605   \n行政规范性文件").numbers
    assert toks[0].blanks_before == 0 and toks[0].blanks_after == 0
    toks = tokenize("规章  8605 行政").numbers
    assert (toks[0].blanks_before, toks[0].blanks_after) == (2, 1)


# Placeholders glued into a tags-stripped dump (``glued_mixed``): each rule below turned a wrong
# value into a right one or into a flagged cell, on generated reports whose totals hold.

_T2_GLUED = (
    "二、主动公开政府信息情况第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数"
    "规章无无724行政规范性文件-00第二十条第（五）项信息内容本年处理决定数量行政许可0"
    "第二十条第（六）项信息内容本年处理决定数量行政处罚2464行政强制—"
    "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费80896.6"
    "三、收到和处理政府信息公开申请情况"
)


def test_placeholder_chain_glued_between_digits_is_one_cell_each() -> None:
    assert [t.text for t in tokenize("34/3无无10").numbers] == ["34", "/", "3", "无", "无", "10"]
    assert (3, 4, 0, 3, 0, 0, 10) in _values("34/3无无10", T3)
    # a chain that runs into label text is not tokenized whole: the row's glued-cell check sees it
    assert [t.text for t in tokenize("信息0无无（六）其他处理").numbers] == ["0", "无"]
    assert [t.text for t in tokenize("无正当理由10").numbers] == ["10"]  # a label word, not a cell


def test_hyphen_glued_to_digits_is_a_cell_where_no_column_is_signed() -> None:
    from extractor.mapping.resolve import options_for

    toks = tokenize("规范性文件-00第二十条").numbers
    assert [t.text for t in toks] == ["-00"]
    opts = options_for(toks, Columns(3), "glued")
    assert [flat(r) for r, _ in opts.readings] == [(0, 0, 0)]
    assert opts.readings[0][0][0].raw == "-"  # the first cell is the printed hyphen, not a zero
    signed = options_for(tokenize("2648-18538").numbers, Columns(3, signed=frozenset({1})), "glued")
    assert (2648, -18, 538) in {flat(r) for r, _ in signed.readings}  # a change column keeps its sign


def test_enumerator_is_cut_off_a_signed_run_too() -> None:
    toks = tokenize("信息0无5-0052、没有现成信息需要另行制作").numbers
    assert [t.text for t in toks] == ["0", "无", "5", "-005"]


def test_glued_number_after_label_text_does_not_open_the_next_row() -> None:
    from extractor.locate.align.anchors import find_regions
    from extractor.locate.align.rows import _table2
    from extractor.locate.hits import Located

    stream, found = tokenize(_T2_GLUED), Located()
    region = find_regions(stream.labels).t2
    assert region is not None
    # shifts on: a table whose rows share lines (a glued dump with blank cells as spaces is one)
    _table2(stream, *region, found, shifts=True)
    rows = {h.key: [t.text for t in h.tokens] for h in found.t2}
    assert rows["normative_docs"] == ["-00"]
    assert rows["licensing"] == ["0"]
    assert rows["punishment"] == ["2464"]
    assert rows.get("coercion", []) == []


def test_table4_placeholder_glued_before_its_first_number_makes_it_unreadable() -> None:
    from extractor.locate.align import locate_in_stream

    text = (
        "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
        "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计"
        "/7无512960015-—358五、存在的主要问题及改进情况"
    )
    (row,) = locate_in_stream(tokenize(text)).t4
    assert row.unreadable is not None and "'/'" in row.unreadable


def test_table4_placeholder_glued_between_its_numbers_is_no_header_punctuation() -> None:
    from extractor.locate.align import locate_in_stream

    head = "四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
    (row,) = locate_in_stream(tokenize(head + "6—/-600无5531004五、存在的主要问题及改进情况")).t4
    assert row.unreadable is not None
    # prose after the table, even with a placeholder character in it, does not make it unreadable
    (row,) = locate_in_stream(tokenize(head + "0 0 0 0 0 0 0 0 0 0 0 0 0 0 0五、存在的主要问题无其他-5")).t4
    assert row.unreadable is None and len(row.tokens) == 15


def test_none_word_glued_to_the_next_label_is_a_cell_unless_it_starts_a_label_word() -> None:
    from extractor.locate.align.anchors import find_regions
    from extractor.locate.align.rows import _table2
    from extractor.locate.hits import Located

    text = (
        "二、主动公开政府信息情况第二十条第（五）项信息内容上一年项目数量本年增/减处理决定数量"
        "行政许可098无其他对外管理服务事项2516-3288第二十条第（六）项信息内容上一年项目数量本年增/减处理决定数量"
        "行政处罚000三、收到和处理政府信息公开申请情况"
    )
    stream, found = tokenize(text), Located()
    region = find_regions(stream.labels).t2
    assert region is not None
    _table2(stream, *region, found)
    rows = {h.key: h for h in found.t2}
    assert rows["licensing"].unreadable is not None  # "098无": 0, 98, 无 or 0, 9, 8 — not decidable
    assert rows["punishment"].unreadable is None


def test_table3_with_a_detail_row_unknown_checks_seven_as_at_least_the_rest() -> None:
    # d1 is unreadable (no readings): Σ detail = (七) cannot be checked, only (七) ≥ d0. (七) reads
    # (36, 98) or (369, 8) (one glued run cut two ways, T3-1 holding for both); d0 is (300, 8).
    from extractor.mapping.solve import solve_table3

    z = (0,) * 5
    top = {
        "new_received": [(_reading((36, 98, *z)), 0.0), (_reading((369, 8, *z)), 0.0)],
        "carried_over": [(_reading((0,) * 7), 0.0)],
        "carried_forward": [(_reading((0,) * 7), 0.0)],
    }
    rows = {"d0": [(_reading((300, 8, *z)), 0.0)], "results_total": [(_reading((36, 98, *z)), 0.0), (_reading((369, 8, *z)), 0.0)], **top}
    solved = solve_table3(rows, ["d0", "d1"])
    assert [flat(r) for r in solved.kept["results_total"]] == [(369, 8, *z)]  # 36 < 300: impossible
    # with d1 unknown, (七) = (369, 8) is no violation although d0 alone sums to less
    assert solved.cost == 0.0
    # when every detail row is read, the equality is checked as before
    both = solve_table3({**rows, "d1": [(_reading((69, 0, *z)), 0.0)]}, ["d0", "d1"])
    assert both.cost == 0.0 and [flat(r) for r in both.kept["results_total"]] == [(369, 8, *z)]
    # a (七) reading only one column of which d0 passes is still kept when no other reading is better
    loose = solve_table3({**rows, "results_total": [(_reading((36, 98, *z)), 0.0)]}, ["d0", "d1"])
    assert loose.cost > 0.0


def test_hyphen_at_a_2019_row_start_may_be_a_cell_or_a_sign() -> None:
    from extractor.mapping.resolve import options_for

    change = Columns(2, signed=frozenset({1}))  # 2019 行政事业性收费: 上一年项目数量, 本年增/减
    got = {flat(r) for r, _ in options_for(tokenize("行政事业性收费-30第二十条").numbers, change, "dropped").readings}
    assert got == {(0, -30), (0, 30)}  # a left-out first cell and -30, or a "-" cell and 30: undecided
    assert decide([r for r, _ in options_for(tokenize("行政事业性收费-30第二十条").numbers, change, "dropped").readings], 2)[1] is None
    # a sign after the first cell's digits stays a sign (平潭 2020: 行政处罚 2648, -18, 538)
    licensing = Columns(3, signed=frozenset({1}))
    assert (2648, -18, 538) in {flat(r) for r, _ in options_for(tokenize("行政处罚2648-18538").numbers, licensing, "glued").readings}
    assert all(v[1] <= 0 for v in {flat(r) for r, _ in options_for(tokenize("行政处罚2648-18538").numbers, licensing, "glued").readings})


def test_a_placeholder_before_the_next_label_on_the_same_line_is_a_cell() -> None:
    # the whole page on one line (get_text(" "), text_content()): a row's last cell meets the next label
    toks = tokenize("规章 — — — 行政规范性文件 / 2 / 第二十条第（五）项 行政许可 0 无 第二十条").numbers
    assert [t.text for t in toks] == ["—", "—", "—", "/", "2", "/", "0", "无"]
    # but a 无 that begins one of the template's 无 words, or a 空 before text, is label text
    assert [t.text for t in tokenize("4.无 正当理由大量反复申请 0 0").numbers] == ["0", "0"]
    assert [t.text for t in tokenize("（四）无 法提供 3").numbers] == ["3"]
    assert [t.text for t in tokenize("1 无 正、行政机关不再处理").numbers] == ["1", "无"]  # 无 before a wrapped label


def test_table3_gives_up_on_t31_when_the_top_rows_have_too_many_readings() -> None:
    """A pdftotext dump of a table with blank cells left out can leave 一, 二, 四 and (七) with
    hundreds of readings each: T3-1 over their product (billions of combinations) hung the solver.
    Past MAX_T31_COMBOS it gives up on the column identities instead (exact=False), and the rows
    are decided on their own."""
    import itertools

    import extractor.mapping.solve as solve

    many = [tuple(v) for v in itertools.islice(itertools.product(range(3), repeat=7), 60)]
    rows = {k: [(_reading(v), 0.0) for v in many] for k in ("new_received", "carried_over", "results_total", "carried_forward")}
    rows["d0"] = [(_reading((1,) * 7), 0.0)]
    assert solve.MAX_T31_COMBOS < 60**4
    out = solve.solve_table3(rows, ["d0"])
    assert out.exact is False and out.kept["d0"] == [_reading((1,) * 7)]


def test_a_total_placed_in_a_gap_does_not_escape_its_row_identity() -> None:
    """A glued reading may put a blank cell where the text shows a space; put in the 总计's place,
    it left the row unchecked, so with spaces around every run (a PDF's autospacing between CJK and
    digits) a misprinted row let such readings win over the printed totals (2023 平潭自然资源 printed
    to PDF: 4 wrong values). A 总计 printed as a placeholder, or blank in a row read exactly, still
    leaves the row unchecked."""
    from extractor.mapping.readings import BLANK_GAP, CellReading
    from extractor.mapping.solve import row_sum_violation
    from extractor.text import CellState

    parts = tuple(CellReading(v, CellState.NUMBER if v else CellState.ZERO, str(v)) for v in (19, 0, 0, 0, 0, 0))
    assert row_sum_violation((*parts, BLANK_GAP), "glued") == 1
    assert row_sum_violation((*parts, CellReading(19, CellState.NUMBER, "19")), "glued") == 0
    assert row_sum_violation((*parts, CellReading(None, CellState.SLASH, "/")), "glued") == 0
    assert row_sum_violation((*parts, CellReading(None, CellState.BLANK, "")), "exact") == 0
