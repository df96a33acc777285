"""Ready-made SQL for the common questions (``ogi query DB NAME``), and DuckDB over any output format.

The named queries read ``canonical_reports`` (one document per ``report_key``: duplicates such as
a page and its PDF attachment are set aside, see ``docs/warehouse.md``); ``duplicates`` lists them.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractor.errors import UnknownOutput, WarehouseError, WarehouseMissing, WarehouseOutdated
from extractor.writers.duckdb_writer import connect
from extractor.writers.files import table_path, warehouse_base
from extractor.writers.schema import TABLE_NAMES, column_names
from extractor.writers.sql import raw_source, typed_source, view_sql

QUERIES: dict[str, str] = {
    "applications": """
-- applications received per organ and year (一、本年新收 + 二、上年结转, table 3 总计 column), canonical documents
SELECT r.report_key, r.organ, r.report_year,
       sum(f.value) FILTER (WHERE f.key = 't3.new_received.total') AS new_received,
       sum(f.value) FILTER (WHERE f.key = 't3.carried_over.total') AS carried_over,
       count(DISTINCT r.sha256) AS reports
FROM canonical_reports r JOIN figures f ON f.sha256 = r.sha256
WHERE r.status <> 'failed'
GROUP BY ALL
ORDER BY r.organ, r.report_year""",
    "withheld": """
-- share of decided applications withheld (（三）不予公开, rows 1-8) per organ and year
SELECT r.report_key, r.organ, r.report_year,
       sum(f.value) FILTER (WHERE starts_with(f.key, 't3.withheld_') AND ends_with(f.key, '.total')) AS withheld,
       sum(f.value) FILTER (WHERE f.key = 't3.results_total.total') AS decided,
       round(withheld / nullif(decided, 0), 4) AS share_withheld
FROM canonical_reports r JOIN figures f ON f.sha256 = r.sha256
WHERE r.status <> 'failed'
GROUP BY ALL
ORDER BY share_withheld DESC NULLS LAST""",
    "failing": """
-- organs whose cross-checks (勾稽关系) fail, with the identities that fail
SELECT r.report_key, r.organ, r.report_year, count(*) AS failed_checks,
       string_agg(DISTINCT x.code, ', ' ORDER BY x.code) AS codes, any_value(r.paths[1]) AS example
FROM findings x JOIN canonical_reports r ON r.sha256 = x.sha256
WHERE x.severity = 'error'
GROUP BY ALL
ORDER BY failed_checks DESC, r.organ""",
    "errors": """
-- documents that could not be extracted, by error code
SELECT error_code, count(*) AS documents, any_value(paths[1]) AS example, any_value(error_message) AS message
FROM canonical_reports
WHERE status = 'failed'
GROUP BY ALL
ORDER BY documents DESC""",
    "status": """
-- one line per status word (ok, findings, partial, failed)
SELECT status, count(*) AS documents, sum(n_figures) AS figures, sum(n_findings) AS findings
FROM canonical_reports GROUP BY ALL ORDER BY status""",
    "duplicates": """
-- report keys published more than once: the canonical document, the ones set aside, conflicts
SELECT c.report_key, c.sha256 AS canonical, c.reader, list(d.sha256 ORDER BY d.sha256) AS duplicates,
       list(d.reader ORDER BY d.sha256) AS duplicate_readers,
       (SELECT count(*) FROM findings x WHERE x.sha256 = c.sha256 AND x.code = 'dup.conflict') AS conflicts
FROM canonical_reports c JOIN reports d ON d.duplicate_of = c.sha256
GROUP BY ALL ORDER BY c.report_key""",
}
CANONICAL_QUERIES = frozenset(QUERIES) - {"duplicates"}
"""Named queries that set duplicates aside (``ogi query`` says how many)."""


def duplicates_set_aside(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT count(*) FROM reports WHERE duplicate_of IS NOT NULL").fetchone()
    return int(row[0]) if row else 0


def connect_any(out: str | Path, fmt: str | None = None) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection that sees ``reports``, ``figures``, ``findings``, ``sections`` and
    the views of any format, typed as in the DuckDB warehouse.

    DuckDB files are opened read-only; Parquet, CSV and JSON Lines outputs become views in an
    in-memory database. ``x.reports.parquet`` (a table file) is read as the warehouse ``x.parquet``.
    Raises ``no_warehouse``, ``warehouse_locked`` or ``old_warehouse`` (schema 1.x: ``ogi migrate``).
    """
    from extractor.writers import format_for

    p, named = warehouse_base(Path(out))
    if fmt is None and named is None and not p.exists() and not p.suffix:
        # `x` for the tables x.reports.parquet (…csv, …jsonl) beside it
        named = next((ext for ext in ("parquet", "csv", "jsonl") if table_path(p.with_name(f"{p.name}.{ext}"), ext,
                                                                              "reports").exists()), None)
        if named is not None:
            p = p.with_name(f"{p.name}.{named}")
    try:
        kind = format_for(p, fmt or named)
    except UnknownOutput as exc:
        raise WarehouseError(f"not a warehouse: give a .duckdb file or a Parquet, CSV or JSON Lines warehouse "
                             f"(x.parquet for x.reports.parquet …) ({exc.message})", source=str(p)) from exc
    if kind == "duckdb":
        return connect(p, read_only=True)
    reports = table_path(p, kind, "reports")
    if not reports.exists():
        raise WarehouseMissing(f"{p}: no such warehouse ({reports.name} not found)", source=str(p))
    con = duckdb.connect()
    try:
        for table in TABLE_NAMES:
            path = table_path(p, kind, table)
            if path.exists() and path.stat().st_size > 0:
                have = [str(r[0]) for r in con.execute(f"DESCRIBE SELECT * FROM {raw_source(path, kind)}").fetchall()]
                if have != column_names(table):
                    raise WarehouseOutdated(
                        f"{path} has an older layout (warehouse schema 1.x): upgrade it with `ogi migrate {p}`",
                        source=str(p))
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM {typed_source(con, path, kind, table)}")
        for sql in view_sql():
            con.execute(sql)
    except BaseException:
        con.close()
        raise
    return con
