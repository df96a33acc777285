"""Hostile inputs found by a reliability review (issue 13, items 1–4): each test reproduced its hole
before the fix. Real-corpus variants skip cleanly when ../shared is absent; each also has a
synthetic twin that always runs."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from extractor import extract
from extractor.errors import DecodeError
from extractor.readers.decode import decode_bytes
from extractor.settings import Settings

REAL = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "real"
PINGTAN = REAL / "2019-pingtan-shichang-txt.txt"
needs_real = pytest.mark.skipif(not PINGTAN.is_file(), reason="../shared/corpus/real not present")

_SMALL = Settings(timeout_s=10.0)

_BODY = (
    "本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n"
    "一、总体情况\n本机关认真贯彻落实《中华人民共和国政府信息公开条例》，政务公开工作有序推进。\n"
    "二、主动公开政府信息情况\n第二十条第（一）项 | | | |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
    "规章 | 0 | 0 | 0 |\n规范性文件 | 3 | 1 | 12 |\n"
    "三、收到和处理政府信息公开申请情况\n本年共收到申请12件。\n"
    "四、政府信息公开行政复议、行政诉讼情况\n无。\n"
    "五、存在的主要问题及改进情况\n仍有不足。\n六、其他需要报告的事项\n无。\n"
)


def _text_report(title: str = "某某县人民政府2023年政府信息公开工作年度报告") -> str:
    return f"标题: {title}\n发布时间: 2024-01-20\n==== 正文 ====\n{title}\n{_BODY}"


# ------------------------------------------------------------------ 1. quadratic title search


@pytest.mark.parametrize("run", [" ", "\u3000", "\n", " \t"])
def test_a_long_whitespace_run_in_the_title_is_linear(run: str) -> None:
    """100,000 spaces inside the title line took ~60 s: the title regex's ``\\s*`` rescanned the
    run from every start position. Now the report is read in well under the budget."""
    s = _text_report()
    data = (s[:20] + run * (100_000 // len(run)) + s[20:]).encode()
    t0 = time.perf_counter()
    r = extract(data, name="x.txt", settings=_SMALL)
    elapsed = time.perf_counter() - t0
    assert r.error is None, r.error
    assert r.report is not None and r.report.meta.report_year == 2023
    assert elapsed < 5, f"{elapsed:.1f} s"


@needs_real
def test_pingtan_with_100k_spaces_in_its_title_is_read_quickly() -> None:
    s = PINGTAN.read_text(encoding="utf-8")
    plain = extract(s.encode(), name=PINGTAN.name)
    t0 = time.perf_counter()
    r = extract((s[:20] + " " * 100_000 + s[20:]).encode(), name=PINGTAN.name, settings=_SMALL)
    assert time.perf_counter() - t0 < 5
    assert r.report is not None and plain.report is not None
    assert r.report.flat() == plain.report.flat()
    assert r.report.meta.report_year == plain.report.meta.report_year == 2019


@pytest.mark.parametrize(
    "filler",
    [" " * 200_000, "\n" * 200_000, "一、" * 50_000, "1 " * 100_000, "年" * 200_000, "\n \n" * 60_000, "一 " * 80_000],
)
def test_whole_document_steps_are_linear_on_runs(filler: str) -> None:
    """Every locate step that runs over the whole text (title, period, organ, sections, numbered
    headings, published date) on long runs of one pattern: a quadratic step takes minutes here."""
    body = _text_report()
    cut = body.index("一、总体情况")
    data = (body[:cut] + filler + "\n" + body[cut:] + filler).encode()
    t0 = time.perf_counter()
    r = extract(data, name="x.txt", settings=_SMALL)
    elapsed = time.perf_counter() - t0
    assert elapsed < 6, f"{elapsed:.1f} s"
    assert r.error is None or r.error.code in ("timeout", "not_a_report"), r.error


def test_pre2019_numbered_headings_are_linear_on_blank_lines() -> None:
    """``^\\s*`` under MULTILINE restarted at every line of a run of blank lines (quadratic)."""
    from extractor.locate.meta import find_numbered_headings

    text = "一、概述\n" + "\n" * 200_000 + "二、主动公开政府信息情况\n" + " \n" * 100_000 + "三、其他\n"
    t0 = time.perf_counter()
    heads = find_numbered_headings(text)
    assert time.perf_counter() - t0 < 2
    assert [h.number for h in heads] == [1, 2, 3]


# ------------------------------------------------------------------ 2. decoding on the whole document


def test_a_broken_character_past_20kb_is_not_decoded_as_mojibake() -> None:
    """A run of spaces inserted in the middle of a UTF-8 character far into the file: the UTF-8
    check looked only at the first 20,000 bytes, so the file was decoded as ptcp154."""
    raw = _text_report().encode() * 3
    cut = raw.index("政府信息公开".encode(), 2000) + 1  # inside 政
    data = raw[:cut] + b" " * 30_000 + raw[cut:]
    text, enc = decode_bytes(data)
    assert enc == "utf-8"
    assert "某某县人民政府2023年政府信息公开工作年度报告" in text
    assert text.count("\ufffd") == 3  # the lead byte and the two continuation bytes, cut apart


def test_decode_replaced_is_a_finding() -> None:
    raw = _text_report().encode()
    cut = raw.index("规范性文件".encode()) + 1
    r = extract(raw[:cut] + b"\xff" + raw[cut + 2 :], name="x.txt")
    assert r.report is not None, r.error
    codes = [f.code for f in r.report.findings]
    assert "decode.replaced" in codes
    f = next(f for f in r.report.findings if f.code == "decode.replaced")
    assert f.message.startswith("2 invalid byte sequence") and "utf-8" in f.message  # lead byte, then 0xff


def test_one_bad_byte_in_a_big_utf8_page_is_not_undecodable() -> None:
    """One corrupted byte in a 268 KB UTF-8 page made the whole page ``undecodable``."""
    page = ("<html><head><meta charset='utf-8'></head><body>" + "<p>政府信息公开工作年度报告正文。</p>" * 6000 + "</body></html>").encode()
    bad = bytearray(page)
    bad[len(bad) // 2 + 1] = 0xFF
    text, enc = decode_bytes(bytes(bad))
    assert enc == "utf-8"
    assert text.count("\ufffd") >= 1 and text.count("政府信息公开") >= 5999


def test_gb18030_with_a_few_broken_sequences_is_gb18030() -> None:
    raw = (_text_report() * 4).encode("gb18030")
    bad = bytearray(raw)
    for pos in (len(raw) // 3, 2 * len(raw) // 3):
        bad[pos : pos + 1] = b"\xff"
    text, enc = decode_bytes(bytes(bad))
    assert enc == "gb18030"
    assert "某某县人民政府2023年政府信息公开工作年度报告" in text


def test_bytes_no_encoding_explains_are_still_refused() -> None:
    import random

    rng = random.Random(3)
    data = _text_report().encode()[:200] + bytes(rng.randrange(0x80, 0x100) for _ in range(20_000))
    with pytest.raises(DecodeError):
        decode_bytes(data)


def test_a_valid_utf8_document_decodes_without_replacements() -> None:
    text, enc = decode_bytes(_text_report().encode())
    assert enc == "utf-8" and "\ufffd" not in text


@needs_real
def test_pingtan_with_a_character_split_at_byte_1662_is_utf8_with_a_finding() -> None:
    """The review's case: decoded as ptcp154 and then ``not_a_report``."""
    raw = PINGTAN.read_bytes()
    assert raw[1662] & 0xC0 == 0x80  # byte 1662 is inside a multi-byte character
    plain = extract(raw, name=PINGTAN.name)
    r = extract(raw[:1662] + b" " * 100_000 + raw[1662:], name=PINGTAN.name, settings=_SMALL)
    assert r.report is not None and plain.report is not None, r.error
    assert r.report.meta.encoding == "utf-8"
    assert "decode.replaced" in [f.code for f in r.report.findings]
    assert r.report.flat() == plain.report.flat()


