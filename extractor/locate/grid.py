"""Find template rows in tables the reader saw as grids (HTML, PDF, DOCX, pipe/markdown text).

Rows are read in document order through a small state machine, not table by table: table 2's four
blocks may be one table or four, table 3 may continue on the next PDF page, and a scrambled PDF
conversion may split one table into many. The state changes on header content
(``第二十条第（X）项`` / ``信息内容`` → table 2, the 勾稽 note / ``申请人情况`` / ``自然人`` → table 3,
``行政复议`` + ``行政诉讼`` → table 4), never on a table's position.

Columns come from the header hierarchy where the grid is trustworthy: the leaf header cells
``自然人 … 总计`` give the grid column of each value column. A row that overflows the header's width
(Word exports that repeat a row-spanned label cell in a later row) is re-aligned from the right.
Where spans are unknown (text tables), a row's values are the cells after its last label cell.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

from extractor.budget import Budget
from extractor.document import Cell, Document, Paragraph, Table
from extractor.locate.hits import (
    UNLABELED,
    Located,
    PrintedCell,
    RowHit,
    TableKind,
    cell_ref,
    match_t2_item,
    match_t3_row,
    t2_block_in,
    t2_columns_in,
)
from extractor.records.models import CellRef
from extractor.template import T3_COLUMN_LABELS, T3_COLUMNS
from extractor.text import fold, has_cjk, is_value_text

MAX_GRID_AREA = 2_000_000
"""Largest table (rows × columns, spans expanded) whose dense grid is built to place values under
the header; hostile spans (20,000 rows × colspan 1000) would otherwise allocate gigabytes."""
_T3_HEADER_CORES = {fold(v): k for k, v in T3_COLUMN_LABELS.items()}


_ref = cell_ref


def _is_label(cell: Cell) -> bool:
    return _is_label_text(cell.text)


@lru_cache(maxsize=16384)
def _is_label_text(text: str) -> bool:
    return has_cjk(text) and not is_value_text(text)


def _split_row(cells: list[Cell]) -> tuple[list[Cell], list[Cell]]:
    """(label cells, value cells after the last label cell)."""
    last = -1
    for i, c in enumerate(cells):
        if _is_label_text(c.text):
            last = i
    return cells[: last + 1], cells[last + 1 :]


_TAIL_NUMBER = re.compile(r"(?<![\d.])(\d+)\s*$")


def _value_in_label(labels: list[Cell], values: list[Cell], k: int | None, spans_known: bool) -> list[Cell]:
    """A row of a text grid one value cell short whose label cell ends with a number: the row's
    first cell, run into its label by the converter (pymupdf4llm's markdown: ``|1.属于国家秘密0|0|…``
    or ``|2.其他法律行政<br>法规禁止公开<br>0|0|…``, six cells for seven columns). No template label
    ends with a digit. Read left-aligned, every cell took its left neighbour's value."""
    if spans_known or k is None or len(values) != k - 1 or not labels:
        return values
    last = labels[-1]
    m = _TAIL_NUMBER.search(last.raw_text)
    if m is None or not has_cjk(last.raw_text[: m.start()]):
        return values
    return [Cell(last.row, last.col, m.group(1), m.group(1), 1, 1, last.provenance), *values]


def _values_below(values: list[Cell], rows: list[list[Cell]], r: int) -> list[Cell] | None:
    """The value cells of the row below a label row of a text grid whose own value cells are all
    empty, when that row prints values and no label: a converter that gives a wrapped label and its
    numbers a line each (camelot's stream mode: ``,（二）部分公开（区分处理的，只计这一情,,,,,,,`` then
    ``,,447,7,0,0,0,0,454``). Read as printed, the label row was all blank."""
    if not values or any(v.text.strip() for v in values) or r + 1 >= len(rows):
        return None
    below = rows[r + 1]
    if _split_row(below)[0] or not any(c.text.strip() for c in below):
        return None
    start = values[0].col
    return [c for c in below if c.col >= start]


def _overflows(values: list[Cell], k: int) -> bool:
    """More printed cells than the block has columns, copies of a merged cell (the same text in
    neighbouring cells) counted once."""
    printed = [c.text.strip() for c in values if c.text.strip()]
    distinct = [t for i, t in enumerate(printed) if i == 0 or t != printed[i - 1]]
    return len(distinct) > k


def _other_then_more(label: str) -> bool:
    """The group label （六）其他处理 followed by words (four or more, after its last mention: a merged
    cell repeats it): a piece of one of its sub-rows' labels (``（六）其他处理 | 补正、行政机关不再处理其
    政府信息公开申请``), not the 2019 template's row."""
    tail = label[label.rfind("其他处理") + len("其他处理"):]
    return len(_WORD_CHARS.findall(tail)) >= 4


