"""``ogi``: a thin command line over the Python API.

Library errors become one line, ``ogi: FILE: <code>: <message>``, and exit code 2; no traceback
reaches the user. ``-`` reads standard input. The shared grammar (``--format``, JSON Lines, tables,
stderr for progress and summaries, ``-q``) is in :mod:`extractor.cli_output`; the warehouse
commands (batch, query, panel, audit, migrate) in :mod:`extractor.cli_warehouse`.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import click

from extractor._version import __version__
from extractor.cli_output import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    chosen,
    die,
    dumps,
    emit_json,
    format_option,
    handles_errors,
    note,
    plural,
    progress,
)
from extractor.errors import OgiError, ReportLookupError
from extractor.isolate import DEFAULT_MEMORY_MB, extract_isolated
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # the pipeline (pydantic models, regex tables) loads when a command needs it
    from extractor.pipeline import ExtractionResult
    from extractor.records.models import Report

__all__ = ["EXIT_ERROR", "EXIT_FINDINGS", "main", "run"]


def _settings(max_bytes: int | None) -> Settings:
    if max_bytes is None:
        return DEFAULT_SETTINGS
    return Settings(max_bytes=max_bytes)


def extract(source: str | Path | bytes, *, name: str | None = None, settings: Settings = DEFAULT_SETTINGS
            ) -> ExtractionResult:
    """:func:`extractor.pipeline.extract`, imported on first use (and patchable here)."""
    from extractor.pipeline import extract as pipeline_extract

    return pipeline_extract(source, name=name, settings=settings)


def _results(files: tuple[str, ...], settings: Settings, memory_mb: int = 0) -> Iterator[ExtractionResult]:
    """Each file extracted; with ``memory_mb`` in a child process under that memory cap."""
    for f in files:
        if f == "-":
            data = sys.stdin.buffer.read(settings.max_bytes + 1)
            yield extract_isolated(data, name="<stdin>", settings=settings, memory_mb=memory_mb, extract_fn=extract)
        else:
            yield extract_isolated(Path(f), name=f, settings=settings, memory_mb=memory_mb, extract_fn=extract)


def _fail(result: ExtractionResult) -> None:
    assert result.error is not None
    err = result.error
    click.echo(f"ogi: {result.source}: {err.code}: {' '.join(err.message.split())}", err=True)


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

memory_option = click.option(
    "--memory-mb",
    type=int,
    default=DEFAULT_MEMORY_MB,
    show_default=True,
    help="address-space cap for reading each file (in a child process; 0: none, read in-process)",
)


class _Commands(click.Group):
    """The warehouse commands live in :mod:`extractor.cli_warehouse` and load when one of them runs
    (or help lists them): ``ogi extract`` and ``ogi --version`` never import them."""

    LAZY: ClassVar[dict[str, str]] = {name: "extractor.cli_warehouse" for name in ("batch", "query", "panel", "audit", "migrate")}

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *self.LAZY})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.LAZY and cmd_name not in self.commands:
            self.add_command(getattr(importlib.import_module(self.LAZY[cmd_name]), f"{cmd_name}_cmd"), cmd_name)
        return super().get_command(ctx, cmd_name)


@click.group(cls=_Commands, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="ogi")
def main() -> None:
    """Extract typed, checked figures from 政府信息公开工作年度报告 (annual reports on open government information).

    Every command takes --format for what it prints on stdout (json is always JSON Lines: one
    object per input, row or report); a warehouse is always the first argument; progress and
    summaries go to stderr (-q silences them); errors are one line and exit code 2.
    """


@main.command("extract")
@click.argument("files", nargs=-1, required=True)
@click.option("--flat", "flat", is_flag=True, help="same as --format flat")
@format_option(["json", "jsonl", "flat", "csv"], None,
               "json/jsonl: the full record, one JSON object per line and input; flat: one line per input, "
               '{"source": …, "figures": {flat key: number}}; csv: one row per figure, one header')
@click.option("--indent", type=int, default=None, help="pretty-print JSON (for reading: no longer one line per input)")
@max_bytes_option
@memory_option
def extract_cmd(files: tuple[str, ...], flat: bool, fmt: str | None, as_json: bool, indent: int | None,
                max_bytes: int | None, memory_mb: int) -> None:
    """Extract FILE(s) (text, HTML, PDF, DOCX, DOC; '-' for stdin). One JSON line per input, however many."""
    fmt = chosen(fmt, as_json, "flat" if flat else "json")
    settings = _settings(max_bytes)
    failed = False
    writer = None
    if fmt == "csv":
        import csv

        writer = csv.writer(sys.stdout, lineterminator="\n")
        writer.writerow(CSV_COLUMNS)
    for result in _results(files, settings, memory_mb):
        if result.report is None:
            failed = True
            _fail(result)
            continue
        if writer is not None:
            writer.writerows(_csv_rows(result.source, result.report))
        elif fmt == "flat":
            emit_json({"source": result.source, "figures": result.report.flat()}, indent)
        else:
            emit_json(result.report.to_dict(), indent)
    sys.exit(EXIT_ERROR if failed else 0)


def _check_object(result: ExtractionResult, shown: list[Any]) -> dict[str, Any]:
    if result.report is None:
        err = result.error
        return {"source": result.source, "status": result.status,
                "error": None if err is None else {"code": err.code, "message": err.message}}
    meta = result.report.meta
    return {"source": result.source, "status": result.status, "organ": meta.organ, "report_year": meta.report_year,
            "template": meta.template, "n_figures": len(result.report.flat()),
            "findings": [f.model_dump(mode="json") for f in shown]}


@main.command("check")
@click.argument("files", nargs=-1, required=True)
@click.option("--all", "show_all", is_flag=True, help="also list info-level findings (e.g. how digits were split)")
@format_option(["table", "json", "jsonl"], "table",
               "table: readable lines; json/jsonl: one object per input (source, status, organ, report_year, "
               "template, n_figures, findings)")
@max_bytes_option
@memory_option
def check_cmd(files: tuple[str, ...], show_all: bool, fmt: str, as_json: bool, max_bytes: int | None,
              memory_mb: int) -> None:
    """Run the cross-checks (勾稽关系) and list what fails, with the status word of each input (ok,
    findings, partial, failed); exit 1 when an error-level check fails, 2 when an input fails."""
    from extractor.records.models import Severity

    fmt = chosen(fmt, as_json, "table")
    settings = _settings(max_bytes)
    worst = 0
    for result in _results(files, settings, memory_mb):
        if result.report is None:
            _fail(result)
            worst = EXIT_ERROR
            if fmt == "json":
                emit_json(_check_object(result, []))
            continue
        shown = [f for f in result.findings if show_all or f.severity is not Severity.INFO]
        if any(f.severity is Severity.ERROR for f in result.findings):
            worst = max(worst, EXIT_FINDINGS)
        if fmt == "json":
            emit_json(_check_object(result, shown))
            continue
        meta = result.report.meta
        click.echo(f"{result.source}: {meta.organ or '?'} {meta.report_year or '?'} (template {meta.template}) — "
                   f"{result.status}: {plural(len(result.report.flat()), 'figure')}, {plural(len(shown), 'finding')}")
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

    click.echo(dumps(report_schema(), indent))


def looks_like_warehouse(path: str) -> bool:
    """A DuckDB file (by its magic bytes) or a warehouse's table file (``x.reports.parquet``)."""
    from extractor.writers.files import warehouse_base

    p = Path(path)
    if warehouse_base(p)[1] is not None:
        return True
    try:
        with p.open("rb") as fh:
            head = fh.read(12)
    except OSError:
        return False
    return head[8:12] == b"DUCK"


