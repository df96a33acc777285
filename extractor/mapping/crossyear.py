"""Settling table-2 runs a document alone leaves ambiguous, from the same organ's neighbouring year.

A glued 2019-layout run such as ``行政许可3960181`` (上一年项目数量, 本年增/减, 处理决定数量) has no
identity inside the report, but the years chain (format.md §12, T2-19-3 and the 2021 counterpart):

* 2019 layout: ``上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1)``;
* 2021 layout: ``现行有效件数(N) = 现行有效件数(N−1) + 本年制发件数(N) − 本年废止件数(N)``.

Given every reading of each run (:mod:`extractor.mapping.readings`, re-read from the printed run)
and the neighbour's figures (decided, or its own readings), the pairs of readings that satisfy the
chain are kept; a cell is settled when every kept pair agrees on it. Both documents may be ambiguous
(平潭 2019 and 2020 are both glued): the pairs are filtered on both sides.

This module works on plain ``{column: value}`` rows so that a batch (on warehouse rows) and the
Python API (:func:`settle_reports`, on :class:`~extractor.records.models.Report` objects) share it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from extractor.locate.align.tokens import tokenize
from extractor.mapping.readings import Columns, dropped, glued
from extractor.records.models import Figure, Finding, Report, Severity
from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021, T2_DECIMAL_COLUMNS, T2_SIGNED_COLUMNS
from extractor.text import CellState

ITEM_ORDER: tuple[str, ...] = tuple(dict.fromkeys([*T2_COLUMNS_2019, *T2_COLUMNS_2021]))
"""Table-2 items in template order (the 2021 items keep their order inside the 2019 layout)."""
Num = int | float
Row = dict[str, Num]


@dataclass(slots=True)
class T2Row:
    """One table-2 item of one report: decided cells, and the printed run when some are not."""

    item: str
    columns: tuple[str, ...]
    values: dict[str, Num | None]
    run: str | None = None
    dropped: bool = False
    """The run is of a dump that leaves blank cells out and merges repeats (``cells.undecided``), not
    of digits run together: its readings place whole numbers (``0 10`` is never 0 / 1 / 0)."""

    def candidates(self) -> list[Row]:
        """Every complete row consistent with the decided cells (one row when all are decided)."""
        if all(v is not None for v in self.values.values()):
            return [{c: v for c, v in self.values.items() if v is not None}]
        if not self.run:
            return []
        cols = Columns(
            k=len(self.columns),
            decimal=frozenset(i for i, c in enumerate(self.columns) if (self.item, c) in T2_DECIMAL_COLUMNS),
            signed=frozenset(i for i, c in enumerate(self.columns) if c in T2_SIGNED_COLUMNS),
        )
        out: list[Row] = []
        tokens = tokenize(self.run).numbers
        for reading, _ in (dropped(tokens, cols) if self.dropped else glued(tokens, cols)).readings:
            row = {c: cell.flat for c, cell in zip(self.columns, reading, strict=True)}
            if all(v is None or row[c] == v for c, v in self.values.items()):
                out.append(row)
        return out


def chained(earlier: Row, later: Row) -> bool | None:
    """Whether two consecutive years' rows satisfy the continuity rule (None: it does not apply)."""
    if {"prior_year", "change"} <= earlier.keys() and "prior_year" in later:
        return abs(earlier["prior_year"] + earlier["change"] - later["prior_year"]) < 1e-9
    if "in_force" in earlier and {"in_force", "issued", "repealed"} <= later.keys():
        return abs(earlier["in_force"] + later["issued"] - later["repealed"] - later["in_force"]) < 1e-9
    return None


def settle_pair(earlier: T2Row, later: T2Row) -> tuple[dict[str, Num], dict[str, Num]]:
    """Cells newly settled in each row by the continuity rule: ``(earlier's, later's)``."""
    a, b = earlier.candidates(), later.candidates()
    if not a or not b or len(a) * len(b) > 400_000:
        return {}, {}
    pairs = [(x, y) for x in a for y in b if chained(x, y)]
    if not pairs:
        return {}, {}
    return _agreed(earlier, [x for x, _ in pairs]), _agreed(later, [y for _, y in pairs])


