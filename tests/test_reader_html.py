"""Tests for the HTML reader (extractor.readers.html). Fixtures are small inline pages."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor.document import Cell, Document, Paragraph, Table
from extractor.errors import EmptyInput
from extractor.readers import read_bytes, sniff
from extractor.readers.html import read
from extractor.settings import DEFAULT_SETTINGS

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"


def doc(html: str | bytes) -> Document:
    data = html.encode("utf-8") if isinstance(html, str) else html
    return read(data, source="t.html", settings=DEFAULT_SETTINGS)


def page(body: str, head: str = '<meta charset="utf-8">') -> str:
    return f"<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>"


def at(table: Table, row: int, col: int) -> Cell:
    """The cell whose top-left corner is (row, col)."""
    found = [c for c in table.cells if c.row == row and c.col == col]
    assert len(found) == 1, (row, col, found)
    return found[0]


def coverage(table: Table) -> dict[tuple[int, int], int]:
    counts: dict[tuple[int, int], int] = {}
    for c in table.cells:
        for r in range(c.row, c.row + c.row_span):
            for k in range(c.col, c.col + c.col_span):
                counts[r, k] = counts.get((r, k), 0) + 1
    return counts


# ---------------------------------------------------------------- encodings


def test_gb2312_label_with_gbk_only_characters_keeps_all_text() -> None:
    # 镕, 喆 and 堃 are outside GB2312: a parser decoding strictly as gb2312 stops at the first one.
    html = page(
        "<p>朱镕基、张喆、王堃同志出席会议。</p>"
        "<table><tr><td>申请人情况</td><td>自然人</td></tr><tr><td>总计</td><td>5</td></tr></table>"
        "<p>本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。</p>",
        head='<meta charset="gb2312"><title>测试</title>',
    )
    d = doc(html.encode("gbk"))
    assert d.encoding == "gb18030"
    assert [p.text for p in d.paragraphs] == [
        "朱镕基、张喆、王堃同志出席会议。",
        "本报告所列数据的统计期限自2019年1月1日起至2019年12月31日止。",
    ]
    assert d.tables[0].text_rows() == [["申请人情况", "自然人"], ["总计", "5"]]
    assert "\ufffd" not in d.text()


def test_gbk_bytes_without_meta_decode() -> None:
    html = "<html><body><p>本机关2023年共收到政府信息公开申请26件，均已按时办结。</p><p>喆堃镕</p></body></html>"
    d = doc(html.encode("gbk"))
    assert d.encoding == "gb18030"
    assert [p.text for p in d.paragraphs] == ["本机关2023年共收到政府信息公开申请26件，均已按时办结。", "喆堃镕"]


def test_http_equiv_charset_and_lying_utf8_label() -> None:
    body = "<p>政府信息公开工作年度报告，申请人情况</p>"
    d = doc(page(body, head='<meta http-equiv="Content-Type" content="text/html; charset=gbk">').encode("gbk"))
    assert d.paragraphs[0].text == "政府信息公开工作年度报告，申请人情况"
    lying = page(body, head='<meta charset="utf-8">').encode("gbk")  # the label lies: bytes are GBK
    assert doc(lying).paragraphs[0].text == "政府信息公开工作年度报告，申请人情况"


def test_xml_declaration_and_control_characters() -> None:
    html = '<?xml version="1.0" encoding="utf-8"?><html><body><p>申请\x0b人\x00情况</p></body></html>'
    d = doc(html)
    assert d.paragraphs[0].text == "申请 人 情况"
    assert "\ufffd" not in d.text()


# ---------------------------------------------------------------- tables and spans

TABLE3 = """
<table border="1">
<tr><td rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>
    <td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
    <td>10</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>11</td></tr>
<tr><td rowspan="3">三、本年度办理结果</td><td colspan="2">（一）予以公开</td>
    <td>5</td><td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>6</td></tr>
<tr><td rowspan="2">（三）不予公开</td><td>1.属于国家秘密</td>
    <td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td></tr>
<tr><td>2.其他法律行政法规禁止公开</td>
    <td>1</td><td>0</td><td>0</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
