"""Audit every canonical report of a warehouse: read it, run the checks, score, gather the trends.

Canonical reports only (``canonical_reports``: a report published twice — a page and its PDF —
is audited once; the duplicates set aside are counted). Last year's report of an organ is the
canonical report whose ``report_key`` is the same organ key with the previous year, the key
``ogi panel`` and ``ogi diff`` match organs on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.audit.checks import Subject, run_checks
from extractor.audit.deadlines import Rule, load_deadlines
from extractor.audit.models import AuditResult
from extractor.audit.rubric import score
from extractor.audit.trends import Trend, trend_of

if TYPE_CHECKING:
    import duckdb

_COLUMNS = ("sha256", "report_key", "organ", "report_year", "template", "published", "published_source", "status",
            "error_code", "n_sections", "paths", "title", "organ_in_title", "url", "reader", "page_count",
            "year_confirmed", "n_figures", "n_errors", "duplicate_of")


def plural(n: int, word: str) -> str:
    return f"{n:,} {word}{'' if n == 1 else 's'}"


@dataclass
class Audit:
    """The results of one audit run, plus what the page needs."""

    source: str
    results: list[AuditResult]
    duplicates: int = 0
    """Duplicate documents set aside (the same report published again)."""
    notes: list[str] = field(default_factory=list)
    trends: list[Trend] = field(default_factory=list)
    """One per organ with reports (by organ key), sorted by organ name."""

    @property
    def scored(self) -> list[AuditResult]:
        return [r for r in self.results if r.score is not None]

    def line(self) -> str:
        """The summary line (stderr)."""
        n = len(self.results)
        failed = sum(r.status == "failed" for r in self.results)
        parts = [f"ogi audit: {plural(n, 'report')}"]
        extra = []
        if self.duplicates:
            extra.append(f"{plural(self.duplicates, 'duplicate document')} set aside")
        if failed:
            extra.append(f"{failed:,} not extracted")
        if extra:
            parts[0] += f" ({'; '.join(extra)})"
        scores = [r.score for r in self.scored if r.score is not None]
        if scores:
            parts.append(f"mean score {sum(scores) / len(scores):.0f}")
        fails: dict[str, int] = {}
        for r in self.results:
            for c in r.checks:
                if c.status == "fail":
                    fails[c.code] = fails.get(c.code, 0) + 1
        if fails:
            worst = sorted(fails.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
            parts.append("most failed: " + ", ".join(f"{c} ({k:,})" for c, k in worst))
        return "; ".join(parts)


def _rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, Any]]:
    """Canonical report rows; a report whose canonical document prints no publication date takes the
    earliest date a duplicate of it has (the page beside its PDF), with ``published_from`` naming it."""
    cur = con.execute(f"SELECT {', '.join(_COLUMNS)} FROM canonical_reports "
                      "ORDER BY report_key NULLS LAST, report_year, sha256")
    cols = [d[0] for d in cur.description or ()]
    rows = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    dated = {str(r[0]): r[1:] for r in con.execute(
        "SELECT duplicate_of, min(published), arg_min(published_source, published), arg_min(sha256, published) "
        "FROM reports WHERE duplicate_of IS NOT NULL AND published IS NOT NULL GROUP BY duplicate_of").fetchall()}
    for r in rows:
        if r["published"] is None and str(r["sha256"]) in dated:
            r["published"], r["published_source"], r["published_from"] = dated[str(r["sha256"])]
    return rows


def audit_connection(con: duckdb.DuckDBPyConnection, *, rules: Sequence[Rule] = (), source: str = "") -> Audit:
    """Audit the warehouse behind ``con`` (see :func:`extractor.writers.queries.connect_any`)."""
    from extractor.diff.warehouse import load_reports
    from extractor.writers.queries import duplicates_set_aside

    rows = _rows(con)
    extracted = [str(r["sha256"]) for r in rows if r["status"] != "failed"]
    reports = load_reports(con, extracted)
    subjects = [Subject(row=r, report=reports.get(str(r["sha256"])), rules=tuple(rules)) for r in rows]
    by_key = {str(s.row["report_key"]): s for s in subjects if s.row["report_key"] and s.report is not None}
    for s in subjects:
        if s.organ_key and s.year is not None:
            s.previous = by_key.get(f"{s.organ_key}:{s.year - 1}")
    results = []
    for s in subjects:
        checks = run_checks(s)
        sc, points, possible = score(checks)
        r = s.row
        results.append(AuditResult(
            report_key=r["report_key"], organ=r["organ"], year=s.year, sha256=str(r["sha256"]),
            paths=list(r["paths"] or []), published=r["published"], published_source=r["published_source"],
            status=str(r["status"]), score=sc, points=points, possible=possible, checks=checks))
    audit = Audit(source=source, results=results, duplicates=duplicates_set_aside(con))
    unstored = sum(1 for s in subjects if s.report is not None and not s.sections_stored)
    if unstored:
        audit.notes.append(f"{plural(unstored, 'report')} without stored section texts (a warehouse migrated from schema 1.x): "
                           f"A-SECTIONS, A-RECTIFY, A-FEES and A-COPY are unknown for them until they are "
                           f"re-extracted (ogi batch INPUTS --out {source or 'WAREHOUSE'} --force)")
    nameless = sum(1 for s in subjects if s.row["report_key"] is None)
    if nameless:
        audit.notes.append(f"{plural(nameless, 'document')} without an organ or a year (not extracted, or neither was "
                           "found): listed, but not placed in the coverage matrix")
    organs: dict[str, dict[int, Subject]] = {}
    for s in subjects:
        if s.organ_key and s.year is not None and s.report is not None:
            organs.setdefault(s.organ_key, {})[s.year] = s
    for key, per_year in organs.items():
        latest = per_year[max(per_year)]
        assert latest.report is not None
        audit.trends.append(trend_of(str(latest.row["organ"] or key), key,
                                     {y: s.report for y, s in per_year.items() if s.report is not None}))
    audit.trends.sort(key=lambda t: (t.organ, t.key))
    return audit


def run_audit(path: str | Path, *, fmt: str | None = None, deadlines: str | Path | Sequence[Rule] | None = None) -> Audit:
    """Audit a warehouse (any format; ``fmt`` overrides the format read from its name).

    ``deadlines`` is a deadlines file (TOML/JSON) or rules already parsed. Raises the warehouse
    errors (``no_warehouse``, ``old_warehouse`` — run ``ogi migrate`` —, ``warehouse_locked``) and
    ``bad_config`` for a deadlines file that cannot be used.
    """
    from extractor.writers.queries import connect_any

    rules: Sequence[Rule] = ()
    if isinstance(deadlines, str | Path):
        rules = load_deadlines(deadlines)
    elif deadlines is not None:
        rules = deadlines
    con = connect_any(path, fmt)
    try:
        return audit_connection(con, rules=rules, source=str(path))
    finally:
        con.close()


def audit_warehouse(path: str | Path, *, fmt: str | None = None,
                    deadlines: str | Path | Sequence[Rule] | None = None) -> list[AuditResult]:
    """One :class:`AuditResult` per canonical report of the warehouse at ``path``.

    ::

        from extractor.audit import audit_warehouse
        results = audit_warehouse("reports.duckdb")
        [r.to_dict() for r in results]             # -> pandas.DataFrame(...) / json
        results[0].score, results[0].check("A-TIMELY").status
    """
    return run_audit(path, fmt=fmt, deadlines=deadlines).results
