"""The crawler against hostile servers and names (issue 13, items 6–12), each reproduced first.

Every server here listens on the loopback interface (127.0.0.1 or [::1]) and stops by itself; no
test sends a packet anywhere else (the private addresses of item 9 are only ever *resolved*, by a
fake resolver, and a fake network backend records what would have been connected to).
"""

from __future__ import annotations

import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpcore
import pytest
from test_crawl import ORG, Site, fast, report_page, serve

from extractor.crawl import CrawlConfig, crawl
from extractor.crawl.crawler import Crawler
from extractor.crawl.fetch import Fetcher
from extractor.crawl.links import normalize_url
from extractor.crawl.net import GuardedBackend
from extractor.crawl.policy import RateLimiter, Robots, Scope
from extractor.crawl.store import readable_name


def _manifest(out: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]


def _direct(**kw: Any) -> CrawlConfig:
    """Like test_crawl's ``fast`` but through the crawler's own guarded transport."""
    base: dict[str, Any] = dict(rate=50.0, concurrency=2, timeout=1.0, retries=0, backoff=0.05,
                                contact="tests@example.org", trust_env=False)
    base.update(kw)
    return CrawlConfig(**base)


class RawServer:
    """A loopback TCP server whose handler writes raw HTTP (dripping, hostile encodings). Each
    connection is served in a thread; everything stops after ``lifetime`` seconds."""

    def __init__(self, handler: Any, host: str = "127.0.0.1", lifetime: float = 30.0) -> None:
        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind((host, 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.host = host
        self.handler = handler
        self.until = time.monotonic() + lifetime
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        h = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{h}:{self.port}{path}"

    def _loop(self) -> None:
        while not self.stopped.is_set() and time.monotonic() < self.until:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            threading.Thread(target=self._serve, args=(conn,), daemon=True).start()
        self.sock.close()

    def _serve(self, conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode()
            self.handler(conn, path, self)
        except OSError:
            pass
        finally:
            conn.close()

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)


def _send(conn: socket.socket, status: str, body: bytes, headers: dict[str, str] | None = None) -> None:
    head = f"HTTP/1.1 {status}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n"
    for k, v in (headers or {}).items():
        head += f"{k}: {v}\r\n"
    conn.sendall(head.encode() + b"\r\n" + body)


@pytest.fixture
def raw() -> Iterator[list[RawServer]]:
    servers: list[RawServer] = []
    yield servers
    for s in servers:
        s.stop()


# ------------------------------------------------------------------ 6. nested gzip, decoded-size limit


def _gzip_of_zeros(total: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"\0" * (1 << 20)
    return b"".join(z.compress(block) for _ in range(total >> 20)) + z.flush()


def test_nested_gzip_is_stopped_at_the_byte_limit_while_decoding(raw: list[RawServer], tmp_path: Path) -> None:
    """``Content-Encoding: gzip, gzip`` over a few KB inflating to 256 MiB: httpx inflated each
    network chunk whole (the review's 10 GiB case reached 3.8 GB and a MemoryError traceback).
    Now decoding stops at ``max_bytes``, the URL is recorded as failed, the crawl goes on."""
    bomb = gzip.compress(_gzip_of_zeros(256 << 20), 9)
    assert len(bomb) < 64_000

    def handler(conn: socket.socket, path: str, _s: RawServer) -> None:
        if path == "/":
            links = "".join(f"<li><a href='/r{i}.html'>{ORG}202{i}年政府信息公开工作年度报告</a></li>" for i in (3, 4))
            _send(conn, "200 OK", f"<html><head><title>年报</title></head><body><ul>{links}</ul></body></html>".encode(),
                  {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/r3.html":
            _send(conn, "200 OK", bomb, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip"})
        elif path == "/r4.html":
            page = report_page(f"{ORG}2024年政府信息公开工作年度报告", 4, date="2025-01-20", index_no="X-4")
            _send(conn, "200 OK", gzip.compress(page), {"Content-Type": "text/html; charset=utf-8",
                                                         "Content-Encoding": "gzip"})
        else:
            _send(conn, "404 Not Found", b"")

    server = RawServer(handler)
    raw.append(server)
    out = tmp_path / "c"
    tracemalloc.start()
    try:
        summary = crawl([server.url("/")], out, _direct(max_bytes=4 << 20))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 48 << 20, f"peak {peak >> 20} MB"
    lines = {normalize_url(e["url"]): e for e in _manifest(out)}
    assert lines[server.url("/r3.html")]["error"] == "too_large"
    assert summary.failed["too_large"] == 1
    assert len(summary.documents) == 1  # the honest gzip page next to it is stored


def test_too_many_encodings_are_refused(raw: list[RawServer], tmp_path: Path) -> None:
    body = gzip.compress(gzip.compress(gzip.compress(b"<html><body>x</body></html>")))

    def handler(conn: socket.socket, path: str, _s: RawServer) -> None:
        if path == "/":
            _send(conn, "200 OK", body, {"Content-Type": "text/html", "Content-Encoding": "gzip, gzip, gzip"})
        else:
            _send(conn, "404 Not Found", b"")

    server = RawServer(handler)
    raw.append(server)
    summary = crawl([server.url("/")], tmp_path / "c", _direct())
    assert summary.failed["too_many_encodings"] == 1


def test_an_unexpected_error_on_one_url_is_recorded_and_the_crawl_goes_on(
    site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    titles = [f"{ORG}{y}年政府信息公开工作年度报告" for y in (2022, 2023)]
    site.add("/", "<html><body>" + "".join(f"<a href='/r{i}.html'>{t}</a>" for i, t in enumerate(titles)) + "</body></html>")
    for i, t in enumerate(titles):
        site.add(f"/r{i}.html", report_page(t, i, date="2024-01-20", index_no=f"X-{i}"))
    original = Crawler._handle

    def flaky(self: Crawler, task: Any, entry: Any, body: bytes, *, record: bool) -> Any:
        if task.url.endswith("/r0.html"):
            raise OSError(36, "File name too long")
        return original(self, task, entry, body, record=record)

    monkeypatch.setattr(Crawler, "_handle", flaky)
    out = tmp_path / "c"
    summary = crawl([site.url("/")], out, fast())
    assert summary.failed["internal_error"] == 1 and len(summary.documents) == 1
    bad = [e for e in _manifest(out) if e["url"].endswith("/r0.html")]
    assert bad and bad[-1]["error"] == "internal_error" and "File name too long" in bad[-1]["extra"]["exception"]


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield from serve(s)


# ------------------------------------------------------------------ 7. file names


@pytest.mark.parametrize("title", [
    "𠀀" * 60 + "2024年政府信息公开工作年度报告",
    f"{ORG}\u202egnp.exe\u202c2024年政府信息公开工作年度报告",
])
def test_stored_names_are_cut_by_bytes_and_lose_bidi_controls(site: Site, tmp_path: Path, title: str) -> None:
    """Sixty 4-byte characters made the temporary name pass 255 bytes: ``OSError: File name too
    long``, and every rerun crashed the same way. U+202E would make a listed name lie."""
    site.add("/", f"<html><body><a href='/r.html'>{title}</a></body></html>")
    site.add("/r.html", report_page(title, 3, date="2025-01-20", index_no="X-7"))
    out = tmp_path / "c"
    for _ in range(2):  # the rerun finds it stored
        summary = crawl([site.url("/")], out, fast())
        assert len(summary.documents) == 1 and not summary.failed
    for p in (out / "reports").iterdir():
        assert len(p.name.encode()) <= 200, p.name
        assert not any(ch in p.name for ch in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def test_readable_name_cuts_at_a_character_boundary() -> None:
    name = readable_name("𠀀" * 60 + "报告", "x", limit=121)
    assert len(name.encode()) <= 121 and name == "𠀀" * 30
    assert readable_name("\u202e\u2066", "page.html") == "page.html"


# ------------------------------------------------------------------ 8. one deadline per response


def test_headers_dripped_one_byte_at_a_time_end_at_the_deadline(raw: list[RawServer], tmp_path: Path) -> None:
    """Headers at one byte every 0.2 s (under the 1 s read timeout) held a connection for minutes:
    the time limit covered only the body. Now status line, headers and body share ``max_time``."""

    def handler(conn: socket.socket, path: str, s: RawServer) -> None:
        if path == "/robots.txt":
            _send(conn, "404 Not Found", b"")
            return
        conn.sendall(b"HTTP/1.1 200 OK\r\n")
        end = time.monotonic() + 20
        while time.monotonic() < end and not s.stopped.is_set():
            conn.sendall(b"X")
            time.sleep(0.2)

    server = RawServer(handler)
    raw.append(server)
    out = tmp_path / "c"
    t0 = time.monotonic()
    summary = crawl([server.url("/")], out, _direct(max_time=2.0, timeout=1.0, retries=2))
    assert time.monotonic() - t0 < 10
    assert summary.failed["too_slow"] == 1
    assert [e["error"] for e in _manifest(out) if e["kind"] != "robots"] == ["too_slow"]


# ------------------------------------------------------------------ 9. private addresses through siblings


class _Recorder(httpcore.NetworkBackend):
    """Records where a connection would go, and connects nowhere."""

    def __init__(self) -> None:
        self.attempts: list[str] = []

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Any = None) -> httpcore.NetworkStream:
        self.attempts.append(host)
        raise httpcore.ConnectError("recorded, not connected")


_DNS = {"www.t.gov.cn": ["127.0.0.1"], "a.t.gov.cn": ["10.0.0.1"], "b.t.gov.cn": ["169.254.169.254"],
        "c.t.gov.cn": ["192.168.1.1"], "d.t.gov.cn": ["127.0.0.2"], "e.t.gov.cn": ["1.2.3.4", "10.0.0.9"],
        "f.t.gov.cn": ["1.2.3.5"]}


def test_a_private_start_address_does_not_open_private_siblings() -> None:
    """A loopback start URL switched the private-address check off for every sibling host."""
    scope = Scope(["http://www.t.gov.cn:8000/"], allow_gov_siblings=True, resolver=lambda h: _DNS[h])
    assert scope.why_not("http://www.t.gov.cn:8000/x") is None
    for host in "abcde":
        assert scope.why_not(f"http://{host}.t.gov.cn/x") == "private_address", host
    assert scope.why_not("http://f.t.gov.cn/x") is None
    assert scope.addresses("www.t.gov.cn") == ["127.0.0.1"]


def test_connections_go_to_the_checked_address_without_a_second_lookup() -> None:
    """DNS rebinding: the name resolves to a public address for the check, then to 10.0.0.1."""
    answers = iter([["1.2.3.5"], ["10.0.0.1"], ["10.0.0.1"]])
    lookups: list[str] = []

    def resolver(host: str) -> list[str]:
        lookups.append(host)
        return next(answers)

    scope = Scope(["http://f.t.gov.cn/"], resolver=resolver)
    recorder = _Recorder()
    backend = GuardedBackend(scope.addresses, inner=recorder)
    for _ in range(2):
        with pytest.raises(httpcore.ConnectError):
            backend.connect_tcp("f.t.gov.cn", 80)
    assert recorder.attempts == ["1.2.3.5", "1.2.3.5"] and lookups == ["f.t.gov.cn"]
    private = Scope(["http://www.t.gov.cn:8000/"], allow_gov_siblings=True, resolver=lambda h: _DNS[h])
    recorder = _Recorder()
    with pytest.raises(httpcore.ConnectError, match="no address"):
        GuardedBackend(private.addresses, inner=recorder).connect_tcp("a.t.gov.cn", 80)
    assert recorder.attempts == []


def test_the_fetcher_reports_a_refused_address(monkeypatch: pytest.MonkeyPatch) -> None:
    scope = Scope(["http://www.t.gov.cn:8000/"], allow_gov_siblings=True, resolver=lambda h: _DNS[h])
    fetcher = Fetcher(user_agent="t", limiter=RateLimiter(100.0), retries=0, trust_env=False, addresses=scope.addresses)
    try:
        resp = fetcher.get("http://a.t.gov.cn/x")
    finally:
        fetcher.close()
    assert resp.error == "private_address" and resp.attempts == 1


# ------------------------------------------------------------------ 10. IPv6 literals


def _ipv6_loopback() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as s:
            s.bind(("::1", 0))
        return True
    except OSError:
        return False


def test_ipv6_literal_urls_keep_their_brackets() -> None:
    assert normalize_url("http://[::1]:8123/a") == "http://[::1]:8123/a"
    assert normalize_url("HTTP://[2001:DB8::1]/") == "http://[2001:db8::1]/"
    assert Scope(["http://[::1]:8123/"]).why_not("http://[::1]:8123/b") is None


@pytest.mark.skipif(not _ipv6_loopback(), reason="no IPv6 loopback here")
def test_crawl_of_an_ipv6_loopback_site(raw: list[RawServer], tmp_path: Path) -> None:
    """``http://[::1]:port/`` failed: "Port could not be cast to integer"."""
    title = f"{ORG}2024年政府信息公开工作年度报告"
    page = report_page(title, 4, date="2025-01-20", index_no="X-10")

    def handler(conn: socket.socket, path: str, _s: RawServer) -> None:
        if path == "/":
            _send(conn, "200 OK", f"<html><body><a href='/r.html'>{title}</a></body></html>".encode(),
                  {"Content-Type": "text/html; charset=utf-8"})
        elif path == "/r.html":
            _send(conn, "200 OK", page, {"Content-Type": "text/html; charset=utf-8"})
        else:
            _send(conn, "404 Not Found", b"")

    server = RawServer(handler, host="::1")
    raw.append(server)
    summary = crawl([server.url("/")], tmp_path / "c", _direct())
    assert not summary.failed and len(summary.documents) == 1


# ------------------------------------------------------------------ 11. robots.txt (RFC 9309)


def test_robots_wildcards_and_longest_match() -> None:
    """urllib.robotparser ignored ``*`` and ``$`` and took the first matching rule."""
    text = "User-agent: *\nDisallow: /*.pdf$\nAllow: /zwgk/\nDisallow: /zwgk/tmp/\nAllow: /private/open.html\nDisallow: /private/\n"
    robots = Robots("ogi-crawl", lambda url: (200, text), RateLimiter(10.0))
    assert not robots.allowed("http://h/a/b.pdf")
    assert robots.allowed("http://h/a/b.pdf?download=1")  # "$": the path must end there
    assert not robots.allowed("http://h/zwgk/tmp/a.html")
    assert robots.allowed("http://h/zwgk/a.html")
    assert robots.allowed("http://h/private/open.html") and not robots.allowed("http://h/private/x.html")


def test_robots_agent_groups() -> None:
    text = "User-agent: ogi-crawl\nDisallow: /nb/\n\nUser-agent: *\nDisallow: /\n"
    robots = Robots("ogi-crawl", lambda url: (200, text), RateLimiter(10.0))
    assert robots.allowed("http://h/xxgk/") and not robots.allowed("http://h/nb/a.html")


# ------------------------------------------------------------------ 12. site-name suffixes in titles


@pytest.mark.parametrize("sep", ["-", "_", "|", "－", " - "])
def test_a_report_page_titled_with_a_site_suffix_is_stored(site: Site, tmp_path: Path, sep: str) -> None:
    """``…2023年政府信息公开年度报告-沭阳县发改局``: the title with the site's name mentioned a
    report without being a report title, which vetoed the page."""
    title = "沭阳县发展和改革局2023年政府信息公开年度报告"
    page = report_page(title, 5, date="2024-01-20", index_no="X-12").decode("utf-8")
    page = page.replace(f"<title>{title}_{ORG}</title>", f"<title>{title}{sep}沭阳县发改局</title>")
    page = page.replace(f"<meta name='ArticleTitle' content='{title}'>", "")
    site.add("/", f"<html><body><a href='/r.html'>{title}</a></body></html>")
    site.add("/r.html", page)
    summary = crawl([site.url("/")], tmp_path / "c", fast())
    assert len(summary.documents) == 1, summary.line()
    sidecar = json.loads((tmp_path / "c" / (summary.documents[0] + ".json")).read_text(encoding="utf-8"))
    assert sidecar["title"].startswith("沭阳县发展和改革局2023年") and "发改局" not in sidecar["title"][9:]


def test_a_long_run_of_spaces_in_a_page_title_is_linear() -> None:
    from extractor.crawl.crawler import _TITLE_SPLIT

    t0 = time.perf_counter()
    parts = _TITLE_SPLIT.split("某县2023年政府信息公开工作年度报告" + "\t" * 200_000 + "x")
    assert time.perf_counter() - t0 < 1 and len(parts) == 1


def test_js_pager_variables_are_linear_on_long_runs() -> None:
    from extractor.crawl.links import js_pager_pages

    script = " " * 200_000 + "a" * 200_000 + "\nvar countPage = 3;\ncreatePageHTML(countPage, 0, 'index', 'html');"
    t0 = time.perf_counter()
    pages = js_pager_pages(script, "http://h/nb/")
    assert time.perf_counter() - t0 < 1
    assert pages == ["http://h/nb/index.html", "http://h/nb/index_1.html", "http://h/nb/index_2.html"]