def _agreed(row: T2Row, kept: Sequence[Row]) -> dict[str, Num]:
    out: dict[str, Num] = {}
    for c in row.columns:
        if row.values.get(c) is not None:
            continue
        vals = {r[c] for r in kept}
        if len(vals) == 1:
            out[c] = next(iter(vals))
    return out


def common_items(mine: Mapping[str, object], theirs: Mapping[str, object]) -> list[str]:
    """The table-2 items both rows have, in template order (never set order: findings follow it)."""
    return [item for item in ITEM_ORDER if item in mine and item in theirs]


def t2_rows(report: Report) -> dict[str, T2Row]:
    """The table-2 items of a report as :class:`T2Row` (runs kept where a cell is ambiguous)."""
    t2 = report.table2
    if t2 is None:
        return {}
    layout = T2_COLUMNS_2019 if t2.template == "2019" else T2_COLUMNS_2021
    undecided = dropped_rows((f.code, f.cells) for f in report.findings)
    out: dict[str, T2Row] = {}
    for item, cols in layout.items():
        row = getattr(t2, item, None)
        if row is None:
            continue
        figs: dict[str, Figure | None] = {c: getattr(row, c, None) for c in cols}
        if any(f is None for f in figs.values()):
            continue
        values = {c: (f.flat_value if f is not None else None) for c, f in figs.items()}
        runs = {f.raw for f in figs.values() if f is not None and f.state is CellState.AMBIGUOUS and f.raw}
        out[item] = T2Row(item, cols, values, next(iter(runs)) if len(runs) == 1 else None, f"t2.{item}" in undecided)
    return out


def dropped_rows(findings: Iterable[tuple[str, Sequence[str]]]) -> set[str]:
    """Rows (``t2.<item>``) whose ambiguity comes from a dump that leaves blank cells out
    (``cells.undecided``), from ``(code, cells)`` of a report's findings."""
    return {c for code, cells in findings if code == "cells.undecided" for c in cells}


def settle_reports(earlier: Report, later: Report) -> list[Finding]:
    """Settle both reports' ambiguous table-2 cells from each other (consecutive years of one organ);
    the settled figures become ``inferred`` values, each report gets a ``crossyear.settled`` finding
    naming the other. Returns the new findings."""
    if (earlier.meta.report_year or 0) + 1 != (later.meta.report_year or 0):
        return []
    found: list[Finding] = []
    mine, theirs = t2_rows(earlier), t2_rows(later)
    for item in common_items(mine, theirs):
        a, b = settle_pair(mine[item], theirs[item])
        for report, settled, other in ((earlier, a, later), (later, b, earlier)):
            if settled:
                found.append(_apply(report, item, settled, other))
    return found


def _apply(report: Report, item: str, settled: Mapping[str, Num], other: Report) -> Finding:
    assert report.table2 is not None
    row = getattr(report.table2, item)
    keys = []
    for col, value in settled.items():
        fig: Figure = getattr(row, col)
        state = CellState.ZERO if value == 0 else CellState.NUMBER
        setattr(row, col, fig.model_copy(update={"value": value, "state": state, "inferred": True}))
        keys.append(fig.key)
    finding = Finding.make(
        code="crossyear.settled", severity=Severity.INFO,
        message=f"t2.{item}: {', '.join(f'{k}={settled[k.rsplit(chr(46), 1)[1]]}' for k in keys)} settled by continuity with "
                f"{other.meta.organ or '?'} {other.meta.report_year} ({other.meta.source_name or other.meta.sha256 or '?'})",
        expression="上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1)" if report.table2.template == "2019"
        else "现行有效(N) = 现行有效(N−1) + 制发(N) − 废止(N)",
        cells=keys,
    )
    report.findings.append(finding)
    return finding