"""


def test_table3_header_spans_expand_to_exact_grid() -> None:
    (t,) = doc(page(TABLE3)).tables
    assert (t.n_rows, t.n_cols) == (7, 10)
    note = at(t, 0, 0)
    assert note.text.startswith("（本列数据的勾稽关系") and (note.row_span, note.col_span) == (3, 3)
    assert (at(t, 0, 3).text, at(t, 0, 3).col_span) == ("申请人情况", 7)
    assert (at(t, 1, 3).text, at(t, 1, 3).row_span) == ("自然人", 2)
    assert (at(t, 1, 4).text, at(t, 1, 4).col_span) == ("法人或其他组织", 5)
    assert (at(t, 1, 9).text, at(t, 1, 9).row_span) == ("总计", 2)
    assert [c.text for c in t.row_cells(2)] == ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"]
    assert [c.col for c in t.row_cells(2)] == [4, 5, 6, 7, 8]
    assert (at(t, 3, 0).col_span, [c.col for c in t.row_cells(3)]) == (3, [0, 3, 4, 5, 6, 7, 8, 9])
    assert (at(t, 4, 0).text, at(t, 4, 0).row_span) == ("三、本年度办理结果", 3)
    assert (at(t, 4, 1).text, at(t, 4, 1).col_span) == ("（一）予以公开", 2)
    assert (at(t, 5, 1).text, at(t, 5, 1).row_span) == ("（三）不予公开", 2)
    assert at(t, 5, 2).text == "1.属于国家秘密"
    assert at(t, 6, 2).text == "2.其他法律行政法规禁止公开"
    assert [c.text for c in t.row_cells(6)] == ["2.其他法律行政法规禁止公开", "1", "0", "0", "0", "0", "0", "1"]
    assert t.text_rows()[6][:3] == ["三、本年度办理结果", "（三）不予公开", "2.其他法律行政法规禁止公开"]
    assert set(coverage(t).values()) == {1} and len(coverage(t)) == 70


def test_duplicated_rowspan_cell_is_kept_where_it_lands() -> None:
    html = page(
        "<table>"
        '<tr><td rowspan="2">三、本年度办理结果</td><td>（一）予以公开</td><td>5</td></tr>'
        "<tr><td>三、本年度办理结果</td><td>（二）部分公开</td><td>6</td></tr>"
        "</table>"
    )
    (t,) = doc(html).tables
    assert [(c.col, c.text) for c in t.row_cells(1)] == [(1, "三、本年度办理结果"), (2, "（二）部分公开"), (3, "6")]
    assert t.n_cols == 4
    assert max(coverage(t).values()) == 1


def test_br_and_paragraphs_inside_header_cells() -> None:
    html = page(
        "<table><tr><td>信息内容</td><td>本年新<br/>制作数量</td><td><p>本年新</p><p>公开数量</p></td></tr>"
        "<tr><td>规范性文件</td><td>8</td><td>9</td></tr></table>"
    )
    (t,) = doc(html).tables
    made, published = at(t, 0, 1), at(t, 0, 2)
    # one space where the line broke: the locator removes spaces inside labels anyway
    assert (made.text, made.raw_text) == ("本年新 制作数量", "本年新\n制作数量")
    assert (published.text, published.raw_text) == ("本年新 公开数量", "本年新\n公开数量")
    mixed = doc(page("<table><tr><td><div>总计</div>（件）</td><td>说明<p>无</p></td></tr></table>")).tables[0]
    assert [c.text for c in mixed.cells] == ["总计 （件）", "说明 无"]


def test_nbsp_cells_are_blank_and_units_stay_in_the_cell() -> None:
    html = page(
        "<table><tr><td>采购项目数量</td><td>采购总金额</td><td>其他</td></tr>"
        "<tr><td>&nbsp;</td><td>251000元</td><td> &nbsp; &nbsp; </td></tr></table>"
    )
    (t,) = doc(html).tables
    assert [c.text for c in t.row_cells(1)] == ["", "251000元", ""]
    assert at(t, 1, 0).raw_text == "\xa0"


def test_absurd_and_zero_spans_are_clamped() -> None:
    html = page(
        "<table>"
        '<tr><td colspan="100000">申请人情况</td><td rowspan="999">总计</td></tr>'
        '<tr><td rowspan="0">自然人</td><td colspan="abc">1</td></tr>'
        "<tr><td>2</td></tr>"
        "</table>"
    )
    (t,) = doc(html).tables
    assert at(t, 0, 0).col_span == 1000
    assert at(t, 0, 1000).row_span == 3  # clamped to the table's end
    assert at(t, 1, 0).row_span == 2  # rowspan=0: to the end of the table
    assert at(t, 1, 1).col_span == 1
    assert [c.col for c in t.row_cells(2)] == [1]
    assert max(coverage(t).values()) == 1


def test_colspan_overlapping_a_rowspan_is_shrunk() -> None:
    html = page(
        '<table><tr><td>a</td><td rowspan="2">b</td><td>c</td></tr><tr><td colspan="3">d</td><td>e</td></tr></table>'
    )
    d = doc(html)
    (t,) = d.tables
    assert (at(t, 1, 0).text, at(t, 1, 0).col_span) == ("d", 1)
    assert at(t, 1, 2).text == "e"
    assert max(coverage(t).values()) == 1
    assert any("shrunk" in w for w in d.warnings)


def test_nested_table_is_its_own_block_after_the_outer_one() -> None:
    html = page(
        "<p>四、政府信息公开行政复议、行政诉讼情况</p>"
        "<table><tr><td>行政复议</td><td>行政诉讼</td></tr>"
        "<tr><td>总计 3</td><td>说明<table><tr><td>内表甲</td><td>内表乙</td></tr></table></td></tr></table>"
        "<p>五、存在的主要问题及改进情况</p>"
    )
    d = doc(html)
    kinds = [type(b).__name__ for b in d.blocks]
    assert kinds == ["Paragraph", "Table", "Table", "Paragraph"]
    outer, inner = d.tables
    assert at(outer, 1, 1).text == "说明"  # the inner table's text is not copied into the outer cell
    assert inner.text_rows() == [["内表甲", "内表乙"]]
    assert outer.provenance.path == "table[1]" and inner.provenance.path == "table[2]"
    assert at(inner, 0, 1).provenance.path == "table[2]/tr[1]/td[2]"


def test_layout_table_wrapping_the_article_is_unwrapped() -> None:
    html = page(
        "<table width='100%'><tr><td>"
        "<p>一、总体情况</p><p>本年度我局认真贯彻落实《条例》要求，全面推进政务公开工作，取得明显成效。</p>"
        "<table><tr><td>信息内容</td><td>本年制发件数</td></tr><tr><td>规章</td><td>0</td></tr></table>"
        "<p>三、收到和处理政府信息公开申请情况</p>"
        "<table><tr><td>申请人情况</td><td>自然人</td></tr><tr><td>总计</td><td>3</td></tr></table>"
        "</td></tr></table>"
    )
    d = doc(html)
    assert [type(b).__name__ for b in d.blocks] == ["Paragraph", "Paragraph", "Table", "Paragraph", "Table"]
    assert d.tables[0].text_rows()[0] == ["信息内容", "本年制发件数"]
    assert d.tables[1].provenance.path == "table[2]"


WORD = """<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:w="urn:schemas-microsoft-com:office:word">
<head><meta http-equiv=Content-Type content="text/html; charset=utf-8">
<style><!-- p.MsoNormal {mso-style-parent:""; margin:0cm; font-family:宋体;} --></style>
<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>张三</o:Author></o:DocumentProperties></xml><![endif]-->
</head>
<body lang=ZH-CN style='tab-interval:21.0pt'><div class=WordSection1>
<p class=MsoNormal><a name="_Toc1"></a><span lang=EN-US style='font-family:黑体'>一、</span><span
style='font-family:黑体'>总体情况<o:p></o:p></span></p>
<p class=MsoNormal><span style='font-family:仿宋'>本机关全年共收到政府
信息公开申请</span><span lang=EN-US>26</span><span style='font-family:仿宋'>件。</span></p>
<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-yfti-tbllook:1184'>
 <tr style='mso-yfti-irow:0'>
  <td width=120 style='width:90pt'><p class=MsoNormal align=center><span style='font-family:宋体'>申请人情</span><span
  style='font-family:仿宋'>况</span><span lang=EN-US><o:p></o:p></span></p></td>
  <td><p class=MsoNormal><![if !supportLists]><span>（</span><span lang=EN-US>一</span><span>）</span><![endif]><span
  style='font-family:仿宋'>予以公开</span></p></td>
 </tr>
 <tr>
  <td><p class=MsoNormal><span lang=EN-US>12<o:p></o:p></span></p></td>
  <td><p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p></td>
 </tr>
