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
needs_fork = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="needs Linux (fork, /proc)")

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

    from extractor.readers.html.page import Page as _Page

    data, _ = _filler_page(0.3)
    extra = "<div><span>a</span><b>x</b><span>b</span><table><tr><td><p>1</p><p>2</p></td></tr></table></div>"
    root = etree.fromstring(data.decode().replace("</body>", extra * 3 + "</body>"), etree.HTMLParser())
    page = _Page(root)
    tree = root.getroottree()
    elements = [e for e in root.iter() if isinstance(e.tag, str)]
    assert len(elements) > 1500
    for e in reversed(elements):  # deepest first: ancestors are reached through the cache later
        assert page.path(e) == tree.getpath(e)


# ------------------------------------------------------------------ 3. PDF operator bombs, memory cap

_PROBE = """
import json, resource, sys
resource.setrlimit(resource.RLIMIT_AS, (3 * 1024**3, resource.RLIM_INFINITY))
from extractor import extract
r = extract(sys.argv[1])
# VmHWM, not ru_maxrss: Linux carries ru_maxrss across exec from the forking process (pytest)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
print(json.dumps({"code": r.error.code if r.error else r.status, "rss_mb": hwm // 1024}))
"""


def _probe(path: Path) -> dict[str, object]:
    """``extract`` in a fresh process under a 3 GB address-space cap: its result and peak RSS."""
    import json
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, "-c", _PROBE, str(path)], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, f"exit {proc.returncode}: {proc.stderr[-800:]}"
    out: dict[str, object] = json.loads(proc.stdout.strip().splitlines()[-1])
    return out


@pytest.mark.parametrize("kind", ["path", "text"])
@needs_fork
def test_a_pdf_operator_bomb_is_refused_before_pdfium_parses_it(kind: str, tmp_path: Path) -> None:
    """1 MB of PDF whose content stream inflates to 300 MB of ``0 0 m 100 100 l S`` (or of text
    objects) took ``ogi extract`` to 4.5 GB (3.9 GB); under a cap pdfium aborted the process."""
    from gen.fuzz import PATH_OPS, TEXT_OPS, pdf_content_bomb

    path = tmp_path / f"{kind}-bomb.pdf"
    path.write_bytes(pdf_content_bomb(PATH_OPS if kind == "path" else TEXT_OPS, 300 * 1024 * 1024))
    assert path.stat().st_size < 2_000_000
    out = _probe(path)
    assert out["code"] == "too_large"
    assert int(out["rss_mb"]) < 300  # type: ignore[call-overload]


def test_a_form_drawn_many_times_counts_once_per_use() -> None:
    """500 uses of a 2,000-stroke form: pdfium parses the form again for each use (10^6 paths)."""
    from gen.fuzz import pdf_form_bomb

    r = extract(pdf_form_bomb(), name="forms.pdf")
    assert r.error is not None and r.error.code == "too_large"
    assert "page 1" in r.error.message
    small = extract(pdf_form_bomb(paths=20, uses=5), name="forms.pdf")  # the same, small: read
    assert small.error is None or small.error.code != "too_large"


def test_page_bounds_do_not_refuse_real_pdfs() -> None:
    from gen.render_pdf import CACHE

    from extractor.readers.pdf_limits import check_pages

    pdfs = sorted(CACHE.glob("*.pdf"))[:6] + (sorted(REAL.glob("*.pdf")) if REAL.is_dir() else [])
    assert pdfs
    for p in pdfs:
        check_pages(p.read_bytes(), 200, source=p.name, settings=Settings())  # raises on a refusal


def _vm_mb() -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmSize:"):
            return int(line.split()[1]) // 1024
    return 0


