"""The figures researchers watch, per organ and year — what the trend charts draw.

| series | from |
|---|---|
| ``received`` | 一、本年新收政府信息公开申请数量, 总计 (``t3.new_received.total``) |
| ``granted_share`` | （一）予以公开 + （二）部分公开, as a share of （七）总计 (decided applications) |
| ``withheld`` | （三）不予公开, the sum of its eight rows' 总计 |
| ``reviews`` | 行政复议 总计 (``t4.review.total``) |
| ``suits`` | 行政诉讼: 未经复议直接起诉 + 复议后起诉, 总计 |

A year without a report, or a report without the cells, is ``None`` (a gap in the chart, never 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractor.records.models import Number, Report
from extractor.template import T3_ROWS_2021

if TYPE_CHECKING:
    import duckdb

SERIES: dict[str, str] = {
    "received": "applications received",
    "granted_share": "granted + partly granted, % of decided",
    "withheld": "withheld (不予公开)",
    "reviews": "administrative reviews",
    "suits": "lawsuits",
}
_WITHHELD = tuple(f"t3.{r}.total" for r in T3_ROWS_2021 if r.startswith("withheld_"))


@dataclass
class Trend:
    organ: str
    """The organ's latest printed name."""
    key: str
    """The organ key (report keys are ``key:year``)."""
    years: list[int] = field(default_factory=list)
    """Every year from the first to the last report (gaps included)."""
    values: dict[str, list[float | None]] = field(default_factory=dict)

    @property
    def reported_years(self) -> list[int]:
        return [y for i, y in enumerate(self.years) if any(v[i] is not None for v in self.values.values())]


def _sum(flat: Mapping[str, Number], keys: tuple[str, ...]) -> float | None:
    vals = [flat[k] for k in keys if k in flat]
    return float(sum(vals)) if vals else None


def year_values(report: Report) -> dict[str, float | None]:
    flat = report.flat()
    decided = flat.get("t3.results_total.total")
    granted = _sum(flat, ("t3.granted.total", "t3.partial.total"))
    share = 100.0 * granted / decided if granted is not None and decided else None
    return {
        "received": _sum(flat, ("t3.new_received.total",)),
        "granted_share": share,
        "withheld": _sum(flat, _WITHHELD),
        "reviews": _sum(flat, ("t4.review.total",)),
        "suits": _sum(flat, ("t4.lit_direct.total", "t4.lit_after_review.total"))
        if {"t4.lit_direct.total", "t4.lit_after_review.total"} & flat.keys() else None,
    }


def trend_of(organ: str, key: str, reports: Mapping[int, Report]) -> Trend:
    """The series of one organ's reports (``{year: report}``)."""
    t = Trend(organ=organ, key=key)
    if not reports:
        return t
    t.years = list(range(min(reports), max(reports) + 1))
    per_year = {y: year_values(r) for y, r in reports.items()}
    for name in SERIES:
        t.values[name] = [per_year[y][name] if y in per_year else None for y in t.years]
    return t


def warehouse_trend(con: duckdb.DuckDBPyConnection, sha256: str) -> Trend | None:
    """The trend of the organ of document ``sha256``: every canonical report with the same organ key
    (``report_key`` = key:year). None when the document has no key (no organ or year, or failed)."""
    from extractor.diff.warehouse import load_reports

    row = con.execute("SELECT report_key FROM reports WHERE sha256 = ?", [sha256]).fetchone()
    if not row or not row[0]:
        return None
    key = str(row[0]).rsplit(":", 1)[0]
    found = con.execute("SELECT sha256, report_year, organ FROM canonical_reports WHERE status <> 'failed' AND "
                        "report_year IS NOT NULL AND report_key = ? || ':' || report_year::VARCHAR "
                        "ORDER BY report_year", [key]).fetchall()
    reports = load_reports(con, [str(r[0]) for r in found], with_findings=False, with_sections=False)
    by_year = {int(r[1]): reports[str(r[0])] for r in found if str(r[0]) in reports}
    return trend_of(str(found[-1][2] or key) if found else key, key, by_year)
