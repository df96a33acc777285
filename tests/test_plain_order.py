"""Tables 3 and 4 in pdftotext's default (plain) reading order.

Without ``-layout``, pdftotext reads a table's narrow cells across the columns: a heading wrapped
one character per line comes out interleaved with its neighbours' (结 / 结 / 果 / 果 / 维 / 纠), a
cell whose heading wraps is printed after its neighbours, and a row can collect the numbers of
several rows. The texts below are shaped like such dumps of generated PDFs. What they must never
produce is a wrong value: where the order cannot be known, the cells stay without values and a
finding says why.
"""

from __future__ import annotations

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.locate.align import tokenize

TITLE = "某某市某某局2023年政府信息公开工作年度报告\n"
T2 = "二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章 0 0 1\n"
T4_HEAD = "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n"
T4_GROUP_HEAD = "结果维持\n结果纠正\n其他结果\n尚未审结\n总计\n"
AFTER = "五、存在的主要问题及改进情况\n政务公开工作仍存在不足。\n"
T4_KEYS = [f"t4.{g}.{c}" for g in ("review", "lit_direct", "lit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


def _read(text: str) -> tuple[dict[str, float | None], list[str]]:
    """The figures and finding codes of a dump of ``text`` under a report title."""
    r = extract((TITLE + text).encode("utf-8"), name="dump.txt")
    assert r.report is not None
    return r.report.flat(), [f.code for f in r.findings]


def _flat(text: str) -> tuple[dict[str, float | None], list[str]]:
    return _read(T2 + text)


def _t4(printed: str, between: str = "") -> str:
    """Table 4's header (whole words, one per line), then the numbers, ``between`` after the fifth."""
    numbers = printed.split()
    lines = numbers[:5] + ([between] if between else []) + numbers[5:]
    return T4_HEAD + "行政诉讼\n未经复议直接起诉\n复议后起诉\n" + T4_GROUP_HEAD * 3 + "\n".join(lines) + "\n" + AFTER


def test_a_one_digit_enumerator_before_a_line_break_is_no_cell() -> None:
    """``（三 1．`` / ``）不`` : the wrapped label （三）不予公开 beside the next column's 1．属于国家秘密."""
    assert [t.digits for t in tokenize("（三 1．\n）不 属于\n").numbers] == []
    assert [t.digits for t in tokenize("3．\n危\n及\n").numbers] == []
    # what stays a number: a decimal split over lines, a number before the next number, an amount
    assert [t.digits for t in tokenize("851\n.\n776247\n").numbers] == ["851.776247"]
    assert [t.digits for t in tokenize("合计 1.\n2\n").numbers] == ["1", "2"]
    assert [t.digits for t in tokenize("收费 5.5万元\n").numbers] == ["5.5"]


def test_a_table4_group_whose_total_holds_only_in_another_order_is_not_placed() -> None:
    """``4 0 3 10 3``: pdftotext printed 结果纠正's 3 (a wrapped heading) after the others; 4 + 0 + 3 +
    10 ≠ 3, but 4 + 3 + 0 + 3 = 10. The group is left without values; the sound groups are read."""
    flat, codes = _flat(_t4("4 0 3 10 3 3 5 8 5 21 8 7 2 5 22"))
    assert all(flat.get(k) is None for k in T4_KEYS[:5])
    assert [flat.get(k) for k in T4_KEYS[5:]] == [3, 5, 8, 5, 21, 8, 7, 2, 5, 22]
    assert "cells.unreadable" in codes


def test_a_misprinted_table4_total_that_no_order_explains_is_kept() -> None:
    """The organ's own misprint (10 1 0 0 / 0): no order of the five numbers holds, so they are
    read as printed and validation reports the failing total, as it does for a grid."""
    flat, codes = _flat(_t4("10 1 0 0 0 0 0 0 0 0 5 0 0 0 0"))
    assert [flat.get(k) for k in T4_KEYS] == [10, 1, 0, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0, 0]
    assert "cells.unreadable" not in codes


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 30), min_size=4, max_size=4), st.integers(0, 3))
def test_a_sound_group_printed_with_one_cell_moved_to_the_end_is_never_read_wrong(results: list[int], moved: int) -> None:
    group = [*results, sum(results)]
    printed = group[:moved] + group[moved + 1 :] + [group[moved]]  # one result cell printed after the total
    assume(sum(printed[:4]) != printed[4])  # else the printed order holds too: nothing tells the two apart
    flat, _ = _flat(_t4(" ".join(str(v) for v in [*printed, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1])))
    got = [flat.get(k) for k in T4_KEYS[:5]]
    assert got == group or all(v is None for v in got), (printed, got)


