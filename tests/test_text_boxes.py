"""Tables printed as pdfminer's ``extract_text()`` prints them: text boxes, not lines.

A run of row labels comes first, then the run's numbers column by column (every row's 自然人, then
every row's 商业企业 …); a page break starts a new run. pdfminer orders boxes by position *and* size,
so a tall 总计 column may come before a 其他 column of zeros. The texts below are shaped like
pdfminer's dumps of the 淮安 PDFs; the generated layout ``text_boxes`` covers the rest.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from test_displaced import T2_HEAD, TITLE, _flat, _row

from extractor import extract

T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", "new_received"), ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("（一）予以公开", "granted"), ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", "partial"),
    ("1.属于国家秘密", "withheld_state_secret"), ("2.其他法律行政法规禁止公开", "withheld_law_forbidden"),
    ("3.危及“三安全一稳定”", "withheld_three_safety"), ("4.保护第三方合法权益", "withheld_third_party"),
    ("5.属于三类内部事务信息", "withheld_internal"), ("6.属于四类过程性信息", "withheld_process"),
    ("7.属于行政执法案卷", "withheld_case_file"), ("8.属于行政查询事项", "withheld_inquiry"),
    ("1.本机关不掌握相关政府信息", "unable_not_held"), ("2.没有现成信息需要另行制作", "unable_needs_creation"),
    ("3.补正后申请内容仍不明确", "unable_unclear"), ("1.信访举报投诉类申请", "rejected_petition"),
    ("2.重复申请", "rejected_duplicate"), ("3.要求提供公开出版物", "rejected_publication"),
    ("4.无正当理由大量反复申请", "rejected_excessive"), ("5.要求行政机关确认或重新出具已获取信息", "rejected_confirm"),
    ("（六）其他处理", "other"), ("（七）总计", "results_total"), ("四、结转下年度继续办理", "carried_forward"),
]
"""Table 3's rows as a 2020 report prints them (（六）其他处理 one row)."""

_HEAD = ["三、收到和处理政府信息公开申请情况", "申请人情况", "法人或其他组织", "自然人", "商业企业", "科研机构",
         "社会公益组织", "法律服务机构", "其他", "总计"]
_END = "四、政府信息公开行政复议、行政诉讼情况"


def _boxes(rows: list[list[int]], *, cut: int | None = None, total_first: bool = False) -> str:
    """Table 3's rows as text boxes; ``cut``: a page break before that row; ``total_first``: the
    总计 column printed before the 其他 column."""
    out = list(_HEAD)
    order = [0, 1, 2, 3, 4, 6, 5] if total_first else list(range(7))
    for page, (lo, hi) in enumerate(((0, cut), (cut, len(rows))) if cut else ((0, len(rows)),), start=3):
        out += [label for label, _ in T3_ROWS[lo:hi]]
        out += [str(rows[r][c]) for c in order for r in range(lo, hi)]
        out.append(f"- {page} -")
    return "\n\n".join([*out, _END]) + "\n"


def _some_counts(i: int) -> list[int]:
    return _row([3 * i + 1 if i % 3 else 0, i % 2, 0, 0, i % 4, 0])


def test_labels_then_numbers_column_by_column_are_read_transposed() -> None:
    rows = [_row([3 * i + 1, i % 2, 0, 0, i % 3, 1]) for i in range(len(T3_ROWS))]
    flat, codes = _flat(_boxes(rows))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        assert flat.get(f"t3.{key}.natural_person") == row[0] and flat.get(f"t3.{key}.total") == row[-1]
    assert "rows.displaced" in codes


def test_a_page_of_few_counts_is_read_on_the_proof_of_the_other_page() -> None:
    """The second run has one row with counts: alone it would prove little; the first run shows the
    text prints column by column, and every total of the second holds read so."""
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    rows[10:] = [_row([0] * 6) for _ in rows[10:]]
    rows[12] = _row([2, 0, 0, 0, 0, 0])
    flat, _ = _flat(_boxes(rows, cut=10))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        assert [flat.get(f"t3.{key}.{c}") for c in ("natural_person", "commercial", "total")] == [row[0], row[1], row[-1]]


