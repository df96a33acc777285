"""One test per bug found by the generator's property tests and the fuzzers (tests/gen,
tests/test_properties.py, tests/test_fuzz.py), named after what broke. Each is the smallest input
that showed it; the fix is in the general mechanism, never for one document."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest

from extractor import extract
from extractor.document import Cell, Provenance, Table
from extractor.readers import read_bytes

_T4_HEADER = (
    "四、政府信息公开行政复议、行政诉讼情况\n"
    "行政复议 | 行政诉讼 |||||||||||||\n"
    "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 ||||||||\n"
    "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |||||\n"
)


def _report(body: str, title: str = "某某县人民政府2023年政府信息公开工作年度报告") -> bytes:
    head = f"{title}\n本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n一、总体情况\n工作有序推进。\n"
    return (head + body + "五、存在的主要问题及改进情况\n仍有不足。\n六、其他需要报告的事项\n无。\n").encode()


def test_pipe_row_opening_with_a_blank_cell_keeps_its_columns() -> None:
    """Seed-style pipe table 4 whose first cells are blank: `` |  | 6 | 6 |…``. The leading pipe
    was taken for markdown's opening delimiter and every figure moved one column left."""
    row = " |  |  | 6 | 6 |  |  | 0 |  |  | 1 |  | 7 |  | 8 |\n"
    r = extract(_report(_T4_HEADER + row), name="t4.txt")
    assert r.report is not None and r.report.table4 is not None
    flat = r.report.flat()
    assert flat["t4.review.upheld"] == 0 and flat["t4.review.pending"] == 6 and flat["t4.review.total"] == 6
    assert flat["t4.lit_after_review.total"] == 8 and flat["t4.lit_after_review.upheld"] == 1
    assert r.report.table4.review.upheld is not None and r.report.table4.review.upheld.state.value == "blank"


def test_markdown_table_still_drops_its_opening_pipe() -> None:
    doc = read_bytes("| 行政许可 | 97 |\n|---|---|\n| 行政处罚 | 5 |\n".encode(), source="x.md")
    rows = [[c.text for c in row] for row in doc.tables[0].rows()]
    assert rows == [["行政许可", "97"], ["行政处罚", "5"]]


def test_markdown_heading_marker_is_not_part_of_the_organ() -> None:
    """``# 2022年示例市生态环境局政府信息公开工作年度报告``: the organ came out as ``#``."""
    data = _report("", title="# 2023年示例市生态环境局政府信息公开工作年度报告")
    r = extract(data, name="x.md")
    assert r.report is not None
    assert r.report.meta.organ == "示例市生态环境局"
    assert r.report.meta.report_year == 2023


def test_blank_detail_totals_leave_the_total_column_of_t3_3_unchecked() -> None:
    """上海 2019 style: detail rows leave 总计 blank. T3-2 was reported unchecked there, but T3-3
    compared (七)总计[总计] with the sum of the blanks (read as 0) and failed."""
    cols = "自然人 | 法人或其他组织 | 总计 |\n商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |\n"
    rows = [
        ("一、本年新收政府信息公开申请数量", [5, 1, 0, 0, 0, 0, 6]),
        ("二、上年结转政府信息公开申请数量", [0, 0, 0, 0, 0, 0, 0]),
        ("（一）予以公开", [3, 1, 0, 0, 0, 0, None]),
        ("（二）部分公开（区分处理的，只计这一情形，不计其他情形）", [2, 0, 0, 0, 0, 0, None]),
        ("（七）总计", [5, 1, 0, 0, 0, 0, 6]),
        ("四、结转下年度继续办理", [0, 0, 0, 0, 0, 0, 0]),
    ]
    body = "三、收到和处理政府信息公开申请情况\n（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和） | 申请人情况 |\n" + cols
    for label, vals in rows:
        body += label + " | " + " | ".join("" if v is None else str(v) for v in vals) + " |\n"
    r = extract(_report(body), name="t3.txt")
    assert r.report is not None
    # the fragment prints table 3 alone: tables 2 and 4 are missing by construction (table.missing)
    errors = [(f.code, f.cells[:1]) for f in r.findings if f.severity.value == "error" and not f.code.startswith("table.")]
    assert errors == []
    codes = {f.code for f in r.findings}
    assert {"T3-2.unchecked", "T3-3.unchecked"} <= codes


