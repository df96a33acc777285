"""How much a PDF's pages ask pdfium to build, measured *before* pdfium parses them.

pdfium parses a page's whole content stream when the page is loaded and keeps every path and text
object it draws: a 1 MB file whose one Flate stream inflates to 300 MB of ``0 0 m 100 100 l S``
took a process to 4.5 GB (about 300 bytes per path object, 500 per text object), and under an
address-space cap pdfium aborts the process instead of failing. So the reader first reads each
page's content streams with pdfminer's object parser (already installed with pdfplumber; it parses
objects lazily and never the content), inflates them in bounded chunks, and counts operators:

* decoded content bytes per page (:data:`MAX_CONTENT_BYTES`),
* objects pdfium would build: painted paths, text-showing operators, XObjects and inline images
  (:data:`MAX_PAGE_OBJECTS`),
* path segments, i.e. ruling-line candidates (:data:`MAX_PATH_SEGMENTS`).

Form XObjects count with their content, once per ``Do`` that draws them (pdfium parses a form
again for every use). A document with a page over any bound is refused with ``too_large`` before
pdfium sees it. The counts over-approximate (an operator spelled inside a string counts too): the
bounds sit far above real pages, whose content streams hold a few thousand operators.

The page tree is walked here with every indirect reference followed a bounded number of steps
(pdfminer's own ``resolve1`` loops forever on ``6 0 obj 7 0 R`` / ``7 0 obj 6 0 R``). When pdfminer
cannot read the structure at all (a broken xref that pdfium rebuilds), every stream in the file
that may be page content is held to the per-page bounds on its own.

Not covered: Type 3 glyph procedures and annotation appearance streams (pdfium parses them only to
render, which the reader never does), and content-stream filters other than Flate, LZW, ASCII85,
ASCIIHex and RunLength (left to pdfium).
"""

from __future__ import annotations

import io
import logging
import re
import time
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from extractor.errors import FileTooLarge, ReadTimeout
from extractor.settings import Settings

MAX_CONTENT_BYTES = 32 * 1024 * 1024
"""Decoded content-stream bytes per page (a real page: tens of KB; a page with an inline scan: a few MB)."""
MAX_PAGE_OBJECTS = 200_000
"""Painted paths, text-showing operators and drawn XObjects per page (pdfium: ~100 MB at this bound)."""
MAX_PATH_SEGMENTS = 1_000_000
"""Path construction operators (m l c v y h re) per page."""
MAX_DOCUMENT_BYTES = 512 * 1024 * 1024
"""Decoded content bytes inspected per document, all pages together."""
MAX_FORM_DEPTH = 12

_CHUNK = 1 << 20
# An operator is a bare keyword after a delimiter and before one; the delimiter before it is consumed
# (so the pattern starts with a character class the engine can scan for), the one after is not.
_OPS = re.compile(rb"[\s\])>](re|[mlcvyhSsfFBb]\*?|T[jJ]|['\"]|Do|BI)(?=[\s\[(/<%]|$)")
_SEGMENT = frozenset((b"re", b"m", b"l", b"c", b"v", b"y", b"h"))
_OBJECT = frozenset((b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"Tj", b"TJ", b"'", b'"', b"Do", b"BI"))
_DO = re.compile(rb"/([^\s/\[\]()<>{}%]{1,127})\s{0,64}Do(?=[\s\[(/<%]|$)")
_TAIL = 256
"""Bytes carried from one chunk into the next so that no operator is lost at a chunk boundary."""


@dataclass(slots=True)
class Load:
    """What a content stream (with the forms it draws) asks pdfium to build."""

    size: int = 0
    """Decoded content bytes."""
    objects: int = 0
    segments: int = 0
    forms: Counter[bytes] = field(default_factory=Counter)
    """``Do`` operators per XObject name."""

    def add(self, other: Load, times: int = 1) -> None:
        self.objects += other.objects * times
        self.segments += other.segments * times
        self.size = max(self.size, other.size)  # forms are parsed one at a time

    def over(self) -> str | None:
        if self.size > MAX_CONTENT_BYTES:
            return f"more than {MAX_CONTENT_BYTES // 1024**2} MB of decoded content"
        if self.objects > MAX_PAGE_OBJECTS:
            return f"more than {MAX_PAGE_OBJECTS:,} drawing or text objects"
        if self.segments > MAX_PATH_SEGMENTS:
            return f"more than {MAX_PATH_SEGMENTS:,} path segments"
        return None


