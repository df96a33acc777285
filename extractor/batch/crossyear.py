"""Cross-year help inside a batch: table-2 runs one document leaves ambiguous, settled by the same
organ's neighbouring year in the same run (:mod:`extractor.mapping.crossyear`).

Documents with an ambiguous table-2 cell are held back until the run's other documents are in,
then settled against every document of the same organ (organ names grouped as ``ogi diff`` groups
them) one year before or after, and written. Settled figures become ``inferred`` values and the
document gets a ``crossyear.settled`` finding naming the other report. Held documents are written
even when the run is interrupted (the caller flushes them in its ``finally``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from extractor.mapping.crossyear import T2Row, common_items, dropped_rows, settle_pair
from extractor.template import T2_COLUMNS_2019, T2_COLUMNS_2021
from extractor.writers.base import as_columns, row_count
from extractor.writers.schema import exact_number

if TYPE_CHECKING:
    from extractor.writers import Record

SETTLED = "crossyear.settled"


_READ = ("key", "state", "raw", "value", "amount")
"""The figure columns settling reads."""
_WRITE = ("value", "amount", "state", "inferred")
"""The figure columns settling changes (copied, never the whole record)."""


def _figures(rec: Record) -> list[dict[str, Any]]:
    """The record's table-2 figure rows (rows or packed columns), with the columns settling reads."""
    figs = rec["figures"]
    if isinstance(figs, dict):
        keys = figs.get("key") or []
        cols = {c: figs.get(c) or [None] * len(keys) for c in _READ}
        return [{c: vals[i] for c, vals in cols.items()} for i, k in enumerate(keys) if str(k).startswith("t2.")]
    return [f for f in figs if str(f["key"]).startswith("t2.")]


RowKey = tuple[str, tuple[str, ...], tuple[tuple[str, object], ...], "str | None", bool]


def _key(row: T2Row) -> RowKey:
    return row.item, row.columns, tuple(row.values.items()), row.run, row.dropped


@dataclass(slots=True)
class _Row(T2Row):
    """A :class:`T2Row` whose readings are computed once per distinct row in the run.

    Settling is main-process work on the batch's critical path (it runs when the workers are done):
    a held document is paired with every neighbour of its organ, and re-reading the same printed run
    for each pair cost 4 ms a pair (0.7 s of 2 s on the 150-document benchmark)."""

    memo: dict[RowKey, list[dict[str, int | float]]] = field(default_factory=dict, repr=False, compare=False)

    def candidates(self) -> list[dict[str, int | float]]:
        key = _key(self)  # values change as cells are settled: keyed by content, not identity
        got = self.memo.get(key)
        if got is None:
            got = self.memo[key] = T2Row.candidates(self)
        return got


def _finding_codes(rec: Record) -> list[tuple[str, list[str]]]:
    """``(code, cells)`` of the record's findings (rows or packed columns)."""
    found = rec.get("findings") or []
    if isinstance(found, dict):
        return list(zip(found.get("code") or [], found.get("cells") or [], strict=False))
    return [(f["code"], f.get("cells") or []) for f in found]


def _t2_rows(rec: Record, memo: dict[RowKey, list[dict[str, int | float]]] | None = None) -> dict[str, T2Row]:
    undecided = dropped_rows(_finding_codes(rec))
    by_item: dict[str, dict[str, Any]] = {}
    for f in _figures(rec):
        key = str(f["key"])
        if not key.startswith("t2."):
            continue
        _, item, col = key.split(".", 2)
        by_item.setdefault(item, {})[col] = f
    out: dict[str, T2Row] = {}
    for item, cols in by_item.items():
        values: dict[str, int | float | None] = {}
        runs = set()
        for col, f in cols.items():
            if f["state"] == "ambiguous":
                values[col] = None
                if f.get("raw"):
                    runs.add(str(f["raw"]))
            else:
                v = f["amount"] if f.get("amount") is not None else f.get("value")
                values[col] = float(v) if isinstance(v, Decimal) else (0 if v is None else v)
        order = next((c for c in (T2_COLUMNS_2019.get(item), T2_COLUMNS_2021.get(item)) if c and set(c) == set(cols)), None)
        if order is None:
            continue  # columns of no known layout
        run = next(iter(runs)) if len(runs) == 1 else None
        values = {c: values[c] for c in order}
        drop = f"t2.{item}" in undecided
        out[item] = T2Row(item, order, values, run, drop) if memo is None else _Row(item, order, values, run, drop, memo)
    return out


