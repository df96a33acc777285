"""Cross-year identities (format.md §12) between a report (year N−1) and the next one (year N).

| code | identity | severity |
|---|---|---|
| T3-4 | per column c of table 3: 二、上年结转[c](N) = 四、结转下年度继续办理[c](N−1) | error |
| T2-21-1 | 2021 layout, 规章 and 行政规范性文件: 现行有效(N) = 现行有效(N−1) + 本年制发(N) − 本年废止(N) | warning (soft) |
| T2-19-2 | 2019 layout, 规章 and 规范性文件: 对外公开总数量(N) = 对外公开总数量(N−1) + 本年新公开数量(N) | warning (soft) |
| T2-19-3 | 2019 layout, (五)(六)(八) rows: 上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1) | warning (soft) |

Every evaluation is kept as a :class:`CrossCheck` (``ok`` / ``failed`` / ``skipped`` with a reason);
each failure is also a :class:`Finding` whose cells are prefixed ``old:`` / ``new:``. A check with
a cell missing or without a value (ambiguous, text) is skipped, never guessed.
"""

from __future__ import annotations

from extractor.diff.keys import T2_ITEM_LABELS
from extractor.records.models import Figure, Finding, Number, Report, Severity, Table2Row, Table3Row
from extractor.template import T3_COLUMN_LABELS, T3_COLUMNS

from .models import CrossCheck

Term = tuple[str, Figure | None, str]
"""(side, figure, flat key) — the key is kept for cells that are missing."""


def _fmt(x: Number) -> Number:
    return int(x) if isinstance(x, float) and x.is_integer() else x


def _num(x: Number) -> str:
    return str(_fmt(round(x, 6) if isinstance(x, float) else x))


def _evaluate(
    code: str,
    subject: str,
    expression: str,
    lhs: Term,
    rhs: list[tuple[int, Term]],
    severity: Severity,
    what: str,
    checks: list[CrossCheck],
    findings: list[Finding],
) -> None:
    """``lhs = Σ sign·rhs``; record the evaluation and, on failure, a finding."""
    terms = [lhs, *(t for _, t in rhs)]
    cells = [f"{side}:{key}" for side, _, key in terms]
    missing = [c for c, (_, f, _) in zip(cells, terms, strict=True) if f is None or f.flat_value is None]
    if missing:
        checks.append(CrossCheck(code=code, subject=subject, expression=expression, status="skipped", severity=severity,
                                 cells=cells, note=f"no value for {', '.join(missing)}"))
        return
    actual = lhs[1].flat_value if lhs[1] is not None else None
    assert actual is not None
    expected: Number = 0
    for sign, (_, f, _) in rhs:
        v = f.flat_value if f is not None else None
        assert v is not None
        expected += sign * v
    ok = abs(actual - expected) < 1e-6
    checks.append(CrossCheck(code=code, subject=subject, expression=expression, expected=_fmt(expected),
                             actual=_fmt(actual), status="ok" if ok else "failed", severity=severity, cells=cells))
    if ok:
        return
    findings.append(Finding(
        code=code,
        severity=severity,
        message=f"{what}: {expression} does not hold ({_num(actual)} ≠ {_num(expected)})",
        expression=expression,
        expected=_fmt(expected),
        actual=_fmt(actual),
        cells=cells,
        refs=[f.ref for _, f, _ in terms if f is not None],
    ))


def _t3(report: Report, row: str, col: str) -> Figure | None:
    r = getattr(report.table3, row, None) if report.table3 is not None else None
    return getattr(r, col) if isinstance(r, Table3Row) else None


def _t2(report: Report, item: str, col: str) -> Figure | None:
    r = getattr(report.table2, item, None) if report.table2 is not None else None
    return getattr(r, col) if isinstance(r, Table2Row) else None


