"""The warehouse commands of ``ogi``: ``batch`` (fill one), ``query``, ``panel``, ``audit``, ``migrate``.

A warehouse is always the first positional argument of the commands that read one; its format
comes from its name (``x.duckdb``, ``x.parquet`` → ``x.reports.parquet`` …) or
``--warehouse-format``, never from ``--format`` (which is what the command prints).
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path
from typing import Any

import click

from extractor.cli_output import (
    EXIT_FINDINGS,
    chosen,
    csv_value,
    emit_json,
    format_option,
    handles_errors,
    note,
    plural,
    print_table,
    progress,
)
from extractor.errors import ConfigError, QueryError
from extractor.settings import DEFAULT_SETTINGS, Settings

WAREHOUSE_FORMATS = ["duckdb", "parquet", "csv", "jsonl"]


def _settings(max_bytes: int | None) -> Settings:
    return DEFAULT_SETTINGS if max_bytes is None else Settings(max_bytes=max_bytes)


def warehouse_format_option(fn: Any) -> Any:
    return click.option("--warehouse-format", type=click.Choice(WAREHOUSE_FORMATS), default=None,
                        help="the warehouse's format (default: from its name)")(fn)


@click.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "-o", default="reports.duckdb", show_default=True,
              help="warehouse: x.duckdb, x.parquet / x.csv / x.jsonl (one file per table), "
                   "or a folder with --warehouse-format")
@click.option("--warehouse-format", "fmt", type=click.Choice(WAREHOUSE_FORMATS), default=None,
              help="warehouse format (default: from the --out name; other names are refused)")
@click.option("--format", "old_fmt", type=click.Choice(WAREHOUSE_FORMATS), default=None, hidden=True,
              help="old spelling of --warehouse-format")
@click.option("--workers", "-j", type=int, default=None, help="worker processes (default: all cores)")
@click.option("--timeout", type=float, default=300.0, show_default=True,
              help="seconds per document (0: none); a scanned report takes seconds per page")
@click.option("--memory-mb", type=int, default=4096, show_default=True,
              help="address-space cap per worker (0: none); OCR maps ~1 GB of libraries before it reads a page")
@click.option("--force", is_flag=True, help="re-extract documents that are already stored")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask; default: a LocalCluster)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar, no summary")
@click.option("--commit-every", type=int, default=64, show_default=True, help="documents per transaction")
@click.option("--max-bytes", type=int, default=None,
              help=f"refuse inputs larger than this (default {DEFAULT_SETTINGS.max_bytes:,})")
@handles_errors
def batch_cmd(inputs: tuple[str, ...], out: str, fmt: str | None, old_fmt: str | None, workers: int | None,
              timeout: float, memory_mb: int, force: bool, engine: str, scheduler: str | None, quiet: bool,
              commit_every: int, max_bytes: int | None) -> None:
    """Extract files, folders (recursive), globs and zip archives into a warehouse (default reports.duckdb).

    Resumable: documents already stored (same sha256) are skipped, so rerun the same command after a
    crash. Inputs that do not exist and output names ogi does not write are refused (exit 2).
    Progress (on a terminal) and the summary line go to stderr. See docs/warehouse.md.
    """
    from extractor.batch import run_batch

    with progress("ogi batch", quiet=quiet) as bar:
        summary = run_batch(list(inputs), out, fmt=fmt or old_fmt, workers=workers, timeout=timeout or None,
                            memory_mb=memory_mb, force=force, engine=engine, scheduler=scheduler,
                            settings=_settings(max_bytes), commit_every=max(1, commit_every),
                            progress=lambda ev, n: bar(total=n) if ev == "total" else bar(advance=n))
    for s in summary.skipped:
        note(f"ogi: {s.path}: skipped: {s.reason}", quiet=quiet)
    note(summary.line(), quiet=quiet)


@click.command("query")
@click.argument("warehouse")
@click.argument("sql")
@warehouse_format_option
@format_option(["table", "csv", "json", "jsonl"], None,
               "table (default on a terminal), csv (default otherwise), json/jsonl: one object per row")
@click.option("--csv", "as_csv", is_flag=True, hidden=True, help="alias of --format csv")
@click.option("--quiet", "-q", is_flag=True, help="no note on stderr")
@handles_errors
def query_cmd(warehouse: str, sql: str, warehouse_format: str | None, fmt: str | None, as_json: bool,
              as_csv: bool, quiet: bool) -> None:
    """Run SQL (DuckDB dialect) on WAREHOUSE; SQL may be a named query: applications, withheld, failing,
    errors, status (canonical documents: duplicates set aside, and counted on stderr), duplicates.
    Tables: reports, figures, findings, sections; views: canonical_reports, report_figures."""
    import duckdb

    from extractor.writers.queries import CANONICAL_QUERIES, QUERIES, connect_any, duplicates_set_aside

    out_fmt = chosen("csv" if as_csv else fmt, as_json, "table" if sys.stdout.isatty() else "csv")
    con = connect_any(warehouse, warehouse_format)
    try:
        name = sql.strip()
        try:
            cur = con.execute(QUERIES.get(name, sql))
            cols = [d[0] for d in cur.description or ()]
            rows = cur.fetchall()
        except duckdb.Error as exc:
            raise QueryError(" ".join(str(exc).split()), source="query") from exc
        set_aside = duplicates_set_aside(con) if name in CANONICAL_QUERIES else 0
    finally:
        con.close()
    if out_fmt == "json":
        for row in rows:
            emit_json(dict(zip(cols, row, strict=True)))
    elif out_fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        w.writerows([csv_value(v) for v in row] for row in rows)
    else:
        print_table(cols, rows)
    if set_aside:
        note(f"ogi query: {plural(set_aside, 'duplicate document')} set aside (the same report published "
             f"again; `ogi query {warehouse} duplicates` lists them)", quiet=quiet)


def organ_names(aliases: str | None, office_equivalent: bool) -> Any:
    from extractor.diff.organs import OrganNames, load_aliases

    try:
        table = load_aliases(aliases) if aliases else None
    except ValueError as exc:
        raise ConfigError(str(exc).removeprefix(f"{aliases}: "), source=aliases) from exc
    return OrganNames.create(table, office_equivalent=office_equivalent)


@click.command("panel")
@click.argument("warehouse", required=False)
@click.option("--db", default=None, hidden=True, help="old spelling of the WAREHOUSE argument")
@warehouse_format_option
@click.option("--out", "-o", default="panel.csv", show_default=True, help="the panel's rows: .csv or .parquet")
@format_option(["table", "json", "jsonl"], "table",
               "stdout: table (one row per organ) or json/jsonl (one object per organ)")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None,
              help='organ alias file, JSON or TOML: {"aliases": {"平潭县人民政府": "平潭综合实验区"}}')
@click.option("--office-equivalent", is_flag=True, help="match X人民政府办公室 with X人民政府")
@click.option("--charts", "charts_dir", type=click.Path(file_okay=False), default=None,
              help="also write each organ's trend chart (SVG, organs with two or more years) into this folder "
                   '(needs the charts extra: pip install "ogi-extractor[charts]")')
@click.option("--quiet", "-q", is_flag=True, help="no summary table, no notes")
@handles_errors
def panel_cmd(warehouse: str | None, db: str | None, warehouse_format: str | None, out: str, fmt: str,
              as_json: bool, aliases: str | None, office_equivalent: bool, charts_dir: str | None, quiet: bool) -> None:
    """Every organ of WAREHOUSE with its years side by side and every cross-year check (CSV/Parquet);
    canonical documents only (duplicates set aside). Organs with a missing year are listed. Exit 1
    when an error-level cross-year check fails."""
    from extractor.diff.panel import build_panel
    from extractor.diff.warehouse import connect

    source = warehouse or db
    if source is None:
        raise click.UsageError("give the WAREHOUSE to read")
    fmt = chosen(fmt, as_json, "table")
    organs = organ_names(aliases, office_equivalent)
    if charts_dir is not None:
        from extractor.audit.charts import _require

        _require()  # refuse before any work when the extra is missing
    con = connect(source, warehouse_format)
    try:
        panel = build_panel(con, organs)
    finally:
        con.close()
    try:
        panel.write(out)
    except OSError as exc:
        click.echo(f"ogi: panel: {out}: {exc.strerror or exc}", err=True)
        sys.exit(2)
    failed = sum(o.failed_checks for o in panel.organs)
    if fmt == "json":
        for o in panel.organs:
            checks = [c for d in o.diffs for c in d.checks if c.status != "skipped"]
            emit_json({"organ": o.name, "names": o.names, "years": sorted(o.reports),
                       "documents": {y: r.meta.sha256 for y, r in sorted(o.reports.items())},
                       "checks_ok": sum(c.status == "ok" for c in checks), "checks_failed": o.failed_checks,
                       "missing_years": o.missing})
    elif not quiet:
        rows = []
        for o in panel.organs:
            checks = [c for d in o.diffs for c in d.checks if c.status != "skipped"]
            rows.append([o.name, ", ".join(map(str, sorted(o.reports))), "; ".join(o.names) if len(o.names) > 1 else "",
                         sum(c.status == "ok" for c in checks), o.failed_checks, ", ".join(map(str, o.missing))])
        print_table(["organ", "years", "names", "checks ok", "failed", "missing years"], rows, title="ogi panel")
    for n in panel.notes:
        note(f"note: {n}", quiet=quiet)
    missing = [o for o in panel.organs if o.missing]
    if missing:
        note("organs with a missing year: " + "; ".join(f"{o.name} ({', '.join(map(str, o.missing))})"
                                                        for o in missing), quiet=quiet)
    if charts_dir is not None:
        from extractor.audit.charts import write_trend_charts
        from extractor.audit.trends import trend_of

        trends = [trend_of(o.name, o.name, o.reports) for o in panel.organs]
        written = write_trend_charts(trends, charts_dir)
        note(f"ogi panel: {plural(len(written), 'trend chart')} → {charts_dir} (organs with one year only: "
             f"{sum(1 for t in trends if len(t.reported_years) < 2):,})", quiet=quiet)
    pairs = sum(len(o.diffs) for o in panel.organs)
    note(f"ogi panel: {plural(len(panel.organs), 'organ')}, {plural(sum(len(o.reports) for o in panel.organs), 'report')}, "
         f"{plural(pairs, 'consecutive-year pair')}, {plural(failed, 'failed cross-year check')} → {out}", quiet=quiet)
    sys.exit(EXIT_FINDINGS if any(o.failed_errors for o in panel.organs) else 0)


def _audit_help() -> str:
    from extractor.audit.rubric import rubric_text

    return f"""Score every canonical report of WAREHOUSE for compliance (duplicates set aside): one result per