class _Over(Exception):
    pass


def check_pages(data: bytes, n_pages: int, *, source: str, settings: Settings) -> None:
    """Raise :class:`FileTooLarge` if one of the first ``n_pages`` pages is over a bound (see the
    module docstring), :class:`ReadTimeout` past the document's time budget."""
    checker = _Checker(data, settings)
    try:
        for number, page in enumerate(checker.pages(), start=1):
            if number > n_pages:
                break
            load = checker.page_load(page)
            reason = load.over()
            if reason:
                raise FileTooLarge(f"page {number} holds {reason} (a real report page holds a few thousand)", source=source)
    except _Over as exc:
        raise FileTooLarge(f"the PDF's pages hold {exc}", source=source) from None
    except ReadTimeout as exc:
        exc.source = source
        raise
    except (FileTooLarge, MemoryError):
        raise
    except Exception as exc:  # pdfminer cannot read the structure (pdfium may still rebuild it)
        logging.getLogger(__name__).debug("page tree not read (%r): every stream is checked instead", exc)
        _check_raw_streams(data, source=source, settings=settings)


_RAW_STREAM = re.compile(rb"(?<!end)stream\r?\n")
_NOT_CONTENT = (b"/Image", b"/FontFile", b"/Length1", b"/ObjStm", b"/XRef", b"/Metadata", b"/EmbeddedFile")


def _check_raw_streams(data: bytes, *, source: str, settings: Settings) -> None:
    """The fallback when the page tree cannot be read: each stream in the file that may be page
    content (not an image, font, object or xref stream) is held to the per-page bounds on its own
    (forms cannot be multiplied by their uses without the structure)."""
    checker = _Checker(data, settings)
    for m in _RAW_STREAM.finditer(data):
        end = data.find(b"endstream", m.end())
        if end < 0:
            break
        head = data[max(0, m.start() - 2048) : m.start()]
        head = head[head.rfind(b"obj") + 1 :]
        if any(word in head for word in _NOT_CONTENT):
            continue
        if b"/Filter" in head and not (b"FlateDecode" in head or b"/Fl" in head):
            continue  # other filters are rare for content: left to pdfium's own checks
        load = checker.raw_load(data[m.end() : end], flate=b"/Filter" in head)
        reason = load.over()
        if reason:
            raise FileTooLarge(f"a content stream holds {reason} (a real report page holds a few thousand)", source=source)


