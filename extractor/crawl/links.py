"""Links of a crawled HTML page: anchors (with their text, ``title`` and the date printed beside
them in a list), frames, embedded documents, and the pages of JavaScript pagers.

Government CMSs (TRS WCM and its relatives) draw list pagination in JavaScript::

    createPageHTML(8, 0, "index", "html");            // 8 pages: index.html, index_1.html … index_7.html
    createPageHTML('page_div', 8, 1, 'index', 'html', 150);
    var countPage = 8; createPageHTML(countPage, currentPage, "index", "html");

The first integer argument is the page count; the string before the extension string is the file
stem. Every page of such a pager is generated (capped), relative to the list page's folder.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from lxml import etree

from extractor.crawl.classify import is_numbered_page, is_pager_text

__all__ = ["Link", "PageLinks", "js_pager_pages", "normalize_url", "parse_links"]

_WS = re.compile(r"\s+")
_DATE = re.compile(r"((?:19|20)\d{2})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})")
_XML_DECL = re.compile(r"\A\s*<\?xml[^>]*>", re.IGNORECASE)
_CREATE_PAGE = re.compile(r"createPageHTML\s*\(([^()]*)\)")
# starts only where an identifier starts: an optional ``var`` and a leading ``\s*`` let every
# position of a run of whitespace (or of a long identifier) rescan it (quadratic)
_JS_VAR = re.compile(r"(?<![\w$])([A-Za-z_$][\w$]*)\s*=\s*(\d{1,9})\s*[;,\n]")
_JS_ARG = re.compile(r"""\s*(?:"([^"]*)"|'([^']*)'|(\d+)|([A-Za-z_$][\w$.]*))\s*""")
_PAGE_EXTS = frozenset({"html", "htm", "shtml", "jsp", "php", "asp", "aspx"})
_SKIP_SCHEMES = ("javascript:", "mailto:", "tel:", "data:", "about:", "#")
MAX_JS_PAGES = 500


@dataclass(frozen=True, slots=True)
class Link:
    url: str
    """Absolute, without fragment."""
    text: str = ""
    """The anchor text, or its ``title`` attribute when that is longer (lists truncate titles)."""
    tag: str = "a"
    date: str | None = None
    """A date printed beside the link in its list item (``2024-01-20``), ISO-formatted."""
    pager: bool = False


@dataclass(slots=True)
class PageLinks:
    links: list[Link] = field(default_factory=list)
    title: str | None = None
    headings: list[str] = field(default_factory=list)
    """Texts of ``h1``/``h2`` and of ``meta name=ArticleTitle``: the page's own headline candidates."""
    other_schemes: int = 0
    """Links to ``ftp:``, ``mailto:`` … (never followed)."""