def test_table4_headings_among_a_short_row_leave_it_unread() -> None:
    """``0 0 0`` / 其 / 尚 / 总 / 他 … / ``4 6 9 0 19 6 9 6 6``: the litigation groups' headings, one
    character per line, between the numbers. Read as a dump that left blank cells out, the first
    three zeros filled all fifteen cells; twelve numbers for fifteen cells cannot be placed."""
    between = "\n".join("行政诉讼其尚总未经复议直接起诉他未计结结其尚结审果果他未果结维纠结审持正果结")
    flat, codes = _flat(T4_HEAD + "\n".join("结结果果维纠持正") + "\n0\n0\n0\n" + between + "\n4\n6\n9\n0\n19\n6\n9\n6\n6\n" + AFTER)
    assert all(flat.get(k) is None for k in T4_KEYS)
    assert "cells.unreadable" in codes
    # the same headings between the numbers of a full row do not stop it
    flat, _ = _flat(T4_HEAD + "\n".join("结结果果维纠持正") + "\n0\n0\n0\n0\n0\n" + between + "\n" + "\n".join("1000100000") + "\n" + AFTER)
    assert [flat.get(k) for k in T4_KEYS] == [0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0]
    # fifteen numbers among the headings whose totals fail in the printed order (淮安's 72 64 178 37 /
    # … / 12 1 1 6 / 总计 / 351: the groups' cells interleaved) are not read as printed
    interleaved = "72\n64\n178\n37\n结 果\n其他\n复议后起诉\n12\n1\n1\n6\n总计\n351\n维持\n13\n4\n8\n1\n26\n总计\n20\n"
    flat, codes = _flat(T4_HEAD + "\n".join("结结果果维纠持正") + "\n" + interleaved + AFTER)
    assert all(flat.get(k) is None for k in T4_KEYS)


def test_table4_numbers_a_dropped_cells_reading_cannot_balance_are_not_placed() -> None:
    """Fourteen numbers for fifteen cells, as a dump that leaves out one blank cell, where no
    placement makes the groups' totals hold: they came from elsewhere, so none is placed."""
    flat, codes = _flat(_t4("3 0 0 5 3 3 5 6 1 5 0 7 0 2"))
    assert all(flat.get(k) is None for k in T4_KEYS)
    assert "split.ambiguous" in codes


def test_a_table3_row_holding_two_rows_numbers_makes_the_short_rows_doubtful() -> None:
    """A row that prints twice its cells' worth of numbers holds other rows' cells; the rows that
    print fewer numbers than cells are then not filled in as a dump that left blank cells out."""
    rows = [("一、本年新收政府信息公开申请数量", "329 19 13 10 19 5 395 2 2 0 0 2 6 0 36"),
            ("二、上年结转政府信息公开申请数量", ""), ("（一）予以公开", "31 5"), ("（二）部分公开", "14 1 15")]
    rest = ["1．属于国家秘密", "2．其他法律行政法规禁止公开", "3．危及“三安全一稳定”", "4．保护第三方合法权益",
            "5．属于三类内部事务信息", "6．属于四类过程性信息", "7．属于行政执法案卷", "8．属于行政查询事项"]
    rows += [(label, "2") for label in rest]
    rows += [("（七）总计", ""), ("四、结转下年度继续办理", "")]
    text = "三、收到和处理政府信息公开申请情况\n" + "\n".join(f"{label}\n{nums}" if nums else label for label, nums in rows)
    flat, codes = _flat(text + "\n" + T4_HEAD)
    assert flat.get("t3.withheld_state_secret.total") is None  # a lone 2 would have been read as the row's total
    assert "cells.unreadable" in codes


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(st.integers(0, 40), min_size=4, max_size=4), min_size=3, max_size=3), st.randoms(use_true_random=False))
def test_numbers_of_sound_groups_in_any_order_can_be_dealt_back(groups: list[list[int]], rnd: object) -> None:
    from extractor.template import t4_groups_hold, t4_some_order_holds

    values = [v for g in groups for v in (*g, sum(g))]
    assert t4_groups_hold(values)
    rnd.shuffle(values)  # type: ignore[attr-defined]
    assert t4_some_order_holds(values)
    odd = [*values[:-1], values[-1] + 1] if sum(values) % 2 == 0 else values
    assert not t4_some_order_holds(odd)  # each group sums to twice its total: an odd sum never deals


