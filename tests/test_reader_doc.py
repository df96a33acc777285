"""DOC/WPS/RTF reader: each converter on the rendered .doc fixture, type detection from the bytes,
missing converters, time limits and broken input. Converter tests skip where the tool is absent;
the built-in .doc reader has its own tests (test_reader_msdoc.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from test_reader_pdf import FIGURES, FIXTURES, document_figures, find_table, norm

from extractor.document import Document, Table
from extractor.errors import ConverterMissing, CorruptDocument, EmptyInput, EncryptedDocument, ReadTimeout
from extractor.readers import doc as doc_reader
from extractor.readers import read_bytes, sniff
from extractor.settings import Settings

DOC = (FIXTURES / "report2021.doc").read_bytes()
HAS_SOFFICE = bool(shutil.which("soffice") or shutil.which("libreoffice"))
needs_soffice = pytest.mark.skipif(not HAS_SOFFICE, reason="LibreOffice (soffice) not installed")

RTF = (
    r"{\rtf1\ansi\ansicpg936\deff0{\fonttbl{\f0\fnil SimSun;}}"
    r"\uc1\u19968?\u12289?\u24635?\u20307?\u24773?\u20917?\par "  # 一、总体情况
    r"\trowd\cellx3000\cellx6000 \intbl \u35268?\u31456?\cell 17\cell\row "  # 规章 | 17
    r"\pard \u20840?\u24180?\par}"  # 全年
).encode("ascii")


def rows_of(table: Table) -> list[list[str]]:
    return [[norm(c.text) for c in row] for row in table.rows()]


def read(data: bytes, **settings: float) -> Document:
    return doc_reader.read(data, source="r.doc", settings=Settings(**settings))  # type: ignore[arg-type]


@needs_soffice
def test_doc_via_libreoffice_keeps_merges() -> None:
    doc = read(DOC)
    assert doc.reader == "doc"
    assert doc.media_type == "application/msword"
    assert doc.warnings[0] == "converted_with: soffice"
    assert document_figures(doc, FIGURES) == FIGURES
    t3 = find_table(doc, "申请人情况")
    assert t3.spans_known
    assert next(c for c in t3.cells if c.text == "三、本年度办理结果").row_span == 22


@pytest.mark.skipif(not shutil.which("antiword"), reason="antiword not installed")
def test_doc_via_antiword(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader, "DOC_CONVERTERS", ("antiword",))
    doc = read(DOC)
    assert doc.warnings[:2] == ["converted_with: antiword", "table_spans_unknown: antiword output"]
    t2 = find_table(doc, "第二十条")
    assert not t2.spans_known
    assert ["规章", "2", "0", "15"] in rows_of(t2)
    assert ["行政事业性收费", "12.35"] in rows_of(t2)
    assert "一、总体情况" in [b.text for b in doc.paragraphs]


@pytest.mark.skipif(not shutil.which("catdoc"), reason="catdoc not installed")
def test_doc_via_catdoc(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader, "DOC_CONVERTERS", ("catdoc",))
    doc = read(DOC)
    assert doc.warnings[0] == "converted_with: catdoc"
    rows = [r for t in doc.tables for r in rows_of(t)]
    assert ["三.本年度办理结果", "（一）予以公开", "71", "6", "2", "1", "3", "2", "85"] in rows
    assert ["规章", "2", "0", "15"] in rows


def test_no_converter_says_what_to_install(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """With no tool on the PATH a Word 97-2003 .doc is read by the built-in reader; RTF, and a
    Word 6/95 .doc the built-in reader declines, still say what to install."""
    monkeypatch.setenv("PATH", str(tmp_path))
    doc = read(DOC)
    assert doc.warnings[0] == "converted_with: native"
    assert document_figures(doc, FIGURES) == FIGURES
    with pytest.raises(ConverterMissing, match="libreoffice"):
        doc_reader.read_rtf(RTF, source="r.rtf", settings=Settings())
    word6 = bytearray(DOC)
    fib = DOC.find(b"\xec\xa5\x01\x01")  # wIdent, nFib 0x0101
    word6[fib + 2 : fib + 4] = (104).to_bytes(2, "little")  # Word 95's nFib
    word6[fib + 0x20 : fib + 0x22] = (0).to_bytes(2, "little")  # and no Word 97 FIB after FibBase
    with pytest.raises(ConverterMissing, match=r"Word 6/95.*apt-get install"):
        read(bytes(word6))


@needs_soffice
def test_converter_time_limit_kills_the_process_group() -> None:
    with pytest.raises(ReadTimeout, match="did not finish"):
        read(DOC, converter_timeout_s=0.05)
    if shutil.which("pgrep"):
        import time

        for _ in range(20):  # the killed group may take a moment to be reaped on a loaded machine
            leftover = subprocess.run(["pgrep", "-f", "ogi-soffice-"], capture_output=True, text=True).stdout.split()
            if not leftover:
                break
            time.sleep(0.1)
        assert leftover == []


@needs_soffice
def test_rtf_via_libreoffice() -> None:
    assert sniff(RTF, "r.doc") == "rtf"
    doc = doc_reader.read_rtf(RTF, source="r.rtf", settings=Settings())
    assert doc.reader == "rtf" and doc.media_type == "application/rtf"
    assert doc.paragraphs[0].text == "一、总体情况"
    assert rows_of(doc.tables[0]) == [["规章", "17"]]
    # an RTF file named .doc, read by the doc reader, is routed to the RTF path
    assert read(RTF).reader == "rtf"


@pytest.mark.skipif(not shutil.which("unrtf"), reason="unrtf not installed")
def test_rtf_via_unrtf(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(doc_reader, "RTF_CONVERTERS", ("unrtf",))
    doc = doc_reader.read_rtf(RTF, source="r.rtf", settings=Settings())
    assert doc.warnings[0] == "converted_with: unrtf"
    assert "一、总体情况" in doc.text()
    assert "17" in doc.text()


def test_html_named_doc_is_html() -> None:
    html = (FIXTURES / "report2021.html").read_bytes()
    assert sniff(html, "x.doc") == "html"
    assert read_bytes(html, source="x.doc").reader == "html"
    assert read(html).reader == "html"  # even when the doc reader is called directly


def test_bad_input() -> None:
    with pytest.raises(EmptyInput):
        read(b"")
    with pytest.raises(CorruptDocument, match="truncated"):
        read(DOC[:1000])
    with pytest.raises(CorruptDocument, match="header"):
        read(doc_reader.OLE2_MAGIC + os.urandom(4000))
    encrypted = DOC[:512] + "EncryptedPackage".encode("utf-16-le") + DOC[512:2048]
    with pytest.raises(EncryptedDocument):
        read(encrypted)
    workbook = DOC[:512] + b"\x00" * 512 + "Workbook".encode("utf-16-le") + b"\x00" * 1024
    with pytest.raises(CorruptDocument, match="Excel"):
        read(workbook)