# ------------------------------------------------------------------ 4. HTML: linear element paths


def _filler_page(mb: float) -> tuple[bytes, bytes]:
    """A generated report page with ``mb`` MB of filler paragraphs around its report (siblings in
    ``<body>``), and the page alone."""
    from gen.model import generate
    from gen.render_html import render_html
    from gen.variants import draw_variant

    page = render_html(generate(1), draw_variant(1)).decode("utf-8")
    para = "<p>" + "这是一段与报告无关的填充文字，用来测试很长的页面。" * 3 + "</p>\n"
    half = para * int(mb * 1024 * 1024 / len(para.encode()) / 2)
    j = page.index(">", page.index("<body")) + 1
    return (page[:j] + half + page[j:].replace("</body>", half + "</body>")).encode(), page.encode()


def _same_report_within(mb: float, budget_s: float) -> None:
    data, page = _filler_page(mb)
    plain = extract(page, name="p.html")
    t0 = time.perf_counter()
    r = extract(data, name="filler.html", settings=Settings(timeout_s=budget_s))
    elapsed = time.perf_counter() - t0
    assert r.report is not None, r.error
    assert plain.report is not None and r.report.flat() == plain.report.flat()
    assert elapsed < budget_s


def test_a_page_of_45k_filler_paragraphs_yields_its_report() -> None:
    """``getpath()`` per paragraph is quadratic in the number of siblings (10 MB: minutes)."""
    _same_report_within(10, 20.0)


@pytest.mark.slow
def test_a_50mb_page_mostly_filler_yields_its_report_within_the_budget() -> None:
    """The review's case: a 50 MB page of filler with a report in it timed out at 62 s."""
    _same_report_within(50, 60.0)


def test_element_paths_are_libxml2_paths() -> None:
    """The linear paths are exactly what ``getpath`` gives, for every element of a page with
    repeated and unique siblings, nested tables and a few thousand paragraphs."""
    from lxml import etree

    from extractor.readers.html import _Page

    data, _ = _filler_page(0.3)
    extra = "<div><span>a</span><b>x</b><span>b</span><table><tr><td><p>1</p><p>2</p></td></tr></table></div>"
    root = etree.fromstring(data.decode().replace("</body>", extra * 3 + "</body>"), etree.HTMLParser())
    page = _Page(root)
    tree = root.getroottree()
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    assert len(elements) > 1500
    for e in reversed(elements):  # deepest first: ancestors are reached through the cache later
        assert page.path(e) == tree.getpath(e)