def _scrambled_t3(second_overflow: str = "") -> str:
    rows = [("一、本年新收政府信息公开申请数量", "329 19 13 10 19 5 395 2 2" + second_overflow),
            ("二、上年结转政府信息公开申请数量", ""), ("（一）予以公开", "31 5"), ("（二）部分公开", "14 1 15")]
    rest = ["1．属于国家秘密", "2．其他法律行政法规禁止公开", "3．危及“三安全一稳定”", "4．保护第三方合法权益"]
    rows += [(label, "2") for label in rest]
    rows += [("（七）总计", "0 2 0 6 0 36 0 1 4 7"), ("四、结转下年度继续办理", "")]
    return "三、收到和处理政府信息公开申请情况\n" + "\n".join(f"{label}\n{nums}" if nums else label for label, nums in rows) + "\n"


def test_two_rows_holding_more_numbers_than_cells_make_the_whole_text_out_of_order() -> None:
    """Two table-3 rows with numbers no reading explains (9 and 10 for 7 cells): the text layer moved
    numbers between rows, so rows short of numbers in tables 2, 3 and 4 lost them, not blank cells."""
    t2 = "规范性文件\n5\n"  # a dump that leaves out blank cells would print 现行有效 5 alone
    t2 += "第二十条第（五）项\n信息内容\n本年处理决定数量\n行政许可\n1571\n\n3587\n"  # not 15713587 split over lines
    t4 = _t4("0 0 0")  # three numbers for fifteen cells
    flat, codes = _flat(t2 + _scrambled_t3() + t4)
    assert flat.get("t3.withheld_state_secret.total") is None and flat.get("t3.granted.total") is None
    assert flat.get("t2.normative_docs.in_force") is None and flat.get("t2.licensing.decisions") is None
    assert all(flat.get(k) is None for k in T4_KEYS)
    assert "cells.unreadable" in codes


def test_a_page_footer_after_a_gap_in_the_page_numbers_is_furniture() -> None:
    """A crawler that keeps only some pages' footers: ``- 2 -`` … ``- 7 -``; the 7 is no cell."""
    text = "规章 0 0 1\n- 2 -\n行政许可 5\n" + "说明\n" * 30 + "（七）总计 19 1 0 0 0 0 19\n- 7 -\n四、结转\n"
    assert [t.digits for t in tokenize(text).numbers] == ["0", "0", "1", "5", "19", "1", "0", "0", "0", "0", "19"]
    # out of sequence it stays a row's cells: a dash, 58 and a dash
    assert "58" in [t.digits for t in tokenize("规章 0 0 1\n- 2 -\n行政许可\n— 58 —\n").numbers]


def test_a_page_number_run_into_the_next_page_s_first_words_is_furniture() -> None:
    """Pages joined with nothing between (PyMuPDF's sorted page texts): ``- 3 -信息内容``,
    ``- 4 -   2.没有现成信息…``; in sequence only, and only before words or a row's enumerator."""
    text = "规章 0 0 1\n- 3 -信息内容 本年处理决定数量\n行政处罚 5\n- 4 -   2.没有现成信息需要另行制作 3 0 0 0 0 0 3\n"
    assert [t.digits for t in tokenize(text).numbers] == ["0", "0", "1", "5", "3", "0", "0", "0", "0", "0", "3"]
    assert "9" in [t.digits for t in tokenize("规章 0 0 1\n- 9 -信息内容\n").numbers]  # out of sequence: cells
    assert "3" in [t.digits for t in tokenize("规章 0 0 1\n- 3 - 7 8\n").numbers]  # before numbers: cells
    # a wrapped label's row of cells that opens with a dash, a number and a dash, then a 无 cell
    assert [t.text for t in tokenize("7．属于行政执\n— 1 — 无 / 2 3\n法案卷\n").numbers] == ["—", "1", "—", "无", "/", "2", "3"]


T2_2019 = "二、主动公开政府信息情况\n第二十条第(一)项\n信息内容\n本年新制作数量\n"


def test_table2_headings_printed_among_its_rows_leave_its_running_text_rows_unread() -> None:
    """``规章 23`` / 本年新公开数量 / 对外公开总数量 / ``6`` / ``规范性文件 291``: the block's other column
    headings come after its first row's number (pdftotext read the narrow cells across the columns),
    so 291 is not 规范性文件's 本年新制作数量."""
    text = (T2_2019 + "规章\n23\n本年新公开数量\n对外公开总数量\n6\n规范性文件\n291\n"
            "第二十条第(五)项\n信息内容\n上一年项目数量\n本年增/减\n处理决定数量\n行政许可\n40 2 7\n"
            "三、收到和处理政府信息公开申请情况\n")
    flat, codes = _read(text)
    assert flat.get("t2.normative_docs.new_made") is None and flat.get("t2.regulations.new_made") is None
    assert "cells.unreadable" in codes