_SECTIONS_HTML = "".join(
    f"<p>{h}</p><p>有序推进。</p>"
    for h in ("一、总体情况", "二、主动公开政府信息情况", "三、收到和处理政府信息公开申请情况",
              "四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", "六、其他需要报告的事项")
)


def test_word_export_title_split_over_spans_keeps_the_whole_organ() -> None:
    """Word exports split the title into ``<span>`` runs; one run (``局2024年度…报告``) looked like a
    whole title on its own and became the page title, so the organ came out as ``局``."""
    page = (
        "<html><body><div class=WordSection1><p class=MsoTitle><span style='font-family:宋体'>样本市人力资源和社会保障</span>"
        "<span style='font-family:宋体'>局2024年度政府信息公开工作年度报告</span><o:p></o:p></p>"
        "<p class=MsoNormal><span>本报告所列数据统计期限为2024年1月1日至2024年12月31日。</span></p>"
        + _SECTIONS_HTML + "</div></body></html>"
    )
    r = extract(page.encode(), name="word.html")
    assert r.report is not None
    assert r.report.meta.organ == "样本市人力资源和社会保障局"
    assert r.report.meta.title == "样本市人力资源和社会保障局2024年度政府信息公开工作年度报告"


def test_word_export_title_with_a_source_line_wrap_has_no_space() -> None:
    """A source newline between two CJK characters is the exporter's wrap, also in the title."""
    page = (
        "<html><body><p class=MsoTitle><span>某某县卫\r\n生健康委员会2020年度政府信息公开工作年度报告</span></p>"
        "<p>本年度报告中所列数据统计期限从2020年1月1日到12月31日止。</p>" + _SECTIONS_HTML + "</body></html>"
    )
    r = extract(page.encode(), name="wrap.html")
    assert r.report is not None
    assert r.report.meta.organ == "某某县卫生健康委员会"


def _pdf_table(rows: list[list[tuple[int, int, str]]], top: float = 0.0, row_spans: dict[tuple[int, int], int] | None = None) -> Table:
    """A PDF-reader Table from rows of (first column, column span, text) on a 10-pt column grid."""
    cells = []
    for r, row in enumerate(rows):
        for col, span, text in row:
            rs = (row_spans or {}).get((r, col), 1)
            bbox = (col * 10.0, top + r * 10.0, (col + span) * 10.0, top + (r + rs) * 10.0)
            cells.append(Cell(r, col, text, text, rs, span, Provenance(page=1, bbox=bbox)))
    return Table(cells)


_T3_HEAD = [
    [(0, 3, "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"), (3, 7, "申请人情况")],
    [(3, 1, "自然人"), (4, 5, "法人或其他组织"), (9, 1, "总计")],
    [(4, 1, "商业企业"), (5, 1, "科研机构"), (6, 1, "社会公益组织"), (7, 1, "法律服务机构"), (8, 1, "其他")],
]


def test_pdf_blank_cells_after_a_page_break_are_not_the_header_above() -> None:
    """Table 3's header ends page 1 and row 一 opens page 2 with blank cells: the stitcher took
    each blank as the rest of the header cell above it (科研机构 …) and the row read header words."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    head = _pdf_table(_T3_HEAD, row_spans={(0, 0): 3, (1, 3): 2, (1, 9): 2})
    values = ["16", "4", "", "", "", "4", "24"]
    tail = _pdf_table([[(0, 3, "一、本年新收政府信息公开申请数量"), *((3 + i, 1, v) for i, v in enumerate(values))]], top=500)
    assert _continue_table(head, tail)
    row = head.text_rows()[3]
    assert row[-7:] == values


def test_pdf_empty_strip_of_a_row_cut_by_the_page_break_is_no_row() -> None:
    """LibreOffice cut a row at the page break with all its text on page 1; the empty strip on
    page 2 became a value row without a label (``rows.unlabeled``)."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    row4 = [(0, 1, "三、本年度办理结果"), (1, 1, "（三）不予公开"), (2, 1, "4．保护第三方合法权益"), *((3 + i, 1, "0") for i in range(7))]
    head = _pdf_table([*_T3_HEAD, row4], row_spans={(0, 0): 3, (1, 3): 2, (1, 9): 2})
    strip = [(0, 1, ""), (1, 1, ""), (2, 1, ""), *((3 + i, 1, "") for i in range(7))]
    row5 = [(0, 1, ""), (1, 1, ""), (2, 1, "5．属于三类内部事务信息"), *((3 + i, 1, "1") for i in range(7))]
    tail = _pdf_table([strip, row5], top=500)
    assert _continue_table(head, tail)
    rows = head.text_rows()
    assert len(rows) == 5
    assert rows[3][2] == "4．保护第三方合法权益" and rows[3][-7:] == ["0"] * 7
    assert rows[4][2] == "5．属于三类内部事务信息"


