"""HTML tables inside a text or markdown document, read as the grids they are.

Markdown has no merged cells, so converters keep a table with ``rowspan``/``colspan`` as raw HTML
inside the markdown (pandoc's ``-t markdown``, crawlers that hand pages to language models). Read
as text, its tags and style attributes would be labels and numbers (``width="296"``, ``0.5pt``);
read as HTML, the table is a grid with its spans known. Each ``<table>…</table>`` (nested tables
inside it included) is cut out of the lines, read by the HTML reader, and its table blocks take
its place; the text around it is read as text.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, replace

from extractor.document import Block
from extractor.settings import Settings

_TAG = re.compile(r"<(/?)table\b", re.IGNORECASE)
"""The start of a table tag (its attributes are not scanned: a text of ``<table`` without ``>``
would make every match read to the end)."""


@dataclass(frozen=True, slots=True)
class Embedded:
    """A table's markup and the lines it spans (0-based, ``first`` to ``last`` inclusive)."""

    first: int
    last: int
    html: str


def has_html_table(text: str) -> bool:
    lower = text[:4_000_000].lower()
    return "<table" in lower and "</table>" in lower and "<td" in lower


def find_tables(lines: list[str]) -> list[Embedded]:
    """The outermost ``<table>`` elements, by the lines they start and end on (a tag may run over
    several lines: pandoc wraps long ``style`` attributes). Text before the opening tag on its first
    line, or after the closing one on its last, goes with the table (a converter puts tables on
    lines of their own)."""
    text = "\n".join(lines)
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    out: list[Embedded] = []
    depth = 0
    first = 0
    for m in _TAG.finditer(text):
        at = bisect_right(starts, m.start()) - 1
        if m.group(1):
            if depth == 0:
                continue  # a stray closing tag
            depth -= 1
            if depth == 0:
                out.append(Embedded(first, at, "\n".join(lines[first : at + 1])))
        else:
            if depth == 0:
                first = at
            depth += 1
    return out


def read_tables(found: list[Embedded], *, source: str, settings: Settings) -> list[tuple[int, list[Block]]]:
    """Each table's blocks from the HTML reader (its paragraphs too: text inside a cell of a layout
    table), with the 1-based line it starts on; a table the reader finds nothing in gives none."""
    from extractor.errors import OgiError
    from extractor.readers.html import read as read_html

    out: list[tuple[int, list[Block]]] = []
    for t in found:
        try:
            doc = read_html(t.html.encode("utf-8"), source=source, settings=settings)
        except OgiError:
            continue
        for b in doc.blocks:  # the table's line in the text, its element path kept
            b.provenance = replace(b.provenance, line=t.first + 1)
        out.append((t.first + 1, list(doc.blocks)))
    return out


def merge(blocks: list[Block], tables: list[tuple[int, list[Block]]]) -> list[Block]:
    """``blocks`` (read from the text around the tables) with each table's blocks where it stood."""
    out: list[Block] = []
    pending = sorted(tables, key=lambda t: t[0])
    for b in blocks:
        line = b.provenance.line or 0
        while pending and pending[0][0] <= line:
            out.extend(pending.pop(0)[1])
        out.append(b)
    for _, tb in pending:
        out.extend(tb)
    return out


__all__ = ["Embedded", "find_tables", "has_html_table", "merge", "read_tables"]