def test_table2_heading_of_another_block_marks_the_order_unknown() -> None:
    """The 行政事业性收费 block's header holds （一）'s 本年新公开数量: the headings were read across."""
    text = (T2_2019 + "本年新公开数量\n对外公开总数量\n规章\n12 3 40\n规范性文件\n2 1 9\n"
            "第二十条第（八）项\n信息内容\n上一年项目数量\n本年新公开数量\n9\n本年增/减\n行政事业性收费\n0\n三、收到和处理政府信息公开申请情况\n")
    assert _read(text)[0].get("t2.fees.prior_year") is None


def test_a_one_row_block_whose_heading_follows_its_label_is_still_read() -> None:
    """pdftotext prints a one-row block as 行政许可 / 本年处理决定数量 / 9487: the heading between the
    label and its number is no sign of disorder."""
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n规章\n0\n0\n0\n"
            "行政规范性文件\n3\n0\n8\n第二十条第（五）项\n信息内容\n行政许可\n本年处理决定数量\n9487\n"
            "第二十条第（六）项\n信息内容\n本年处理决定数量\n行政处罚\n2776\n行政强制\n84\n三、收到和处理政府信息公开申请情况\n")
    flat, _ = _read(text)
    assert (flat.get("t2.licensing.decisions"), flat.get("t2.normative_docs.in_force"), flat.get("t2.coercion.decisions")) == (9487, 8, 84)


def test_a_tab_row_cell_whose_digits_are_spaced_is_one_number_in_the_flattened_pass() -> None:
    """A tab-separated dump of an HTML page whose label cell wrapped (行 政规 / 范性文件) is read by the
    flattened pass, one cell per line. The cell ``5 14`` (its digits in two ``<span>`` elements) is
    one number: joining 26 and 0 across two cells instead gave 260 / 5 / 14."""
    text = ("二、主动公开政府信息情况\n第二十条 第(一) 项\n信息内 容\t本年\n制发 件数\t本年废止 件 数\t现行有 效件 数\n"
            "规章\t14\t0\t443\n行 政规\n范性文件\t26\t0\t5 14\n第二十条 第(五) 项\n信息 内 容\t本年处理决定数量\n行 政许 可\t0\n"
            "三、收到和处理政府信息公开申请情况\n")
    flat, _ = _read(text)
    assert [flat.get(f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [26, 0, 514]


def test_zero_point_space_digits_is_a_decimal_not_an_enumerator() -> None:
    """``行政事业性收费\\t0. 35`` (万元, digits in two spans): rows are enumerated from 1, so ``0.`` never
    enumerates one; it was dropped as an enumerator and 35 read as the amount."""
    assert [t.digits for t in tokenize("行政事业性收费\t0. 35\n").numbers] == ["0.35"]
    assert [t.digits for t in tokenize("0、 3 2\n").numbers] == ["0", "3", "2"]
    assert [t.digits for t in tokenize("1. 属于国家秘密\n").numbers] == []


def test_an_enumerator_whose_point_opens_the_next_line_is_no_cell() -> None:
    """``1`` / ``．属于国家秘密``: get_text("\\n") of a label whose digit sat in a span of its own. The
    digit was read as the row's first cell."""
    assert [t.digits for t in tokenize("（三）不予公开\n1\n．属于国家秘\n密\n1\n0\n4\n").numbers] == ["1", "0", "4"]
    assert [t.digits for t in tokenize("规章\n5\n\n6．属于\n").numbers] == ["5"]
    assert [t.digits for t in tokenize("3\n.\n5\n").numbers] == ["3.5"]  # a decimal broken over lines stays one


def test_a_text_that_splits_numbers_and_drops_blanks_leaves_table2_rows_on_separate_lines_unread() -> None:
    """get_text("\\n") of a page whose blank cells vanish and whose digits sit in several spans:
    table 3 shows both (a short row, and a row whose 19 came as 1 / 9, its total confirming the
    join). 规章 / 8 / 60 / 5 is then 8, 60, 5 or a blank, 8, 605: it is not read."""
    t3 = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量\n1\n9\n0\n0\n0\n0\n0\n19\n"
          "二、上年结转政府信息公开申请数量\n2\n2\n（一）予以公开\n5\n5\n（七）总计\n7\n7\n四、结转下年度继续办理\n14\n14\n")
    text = T2_2019 + "本年新公开数量\n对外公开总数量\n规章\n8\n60\n5\n第二十条第(五)项\n信息内容\n上一年项目数量\n本年增/减\n处理决定数量\n行政许可\n40 2 7\n" + t3
    flat, _ = _read(text)
    assert flat.get("t3.new_received.natural_person") == 19  # the join the row's total confirms
    assert flat.get("t2.regulations.new_made") is None and flat.get("t2.regulations.total_published") is None
    # without a broken number in table 3 the same row is read as printed
    flat, _ = _read(text.replace("1\n9\n0\n0\n0\n0\n0\n19", "19\n0\n0\n0\n0\n0\n19"))
    assert flat.get("t2.regulations.total_published") == 5


def test_table4_in_a_text_that_leaves_blanks_out_is_not_read_past_a_failing_group() -> None:
    """get_text(" ", strip=True): a blank cell vanished and the 20 in two spans came out as ``2 0``, so
    fifteen numbers fill fifteen cells shifted by one: 6 9 4 19 1 / 4 7 8 2 0. Table 3 shows that the
    text leaves blank cells out (rows printing fewer numbers than cells), so from the first failing
    group on nothing is placed; a text that keeps its blanks reads the same row as printed (misprint)."""
    t3 = ("三、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 5 5\n二、上年结转政府信息公开申请数量 2 2\n"
          "（一）予以公开 7 7\n（七）总计 7 7\n四、结转下年度继续办理 0\n")
    t4 = T4_HEAD + "行政诉讼\n" + T4_GROUP_HEAD * 3 + "0 0 4 3 7 6 9 4 19 1 4 7 8 2 0\n" + AFTER
    flat, codes = _flat(t3 + t4)
    assert [flat.get(k) for k in T4_KEYS[:5]] == [0, 0, 4, 3, 7]
    assert all(flat.get(k) is None for k in T4_KEYS[5:])
    assert "cells.unreadable" in codes
    full = t3.replace(" 5 5\n", " 5 0 0 0 0 0 5\n").replace(" 2 2\n", " 2 0 0 0 0 0 2\n").replace(" 7 7\n", " 7 0 0 0 0 0 7\n")
    flat, _ = _flat(full.replace("四、结转下年度继续办理 0\n", "四、结转下年度继续办理 0 0 0 0 0 0 0\n") + t4)
    assert flat.get("t4.lit_direct.total") == 1  # no sign of blanks left out: the organ's figures as printed


def test_a_table2_that_prints_no_number_keeps_its_first_row() -> None:
    """Every cell of table 2 blank, the dump printing only its labels: 规章 is the table's first row
    (the next label follows it at once), not an item named in prose after the table."""
    t2 = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
          "规章\n行政规范性文件\n第二十条第（五）项\n信息内容\n本年处理决定数量\n行政许可\n")
    r = extract((TITLE + t2 + _t4("1 0 0 0 1 0 0 0 0 0 0 0 0 0 0")).encode("utf-8"), name="dump.txt")
    assert r.report is not None and r.report.table2 is not None
    assert r.report.table2.regulations is not None and r.report.table2.normative_docs is not None