class _Checker:
    def __init__(self, data: bytes, settings: Settings) -> None:
        self.data = data
        self.deadline = time.monotonic() + settings.timeout_s
        self.seconds = settings.timeout_s
        self.total = 0
        self.forms: dict[Any, Load] = {}
        self.streams: dict[Any, Load] = {}

    def pages(self) -> Iterator[_PageRef]:
        """The page tree, walked here rather than by ``PDFPage.create_pages``: pdfminer's
        ``resolve1`` follows a reference cycle (``6 0 obj 7 0 R`` / ``7 0 obj 6 0 R``) forever, so
        every reference is followed a bounded number of steps (:func:`_res`) and every node once."""
        from pdfminer.pdfdocument import PDFDocument
        from pdfminer.pdfparser import PDFParser

        logging.getLogger("pdfminer").setLevel(logging.ERROR)
        doc = PDFDocument(PDFParser(io.BytesIO(self.data)))
        root = _res(doc.catalog.get("Pages"))
        stack: list[tuple[Any, Any]] = [(root, None)]
        seen: set[int] = set()
        while stack:
            node, inherited = stack.pop()
            if not isinstance(node, dict) or id(node) in seen or len(seen) > 100_000:
                continue
            seen.add(id(node))
            resources = node.get("Resources", inherited)
            kids = _res(node.get("Kids"))
            if isinstance(kids, list):
                stack.extend((_res(k), resources) for k in reversed(kids))
            elif _name(node.get("Type")) == "Page" or "Contents" in node:
                contents = _res(node.get("Contents"))
                streams = [_res(c) for c in contents] if isinstance(contents, list) else [contents]
                yield _PageRef(streams, _res(resources))

    def page_load(self, page: _PageRef) -> Load:
        load = Load()
        for stream in page.contents:
            part = self.stream_load(stream)
            load.size += part.size
            load.objects += part.objects
            load.segments += part.segments
            load.forms.update(part.forms)
        self._draw_forms(load, page.resources, depth=0, active=set())
        return load

    def _draw_forms(self, load: Load, resources: Any, depth: int, active: set[Any]) -> None:
        from pdfminer.pdftypes import PDFStream

        if not load.forms or depth > MAX_FORM_DEPTH:
            return
        resources = _res(resources)
        xobjects = _res(resources.get("XObject")) if isinstance(resources, dict) else None
        if not isinstance(xobjects, dict):
            return
        for name, times in load.forms.items():
            form = _res(xobjects.get(name.decode("latin-1")))
            if not isinstance(form, PDFStream) or _name(form.get("Subtype")) != "Form":
                continue
            key = form.objid if form.objid is not None else id(form)
            if key in active:  # a form drawing itself: pdfium stops there too
                continue
            inner = self.forms.get(key)
            if inner is None:
                inner = self.stream_load(form)
                self._draw_forms(inner, form.get("Resources") or resources, depth + 1, active | {key})
                self.forms[key] = inner
            load.add(inner, times)
            if load.objects > MAX_PAGE_OBJECTS or load.segments > MAX_PATH_SEGMENTS:
                return

    def stream_load(self, stream: Any) -> Load:
        from pdfminer.pdftypes import PDFStream

        if not isinstance(stream, PDFStream):
            return Load()
        key = stream.objid if stream.objid is not None else id(stream)
        cached = self.streams.get(key)
        if cached is not None:
            return Load(cached.size, cached.objects, cached.segments, Counter(cached.forms))
        load = Load()
        tail = b"\n"
        for chunk in _decoded_chunks(stream):
            load.size += len(chunk)
            self.total += len(chunk)
            if load.size > MAX_CONTENT_BYTES:
                break
            if self.total > MAX_DOCUMENT_BYTES:
                raise _Over(f"more than {MAX_DOCUMENT_BYTES // 1024**2} MB of decoded content")
            if time.monotonic() > self.deadline:
                raise ReadTimeout(f"checking the page content took over the {self.seconds:g} s budget")
            text = tail + chunk
            cut = max(len(text) - _TAIL, 0)
            body, tail = text[:cut], text[cut:]
            self._count(load, body)
            if load.objects > MAX_PAGE_OBJECTS or load.segments > MAX_PATH_SEGMENTS:
                break
        else:
            self._count(load, tail)
        self.streams[key] = Load(load.size, load.objects, load.segments, Counter(load.forms))
        return load

    def raw_load(self, raw: bytes, *, flate: bool) -> Load:
        """:meth:`stream_load` for bytes cut from the file (no object structure)."""
        load = Load()
        tail = b"\n"
        for chunk in _inflate(iter((raw,))) if flate else iter((raw,)):
            load.size += len(chunk)
            self.total += len(chunk)
            if self.total > MAX_DOCUMENT_BYTES:
                raise _Over(f"more than {MAX_DOCUMENT_BYTES // 1024**2} MB of decoded content")
            if time.monotonic() > self.deadline:
                raise ReadTimeout(f"checking the page content took over the {self.seconds:g} s budget")
            text = tail + chunk
            cut = max(len(text) - _TAIL, 0)
            body, tail = text[:cut], text[cut:]
            self._count(load, body)
            if load.over():
                return load
        self._count(load, tail)
        return load

    @staticmethod
    def _count(load: Load, text: bytes) -> None:
        ops = Counter(_OPS.findall(text))
        load.segments += sum(n for op, n in ops.items() if op in _SEGMENT)
        load.objects += sum(n for op, n in ops.items() if op in _OBJECT)
        if ops[b"Do"]:
            load.forms.update(_DO.findall(text))


