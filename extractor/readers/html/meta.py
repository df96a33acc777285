"""Facts the page states outside the report body: ``<meta>`` tags, the canonical link, the info card
(索引号, 发布机构, 发布时间 …) and the title."""

from __future__ import annotations

import re

from extractor.readers.html.nodes import El, cjk, norm, text_of
from extractor.readers.html.page import Page


def _ranked(spec: str) -> dict[str, tuple[str, int]]:
    """``key rank name name …`` lines to ``{name: (key, rank)}``; a lower rank wins."""
    return {
        name: (key, int(rank))
        for line in spec.strip().splitlines()
        for key, rank, *names in [line.split()]
        for name in names
    }


_META_NAMES = _ranked(
    """
    title 0 articletitle
    title 1 og:title dc.title
    published 2 pubdate publishdate firstpublishedtime article:published_time
    published 3 dc.date
    publisher 3 contentsource
    url 1 url og:url
    """
)
_CARD_LABELS = _ranked(
    """
    index_no 1 索引号
    publisher 1 发布机构 发布单位
    publisher 2 发文机关 信息来源 文章来源 来源
    published 1 发布时间 发布日期 公开日期 公开时间
    published 3 时间 日期
    published 4 发文日期
    published 5 成文日期
    url 2 原文链接 原文地址
    title 2 标题 文件名称 名称
    """
)
_LABEL_ALT = "|".join(sorted(_CARD_LABELS, key=len, reverse=True))
# a label must not be the tail of a longer word: 采集时间 is not 时间
_LABEL_COLON = re.compile(rf"(?<![\u4e00-\u9fff])({_LABEL_ALT})\s*[:：]")
_LABEL_ONLY = re.compile(rf"({_LABEL_ALT})\s*[:：]?")
_DATE = re.compile(r"((?:19|20)\d\d)\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_URL = re.compile(r"(?:https?:)?//\S+", re.IGNORECASE)
_TITLE_SUFFIX = re.compile(r"^(.*报告(?:[（(][^）)]{1,12}[）)])?)\s*[-_|｜－—–]\s*\S.*$")


_Best = dict[str, tuple[int, str]]
"""Metadata candidates kept so far: key -> (rank, value); the first of the lowest rank wins."""


def _put(best: _Best, key: str, value: str | None, rank: int) -> None:
    value = _clean_value(key, value)
    if value and (key not in best or rank < best[key][0]):
        best[key] = (rank, value)


def _clean_value(key: str, value: str | None) -> str | None:
    value = norm(value or "")
    if not value:
        return None
    if key == "published":
        m = _DATE.search(value)
        if not m:
            return None
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
        return f"{y:04d}-{mo:02d}-{d:02d}" if 1 <= mo <= 12 and 1 <= d <= 31 else None
    if key == "url":
        m = _URL.search(value)
        return m.group(0) if m else None
    if key == "title":
        m = _TITLE_SUFFIX.match(value)
        if m:
            return m.group(1).strip()
        return value.split("_")[0].strip() if cjk(value) else None
    # publisher, index_no: the first token, up to a separator such as 【 or |
    token = re.split(r"[\s【\[|｜]", value, maxsplit=1)[0]
    if key == "publisher" and not cjk(token):
        return None
    return token or None


def page_metadata(root: El, page: Page) -> dict[str, str]:
    best: _Best = {}
    for link in root.iter("link"):
        if (link.get("rel") or "").lower() == "canonical":
            _put(best, "url", link.get("href"), 0)
    for m in root.iter("meta"):
        name = (m.get("name") or m.get("property") or m.get("itemprop") or "").strip().lower()
        if name in _META_NAMES:
            key, rank = _META_NAMES[name]
            _put(best, key, m.get("content"), rank)
    title = root.find(".//title")
    if title is not None:
        _put(best, "title", text_of(title), 4)
    if page.titles:
        _put(best, "title", page.titles[0], 3)
    for s, el, is_tail in page.card_lines:
        _card_text(best, s, el, is_tail)
    return {k: v for k, (_, v) in sorted(best.items())}


def _card_text(best: _Best, s: str, owner: El, is_tail: bool) -> None:
    """Label/value pairs of an info card: ``发布时间：2020-01-20``, ``<td>索引号</td><td>…</td>``."""
    text = norm(s)
    if owner.tag in ("title", "head"):
        return
    found = list(_LABEL_COLON.finditer(text))
    if not found:
        if _LABEL_ONLY.fullmatch(text):
            _offer(best, text.rstrip(":： "), _following_value(owner, is_tail, text.rstrip(":： ")))
        return
    for j, m in enumerate(found):
        end = found[j + 1].start() if j + 1 < len(found) else len(text)
        value = text[m.end() : end].strip()
        _offer(best, m.group(1), value or _following_value(owner, is_tail, m.group(1)))


def _offer(best: _Best, label: str, value: str | None) -> None:
    key, prio = _CARD_LABELS[label]
    if value and _URL.match(value):
        key, prio = "url", 2
    elif key == "title" and value and "报告" not in value and label != "标题":
        return
    _put(best, key, value, prio)


def _following_value(owner: El, is_tail: bool, label: str) -> str | None:
    """Value of a label standing alone: the next cell of a card table, or what follows in the parent."""
    cell = owner if owner.tag in ("td", "th") and not is_tail else None
    if cell is None and not is_tail:
        cell = next((a for a in owner.iterancestors("td", "th")), None)
        if cell is not None and norm(text_of(cell)).rstrip(":： ") != label:
            cell = None
    if cell is not None:
        nxt = cell.getnext()
        return norm(text_of(nxt)) if nxt is not None else None
    parent = owner.getparent()  # holds the label (a tail) or the element that holds it
    if parent is None:
        return None
    context = norm(text_of(parent))
    if len(context) > 300:
        return None
    m = re.search(rf"{label}\s*[:：]?\s*(.*)", context)
    if not m:
        return None
    rest = m.group(1)
    nxt = _LABEL_COLON.search(rest)
    return (rest[: nxt.start()] if nxt else rest).strip() or None