report with its checks, each pass, fail, unknown (the facts are not in the document) or na (does not
apply), and a score of 0-100.

\b
Rubric (weights; score = 100 x weight passed / weight decided, pass or fail):
{rubric_text()}

\b
--format table (default): one row per report, a mark per check (✓ pass, ✗ fail, ? unknown, – n/a);
json/jsonl: one object per report (report_key, organ, year, paths, published, score, checks, …);
csv: one row per report and check.

--html FILE writes the overview page (coverage, scores, checks, trend charts, every report; charts
need the charts extra). --deadlines FILE (TOML or JSON) overrides the publication deadlines per
organ pattern: [[deadlines]] organ = "*局" deadline = "01-31" years = "2019-". See README, "Audit".
"""


AUDIT_COLUMNS = ("report_key", "organ", "year", "sha256", "status", "published", "published_source", "score", "points",
                 "possible", "code", "check_status", "detail", "cells")


class _AuditCommand(click.Command):
    """The audit's help shows the rubric, which lives with the audit code: built when help is asked for."""

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        if self.help is None:
            self.help = _audit_help()
        super().format_help_text(ctx, formatter)


@click.command("audit", cls=_AuditCommand, short_help="a compliance scorecard per report, and an overview page")
@click.argument("warehouse")
@warehouse_format_option
@format_option(["table", "json", "jsonl", "csv"], "table",
               "table: a row per report; json/jsonl: one object per report; csv: one row per report and check")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="write the self-contained overview page to this file")
