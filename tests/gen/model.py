"""The generated report: figures, printed cell states, deliberately broken identities.

Templates (format.md §4–§6, §10):

* ``2021``: the 2021 table 2 (4 blocks) and the 25-row table 3 with the three （六） sub-rows;
* ``2019``: the 2019 table 2 (5 blocks incl. （九） procurement, amounts written with 元 in the cell,
  signed 本年增/减) and the 23-row table 3 with the single （六）其他处理 row;
* ``hybrid``: the 2021 table 2 with the single-row （六） table 3 (洪泽 2023/2024).

Every figure has a printed *state*: ``number``, ``zero`` or a placeholder that reads as 0
(``blank``, ``slash``, ``dash``, ``hyphen``, ``none_word``). ``figures`` holds the truth-file view
(placeholders as 0). Reports may leave the 总计 of detail rows blank (上海 2019 style): T3-2 is then
unchecked there, not failed, and so is T3-3 in the 总计 column.

:func:`expected_errors` evaluates the identities on the printed figures independently of the
extractor's validator; ``GenReport.broken`` is what it finds after the deliberate breaks.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

T3_COLS = ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")
T4_GROUPS = ("review", "lit_direct", "lit_after_review")
T4_COLS = ("upheld", "corrected", "other", "pending", "total")

T3_TOP = ("new_received", "carried_over")
T3_DETAIL_COMMON = (
    "granted",
    "partial",
    "withheld_state_secret",
    "withheld_law_forbidden",
    "withheld_three_safety",
    "withheld_third_party",
    "withheld_internal",
    "withheld_process",
    "withheld_case_file",
    "withheld_inquiry",
    "unable_not_held",
    "unable_needs_creation",
    "unable_unclear",
    "rejected_petition",
    "rejected_duplicate",
    "rejected_publication",
    "rejected_excessive",
    "rejected_confirm",
)
T3_OTHER_2021 = ("other_no_correction", "other_no_fee", "other_other")
T3_OTHER_2019 = ("other",)

T2_COLS_2021: dict[str, tuple[str, ...]] = {
    "regulations": ("issued", "repealed", "in_force"),
    "normative_docs": ("issued", "repealed", "in_force"),
    "licensing": ("decisions",),
    "punishment": ("decisions",),
    "coercion": ("decisions",),
    "fees": ("amount",),
}
T2_COLS_2019: dict[str, tuple[str, ...]] = {
    "regulations": ("new_made", "new_published", "total_published"),
    "normative_docs": ("new_made", "new_published", "total_published"),
    "licensing": ("prior_year", "change", "decisions"),
    "other_services": ("prior_year", "change", "decisions"),
    "punishment": ("prior_year", "change", "decisions"),
    "coercion": ("prior_year", "change", "decisions"),
    "fees": ("prior_year", "change"),
    "procurement": ("projects", "amount"),
}

PLACEHOLDER_TEXT = {"blank": "", "slash": "/", "dash": "—", "hyphen": "-", "none_word": "无"}
"""Printed text of the placeholder states (all read as 0)."""

ORGANS = (
    "某某县人民政府",
    "示例市生态环境局",
    "样本区人民政府办公室",
    "测试镇人民政府",
    "某某市自然资源和规划局",
    "示例区发展和改革委员会",
    "样本市人力资源和社会保障局",
    "某某县卫生健康委员会",
    "示例市市场监督管理局",
    "样本县教育局",
)
Template = str  # "2021" | "2019" | "hybrid"
Num = Callable[..., int]
BREAKS = ("T3-1", "T3-2", "T3-3", "T4-1", "T4-1-zero")


@dataclass
class GenReport:
    seed: int
    template: Template
    organ: str
    year: int
    title: str
    published: date
    figures: dict[str, int | float] = field(default_factory=dict)
    """Truth-file view: flat key -> number (placeholders read as 0)."""
    states: dict[str, str] = field(default_factory=dict)
    """Flat key -> printed state (``number``, ``zero``, ``blank``, ``slash``, ``dash``, ``hyphen``, ``none_word``)."""
    units: dict[str, str] = field(default_factory=dict)
    """Flat key -> unit written in the cell (2019 procurement amounts: ``元``)."""
    breaks: list[str] = field(default_factory=list)
    """Deliberate breaks applied (ids from :data:`BREAKS`)."""
    broken: list[tuple[str, str]] = field(default_factory=list)
    """Expected error findings as (identity id, first cell key), e.g. ``("T3-3", "t3.results_total.total")``."""
    blank_totals: bool = False
    """Detail rows print no 总计 (上海 2019 style)."""
    sections: list[tuple[str, str]] = field(default_factory=list)
    """The six sections: (heading without its number, text)."""
    t2_layout: str | None = None
    """Table-2 template when it is not the one ``template`` implies (a real report's truth file)."""
    t3_layout: str | None = None

    @property
    def t2_template(self) -> str:
        return self.t2_layout or ("2019" if self.template == "2019" else "2021")

    @property
    def t3_template(self) -> str:
        return self.t3_layout or ("2021" if self.template == "2021" else "2019")

    @property
    def t3_rows(self) -> tuple[str, ...]:
        other = T3_OTHER_2021 if self.t3_template == "2021" else T3_OTHER_2019
        return (*T3_TOP, *T3_DETAIL_COMMON, *other, "results_total", "carried_forward")

    @property
    def t3_detail(self) -> tuple[str, ...]:
        other = T3_OTHER_2021 if self.t3_template == "2021" else T3_OTHER_2019
        return (*T3_DETAIL_COMMON, *other)

    @property
    def t2_cols(self) -> dict[str, tuple[str, ...]]:
        return T2_COLS_2019 if self.t2_template == "2019" else T2_COLS_2021

    def text(self, key: str) -> str:
        """The cell as printed (number with its unit, ``0`` or the placeholder)."""
        state = self.states[key]
        if state in PLACEHOLDER_TEXT:
            return PLACEHOLDER_TEXT[state]
        return fmt_number(self.figures[key]) + self.units.get(key, "")

    def row(self, key: str) -> list[int | float]:
        return [self.figures[f"t3.{key}.{c}"] for c in T3_COLS]

    def truth(self) -> dict[str, object]:
        """A ``*.truth.json`` object (flat-keys.md §6)."""
        return {
            "source": {"repo": None, "path": None, "commit": None, "url": None},
            "agency": self.organ,
            "report_year": self.year,
            "template": self.t3_template if self.template != "hybrid" else "2021",
            "figures": dict(self.figures),
            "states": dict(self.states),
            "expected_errors": [list(b) for b in self.broken],
            "notes": f"generated by tests/gen from seed {self.seed}; template {self.template}; breaks {self.breaks or 'none'}",
        }


def fmt_number(v: int | float) -> str:
    if isinstance(v, float):
        return f"{v:.10f}".rstrip("0").rstrip(".") if v != int(v) else str(int(v))
    return str(v)


def generate(
    seed: int,
    *,
    template: Template | None = None,
    breaks: tuple[str, ...] | None = None,
    zero_style: str | None = None,
    blank_totals: bool | None = None,
) -> GenReport:
    """A report from ``seed``; keyword arguments pin what would otherwise be drawn."""
    rng = random.Random(seed)
    tpl = template or rng.choice(("2021", "2021", "2019", "hybrid"))
    year = rng.choice((2019, 2020)) if tpl == "2019" else rng.choice((2021, 2022, 2023, 2024, 2025))
    organ = rng.choice(ORGANS)
    form = rng.randrange(3)
    title = (
        f"{organ}{year}年政府信息公开工作年度报告",
        f"{organ}{year}年度政府信息公开工作年度报告",
        f"{year}年{organ}政府信息公开工作年度报告",
    )[form]
    rep = GenReport(
        seed=seed,
        template=tpl,
        organ=organ,
        year=year,
        title=title,
        published=date(year + 1, rng.randint(1, 3), rng.randint(1, 28)),
    )
    scale = rng.choice((3, 9, 60, 60, 400, 3000))
    zero_bias = rng.choice((0.3, 0.6, 0.85))

    def num(hi: int = scale) -> int:
        return 0 if rng.random() < zero_bias else rng.randint(1, max(hi, 1))

    _table3(rep, rng, num)
    _table4(rep, rng, num)
    _table2(rep, rng, num)
    for key, v in rep.figures.items():
        rep.states[key] = "zero" if v == 0 else "number"
    style = zero_style or rng.choice(("zeros", "zeros", "blank", "mixed"))
    for key, v in rep.figures.items():
        if v != 0 or key in rep.units:
            continue
        if style == "blank" and rng.random() < 0.8:
            rep.states[key] = "blank"
        elif style == "mixed" and rng.random() < 0.5:
            rep.states[key] = rng.choice(("blank", "slash", "dash", "hyphen", "none_word"))
    rep.blank_totals = rng.random() < 0.15 if blank_totals is None else blank_totals
    if rep.blank_totals:
        for row in rep.t3_detail:
            rep.figures[f"t3.{row}.total"] = 0
            rep.states[f"t3.{row}.total"] = "blank"
    chosen = breaks if breaks is not None else ((rng.choice(BREAKS),) if rng.random() < 0.25 else ())
    for b in chosen:
        _break(rep, b, rng)
    rep.broken = expected_errors(rep)
    rep.sections = _sections(rep, rng)
    return rep


def _table3(rep: GenReport, rng: random.Random, num: Num) -> None:
    n = num
    rows: dict[str, list[int]] = {}
    for key in rep.t3_detail:
        vals = [n() if i == 0 else (n(5) if rng.random() < 0.3 else 0) for i in range(6)]
        rows[key] = [*vals, sum(vals)]
    total = [sum(rows[k][c] for k in rep.t3_detail) for c in range(7)]
    rows["results_total"] = total
    forward = [min(total[c], n(3)) for c in range(6)]
    rows["carried_forward"] = [*forward, sum(forward)]
    carried = [min(total[c] + forward[c], n(3)) for c in range(6)]
    rows["carried_over"] = [*carried, sum(carried)]
    new = [total[c] + forward[c] - carried[c] for c in range(6)]
    rows["new_received"] = [*new, sum(new)]
    for key in rep.t3_rows:
        for c, v in zip(T3_COLS, rows[key], strict=True):
            rep.figures[f"t3.{key}.{c}"] = v


def _table4(rep: GenReport, rng: random.Random, num: Num) -> None:
    for g in T4_GROUPS:
        vals = [num(9) for _ in range(4)]
        for c, v in zip(T4_COLS, [*vals, sum(vals)], strict=True):
            rep.figures[f"t4.{g}.{c}"] = v


def _table2(rep: GenReport, rng: random.Random, num: Num) -> None:
    n = num
    f = rep.figures
    if rep.t2_template == "2021":
        for item in ("regulations", "normative_docs"):
            issued = n(30)
            f[f"t2.{item}.issued"] = issued
            f[f"t2.{item}.repealed"] = n(10)
            f[f"t2.{item}.in_force"] = issued + n(900)
        for item in ("licensing", "punishment", "coercion"):
            f[f"t2.{item}.decisions"] = n(rng.choice((50, 5000, 500000)))
        f["t2.fees.amount"] = rng.choice((0, 0, 0.35, round(rng.uniform(0, 999), 2), round(rng.uniform(0, 99999), 1)))
        if f["t2.fees.amount"] == int(f["t2.fees.amount"]):
            f["t2.fees.amount"] = int(f["t2.fees.amount"])
        return
    for item in ("regulations", "normative_docs"):
        made = n(90)
        published = rng.randint(0, made)
        f[f"t2.{item}.new_made"] = made
        f[f"t2.{item}.new_published"] = published
        f[f"t2.{item}.total_published"] = published + n(600)
    for item in ("licensing", "other_services", "punishment", "coercion", "fees"):
        f[f"t2.{item}.prior_year"] = n(3000)
        f[f"t2.{item}.change"] = 0 if rng.random() < 0.5 else rng.choice((-1, 1)) * rng.randint(1, 200)
        if item != "fees":
            f[f"t2.{item}.decisions"] = n(5000)
    projects = n(200)
    f["t2.procurement.projects"] = projects
    if projects:
        amount: int | float = rng.choice((rng.randint(1000, 9_999_999), round(rng.uniform(1000, 99_999_999), 2)))
        if isinstance(amount, float) and amount == int(amount):
            amount = int(amount)
        f["t2.procurement.amount"] = amount
        rep.units["t2.procurement.amount"] = "元"
    else:
        f["t2.procurement.amount"] = 0


def _set(rep: GenReport, key: str, value: int) -> None:
    rep.figures[key] = value
    rep.states[key] = "zero" if value == 0 else "number"


def _break(rep: GenReport, kind: str, rng: random.Random) -> None:
    """Change printed figures so that an identity fails (the report is then extracted as printed)."""
    f = rep.figures
    c = rng.choice(T3_COLS[:-1])
    if kind == "T3-1":  # 四 one higher in a column and its total: T3-1 fails there (and in 总计)
        for col in (c, "total"):
            _set(rep, f"t3.carried_forward.{col}", int(f[f"t3.carried_forward.{col}"]) + 1)
    elif kind == "T3-2":  # a row's 总计 off by one (a top row, so T3-3 is untouched)
        row = rng.choice(("new_received", "carried_over", "carried_forward"))
        _set(rep, f"t3.{row}.total", int(f[f"t3.{row}.total"]) + rng.choice((1, 2, 10)))
    elif kind == "T3-3":  # (七) and 一 both higher: T3-1 still holds, T3-3 fails (平潭 2020)
        for col in (c, "total"):
            for row in ("results_total", "new_received"):
                _set(rep, f"t3.{row}.{col}", int(f[f"t3.{row}.{col}"]) + 1)
    elif kind == "T4-1":
        g = rng.choice(T4_GROUPS)
        _set(rep, f"t4.{g}.total", int(f[f"t4.{g}.total"]) + 1)
    elif kind == "T4-1-zero":  # 洪泽 2023: a group total printed 0 against non-zero parts
        g = rng.choice(T4_GROUPS)
        _set(rep, f"t4.{g}.upheld", int(f[f"t4.{g}.upheld"]) + 1 + rng.randint(0, 9))
        _set(rep, f"t4.{g}.total", 0)
    else:
        raise ValueError(kind)
    rep.breaks.append(kind)


def _absent_total(rep: GenReport, row: str) -> bool:
    """A blank 总计 on a row that has figures: the total was not printed, not printed as 0."""
    return rep.states[f"t3.{row}.total"] == "blank" and any(rep.figures[f"t3.{row}.{c}"] for c in T3_COLS[:-1])


def expected_errors(rep: GenReport) -> list[tuple[str, str]]:
    """Identities T3-1, T3-2, T3-3 and T4-1 evaluated on the printed figures (format.md §12)."""
    f = rep.figures
    out: list[tuple[str, str]] = []
    for c in T3_COLS:
        if f[f"t3.new_received.{c}"] + f[f"t3.carried_over.{c}"] != f[f"t3.results_total.{c}"] + f[f"t3.carried_forward.{c}"]:
            out.append(("T3-1", f"t3.new_received.{c}"))
    for row in rep.t3_rows:
        if _absent_total(rep, row):
            continue
        if f[f"t3.{row}.total"] != sum(f[f"t3.{row}.{c}"] for c in T3_COLS[:-1]):
            out.append(("T3-2", f"t3.{row}.total"))
    for c in T3_COLS:
        if c == "total" and any(_absent_total(rep, row) for row in rep.t3_detail):
            continue
        if f[f"t3.results_total.{c}"] != sum(f[f"t3.{row}.{c}"] for row in rep.t3_detail):
            out.append(("T3-3", f"t3.results_total.{c}"))
    for g in T4_GROUPS:
        if f[f"t4.{g}.total"] != sum(f[f"t4.{g}.{c}"] for c in T4_COLS[:-1]):
            out.append(("T4-1", f"t4.{g}.total"))
    return sorted(out)


def _sections(rep: GenReport, rng: random.Random) -> list[tuple[str, str]]:
    f = rep.figures
    received = f["t3.new_received.total"]
    lawsuits = f["t4.lit_direct.total"] + f["t4.lit_after_review.total"]
    n_pub = rng.randint(20, 3000)
    s1 = (
        f"{rep.year}年，{rep.organ}深入贯彻落实《中华人民共和国政府信息公开条例》，坚持以公开为常态、不公开为例外，"
        f"全年主动公开政府信息{n_pub}条。"
    )
    if received and not rep.breaks:
        s1 += f"全年共收到政府信息公开申请{received}件，均在法定期限内予以答复。"
    if not rep.breaks and rng.random() < 0.5:
        s1 += f"发生政府信息公开行政诉讼{lawsuits}件。"
    return [
        ("总体情况", s1),
        ("主动公开政府信息情况", ""),
        ("收到和处理政府信息公开申请情况", ""),
        ("政府信息公开行政复议、行政诉讼情况", ""),
        ("存在的主要问题及改进情况", "政务公开工作仍存在公开内容不够全面等不足，下一步将加强培训，持续改进。"),
        ("其他需要报告的事项", f"本年度收取信息处理费{rng.choice((0, 0, 380, 3940))}元。"),
    ]
