"""Stitching across page breaks: tables continued on the next page, paragraphs cut by the break."""

from __future__ import annotations

import re
from collections.abc import Iterable

from extractor.document import Cell, Paragraph, Table
from extractor.readers.pdf.layout import ASCII_WORD, STITCH_TOL, PageData, join_cell_lines
from extractor.readers.pdf.tables import cluster, grid_index


def stitch(pages: list[PageData]) -> list[Paragraph | Table]:
    out: list[Paragraph | Table] = []
    prev_open = False
    for p in pages:
        blocks = [b for _, b in sorted(p.blocks, key=lambda item: item[0])]
        if blocks and out:
            last, first = out[-1], blocks[0]
            if isinstance(last, Table) and isinstance(first, Table) and continue_table(last, first):
                blocks = blocks[1:]
            elif (
                isinstance(last, Paragraph)
                and isinstance(first, Paragraph)
                and last.kind == first.kind == "paragraph"
                and prev_open
                and p.starts_continued
            ):
                joiner = " " if ASCII_WORD.match(last.text[-1:]) and ASCII_WORD.match(first.text[:1]) else ""
                last.text += joiner + first.text
                blocks = blocks[1:]
        out.extend(blocks)
        prev_open = p.ends_open and bool(blocks) and isinstance(blocks[-1], Paragraph)
    return out


def _x_edges(table: Table) -> list[float]:
    return cluster(v for c in table.cells if c.provenance.bbox for v in (c.provenance.bbox[0], c.provenance.bbox[2]))


_ENUMERATOR = re.compile(r"^\s*(?:[一二三四五六七八九十]+\s*[、.．]|[（(]\s*[一二三四五六七八九十\d]+\s*[）)]|\d+\s*[.、．])")
"""A label that opens a new row (PDF text may space the characters out: ``(七 ) 总计``, ``三 、``)."""
_GROUP_OPEN = re.compile(r"^\s*[（(]\s*[一二三四五六七八九十]+\s*(?:[）)]|$)")
_NUMERIC = re.compile(r"^[\s\d.,，%\-—–/]*$|^\s*[无空〇]\s*$")
"""A value cell: digits, or a placeholder (/, —, -, 无, 空) — never part of a label."""


def _regrid(cells: Iterable[Cell], edges: list[float]) -> None:
    for c in cells:
        if c.provenance.bbox:
            c.col = grid_index(edges, c.provenance.bbox[0])
            c.col_span = max(grid_index(edges, c.provenance.bbox[2]) - c.col, 1)


def continue_table(head: Table, tail: Table) -> bool:
    """Append ``tail`` (top of the next page) to ``head`` when it continues the same table.

    The column edges must agree (one table's edges a subset of the other's: a continuation may use
    fewer or more of the columns); a repeated header is dropped; a row or a group label cut by the
    page break is joined back into the cell above.
    """
    # A head already stitched from several pages holds each page's slightly shifted edges
    # (LibreOffice moves a column edge by a few points between pages): compare at STITCH_TOL.
    hx, tx = cluster(_x_edges(head), STITCH_TOL), cluster(_x_edges(tail), STITCH_TOL)
    if len(hx) < 2 or len(tx) < 2 or abs(hx[0] - tx[0]) > STITCH_TOL or abs(hx[-1] - tx[-1]) > STITCH_TOL:
        return False
    union = cluster([*hx, *tx], STITCH_TOL)
    if len(union) != max(len(hx), len(tx)):
        return False
    if head.spans_known != tail.spans_known:
        return False
    _regrid(head.cells, union)
    _regrid(tail.cells, union)
    # drop a repeated header: leading rows whose text equals the head table's first rows
    head_rows, tail_rows = head.text_rows(), tail.text_rows()
    skip = 0
    while (
        skip < min(len(tail_rows) - 1, len(head_rows), 4)
        and tail_rows[skip] == head_rows[skip]
        and any(tail_rows[skip])
    ):
        skip += 1
    last_row = head.n_rows - 1
    above_row = head.grid()[last_row]
    first = [c for c in tail.cells if c.row == skip]

    def above(cell: Cell) -> Cell | None:
        a = above_row[cell.col] if cell.col < len(above_row) else None
        return a if a is not None and a.col == cell.col and a.col_span == cell.col_span else None

    def joinable(a: Cell | None, cell: Cell) -> bool:
        return (
            a is not None
            and bool(a.text)
            and not (cell.text and (_NUMERIC.match(cell.text) or _ENUMERATOR.match(cell.text)))
        )

    # Rows of the head that print a number are data rows. An empty cell on the new page continues
    # only a label cell of such rows (a group label cut by the break); under a header cell it is a
    # blank figure (table 4's data row after its header, with 复议 结果维持 blank).
    data_rows = {c.row for c in head.cells if c.text and _NUMERIC.match(c.text)}
    eligible = [c for c in first if above(c) is not None]
    # a row cut by the page break: every cell that lines up with the cell above continues it
    split_row = any(c.text for c in eligible) and all(not c.text or joinable(above(c), c) for c in eligible)
    if not any(c.text for c in first) and first and len(eligible) == len(first):
        split_row = True  # an empty strip: the rest of a row whose text all stayed on the page before
    whole_row = split_row and len(eligible) == len(first)
    offset = head.n_rows - skip - (1 if whole_row else 0)
    for cell in tail.cells:
        if cell.row < skip:
            continue
        a = above(cell) if cell.row == skip else None
        if a is not None and (split_row or _is_split_part(a, cell, data_rows)):
            a.row_span = max(a.row_span, cell.row + offset + cell.row_span - a.row)
            if cell.text:
                a.text = join_cell_lines(a.text + "\n" + cell.text)
                a.raw_text = a.raw_text + "\n" + cell.raw_text
            continue
        cell.row += offset
        head.cells.append(cell)
    head.cells.sort(key=lambda c: (c.row, c.col))
    return True


def _is_split_part(above: Cell, cell: Cell, data_rows: set[int]) -> bool:
    """Is ``cell`` (first row on the new page) the rest of the label cell ``above`` cut by the page break?"""
    if not above.text or _NUMERIC.match(above.text):
        return False
    if not cell.text:
        return any(r in data_rows for r in range(above.row, above.row + above.row_span))
    if _NUMERIC.match(cell.text) or _ENUMERATOR.match(cell.text):
        return False
    return bool(_GROUP_OPEN.match(above.text)) and not above.text.endswith(("。",))