@click.option("--deadlines", default=None, metavar="FILE",
              help="publication deadlines per organ pattern (TOML or JSON), overriding the regulation's")
@click.option("--quiet", "-q", is_flag=True, help="no notes or summary on stderr")
@handles_errors
def audit_cmd(warehouse: str, warehouse_format: str | None, fmt: str, as_json: bool, html_out: str | None,
              deadlines: str | None, quiet: bool) -> None:
    from extractor.audit.rubric import RUBRIC
    from extractor.audit.run import run_audit

    fmt = chosen(fmt, as_json, "table")
    audit = run_audit(warehouse, fmt=warehouse_format, deadlines=deadlines)
    if fmt == "json":
        for r in audit.results:
            emit_json(r.to_dict())
    elif fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(AUDIT_COLUMNS)
        for r in audit.results:
            for c in r.checks:
                w.writerow([csv_value(v) for v in (r.report_key, r.organ, r.year, r.sha256, r.status, r.published,
                                                   r.published_source, r.score, r.points, r.possible, c.code,
                                                   c.status, c.detail, c.cells)])
    else:
        marks = {"pass": "✓", "fail": "✗", "unknown": "?", "na": "–"}
        rows = [[r.organ or (r.paths[0] if r.paths else r.sha256[:12]), r.year, r.status, r.published,
                 r.score, *(marks[c.status] for c in r.checks)] for r in audit.results]
        print_table(["organ", "year", "status", "published", "score", *(c.code[2:] for c in RUBRIC)], rows)
    if html_out:
        from extractor.audit.charts import available
        from extractor.audit.page import write_page

        try:
            write_page(audit, html_out)
        except OSError as exc:
            click.echo(f"ogi: audit: {html_out}: {exc.strerror or exc}", err=True)
            sys.exit(2)
        if not available():
            note('note: the page has no charts: pip install "ogi-extractor[charts]" (matplotlib)', quiet=quiet)
    for n in audit.notes:
        note(f"note: {n}", quiet=quiet)
    note(audit.line() + (f" → {html_out}" if html_out else ""), quiet=quiet)


@click.command("migrate")
@click.argument("warehouse")
@warehouse_format_option
@click.option("--quiet", "-q", is_flag=True, help="no summary line")
@handles_errors
def migrate_cmd(warehouse: str, warehouse_format: str | None, quiet: bool) -> None:
    """Upgrade WAREHOUSE written by an older ogi to the current schema in place (exact types, keys,
    report keys and duplicates). Section texts and publication-date sources were not stored before
    schema 2.0: re-extract with `ogi batch INPUTS --out WAREHOUSE --force` for `ogi audit`."""
    from extractor.batch.migrate import migrate

    result = migrate(Path(warehouse), warehouse_format)
    note(result.line(), quiet=quiet)