def test_the_total_column_printed_before_a_column_of_zeros_is_read_last() -> None:
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    flat, codes = _flat(_boxes(rows, total_first=True))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        assert flat.get(f"t3.{key}.total") == row[-1] and flat.get(f"t3.{key}.other_org") == 0
    assert "rows.displaced" in codes


def test_the_total_column_is_not_moved_over_a_column_with_counts() -> None:
    """Only zeros read the same wherever they belong: with counts in 其他 the columns stay unread."""
    rows = [_row([3 * i + 1, 0, 0, 0, 0, i % 2 + 1]) for i in range(len(T3_ROWS))]
    flat, _ = _flat(_boxes(rows, total_first=True))
    assert all(flat.get(f"t3.{key}.total") is None for _, key in T3_ROWS)


def test_a_block_of_zeros_reads_the_same_in_either_order() -> None:
    rows = [_row([0] * 6) for _ in T3_ROWS]
    flat, _ = _flat(_boxes(rows))
    assert all(flat.get(f"t3.{key}.total") == 0 for _, key in T3_ROWS)


def test_numbers_printed_row_by_row_after_the_labels_are_not_transposed() -> None:
    """Labels first, then the numbers row by row, one total misprinted: read column by column the
    totals do not hold, read row by row one fails — nothing is decided, nothing is guessed."""
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    rows[4] = [5, 0, 0, 0, 0, 0, 6]
    text = "\n".join([*_HEAD, *(label for label, _ in T3_ROWS), *(str(v) for row in rows for v in row), _END]) + "\n"
    flat, codes = _flat(text)
    assert all(flat.get(f"t3.{key}.total") is None for _, key in T3_ROWS)
    assert "cells.unreadable" in codes


@pytest.mark.parametrize("total_first", [False, True])
def test_a_misprinted_total_in_a_run_is_read_as_printed_and_reported(total_first: bool) -> None:
    """One row's total misprinted (结转 1 with a total of 0, as in a real report): read transposed
    every other row holds, so the run is read so, the misprint kept and reported by validation."""
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    rows[-1] = [1, 0, 0, 0, 0, 0, 0]
    rows[0] = _row([rows[0][0] + 1, *rows[0][1:6]])  # 一 + 二 = (七) + 四 still holds
    r = extract((TITLE + _boxes(rows, cut=12, total_first=total_first)).encode("utf-8"), name="dump.txt")
    assert r.report is not None
    flat = r.report.flat()
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        assert [flat.get(f"t3.{key}.{c}") for c in ("natural_person", "total")] == [row[0], row[-1]], key
    assert any(f.code.startswith("T3-2") and "结转" in f.message for f in r.findings)


@settings(max_examples=25, deadline=None)
@given(
    cells=st.lists(st.lists(st.integers(0, 40), min_size=6, max_size=6), min_size=len(T3_ROWS), max_size=len(T3_ROWS)),
    cut=st.one_of(st.none(), st.integers(4, len(T3_ROWS) - 4)),
    total_first=st.booleans(),
)
def test_text_boxes_never_give_a_wrong_value(cells: list[list[int]], cut: int | None, total_first: bool) -> None:
    rows = [_row(c) for c in cells]
    flat, _ = _flat(_boxes(rows, cut=cut, total_first=total_first))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        for c, col in enumerate(("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")):
            got = flat.get(f"t3.{key}.{col}")
            assert got is None or got == row[c], (key, col, got, row[c])


