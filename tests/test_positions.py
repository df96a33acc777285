"""Text laid out by position (``pdftotext -layout``): blank cells printed as spaces, columns found
from the full rows (or a page's rows together), numbers wrapped in narrow cells joined."""

from __future__ import annotations

from extractor import extract
from extractor.document import Paragraph, Provenance
from extractor.locate.align.rows import stream_of
from extractor.locate.align.wrapped import wrapped_pieces_joined
from extractor.readers.text import read_text

T3 = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
W = 7  # characters per column


def _line(label: str, cells: list[int | None], shift: int = 0) -> str:
    """A table-3 row as pdftotext -layout prints it: a label field, then each cell right-aligned
    in its column, a blank cell as spaces."""
    body = "".join((str(c) if c is not None else "").rjust(W) for c in cells)
    return label.ljust(20) + " " * shift + body


def _report(rows: dict[str, list[int | None]]) -> str:
    lines = ["某县2023年政府信息公开工作年度报告", "三、收到和处理政府信息公开申请情况",
             "申请人情况".ljust(20) + "".join(h.rjust(W) for h in T3)]
    lines += [_line(label, cells) for label, cells in rows.items()]
    lines += ["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines) + "\n"


_LABELS = ["一、本年新收政府信息公开申请数量", "二、上年结转政府信息公开申请数量", "（一）予以公开", "（二）部分公开",
           "（七）总计", "四、结转下年度继续办理"]


def _t3(result: object, row: str) -> list[float | None]:
    flat = result.report.flat()  # type: ignore[attr-defined]
    return [flat.get(f"t3.{row}.{c}") for c in
            ("natural_person", "commercial", "research", "social_org", "legal_service", "other_org", "total")]


def test_the_text_reader_keeps_each_lines_column_and_page() -> None:
    doc = read_text("标题\n   规章   3\n\f第二页\n  \f  行政许可 5\n")
    paras = [b for b in doc.blocks if isinstance(b, Paragraph)]
    assert [(p.text, p.provenance.column, p.provenance.page) for p in paras] == [
        ("标题", 0, 1), ("规章   3", 3, 1), ("第二页", 0, 2), ("行政许可 5", 2, 3)]
    plain = [b for b in read_text("a\n  b 1\n").blocks if isinstance(b, Paragraph)]
    assert [(p.provenance.column, p.provenance.page) for p in plain] == [(0, None), (2, None)]


def test_tokens_know_their_column() -> None:
    text = "一、本年新收   12    3"
    paras = [Paragraph("标题", Provenance(line=1, column=0)), Paragraph(text, Provenance(line=2, column=4))]
    nums = stream_of(paras).numbers
    assert [(n.text, n.x) for n in nums] == [("12", 4 + text.index("12")), ("3", 4 + text.index("3"))]


def test_a_wrapped_piece_under_its_number_joins_it() -> None:
    paras = [Paragraph("一、本年新收政府   1641    3  2    5    8    1643", Provenance(line=1, column=0)),
             Paragraph("信息公开申请数量   4                         2", Provenance(line=2, column=0))]
    nums = stream_of(paras).numbers
    joined = wrapped_pieces_joined(nums)
    assert [t.digits for t in joined] == ["16414", "3", "2", "5", "8", "16432"]
    # a piece under no number, or under a signed one, leaves the row as it is
    moved = [Paragraph("规章   1641    3", Provenance(line=1, column=0)), Paragraph("说明" + " " * 20 + "4", Provenance(line=2, column=0))]
    assert [t.digits for t in wrapped_pieces_joined(stream_of(moved).numbers)] == ["1641", "3", "4"]
    signed = [Paragraph("行政强制   -18    3", Provenance(line=1, column=0)), Paragraph("          7", Provenance(line=2, column=0))]
    assert [t.digits for t in wrapped_pieces_joined(stream_of(signed).numbers)] == ["18", "3", "7"]


def test_a_short_row_is_placed_under_its_columns() -> None:
    """3 and 5 with blanks around them: fifteen placements hold the row's total, and the table
    prints no （七）总计, so no column identity can choose among them; the columns decide."""
    rows: dict[str, list[int | None]] = {
        _LABELS[0]: [None, 3, None, None, 5, None, 8],
        _LABELS[1]: [1, 2, 3, 4, 5, 6, 21],
        "（一）予以公开": [1, 3, 3, 4, 7, 6, 24],
        "（二）部分公开": [0, 2, 0, 0, 3, 0, 5],
        "四、结转下年度继续办理": [0, 1, 0, 2, 0, 0, 3],
    }
    result = extract(_report(rows).encode("utf-8"), name="layout.txt")
    assert _t3(result, "new_received") == [0, 3, 0, 0, 5, 0, 8]
    shifted = _report(rows).replace(_line(_LABELS[0], rows[_LABELS[0]]), _line(_LABELS[0], rows[_LABELS[0]], shift=1))
    assert _t3(extract(shifted.encode("utf-8"), name="layout.txt"), "new_received") == [0, 3, 0, 0, 5, 0, 8]


def _paras(lines: list[str]) -> list[Paragraph]:
    """Paragraphs as the text reader makes them: one per non-empty line, numbered by source line."""
    return [Paragraph(text, Provenance(line=i + 1, column=0)) for i, text in enumerate(lines) if text]


def test_pieces_of_a_number_on_consecutive_lines_join_where_cells_are_set_apart() -> None:
    """get_text("\\n") of ``<td><span>29</span><span>1</span></td>``: every two cells are four empty
    lines apart, the two pieces of 291 none (or, tags replaced by line breaks, one)."""
    from extractor.locate.align.wrapped import line_pieces_joined, piece_gap

    cells = ["23", "\xa0", "6", "\xa0", "\xa0", "29|1", "12", "0", "-|1|5", "7", "4", "8", "9", "3", *map(str, range(10, 30))]
    for between, inside in ((4, 0), (8, 1)):
        lines: list[str] = ["规章"]
        for cell in cells:
            lines += [""] * between
            for j, piece in enumerate(cell.split("|")):
                lines += [""] * (inside if j else 0) + [piece]
        nums = stream_of(_paras(lines)).numbers
        gap = piece_gap(nums)
        assert gap is not None and inside <= gap < between
        joined = line_pieces_joined(nums, gap)
        assert [t.text for t in joined][:14] == ["23", "\xa0", "6", "\xa0", "\xa0", "291", "12", "0", "-15", "7", "4", "8", "9", "3"]
        assert len(joined) == len(cells)
        assert [t.sign for t in joined][8] == "-"
    # one cell per line without empty lines between cells, or a converter's single empty line: no pieces
    assert piece_gap(stream_of(_paras(["规章", *[c for c in cells if "|" not in c]])).numbers) is None
    spaced = ["规章"]
    for c in cells:
        spaced += ["", *c.split("|")]
    assert piece_gap(stream_of(_paras(spaced)).numbers) is None