def test_pdf_blank_first_cells_of_table_4_after_a_page_break_stay_blank() -> None:
    """Table 4's header ends a page; its data row opens the next with 复议 结果维持… blank. The
    blanks were joined to the row-spanned header cells above and every figure moved left."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    head = _pdf_table(
        [
            [(0, 5, "行政复议"), (5, 10, "行政诉讼")],
            [*((i, 1, h) for i, h in enumerate(heads)), (5, 5, "未经复议直接起诉"), (10, 5, "复议后起诉")],
            [*((5 + i, 1, h) for i, h in enumerate(heads * 2))],
        ],
        row_spans={(1, i): 2 for i in range(5)},
    )
    values = ["", "", "", "6", "6", "", "", "0", "", "", "1", "", "7", "", "8"]
    tail = _pdf_table([[(i, 1, v) for i, v in enumerate(values)]], top=500)
    assert _continue_table(head, tail)
    assert head.text_rows()[3] == values


def test_pdf_table_over_three_pages_with_column_edges_shifted_a_few_points() -> None:
    """LibreOffice moved a column edge by 3 pt between pages: after stitching pages 1 and 2 the
    table held both edges, and page 3 (with a label cut by the break) was no longer stitched."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    def table(rows: list[tuple[str, str]], top: float, edge: float) -> Table:
        cells = []
        for r, (label, value) in enumerate(rows):
            y = top + 10 * r
            cells.append(Cell(r, 0, label, label, 1, 1, Provenance(page=1, bbox=(0.0, y, edge, y + 10))))
            cells.append(Cell(r, 1, value, value, 1, 1, Provenance(page=1, bbox=(edge, y, 100.0, y + 10))))
        return Table(cells)

    head = table([("1、信访举报投诉类申请", "3"), ("2、重复申请", "0")], 0, 50.0)
    assert _continue_table(head, table([("3、要求提供公开", "2")], 500, 53.0))
    assert _continue_table(head, table([("出版物", ""), ("4、无正当理由大量反复申请", "0")], 900, 49.0))
    labels = [row[0].replace(" ", "") for row in head.text_rows()]
    assert labels == ["1、信访举报投诉类申请", "2、重复申请", "3、要求提供公开出版物", "4、无正当理由大量反复申请"]


