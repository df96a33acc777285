"""Reports shipped inside a JavaScript data file: ``let content = "<p>…</p><table>…"``.

Some sites (and GitHub mirrors of them) serve a report as a string literal in a ``.js`` file
(format.md §8.2, the 上海 2019 source). The longest string literal holding markup is unescaped
(JSON rules plus JavaScript's single-quote and template forms) and handed to the HTML reader.
"""

from __future__ import annotations

import json
import re

from extractor.document import Document
from extractor.errors import UnsupportedFormat
from extractor.readers import JS_HEAD
from extractor.readers.decode import decode
from extractor.settings import Settings

_STRING = {
    # possessive (*+, ++): the regex engine keeps no state per character (a plain * held hundreds
    # of bytes per character: gigabytes for a few-MB string literal)
    '"': re.compile(r'"((?:[^"\\]++|\\.)*+)"', re.DOTALL),
    "'": re.compile(r"'((?:[^'\\]++|\\.)*+)'", re.DOTALL),
    "`": re.compile(r"`((?:[^`\\]++|\\.)*+)`", re.DOTALL),
}


def looks_like_js_data(data: bytes) -> bool:
    head = data[:4096]
    return bool(JS_HEAD.match(head)) and (b"<table" in data[:2_000_000] or b"\\u003c" in head or b"<p" in head)


def _unescape(body: str) -> str:
    body = body.replace("\\'", "'").replace("\\`", "`").replace("\\\n", "")
    try:
        return str(json.loads('"' + body.replace('"', '\\"').replace('\\\\"', '\\"') + '"'))
    except json.JSONDecodeError:
        return re.sub(r"\\(.)", r"\1", body)


def extract_markup(text: str) -> str:
    best = ""
    for pattern in _STRING.values():
        for m in pattern.finditer(text):
            body = m.group(1)
            if len(body) > len(best) and ("<" in body or "\\u003c" in body):
                best = body
    if not best:
        raise UnsupportedFormat("a JavaScript file without an HTML string in it")
    return _unescape(best)


def read(data: bytes, *, source: str, settings: Settings) -> Document:
    from extractor.readers import html

    decoded = decode(data, source=source)
    markup = extract_markup(decoded.text)
    doc = html.read(markup.encode("utf-8"), source=source, settings=settings)
    doc.reader = "jsdata"
    if (note := decoded.warning()) is not None:
        doc.warnings.insert(0, note)
    return doc
