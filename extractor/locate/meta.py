"""Title, organ, report year, publication date and the six numbered sections.

The report year is the year in the title (never the publication year), confirmed by the
statistical-period sentence (format.md §11.6). The organ is the title's prefix before the year (or
what follows a leading year). Titles often truncate it (``衡山县贯塘2024年…`` for
衡山县贯塘乡人民政府); when the body names an organ that extends the title's wording to a proper
organ suffix, that full name is used and the title's wording is kept beside it.

Section headings are found in the running text, not only at line starts, because crawler dumps
put the whole report on one line. ``四、`` also numbers the row ``四、结转下年度继续办理`` inside
table 3, so each heading must carry its section's own keywords.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import regex

from extractor.budget import Budget
from extractor.template import SECTION_CORES

# Patterns that run over a whole document use the ``regex`` package, whose per-call ``timeout=``
# (the document's remaining time, see :meth:`Budget.finditer`) is a second line of defence behind
# patterns that are linear by construction: no ``\s*`` that a long run of whitespace makes every
# start position rescan (the title search took ~60 s on 100,000 spaces), bounded repeats only.
_TITLE = regex.compile(
    r"(?P<pre>[^\s，。；:：、《》“”\"（）()]{0,40}?) ?(?P<year>(?:19|20)\d{2}) ?年 ?度? ?(?P<post>[^\s，。；、《》]{0,40}?)"
    r"(?:政府)?(?:信息公开|政务公开|政务信息公开) ?(?:工作)? ?(?:年 ?度 ?)?(?:报 ?告|年 ?报)"
)
"""Matched on text whose whitespace runs are collapsed to one space (:func:`_one_space`)."""
_WS_RUN = re.compile(r"\s+")
_TITLE_WINDOW = 20_000
"""Characters of the head searched for the title (after collapsing whitespace)."""
_NOT_A_TITLE = re.compile(r"关于|印发|通知|有关事项|编制|要点|落实")
_CITED = re.compile(r"有关事项|编制|要点|落实")
_COVER = re.compile(r"^(?P<organ>[^关]{2,30}?)关于(?:报送|上报|公布|发布|印发)")
"""The organ before a cover letter's 关于 that sends or publishes its own report (``…管理局关于报送2020年度
政府信息公开工作年度报告的函``), not a notice about compiling reports (``关于编制公布…有关事项的通知``)."""
_PERIOD = re.compile(r"统计(?:期限|时限|周期|区间|时间)[^。]{0,16}?((?:19|20)\d{2})\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日")
"""The statistical period's start; usually 1月1日, later for an organ set up during the year
(``统计期限为2019年9月1日至2019年12月31日``)."""
_ORGAN_SUFFIX = re.compile(
    r"(人民政府|政府办公室|政府办公厅|办公室|办公厅|委员会|管理委员会|管委会|[局厅委办院会署所处站队]|中心|街道办事处|街道|乡|镇|区|县|市|集团)$"
)
_PLACE = re.compile(r"(?:省|自治区|市|县|区|旗|乡|镇)$")
"""A title organ that is a place's name only (a city's, a county's, a township's)."""
_ISO_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_CN_DIGITS = {"〇": 0, "○": 0, "零": 0, "O": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CN_DATE = re.compile(r"([二〇○零一二三四五六七八九O]{4})年([一二三四五六七八九十]{1,3})月([一二三四五六七八九十]{1,3})日")


@dataclass(slots=True)
class TitleInfo:
    title: str | None = None
    organ_in_title: str | None = None
    organ: str | None = None
    year: int | None = None


def find_title(text_head: str, page_title: str | None, budget: Budget | None = None) -> TitleInfo:
    """Look for the title in the page title, then in the first lines of the text (joined, since
    PDF titles put organ and year on two lines)."""
    for raw in (page_title or "", text_head):
        candidate = _one_space(raw)[:_TITLE_WINDOW]
        for m in _finditer(_TITLE, candidate, budget, "title search"):
            # "关于编制公布2021年政府信息公开工作年度报告有关事项的通知" cites a report; it is not a title.
            context = m.group("pre") + candidate[m.end() : m.end() + 6]
            cover = _COVER.match(_squash(m.group("pre")))
            if cover is not None and not _CITED.search(_COVER.sub("", context)):
                # "X关于报送2020年度政府信息公开工作年度报告的函": X's own report, sent under a cover letter
                sender = _clean_organ(cover.group("organ"))
                return TitleInfo(title=_squash(m.group(0)), organ_in_title=sender, organ=sender, year=int(m.group("year")))
            if _NOT_A_TITLE.search(context):
                continue
            pre = _clean_organ(m.group("pre"))
            post = _clean_organ(m.group("post"))
            organ = pre or post or None
            title = m.group(0) if pre else candidate[m.start("year") : m.end()]
            return TitleInfo(title=_squash(title), organ_in_title=organ, organ=organ, year=int(m.group("year")))
    return TitleInfo()


def _squash(s: str) -> str:
    return "".join(s.split())  # str.split and the regex \s agree on what is whitespace


def _one_space(s: str) -> str:
    return _WS_RUN.sub(" ", s)


def _finditer(pattern: regex.Pattern[str], text: str, budget: Budget | None, what: str) -> Iterator[regex.Match[str]]:
    if budget is None:
        matches: Iterator[regex.Match[str]] = pattern.finditer(text)
        return matches
    return budget.finditer(pattern, text, what)


def _search(pattern: regex.Pattern[str], text: str, pos: int, budget: Budget | None, what: str) -> regex.Match[str] | None:
    return pattern.search(text, pos) if budget is None else budget.search(pattern, text, pos, what)


def _clean_organ(s: str) -> str:
    s = _squash(s)
    s = re.sub(r"^(关于|印发|标题[:：]?|正文[:：]?|当前位置[:：]?.*?)", "", s)
    return s.strip("《》“”\"'()（）[]【】·-—_|")


def complete_organ(organ: str | None, body: str) -> str | None:
    """Extend a truncated title organ with the body's fuller name (``贯塘`` + ``乡人民政府``).

    A title that names only a place (``三明市2022年政府信息公开工作年度报告``) is that place's
    government's report: the organ is ``三明市人民政府`` when the body names it so."""
    if not organ:
        return organ
    if _PLACE.search(organ) and organ + "人民政府" in body:
        return organ + "人民政府"
    if _ORGAN_SUFFIX.search(organ):
        return organ
    tail = organ[-2:]
    best: str | None = None
    for m in re.finditer(re.escape(tail) + r"([\u4e00-\u9fff]{1,8}?(?:人民政府|管理委员会|委员会|局|办公室|街道办事处))", body):
        ext = m.group(1)
        cand = organ + ext
        if best is None or len(cand) < len(best):
            best = cand
    return best or organ