</table>
<p class=MsoNormal><span lang=EN-US><o:p>&nbsp;</o:p></span></p>
</div></body></html>"""


def test_word_exported_html() -> None:
    d = doc(WORD)
    assert [p.text for p in d.paragraphs] == ["一、总体情况", "本机关全年共收到政府信息公开申请26件。"]
    (t,) = d.tables
    assert t.text_rows() == [["申请人情况", "（一）予以公开"], ["12", ""]]
    assert "张三" not in d.text()  # the mso XML block is a comment, not text
    assert "mso" not in d.text()


CMS = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<meta name="ArticleTitle" content="某某县人民政府2023年政府信息公开工作年度报告">
<meta name="PubDate" content="2024-01-20 09:30">
<link rel="canonical" href="https://www.example.gov.cn/zwgk/gknb/202401/t20240120_1.html">
<title>某某县人民政府2023年政府信息公开工作年度报告_政府信息公开年报_某某县人民政府</title>
<script>var nav = "首页";</script>
</head><body>
<div class="header"><div class="logo">某某县人民政府门户网站</div>
  <div class="search"><input type="text" value="请输入关键字"></div></div>
<div class="nav"><ul>
  <li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li><li><a href="/hdjl/">互动交流</a></li>
  <li><a href="/bsfw/">办事服务</a></li><li><a href="/xxgk/">行政复议公开专栏</a></li></ul></div>
<div class="main">
  <div class="position">您当前的位置：<a href="/">首页</a> &gt; <a href="/zwgk/">政务公开</a></div>
  <table class="xxgk-card">
    <tr><td>索引号</td><td>014314799/2024-00002</td><td>分类</td><td>政府信息公开年报</td></tr>
    <tr><td>发布机构</td><td>某某县人民政府办公室</td><td>发布日期</td><td>2024年01月21日</td></tr>
  </table>
  <div class="article">
    <h1 class="article-title">某某县人民政府2023年政府信息公开工作年度报告</h1>
    <div class="info">来源：某某县政府办 时间：2024-01-22 10:00 浏览次数：<span>123</span></div>
    <div class="article-content" id="zoom">
      <p>根据《中华人民共和国政府信息公开条例》要求，现公布本机关2023年度政府信息公开工作年度报告。本报告所列数据的统计期限自2023年1月1日起至2023年12月31日止。</p>
      <h3>一、总体情况</h3>
      <p>2023年，本机关坚持以公开为常态、不公开为例外，全面推进决策、执行、管理、服务、结果公开，不断提升政务公开质量和实效，切实保障人民群众的知情权、参与权、表达权和监督权。</p>
      <p>三、收到和处理政府信息公开申请情况</p>
      <table><tr><td colspan="2">申请人情况</td></tr><tr><td>自然人</td><td>法人或其他组织</td></tr>
        <tr><td>12</td><td>3</td></tr></table>
      <p>四、政府信息公开行政复议、行政诉讼情况</p>
      <table><tr><td>行政复议</td><td>行政诉讼</td></tr><tr><td>0</td><td>1</td></tr></table>
    </div>
    <div class="share">分享到：<a href="#">微信</a><a href="#">微博</a><a href="#">QQ空间</a></div>
    <div class="related"><span>相关链接</span><ul>
      <li><a href="/a1.html">某某县人民政府2022年政府信息公开工作年度报告</a></li>
      <li><a href="/a2.html">某某县人民政府2021年政府信息公开工作年度报告</a></li></ul></div>
  </div>
</div>
<div class="footer"><p>主办单位：某某县人民政府办公室 承办单位：某某县大数据管理局</p>
  <p>地址：某某县人民路一号 联系电话：0000-12345678 网站标识码：3213220037 苏ICP备00000000号</p></div>
</body></html>"""


