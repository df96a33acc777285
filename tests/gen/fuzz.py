"""Fuzzing support: seed inputs, byte and structure mutators, hostile structural cases, and a
runner that classifies every call as a result, the project's own error, or a crash.

The contract under test: ``extractor.extract`` and ``extractor.readers.read_bytes(data, fmt=F)``
for every reader ``F`` either return or raise an :class:`extractor.errors.OgiError` — never any
other exception, never a hang beyond the per-document time limit, never unbounded memory.
Structural cases run in a child process (``python -m tests.gen.fuzz --case NAME``) under an
address-space limit, reporting time and peak RSS as JSON.

Peak RSS is measured per document: :func:`run` resets the process's high-water mark (``VmHWM``,
by writing ``5`` to ``/proc/self/clear_refs``, Linux 4.0+) before the call and reads it after, so
each :class:`Outcome` carries the peak of the process while it read that one document (the
worker's own baseline included), not the worst of everything the process read before.
"""

from __future__ import annotations

import io
import json
import random
import re
import resource
import subprocess
import sys
import time
import traceback
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from extractor import extract
from extractor.errors import OgiError
from extractor.readers import READERS, read_bytes
from extractor.settings import Settings

from .model import generate
from .render_docx import render_docx
from .render_html import render_html
from .render_pdf import CACHE
from .render_text import render_markdown, render_pipe, render_tab
from .variants import draw_variant

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
FORMATS: tuple[str, ...] = tuple(READERS)
"""Every reader by name (text, html, pdf, docx, doc, rtf, jsdata)."""
CONVERTER_FORMATS = ("doc", "rtf")
"""Readers that run external converters (LibreOffice, antiword…): seconds per call."""

FUZZ_SETTINGS = Settings(timeout_s=5.0, converter_timeout_s=10.0, max_bytes=16 * 1024 * 1024, ocr_page_timeout_s=0.0)
"""Small budgets: a reader must finish (or give up with ``timeout``) within these. OCR gets no
extra time per page here: a scanned page must stop at the document's budget (the OCR steps check
it), which is what a mutated scan multiplying its pages or its pixels tests."""
SLACK_S = 10.0
"""Allowed beyond the budget: the readers check their clock between steps, not preemptively."""
# A call is slow when it runs past budget + slack in wall time *and* in CPU time (this process's,
# all threads): on a shared two-core machine a niced worker can get a few percent of a core for
# minutes, and a reader that checks its clock still finishes late in wall time. Calls over in wall
# time only are counted apart (``starved``); the converter readers (whose work is in a child
# process) are judged by wall time alone.
MAX_RSS_MB = 1024
"""Peak resident memory allowed to a process while it reads one hostile document (issue 13: < 1 GB)."""
AS_LIMIT = 6 * 1024**3
"""Address-space limit of a child (RLIMIT_AS): a runaway allocation fails instead of swapping."""


# ------------------------------------------------------------------------------------- seeds


def seed_inputs(*, real: bool = True, n_generated: int = 6) -> list[tuple[str, bytes]]:
    """Real corpus files (when present), the reader fixtures, generated renderings and cached PDFs."""
    out: list[tuple[str, bytes]] = []
    if real and REAL.is_dir():
        for p in sorted(REAL.iterdir()):
            if p.suffix in (".html", ".txt", ".md", ".pdf") and p.stat().st_size < 2_000_000:
                out.append((p.name, p.read_bytes()))
    for p in sorted((TESTS / "fixtures").iterdir()):
        if p.is_file() and p.suffix in (".html", ".pdf", ".docx", ".doc"):
            out.append((p.name, p.read_bytes()))
    for s in range(n_generated):
        rep, v = generate(s), draw_variant(s)
        out += [
            (f"gen{s}.txt", render_pipe(rep, v).encode()),
            (f"gen{s}.md", render_markdown(rep, v).encode()),
            (f"gen{s}.tsv", render_tab(rep, v).encode("gb18030")),
            (f"gen{s}.html", render_html(rep, v)),
            (f"gen{s}.docx", render_docx(rep, v)),
        ]
    for p in sorted(CACHE.glob("*.pdf"))[:4]:
        out.append((p.name, p.read_bytes()))
    out.append(("scanned.jpg", scan_jpeg()))  # the image reader: header sizes, truncated scans
    return out


# ------------------------------------------------------------------------------------- mutators

Mutator = Callable[[bytes, random.Random], bytes]


