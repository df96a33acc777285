"""Ruling lines and cells of a PDF table where the drawing is not a clean grid: underlined text
(one line per text line, no wider than the text) and a region whose parts no border separates."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from extractor.readers.pdf.layout import Char, PageData
from extractor.readers.pdf.rules import DECORATION_TOL, drop_text_decorations
from extractor.readers.pdf.tables import _grid_table


def _h(x0: float, x1: float, y: float) -> dict[str, object]:
    return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0, "orientation": "h"}


def _v(x: float, top: float, bottom: float) -> dict[str, object]:
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "orientation": "v"}


def _line(text: str, x0: float, top: float, size: float = 14.0) -> list[Char]:
    """Characters of one text line, ``size`` points wide and high each."""
    out = []
    for i, ch in enumerate(text):
        x = x0 + i * size
        out.append(Char(ch, x, top, x + size, top + size, size, x + size / 2, top + size / 2))
    return out


def test_underlines_are_not_rules_but_the_cell_borders_around_them_are() -> None:
    """LibreOffice's PDF of a page whose label cells are underlined links: a line under each text
    line, one piece per font run, no wider than the text. They cut the cell into one row per line."""
    chars = _line("5.要求行政机", 180.0, 613.0) + _line("关确认或重新", 180.0, 633.0)
    underlines = [_h(180.0, 208.0, 626.2), _h(208.0, 278.0, 626.2), _h(180.0, 264.0, 646.8)]
    rules = [_h(178.0, 567.0, 608.2), _h(178.0, 567.0, 691.8), _v(178.0, 608.2, 691.8), _v(280.0, 608.2, 691.8)]
    kept = drop_text_decorations([*rules, *underlines], chars)
    assert kept == rules
    # a border right under a line of text, but running past it on both sides, stays
    tight = _h(178.0, 282.0, 627.0)
    assert tight in drop_text_decorations([tight], chars)


@given(st.floats(0, 200), st.floats(1, 200), st.floats(-3, 16), st.floats(DECORATION_TOL + 0.01, 30), st.booleans())
def test_a_line_running_past_the_text_is_never_dropped(x0: float, width: float, dy: float, past: float, left: bool) -> None:
    chars = _line("信息公开", x0, 100.0)
    text_x1 = x0 + 4 * 14.0
    edge = _h(x0 - past, text_x1, 100.0 + dy) if left else _h(x0, text_x1 + past, 100.0 + dy)
    assert drop_text_decorations([edge], chars) == [edge]
    assert drop_text_decorations([_v(x0 + width, 90.0, 130.0)], chars) == [_v(x0 + width, 90.0, 130.0)]


def _page(chars: list[Char]) -> PageData:
    return PageData(number=1, width=600.0, height=800.0, chars=chars, text="".join(c.text for c in chars))


def test_a_region_no_border_divides_is_split_into_the_cells_it_holds() -> None:
    """The bottom of a LibreOffice table 3: （六）其他处理 spans three sub-rows, （七）总计 spans the
    two label columns below it, and no rule separates the two labels. pdfplumber's cell rule then
    finds one rectangle over both labels *and* the three sub-row labels (the smallest rectangle
    whose corners are joined by rules). Its parts become cells of their own."""
    ys = [596.0, 671.0, 745.0, 776.0, 807.0]  # columns at 104, 147, 262 and 304
    boxes = [(104.0, 596.0, 262.0, 807.0)]  # the rectangle found from the top-left corner
    boxes += [(147.0, ys[i], 262.0, ys[i + 1]) for i in range(3)]  # the sub-row labels
    boxes += [(262.0, ys[i], 304.0, ys[i + 1]) for i in range(4)]  # a value column
    chars = _line("其他处理", 105.0, 680.0, 10.0)[:1] + _line("1.甲", 150.0, 600.0) + _line("2.乙", 150.0, 680.0)
    chars += _line("3.其他", 150.0, 750.0) + _line("总计", 110.0, 780.0, 12.0)
    chars += [c for i in range(4) for c in _line(str(i), 270.0, ys[i] + 5.0)]
    table = _grid_table(boxes, _page(chars))
    assert table is not None
    cells = {(c.row, c.col): (c.text, c.row_span, c.col_span) for c in table.cells}
    assert cells == {
        (0, 0): ("其", 3, 1),  # the group label beside its three sub-rows
        (0, 1): ("1.甲", 1, 1), (1, 1): ("2.乙", 1, 1), (2, 1): ("3.其他", 1, 1),
        (3, 0): ("总计", 1, 2),  # the label under it, across both label columns
        (0, 2): ("0", 1, 1), (1, 2): ("1", 1, 1), (2, 2): ("2", 1, 1), (3, 2): ("3", 1, 1),
    }


@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 4), st.integers(1, 3), st.integers(1, 3)), min_size=1, max_size=12))
def test_no_grid_position_belongs_to_two_cells(specs: list[tuple[int, int, int, int]]) -> None:
    """Whatever rectangles the cell finder returns (overlapping ones included), every grid position
    goes to one cell at most, and every character to the cell whose box holds it."""
    boxes = [(50.0 * c, 40.0 * r, 50.0 * (c + cs), 40.0 * (r + rs)) for r, c, rs, cs in specs]
    boxes += [(0.0, 0.0, 50.0, 40.0), (300.0, 280.0, 350.0, 320.0)]  # at least three columns
    chars = [c for r in range(7) for col in range(6) for c in _line(f"{r}{col}", 50.0 * col + 5, 40.0 * r + 5, 8.0)]
    table = _grid_table(list(dict.fromkeys(boxes)), _page(chars))
    if table is None:
        return
    seen: dict[tuple[int, int], int] = {}
    for i, cell in enumerate(table.cells):
        for r in range(cell.row, cell.row + cell.row_span):
            for c in range(cell.col, cell.col + cell.col_span):
                assert (r, c) not in seen
                seen[(r, c)] = i
    for cell in table.cells:
        x0, top, x1, bottom = cell.provenance.bbox  # type: ignore[misc]
        for line in cell.raw_text.split("\n"):
            for label in line.split():
                r, col = int(label[0]), int(label[1])
                assert x0 <= 50.0 * col + 8 <= x1 and top <= 40.0 * r + 9 <= bottom


def test_ink_nobody_read_keeps_a_cell_from_being_blank_unless_the_cell_was_read() -> None:
    """The OCR reader writes U+FFFD for ink in a table cell it could not read: alone in its cell,
    the cell reads as text (a value cell, no value); beside read characters, it is dropped."""
    from extractor.text import UNREAD, is_value_text

    boxes = [(0.0, 0.0, 50.0, 40.0), (50.0, 0.0, 100.0, 40.0), (100.0, 0.0, 150.0, 40.0)]
    chars = _line("甲", 5.0, 10.0, 12.0) + _line(UNREAD, 60.0, 10.0, 12.0) + _line("1", 105.0, 10.0, 12.0)
    chars += _line(UNREAD, 125.0, 10.0, 12.0)
    table = _grid_table(boxes, _page(chars))
    assert table is not None
    assert [c.text for c in table.cells] == ["甲", UNREAD, "1"]
    assert is_value_text(UNREAD) and not is_value_text("甲" + UNREAD)


def test_a_bare_number_in_a_margin_is_a_page_number_only_when_it_counts_the_pages() -> None:
    from extractor.readers.pdf.layout import Line
    from extractor.readers.pdf.paragraphs import _numbering, _page_number

    def page(n: int, *margin: str) -> PageData:
        p = _page([])
        p.number = n
        p.margin_lines = [Line(_line(t, 300.0, 800.0, 10.0)) for t in margin]
        return p

    numbered = [page(1, "1"), page(2, "2"), page(3, "3"), page(4, "- 4 -")]
    offsets = _numbering(numbered)
    assert offsets == {0} and _page_number("3", 3, offsets) and _page_number("- 4 -", 4, offsets)
    assert not _page_number("2", 3, offsets)  # a table row's 总计 at the top of page 3
    lone = [page(1), page(2), page(3, "2"), page(4)]  # no page numbers; a row's last cell on a line of its own
    assert not _page_number("2", 3, _numbering(lone))
    assert _page_number("1", 1, _numbering([page(1, "1")]))
    assert _numbering([page(1, "3"), page(2, "4")]) == {2}  # numbering that starts after a cover
