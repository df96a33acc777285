"""Ready-made SQL for the common questions (``ogi query DB NAME``), and DuckDB over any output format."""

from __future__ import annotations

from pathlib import Path

import duckdb

from extractor.writers.duckdb_writer import wide_view_sql
from extractor.writers.files import table_path
from extractor.writers.schema import TABLE_NAMES, TABLES

QUERIES: dict[str, str] = {
    "applications": """
-- applications received per organ and year (一、本年新收 + 二、上年结转, table 3 总计 column)
SELECT r.organ, r.report_year,
       sum(f.value) FILTER (WHERE f.key = 't3.new_received.total') AS new_received,
       sum(f.value) FILTER (WHERE f.key = 't3.carried_over.total') AS carried_over,
       count(DISTINCT r.sha256) AS reports
FROM reports r JOIN figures f ON f.sha256 = r.sha256
WHERE r.status <> 'failed'
GROUP BY ALL
ORDER BY r.organ, r.report_year""",
    "withheld": """
-- share of decided applications withheld (（三）不予公开, rows 1-8) per organ and year
SELECT r.organ, r.report_year,
       sum(f.value) FILTER (WHERE starts_with(f.key, 't3.withheld_') AND ends_with(f.key, '.total')) AS withheld,
       sum(f.value) FILTER (WHERE f.key = 't3.results_total.total') AS decided,
       round(withheld / nullif(decided, 0), 4) AS share_withheld
FROM reports r JOIN figures f ON f.sha256 = r.sha256
WHERE r.status <> 'failed'
GROUP BY ALL
ORDER BY share_withheld DESC NULLS LAST""",
    "failing": """
-- organs whose cross-checks (勾稽关系) fail, with the identities that fail
SELECT r.organ, r.report_year, count(*) AS failed_checks,
       string_agg(DISTINCT x.code, ', ' ORDER BY x.code) AS codes, any_value(r.paths[1]) AS example
FROM findings x JOIN reports r ON r.sha256 = x.sha256
WHERE x.severity = 'error'
GROUP BY ALL
ORDER BY failed_checks DESC, r.organ""",
    "errors": """
-- documents that could not be extracted, by error code
SELECT error_code, count(*) AS documents, any_value(paths[1]) AS example, any_value(error_message) AS message
FROM reports
WHERE status = 'failed'
GROUP BY ALL
ORDER BY documents DESC""",
    "status": """
-- one line per status
SELECT status, count(*) AS documents, sum(n_figures) AS figures, sum(n_findings) AS findings
FROM reports GROUP BY ALL ORDER BY status""",
}


def connect_any(out: str | Path, fmt: str) -> duckdb.DuckDBPyConnection:
    """A read-only DuckDB connection that sees ``reports``, ``figures`` and ``findings`` of any format.

    DuckDB files are opened read-only; Parquet, CSV and JSON Lines outputs become views in an
    in-memory database (with ``report_figures`` too).
    """
    out = Path(out)
    if fmt == "duckdb":
        return duckdb.connect(str(out), read_only=True)
    con = duckdb.connect()
    for table in TABLE_NAMES:
        path = str(table_path(out, fmt, table)).replace("'", "''")
        if fmt == "parquet":
            src = f"read_parquet('{path}')"
        elif fmt == "csv":
            src = f"read_csv('{path}', header = true)"
        else:
            src = f"read_json('{path}', format = 'newline_delimited')"
        lists = [n for n, t in TABLES[table] if t == "VARCHAR[]"] if fmt == "csv" else []
        casts = ", ".join(f"""from_json({n}, '["VARCHAR"]') AS {n}""" for n in lists)
        replace = f" REPLACE ({casts})" if casts else ""
        con.execute(f"CREATE VIEW {table} AS SELECT *{replace} FROM {src}")
    con.execute(wide_view_sql())
    return con