def test_cms_page_keeps_the_article_and_drops_the_chrome() -> None:
    d = doc(CMS)
    text = d.text()
    for chrome in (
        "首页",
        "互动交流",
        "您当前的位置",
        "分享到",
        "微博",
        "相关链接",
        "2022年政府信息公开",
        "主办单位",
        "网站标识码",
        "请输入关键字",
        "门户网站",
        "var nav",
    ):
        assert chrome not in text, chrome
    assert d.paragraphs[0].text.startswith("根据《中华人民共和国政府信息公开条例》")
    assert [p.text for p in d.paragraphs if p.kind == "heading"] == ["一、总体情况"]
    assert len(d.tables) == 2 and d.tables[0].text_rows()[2] == ["12", "3"]
    assert d.metadata == {
        "title": "某某县人民政府2023年政府信息公开工作年度报告",
        "published": "2024-01-21",  # the card's 发布日期 outranks meta PubDate and the generic 时间
        "publisher": "某某县人民政府办公室",
        "index_no": "014314799/2024-00002",
        "url": "https://www.example.gov.cn/zwgk/gknb/202401/t20240120_1.html",
    }


def test_old_table_layout_cms_page() -> None:
    prose = "本机关认真贯彻落实政府信息公开条例，全面推进政务公开工作，取得明显成效。" * 2
    html = page(
        "<table width=980><tr><td colspan=2><img src=logo.gif>某某市人民政府网站</td></tr>"
        "<tr><td width=200><a href=/1>首页</a><br><a href=/2>某某市2011年政府信息公开工作年度报告</a></td>"
        "<td><table><tr><td class=title>某某市2012年政府信息公开工作年度报告</td></tr>"
        "<tr><td>发布日期：2013-03-01　　信息来源：市政府办公室</td></tr>"
        f"<tr><td><p>　　一、概述</p><p>{prose}</p><p>　　二、主动公开政府信息情况</p>"
        "<table border=1><tr><td>类别</td><td>数量</td></tr><tr><td>主动公开</td><td>1234</td></tr></table>"
        "</td></tr></table></td></tr>"
        "<tr><td colspan=2>版权所有：某某市人民政府办公室　地址：某某路1号</td></tr></table>"
    )
    d = doc(html)
    texts = [p.text for p in d.paragraphs]
    assert texts[-3:] == ["一、概述", prose, "二、主动公开政府信息情况"]  # frames unwrapped, in order
    assert isinstance(d.blocks[-1], Table)
    assert d.tables[0].text_rows() == [["类别", "数量"], ["主动公开", "1234"]]
    assert "版权所有" not in d.text() and "首页" not in d.text()
    assert d.metadata == {
        "title": "某某市2012年政府信息公开工作年度报告",
        "published": "2013-03-01",
        "publisher": "市政府办公室",
    }


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        (
            "<div>发布时间: 2020-01-20 15:22 来源: 平潭县人民政府</div>",
            {"published": "2020-01-20", "publisher": "平潭县人民政府"},
        ),
        ("<table><tr><td>发文日期</td><td>2018-02-28</td></tr></table>", {"published": "2018-02-28"}),
        ("<span>日期:2019年03月04日</span>", {"published": "2019-03-04"}),
        ("<div>采集时间：2025-12-30T21:37:37+08:00</div>", {}),
        (
            "<div><strong>来源：</strong><a href='http://x.gov.cn/a.shtml'>http://x.gov.cn/a.shtml</a></div>",
            {"url": "http://x.gov.cn/a.shtml"},
        ),
        ("<li><b>索引号：</b>11350100MB1234567X/2020-00001</li>", {"index_no": "11350100MB1234567X/2020-00001"}),
        ("<p>信息来源：区政务公开办 【字体：大 中 小】</p>", {"publisher": "区政务公开办"}),
    ],
)
def test_info_card_forms(snippet: str, expected: dict[str, str]) -> None:
    body = snippet + "<div><p>本机关2023年政府信息公开工作总体情况良好，全年共受理申请人提出的申请26件。</p></div>"
    assert doc(page(body)).metadata == expected


