"""The built-in Word 97-2003 reader (no converter needed): the .doc fixture read as the DOCX reader
reads the same report, the format's text and table rules on hand-made paragraphs, and broken,
encrypted or older files giving typed errors only."""

from __future__ import annotations

import random
import struct
import time
from pathlib import Path

import olefile
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_reader_pdf import FIGURES, FIXTURES, document_figures, find_table

from extractor.budget import Budget
from extractor.document import Document, Paragraph, Table
from extractor.errors import ConverterMissing, CorruptDocument, EncryptedDocument, ReadError
from extractor.pipeline import extract
from extractor.readers import doc as doc_reader
from extractor.readers import docx as docx_reader
from extractor.readers import msdoc
from extractor.readers.msdoc_format import (
    NativeDocError,
    ParaProps,
    RawParagraph,
    RowDef,
    _Fib,
    _Piece,
    _Streams,
    iter_sprms,
    main_text,
)
from extractor.settings import Settings

DOC_PATH = FIXTURES / "report2021.doc"
DOC = DOC_PATH.read_bytes()
DOCX = (FIXTURES / "report2021.docx").read_bytes()


def _stream_offset(name: str) -> tuple[int, int]:
    """Where a stream of the fixture sits in the file (its sectors are contiguous there)."""
    with olefile.OleFileIO(DOC) as ole:
        stream = ole.openstream(name).read()
    at = DOC.find(stream)
    assert at > 0
    return at, len(stream)


WORD_AT, WORD_LEN = _stream_offset("WordDocument")
TABLE_AT, TABLE_LEN = _stream_offset("1Table")


