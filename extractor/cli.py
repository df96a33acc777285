"""``ogi``: a thin command line over the Python API.

Library errors become one line, ``ogi: FILE: <code>: <message>``, and exit code 2; no traceback
reaches the user. ``-`` reads standard input.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from extractor.errors import OgiError
from extractor.pipeline import ExtractionResult, extract
from extractor.records.models import Report, Severity
from extractor.settings import DEFAULT_SETTINGS, Settings

EXIT_FINDINGS = 1
EXIT_ERROR = 2


def _settings(max_bytes: int | None) -> Settings:
    if max_bytes is None:
        return DEFAULT_SETTINGS
    return Settings(max_bytes=max_bytes)


def _results(files: tuple[str, ...], settings: Settings) -> Iterator[ExtractionResult]:
    for f in files:
        if f == "-":
            data = sys.stdin.buffer.read(settings.max_bytes + 1)
            yield extract(data, name="<stdin>", settings=settings)
        else:
            yield extract(Path(f), name=f, settings=settings)


def _fail(result: ExtractionResult) -> None:
    assert result.error is not None
    err = result.error
    click.echo(f"ogi: {result.source}: {err.code}: {' '.join(err.message.split())}", err=True)


def _dump(obj: Any, indent: int | None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=str)


CSV_COLUMNS = ("source", "key", "value", "state", "raw", "unit", "inferred", "page", "table", "row", "col", "line")


def _csv_rows(source: str, report: Report) -> Iterator[list[Any]]:
    for f in report.figures():
        r = f.ref
        yield [source, f.key, f.flat_value, f.state.value, f.raw, f.unit, f.inferred, r.page, r.table, r.row, r.col, r.line]


max_bytes_option = click.option(
    "--max-bytes",
    type=int,
    default=None,
    help=f"refuse inputs larger than this (default {DEFAULT_SETTINGS.max_bytes:,})",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ogi-extractor", prog_name="ogi")
def main() -> None:
    """Extract typed, checked figures from 政府信息公开工作年度报告 (annual reports on open government information)."""


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--flat", "flat", is_flag=True, help="print flat keys → numbers (same as --format flat)")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["json", "flat", "csv"]),
    default=None,
    help="json: the full record; flat: flat keys → numbers; csv: one row per figure",
)
@click.option("--indent", type=int, default=None, help="indent JSON (default: 2 for one file, none for JSON Lines)")
@max_bytes_option
def extract_cmd(files: tuple[str, ...], flat: bool, fmt: str | None, indent: int | None, max_bytes: int | None) -> None:
    """Extract FILE(s) (text, HTML, PDF, DOCX, DOC; '-' for stdin). Several files print JSON Lines."""
    fmt = fmt or ("flat" if flat else "json")
    settings = _settings(max_bytes)
    failed = False
    many = len(files) > 1
    ind = indent if indent is not None else (None if many else 2)
    writer = csv.writer(sys.stdout, lineterminator="\n") if fmt == "csv" else None
    if writer is not None:
        writer.writerow(CSV_COLUMNS)
    for result in _results(files, settings):
        if result.report is None:
            failed = True
            _fail(result)
            continue
        if writer is not None:
            writer.writerows(_csv_rows(result.source, result.report))
        elif fmt == "flat":
            payload: Any = result.report.flat()
            if many:
                payload = {"source": result.source, "figures": payload}
            click.echo(_dump(payload, ind))
        else:
            click.echo(_dump(result.report.to_dict(), ind))
    sys.exit(EXIT_ERROR if failed else 0)


@main.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--all", "show_all", is_flag=True, help="also list info-level findings (e.g. how digits were split)")
@click.option("--json", "as_json", is_flag=True, help="print findings as JSON Lines")
@max_bytes_option
def check_cmd(files: tuple[str, ...], show_all: bool, as_json: bool, max_bytes: int | None) -> None:
    """Run the cross-checks (勾稽关系) and list what fails; exit 1 when an error-level check fails."""
    settings = _settings(max_bytes)
    worst = 0
    for result in _results(files, settings):
        if result.report is None:
            _fail(result)
            worst = EXIT_ERROR
            continue
        shown = [f for f in result.findings if show_all or f.severity is not Severity.INFO]
        if any(f.severity is Severity.ERROR for f in result.findings):
            worst = max(worst, EXIT_FINDINGS)
        if as_json:
            for f in shown:
                click.echo(_dump({"source": result.source, **f.model_dump(mode="json")}, None))
            continue
        meta = result.report.meta
        click.echo(f"{result.source}: {meta.organ or '?'} {meta.report_year or '?'} (template {meta.template}) — "
                   f"{len(result.report.flat())} figures, {len(shown)} findings")
        for f in shown:
            where = "; ".join(r.describe() for r in f.refs[:3])
            click.echo(f"  [{f.severity.value}] {f.code}: {f.message}")
            if f.cells:
                click.echo(f"      cells: {', '.join(f.cells[:12])}{' …' if len(f.cells) > 12 else ''}")
            if where:
                click.echo(f"      at: {where}")
    sys.exit(worst)


@main.command("schema")
@click.option("--indent", type=int, default=2)
def schema_cmd(indent: int) -> None:
    """Print the JSON Schema of the report record."""
    from extractor.records.schema import report_schema

    click.echo(_dump(report_schema(), indent))


@main.command("batch")
@click.argument("inputs", nargs=-1, required=True)
@click.option("--out", "-o", default="reports.duckdb", show_default=True,
              help="warehouse: x.duckdb, x.parquet / x.csv / x.jsonl (one file per table), or a folder with --format")
@click.option("--format", "fmt", type=click.Choice(["duckdb", "parquet", "csv", "jsonl"]), default=None,
              help="output format (default: from the --out extension, else duckdb)")
@click.option("--workers", "-j", type=int, default=None, help="worker processes (default: all cores)")
@click.option("--timeout", type=float, default=120.0, show_default=True, help="seconds per document (0: none)")
@click.option("--memory-mb", type=int, default=2048, show_default=True, help="address-space cap per worker (0: none)")
@click.option("--force", is_flag=True, help="re-extract documents that are already stored")
@click.option("--engine", type=click.Choice(["local", "dask"]), default="local", show_default=True)
@click.option("--scheduler", default=None, help="Dask scheduler address (with --engine dask; default: a LocalCluster)")
@click.option("--quiet", "-q", is_flag=True, help="no progress bar, no summary")
@click.option("--commit-every", type=int, default=64, show_default=True, help="documents per transaction")
@max_bytes_option
def batch_cmd(inputs: tuple[str, ...], out: str, fmt: str | None, workers: int | None, timeout: float,
              memory_mb: int, force: bool, engine: str, scheduler: str | None, quiet: bool, commit_every: int,
              max_bytes: int | None) -> None:
    """Extract files, folders (recursive), globs and zip archives into a warehouse (default reports.duckdb).

    Resumable: documents already stored (same sha256) are skipped, so rerun the same command after a
    crash. See docs/warehouse.md for the tables and SQL examples.
    """
    from extractor.batch import run_batch

    settings = _settings(max_bytes)
    bar: Any = None
    task: Any = None
    if not quiet and sys.stderr.isatty():
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        bar = Progress(TextColumn("ogi batch"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                       transient=True)

    def hook(event: str, n: int) -> None:
        nonlocal task
        if bar is None:
            return
        if event == "total":
            bar.start()
            task = bar.add_task("extract", total=n)
        elif task is not None:
            bar.advance(task, n)

    try:
        summary = run_batch(list(inputs), out, fmt=fmt, workers=workers, timeout=timeout or None,
                            memory_mb=memory_mb, force=force, engine=engine, scheduler=scheduler,
                            settings=settings, progress=hook, commit_every=max(1, commit_every))
    finally:
        if bar is not None:
            bar.stop()
    if not quiet:
        for s in summary.skipped:
            click.echo(f"ogi: {s.path}: skipped: {s.reason}", err=True)
        click.echo(summary.line())


@main.command("query")
@click.argument("warehouse")
@click.argument("sql")
@click.option("--format", "fmt", type=click.Choice(["duckdb", "parquet", "csv", "jsonl"]), default=None,
              help="warehouse format (default: from the extension)")
@click.option("--csv", "as_csv", is_flag=True, help="print CSV instead of a table")
def query_cmd(warehouse: str, sql: str, fmt: str | None, as_csv: bool) -> None:
    """Run SQL (DuckDB dialect) on a warehouse; SQL may be a named query: applications, withheld, failing,
    errors, status. Tables: reports, figures, findings, report_figures."""
    import duckdb

    from extractor.writers import format_for
    from extractor.writers.queries import QUERIES, connect_any

    con = connect_any(warehouse, format_for(warehouse, fmt))
    try:
        cur = con.execute(QUERIES.get(sql.strip(), sql))
    except duckdb.Error as exc:
        click.echo(f"ogi: query: {' '.join(str(exc).split())}", err=True)
        sys.exit(EXIT_ERROR)
    cols = [d[0] for d in cur.description or ()]
    rows = cur.fetchall()
    if as_csv or not sys.stdout.isatty():
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(cols)
        w.writerows(rows)
        return
    from rich.console import Console
    from rich.table import Table as RichTable

    table = RichTable(*cols)
    for row in rows:
        table.add_row(*("" if v is None else str(v) for v in row))
    Console().print(table)


def _organ_names(aliases: str | None, office_equivalent: bool) -> Any:
    from extractor.diff.organs import OrganNames, load_aliases

    try:
        table = load_aliases(aliases) if aliases else None
    except ValueError as exc:
        click.echo(f"ogi: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    return OrganNames.create(table, office_equivalent=office_equivalent)


def _rich_console() -> Any:
    from rich.console import Console

    return Console(file=sys.stdout, width=None if sys.stdout.isatty() else 160)


@main.command("diff")
@click.argument("old")
@click.argument("new")
@click.option("--db", default=None, metavar="WAREHOUSE",
              help="read OLD and NEW from a warehouse (ogi batch): sha256 prefixes or ORGAN:YEAR")
@click.option("--json", "as_json", is_flag=True, help="print the diff as JSON")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="write a self-contained HTML audit page to this file")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None,
              help='organ alias file, JSON or TOML: {"aliases": {"平潭县人民政府": "平潭综合实验区"}}')
@click.option("--office-equivalent", is_flag=True, help="match X人民政府办公室 with X人民政府")
@max_bytes_option
def diff_cmd(old: str, new: str, db: str | None, as_json: bool, html_out: str | None, aliases: str | None,
             office_equivalent: bool, max_bytes: int | None) -> None:
    """Compare an organ's report with the next year's: changed figures, cross-year checks (T3-4, T2-21-1,
    T2-19-2/3, T3-7 mapping), section texts; exit 1 when an error-level cross-year check fails."""
    from extractor.diff import diff_reports

    organs = _organ_names(aliases, office_equivalent)
    if db is not None:
        import duckdb

        from extractor.diff.warehouse import SECTIONS_NOT_STORED, WarehouseLookupError, connect, load_report

        try:
            con = connect(db)
            try:
                reports = [load_report(con, ref, organs) for ref in (old, new)]
            finally:
                con.close()
        except (WarehouseLookupError, duckdb.Error) as exc:
            click.echo(f"ogi: diff: {' '.join(str(exc).split())}", err=True)
            sys.exit(EXIT_ERROR)
        d = diff_reports(reports[0], reports[1], organs=organs, text=False, notes=[SECTIONS_NOT_STORED])
    else:
        results = list(_results((old, new), _settings(max_bytes)))
        bad = [r for r in results if r.report is None]
        for r in bad:
            _fail(r)
        if bad:
            sys.exit(EXIT_ERROR)
        reports = [r.raise_for_error() for r in results]
        d = diff_reports(reports[0], reports[1], organs=organs)
    if html_out:
        from extractor.diff.html import render_html

        Path(html_out).write_text(render_html(d, reports[0], reports[1]), encoding="utf-8")
    if as_json:
        click.echo(_dump(d.model_dump(mode="json"), 2))
    else:
        from extractor.diff.render import print_diff

        print_diff(d, _rich_console())
        if html_out:
            click.echo(f"HTML report: {html_out}")
    sys.exit(EXIT_FINDINGS if d.failed else 0)


@main.command("panel")
@click.argument("db")
@click.option("--out", "-o", default="panel.csv", show_default=True, help="output file: .csv or .parquet")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None,
              help='organ alias file, JSON or TOML: {"aliases": {"平潭县人民政府": "平潭综合实验区"}}')
@click.option("--office-equivalent", is_flag=True, help="match X人民政府办公室 with X人民政府")
@click.option("--quiet", "-q", is_flag=True, help="no summary table")
def panel_cmd(db: str, out: str, aliases: str | None, office_equivalent: bool, quiet: bool) -> None:
    """Every organ of a warehouse with its years side by side and every cross-year check (CSV/Parquet);
    organs with a missing year are listed. Exit 1 when an error-level cross-year check fails."""
    import duckdb

    from extractor.diff.panel import build_panel
    from extractor.diff.warehouse import WarehouseLookupError, connect

    organs = _organ_names(aliases, office_equivalent)
    try:
        con = connect(db)
        try:
            panel = build_panel(con, organs)
        finally:
            con.close()
    except (WarehouseLookupError, duckdb.Error) as exc:
        click.echo(f"ogi: panel: {' '.join(str(exc).split())}", err=True)
        sys.exit(EXIT_ERROR)
    try:
        panel.write(out)
    except OSError as exc:
        click.echo(f"ogi: panel: {out}: {exc.strerror or exc}", err=True)
        sys.exit(EXIT_ERROR)
    failed = sum(o.failed_checks for o in panel.organs)
    if not quiet:
        from rich.table import Table as RichTable

        console = _rich_console()
        table = RichTable("organ", "years", "names", "checks ok", "failed", "missing years", title="ogi panel",
                          title_justify="left")
        for o in panel.organs:
            checks = [c for d in o.diffs for c in d.checks if c.status != "skipped"]
            table.add_row(o.name, ", ".join(map(str, sorted(o.reports))), "; ".join(o.names) if len(o.names) > 1 else "",
                          str(sum(c.status == "ok" for c in checks)), str(o.failed_checks),
                          ", ".join(map(str, o.missing)))
        console.print(table)
        for note in panel.notes:
            click.echo(f"note: {note}")
        missing = [o for o in panel.organs if o.missing]
        if missing:
            click.echo("organs with a missing year: "
                       + "; ".join(f"{o.name} ({', '.join(map(str, o.missing))})" for o in missing))
        pairs = sum(len(o.diffs) for o in panel.organs)
        click.echo(f"ogi panel: {len(panel.organs)} organs, {sum(len(o.reports) for o in panel.organs)} reports, "
                   f"{pairs} consecutive-year pairs, {failed} failed cross-year checks → {out}")
    sys.exit(EXIT_FINDINGS if any(o.failed_errors for o in panel.organs) else 0)


@main.command("crawl")
@click.argument("urls", nargs=-1, required=True)
@click.option("--out", "-o", required=True, type=click.Path(file_okay=False),
              help="crawl folder: manifest.jsonl, reports/ (documents + sidecar JSON), .pages/")
@click.option("--allow-gov-siblings", is_flag=True, help="also follow hosts under the start host's <name>.gov.cn")
@click.option("--rate", type=float, default=1.0, show_default=True, help="requests per second per host")
@click.option("--concurrency", type=int, default=2, show_default=True, help="requests in flight at once")
@click.option("--max-pages", type=int, default=5000, show_default=True, help="URLs requested per run (0: no limit)")
@click.option("--max-depth", type=int, default=6, show_default=True, help="link hops from a start URL")
@click.option("--contact", default=None, metavar="EMAIL", help="contact put in the User-Agent (please set it)")
@click.option("--user-agent", default=None, help="replace the whole User-Agent string")
@click.option("--timeout", type=float, default=30.0, show_default=True, help="seconds to connect / between bytes")
@click.option("--retries", type=int, default=3, show_default=True, help="retries on timeouts, 429 and 5xx")
@click.option("--backoff", type=float, default=1.0, show_default=True, help="first retry delay (doubles each time)")
@click.option("--refresh", is_flag=True, help="also revalidate stored documents (conditional requests)")
@click.option("--then-batch", "then_batch", default=None, metavar="DB",
              help="then extract the crawled reports into this warehouse (as `ogi batch`)")
@click.option("--quiet", "-q", is_flag=True, help="no summary lines")
@max_bytes_option
def crawl_cmd(urls: tuple[str, ...], out: str, allow_gov_siblings: bool, rate: float, concurrency: int,
              max_pages: int, max_depth: int, contact: str | None, user_agent: str | None, timeout: float,
              retries: int, backoff: float, refresh: bool, then_batch: str | None, quiet: bool,
              max_bytes: int | None) -> None:
    """Find and download the annual reports a website publishes, starting from URL(s) (a site root or
    a 年报 column). Polite (robots.txt, --rate per host), resumable (rerun the same command) and
    incremental (conditional requests); --then-batch DB extracts what it found."""
    try:
        from extractor.crawl import CrawlConfig, crawl
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        click.echo(f'ogi: crawl needs the optional extra: pip install "ogi-extractor[crawl]" ({exc})', err=True)
        sys.exit(EXIT_ERROR)
    if rate <= 0 or concurrency < 1:
        click.echo("ogi: crawl: --rate must be positive and --concurrency at least 1", err=True)
        sys.exit(EXIT_ERROR)
    config = CrawlConfig(rate=rate, concurrency=concurrency, max_pages=max_pages or None, max_depth=max_depth,
                         max_bytes=max_bytes or DEFAULT_SETTINGS.max_bytes, timeout=timeout, retries=retries,
                         backoff=backoff, allow_gov_siblings=allow_gov_siblings, contact=contact,
                         user_agent=user_agent, refresh=refresh)
    if not quiet and contact is None and user_agent is None:
        click.echo("ogi: crawl: no --contact given; site operators cannot reach you", err=True)
    try:
        summary = crawl(list(urls), out, config)
    except ValueError as exc:
        click.echo(f"ogi: crawl: {exc}", err=True)
        sys.exit(EXIT_ERROR)
    if not quiet:
        click.echo(summary.line())
    if then_batch:
        from extractor.batch import run_batch

        batch = run_batch([str(Path(out) / "reports")], then_batch, settings=_settings(max_bytes))
        if not quiet:
            for s in batch.skipped:
                click.echo(f"ogi: {s.path}: skipped: {s.reason}", err=True)
            click.echo(batch.line())


def run() -> None:  # pragma: no cover - console entry wrapper
    try:
        main(standalone_mode=True)
    except OgiError as exc:
        click.echo(f"ogi: {exc.one_line()}", err=True)
        sys.exit(EXIT_ERROR)
