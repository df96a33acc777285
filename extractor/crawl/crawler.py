"""The crawl: a priority frontier, a small thread pool, and the rules for what each page yields.

Order of work (lower first): attachments of report pages, report candidates, pages of a report
column's pager, 年报 columns, other 信息公开 columns. So a crawl stopped by ``max_pages`` has spent
its budget on reports rather than on navigation.

What a re-run does with each URL, from the manifest:

* navigation pages (start URLs, list pages, pagers, columns) are **revalidated** with a conditional
  request (``If-None-Match`` / ``If-Modified-Since``); a 304 re-reads the cached copy, so new
  reports on a list are found without downloading the unchanged lists;
* stored report pages, documents and non-report pages are **not requested** (their stored copy is
  re-read, so attachments not yet fetched by a killed run are still found); ``refresh=True``
  revalidates them too, and a changed document is stored beside the old one;
* failures (timeouts, 5xx, robots) are tried again; permanent 4xx answers are not.
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import re
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from hashlib import sha256
from pathlib import Path
from typing import Any

from extractor._version import __version__
from extractor.crawl import classify as C
from extractor.crawl.fetch import Fetcher
from extractor.crawl.images import file_name, folder_for, image_urls
from extractor.crawl.links import PageLinks, normalize_url, parse_links
from extractor.crawl.policy import RateLimiter, Robots, Scope
from extractor.crawl.store import Entry, Manifest, Store
from extractor.errors import DecodeError, OgiError
from extractor.readers import sniff
from extractor.readers.decode import decode_bytes
from extractor.readers.ocr.images import is_image
from extractor.settings import DEFAULT_SETTINGS

__all__ = ["AGENT", "CrawlConfig", "CrawlProgress", "CrawlSummary", "Crawler", "crawl", "user_agent"]

AGENT = "ogi-crawl"
"""The product token robots.txt rules are matched against."""

EntryHook = Callable[[Entry], None]
ProgressHook = Callable[["CrawlProgress"], None]


@dataclass(frozen=True, slots=True)
class CrawlProgress:
    """What ``ogi crawl`` shows while it runs (``on_progress`` gets one after every finished URL)."""

    requests: int
    fetched: int
    reports: int
    """Report documents reached so far (new or stored before)."""
    queued: int
    """URLs waiting or in flight."""
    elapsed_s: float

    @property
    def rate(self) -> float:
        """Requests per second so far."""
        return self.requests / self.elapsed_s if self.elapsed_s > 0 else 0.0


def user_agent(contact: str | None = None) -> str:
    who = contact or "no contact given (use --contact)"
    return (f"{AGENT}/{__version__} (ogi-extractor; polite research crawler for annual reports on open "
            f"government information; obeys robots.txt; contact: {who})")


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    rate: float = 1.0
    """Requests per second per host (every attempt and redirect hop counts)."""
    concurrency: int = 2
    max_pages: int | None = 5000
    """URLs requested per run (robots.txt not counted); None for no limit."""
    max_depth: int = 6
    """Link hops from a start URL; a pager's pages share their list's depth, attachments are exempt."""
    max_bytes: int = DEFAULT_SETTINGS.max_bytes
    timeout: float = 30.0
    """Seconds to connect and between received bytes."""
    max_time: float = 120.0
    """Seconds for one whole response body."""
    retries: int = 3
    backoff: float = 1.0
    """First retry waits this long, then twice as long each time (a Retry-After header wins)."""
    max_redirects: int = 5
    allow_gov_siblings: bool = False
    contact: str | None = None
    user_agent: str | None = None
    obey_robots: bool = True
    refresh: bool = False
    """Revalidate stored documents too (conditional requests), not only navigation pages."""
    trust_env: bool | None = None
    """Use proxy settings from the environment (default: yes, unless a start URL is private/loopback)."""
    transport: Any = None
    """An ``httpx.BaseTransport`` (tests, proxies)."""

    @property
    def agent_string(self) -> str:
        return self.user_agent or user_agent(self.contact)


@dataclass(slots=True)
class CrawlSummary:
    out: str
    requests: int = 0
    """HTTP requests sent (attempts, redirect hops and robots.txt included)."""
    fetched: int = 0
    not_modified: int = 0
    reused: int = 0
    """Stored in an earlier run and not requested again."""
    new_documents: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    """Every report document this run reached (new or stored before), relative to ``out``."""
    duplicate_urls: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    disallowed: int = 0
    out_of_scope: Counter[str] = field(default_factory=Counter)
    stopped: str | None = None
    elapsed_s: float = 0.0

    def line(self) -> str:
        parts = [f"{self.requests:,} requests", f"{self.fetched:,} fetched", f"{self.not_modified:,} not modified"]
        if self.reused:
            parts.append(f"{self.reused:,} already stored")
        docs = f"{len(self.documents):,} report documents ({len(self.new_documents):,} new"
        if self.duplicate_urls:
            docs += f", {self.duplicate_urls:,} duplicate URLs"
        parts.append(docs + ")")
        if self.failed:
            by = ", ".join(f"{k}: {v}" for k, v in sorted(self.failed.items()))
            parts.append(f"{sum(self.failed.values()):,} failed ({by})")
        if self.disallowed:
            parts.append(f"{self.disallowed:,} disallowed by robots.txt")
        if sum(self.out_of_scope.values()):
            parts.append(f"{sum(self.out_of_scope.values()):,} links out of scope")
        if self.stopped:
            parts.append(f"stopped: {self.stopped}")
        return f"ogi crawl: {'; '.join(parts)}; {self.elapsed_s:.1f} s → {self.out}"


@dataclass(slots=True)
class Task:
    url: str
    kind: str
    """``list`` (navigation), ``candidate`` (maybe a report page or file), ``attachment``, ``image``
    (a body image of a report page that is only images; ``page["_into"]`` is where it goes)."""
    depth: int
    referrer: str | None = None
    anchor: str = ""
    in_column: bool = False
    date: str | None = None
    page: dict[str, Any] | None = None
    """For attachments: the report page's metadata."""


