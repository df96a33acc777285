"""The logical document every renderer draws from: paragraphs and tables with explicit spans.

Tables follow the national template's geometry (format.md §4.1/§4.2 table 2, §5.1–§5.3 table 3, §6
table 4): a cell is placed once at its top-left grid position with row/column spans. Renderers that
cannot express spans (pipe, tab, markdown text) flatten them their own way.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from .model import T3_COLS, T4_COLS, T4_GROUPS, GenReport
from .variants import Variant, spaced_out


@dataclass
class LCell:
    text: str
    """Cell text; ``\\n`` is a line break inside the cell."""
    kind: str = "label"
    """``title`` (table-2 block title), ``header``, ``label`` or ``value``."""
    rs: int = 1
    cs: int = 1
    key: str | None = None
    """Flat key of a value cell."""


@dataclass
class LTable:
    n_cols: int
    rows: list[list[tuple[int, LCell]]] = field(default_factory=list)
    """Per row: (grid column, cell) for the cells whose top-left corner is in the row."""

    def add(self, *cells: tuple[int, LCell]) -> None:
        self.rows.append(list(cells))

    def dense(self, *, repeat: bool = False) -> list[list[str]]:
        """Grid of texts with spans expanded: covered positions empty, or (``repeat``) repeating
        the label/header text of column spans (value spans stay empty)."""
        n = len(self.rows)
        grid: list[list[str]] = [[""] * self.n_cols for _ in range(n)]
        for r, row in enumerate(self.rows):
            for c, cell in row:
                for rr in range(r, min(n, r + cell.rs)):
                    for cc in range(c, min(self.n_cols, c + cell.cs)):
                        first = rr == r and cc == c
                        if first or (repeat and rr == r and cell.kind != "value"):
                            grid[rr][cc] = cell.text
        return grid


@dataclass
class Para:
    text: str
    kind: str = "para"
    """``title``, ``heading`` or ``para``."""


Block = Para | LTable

CN = "一二三四五六七八九十"


def _labels(rep: GenReport, v: Variant) -> dict[str, str]:
    """Printed row labels of table 3 under the variant (group labels under ``group:<n>``)."""
    n = v.num
    law = "其他法律行政止公开" if v.typo else "其他法律行政法规禁止公开"
    labels = {
        "new_received": "一、本年新收政府信息公开申请数量",
        "carried_over": "二、上年结转政府信息公开申请数量",
        "results": "三、本年度办理结果",
        "granted": v.bracket("一") + "予以公开",
        "partial": v.bracket("二") + "部分公开" + v.bracket("区分处理的，只计这一情形，不计其他情形"),
        "group:3": v.bracket("三") + "不予公开",
        "withheld_state_secret": n(1) + "属于国家秘密",
        "withheld_law_forbidden": n(2) + law,
        "withheld_three_safety": n(3) + "危及" + v.quote("三安全一稳定"),
        "withheld_third_party": n(4) + "保护第三方合法权益",
        "withheld_internal": n(5) + "属于三类内部事务信息",
        "withheld_process": n(6) + "属于四类过程性信息",
        "withheld_case_file": n(7) + "属于行政执法案卷",
        "withheld_inquiry": n(8) + "属于行政查询事项",
        "group:4": v.bracket("四") + "无法提供",
        "unable_not_held": n(1) + "本机关不掌握相关政府信息",
        "unable_needs_creation": n(2) + "没有现成信息需要另行制作",
        "unable_unclear": n(3) + "补正后申请内容仍不明确",
        "group:5": v.bracket("五") + "不予处理",
        "rejected_petition": n(1) + "信访举报投诉类申请",
        "rejected_duplicate": n(2) + "重复申请",
        "rejected_publication": n(3) + "要求提供公开出版物",
        "rejected_excessive": n(4) + "无正当理由大量反复申请",
        "rejected_confirm": n(5) + "要求行政机关确认或重新出具已获取信息",
        "group:6": v.bracket("六") + "其他处理",
        "other": v.bracket("六") + "其他处理",
        "other_no_correction": n(1) + "申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "other_no_fee": n(2) + "申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "other_other": n(3) + "其他",
        "results_total": v.bracket("七") + "总计",
        "carried_forward": "四、结转下年度继续办理",
    }
    rng = random.Random(v.seed * 31 + 7)
    for key, text in labels.items():
        if v.spaced and rng.random() < 0.3:
            text = spaced_out(text, rng)
        if v.wrap_long_labels and len(text) > 14 and rng.random() < 0.6:
            cut = rng.randint(6, len(text) - 4)
            text = text[:cut] + "\n" + text[cut:]
        labels[key] = text
    return labels


def _header(word: str, v: Variant, split_at: int | None = None) -> str:
    if v.header_split == "space" and split_at:
        word = word[:split_at] + " " + word[split_at:]
    elif v.header_split == "newline" and len(word) >= 4:
        at = len(word) - 1 if split_at is None else split_at + 1
        word = word[:at] + "\n" + word[at:]
    if v.spaced and len(word) == 2:
        word = word[0] + " " + word[1]
    return word


def _value(rep: GenReport, key: str, cs: int = 1) -> LCell:
    return LCell(rep.text(key), "value", cs=cs, key=key)


def table2(rep: GenReport, v: Variant) -> list[LTable]:
    """Table 2 as stacked blocks (one table, or one per block), 4 grid columns."""
    title = "第二十条 第{}项" if v.spaced else "第二十条第{}项"
    blocks: list[tuple[str, list[tuple[str, int]], list[tuple[str, str]]]]
    # (block number, header cells (text, colspan), rows (item key, label))
    if rep.t2_template == "2021":
        blocks = [
            ("一", [("本年制发件数", 1), ("本年废止件数", 1), ("现行有效件数", 1)], [("regulations", "规章"), ("normative_docs", "行政规范性文件")]),
            ("五", [("本年处理决定数量", 3)], [("licensing", "行政许可")]),
            ("六", [("本年处理决定数量", 3)], [("punishment", "行政处罚"), ("coercion", "行政强制")]),
            ("八", [("本年收费金额" + v.bracket("单位：万元"), 3)], [("fees", "行政事业性收费")]),
        ]
    else:
        three = [("上一年项目数量", 1), ("本年增/减", 1), ("处理决定数量", 1)]
        blocks = [
            ("一", [(_header("本年新制作数量", v, 2), 1), (_header("本年新公开数量", v, 2), 1), ("对外公开总数量", 1)],
             [("regulations", "规章"), ("normative_docs", "规范性文件")]),
            ("五", three, [("licensing", "行政许可"), ("other_services", "其他对外管理服务事项")]),
            ("六", three, [("punishment", "行政处罚"), ("coercion", "行政强制")]),
            ("八", [("上一年项目数量", 1), ("本年增/减", 2)], [("fees", "行政事业性收费")]),
            ("九", [("采购项目数量", 1), ("采购总金额", 2)], [("procurement", "政府集中采购")]),
        ]
    tables: list[LTable] = []
    t = LTable(4)
    for number, header, rows in blocks:
        if not v.t2_one_table and t.rows:
            tables.append(t)
            t = LTable(4)
        t.add((0, LCell(title.format(v.bracket(number)), "title", cs=4)))
        cells = [(0, LCell("信息内容", "header"))]
        col = 1
        for text, cs in header:
            cells.append((col, LCell(text, "header", cs=cs)))
            col += cs
        t.add(*cells)
        for item, label in rows:
            if f"t2.{item}.{rep.t2_cols[item][0]}" not in rep.figures:
                continue  # a row this report does not print (a real report's truth file)
            cells = [(0, LCell(label))]
            col = 1
            for (_, cs), c in zip(header, rep.t2_cols[item], strict=True):
                cells.append((col, _value(rep, f"t2.{item}.{c}", cs)))
                col += cs
            t.add(*cells)
    tables.append(t)
    return tables


def table3(rep: GenReport, v: Variant) -> LTable:
    """Table 3: 3 header rows, 10 grid columns, labels in columns 0–2 (format.md §5)."""
    lab = _labels(rep, v)
    t = LTable(10)
    note = (
        v.bracket("本列数据的勾稽关系为：第一项加第二项之和，" + ("\n" if v.wrap_long_labels else "") + "等于第三项加第四项之和")
        if v.note
        else ""
    )
    t.add((0, LCell(note, "header", rs=3, cs=3)), (3, LCell("申请人情况", "header", cs=7)))
    t.add(
        (3, LCell(_header("自然人", v), "header", rs=2)),
        (4, LCell("法人或其他组织", "header", cs=5)),
        (9, LCell(_header("总计", v), "header", rs=2)),
    )
    t.add(
        (4, LCell(_header("商业企业", v, 2), "header")),
        (5, LCell(_header("科研机构", v, 2), "header")),
        (6, LCell(_header("社会公益组织", v, 4), "header")),
        (7, LCell(_header("法律服务机构", v, 4), "header")),
        (8, LCell("其他", "header")),
    )
    groups = {
        "withheld_state_secret": ("group:3", 8),
        "unable_not_held": ("group:4", 3),
        "rejected_petition": ("group:5", 5),
        "other_no_correction": ("group:6", 3),
    }
    n_results = len(rep.t3_detail) + 1
    for key in rep.t3_rows:
        values = [(3 + i, _value(rep, f"t3.{key}.{c}")) for i, c in enumerate(T3_COLS)]
        if key in ("new_received", "carried_over", "carried_forward"):
            lead = [(0, LCell(lab[key], cs=3))]
        elif key == "granted":
            lead = [(0, LCell(lab["results"], rs=n_results)), (1, LCell(lab[key], cs=2))]
        elif key in ("partial", "results_total", "other"):
            lead = [(1, LCell(lab[key], cs=2))]
        elif key in groups:
            group, span = groups[key]
            lead = [(1, LCell(lab[group], rs=span)), (2, LCell(lab[key]))]
        else:
            lead = [(2, LCell(lab[key]))]
        t.add(*lead, *values)
    return t


def table4(rep: GenReport, v: Variant) -> LTable:
    t = LTable(15)
    heads = ["结果维持", "结果纠正", "其他结果", _header("尚未审结", v, 2), _header("总计", v)]
    t.add((0, LCell("行政复议", "header", cs=5)), (5, LCell("行政诉讼", "header", cs=10)))
    t.add(
        *[(i, LCell(h, "header", rs=2)) for i, h in enumerate(heads)],
        (5, LCell("未经复议直接起诉", "header", cs=5)),
        (10, LCell("复议后起诉", "header", cs=5)),
    )
    t.add(*[(5 + i, LCell(h, "header")) for i, h in enumerate(heads * 2)])
    t.add(*[(i, _value(rep, f"t4.{g}.{c}")) for i, (g, c) in enumerate((g, c) for g in T4_GROUPS for c in T4_COLS)])
    return t


def period_sentence(rep: GenReport, v: Variant) -> str:
    rng = random.Random(v.seed + rep.seed)
    y = rep.year
    return rng.choice(
        (
            f"本报告中所列数据的统计期限自{y}年1月1日起至{y}年12月31日止。",
            f"本年度报告中所列数据统计期限从{y}年1月1日到12月31日止。",
            f"报告所列统计期限自 {y} 年 1 月 1 日至 {y} 年 12 月 31 日。",
            f"本报告所列数据统计期限为{y}年1月1日至{y}年12月31日。",
        )
    )


def document(rep: GenReport, v: Variant) -> list[Block]:
    """Title, statistical period, the six sections with tables 2–4 under sections 二–四."""
    out: list[Block] = [
        Para(rep.title, "title"),
        Para("根据《中华人民共和国政府信息公开条例》要求，编制本报告。" + period_sentence(rep, v)),
    ]
    tables: dict[int, list[LTable]] = {2: table2(rep, v), 3: [table3(rep, v)], 4: [table4(rep, v)]}
    for i, (heading, text) in enumerate(rep.sections, start=1):
        out.append(Para(f"{CN[i - 1]}、{heading}", "heading"))
        if text:
            out.append(Para(text))
        out.extend(tables.get(i, []))
    return out