def test_title_from_title_tag_without_site_suffix() -> None:
    html = page(
        "<p>本机关2023年政府信息公开工作总体情况良好。</p>",
        head="<meta charset='utf-8'><title>沭阳县发展和改革局2023年政府信息公开年度报告-沭阳县发改局</title>",
    )
    assert doc(html).metadata == {"title": "沭阳县发展和改革局2023年政府信息公开年度报告"}


# ---------------------------------------------------------------- paragraphs and provenance


def test_blocks_headings_br_lines_and_provenance() -> None:
    html = (
        "<html><body>\n"
        "<h2>一、总体情况</h2>\n"
        "<div>（一）主动公开<br>全年主动公开政府信息<b>249</b>条。<br/>其中规范性文件9件。</div>\n"
        "<ul><li>第一项工作</li><li>第二项工作</li></ul>\n"
        "<table>\n<tr><td>行政复议</td></tr>\n<tr><td>a</td><td>b</td><td>c</td></tr>\n</table>\n"
        "</body></html>"
    )
    d = doc(html)
    assert [(p.kind, p.text) for p in d.paragraphs] == [
        ("heading", "一、总体情况"),
        ("paragraph", "（一）主动公开"),
        ("paragraph", "全年主动公开政府信息249条。"),
        ("paragraph", "其中规范性文件9件。"),
        ("paragraph", "第一项工作"),
        ("paragraph", "第二项工作"),
    ]
    heading, first_line = d.paragraphs[0], d.paragraphs[1]
    assert heading.provenance.line == 2 and heading.provenance.path == "/html/body/h2"
    assert first_line.provenance.path == "/html/body/div" and first_line.provenance.line == 3
    assert d.paragraphs[5].provenance.path == "/html/body/ul/li[2]"
    cell = at(d.tables[0], 1, 2)
    assert cell.provenance.path == "table[1]/tr[2]/td[3]" and cell.provenance.line == 7
    assert d.tables[0].provenance.line == 5