def test_row_labels_interleaved_with_their_group_labels_are_found() -> None:
    """pdfplumber's ``extract_text()`` of a table whose label cells sit side by side, each wrapped
    every two characters: a line holds a piece of each (``（三 1． 1 0 4 0 0 0 5`` / ``）不 属于`` /
    ``予公 国家`` / ``开 秘密``), so 国家秘密, 予以公开 and 不掌握 are never printed whole."""
    rows = {key: [i % 3, 0, i % 2, 0, 0, 0, i % 3 + i % 2] for i, key in enumerate(
        ["granted", "partial", "withheld_state_secret", "unable_not_held", "rejected_duplicate"])}
    line = lambda key: " ".join(map(str, rows[key]))  # noqa: E731
    text = (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人 法人或其他组织 总计\n"
        "一、本年新收政府 3 0 1 0 0 0 4\n信息公开申请数量\n二、上年结转政府 0 0 0 0 0 0 0\n信息公开申请数量\n"
        f"三、 （一）予以 {line('granted')}\n本年 公开\n度办 （二）部分 {line('partial')}\n理结 公开（区分\n"
        f"（三 1． {line('withheld_state_secret')}\n）不 属于\n予公 国家\n开 秘密\n"
        f"（四 1． {line('unable_not_held')}\n）无 本机\n法提 关不\n供 掌握\n"
        f"2．重复申请 {line('rejected_duplicate')}\n"
        "四、政府信息公开行政复议、行政诉讼情况\n"
    )
    flat, _ = _read(text)
    for key, cells in rows.items():
        assert [flat.get(f"t3.{key}.{c}") for c in ("natural_person", "research", "total")] == [cells[0], cells[2], cells[6]], key


