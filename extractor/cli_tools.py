"""``ogi diff`` and ``ogi crawl``, loaded when one of them runs (or help lists them): ``ogi extract``
never pays for defining their options."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from extractor.cli import _fail, _results, _settings, max_bytes_option
from extractor.cli_output import (
    EXIT_ERROR,
    EXIT_FINDINGS,
    chosen,
    emit_json,
    format_option,
    handles_errors,
    note,
    plural,
    progress,
)
from extractor.errors import ReportLookupError
from extractor.settings import DEFAULT_SETTINGS

if TYPE_CHECKING:
    from extractor.records.models import Report


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


@click.command("diff")
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


@click.command("crawl")
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