def _diff_from_warehouse(db: str, old: str, new: str, organs: Any, warehouse_format: str | None, *, chart: bool = False
                         ) -> tuple[list[Report], list[str], bool, str | None]:
    """The two reports, notes for the diff, whether their section texts are stored, and (``chart``)
    the organ's trend chart as inline SVG when the charts extra is installed."""
    from extractor.diff.warehouse import (
        SECTIONS_NOT_STORED,
        connect,
        duplicates_of,
        load_reports,
        resolve,
        sections_stored,
    )

    con = connect(db, warehouse_format)
    try:
        shas = [resolve(con, ref, organs) for ref in (old, new)]
        loaded = load_reports(con, shas)
        reports = [loaded[s] for s in shas]
        text = sections_stored(con, shas)
        notes = [] if text else [SECTIONS_NOT_STORED]
        dups = duplicates_of(con, shas)
        if dups:
            notes.append(f"{plural(len(dups), 'duplicate document')} of these reports set aside "
                         f"(the same report published again: {', '.join(d[:12] for d in dups[:6])})")
        svg = None
        if chart:
            from extractor.audit.charts import available, trend_svg
            from extractor.audit.trends import warehouse_trend

            trend = warehouse_trend(con, shas[1]) if available() else None
            svg = trend_svg(trend, chart_id="diff-trend") if trend is not None and trend.years else None
    finally:
        con.close()
    return reports, notes, text, svg


@main.command("diff")
@click.argument("refs", nargs=-1, required=True, metavar="[WAREHOUSE] OLD NEW")
@click.option("--db", default=None, hidden=True, help="old spelling of the WAREHOUSE argument")
@click.option("--warehouse-format", type=click.Choice(["duckdb", "parquet", "csv", "jsonl"]), default=None,
              help="the warehouse's format (default: from its name)")
@format_option(["table", "json", "jsonl"], "table", "table: readable; json/jsonl: the whole ReportDiff on one line")
@click.option("--html", "html_out", type=click.Path(dir_okay=False), default=None,
              help="write a self-contained HTML audit page to this file (with the organ's trend chart when the "
                   "reports come from a warehouse and the charts extra is installed)")