def test_pdf_blank_cell_after_a_page_break_under_a_none_word_stays_blank() -> None:
    """A blank cell opening page 2 sat under a ``无`` cell of the row above; ``无`` was not taken for
    a value, so the blank was joined to it and read as 无."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    row2 = [(0, 1, "2.其他法律行政止公开"), (1, 1, "0"), (2, 1, "无"), (3, 1, "")]
    head = _pdf_table([[(0, 1, "1.属于国家秘密"), (1, 1, "1"), (2, 1, "0"), (3, 1, "1")], row2])
    tail = _pdf_table([[(0, 1, "3.危及“三安全一稳定”"), (1, 1, "8"), (2, 1, ""), (3, 1, "8")]], top=500)
    assert _continue_table(head, tail)
    assert head.text_rows()[2] == ["3.危及“三安全一稳定”", "8", "", "8"]


def test_pdf_spaced_out_row_label_after_a_page_break_opens_a_new_row() -> None:
    """``(七 ) 总计`` (characters spaced out) opened page 3 under the blank （六）其他处理 row; the
    spaced enumerator was not recognised, so it was joined to （六） as one label."""
    from extractor.readers.pdf.stitch import continue_table as _continue_table

    head = _pdf_table([[(0, 1, "(五)不予处理"), (1, 1, "1"), (2, 1, "1")], [(0, 1, "(六)其他处理"), (1, 1, ""), (2, 1, "")]])
    tail = _pdf_table([[(0, 1, "(七 ) 总计"), (1, 1, "20"), (2, 1, "20")]], top=500)
    assert _continue_table(head, tail)
    assert [row[0] for row in head.text_rows()] == ["(五)不予处理", "(六)其他处理", "(七 ) 总计"]


def _peak_mib(fn: Callable[[], object]) -> float:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def test_long_run_of_numbers_in_flat_text_has_bounded_memory() -> None:
    """Fuzzing: a 3 MB run of ``1 1 1 …`` after a table-3 label peaked near 1 GB — the number-run
    regex kept backtracking state for every repetition."""
    head = "某某县2023年政府信息公开工作年度报告 三、收到和处理政府信息公开申请情况 申请人情况 一、本年新收政府信息公开申请数量"
    data = (head + "1 " * 1_500_000).encode()
    assert _peak_mib(lambda: extract(data, name="run.txt")) < 120


def test_huge_javascript_string_literal_has_bounded_memory() -> None:
    """Fuzzing: a report shipped as a 4 MB JavaScript string peaked at ~600 MB (and took 30 s) in
    the string-literal regex."""
    data = ('let content = "<p>2023年某某县政府信息公开工作年度报告</p><p>' + "很长的正文" * 800_000 + '</p>";').encode()
    assert _peak_mib(lambda: read_bytes(data, source="x.js", fmt="jsdata")) < 250


def test_markdown_separator_line_of_a_million_columns_has_bounded_memory() -> None:
    data = ("|" + "---|" * 1_000_000 + "\n").encode()
    assert _peak_mib(lambda: read_bytes(data, source="sep.md")) < 150


def test_docx_grid_span_of_two_billion_is_clamped() -> None:
    """Fuzzing: ``w:gridSpan w:val="2000000000"`` was walked column by column (90 s)."""
    from test_reader_docx import make_docx

    body = (
        '<w:tbl><w:tr><w:tc><w:tcPr><w:gridSpan w:val="2000000000"/><w:vMerge w:val="restart"/></w:tcPr>'
        "<w:p><w:r><w:t>申请人情况</w:t></w:r></w:p></w:tc></w:tr>"
        '<w:tr><w:trPr><w:gridBefore w:val="900000000"/></w:trPr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr></w:tbl>'
    )
    t0 = time.perf_counter()
    doc = read_bytes(make_docx(body), source="span.docx")
    assert time.perf_counter() - t0 < 5
    assert doc.tables[0].n_cols <= 2000


_T3_HTML_HEAD = (
    "<p>某某县2023年政府信息公开工作年度报告</p><table><tr><td>申请人情况</td><td>自然人</td><td>商业企业</td>"
    "<td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
)


def test_html_table_of_a_million_cells_is_refused_with_bounded_memory() -> None:
    """Fuzzing: a 100,000-row table (800,000 cells, 11 MB) took 21 s and 700 MB; every cell is
    a Python object, so the cells are now counted while read and the page refused past the limit."""
    rows = "".join(f"<tr><td>{i}.属于国家秘密</td>" + "<td>1</td>" * 7 + "</tr>" for i in range(30_000))
    data = f"<html><body>{_T3_HTML_HEAD}{rows}</table></body></html>".encode()
    result = extract(data, name="rows.html")
    assert result.error is not None and result.error.code == "too_large"
    assert "table cells" in result.error.message


def test_text_line_of_millions_of_pipes_is_refused_before_it_is_split() -> None:
    """Fuzzing: one line of 5,000,000 pipes became a table row of 5,000,000 cells (1.1 GB, 22 s)."""
    data = ("某某县2023年政府信息公开工作年度报告\n" + "|" * 5_000_000 + "\n").encode()
    peak = _peak_mib(lambda: extract(data, name="pipes.txt"))
    assert extract(data, name="pipes.txt").error.code == "too_large"  # type: ignore[union-attr]
    assert peak < 200


def test_time_budget_applies_to_html_and_text_readers_and_to_locating() -> None:
    """Only the PDF and converter readers honoured ``timeout_s``; a big HTML page or text file ran
    for as long as it took. Now every reader and the locator stop with ``timeout``."""
    from extractor.settings import Settings

    tight = Settings(timeout_s=0.0)
    rows = "".join(f"<tr><td>{i}.属于国家秘密</td>" + "<td>1</td>" * 7 + "</tr>" for i in range(2000))
    html = f"<html><body>{_T3_HTML_HEAD}{rows}</table></body></html>".encode()
    text = ("某某县2023年政府信息公开工作年度报告\n" + "1.属于国家秘密 | 1 | 1 |\n" * 2000).encode()
    for data, name in ((html, "x.html"), (text, "x.txt")):
        result = extract(data, name=name, settings=tight)
        assert result.error is not None and result.error.code == "timeout", name


def test_hostile_spans_do_not_build_a_huge_dense_grid() -> None:
    """Fuzzing: rowspan/colspan 999999 over 20,000 rows made the locator expand a 20M-position grid
    (360 MB) to place values under the table-3 header."""
    rows = '<tr><td rowspan="999999" colspan="999999">一、本年新收政府信息公开申请数量</td>' + "<td>1</td>" * 7 + "</tr>"
    rows += "<tr><td colspan='1000'>1</td></tr>" * 20_000
    data = f"<html><body>{_T3_HTML_HEAD}{rows}</table></body></html>".encode()
    assert _peak_mib(lambda: extract(data, name="spans.html")) < 150


def test_pdf_page_showing_millions_of_characters_is_read_in_bounded_time_and_memory() -> None:
    """Fuzzing: a one-page PDF whose content stream shows 7.6 million characters kept the reader
    busy for minutes at 1 GB (pdfium's text page, and the time budget is checked between pages).
    A page with more than 50,000 text objects is now skipped (``page_skipped``; a document of
    nothing else is ``too_large``), and a page is read up to 100,000 characters (``page_truncated``)."""
    from gen.fuzz import _FONT, _PAGE, _pdf, _stream, _text_content

    from extractor.errors import FileTooLarge

    def one_page(content: bytes) -> bytes:
        pages = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
        return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: pages, 3: _PAGE, 4: _stream(content), 5: _FONT})

    t0 = time.perf_counter()
    with pytest.raises(FileTooLarge):
        read_bytes(one_page(_text_content(150_000)), source="objects.pdf", fmt="pdf")
    lines = (b"(" + b"1" * 1000 + b") Tj 0 -1 Td ") * 150  # 150 text objects, 150,000 characters
    doc = read_bytes(one_page(b"BT /F1 1 Tf 10 800 Td " + lines + b"ET"), source="chars.pdf", fmt="pdf")
    assert any(w.startswith("page_truncated") for w in doc.warnings)
    assert time.perf_counter() - t0 < 30


def test_docx_with_corrupt_deflate_data_is_a_corrupt_document() -> None:
    """Fuzzing: flipped bits inside word/document.xml's deflate stream raised ``zlib.error``."""
    from test_reader_docx import make_docx

    from extractor.errors import CorruptDocument

    body = "".join(f"<w:p><w:r><w:t>第{i}段 政府信息公开工作年度报告</w:t></w:r></w:p>" for i in range(400))
    data = bytearray(make_docx(body))
    start = data.find(b"word/document.xml") + len("word/document.xml") + 200  # inside its compressed data
    for i in range(start, start + 40):
        data[i] ^= 0x5A
    result = extract(bytes(data), name="bad.docx")
    assert result.error is not None and result.error.code == "corrupt"
    with pytest.raises(CorruptDocument):
        read_bytes(bytes(data), source="bad.docx", fmt="docx")


def test_html_page_of_millions_of_tags_is_refused_before_parsing() -> None:
    """Fuzzing: libxml2's tree of an 11 MB page of 900,000 elements took 600 MB before any cell was
    read; pages with more tags than 10 per allowed table cell are now refused up front."""
    from extractor.settings import Settings

    data = ("<html><body><p>某某县2023年政府信息公开工作年度报告</p>" + "<b>1</b>" * 60_000 + "</body></html>").encode()
    result = extract(data, name="tags.html", settings=Settings(max_cells=10_000))
    assert result.error is not None and result.error.code == "too_large"
    assert "tags" in result.error.message


def test_numbers_of_a_million_digits_are_text_not_a_crash() -> None:
    """Fuzzing: a cell, a flattened run or a sentence holding a number of 900,000 digits raised
    ``ValueError: Exceeds the limit (4300 digits) for integer string conversion``."""
    big = "9" * 900_000
    cases = [
        _report("三、收到和处理政府信息公开申请情况\n申请人情况 | 自然人 | 总计 |\n一、本年新收政府信息公开申请数量 | " + big + " | 1 |\n"),
        _report("二、主动公开政府信息情况\n第二十条第（五）项\n信息内容 本年处理决定数量\n行政许可 " + big + "\n"),
        _report("共收到政府信息公开申请" + big + "件。发生行政诉讼" + big + "件。现行有效规范性文件" + big + "件。\n"),
        _report("", title="某某县2016年政府信息公开工作年度报告").replace(b"\xe4\xb8\x80", ("主动公开信息" + big + "条").encode(), 1),
        f"<html><body><p>某某县2023年政府信息公开工作年度报告</p><table><tr><td colspan='{big[:5000]}'>申请人情况</td></tr></table></body></html>".encode(),
    ]
    for data in cases:
        extract(data, name="big.html" if data.startswith(b"<") else "big.txt")  # no exception escapes


def test_html_nested_deeper_than_256_levels_keeps_its_text() -> None:
    """Fuzzing: libxml2 cut the tree off at 256 levels without a word, so text inside 300 nested
    <div>s (junk HTML of unclosed tags gets that deep) vanished and the page read as ``empty_input``.
    The limit is now 2,048 levels, and a page deeper than that is ``corrupt``, not empty."""
    from extractor.errors import CorruptDocument

    def page(depth: int) -> bytes:
        return ("<html><body>" + "<div>" * depth + "<p>第二十条第（一）项</p>" + "</div>" * depth + "</body></html>").encode()

    doc = read_bytes(page(300), source="deep.html")
    assert any("第二十条" in p.text for p in doc.paragraphs)
    with pytest.raises(CorruptDocument):
        read_bytes(page(3000), source="deeper.html")


def test_docx_zip_needing_an_unknown_zip_version_is_corrupt() -> None:
    """Fuzzing: a flipped byte in the central directory's "version needed to extract" made
    ``zipfile`` raise ``NotImplementedError: zip file version 14.8``."""
    from test_reader_docx import make_docx

    data = bytearray(make_docx("<w:p><w:r><w:t>政府信息公开工作年度报告</w:t></w:r></w:p>"))
    central = data.find(b"PK\x01\x02")
    data[central + 6] = 148  # version needed to extract: 14.8
    result = extract(bytes(data), name="v.docx")
    assert result.error is not None and result.error.code == "corrupt"


def test_batch_zip_member_with_corrupt_deflate_data_is_skipped_not_a_crash(tmp_path: Path) -> None:
    import io
    import zipfile

    from extractor.batch import run_batch

    seed = (Path(__file__).resolve().parents[1] / "corpus" / "guantang-2024.txt").read_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("good.txt", seed)
        z.writestr("bad.txt", seed + b"\n# other bytes")
    data = bytearray(buf.getvalue())
    at = data.find(b"bad.txt") + len("bad.txt") + 10  # inside the member's compressed data
    data[at : at + 20] = b"\xff" * 20
    archive = tmp_path / "reports.zip"
    archive.write_bytes(bytes(data))
    summary = run_batch([str(archive)], str(tmp_path / "out.duckdb"), workers=1)
    assert any("bad.txt" in s.path and s.reason.startswith("unreadable") for s in summary.skipped)
    assert "1 ok" in summary.line()


@pytest.mark.parametrize("row", ["3940元", "123456789012345678901234567890123456789012345"])
def test_a_table_found_with_no_cell_decided_is_unreadable_not_ok(seed_path: Path, row: str) -> None:
    """Table 4's data row printed as one stray number (an OCR'd page that read the wrong line) or a
    run nothing can split: every cell is left without a value — the report must not be ``ok``."""
    lines = seed_path.read_text(encoding="utf-8").split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith("0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |"))
    lines[at] = row
    r = extract("\n".join(lines).encode("utf-8"), name="x.txt")
    assert r.status == "partial"
    codes = [f.code for f in r.report.findings] if r.report else []
    assert "table.unreadable" in codes and "table.missing" not in codes
    assert extract(seed_path).status == "ok"  # the same report as printed