@pytest.fixture
def native_only(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The built-in reader and nothing else: no converter on the PATH (LibreOffice would come first)."""
    monkeypatch.setenv("PATH", str(tmp_path))


def read_native(data: bytes, **kw: float) -> Document:
    return doc_reader.read(data, source="r.doc", settings=Settings(**kw))  # type: ignore[arg-type]


def patched(at: int, value: bytes, data: bytes = DOC) -> bytes:
    return data[:at] + value + data[at + len(value) :]


# --------------------------------------------------------------------------------------------
# the fixture


def test_reads_the_fixture_without_converters(native_only: None) -> None:
    doc = read_native(DOC)
    assert doc.reader == "doc"
    assert doc.media_type == "application/msword"
    assert doc.warnings == ["converted_with: native"]
    assert doc.source == "r.doc" and len(doc.sha256) == 64
    assert document_figures(doc, FIGURES) == FIGURES
    t3 = find_table(doc, "申请人情况")
    assert t3.spans_known
    assert next(c for c in t3.cells if c.text == "三、本年度办理结果").row_span == 22
    assert "一、总体情况" in [b.text for b in doc.paragraphs if b.kind == "heading"]
    # paragraphs are numbered like lines; a cell carries its own paragraph's number and path
    cell = next(c for c in find_table(doc, "信息内容").cells if c.text == "规章")
    assert cell.provenance.line is not None and cell.provenance.path == "tbl[1]/tr[3]/tc[1]"


def test_same_blocks_as_the_docx_reader() -> None:
    """The .doc and the .docx of the same report: the same paragraphs (text and kind) and the same
    tables, cell by cell (position, spans, text)."""
    doc = msdoc.read(DOC, source="r.doc")
    ref = docx_reader.read(DOCX, source="r.docx")
    assert [type(b) for b in doc.blocks] == [type(b) for b in ref.blocks]
    for mine, theirs in zip(doc.blocks, ref.blocks, strict=True):
        if isinstance(mine, Paragraph):
            assert isinstance(theirs, Paragraph)
            assert (mine.text, mine.kind) == (theirs.text, theirs.kind)
            continue
        assert isinstance(mine, Table) and isinstance(theirs, Table)
        assert mine.spans_known and theirs.spans_known
        cells = [(c.row, c.col, c.row_span, c.col_span, c.text, c.raw_text) for c in mine.cells]
        assert cells == [(c.row, c.col, c.row_span, c.col_span, c.text, c.raw_text) for c in theirs.cells]


def test_extract_gives_the_docx_figures(native_only: None) -> None:
    from_doc = extract(DOC_PATH)
    from_docx = extract(FIXTURES / "report2021.docx")
    assert from_doc.error is None and from_doc.report is not None and from_docx.report is not None
    assert from_doc.report.flat() == from_docx.report.flat()
    assert from_doc.status == from_docx.status


# --------------------------------------------------------------------------------------------
# text and tables from hand-made paragraphs

BODY = ParaProps()
CELL = ParaProps(in_table=True, itap=1)
NESTED = ParaProps(in_table=True, itap=2, inner_cell=True)


def row_end(
    edges: tuple[int, ...], vert: tuple[int, ...] | None = None, horz: tuple[int, ...] | None = None
) -> RawParagraph:
    n = len(edges) - 1
    layout = RowDef(edges, horz or (0,) * n, vert or (0,) * n)
    return RawParagraph("", "\x07", ParaProps(in_table=True, ttp=True, itap=1, row=layout))


def cells(*texts: str) -> list[RawParagraph]:
    return [RawParagraph(t, "\x07", CELL) for t in texts]


def blocks(*paragraphs: RawParagraph) -> tuple[list[Paragraph | Table], list[str]]:
    return msdoc.build_blocks(paragraphs, Budget(Settings()))


def texts(*paragraphs: RawParagraph) -> list[str]:
    return [b.text for b in blocks(*paragraphs)[0] if isinstance(b, Paragraph)]


def test_fields_keep_their_result_only() -> None:
    assert texts(RawParagraph('见\x13 HYPERLINK "http://x" \x14门户网站\x15。', "\r", BODY)) == ["见门户网站。"]
    # a field inside another's instruction is part of that instruction
    assert texts(RawParagraph("\x13 IF \x13 PAGE \x145\x15 > 1 \x14外层\x15", "\r", BODY)) == ["外层"]
    # a table of contents: the result spans paragraphs
    toc = [RawParagraph("\x13 TOC \\o \x14一、总体情况", "\r", BODY), RawParagraph("二、主动公开\x15", "\r", BODY)]
    assert texts(*toc) == ["一、总体情况", "二、主动公开"]
    # an instruction cut off by a paragraph mark does not hide the rest of the document
    assert texts(RawParagraph("前\x13 broken", "\r", BODY), RawParagraph("正文", "\r", BODY)) == ["前", "正文"]


def test_control_characters() -> None:
    para = RawParagraph("a\x01b\x08c\x02d\x05e\x1ef\x1fg\xa0h\ti\x0b年\x0c报\x00", "\r", BODY)
    assert texts(para) == ["abcde-fg h i年报"]  # lines joined as the DOCX reader joins them
    assert texts(RawParagraph("annual\x0breport", "\r", BODY)) == ["annual report"]
    assert texts(RawParagraph("\ud840\udc00字", "\r", BODY)) == ["\U00020000字"]  # one CP per UTF-16 unit in, pairs out
    assert texts(RawParagraph(" \x01 ", "\r", BODY)) == []  # empty paragraphs are skipped
    heading = RawParagraph("概述", "\r", BODY, heading_style=True)
    outline = RawParagraph("总体", "\r", ParaProps(outline=0))
    assert [b.kind for b in blocks(heading, outline)[0] if isinstance(b, Paragraph)] == ["heading", "heading"]


def test_vertical_and_horizontal_merges() -> None:
    paragraphs = [
        *cells("项目", "数量"), row_end((0, 1000, 2000)),
        *cells("办理结果", "予以公开", "5"), row_end((0, 1000, 1500, 2000), vert=(3, 0, 0)),
        *cells("", "部分公开", "2"), row_end((0, 1000, 1500, 2000), vert=(1, 0, 0)),
        *cells("", "不予公开", "1"), row_end((0, 1000, 1500, 2000), vert=(2, 0, 0)),
        *cells("总计", "", "8"), row_end((0, 1010, 1500, 2000), horz=(1, 3, 0)),
    ]  # fmt: skip
    out, warnings = blocks(*paragraphs)
    assert warnings == []
    (table,) = out
    assert isinstance(table, Table) and table.spans_known
    spans = {c.text: (c.row, c.col, c.row_span, c.col_span) for c in table.cells}
    assert spans["数量"] == (0, 1, 1, 2)  # one edge at 2000 covers the two columns below it
    assert spans["办理结果"] == (1, 0, 3, 1)  # restart + two continuations, the continuations dropped
    assert spans["总计"] == (4, 0, 1, 2)  # merged with the next cell; 1010 is the 1000 line
    assert table.text_rows()[2] == ["办理结果", "部分公开", "2"]
    assert len(table.cells) == 2 + 3 + 2 + 2 + 2


def test_multi_paragraph_cells_and_nested_tables() -> None:
    paragraphs = [
        RawParagraph("第一行", "\r", CELL), RawParagraph("第二行", "\x07", CELL),
        RawParagraph("内表甲", "\r", NESTED), RawParagraph("内表乙", "\r", NESTED),
        RawParagraph("", "\r", ParaProps(in_table=True, itap=2, inner_ttp=True)), RawParagraph("", "\x07", CELL),
        row_end((0, 1000, 2000)),
        RawParagraph("表后", "\r", BODY),
    ]  # fmt: skip
    out, _ = blocks(*paragraphs)
    table, after = out
    assert isinstance(table, Table) and isinstance(after, Paragraph)
    first, second = table.cells
    assert (first.text, first.raw_text) == ("第一行第二行", "第一行\n第二行")
    assert second.raw_text == "内表甲\n内表乙"
    assert first.provenance.line == 1 and second.provenance.line == 3 and after.provenance.line == 8


def test_rows_without_layout_fall_back_to_unknown_spans() -> None:
    no_layout = RawParagraph("", "\x07", ParaProps(in_table=True, ttp=True))
    out, warnings = blocks(*cells("规章", "2", "0"), no_layout, *cells("行政规范性文件", "9"), no_layout)
    (table,) = out
    assert isinstance(table, Table) and not table.spans_known
    assert table.text_rows() == [["规章", "2", "0"], ["行政规范性文件", "9", ""]]
    assert warnings and warnings[0].startswith("table_spans_unknown")
    # a layout that does not fit the row's cells is no layout either
    out, _ = blocks(*cells("a", "b"), row_end((0, 1000)))
    assert isinstance(out[0], Table) and not out[0].spans_known
    # a table cut off before its row mark keeps its cells
    out, _ = blocks(*cells("甲", "乙"))
    assert isinstance(out[0], Table) and out[0].text_rows() == [["甲", "乙"]]


def test_sprm_operand_sizes() -> None:
    tdef = struct.pack("<HH", 0xD608, 6) + bytes([1]) + struct.pack("<hh", 0, 500)  # cb = 5 bytes after it + 1
    tabs = struct.pack("<H", 0xC615) + bytes([255, 1, 0, 0, 0, 0, 1, 0, 0, 0])  # cb 255: sizes from the lists
    grpprl = tdef + tabs + struct.pack("<HB", 0x2416, 1) + struct.pack("<HI", 0x6649, 2) + b"\x16"
    assert [(hex(s), end - start) for s, start, end in iter_sprms(grpprl)] == [
        ("0xd608", 7),
        ("0xc615", 10),
        ("0x2416", 1),
        ("0x6649", 4),
    ]  # the lone trailing byte is a truncated Prl: dropped


def test_piece_table_text() -> None:
    """A fast-saved document's pieces out of stream order, one compressed (cp1252 as [MS-DOC] maps
    it), one UTF-16 with a surrogate pair that stays two CPs; ccpText cuts the last piece."""
    word = b"\x00" * 16 + "报告\U00020000\r".encode("utf-16-le") + b"A\x93q\x94\x80 \r"
    pieces = [
        _Piece(0, 7, 26, True, b""),  # the compressed bytes at offset 26 (fc 52 halved)
        _Piece(7, 12, 16, False, b""),  # then the UTF-16 text at offset 16
    ]
    text = main_text(_Streams(word, b"", b""), _Fib(11), pieces)
    assert text == "A\u201cq\u201d\x80 \r报告\ud840\udc00"  # 0x80 is not mapped: U+0080, as the spec says
    with pytest.raises(NativeDocError, match="past the piece table"):
        main_text(_Streams(word, b"", b""), _Fib(13), pieces)
    with pytest.raises(NativeDocError, match="runs past"):
        main_text(_Streams(word, b"", b""), _Fib(12), [_Piece(0, 12, 30, False, b"")])


# --------------------------------------------------------------------------------------------
# encrypted, older and broken files


def test_encrypted_flag(native_only: None) -> None:
    flags = struct.unpack_from("<H", DOC, WORD_AT + 0x0A)[0]
    encrypted = patched(WORD_AT + 0x0A, struct.pack("<H", flags | 0x0100))
    with pytest.raises(EncryptedDocument, match="fEncrypted") as info:
        read_native(encrypted)
    assert info.value.source == "r.doc"
    with pytest.raises(EncryptedDocument):
        msdoc.read(encrypted)


def test_word6_is_declined(native_only: None) -> None:
    word6 = patched(WORD_AT + 2, struct.pack("<H", 104))
    word6 = patched(WORD_AT + 0x20, struct.pack("<H", 0), word6)
    with pytest.raises(msdoc.UnsupportedDoc, match="nFib 104"):
        msdoc.read(word6)
    with pytest.raises(ConverterMissing, match="Word 6/95"):
        read_native(word6)


def test_broken_structures_are_corrupt(native_only: None) -> None:
    fc_clx = WORD_AT + 0x1A2
    broken = [
        patched(fc_clx, struct.pack("<I", 10**6)),  # the piece table outside the table stream
        patched(WORD_AT + 0x4C, struct.pack("<I", 10**8)),  # more text than the stream holds
        patched(WORD_AT, b"\x00\x00"),  # no Word signature
        patched(WORD_AT + 0x106, struct.pack("<I", 13)),  # PlcBtePapx of a size no PLC has
        patched(TABLE_AT, b"\x00" * TABLE_LEN),  # the table stream zeroed
        patched(WORD_AT + 0x800, b"\x00" * (WORD_LEN - 0x800)),  # text and FKPs zeroed
    ]
    for data in broken:
        with pytest.raises(CorruptDocument, match="native: "):
            read_native(data)
        with pytest.raises(NativeDocError):
            msdoc.read(data)


def test_a_file_the_native_reader_cannot_read_goes_to_the_next_converter(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = patched(WORD_AT + 0x1A2, struct.pack("<I", 10**6))
    monkeypatch.setattr(doc_reader, "DOC_CONVERTERS", ("native", "antiword"))
    monkeypatch.setattr(doc_reader, "_which", lambda name: f"/usr/bin/{name}")
    monkeypatch.setattr(
        doc_reader, "_via_antiword", lambda d, s, st: Document(blocks=[Paragraph("文本")], reader="doc")
    )
    assert read_native(broken).warnings == ["converted_with: antiword"]


def _outcome(data: bytes) -> str:
    """``document`` or the typed error's code (a ReadError); any other exception fails the test."""
    t0 = time.perf_counter()
    try:
        read_native(data, timeout_s=5.0)
        result = "document"
    except ReadError as exc:
        result = exc.code
    assert time.perf_counter() - t0 < 10
    return result