def _generated_t3(seed: int) -> tuple[dict[str, object], list[str]]:
    """A generated 2021 report's figures (every cell printed, zeros as 0) and table 3's heading lines."""
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen.model import generate

    rep = generate(seed, template="2021", breaks=(), blank_totals=False, zero_style="zero")
    lines = ["三、收到和处理政府信息公开申请情况", "申请人情况  自然人  法人或其他组织  总计",
             "商业企业 科研机构 社会公益组织 法律服务机构 其他"]
    return dict(rep.truth()["figures"]), lines


def _layout_wrapped_with_enumerators_apart(seed: int) -> tuple[str, dict[str, object]]:
    """Table 3 as ``pdftotext -layout`` prints a page whose label cells wrap: each label's first six
    characters, its enumerator on a line of its own, the rest of the label with the row's numbers."""
    import re

    from extractor.template import T3_COLUMNS, T3_ROWS

    figs, lines = _generated_t3(seed)
    group = None
    for r in T3_ROWS:
        if r.key == "other" or f"t3.{r.key}.total" not in figs:
            continue
        if r.group and r.group != group:
            lines.append(f"（{'三四五六'[['不予公开', '无法提供', '不予处理', '其他处理'].index(r.group)]}）{r.group}")
        group = r.group
        nums = "   ".join(str(figs[f"t3.{r.key}.{c}"]) for c in T3_COLUMNS)
        m = re.match(r"([（(]?[一二三四五六七八九十\d]+[）).、])(.*)", r.label)
        enum, text = (m.group(1), m.group(2)) if m else ("", r.label)
        if len(text) > 8:
            lines += [f"      {text[:6]}", f"     {enum}", f"     {text[6:]}      {nums}", "", ""]
        else:
            lines += [f"     {enum}{text}      {nums}", ""]
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines), {k: v for k, v in figs.items() if k.startswith("t3.")}


@pytest.mark.parametrize("seed", range(6))
def test_an_enumerator_printed_between_the_rows_of_two_labels_starts_only_its_own_row(seed: int) -> None:
    """``属于行政查询`` / ``8.`` / ``事项 0 0 …`` then ``本机关不掌握`` / ``1.`` / ``相关政府信息 1 0 …``:
    the ``8.`` was taken for the start of the next row (the nearest enumerator before its core), so
    the zeros of 8. went to 1.本机关不掌握 and its numbers were lost (Chromium's PDF of 2024 莆田水利
    through pdftotext -layout: a wrong value; 39 of the 52 wrong values of real pages printed to PDF
    and dumped by pdftotext and pdfplumber came from this)."""
    from extractor import extract

    text, truth = _layout_wrapped_with_enumerators_apart(seed)
    result = extract(("示例县2023年政府信息公开工作年度报告\n" + text).encode("utf-8"), name="layout.txt")
    assert result.report is not None
    flat = result.report.flat()
    assert {k: (v, flat.get(k)) for k, v in truth.items() if flat.get(k) != v} == {}


@pytest.mark.parametrize(("counts", "split"), [
    ([7, 7, 1, 6, 7, 7, 7, 7], {2, 3}),  # one row's worth on both sides of a label
    ([7, 7, 3, 3, 7, 7, 7, 7], set()),  # short, but not one row's worth together: blank cells left out
    ([3, 4, 2, 5, 4, 3, 7, 6], set()),  # a table of short rows: blanks are left out everywhere
])
def test_neighbouring_short_rows_holding_one_row_between_them_are_left_unread(counts: list[int], split: set[int]) -> None:
    from extractor.locate.align import tokenize
    from extractor.locate.hits import RowHit
    from extractor.mapping.tables import _split_between_rows

    hits = {f"r{i}": RowHit(kind="t3", key=f"r{i}", tokens=tokenize(" ".join(["5"] * n)).numbers) for i, n in enumerate(counts)}
    _split_between_rows(hits, 7)
    assert {i for i, h in enumerate(hits.values()) if h.unreadable} == split