@needs_fork
def test_isolated_memory_error_is_out_of_memory(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import isolate

    def hog(*_a: object, **_k: object) -> object:
        return bytearray(3 * 1024**3)

    monkeypatch.setattr(isolate, "extract", hog)
    r = isolate.extract_isolated(b"x", name="hog.txt", memory_mb=_vm_mb() + 512)
    assert r.error is not None and r.error.code == "out_of_memory"
    assert r.error.source == "hog.txt" and "memory cap" in r.error.message


@needs_fork
def test_isolated_native_abort_is_one_error_not_silence(monkeypatch: pytest.MonkeyPatch) -> None:
    """pdfium aborts (SIGABRT) when an allocation fails under an address-space cap."""
    import os

    from extractor import isolate

    monkeypatch.setattr(isolate, "extract", lambda *_a, **_k: os.abort())
    r = isolate.extract_isolated(b"x", name="abort.pdf", memory_mb=_vm_mb() + 512)
    assert r.error is not None and r.error.code == "worker_crashed"
    assert "SIGABRT" in r.error.message and r.error.source == "abort.pdf"


@needs_fork
def test_isolated_hang_is_killed_and_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor import isolate

    monkeypatch.setattr(isolate, "extract", lambda *_a, **_k: time.sleep(60))
    monkeypatch.setattr(isolate, "hard_timeout", lambda _s: 1.0)
    t0 = time.perf_counter()
    r = isolate.extract_isolated(b"x", name="hang.txt", memory_mb=_vm_mb() + 512)
    assert time.perf_counter() - t0 < 10
    assert r.error is not None and r.error.code == "timeout"


@needs_fork
def test_isolated_limit_grows_with_each_ocr_page_allowance(monkeypatch: pytest.MonkeyPatch, seed_path: Path) -> None:
    """A long scan grants its budget time per OCR'd page; the parent's wall-clock limit must follow,
    or a 60-page scan read by ``ogi extract`` is killed while its own budget still has time."""
    from extractor import isolate
    from extractor.budget import Budget
    from extractor.pipeline import extract as real_extract
    from extractor.settings import DEFAULT_SETTINGS

    def slow_scan(source: object, **kw: object) -> object:
        budget = Budget(DEFAULT_SETTINGS)
        for _ in range(3):  # three "pages", each granted 1 s and taking 0.6 s
            budget.grant(1.0)
            time.sleep(0.6)
        return real_extract(seed_path)

    monkeypatch.setattr(isolate, "hard_timeout", lambda _s: 1.0)
    monkeypatch.setattr(isolate, "extract", slow_scan)
    ok = isolate.extract_isolated(b"x", name="scan.pdf", memory_mb=_vm_mb() + 512)
    assert ok.error is None and ok.report is not None  # 1.8 s: within 1 s + 3 × 1 s

    def slow_without_grants(source: object, **kw: object) -> object:
        time.sleep(1.8)
        return real_extract(seed_path)

    monkeypatch.setattr(isolate, "extract", slow_without_grants)
    killed = isolate.extract_isolated(b"x", name="scan.pdf", memory_mb=_vm_mb() + 512)
    assert killed.error is not None and killed.error.code == "timeout"


@needs_fork
def test_isolated_result_is_the_in_process_result(seed_path: Path) -> None:
    from extractor import isolate

    a = extract(seed_path)
    b = isolate.extract_isolated(seed_path)
    assert b.report is not None and a.report is not None
    assert b.report.flat() == a.report.flat() and b.status == a.status
    bad = isolate.extract_isolated(b"\x00\x01binary" * 100, name="junk.bin")
    assert bad.error is not None and bad.error.code == "unsupported_format" and bad.error.source == "junk.bin"


def test_ogi_extract_bomb_is_one_line_and_the_next_file_is_read(tmp_path: Path, seed_path: Path) -> None:
    import subprocess
    import sys

    from gen.fuzz import PATH_OPS, pdf_content_bomb

    bomb = tmp_path / "bomb.pdf"
    bomb.write_bytes(pdf_content_bomb(PATH_OPS, 100 * 1024 * 1024))
    proc = subprocess.run(
        [sys.executable, "-c", "from extractor.cli import run; run()", "extract", "--format", "flat", str(bomb), str(seed_path)],
        capture_output=True, text=True, timeout=300,
    )
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines() == [proc.stderr.strip()]  # one line
    assert proc.stderr.startswith(f"ogi: {bomb}: too_large: page 1 holds more than")
    assert '"t3.new_received.total"' in proc.stdout


def test_a_bomb_is_refused_when_pdfminer_cannot_read_the_page_tree(monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by the long fuzz run: a stream replaced mid-file broke the xref; pdfium rebuilt it,
    pdfminer raised "No /Root object", the page bounds were skipped and pdfium parsed the bomb
    (16 s past a 5 s budget). Now every stream that may be content is checked instead."""
    from gen.fuzz import PATH_OPS, pdf_content_bomb

    from extractor.errors import FileTooLarge
    from extractor.readers import pdf_limits

    def broken(self: object) -> object:
        raise ValueError("No /Root object! - Is this really a PDF?")

    monkeypatch.setattr(pdf_limits._Checker, "pages", broken)
    with pytest.raises(FileTooLarge, match="a content stream holds more than"):
        pdf_limits.check_pages(pdf_content_bomb(PATH_OPS, 20 << 20), 1, source="b.pdf", settings=Settings())
    from gen.render_pdf import CACHE

    for p in sorted(CACHE.glob("*.pdf"))[:4]:  # real content passes the fallback too
        pdf_limits.check_pages(p.read_bytes(), 200, source=p.name, settings=Settings())


def test_narrative_prose_join_is_linear_and_unchanged() -> None:
    """Found by the long fuzz run with the whitespace-run mutator: ``re.sub(r"\\s*\\n\\s*", "", …)``
    in mapping/narrative.py took 84 s on a 200 KB text with a run of spaces."""
    import random
    import re

    from extractor.mapping.narrative import joined_prose

    t0 = time.perf_counter()
    assert joined_prose("共收到" + " " * 200_000 + "申请\n 3 \n件") == "共收到" + " " * 200_000 + "申请3件"
    assert time.perf_counter() - t0 < 1
    rng = random.Random(5)
    for _ in range(500):
        t = "".join(rng.choice(["a", " ", "\n", "\t", "\u3000", "\r", "3"]) for _ in range(rng.randint(0, 30)))
        assert joined_prose(t) == re.sub(r"\s*\n\s*", "", t)


def test_page_bounds_survive_reference_cycles() -> None:
    """Found by the long fuzz run: pdfminer's resolve1 follows ``6 0 obj 7 0 R`` / ``7 0 obj 6 0 R``
    forever (the structural case pdf-ref-cycle did not finish in 900 s). The page tree is walked
    with bounded reference steps."""
    from gen.fuzz import structural_cases

    from extractor.readers.pdf_limits import check_pages

    for case in ("pdf-ref-cycle", "pdf-kids-loop", "pdf-parent-loop"):
        t0 = time.perf_counter()
        check_pages(structural_cases()[case](), 200, source=case, settings=Settings(timeout_s=5))
        assert time.perf_counter() - t0 < 5, case


def test_prose_after_a_table_4_heading_is_read_once_not_once_per_number() -> None:
    """Where table 4's row may start was checked over all the text since the heading, once per
    number: a pre-2019 report naming 行政复议、行政诉讼 before thousands of numbered paragraphs took
    minutes. The check now reads each stretch between two numbers once."""
    body = "某区2023年政府信息公开工作年度报告\n四、政府信息公开行政复议、行政诉讼情况\n" + "".join(
        f"第{i}段说明文字共计{i}件事项，涉及{i * 3}人。\n" for i in range(20_000))
    t0 = time.perf_counter()
    extract(body.encode(), name="x.txt", settings=_SMALL)
    elapsed = time.perf_counter() - t0
    assert elapsed < 6, f"{elapsed:.1f} s"
