"""The national template: its canonical rows and columns, with the label *cores* used to recognise them.

A core is a short, stable piece of the printed label (format.md §9.3): matching on cores rather
than whole labels survives bracket styles, enumerator styles, line breaks and typos such as
`其他法律行政止公开` (missing 法规禁). Cores are given in folded form (see
:func:`extractor.text.normalize.fold`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations

T3_COLUMNS: tuple[str, ...] = (
    "natural_person",
    "commercial",
    "research",
    "social_org",
    "legal_service",
    "other_org",
    "total",
)
T3_COLUMN_LABELS: dict[str, str] = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}


@dataclass(frozen=True, slots=True)
class RowSpec:
    key: str
    label: str
    cores: tuple[str, ...]
    group: str | None = None
    """Folded group core for rows under （三）…（六）; ``None`` for top-level rows."""


T3_ROWS: tuple[RowSpec, ...] = (
    RowSpec("new_received", "一、本年新收政府信息公开申请数量", ("本年新收", "本年度新收", "新收政府信息")),
    RowSpec("carried_over", "二、上年结转政府信息公开申请数量", ("上年结转", "上年度结转", "结转政府信息")),
    RowSpec("granted", "（一）予以公开", ("予以公开",)),
    RowSpec("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", ("部分公开",)),
    RowSpec("withheld_state_secret", "1.属于国家秘密", ("国家秘密",), "不予公开"),
    RowSpec("withheld_law_forbidden", "2.其他法律行政法规禁止公开", ("禁止公开", "法律行政", "行政止公开"), "不予公开"),
    RowSpec("withheld_three_safety", "3.危及“三安全一稳定”", ("三安全", "一稳定"), "不予公开"),
    RowSpec("withheld_third_party", "4.保护第三方合法权益", ("第三方",), "不予公开"),
    RowSpec("withheld_internal", "5.属于三类内部事务信息", ("内部事务",), "不予公开"),
    RowSpec("withheld_process", "6.属于四类过程性信息", ("过程性",), "不予公开"),
    RowSpec("withheld_case_file", "7.属于行政执法案卷", ("执法案卷",), "不予公开"),
    RowSpec("withheld_inquiry", "8.属于行政查询事项", ("行政查询", "查询事项"), "不予公开"),
    RowSpec("unable_not_held", "1.本机关不掌握相关政府信息", ("不掌握",), "无法提供"),
    RowSpec("unable_needs_creation", "2.没有现成信息需要另行制作", ("另行制作", "没有现成"), "无法提供"),
    RowSpec("unable_unclear", "3.补正后申请内容仍不明确", ("仍不明确", "补正后"), "无法提供"),
    RowSpec("rejected_petition", "1.信访举报投诉类申请", ("信访", "举报投诉"), "不予处理"),
    RowSpec("rejected_duplicate", "2.重复申请", ("重复申请",), "不予处理"),
    RowSpec("rejected_publication", "3.要求提供公开出版物", ("出版物",), "不予处理"),
    RowSpec("rejected_excessive", "4.无正当理由大量反复申请", ("大量反复", "反复申请"), "不予处理"),
    RowSpec("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", ("重新出具", "确认或"), "不予处理"),
    RowSpec(
        "other_no_correction",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        ("逾期不补正", "不补正"),
        "其他处理",
    ),
    RowSpec(
        "other_no_fee",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        ("收费通知", "缴纳费用"),
        "其他处理",
    ),
    RowSpec("other_other", "3.其他", (), "其他处理"),
    RowSpec("other", "（六）其他处理", ("其他处理",)),
    RowSpec("results_total", "（七）总计", ("(七)总计", "七)总计")),
    RowSpec("carried_forward", "四、结转下年度继续办理", ("结转下年", "下年度继续")),
)
T3_ROW_BY_KEY: dict[str, RowSpec] = {r.key: r for r in T3_ROWS}

T3_ROWS_2021: tuple[str, ...] = tuple(r.key for r in T3_ROWS if r.key != "other")
T3_ROWS_2019: tuple[str, ...] = tuple(r.key for r in T3_ROWS if not r.key.startswith("other_"))

T3_DETAIL_2021: tuple[str, ...] = tuple(
    k for k in T3_ROWS_2021 if k not in ("new_received", "carried_over", "results_total", "carried_forward")
)
T3_DETAIL_2019: tuple[str, ...] = tuple(
    k for k in T3_ROWS_2019 if k not in ("new_received", "carried_over", "results_total", "carried_forward")
)
T3_OTHER_SUBROWS: tuple[str, ...] = ("other_no_correction", "other_no_fee", "other_other")

T3_GROUP_CORES: dict[str, str] = {
    "不予公开": "(三)",
    "无法提供": "(四)",
    "不予处理": "(五)",
    "其他处理": "(六)",
}

T4_GROUPS: tuple[str, ...] = ("review", "lit_direct", "lit_after_review")
T4_GROUP_LABELS: dict[str, str] = {
    "review": "行政复议",
    "lit_direct": "行政诉讼 · 未经复议直接起诉",
    "lit_after_review": "行政诉讼 · 复议后起诉",
}
T4_COLUMNS: tuple[str, ...] = ("upheld", "corrected", "other", "pending", "total")
T4_COLUMN_LABELS: dict[str, str] = {
    "upheld": "结果维持",
    "corrected": "结果纠正",
    "other": "其他结果",
    "pending": "尚未审结",
    "total": "总计",
}


def total_holds(values: Sequence[float]) -> bool:
    """A row or group, in the order given, has its last value (总计) = the sum of the others."""
    return abs(sum(values[:-1]) - values[-1]) < 1e-9


def t4_groups_hold(values: Sequence[float]) -> bool:
    """Each table-4 group of five, in the order given, has 总计 = the sum of its four results."""
    return all(total_holds(values[i : i + 5]) for i in range(0, len(values) - 4, 5))


def t4_some_order_holds(values: Sequence[float]) -> bool:
    """Whether the numbers can be dealt into groups of five in each of which one is the sum of the
    other four (that one is the group's largest). Text read out of order may still hold the right
    numbers; a misprinted total leaves no such dealing, so its numbers are kept as printed."""
    if len(values) % 5:
        return False

    def deal(rest: tuple[float, ...]) -> bool:
        if not rest:
            return True
        total, others = rest[0], rest[1:]  # sorted largest first: the largest is some group's total
        seen: set[tuple[float, ...]] = set()
        for parts in combinations(range(len(others)), 4):
            picked = tuple(others[i] for i in parts)
            if picked in seen or abs(sum(picked) - total) > 1e-9:
                continue
            seen.add(picked)
            if deal(tuple(v for i, v in enumerate(others) if i not in parts)):
                return True
        return False

    return deal(tuple(sorted(values, reverse=True)))


@dataclass(frozen=True, slots=True)
class T2ItemSpec:
    key: str
    label: str
    cores: tuple[str, ...]
    block: str
    """The 第二十条 item the row sits under: ``(一)``, ``(五)``, ``(六)``, ``(八)``, ``(九)``."""


T2_ITEMS: tuple[T2ItemSpec, ...] = (
    T2ItemSpec("regulations", "规章", ("规章",), "(一)"),
    T2ItemSpec("normative_docs", "行政规范性文件 / 规范性文件", ("规范性文件",), "(一)"),
    T2ItemSpec("licensing", "行政许可", ("行政许可",), "(五)"),
    T2ItemSpec("other_services", "其他对外管理服务事项", ("对外管理服务", "其他对外"), "(五)"),
    T2ItemSpec("punishment", "行政处罚", ("行政处罚",), "(六)"),
    T2ItemSpec("coercion", "行政强制", ("行政强制",), "(六)"),
    T2ItemSpec("fees", "行政事业性收费", ("事业性收费", "行政事业"), "(八)"),
    T2ItemSpec("procurement", "政府集中采购", ("集中采购",), "(九)"),
)
T2_ITEM_BY_KEY: dict[str, T2ItemSpec] = {i.key: i for i in T2_ITEMS}

T2_COLUMNS_2021: dict[str, tuple[str, ...]] = {
    "regulations": ("issued", "repealed", "in_force"),
    "normative_docs": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}
T2_COLUMNS_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_docs": ("new_made", "new_published", "total_published"),
    "licensing": ("prior_year", "change", "decisions"),
    "other_services": ("prior_year", "change", "decisions"),
    "punishment": ("prior_year", "change", "decisions"),
    "coercion": ("prior_year", "change", "decisions"),
    "fees": ("prior_year", "change"),
    "procurement": ("projects", "amount"),
}
T2_COLUMN_LABELS: dict[str, str] = {
    "issued": "本年制发件数",
    "repealed": "本年废止件数",
    "in_force": "现行有效件数",
    "decisions": "本年处理决定数量",
    "amount": "本年收费金额（单位：万元）/ 采购总金额",
    "new_made": "本年新制作数量",
    "new_published": "本年新公开数量",
    "total_published": "对外公开总数量",
    "prior_year": "上一年项目数量",
    "change": "本年增/减",
    "projects": "采购项目数量",
}
T2_DECIMAL_COLUMNS = {("fees", "amount"), ("procurement", "amount")}
T2_SIGNED_COLUMNS = {"change"}

SECTION_TITLES: dict[int, str] = {
    1: "总体情况",
    2: "主动公开政府信息情况",
    3: "收到和处理政府信息公开申请情况",
    4: "政府信息公开行政复议、行政诉讼情况",
    5: "存在的主要问题及改进情况",
    6: "其他需要报告的事项",
}
SECTION_CORES: dict[int, tuple[str, ...]] = {
    1: ("总体情况", "概述"),
    2: ("主动公开",),
    3: ("收到和处理", "依申请公开", "申请情况"),
    4: ("行政复议", "行政诉讼"),
    5: ("存在的主要问题", "主要问题", "改进情况"),
    6: ("其他需要报告", "需要报告的事项", "其他事项", "其他应说明", "其他需要说明"),
}