def test_link_only_lines_are_dropped_but_bookmarks_kept() -> None:
    html = page(
        '<p><a name="_Toc12">一、总体情况</a></p>'
        "<p>本机关全年共收到申请人提出的政府信息公开申请26件。</p>"
        '<p><a href="/download/a.pdf">附件：2023年度报告全文下载</a></p>'
        '<p>详见<a href="http://www.x.gov.cn">www.x.gov.cn</a>政府信息公开专栏中的全部内容。</p>'
    )
    assert [p.text for p in doc(html).paragraphs] == [
        "一、总体情况",
        "本机关全年共收到申请人提出的政府信息公开申请26件。",
        "详见www.x.gov.cn政府信息公开专栏中的全部内容。",
    ]


def test_document_facts() -> None:
    data = page("<p>政府信息公开工作年度报告</p>").encode("utf-8")
    d = read(data, source="a/b.html", settings=DEFAULT_SETTINGS)
    assert (d.reader, d.media_type, d.source, d.encoding) == ("html", "text/html", "a/b.html", "utf-8")
    assert d.sha256 == hashlib.sha256(data).hexdigest()
    assert sniff(data) == "html" and read_bytes(data).reader == "html"


# ---------------------------------------------------------------- damaged and empty input


def test_truncated_html_still_gives_its_text() -> None:
    html = page("<p>一、总体情况</p><p>本年度共收到申请26件。</p>" + TABLE3)
    cut = html[: html.index("（一）予以公开") + 4]  # stops inside a cell of the 5th row
    d = doc(cut)
    assert [p.text for p in d.paragraphs] == ["一、总体情况", "本年度共收到申请26件。"]
    (t,) = d.tables
    assert at(t, 0, 3).text == "申请人情况"
    assert at(t, 4, 1).text == "（一）予"
    truncated_mid_tag = doc(html[: html.index("申请人情况") + 3] + "</td><td colspan='7")
    assert at(truncated_mid_tag.tables[0], 0, 3).text == "申请人"


def test_text_outside_cells_is_kept_before_the_table() -> None:
    d = doc(page("<table>（单位：件）<tr><td>自然人</td><font>注</font><td>3</td></tr></table>"))
    assert [type(b).__name__ for b in d.blocks] == ["Paragraph", "Table"]
    assert d.paragraphs[0].text == "（单位：件） 注"
    assert d.tables[0].text_rows() == [["自然人", "3"]]
    assert at(d.tables[0], 0, 1).provenance.path == "table[1]/tr[1]/td[2]"


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"  \n\t ",
        b"<!-- only a comment -->",
        b"<html><head><title>t</title><script>var a = '\xe7\x94\xb3\xe8\xaf\xb7';</script></head><body></body></html>",
        b"<html><body><table><tr><td>&nbsp;</td><td> </td></tr></table><p>&nbsp;</p></body></html>",
    ],
)
def test_pages_without_text_raise_empty_input(data: bytes) -> None:
    with pytest.raises(EmptyInput):
        read(data, source="e.html", settings=DEFAULT_SETTINGS)


def test_a_page_of_only_links_is_not_empty() -> None:
    d = doc(page('<ul><li><a href="/a">政府信息公开年报</a></li><li><a href="/b">政务公开</a></li></ul>'))
    assert [p.text for p in d.paragraphs] == ["政府信息公开年报", "政务公开"]


# ---------------------------------------------------------------- property: spans never overlap