def check_carry_over(old: Report, new: Report, checks: list[CrossCheck], findings: list[Finding]) -> None:
    """T3-4, per column: this year's 二、上年结转 = last year's 四、结转下年度继续办理."""
    yo, yn = old.meta.report_year or "N−1", new.meta.report_year or "N"
    if old.table3 is None or new.table3 is None:
        which = "either report" if old.table3 is None and new.table3 is None else f"the {yo if old.table3 is None else yn} report"
        for col in T3_COLUMNS:
            checks.append(CrossCheck(code="T3-4", subject=col, expression=f"二[{col}]({yn}) = 四[{col}]({yo})",
                                     status="skipped", severity=Severity.ERROR, note=f"no table 3 in {which}"))
        return
    for col in T3_COLUMNS:
        _evaluate(
            "T3-4", col, f"二、上年结转[{col}]({yn}) = 四、结转下年度继续办理[{col}]({yo})",
            ("new", _t3(new, "carried_over", col), f"t3.carried_over.{col}"),
            [(1, ("old", _t3(old, "carried_forward", col), f"t3.carried_forward.{col}"))],
            Severity.ERROR, f"table 3, column {T3_COLUMN_LABELS[col]}", checks, findings,
        )


def check_table2(old: Report, new: Report, checks: list[CrossCheck], findings: list[Finding], notes: list[str]) -> None:
    """T2-21-1 (both 2021 layout) or T2-19-2/T2-19-3 (both 2019 layout)."""
    to = old.table2.template if old.table2 else None
    tn = new.table2.template if new.table2 else None
    yo, yn = old.meta.report_year or "N−1", new.meta.report_year or "N"
    if to is None or tn is None:
        notes.append("table 2 continuity (T2-21-1 / T2-19-2 / T2-19-3) not checked: table 2 missing in "
                     + ("both reports" if to is None and tn is None else f"{yo if to is None else yn}"))
        return
    if to != tn:
        notes.append(f"table 2 changed layout ({to} → {tn}): its columns are not comparable and no continuity "
                     "identity links the two layouts")
        return
    if to == "2021":
        for item in ("regulations", "normative_docs"):
            label = T2_ITEM_LABELS[item]
            _evaluate(
                "T2-21-1", item,
                f"{label} 现行有效件数({yn}) = 现行有效件数({yo}) + 本年制发件数({yn}) − 本年废止件数({yn})",
                ("new", _t2(new, item, "in_force"), f"t2.{item}.in_force"),
                [(1, ("old", _t2(old, item, "in_force"), f"t2.{item}.in_force")),
                 (1, ("new", _t2(new, item, "issued"), f"t2.{item}.issued")),
                 (-1, ("new", _t2(new, item, "repealed"), f"t2.{item}.repealed"))],
                Severity.WARNING, f"table 2, {label}", checks, findings,
            )
    elif to == "2019":
        for item in ("regulations", "normative_docs"):
            label = "规范性文件" if item == "normative_docs" else T2_ITEM_LABELS[item]  # the 2019 wording
            _evaluate(
                "T2-19-2", item,
                f"{label} 对外公开总数量({yn}) = 对外公开总数量({yo}) + 本年新公开数量({yn})",
                ("new", _t2(new, item, "total_published"), f"t2.{item}.total_published"),
                [(1, ("old", _t2(old, item, "total_published"), f"t2.{item}.total_published")),
                 (1, ("new", _t2(new, item, "new_published"), f"t2.{item}.new_published"))],
                Severity.WARNING, f"table 2, {label}", checks, findings,
            )
        for item in ("licensing", "other_services", "punishment", "coercion", "fees"):
            label = T2_ITEM_LABELS[item]
            _evaluate(
                "T2-19-3", item,
                f"{label} 上一年项目数量({yn}) = 上一年项目数量({yo}) + 本年增/减({yo})",
                ("new", _t2(new, item, "prior_year"), f"t2.{item}.prior_year"),
                [(1, ("old", _t2(old, item, "prior_year"), f"t2.{item}.prior_year")),
                 (1, ("old", _t2(old, item, "change"), f"t2.{item}.change"))],
                Severity.WARNING, f"table 2, {label}", checks, findings,
            )


def cross_year_checks(old: Report, new: Report) -> tuple[list[CrossCheck], list[Finding], list[str]]:
    """Every cross-year identity for two consecutive reports of one organ: (checks, findings, notes)."""
    checks: list[CrossCheck] = []
    findings: list[Finding] = []
    notes: list[str] = []
    check_carry_over(old, new, checks, findings)
    check_table2(old, new, checks, findings, notes)
    return checks, findings, notes
