"""What PDF-to-markdown converters make of a report's tables (the 上海 reports of the LLM peer's fixtures
are such dumps): multi-line cells printed apart from their rows, wrapped labels cut into pieces, and
rows short of their block's columns. None of this may give a wrong value; rows whose place the
template's order decides are read.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract
from extractor.template import T3_COLUMNS, T3_ROWS

TITLE = "正文\n2025 年某某市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告中所列数据统计期限为 2025\n年 1 月 1 日至 12 月 31 日。\n"
T3_HEAD = ("三、收到和处理政府信息公开申请情况\n申请人情况\n法人或其他组织\n"
           "| （本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 自然人 | 商业 | 科研 | 总计 |\n|---|---|---|---|---|\n")
T4 = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议行政诉讼\n| 维持 | 纠正 | 结果 | 审结 | 总计 | 总计 |\n|---|---|---|---|---|---|\n"
      "| " + " | ".join(["0"] * 15) + " |\n\n五、存在的主要问题及改进情况\n无。\n")
ROWS = [r for r in T3_ROWS if r.key != "other"]


def _md_row(label: str, values: list[int]) -> str:
    return "| " + " | ".join([label, *map(str, values)]) + " |" if label else "| " + " | ".join(map(str, values)) + " |"


def _report(t2: str, values: dict[str, list[int]], unlabeled: set[str], fragments: dict[str, str]) -> bytes:
    lines = [T3_HEAD.rstrip("\n")]
    for r in ROWS:
        if r.key in unlabeled:
            lines += ["", r.label, _md_row("", values[r.key])]  # the label printed as text above a row without one
        else:
            lines.append(_md_row(fragments.get(r.key, r.label), values[r.key]))
    return (TITLE + t2 + "\n".join(lines) + "\n\n" + T4).encode("utf-8")


T2_PLAIN = ("二、主动公开政府信息情况\n| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n"
            "| 规章 | 3 | 1 | 40 |\n| 行政规范性文件 | 5 | 2 | 60 |\n"
            "| 信息内容 | 本年处理决定数量 |\n|---|---|\n| 行政许可 | 9 |\n| 行政处罚 | 4 |\n| 行政强制 | 0 |\n"
            "| 信息内容 | 本年收费金额（单位：万元） |\n|---|---|\n| 行政事业性收费 | 0 |\n\n")


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_value_rows_whose_labels_were_printed_apart_or_cut_are_placed_by_the_templates_order(data: st.DataObject) -> None:
    """``（二）部分公开`` printed as text above ``| 2 | 0 | … | 2 |``, and ``| 行政机关不再处理其政府信息公 | 40 | … |``:
    the piece of （六）1's two-line label that names no template row. As many such rows as template rows
    without a value row: the i-th is the i-th missing row."""
    values = {r.key: [*(v := data.draw(st.lists(st.integers(0, 9), min_size=6, max_size=6))), sum(v)] for r in ROWS}
    detail = [r.key for r in ROWS if r.key not in ("new_received", "carried_over", "results_total", "carried_forward")]
    for k in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"):
        i = T3_COLUMNS.index(k)
        values["results_total"][i] = sum(values[d][i] for d in detail)
        values["new_received"][i] = values["results_total"][i] + values["carried_forward"][i] - values["carried_over"][i]
    if any(v < 0 for v in values["new_received"]):
        values["carried_over"] = [max(0, -n) + c for n, c in zip(values["new_received"], values["carried_over"], strict=True)]
        values["new_received"] = [r + f - c for r, f, c in zip(values["results_total"], values["carried_forward"], values["carried_over"], strict=True)]
    unlabeled = set(data.draw(st.lists(st.sampled_from(["partial", "rejected_confirm", "withheld_process"]), max_size=2, unique=True)))
    fragments = {"other_no_correction": "行政机关不再处理其政府信息公"}
    report = extract(_report(T2_PLAIN, values, unlabeled, fragments), name="dump.md").raise_for_error()
    flat = report.flat()
    wrong = {f"t3.{k}.{c}": (v, flat.get(f"t3.{k}.{c}")) for k, vs in values.items() for c, v in zip(T3_COLUMNS, vs, strict=True)
             if flat.get(f"t3.{k}.{c}") != v}
    assert wrong == {}
    assert any(f.code == "rows.by_order" for f in report.findings)


def test_a_fragment_row_is_not_placed_when_the_count_does_not_match() -> None:
    """Two rows without a template label but only one template row missing: neither is placed (a guess)."""
    values = {r.key: [0] * 7 for r in ROWS}
    values["partial"] = [1, 0, 0, 0, 0, 0, 1]
    text = _report(T2_PLAIN, values, set(), {"partial": "（区分处理的，只计这一情形", "other_no_correction": "行政机关不再处理其政府信息公"})
    text = text.replace("| 2.重复申请 |".encode(), "| 2.重复申请 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n| 只计这一情形 |".encode())
    report = extract(text, name="dump.md").raise_for_error()
    flat = report.flat()
    assert flat.get("t3.partial.total") is None and flat.get("t3.other_no_correction.total") is None


@pytest.mark.parametrize("row, cells", [("| 规章 | 22 | 235 |", "22 235"), ("| 行政规范性文件 | 34 | 189 |", "34 189")])
def test_a_table2_row_short_of_its_blocks_columns_is_not_left_aligned(row: str, cells: str) -> None:
    """``| 规章 | 22 | 235 |`` under ``本年制发件数 | 本年废止件数 | 现行有效件数`` (the 废止 cell held a note the
    converter printed apart: ``22（其中修订16件）``): 235 was read as 本年废止件数 and 现行有效件数 was left blank.
    The missing cell may hold any number (one printed apart), so no placement of the printed ones is
    known: no value, and a finding."""
    t2 = ("（一）主动公开方面\n全年主动公开市政府规章 22 件、行政规范性文件 34 件。\n二、主动公开政府信息情况\n"
          "| 信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n|---|---|---|---|\n" + row + "\n\n")
    values = {r.key: [0] * 7 for r in ROWS}
    report = extract(_report(t2, values, set(), {}), name="dump.md").raise_for_error()
    flat = report.flat()
    key = "regulations" if "规章" in row else "normative_docs"
    assert [flat.get(f"t2.{key}.{c}") for c in ("issued", "repealed", "in_force")] == [None, None, None]
    assert any(f.code == "cells.unreadable" and f.cells == [f"t2.{key}"] and cells in f.message for f in report.findings)


def test_a_title_after_a_converters_正文_line_wrapped_after_信息公开() -> None:
    values = {r.key: [0] * 7 for r in ROWS}
    meta = extract(_report(T2_PLAIN, values, set(), {}), name="dump.md").raise_for_error().meta
    assert (meta.organ, meta.report_year, meta.year_confirmed) == ("某某市人民政府办公厅", 2025, True)


def test_a_row_without_a_label_printed_out_of_the_templates_order_is_not_placed() -> None:
    """One row without a label and one template row without a value row, but the row is printed after
    （七）总计 while the missing row is （二）部分公开: the counts agree, the order does not — no guess."""
    values = {r.key: [0] * 7 for r in ROWS}
    values["partial"] = [1, 0, 0, 0, 0, 0, 1]
    text = _report(T2_PLAIN, values, set(), {}).decode()
    partial = "| " + " | ".join([ROWS[3].label, "1", "0", "0", "0", "0", "0", "1"]) + " |\n"
    assert partial in text
    text = text.replace(partial, "").replace("| 四、结转下年度继续办理 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 1 |\n| 四、结转下年度继续办理 |")
    report = extract(text.encode(), name="dump.md").raise_for_error()
    assert report.flat().get("t3.partial.total") is None
    assert any(f.code == "rows.unlabeled" for f in report.findings)


def test_table3_as_one_small_markdown_table_per_group_with_placeholder_headers() -> None:
    """A converter (the 沭阳县人民政府 2025 fixture of the LLM peer) printing table 3 as one markdown table
    per group, each headed ``| 类别 | 数据1 | … | 数据6 | 总计 |``, the applicant headings as tables of
    ``-`` cells, and the last rows under a header of wrong words (``| 项目 | 本年新收件数 | 上年结转件数 |
    …``): every row is read by its label, in the order printed."""
    values = {r.key: [*(v := [(i * 7 + j * 3) % 5 for j in range(6)]), sum(v)] for i, r in enumerate(ROWS)}
    head = "| 类别 | 数据1 | 数据2 | 数据3 | 数据4 | 数据5 | 数据6 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
    wrong = "| 项目 | 本年新收件数 | 上年结转件数 | 予以公开 | 部分公开 | 不予公开 | 结转下年度 | 总计 |\n|---|---|---|---|---|---|---|---|\n"
    parts = ["三、收到和处理政府信息公开申请情况\n\n(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)\n",
             "### 申请人情况 (自然人)\n| (数据项目) | 数量 |\n|---|---|\n| - | - |\n",
             "### 申请人情况 (法人或其他组织)\n| 商业企业 | 科研机构 | 社会公益 | 法律服务机构 | 其他 |\n|---|---|---|---|---|\n| - | - | - | - | - |\n"]
    for i, r in enumerate(ROWS):
        if i % 4 == 0:
            parts.append(f"\n### {r.label}\n" + (wrong if r.key == "other_no_fee" else head))
        parts.append(_md_row(r.label.replace(".", ". "), values[r.key]) + "\n")
    text = TITLE + T2_PLAIN + "".join(parts) + "\n" + T4
    report = extract(text.encode(), name="dump.md").raise_for_error()
    flat = report.flat()
    wrong_cells = {f"t3.{k}.{c}": (v, flat.get(f"t3.{k}.{c}")) for k, vs in values.items()
                   for c, v in zip(T3_COLUMNS, vs, strict=True) if flat.get(f"t3.{k}.{c}") != v}
    assert wrong_cells == {}
    assert not [f for f in report.findings if f.code.startswith(("rows.", "cells."))]  # (the values hold no identity)


def _gfm(md: str) -> bytes:
    """``md`` as pandoc -t gfm leaves a saved page: the page's layout kept as ``<div>`` lines around
    it, every table cell's text in a ``<span>`` whose style holds digits (仿宋_GB2312, 12pt)."""
    def cell(text: str) -> str:
        text = text.strip()
        return f' <span style="FONT-FAMILY: 仿宋_GB2312; FONT-SIZE: 12pt">{text}</span> ' if text and set(text) != {"-"} else f" {text} "

    lines = []
    for line in md.split("\n"):
        if line.startswith("|") and line.endswith("|"):
            line = "|" + "|".join(cell(c) for c in line[1:-1].split("|")) + "|"
        lines.append(line)
    page = [f'<div class="row col-{i}">' for i in range(30)] + ["</div>"] * 30
    return ("\n".join(page[:30]) + "\n" + "\n".join(lines) + "\n" + "\n".join(page[30:]) + "\n").encode("utf-8")


