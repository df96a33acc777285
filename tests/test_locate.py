"""Locator: title/organ/year/date, section headings and their variants, flattened rows, templates."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from reportgen import generate, render_pipe

from extractor import extract
from extractor.locate.align import locate_in_stream, tokenize
from extractor.locate.meta import complete_organ, confirm_year, find_published, find_sections, find_title, parse_date


@pytest.mark.parametrize(
    ("head", "organ", "year"),
    [
        ("淮安市人民政府\n2024年政府信息公开工作年度报告", "淮安市人民政府", 2024),
        ("平潭综合实验区2015年度政府信息公开工作年度报告", "平潭综合实验区", 2015),
        ("2019年上海市人民政府办公厅政府信息公开工作年度报告", "上海市人民政府办公厅", 2019),
        ("2025 年上海市黄浦区人民政府打浦桥街道政府信息公开工作年度报告", "上海市黄浦区人民政府打浦桥街道", 2025),
        ("沭阳县发展和改革局2023年政府信息公开年度报告", "沭阳县发展和改革局", 2023),
        # a converter's 正文 line before the title, and the title wrapped after 信息公开
        ("正文\n2025 年上海市人民政府办公厅政府信息公开\n工作年度报告\n本年度报告根据", "上海市人民政府办公厅", 2025),
        ("平潭综合实验区自然资源与生态环境局2021年度政府信息公开工作报告", "平潭综合实验区自然资源与生态环境局", 2021),
        # the report sent or published under a cover letter: the organ before 关于, not the body's
        # "现公布苏平片区管理局2020年信息公开工作年度报告"
        ("平潭综合实验区苏平片区管理局关于报送2020年度政府信息公开工作年度报告的函区办公室：根据《条例》要求，"
         "现公布苏平片区管理局2020年信息公开工作年度报告", "平潭综合实验区苏平片区管理局", 2020),
        ("某某市人民政府办公室关于印发2020年政府信息公开工作年度报告的通知", "某某市人民政府办公室", 2020),
        # a notice about compiling reports cites one; the report's own title follows
        ("某某市政府办公室关于编制公布2021年政府信息公开工作年度报告有关事项的通知\n某某县2021年政府信息公开工作年度报告",
         "某某县", 2021),
    ],
)
def test_title_forms(head: str, organ: str, year: int) -> None:
    info = find_title(head, None)
    assert (info.organ, info.year) == (organ, year)


def test_truncated_organ_is_completed_from_the_body() -> None:
    assert complete_organ("衡山县贯塘", "2024年,贯塘乡人民政府在县委") == "衡山县贯塘乡人民政府"
    assert complete_organ("淮安市人民政府", "whatever") == "淮安市人民政府"


def test_a_title_naming_only_a_place_is_its_governments_report_when_the_body_says_so() -> None:
    body = "2022年，三明市人民政府坚持以习近平新时代中国特色社会主义思想为指导"
    assert complete_organ("三明市", body) == "三明市人民政府"
    assert complete_organ("某某县城关镇", "城关镇人民政府办公室负责") == "某某县城关镇"  # not the title's place
    assert complete_organ("平潭综合实验区", "平潭综合实验区管委会办公室") == "平潭综合实验区"  # no 人民政府
    assert complete_organ("三明市财政局", "三明市人民政府") == "三明市财政局"  # a department stays itself


@pytest.mark.parametrize(
    "sentence",
    [
        "本年度报告中所列数据统计期限从2019年1月1日到12月31日止",
        "报告所列统计期限自 2024 年 1 月 1 日至 2024 年 12 月 31 日",
        "本报告中所列数据统计时限为2022年1月1日至2022年12月31日",
    ],
)
def test_statistical_period(sentence: str) -> None:
    assert confirm_year(sentence) in (2019, 2022, 2024)


def test_a_whole_year_named_in_the_opening_is_the_period_without_the_word_统计() -> None:
    """三明: ``内容涵盖三明市人民政府2022年1月1日至12月31日期间的政府信息公开工作情况``."""
    assert confirm_year("现公布年度报告。内容涵盖三明市人民政府2022年1月1日至12月31日期间的政府信息公开工作情况") == 2022
    assert confirm_year("报告期为2021年1月1日至2021年12月31日。") == 2021
    assert confirm_year("自2021年1月1日至2022年12月31日") is None  # two years: not one calendar year
    assert confirm_year("正文" * 1600 + "2021年1月1日至12月31日") is None  # far from the opening: not the period


def test_dates() -> None:
    assert parse_date("发布时间: 2020-01-20 15:22") == date(2020, 1, 20)
    assert parse_date("二○一二年二月二十日") == date(2012, 2, 20)
    # The page's date wins; dates inside the report year are not publication dates.
    assert find_published({"published": "2023-02-20 15:07"}, "", "", 2022) == (date(2023, 2, 20), "page")
    assert find_published({}, "（2025年1月20日）", "", 2024) == (date(2025, 1, 20), "title")
    assert find_published({}, "", "某局 2022年1月10日", 2021) == (date(2022, 1, 10), "signature")
    assert find_published({}, "", "截至2021年12月31日", 2021) == (None, None)


def test_section_variants_and_table_row_numbering() -> None:
    text = (
        "一、总体情况 正文。二、主动公开政府信息情况 表。三、收到和处理政府信息公开申请情况 三、本年度办理结果 "
        "四、结转下年度继续办理 0 四、政府信息公开行政法复议、行政诉讼情况 表。"
        "五、政府信息公开工作存在的主要问题及改进情况 问题。六、其他需要报告的事项 无"
    )
    spans = find_sections(text)
    assert [s.number for s in spans] == [1, 2, 3, 4, 5, 6]
    assert spans[3].heading.startswith("四、政府信息公开行政法复议")  # not the 结转 row
    assert spans[4].heading == "五、政府信息公开工作存在的主要问题及改进情况"
    other = find_sections(text.replace("六、其他需要报告的事项 无", "六、其他应说明事项\n（一）信息公开处理费收取情况：无。"))
    assert [s.number for s in other] == [1, 2, 3, 4, 5, 6] and other[5].heading == "六、其他应说明事项"


def test_enumerator_digit_goes_back_to_its_label() -> None:
    stream = tokenize("1.属于国家秘密00000002.其他法律行政法规禁止公开0 0 0 0 0 0 0")
    assert [n.text for n in stream.numbers] == ["0000000", *["0"] * 7]
    assert stream.labels.startswith("1.属于国家秘密2.其他法律")


def test_flattened_rows_with_blank_rows() -> None:
    text = (
        "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况"
        "一、本年新收政府信息公开申请数量3000003二、上年结转政府信息公开申请数量0000000"
        "三、本年度办理结果（一）予以公开1000001（二）部分公开（区分处理的，只计这一情形，不计其他情形）0000000"
        "（三）不予公开1.属于国家秘密00000002.其他法律行政法规禁止公开0000000"
        "7.属于行政执法案卷1000001（四）无法提供1.本机关不掌握相关政府信息1000001"
        "（六）其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请0000000"
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请3.其他（七）总计3000003"
        "四、结转下年度继续办理0000000"
    )
    found = locate_in_stream(tokenize(text))
    keys = {h.key: h.run for h in found.t3}
    assert keys["results_total"] == "3000003"
    assert keys["other_no_fee"] == "" and keys["other_other"] == ""  # printed without digits: blank rows


def test_hybrid_template_is_decided_per_table() -> None:
    rep = generate(4)
    text = render_pipe(rep)
    lines = text.splitlines()
    start = next(i for i, x in enumerate(lines) if "逾期不补正" in x)
    other = [rep.figures[f"t3.{k}.{c}"] for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
             for k in ("other_no_correction",)]
    merged = [sum(rep.figures[f"t3.{k}.{c}"] for k in ("other_no_correction", "other_no_fee", "other_other"))
              for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")]
    assert len(other) == 7
    lines[start : start + 3] = ["（六）其他处理 | " + " | ".join(str(v) for v in merged) + " | |"]
    report = extract("\n".join(lines).encode(), name="hybrid.txt").raise_for_error()
    assert report.meta.templates.t2 == "2021" and report.meta.templates.t3 == "2019"
    flat = report.flat()
    assert flat["t3.other.total"] == merged[-1]
    assert not any(k.startswith("t3.other_") for k in flat)
    assert not [f for f in report.findings if f.code.startswith("T3")]


def test_pre2019_report_keeps_free_figures() -> None:
    text = (
        "某某县人民政府2012年政府信息公开工作年度报告\n"
        "根据《中华人民共和国政府信息公开条例》（国务院令第492号），编制本报告。\n"
        "一、概述\n全年主动公开政府信息1234条。\n二、主动公开政府信息情况\n三、依申请公开政府信息情况\n"
        "四、政府信息公开收费及减免情况\n五、因政府信息公开申请提起行政复议、行政诉讼的情况\n"
        "指标名称 | 计量单位 | 本年度 | 历年累计 |\n主动公开信息数 | 条 | 1234 | 5678 |\n受理依申请公开信息总数 | 件 | 12 | 80 |\n"
    )
    report = extract(text.encode(), name="old.txt").raise_for_error()
    assert report.meta.template == "pre2019"
    assert report.table3 is None and not any(k.startswith("t3.") for k in report.flat())
    labels = {f.label: f.value for f in report.pre2019}
    assert labels["主动公开信息数"] == 1234 and labels["受理依申请公开信息总数"] == 12


def test_table4_printed_as_two_tables_and_with_a_row_label() -> None:
    rep = generate(8)
    text = render_pipe(rep)
    lines = text.splitlines()
    i = next(k for k, x in enumerate(lines) if x.startswith("行政复议 |"))
    vals = [str(rep.figures[k]) for k in sorted(rep.figures, key=list(rep.figures).index) if k.startswith("t4.")]
    lines[i : i + 4] = [
        "行政复议 | ||||",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
        "件数 | " + " | ".join(vals[:5]) + " |",
        "",
        "行政诉讼 | |||||||||",
        "未经复议直接起诉 | 复议后起诉 | ||||||||",
        " | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + " |",
        " | ".join(vals[5:]) + " |",
    ]
    report = extract("\n".join(lines).encode(), name="t4split.txt").raise_for_error()
    flat = report.flat()
    assert [flat[k] for k in rep.figures if k.startswith("t4.")] == [int(v) for v in vals]


def test_pre2019_sections_are_the_reports_own_parts() -> None:
    text = (
        "某某市人民政府2016年政府信息公开工作年度报告\n本报告依据《中华人民共和国政府信息公开条例》（国务院令第492号）编制。\n"
        "一、概述\n概述正文。\n二、主动公开政府信息情况\n主动公开正文。\n三、依申请公开政府信息情况\n依申请正文。\n"
        "四、政府信息公开的收费及减免情况\n无。\n五、因政府信息公开申请提起行政复议、行政诉讼的情况\n无。\n"
        "六、政府信息公开工作存在的主要问题及改进措施\n问题。\n七、其他需要报告的事项\n无。\n"
    )
    report = extract(text.encode(), name="2016.txt").raise_for_error()
    assert report.meta.template == "pre2019" and report.meta.report_year == 2016
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6, 7]
    assert report.sections[3].heading == "四、政府信息公开的收费及减免情况"
    assert report.sections[3].text.strip() == "无。"


def _layer_text(rep_seed: int) -> tuple[dict[str, int | float], str]:
    """A PDF text layer as pdfplumber prints it: wrapped labels, numbers above or between the
    label lines, a vertical 三、本年度办理结果, a page number inside the table."""
    rep = generate(rep_seed)
    f = rep.figures

    def nums(key: str) -> str:
        return " ".join(str(f[f"t3.{key}.{c}"]) for c in ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"))

    lines = [
        f"{rep.organ}{rep.year}年政府信息公开工作年度报告",
        "三、收到和处理政府信息公开申请情况",
        "申请人情况", "（本列数据的勾稽关系为：第一项加第二项之和，等", "于第三项加第四项之和）",
        "自然人 法人或其他组织 总计", "商业 科研 社会 法律 其他", "企业 机构 公益 服务", "组织 机构",
        f"一、本年新收政府信息公开申请数量 {nums('new_received')}",
        f"二、上年结转政府信息公开申请数量 {nums('carried_over')}",
        f"（一）予以公开 {nums('granted')}",
        "（二）部分公开（区分处理的，只计这一情 形，不", nums("partial"), "计其他情形）",
        nums("withheld_state_secret"), "1.属于国家秘密",
        "三 2.其他法律行政止公开 " + nums("withheld_law_forbidden"), "、", nums("withheld_three_safety"),
        "本 3.危及“三安全一稳定”", "年", "度 4.保护第三方合法权益 " + nums("withheld_third_party"),
        "办 （三）不予公开", "理 5.属于三类内部事务信息 " + nums("withheld_internal"),
        "结", "果 6.属于四类过程性信息 " + nums("withheld_process"),
        "7.属于行政执法案卷 " + nums("withheld_case_file"), "8.属于行政查询事项 " + nums("withheld_inquiry"),
        nums("unable_not_held"), "1.本机关不掌握相关政府信息", "（四）无法提供",
        nums("unable_needs_creation"), "2.没有现成信息需要另行制作", "- 3 -",
        "3.补正后申请内容仍不明确 " + nums("unable_unclear"),
        "1.信访举报投诉类申请 " + nums("rejected_petition"), "2.重复申请 " + nums("rejected_duplicate"),
        "（五）不 3.要求提供公开出版物 " + nums("rejected_publication"), "予处理",
        nums("rejected_excessive"), "4.无正当理由大量反复 申请", "5.要求行政机关确认或重 新出具", nums("rejected_confirm"), "已获取信息",
        "1、申请人无正当理由逾期不补", "正、行政机关不再处理其政府信 " + nums("other_no_correction"), "息公开申请",
        "（六）其", "2、申请人逾期未按收费通知要", "他处理", "求缴纳费用、行政机关不再处理 " + nums("other_no_fee"), "其政府信息公开申请",
        "3、其他 " + nums("other_other"),
        "（七）总计 " + nums("results_total"), "四、结转下年度继续办理 " + nums("carried_forward"),
        "四、政府信息公开行政复议、行政诉讼情况", "行政复议 行政诉讼", "未经复议直接起诉 复议后起诉",
        "结果 结果 其他 尚未", "总 计", "维持 纠正 结果 审结",
        " ".join(str(v) for k, v in f.items() if k.startswith("t4.")),
        "五、存在的主要问题及改进情况", "无。",
    ]
    want = {k: v for k, v in f.items() if not k.startswith("t2.")}
    return want, "\n".join(lines)


@pytest.mark.parametrize("seed", [1, 2, 3, 4, 5])
def test_pdf_text_layer_numbers_above_and_between_labels(seed: int) -> None:
    want, text = _layer_text(seed)
    report = extract(text.encode(), name="layer.txt").raise_for_error()
    flat = report.flat()
    assert {k: flat.get(k) for k in want} == want


def test_table3_with_a_legal_person_subtotal_column() -> None:
    """format.md §9.4 (unverified variant): 8 value columns, 小计 after 其他 — accepted and skipped."""
    rep = generate(12)
    cols = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
    out = []
    for line in render_pipe(rep).splitlines():
        if line.startswith("商业 企业"):
            line = line.replace("其他 |", "其他 | 小计 |")
        for key in [k.split(".")[1] for k in rep.figures if k.startswith("t3.") and k.endswith(".total")]:
            vals = [str(rep.figures[f"t3.{key}.{c}"]) for c in cols]
            tail = " | ".join(vals) + " | |"
            if line.endswith(tail):
                sub = sum(int(v) for v in vals[1:6])
                line = line[: -len(tail)] + " | ".join([*vals[:6], str(sub), vals[6]]) + " | |"
                break
        out.append(line)
    report = extract("\n".join(out).encode(), name="subtotal.txt").raise_for_error()
    flat = report.flat()
    assert {k: flat[k] for k in rep.figures if k.startswith("t3.")} == {k: v for k, v in rep.figures.items() if k.startswith("t3.")}


@pytest.mark.parametrize(("header", "cols"), [
    ("信息内容 本年制发件数 本年废止件数 现行有效件数", ["issued", "repealed", "in_force"]),
    ("信息内容\n上一年项目数量\n本年增\n/\n减\n处理决定数量", ["prior_year", "change", "decisions"]),
    ("信息内容 2019年 项目数量 处理 决定数量", ["?信息内容2019年项目数量", "decisions"]),
    ("信息内容 本年新作数量 本年新公开数量 对外公开总数量（2019年起）", ["?信息内容本年新作数量", "new_published", "total_published"]),
    ("信息内容 上一年项目 本年收费金额（单位：万元）", ["amount"]),  # a stray line inside one heading
    ("信息内容 本年处理决定数量 本年处理决定数量 本年处理决定数量", ["decisions"]),  # a spanned cell copied
    ("信息内容 2019年项目数量", []),  # no heading named: the template decides
])
def test_t2_header_gives_one_column_per_printed_heading(header: str, cols: list[str]) -> None:
    from extractor.locate.hits import t2_columns_in

    assert t2_columns_in(header) == cols


def test_t2_unnamed_heading_takes_the_template_column_only_when_worded_alike() -> None:
    from extractor.locate.hits import RowHit
    from extractor.mapping.tables import _t2_columns
    from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021

    def cols(key: str, columns: tuple[str, ...], layout: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
        return _t2_columns(RowHit(kind="t2", key=key, label="", columns=columns), layout)

    garbled = ("?信息内容本年新作数量", "new_published", "total_published")
    assert cols("normative_docs", garbled, T2_COLUMNS_2019) == ("new_made", "new_published", "total_published")
    revised = ("issued", "?本年修订件数", "in_force")  # 修订 is no 废止: read, recorded nowhere
    assert cols("normative_docs", revised, T2_COLUMNS_2021) == revised
    year_items = ("?信息内容2019年项目数量", "decisions")
    assert cols("licensing", year_items, T2_COLUMNS_2019) == year_items


def test_statistical_period_over_several_years_is_the_year_it_ends() -> None:
    """莆田 2008 (a first report): 统计期限自2003年1月1日起至2008年12月31日止. The period read as 2003
    gave a meta.year_mismatch against the title's 2008."""
    assert confirm_year("本报告中所列数据的统计期限自2003年1月1日起至2008年12月31日止。") == 2008
    assert confirm_year("统计期限自2023年1月1日起至12月31日止") == 2023
    assert confirm_year("本报告中所列数据的统计期限为2019年9月1日至2019年12月31日。") == 2019  # an organ set up in September


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["数量", "件数", "金额", "增/减", "增减", "数", "量", "本年", "\n", "制发", "上一年项目", "x"]), max_size=14))
def test_header_headings_are_what_a_lazy_match_to_their_end_word_gives(parts: list[str]) -> None:
    """Each heading runs to the word it ends with (数量, 件数, 金额, 增/减), never across a line."""
    import re

    from extractor.locate.hits import _headings

    text = "".join(parts)
    assert _headings(text) == [m.group() for m in re.finditer(r".*?(?:数量|件数|金额|增/?减)", text)]


def test_a_long_header_without_an_end_word_is_read_in_linear_time() -> None:
    """The lazy match was tried from every position: 20,000 characters without 数量 took seconds."""
    import time

    from extractor.locate.hits import t2_columns_in

    t0 = time.perf_counter()
    t2_columns_in("本年制发" * 50_000)
    assert time.perf_counter() - t0 < 2
