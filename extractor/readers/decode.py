"""Turn bytes into text without ever losing characters silently.

Order of evidence: a BOM, then a declared charset (``<meta charset>``, ``http-equiv`` or an XML
declaration, looked for in the first 4 KB), then strict UTF-8, then charset-normalizer's guess.

Chinese government sites label pages ``gb2312`` (or ``gbk``) and then use characters outside that
set (镕, 喆, 堃). Decoding such a page strictly as gb2312 fails at the first GBK-only character;
lxml stops there silently and BeautifulSoup returns an *empty document*. GB18030 is a superset of
both, so every GB label is decoded as ``gb18030`` here, and the HTML parsers only ever see ``str``.
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from extractor.errors import DecodeError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_DECLARED = re.compile(
    rb"""(?:<meta[^>]+charset\s*=\s*["']?\s*|<\?xml[^>]+encoding\s*=\s*["'])([A-Za-z0-9_\-:.]+)""",
    re.IGNORECASE,
)
_GB_FAMILY = {"gb2312", "gbk", "gb_2312-80", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}


def canonical_encoding(label: str) -> str | None:
    """Python codec name for a declared label, widening any GB label to gb18030."""
    name = label.strip().lower()
    if name in _GB_FAMILY or name.startswith("gb"):
        return "gb18030"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def declared_encoding(data: bytes) -> str | None:
    m = _DECLARED.search(data[:4096])
    return canonical_encoding(m.group(1).decode("ascii", "replace")) if m else None


def decode_bytes(data: bytes, *, source: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`DecodeError` rather than guess badly."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(enc), enc
            except UnicodeDecodeError as exc:
                raise DecodeError(f"bytes after the {enc} byte-order mark do not decode: {exc}", source=source) from exc
    declared = declared_encoding(data)
    if declared:
        try:
            return data.decode(declared), declared
        except UnicodeDecodeError:
            pass  # the label lies; fall through to evidence from the bytes themselves
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        # Most non-UTF-8 Chinese pages are GB-family; gb18030 decodes any valid GBK byte string.
        text = data.decode("gb18030")
        if _looks_chinese(text):
            return text, "gb18030"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("cannot determine the text encoding (not UTF-8, GB18030 or any detectable charset)", source=source)
    enc = canonical_encoding(best.encoding) or best.encoding
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:  # pragma: no cover - charset-normalizer verified it
        raise DecodeError(f"detected {enc} but the bytes do not decode: {exc}", source=source) from exc
    high = sum(1 for b in data[:20000] if b >= 0x80)
    if high > len(data[:20000]) // 10 and not _looks_chinese(text):
        # Many non-ASCII bytes, yet neither UTF-8 nor GB18030 decodes them, and the detector's
        # best guess is not Chinese: a mixed or damaged encoding. Refuse rather than emit mojibake.
        raise DecodeError(
            f"the bytes are not valid UTF-8 or GB18030 and the best guess ({enc}) is not Chinese text",
            source=source,
        )
    return text, enc


def _looks_chinese(text: str) -> bool:
    sample = text[:20000]
    cjk = sum(1 for ch in sample if "\u4e00" <= ch <= "\u9fff")
    return cjk >= max(4, len(sample) // 50)
