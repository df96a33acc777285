"""Numbers printed away from their row's label (pdftotext's default reading order).

The texts are shaped like ``pdftotext`` (no ``-layout``) of the 淮安 PDFs: one cell per line, a
one-row table-2 block printing its number before its label, and table-3 rows whose wrapped labels
are printed after the table body while their numbers follow the row above.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract

T2_HEAD = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"


TITLE = "某某市某某局2023年政府信息公开工作年度报告\n"


def _flat(text: str) -> tuple[dict[str, float | None], list[str]]:
    r = extract((TITLE + text).encode("utf-8"), name="dump.txt")
    assert r.report is not None
    return r.report.flat(), [f.code for f in r.findings]


def test_a_one_row_block_prints_its_number_before_its_label() -> None:
    text = T2_HEAD + (
        "规章\n0\n0\n0\n行政规范性文件\n0\n5\n5\n"
        "第二十条第（五）项\n信息内容\n本年处理决定数量\n550\n行政许可\n"
        "第二十条第（六）项\n信息内容\n本年处理决定数量\n行政处罚\n4119\n行政强制\n195\n"
        "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n7730.28\n行政事业性收费\n"
        "三、收到和处理政府信息公开申请情况\n"
    )
    flat, codes = _flat(text)
    assert flat.get("t2.licensing.decisions") == 550 and flat.get("t2.fees.amount") == 7730.28  # was 0 and 0: wrong
    assert flat.get("t2.normative_docs.in_force") == 5 and flat.get("t2.punishment.decisions") == 4119
    assert codes.count("rows.displaced") == 2


def test_a_block_printed_value_first_throughout_is_shifted_whole() -> None:
    text = T2_HEAD + (
        "规章\n0\n0\n0\n行政规范性文件\n1\n2\n3\n"
        "第二十条第（六）项\n信息内容\n本年处理决定数量\n36\n行政处罚\n4378\n行政强制\n"
        "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n12\n三、收到和处理政府信息公开申请情况\n"
    )
    flat, _ = _flat(text)
    assert (flat.get("t2.punishment.decisions"), flat.get("t2.coercion.decisions")) == (36, 4378)
    assert flat.get("t2.fees.amount") == 12


def test_numbers_that_do_not_fit_leave_the_empty_row_unread_not_blank() -> None:
    text = T2_HEAD + (
        "规章\n0\n0\n0\n行政规范性文件\n1\n2\n3\n"
        "第二十条第（五）项\n信息内容\n本年处理决定数量\n550\n551\n行政许可\n"
        "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n12\n三、收到和处理政府信息公开申请情况\n"
    )
    flat, codes = _flat(text)
    assert flat.get("t2.licensing.decisions") is None and "cells.unreadable" in codes


T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"),
    ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("1.属于国家秘密", "withheld_state_secret"),
    ("2.其他法律行政法规禁止公开", "withheld_law_forbidden"),
    ("3.危及“三安全一稳定”", "withheld_three_safety"),
    ("4.保护第三方合法权益", "withheld_third_party"),
    ("5.属于三类内部事务信息", "withheld_internal"),
    ("6.属于四类过程性信息", "withheld_process"),
    ("7.属于行政执法案卷", "withheld_case_file"),
    ("8.属于行政查询事项", "withheld_inquiry"),
]


def _t3_dump(rows: list[list[int]], late: set[int]) -> str:
    """Table 3's first rows, one cell per line; the labels of the rows in ``late`` printed after the
    body, their numbers right after the row above."""
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计"]
    tail = []
    for i, ((label, _), cells) in enumerate(zip(T3_ROWS, rows, strict=False)):
        (tail if i in late else out).append(label)
        out.extend(str(c) for c in cells)
    out += ["（七）总计", *map(str, [sum(c) for c in zip(*[r[:7] for r in rows[2:]], strict=True)])]
    out += ["四、结转下年度继续办理", *["0"] * 7, *tail, "四、政府信息公开行政复议、行政诉讼情况"]
    return "\n".join(out) + "\n"


def _row(values: list[int]) -> list[int]:
    return [*values, sum(values)]


@settings(max_examples=30, deadline=None)
@given(
    cells=st.lists(st.lists(st.integers(0, 60), min_size=6, max_size=6), min_size=len(T3_ROWS), max_size=len(T3_ROWS)),
    late=st.sets(st.integers(2, len(T3_ROWS) - 1), max_size=4),
)
def test_rows_whose_labels_follow_the_body_get_the_numbers_after_the_row_above(cells: list[list[int]], late: set[int]) -> None:
    rows = [_row(c) for c in cells]
    flat, _ = _flat(_t3_dump(rows, late))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        got = flat.get(f"t3.{key}.total")
        # exact wherever read; a row is only left unread when its chunk could not be confirmed
        assert got is None or got == row[-1], (key, got, row)
    read = sum(flat.get(f"t3.{key}.total") is not None for _, key in T3_ROWS)
    assert read == len(T3_ROWS), (late, read)


def test_an_unmatched_surplus_leaves_the_late_rows_unread_never_blank() -> None:
    rows = [_row([i, 0, 0, 0, 0, 1]) for i in range(len(T3_ROWS))]
    rows[2] = [5, 0, 0, 0, 0, 0, 9]  # (一)予以公开's own total does not hold: the chunk is not confirmed
    flat, codes = _flat(_t3_dump(rows, {2, 3}))
    assert flat.get("t3.granted.total") is None and flat.get("t3.partial.total") is None
    assert flat.get("t3.carried_over.total") is None  # its run holds three rows' numbers: ambiguous
    assert flat.get("t3.withheld_state_secret.total") == rows[4][-1]
    assert "cells.unreadable" in codes


def test_tab_rows_broken_by_line_breaks_inside_cells_are_read_as_running_text() -> None:
    """python-docx's cell.text keeps a cell's line breaks, so ``"\\t".join(c.text for c in row.cells)``
    runs one row over several lines (and repeats merged cells): the grid loses the row, the
    flattened document (every cell a line) keeps it. A label repeated that way is no page header."""
    cols = "\t".join(["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"])
    rows = [_row([5, 1, 0, 0, 0, 2]), _row([1, 0, 0, 0, 0, 0]), _row([4, 1, 0, 0, 0, 2])]
    text = "\n".join([
        "三、收到和处理政府信息公开申请情况", cols,
        "一、本年新收政府信息公开", "申请数量\t一、本年新收政府信息公开", "申请数量\t" + "\t".join(map(str, rows[0])),
        "二、上年结转政府信息公开申请数量\t二、上年结转政府信息公开申请数量\t" + "\t".join(map(str, rows[1])),
        *[f"{label}\t{label}\t" + "\t".join(["0"] * 7) for label, _ in T3_ROWS[2:]],
        "（七）总计\t（七）总计\t" + "\t".join(map(str, rows[2])),
        "四、结转下年度继续办理", "四、结转下年度继续办理\t" + "\t".join(map(str, _row([2, 0, 0, 0, 0, 0]))),
        "四、政府信息公开行政复议、行政诉讼情况",
    ]) + "\n"
    flat, _ = _flat(T2_HEAD + "规章\t0\t0\t1\n" + text)
    assert [flat.get(f"t3.new_received.{c}") for c in ("natural_person", "commercial", "other_org", "total")] == [5, 1, 2, 8]
    assert flat.get("t3.carried_forward.total") == 2


def test_pdftotext_raw_rows_that_start_with_their_enumerator() -> None:
    """pdftotext -raw prints ``7、 0 3 2 5`` with the wrapped label below: 7 enumerates the row."""
    from extractor.locate.align import tokenize

    assert [t.text for t in tokenize("7、 0 3 2 5\n属于\n行政执法案卷\n").numbers] == ["0", "3", "2", "5"]
    assert [t.text for t in tokenize("共收到7、8两类").numbers] == ["7", "8"]  # "7、8": prose, not a row


def test_a_number_before_the_next_blocks_header_stays_in_its_block() -> None:
    """A number printed under a wrapped label, before the next 第二十条 block's header, belongs to
    the row above it even in a layout that prints rows side by side (where a number may move to
    the next row when its label wraps): never across a block header."""
    text = T2_HEAD + (
        "规章 0 0 1\n行政规范性文\n件\n2\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可\n"
        "第二十条第（六）项\n信息内容 本年处理决定数量\n行政处罚 4\n行政强制 5\n"
        "三、收到和处理政府信息公开申请情况\n申请人情况\n"
        + "".join(f"{label} 0 0 0 0 0 0 0\n" for label, _ in T3_ROWS)
    )
    flat, _ = _flat(text)
    assert flat.get("t2.licensing.decisions") in (None, 0)  # not the 2 printed under 行政规范性文件


def test_an_empty_row_after_a_row_with_too_many_numbers_is_not_blank() -> None:
    rows = "".join(f"{label}\n" + "\n".join(["1", "0", "0", "0", "0", "0", "1"]) + "\n" for label, _ in T3_ROWS[:9])
    text = ("三、收到和处理政府信息公开申请情况\n申请人情况\n" + rows
            + "6.属于四类过程性信息\n15\n0\n1\n16\n7\n0\n3\n2\n5\n7.属于行政执法案卷\n8.属于行政查询事项\n0\n0\n0\n0\n0\n0\n0\n")
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + text)
    assert flat.get("t3.withheld_case_file.total") is None and "cells.unreadable" in codes


def test_pdftotext_layout_row_ending_in_a_year_like_total_beside_a_vertical_label() -> None:
    """pdftotext -layout prints ``… 4      1909`` and, on the next line, the next piece of the
    vertical label 三、本年度办理结果 (``年度办``): 1909 is a cell, not the year of "1909年"."""
    from extractor.locate.align import tokenize

    toks = tokenize("三、本 （一）予以公开    1900   5    4   1909\n年度办 （二）部分公开   0\n").numbers
    assert [t.text for t in toks] == ["1900", "5", "4", "1909", "0"]
    assert [t.text for t in tokenize("截至\n2022\n年底").numbers] == []  # a year alone on its line still is one
    assert [t.text for t in tokenize("6． 2866     2866\n属于四类").numbers] == ["2866", "2866"]  # 6． enumerates


def test_pdftotext_layout_headers_wrapped_or_printed_one_character_per_line() -> None:
    """-layout prints a narrow column's heading wrapped (``上一年项目数 本年增/减 处理决定数量`` with
    ``量`` below) and table 4's headings one character per line across the columns; the first must
    still be three columns, the second still a header before table 4's row."""
    from extractor.locate.hits import t2_columns_in

    assert t2_columns_in("信息内容上一年项目数本年增/减处理决定数量量") == ["prior_year", "change", "decisions"]
    assert t2_columns_in("信息内容上一年项目本年收费金额(单位:万元)") == ["amount"]  # a stray word, one heading
    t4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议   行政诉讼\n结 结 其 尚 总 未经复议直接起诉 复议后起诉\n"
          "果 果 他 未 结 计 结 其 尚 总 结 结 其 尚 总\n维 纠 结 审 果 果 他 未 计 果 果 他 未 计\n"
          "持 正 果 结 维 纠 结 审 维 纠 结 审\n持 正 果 结 持 正 果 结\n7 2 0 0 9 0 0 7 7 14 0 7 1 0 8\n五、存在的主要问题及改进情况\n")
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + t4)
    assert [flat.get(f"t4.review.{c}") for c in ("upheld", "corrected", "total")] == [7, 2, 9]
    assert flat.get("t4.lit_after_review.total") == 8