_YEAR_SPAN = re.compile(r"((?:19|20)\d{2})年1月1日起?(?:至|到|-|—|～|~)(?:\1年)?12月31日")
"""A whole calendar year, in one year (``2022年1月1日至12月31日``, ``2022年1月1日至2022年12月31日``)."""
_OPENING = 3000
"""Characters of the report's start (whitespace removed) where a year span with no 统计 word is its period."""
_PERIOD_END = re.compile(r"\s*(?:起)?\s*(?:至|到|-|—|～|~)\s*((?:19|20)\d{2})\s*年\s*12\s*月\s*31\s*日")


def confirm_year(text: str) -> int | None:
    """The statistical period's year; a period over several years (a first report: 自2003年1月1日起
    至2008年12月31日止) is the year it ends."""
    flat = _squash(text[:20000])
    m = _PERIOD.search(flat)
    if not m:
        # no 统计 word: a whole year named in the opening (内容涵盖…2022年1月1日至12月31日期间的…)
        span = _YEAR_SPAN.search(flat, 0, _OPENING)
        return int(span.group(1)) if span else None
    end = _PERIOD_END.match(flat, m.end())
    return int(end.group(1)) if end and int(end.group(1)) > int(m.group(1)) else int(m.group(1))


def parse_date(s: str) -> date | None:
    m = _ISO_DATE.search(s)
    if m:
        try:
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        except ValueError:
            return None
    m2 = _CN_DATE.search(s)
    if m2:
        try:
            y = int("".join(str(_CN_DIGITS.get(ch, 0)) for ch in m2.group(1)))
            return date(y, _cn_number(m2.group(2)), _cn_number(m2.group(3)))
        except ValueError:
            return None
    return None


