"""A small report generator for round-trip tests: figures that satisfy the identities, rendered
as seed-style pipe text, as a flattened crawler dump (digits run together), and as HTML.

Deliberately independent of the extractor's catalog: labels are spelled out here as printed in
the national template, so a mistake in the catalog cannot hide in both places.
"""

from __future__ import annotations

import html
import random
from dataclasses import dataclass, field

T3_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total"]
T3_LABELS_2021: list[tuple[str, str, str | None]] = [
    # key, label, group label printed before the first row of its group
    ("new_received", "一、本年新收政府信息公开申请数量", None),
    ("carried_over", "二、上年结转政府信息公开申请数量", None),
    ("granted", "（一）予以公开", "三、本年度办理结果"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）", None),
    ("withheld_state_secret", "1.属于国家秘密", "（三）不予公开"),
    ("withheld_law_forbidden", "2.其他法律行政法规禁止公开", None),
    ("withheld_three_safety", "3.危及“三安全一稳定”", None),
    ("withheld_third_party", "4.保护第三方合法权益", None),
    ("withheld_internal", "5.属于三类内部事务信息", None),
    ("withheld_process", "6.属于四类过程性信息", None),
    ("withheld_case_file", "7.属于行政执法案卷", None),
    ("withheld_inquiry", "8.属于行政查询事项", None),
    ("unable_not_held", "1.本机关不掌握相关政府信息", "（四）无法提供"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作", None),
    ("unable_unclear", "3.补正后申请内容仍不明确", None),
    ("rejected_petition", "1.信访举报投诉类申请", "（五）不予处理"),
    ("rejected_duplicate", "2.重复申请", None),
    ("rejected_publication", "3.要求提供公开出版物", None),
    ("rejected_excessive", "4.无正当理由大量反复申请", None),
    ("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息", None),
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "（六）其他处理"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", None),
    ("other_other", "3.其他", None),
    ("results_total", "（七）总计", None),
    ("carried_forward", "四、结转下年度继续办理", None),
]
DETAIL = [k for k, _, _ in T3_LABELS_2021[2:23]]
T4_KEYS = [f"t4.{g}.{c}" for g in ("review", "lit_direct", "lit_after_review") for c in ("upheld", "corrected", "other", "pending", "total")]
T2_ROWS_2021 = [
    ("第二十条第（一）项", ["本年制发件数", "本年废止件数", "现行有效件数"], [("规章", "regulations"), ("行政规范性文件", "normative_docs")], ["issued", "repealed", "in_force"]),
    ("第二十条第（五）项", ["本年处理决定数量"], [("行政许可", "licensing")], ["decisions"]),
    ("第二十条第（六）项", ["本年处理决定数量"], [("行政处罚", "punishment"), ("行政强制", "coercion")], ["decisions"]),
    ("第二十条第（八）项", ["本年收费金额（单位：万元）"], [("行政事业性收费", "fees")], ["amount"]),
]


@dataclass
class GeneratedReport:
    organ: str
    year: int
    figures: dict[str, int | float] = field(default_factory=dict)
    broken: list[str] = field(default_factory=list)
    """Identity ids deliberately broken (e.g. ``T3-3``)."""

    def t3(self, row: str) -> list[int]:
        return [int(self.figures[f"t3.{row}.{c}"]) for c in T3_COLS]


def generate(seed: int, *, max_value: int = 60, zero_bias: float = 0.6, break_identity: str | None = None) -> GeneratedReport:
    rng = random.Random(seed)
    organ = rng.choice(["某某县人民政府", "示例市生态环境局", "样本区人民政府办公室", "测试镇人民政府"])
    rep = GeneratedReport(organ=organ, year=rng.choice([2021, 2022, 2023, 2024]))

    def num(hi: int = max_value) -> int:
        return 0 if rng.random() < zero_bias else rng.randint(1, hi)

    rows: dict[str, list[int]] = {}
    for key in DETAIL:
        vals = [num() if i == 0 else (num(5) if rng.random() < 0.3 else 0) for i in range(6)]
        rows[key] = [*vals, sum(vals)]
    total = [sum(rows[k][c] for k in DETAIL) for c in range(7)]
    rows["results_total"] = total
    forward = [min(total[c], num(3)) if c < 6 else 0 for c in range(7)]
    forward[6] = sum(forward[:6])
    rows["carried_forward"] = forward
    carried = [min(total[c] + forward[c], num(3)) if c < 6 else 0 for c in range(7)]
    carried[6] = sum(carried[:6])
    rows["carried_over"] = carried
    rows["new_received"] = [total[c] + forward[c] - carried[c] for c in range(7)]
    if any(v < 0 for v in rows["new_received"]):
        rows["carried_over"] = [0] * 7
        rows["new_received"] = [total[c] + forward[c] for c in range(7)]
    if break_identity == "T3-3":
        rows["results_total"] = [v + (1 if c in (0, 6) else 0) for c, v in enumerate(total)]
        rows["new_received"] = [rows["new_received"][c] + (1 if c in (0, 6) else 0) for c in range(7)]
        rep.broken.append("T3-3")
    for key, vals in rows.items():
        for c, v in zip(T3_COLS, vals, strict=True):
            rep.figures[f"t3.{key}.{c}"] = v
    t4: list[int] = []
    for _ in range(3):
        g = [num(9) for _ in range(4)]
        t4 += [*g, sum(g)]
    if break_identity == "T4-1":
        t4[4] += 1
        rep.broken.append("T4-1")
    rep.figures.update(dict(zip(T4_KEYS, t4, strict=True)))
    for _, _, items, cols in T2_ROWS_2021:
        for _, key in items:
            for col in cols:
                rep.figures[f"t2.{key}.{col}"] = round(rng.uniform(0, 999), 2) if col == "amount" else num(400)
    return rep


def _t3_rows(rep: GeneratedReport) -> list[tuple[str, str | None, list[int]]]:
    return [(label, group, rep.t3(key)) for key, label, group in T3_LABELS_2021]


def _title(rep: GeneratedReport) -> str:
    return f"{rep.organ}{rep.year}年政府信息公开工作年度报告"


def _sections_intro(rep: GeneratedReport) -> list[str]:
    return [
        _title(rep),
        f"本报告中所列数据的统计期限自{rep.year}年1月1日起至{rep.year}年12月31日止。",
        "一、总体情况",
        f"{rep.year}年，本机关认真贯彻落实《中华人民共和国政府信息公开条例》，扎实推进政务公开工作。",
        "二、主动公开政府信息情况",
    ]


_TAIL = ["五、存在的主要问题及改进情况", "工作仍有不足，将持续改进。", "六、其他需要报告的事项", "本年度未收取信息处理费。"]


def render_pipe(rep: GeneratedReport) -> str:
    """Seed-style pipe rows: ragged, trailing empty cells, header fragments."""
    lines = _sections_intro(rep)
    for block, headers, items, cols in T2_ROWS_2021:
        lines.append(f"{block} | |||")
        lines.append(" | ".join(["信息内容", *headers]) + " |" + " |" * (3 - len(headers)))
        for label, key in items:
            vals = [_fmt(rep.figures[f"t2.{key}.{c}"]) for c in cols]
            lines.append(" | ".join([label, *vals]) + " |" + " |" * (3 - len(vals)))
    lines.append("三、收到和处理政府信息公开申请情况")
    lines.append("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 | ||||||||")
    lines.append("自然人 | 法人或其他组织 | 总计 | |||||||")
    lines.append("商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 | |||||")
    for label, group, vals in _t3_rows(rep):
        cells = ([group] if group else []) + [label] + [str(v) for v in vals]
        lines.append(" | ".join(cells) + " | |")
    lines.append("四、政府信息公开行政复议、行政诉讼情况")
    lines.append("行政复议 | 行政诉讼 | |||||||||||||")
    lines.append("结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 | ||||||||")
    lines.append(" | ".join(["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + " |")
    lines.append(" | ".join(str(rep.figures[k]) for k in T4_KEYS) + " |")
    return "\n".join(lines + _TAIL) + "\n"


def render_flat(rep: GeneratedReport, seed: int = 0) -> str:
    """A crawler dump: the whole body on one line, cells run together, sometimes spaced."""
    rng = random.Random(seed)

    def glue(vals: list[str]) -> str:
        return "".join(v + (" " if rng.random() < 0.2 else "") for v in vals)

    parts = _sections_intro(rep)
    for block, headers, items, cols in T2_ROWS_2021:
        parts.append(block + "信息内容" + "".join(headers))
        for label, key in items:
            parts.append(label + glue([_fmt(rep.figures[f"t2.{key}.{c}"]) for c in cols]))
    parts.append("三、收到和处理政府信息公开申请情况（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
    for label, group, vals in _t3_rows(rep):
        parts.append((group or "") + label + glue([str(v) for v in vals]))
    parts.append("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计未经复议直接起诉复议后起诉"
                 + "结果维持结果纠正其他结果尚未审结总计" * 2)
    parts.append(glue([str(rep.figures[k]) for k in T4_KEYS]))
    return "".join(parts[:2]) + "\n" + "".join(parts[2:] + _TAIL) + "\n"


def render_html(rep: GeneratedReport, *, blank_zero: bool = False, chrome: bool = True) -> str:
    """Template-geometry HTML tables (rowspan/colspan as in the national template) in a CMS page."""

    def td(text: str, rs: int = 1, cs: int = 1) -> str:
        attrs = (f' rowspan="{rs}"' if rs > 1 else "") + (f' colspan="{cs}"' if cs > 1 else "")
        return f"<td{attrs}>{html.escape(text) if text else '&nbsp;'}</td>"

    def val(v: int | float) -> str:
        return "" if blank_zero and v == 0 else _fmt(v)

    out = ["<table border=1>"]
    for block, headers, items, cols in T2_ROWS_2021:
        out.append("<tr>" + td(block, cs=4) + "</tr>")
        span = 3 // len(headers)
        out.append("<tr>" + td("信息内容") + "".join(td(h, cs=span) for h in headers) + "</tr>")
        for label, key in items:
            out.append("<tr>" + td(label) + "".join(td(_fmt(rep.figures[f"t2.{key}.{c}"]), cs=span) for c in cols) + "</tr>")
    out.append("</table>")
    t3 = ["<table border=1>",
          "<tr>" + td("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", rs=3, cs=3) + td("申请人情况", cs=7) + "</tr>",
          "<tr>" + td("自然人", rs=2) + td("法人或其他组织", cs=5) + td("总计", rs=2) + "</tr>",
          "<tr>" + "".join(td(x) for x in ["商业<br/>企业", "科研<br/>机构", "社会公益组织", "法律服务机构", "其他"]) + "</tr>"]
    spans = {"三、本年度办理结果": 22, "（三）不予公开": 8, "（四）无法提供": 3, "（五）不予处理": 5, "（六）其他处理": 3}
    for label, group, vals in _t3_rows(rep):
        cells = ""
        if label.startswith(("一、", "二、", "四、")):
            cells = td(label, cs=3)
        elif label.startswith("（"):
            cells = (td(group, rs=spans[group]) if group else "") + td(label, cs=2)
        else:
            cells = (td(group, rs=spans[group]) if group else "") + td(label)
        out_vals = [val(v) for v in vals]
        t3.append("<tr>" + cells + "".join(td(v) for v in out_vals) + "</tr>")
    t3.append("</table>")
    hdr5 = "".join(td(x, rs=2) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"])
    t4 = ["<table border=1>", "<tr>" + td("行政复议", cs=5) + td("行政诉讼", cs=10) + "</tr>",
          "<tr>" + hdr5 + td("未经复议直接起诉", cs=5) + td("复议后起诉", cs=5) + "</tr>",
          "<tr>" + "".join(td(x) for x in ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2) + "</tr>",
          "<tr>" + "".join(td(val(rep.figures[k])) for k in T4_KEYS) + "</tr>", "</table>"]
    intro = _sections_intro(rep)
    body = [f"<h1>{intro[0]}</h1>"] + [f"<p>{p}</p>" for p in intro[1:]] + out
    body += ["<p>三、收到和处理政府信息公开申请情况</p>", *t3, "<p>四、政府信息公开行政复议、行政诉讼情况</p>", *t4]
    body += [f"<p>{p}</p>" for p in _TAIL]
    article = "<div class='article'>" + "\n".join(body) + "</div>"
    if chrome:
        nav = "<div class='nav'><ul>" + "".join(f"<li><a href='/x{i}'>栏目{i} 2019年政府信息公开工作年度报告</a></li>" for i in range(8)) + "</ul></div>"
        foot = "<div class='footer'>主办单位：某某县人民政府办公室 版权所有 网站标识码1234567890</div>"
        page = f"<html><head><meta charset='utf-8'><title>{_title(rep)}</title></head><body>{nav}{article}{foot}</body></html>"
    else:
        page = f"<html><head><meta charset='utf-8'></head><body>{article}</body></html>"
    return page


def _fmt(v: int | float) -> str:
    if isinstance(v, float):
        return f"{v:.2f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


# --- year-over-year pairs (tests/test_diff.py) ---------------------------------------------------


def next_year(prev: GeneratedReport, seed: int, *, organ: str | None = None) -> GeneratedReport:
    """The same organ's report for the following year, consistent with ``prev`` across years:
    二、上年结转 = last year's 四、结转下年度继续办理 per column (T3-4) and, for 规章 and
    行政规范性文件, 现行有效 = last year's 现行有效 + 本年制发 − 本年废止 (T2-21-1). The figures
    within the year satisfy every identity, like :func:`generate`'s."""
    fresh = generate(seed)
    rep = GeneratedReport(organ=organ or prev.organ, year=prev.year + 1, figures=dict(fresh.figures))
    f = rep.figures
    carried = [int(prev.figures[f"t3.carried_forward.{c}"]) for c in T3_COLS]
    for i, c in enumerate(T3_COLS[:6]):
        forward = int(f[f"t3.carried_forward.{c}"])
        deficit = carried[i] - (int(f[f"t3.results_total.{c}"]) + forward)
        if deficit > 0:  # keep 一 ≥ 0: decide more applications (予以公开) in that column
            for key in (f"t3.granted.{c}", "t3.granted.total", f"t3.results_total.{c}", "t3.results_total.total"):
                f[key] = int(f[key]) + deficit
    for i, c in enumerate(T3_COLS):
        f[f"t3.carried_over.{c}"] = carried[i]
    for c in T3_COLS:
        f[f"t3.new_received.{c}"] = int(f[f"t3.results_total.{c}"]) + int(f[f"t3.carried_forward.{c}"]) - int(f[f"t3.carried_over.{c}"])
    for item in ("regulations", "normative_docs"):
        prev_in_force = int(prev.figures[f"t2.{item}.in_force"])
        issued = int(f[f"t2.{item}.issued"])
        repealed = min(int(f[f"t2.{item}.repealed"]), prev_in_force + issued)
        f[f"t2.{item}.repealed"] = repealed
        f[f"t2.{item}.in_force"] = prev_in_force + issued - repealed
    return rep


def with_prose(text: str, paragraphs: list[str]) -> str:
    """Pipe text with extra paragraphs after the 一、总体情况 heading (for section-text comparisons)."""
    head, sep, tail = text.partition("一、总体情况\n")
    return head + sep + "".join(p + "\n" for p in paragraphs) + tail


def table3_as_2019(text: str, rep: GeneratedReport) -> str:
    """Pipe text with table 3 in the 2019 layout: the three （六） sub-rows replaced by one
    ``（六）其他处理`` row holding their sums."""
    subs = ("other_no_correction", "other_no_fee", "other_other")
    sums = [sum(int(rep.figures[f"t3.{k}.{c}"]) for k in subs) for c in T3_COLS]
    labels = [label for key, label, _ in T3_LABELS_2021 if key in subs]
    out: list[str] = []
    for line in text.splitlines():
        cells = [c.strip() for c in line.split("|")]
        if any(lab in cells for lab in labels):
            if labels[0] in cells:
                out.append(" | ".join(["（六）其他处理", *map(str, sums)]) + " | |")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def drop_line(text: str, startswith: str) -> str:
    """Pipe text without the line(s) starting with ``startswith`` (a row not printed that year)."""
    return "".join(ln for ln in text.splitlines(keepends=True) if not ln.startswith(startswith))
