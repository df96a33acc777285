"""``ogi panel``: every organ of a warehouse with its years side by side and every cross-year check.

Organs are grouped with the normalisation of :mod:`extractor.diff.organs` (so ``洪泽区人民政府`` 2023
and ``淮安市洪泽区人民政府`` 2024 are one organ), plus an optional alias file. For each organ and
each pair of consecutive years, :func:`extractor.diff.diff_reports` runs on the reports rebuilt
from the warehouse (figures only: the warehouse stores no section texts).

The output (CSV or Parquet) has one row per organ and flat key or check, with one column per year:

| column | meaning |
|---|---|
| organ | the organ's latest name |
| names | every printed name with its years (``洪泽区人民政府 (2023); 淮安市洪泽区人民政府 (2024)``) |
| row_type | ``figure``, ``check``, ``mapping`` (T3-7), ``gap`` (years not consecutive), ``missing_years`` |
| key | flat key, or ``T3-4[total]`` for a check |
| label | readable label, or the identity |
| ``2019`` … | figure value; for a check 1 (holds) / 0 (fails) in the later year's column, empty when skipped |
| detail | failures, notes, missing years |
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import pairwise
from pathlib import Path
from typing import Any

import duckdb

from extractor.diff.compare import diff_reports
from extractor.diff.keys import key_label, sort_key
from extractor.diff.models import ReportDiff
from extractor.diff.organs import OrganNames, group_organs
from extractor.diff.warehouse import load_reports, report_rows
from extractor.records.models import Report, Severity

FIXED_COLUMNS = ("organ", "names", "row_type", "key", "label")


@dataclass
class OrganPanel:
    name: str
    names: dict[str, list[int]]
    reports: dict[int, Report] = field(default_factory=dict)
    duplicates: dict[int, list[str]] = field(default_factory=dict)
    missing: list[int] = field(default_factory=list)
    diffs: list[ReportDiff] = field(default_factory=list)
    gaps: list[tuple[int, int]] = field(default_factory=list)

    @property
    def failed_checks(self) -> int:
        return sum(1 for d in self.diffs for c in d.checks if c.status == "failed")

    @property
    def failed_errors(self) -> int:
        return sum(1 for d in self.diffs for f in d.findings if f.severity is Severity.ERROR)


@dataclass
class Panel:
    years: list[int]
    organs: list[OrganPanel]
    notes: list[str] = field(default_factory=list)

    def rows(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        ycols = [str(y) for y in self.years]
        for org in self.organs:
            names = "; ".join(f"{n} ({', '.join(map(str, ys))})" for n, ys in org.names.items())

            def row(row_type: str, key: str, label: str, values: dict[int, float | None], detail: str = "",
                    org: OrganPanel = org, names: str = names) -> None:
                r: dict[str, Any] = {"organ": org.name, "names": names, "row_type": row_type, "key": key, "label": label}
                r.update({c: None for c in ycols})
                r.update({str(y): v for y, v in values.items()})
                r["detail"] = detail
                out.append(r)

            flats = {y: rep.flat() for y, rep in org.reports.items()}
            for key in sorted({k for f in flats.values() for k in f}, key=sort_key):
                row("figure", key, key_label(key), {y: float(f[key]) for y, f in flats.items() if key in f})
            checks: dict[str, tuple[str, dict[int, float | None], list[str]]] = {}
            for d in org.diffs:
                yn = d.new.report_year
                assert yn is not None
                for c in d.checks:
                    label = c.expression.replace(f"({yn})", "(N)").replace(f"({d.old.report_year})", "(N−1)")
                    _, values, details = checks.setdefault(f"{c.code}[{c.subject}]", (label, {}, []))
                    values[yn] = None if c.status == "skipped" else float(c.status == "ok")
                    if c.status != "ok":
                        details.append(f"{d.old.report_year}→{yn}: " + (c.note or f"{c.actual} ≠ {c.expected}"))
            for key, (label, values, details) in checks.items():
                row("check", key, label, values, "; ".join(details))
            for d in org.diffs:
                yn = d.new.report_year
                for f in d.findings:
                    if f.code == "T3-7":
                        row("mapping", "T3-7", f.expression or "", {}, f"{d.old.report_year}→{yn}: {f.message}")
                if not d.organ.matched or d.organ.how not in ("identical",):
                    row("organ", "organ", "name match", {}, f"{d.old.report_year}→{yn}: {d.organ.explanation}")
            for a, b in org.gaps:
                row("gap", "years", "not consecutive", {}, f"{a} → {b}: not consecutive, no cross-year checks")
            for y, shas in org.duplicates.items():
                row("duplicate", "report", "several reports for one year", {},
                    f"{y}: used {shas[0][:12]}, also {', '.join(s[:12] for s in shas[1:])}")
            if org.missing:
                row("missing_years", "years", "missing years", {}, ", ".join(map(str, org.missing)))
        return out

    def columns(self) -> list[str]:
        return [*FIXED_COLUMNS, *(str(y) for y in self.years), "detail"]

    def write(self, out: str | Path) -> Path:
        path = Path(out)
        rows = self.rows()
        cols = self.columns()
        if path.suffix.lower() in (".parquet", ".pq"):
            from extractor.writers.sql import ident, lit

            types = {c: "DECIMAL(18,4)" if c.isdigit() else "VARCHAR" for c in cols}
            con = duckdb.connect()
            try:
                con.execute(f"CREATE TABLE panel ({', '.join(f'{ident(c)} {t}' for c, t in types.items())})")
                if rows:
                    con.execute(f"INSERT INTO panel SELECT {', '.join(f'unnest(?::{t}[])' for t in types.values())}",
                                [[_decimal(r.get(c)) if c.isdigit() else r.get(c) for r in rows] for c in cols])
                con.execute(f"COPY panel TO {lit(str(path))} (FORMAT parquet, COMPRESSION zstd)")
            finally:
                con.close()
            return path
        with path.open("w", newline="", encoding="utf-8") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            for r in rows:
                w.writerow({k: ("" if v is None else _csv(v)) for k, v in r.items()})
        return path


def _decimal(v: Any) -> Decimal | None:
    return None if v is None else Decimal(str(v))


def _csv(v: Any) -> Any:
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def build_panel(con: duckdb.DuckDBPyConnection, organs: OrganNames | None = None) -> Panel:
    """Group the warehouse's reports by organ and diff every pair of consecutive years."""
    from extractor.writers.queries import duplicates_set_aside

    organs = organs or OrganNames.create()
    rows = report_rows(con)  # canonical documents: a report published twice (page and PDF) counts once
    usable = [r for r in rows if r["organ"] and r["report_year"] is not None]
    notes = []
    set_aside = duplicates_set_aside(con)
    if set_aside:
        notes.append(f"{set_aside} duplicate document{'s' if set_aside != 1 else ''} set aside "
                     "(the same report published twice; reports.duplicate_of)")
    if len(usable) < len(rows):
        notes.append(f"{len(rows) - len(usable)} reports without an organ or a year were left out")
    group_of, ambiguous = group_organs((str(r["organ"]) for r in usable), organs)
    notes += [f"ambiguous name: {why}" for why in ambiguous.values()]
    by_group: dict[str, list[dict[str, Any]]] = {}
    for r in usable:
        by_group.setdefault(group_of[str(r["organ"])], []).append(r)
    all_years = sorted({int(r["report_year"]) for r in usable})
    chosen: dict[str, dict[int, list[dict[str, Any]]]] = {}
    for g, rs in by_group.items():
        per_year: dict[int, list[dict[str, Any]]] = {}
        for r in rs:
            per_year.setdefault(int(r["report_year"]), []).append(r)
        for y in per_year:
            per_year[y].sort(key=lambda r: (r["status"] != "ok", -(r["n_figures"] or 0), str(r["sha256"])))
        chosen[g] = per_year
    reports = load_reports(con, [str(rs[0]["sha256"]) for per in chosen.values() for rs in per.values()],
                           with_findings=False)
    panel = Panel(years=all_years, organs=[], notes=notes)
    for _g, per_year in sorted(chosen.items(), key=lambda kv: kv[0]):
        years = sorted(per_year)
        names: dict[str, list[int]] = {}
        for y in years:
            for r in per_year[y]:
                ys = names.setdefault(str(r["organ"]), [])
                if y not in ys:
                    ys.append(y)
        org = OrganPanel(name=str(per_year[years[-1]][0]["organ"]), names=names)
        for y in years:
            org.reports[y] = reports[str(per_year[y][0]["sha256"])]
            if len(per_year[y]) > 1:
                org.duplicates[y] = [str(r["sha256"]) for r in per_year[y]]
        org.missing = [y for y in range(all_years[0], all_years[-1] + 1) if y not in per_year] if all_years else []
        for a, b in pairwise(years):
            if b - a != 1:
                org.gaps.append((a, b))
                continue
            org.diffs.append(diff_reports(org.reports[a], org.reports[b], organs=organs, text=False))
        panel.organs.append(org)
    panel.organs.sort(key=lambda o: o.name)
    return panel