span_attr = st.one_of(
    st.none(), st.integers(min_value=0, max_value=5).map(str), st.sampled_from(["abc", "2;", " 3 ", ""])
)


@st.composite
def random_table(draw: st.DrawFn) -> tuple[str, int]:
    n_rows = draw(st.integers(min_value=1, max_value=6))
    rows, n_cells = [], 0
    for r in range(n_rows):
        cells = []
        for k in range(draw(st.integers(min_value=0, max_value=5))):
            attrs = ""
            for name in ("colspan", "rowspan"):
                value = draw(span_attr)
                if value is not None:
                    attrs += f' {name}="{value}"'
            tag = draw(st.sampled_from(["td", "th"]))
            cells.append(f"<{tag}{attrs}>格{r}{k}</{tag}>")
            n_cells += 1
        rows.append("<tr>" + "".join(cells) + "</tr>")
    return page("<p>表格</p><table>" + "".join(rows) + "</table>"), n_cells


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(random_table())
def test_random_spans_never_crash_and_never_overlap(case: tuple[str, int]) -> None:
    html, n_cells = case
    d = doc(html)
    tables = d.tables
    if n_cells == 0:
        assert tables == []
        return
    (t,) = tables
    assert len(t.cells) == n_cells  # every <td>/<th> stored exactly once
    assert all(c.row_span >= 1 and c.col_span >= 1 and c.row >= 0 and c.col >= 0 for c in t.cells)
    assert max(coverage(t).values()) == 1
    assert [(c.row, c.col) for c in t.cells] == sorted((c.row, c.col) for c in t.cells)
    t.grid()  # the model's own expansion agrees


# ---------------------------------------------------------------- size and speed


def _word_page(n_rows: int) -> str:
    cell = (
        "<td width=59 valign=center style='width:44.6pt;padding:0pt 5.4pt;border:solid windowtext 1pt;"
        "mso-border-alt:solid windowtext .5pt'><p class=MsoNormal align=center style='text-align:center;"
        "mso-pagination:widow-orphan'><span lang=EN-US style='font-size:12pt;font-family:仿宋_GB2312;"
        "mso-font-kerning:0pt'>{v}<o:p></o:p></span></p></td>"
    )
    row = "<tr>" + cell.format(v="（一）予以公开") + "".join(cell.format(v=str(i)) for i in range(7)) + "</tr>"
    para = (
        "<p class=MsoNormal style='text-indent:32pt;line-height:28pt'><span style='font-size:16pt;"
        "font-family:仿宋_GB2312'>本机关认真贯彻落实政府信息公开条例，全面推进政务公开工作。</span></p>"
    )
    body = (para * 20 + "<table class=MsoNormalTable border=1>" + row * n_rows + "</table>") * 2
    return page("<div class=WordSection1>" + body + "</div>")


def test_word_export_of_300kb_reads_in_milliseconds() -> None:
    html = _word_page(70).encode("utf-8")
    assert 250_000 < len(html) < 400_000
    read(html, source="w.html", settings=DEFAULT_SETTINGS)
    best = min(_timed(html) for _ in range(5))
    assert best < 0.25, best  # a few ms in practice; generous for loaded CI machines
    assert len(doc(html).tables) == 2


def _timed(data: bytes) -> float:
    t0 = time.perf_counter()
    read(data, source="w.html", settings=DEFAULT_SETTINGS)
    return time.perf_counter() - t0


def test_reading_time_grows_linearly() -> None:
    small, large = _word_page(50).encode(), _word_page(400).encode()
    t_small = min(_timed(small) for _ in range(3))
    t_large = min(_timed(large) for _ in range(3))
    assert t_large < 8 * 8 * t_small + 0.05  # 8x the data: quadratic work would be ~64x


