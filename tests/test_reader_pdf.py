"""PDF reader: exact cells from rendered fixtures, stitching, bad input, and the real PDFs when present.

The helpers at the top (find a table, a row by label, a column by header) are shared with the DOCX
and DOC reader tests.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.errors import CorruptDocument, EncryptedDocument, NeedsOCR, ReadTimeout
from extractor.readers import pdf as pdf_reader
from extractor.readers import sniff
from extractor.readers.pdf.layout import Char, PageData
from extractor.readers.pdf.paragraphs import assign_lines
from extractor.readers.pdf.stitch import continue_table
from extractor.settings import Settings

FIXTURES = Path(__file__).parent / "fixtures"
REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
FIGURES: dict[str, float] = json.loads((FIXTURES / "report2021.figures.json").read_text("utf-8"))["figures"]

T3_CORES = {
    "new_received": "本年新收",
    "carried_over": "上年结转",
    "granted": "予以公开",
    "partial": "部分公开",
    "withheld_state_secret": "国家秘密",
    "withheld_law_forbidden": "2.其他法律行政",
    "withheld_three_safety": "三安全一稳定",
    "withheld_third_party": "第三方合法权益",
    "withheld_internal": "内部事务",
    "withheld_process": "过程性",
    "withheld_case_file": "执法案卷",
    "withheld_inquiry": "行政查询",
    "unable_not_held": "不掌握",
    "unable_needs_creation": "另行制作",
    "unable_unclear": "仍不明确",
    "rejected_petition": "信访举报投诉",
    "rejected_duplicate": "重复申请",
    "rejected_publication": "公开出版物",
    "rejected_excessive": "大量反复",
    "rejected_confirm": "确认或重新出具",
    "other_no_correction": "逾期不补正",
    "other_no_fee": "收费通知",
    "other_other": "3.其他",
    "other": "（六）其他处理",
    "results_total": "（七）总计",
    "carried_forward": "结转下年度",
}
T3_HEADERS = {
    "natural_person": "自然人",
    "commercial": "商业企业",
    "research": "科研机构",
    "social_org": "社会公益组织",
    "legal_service": "法律服务机构",
    "other_org": "其他",
    "total": "总计",
}
T2_ROWS = {
    "regulations": ("规章", ["issued", "repealed", "in_force"]),
    "normative_docs": ("行政规范性文件", ["issued", "repealed", "in_force"]),
    "licensing": ("行政许可", ["decisions"]),
    "punishment": ("行政处罚", ["decisions"]),
    "coercion": ("行政强制", ["decisions"]),
    "fees": ("行政事业性收费", ["amount"]),
}
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]
T4_KEYS = [f"{g}.{c}" for g in ("review", "lit_direct", "lit_after_review") for c in T4_COLS]


def norm(text: str) -> str:
    return re.sub(r"\s+", "", text).replace("、", ".").replace("．", ".")


def find_table(doc: Document, *words: str) -> Table:
    for t in doc.tables:
        joined = norm("".join(c.text for c in t.cells))
        if all(norm(w) in joined for w in words):
            return t
    raise AssertionError(f"no table with {words}: {[t.text_rows()[:2] for t in doc.tables]}")


def number(text: str) -> float:
    return float(norm(text).replace(",", ""))


def first_numeric_col(table: Table, row: int) -> int:
    for cell in table.row_cells(row):
        if re.fullmatch(r"-?\d+(\.\d+)?", norm(cell.text)):
            return cell.col
    raise AssertionError(f"row {row} has no number: {table.text_rows()[row]}")


def find_row(table: Table, label: str, *, start: int = 0) -> int:
    """The row whose own label cell (one starting in that row) contains ``label``."""
    want = norm(label)
    for r in range(start, table.n_rows):
        cells = table.row_cells(r)
        if any(want in norm(c.text) for c in cells if not re.fullmatch(r"[\d.\-]*", norm(c.text))):
            return r
    raise AssertionError(f"no row labelled {label!r} in {[row[:3] for row in table.text_rows()]}")


def find_col(table: Table, header: str, *, header_rows: int) -> int:
    """The column whose lowest header cell reads exactly ``header``."""
    grid = table.grid()
    for c in range(table.n_cols):
        leaf = next((grid[r][c] for r in range(header_rows - 1, -1, -1) if grid[r][c] is not None), None)
        if leaf is not None and norm(leaf.text) == header:
            return c
    raise AssertionError(f"no column {header!r} in header {table.text_rows()[:header_rows]}")


def cell_at(table: Table, row: int, col: int) -> Cell:
    cell = table.grid()[row][col]
    assert cell is not None, (row, col)
    return cell


def t3_figures(table: Table, keys: list[str]) -> dict[str, float]:
    header_rows = find_row(table, "本年新收")
    out = {}
    for key in keys:
        row_key, col_key = key.split(".")[1:]
        row = find_row(table, T3_CORES[row_key], start=header_rows)
        col = find_col(table, T3_HEADERS[col_key], header_rows=header_rows)
        out[key] = number(cell_at(table, row, col).text)
    return out


def t2_figures(table: Table) -> dict[str, float]:
    out = {}
    for item, (label, cols) in T2_ROWS.items():
        row = next(r for r in range(table.n_rows) if table.row_cells(r) and norm(table.row_cells(r)[0].text) == label)
        values = [c for c in table.row_cells(row) if c.col >= first_numeric_col(table, row)]
        for col, cell in zip(cols, values, strict=False):
            out[f"t2.{item}.{col}"] = number(cell.text)
    return out


def t4_figures(table: Table) -> dict[str, float]:
    values = [number(c.text) for c in table.row_cells(table.n_rows - 1)]
    assert len(values) == 15, values
    return {f"t4.{k}": v for k, v in zip(T4_KEYS, values, strict=True)}


def document_figures(doc: Document, truth: dict[str, float]) -> dict[str, float]:
    t3_keys = [k for k in truth if k.startswith("t3.")]
    out = t3_figures(find_table(doc, "申请人情况"), t3_keys)
    out.update(t2_figures(find_table(doc, "信息内容")))
    out.update(t4_figures(find_table(doc, "行政复议", "结果维持")))
    return out


def read_pdf(path: Path, **settings: Any) -> Document:
    return pdf_reader.read(path.read_bytes(), source=path.name, settings=Settings(**settings))


@pytest.fixture(scope="module")
def report() -> Document:
    return read_pdf(FIXTURES / "report2021.pdf")


@pytest.fixture(scope="module")
def big() -> Document:
    return read_pdf(FIXTURES / "report2021-big.pdf")


# ---------------------------------------------------------------------------------------------
# fixtures rendered by corpus/make_fixtures.py


def test_document_facts(report: Document) -> None:
    data = (FIXTURES / "report2021.pdf").read_bytes()
    assert sniff(data, "x.pdf") == "pdf"
    assert report.reader == "pdf"
    assert report.source == "report2021.pdf"
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.media_type == "application/pdf"
    assert report.page_count == 3
    assert report.warnings == []


def test_every_figure_exact(report: Document) -> None:
    assert document_figures(report, FIGURES) == FIGURES


def test_named_cell_and_provenance(report: Document) -> None:
    t3 = find_table(report, "申请人情况")
    header_rows = find_row(t3, "本年新收")
    assert header_rows == 3
    row = find_row(t3, "一、本年新收政府信息公开申请数量")
    cell = cell_at(t3, row, find_col(t3, "自然人", header_rows=header_rows))
    assert cell.text == "137"
    assert cell.provenance.page == 1
    assert cell.provenance.bbox is not None
    x0, top, x1, bottom = cell.provenance.bbox
    assert 0 < x0 < x1 < 600 and 0 < top < bottom < 850


def test_table3_structure(report: Document) -> None:
    t3 = find_table(report, "申请人情况")
    assert (t3.n_rows, t3.n_cols) == (28, 10)
    assert t3.spans_known
    note = cell_at(t3, 0, 0)
    assert (note.row_span, note.col_span) == (3, 3)
    assert note.text == "（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）"
    assert "\n" in note.raw_text  # the line breaks are kept in raw_text only
    vertical = cell_at(t3, find_row(t3, "予以公开"), 0)
    assert vertical.text == "三、本年度办理结果"
    assert vertical.row_span == 22
    for label, span in (("（三）不予公开", 8), ("（四）无法提供", 3), ("（五）不予处理", 5), ("（六）其他处理", 3)):
        group = next(c for c in t3.cells if c.text == label)
        assert group.row_span == span, label
    # each merged cell stored once
    assert len({(c.row, c.col) for c in t3.cells}) == len(t3.cells)
    assert sum(1 for c in t3.cells if c.text == "三、本年度办理结果") == 1


def test_blocks_in_reading_order(report: Document) -> None:
    headings = [b.text for b in report.blocks if isinstance(b, Paragraph) and b.kind == "heading"]
    sections = [h for h in headings if re.match(r"[一二三四五六]、", h)]
    assert sections == [
        "一、总体情况",
        "二、主动公开政府信息情况",
        "三、收到和处理政府信息公开申请情况",
        "四、政府信息公开行政复议、行政诉讼情况",
        "五、存在的主要问题及改进情况",
        "六、其他需要报告的事项",
    ]
    kinds = [(type(b).__name__, b.text[:6] if isinstance(b, Paragraph) else "") for b in report.blocks]
    i = kinds.index(("Paragraph", "三、收到和处"))
    assert kinds[i + 1][0] == "Table"
    assert "申请人情况" in report.blocks[i + 1].text_rows()[0]  # type: ignore[union-attr]
    text = report.text()
    assert "全年新收政府信息公开申请 163 件" in text
    assert "全年收取政府信息公开信息处理费 0 元。" in text


def test_table3_stitched_across_pages(big: Document) -> None:
    assert big.page_count == 4
    assert len(big.tables) == 3
    t3 = find_table(big, "申请人情况")
    header_rows = find_row(t3, "本年新收")
    assert t3.n_rows - header_rows == 25
    pages = {c.provenance.page for c in t3.cells}
    assert len(pages) >= 2
    assert document_figures(big, FIGURES) == FIGURES
    # the group label cut by the page break is one cell again, with the origin's page
    group = next(c for c in t3.cells if c.text == "（四）无法提供")
    assert group.row_span == 3
    assert sum(1 for c in t3.cells if "无法提" in c.text) == 1
    assert cell_at(t3, find_row(t3, "予以公开"), 0).row_span == 22


def test_table4_row_cut_by_page_break(big: Document) -> None:
    t4 = find_table(big, "行政复议", "结果维持")
    assert (t4.n_rows, t4.n_cols) == (4, 15)
    assert [c.text for c in t4.row_cells(1)][:5] == ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    assert {c.provenance.page for c in t4.cells} == {3, 4}


# ---------------------------------------------------------------------------------------------
# stitching rules on synthetic tables


def _table(rows: list[list[str]], page: int, xs: list[float], top: float = 100.0) -> Table:
    cells = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            box = (xs[c], top + 20 * r, xs[c + 1], top + 20 * (r + 1))
            cells.append(Cell(r, c, text, provenance=Provenance(page=page, bbox=box)))
    return Table(cells, Provenance(page=page, bbox=(xs[0], top, xs[-1], top + 20 * len(rows))))


def test_repeated_header_row_dropped() -> None:
    xs = [50.0, 200.0, 300.0, 400.0]
    head = _table([["信息内容", "甲", "乙"], ["规章", "1", "2"]], 1, xs)
    tail = _table([["信息内容", "甲", "乙"], ["行政规范性文件", "3", "4"]], 2, [x + 1.5 for x in xs], top=60)
    assert continue_table(head, tail)
    assert head.text_rows() == [["信息内容", "甲", "乙"], ["规章", "1", "2"], ["行政规范性文件", "3", "4"]]
    assert [c.provenance.page for c in head.row_cells(2)] == [2, 2, 2]


def test_different_columns_not_stitched() -> None:
    head = _table([["a", "1", "2"]], 1, [50.0, 200.0, 300.0, 400.0])
    tail = _table([["b", "3"]], 2, [50.0, 120.0, 400.0])
    assert not continue_table(head, tail)
    assert head.n_rows == 1


def test_page_numbers_and_running_heads_dropped() -> None:
    def line(text: str, top: float) -> list[Char]:
        return [
            Char(ch, 100 + 12 * i, top, 112 + 12 * i, top + 12, 12, 106 + 12 * i, top + 6)
            for i, ch in enumerate(text)
        ]

    pages = []
    for n in (1, 2, 3):
        chars = line("示例市政务公开年报", 20) + line("正文第一行内容", 300) + line(f"- {n} -", 800)
        pages.append(PageData(n, 595, 842, chars, ""))
    pages[1].chars += line("第 2 页", 815)
    assign_lines(pages)
    for p in pages:
        assert [ln.text for ln in p.body_lines] == ["正文第一行内容"]


# ---------------------------------------------------------------------------------------------
# degraded and bad input


def test_scanned_pdf_needs_ocr() -> None:
    """Without OCR (turned off here; see tests/test_ocr.py for the extra's absence and its reading)."""
    with pytest.raises(NeedsOCR, match="no text layer"):
        read_pdf(FIXTURES / "scanned.pdf", ocr=False)


def test_encrypted_pdf() -> None:
    with pytest.raises(EncryptedDocument):
        read_pdf(FIXTURES / "encrypted.pdf")


@pytest.mark.parametrize("fraction", [0.1, 0.5, 0.97])
def test_truncated_pdf(fraction: float) -> None:
    data = (FIXTURES / "report2021.pdf").read_bytes()
    with pytest.raises(CorruptDocument):
        pdf_reader.read(data[: int(len(data) * fraction)], source="cut.pdf", settings=Settings())


def test_malformed_pdf() -> None:
    with pytest.raises(CorruptDocument):
        pdf_reader.read(
            b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer\n%%EOF\n", source="x", settings=Settings()
        )


def test_time_and_page_limits() -> None:
    with pytest.raises(ReadTimeout):
        read_pdf(FIXTURES / "report2021-big.pdf", timeout_s=0.0)
    doc = read_pdf(FIXTURES / "report2021-big.pdf", pdf_max_pages=2)
    assert doc.page_count == 4
    assert "pages_truncated: read 2 of 4 pages" in doc.warnings
    assert not any(b.provenance.page and b.provenance.page > 2 for b in doc.blocks)


def _edit(path: Path, edit: Any) -> bytes:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(path.read_bytes())
    for i in range(len(pdf)):
        page = pdf[i]
        edit(pdf, page, i)
        page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    return buf.getvalue()


def test_rotated_pages_read_like_upright() -> None:
    data = _edit(FIXTURES / "report2021.pdf", lambda pdf, page, i: page.set_rotation(90))
    doc = pdf_reader.read(data, source="rotated.pdf", settings=Settings())
    assert document_figures(doc, FIGURES) == FIGURES


def _drop_paths(pdf: Any, page: Any, i: int) -> None:
    import pypdfium2.raw as pdfium_c

    for obj in list(page.get_objects(max_depth=1)):
        if obj.type == pdfium_c.FPDF_PAGEOBJ_PATH:
            page.remove_obj(obj)


def test_unruled_table_uses_text_strategy() -> None:
    doc = pdf_reader.read(_edit(FIXTURES / "report2021.pdf", _drop_paths), source="x.pdf", settings=Settings())
    text_tables = [t for t in doc.tables if not t.spans_known]
    assert text_tables
    joined = [norm(" ".join(row)) for t in text_tables for row in t.text_rows()]
    assert any(row.startswith("（一）予以公开71") and row.endswith("85") for row in joined)


def test_table_as_image_warns() -> None:
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c
    from PIL import Image

    def replace_table(pdf: Any, page: Any, i: int) -> None:
        if i != 2:
            return
        _drop_paths(pdf, page, i)
        for obj in list(page.get_objects(max_depth=1)):
            top = obj.get_bounds()[3]
            if obj.type == pdfium_c.FPDF_PAGEOBJ_TEXT and top > 600:  # the table under the heading
                page.remove_obj(obj)
        image = pdfium.PdfImage.new(pdf)
        bitmap = pdfium.PdfBitmap.from_pil(Image.new("RGB", (400, 120), "gray"))
        image.set_bitmap(bitmap)
        image.set_matrix(pdfium.PdfMatrix().scale(480, 150).translate(60, 560))
        page.insert_obj(image)

    data = _edit(FIXTURES / "report2021.pdf", replace_table)
    doc = pdf_reader.read(data, source="img.pdf", settings=Settings(ocr=False))
    assert any(w.startswith("table_not_machine_readable: page 3 (OCR is turned off") for w in doc.warnings)
    assert not any(t.provenance.page == 3 for t in doc.tables)


def test_fake_doc_that_is_html_is_sniffed_as_html() -> None:
    data = (FIXTURES / "report2021.html").read_bytes()
    assert sniff(data, "x.doc") == "html"


# ---------------------------------------------------------------------------------------------
# real reports (tests/../shared/corpus/real), skipped where the folder is absent

REAL_PDFS = sorted(REAL.glob("*.pdf")) if REAL.is_dir() else []


@pytest.mark.real
@pytest.mark.skipif(not REAL_PDFS, reason="no shared/corpus/real PDFs here")
@pytest.mark.parametrize("path", REAL_PDFS, ids=lambda p: p.stem)
def test_real_pdf_figures(path: Path) -> None:
    truth = json.loads(path.with_suffix("").with_suffix(".truth.json").read_text("utf-8"))["figures"]
    doc = read_pdf(path)
    t3 = find_table(doc, "申请人情况")
    header_rows = find_row(t3, "本年新收")
    row, col = find_row(t3, "本年新收", start=header_rows), find_col(t3, "总计", header_rows=header_rows)
    assert number(cell_at(t3, row, col).text) == truth["t3.new_received.total"]
    assert document_figures(doc, truth) == {k: v for k, v in truth.items() if k.startswith(("t2.", "t3.", "t4."))}
    assert len(doc.tables) == 3  # table 3 stitched into one
    assert not any(re.fullmatch(r"-\s*\d+\s*-", b.text) for b in doc.paragraphs)


@given(st.lists(st.tuples(st.sampled_from("vh"), st.integers(0, 8), st.integers(0, 8), st.integers(1, 8)),
                min_size=1, max_size=24))
def test_cell_finder_equals_pdfplumbers(specs: list[tuple[str, int, int, int]]) -> None:
    """readers/pdf/cells.py is pdfplumber's intersections_to_cells made faster: same cells, same order."""
    from pdfplumber.table import edges_to_intersections
    from pdfplumber.table import intersections_to_cells as plumbers

    from extractor.readers.pdf.cells import intersections_to_cells

    edges = []
    for orientation, a, b, length in specs:  # rules on a 10-point grid, some overlapping, some apart
        if orientation == "v":
            x, top = 10.0 * a, 10.0 * b
            edges.append({"orientation": "v", "x0": x, "x1": x, "top": top, "bottom": top + 10.0 * length,
                          "width": 0.0, "height": 10.0 * length})
        else:
            x, top = 10.0 * a, 10.0 * b
            edges.append({"orientation": "h", "x0": x, "x1": x + 10.0 * length, "top": top, "bottom": top,
                          "width": 10.0 * length, "height": 0.0})
    points = edges_to_intersections(edges, 3, 3)
    assert intersections_to_cells(points) == plumbers(points)


def test_is_cjk_is_the_cjk_regex() -> None:
    from extractor.readers.pdf.layout import CJK, is_cjk

    for text in ["", "中a", "a中", *(chr(i) for i in range(0x10000)), "\U00020000", "\U0001f600"]:
        assert is_cjk(text) == bool(CJK.match(text)), repr(text)