def _layout_group_label_beside_second_row(seed: int) -> tuple[str, dict[str, object]]:
    """Table 3 as ``pdftotext -layout`` prints Chromium's PDF of a page whose group label cell
    (（四）无法提供, （五）不予处理) is centred beside its rows: the group's numeral shares a line with
    the *second* row's first label line, so the first row's numbers come after it —
    ``1.本机关不掌握`` / ``相关政府信息`` / ``（四）2.没有现成信息`` / ``37 0 … 37`` / ``需要另行制作 0 0 …`` —
    and a row's label head stands before the group numeral and its enumerator, its numbers split
    around them: ``要求提供公开 0 0`` / ``（五）3.出版物 0 0 0 0 0``."""
    from extractor.template import T3_COLUMNS, T3_ROWS

    figs, lines = _generated_t3(seed)

    def nums(key: str, cols: tuple[str, ...] = T3_COLUMNS) -> str:
        return "   ".join(str(figs[f"t3.{key}.{c}"]) for c in cols)

    for r in T3_ROWS:
        if r.key == "other" or f"t3.{r.key}.total" not in figs:
            continue
        if r.key == "unable_not_held":
            lines += ["     1.本机关不掌握", "     相关政府信息", "（ 四 ）2.没有现成信息", f"              {nums(r.key)}", ""]
        elif r.key == "unable_needs_creation":
            lines += [f"无 法 提需要另行制作 {nums(r.key)}"]
        elif r.key == "rejected_publication":
            lines += [f"        要求提供公开{nums(r.key, T3_COLUMNS[:2])}", f"（ 五 ）3.出版物     {nums(r.key, T3_COLUMNS[2:])}"]
        else:
            lines += [f"     {r.label}      {nums(r.key)}", ""]
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    return "\n".join(lines), {k: v for k, v in figs.items() if k.startswith("t3.")}


@pytest.mark.parametrize("seed", range(8))
def test_a_row_printed_inside_the_next_row_s_label_and_a_label_head_before_its_enumerator(seed: int) -> None:
    """Chromium's PDF of 2022 平潭 through ``pdftotext -layout``: 1.本机关不掌握's 37 was given to
    2.没有现成信息 and every row down to 3.要求提供公开出版物 took the numbers of the row above (4 wrong
    values). A whole-row run inside a label may go back to the row before when that row would stay
    empty (``assign.assign_rows``' ``backs``), and 要求提供公开 before ``（五）3.出版物`` starts that
    row (``anchors._head_before``)."""
    text, truth = _layout_group_label_beside_second_row(seed)
    result = extract(("示例县2023年政府信息公开工作年度报告\n" + text).encode("utf-8"), name="layout.txt")
    assert result.report is not None
    flat = result.report.flat()
    assert {k: (v, flat.get(k)) for k, v in truth.items() if flat.get(k) != v} == {}


def test_a_whole_row_inside_a_label_goes_back_only_to_a_row_left_short() -> None:
    from extractor.locate.align.assign import assign_rows

    # zones: row 0 prints nothing; row 1 holds its own run and, first, one more inside its label
    zones = [1] * 6
    assert assign_rows(zones, [3, 3], [1] * 6, [False] * 6, [True] * 3 + [False] * 3) == [0, 0, 0, 1, 1, 1]
    # without the permission the run stays where it was printed
    assert assign_rows(zones, [3, 3], [1] * 6, [False] * 6, [False] * 6) == [1] * 6
    # row 0 holds its own run: a move back would only swap which row holds too many
    zones = [0, 0, 0, 1, 1, 1, 1, 1, 1]
    assert assign_rows(zones, [3, 3], [1] * 9, [False] * 9, [False] * 3 + [True] * 3 + [False] * 3) == zones
    # a run moves whole or not at all: its first number (two digits) would let both rows be read as
    # digits run together (a row that left blanks out, one of 2 generated PDFs through pdftotext -layout)
    zones = [0] * 5 + [1] * 7
    digits = [1] * 5 + [2] + [1] * 5 + [2]
    assert assign_rows(zones, [7, 7], digits, [False] * 12, [False] * 5 + [True] * 7) == zones


