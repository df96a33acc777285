"""DOCX reader: the rendered fixture cell by cell, hand-written XML for merges, nesting and text
boxes, and hostile packages (zip bombs, entity declarations)."""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import Path

import pytest
from test_reader_pdf import FIGURES, FIXTURES, cell_at, document_figures, find_col, find_row, find_table

from extractor.document import Document, Paragraph, Table
from extractor.errors import CorruptDocument, EmptyInput, EncryptedDocument, FileTooLarge, ReadError
from extractor.readers import docx as docx_reader
from extractor.readers import read_bytes, sniff
from extractor.settings import Settings

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/></Relationships>'
)


def make_docx(body: str, *, document: bytes | None = None, flag_bits: int = 0) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", CONTENT_TYPES)
        zf.writestr("_rels/.rels", RELS)
        xml = (
            document
            or (
                f'<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="{W_NS}"><w:body>{body}</w:body></w:document>'
            ).encode()
        )
        zf.writestr("word/document.xml", xml)
    data = bytearray(buf.getvalue())
    if flag_bits:  # set the general-purpose flags in every local and central header
        for sig, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
            i = data.find(sig)
            while i >= 0:
                data[i + offset] |= flag_bits
                i = data.find(sig, i + 4)
    return bytes(data)


def p(text: str, style: str | None = None) -> str:
    ppr = f'<w:pPr><w:pStyle w:val="{style}"/></w:pPr>' if style else ""
    return f"<w:p>{ppr}<w:r><w:t>{text}</w:t></w:r></w:p>"


def tc(text: str, *, span: int = 1, vmerge: str | None = None, inner: str = "") -> str:
    props = ""
    if span > 1:
        props += f'<w:gridSpan w:val="{span}"/>'
    if vmerge == "restart":
        props += '<w:vMerge w:val="restart"/>'
    elif vmerge == "continue":
        props += "<w:vMerge/>"
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{p(text) if text else '<w:p/>'}{inner}</w:tc>"


def tbl(*rows: str) -> str:
    return "<w:tbl>" + "".join(f"<w:tr>{r}</w:tr>" for r in rows) + "</w:tbl>"


def read(data: bytes) -> Document:
    return docx_reader.read(data, source="t.docx", settings=Settings())


@pytest.fixture(scope="module")
def report() -> Document:
    return read((FIXTURES / "report2021.docx").read_bytes())


def test_fixture_facts(report: Document) -> None:
    data = (FIXTURES / "report2021.docx").read_bytes()
    assert sniff(data, "report.docx") == "docx"
    assert report.reader == "docx"
    assert report.sha256 == hashlib.sha256(data).hexdigest()
    assert report.media_type.endswith("wordprocessingml.document")
    assert report.page_count is None
    assert len(report.tables) == 3


def test_fixture_every_figure(report: Document) -> None:
    assert document_figures(report, FIGURES) == FIGURES


def test_fixture_named_cell_and_merges(report: Document) -> None:
    t3 = find_table(report, "申请人情况")
    header_rows = find_row(t3, "本年新收")
    cell = cell_at(
        t3, find_row(t3, "一、本年新收政府信息公开申请数量"), find_col(t3, "自然人", header_rows=header_rows)
    )
    assert cell.text == "137"
    assert cell.provenance.path == "tbl[2]/tr[4]/tc[2]"
    vertical = next(c for c in t3.cells if c.text == "三、本年度办理结果")
    assert (vertical.row_span, vertical.col_span) == (22, 1)
    assert sum(1 for c in t3.cells if c.text == "三、本年度办理结果") == 1
    assert len({(c.row, c.col) for c in t3.cells}) == len(t3.cells)
    assert (t3.n_rows, t3.n_cols) == (28, 10)


def test_fixture_reading_order(report: Document) -> None:
    kinds = [type(b).__name__ for b in report.blocks]
    texts = [b.text if isinstance(b, Paragraph) else "<table>" for b in report.blocks]
    i = texts.index("三、收到和处理政府信息公开申请情况")
    assert kinds[i + 1] == "Table"
    assert texts[-1] == "全年收取政府信息公开信息处理费0元。"
    assert report.blocks[i].kind == "heading"  # type: ignore[union-attr]


