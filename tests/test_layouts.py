"""Layout independence: the same report in ten text layouts (tests/gen/render_layouts.py).

Lossless layouts must be read exactly; lossy ones (glued digits, dropped blank cells, numbers
broken over lines) must never give a wrong value, and must mark every cell they leave without one.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import REAL
from gen import draw_variant, generate
from gen.from_truth import complete, from_truth
from gen.layout_check import score
from gen.render_layouts import LAYOUTS, LOSSLESS, MEASURED_ONLY, identities_hold, render_layout
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor import extract

ASSERTED = sorted(set(LAYOUTS) - MEASURED_ONLY)


def _check(rep, name: str, seed: int) -> None:  # type: ignore[no-untyped-def]
    text = render_layout(name, rep, draw_variant(seed), seed)
    result = extract(text.encode("utf-8"), name=f"{name}.txt")
    s = score(rep, result)
    if name in LOSSLESS and identities_hold(rep):
        assert not s.wrong and not s.unflagged and s.right == s.total, (name, s.wrong[:5], s.unflagged[:5], s.total - s.right)
    elif name in LOSSLESS:
        # a deliberately misprinted total that holds in another order of its group's numbers (3 0 3 0
        # / 0) reads as a cell printed out of place: those cells are left without values, flagged
        assert not s.wrong and not s.unflagged, (name, s.wrong[:5], s.unflagged[:5])
    else:
        assert not s.unflagged, (name, s.unflagged[:5])
        if identities_hold(rep):
            assert not s.wrong, (name, s.wrong[:5])


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), name=st.sampled_from(ASSERTED))
def test_generated_report_in_any_layout(seed: int, name: str) -> None:
    _check(generate(seed), name, seed)


@pytest.mark.parametrize("name", ASSERTED)
def test_fixed_reports_in_every_layout(name: str) -> None:
    for seed in (1, 2, 3, 4, 7):
        _check(generate(seed), name, seed)


def test_lossy_layouts_still_decide_most_figures() -> None:
    """What the identities recover: glued runs mostly, dropped cells where rows are all zero or unique."""
    for name, floor in (("glued", 0.85), ("dropped", 0.45), ("split_numbers", 0.95), ("blank_lines", 0.99), ("by_position", 0.9),
                        ("text_boxes", 0.95)):
        right = total = 0
        for seed in range(8):
            rep = generate(seed, breaks=(), blank_totals=False)
            s = score(rep, extract(render_layout(name, rep, draw_variant(seed), seed).encode(), name="x.txt"))
            right, total = right + s.right, total + s.total
        assert right / total >= floor, (name, right, total)


_T3_LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
              "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
              "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项",
              "1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确", "1.信访举报投诉类申请",
              "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请", "5.要求行政机关确认或重新出具已获取信息",
              "（七）总计", "四、结转下年度继续办理"]
"""Table 3's row labels as a 2021 report prints them, one per line in a dump."""


def test_dropped_cells_decide_totals_and_zero_rows() -> None:
    """莆田-style: ``3 0 3`` decides only the 总计 (which column holds the 3 is not printed); a lone ``0``
    row is all zero."""
    lines = ["某某局2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况", "申请人情况", "自然人", "总计"]
    for label in _T3_LABELS:
        lines.append(label)
        lines.extend(["3", "0", "3"] if label in ("一、本年新收政府信息公开申请数量", "（一）予以公开", "（七）总计") else ["0"])
    report = extract("\n".join(lines).encode(), name="dropped.txt").raise_for_error()
    flat = report.flat()
    assert flat["t3.new_received.total"] == 3 and flat["t3.results_total.total"] == 3
    assert "t3.new_received.natural_person" not in flat  # no value: it could be any applicant column
    assert report.table3 is not None and report.table3.new_received is not None
    assert report.table3.new_received.natural_person is not None
    assert report.table3.new_received.natural_person.state.value == "ambiguous"
    assert all(flat[f"t3.carried_over.{c}"] == 0 for c in ("natural_person", "commercial", "total"))
    assert any(f.code == "cells.undecided" for f in report.findings)


T4_DROPPED_HEAD = ["四、政府信息公开行政复议、行政诉讼情况", "行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉",
                   *(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3)]