def normalize_url(url: str) -> str:
    """Lower-case scheme and host, default port dropped, fragment removed, empty path as ``/``."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if ":" in host:  # an IPv6 literal keeps its brackets: http://[::1]:8000/
        host = f"[{host}]"
    try:
        port = parts.port
    except ValueError:  # not a number: keep it as written (the scope refuses the URL)
        port = None
        host = parts.netloc.rsplit("@", 1)[-1].lower()
    if port is not None and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    if parts.username or parts.password:
        host = f"{parts.username or ''}{':' + parts.password if parts.password else ''}@{host}"
    path = quote(parts.path or "/", safe="/%:@!$&'()*+,;=-._~")  # raw CJK → UTF-8 escapes, escapes kept
    query = quote(parts.query, safe="/%:@!$&'()*+,;=-._~?")
    return urlunsplit((scheme, host, path, query, ""))


def _text(el: Any) -> str:
    return _WS.sub(" ", "".join(el.itertext())).strip()


def _iso(m: re.Match[str]) -> str:
    return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}-{int(m.group(3)):02d}"


def _beside(a: Any, own: str) -> str | None:
    """A date in the list item that holds the link (``<li><a>…</a><span>2024-01-20</span></li>``)."""
    parent = a.getparent()
    for _ in range(2):
        if parent is None:
            return None
        if parent.tag in ("li", "tr", "dd", "dl", "p", "div", "td"):
            text = _text(parent)
            if len(text) <= len(own) + 60:
                m = _DATE.search(text.replace(own, " "))
                if m:
                    return _iso(m)
        parent = parent.getparent()
    return None


def parse_links(text: str, base_url: str) -> PageLinks:
    """Every followable link of a page (``text`` is already decoded)."""
    out = PageLinks()
    text = _XML_DECL.sub("", text, count=1)
    if not text.strip():
        return out
    try:
        root = etree.fromstring(text, etree.HTMLParser(recover=True, no_network=True))
    except (etree.ParserError, ValueError):
        return out
    if root is None:
        return out
    base = base_url
    for b in root.iter("base"):
        href = (b.get("href") or "").strip()
        if href:
            base = urljoin(base_url, href)
            break
    t = root.find(".//title")
    if t is not None:
        out.title = _text(t) or None
    for m in root.iter("meta"):
        if (m.get("name") or "").lower() == "articletitle" and (m.get("content") or "").strip():
            out.headings.append(_WS.sub(" ", m.get("content") or "").strip())
    for tag in ("h1", "h2"):
        for h in root.iter(tag):
            s = _text(h)
            if h.find(".//a") is not None:
                continue  # a list item drawn as a heading, not the page's own headline
            if s and len(s) <= 120:
                out.headings.append(s)
    seen: set[str] = set()

    def add(href: str | None, label: str, tag: str, date: str | None = None, pager: bool = False) -> None:
        if not href:
            return
        href = href.strip()
        low = href.lower()
        if not href or low.startswith(_SKIP_SCHEMES):
            return
        absolute = urljoin(base, href)
        if urlsplit(absolute).scheme.lower() not in ("http", "https"):
            out.other_schemes += 1
            return
        url = normalize_url(absolute)
        key = f"{url}\x00{label}"
        if key in seen:
            return
        seen.add(key)
        out.links.append(Link(url=url, text=label, tag=tag, date=date, pager=pager))

    for a in root.iter("a", "area"):
        label = _text(a)
        title = _WS.sub(" ", a.get("title") or "").strip()
        if len(title) > len(label):
            label = title
        href = a.get("href")
        target = urljoin(base, href or "")
        # a pager link stays in the list's folder: 首页 to the site root is navigation, not page 1
        pager = bool(href) and (is_pager_text(label) or is_numbered_page(target)) and _same_folder(target, base)
        add(href, label, a.tag, None if pager else _beside(a, label), pager)
    for tag, attr in (("iframe", "src"), ("frame", "src"), ("embed", "src"), ("object", "data")):
        for el in root.iter(tag):
            add(el.get(attr), el.get("title") or "", tag)
    scripts = "\n".join(s.text or "" for s in root.iter("script"))
    for page in js_pager_pages(scripts, base):
        add(page, "", "script", pager=True)
    return out


def _same_folder(url: str, base: str) -> bool:
    a, b = urlsplit(url), urlsplit(base)
    return a.netloc.lower() == b.netloc.lower() and a.path.rsplit("/", 1)[0] == b.path.rsplit("/", 1)[0]


def js_pager_pages(script: str, base_url: str) -> list[str]:
    """The pages of ``createPageHTML(count, current, stem, ext)`` pagers in a page's scripts."""
    if "createPageHTML" not in script:
        return []
    variables = {m.group(1): int(m.group(2)) for m in _JS_VAR.finditer(script)}
    pages: list[str] = []
    for call in _CREATE_PAGE.finditer(script):
        ints: list[int] = []
        strs: list[str] = []
        for arg in call.group(1).split(","):
            m = _JS_ARG.fullmatch(arg)
            if m is None:
                continue
            if m.group(1) is not None or m.group(2) is not None:
                strs.append(m.group(1) if m.group(1) is not None else m.group(2))
            elif m.group(3) is not None:
                ints.append(int(m.group(3)))
            elif m.group(4) in variables:
                ints.append(variables[m.group(4)])
        ext_at = next((i for i, s in enumerate(strs) if s.lower().lstrip(".") in _PAGE_EXTS), None)
        if not ints or ext_at is None:
            continue
        ext = strs[ext_at].lstrip(".")
        stem = strs[ext_at - 1] if ext_at > 0 else "index"
        if not re.fullmatch(r"[\w\-]+", stem):
            continue
        count = min(ints[0], MAX_JS_PAGES)
        for i in range(count):
            name = f"{stem}.{ext}" if i == 0 else f"{stem}_{i}.{ext}"
            pages.append(normalize_url(urljoin(base_url, name)))
    return pages
