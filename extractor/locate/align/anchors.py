"""Where tables 2–4 and their rows are in the label stream.

Regions come from the header words every printing keeps (``第二十条`` opens table 2; the 勾稽 note,
``申请人情况`` or the first row ``本年新收`` open table 3; ``行政复议`` + ``行政诉讼`` open table 4).
Inside a region each template row is recognised by its label cores (``extractor.template``); all
occurrences are collected and the *anchors* are the longest chain of them in template print order,
so a label repeated by a page break, a group label (``三、本年度办理结果``) or a stray mention does
not open a second row. A row's anchor is the span of its cores in the label stream; the numbers
printed after it (or inside it, when a wrapped label is cut by its own numbers) are its cells.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from extractor.template import T2_ITEMS, T3_ROWS
from extractor.text import fold

T3_PRINT_ORDER: tuple[str, ...] = (
    *(r.key for r in T3_ROWS if r.key not in ("other", "results_total", "carried_forward") and not r.key.startswith("other_")),
    "other",
    "other_no_correction",
    "other_no_fee",
    "other_other",
    "results_total",
    "carried_forward",
)
"""Table-3 rows as printed: （六）其他处理 (a row in 2019, the group label in 2021) before its sub-rows."""
T2_PRINT_ORDER: tuple[str, ...] = tuple(i.key for i in T2_ITEMS)

_T2_START = re.compile(r"第二十条")
_T3_START = re.compile(r"勾稽|钩稽|申请人情况|本年新收政府信息公开申请|本年新收")
_T4_START = re.compile(r"行政复议.{0,8}?行政诉讼|结果维持.{0,4}?结果纠正")
SECTION_5 = re.compile(r"[五六]\.(?:政府信息公开工作)?(?:存在|主要问题|其他需要|其它需要)|[五六]\.[^.]{0,12}(?:问题|改进|事项)")
_OTHER_OTHER = re.compile(r"其[他它](?!处理|法律|情形|对外|结果|组织|需要)")


@dataclass(slots=True)
class Anchor:
    key: str
    start: int
    """Label-stream span of the row's cores (the first core's start to the last core's end)."""
    end: int
    order: int


@dataclass(slots=True)
class Regions:
    t2: tuple[int, int] | None = None
    t3: tuple[int, int] | None = None
    t4: tuple[int, int] | None = None


def find_regions(labels: str) -> Regions:
    """Label-stream spans of tables 2, 3 and 4 (each ends where the next begins)."""
    out = Regions()
    t2 = _T2_START.search(labels)
    t3 = _T3_START.search(labels, t2.start() if t2 else 0)
    t4 = _T4_START.search(labels, t3.end() if t3 else (t2.end() if t2 else 0))
    if t2 is not None:
        out.t2 = (t2.start(), t3.start() if t3 and t3.start() > t2.start() else (t4.start() if t4 else len(labels)))
    if t3 is not None:
        out.t3 = (t3.start(), t4.start() if t4 else len(labels))
    if t4 is not None:
        s5 = SECTION_5.search(labels, t4.end())
        out.t4 = (t4.start(), s5.start() if s5 else len(labels))
    return out


def _occurrences(labels: str, lo: int, hi: int, cores: tuple[str, ...]) -> list[tuple[int, int]]:
    out = []
    for core in cores:
        start = lo
        while True:
            pos = labels.find(core, start, hi)
            if pos < 0:
                break
            out.append((pos, pos + len(core)))
            start = pos + 1
    return out


def _cluster(key: str, order: int, spans: list[tuple[int, int]], gap: int = 24) -> list[Anchor]:
    """Occurrences of one row's cores close together are one printed label."""
    out: list[Anchor] = []
    for s, e in sorted(spans):
        if out and s - out[-1].end <= gap:
            out[-1].end = max(out[-1].end, e)
        else:
            out.append(Anchor(key, s, e, order))
    return out


def chain(anchors: list[Anchor], numbered: Sequence[int] = ()) -> list[Anchor]:
    """The sequence of anchors increasing both in position and in template order that holds the
    most anchors (ties: the earliest printing).

    ``numbered`` (sorted label positions of the region's numbers) makes a label that numbers follow
    count twice. pdftotext's default reading order prints the label cells of rows whose labels
    wrap (``5.要求行政机关确认或重新出具已获取信息``, ``（一）予以公开``) after the whole table body,
    so the same row words occur twice: once in order and bare, once out of order and followed by a
    row's numbers. The chain keeps the labels that head numbers."""
    anchors = sorted(anchors, key=lambda a: (a.start, a.order))
    n = len(anchors)
    starts = [a.start for a in anchors]
    ends = [a.end for a in anchors]
    orders = [a.order for a in anchors]
    weight = [1] * n
    if numbered:
        for i in range(n):
            # the next anchor (in this order, which sorts by start) that starts after this one ends
            j = max(i + 1, bisect_left(starts, ends[i]))
            nxt = starts[j] if j < n else None
            first = bisect_left(numbered, ends[i])
            if first < len(numbered) and (nxt is None or numbered[first] <= nxt):
                weight[i] = 2
    best = list(weight)
    prev = [-1] * n
    for i in range(n):
        order_i, start_i, w = orders[i], starts[i], weight[i]
        for j in range(i):
            if orders[j] < order_i and ends[j] <= start_i and best[j] + w > best[i]:
                best[i] = best[j] + w
                prev[i] = j
    if not n:
        return []
    i = max(range(n), key=lambda x: (best[x], -anchors[x].start))
    out = []
    while i >= 0:
        out.append(anchors[i])
        i = prev[i]
    return out[::-1]


_ENUMERATOR = re.compile(r"\([一二三四五六七八九十]\)|[一二三四五六七八九十]\.|\d[.)]|\(\d\)")
_ENUMERATOR_REACH = 24
"""Label characters an enumerator may stand before its row's core (``1.申请人无正当理由逾期不补正``)."""