_PRIORITY = {"attachment": 0, "image": 0, "candidate": 1}
_TITLE_SPLIT = re.compile(r"[_|｜]|\s[-—–－]+\s|--+|(?:(?<=报告)|(?<=年报)|(?<=[）)]))[-—–－]")
"""Separators between a page title and its site's name: ``_`` ``|``, a spaced dash, ``--``, and a dash
right after a report title (``…年度报告-沭阳县发改局``). No ``\\s*`` around them (a long run of
spaces made that quadratic); the parts are stripped instead."""
_COLUMN_HEAD = re.compile(r"年报|年度报告")
_REPORT_MARKERS = ("主动公开", "依申请", "申请人", "行政复议", "行政诉讼", "第二十条", "收到和处理")
_EXT_BY_FORMAT = {"pdf": ".pdf", "docx": ".docx", "doc": ".doc", "rtf": ".rtf", "html": ".html", "text": ".txt"}


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _iso_date(value: str | None) -> str | None:
    if not value:
        return None
    from extractor.locate.meta import parse_date

    d = parse_date(value)
    return d.isoformat() if d else None


class Crawler:
    def __init__(self, start_urls: Iterable[str], out: str | Path, config: CrawlConfig = CrawlConfig(),
                 *, on_entry: EntryHook | None = None,
                 on_request: Callable[[str, str], None] | None = None,
                 on_progress: ProgressHook | None = None) -> None:
        self.starts = [normalize_url(u) for u in start_urls]
        if not self.starts:
            raise ValueError("no start URL")
        for u in self.starts:
            if not u.startswith(("http://", "https://")):
                raise ValueError(f"not an http(s) URL: {u}")
        self.config = config
        self.out = Path(out)
        self.out.mkdir(parents=True, exist_ok=True)
        self.store = Store(self.out)
        self.manifest = Manifest(self.out)
        self.scope = Scope(self.starts, allow_gov_siblings=config.allow_gov_siblings)
        self.limiter = RateLimiter(config.rate)
        trust_env = config.trust_env if config.trust_env is not None else not self.scope.allow_private
        self.fetcher = Fetcher(
            user_agent=config.agent_string, limiter=self.limiter, timeout=config.timeout, max_time=config.max_time,
            max_bytes=config.max_bytes, retries=config.retries, backoff=config.backoff,
            max_redirects=config.max_redirects, trust_env=trust_env, transport=config.transport,
            on_request=on_request, addresses=self.scope.addresses,
        )
        self.robots = Robots(AGENT, self._fetch_robots, self.limiter, obey=config.obey_robots)
        self.on_entry = on_entry
        self.on_progress = on_progress
        self.summary = CrawlSummary(out=str(self.out))
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._documents: set[str] = set()

    # -----------------------------------------------------------------------------------------
    # the loop

    def run(self) -> CrawlSummary:
        t0 = time.perf_counter()
        heap: list[tuple[int, int, int, Task]] = []
        seq = itertools.count()
        seen: set[str] = set()
        requested = 0

        def push(task: Task, priority: int) -> None:
            if task.url in seen:
                return
            why = self.scope.why_not(task.url)
            if why is not None:
                with self._lock:
                    self.summary.out_of_scope[why] += 1
                return
            if task.kind not in ("attachment", "image") and task.depth > self.config.max_depth:
                return
            seen.add(task.url)
            heapq.heappush(heap, (priority, task.depth, next(seq), task))

        for u in self.starts:
            push(Task(url=u, kind="list", depth=0, in_column=C.has_report_token(u)), 2)
        pool = ThreadPoolExecutor(max_workers=max(1, self.config.concurrency), thread_name_prefix="ogi-crawl")
        running: dict[Future[list[tuple[Task, int]]], Task] = {}
        try:
            while heap or running:
                while heap and len(running) < max(1, self.config.concurrency):
                    _, _, _, task = heapq.heappop(heap)
                    if self._needs_request(task):
                        if self.config.max_pages is not None and requested >= self.config.max_pages:
                            self.summary.stopped = f"max_pages ({self.config.max_pages})"
                            continue
                        requested += 1
                    running[pool.submit(self._process, task)] = task
                if not running:
                    break
                done, _ = wait(list(running), return_when=FIRST_COMPLETED)
                for fut in done:
                    task = running.pop(fut)
                    try:
                        children = fut.result()
                    except Exception as exc:  # one URL's failure (a bug, a full disk) must not end the crawl
                        self._record_failure(task, exc)
                        continue
                    for child, priority in children:
                        push(child, priority)
                if self.on_progress is not None:
                    self.on_progress(CrawlProgress(
                        requests=self.fetcher.requests, fetched=self.summary.fetched, reports=len(self._documents),
                        queued=len(heap) + len(running), elapsed_s=time.perf_counter() - t0))
        except BaseException:
            self._stop.set()
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            self.fetcher.close()
            self.summary.requests = self.fetcher.requests
            self.summary.documents = sorted(self._documents)
            self.summary.elapsed_s = time.perf_counter() - t0
        return self.summary

    def _record_failure(self, task: Task, exc: Exception) -> None:
        """An unexpected error on one URL: a manifest line (so a rerun tries it again rather than
        crashing the same way) and a count in the summary."""
        error = "out_of_memory" if isinstance(exc, MemoryError) else "internal_error"
        with self._lock:
            self.summary.failed[error] += 1
        if self._stop.is_set():
            return
        with contextlib.suppress(OSError, RuntimeError):
            self._record(Entry(url=task.url, kind=self._entry_kind(task), error=error, depth=task.depth,
                               referrer=task.referrer, fetched_at=_now(),
                               extra={"exception": f"{type(exc).__name__}: {exc}"[:300]}))

    def _needs_request(self, task: Task) -> bool:
        prev = self.manifest.latest.get(task.url)
        return not (prev is not None and prev.done and task.kind != "list" and not self.config.refresh)

    # -----------------------------------------------------------------------------------------
    # one URL

    def _record(self, entry: Entry) -> None:
        if self._stop.is_set():
            raise RuntimeError("crawl stopped")
        self.manifest.append(entry)
        if self.on_entry is not None:
            self.on_entry(entry)

    def _fetch_robots(self, url: str) -> tuple[int | None, str]:
        resp = self.fetcher.get(url, check_hop=lambda u: self.scope.why_not(u))
        text = ""
        if resp.body is not None:
            text = resp.body.decode("utf-8", "replace")
        self._record(Entry(url=url, kind="robots", status=resp.status, error=resp.error, final_url=resp.final_url,
                           content_type=resp.content_type, size=None if resp.body is None else len(resp.body),
                           sha256=None if resp.body is None else sha256(resp.body).hexdigest(), fetched_at=_now(),
                           attempts=resp.attempts, elapsed_ms=resp.elapsed_ms))
        if resp.error is not None and resp.error.startswith("redirect_"):
            return 404, ""  # RFC 9309: a robots.txt that cannot be reached by redirects counts as unavailable
        if resp.status is None or (resp.error is not None and not resp.error.startswith("http_")):
            return None, text  # unreachable (timeouts, network): the host is off limits for this run
        return resp.status, text

    def _hop_check(self, url: str) -> str | None:
        why = self.scope.why_not(url)
        if why is not None:
            return why
        return None if self.robots.allowed(url) else "robots"

    def _process(self, task: Task) -> list[tuple[Task, int]]:
        if self._stop.is_set():
            return []
        prev = self.manifest.latest.get(task.url)
        if prev is not None and prev.done and task.kind != "list" and not self.config.refresh:
            stored = self.store.read(prev.path or "")
            if stored is not None:
                with self._lock:
                    self.summary.reused += 1
                if prev.path and prev.is_report and prev.path.startswith("reports/"):
                    with self._lock:
                        self._documents.add(prev.path)
                return self._handle(task, prev, stored, record=False)
        if not self.robots.allowed(task.url):
            self._record(Entry(url=task.url, kind=self._entry_kind(task), error="robots", depth=task.depth,
                               referrer=task.referrer, fetched_at=_now()))
            with self._lock:
                self.summary.disallowed += 1
            return []
        cached = prev if prev is not None and prev.done else None
        resp = self.fetcher.get(task.url, etag=cached.etag if cached else None,
                                last_modified=cached.last_modified if cached else None, check_hop=self._hop_check)
        body: bytes | None = None
        if resp.status == 304 and cached is not None:
            body = self.store.read(cached.path or "")
            if body is None:  # the cached copy is gone: ask again without validators
                resp = self.fetcher.get(task.url, check_hop=self._hop_check)
        if resp.error is not None or resp.status is None or not (200 <= resp.status < 300 or resp.status == 304):
            error = resp.error or f"http_{resp.status}"
            if error == "redirect_robots":
                with self._lock:
                    self.summary.disallowed += 1
            else:
                with self._lock:
                    self.summary.failed[error] += 1
            self._record(Entry(url=task.url, kind=self._entry_kind(task), status=resp.status, error=error,
                               final_url=resp.final_url, content_type=resp.content_type, depth=task.depth,
                               referrer=task.referrer, attempts=resp.attempts, elapsed_ms=resp.elapsed_ms,
                               fetched_at=_now(), extra={"redirects": resp.redirects} if resp.redirects else {}))
            return []
        if resp.status == 304 and cached is not None and body is not None:
            with self._lock:
                self.summary.not_modified += 1
            entry = Entry(url=task.url, kind=cached.kind, status=304, final_url=resp.final_url,
                          content_type=cached.content_type, size=cached.size, sha256=cached.sha256, path=cached.path,
                          fetched_at=_now(), etag=resp.headers.get("etag") or cached.etag,
                          last_modified=resp.headers.get("last-modified") or cached.last_modified, depth=task.depth,
                          referrer=task.referrer, attempts=resp.attempts, elapsed_ms=resp.elapsed_ms,
                          is_report=cached.is_report, revalidated=True)
            if entry.is_report and entry.path and entry.path.startswith("reports/"):
                with self._lock:
                    self._documents.add(entry.path)
            self._record(entry)
            return self._handle(task, entry, body, record=False)
        body = resp.body or b""
        with self._lock:
            self.summary.fetched += 1
        entry = Entry(url=task.url, kind=self._entry_kind(task), status=resp.status, final_url=resp.final_url,
                      content_type=resp.content_type, size=len(body), sha256=sha256(body).hexdigest(),
                      fetched_at=_now(), etag=resp.headers.get("etag"), last_modified=resp.headers.get("last-modified"),
                      depth=task.depth, referrer=task.referrer, attempts=resp.attempts, elapsed_ms=resp.elapsed_ms,
                      revalidated=resp.conditional, extra={"redirects": resp.redirects} if resp.redirects else {})
        return self._handle(task, entry, body, record=True)

    @staticmethod
    def _entry_kind(task: Task) -> str:
        return {"list": "list", "candidate": "page", "attachment": "attachment", "image": "image"}[task.kind]

    # -----------------------------------------------------------------------------------------
    # what a body yields

    def _is_html(self, entry: Entry, body: bytes, url: str) -> bool:
        ctype = (entry.content_type or "").split(";")[0].strip().lower()
        if C.is_attachment_url(url):
            return False
        if ctype in ("text/html", "application/xhtml+xml"):
            return True
        if ctype.startswith(("application/pdf", "application/msword", "application/vnd", "application/octet-stream")):
            return False
        try:
            return sniff(body[:4096], url) == "html"
        except OgiError:
            return False

    def _handle(self, task: Task, entry: Entry, body: bytes, *, record: bool) -> list[tuple[Task, int]]:
        url = entry.final_url or task.url
        if task.kind == "image":
            self._store_image(task, entry, body, record=record)
            return []
        if task.kind == "attachment" or not self._is_html(entry, body, url):
            if (task.kind == "list" and task.depth == 0) or task.kind in ("candidate", "attachment"):
                self._store_document(task, entry, body, record=record)
            elif record:
                self._record(entry)
            return []
        try:
            text, _enc = decode_bytes(body, source=url)
        except DecodeError:
            if record:
                entry.error = "undecodable"
                with self._lock:
                    self.summary.failed["undecodable"] += 1
                self._record(entry)
            return []
        links = parse_links(text, url)
        meta = self._page_meta(body, url) if task.kind == "candidate" or task.depth == 0 else {}
        in_column = task.in_column or C.has_report_token(url) or any(
            _COLUMN_HEAD.search(h) and not C.mentions_report(h) for h in [links.title or "", *links.headings])
        title = self._report_title(task, links, meta, in_column) if (task.kind == "candidate" or task.depth == 0) else None
        if links.other_schemes:
            with self._lock:
                self.summary.out_of_scope["scheme"] += links.other_schemes
        if title is not None:
            return self._report_page(task, entry, body, text, links, meta, title, record=record)
        if record:
            entry.kind = "list" if task.kind == "list" else "page"
            entry.path = self.store.put_page(entry.sha256 or sha256(body).hexdigest(), body)
            self._record(entry)
        if task.kind != "list":
            return []  # a page that is not a report (news): its links are not followed
        return self._list_children(task, links, in_column)

    def _list_children(self, task: Task, links: PageLinks, in_column: bool) -> list[tuple[Task, int]]:
        out: list[tuple[Task, int]] = []
        for link in links.links:
            text = link.text
            if link.pager or link.tag in ("iframe", "frame"):
                out.append((Task(url=link.url, kind="list", depth=task.depth + (0 if link.pager else 1),
                                 referrer=task.url, in_column=in_column), 2 if in_column else 4))
            elif C.is_attachment_url(link.url):
                if C.is_report_title(text, in_column=in_column):
                    out.append((Task(url=link.url, kind="candidate", depth=task.depth + 1, referrer=task.url,
                                     anchor=text, in_column=in_column, date=link.date), _PRIORITY["candidate"]))
            elif C.maybe_report_title(text, in_column=in_column) or (
                C.is_report_url(link.url) and not (C.mentions_report(text) and not C.maybe_report_title(text, in_column=True))
            ):
                out.append((Task(url=link.url, kind="candidate", depth=task.depth + 1, referrer=task.url, anchor=text,
                                 in_column=in_column, date=link.date), _PRIORITY["candidate"]))
            elif C.is_column_link(link.url, text):
                out.append((Task(url=link.url, kind="list", depth=task.depth + 1, referrer=task.url,
                                 in_column=C.has_report_token(link.url)), C.column_priority(link.url, text)))
        return out

    def _page_meta(self, body: bytes, url: str) -> dict[str, str]:
        """The HTML reader's info-card metadata (title, published, publisher, index_no, url)."""
        from extractor.readers.html import read

        try:
            doc = read(body, source=url, settings=DEFAULT_SETTINGS)
        except OgiError:
            return {}
        meta = dict(doc.metadata)
        text = doc.text()
        meta["_markers"] = str(sum(1 for w in _REPORT_MARKERS if w in text))
        return meta

    def _report_title(self, task: Task, links: PageLinks, meta: dict[str, str], in_column: bool) -> str | None:
        """The page's report title, or None when the page is not a report.

        Headline candidates are the ``<title>`` (split at site-name separators), ``ArticleTitle``
        and ``h1``/``h2`` outside links. A headline that mentions a report but is not a report
        title (``图解：…年度报告``, ``…年度报告解读``) vetoes the page."""
        heads = [h for h in (p.strip() for p in _TITLE_SPLIT.split(links.title or "")) if h] + links.headings
        if any(C.mentions_report(h) and not C.is_report_title(h, in_column=in_column) for h in heads):
            return None
        for cand in [*links.headings, *heads, meta.get("title") or ""]:
            if C.is_report_title(cand, in_column=in_column):
                return C.clean_title(cand)
        if not any(C.mentions_report(h) for h in heads) and C.is_report_title(task.anchor, in_column=in_column) \
                and task.kind == "candidate":
            return C.clean_title(task.anchor)
        return None

    def _sidecar_meta(self, task: Task, entry: Entry, title: str | None, meta: dict[str, str], kind: str) -> dict[str, Any]:
        published_raw = meta.get("published") or task.date
        return {
            "sha256": entry.sha256, "kind": kind, "url": task.url, "urls": [task.url],
            "final_url": entry.final_url if entry.final_url != task.url else None,
            "page_url": (task.page or {}).get("url") if kind == "attachment" else None,
            "title": title, "published": _iso_date(published_raw) or _iso_date(task.date),
            "published_raw": published_raw, "publisher": meta.get("publisher"), "index_no": meta.get("index_no"),
            "anchor": task.anchor or None, "list_date": task.date, "content_type": entry.content_type,
            "fetched_at": entry.fetched_at, "crawler": f"{AGENT} {__version__}",
        }

    @staticmethod
    def _ext(url: str, body: bytes) -> str:
        suffix = C.suffix_of(url)
        if suffix in C.ATTACHMENT_SUFFIXES or suffix in (".html", ".htm", ".shtml"):
            return suffix
        try:
            fmt = sniff(body[:4096], url)
        except OgiError:
            fmt = ""
        return _EXT_BY_FORMAT.get(fmt, ".bin")

    def _store_document(self, task: Task, entry: Entry, body: bytes, *, record: bool,
                        title: str | None = None, meta: dict[str, str] | None = None, ext: str | None = None) -> None:
        """Store report bytes once (by sha256) with a sidecar; record the fetch."""
        page = task.page or {}
        meta = meta if meta is not None else {k: v for k, v in page.items() if isinstance(v, str) and k[:1] != "_"}
        name = title
        if title is None:
            title = C.clean_title(task.anchor) if C.is_report_title(task.anchor, in_column=True) else page.get("title")
            name = title
            if task.kind == "attachment" and not task.anchor and int(page.get("_files") or 1) > 1:
                name = f"{title}-{C.suffix_stem(task.url)}"  # an annex: the report's name plus the file's own
        kind = "attachment" if task.kind == "attachment" else ("page" if ext == ".html" else "document")
        sha = entry.sha256 or sha256(body).hexdigest()
        if record or entry.path is None:
            url = entry.final_url or task.url
            before = self.manifest.latest.get(task.url)
            rel, new = self.store.put_document(sha, body, name, url, ext or self._ext(url, body),
                                               known=self.manifest.by_sha.get(sha))
            entry.path = rel
            entry.sha256 = sha
            entry.is_report = True
            entry.kind = "attachment" if task.kind == "attachment" else "report"
            self.store.sidecar(rel, self._sidecar_meta(task, entry, title, meta, kind))
            with self._lock:
                self.manifest.by_sha.setdefault(sha, rel)
                if new:
                    self.summary.new_documents.append(rel)
                elif before is None or before.sha256 != sha:
                    self.summary.duplicate_urls += 1  # these bytes were already stored from another URL
                self._documents.add(rel)
            self._record(entry)
        elif entry.path:
            with self._lock:
                self._documents.add(entry.path)

    def _store_image(self, task: Task, entry: Entry, body: bytes, *, record: bool) -> None:
        """Store a page image beside its page (``reports/<page>_files/``); anything but an image is dropped."""
        into = str((task.page or {}).get("_into") or "")
        if record:
            if into and is_image(body):
                entry.path = f"{into}/{file_name(entry.final_url or task.url)}"
                self.store.put_file(entry.path, body)
            else:
                entry.error = "not_an_image"
            self._record(entry)

    def _report_page(self, task: Task, entry: Entry, body: bytes, text: str, links: PageLinks, meta: dict[str, str],
                     title: str, *, record: bool) -> list[tuple[Task, int]]:
        files = [ln for ln in links.links if C.is_attachment_url(ln.url) or
                 (ln.tag in ("embed", "object") and not ln.url.endswith((".html", ".htm")))]
        holds = int(meta.get("_markers", "0")) >= 3
        page_meta = {k: v for k, v in meta.items() if not k.startswith("_")}
        page_meta["title"] = title
        page_meta["url"] = task.url
        page_meta["_files"] = str(len(files))
        if record:
            if holds or not files:
                self._store_document(task, entry, body, record=True, title=title, meta=page_meta, ext=".html")
            else:  # a wrapper: the attachment is the report; keep the page out of `ogi batch`'s way
                entry.kind = "report"
                entry.is_report = False
                entry.path = self.store.put_page(entry.sha256 or sha256(body).hexdigest(), body)
                entry.extra["wrapper"] = True
                self._record(entry)
        out: list[tuple[Task, int]] = []
        if not holds and not files and entry.path and entry.path.startswith("reports/"):
            # a "图片版" page: its body images are the report's pages (read by OCR)
            into = folder_for(entry.path)
            for img in image_urls(text, entry.final_url or task.url):
                out.append((Task(url=img, kind="image", depth=task.depth + 1, referrer=task.url,
                                 page={"_into": into}), _PRIORITY["image"]))
        for ln in files:
            anchor = ln.text if C.is_report_title(ln.text, in_column=True) else ""
            out.append((Task(url=ln.url, kind="attachment", depth=task.depth + 1, referrer=task.url, anchor=anchor,
                             in_column=True, date=task.date, page={**page_meta, "published": page_meta.get("published")
                                                                   or task.date or ""}), _PRIORITY["attachment"]))
        for ln in links.links:
            if not C.is_attachment_url(ln.url) and C.is_report_title(ln.text) and ln.url != task.url:
                out.append((Task(url=ln.url, kind="candidate", depth=task.depth + 1, referrer=task.url, anchor=ln.text,
                                 date=ln.date), _PRIORITY["candidate"]))
        del text
        return out


def crawl(start_urls: Iterable[str], out: str | Path, config: CrawlConfig = CrawlConfig(), *,
          on_entry: EntryHook | None = None, on_request: Callable[[str, str], None] | None = None,
          on_progress: ProgressHook | None = None) -> CrawlSummary:
    """Crawl ``start_urls`` into the folder ``out`` (see :mod:`extractor.crawl`)."""
    return Crawler(start_urls, out, config, on_entry=on_entry, on_request=on_request, on_progress=on_progress).run()
