"""What PyMuPDF and pymupdf4llm make of a report's tables (real pages printed to PDF, then dumped).

PyMuPDF's text blocks sorted by position print some rows' numbers *before* their labels (a row's
numbers sit higher on the page than its wrapped label's first line); pymupdf4llm's markdown keeps
line breaks inside cells as ``<br>``, runs a row's first value into its label cell, pads a merged
cell with empty cells, leaves out a table's empty columns on its second page, and may cut a number
over two cells. None of this may give a wrong value. The texts below are shaped like those dumps.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.template import T3_COLUMNS, T3_ROWS

TITLE = "某某市某某局2022年政府信息公开工作年度报告\n"
T3_HEAD = "三、收到和处理政府信息公开申请情况\n申请人情况\n自然人\n法人或其他组织\n总计\n商业企业\n科研机构\n社会公益组织\n法律服务机构\n其他\n"
T4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议\n行政诉讼\n" + "0\n" * 15 + "五、存在的主要问题及改进情况\n无。\n")
ROWS = [r for r in T3_ROWS if r.key != "other"]


def _read(text: str) -> dict[str, float | None]:
    r = extract((TITLE + text).encode("utf-8"), name="dump.txt")
    assert r.report is not None
    return r.report.flat()


def _row(values: list[int]) -> list[int]:
    return [*values, sum(values)]


@settings(max_examples=25, deadline=None)
@given(st.data())
def test_rows_printed_before_their_labels_are_moved_down_whole(data: st.DataObject) -> None:
    """``8.属于行政查询事项`` / its zeros / ``37 0 0 0 0 0 37`` / ``1.本机关不掌握相关政府信息`` / its zeros /
    ``2.没有现成信息需要另行制作`` (no numbers) — the 37 was read as the zeros' row (a wrong value).
    From the row holding two runs to the row holding none, each run goes one row down."""
    values = {r.key: _row(data.draw(st.lists(st.integers(0, 9), min_size=6, max_size=6))) for r in ROWS}
    first = data.draw(st.integers(2, len(ROWS) - 4))  # the row whose numbers come after the row above's label
    last = data.draw(st.integers(first, min(first + 3, len(ROWS) - 2)))  # the last row printed so
    lines = [T3_HEAD.rstrip("\n")]
    for i, r in enumerate(ROWS):
        nums = [str(v) for v in values[r.key]]
        if first <= i <= last:
            lines += [*nums, r.label]  # numbers first, then the label
        else:
            lines += [r.label, *nums]
    flat = _read("\n".join(lines) + "\n" + T4)
    wrong = {f"t3.{k}.{c}": (v, flat.get(f"t3.{k}.{c}")) for k, vs in values.items() for c, v in zip(T3_COLUMNS, vs, strict=True)
             if flat.get(f"t3.{k}.{c}") is not None and flat.get(f"t3.{k}.{c}") != v}
    assert wrong == {}
    moved = ROWS[first:last + 1]
    assert all(flat.get(f"t3.{r.key}.total") == values[r.key][-1] for r in moved)


MD_T3 = """|一、本年新收政府信息公开申请数量|71|3|0|0|0|0|74|
|二、上年结转政府信息公开申请数量|1|0|0|0|0|0|1|
|三、本年度<br>（一）予以公开|21|0|0|0|0|0|21|
|办理结果<br>（二）部分公开（区分处理的，只计这一情形，不计其他情形）|8|1|0|0|0|0|9|
|---|---|---|---|---|---|---|---|
|1.属于国家秘密0|0|0|0|0|0|0|
|2.其他法律行政<br>法规禁止公开<br>5|0|0|0|0|0|5|
"""


def test_markdown_cells_that_run_a_value_into_the_label_or_break_lines_with_br() -> None:
    rows = "".join(f"|{r.label}|0|0|0|0|0|0|0|\n" for r in ROWS[6:-2])
    md = ("|申请人情况|自然人|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计|\n|---|---|---|---|---|---|---|---|\n"
          + MD_T3 + rows + "|（七）总计||35|26|\n|四、结转下年度继续办理|0|0|\n")
    flat = _read(T3_HEAD.split("\n")[0] + "\n" + md + T4)
    assert [flat.get(f"t3.withheld_law_forbidden.{c}") for c in T3_COLUMNS] == [5, 0, 0, 0, 0, 0, 5]
    assert [flat.get(f"t3.withheld_state_secret.{c}") for c in T3_COLUMNS] == [0] * 7
    # a row printing two cells of seven (the table's empty columns left out): no cell placed by guess
    assert flat.get("t3.results_total.commercial") is None and flat.get("t3.results_total.research") is None
    assert [flat.get(f"t3.carried_forward.{c}") for c in T3_COLUMNS] == [0] * 7  # a row of zeros is all zero


@pytest.mark.parametrize(("row", "decisions"), [("|行政许可||550||", 550), ("|行政许可|550|||", 550)])
def test_a_one_column_block_padded_by_empty_cells(row: str, decisions: int) -> None:
    md = ("|第二十条第（五）项||||\n|---|---|---|---|\n|信息内容|本|年处理决定数量||\n" + row + "\n"
          "|第二十条第（六）项||||\n|信息内容|本年处理决定数量|||\n|行政处罚|4119|||\n|行政强制|195|||\n")
    flat = _read("二、主动公开政府信息情况\n" + md + "\n" + T4)
    assert flat.get("t2.licensing.decisions") == decisions
    assert flat.get("t2.punishment.decisions") == 4119


def test_a_number_cut_over_two_cells_leaves_the_row_unread() -> None:
    md = ("|第二十条第（九）项|||\n|---|---|---|\n|信息内容|采购项目数量|采购总金额|\n|政府集中采购|135|75394432.5|2元|\n"
          "|第二十条第（八）项|||\n|信息内容|上一年项目数量|本年增/减|\n|行政事业性收费|35|0|\n")
    flat = _read("二、主动公开政府信息情况\n" + md + "\n" + T4)
    assert flat.get("t2.procurement.amount") is None and flat.get("t2.procurement.projects") is None
    assert flat.get("t2.fees.prior_year") == 35


def test_running_text_whose_block_header_came_apart_keeps_the_template_columns() -> None:
    """PyMuPDF's blocks: ``本年制发件`` / ``现行有效件`` / ``信息内容`` / ``本年废止件数`` / ``数`` / ``数``
    named one column, and ``规范性文件`` / ``8`` / ``0`` / ``18`` was read as one number, 8018."""
    text = ("二、主动公开政府信息情况\n第二十条第（一）项\n\n本年制发件\n\n现行有效件\n\n信息内容\n\n本年废止件数\n\n数\n\n数\n\n"
            "规章\n0\n0\n0\n\n规范性文件\n8\n0\n18\n\n第二十条第（五）项\n信息内容\n本年处理决定数量\n行政许可\n3\n")
    flat = _read(text + T4)
    assert [flat.get(f"t2.normative_docs.{c}") for c in ("issued", "repealed", "in_force")] == [8, 0, 18]
    assert [flat.get(f"t2.regulations.{c}") for c in ("issued", "repealed", "in_force")] == [0, 0, 0]


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 99), min_size=6, max_size=6))
def test_a_label_row_with_empty_cells_takes_the_value_row_below_it(v: list[int]) -> None:
    """camelot's stream mode written out as CSV gives a wrapped label and its numbers a line each:
    ``,（二）部分公开（区分处理的，只计这一情,,,,,,,`` then ``,,447,7,0,0,0,0,454``. Read as printed,
    the label row was all blank (zeros where the report printed 447). A label row of a text grid
    whose value cells are all empty takes the unlabelled value row right below it."""
    head = ",申请人情况,自然人,商业企业,科研机构,社会公益组织,法律服务机构,其他,总计\n"
    lines = []
    for r in ROWS:
        values = [0] * 6 if r.key not in ("granted", "results_total", "new_received") else v
        row = ",".join(str(x) for x in _row(values))
        lines += [f",{r.label},,,,,,,", f",,{row}"]
    flat = _read("三、收到和处理政府信息公开申请情况\n" + head + "\n".join(lines) + "\n" + T4)
    assert [flat.get(f"t3.granted.{c}") for c in T3_COLUMNS] == _row(v)
    assert [flat.get(f"t3.partial.{c}") for c in T3_COLUMNS] == [0] * 7