@dataclass(slots=True)
class Settlement:
    """What settling changed in one held record, for a writer that stored the record as it was held:
    figures that became inferred numbers, the findings added, the new ``n_findings``."""

    figures: list[tuple[str, int | None, Decimal | None, str]] = field(default_factory=list)
    """(key, value, amount, state) of every settled figure (``inferred`` is true)."""
    findings: list[dict[str, Any]] = field(default_factory=list)
    n_findings: int | None = None


class CrossYear:
    """Collects every document's table 2; holds the ones with ambiguous cells until :meth:`flush`."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, int, str, dict[str, T2Row]]] = []  # organ, year, sha256, rows
        self.held: list[Record] = []
        self.settled = 0
        self.settlements: dict[str, Settlement] = {}
        """sha256 → what :meth:`flush` changed in that held record (only records it changed)."""
        self._readings: dict[RowKey, list[dict[str, int | float]]] = {}
        self._pairs: dict[tuple[RowKey, RowKey], tuple[dict[str, int | float], dict[str, int | float]]] = {}

    def observe(self, rec: Record) -> bool:
        """Remember the record's table 2; True when it is held back (it has ambiguous cells)."""
        rep = rec["report"]
        if rep.get("status") == "failed" or not rep.get("organ") or rep.get("report_year") is None:
            return False
        rows = _t2_rows(rec, self._readings)
        if not rows:
            return False
        self.seen.append((str(rep["organ"]), int(rep["report_year"]), str(rep["sha256"]), rows))
        open_rows = [r for r in rows.values() if r.run and any(v is None for v in r.values.values())]
        if open_rows:
            if not self.held:  # what flush needs, loaded now rather than after the last document
                import extractor.diff.organs  # noqa: F401
            for r in open_rows:  # the run's readings, the costly part of settling, while the workers run
                r.candidates()
            self.held.append(rec)
            return True
        return False

    def flush(self) -> list[Record]:
        """Settle the held records against their neighbours and return them (once).

        Everything runs in an order that does not depend on the run's completion order or on hash
        seeds: held documents and neighbours by sha256, table-2 items in template order."""
        held, self.held = self.held, []
        if not held:
            return []
        from extractor.diff.organs import OrganNames, group_organs

        group_of, _ = group_organs((o for o, _, _, _ in self.seen), OrganNames.create())
        by_group: dict[tuple[str, int], list[tuple[str, dict[str, T2Row]]]] = {}
        rows_of: dict[str, dict[str, T2Row]] = {}
        for organ, year, sha, rows in self.seen:
            by_group.setdefault((group_of.get(organ, organ), year), []).append((sha, rows))
            rows_of[sha] = rows
        for members in by_group.values():
            members.sort(key=lambda m: m[0])
        held.sort(key=lambda r: str(r["report"]["sha256"]))
        for rec in held:
            rep = rec["report"]
            organ, year, sha = str(rep["organ"]), int(rep["report_year"]), str(rep["sha256"])
            mine = rows_of[sha]
            group = group_of.get(organ, organ)
            patch = _Patch(rec)
            for other_year in (year - 1, year + 1):
                for other_sha, theirs in by_group.get((group, other_year), []):
                    self._settle(patch, mine, theirs, other_sha, other_year, earlier=other_year < year)
            patch.apply()
            if patch.change.figures or patch.change.findings:
                self.settlements[sha] = patch.change
        return held

    def _settle(self, patch: _Patch, mine: dict[str, T2Row], theirs: dict[str, T2Row], other_sha: str,
                other_year: int, *, earlier: bool) -> None:
        for item in common_items(mine, theirs):
            if not mine[item].run or all(v is not None for v in mine[item].values.values()):
                continue
            a, b = (theirs[item], mine[item]) if earlier else (mine[item], theirs[item])
            pair = (_key(a), _key(b))  # copies of one report in a run settle alike
            settled = self._pairs.get(pair)
            if settled is None:
                settled = self._pairs[pair] = settle_pair(a, b)
            got = settled[1 if earlier else 0]
            if not got:
                continue
            for col, v in got.items():
                if patch.settle(f"t2.{item}.{col}", v):
                    mine[item].values[col] = v
            patch.finding(item, got, other_sha, other_year)
            self.settled += len(got)