def _cells_lines(rows: dict[str, list[int] | None]) -> str:
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况"]
    labels = dict((key, label) for label, key in T3_ROWS) | {"results_total": "（七）总计", "carried_forward": "四、结转下年度继续办理"}
    for key, cells in rows.items():
        out.append(labels[key])
        out.extend(str(c) for c in cells or [])
    return "\n".join(out) + "\n四、政府信息公开行政复议、行政诉讼情况\n"


def test_a_row_printing_nothing_is_blank_only_where_the_identities_confirm_it() -> None:
    detail = {key: _row([1, 0, 0, 0, 0, 0]) for _, key in T3_ROWS[2:]}
    n = len(detail)
    sound = {"new_received": _row([n, 0, 0, 0, 0, 0]), "carried_over": None, **detail,
             "results_total": _row([n, 0, 0, 0, 0, 0]), "carried_forward": None}
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + _cells_lines(sound))
    assert flat.get("t3.carried_over.total") == 0 and flat.get("t3.carried_forward.total") == 0  # 一 = (七): blanks hold
    broken = dict(sound, new_received=_row([n + 5, 0, 0, 0, 0, 0]))  # 一 + 二 ≠ (七) + 四 if 二 and 四 were blank
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + _cells_lines(broken))
    assert flat.get("t3.carried_over.total") is None and flat.get("t3.carried_forward.total") is None
    assert "cells.unreadable" in codes


