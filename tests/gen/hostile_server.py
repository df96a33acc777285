"""A hostile web server on loopback for fuzzing the crawler (issue 13, items 6–8).

Each path's response is drawn from a seed: honest report and list pages, nested and bombed
``Content-Encoding`` stacks (gzip/deflate up to three deep, inflating to hundreds of MB), headers or
bodies dripped a byte at a time, lying ``Content-Length``, connections dropped mid-body, titles of
4-byte characters and bidi controls, redirect loops. :func:`crawl_round` crawls one such site and
checks the contract: ``crawl`` returns (nothing escapes), within a time bound, with bounded memory,
and every URL it requested has a manifest line.

Only 127.0.0.1 is listened on and contacted; the server stops by itself.
"""

from __future__ import annotations

import gzip
import json
import random
import socket
import threading
import time
import traceback
import tracemalloc
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ORG = "某某县人民政府"
MAX_TIME = 2.0
"""The crawler's per-response deadline in a fuzz round (``CrawlConfig.max_time``)."""
MAX_BYTES = 8 << 20
PEAK_MB = 200
"""Python heap peak allowed to one round (tracemalloc): a bomb decoded whole would pass it."""


def _bomb(total: int) -> bytes:
    z = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    block = b"<p>" + b"\0" * ((1 << 20) - 3)
    return b"".join(z.compress(block) for _ in range(total >> 20)) + z.flush()


def _deflate(data: bytes, raw: bool) -> bytes:
    z = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS if raw else zlib.MAX_WBITS)
    return z.compress(data) + z.flush()


@dataclass
class Reply:
    status: str = "200 OK"
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drip_headers: float = 0.0
    """Seconds between header bytes (0: sent at once)."""
    drip_body: float = 0.0
    drop_after: int | None = None
    """Close the connection after this many body bytes."""
    lie_length: int | None = None


def _page(title: str, links: str = "", body: str = "") -> bytes:
    return (f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{title}</title></head><body>"
            f"<h1>{title}</h1>{body}{links}</body></html>").encode()


def _title(rng: random.Random, year: int) -> str:
    organ = rng.choice((ORG, "𠀀" * rng.choice((1, 60, 100)), f"{ORG}\u202egnp.exe\u202c", "  县  " * 50, "示例局/..\\x"))
    suffix = rng.choice(("", "-沭阳县发改局", "_某某县人民政府", " | 门户网站", "（图片版）"))
    return f"{organ}{year}年政府信息公开工作年度报告{suffix}"


def draw_site(rng: random.Random, n_pages: int = 8) -> dict[str, Reply]:
    """Path → reply for one hostile site: a root list linking ``n_pages`` report pages."""
    replies: dict[str, Reply] = {"/robots.txt": Reply("404 Not Found", b"")}
    items = []
    for i in range(n_pages):
        title = _title(rng, 2015 + i)
        items.append(f"<li><a href='/r{i}.html'>{title}</a><span>2024-01-2{i % 10}</span></li>")
        replies[f"/r{i}.html"] = _hostile(rng, _page(title, body="<p>一、总体情况</p><p>本机关认真贯彻落实条例。</p>" * 20))
    root = _page("政府信息公开年报", links="<ul>" + "".join(items) + "</ul>")
    replies["/"] = Reply(body=root, headers={"Content-Type": "text/html; charset=utf-8"})
    return replies


def _hostile(rng: random.Random, page: bytes) -> Reply:
    kind = rng.choice(("honest", "gzip", "nested", "bomb", "nested-bomb", "triple", "deflate", "drip-headers",
                       "drip-body", "drop", "lie", "bad-gzip", "unknown-encoding", "redirect-loop"))
    r = Reply(body=page, headers={"Content-Type": "text/html; charset=utf-8"})
    if kind == "gzip":
        r.body, r.headers["Content-Encoding"] = gzip.compress(page), "gzip"
    elif kind == "nested":
        r.body, r.headers["Content-Encoding"] = gzip.compress(gzip.compress(page)), "gzip, gzip"
    elif kind == "bomb":
        r.body, r.headers["Content-Encoding"] = _bomb(rng.choice((16, 128)) << 20), "gzip"
    elif kind == "nested-bomb":
        r.body, r.headers["Content-Encoding"] = gzip.compress(_bomb(rng.choice((64, 512)) << 20), 9), "gzip, gzip"
    elif kind == "triple":
        r.body, r.headers["Content-Encoding"] = gzip.compress(gzip.compress(gzip.compress(page))), "gzip, gzip, gzip"
    elif kind == "deflate":
        r.body, r.headers["Content-Encoding"] = _deflate(page, raw=rng.random() < 0.5), "deflate"
    elif kind == "drip-headers":
        r.drip_headers = rng.choice((0.05, 0.2))
    elif kind == "drip-body":
        r.drip_body = rng.choice((0.05, 0.2))
    elif kind == "drop":
        r.drop_after = rng.randrange(max(1, len(page)))
    elif kind == "lie":
        r.lie_length = len(page) + rng.choice((-100, 1000, 10**12))
    elif kind == "bad-gzip":
        z = bytearray(gzip.compress(page))
        for _ in range(5):
            z[rng.randrange(10, len(z))] ^= 0xFF
        r.body, r.headers["Content-Encoding"] = bytes(z), "gzip"
    elif kind == "unknown-encoding":
        r.headers["Content-Encoding"] = "br"
    elif kind == "redirect-loop":
        r.status, r.body, r.headers["Location"] = "302 Found", b"", "/loop-a"
    return r


