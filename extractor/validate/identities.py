"""The arithmetic identities (勾稽关系) of format.md §12 as findings.

Ids are stable (T3-1 … T4-2, T2-19-1, T2-21-2). A failed check is a :class:`Finding` with the
instantiated expression, the expected and actual values and the flat keys of every cell
involved; nothing is raised and no printed number is changed. A check whose cells are missing or
ambiguous is skipped (``*.unchecked`` info finding) rather than guessed. Blank cells read as 0 in
sums — except where a blank *total* would be compared (format.md §11.2: reports that leave the 总计
of detail rows blank make T3-2 uncheckable there, which is reported, not failed).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from extractor.records.models import Figure, Finding, Report, Severity, Table3, Table3Row
from extractor.template import (
    T3_COLUMN_LABELS,
    T3_COLUMNS,
    T3_DETAIL_2019,
    T3_DETAIL_2021,
    T3_ROW_BY_KEY,
    T4_COLUMNS,
    T4_GROUP_LABELS,
    T4_GROUPS,
)
from extractor.text import CellState

Num = int | float


def _val(f: Figure | None) -> Num | None:
    if f is None:
        return None
    return f.flat_value


def _row(t3: Table3, key: str) -> Table3Row | None:
    row = getattr(t3, key, None)
    return row if isinstance(row, Table3Row) else None


def _cell(t3: Table3, key: str, col: str) -> Figure | None:
    row = _row(t3, key)
    return getattr(row, col) if row is not None else None


def _check(
    code: str,
    expression: str,
    lhs: Sequence[Figure | None],
    rhs: Sequence[Figure | None],
    out: list[Finding],
    *,
    severity: Severity = Severity.ERROR,
    what: str = "",
) -> None:
    """``sum(lhs) == sum(rhs)``; skipped when any cell is missing or has no value."""
    sums = _unequal(lhs, rhs)
    if sums is not None:
        out.append(_failed(code, expression, lhs, rhs, sums, severity, what))


def _unequal(lhs: Sequence[Figure | None], rhs: Sequence[Figure | None]) -> tuple[float, float] | None:
    """``(sum(lhs), sum(rhs))`` when they differ; None when they agree or a cell is missing or has
    no value (the check is skipped). :func:`_check` without the finding's texts, which a passing
    check never needs."""
    left = right = 0.0
    for f in lhs:
        v = None if f is None else f.flat_value
        if v is None:
            return None
        left += v
    for f in rhs:
        v = None if f is None else f.flat_value
        if v is None:
            return None
        right += v
    if abs(left - right) < 1e-9:
        return None
    return left, right


def _failed(code: str, expression: str, lhs: Sequence[Figure | None], rhs: Sequence[Figure | None],
            sums: tuple[float, float], severity: Severity = Severity.ERROR, what: str = "") -> Finding:
    left, right = sums
    cells = [f for f in (*lhs, *rhs) if f is not None]
    return Finding.make(
        code=code,
        severity=severity,
        message=f"{what}: {expression} does not hold ({_fmt(left)} ≠ {_fmt(right)})",
        expression=expression,
        expected=_fmt_num(right),
        actual=_fmt_num(left),
        cells=[f.key for f in cells],
        refs=[f.ref for f in cells],
    )


def _fmt_num(x: Num) -> Num:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _fmt(x: Num) -> str:
    return str(_fmt_num(x))


def _absent_total(t3: Table3, key: str) -> bool:
    """A blank 总计 on a row that has figures: the total was left out, not printed as 0 (§11.2)."""
    row = _row(t3, key)
    if row is None or row.total is None or row.total.state is not CellState.BLANK:
        return False
    return any((_val(getattr(row, c)) or 0) != 0 for c in T3_COLUMNS[:-1])


def check_table3(t3: Table3, out: list[Finding]) -> None:
    rows = {k: row for k in T3_ROW_BY_KEY if (row := _row(t3, k)) is not None}
    detail = T3_DETAIL_2019 if t3.other is not None else T3_DETAIL_2021
    detail = tuple(k for k in detail if k in rows)
    absent = {k for k in rows if _absent_total(t3, k)}

    def cell(key: str, col: str) -> Figure | None:
        # a left-out total makes every sum it is part of uncheckable (None skips the check)
        if col == "total" and key in absent:
            return None
        row = rows.get(key)
        return None if row is None else getattr(row, col)

    has_results = "results_total" in rows
    for col in T3_COLUMNS:
        # T3-1: 一 + 二 = (七) + 四, per column, as the header note states.
        lhs, rhs = [cell("new_received", col), cell("carried_over", col)], [cell("results_total", col), cell("carried_forward", col)]
        if (sums := _unequal(lhs, rhs)) is not None:
            out.append(_failed("T3-1", f"一[{col}] + 二[{col}] = (七)总计[{col}] + 四[{col}]", lhs, rhs, sums,
                               what=f"table 3, column {T3_COLUMN_LABELS[col]}"))
        # T3-3: (七) = sum of the detail rows.
        if detail and has_results:
            lhs, rhs = [cell("results_total", col)], [cell(k, col) for k in detail]
            if any(f is None for f in lhs) or any(f is None for f in rhs):
                if col == "total" and absent:
                    out.append(
                        Finding.make(
                            code="T3-3.unchecked",
                            severity=Severity.INFO,
                            message=f"table 3, column {T3_COLUMN_LABELS[col]}: {len(absent)} rows leave 总计 blank; T3-3 not checked",
                            cells=[f"t3.{k}.total" for k in sorted(absent)],
                        )
                    )
                continue
            if (sums := _unequal(lhs, rhs)) is not None:
                out.append(_failed("T3-3", f"(七)总计[{col}] = Σ detail rows[{col}] ({len(detail)} rows)", lhs, rhs, sums,
                                   what=f"table 3, column {T3_COLUMN_LABELS[col]}"))
    parts_of = T3_COLUMNS[:-1]
    for key, row in rows.items():
        total = row.total
        parts = [getattr(row, c) for c in parts_of]
        if total is not None and total.state is CellState.BLANK and any((_val(p) or 0) != 0 for p in parts):
            out.append(
                Finding.make(
                    code="T3-2.unchecked",
                    severity=Severity.INFO,
                    message=f"table 3, row {T3_ROW_BY_KEY[key].label}: 总计 is blank while the row has figures; T3-2 not checked",
                    cells=[total.key],
                    refs=[total.ref],
                )
            )
            continue
        if (sums := _unequal([total], parts)) is not None:
            out.append(_failed("T3-2", f"总计[{key}] = Σ applicant columns[{key}]", [total], parts, sums,
                               what=f"table 3, row {T3_ROW_BY_KEY[key].label}"))
    for f in _figures(t3):
        if f.value is not None and f.value < 0:
            out.append(
                Finding.make(code="T3-5", severity=Severity.ERROR, message=f"{f.key} is negative ({f.value})",
                        expression=f"{f.key} ≥ 0", actual=f.value, cells=[f.key], refs=[f.ref])
            )


def _figures(t3: Table3) -> list[Figure]:
    out: list[Figure] = []
    for key in T3_ROW_BY_KEY:
        row = _row(t3, key)
        if row is not None:  # the fields in order (what iterating a model yields)
            out.extend(f for f in row.__dict__.values() if isinstance(f, Figure))
    return out


def check_table4(report: Report, out: list[Finding]) -> None:
    t4 = report.table4
    if t4 is None:
        return
    for g in T4_GROUPS:
        group = getattr(t4, g)
        _check(
            "T4-1",
            f"{g}.总计 = 结果维持 + 结果纠正 + 其他结果 + 尚未审结",
            [group.total],
            [getattr(group, c) for c in T4_COLUMNS[:-1]],
            out,
            what=f"table 4, {T4_GROUP_LABELS[g]}",
        )


def check_table2(report: Report, out: list[Finding]) -> None:
    t2 = report.table2
    if t2 is None:
        return
    for item in ("regulations", "normative_docs"):
        row = getattr(t2, item)
        if row is None:
            continue
        if row.new_published is not None and row.total_published is not None:
            _soft_le("T2-19-1", row.new_published, row.total_published, "本年新公开数量 ≤ 对外公开总数量", out)
        if row.new_published is not None and row.new_made is not None:
            _soft_le("T2-19-1", row.new_published, row.new_made, "本年新公开数量 ≤ 本年新制作数量", out)
    if t2.fees is not None and t2.fees.amount is not None:
        v = _val(t2.fees.amount)
        if v is not None and v < 0:
            out.append(Finding.make(code="T2-21-2", severity=Severity.ERROR, message="本年收费金额 is negative",
                               expression="t2.fees.amount ≥ 0", actual=v, cells=[t2.fees.amount.key], refs=[t2.fees.amount.ref]))


def _soft_le(code: str, a: Figure, b: Figure, text: str, out: list[Finding]) -> None:
    va, vb = _val(a), _val(b)
    if va is None or vb is None or va <= vb:
        return
    out.append(
        Finding.make(code=code, severity=Severity.WARNING, message=f"table 2: {text} does not hold ({va} > {vb})",
                expression=f"{a.key} ≤ {b.key}", expected=vb, actual=va, cells=[a.key, b.key], refs=[a.ref, b.ref])
    )


_RECEIVED = re.compile(r"(?=[共全累本今收受新])(?:共|全年|累计|本年度?|今年)?(?:收到|受理|新收)[^。；，,]{0,20}?申请[^。；，,\d]{0,6}?(\d{1,15})(?!\d)\s*[件个条份]")
_LITIGATION = re.compile(r"行政诉讼(?:案件)?(?:数为|共)?\s*(\d{1,15})(?!\d)\s*[件起]")


NARRATIVE_SECTIONS: tuple[int, ...] = (1, 3, 4)
"""The sections whose prose the narrative checks read (总体情况 and the application and review sections)."""


def narrative_statements(text: str) -> dict[str, list[int]]:
    """The totals the prose states, in order: ``received`` (收到/受理 N 件 申请) and ``lawsuits``
    (行政诉讼 N 件) — what T3-6 and T4-2 compare with the tables (``ogi audit``'s A-NARRATIVE
    tells a narrative that states nothing from one that agrees)."""
    return {"received": [int(m.group(1)) for m in _RECEIVED.finditer(text)],
            "lawsuits": [int(m.group(1)) for m in _LITIGATION.finditer(text)]}


def check_narrative(report: Report, section_text: str, out: list[Finding]) -> None:
    """T3-6 / T4-2 (soft): totals the prose states against the tables."""
    statements = narrative_statements(section_text)
    t3 = report.table3
    if t3 is not None:
        new_total = _val(_cell(t3, "new_received", "total"))
        carried = _val(_cell(t3, "carried_over", "total")) or 0
        stated = statements["received"]
        if new_total is not None and stated and not any(s in (new_total, new_total + carried) for s in stated):
            f = _cell(t3, "new_received", "total")
            out.append(
                Finding.make(code="T3-6", severity=Severity.WARNING,
                        message=f"the text says {stated[0]} applications were received; table 3 row 一 total is {_fmt(new_total)}",
                        expression="narrative 收到/受理 N 件 = 一[total] (or 一 + 二)", expected=stated[0], actual=new_total,
                        cells=[f.key] if f else [], refs=[f.ref] if f else [])
            )
    t4 = report.table4
    if t4 is not None:
        lit = [t4.lit_direct.total, t4.lit_after_review.total]
        if all(x is not None and _val(x) is not None for x in lit):
            total = sum(_val(x) or 0 for x in lit)
            stated = statements["lawsuits"]
            if stated and total not in stated:
                out.append(
                    Finding.make(code="T4-2", severity=Severity.WARNING,
                            message=f"the text says {stated[0]} lawsuits; table 4 has {_fmt(total)} (直接起诉 + 复议后起诉)",
                            expression="narrative 行政诉讼 N 件 = lit_direct.total + lit_after_review.total",
                            expected=stated[0], actual=total, cells=[x.key for x in lit if x], refs=[x.ref for x in lit if x])
                )


def validate(report: Report, narrative: str = "") -> list[Finding]:
    out: list[Finding] = []
    check_table2(report, out)
    if report.table3 is not None:
        check_table3(report.table3, out)
    check_table4(report, out)
    if narrative:
        check_narrative(report, narrative, out)
    return out