_REGIONS = [(WORD_AT, WORD_AT + 0x200), (WORD_AT, WORD_AT + WORD_LEN), (TABLE_AT, TABLE_AT + TABLE_LEN), (0, len(DOC))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(_REGIONS), st.integers(0, 2**32 - 1), st.integers(1, 40))
def test_flipped_bytes_give_a_document_or_a_typed_error(region: tuple[int, int], seed: int, flips: int) -> None:
    """Random bytes of the FIB, the text and FKPs, the table stream or the whole file replaced:
    the reader returns a Document or raises a ReadError (never another exception, never hangs).
    The built-in reader alone: where LibreOffice is installed it would come first, and each of 300
    conversions of a broken file takes seconds (one took 41 s on a loaded machine)."""
    rng = random.Random(seed)
    data = bytearray(DOC)
    for _ in range(flips):
        data[rng.randrange(*region)] = rng.randrange(256)
    with pytest.MonkeyPatch.context() as mp:  # (not the native_only fixture: hypothesis reruns the body, not fixtures)
        mp.setattr(doc_reader, "DOC_CONVERTERS", ("native",))
        _outcome(bytes(data))  # a broken OLE2 signature is sniffed as other binary: unsupported_format


@pytest.mark.parametrize("cut", [1536, 4096, 9000, 25600, 30000, 45000, 57000])
def test_truncated_files(native_only: None, cut: int) -> None:
    assert _outcome(DOC[:cut]) in {"corrupt", "document"}