class HostileServer:
    """Serves :func:`draw_site`'s replies on 127.0.0.1 until stopped (or ``lifetime`` seconds)."""

    def __init__(self, replies: dict[str, Reply], lifetime: float = 120.0) -> None:
        replies.setdefault("/loop-a", Reply("302 Found", b"", {"Location": "/loop-b"}))
        replies.setdefault("/loop-b", Reply("302 Found", b"", {"Location": "/loop-a"}))
        self.replies = replies
        self.requested: set[str] = set()
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(32)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.until = time.monotonic() + lifetime
        self.stopped = threading.Event()
        self.thread = threading.Thread(target=self._loop, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

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
            while b"\r\n\r\n" not in data and len(data) < 65536:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                data += chunk
            path = data.split(b" ", 2)[1].decode("latin-1")
            self.requested.add(path)
            r = self.replies.get(path, Reply("404 Not Found", b""))
            length = r.lie_length if r.lie_length is not None else len(r.body)
            head = f"HTTP/1.1 {r.status}\r\nContent-Length: {length}\r\nConnection: close\r\n"
            head += "".join(f"{k}: {v}\r\n" for k, v in r.headers.items()) + "\r\n"
            self._write(conn, head.encode("latin-1"), r.drip_headers)
            body = r.body if r.drop_after is None else r.body[: r.drop_after]
            self._write(conn, body, r.drip_body)
        except OSError:
            pass
        finally:
            conn.close()

    def _write(self, conn: socket.socket, data: bytes, drip: float) -> None:
        if not drip:
            conn.sendall(data)
            return
        for i in range(len(data)):
            if self.stopped.is_set():
                return
            conn.sendall(data[i : i + 1])
            time.sleep(drip)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)


@dataclass
class CrawlOutcome:
    seed: int
    ok: bool
    detail: str = ""
    elapsed: float = 0.0
    peak_mb: float = 0.0
    requests: int = 0


def crawl_round(seed: int, out: Path, *, n_pages: int = 8, time_limit: float = 90.0,
                draw: Callable[[random.Random, int], dict[str, Reply]] = draw_site) -> CrawlOutcome:
    """Crawl one hostile site drawn from ``seed`` into ``out`` and check the contract."""
    from extractor.crawl import CrawlConfig, crawl

    rng = random.Random(seed)
    server = HostileServer(draw(rng, n_pages))
    config = CrawlConfig(rate=100.0, concurrency=2, timeout=1.0, max_time=MAX_TIME, retries=1, backoff=0.05,
                         max_bytes=MAX_BYTES, contact="fuzz@example.org", trust_env=False, max_pages=50)
    t0 = time.monotonic()
    tracemalloc.start()
    try:
        summary = crawl([server.url("/")], out, config)
    except BaseException as exc:  # the contract: nothing escapes
        if isinstance(exc, KeyboardInterrupt):
            raise
        return CrawlOutcome(seed, False, "".join(traceback.format_exception(exc, limit=8))[-2000:],
                            time.monotonic() - t0)
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        server.stop()
    elapsed = time.monotonic() - t0
    outcome = CrawlOutcome(seed, True, elapsed=elapsed, peak_mb=peak / 2**20, requests=summary.requests)
    lines = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    urls = {e["url"] for e in lines}
    asked = [p for p in server.requested if p == "/" or p.startswith("/r")]
    missing = [p for p in asked if server.url(p) not in urls]
    problems = []
    if missing:
        problems.append(f"no manifest line for {missing}")
    if elapsed > time_limit:
        problems.append(f"took {elapsed:.0f} s")
    if outcome.peak_mb > PEAK_MB:
        problems.append(f"peak {outcome.peak_mb:.0f} MB")
    long_names = [p.name for p in (out / "reports").iterdir() if len(p.name.encode()) > 255]
    if long_names:
        problems.append(f"names over 255 bytes: {long_names[:2]}")
    if problems:
        outcome.ok, outcome.detail = False, "; ".join(problems)
    return outcome