def test_vmerge_gridspan_counted_once() -> None:
    body = tbl(
        tc("申请人情况", span=3),
        tc("三、本年度办理结果", vmerge="restart") + tc("（一）予以公开") + tc("5"),
        tc("", vmerge="continue") + tc("（二）部分公开") + tc("6"),
        tc("", vmerge="continue") + tc("（七）总计") + tc("11"),
        tc("四、结转", span=2) + tc("0"),
    )
    doc = read(make_docx(body))
    (table,) = doc.tables
    assert table.text_rows() == [
        ["申请人情况", "申请人情况", "申请人情况"],
        ["三、本年度办理结果", "（一）予以公开", "5"],
        ["三、本年度办理结果", "（二）部分公开", "6"],
        ["三、本年度办理结果", "（七）总计", "11"],
        ["四、结转", "四、结转", "0"],
    ]
    merged = [c for c in table.cells if c.text == "三、本年度办理结果"]
    assert len(merged) == 1 and merged[0].row_span == 3
    assert len(table.cells) == 1 + 3 + 2 + 2 + 2


def test_nested_table_and_text_box() -> None:
    inner = tbl(tc("内层") + tc("42"))
    box = (
        '<w:p><w:r><mc:AlternateContent xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
        "<mc:Choice><w:drawing><w:txbxContent>" + p("文本框里的内容") + "</w:txbxContent></w:drawing></mc:Choice>"
        "<mc:Fallback><w:pict><w:txbxContent>" + p("文本框里的内容") + "</w:txbxContent></w:pict></mc:Fallback>"
        "</mc:AlternateContent></w:r><w:r><w:t>锚定段落</w:t></w:r></w:p>"
    )
    body = p("一、总体情况", style="Heading1") + tbl(tc("外层", inner=inner) + tc("1")) + box
    doc = read(make_docx(body))
    kinds = [(type(b).__name__, b.text if isinstance(b, Paragraph) else b.text_rows()) for b in doc.blocks]
    assert kinds == [
        ("Paragraph", "一、总体情况"),
        ("Table", [["外层", "1"]]),
        ("Table", [["内层", "42"]]),
        ("Paragraph", "锚定段落"),
        ("Paragraph", "文本框里的内容"),
    ]
    assert doc.blocks[0].kind == "heading"  # type: ignore[union-attr]
    assert doc.tables[1].provenance.path == "tbl[1]/tbl[2]"


def test_cell_lines_join_without_spaces_for_cjk() -> None:
    cell = "<w:tc><w:p><w:r><w:t>商业企</w:t><w:br/><w:t>业</w:t></w:r></w:p><w:p><w:r><w:t>Open</w:t></w:r></w:p>"
    cell += "<w:p><w:r><w:t>Data</w:t></w:r></w:p></w:tc>"
    (table,) = read(make_docx(tbl(cell))).tables
    assert table.cells[0].text == "商业企业OpenData" or table.cells[0].text == "商业企业Open Data"
    assert table.cells[0].raw_text == "商业企\n业\nOpen\nData"


def test_zero_bytes_and_not_a_zip() -> None:
    with pytest.raises(EmptyInput):
        read(b"")
    with pytest.raises(EmptyInput):
        read_bytes(b"", source="empty.docx")
    with pytest.raises(CorruptDocument):
        read(b"this is not a zip at all")
    data = (FIXTURES / "report2021.docx").read_bytes()
    with pytest.raises(CorruptDocument):
        read(data[: len(data) // 2])


def test_missing_main_part() -> None:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("hello.txt", "hi")
    with pytest.raises(CorruptDocument, match="main document"):
        read(buf.getvalue())


def test_zip_bomb_refused_before_inflating() -> None:
    bomb = b"<w:document " + b" " * (docx_reader.MAX_PART_BYTES + 10) + b"/>"
    data = make_docx("", document=bomb)
    assert len(data) < 200_000
    with pytest.raises(FileTooLarge, match="zip bomb"):
        read(data)


def test_entity_declarations_refused() -> None:
    evil = (
        '<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "ha"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{W_NS}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p></w:body></w:document>'
    ).encode()
    with pytest.raises(CorruptDocument, match="DTD or entities"):
        read(make_docx("", document=evil))
    external = (
        '<?xml version="1.0"?><!DOCTYPE d SYSTEM "file:///etc/passwd">'
        f'<w:document xmlns:w="{W_NS}"><w:body/></w:document>'
    ).encode()
    with pytest.raises(ReadError):
        read(make_docx("", document=external))


def test_malformed_xml() -> None:
    with pytest.raises(CorruptDocument, match="well-formed"):
        read(make_docx("", document=b"<w:document><w:body>"))


def test_encrypted_zip_entry() -> None:
    with pytest.raises(EncryptedDocument):
        read(make_docx(p("x"), flag_bits=0x1))


def test_registry_routes_docx(tmp_path: Path) -> None:
    doc = read_bytes((FIXTURES / "report2021.docx").read_bytes(), source="r.docx")
    assert doc.reader == "docx"
    assert isinstance(doc.blocks[-1], Paragraph)
    assert all(isinstance(b, Paragraph | Table) for b in doc.blocks)
