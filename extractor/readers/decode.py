"""Turn bytes into text without ever losing characters silently.

Order of evidence: a BOM, then a declared charset (``<meta charset>``, ``http-equiv`` or an XML
declaration, looked for in the first 4 KB), then UTF-8, then GB18030, then charset-normalizer's
guess. Every test looks at the *whole* document: a file that is valid UTF-8 for its first 20 KB
and broken after it is not UTF-8-by-sampling, and a 268 KB page with one corrupted byte is not
undecodable.

A handful of broken sequences in otherwise valid UTF-8 (or GB18030) is damage, not another
encoding: they become U+FFFD and :attr:`Decoded.replaced` counts them (the readers turn that into
a ``decode.replaced`` finding). "A handful" is at most :data:`MAX_REPLACED_SHARE` of the decoded
non-ASCII characters (and never fewer than :data:`MIN_REPLACED_ALLOWED`): a GB18030 file read as
UTF-8 breaks at nearly every character, random bytes read as GB18030 at a few percent. Bytes that
no encoding explains that well are refused (``undecodable``) rather than guessed into mojibake.

Chinese government sites label pages ``gb2312`` (or ``gbk``) and then use characters outside that
set (镕, 喆, 堃). Decoding such a page strictly as gb2312 fails at the first GBK-only character;
lxml stops there silently and BeautifulSoup returns an *empty document*. GB18030 is a superset of
both, so every GB label is decoded as ``gb18030`` here, and the HTML parsers only ever see ``str``.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

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
_ASCII = bytes(range(128))

MAX_REPLACED_SHARE = 0.005
"""Broken sequences allowed per decoded non-ASCII character (0.5 %) before an encoding is rejected."""
MIN_REPLACED_ALLOWED = 16
"""…but never fewer than this many (a short page with one damaged line)."""


@dataclass(frozen=True, slots=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0
    """Broken byte sequences replaced by U+FFFD."""

    def warning(self) -> str | None:
        """The reader warning for :attr:`replaced` (``decode.replaced: …``), if any."""
        if not self.replaced:
            return None
        return (
            f"decode.replaced: {self.replaced:,} invalid byte sequence(s) replaced with U+FFFD "
            f"(the document is otherwise valid {self.encoding})"
        )


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


def utf8_unless_invalid(data: bytes) -> bool:
    """Whether :func:`decode` answers UTF-8 (nothing replaced) for ``data`` as soon as the bytes are
    valid UTF-8: no byte-order mark and no other declared charset. A parser that checks UTF-8
    itself may then be handed the bytes, and :func:`decode` is needed only if it finds them invalid."""
    return not data.startswith(tuple(bom for bom, _ in _BOMS)) and declared_encoding(data) in (None, "utf-8")


def decode_bytes(data: bytes, *, source: str | None = None) -> tuple[str, str]:
    """Return ``(text, encoding)``; raise :class:`DecodeError` rather than guess badly.
    (:func:`decode` also says how many broken sequences were replaced.)"""
    d = decode(data, source=source)
    return d.text, d.encoding


def decode(data: bytes, *, source: str | None = None) -> Decoded:
    """Decode a whole document (see the module docstring); raise :class:`DecodeError` when no
    encoding explains the bytes."""
    for bom, enc in _BOMS:
        if data.startswith(bom):
            d = _explain(data, enc)
            if d is None:
                raise DecodeError(f"the bytes after the {enc} byte-order mark do not decode as {enc}", source=source)
            return d
    declared = declared_encoding(data)
    if declared:
        try:
            return Decoded(data.decode(declared), declared)
        except UnicodeDecodeError:
            pass  # the label lies, or the bytes are damaged: weigh the evidence of the bytes themselves
    if data.isascii():
        return Decoded(data.decode("ascii"), "utf-8")
    utf8 = _explain(data, "utf-8")
    if utf8 is not None and (utf8.replaced == 0 or declared in (None, "utf-8")):
        return utf8
    if declared and declared not in ("utf-8", "gb18030"):
        d = _explain(data, declared)
        if d is not None:
            return d
    # Most non-UTF-8 Chinese pages are GB-family; gb18030 decodes any valid GBK byte string.
    gb = _explain(data, "gb18030")
    if gb is not None and _looks_chinese(gb.text) and (utf8 is None or gb.replaced < utf8.replaced):
        return gb
    if utf8 is not None:
        return utf8
    return _guess(data, source)


def _explain(data: bytes, enc: str) -> Decoded | None:
    """``data`` in ``enc`` if it decodes with at most a handful of broken sequences, else ``None``."""
    try:
        return Decoded(data.decode(enc), enc)
    except UnicodeDecodeError:
        pass
    except LookupError:
        return None
    text = data.decode(enc, "replace")
    genuine = data.count("\ufffd".encode(enc.removesuffix("-sig"))) if enc.startswith("utf-8") else 0
    if enc == "gb18030":
        genuine = data.count("\ufffd".encode("gb18030"))
    replaced = text.count("\ufffd") - genuine
    non_ascii = len(text) - len(text.encode("ascii", "ignore")) - replaced
    if replaced > max(MIN_REPLACED_ALLOWED, int(non_ascii * MAX_REPLACED_SHARE)):
        return None
    return Decoded(text, enc, replaced)


def _guess(data: bytes, source: str | None) -> Decoded:
    from charset_normalizer import from_bytes  # 30 ms to import: only for bytes that are neither UTF-8 nor GB

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        raise DecodeError("cannot determine the text encoding (not UTF-8, GB18030 or any detectable charset)", source=source)
    enc = canonical_encoding(best.encoding) or best.encoding
    try:
        text = data.decode(enc)
    except UnicodeDecodeError as exc:  # pragma: no cover - charset-normalizer verified it
        raise DecodeError(f"detected {enc} but the bytes do not decode: {exc}", source=source) from exc
    high = len(data) - len(data.translate(None, _ASCII))
    if high > len(data) // 10 and not _looks_chinese(text):
        # Many non-ASCII bytes, yet neither UTF-8 nor GB18030 explains them, and the detector's
        # best guess is not Chinese: a mixed or damaged encoding. Refuse rather than emit mojibake.
        raise DecodeError(
            f"the bytes are not valid UTF-8 or GB18030 and the best guess ({enc}) is not Chinese text",
            source=source,
        )
    return Decoded(text, enc)


_CJK = re.compile(r"[\u4e00-\u9fff]")  # the same pattern as extractor.text.has_cjk: compiled once (re caches it)
_WINDOW = 4096
_WINDOWS = 16


def _looks_chinese(text: str) -> bool:
    """At least 2 % CJK ideographs in the first 20,000 characters, or in windows spread over the
    whole text (a page whose head is all markup)."""
    if len(text) <= _WINDOW * _WINDOWS:
        samples = [text]
    else:
        step = len(text) // _WINDOWS
        samples = [text[:20000], "".join(text[i : i + _WINDOW] for i in range(0, len(text), step))]
    return any(len(_CJK.findall(s)) >= max(4, len(s) // 50) for s in samples)
