"""Page-wide facts gathered once (link text, report markers, info-card lines, a title) and the
search for the report's container (:func:`content_root`)."""

from __future__ import annotations

from collections import Counter

from lxml import etree

from extractor.budget import Budget
from extractor.readers.html.nodes import (
    ANY_HINT,
    BLOCK,
    CARD_HINT,
    INVISIBLE,
    MARKER,
    PROSE,
    PROSE_MIN,
    SKIP,
    TITLE_LIKE,
    El,
    cjk,
    clean_line,
    is_boiler,
    is_layout,
    norm,
    text_of,
)


class Page:
    """Page-wide facts gathered once: link text per element, report markers, info-card lines."""

    MAX_MARKERS = 500  # enough to pin the report tables down; bounds the work on giant pages

    def __init__(self, root: El, budget: Budget | None = None) -> None:
        self.tree = root.getroottree()
        self.root = root
        self.budget = budget
        self._paths: dict[El, str] = {}
        self._segments: dict[El, str] = {}
        self._link_weights: dict[El, int] | None = None
        self._link_text: dict[El, int] = {}  # CJK text of each link (<a href>) weighed so far
        self.card_lines: list[tuple[str, El, bool]] = []  # (text, element, is it the element's tail)
        self.titles: list[str] = []  # text nodes that look like a report title, outside links
        self.hit_count: dict[El, int] = {}  # marker texts (outside links) inside each element
        self.n_markers = 0
        hint, note = ANY_HINT.search, self._note
        for n, el in enumerate(root.iter(), 1):
            if not n & 255 and budget is not None:
                budget.check("html elements")
            # (every hint word is CJK: an ASCII string, such as the newlines between tags, holds none)
            s = el.text
            if s and not s.isascii() and hint(s):
                note(s, el, False)
            s = el.tail
            if s and not s.isascii() and hint(s):
                note(s, el, True)

    def _note(self, s: str, el: El, is_tail: bool) -> None:
        if len(s) < 160 and CARD_HINT.search(s) and isinstance(el.tag, str):
            self.card_lines.append((s, el, is_tail))
        holder = el.getparent() if is_tail else el
        if holder is None:
            return
        maybe_title = not self.titles and len(s) < 120 and "报告" in s
        if not maybe_title and (self.n_markers >= self.MAX_MARKERS or not MARKER.search(s)):
            return
        if (holder.tag == "a" and holder.get("href") is not None) or any(
            a.get("href") is not None for a in holder.iterancestors("a")
        ):
            return  # link text: neither a title nor a marker
        title = self._title_of(s, holder) if maybe_title else None
        if not title and (self.n_markers >= self.MAX_MARKERS or not MARKER.search(s)):
            return
        if title:
            self.titles.append(title)
        elif self.n_markers < self.MAX_MARKERS:
            self.n_markers += 1
            counts = self.hit_count
            counts[holder] = counts.get(holder, 0) + 1
            for e in holder.iterancestors():
                counts[e] = counts.get(e, 0) + 1

    @staticmethod
    def _title_of(s: str, holder: El) -> str | None:
        """The report title this text node belongs to, read from its whole block: Word exports
        split one title over several ``<span>`` runs (``样本市…保障`` + ``局2024年度…报告``), and a
        run alone may look like a complete title without the organ."""
        block = holder if holder.tag in BLOCK else next((a for a in holder.iterancestors() if a.tag in BLOCK), None)
        if block is not None:
            # cleaning only drops whitespace and invisible characters: a block with 120 others is no title
            raw = _short_text(block, 120)
            if raw is not None:
                whole = norm(clean_line(raw))
                if len(whole) < 120:
                    return whole if TITLE_LIKE.fullmatch(whole) else None
        line = norm(clean_line(s))
        return line if TITLE_LIKE.fullmatch(line) else None

    def path(self, el: El) -> str:
        """``el``'s path as libxml2's ``getpath`` writes it (``/html/body/div[2]/p[3]``), in
        linear time overall: ``getpath`` counts an element's same-name siblings on every call, so a
        page of 100,000 sibling paragraphs cost 10^10 steps. Here each parent's children are
        numbered once and each ancestor's path is kept."""
        chain: list[El] = []
        e = el
        while e is not None and e not in self._paths:
            chain.append(e)
            e = e.getparent()
        path = "" if e is None else self._paths[e]
        for x in reversed(chain):
            path = f"{path}/{self._segment(x)}"
            self._paths[x] = path
        return path

    def _segment(self, el: El) -> str:
        seg = self._segments.get(el)
        if seg is not None:
            return seg
        parent = el.getparent()
        if parent is None:
            return str(el.tag)
        kids = [(k, tag) for k in parent if isinstance(tag := k.tag, str)]
        total = Counter(tag for _, tag in kids)
        seen: dict[str, int] = {}
        segments = self._segments
        for k, tag in kids:
            if total[tag] > 1:
                i = seen[tag] = seen.get(tag, 0) + 1
                segments[k] = f"{tag}[{i}]"
            else:
                segments[k] = tag
        return segments[el]

    def hits(self, el: El) -> int:
        return self.hit_count.get(el, 0)

    def weight(self, el: El) -> int:
        """CJK text inside ``el`` that is not link text: how much report prose it can hold."""
        return cjk(text_of(el)) - self.link_weight_of(el)

    def link_weight_of(self, el: El) -> int:
        """CJK link text inside ``el`` (``el`` included when it is a link): the links are weighed
        for the few elements asked about, each link once."""
        if self._link_weights is not None:
            return self._link_weights.get(el, 0)
        total = 0
        known, budget = self._link_text, self.budget
        for a in el.iter("a"):
            if budget is not None:
                budget.tick("html links")
            w = known.get(a)
            if w is None:
                w = known[a] = cjk(text_of(a)) if a.get("href") is not None else 0
            total += w
        return total

    @property
    def link_weight(self) -> dict[El, int]:
        """CJK link text inside each element, for the whole page (built on first use)."""
        if self._link_weights is None:
            weights: dict[El, int] = {}
            for a in self.root.iter("a"):
                if self.budget is not None:
                    self.budget.tick("html links")
                w = self._link_text.get(a)
                if w is None:
                    w = cjk(text_of(a)) if a.get("href") is not None else 0
                if w:
                    for e in (a, *a.iterancestors()):
                        weights[e] = weights.get(e, 0) + w
            self._link_weights = weights
        return self._link_weights