@dataclass(slots=True)
class _PageRef:
    contents: list[Any]
    resources: Any


def _res(value: Any, steps: int = 16) -> Any:
    """``value`` with indirect references followed at most ``steps`` times (a cycle gives None)."""
    from pdfminer.pdftypes import PDFObjRef

    for _ in range(steps):
        if not isinstance(value, PDFObjRef):
            return value
        try:
            value = value.resolve()
        except Exception:
            return None
    return None if isinstance(value, PDFObjRef) else value


def _name(value: Any) -> str | None:
    value = _res(value)
    name = getattr(value, "name", None)
    return name if isinstance(name, str) else None


def _decoded_chunks(stream: Any) -> Iterator[bytes]:
    """The stream's decoded bytes in chunks of at most ~1 MB, decompressing no further ahead than
    the caller reads (a Flate bomb is never inflated whole). Unknown filters (images) give nothing."""
    data: bytes = stream.rawdata if stream.rawdata is not None else (stream.data or b"")
    if stream.rawdata is not None and stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    filters = [_name(f) for f, _params in stream.get_filters()]
    chunks: Iterator[bytes] = iter((data,))
    for f in filters:
        if f in ("FlateDecode", "Fl"):
            chunks = _inflate(chunks)
        elif f in ("LZWDecode", "LZW"):
            chunks = _lzw(chunks)
        elif f in ("ASCII85Decode", "A85"):
            chunks = _whole(chunks, "ascii85decode")
        elif f in ("ASCIIHexDecode", "AHx"):
            chunks = _whole(chunks, "asciihexdecode")
        elif f in ("RunLengthDecode", "RL"):
            chunks = _run_length(chunks)
        else:
            return  # image filters (DCT, JBIG2, CCITT, JPX) or junk: not content pdfium parses as operators
    for chunk in chunks:
        for i in range(0, len(chunk), _CHUNK):
            yield chunk[i : i + _CHUNK]


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    d = zlib.decompressobj()
    for chunk in chunks:
        buf = chunk
        while True:  # until this input is consumed and no output is pending
            try:
                out = d.decompress(buf, _CHUNK)
            except zlib.error:
                return  # corrupt from here on: pdfium stops decoding there as well
            if out:
                yield out
            if d.eof:
                return
            buf = d.unconsumed_tail
            if not buf and not out:
                break


def _lzw(chunks: Iterator[bytes]) -> Iterator[bytes]:
    from pdfminer.lzw import LZWDecoder

    try:
        yield from LZWDecoder(io.BytesIO(b"".join(chunks))).run()
    except Exception:
        return


def _whole(chunks: Iterator[bytes], func: str) -> Iterator[bytes]:
    """ASCII85 / hex: the output is smaller than the input, so decoding it whole is safe."""
    from pdfminer import ascii85

    try:
        yield getattr(ascii85, func)(b"".join(chunks))
    except Exception:
        return


def _run_length(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """RunLengthDecode (at most 128x) in pieces: a length byte, then a literal run or one repeated byte."""
    data = b"".join(chunks)
    out = bytearray()
    i = 0
    while i < len(data):
        n = data[i]
        if n == 128:
            break
        if n < 128:
            out += data[i + 1 : i + 2 + n]
            i += n + 2
        else:
            out += data[i + 1 : i + 2] * (257 - n)
            i += 2
        if len(out) >= _CHUNK:
            yield bytes(out)
            out.clear()
    if out:
        yield bytes(out)
