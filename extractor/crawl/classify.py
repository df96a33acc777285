"""What a link or a page is: a report, an attachment, a pager, a column worth entering, or nothing.

Report pages are recognised by their **title**, never by the column they sit in (format.md §9.6):
年报 columns also list notices such as ``关于2014年政府信息公开工作要点落实情况的函`` and news
pages mention reports in their headlines (``…年度报告编制工作部署会``, ``…年度报告解读``). A title
is a report title when it names a year and ends in the report's name — ``<organ><YYYY>年…年度报告``
or the year-first form, optionally followed by ``（图片版）``-style suffixes — and does not start
like a notice (关于, 印发, 图解 …) or carry a notice's words (要点, 通知, 解读 …). Inside a column
that is known to hold reports (its URL has ``zfxxgknb``/``gknb``/``ndbg``…, or its heading says
年报), the short forms ``2023年年报`` / ``2023年度报告`` also count.
"""

from __future__ import annotations

import re
from posixpath import splitext
from urllib.parse import unquote, urlsplit

ATTACHMENT_SUFFIXES: frozenset[str] = frozenset({".pdf", ".doc", ".docx", ".wps", ".xls", ".xlsx", ".et", ".rtf"})
"""Files a report page may link as the report itself or as an annex."""

_WS = re.compile(r"\s+")
_YEAR = re.compile(r"(?:19|20)\d{2}\s*年")
_SUFFIX = re.compile(
    r"(?:[（(【\[][^（()）【】\[\]]{1,12}[）)】\]]|\.(?:pdf|docx?|wps|xlsx?|s?html?)|[（(]?(?:pdf|PDF|word|WORD)版?[）)]?)$"
)
_END = re.compile(r"(?:年度报告|年度工作报告|工作报告|年报)$")
_REPORT_WORDS = re.compile(r"(?:政府)?(?:信息公开|政务公开|政务信息公开)")
_SHORT_IN_COLUMN = re.compile(r"^[^，。；:：]{0,30}?(?:19|20)\d{2}\s*年\s*度?\s*(?:工作)?(?:年报|年度报告|报告)$")
_REJECT_START = re.compile(r"^(?:关于|印发|转发|图解|解读|一图|图说|视频|动漫|问答|【|\[|《)")
_REJECT_WORDS = re.compile(
    r"要点|解读|图解|通知|通报|函|意见|方案|办法|指南|目录|制度|规定|编制|部署|会议|培训|检查|考核|评估|评议|整改|答记者问|"
    r"征求|统计公报|国民经济|预算|决算|述职|述廉|自查|督查|落实情况|执行情况"
)
_TRUNCATED = re.compile(r"(?:\.{2,}|…+|。。+)$")
_MENTION = re.compile(r"年度报告|年报|工作报告")


def clean_title(text: str) -> str:
    """Whitespace removed, trailing ``（图片版）``/``.pdf``-style suffixes dropped."""
    t = _WS.sub("", text).strip("：:·-—_|｜ ")
    for _ in range(3):
        stripped = _SUFFIX.sub("", t)
        if stripped == t:
            break
        t = stripped.strip("：:·-—_|｜ ")
    return t


def is_report_title(text: str | None, *, in_column: bool = False) -> bool:
    """True for ``<organ><YYYY>年…年度报告`` (and year-first) titles; False for news that mentions one."""
    if not text:
        return False
    t = clean_title(text)
    year = _YEAR.search(t)
    if year is None or len(t) > 80 or _REJECT_START.search(t):
        return False
    if not _END.search(t) or _REJECT_WORDS.search(t[year.start():]):  # notice words follow the year
        return False
    if _REPORT_WORDS.search(t):
        return True
    return in_column and bool(_SHORT_IN_COLUMN.match(t))


def mentions_report(text: str | None) -> bool:
    """A year and a report word: either a report title or a headline about one."""
    return bool(text) and bool(_YEAR.search(text or "")) and bool(_MENTION.search(_WS.sub("", text or "")))


def is_truncated(text: str) -> bool:
    return bool(_TRUNCATED.search(text.strip()))


def maybe_report_title(text: str | None, *, in_column: bool = False) -> bool:
    """A link text worth fetching: a report title, or a truncated one (``…2023年政府信息公开工...``)
    whose visible part is consistent with a report title (the page's own title decides)."""
    if not text:
        return False
    if is_report_title(text, in_column=in_column):
        return True
    if not is_truncated(text):
        return False
    t = _TRUNCATED.sub("", _WS.sub("", text))
    year = _YEAR.search(t)
    if year is None or _REJECT_START.search(t) or _REJECT_WORDS.search(t[year.start():]):
        return False
    return bool(year) and bool(_REPORT_WORDS.search(t) or "年报" in t or "年度" in t or in_column)