@pytest.mark.slow
def test_50mb_page_does_not_hang() -> None:
    chunk = _word_page(200)
    body = chunk[chunk.index("<body>") + 6 : chunk.index("</body>")]
    data = page(body * (50_000_000 // len(body.encode()) + 1)).encode()
    assert len(data) >= 50_000_000
    t0 = time.perf_counter()
    d = read(data, source="big.html", settings=DEFAULT_SETTINGS)
    assert time.perf_counter() - t0 < 120
    assert len(d.tables) == data.count(b"<table")


# ---------------------------------------------------------------- real pages (only where the corpus exists)


@pytest.mark.real
@pytest.mark.skipif(not REAL.is_dir(), reason="no real corpus at ../shared/corpus/real")
def test_real_pages_give_three_tables() -> None:
    files = sorted(REAL.glob("*.html"))
    if not files:
        pytest.skip("no real HTML pages")
    for path in files:
        d = read(path.read_bytes(), source=str(path), settings=DEFAULT_SETTINGS)
        assert len(d.tables) >= 3, path.name
        assert any(isinstance(b, Paragraph) and "总体情况" in b.text for b in d.blocks), path.name
        assert d.metadata.get("title"), path.name


_UTF8_PIECES = [b"<p>", b"</p>", b"<td>", "中文报告".encode(), "\U0001f600".encode(), b"\xef\xbf\xbe", b"abc ", b"\n",
                b"\xff", b"\xc0\xaf", b"\xe0\x80\x80", b"\xed\xa0\x80", b"\xf4\x90\x80\x80", b"\xf8\x88\x80\x80\x80",
                b"\xe4\xb8", b"\xb8", b"\x80", b"\xc2", b"\xf0\x9f\x98", b"&nbsp;", b"&#xD800;"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_UTF8_PIECES), min_size=1, max_size=30))
def test_libxml2_accepts_only_valid_utf8(pieces: list[bytes]) -> None:
    """Bytes read as UTF-8 without decoding them first must be what Python's codec accepts."""
    from extractor.readers.html.parse import parse_utf8

    data = b"<html><body>" + b"".join(pieces) + b"</body></html>"
    if parse_utf8(data) is not None:
        data.decode("utf-8")  # raises if libxml2 accepted invalid UTF-8


def test_invalid_utf8_reads_as_before() -> None:
    """A page declared UTF-8 with a broken byte: decoded (one U+FFFD, a decode.replaced note)."""
    page = "<html><head><meta charset='utf-8'></head><body><p>平潭综合实验区</p><p>坏\xff字</p></body></html>"
    data = page.encode("utf-8").replace(b"\xc3\xbf", b"\xff")
    d = doc(data)
    assert any("\ufffd" in b.text for b in d.paragraphs)
    assert any(w.startswith("decode.replaced") for w in d.warnings)


def test_page_hint_words_are_all_cjk() -> None:
    """The page scan skips ASCII text nodes without searching them: sound only while every word
    the hint pattern looks for holds no ASCII character."""
    from extractor.readers.html.nodes import ANY_HINT

    words = ANY_HINT.pattern.split("|")
    assert len(words) > 10
    assert all(w and not any(ch.isascii() for ch in w) for w in words)


def test_a_table_3_without_a_total_column_leaves_the_totals_without_value() -> None:
    """LibreOffice's PDF of a Word report cut table 3 at the page's edge: no 总计 header, every row
    one cell short. The missing cells were recorded as blank, so every total read 0 (three wrong
    values on 2023 沭阳). A table whose header has no 总计 and whose rows print six cells prints no
    totals: they are left without a value, with one finding; the six printed columns are read."""
    from extractor import extract

    rows = [("一、本年新收政府信息公开申请数量", [20, 3, 0, 0, 1, 2]), ("二、上年结转政府信息公开申请数量", [1, 0, 0, 0, 0, 0]),
            ("（一）予以公开", [15, 2, 0, 0, 1, 1]), ("（二）部分公开", [6, 1, 0, 0, 0, 1]),
            ("（七）总计", [21, 3, 0, 0, 1, 2]), ("四、结转下年度继续办理", [0, 0, 0, 0, 0, 0])]
    body = "".join(f"<tr><td colspan='3'>{label}</td>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"
                   for label, values in rows)
    html = ("<html><body><h1>示例县2023年政府信息公开工作年度报告</h1><p>三、收到和处理政府信息公开申请情况</p><table>"
            "<tr><td colspan='3' rowspan='3'>（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</td>"
            "<td colspan='6'>申请人情况</td></tr><tr><td rowspan='2'>自然人</td><td colspan='5'>法人或其他组织</td></tr>"
            "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
            f"{body}</table></body></html>")
    result = extract(html.encode("utf-8"), name="cut.html")
    assert result.report is not None
    flat = result.report.flat()
    assert flat["t3.new_received.natural_person"] == 20 and flat["t3.new_received.other_org"] == 2
    assert all(flat.get(f"t3.{key}.total") is None for key in ("new_received", "granted", "results_total"))
    assert [f.code for f in result.report.findings].count("cells.absent") == 1
