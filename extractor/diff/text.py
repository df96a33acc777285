"""Section texts compared sentence by sentence, to show what was rewritten and what was copied.

Only prose is compared: table rows (``a | b | c`` lines, which is how every reader renders a table
in the text) and table-block titles (``第二十条第（一）项``) are left out, so sections 2–4 of a
template report usually have little or no prose. Sentences end at 。；！？ (and their ASCII forms);
whitespace is removed first, since PDF line breaks fall inside sentences.

Two scores per section: ``similarity`` is difflib's ratio over the two *lists of sentences*
(a sentence counts only when it is identical), ``similarity_ignoring_numbers`` the same after
every number is masked and with near-duplicate sentences (character ratio ≥ 0.9, e.g. one word
changed) counted as equal — a report copied from last year with the year and figures updated
scores 1.0 there. Regulations forbid copying last year's report, so a section whose masked score is at
least :data:`COPY_THRESHOLD` (and that has some prose) is flagged ``possible_copy``.
"""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from extractor.diff.models import SectionDiff, SentenceChange
from extractor.records.models import Section

COPY_THRESHOLD = 0.9
MIN_COPY_CHARS = 30
"""Sections with less prose than this (e.g. ``本年度未收取信息处理费。``) are never flagged."""
MIN_REPORT_COPY_CHARS = 100

_TABLE_LINE = re.compile(r"\||^第二十条第[（(][一二三四五六七八九十]+[)）]项$")
_SENTENCE_END = re.compile(r"(?<=[。；;！？!?])")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SPACE = re.compile(r"\s+")


def prose(text: str) -> str:
    """The section's running text without table rows, whitespace removed."""
    lines = [ln for ln in text.splitlines() if ln.strip() and not _TABLE_LINE.search(ln.strip())]
    return _SPACE.sub("", "".join(lines))


def sentences(text: str) -> list[str]:
    """Sentences of the prose, split after 。；！？."""
    return [s for s in _SENTENCE_END.split(prose(text)) if s.strip("。；;！？!?，,、")]


def mask_numbers(sentence: str) -> str:
    return _NUMBER.sub("#", sentence)


NEAR_DUPLICATE = 0.9
"""With numbers masked, a new sentence this similar (character ratio) to an old one counts as that sentence."""


def snap(old: list[str], new: list[str]) -> list[str]:
    """``new`` with every near-duplicate of an ``old`` sentence replaced by that sentence."""
    out = []
    olds = set(old)
    for s in new:
        if s in olds:
            out.append(s)
            continue
        best, score = s, 0.0
        m = SequenceMatcher(None, autojunk=False)
        m.set_seq2(s)  # the new sentence is indexed once; every old one is compared against it
        for o in old:
            m.set_seq1(o)
            if m.real_quick_ratio() >= NEAR_DUPLICATE and m.quick_ratio() >= NEAR_DUPLICATE:
                r = m.ratio()
                if r >= NEAR_DUPLICATE and r > score:
                    best, score = o, r
        out.append(best)
    return out


def masked_ratio(old: list[str], new: list[str]) -> float | None:
    """Sentence-list ratio with numbers masked and near-duplicate sentences (≥ 0.9) counted as equal."""
    mo = [mask_numbers(s) for s in old]
    return ratio(mo, snap(mo, [mask_numbers(s) for s in new]))


def ratio(a: list[str], b: list[str]) -> float | None:
    if not a and not b:
        return None
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def compare_sentences(old: list[str], new: list[str]) -> list[SentenceChange]:
    out: list[SentenceChange] = []
    for op, i1, i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if op == "equal":
            continue
        kind = "replace" if op == "replace" else "delete" if op == "delete" else "insert"
        out.append(SentenceChange(op=kind, old=old[i1:i2], new=new[j1:j2]))
    return out


def compare_section(number: int, old: Section | None, new: Section | None) -> SectionDiff:
    so = sentences(old.text) if old else []
    sn = sentences(new.text) if new else []
    d = SectionDiff(
        number=number,
        heading_old=old.heading if old else None,
        heading_new=new.heading if new else None,
        old_sentences=len(so),
        new_sentences=len(sn),
        old_chars=sum(map(len, so)),
        new_chars=sum(map(len, sn)),
    )
    if old is None or new is None:
        d.note = f"section {number} only in the {'new' if old is None else 'old'} report"
        d.changes = compare_sentences(so, sn)
        return d
    if not so and not sn:
        d.note = "no prose (tables only)"
        return d
    d.similarity = ratio(so, sn)
    d.similarity_ignoring_numbers = masked_ratio(so, sn)
    d.possible_copy = (
        d.similarity_ignoring_numbers is not None
        and d.similarity_ignoring_numbers >= COPY_THRESHOLD
        and min(d.old_chars, d.new_chars) >= MIN_COPY_CHARS
    )
    d.changes = compare_sentences(so, sn)
    return d


def compare_sections(old: list[Section], new: list[Section]) -> list[SectionDiff]:
    by_old = {s.number: s for s in old}
    by_new = {s.number: s for s in new}
    return [compare_section(n, by_old.get(n), by_new.get(n)) for n in sorted(by_old.keys() | by_new.keys())]


def whole_text_similarity(old: list[Section], new: list[Section]) -> tuple[float | None, float | None, int]:
    """(similarity, similarity ignoring numbers, prose chars of the shorter side) over all sections."""
    so = [s for sec in sorted(old, key=lambda x: x.number) for s in sentences(sec.text)]
    sn = [s for sec in sorted(new, key=lambda x: x.number) for s in sentences(sec.text)]
    masked = masked_ratio(so, sn)
    return ratio(so, sn), masked, min(sum(map(len, so)), sum(map(len, sn)))


_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[A-Za-z]+|\s+|.", re.S)
PAIR_THRESHOLD = 0.5
"""Within a replaced run of sentences, an old and a new sentence this similar are shown as one
sentence with the changed words marked, instead of a whole deletion and a whole insertion."""


def tokens(sentence: str) -> list[str]:
    """Words for an in-sentence diff: a number (with its separators and %) or a Latin word is one
    token, every other character (each Chinese character, each punctuation mark) is its own."""
    return _TOKEN.findall(sentence)


Segment = tuple[bool, str]
"""``(changed, text)``: a run of a sentence, marked when it differs from the other side."""


def word_diff(old: str, new: str) -> tuple[list[Segment], list[Segment]]:
    """The two sentences as runs of unchanged and changed text (old side, new side)."""
    a, b = tokens(old), tokens(new)
    left: list[Segment] = []
    right: list[Segment] = []

    def add(side: list[Segment], changed: bool, text: str) -> None:
        if not text:
            return
        if side and side[-1][0] == changed:
            side[-1] = (changed, side[-1][1] + text)
        else:
            side.append((changed, text))

    for op, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        add(left, op != "equal", "".join(a[i1:i2]))
        add(right, op != "equal", "".join(b[j1:j2]))
    return left, right


def pair_sentences(old: list[str], new: list[str]) -> list[tuple[str | None, str | None]]:
    """Align a replaced run of sentences: similar ones paired in order, the rest alone."""
    out: list[tuple[str | None, str | None]] = []
    j = 0
    for o in old:
        best, score = None, PAIR_THRESHOLD
        for k in range(j, len(new)):
            r = SequenceMatcher(None, o, new[k], autojunk=False).ratio()
            if r >= score:
                best, score = k, r
        if best is None:
            out.append((o, None))
            continue
        out += [(None, n) for n in new[j:best]]
        out.append((o, new[best]))
        j = best + 1
    out += [(None, n) for n in new[j:]]
    return out