def test_rows_filled_in_by_the_dropped_cells_rule_are_withheld_where_headings_sit_among_the_rows() -> None:
    """A dump that leaves out blank cells prints its headings above the rows; pdftotext's reading
    order prints them among the rows, and a row's lone number there is not the row's total."""
    rows = ["一、本年新收政府信息公开申请数量", "162", "二、上年结转政府信息公开申请数量", "21", "（一）予以公开", "42"]
    rows += [x for label, _ in T3_ROWS[3:] for x in (label, "0")]
    rows += ["（七）总计", "40", "四、结转下年度继续办理", "141", "四、政府信息公开行政复议、行政诉讼情况"]  # T3-1 fails by 2
    heads = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
    above = "\n".join(["三、收到和处理政府信息公开申请情况", "申请人情况", *heads, *rows]) + "\n"
    among = "\n".join(["三、收到和处理政府信息公开申请情况", "申请人情况", *rows[:2], *heads, *rows[2:]]) + "\n"
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + above)
    assert flat.get("t3.new_received.total") == 162  # a lone number fills its row as the dump would print it (one misprint)
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + among)
    assert flat.get("t3.new_received.total") is None and flat.get("t3.granted.total") is None
    assert "cells.unreadable" in codes
    # a full row whose own total fails, among scrambled headings: cut from other rows' numbers
    full = among.replace("（一）予以公开\n42\n", "（一）予以公开\n230\n0\n0\n23\n35\n0\n40\n")
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + full)
    assert flat.get("t3.granted.natural_person") is None


