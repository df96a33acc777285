"""The terminal view of a :class:`ReportDiff` (rich tables)."""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from extractor.diff.models import ReportDiff
from extractor.records.models import Number, Severity

_STATUS_STYLE = {"ok": "green", "failed": "bold red", "skipped": "yellow"}
_SEV_STYLE = {Severity.ERROR: "bold red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}


def fmt_num(x: Number | None) -> str:
    if x is None:
        return "—"
    if isinstance(x, float):
        return f"{x:,.2f}".rstrip("0").rstrip(".") if not x.is_integer() else f"{int(x):,}"
    return f"{x:,}"


def fmt_change(x: Number | None) -> str:
    return "—" if x is None else ("+" if x > 0 else "") + fmt_num(x)


def fmt_rel(x: float | None) -> str:
    return "—" if x is None else f"{x * 100:+.1f}%"


def _t(*cells: object) -> list[Text]:
    """Plain cells: rich would read ``[total]`` in an identity as markup."""
    return [c if isinstance(c, Text) else Text(str(c)) for c in cells]


def _year(d: ReportDiff, side: str) -> str:
    y = d.old.report_year if side == "old" else d.new.report_year
    return str(y) if y is not None else side


def print_diff(d: ReportDiff, console: Console, *, show_info: bool = True, max_sentences: int = 6) -> None:
    """Print the diff; tables are boxes on a terminal and plain aligned text otherwise."""
    plain = not console.is_terminal

    def new_table(*args: Any, **kwargs: Any) -> Table:
        if plain:
            kwargs.update(box=None, show_edge=False, pad_edge=False, header_style="")
        else:
            kwargs.setdefault("box", box.HEAVY_HEAD)
        return Table(*args, **kwargs)

    o, n = d.old, d.new
    yo, yn = _year(d, "old"), _year(d, "new")
    console.print(Text(f"{o.organ or '?'} {yo} → {n.organ or '?'} {yn}", style="bold"),
                  Text(f"(template {o.template} → {n.template})"))
    style = "green" if d.organ.matched else "bold red"
    console.print(Text("organ:", style="bold"), Text(f"{'matched' if d.organ.matched else 'NOT matched'} ({d.organ.how})",
                                                       style=style), Text(f"— {d.organ.explanation}"))
    for note in d.notes:
        console.print(Text("note:", style="bold"), Text(note))

    t = new_table(title=f"Changed figures ({len(d.changed)}; {d.unchanged} unchanged)", title_justify="left")
    for col, just in (("key", "left"), ("figure", "left"), (yo, "right"), (yn, "right"), ("Δ", "right"), ("Δ %", "right")):
        t.add_column(col, justify=just)  # type: ignore[arg-type]
    for c in d.changed:
        t.add_row(*_t(c.key, c.label + (" *" if c.mapped else ""), fmt_num(c.old), fmt_num(c.new),
                      fmt_change(c.abs_change), fmt_rel(c.rel_change)))
    if d.changed:
        console.print(t)
        if any(c.mapped for c in d.changed):
            console.print(Text("  * compared through T3-7 (2019 （六）其他处理 ≡ Σ 2021 （六） rows 1–3)"))
    else:
        console.print(Text(f"No figure changed ({d.unchanged} compared).", style="bold"))

    for side, items in (("old", d.only_old), ("new", d.only_new)):
        if not items:
            continue
        t = new_table(title=f"Only in {_year(d, side)} ({len(items)})", title_justify="left")
        for col in ("key", "figure", "value", "why"):
            t.add_column(col)
        for it in items:
            t.add_row(*_t(it.key, it.label, fmt_num(it.value), it.reason))
        console.print(t)

    if d.checks:
        t = new_table(title="Cross-year checks", title_justify="left")
        for col, just in (("code", "left"), ("subject", "left"), ("expected", "right"), ("actual", "right"),
                          ("status", "left"), ("identity", "left")):
            t.add_column(col, justify=just)  # type: ignore[arg-type]
        for k in d.checks:
            t.add_row(*_t(k.code, k.subject, fmt_num(k.expected), fmt_num(k.actual),
                          Text(k.status + (f" ({k.note})" if k.note else ""), style=_STATUS_STYLE[k.status]), k.expression))
        console.print(t)

    if d.sections:
        t = new_table(title="Section texts (prose; table rows left out)", title_justify="left")
        for col, just in (("§", "right"), ("heading", "left"), ("sentences", "right"), ("similarity", "right"),
                          ("numbers masked", "right"), ("", "left")):
            t.add_column(col, justify=just)  # type: ignore[arg-type]
        for s in d.sections:
            sim = "—" if s.similarity is None else f"{s.similarity:.2f}"
            msk = "—" if s.similarity_ignoring_numbers is None else f"{s.similarity_ignoring_numbers:.2f}"
            flag = Text("possible copy", style="bold yellow") if s.possible_copy else Text(s.note or "")
            t.add_row(*_t(s.number, s.heading_new or s.heading_old or "", f"{s.old_sentences} → {s.new_sentences}",
                          sim, msk, flag))
        console.print(t)
        if d.text_similarity is not None:
            console.print(Text(f"whole text: similarity {d.text_similarity:.2f}, "
                          f"{d.text_similarity_ignoring_numbers or 0:.2f} with numbers masked"
                          + (" — possible copy of last year's report" if d.possible_copy else "")))
        shown = 0
        for s in d.sections:
            for ch in s.changes:
                if shown >= max_sentences:
                    break
                shown += 1
                console.print(Text(f"  §{s.number} {ch.op}: ", style="bold"), end="")
                if ch.old:
                    console.print(Text("- " + " ".join(ch.old)[:160], style="red"))
                if ch.new:
                    console.print(Text(("    " if ch.old else "") + "+ " + " ".join(ch.new)[:160], style="green"))
        more = sum(len(s.changes) for s in d.sections) - shown
        if more > 0:
            console.print(Text(f"  … {more} more changed passages (--json or --html for all)"))

    findings = [f for f in d.findings if show_info or f.severity is not Severity.INFO]
    for f in findings:
        console.print(Text(f"[{f.severity.value}] {f.code}:", style=_SEV_STYLE[f.severity]), Text(f.message))
        if f.cells:
            console.print(Text(f"      cells: {', '.join(f.cells[:8])}{' …' if len(f.cells) > 8 else ''}"))
    console.print(Text(d.summary(), style="bold"))
