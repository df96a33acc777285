"""Whether the running-text aligner can find anything the grid reader has not: a cheap, sound test.

The aligner (:func:`extractor.locate.align.locate_text_rows`) tokenizes all of a document's
paragraphs, yet a page whose tables are grids rarely prints a table in its prose. Its table-2 and
table-3 regions open only where the *label stream* holds ``第二十条`` or one of the table-3 opening
words (:mod:`.anchors`). The label stream is the folded text with whitespace, numbers, placeholders
and page furniture removed, so a word can be in it without being in the text (``第 二十条``,
``本年\\n新收``). :func:`may_hold` answers on the raw text whether that is *possible*: between two
of the word's characters it allows any run of characters a number, a placeholder, whitespace or
folding may remove, and a line break (after which whole lines may be page furniture) ends the
test with a yes. A "no" is a proof; a "yes" only means the tokenizer has to look.
"""

from __future__ import annotations

import re

from extractor.text.normalize import _REPLACEMENTS
from extractor.text.normalize import ONE_TO_ONE as _ONE_TO_ONE

_OTHER_REMOVABLE = "".join(
    re.escape(c)
    for c in dict.fromkeys(
        "\0+-增减,.万亿元/\\—–无空"  # number and placeholder characters (after 1:1 folding)
        + "".join(chr(k) for k in _ONE_TO_ONE)  # their full-width and invisible spellings
        + "".join(a for a, b in _REPLACEMENTS if not b)  # characters folding deletes
    )
    if not c.isspace()
)
_SKIP = re.compile(rf"(?:[^\S\n]|[\d{_OTHER_REMOVABLE}])*")
"""What may stand between two label characters on one line."""

T2_WORDS = ("第二十条",)
"""What opens the table-2 region (:data:`extractor.locate.align.anchors._T2_START`)."""
T3_WORDS = ("勾稽", "钩稽", "申请人情况", "本年新收")
"""What opens the table-3 region (every alternative of ``_T3_START`` holds one of them)."""
T4_WORDS = ("行政复议", "结果维持")
"""What the table-4 region opens with (every alternative of ``_T4_START`` holds one of them)."""


def may_open_table(text: str) -> bool:
    """False only when the aligner can open no table region in ``text`` (it then finds nothing)."""
    return may_hold(text, T2_WORDS) or may_hold(text, T3_WORDS) or may_hold(text, T4_WORDS)


def _spellings(ch: str) -> set[str]:
    """The characters that read as ``ch`` in the label stream: itself and what folds to it."""
    out = {ch}
    out.update(chr(k) for k, v in _ONE_TO_ONE.items() if v == ch)
    out.update(a for a, b in _REPLACEMENTS if b == ch)
    return out


def may_hold(text: str, words: tuple[str, ...]) -> bool:
    """False only when no word of ``words`` can be in the label stream of ``text``.

    From each occurrence of a word's first character, the rest must follow with only removable
    characters between; a line break after part of the word is a yes too (the next lines may be
    page furniture, blanked before labels are read)."""
    for word in words:
        spelled = [_spellings(ch) for ch in word]
        for first in spelled[0]:
            i = text.find(first)
            while i >= 0:
                if _rest_follows(text, i + 1, spelled[1:]):
                    return True
                i = text.find(first, i + 1)
    return False


def _rest_follows(text: str, pos: int, rest: list[set[str]]) -> bool:
    for chars in rest:
        m = _SKIP.match(text, pos)
        pos = m.end() if m else pos
        if pos >= len(text):
            return False
        if text[pos] == "\n" or text[pos] not in chars:
            return text[pos] == "\n"
        pos += 1
    return True