def test_a_row_printed_as_0_slash_n_is_no_page_number() -> None:
    """``0 / 299`` on a line of its own (a wrapped row's cells printed above its label: 0, a slash
    placeholder, 299) is not "page 0 of 299": page numbers start at 1 and never pass the page count."""
    from extractor.locate.align import tokenize

    assert [t.text for t in tokenize("对外公开总数量\n0 / 299\n规章\n").numbers] == ["0", "/", "299"]
    assert [t.text for t in tokenize("规章 0 0 1\n1 / 3\n规范性文件 2 0 5\n").numbers] == ["0", "0", "1", "2", "0", "5"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["结果维持", "总计", "尚未审", "结", "其他", "说明文字", "（", "件", "维持纠正", "单位"]), max_size=12),
       st.lists(st.integers(0, 12), max_size=6))
def test_table4_row_start_read_piecewise_equals_the_whole_text_rule(words: list[str], cuts: list[int]) -> None:
    """The row may start after a column heading with only header words between, or after nothing but
    header text; fed stretch by stretch (between numbers) the answer is the one for the whole text."""
    from extractor.locate.align.rows import _T4_COLUMN_WORD, _header_only, _T4Start

    text = "".join(words)
    marks = sorted({min(c, len(words)) for c in cuts} | {len(words)})
    start, prev = _T4Start(), 0
    for m in marks:
        got = start.feed("".join(words[prev:m]))
        prev = m
        upto = "".join(words[:m])
        last = None
        for w in _T4_COLUMN_WORD.finditer(upto):
            last = w
        want = (last is not None and _header_only(upto[last.end():])) or _header_only(upto)
        assert got == want, (upto, got, want)
    assert text.startswith("".join(words[:prev]))


def _after_body_transposed_dump(rows: list[list[int]], first_late: int) -> str:
    """pdftotext's plain order of a table whose rows from ``first_late`` on have wrapped labels: the
    row above prints its own numbers, then every later row's numbers column by column, and the
    late rows' labels come after all the numbers, in order."""
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "法人或其他组织", "总计"]
    for (label, _), cells in zip(T3_ROWS[:first_late], rows[:first_late], strict=True):
        out += [label, *map(str, cells)]
    late = rows[first_late:]
    out += [str(late[r][c]) for c in range(7) for r in range(len(late))]
    out += [label for label, _ in T3_ROWS[first_late : len(rows)]]
    return "\n".join([*out, "四、政府信息公开行政复议、行政诉讼情况"]) + "\n"


