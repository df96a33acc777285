"""DOCX rendering with python-docx: merged cells through ``cell.merge`` (gridSpan / vMerge)."""

from __future__ import annotations

import io
import random
from typing import Any

from docx import Document
from docx.oxml.ns import qn
from docx.shared import Pt
from docx.table import _Cell

from .layout import LTable, Para, document
from .model import GenReport
from .render_html import FONT
from .variants import Variant


def _set_font(doc: Any, size: float) -> None:
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(size)
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), FONT)


def _fill(paragraph: Any, text: str, rng: random.Random, split_runs: bool) -> None:
    """Text into a paragraph; ``\\n`` becomes a line break; optionally several runs per line."""
    for i, line in enumerate(text.split("\n")):
        if i:
            paragraph.add_run().add_break()
        rest = line
        while rest:
            k = rng.randint(1, len(rest)) if split_runs else len(rest)
            paragraph.add_run(rest[:k])
            rest = rest[k:]


def _table(doc: Any, t: LTable, rng: random.Random, v: Variant) -> None:
    table = doc.add_table(rows=len(t.rows), cols=t.n_cols)
    table.style = "Table Grid"
    # The <w:tc> grid taken once before merging (table.cell() re-reads the whole table per call);
    # merges never overlap, so the elements of cells not yet merged stay valid.
    tcs = [list(tr.tc_lst) for tr in table._tbl.tr_lst]
    for r, row in enumerate(t.rows):
        for c, cell in row:
            tc = tcs[r][c]
            if cell.rs > 1 or cell.cs > 1:
                tc = tc.merge(tcs[r + cell.rs - 1][c + cell.cs - 1])
            _fill(_Cell(tc, table).paragraphs[0], cell.text, rng, v.docx_runs)


def render_docx(rep: GenReport, v: Variant) -> bytes:
    doc = Document()
    _set_font(doc, 14 if v.pdf_big else 10.5)
    rng = random.Random(v.seed * 3 + 1)
    for b in document(rep, v):
        if isinstance(b, Para):
            p = doc.add_paragraph()
            _fill(p, b.text, rng, v.docx_runs)
        else:
            _table(doc, b, rng, v)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()