def _cn_number(s: str) -> int:
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + _CN_DIGITS[s[1]]
    if s.endswith("十"):
        return _CN_DIGITS[s[0]] * 10
    if "十" in s:
        a, b = s.split("十")
        return _CN_DIGITS[a] * 10 + _CN_DIGITS[b]
    return _CN_DIGITS[s]


def find_published(metadata: dict[str, str], head: str, tail: str, year: int | None) -> tuple[date | None, str | None]:
    """Publication date: the page's own date, else a dated line under the title, else the
    signature date at the end. A date is only accepted after the report year ends."""

    def ok(d: date | None) -> bool:
        return d is not None and (year is None or d.year > year)

    if "published" in metadata:
        d = parse_date(metadata["published"])
        if ok(d):
            return d, "page"
    for m in re.finditer(r"[（(]\s*((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日)\s*[)）]", head):
        d = parse_date(m.group(1))
        if ok(d):
            return d, "title"
    found: date | None = None
    for m in re.finditer(r"((?:19|20)\d{2}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[二〇○零]{1}[〇○零一二三四五六七八九]{3}年[一二三四五六七八九十]{1,3}月[一二三四五六七八九十]{1,3}日)", tail):
        d = parse_date(m.group(1))
        if ok(d):
            found = d
    if found is not None:
        return found, "signature"
    return None, None


_NUMERALS = "一二三四五六"


@dataclass(slots=True)
class SectionSpan:
    number: int
    heading: str
    start: int
    """Offset of the heading in the text."""
    body_start: int


_SECTION_HEADS = {numeral: regex.compile(rf"{numeral}\s*[、.．]\s*([^\n。；;]{{0,40}})") for numeral in _NUMERALS}
"""One heading pattern per numeral. Linear: a candidate starts only at its numeral."""


def find_sections(text: str, budget: Budget | None = None) -> list[SectionSpan]:
    """Headings 一、…六、 in order; each must name its section (format.md §3, §9.1)."""
    out: list[SectionSpan] = []
    pos = 0
    for n in range(1, 7):
        numeral = _NUMERALS[n - 1]
        pattern = _SECTION_HEADS[numeral]
        search_from = pos
        while (m := _search(pattern, text, search_from, budget, "section headings")) is not None:
            search_from = m.start() + 1  # candidates overlap: "四、结转… 四、政府信息公开行政复议…"
            head = m.group(1)
            cores = SECTION_CORES[n]
            hit = [c for c in cores if c in head[:30]]
            if not hit:
                continue
            if n == 4 and "结转" in head[:6]:
                continue
            if n == 3 and "本年度办理结果" in head[:10]:
                continue
            end_core = max(head.find(c) + len(c) for c in hit)
            heading = _squash(f"{numeral}、{head[: _heading_end(head, end_core)]}")
            out.append(SectionSpan(n, heading, m.start(), m.start(1) + _heading_end(head, end_core)))
            pos = m.end(0) - len(head) + end_core
            break
    return out


def _heading_end(head: str, core_end: int) -> int:
    """Headings end at 情况/事项 or right after the core when the text runs on."""
    m = re.search(r"(情况|事项|概述)", head[core_end - 2 : core_end + 12])
    if m:
        return core_end - 2 + m.end()
    return core_end


_CN_ORDINALS = {ch: i + 1 for i, ch in enumerate("一二三四五六七八九十")}
# ``[^\S\n]`` (whitespace but not a newline) at the ends: with ``^\s*`` every line of a run of
# blank lines rescanned the rest of the run (quadratic).
_GENERIC_HEADING = regex.compile(
    r"^[^\S\n]*([一二三四五六七八九十])\s*[、.．]\s*(\S.{0,38}?)[^\S\n]*$", regex.MULTILINE
)


def find_numbered_headings(text: str, budget: Budget | None = None) -> list[SectionSpan]:
    """Pre-2019 reports number their own parts (一、概述 … 七、…); take every short line that
    starts with the next Chinese ordinal, in order."""
    out: list[SectionSpan] = []
    expected = 1
    for m in _finditer(_GENERIC_HEADING, text, budget, "numbered headings"):
        n = _CN_ORDINALS[m.group(1)]
        if n != expected:
            continue
        heading = _squash(f"{m.group(1)}、{m.group(2)}")
        out.append(SectionSpan(n, heading, m.start(), m.end()))
        expected += 1
    return out
