"""Bad input gets a typed error with a stable code, or a correct result; never a traceback."""

from __future__ import annotations

import time

import pytest
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


@pytest.mark.slow
def test_fifty_megabyte_html_is_fast_or_refused() -> None:
    rep = generate(1)
    page = render_html(rep)
    filler = "<div class='nav'>" + ("<p>栏目 链接 新闻</p>" * 1_900_000) + "</div>"
    big = page.replace("<body>", "<body>" + filler).encode("utf-8")
    assert len(big) > 40_000_000
    t0 = time.perf_counter()
    r = extract(big, name="big.html")
    elapsed = time.perf_counter() - t0
    assert elapsed < 60
    assert r.report is not None or (r.error is not None and r.error.code == "too_large")
