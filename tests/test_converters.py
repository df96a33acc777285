"""HTML-to-markdown converters' tables: merged cells printed as padding, rows without outer pipes.

markdownify prints a ``colspan="3"`` label as the label and two empty cells (``| 一、本年新收… | | |
26 | … |``) and a table without ``<th>`` under an empty header row; html2text prints rows without
outer pipes, so a row opening with ``|`` starts with an empty cell (``| 5| 9| | 14| …``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from extractor.document import Cell
from extractor.locate.grid import _padded, _trim
from extractor.readers.text import _split_row


def _cells(*texts: str) -> list[Cell]:
    return [Cell(row=0, col=i, text=t, raw_text=t) for i, t in enumerate(texts)]


def _texts(cells: list[Cell]) -> list[str]:
    return [c.text for c in cells]


def test_a_merged_labels_padding_is_dropped_from_the_start() -> None:
    assert _texts(_trim(_cells("", "", "26", "", "", "", "", "", "26"), 7)) == ["26", "", "", "", "", "", "26"]


def test_stray_empty_cells_at_the_end_go_first_unless_the_table_pads_its_labels() -> None:
    row = _cells("", "30", "/", "", "0", "1", "无", "")  # padding, then seven cells with a blank 总计
    assert _texts(_trim(row, 7)) == ["", "30", "/", "", "0", "1", "无"]  # as a plain pipe table reads it
    assert _texts(_trim(row, 7, padded=True)) == ["30", "/", "", "0", "1", "无", ""]


def test_a_table_pads_its_labels_when_a_row_shows_it() -> None:
    rows = [_cells("一、本年新收政府信息公开申请数量", "", "", "26", "", "", "", "", "", "26"),
            _cells("（一）予以公开", "", "30", "/", "", "0", "1", "无", "")]
    assert _padded(rows, 7)
    assert not _padded([_cells("（一）予以公开", "30", "/", "", "0", "1", "无", "", "")], 7)  # only strays at the end


@pytest.mark.parametrize(("line", "cells", "kind"), [
    ("| 5| 9| | 14| 0", ["", "5", "9", "", "14", "0"], "pipe"),  # html2text: no outer pipes
    ("| 5 | 9 | | 14 | 0 |", ["", "5", "9", "", "14", "0"], "open"),  # markdown: the opening delimiter
    ("5 | 9 | | 14 |", ["5", "9", "", "14"], "pipe"),
])
def test_a_leading_pipe_is_a_delimiter_only_in_a_closed_row(line: str, cells: list[str], kind: str) -> None:
    assert _split_row(line) == (cells, kind)


def test_generated_pages_through_markdownify_are_read_exactly() -> None:
    """Generated pages (merged cells, blank cells, placeholders, blank totals) converted by
    markdownify: every figure exact, whether or not the report's totals hold (the cells are kept)."""
    markdownify = pytest.importorskip("markdownify").markdownify
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from gen import draw_variant, generate
    from gen.layout_check import score
    from gen.render_html import render_html

    from extractor import extract
    from extractor.readers.decode import decode_bytes

    misses = []
    for seed in range(12):
        rep = generate(seed)
        html, _ = decode_bytes(render_html(rep, draw_variant(seed)))
        s = score(rep, extract(markdownify(html).encode("utf-8"), name=f"gen{seed}.txt"))
        if s.wrong or s.right != s.total:
            misses.append((seed, s.right, s.total, s.wrong[:3]))
    assert not misses
