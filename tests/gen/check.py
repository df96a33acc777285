"""Compare an extraction with the generated report it came from."""

from __future__ import annotations

from typing import Any

from .model import GenReport


def differences(rep: GenReport, result: Any, *, strict_warnings: bool = True) -> list[str]:
    """Every way ``result`` (an :class:`extractor.ExtractionResult`) differs from ``rep``: figures
    (keys and values), printed states, units, error findings (exactly the broken identities),
    warnings (none expected), year, organ and per-table templates. Empty when all agree."""
    if result.report is None:
        return [f"failed: {result.error.code}: {result.error}"]
    report = result.report
    out: list[str] = []
    flat = report.flat()
    for key, want in rep.figures.items():
        got = flat.get(key)
        if got is None:
            out.append(f"missing {key} (want {want})")
        elif got != want:
            out.append(f"wrong {key}: want {want!r} got {got!r}")
    out.extend(f"extra {key} = {flat[key]!r}" for key in flat if key not in rep.figures)
    figures = {f.key: f for f in report.figures()}
    for key, state in rep.states.items():
        f = figures.get(key)
        if f is not None and f.state.value != state:
            out.append(f"state {key}: want {state} got {f.state.value} (raw {f.raw!r})")
    for key, unit in rep.units.items():
        f = figures.get(key)
        if f is not None and f.unit != unit:
            out.append(f"unit {key}: want {unit} got {f.unit}")
    errors = sorted({(f.code, f.cells[0] if f.cells else "") for f in report.findings if f.severity.value == "error"})
    if errors != rep.broken:
        out.append(f"error findings: want {rep.broken} got {errors}")
    if strict_warnings:
        out.extend(f"warning {f.code}: {f.message[:120]}" for f in report.findings if f.severity.value == "warning")
    meta = report.meta
    if meta.report_year != rep.year:
        out.append(f"year: want {rep.year} got {meta.report_year}")
    if meta.organ != rep.organ:
        out.append(f"organ: want {rep.organ} got {meta.organ}")
    if report.table2 is None or report.table2.template != rep.t2_template:
        out.append(f"table 2 template: want {rep.t2_template} got {report.table2.template if report.table2 else None}")
    if report.table3 is None or report.table3.template != rep.t3_template:
        out.append(f"table 3 template: want {rep.t3_template} got {report.table3.template if report.table3 else None}")
    return out