_WORD_CHARS = re.compile(r"[\u4e00-\u9fff]")


def _unlabeled_row(values: list[Cell], table_index: int, first: Cell, label: str = "") -> RowHit:
    """A table-3 value row without a label of its own (``label``: a piece of one naming no row),
    left to the template's order (rows.by_order)."""
    cells = [PrintedCell(c.text, table_index, c) for c in _trim(values, len(T3_COLUMNS))]
    return RowHit(kind="t3", key=UNLABELED, label=label, cells=cells, run_ref=_ref(table_index, first))


_SHORT_T2 = ("the row prints fewer cells than its block's header names columns in a text table (spans unknown): a cell "
             "may have been printed apart (a PDF's markdown: ``| 规章 | 22 | 235 |`` under three columns, the 废止 cell "
             "with its note above the table), so which column each printed cell belongs to is not known")


_OVERFLOW = ("the row prints more cells than its block has columns in a text table (spans unknown): a number may "
             "have been cut over two cells (pymupdf4llm: ``|135|75394432.5|2元|``), so no cell is known to be whole")


def _as_text_row(kind: TableKind, key: str, label: str, cells: list[Cell], ref: CellRef, **more: Any) -> RowHit:
    """A row of a text grid (pipe, tab or CSV rows: spans unknown) whose cells do not show its
    columns, read like running text: its printed cells as numbers, blank ones left out.

    A table-3 row printing fewer cells than columns is read so: the converter may have left out
    trailing blanks, or whole empty columns (pymupdf4llm drops them from a table's second page:
    ``|（七）总计||26|26|``), so its numbers are placed by the identities, never left-aligned by
    guess. A table-2 row printing too many cells (:data:`_OVERFLOW`) or too few (:data:`_SHORT_T2`:
    a cell may have been printed apart, so no placement of the others is known) is read so with
    ``unreadable`` set."""
    from extractor.locate.align.tokens import tokenize  # (the aligner is loaded only when a grid needs it)

    text = " ".join(c.text.strip() for c in cells if c.text.strip())
    return RowHit(kind=kind, key=key, label=label, run=text, tokens=tokenize(text).numbers, run_ref=ref, **more)


def _trim(values: list[Cell], k: int, padded: bool = False) -> list[Cell]:
    """Drop empty cells beyond ``k``: at the end (pipe rows end in stray empty cells) and at the
    start (a merged label's padding: HTML-to-markdown converters such as markdownify print a
    ``colspan="3"`` label as the label and two empty cells, ``| 一、本年新收… | | | 26 |``). In a
    ``padded`` table (:func:`_padded`) the start goes first: a blank 总计 is then a cell, not a stray."""
    out = list(values)
    start = 0
    if padded:
        while len(out) - start > k and not out[start].text.strip():
            start += 1
    while len(out) - start > k and not out[-1].text.strip():
        out.pop()
    while len(out) - start > k and not out[start].text.strip():
        start += 1
    return out[start:] if start else out


def _padded(rows: Iterable[list[Cell]], k: int) -> bool:
    """A table whose rows pad their label with empty cells: some row has more than ``k`` value cells,
    the first of them empty and the last printed."""
    for row in rows:
        values = _split_row(row)[1]
        if len(values) > k and not values[0].text.strip() and values[-1].text.strip():
            return True
    return False


class _T3Columns:
    """Grid column of each table-3 value column, read from the header rows."""

    def __init__(self) -> None:
        self.cols: dict[str, int] = {}
        self.complete = False
        """Every value column found, each at a column of its own (set by :meth:`learn`)."""
        self.width = 0
        self.subtotal_at: int | None = None
        """Value index of a printed 法人或其他组织 小计 column, when the header has one."""

    def learn(self, row: list[Cell]) -> None:
        text = fold("".join(c.text for c in row))
        if "小计" in text:
            # format.md §9.4: a 法人或其他组织 subtotal column (8 value columns) — accepted and skipped.
            before = text.find("小计") < text.find("商业") if "商业" in text else False
            self.subtotal_at = 1 if before else 6
        for c in row:
            key = _T3_HEADER_CORES.get(fold(c.text))
            if key is not None and key not in self.cols:
                self.cols[key] = c.col
                self.width = max(self.width, c.col + c.col_span)
        self.complete = len(self.cols) == len(T3_COLUMNS) and len(set(self.cols.values())) == len(T3_COLUMNS)

    def absent_total(self, printed: int) -> tuple[int, ...]:
        """``(6,)`` when the table prints no 总计 column: its header names most applicant columns but
        not 总计, and the row prints one value cell fewer than the template's seven."""
        k = len(T3_COLUMNS)
        if printed == k - 1 and "total" not in self.cols and len(self.cols) >= 4:
            return (k - 1,)
        return ()