T4_KEYS = [f"t4.{g}.{c}" for g in ("review", "lit_direct", "lit_after_review")
           for c in ("upheld", "corrected", "other", "pending", "total")]


def test_table4_of_a_dump_that_leaves_blank_cells_out_is_read_group_by_group() -> None:
    """Nine numbers for fifteen cells (``2 5 6 0 13 7 1 8 1``) have tens of thousands of placements
    (a repeated value may also be merged); table 4 was left without any value. Enumerated group by
    group, keeping only groups whose 总计 holds, the first group is decided whole (2 + 5 + 6 + 0 =
    13 is the only way) and the other two groups' totals (8 and 1), though not which results hold
    their parts."""
    lines = _dropped_report("") + T4_DROPPED_HEAD + ["2", "5", "6", "0", "13", "7", "1", "8", "1"]
    flat = extract("\n".join([*lines, "五、存在的主要问题及改进情况", "无。"]).encode(), name="dropped.txt").raise_for_error().flat()
    assert [flat.get(k) for k in T4_KEYS] == [2, 5, 6, 0, 13, None, None, None, None, 8, None, None, None, None, 1]


@pytest.mark.parametrize("seed", range(40))
def test_table4_of_a_dump_that_leaves_blank_cells_out_is_never_read_wrong(seed: int) -> None:
    rep = generate(seed, breaks=(), blank_totals=False)
    flat = extract(render_layout("dropped", rep, draw_variant(seed), seed).encode(), name="x.txt").raise_for_error().flat()
    truth = rep.truth()["figures"]
    assert {k: (truth[k], flat[k]) for k in T4_KEYS if k in truth and flat.get(k) is not None and flat[k] != truth[k]} == {}


def _dropped_report(prose: str) -> list[str]:
    lines = ["某某局2024年政府信息公开工作年度报告", prose, "三、收到和处理政府信息公开申请情况", "申请人情况", "自然人",
             "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    cells = {"一、本年新收政府信息公开申请数量": ["9", "0", "9"], "（一）予以公开": ["7", "0", "7"],
             "1.本机关不掌握相关政府信息": ["2", "0", "2"], "（七）总计": ["9", "0", "9"]}
    for label in _T3_LABELS:
        lines.append(label)
        lines.extend(cells.get(label, ["0"]))
    return lines


def test_prose_natural_person_count_decides_dropped_cells() -> None:
    """莆田 dump ``9 0 9`` with the prose ``共受理依申请公开信息9件，其中自然人申请9件``: every application
    came from a natural person, so each row's value sits in the 自然人 column."""
    prose = "（二）依申请公开情况\n2024年我局共受理依申请公开信息9件，其中自然人申请9件，申请形式均为网络申请。"
    flat = extract("\n".join(_dropped_report(prose)).encode(), name="dropped.txt").raise_for_error().flat()
    assert flat["t3.new_received.natural_person"] == 9 and flat["t3.new_received.commercial"] == 0
    assert flat["t3.granted.natural_person"] == 7 and flat["t3.unable_not_held.natural_person"] == 2
    assert flat["t3.results_total.natural_person"] == 9 and flat["t3.results_total.legal_service"] == 0
    # a natural-person count below the number received fixes row 一 only
    prose = "（二）依申请公开情况\n2024年我局共受理依申请公开信息9件，其中自然人申请5件，法人申请4件。"
    report = extract("\n".join(_dropped_report(prose)).encode(), name="dropped.txt").raise_for_error()
    assert "t3.new_received.natural_person" not in report.flat()  # 5 contradicts every reading: no tie to break
    # 均系社会个人 says the same as 均为自然人; 个人隐私 is no applicant
    prose = "（二）依申请公开情况\n收到依申请公开政府信息9件，全部通过网络申请，均系社会个人因撰写文章申请。"
    flat = extract("\n".join(_dropped_report(prose)).encode(), name="dropped.txt").raise_for_error().flat()
    assert flat["t3.granted.natural_person"] == 7 and flat["t3.granted.commercial"] == 0
    prose = "（二）依申请公开情况\n收到依申请公开政府信息9件，所涉内容均为个人隐私。"
    flat = extract("\n".join(_dropped_report(prose)).encode(), name="dropped.txt").raise_for_error().flat()
    assert "t3.granted.natural_person" not in flat
    # and without the statement nothing is decided
    report = extract("\n".join(_dropped_report("（二）依申请公开情况")).encode(), name="dropped.txt").raise_for_error()
    assert "t3.new_received.natural_person" not in report.flat()
    assert not [f for f in report.findings if f.code == "cells.narrative"]


