"""Text renderings: seed-style pipe rows, markdown tables, tab-separated rows."""

from __future__ import annotations

from .layout import LTable, Para, document
from .model import GenReport
from .variants import Variant


def _one_line(text: str) -> str:
    return text.replace("\n", " ")


def _paragraph(p: Para) -> list[str]:
    return [p.text]


def render_pipe(rep: GenReport, v: Variant) -> str:
    """Pipe rows as in the seed: origin cells only (ragged), a trailing ``|`` and padding cells."""
    lines: list[str] = []
    for b in document(rep, v):
        if isinstance(b, Para):
            lines.extend(_paragraph(b))
            continue
        for row in b.rows:
            cells = [_one_line(c.text) for _, c in row]
            pad = max(1, b.n_cols - len(cells) - 1) if len(cells) < b.n_cols else 0
            lines.append(" | ".join(cells) + " |" + "|" * pad)
    return "\n".join(lines) + "\n"


def render_markdown(rep: GenReport, v: Variant) -> str:
    """Markdown tables (first row, a ``|---|`` rule, the rest): ragged rows padded to the width,
    or the dense grid with column-spanned labels repeated."""
    lines: list[str] = []
    for b in document(rep, v):
        if isinstance(b, Para):
            lines.append(("# " if b.kind == "title" else "## " if b.kind == "heading" else "") + b.text)
            lines.append("")
            continue
        grid = _md_rows(b, v)
        for i, cells in enumerate(grid):
            lines.append("| " + " | ".join(cells) + " |")
            if i == 0:
                lines.append("|" + "---|" * len(cells))
        lines.append("")
    return "\n".join(lines)


def _md_rows(t: LTable, v: Variant) -> list[list[str]]:
    if v.md_style == "repeat":
        return [[_one_line(x) for x in row] for row in t.dense(repeat=True)]
    out = []
    for row in t.rows:
        cells = [_one_line(c.text) for _, c in row]
        out.append(cells + [""] * (t.n_cols - len(cells)))
    return out


def render_tab(rep: GenReport, v: Variant) -> str:
    """Tab-separated rows (origin cells; rows of fewer than three cells padded with tabs)."""
    lines: list[str] = []
    for b in document(rep, v):
        if isinstance(b, Para):
            lines.append(b.text)
            continue
        for row in b.rows:
            cells = [_one_line(c.text) for _, c in row]
            cells += [""] * max(0, 3 - len(cells))
            lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"