class _Patch:
    """The changes settling makes to one held record: the figure columns it changes (copied) and the
    findings it adds, written back by :meth:`apply` (rows stay rows, packed columns stay packed)."""

    def __init__(self, rec: Record) -> None:
        self.rec = rec
        figs = rec["figures"]
        self.packed = isinstance(figs, dict)
        if isinstance(figs, dict):
            keys = figs.get("key") or []
            self.cols = {c: list(figs.get(c) or [None] * len(keys)) for c in _WRITE}
        else:
            keys = [f["key"] for f in figs]
        self.where = {str(k): i for i, k in enumerate(keys) if str(k).startswith("t2.")}
        self.found: list[dict[str, Any]] = []
        self.change = Settlement()

    def settle(self, key: str, v: int | float) -> bool:
        """Make the ambiguous figure ``key`` the inferred value ``v``; False when it is not ambiguous."""
        i = self.where.get(key)
        if i is None:
            return False
        value, amount = exact_number(key, v)
        new = {"value": value, "amount": amount, "state": "zero" if v == 0 else "number", "inferred": True}
        if self.packed:
            if self.cols["state"][i] != "ambiguous":
                return False
            for c, x in new.items():
                self.cols[c][i] = x
        else:
            row: dict[str, Any] = self.rec["figures"][i]  # type: ignore[index, assignment]
            if row["state"] != "ambiguous":
                return False
            row.update(new)
        self.change.figures.append((key, value, amount, str(new["state"])))
        return True

    def finding(self, item: str, got: dict[str, int | float], other_sha: str, other_year: int) -> None:
        self.found.append({
            "code": SETTLED, "severity": "info",
            "message": f"t2.{item}: {', '.join(f'{c}={v}' for c, v in got.items())} settled by continuity with the "
                       f"{other_year} report {other_sha[:12]} of the same organ",
            "expression": "上一年项目数量(N) = 上一年项目数量(N−1) + 本年增/减(N−1); 现行有效(N) = 现行有效(N−1) + 制发(N) − 废止(N)",
            "expected": None, "actual": None, "expected_amount": None, "actual_amount": None,
            "cells": [f"t2.{item}.{c}" for c in got],
        })

    def apply(self) -> None:
        rec = self.rec
        if self.packed:
            rec["figures"] = {**rec["figures"], **self.cols}  # type: ignore[dict-item]
        if not self.found:
            return
        rep = rec["report"]
        findings = rec.get("findings") or []
        n = row_count(findings)
        new = [{"sha256": rep["sha256"], "finding_no": n + i, **f} for i, f in enumerate(self.found)]
        if isinstance(findings, dict):
            cols = as_columns("findings", findings)
            rec["findings"] = {c: [*vals, *(f.get(c) for f in new)] for c, vals in cols.items()}
        else:
            rec["findings"] = [*findings, *new]
        rep["n_findings"] = n + len(new)
        self.change.findings, self.change.n_findings = new, n + len(new)


def settle_all(records: Iterable[Record]) -> list[Record]:
    """The same on a finished list of records (e.g. from :func:`extract_record` in Spark/Ray)."""
    cy = CrossYear()
    passed = [rec for rec in records if not cy.observe(rec)]
    return passed + cy.flush()