def test_pandoc_gfm_of_a_saved_page_is_markdown_and_its_cells_lose_their_spans() -> None:
    """pandoc -t gfm keeps a page's every ``<div>``, so most lines hold a tag and the file was read as
    HTML: its pipe tables became one paragraph and table 4 was lost. And a cell's ``<span
    style="FONT-FAMILY: 仿宋_GB2312">0</span>`` is markup around the cell's text, whose style's digits
    are no cell."""
    values = {r.key: [1, 0, 0, 0, 0, 0, 1] if r.key in ("new_received", "granted", "results_total") else [0] * 7 for r in ROWS}
    md = _report(T2_PLAIN, values, set(), {}).decode("utf-8")
    r = extract(_gfm(md), name="page.md")
    assert r.report is not None and r.report.meta.reader == "text"
    flat = r.report.flat()
    assert flat.get("t4.review.total") == 0 and flat.get("t4.lit_after_review.total") == 0
    assert flat.get("t3.granted.total") == 1 and flat.get("t2.regulations.in_force") == 40
    from extractor.readers import sniff

    assert sniff(_gfm(md)) == "text"
    plain_page = "\n".join(f"<div>{line}</div>" for line in md.split("\n") if not line.startswith("|")).encode("utf-8")
    assert sniff(plain_page) == "html"  # tags on every line and no markdown table: a page