@settings(max_examples=25, deadline=None)
@given(cells=st.lists(st.lists(st.integers(0, 30), min_size=6, max_size=6), min_size=len(T3_ROWS), max_size=len(T3_ROWS)),
       first_late=st.integers(3, len(T3_ROWS) - 3))
def test_late_rows_numbers_after_the_row_above_column_by_column_are_read_transposed_or_not_at_all(
    cells: list[list[int]], first_late: int
) -> None:
    rows = [_row(c) for c in cells]
    r = extract((TITLE + _after_body_transposed_dump(rows, first_late)).encode("utf-8"), name="dump.txt")
    flat = r.report.flat() if r.report is not None else {}  # (a table of zeros with its labels last may locate nothing)
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        for col, value in zip(("natural_person", "commercial", "total"), (row[0], row[1], row[-1]), strict=True):
            got = flat.get(f"t3.{key}.{col}")
            assert got is None or got == value, (key, col, got, value)


def test_late_rows_with_counts_are_read_transposed() -> None:
    rows = [_row([2 * i + 1, i % 3, 0, i % 2, 0, 1]) for i in range(len(T3_ROWS))]
    flat, codes = _flat(_after_body_transposed_dump(rows, 3))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        assert [flat.get(f"t3.{key}.{c}") for c in ("natural_person", "commercial", "social_org", "total")] == \
            [row[0], row[1], row[3], row[-1]], key
    assert "rows.displaced" in codes


def test_a_row_with_column_headings_printed_among_its_numbers_is_not_read_in_print_order() -> None:
    """pdftotext of a page whose header row wraps into the first row prints the row's numbers out of
    column order with the last headings among them (``0 0 71 3 0 其他 0 总计 74``): the numbers add
    up in any order, so reading them as printed gave 71 to 科研机构 and 0 to 自然人. Printed in order
    with no heading among them, the same row is read."""
    detail = {key: _row([1, 0, 0, 0, 0, 0]) for _, key in T3_ROWS[2:]}
    n = len(detail)
    rows = {"new_received": [0, 0, n, 0, 0, 0, n], **detail, "results_total": _row([n, 0, 0, 0, 0, 0])}
    text = _cells_lines(rows)
    scrambled = text.replace(f"一、本年新收政府信息公开申请数量\n0\n0\n{n}\n0\n0\n0\n{n}\n",
                             f"一、本年新收政府信息公开申请数量\n0\n0\n{n}\n0\n0\n其他\n0\n总计\n{n}\n")
    assert scrambled != text
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + scrambled)
    assert flat.get("t3.new_received.research") is None and flat.get("t3.new_received.natural_person") is None
    assert "cells.unreadable" in codes and flat.get("t3.granted.total") == 1
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + text)
    assert flat.get("t3.new_received.research") == n
    # a wrapped label's words between a row's numbers are no heading: （二）'s label holds 其他
    wrapped = text.replace("（二）部分公开（区分处理的，只计这一情形，不计其他情形）\n1\n",
                           "（二）部分公开（区分处理的，只计这一\n1\n情形，不计其他情形）\n")
    assert wrapped != text
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + wrapped)
    assert flat.get("t3.partial.natural_person") == 1 and flat.get("t3.partial.total") == 1


def test_numbers_between_the_results_group_heading_and_its_first_label_are_that_rows() -> None:
    """pdftotext of a page whose 三、本年度办理结果 cell wraps prints （一）予以公开's numbers between the
    heading's first line and its label, right after 二's numbers; a dump that leaves out blank
    cells (``0`` / ``0`` / ``26`` / ``26``) then read 二's 总计 as 26."""
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "总计",
           "一、本年新收政府信息公开申请数量", "26", "26", "二、上年结转政府信息公开申请数量", "0", "0",
           "三、本年", "26", "26", "度办理结", "（一）予以公开", "果"]
    out += [x for label, _ in T3_ROWS[3:] for x in (label, "0", "0")]
    out += ["（七）总计", "26", "26", "四、结转下年度继续办理", "0", "0", "四、政府信息公开行政复议、行政诉讼情况"]
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + "\n".join(out) + "\n")
    assert flat.get("t3.carried_over.total") == 0 and flat.get("t3.granted.total") == 26
    assert "rows.displaced" in codes


