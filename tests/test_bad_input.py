"""Bad input gets a typed error with a stable code, or a correct result; never a traceback."""

from __future__ import annotations

import time

from reportgen import generate, render_html, render_pipe

from extractor import extract
from extractor.readers.decode import decode_bytes


def _code(data: bytes, name: str = "x") -> str | None:
    r = extract(data, name=name)
    return r.error.code if r.error else None


def test_binary_junk() -> None:
    assert _code(bytes(range(256)) * 40) == "unsupported_format"


def test_empty_and_whitespace() -> None:
    assert _code(b"") == "empty_input"
    assert _code(b"  \n\t ") == "empty_input"


def test_news_page_is_not_a_report() -> None:
    page = "<html><body><h1>市领导调研春耕生产</h1><p>3月5日，市领导深入田间地头调研。</p></body></html>"
    assert _code(page.encode(), "news.html") == "not_a_report"


def test_truncated_html_still_reads_what_is_there() -> None:
    rep = generate(3)
    page = render_html(rep).encode("utf-8")
    cut = page[: int(len(page) * 0.8)]  # table 4 and the tail are gone
    r = extract(cut, name="cut.html")
    assert r.report is not None
    flat = r.report.flat()
    assert flat["t3.new_received.total"] == rep.figures["t3.new_received.total"]


def test_gbk_without_meta() -> None:
    rep = generate(5)
    page = render_html(rep, chrome=False).replace("<meta charset='utf-8'>", "")
    r = extract(page.encode("gbk"), name="gbk.html")
    assert r.report is not None
    assert r.report.meta.organ == rep.organ
    assert r.report.flat()["t3.results_total.total"] == rep.figures["t3.results_total.total"]


def test_gb2312_label_with_gbk_only_character_loses_nothing() -> None:
    text = "<html><head><meta charset='gb2312'></head><body><p>朱镕基 王喆 李堃</p></body></html>"
    decoded, enc = decode_bytes(text.encode("gbk"))
    assert enc == "gb18030"
    assert "朱镕基 王喆 李堃" in decoded


def test_text_in_gbk() -> None:
    rep = generate(9)
    r = extract(render_pipe(rep).encode("gb18030"), name="gbk.txt")
    assert r.report is not None and r.report.meta.encoding == "gb18030"
    assert r.report.flat()["t4.review.total"] == rep.figures["t4.review.total"]


def test_fifty_megabyte_html_is_fast_or_refused() -> None:
    rep = generate(1)
    page = render_html(rep)
    filler = "<div class='nav'>" + ("<p>栏目 链接 新闻 很长的一段文字内容用来填充页面大小</p>" * 700_000) + "</div>"
    big = page.replace("<body>", "<body>" + filler).encode("utf-8")
    assert len(big) > 50_000_000
    t0 = time.perf_counter()
    r = extract(big, name="big.html")
    assert time.perf_counter() - t0 < 60
    assert r.report is not None  # the report inside the page chrome, read correctly
    assert r.report.flat()["t3.results_total.total"] == rep.figures["t3.results_total.total"]
    # Millions of tiny tags: refused up front with a clear error instead of minutes of parsing.
    tags = page.replace("<body>", "<body><div>" + "<p>新闻</p>" * 2_500_000 + "</div>").encode("utf-8")
    r2 = extract(tags, name="tags.html")
    assert r2.error is not None and r2.error.code == "too_large"


def test_notes_that_mention_reports_are_not_reports() -> None:
    """A file list or truth file that names report titles and row labels is not a report."""
    notes = (
        "# Sources\n\n| file | organ | notes |\n|---|---|---|\n"
        "| a.txt | 某某县人民政府2023年政府信息公开工作年度报告 | 本年新收政府信息公开申请数量 looks odd |\n"
        "| b.txt | 某某市2022年政府信息公开工作年度报告 | （七）总计 blank; 结转下年度继续办理 ok |\n"
    )
    assert _code(notes.encode(), "SOURCES.md") == "not_a_report"
    truth = '{"agency": "某某县人民政府", "report_year": 2023, "figures": {"t3.new_received.total": 3}}'
    assert _code(truth.encode(), "x.truth.json") == "not_a_report"


def test_a_citation_of_a_report_is_not_its_title() -> None:
    rep = generate(21)
    text = render_pipe(rep)
    lines = text.splitlines()
    lines[0] = "关于编制公布2099年政府信息公开工作年度报告有关事项的通知"  # a cited notice, not the title
    lines.insert(1, f"{rep.organ}{rep.year}年度政府信息公开工作报告")  # 工作报告 without 年度
    r = extract("\n".join(lines).encode(), name="x.txt")
    assert r.report is not None
    assert r.report.meta.report_year == rep.year
    assert r.report.meta.organ == rep.organ


def test_mixed_encodings_are_refused_not_turned_into_mojibake() -> None:
    mixed = ("某县人民政府2023年政府信息公开工作年度报告".encode() + "一、总体情况 本机关认真贯彻".encode("gbk")) * 50
    assert _code(mixed, "mixed.txt") == "undecodable"


def test_report_inside_a_javascript_data_file() -> None:
    """format.md §8.2: a report served as `let content = "…"` in a .js file."""
    import json

    rep = generate(31)
    page = render_html(rep, chrome=False)
    js = "// data\nlet content = " + json.dumps(page, ensure_ascii=False) + ";\nexport default content;\n"
    r = extract(js.encode("utf-8"), name="report.js")
    assert r.report is not None, r.error
    assert r.report.meta.reader == "jsdata"
    assert r.report.flat()["t3.results_total.total"] == rep.figures["t3.results_total.total"]
    single = "var content = '" + page.replace("'", "\\'").replace("\n", "\\n") + "';"
    r2 = extract(single.encode("utf-8"), name="report.js")
    assert r2.report is not None and r2.report.flat() == r.report.flat()