@pytest.mark.parametrize("prose", ["2024年，我局收到自然人政府信息公开申请9条，予以公开7条，无法提供2条。",
                                   "共收到申请9件，其中自然人9件。", "自然人提出的政府信息公开申请\n9\n件。",
                                   "本年度收到公民申请9件。"])
def test_prose_that_counts_natural_persons_applications_in_other_words_decides_dropped_cells(prose: str) -> None:
    """莆田 ``8 0 8`` rows with ``2022年，我局收到自然人政府信息公开申请8条``: the count sits after the
    words of the application, not after 申请 right behind 自然人. The rows the prose decided say so."""
    report = extract("\n".join(_dropped_report("（二）依申请公开情况\n" + prose)).encode(), name="dropped.txt").raise_for_error()
    flat = report.flat()
    assert flat["t3.new_received.natural_person"] == 9 and flat["t3.granted.natural_person"] == 7
    assert flat["t3.results_total.commercial"] == 0
    told = sorted(f.cells[0] for f in report.findings if f.code == "cells.narrative")
    assert told == ["t3.granted", "t3.new_received", "t3.results_total", "t3.unable_not_held"]


@pytest.mark.parametrize("prose", ["共收到自然人、法人或其他组织申请9件。", "收到公民、法人或者其他组织政府信息公开申请9件。"])
def test_prose_counting_natural_persons_and_organisations_together_decides_nothing(prose: str) -> None:
    flat = extract("\n".join(_dropped_report("（二）依申请公开情况\n" + prose)).encode(), name="dropped.txt").raise_for_error().flat()
    assert "t3.new_received.natural_person" not in flat and flat["t3.new_received.total"] == 9


@pytest.mark.real
@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus/real")
@pytest.mark.parametrize("name", ASSERTED)
def test_real_reports_figures_in_every_layout(name: str) -> None:
    """Every real truth file's figures re-printed in the layout (the prose is the generator's)."""
    for truth in sorted(REAL.glob("*.truth.json")):
        if not complete(truth):
            continue
        rep = from_truth(Path(truth))
        _check(rep, name, 7)


_THOUSANDS = re.compile(r"(?<![\d.,#])(\d{1,3})(\d{3})(?![\d.])(?!\s*年)")


@pytest.mark.parametrize("name", ["cell_lines", "cell_lines_crlf", "space_rows", "tab_rows", "wrapped", "paged"])
@pytest.mark.parametrize("seed", [2, 7, 9, 17, 22])
def test_numbers_printed_with_thousands_separators(seed: int, name: str) -> None:
    """``16,414`` one cell per line: the lines holding a comma were taken for a CSV table (most of
    them split into cells of which some is a number) and every such number was cut in two — 16 and
    414 — giving wrong values (up to 49 of a report's figures). A line whose every comma groups a
    number's thousands is no CSV row."""
    rep = generate(seed)
    text = _THOUSANDS.sub(lambda m: f"{m.group(1)},{m.group(2)}", render_layout(name, rep, draw_variant(seed), seed))
    assert re.search(r"\d,\d{3}", text)
    s = score(rep, extract(text.encode("utf-8"), name=f"{name}.txt"))
    assert not s.wrong, s.wrong[:5]
    if identities_hold(rep):
        assert s.right == s.total


def test_a_table3_row_that_prints_its_group_label_is_read_outside_its_group() -> None:
    """Word's text export of generated report 557 (hypothesis found it): the wrapped 三、本年度办理结果
    cell breaks every row onto a line of its own, each row a table by itself, so no row knew it was
    inside （六）其他处理 and ``（六）其他处理 | 3．其他 | — | 5 | …`` was read as the group's own row:
    3.其他 had no value and no finding. The group label in the row itself places the sub-row."""
    rep = generate(557)
    s = score(rep, extract(render_layout("docx_text", rep, draw_variant(557), 557).encode("utf-8"), name="docx_text.txt"))
    assert not s.unflagged and not s.wrong
    assert s.right == s.total