def _cut_rows(rows: dict[str, list[int]], m: int) -> str:
    """Table 3 as a browser's PDF of a page narrower than the table prints it, dumped a row per line:
    each row's first ``m`` cells only."""
    out = ["三、收到和处理政府信息公开申请情况", "申请人情况"]
    labels = dict((key, label) for label, key in T3_ROWS) | {"results_total": "（七）总计", "carried_forward": "四、结转下年度继续办理"}
    out += [f"{labels[key]} " + " ".join(map(str, cells[:m])) for key, cells in rows.items()]
    return "\n".join(out) + "\n"


def test_a_table_cut_at_the_pages_edge_is_not_a_dump_without_blank_cells() -> None:
    """Every row prints its first four cells (``5 0 0 0``: 自然人 … 社会公益组织, the rest beyond the
    page's edge). Read as a dump that leaves out blank cells, 5 was a cell and the last 0 the total —
    a total that fails in every reading. The rows' repeated zeros (``0 0 0 0``) show the text merges
    nothing: the four numbers are the first four columns, the other three are left without a value.
    Table 4, cut the same way, prints its first 12 of 15 numbers."""
    detail = {key: _row([0, 0, 0, 0, 0, 0]) for _, key in T3_ROWS[2:]}
    detail["granted"] = _row([4, 0, 0, 0, 0, 0])
    rows = {"new_received": _row([4, 0, 0, 0, 0, 0]), "carried_over": _row([0] * 6), **detail,
            "results_total": _row([4, 0, 0, 0, 0, 0]), "carried_forward": _row([0] * 6)}
    t4 = "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n" + " ".join(["0", "1", "0", "0", "1"] + ["0"] * 7) + "\n五、存在的主要问题\n"
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + _cut_rows(rows, 4) + t4)
    assert all(flat.get(f"t3.{key}.total") is None and flat.get(f"t3.{key}.legal_service") is None for key in rows)
    assert [flat.get(f"t3.granted.{c}") for c in ("natural_person", "commercial", "research", "social_org")] == [4, 0, 0, 0]
    assert flat.get("t3.carried_over.natural_person") == 0
    assert flat.get("t4.review.total") == 1 and flat.get("t4.lit_after_review.corrected") == 0
    assert flat.get("t4.lit_after_review.other") is None and "cells.absent" in codes
    # no repeated value side by side: the text may merge them, so nothing tells which cells were printed
    varied = {key: [i + 1, i + 2, i + 3, i + 4, 0, 0, 4 * i + 10] for i, key in enumerate(rows)}
    varied["granted"] = [4, 1, 3, 0, 0, 0, 1]  # (a total that fails in every filling-in)
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + _cut_rows(varied, 4))
    assert all(flat.get(f"t3.{key}.{c}") is None for key in rows for c in ("natural_person", "total"))
    assert "cells.unreadable" in codes
    # the whole table printed: every row read
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + _cut_rows(rows, 7) + t4.replace(" 0 0 0 0 0 0 0\n", " 0 0 0 0 0 0 0 0 0 0\n"))
    assert flat.get("t3.granted.total") == 4 and flat.get("t3.new_received.natural_person") == 4


def test_a_misprinted_total_in_a_dump_without_blank_cells_does_not_make_the_table_cut() -> None:
    """A dump that leaves out blank cells prints rows of many lengths (``5 0 5``, ``0``); a total the
    organ misprinted there (``5 0 6``) fails in every reading, but only rows all as long as each other
    tell of a cut table: the other rows are read as the dump prints them."""
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", "一、本年新收政府信息公开申请数量", "5", "0", "6",
             "二、上年结转政府信息公开申请数量", "0", "（一）予以公开", "5", "0", "5"]
    lines += [x for label, _ in T3_ROWS[3:] for x in (label, "0")]
    lines += ["（七）总计", "5", "0", "5", "四、结转下年度继续办理", "0", "四、政府信息公开行政复议、行政诉讼情况"]
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + "\n".join(lines) + "\n")
    assert flat.get("t3.granted.total") == 5 and flat.get("t3.results_total.total") == 5
    assert flat.get("t3.carried_over.total") == 0 and flat.get("t3.partial.natural_person") == 0
    assert "cells.undecided" in codes  # (5 0 6: no reading holds, so nothing of it is placed)


