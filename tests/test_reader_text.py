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


def test_character_references_left_by_a_tag_stripping_crawler_are_decoded() -> None:
    """re.sub("<[^>]*>", "", html) keeps &nbsp; &ldquo; &#12289;: read as text they glue label
    characters to the numbers. A few of them mark the text as markup stripped of its tags."""
    from extractor.readers.text import read, unescape_entities
    from extractor.settings import DEFAULT_SETTINGS

    assert unescape_entities("a &amp; b") == ("a &amp; b", 0)  # one reference: text as it is
    text, n = unescape_entities("规章&nbsp;\n0&nbsp;\n&#12289;&ldquo;三安全一稳定&rdquo;")
    assert n == 5 and text == "规章\xa0\n0\xa0\n、“三安全一稳定”"
    doc = read("标题&nbsp;\n&nbsp;\n3&nbsp;\n".encode(), source="x.txt", settings=DEFAULT_SETTINGS)
    assert [p.text for p in doc.paragraphs] == ["标题", "\xa0", "3"]  # a line of &nbsp; is a printed blank cell
    assert any(w.startswith("unescaped_entities") for w in doc.warnings)


def test_a_line_of_no_break_spaces_is_a_blank_cell_and_spare_ones_are_dropped() -> None:
    from extractor.locate.align import tokenize

    toks = tokenize("本年新收\n24\n\xa0\n\n7\n").numbers
    assert [t.text for t in toks] == ["24", "\xa0", "7"]  # the empty line is layout, the &nbsp; line a cell
    from extractor import extract

    head = "某区2023年政府信息公开工作年度报告\n三、收到和处理政府信息公开申请情况\n申请人情况\n"
    row = "一、本年新收政府信息公开申请数量\n24\n\xa0\n\xa0\n\xa0\n\xa0\n1\n25\n"
    padded = "二、上年结转政府信息公开申请数量\n\xa0\n\xa0\n2\n\xa0\n0\n\xa0\n0\n0\n0\n\xa0\n0\n\xa0\n2\n\xa0\n"
    rows = "".join(f"{label}\n" + "0\n" * 7 for label in ("（一）予以公开", "（二）部分公开", "1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”"))
    flat = extract((head + row + padded + rows).encode(), name="x.txt").report.flat()  # type: ignore[union-attr]
    assert [flat[f"t3.new_received.{c}"] for c in ("natural_person", "commercial", "other_org", "total")] == [24, 0, 1, 25]
    assert [flat[f"t3.carried_over.{c}"] for c in ("natural_person", "total")] == [2, 2]  # spacer lines around values dropped


def test_a_markdown_row_broken_by_a_line_break_in_a_cell_is_joined() -> None:
    """``| 行政复 议 | 行政诉`` / ``讼 |  | … |``: an HTML-to-markdown converter kept a cell's ``<br>``.
    Left as two rows, the second opens without a pipe, so the table's leading pipes were taken for
    blank first cells and table 4's row shifted one column to the right."""
    from extractor import extract

    heads = "| 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 " * 3 + "|"
    text = ("某某市某某局2023年政府信息公开工作年度报告\n一、总体情况\n略。\n二、主动公开政府信息情况\n略。\n"
            "三、收到和处理政府信息公开申请情况\n略。\n四、政府信息公开行政复议、行政诉讼情况\n"
            "| 行政复议 | 行政诉\n讼 |" + "  |" * 13 + "\n|" + "---|" * 15 + "\n" + heads + "\n"
            "| 1 | 2 | 7 | 2 | 12 |  |  | 2 | 0 | 2 | 8 | 8 |  | 6 | 22 |\n五、存在的主要问题及改进情况\n无。\n")
    r = extract(text.encode("utf-8"), name="x.md")
    assert r.report is not None and r.report.table4 is not None
    t4 = r.report.table4
    assert (t4.review.upheld.value, t4.review.total.value, t4.lit_after_review.total.value) == (1, 12, 22)


