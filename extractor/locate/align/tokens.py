"""Running text → a stream of tokens: numbers (with how they are separated) and label characters.

Text dumps of the same table differ only in where they put whitespace: one cell per line, a row per
line with spaces or tabs, everything on one line with the digits run together, pdftotext's
wrapped labels with the numbers above, below or between their lines. The tokenizer therefore
keeps whitespace as *evidence* (how two numbers were separated) rather than as structure:

- a :class:`NumToken` is a maximal printed number (``337``, ``-3``, ``增3``, ``851.776247``,
  ``142512元``, or a run of glued digits ``14710000148`` that may hold several cells) or a lone
  placeholder (``/``, ``—``, ``-``, ``无``) standing between whitespace; ``sep`` says what stood
  between it and the previous number (``space``, ``line`` or ``label`` text);
- every other non-whitespace character goes to the *label stream*: the folded label text with
  numbers and whitespace removed, in which row labels are matched even when a line break, a page
  header or the numbers of a wrapped cell cut through them (``逾期不补`` / ``67 3 0 0 1 0 71`` /
  ``正、行政机关…``).

What a printed table guarantees and the tokenizer relies on: an enumerator (``1.``, ``1、``,
``(1)``) belongs to the label that follows it; digits followed by 年/月/日/号/页 are a date or a
reference, not a cell; a lone ``.`` line between two digit lines is a decimal point that the dump
put on its own line (``851`` / ``.`` / ``776247``); a unit or a 增/减 sign on its own line belongs to
the number beside it (``142512`` / ``元``, ``增`` / ``3``). Page numbers (``— 4 —``, ``第4页``) and
running page headers (a line repeated across pages) are dropped before anything is read.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from extractor.text import MAX_DIGITS, fold_text, has_cjk
from extractor.text.normalize import ONE_TO_ONE as _ONE_TO_ONE

Sep = Literal["start", "space", "line", "label"]


def _lazy(pattern: str, flags: int = 0) -> Callable[[], re.Pattern[str]]:
    """A pattern compiled on first use: the tokenizer's patterns (CJK classes compile slowly) are
    not needed by a document whose tables are all grids, nor by ``ogi extract`` of one."""
    return cache(lambda: re.compile(pattern, flags))


_ONE_TO_ONE_PAIRS = tuple((chr(k), str(v)) for k, v in _ONE_TO_ONE.items())

_ENUMERATOR = r"(?:[ ]*[.、]\s*(?=[\u4e00-\u9fff\"“'(])|[ ]*[.、](?=[ \t])|[ ]*\n\s*[.、]\s*(?=(?![无空])[\u4e00-\u9fff]|无[法正]))"
"""After a number: ``1.``/``1、`` followed by a label character, or ``7、``/``6．`` followed by a space
(pdftotext prints ``7、 0 3 2 5`` and the wrapped label below), or the label on the next line opening
with the enumerator's point (``1`` / ``．属于国家秘密``: ``get_text("\n")`` of a label whose digit sat
in a ``<span>`` of its own), or the point alone on its line before the label (``1`` / ``、`` / ``信访``,
digit, point and label each in a ``<span>``; not before a 无 or 空 cell): the digits enumerate a row, they are not a cell (no number ends with a
bare decimal point, and no label begins with one)."""
_REFERENCE = r"[ ]*[年月日号页期]"
"""After a number: a date or a reference (``2022年``, ``第3号``), not a cell."""
_NUMBER = _lazy(
    r"""
    (?=[+\-增减\d])  # a cheap first-character test before the alternatives (3x faster scan)
    (?P<bracket>(?<=[(\[])|(?<=[(\[]\s)|(?<=[(\[]\s\s))?  # an opening bracket just before: "(1)"
    (?P<sign>[+-](?=\d)|(?<![/增])[增减]\s*(?=\d))?
    (?P<num>\d++(?:,\d{3}(?!\d))*+(?:\.\d++|\s*\n\s*\.\s*\n\s*\d++|(?<=(?<!\d)0)\.[ ]++\d++)?)  # also "0. 35"
    (?P<unit>\s*(?:万元|亿元|元))?
    """ + rf"""
    (?P<reference>(?={_REFERENCE}))?
    (?P<enumerator>(?={_ENUMERATOR}))?
    """,
    re.VERBOSE,
)
"""A printed number. Possessive quantifiers keep the engine stateless over long digit runs. The
``reference`` and ``enumerator`` groups (empty, or ``None``) say whether :data:`_REFERENCE` and
:data:`_ENUMERATOR` follow the number: tested by the scan, not by another match per number."""
_ONE_DIGIT_ENUMERATOR = _lazy(r"[ ]*[.、]\s*[^\d\s.,+\-—–/|]")
"""A single digit with ``.``/``、`` and then anything but a number or a cell separator, even across a
line break: ``（三 1．`` / ``）不`` (pdftotext's plain order puts a narrow cell's wrapped label
``（三）不予公开`` beside the next column's ``1．属于国家秘密``) enumerates a row; a cell never ends
with a bare decimal point."""
_YEAR_ACROSS_LINES = _lazy(r"\s*年")
_CLOSING = _lazy(r"\s*[)\]]")
_PLACEHOLDER = _lazy(
    r"(?=[/\\—–\-无空])(?:(?<![^\s|])(?:/|\\|—{1,2}|–|-{1,2}|无|空)(?![^\s|])|(?<=\d)(?:/|—{1,2}|–)(?=\d)"
    r"|(?<=[\d/无空])[/无空](?=[\d/无空]))"
)
"""A placeholder cell: a lone ``/``, ``—``, ``-``, ``无``, ``空`` between whitespace (or pipes), or a
``/`` or ``—`` glued between two digit runs (``570/0057``: a glued dump keeps placeholder cells),
or a ``/``, ``无``, ``空`` in a chain of them glued between digits (``34/3无无10``: each is one cell;
a chain that runs into label text, ``0无无（六）``, is left to the row's check for glued cells)."""
_LABEL_FOLLOWS = _lazy(r"[ ]*(?![增减]\s*\d)[\u4e00-\u9fff](?<![无空])")
"""A 空 followed on its line by label text is a word of it, and so is a 无 that begins one of the
template's 无 words, even across a line break (``无 正当理由``, ``无`` / ``法提供``: each character in a
``<span>`` of its own; not ``无 正、行政机关``: a cell before a wrapped label). A dash, a slash or any other 无 is a cell even then: a dump that puts the whole page on one
line prints the next row's label after a row's last cell (``规章 — — — 行政规范性文件``,
``行政许可 0 无 第二十条``)."""
_BLANK_CELL_LINE = _lazy(r"(?m)^[ \t]*(\xa0+)[ \t\r]*$")
BLANK_CELL = "\xa0"
"""A line holding nothing but no-break spaces is a blank cell printed: what ``get_text("\\n")`` or a
regular expression makes of a Word-exported ``<td><p>&nbsp;</p></td>``. (Plain empty lines are
layout, not cells.)"""
_NO_WORD = _lazy(r"法\s*提|正(?![、,，])")
"""After a 无: the rest of 无法提供 / 无正当理由 (a label; 正 may be followed by the row's numbers,
printed inside the wrapped label), not a 无 cell before a wrapped label's next line (``… 1 无`` /
``法 案 卷``: 7.属于行政执法案卷)."""
GROUP_BEFORE = _lazy(r"[(（]\s*[一二三四五六七八九十]{1,2}\s*[)）][ \t]*$")
"""A group enumerator just before: a 无 after one opens the group's label, even when the rest of it
was printed elsewhere (``（四）无`` … ``法提供``: pdfminer splits a label cell a page break cuts)."""
_SPACED_BEFORE = _lazy(r"(?:^|[ \n])[\u4e00-\u9fff](?<![无空])[ ]+$")
"""A single CJK character between spaces just before: the placeholder word may be part of a spaced-out
label — it is when label text (not a number) comes next, even on the next line (``申 请 人 无`` / ``正当``)."""
_LABEL_NEXT = _lazy(r"\s*(?![增减]\s*\d)[\u4e00-\u9fff](?<![无空])")
_PAGE_LEAD = _lazy(
    r"[ \t]*[-—–][ \t]*(\d{1,3})[ \t]*[-—–](?=(?:[ \t]{2,})?(?:(?![无空增减])[\u4e00-\u9fff(（]|\d{1,2}[.、．][ \t]*[\u4e00-\u9fff]))"
)
"""A page number glued before the next page's first words (``- 3 -信息内容``, ``- 4 -   法提供``:
pages joined without a line break, as PyMuPDF's sorted text of each page is) — right before them or
apart by a layout's run of spaces, never before a 无 or 空 cell (``— 1 — 无 / 2 3`` is a row's
cells)."""
_DASHES = frozenset("-—–")
_PAGE_LINE = _lazy(
    r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*[,，]?\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3}|共\s*\d{1,3}\s*页\s*第\s*\d{1,3}\s*页)\s*$"
)


@dataclass(slots=True)
class NumToken:
    """One printed number (or placeholder) in running text."""

    text: str
    """As printed, whitespace inside removed (``851.776247``, ``增3``, ``142512元``, ``/``)."""
    digits: str
    """The digits (with a decimal point); empty for a placeholder."""
    sign: str
    """``-`` or ``+`` (增/减 and +/- written before the digits), else empty."""
    unit: str | None
    start: int
    """Offset of the first character in the document text."""
    end: int
    sep: Sep
    """What separated it from the previous token: nothing yet, spaces, a line break, label text."""
    label_pos: int
    """Position in the label stream where the number was printed (label characters before it)."""
    digits_at: int = 0
    """Offset of the first digit (after a sign such as 增)."""
    line: int | None = None
    blanks_before: int = 0
    """Whitespace characters right before it with printed text before them on the same line: in a
    glued dump (tags stripped, ``&nbsp;`` kept as a space) each may be a blank cell."""
    blanks_after: int = 0
    """Likewise after it, up to printed text on the same line."""
    gap_lines: int = 0
    """Empty source lines right before it, when it opens its line: in a dump that prints one cell per
    line (LibreOffice's or Word's text export of a table) each may be a blank cell."""
    x: int | None = None
    """Character column of its first character in its source line, where the reader knows the
    line's indentation (:attr:`~extractor.document.Provenance.column`): in a text laid out by
    position (``pdftotext -layout``) it says which table column the number sits in."""
    page: int | None = None
    """Its page, where the text marks page breaks (form feeds) and ``x`` is known: each page of a
    table laid out by position has columns of its own."""

    @property
    def placeholder(self) -> bool:
        return not self.digits


_BLANK_CHARS = " \t\u3000\xa0"
_BLANKS = frozenset(_BLANK_CHARS)


def _blank_run(t: str, at: int, step: int) -> int:
    """Spaces and tabs from ``at`` going ``step`` (-1: the characters before ``at``), counted only
    when printed text follows them on the same line (never a line's leading or trailing space)."""
    if step < 0:
        seg = t[max(0, at - 64) : at]
        n = len(seg) - len(seg.rstrip(_BLANK_CHARS))  # (a C scan, not a loop per character)
        i = at - 1 - n
    else:
        seg = t[at : at + 64]
        n = len(seg) - len(seg.lstrip(_BLANK_CHARS))
        i = at + n
    return n if n and 0 <= i < len(t) and t[i] not in "\r\n" else 0


@dataclass(slots=True)
class TokenStream:
    """The document text as numbers plus a label stream (whitespace and numbers removed, folded)."""

    text: str
    numbers: list[NumToken]
    labels: str
    segment_labels: list[int] = field(default_factory=list)
    """Label-stream position where each text segment between two numbers begins …"""
    segment_offsets: list[int] = field(default_factory=list)
    """… and that segment's document offset."""
    truncated: bool = False
    """More than :data:`MAX_NUMBERS` numbers: the rest were not read."""

    def offset_of(self, label_pos: int) -> int:
        """Document offset of a label-stream position (to the segment; whitespace is not counted)."""
        idx = bisect_right(self.segment_labels, label_pos) - 1
        if idx < 0:
            return 0
        return self.segment_offsets[idx] + (label_pos - self.segment_labels[idx])

    def numbers_between(self, lo: int, hi: int) -> list[NumToken]:
        """Numbers printed at label positions ``lo <= pos < hi``."""
        return [n for n in self.numbers if lo <= n.label_pos < hi]


MAX_NUMBERS = 100_000
"""Numbers read from one document; a report prints a few thousand at most (hostile input more)."""


_PAGE_GAP = 8


def _comma_rows_apart(text: str) -> str:
    """Commas that separate a row's cells, blanked (same length: offsets survive). A line of a label
    and then two or more comma-separated numbers (``行政处罚,2648,-18,538``: a CSV table the text
    reader could not take for one, its quoted headings running over lines) separates cells with
    its commas; read as a thousands separator, ``-18,538`` was one number. Other commas are left:
    ``16,414`` alone, ``共1,234件`` in prose."""
    lines = text.split("\n")
    changed = False
    for i, line in enumerate(lines):
        if "," in line:
            label, *fields = line.split(",")
            if (len(fields) >= 2 and has_cjk(label) and not any(ch.isdigit() for ch in label)
                    and all(not f.strip() or _CSV_NUMBER.fullmatch(f.strip()) for f in fields)):
                lines[i] = line.replace(",", " ")
                changed = True
    return "\n".join(lines) if changed else text


_CSV_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?")


def _drop_page_furniture(text: str) -> str:
    """Blank out page numbers and running page headers (same length, offsets survive).

    A page number counts only in sequence (the first at most 5, each next one at most
    :data:`_PAGE_GAP` higher: a crawler may keep only some pages' footers): ``— 58 —`` alone in a
    short report is a table row of a dash, 58 and a dash, not a footer."""
    page_line, page_lead = _PAGE_LINE(), _PAGE_LEAD()
    lines = text.split("\n")
    stripped = [s.strip() for s in lines]
    counts = Counter(s for s in stripped if len(s) >= 8)
    page_lines: set[int] = set()
    leads: dict[int, int] = {}
    last: int | None = None
    for i, line in enumerate(lines):
        whole = page_line.match(line) if len(line) <= 24 or len(line.strip()) <= 24 else None
        hit = whole or (page_lead.match(line) if line.lstrip(" \t")[:1] in _DASHES else None)
        if hit is None:
            continue
        numbers = [int(x) for x in re.findall(r"\d+", line if whole else hit.group(0))]
        n = numbers[0] if numbers else 0
        if len(numbers) == 2 and "/" in line and not 1 <= numbers[0] <= numbers[1]:
            continue  # "0 / 299": a row's cells (0, a slash, 299), not page 0 of 299
        if (last is None and 1 <= n <= 5) or (last is not None and 0 < n - last <= _PAGE_GAP):
            if whole:
                page_lines.add(i)
            else:
                leads[i] = hit.end()
            last = n
    headers = {s for s, c in counts.items() if c >= 2 and ("报告" in s or "年度" in s)
               and not re.search(r"本年新收|上年结转|结转下年|总计|予以公开|办理结果", s)}
    if not page_lines and not headers and not leads:
        return text  # nothing to blank out
    out = []
    for i, line in enumerate(lines):
        furniture = i in page_lines or stripped[i] in headers
        if i in leads and not furniture:
            line = " " * leads[i] + line[leads[i] :]
        out.append(" " * len(line) if furniture else line)
    return "\n".join(out)


def opens_line(t: str, start: int) -> bool:
    """Nothing but spaces before ``start`` on its line."""
    i = t.rfind("\n", 0, start) + 1
    return not t[i:start].strip()


def _alone_on_line(t: str, start: int) -> bool:
    """No digit before ``start`` on its line."""
    line_start = t.rfind("\n", 0, start) + 1
    return not any(ch.isdigit() for ch in t[line_start:start])


_NON_SPACE = re.compile(r"\S")


def tokenize(
    text: str, *, line_starts: list[int] | None = None, line_numbers: list[int | None] | None = None,
    line_columns: list[int | None] | None = None, line_pages: list[int | None] | None = None,
) -> TokenStream:
    """Tokenize document text. ``line_starts``/``line_numbers`` map offsets to source lines,
    ``line_columns`` to the character column where each text line began in its source line and
    ``line_pages`` to its page."""
    blank_cells = [m.span(1) for m in _BLANK_CELL_LINE().finditer(text)] if "\xa0" in text else []
    for a, b in _ONE_TO_ONE_PAIRS:  # a C scan per character that occurs: far faster than translate
        if a in text:
            text = text.replace(a, b)
    t = _drop_page_furniture(text)
    if "," in t:
        t = _comma_rows_apart(t)
    year_across_lines = _YEAR_ACROSS_LINES()
    label_follows, spaced_before, label_next = _LABEL_FOLLOWS(), _SPACED_BEFORE(), _LABEL_NEXT()
    group_before = GROUP_BEFORE()
    one_digit_enumerator = _ONE_DIGIT_ENUMERATOR()
    numbers: list[NumToken] = []
    spans: list[tuple[int, int, str, str, str | None, str, int]] = []  # start, end, text, digits, unit, sign, digits_at
    pos = 0
    for m in _NUMBER().finditer(t):
        if len(spans) >= MAX_NUMBERS:
            break
        s, e = m.span()
        if s < pos:
            continue
        sign_g, num, unit_g, reference_g, enumerator_g, bracket_g = m.group("sign", "num", "unit", "reference", "enumerator", "bracket")
        if unit_g is None:
            if sign_g is None and (
                reference_g is not None or (len(num) == 4 and num[:2] in ("19", "20") and year_across_lines.match(t, e)
                                            and _alone_on_line(t, s))
            ):
                continue  # "2022年", "2022" / "年"; not "1" / "年" (a vertical 本年度 beside a row), nor a row's
                # last cell "… 4  1909" / "年度办" (pdftotext -layout prints the vertical label's next line after it)
            if len(num) == 1 and t[e : e + 1] in ".、 " and one_digit_enumerator.match(t, e):
                continue  # "（三 1．" / "）不": across a line break
            across = enumerator_g is not None and t[e : e + 8].lstrip(" ")[:1] == "\n"
            if enumerator_g is not None and num.isdigit() and num != "0" and (
                    not across or (len(num) == 1 and opens_line(t, s))):  # also after a sign: "5-0052、没有…"
                if len(num) == 1:
                    continue  # "1.属于…": the digit enumerates the next row's label
                # "00000002.其他法律…": a glued run ends with the next label's enumerator (on its line;
                # "0 767" / "、行政机关…" is a cell and a label wrapped at its 顿号: 补正、行政机关 — a
                # digit enumerates across a line break only when it opens its line: "1" / "、" / "信访").
                e -= 1
                num = num[:-1]
        if sign_g is None and bracket_g is not None and _CLOSING().match(t, e):
            continue  # "(1)" enumerates
        if s > 0 and (t[s - 1].isalpha() and t[s - 1].isascii()):
            continue  # "ptsl2008@163.com", "T3-1": digits inside a word
        digits = num if num.isdigit() else re.sub(r"\s+", "", num).replace(",", "")
        if len(digits) > MAX_DIGITS:
            continue  # a run of a million digits is not a number (int() refuses past 4,300 digits)
        if sign_g is None:
            sign_raw = sign = ""
        else:
            sign_raw = sign_g.strip()
            sign = "-" if sign_raw in ("-", "减") else "+" if sign_raw in ("+", "增") else ""
        unit_raw = (unit_g.strip() or None) if unit_g is not None else None
        spans.append((s, e, sign_raw + digits + (unit_raw or ""), digits, unit_raw, sign, m.start("num")))
        pos = e
    starts = [sp[0] for sp in spans]
    ends = [sp[1] for sp in spans]
    for m in _PLACEHOLDER().finditer(t):
        if len(spans) >= MAX_NUMBERS:
            break
        if m.group(0) in "无空" and (
            (m.group(0) == "空" and label_follows.match(t, m.end()))
            or (m.group(0) == "无" and (word := label_next.match(t, m.end())) and _NO_WORD().match(t, word.end() - 1))
            or (spaced_before.search(t, max(0, m.start() - 4), m.start()) and label_next.match(t, m.end()))
            or (m.group(0) == "无" and group_before.search(t, max(0, m.start() - 8), m.start()))
        ):
            continue  # "无 正 当 理由", "申 请 人 无": a spaced-out label, not a cell
        idx = bisect_right(starts, m.start()) - 1
        if idx < 0 or not (starts[idx] <= m.start() < ends[idx]):
            spans.append((m.start(), m.end(), m.group(0), "", None, "", m.start()))
    for s0, e0 in blank_cells[: max(0, MAX_NUMBERS - len(spans))]:
        spans.append((s0, e0, BLANK_CELL, "", None, "", s0))
    spans.sort()
    labels: list[str] = []
    seg_labels: list[int] = []
    seg_offsets: list[int] = []
    n_label = 0
    prev_end: int | None = None
    i = 0
    # Fold every segment between two tokens in one call (folding maps character by character, and
    # NUL, which no text segment holds after decoding, stays a separator).
    betweens = []  # the text before each token, and after the last
    cut = 0
    for sp in spans:
        betweens.append(t[cut : sp[0]])
        cut = sp[1]
    betweens.append(t[cut:])
    folds = fold_text("\0".join(b.replace("\0", " ") for b in betweens)).split("\0")
    size = len(t)
    # each token built whole: its source line and the blank runs beside it (most numbers touch
    # printed text or a line end: no run to count)
    with_lines = bool(line_starts and line_numbers)
    starts_of, lines_of, columns_of, pages_of = line_starts or [], line_numbers or [], line_columns or [], line_pages or []
    printed_at: dict[int, int] = {}

    def first_printed(idx: int) -> int:
        """Where text line ``idx``'s first non-space character is (once per line: slicing from the
        line's start to each token was quadratic on a line of 100,000 numbers)."""
        got = printed_at.get(idx)
        if got is None:
            m = _NON_SPACE.search(t, starts_of[idx])
            got = printed_at[idx] = m.start() if m else size
        return got
    for n_span, (s, e, txt, digits, unit, sign, digits_at) in enumerate(spans):
        between = betweens[n_span]
        folded = folds[n_span]
        if folded:
            seg_labels.append(n_label)
            seg_offsets.append(i + len(between) - len(between.lstrip()))
            labels.append(folded)
            n_label += len(folded)
        sep: Sep
        if prev_end is None:
            sep = "start"
        elif folded:
            sep = "label"
        else:
            sep = "line" if "\n" in between else "space"
        line = x = page = None
        gap = 0
        if with_lines:
            idx = bisect_right(starts_of, s) - 1
            line = lines_of[idx] if 0 <= idx < len(lines_of) else None
            column = columns_of[idx] if 0 <= idx < len(columns_of) else None
            if column is not None:
                x = column + s - starts_of[idx]
                page = pages_of[idx] if idx < len(pages_of) else None
            if line is not None and idx > 0 and first_printed(idx) >= s:
                before = lines_of[idx - 1]  # the source line of the text line before (empty lines are not in the text)
                gap = max(0, line - before - 1) if before is not None else 0
        numbers.append(NumToken(
            txt, digits, sign, unit, s, e, sep, n_label, digits_at, line,
            _blank_run(t, s, -1) if s and t[s - 1] in _BLANKS else 0,
            _blank_run(t, e, 1) if e < size and t[e] in _BLANKS else 0,
            gap, x, page,
        ))
        i = e
        prev_end = e
    tail = folds[-1]
    if tail:
        seg_labels.append(n_label)
        seg_offsets.append(i)
        labels.append(tail)
    stream = TokenStream(t, numbers, "".join(labels), seg_labels, seg_offsets, truncated=len(spans) >= MAX_NUMBERS)
    return stream