T2_2019_ROWS = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容 本年新制作数量 本年新公开数量 对外公开总数量\n规章 0 0 0\n"
           "规范性文件 8 8 30\n第二十条第（五）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n{licensing}\n"
           "第二十条第（六）项\n信息内容 上一年项目数量 本年增/减 处理决定数量\n行政处罚 26 0 43\n行政强制 12 0 2\n"
           "第二十条第（八）项\n信息内容 上一年项目数量 本年增/减\n行政事业性收费 3 0\n")


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 999), min_size=6, max_size=6))
def test_a_number_alone_between_a_full_row_and_a_row_short_by_one_belongs_to_neither_for_sure(v: list[int]) -> None:
    """pdfplumber's text of LibreOffice's PDF of 2019 平潭 prints 其他对外管理服务事项's first cell on a
    line of its own above its label: ``行政许可 396 0 181`` / ``10`` / ``其他对外管理服务事项 0 153``.
    Read as 181 broken over lines (18110) it gave two wrong values; a number split over lines in a
    text that leaves blank cells out looks the same. Both rows are left without values."""
    rows = f"行政许可 {v[0]} {v[1]} {v[2]}\n{v[3]}\n其他对外管理服务事项 {v[4]} {v[5]}"
    flat, codes = _read(T2_2019_ROWS.format(licensing=rows) + T4_HEAD + "行政诉讼\n" + AFTER)
    keys = [f"t2.{item}.{c}" for item in ("licensing", "other_services") for c in ("prior_year", "change", "decisions")]
    assert [flat.get(k) for k in keys] == [None] * 6
    assert flat.get("t2.punishment.prior_year") == 26
    assert "cells.unreadable" in codes
    # the same number on the next row's line is read
    flat, _ = _read(T2_2019_ROWS.format(licensing=f"行政许可 {v[0]} {v[1]} {v[2]}\n其他对外管理服务事项 {v[3]} {v[4]} {v[5]}")
                    + T4_HEAD + "行政诉讼\n" + AFTER)
    assert [flat.get(k) for k in keys] == [v[0], v[1], v[2], v[3], v[4], v[5]]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 99), min_size=6, max_size=6))
def test_table2_labels_printed_before_their_block_headers_are_not_read(v: list[int]) -> None:
    """pdfminer's text of LibreOffice's PDF of 2024 莆田水利 prints the labels 行政许可, 行政处罚,
    行政强制 under 第二十条第（一）项, then 第二十条第（五）项 and 行政许可's number, then （六） and its
    two: the aligner gave 行政强制 行政许可's 29. A row printed under another block's header while
    its own block's header stands elsewhere holds no known cells."""
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n信息内容\n本年制发件数\n本年废止件数\n现行有效件数\n"
            f"规范性文件\n{v[0]}\n{v[1]}\n{v[2]}\n信息内容\n行政许可\n信息内容\n行政处罚\n行政强制\n"
            f"第二十条第（五）项\n本年处理决定数量\n{v[3]}\n第二十条第（六）项\n本年处理决定数量\n{v[4]}\n{v[5]}\n"
            "第二十条第（八）项\n信息内容\n本年收费金额（单位：万元）\n行政事业性收费\n3.5\n")
    flat, codes = _read(text + T4_HEAD + "行政诉讼\n" + AFTER)
    assert [flat.get(f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == v[:3]
    assert [flat.get(f"t2.{k}.decisions") for k in ("licensing", "punishment", "coercion")] == [None] * 3
    assert flat.get("t2.fees.amount") == 3.5
    assert "cells.unreadable" in codes


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(0, 999), min_size=8, max_size=8))
def test_table2_printed_one_row_up_reads_each_number_in_its_own_block(v: list[int]) -> None:
    """camelot's lattice over LibreOffice's PDF of 2022 平潭, written out as CSV (quoted headings over
    two lines, so the text is no CSV table): each block's first row's numbers stand in its column
    headings and every row holds the next row's. A number printed after a 第二十条 block's header
    was read as a cell of the row above it (行政许可 took 行政处罚's 2113; 规章 took 行政规范性文件's);
    it is a cell of its own block, placed before its row's label where the rows then fit."""
    text = ("二、主动公开政府信息情况\n,,,\n第二十条第（一）项,,,\n"
            f'信息内容,"本年制发件数\n{v[0]}","本年废止件数\n{v[1]}","现行有效件数\n{v[2]}"\n'
            f"规章,{v[3]},{v[4]},{v[5]}\n行政规范性文件,,,\n第二十条第（五）项,,,\n"
            f'信息内容,"本年处理决定数量\n{v[6]}",,\n行政许可,,,\n第二十条第（六）项,,,\n'
            f'信息内容,"本年处理决定数量\n{v[7]}",,\n行政处罚,0,,\n行政强制,,,\n')
    flat, _ = _read(text + T4_HEAD + "行政诉讼\n" + AFTER)
    expected = {"t2.regulations.issued": v[0], "t2.regulations.repealed": v[1], "t2.regulations.in_force": v[2],
                "t2.normative_docs.issued": v[3], "t2.normative_docs.repealed": v[4], "t2.normative_docs.in_force": v[5],
                "t2.licensing.decisions": v[6], "t2.punishment.decisions": v[7], "t2.coercion.decisions": 0}
    assert {k: flat.get(k) for k in expected if flat.get(k) is not None and flat.get(k) != expected[k]} == {}
    assert flat.get("t2.licensing.decisions") == v[6] and flat.get("t2.punishment.decisions") == v[7]