def _span(data: bytes, rng: random.Random, most: int = 4096) -> tuple[int, int]:
    if not data:
        return 0, 0
    a = rng.randrange(len(data))
    return a, min(len(data), a + rng.randint(1, most))


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(len(data) + 1)] if data else data


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 64)):
        if b:
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    return bytes(b)


def overwrite(data: bytes, rng: random.Random) -> bytes:
    a, z = _span(data, rng, 512)
    return data[:a] + rng.randbytes(z - a) + data[z:]


def insert_nuls(data: bytes, rng: random.Random) -> bytes:
    b = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        pos = rng.randint(0, len(b))
        b[pos:pos] = b"\x00" * rng.choice((1, 2, 7, 100))
    return bytes(b)


def delete_range(data: bytes, rng: random.Random) -> bytes:
    a, z = _span(data, rng, 20000)
    return data[:a] + data[z:]


def duplicate_range(data: bytes, rng: random.Random) -> bytes:
    a, z = _span(data, rng, 2000)
    times = rng.choice((2, 10, 200))
    return data[:z] + data[a:z] * times + data[z:]


def shuffle_lines(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if len(lines) > 2:
        i = rng.randrange(len(lines))
        j = min(len(lines), i + rng.randint(2, 200))
        part = lines[i:j]
        rng.shuffle(part)
        lines[i:j] = part
    return b"\n".join(lines)


def invalid_encoding(data: bytes, rng: random.Random) -> bytes:
    """Broken UTF-8 sequences, a stray BOM, or a stretch re-encoded as GBK / UTF-16."""
    pos = rng.randint(0, len(data))
    kind = rng.randrange(4)
    if kind == 0:
        return data[:pos] + rng.choice((b"\xff", b"\xc3", b"\xe4\xb8", b"\xed\xa0\x80", b"\xf4\x90\x80\x80")) * rng.randint(1, 50) + data[pos:]
    if kind == 1:
        return data[:pos] + rng.choice((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")) + data[pos:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data[:pos] + b"\x80\x81\x82" + data[pos:]
    a = rng.randrange(len(text) + 1)
    z = min(len(text), a + rng.randint(1, 2000))
    enc = "gbk" if kind == 2 else "utf-16-le"
    return text[:a].encode() + text[a:z].encode(enc, "replace") + text[z:].encode()


def huge_cell(data: bytes, rng: random.Random) -> bytes:
    pos = rng.randint(0, len(data))
    blob = rng.choice((b"1" * 1_000_000, "很".encode() * 300_000, b"1 " * 400_000, b"|" * 200_000, b"<td>" * 100_000))
    return data[:pos] + blob + data[pos:]


def whitespace_run(data: bytes, rng: random.Random) -> bytes:
    """A long run of whitespace (spaces, newlines, tabs, U+3000, blank lines) anywhere, often
    inside the title line: the title search was quadratic on it (issue 13, item 1)."""
    pos = rng.randint(0, min(len(data), 4000)) if rng.random() < 0.5 else rng.randint(0, len(data))
    unit = rng.choice((b" ", b"\n", b"\t", "\u3000".encode(), b" \n", b"\r\n", b" \t"))
    return data[:pos] + unit * (rng.choice((10_000, 100_000, 400_000)) // len(unit)) + data[pos:]


def split_multibyte(data: bytes, rng: random.Random) -> bytes:
    """Bytes inserted inside a multi-byte character (or a few bytes corrupted) past the first
    20 KB: the encoding was decided on a sample (issue 13, item 2)."""
    starts = [i for i in range(min(len(data) - 1, 200_000)) if data[i] >= 0xC0 and data[i + 1] & 0xC0 == 0x80]
    if not starts:
        return invalid_encoding(data, rng)
    b = bytearray(data)
    for _ in range(rng.choice((1, 1, 3, 10))):
        i = rng.choice(starts) + 1
        if rng.random() < 0.5:
            b[i:i] = rng.choice((b" ", b"\n", b"x")) * rng.choice((1, 1000, 100_000))
        else:
            b[i] = rng.choice((0xFF, 0x20, 0xC0))
    return bytes(b)


BYTE_MUTATORS: tuple[Mutator, ...] = (
    whitespace_run,
    split_multibyte,
    truncate,
    flip_bytes,
    overwrite,
    insert_nuls,
    delete_range,
    duplicate_range,
    shuffle_lines,
    invalid_encoding,
    huge_cell,
)


def mutate_zip(data: bytes, rng: random.Random) -> bytes:
    """Mutate the parts of a DOCX (not the container): document.xml bytes or structure."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            parts = {n: zf.read(n) for n in zf.namelist()}
    except Exception:  # an earlier mutation broke the container: mutate its bytes instead
        return flip_bytes(data, rng)
    name = "word/document.xml" if "word/document.xml" in parts else rng.choice(sorted(parts) or ["x"])
    xml = parts.get(name, b"")
    kind = rng.randrange(6)
    if kind == 0:
        xml = rng.choice(BYTE_MUTATORS)(xml, rng)
    elif kind == 1:  # billion laughs
        ents = '<!ENTITY a "lol">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
        xml = re.sub(rb"^(<\?xml[^>]*\?>)?", lambda m: (m.group(0) or b"") + f"<!DOCTYPE d [{ents}]>".encode(), xml, count=1)
        xml = xml.replace(b"<w:t>", b"<w:t>&j;", 1)
    elif kind == 2:  # huge spans
        xml = re.sub(rb'w:val="\d+"', lambda m: b'w:val="' + str(rng.choice((0, 10**9, 2**31, -5))).encode() + b'"', xml)
    elif kind == 3:  # deep nesting of tables
        depth = rng.choice((50, 300, 3000))
        nest = b"<w:tbl><w:tr><w:tc>" * depth + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * depth
        xml = xml.replace(b"<w:body>", b"<w:body>" + nest, 1)
    elif kind == 4:  # many rows
        row = b"<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>"
        xml = xml.replace(b"</w:tbl>", row * rng.choice((1000, 100_000)) + b"</w:tbl>", 1)
    else:  # NUL bytes and control characters inside text
        xml = xml.replace(b"<w:t>", b"<w:t>\x00\x01\x1f", rng.randint(1, 10))
    parts[name] = xml
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return buf.getvalue()


_REF = re.compile(rb"(?<!\d)(\d{1,10}) 0 R")  # bounded: "\d+" is quadratic on a million-digit run


def mutate_pdf(data: bytes, rng: random.Random) -> bytes:
    """Mutate a PDF's structure: references redirected (loops), xref offsets broken, /Count lies,
    the trailer or %%EOF dropped, streams cut."""
    kind = rng.randrange(7)
    if kind == 0:  # redirect references: cycles through /Parent, /Kids, /Contents
        objs = [int(m) for m in re.findall(rb"(?<!\d)(\d{1,10}) 0 obj", data)] or [1]
        return _REF.sub(lambda m: (str(rng.choice(objs)).encode() if rng.random() < 0.2 else m.group(1)) + b" 0 R", data)
    if kind == 1:  # break xref offsets
        return re.sub(rb"\d{10} 00000 n", lambda m: str(rng.randrange(10**10)).zfill(10).encode() + b" 00000 n", data)
    if kind == 2:
        return re.sub(rb"/Count \d+", b"/Count " + str(rng.choice((0, 10**9, -1))).encode(), data)
    if kind == 3:
        return data.replace(b"trailer", b"trai1er").replace(b"startxref", b"startxrex")
    if kind == 5:  # an inflating content stream: a few hundred KB that inflate to up to 100 MB of operators
        unit = rng.choice((PATH_OPS, TEXT_OPS, b"10 10 200 300 re f\n", b"/Fm1 Do\n", b"q Q\n"))
        bomb = _flate_stream(unit, rng.choice((1, 20, 100)) << 20)
        m = re.search(rb"<<[^<>]{0,200}>>\s*stream\r?\n", data)
        end = data.find(b"endstream", m.end()) if m else -1
        return data if m is None or end < 0 else data[: m.start()] + bomb + data[end + len(b"endstream") :]
    if kind == 4:  # a stream cut short (its /Length now lies)
        i = data.find(b"stream", rng.randrange(max(len(data), 1)))
        return data if i < 0 else data[: i + 10] + data[i + 10 + rng.randint(1, 5000) :]
    if kind == 6:
        return data.replace(b"/Kids [", b"/Kids [" + b"1 0 R " * rng.randint(1, 3), 1)
    return data


def mutate(name: str, data: bytes, rng: random.Random) -> bytes:
    """One to three mutations, structure-aware for DOCX and PDF half of the time."""
    for _ in range(rng.randint(1, 3)):
        if data.startswith(b"PK") and rng.random() < 0.5:
            data = mutate_zip(data, rng)
        elif data.lstrip()[:5] == b"%PDF-" and rng.random() < 0.5:
            data = mutate_pdf(data, rng)
        else:
            data = rng.choice(BYTE_MUTATORS)(data, rng)
    return data


# ------------------------------------------------------------------------------------- runner


@dataclass
class Outcome:
    fmt: str
    """``auto`` (``extract``) or a reader name (``read_bytes(fmt=…)``)."""
    kind: str
    """``ok``, ``error`` (an OgiError) or ``crash``."""
    code: str = ""
    elapsed: float = 0.0
    detail: str = ""
    peak_mb: int = 0
    """Peak RSS of the process during this call (0 where the peak cannot be reset)."""
    cpu: float = 0.0
    """CPU seconds of this process (every thread) during the call."""
    start_mb: int = 0
    """RSS of the process when the call started (``peak_mb - start_mb``: what the document added)."""

    @property
    def budget(self) -> float:
        return FUZZ_SETTINGS.converter_timeout_s if self.fmt in CONVERTER_FORMATS else FUZZ_SETTINGS.timeout_s

    @property
    def slow(self) -> bool:
        over = self.elapsed > self.budget + SLACK_S
        return over and (self.fmt in CONVERTER_FORMATS or self.cpu > self.budget + SLACK_S)

    @property
    def starved(self) -> bool:
        """Over the budget in wall time but not in CPU time: the machine was busy."""
        return self.elapsed > self.budget + SLACK_S and not self.slow

    @property
    def heavy(self) -> bool:
        return self.peak_mb > MAX_RSS_MB


def run(data: bytes, fmt: str, name: str = "fuzz", settings: Settings = FUZZ_SETTINGS) -> Outcome:
    measured = reset_peak_rss()
    start = rss_mb() if measured else 0
    t0, c0 = time.perf_counter(), time.process_time()
    try:
        if fmt == "auto":
            result = extract(data, name=name, settings=settings)
            out = Outcome(fmt, "error" if result.error else "ok", result.error.code if result.error else result.status)
        else:
            read_bytes(data, source=name, fmt=fmt, settings=settings)
            out = Outcome(fmt, "ok")
    except OgiError as exc:
        out = Outcome(fmt, "error", exc.code)
    except BaseException as exc:  # the contract: nothing else may escape
        if isinstance(exc, KeyboardInterrupt):
            raise
        out = Outcome(fmt, "crash", type(exc).__name__, detail="".join(traceback.format_exception(exc, limit=6))[-2000:])
    out.elapsed = time.perf_counter() - t0
    out.cpu = time.process_time() - c0
    if measured:
        out.peak_mb, out.start_mb = peak_rss_mb(), start
    return out


def rss_mb() -> int:
    """This process's resident memory now (VmRSS), 0 where unknown."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) // 1024 for line in fh if line.startswith("VmRSS:"))
    except (OSError, StopIteration):
        return 0


def reset_peak_rss() -> bool:
    """Reset this process's peak RSS (VmHWM) to its current RSS; False where Linux does not let us."""
    try:
        with open("/proc/self/clear_refs", "w", encoding="ascii") as fh:
            fh.write("5")
    except OSError:
        return False
    return True


# ------------------------------------------------------------------------------------- structural cases


def _pdf(objects: dict[int, bytes], *, root: int = 1, xref: bool = True, size: int | None = None) -> bytes:
    """A minimal PDF from ``{number: object body}`` (correct xref unless ``xref`` is false)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for n in sorted(objects):
        offsets[n] = len(out)
        out += b"%d 0 obj\n" % n + objects[n] + b"\nendobj\n"
    start = len(out)
    count = size or max(objects) + 1
    if xref:
        out += b"xref\n0 %d\n0000000000 65535 f \n" % count
        for n in range(1, count):
            out += b"%010d 00000 n \n" % offsets.get(n, 0)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (count, root, start)
    return bytes(out)


_PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
_FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def _stream(content: bytes) -> bytes:
    return b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream"


def _text_content(lines: int = 40) -> bytes:
    return b"BT /F1 10 Tf 50 800 Td " + b"(2023 report 1 2 3) Tj 0 -14 Td " * lines + b"ET"


def _flate_stream(unit: bytes, total: int, extra: bytes = b"") -> bytes:
    """A FlateDecode stream of ``unit`` repeated to ``total`` decoded bytes, compressed piecewise
    (a 300 MB content stream is never built whole)."""
    z = zlib.compressobj(9)
    block = unit * max(1, (1 << 20) // len(unit))
    parts = [z.compress(block) for _ in range(total // len(block))]
    parts.append(z.compress(extra) + z.flush())
    body = b"".join(parts)
    return b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body) + body + b"\nendstream"


def pdf_content_bomb(unit: bytes, total: int) -> bytes:
    """One page whose Flate content stream inflates to ``total`` bytes of ``unit`` operators."""
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE,
                 4: _flate_stream(unit, total), 5: _FONT})


def pdf_form_bomb(paths: int = 2000, uses: int = 500) -> bytes:
    """A small form of ``paths`` strokes drawn ``uses`` times: pdfium parses the form per use."""
    form = b"0 0 m 100 100 l S\n" * paths
    page = _PAGE.replace(b"/Font << /F1 5 0 R >>", b"/Font << /F1 5 0 R >> /XObject << /Fm1 6 0 R >>")
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: page,
                 4: _stream(b"/Fm1 Do\n" * uses + _text_content()), 5: _FONT,
                 6: b"<< /Type /XObject /Subtype /Form /BBox [0 0 600 800] /Length %d >>\nstream\n" % len(form)
                    + form + b"\nendstream"})


PATH_OPS = b"0 0 m 100 100 l S\n"
TEXT_OPS = b"BT /F1 10 Tf 50 800 Td (x) Tj ET\n"


def structural_cases() -> dict[str, Callable[[], bytes]]:
    """Hostile inputs by name (built on demand: some are tens of MB)."""
    head = "<p>某某县2023年政府信息公开工作年度报告</p><p>三、收到和处理政府信息公开申请情况</p>"
    t3_header = "<tr><td>申请人情况</td><td>自然人</td><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td><td>总计</td></tr>"
    title = "某某县2023年政府信息公开工作年度报告\n本报告中所列数据的统计期限自2023年1月1日起至2023年12月31日止。\n"
    cases: dict[str, Callable[[], bytes]] = {
        # HTML
        "html-deep-divs": lambda: ("<html><body>" + "<div>" * 200_000 + head + "</div>" * 200_000 + "</body></html>").encode(),
        "html-deep-tables": lambda: ("<html><body>" + "<table><tr><td>" * 5000 + head + "</td></tr></table>" * 5000 + "</body></html>").encode(),
        "html-deep-unclosed": lambda: ("<html><body>" + "<span><b><i>" * 100_000 + head).encode(),
        "html-100k-rows": lambda: (
            f"<html><body>{head}<table>{t3_header}" + "".join(f"<tr><td>{i}.属于国家秘密</td>" + "<td>1</td>" * 7 + "</tr>" for i in range(100_000)) + "</table></body></html>"
        ).encode(),
        "html-huge-spans": lambda: (
            f"<html><body>{head}<table>{t3_header}" + '<tr><td rowspan="999999" colspan="999999">一、本年新收政府信息公开申请数量</td>' + "<td>1</td>" * 7 + "</tr>"
            + "<tr><td colspan='1000'>1</td></tr>" * 20_000 + "</table></body></html>"
        ).encode(),
        "html-huge-cell": lambda: (f"<html><body>{head}<table>{t3_header}<tr><td>一、本年新收</td><td>" + "1" * 5_000_000 + "</td></tr></table></body></html>").encode(),
        "html-nul-bytes": lambda: (f"<html><body>{head}".encode() + b"\x00" * 2_000_000 + b"</body></html>"),
        "html-invalid-utf8": lambda: (f"<html><head><meta charset='utf-8'></head><body>{head}".encode() + b"\xff\xfe\xc3\x28" * 200_000),
        "html-gbk-label-utf16-bytes": lambda: (f"<html><head><meta charset='gb2312'></head><body>{head}" * 2000).encode("utf-16-le"),
        # text
        "text-100k-rows": lambda: (title + "申请人情况 | 自然人 | 总计 |\n" + "".join(f"{i}.属于国家秘密 | 1 | 1 | 1 | 1 | 1 | 1 | 7 |\n" for i in range(100_000))).encode(),
        "text-huge-cell": lambda: (title + "一、本年新收政府信息公开申请数量 | " + "1" * 8_000_000 + " |\n").encode(),
        "text-long-run": lambda: (title + "三、收到和处理政府信息公开申请情况 申请人情况 一、本年新收政府信息公开申请数量" + "1 " * 4_000_000).encode(),
        "text-one-line-labels": lambda: (title + "三、收到和处理政府信息公开申请情况 申请人情况 " + "一、本年新收政府信息公开申请数量 1 " * 300_000).encode(),
        "text-million-pipes": lambda: (title + "|" * 5_000_000 + "\n").encode(),
        "text-million-tabs": lambda: (title + "1\t" * 3_000_000 + "\n").encode(),
        "text-nul-bytes": lambda: title.encode() + b"\x00" * 1_000_000,
        "text-invalid-utf8": lambda: title.encode() + b"\xff\xc3\x28\xa0\xa1" * 1_000_000,
        "text-mixed-encodings": lambda: (title.encode("gbk") + title.encode("utf-8") + title.encode("utf-16")) * 20_000,
        "js-huge-string": lambda: ('let content = "<p>2023年某某县政府信息公开工作年度报告</p><table>' + "<tr><td>1</td></tr>" * 300_000 + '</table>";').encode(),
        "js-unterminated": lambda: ('var x = "<table><p>' + "\\u003c" * 2_000_000).encode(),
        # DOCX
        "docx-billion-laughs": lambda: _docx_with(lambda xml: _laughs(xml)),
        "docx-zip-bomb": _docx_bomb,
        "docx-deep-tables": lambda: _docx_with(lambda xml: xml.replace(b"<w:body>", b"<w:body>" + b"<w:tbl><w:tr><w:tc>" * 10_000 + b"<w:p/>" + b"</w:tc></w:tr></w:tbl>" * 10_000, 1)),
        "docx-100k-rows": lambda: _docx_with(lambda xml: xml.replace(b"</w:tbl>", b"<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc></w:tr>" * 100_000 + b"</w:tbl>", 1)),
        "docx-huge-spans": lambda: _docx_with(lambda xml: re.sub(rb'(w:gridSpan w:val=")\d+', rb"\g<1>2147483647", xml).replace(b"<w:tcPr>", b'<w:tcPr><w:gridSpan w:val="999999999"/>', 50)),
        "docx-many-entries": _docx_many_entries,
        "docx-nul-text": lambda: _docx_with(lambda xml: xml.replace(b"<w:t>", b"<w:t>\x00", 100)),
        # PDF
        "pdf-kids-loop": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >>", 3: _PAGE, 4: _stream(_text_content()), 5: _FONT}),
        "pdf-parent-loop": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 3 0 R >>", 3: _PAGE.replace(b"/Parent 2 0 R", b"/Parent 3 0 R"), 4: _stream(_text_content()), 5: _FONT}),
        "pdf-ref-cycle": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE.replace(b"/Contents 4 0 R", b"/Contents 6 0 R"), 4: _stream(_text_content()), 5: _FONT, 6: b"7 0 R", 7: b"6 0 R"}),
        "pdf-broken-xref": lambda: re.sub(rb"\d{10} 00000 n", b"9999999999 00000 n", _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE, 4: _stream(_text_content()), 5: _FONT})),
        "pdf-no-xref": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE, 4: _stream(_text_content()), 5: _FONT}, xref=False),
        "pdf-count-lies": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 2000000000 >>", 3: _PAGE, 4: _stream(_text_content()), 5: _FONT}),
        "pdf-deep-arrays": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R /X " + b"[" * 100_000 + b"]" * 100_000 + b" >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE, 4: _stream(_text_content()), 5: _FONT}),
        "pdf-huge-content": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE, 4: _stream(_text_content(400_000)), 5: _FONT}),
        "pdf-many-paths": lambda: _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: _PAGE, 4: _stream(b"0.5 w " + b"10 10 m 500 800 l S 10 10 200 300 re S " * 100_000 + _text_content()), 5: _FONT}),
        "pdf-2000-pages": _pdf_many_pages,
        "pdf-truncated": lambda: (CACHE / "2021-s1-v11-html-small.pdf").read_bytes()[:50_000],
        # issue 13: operator bombs (item 3), whitespace runs (1), split characters (2), filler pages (4)
        "pdf-path-bomb": lambda: pdf_content_bomb(PATH_OPS, 300 << 20),
        "pdf-text-bomb": lambda: pdf_content_bomb(TEXT_OPS, 300 << 20),
        "pdf-form-bomb": lambda: pdf_form_bomb(2000, 2000),
        "text-title-spaces": lambda: (title[:10] + " " * 200_000 + title[10:] + "一、总体情况\n" + "\n \n" * 100_000).encode(),
        "text-split-utf8": lambda: _split_at(title.encode() * 2000, 30_000, b" " * 100_000),
        "html-filler-siblings": lambda: (f"<html><body>{head}" + "<p>与报告无关的填充文字，用来测试很长的页面。</p>\n" * 200_000 + "</body></html>").encode(),
        # scans (OCR): pixels bounded before rendering or decoding, the budget checked inside OCR
        "pdf-scan-big-page": lambda: _scan_page_size(3),
        "pdf-scan-huge-page": lambda: _scan_page_size(1000),
        "pdf-scan-huge-image": lambda: re.sub(rb"/Width (\d+)", rb"/Width \g<1>000", _scan_pdf(), count=1),
        "pdf-scan-40-pages": lambda: _scan_pdf().replace(b"/Kids [ 1 0 R ]", b"/Kids [ " + b"1 0 R " * 40 + b"]").replace(b"/Count 1", b"/Count 40"),
        "pdf-image-bomb": lambda: pdf_image_bomb(40_000, 40_000),
        "image-wide": _wide_image,
    }
    return cases


def _scan_pdf() -> bytes:
    return (TESTS / "fixtures" / "scanned.pdf").read_bytes()


def scan_jpeg() -> bytes:
    """The scanned fixture's page image (its DCT stream is a JPEG file)."""
    data = _scan_pdf()
    start = data.index(b"\xff\xd8\xff")
    return data[start : data.index(b"\nendstream", start)]


def _scan_page_size(times: float) -> bytes:
    """The scanned fixture with its page ``times`` wider and taller (its image drawn across it)."""
    data = _scan_pdf()
    m = re.search(rb"/MediaBox \[ 0 0 ([\d.]+) ([\d.]+) \]", data)
    assert m is not None
    w, h = float(m.group(1)) * times, float(m.group(2)) * times
    data = data[: m.start()] + b"/MediaBox [ 0 0 %.2f %.2f ]" % (w, h) + data[m.end() :]
    return re.sub(rb"q [\d.]+ 0 0 [\d.]+ 0 0 cm", b"q %.2f 0 0 %.2f 0 0 cm" % (w, h), data, count=1)


def pdf_image_bomb(width: int, height: int) -> bytes:
    """One page drawing a white Flate image of ``width`` x ``height`` grey pixels (a few MB that
    pdfium would decode to width x height bytes to render the page)."""
    z = zlib.compressobj(9)
    row = b"\xff" * width
    body = b"".join(z.compress(row) for _ in range(height)) + z.flush()
    image = (b"<< /Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceGray /BitsPerComponent 8 "
             b"/Filter /FlateDecode /Length %d >>\nstream\n" % (width, height, len(body)) + body + b"\nendstream")
    content = b"q 595 0 0 842 0 0 cm /Im1 Do Q"
    page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /XObject << /Im1 5 0 R >> >> >>"
    return _pdf({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>", 3: page,
                 4: _stream(content), 5: image})


def _wide_image() -> bytes:
    """A JPEG 40 000 x 1 200 pixels (the scanned page repeated across): scaled to its working
    size it would be 41 000 x 1 240 pixels for OCR without the pixel bound."""
    from PIL import Image

    with Image.open(io.BytesIO(scan_jpeg())) as page:
        tile = page.convert("L").resize((848, 1200))
    wide = Image.new("L", (40_000, 1200), 255)
    for x in range(0, 40_000, 848):
        wide.paste(tile, (x, 0))
    buf = io.BytesIO()
    wide.save(buf, format="JPEG", quality=80)
    return buf.getvalue()


def _split_at(data: bytes, near: int, insert: bytes) -> bytes:
    """``insert`` placed inside the first multi-byte character at or after ``near``."""
    i = next(i for i in range(near, len(data)) if data[i] >= 0xC0) + 1
    return data[:i] + insert + data[i:]


def _base_docx() -> bytes:
    return render_docx(generate(1), draw_variant(1))


def _docx_with(edit: Callable[[bytes], bytes]) -> bytes:
    with zipfile.ZipFile(io.BytesIO(_base_docx())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    parts["word/document.xml"] = edit(parts["word/document.xml"])
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return buf.getvalue()


def _laughs(xml: bytes) -> bytes:
    ents = '<!ENTITY a "lol">' + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(9))
    xml = re.sub(rb"^<\?xml[^>]*\?>", lambda m: m.group(0) + f"<!DOCTYPE w:document [{ents}]>".encode(), xml, count=1)
    return xml.replace(b"<w:t>", b"<w:t>&j;", 1)


def _docx_bomb() -> bytes:
    """document.xml inflating to 200 MB of whitespace from a few hundred KB."""
    with zipfile.ZipFile(io.BytesIO(_base_docx())) as zf:
        parts = {n: zf.read(n) for n in zf.namelist()}
    xml = parts["word/document.xml"]
    parts["word/document.xml"] = xml.replace(b"<w:body>", b"<w:body>" + b" " * 200_000_000, 1)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        for n, b in parts.items():
            zf.writestr(n, b)
    return buf.getvalue()


def _docx_many_entries() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(_base_docx())) as src, zipfile.ZipFile(buf, "w", zipfile.ZIP_STORED) as zf:
        for n in src.namelist():
            zf.writestr(n, src.read(n))
        for i in range(20_000):
            zf.writestr(f"junk/{i}.xml", b"<x/>")
    return buf.getvalue()


def _pdf_many_pages() -> bytes:
    n = 2000
    objects: dict[int, bytes] = {1: b"<< /Type /Catalog /Pages 2 0 R >>", 4: _stream(_text_content()), 5: _FONT}
    kids = b" ".join(b"%d 0 R" % (10 + i) for i in range(n))
    objects[2] = b"<< /Type /Pages /Kids [" + kids + b"] /Count %d >>" % n
    for i in range(n):
        objects[10 + i] = _PAGE
    return _pdf(objects)


def run_case(name: str, fmts: tuple[str, ...] = ("auto", *FORMATS)) -> dict[str, object]:
    """Build one structural case and read it every way (in the child process); ``own`` in
    ``fmts`` stands for the case's own reader. ``max_rss_mb``: the highest peak RSS of the child
    while it read the case one way (building the case is not counted), or the child's peak so far
    where the peak cannot be reset."""
    data = structural_cases()[name]()
    fmts = tuple(own_format(name) if f == "own" else f for f in fmts)
    runs = [run(data, f, name=name) for f in dict.fromkeys(fmts)]
    peak = max(o.peak_mb for o in runs) if all(o.peak_mb for o in runs) else peak_rss_mb()
    return {"case": name, "bytes": len(data), "outcomes": [asdict(o) for o in runs], "max_rss_mb": peak}


def peak_rss_mb() -> int:
    """This process's peak RSS (VmHWM) since it was exec'd or since :func:`reset_peak_rss`: Linux
    carries ``ru_maxrss`` across exec from the forking process, so a child of a big pytest process
    would report pytest's peak."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            return next(int(line.split()[1]) // 1024 for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024


def own_format(case: str) -> str:
    """The reader a structural case is written for (its name's prefix)."""
    prefix = case.split("-")[0]
    return {"js": "jsdata"}.get(prefix, prefix)


def run_cases_isolated(names: list[str], fmts: tuple[str, ...] | None = None, *, timeout: float = 900) -> list[dict[str, object]]:
    """:func:`run_case` for each name, in one child process under RLIMIT_AS (``max_rss_mb`` is the
    child's peak so far). A child killed, out of memory or out of time is a crash of every case."""
    cmd = [sys.executable, "-m", "tests.gen.fuzz", "--case", ",".join(names)]
    if fmts:
        cmd += ["--formats", ",".join(fmts)]
    try:
        proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [{"case": n, "crash": f"child did not finish within {timeout:g} s"} for n in names]
    if proc.returncode != 0:
        return [{"case": n, "crash": f"child exited {proc.returncode}: {proc.stderr[-1500:]}"} for n in names]
    return [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]


def run_case_isolated(name: str, fmts: tuple[str, ...] | None = None, *, timeout: float = 600) -> dict[str, object]:
    return run_cases_isolated([name], fmts, timeout=timeout)[0]


def _limit_memory() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (AS_LIMIT, AS_LIMIT))


if __name__ == "__main__":
    import argparse

    ap = argparse.ArgumentParser()
    ap.add_argument("--case", required=True)
    ap.add_argument("--formats", default="")
    args = ap.parse_args()
    _limit_memory()
    chosen = tuple(f for f in args.formats.split(",") if f) or ("auto", *FORMATS)
    for case in args.case.split(","):
        print(json.dumps(run_case(case, chosen), ensure_ascii=False), flush=True)