def test_text_in_utf16_or_utf32_with_a_byte_order_mark_is_read() -> None:
    """Word's "Unicode text" and Notepad's "Unicode": UTF-16 with a BOM, whose ASCII characters
    carry NUL bytes — sniffed as text (or HTML), not refused as binary."""
    import json
    from pathlib import Path

    from extractor import extract

    corpus = Path(__file__).resolve().parent.parent / "corpus"
    text = (corpus / "guantang-2024.txt").read_text(encoding="utf-8")
    truth = json.loads((corpus / "guantang-2024.truth.json").read_text(encoding="utf-8"))["figures"]
    for data in (text.encode("utf-16"), b"\xfe\xff" + text.encode("utf-16-be"), text.encode("utf-32")):
        r = extract(data, name="seed.txt")
        assert r.report is not None, r.error
        flat = r.report.flat()
        assert all(flat.get(k) == v for k, v in truth.items())
    page = "<html><head><title>t</title></head><body><p>" + text.replace("\n", "</p><p>") + "</p></body></html>"
    as_utf8 = extract(page.encode("utf-8"), name="seed").report
    r = extract(page.encode("utf-16"), name="seed")
    assert r.report is not None and as_utf8 is not None and r.report.flat() == as_utf8.flat()
    assert r.report.flat().get("t3.new_received.total") == truth["t3.new_received.total"]
    assert extract(text.encode("utf-16-le"), name="seed.txt").report is None  # without a mark, NUL bytes stay binary


def test_comma_separated_rows_are_cells_where_the_text_is_csv() -> None:
    """A table exported as CSV: ``77,24,476`` is three cells, not 77 and 24,476; a quoted cell keeps
    its commas. Prose with a stray ASCII comma does not make a text CSV."""
    rows = ["规章,77,24,476", '"（二）部分公开（区分处理的,只计这一情形）",8,1,0,0,0,0,9'] + [f"第{i}行,{i},0,{i}" for i in range(8)]
    doc = read_text("标题行\n" + "\n".join(rows) + "\n")
    grid = doc.tables[0].text_rows()
    assert grid[0][:4] == ["规章", "77", "24", "476"] and not any(grid[0][4:])  # (rows padded to the widest)
    assert grid[1][0] == "（二）部分公开（区分处理的,只计这一情形）" and grid[1][1:] == ["8", "1", "0", "0", "0", "0", "9"]
    prose = read_text("本年度共受理申请12,345件。\n规章,77,24,476\n" + "说明文字。\n" * 3)
    assert not prose.tables  # two comma lines are no CSV table
    named = read_text("规章,77,24,476\n行政许可,5\n行政处罚,3\n", source="report.csv")
    assert named.tables and named.tables[0].text_rows()[0][:4] == ["规章", "77", "24", "476"]


def test_prose_written_with_ascii_commas_is_no_csv() -> None:
    """A crawler's dump of a page written with ASCII punctuation, broken at each number, leaves
    lines opening with the comma after one (``,本机关…``) and clauses parted by commas: an empty cell
    and short "headings" on every line. Taken for CSV, 60 such lines became tables and （二）部分公开's
    label with them, so 一's row took the next row's 0 (予以公开 read 110, not 11). No row holds a
    number: it is prose."""
    clauses = ["加强信息共享", "拓展公开领域", "增强解读实效", "完善工作机制"]
    lines = [",".join(["", *clauses[: 1 + i % 4]]) + "。" for i in range(12)]
    lines += ["(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "0", "(一)加强组织领导,完善工作机制"]
    doc = read_text("\n".join(lines) + "\n")
    assert not doc.tables
    assert any(p.text.startswith("(二)部分公开") for p in doc.paragraphs)
    # the same lines beside rows that hold numbers are still a CSV text
    numbered = read_text("\n".join(lines[:6] + [f"第{i}行,{i},0,{i}" for i in range(24)]) + "\n")
    assert numbered.tables


def test_a_data_frames_index_column_and_column_numbers_are_dropped() -> None:
    """``DataFrame.to_csv`` of a table read by ``pandas.read_html``: the first row numbers the
    columns, the first column numbers the rows; neither is a cell of the report."""
    lines = [",0,1,2,3", "0,信息内容,本年制发件数,本年废止件数,现行有效件数", "1,规章,0,0,0", "2,行政规范性文件,88,55,698"]
    lines += [f"{i},第{i}行,{i},{i},{i}" for i in range(3, 10)]
    grid = read_text("\n".join(lines) + "\n").tables[0].text_rows()
    assert grid[0] == ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]
    assert grid[2] == ["行政规范性文件", "88", "55", "698"]
