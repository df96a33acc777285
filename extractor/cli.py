"""``ogi``: a thin command line over the Python API.

Library errors become one line, ``ogi: FILE: <code>: <message>``, and exit code 2; no traceback
reaches the user. ``-`` reads standard input. The shared grammar (``--format``, JSON Lines, tables,
stderr for progress and summaries, ``-q``) is in :mod:`extractor.cli_output`; the warehouse
commands (batch, query, panel, audit, migrate) in :mod:`extractor.cli_warehouse`, ``diff`` and
``crawl`` in :mod:`extractor.cli_tools` (each loaded when one of its commands runs).
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
    plural,
)
from extractor.errors import OgiError
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

    LAZY: ClassVar[dict[str, str]] = {
        **{name: "extractor.cli_warehouse" for name in ("batch", "query", "panel", "audit", "migrate")},
        "diff": "extractor.cli_tools",
        "crawl": "extractor.cli_tools",
    }

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


def run() -> None:  # pragma: no cover - console entry wrapper
    try:
        main(standalone_mode=True)
    except OgiError as exc:
        die(exc)