@click.option("--aliases", type=click.Path(exists=True, dir_okay=False), default=None,
              help='organ alias file, JSON or TOML: {"aliases": {"平潭县人民政府": "平潭综合实验区"}}')
@click.option("--office-equivalent", is_flag=True, help="match X人民政府办公室 with X人民政府")
@click.option("--quiet", "-q", is_flag=True, help="no notes on stderr")
@max_bytes_option
@handles_errors
def diff_cmd(refs: tuple[str, ...], db: str | None, warehouse_format: str | None, fmt: str, as_json: bool,
             html_out: str | None, aliases: str | None, office_equivalent: bool, quiet: bool,
             max_bytes: int | None) -> None:
    """Compare an organ's report with the next year's: changed figures, cross-year checks (T3-4, T2-21-1,
    T2-19-2/3, T3-7 mapping), section texts; exit 1 when an error-level cross-year check fails.

    OLD and NEW are two files, or — after a WAREHOUSE — two reports in it, each a sha256 prefix
    (6+ hex digits) or ORGAN:YEAR (canonical documents; duplicates are set aside).
    """
    from extractor.cli_warehouse import organ_names
    from extractor.diff import diff_reports

    fmt = chosen(fmt, as_json, "table")
    if len(refs) == 3 and db is None:
        db, refs = refs[0], refs[1:]
    if len(refs) != 2:
        raise click.UsageError("give OLD NEW (two files) or WAREHOUSE OLD NEW")
    old, new = refs
    organs = organ_names(aliases, office_equivalent)
    svg = None
    if db is not None:
        reports, notes, text, svg = _diff_from_warehouse(db, old, new, organs, warehouse_format, chart=bool(html_out))
        d = diff_reports(reports[0], reports[1], organs=organs, text=text, notes=notes)
    else:
        for ref in (old, new):
            if ref != "-" and looks_like_warehouse(ref):
                raise ReportLookupError(f"this is a warehouse, not a report: use `ogi diff {ref} OLD NEW` "
                                        f"(or --db {ref}) to compare two of its reports", source=ref)
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

        Path(html_out).write_text(render_html(d, reports[0], reports[1], trend_svg=svg), encoding="utf-8")
    if fmt == "json":
        emit_json(d.model_dump(mode="json"))
    else:
        from extractor.cli_output import console, print_with
        from extractor.diff.render import print_diff

        con = console()
        print_with(con, lambda: print_diff(d, con))
        if html_out:
            note(f"HTML report: {html_out}", quiet=quiet)
    sys.exit(EXIT_FINDINGS if d.failed else 0)


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
@click.option("--quiet", "-q", is_flag=True, help="no progress, no summary lines")
@max_bytes_option
@handles_errors
def crawl_cmd(urls: tuple[str, ...], out: str, allow_gov_siblings: bool, rate: float, concurrency: int,
              max_pages: int, max_depth: int, contact: str | None, user_agent: str | None, timeout: float,
              retries: int, backoff: float, refresh: bool, then_batch: str | None, quiet: bool,
              max_bytes: int | None) -> None:
    """Find and download the annual reports a website publishes, starting from URL(s) (a site root or
    a 年报 column). Polite (robots.txt, --rate per host), resumable (rerun the same command) and
    incremental (conditional requests); --then-batch DB extracts what it found. Progress (pages,
    reports, queue, rate) and the summary go to stderr."""
    try:
        from extractor.crawl import CrawlConfig, CrawlProgress, crawl
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
    if contact is None and user_agent is None:
        note("ogi: crawl: no --contact given; site operators cannot reach you", quiet=quiet)
    with progress("ogi crawl", quiet=quiet) as update:

        def show(p: CrawlProgress) -> None:
            update(text=f"{plural(p.fetched, 'page')} fetched, {plural(p.reports, 'report')}, "
                        f"{p.queued:,} queued, {p.rate:.1f} req/s")

        try:
            summary = crawl(list(urls), out, config, on_progress=show)
        except ValueError as exc:
            click.echo(f"ogi: crawl: {exc}", err=True)
            sys.exit(EXIT_ERROR)
    note(summary.line(), quiet=quiet)
    if then_batch:
        from extractor.batch import run_batch

        if not (Path(out) / "reports").is_dir():
            note("ogi crawl: no report documents to extract", quiet=quiet)
            return
        with progress("ogi batch", quiet=quiet) as bar:
            batch = run_batch([str(Path(out) / "reports")], then_batch, settings=_settings(max_bytes),
                              progress=lambda ev, n: bar(total=n) if ev == "total" else bar(advance=n))
        for s in batch.skipped:
            note(f"ogi: {s.path}: skipped: {s.reason}", quiet=quiet)
        note(batch.line(), quiet=quiet)


def run() -> None:  # pragma: no cover - console entry wrapper
    try:
        main(standalone_mode=True)
    except OgiError as exc:
        die(exc)