def _without_subtotal(values: list[Cell], header: _T3Columns, padded: bool = False) -> list[Cell]:
    k = len(T3_COLUMNS)
    if header.subtotal_at is not None and len(_trim(values, k + 1, padded)) == k + 1:
        values = _trim(values, k + 1, padded)
        return values[: header.subtotal_at] + values[header.subtotal_at + 1 :]
    return _trim(values, k, padded)


def _row_values_by_header(row: list[Cell], grid_row: list[Cell | None], header: _T3Columns) -> list[Cell] | None:
    if not header.complete:
        return None
    right = max(c.col + c.col_span for c in row)
    shift = max(0, right - header.width)
    out: list[Cell] = []
    for key in T3_COLUMNS:
        col = header.cols[key] + shift
        cell = grid_row[col] if col < len(grid_row) else None
        if cell is None or _is_label(cell):
            return None
        out.append(cell)
    return out


MIN_GRID_T3_ROWS = 5
_APPLICANT_HEADS = ("商业企业", "科研机构", "法律服务机构")
_APPLICANT_WORD = re.compile("|".join(_APPLICANT_HEADS))


def _paragraph_mode(text: str, mode: str | None) -> str | None:
    """Text between tables can announce the next table (a heading, or a header the converter
    left outside the grid)."""
    f = fold(text)
    if "第二十条" in f:
        return "t2"
    if "申请人情况" in f or "勾稽" in f or "钩稽" in f:
        return "t3"
    if "行政复议" in f and "行政诉讼" in f and len(f) < 60:
        return "t4"
    if len(f) < 40 and f[:2] in ("五.", "六.") :
        return None
    return mode


