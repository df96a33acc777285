"""Parsing: libxml2's HTML parser on decoded text, BeautifulSoup only when it gives up."""

from __future__ import annotations

import re

from lxml import etree

from extractor.errors import CorruptDocument
from extractor.readers.html.nodes import El

_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*>", re.IGNORECASE)
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")


def parse(text: str, controls: bool | None = None, utf8: bytes | None = None) -> El | None:
    """libxml2's HTML parser on the decoded text; BeautifulSoup only when it gives up.

    This is the parser behind ``lxml.html.document_fromstring``, used through a plain
    ``etree.HTMLParser`` so that elements are plain ``_Element`` proxies: ``lxml.html``'s
    Python-level element-class lookup costs more than the parse itself on a Word export.
    ``utf8``: the page's bytes when they are ``text`` in UTF-8 (already checked by decoding), parsed
    as they are rather than from ``str`` (which lxml would encode back to UTF-8 first).
    """
    root = None
    if utf8 is not None and not controls:
        root = _lxml(utf8)
    else:
        text = _XML_DECL.sub("", text, count=1)  # lxml rejects str input with an encoding declaration
        if controls or (controls is None and _CONTROL.search(text)):
            text = _CONTROL.sub(" ", text)  # libxml2 would turn them into U+FFFD
        root = _lxml(text)
    if root is None:  # libxml2 gives up on input without any element (a lone comment, say)
        from bs4 import BeautifulSoup

        soup = BeautifulSoup(text, "lxml")
        root = _lxml(str(soup)) if soup.get_text().strip() else None
    return root


def parse_utf8(data: bytes) -> El | None:
    """libxml2's parse of bytes that should be UTF-8; None when they are not valid UTF-8 (libxml2
    checks as strictly as Python's codec: overlong forms, surrogates, truncated sequences) or when
    the parser gives up. The caller then decodes and parses as usual."""
    return _lxml(data, strict_utf8=True)


def _lxml(text: str | bytes, strict_utf8: bool = False) -> El | None:
    # one parser per call: parsers are not thread-safe. huge_tree lifts libxml2's nesting limit
    # from 256 to 2048 levels (junk HTML of unclosed <font>/<span> tags gets deep); deeper than
    # that the tree is cut off silently, so that is reported rather than read as a shorter page.
    parser = etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True,
                              encoding="utf-8" if isinstance(text, bytes) else None)
    try:
        root = etree.fromstring(text, parser)
    except (etree.LxmlError, ValueError):
        return None
    log = parser.error_log
    if strict_utf8 and log and any(e.type == _INVALID_ENCODING for e in log):
        return None  # before any other verdict: the caller reads the page as if this parse never happened
    if log and any("Excessive depth" in e.message for e in log):
        raise CorruptDocument("the HTML nests elements more than 2,048 levels deep; the parser would drop the rest")
    return root


_INVALID_ENCODING = etree.ErrorTypes.ERR_INVALID_ENCODING


