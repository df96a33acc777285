"""Label folding and cell-value parsing.

Labels arrive in many spellings of the same template text: full- or half-width brackets
(`（一）` / `(一)`), curly or straight quotes around 三安全一稳定, `1.` / `1、` / `1．` enumerators,
spaces and line breaks inside words (`总 计`, `商业企\\n业`), stray characters. :func:`fold` maps
all of them onto one comparable key; matching then works on short stable *cores* (see
:mod:`extractor.template`), which also tolerates deletions such as `其他法律行政止公开`.

Cell values keep their printed state. A blank, ``/``, ``—``, ``-`` and ``无`` all *read* as 0 in
flat output (that is the truth-file convention) but are different facts, so the state is kept.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import lru_cache

_FOLD_TABLE = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "〔": "[",
        "〕": "]",
        "【": "[",
        "】": "]",
        "“": '"',
        "”": '"',
        "‘": "'",
        "’": "'",
        "＂": '"',
        "，": ",",
        "：": ":",
        "；": ";",
        "、": ".",
        "．": ".",
        "。": ".",
        "／": "/",
        "－": "-",
        "—": "-",
        "–": "-",
        "﹣": "-",
        "\u3000": "",
        "\xa0": "",
        " ": "",
        "\t": "",
        "\n": "",
        "\r": "",
        "\u200b": "",
        "\ufeff": "",
        # glyphs text recognition confuses in the template's labels (no template label holds the first)
        "子": "予",  # （一）予以公开 read as 子以公开
        "己": "已",  # 已获取信息
        "末": "未",  # 尚未审结
    }
)
ONE_TO_ONE = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "．": ".",
        "－": "-",
        "−": "-",
        "＋": "+",
        "，": ",",
        "\u3000": " ",
        "\xa0": " ",
        "\t": " ",
        "\r": " ",
        "\u200b": " ",
        "\ufeff": " ",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)
"""The tokenizer's 1:1 character folding (offsets survive): full-width digits, signs and brackets to
ASCII, odd spaces to a space (:mod:`extractor.locate.align.tokens`)."""

_FULLWIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789", "\u200b\u200c\u200d\u2060\ufeff")
"""Full-width digits to ASCII; zero-width characters (a web editor's filler after a re-typed value,
``918.1068388\u200b``) dropped."""
_REPLACEMENTS: tuple[tuple[str, str], ...] = tuple(
    (chr(k), v if isinstance(v, str) else "" if v is None else chr(v))
    for table in (_FOLD_TABLE, _FULLWIDTH_DIGITS)
    for k, v in table.items()
)
"""The two tables as (character, replacement) pairs. No replacement holds a character that is
replaced, so replacing one character after another is the same as translating at once."""


def fold_text(text: str) -> str:
    """:func:`fold` without the cache, for long one-off texts (a document's label stream).

    One ``str.replace`` per character that occurs: a C scan each, about 20x faster than
    ``str.translate`` with a table of strings, which looks every character up in a dict."""
    for a, b in _REPLACEMENTS:
        if a in text:
            text = text.replace(a, b)
    return text


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Comparable form of a label: half-width punctuation, no whitespace, ASCII digits."""
    return fold_text(text)


def squash(text: str) -> str:
    """Collapse whitespace runs to one space (keeps words apart; for display and regexes)."""
    return " ".join(text.split())  # NBSP and U+3000 included: str.split and the regex \s agree


class CellState(StrEnum):
    """What a numeric cell printed."""

    NUMBER = "number"
    """A non-zero number."""
    ZERO = "zero"
    """A printed 0."""
    BLANK = "blank"
    """Nothing printed (empty cell, ``&nbsp;``, or a row that prints fewer cells)."""
    SLASH = "slash"
    """``/`` — not applicable."""
    DASH = "dash"
    """``—`` / ``–`` (a long dash)."""
    HYPHEN = "hyphen"
    """``-`` — a short placeholder dash."""
    NONE_WORD = "none_word"
    """``无`` / ``空`` written in the cell."""
    TEXT = "text"
    """Something that is not a number (value ``None``)."""
    AMBIGUOUS = "ambiguous"
    """Digits that ran together in a text dump and cannot be split with certainty (value ``None``)."""

    @property
    def reads_as_zero(self) -> bool:
        return self in _ZERO_STATES


_ZERO_STATES = {CellState.BLANK, CellState.SLASH, CellState.DASH, CellState.HYPHEN, CellState.NONE_WORD}

_PLACEHOLDERS: dict[str, CellState] = {
    "": CellState.BLANK,
    "/": CellState.SLASH,
    "／": CellState.SLASH,
    "\\": CellState.SLASH,
    "—": CellState.DASH,
    "——": CellState.DASH,
    "–": CellState.DASH,
    "一": CellState.DASH,  # a 一 (yi) typed as a dash in Word tables
    "－": CellState.HYPHEN,
    "-": CellState.HYPHEN,
    "--": CellState.HYPHEN,
    "无": CellState.NONE_WORD,
    "空": CellState.NONE_WORD,
    "〇": CellState.ZERO,
}

MAX_DIGITS = 300
"""Longest digit string read as a number. Glued cells of a flattened row reach ~180 digits
(15 cells of up to 12); anything longer is text. Python refuses ``int()`` of over 4,300 digits."""

_NUMBER = re.compile(
    r"""^(?P<sign>[-+−＋－]|增|减)?\s*(?P<num>\d{1,3}(?:,\d{3}){1,99}(?:\.\d{1,300})?|\d{1,300}(?:\.\d{1,300})?|\.\d{1,300})\s*
        (?P<unit>万元|亿元|元|件|条|个|笔|项|次|人次|%|％)?$""",
    re.VERBOSE,
)


class ParsedValue:
    """Result of :func:`parse_cell`: state, numeric value (int or float) and unit. Treated as
    immutable: :func:`parse_cell` caches and shares instances."""

    __slots__ = ("state", "unit", "value")

    def __init__(self, state: CellState, value: int | float | None, unit: str | None = None) -> None:
        self.state = state
        self.value = value
        self.unit = unit

    def __repr__(self) -> str:
        return f"ParsedValue({self.state.value}, {self.value!r}, {self.unit!r})"


def to_number(num: str, sign: str = "") -> int | float:
    """Parse a digit string (commas allowed) to int, or to float when it has decimals."""
    num = num.replace(",", "")
    neg = sign in ("-", "−")
    if "." in num:
        try:
            d = Decimal(num)
        except InvalidOperation:  # pragma: no cover - the regexes only pass digits
            return 0
        f = float(d)
        return -f if neg else f
    n = int(num)
    return -n if neg else n


@lru_cache(maxsize=16384)
def parse_cell(text: str) -> ParsedValue:
    """Parse a printed cell: ``'0'``, ``' 12 '``, ``'１２'``, ``'251000元'``, ``'-8'``, ``'/'``, ``''``,
    ``'9116．36'``."""
    t = text.translate(_FULLWIDTH_DIGITS).replace("\xa0", " ").replace("\u3000", " ").strip()
    state = _PLACEHOLDERS.get(t.replace(" ", ""))
    if state is not None:
        return ParsedValue(state, 0 if state is CellState.ZERO else None)
    m = _NUMBER.match(t.replace(" ", "") if len(t) < 40 else t)
    if not m and ("．" in t or "，" in t) and len(t) < 40:
        # full-width punctuation typed inside a number: ``9116．36``, ``10，690`` (a comma only
        # where it groups thousands, as the pattern requires; ``1，2`` stays text)
        m = _NUMBER.match(t.replace(" ", "").replace("．", ".").replace("，", ","))
    if not m:
        return ParsedValue(CellState.TEXT, None)
    sign = m.group("sign") or ""
    value = to_number(m.group("num"), "-" if sign in ("-", "−", "－", "减") else "")
    unit = m.group("unit")
    if unit == "％":
        unit = "%"
    return ParsedValue(CellState.ZERO if value == 0 else CellState.NUMBER, value, unit)


CONFUSABLE = str.maketrans({
    "o": "0", "O": "0", "〇": "0", "○": "0", "D": "0", "Q": "0", "Ｏ": "0", "ｏ": "0", "。": "0",
    "l": "1", "I": "1", "|": "1", "i": "1", "!": "1", "丨": "1", "Ｉ": "1", "ｌ": "1",
    "Z": "2", "z": "2", "S": "5", "s": "5", "B": "8", "b": "6", "G": "6", "g": "9", "q": "9",
})
"""Glyphs that text recognition confuses with digits (``lO`` for ``10``)."""


def misread_number(text: str) -> int | None:
    """The number a short cell would be with its confusable glyphs read as digits (``'l2'`` -> 12);
    None when it is already a number, has other characters, or would start with a 0."""
    raw = text.replace(" ", "").replace(",", "")
    t = raw.translate(CONFUSABLE)
    if not t or len(t) > 9 or not t.isdigit() or t == raw or (len(t) > 1 and t[0] == "0"):
        return None
    return int(t)


ZERO_SHAPES = frozenset("0。oO○〇Ｏｏ°")
"""What text recognition reads for a lone small 0 (the OCR reader keeps them even when unsure; a
recognised cell holding one alone is a 0)."""
UNREAD = "\ufffd"
"""The character for ink in a recognised table cell that could not be read (the OCR reader writes
it): the cell is not blank, and reads as text unless the identities give its value."""


def is_value_text(text: str) -> bool:
    """True for text that belongs in a value cell (a number, a placeholder or nothing, a number
    with a glyph misread for a digit, which the mapping may correct, or a glyph nobody could read:
    U+FFFD from the OCR reader)."""
    return (parse_cell(text).state is not CellState.TEXT or misread_number(text) is not None
            or (0 < len(text) <= 12 and UNREAD in text and not has_cjk(text)))


_CJK = re.compile(r"[\u4e00-\u9fff]")


def has_cjk(text: str) -> bool:
    return _CJK.search(text) is not None