def locate_grid_rows(doc: Document, budget: Budget | None = None) -> Located:
    found = Located()
    if not any(isinstance(b, Table) for b in doc.blocks):
        return found  # running text only (paragraphs just set the mode for a table after them)
    mode: str | None = None
    t2_block: str | None = None
    t2_cols: tuple[str, ...] = ()
    table_index = -1
    t4_pending: list[PrintedCell] = []
    t4_columns_seen = False  # table 4's column headings (结果维持 … 尚未审结) have been read
    for block in doc.blocks:
        if isinstance(block, Paragraph):
            mode = _paragraph_mode(block.text, mode)
            continue
        table_index += 1
        t3_header = _T3Columns()
        grid: list[list[Cell | None]] | None = None
        small: bool | None = None  # the table's grid is small enough to expand (computed once)
        in_other_group = False
        padded = not block.spans_known and _padded(block.rows(), len(T3_COLUMNS))
        rows = list(block.rows())
        taken = -1  # a row read as the values of the label row above it
        for r, row in enumerate(rows):
            if r == taken:
                continue
            if budget is not None:
                budget.tick("locating table rows")
            if not row:
                continue
            joined = fold("".join([c.text for c in row]))
            labels, values = _split_row(row)
            label_text = "".join([c.text for c in labels])
            block_name = t2_block_in(joined)
            if block_name:
                mode, t2_block, t2_cols = "t2", block_name, ()
                found.t2_header_words.update(t2_columns_in(joined))
                if not values or all(not v.text.strip() for v in values):
                    continue
            if "信息内容" in joined:
                mode = "t2"
                t2_cols = tuple(t2_columns_in(joined))
                found.t2_header_words.update(t2_cols)
                continue
            if "申请人情况" in joined or "勾稽" in joined or "钩稽" in joined or ("自然人" in joined and "总计" in joined):
                mode = "t3"
                t3_header.learn(row)
                continue
            if ("行政复议" in joined and "行政诉讼" in joined) or ("结果维持" in joined and "尚未审结" in joined):
                mode = "t4"
                t4_columns_seen = t4_columns_seen or ("结果维持" in joined and "尚未审结" in joined)
                continue
            if mode == "t3" and not labels and not t3_header.complete:
                t3_header.learn(row)
            if mode == "t3" and not labels and len(values) >= len(T3_COLUMNS) - 1 and all(is_value_text(c.text) for c in values):
                # A value row that lost its label (PDF-to-markdown conversions): the mapping
                # assigns such rows to the template rows left unlabeled, in template order.
                found.t3.append(_unlabeled_row(values, table_index, row[0]))
                continue
            # (fold maps character by character: a cell that folds to one of the words puts it in ``joined``)
            if mode == "t3" and _APPLICANT_WORD.search(joined) and any(fold(c.text) in _APPLICANT_HEADS for c in row):
                t3_header.learn(row)
                continue
            spec = match_t3_row(label_text, in_other_group=in_other_group) if labels and values else None
            if spec is not None and spec.key == "other" and _other_then_more(fold(label_text)):
                spec = None  # （六）其他处理 beside a piece of a sub-row's wrapped label: a row without its label
            if spec is not None and (mode == "t3" or spec.key in ("new_received", "carried_over")):
                mode = "t3"
                if "其他处理" in fold(label_text) or spec.key.startswith("other_"):
                    in_other_group = True
                elif spec.group is not None or spec.key in ("results_total", "carried_forward"):
                    in_other_group = False
                by_header = None
                if small is None and block.spans_known and t3_header.complete:
                    small = block.n_rows * block.n_cols <= MAX_GRID_AREA
                if small and block.spans_known and t3_header.complete:
                    grid = grid or block.grid()
                    by_header = _row_values_by_header(row, grid[r], t3_header)
                if not block.spans_known and (below := _values_below(values, rows, r)) is not None:
                    values, taken = below, r + 1
                values = _value_in_label(labels, values, len(T3_COLUMNS), block.spans_known)
                cells = by_header if by_header is not None else _without_subtotal(values, t3_header, padded)
                if not block.spans_known and 0 < len(cells) < len(T3_COLUMNS) - len(t3_header.absent_total(len(cells))):
                    found.t3.append(_as_text_row("t3", spec.key, label_text, cells, _ref(table_index, row[0])))
                    continue
                found.t3.append(
                    RowHit(
                        kind="t3",
                        key=spec.key,
                        label=label_text,
                        cells=[PrintedCell(c.text, table_index, c) for c in cells],
                        run_ref=_ref(table_index, row[0]),
                        absent=t3_header.absent_total(len(cells)),
                    )
                )
                continue
            if (spec is None and mode == "t3" and labels and len(values) >= len(T3_COLUMNS) - 1
                    and all(is_value_text(c.text) for c in values) and any(c.text.strip() for c in values)):
                # A full value row whose label names no template row: a piece of a wrapped label (a
                # PDF's converter printed ``行政机关不再处理其政府信息公`` of (六)1's two-line label, the
                # rest apart). Like a row that lost its label, it is assigned in template order.
                found.t3.append(_unlabeled_row(values, table_index, row[0], label_text))
                continue
            if mode == "t2" and labels:
                item = match_t2_item(label_text)
                if item is not None:
                    if not block.spans_known and (below := _values_below(values, rows, r)) is not None:
                        values, taken = below, r + 1
                    values = _value_in_label(labels, values, len(t2_cols) if t2_cols else None, block.spans_known)
                    why = None
                    if not block.spans_known and t2_cols:
                        why = (_OVERFLOW if _overflows(values, len(t2_cols)) else
                               _SHORT_T2 if len(values) < len(t2_cols) and any(c.text.strip() for c in values) else None)
                    if why is not None:
                        found.t2.append(_as_text_row("t2", item.key, label_text, values, _ref(table_index, row[0]),
                                                     unreadable=why, columns=t2_cols, block=t2_block or item.block))
                        continue
                    found.t2.append(
                        RowHit(
                            kind="t2",
                            key=item.key,
                            label=label_text,
                            cells=[PrintedCell(c.text, table_index, c) for c in values],
                            run_ref=_ref(table_index, row[0]),
                            columns=t2_cols,
                            block=t2_block or item.block,
                        )
                    )
                continue
            if (
                mode == "t4"
                and len(values) >= 5
                and len(label_text) <= 6
                and all(is_value_text(c.text) for c in values)
                and (not labels or any(c.text.strip() for c in values))  # "行政诉讼 | | |" is a header
            ):
                if not any(c.text.strip() for c in values) and not (t4_columns_seen and len(values) == 15):
                    continue  # a row of empty cells: markdown's header row of a table without <th>
                # (fifteen empty cells under the column headings: the data row, every cell blank)
                # The data row: one row of 15, or pieces of it when a report prints 行政复议 and
                # 行政诉讼 as separate tables (5 + 10); a short label such as 件数 may precede it.
                t4_pending.extend(PrintedCell(c.text, table_index, c) for c in _trim(values, 15))
                if len(t4_pending) >= 15:
                    found.t4.append(RowHit(kind="t4", key="data", cells=t4_pending[:15], run_ref=t4_pending[0].ref))
                    t4_pending = []
                    mode = None
    if t4_pending and not found.t4:
        found.t4.append(RowHit(kind="t4", key="data", cells=t4_pending, run_ref=t4_pending[0].ref))
    if sum(1 for h in found.t3 if h.cells and len(h.cells) >= 3) < MIN_GRID_T3_ROWS:
        found.t3.clear()  # a few rows that mention 本年新收 in a notes table are not a table 3
    for kind in ("t2", "t3", "t4"):
        if getattr(found, kind):
            found.sources[kind] = "grid"
    return found
