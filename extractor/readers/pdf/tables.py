"""Table finding on one page: ruling edges -> pdfplumber cells -> :class:`Table` with spans; text-strategy fallback."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

from extractor.document import BBox, Cell, Document, Provenance, Table
from extractor.readers.pdf.chars import LoadedPage
from extractor.readers.pdf.layout import (
    EDGE_TOL,
    HEADER_KEYWORDS,
    MARGIN,
    MAX_EDGES,
    SNAP,
    TABLE_HEADINGS,
    Char,
    Edge,
    PageData,
    group_lines,
    join_cell_lines,
)
from extractor.readers.pdf.rules import close_open_tables, drop_text_decorations
from extractor.text import UNREAD


def find_tables(page: LoadedPage, doc: Document, *, heading_before: bool = False) -> bool:
    """Find the page's tables (added to ``page.data``). True when none was found but the page's
    table is probably an image (a large image under a table heading): the caller may OCR it."""
    data = page.data
    edges, images = page.paths()
    edges = drop_text_decorations(edges, data.chars)
    tables = tables_from_edges([*edges, *page.extra_edges], data, doc)
    if tables is None:
        return False
    if not tables:
        page_area = data.width * data.height
        big_image = any((b[2] - b[0]) * (b[3] - b[1]) > 0.1 * page_area for b in images)
        if big_image and (heading_before or TABLE_HEADINGS.search(data.text) or HEADER_KEYWORDS.search(data.text)):
            return True
        if HEADER_KEYWORDS.search(data.text):
            tables = _text_strategy_tables(data)
    add_tables(data, tables)
    return False


def add_tables(data: PageData, tables: list[Table]) -> None:
    for table in tables:
        bbox = table.provenance.bbox
        assert bbox is not None
        data.tables.append(table)
        data.blocks.append((bbox[1], table))


def tables_from_edges(edges: list[Edge], data: PageData, doc: Document) -> list[Table] | None:
    """Ruled tables from ruling edges (vector paths or lines found in an image); None: too many edges."""
    from pdfplumber.table import cells_to_tables, edges_to_intersections, merge_edges
    from pdfplumber.utils.geometry import filter_edges

    from extractor.readers.pdf.cells import intersections_to_cells

    edges = [e for e in edges if max(e["width"], e["height"]) >= SNAP]
    if len(edges) > MAX_EDGES:  # a vector drawing, not a table: cell finding would be quadratic
        doc.warnings.append(f"too_many_rules: page {data.number} ({len(edges)} edges), table finding skipped")
        return None
    merged = merge_edges(close_open_tables(edges), SNAP, SNAP, SNAP, SNAP)
    merged = filter_edges(merged, min_length=SNAP)
    cells = intersections_to_cells(edges_to_intersections(merged, SNAP, SNAP))
    tables = [t for t in (_grid_table(group, data) for group in cells_to_tables(cells)) if t is not None]
    return [t for t in tables if not _recognised_heading(t)]


def _recognised_heading(table: Table) -> bool:
    """One row of recognised text without a digit: glyph strokes of large type in a scanned heading
    taken for rules, not a table (a real table's fragment holds figures or several header rows)."""
    cells = [c for c in table.cells if c.text]
    return (
        table.n_rows == 1
        and bool(cells)
        and all(c.confidence is not None for c in cells)
        and not any(ch.isdigit() for c in cells for ch in c.text)
    )


def place_tables(data: PageData, edges: list[Edge], doc: Document) -> None:
    """Tables of a page known only by its characters and ruling edges (an OCR'd image page): ruled
    tables first, else the text strategy when the page has table-header words."""
    tables = tables_from_edges(edges, data, doc)
    if tables == [] and HEADER_KEYWORDS.search(data.text):
        tables = _text_strategy_tables(data)
    add_tables(data, tables or [])


def cluster(values: Iterable[float], tol: float = EDGE_TOL) -> list[float]:
    out: list[float] = []
    for v in sorted(values):
        if out and v - out[-1] <= tol:
            continue
        out.append(v)
    return out


def grid_index(edges: Sequence[float], v: float) -> int:
    i = bisect_right(edges, v + EDGE_TOL) - 1
    return max(i, 0)


def _grid_table(cell_boxes: Sequence[BBox], data: PageData, spans_known: bool = True) -> Table | None:
    xs = cluster(v for b in cell_boxes for v in (b[0], b[2]))
    ys = cluster(v for b in cell_boxes for v in (b[1], b[3]))
    if len(xs) < 3 or len(ys) < 2:  # a single column is a framed paragraph, not a table
        return None
    ranges: list[_Range] = []
    for box in sorted(cell_boxes, key=lambda b: (round(b[1]), b[0])):
        r0, r1 = grid_index(ys, box[1]), grid_index(ys, box[3])
        c0, c1 = grid_index(xs, box[0]), grid_index(xs, box[2])
        if r1 > r0 and c1 > c0:
            ranges.append((r0, r1, c0, c1, box))
    placed, grid, overlapped = _place(ranges, xs, ys)
    if overlapped:  # a cell found over others: they go first, it keeps what they leave
        inner, outer = _split_containers(ranges)
        placed, grid, _ = _place([*inner, *outer], xs, ys)
    texts: list[list[Char]] = [[] for _ in placed]
    tx0, ttop, tx1, tbottom = xs[0], ys[0], xs[-1], ys[-1]
    for ch in data.chars:
        cx, cy = ch.cx, ch.cy
        if tx0 <= cx <= tx1 and ttop <= cy <= tbottom:
            k = grid.get((min(bisect_right(ys, cy) - 1, len(ys) - 2), min(bisect_right(xs, cx) - 1, len(xs) - 2)), -1)
            if k >= 0:
                texts[k].append(ch)
    cells = []
    recognised = any(ch.score is not None for chars in texts for ch in chars)
    for (row, col, rs, cs, box), chars in zip(placed, texts, strict=True):
        if any(c.text == UNREAD for c in chars) and any(c.text.strip() and c.text != UNREAD for c in chars):
            chars = [c for c in chars if c.text != UNREAD]  # the cell was read: the other ink is no glyph of it
        raw = "\n".join(line.text for line in group_lines(chars))
        scores = [c.score for c in chars if c.score is not None]
        cells.append(
            Cell(
                row=row,
                col=col,
                text=join_cell_lines(raw),
                raw_text=raw,
                row_span=rs,
                col_span=cs,
                provenance=Provenance(page=data.number, bbox=box),
                # an empty cell of a recognised table may hold a glyph nobody recognised
                confidence=min(scores) if scores else (0.0 if recognised else None),
            )
        )
    if not any(c.text for c in cells):
        return None
    cells.sort(key=lambda c: (c.row, c.col))
    return Table(cells, Provenance(page=data.number, bbox=(tx0, ttop, tx1, tbottom)), spans_known=spans_known)


_Range = tuple[int, int, int, int, BBox]
"""A found cell's grid rows ``[r0, r1)`` and columns ``[c0, c1)``, and its box."""


_Placed = tuple[int, int, int, int, BBox]
"""A cell's first row, first column, row span, column span and box."""


def _place(ranges: list[_Range], xs: list[float], ys: list[float]) -> tuple[list[_Placed], dict[tuple[int, int], int], bool]:
    """Cells in order, each claiming its grid positions; a cell part of whose positions an earlier
    one claimed keeps the rest, as rectangles (:func:`_free_rectangles`). Also whether that happened."""
    placed: list[_Placed] = []
    grid: dict[tuple[int, int], int] = {}
    overlapped = False
    for r0, r1, c0, c1, box in ranges:
        parts = [(r0, r1, c0, c1, box)]
        if any((r, c) in grid for r in range(r0, r1) for c in range(c0, c1)):
            overlapped = True
            parts = [(a, b, c, d, (xs[c], ys[a], xs[d], ys[b])) for a, b, c, d in _free_rectangles(grid, r0, r1, c0, c1)]
        for rr0, rr1, cc0, cc1, part in parts:
            k = len(placed)
            placed.append((rr0, cc0, rr1 - rr0, cc1 - cc0, part))
            for r in range(rr0, rr1):
                for c in range(cc0, cc1):
                    grid[(r, c)] = k
    return placed, grid, overlapped


def _split_containers(ranges: list[_Range]) -> tuple[list[_Range], list[_Range]]:
    """The found cells that contain none of the others, and those that do.

    pdfplumber's cell rule takes, from each corner, the smallest rectangle whose four corners are
    joined by rules. Where a border is missing — LibreOffice prints no rule between a group label
    spanning rows (（六）其他处理) and the label below it spanning two columns (（七）总计) — the
    rectangle found from that corner runs on to the next rule and covers cells found from other
    corners (the group's sub-row labels), so their text went to the big one and theirs stayed empty.
    A region without a border between its parts is not one cell: the cells it holds are placed
    first and it keeps what is left (:func:`_free_rectangles`)."""
    inner: list[_Range] = []
    outer: list[_Range] = []
    for a in ranges:
        if any(b is not a and a[0] <= b[0] and b[1] <= a[1] and a[2] <= b[2] and b[3] <= a[3]
               and (b[0], b[1], b[2], b[3]) != (a[0], a[1], a[2], a[3]) for b in ranges):
            outer.append(a)
        else:
            inner.append(a)
    return inner, outer


def _free_rectangles(grid: dict[tuple[int, int], int], r0: int, r1: int, c0: int, c1: int) -> list[tuple[int, int, int, int]]:
    """The grid positions of ``[r0, r1) × [c0, c1)`` no other cell claims, as rectangles: each row's
    runs of free columns, a run merged with the rows below that free exactly the same columns (an
    L-shaped region is a cell spanning rows beside the smaller cells and one spanning columns under
    them)."""
    runs: list[list[tuple[int, int]]] = []
    for r in range(r0, r1):
        row: list[tuple[int, int]] = []
        c = c0
        while c < c1:
            if (r, c) in grid:
                c += 1
                continue
            start = c
            while c < c1 and (r, c) not in grid:
                c += 1
            row.append((start, c))
        runs.append(row)
    out: list[tuple[int, int, int, int]] = []
    open_: dict[tuple[int, int], int] = {}  # column run -> first row it was free in
    for i, row in enumerate([*runs, []]):
        r = r0 + i
        for run in list(open_):
            if run not in row:
                out.append((open_.pop(run), r, run[0], run[1]))
        for run in row:
            open_.setdefault(run, r)
    return sorted(out)


def _text_strategy_tables(data: PageData) -> list[Table]:
    """pdfplumber's text strategy on our words, for tables printed without ruling lines."""
    from pdfplumber.table import (
        cells_to_tables,
        edges_to_intersections,
        merge_edges,
        words_to_edges_h,
        words_to_edges_v,
    )

    from extractor.readers.pdf.cells import intersections_to_cells

    words = _words(data.chars)
    if len(words) < 6:
        return []
    edges = words_to_edges_v(words, word_threshold=3) + words_to_edges_h(words, word_threshold=1)
    edges = merge_edges(edges, SNAP, SNAP, SNAP, SNAP)
    cells = intersections_to_cells(edges_to_intersections(edges, SNAP, SNAP))
    out = []
    for group in cells_to_tables(cells):
        table = _grid_table(group, data, spans_known=False)
        if table is None:
            continue
        # the text strategy puts a rule above and below every line: drop the empty rows and columns
        rows = sorted({c.row for c in table.cells if c.text})
        cols = sorted({c.col for c in table.cells if c.text})
        table.cells = [c for c in table.cells if c.row in rows and c.col in cols]
        for c in table.cells:
            c.row, c.col = rows.index(c.row), cols.index(c.col)
        if table.n_cols >= 3 and table.n_rows >= 3:
            out.append(table)
    return out


def _words(chars: list[Char]) -> list[dict[str, Any]]:
    words: list[dict[str, Any]] = []
    for line in group_lines(chars):
        current: list[Char] = []
        for ch in [*line.chars, Char(" ", 1e9, 0, 1e9, 0, 0, 1e9, 0)]:
            gap = ch.x0 - current[-1].x1 if current else 0.0
            if ch.text == " " or gap > 3.0:
                if current:
                    words.append(
                        {
                            "text": "".join(c.text for c in current),
                            "x0": current[0].x0,
                            "x1": current[-1].x1,
                            "top": min(c.top for c in current),
                            "bottom": max(c.bottom for c in current),
                            "upright": True,
                        }
                    )
                current = [] if ch.text == " " else [ch]
            else:
                current.append(ch)
    return words


def table_reaches_bottom(data: PageData) -> bool:
    if not data.tables:
        return False
    last = max(data.tables, key=lambda t: t.provenance.bbox[3] if t.provenance.bbox else 0.0)
    bbox = last.provenance.bbox
    assert bbox is not None
    below = [c for c in data.chars if c.top > bbox[3] and c.bottom < data.height * (1 - MARGIN) and c.text.strip()]
    return not below