def extend_to_enumerators(anchors: list[Anchor], labels: str, lo: int) -> list[Anchor]:
    """Start each row at its enumerator (``3.``, ``（二）``, ``四、``) when one stands shortly before
    its core: numbers printed between the first line of a wrapped label and the line holding the
    core then fall inside the row, where they belong. The enumerator must be the row's own: the
    ``8.`` of the row above, printed after the first line of that row's label (``属于行政查询`` /
    ``8.`` / ``事项 0 0 …``), does not start 1.本机关不掌握相关政府信息 (its zeros would be taken)."""
    prev_end = lo
    for a in anchors:
        own = _OWN_NUMERAL.get(a.key)
        best = None
        for m in _ENUMERATOR.finditer(labels, max(prev_end, a.start - _ENUMERATOR_REACH), a.start):
            if own is None or _numeral(m.group()) == own:
                best = m
        if best is not None:
            a.start = best.start()
        a.start = _head_before(a, labels, prev_end)
        prev_end = a.end
    return anchors


_GROUP_TAIL = re.compile(r"(?:\([一二三四五六七八九十]\)|[一二三四五六七八九十]\.)$")
_MIN_HEAD = 3


def _head_before(a: Anchor, labels: str, prev_end: int) -> int:
    """Where the row begins when the first words of its label stand before its enumerator:
    ``pdftotext -layout`` prints ``要求提供公开 0 0`` / ``（五）3.出版物 0 0 0 0 0`` — the group label
    ``（五）`` and the row's enumerator on the label's second line, with the row's numbers split
    between the two lines. The text just before the anchor (a group label left aside) that ends
    with the part of the template label preceding what the anchor printed (three characters or
    more) is the row's."""
    body = _BODY.get(a.key)
    if not body:
        return a.start
    m = _ENUMERATOR.match(labels, a.start)
    q = m.end() if m else a.start
    i = body.find(labels[q : q + 2]) if q + 2 <= a.end else -1
    if i < _MIN_HEAD:
        return a.start
    before = labels[prev_end : a.start]
    g = _GROUP_TAIL.search(before)
    head = before[: g.start()] if g else before
    for n in range(i, _MIN_HEAD - 1, -1):
        if head.endswith(body[i - n : i]):
            return prev_end + len(head) - n
    return a.start


_BODY: dict[str, str] = {r.key: _ENUMERATOR.sub("", fold(r.label), count=1) for r in T3_ROWS}
"""Each table-3 row's folded template label without its enumerator (``要求提供公开出版物``)."""


def _numeral(enumerator: str) -> str:
    return "".join(ch for ch in enumerator if ch.isdigit() or ch in "一二三四五六七八九十")


_OWN_NUMERAL: dict[str, str] = {r.key: _numeral(m.group()) for r in T3_ROWS if (m := _ENUMERATOR.match(fold(r.label)))}
"""The numeral of each table-3 row's enumerator in the template (``1.本机关不掌握…`` → ``1``)."""


_GAP = 2
"""Label characters of a neighbouring column a core may be interleaved with between two of its own."""


@lru_cache(maxsize=128)
def _gapped(core: str) -> re.Pattern[str]:
    return re.compile(f".{{0,{_GAP}}}?".join(re.escape(ch) for ch in core))


def _interleaved(labels: str, lo: int, hi: int, cores: tuple[str, ...]) -> list[tuple[int, int]]:
    """Printings of a row's cores of three characters or more with up to :data:`_GAP` characters
    between two of theirs: a text read line by line across a table whose label cells sit side by
    side (三、本年度办理结果 / （三）不予公开 / 1.属于国家秘密, each wrapped every two characters) runs
    the columns' pieces together — ``(三1.)不属于予公国家开秘密``, ``(一)予以本年公开``."""
    out: list[tuple[int, int]] = []
    for core in cores:
        if len(core) >= 3:
            out.extend((m.start(), m.end()) for m in _gapped(core).finditer(labels, lo, hi))
    return out


def t3_candidates(labels: str, lo: int, hi: int) -> list[Anchor]:
    """Every printing of every table-3 row's label in the region (anchors or not); a row printed
    nowhere whole is looked for interleaved with its neighbouring column (:func:`_interleaved`)."""
    by_key = {r.key: r for r in T3_ROWS}
    found: list[Anchor] = []
    for order, key in enumerate(T3_PRINT_ORDER):
        if key == "other_other":
            continue
        spans = _occurrences(labels, lo, hi, by_key[key].cores) or _interleaved(labels, lo, hi, by_key[key].cores)
        found.extend(_cluster(key, order, spans))
    fee = [a for a in found if a.key == "other_no_fee"]
    for m in _OTHER_OTHER.finditer(labels, lo, hi):
        enumerated = labels[max(lo, m.start() - 2) : m.start()] in ("3.", "3)")
        after_fee = any(0 <= m.start() - a.end <= 40 for a in fee)
        if enumerated or after_fee:
            found.append(Anchor("other_other", m.start(), m.end(), T3_PRINT_ORDER.index("other_other")))
    return found


def t3_anchors(labels: str, lo: int, hi: int, numbered: Sequence[int] = ()) -> list[Anchor]:
    return extend_to_enumerators(chain(t3_candidates(labels, lo, hi), numbered), labels, lo)


def t2_anchors(labels: str, lo: int, hi: int, numbered: Sequence[int] = ()) -> list[Anchor]:
    found: list[Anchor] = []
    for order, item in enumerate(T2_ITEMS):
        found.extend(_cluster(item.key, order, _occurrences(labels, lo, hi, item.cores), gap=4))
    return chain(found, numbered)