def test_a_table_2_block_printed_column_by_column_on_table_3s_proof() -> None:
    """Table 2 has no identity to check a transposition by; table 3 of the same text proves it."""
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    t2 = (T2_HEAD + "规章\n\n行政规范性文件\n\n0\n3\n\n0\n0\n\n0\n8\n"
          "第二十条第（六）项\n信息内容\n本年处理决定数量\n行政处罚\n\n行政强制\n\n2776\n84\n")
    flat, _ = _flat(t2 + _boxes(rows))
    assert [flat.get(f"t2.regulations.{c}") for c in ("issued", "repealed", "in_force")] == [0, 0, 0]
    assert [flat.get(f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [3, 0, 8]
    assert flat.get("t2.punishment.decisions") == 2776 and flat.get("t2.coercion.decisions") == 84


def test_a_table_2_block_printed_so_without_table_3s_proof_is_left_unread() -> None:
    t4 = "四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n" + " ".join(["1", "0", "0", "0", "1"] + ["0"] * 10)
    t2 = T2_HEAD + "规章\n\n行政规范性文件\n\n0\n3\n\n0\n0\n\n0\n8\n" + t4 + "\n"
    flat, codes = _flat(t2)
    assert flat.get("t2.regulations.issued") is None and flat.get("t2.normative_docs.issued") is None
    assert "cells.unreadable" in codes


def test_a_group_label_cut_by_a_page_break_is_no_placeholder() -> None:
    """``（四）无`` … ``法提供``: the 无 opens the label, it is no 无 cell glued to the row."""
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    text = _boxes(rows).replace("1.本机关不掌握相关政府信息", "（四）无\n\n1.本机关不掌握相关政府信息", 1)
    r = extract((TITLE + text).encode("utf-8"), name="dump.txt")
    assert r.report is not None
    flat = r.report.flat()
    assert all(flat.get(f"t3.{key}.total") == row[-1] for (_, key), row in zip(T3_ROWS, rows, strict=True))


def _plain_order(rows: list[list[int]]) -> str:
    """pdftotext's plain order of a table whose long labels wrap (the 淮安 洪泽 2023 dump): the
    first row's numbers after the header, its label after the body; a block of rows whose numbers
    come, column by column, after the one label among them that does not wrap; the wrapped labels
    after the table body."""
    key_row = {key: i for i, (_, key) in enumerate(T3_ROWS)}
    col = lambda keys: [str(rows[key_row[k]][c]) for c in range(7) for k in keys]  # noqa: E731
    own = lambda key: [str(v) for v in rows[key_row[key]]]  # noqa: E731
    label = {key: lab for lab, key in T3_ROWS}
    late = ["new_received", "unable_unclear", "rejected_petition", "rejected_duplicate", "rejected_confirm", "other"]
    out = [*_HEAD, *own("new_received"), label["carried_over"], *own("carried_over"), label["granted"], *own("granted"),
           label["partial"], *own("partial"),
           *col([k for _, k in T3_ROWS[4:14]]),  # (三)1–8, (四)1, (四)2 after the row above, column by column
           *(label[k] for _, k in T3_ROWS[4:14]),
           label["rejected_publication"], *col(["unable_unclear", "rejected_petition", "rejected_duplicate", "rejected_publication"]),
           label["rejected_excessive"], *col(["rejected_excessive", "rejected_confirm"]),
           label["results_total"], *col(["other", "results_total"]),
           label["carried_forward"], *own("carried_forward"), *(label[k] for k in late), _END]
    return "\n".join(out) + "\n"


def test_blocks_printed_after_the_label_that_does_not_wrap_are_dealt_to_their_rows() -> None:
    rows = [_some_counts(i) for i in range(len(T3_ROWS))]
    rows[16] = _row([0, 3, 0, 0, 0, 0])  # 2.重复申请: a count in the middle of its block
    rows[20] = _row([4, 0, 0, 0, 0, 0])  # （六）其他处理, printed with （七）
    rows[21] = [sum(rows[r][c] for r in range(2, 21)) for c in range(7)]  # （七）总计
    flat, codes = _flat(_plain_order(rows))
    for (_, key), row in zip(T3_ROWS, rows, strict=True):
        got = [flat.get(f"t3.{key}.{c}") for c in ("natural_person", "commercial", "total")]
        assert got == [row[0], row[1], row[-1]], key
    assert "rows.displaced" in codes
