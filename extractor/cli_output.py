"""What every ``ogi`` command shares: the ``--format`` option, JSON Lines, tables that are boxes on a
terminal and plain aligned text in a pipe, progress and summaries on stderr, one-line errors.

The grammar (README, "CLI"): ``--format`` chooses what goes to stdout (``table``, ``json``,
``jsonl``, ``csv``, as each command supports); ``json`` is always JSON Lines — one object per input,
row, report or organ, whatever their number (``jsonl`` is the same); ``--json`` is a hidden alias of
``--format json``. A warehouse is always the first positional argument and its own format comes
from its name (or ``--warehouse-format``). Progress bars and summary lines go to stderr (progress
only when stderr is a terminal); ``-q`` silences both.
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from typing import Any, TypeVar

import click

from extractor.errors import OgiError

EXIT_FINDINGS = 1
EXIT_ERROR = 2
F = TypeVar("F", bound=Callable[..., Any])


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 finding``, ``2 findings``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


def one_line(text: str) -> str:
    return " ".join(str(text).split())


def die(exc: OgiError) -> None:
    """``ogi: SOURCE: code: message`` on stderr, exit 2."""
    click.echo(f"ogi: {exc.one_line()}", err=True)
    sys.exit(EXIT_ERROR)


def handles_errors(fn: F) -> F:
    """Turn the library's typed errors into one line and exit code 2 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except OgiError as exc:
            die(exc)
            return None

    return wrapper  # type: ignore[return-value]


def format_option(choices: Sequence[str], default: str | None, help_text: str) -> Callable[[F], F]:
    """``--format`` (+ hidden ``--json``), validated against what the command supports."""

    def deco(fn: F) -> F:
        fn = click.option("--json", "as_json", is_flag=True, hidden=True, help="alias of --format json")(fn)
        return click.option("--format", "fmt", type=click.Choice(list(choices)), default=default,
                            help=help_text)(fn)

    return deco


def chosen(fmt: str | None, as_json: bool, default: str) -> str:
    out = "json" if as_json else (fmt or default)
    return "json" if out == "jsonl" else out


def _is_decimal(v: Any) -> bool:
    """``isinstance(v, Decimal)`` without importing :mod:`decimal` (no Decimal exists until it is)."""
    dec = sys.modules.get("decimal")
    return dec is not None and isinstance(v, dec.Decimal)


def _json_default(v: Any) -> Any:
    if isinstance(v, datetime | date):
        return v.isoformat()
    if _is_decimal(v):
        return int(v) if v == v.to_integral_value() else float(v)
    if isinstance(v, set | frozenset | tuple):
        return list(v)
    return str(v)


def dumps(obj: Any, indent: int | None = None) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=indent, default=_json_default)


def emit_json(obj: Any, indent: int | None = None) -> None:
    """One JSON value (one line unless ``indent``) on stdout."""
    click.echo(dumps(obj, indent))


def csv_value(v: Any) -> Any:
    """Numbers as the warehouse types print them: ``23``, not ``23.0``; amounts without trailing zeros."""
    if _is_decimal(v):
        return format(v.normalize(), "f") if v != v.to_integral_value() else str(int(v))
    if isinstance(v, float) and v.is_integer():
        return int(v)
    if isinstance(v, list | dict):
        return dumps(v)
    return v


def console(err: bool = False) -> Any:
    from rich.console import Console

    stream = sys.stderr if err else sys.stdout
    return Console(file=stream, width=None if stream.isatty() else 200, highlight=False)


def print_table(headers: Sequence[str], rows: Iterable[Sequence[Any]], *, title: str | None = None) -> None:
    """A box table on a terminal; plain aligned columns (no box characters) when stdout is not one."""
    from rich import box
    from rich.table import Table

    con = console()
    plain = not con.is_terminal
    table = Table(*headers, title=title, title_justify="left", box=None if plain else box.HEAVY_HEAD,
                  header_style="" if plain else "bold", pad_edge=not plain, show_edge=not plain)
    for row in rows:
        table.add_row(*("" if v is None else str(csv_value(v)) for v in row))
    print_rich(con, table)


def print_rich(con: Any, renderable: Any) -> None:
    """Print with rich; off a terminal, without the padding rich adds at the end of each line."""
    print_with(con, lambda: con.print(renderable))


def print_with(con: Any, draw: Callable[[], None]) -> None:
    """Run ``draw`` (which prints on ``con``); off a terminal, strip the padding at the end of each line."""
    if con.is_terminal:
        draw()
        return
    with con.capture() as cap:
        draw()
    click.echo("\n".join(line.rstrip() for line in cap.get().splitlines()))


@contextmanager
def progress(label: str, *, quiet: bool) -> Iterator[Callable[..., None]]:
    """A progress display on stderr when stderr is a terminal (and not ``quiet``).

    Yields ``update(total=…, advance=…, text=…)``; a no-op when nothing is shown.
    """
    if quiet or not sys.stderr.isatty():
        yield lambda **_kw: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    bar = Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                   TextColumn("{task.fields[text]}"), transient=True, console=console(err=True))
    task = bar.add_task(label, total=None, text="")
    bar.start()

    def update(*, total: int | None = None, advance: int = 0, text: str | None = None) -> None:
        fields: dict[str, Any] = {}
        if text is not None:
            fields["text"] = text
        if total is not None:
            bar.update(task, total=total, **fields)
        elif fields:
            bar.update(task, **fields)
        if advance:
            bar.advance(task, advance)

    try:
        yield update
    finally:
        bar.stop()


def note(text: str, *, quiet: bool) -> None:
    """A summary or note line on stderr (silenced by ``-q``)."""
    if not quiet:
        click.echo(text, err=True)
