"""Text reader: pipe rows, markdown tables, tab rows, crawler headers."""

from __future__ import annotations

from extractor.document import Paragraph, Table
from extractor.readers.text import read_text


def test_pipe_rows_trailing_pipe_terminates_and_empties_are_kept() -> None:
    doc = read_text("标题行\n规章 | 0 | 0 | 0 |\n行政许可 | 5 | ||\n")
    t = doc.tables[0]
    assert t.text_rows() == [["规章", "0", "0", "0"], ["行政许可", "5", "", ""]]
    assert not t.spans_known
    assert t.cells[0].provenance.line == 2


def test_markdown_table_drops_separator() -> None:
    doc = read_text("| 信息内容 | 本年制发件数 |\n|---|---|\n| 规章 | 3 |\n\n段落")
    assert doc.tables[0].text_rows() == [["信息内容", "本年制发件数"], ["规章", "3"]]
    assert isinstance(doc.blocks[-1], Paragraph)


def test_tab_rows() -> None:
    doc = read_text("一、本年新收政府信息公开申请数量\t1\t0\t0\t0\t0\t0\t1\n")
    assert doc.tables[0].text_rows()[0][1:] == ["1", "0", "0", "0", "0", "0", "1"]


def test_crawler_header_becomes_metadata() -> None:
    text = "标题: 某县2023年政府信息公开工作年度报告\n发布时间: 2024-01-20 10:00\n原文链接: http://x.gov.cn/a.htm\n==== 正文 ====\n正文第一段"
    doc = read_text(text)
    assert doc.metadata["title"].startswith("某县2023年")
    assert doc.metadata["published"] == "2024-01-20 10:00"
    assert doc.metadata["url"] == "http://x.gov.cn/a.htm"
    assert [b.text for b in doc.blocks if isinstance(b, Paragraph)] == ["正文第一段"]


def test_header_lines_inside_the_body_are_text() -> None:
    doc = read_text("第一段正文很长很长\n时间: 这是正文里的一句话\n")
    assert not doc.metadata
    assert len(doc.paragraphs) == 2


def test_separate_tables_are_separate_blocks() -> None:
    doc = read_text("a | b |\n\n段落\nc | d |\n")
    assert [type(b) for b in doc.blocks] == [Table, Paragraph, Table]


def test_a_line_of_running_text_with_pipes_or_tabs_is_a_paragraph() -> None:
    """A crawler's get_text(" ") puts the whole page on one line, its navigation bar's pipes and
    the tabs between blocks included: that is running text for the aligner, not a table row."""
    from extractor.readers.text import read_text

    body = "本机关2023年度政府信息公开工作年度报告依据条例编制。" * 10
    for sep in (" | ", "\t"):
        doc = read_text(sep.join(("首页", "政务公开", body, "第二十条第（一）项 规章 0 0 3")))
        assert not doc.tables and len(doc.paragraphs) == 1
    doc = read_text("规章 | 0 | 0 | 3 |\n行政规范性文件 | 1 | 0 | 5 |")
    assert len(doc.tables) == 1 and not doc.paragraphs  # short cells stay a table