# ---------------------------------------------------------------------------------------------
# URLs

_NB_TOKENS = ("zfxxgknb", "xxgknb", "gknb", "zwgknb", "ndbg", "nianbao", "annualreport", "xxgkannualreport")
_ARTICLE = re.compile(
    r"(?:/t\d{8}_\d+\.s?html?$|/content/post_\d+\.html?$|/\d{8}/[0-9a-f]{32}\.s?html?$|/art/\d{4}/\d+/\d+/art_\d+_\d+\.html?$"
    r"|/\d{4}-\d{2}-\d{2}/\d+\.html?$|/[0-9a-f]{32}\.s?html?$)",
    re.IGNORECASE,
)
_ARTICLE_QUERY = re.compile(r"(?:^|&)(?:id|articleid|infoid|contentid|docid|fbtime)=", re.IGNORECASE)
_NUMBERED = re.compile(r"/(?:index|list|default|more|page)[_-]?(\d+)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)
_PAGE_QUERY = re.compile(r"(?:^|&)(?:page|pageno|pageindex|curpage|currentpage|pagenum|pn|p)=\d+", re.IGNORECASE)
_COLUMN_PATH = re.compile(r"(?:^|/)(?:xxgk|zfxxgk|zwgk|gkml|xxgkml|zfxxgkml|govinfo|hbgovinfo|gk)(?:/|$)", re.IGNORECASE)
_COLUMN_TEXT = re.compile(r"年报|年度报告|信息公开|政务公开|公开目录|法定主动公开")


def suffix_of(url: str) -> str:
    return splitext(unquote(urlsplit(url).path))[1].lower()


def suffix_stem(url: str) -> str:
    """The file name without its suffix (``…/P020240118_fb.xlsx`` → ``P020240118_fb``)."""
    return splitext(unquote(urlsplit(url).path).rsplit("/", 1)[-1])[0]


def is_attachment_url(url: str) -> bool:
    return suffix_of(url) in ATTACHMENT_SUFFIXES


def has_report_token(url: str) -> bool:
    """The path names an annual-report column (``zfxxgknb``, ``gknb``, ``ndbg``, …; format.md §11.8)."""
    parts = urlsplit(url)
    low = (parts.path + "?" + parts.query).lower()
    return any(tok in low for tok in _NB_TOKENS)


def is_article_url(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_ARTICLE.search(parts.path)) or bool(parts.query and _ARTICLE_QUERY.search(parts.query))


def is_report_url(url: str) -> bool:
    """An article URL inside a report column (``…/zfxxgknb/202401/t20240120_123.html``)."""
    return has_report_token(url) and (is_article_url(url) or is_attachment_url(url))


def is_numbered_page(url: str) -> bool:
    parts = urlsplit(url)
    return bool(_NUMBERED.search(parts.path)) or bool(parts.query and _PAGE_QUERY.search(parts.query))


_PAGER_WORDS = frozenset(
    ["下一页", "下页", "后一页", "尾页", "末页", "最后一页", "最末页", "上一页", "上页", "前一页", "首页", "第一页", "下一頁", "尾頁", ">", ">>", "»", "›"]
)
_PAGE_NUMBER = re.compile(r"^[\[【(（]?\d{1,4}[\]】)）]?$")


def is_pager_text(text: str) -> bool:
    t = _WS.sub("", text)
    return t in _PAGER_WORDS or bool(_PAGE_NUMBER.match(t))


def is_column_link(url: str, text: str) -> bool:
    """A link toward where reports are listed: a 年报 / 信息公开 column (not an article)."""
    if is_article_url(url) or is_attachment_url(url):
        return False
    t = _WS.sub("", text)
    if mentions_report(t) and not is_report_title(t):
        return False  # a headline about a report, not a column
    if has_report_token(url):
        return True
    if t and len(t) <= 20 and _COLUMN_TEXT.search(t):
        return True
    return bool(_COLUMN_PATH.search(urlsplit(url).path)) and bool(t) and "公开" in t


def column_priority(url: str, text: str) -> int:
    """Lower is sooner: 年报 columns before general 信息公开 pages."""
    t = _WS.sub("", text)
    if has_report_token(url) or "年报" in t or "年度报告" in t:
        return 3
    return 4


__all__ = [
    "ATTACHMENT_SUFFIXES",
    "clean_title",
    "column_priority",
    "has_report_token",
    "is_article_url",
    "is_attachment_url",
    "is_column_link",
    "is_numbered_page",
    "is_pager_text",
    "is_report_title",
    "is_report_url",
    "is_truncated",
    "maybe_report_title",
    "mentions_report",
    "suffix_of",
    "suffix_stem",
]