def _short_text(el: El, limit: int) -> str | None:
    """``el``'s text when it holds fewer than ``limit`` characters that are neither whitespace nor
    invisible, else None. Read piece by piece and given up at the limit: the block of a text in
    ``<head>`` is ``<html>``, whose whole text would otherwise be serialised to learn that."""
    n = 0
    for piece in el.itertext():  # (the pieces of text_of(el), in order)
        n += len("".join(piece.split())) - len(INVISIBLE.findall(piece))
        if n >= limit:
            return None
    return text_of(el)


# ---------------------------------------------------------------- finding the report body


def content_root(body: El, page: Page) -> El:
    """Smallest element holding every report-table marker and nearly all non-link CJK text.

    Descend from ``<body>`` into the child holding every marker (or, on a page without any, the
    heaviest child) as long as the siblings left behind, not counting those that look like
    navigation or footers, hold under a quarter of that child's text and no paragraph of prose
    (an introduction such as 根据《条例》…本报告所列数据的统计期限… must not be cut off). Only
    what is left behind is weighed, so the descent reads each part of the page about once.
    Paragraphs and data tables are never entered. With no good candidate the answer is ``<body>``.
    """
    cur, w_cur, h_cur = body, page.weight(body), page.hits(body)
    weights = None if h_cur else _subtree_weights(body, page)
    while w_cur > 0:
        kids = [k for k in cur if isinstance(k.tag, str)]
        if weights is None:
            best = next((k for k in kids if page.hits(k) == h_cur), None)
        else:
            best = max(kids, key=lambda k: weights.get(k, 0) if k.tag not in SKIP else -1, default=None)
        if best is None or best.tag in SKIP or (best.tag == "table" and not is_layout(best)):
            break
        if not any(g.tag in BLOCK for g in best if isinstance(g.tag, str)):
            break  # a paragraph, not a container: its siblings are more of the text
        own = cjk(cur.text or "") + sum(cjk(k.tail or "") for k in cur)
        left = boiler = 0
        prose = own  # the longest run of prose that would be left behind
        for k in kids:
            if k is not best:
                w = page.weight(k) if weights is None else weights.get(k, 0)
                if k.tag in SKIP or is_boiler(k):
                    boiler += w
                else:
                    left += w
                    if k.tag in PROSE:
                        prose = max(prose, w)
        w_best = w_cur - own - left - boiler
        if w_best <= 0 or own + left > 0.25 * w_best or prose >= PROSE_MIN:
            break
        cur, w_cur = best, w_best
    return cur


def _subtree_weights(top: El, page: Page) -> dict[El, int]:
    """Non-link CJK weight of every element under ``top``, bottom-up in one pass (post-order)."""
    acc: dict[El, int] = {}
    for _, el in etree.iterwalk(top, events=("end",)):
        w = acc.get(el, 0) + (cjk(el.text) if el.text and isinstance(el.tag, str) else 0)
        if w:
            acc[el] = w
        parent = el.getparent()
        if parent is not None and el is not top:
            w += cjk(el.tail) if el.tail else 0
            if w:
                acc[parent] = acc.get(parent, 0) + w
    for el, w in acc.items():
        acc[el] = w - page.link_weight.get(el, 0)
    return acc


# ---------------------------------------------------------------- blocks