def test_two_rows_cells_interleaved_leave_both_rows_unread() -> None:
    """pdftotext's plain order of a landscape page: （一）予以公开 prints ``21 0`` and （二）部分公开 the
    rest of both rows, interleaved (``8 1 0 0 0 0 21 0 0 0 0 9``). Five numbers too many say the text
    is out of order; then ``21 0`` — whose total would be 0 in every filling-in of blank cells — is
    not a dump's row that left blank cells out, and 予以公开 read 总计 0 (truth 21)."""
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", "一、本年新收政府信息公开申请数量", "29", "0", "0", "0", "0", "0", "29",
             "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0",
             "三、本年度办理结果", "（一）予以公开", "21 0", "（二）部分公开（区分处理的，只计这一", "8 1", "0", "0", "0", "0", "21",
             "0", "0", "0", "0", "9", "情形，不计其他情形）"]
    lines += [x for label, _ in T3_ROWS[4:] for x in (label, *["0"] * 7)]
    lines += ["（七）总计", "29", "0", "0", "0", "0", "0", "29", "四、结转下年度继续办理", *["0"] * 7, "四、政府信息公开行政复议、行政诉讼情况"]
    flat, codes = _flat(T2_HEAD + "规章 0 0 1\n" + "\n".join(lines) + "\n")
    assert flat.get("t3.granted.total") is None and flat.get("t3.partial.total") is None
    assert flat.get("t3.new_received.total") == 29 and "cells.unreadable" in codes


def test_rows_printed_elsewhere_do_not_join_a_block_when_the_row_above_holds_their_numbers() -> None:
    """pdftotext's plain order of a 2019 table 3 at 125 %: （六）其他处理's label printed early, its
    numbers after 5.要求…'s own (14 numbers there), and 四's numbers after （七）总计's own, before 四's
    label. （六） was dealt the first chunk after （七）'s label — 其他处理 20, （七）总计 all 0 — because the
    row above's surplus was not looked at."""
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况", "一、本年新收政府信息公开申请数量", "20", "0", "0", "0", "0", "1", "21",
             "二、上年结转政府信息公开申请数量", *["0"] * 7, "三、本年度办理结果", "（一）予以公开", "16", "0", "0", "0", "0", "1", "17"]
    rows_2019 = [(label, key) for label, key in T3_ROWS[3:]] + [
        ("1.本机关不掌握相关政府信息", "unable_not_held"), ("2.没有现成信息需要另行制作", "unable_needs_creation"),
        ("3.补正后申请内容仍不明确", "unable_unclear"), ("（五）不予处理", ""), ("1.信访举报投诉类申请", "rejected_petition"),
        ("2.重复申请", "rejected_duplicate"), ("3.要求提供公开出版物", "rejected_publication"),
        ("4.无正当理由大量反复申请", "rejected_excessive")]
    for label, key in rows_2019:
        lines += [label] if not key else [label, *["0"] * 7]
    lines += ["（六）其他处理", "5.要求行政机关确认或重新出具已获取信息", *["0"] * 7, "4", "0", "0", "0", "0", "0", "4",
              "（七）总计", "20", "0", "0", "0", "0", "1", "21", *["0"] * 7, "四、结转下年度继续办理", "四、政府信息公开行政复议、行政诉讼情况"]
    flat, _ = _flat(T2_HEAD + "规章 0 0 1\n" + "\n".join(lines) + "\n")
    assert flat.get("t3.results_total.total") in (21, None) and flat.get("t3.results_total.natural_person") in (20, None)
    assert flat.get("t3.other.total") in (4, None) and flat.get("t3.other.natural_person") in (4, None)