_T2_YEAR_ITEMS = [
    ("第二十条第（五）项", ["信息内容", "2019年", "项目数量", "处理", "决定数量"]),
    ("行政许可", ["2876", "123291"]),
    ("其他对外管理服务事项", ["5408", "835562"]),
    ("第二十条第（六）项", ["信息内容", "2019年", "项目数量", "处理", "决定数量"]),
    ("行政处罚", ["16250", "13818"]),
    ("行政强制", ["629", "2012"]),
    ("第二十条第（八）项", ["信息内容", "2019年项目数量"]),
    ("行政事业性收费", ["168"]),
]


def test_t2_year_item_count_column_is_a_cell_not_half_of_a_broken_number() -> None:
    """莆田 2019 (city-level): blocks (五)(六) print ``2019年项目数量 | 处理决定数量`` instead of
    上一年项目数量 | 本年增/减 | 处理决定数量. Only 处理决定 was a known column, so the row's two numbers
    were one number broken over lines: 行政许可 came out as 2876123291. The year's item count is a
    column of its own, read and recorded nowhere; 处理决定数量 is the second number."""
    lines = ["二、主动公开政府信息情况", "第二十条第（一）项", "信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量",
             "规章", "0", "规范性文件", "3", "5", "9"]
    for label, cells in _T2_YEAR_ITEMS:
        lines += [label, *cells]
    lines += ["第二十条第（九）项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "929", "120190475.34元"]
    body = "\n".join(lines) + "\n三、收到和处理政府信息公开申请情况\n"
    r = extract(_report(body, title="某某市人民政府2019年政府信息公开工作年度报告"), name="t2.txt")
    assert r.report is not None and r.report.table2 is not None
    flat = r.report.flat()
    assert flat["t2.licensing.decisions"] == 123291 and flat["t2.other_services.decisions"] == 835562
    assert flat["t2.punishment.decisions"] == 13818 and flat["t2.coercion.decisions"] == 2012
    assert "t2.licensing.prior_year" not in flat and "t2.licensing.change" not in flat  # no such cells printed
    assert not any(k.startswith("t2.fees.") for k in flat)  # 168 is the year's item count: no template cell
    assert flat["t2.procurement.projects"] == 929 and flat["t2.normative_docs.total_published"] == 9


def test_t2_year_item_count_column_in_an_html_grid() -> None:
    """The same header in an HTML table: 处理决定数量 was the first cell (2876)."""
    def tr(cells: list[str]) -> str:
        return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"

    rows = [tr(["第二十条第（一）项", "", "", ""]), tr(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"]),
            tr(["规章", "0", "0", "0"]), tr(["规范性文件", "3", "5", "9"])]
    for label, cells in _T2_YEAR_ITEMS:
        if label.startswith("第二十条"):
            rows.append(tr([label, "", ""]))
            rows.append(tr(["信息内容", "".join(cells[1:3]), "".join(cells[3:])] if len(cells) > 2 else ["信息内容", cells[1]]))
        else:
            rows.append(tr([label, *cells]))
    html = ("<html><body><p>某某市人民政府2019年政府信息公开工作年度报告</p>"
            "<p>本报告中所列数据的统计期限自2019年1月1日起至2019年12月31日止。</p><p>二、主动公开政府信息情况</p>"
            f"<table>{''.join(rows)}</table><p>三、收到和处理政府信息公开申请情况</p></body></html>")
    r = extract(html.encode(), name="t2.html")
    assert r.report is not None and r.report.table2 is not None
    flat = r.report.flat()
    assert flat["t2.licensing.decisions"] == 123291 and flat["t2.punishment.decisions"] == 13818
    assert "t2.licensing.prior_year" not in flat


def test_t2_header_new_made_without_zhi_is_still_new_made() -> None:
    """莆田市人民政府办公室 2019 prints ``本年新作数量`` (制 left out). Block (一) then had two known
    columns for three printed cells, and a full row ``3 5 9`` was read as two cells."""
    lines = ["二、主动公开政府信息情况", "第二十条第(一)项", "信息内容", "本年新作数量", "本年新公开数量", "对外公开总数量",
             "规章", "1", "1", "12", "规范性文件", "3", "5", "9",
             "第二十条第(五)项", "信息内容", "上一年项目数量", "本年增/减", "处理决定数量", "行政许可", "20", "+6", "26",
             "第二十条第(九)项", "信息内容", "采购项目数量", "采购总金额", "政府集中采购", "4", "1200元"]
    body = "\n".join(lines) + "\n三、收到和处理政府信息公开申请情况\n"
    r = extract(_report(body, title="某某市人民政府办公室2019年政府信息公开工作年度报告"), name="t2.txt")
    assert r.report is not None and r.report.table2 is not None
    flat = r.report.flat()
    assert (flat["t2.normative_docs.new_made"], flat["t2.normative_docs.new_published"], flat["t2.normative_docs.total_published"]) == (3, 5, 9)
    assert (flat["t2.regulations.new_made"], flat["t2.regulations.total_published"]) == (1, 12)


def test_prose_naming_review_and_litigation_is_no_table_4() -> None:
    """A pre-2019 report's outline names ``因政府信息公开申请行政复议、提起行政诉讼情况`` and goes on
    with an address (``三号楼418室``): 418 was read as table 4's only cell. A table-4 number follows
    a column heading (结果维持 … 总计) with only header words between."""
    text = ("某某市2009年度政府信息公开工作年度报告\n"
            "本报告由概述，主动公开政府信息情况，依申请公开政府信息办理情况，因政府信息公开申请行政复议、提起行政诉讼情况，"
            "工作存在的主要问题及改进措施共六个部分组成。如有疑问请联系（地址：某某市机关大院三号楼418室；邮编：351100）。\n"
            "一、概述\n2009年全市受理申请421件，仍维持不收费的原则，全部实行免费提供。\n二、主动公开政府信息的情况\n主动公开30293条。\n"
            "三、依申请公开政府信息办理情况\n受理申请421件。\n四、政府信息公开的收费及减免情况\n无。\n"
            "五、复议、诉讼和申诉情况\n没有发生。\n六、政府信息公开工作的主要问题及改进措施\n无。\n七、需要说明的事项与附表\n"
            "指标名称\n计量单位\n年末统计\n主动公开信息数\n条\n30293\n")
    r = extract(text.encode(), name="pre2019.txt")
    assert r.report is not None
    assert r.report.table4 is None
    assert r.report.meta.template == "pre2019" and r.report.pre2019


def test_table_4_after_a_misplaced_section_heading_still_reads() -> None:
    """莆田市人民政府办公室 2019: 五、存在的主要问题及改进情况 printed between table 4's title and its
    header; the header (one character a line) and then the row follow."""
    header = ["行政复议", "行政诉讼", "结", "果", "维", "持", "结", "果", "纠", "正", "其", "他", "结", "果", "尚", "未", "审", "结", "总", "计",
              "未经复议直接起诉", "复议后起诉"] + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2
    row = ["1", "0", "0", "1", "2", "0", "0", "0", "1", "1", "0", "0", "0", "0", "0"]
    body = "\n".join(["四、政府信息公开行政复议、行政诉讼情况", "五、存在的主要问题及改进情况", *header, *row]) + "\n"
    r = extract(_report(body), name="t4.txt")
    assert r.report is not None and r.report.table4 is not None
    flat = r.report.flat()
    assert flat["t4.review.total"] == 2 and flat["t4.lit_direct.total"] == 1 and flat["t4.review.upheld"] == 1


def test_table_4_header_word_split_over_lines_still_opens_the_row() -> None:
    """pdfplumber's text of 淮安 2024: the last header line ends ``… 维持 纠正 结果 结`` (尚未审 / 结
    split over two lines); the leftover 结 is header, not prose, and the row after it is table 4."""
    body = ("四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n未经复议直接起诉 复议后起诉\n结果 结果 其他结 尚未\n总计\n"
            "结 果 结果 其他 尚未 结果 结果 其他 尚未审\n维持 纠正 果 审结\n总计 总计\n维持 纠正 结果 审结 维持 纠正 结果 结\n"
            "72 64 178 37 351 13 4 8 1 26 12 1 1 6 20\n")
    r = extract(_report(body), name="t4.txt")
    assert r.report is not None and r.report.table4 is not None
    flat = r.report.flat()
    assert flat["t4.review.total"] == 351 and flat["t4.lit_after_review.total"] == 20
