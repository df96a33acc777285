"""HTTP fetching with httpx: retries with exponential backoff, bounded redirects, size and time
limits, conditional requests, and the per-host rate limit on every attempt.

Every response has one deadline (``max_time``) for its status line, headers and body together, and
its body is decoded here under the byte limit (see :mod:`extractor.crawl.net`).

Redirects are followed here, not by httpx, so that every hop is checked against the crawl's scope
(another host, another scheme, a private address) and robots.txt, and a loop is recognised as soon
as a URL repeats.
"""

from __future__ import annotations

import email.utils
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import httpx

from extractor.crawl import net
from extractor.crawl.links import normalize_url
from extractor.crawl.policy import RateLimiter, host_of

__all__ = ["Fetcher", "Response"]

_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_RETRY_STATUS = frozenset({429, 500, 502, 503, 504, 520, 521, 522, 523, 524})


@dataclass(slots=True)
class Response:
    url: str
    final_url: str
    status: int | None = None
    error: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0
    redirects: list[str] = field(default_factory=list)
    conditional: bool = False

    @property
    def content_type(self) -> str | None:
        return self.headers.get("content-type")


HopCheck = Callable[[str], "str | None"]
"""Returns a reason (``off_site``, ``robots`` …) when a redirect target must not be followed."""
RequestHook = Callable[[str, str], None]
"""Called with ``(host, url)`` just before each request leaves (tests measure the rate with it)."""


class Fetcher:
    def __init__(self, *, user_agent: str, limiter: RateLimiter, timeout: float = 30.0, max_time: float = 120.0,
                 max_bytes: int = 64 * 1024 * 1024, retries: int = 3, backoff: float = 1.0,
                 max_backoff: float = 60.0, max_redirects: int = 5, trust_env: bool = True,
                 transport: Any = None, on_request: RequestHook | None = None,
                 addresses: net.AddressLookup | None = None) -> None:
        self.limiter = limiter
        self.max_time = max_time
        self.max_bytes = max_bytes
        self.retries = max(0, retries)
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.max_redirects = max_redirects
        self.on_request = on_request
        self.requests = 0
        self._count = threading.Lock()
        limits = httpx.Limits(max_connections=16, max_keepalive_connections=8)
        if transport is None and addresses is not None and not (trust_env and _env_proxies()):
            # direct connections: to checked addresses only, each read and write within the deadline
            transport = net.GuardedTransport(addresses, limits=limits)
        self.client = httpx.Client(
            headers={"User-Agent": user_agent, "Accept": "text/html,application/xhtml+xml,*/*;q=0.8",
                     "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5", "Accept-Encoding": net.ACCEPT_ENCODING},
            timeout=httpx.Timeout(timeout, connect=min(timeout, 15.0)),
            follow_redirects=False,
            trust_env=trust_env,
            transport=transport,
            limits=limits,
        )

    def close(self) -> None:
        self.client.close()

    def get(self, url: str, *, etag: str | None = None, last_modified: str | None = None,
            check_hop: HopCheck | None = None) -> Response:
        t0 = time.monotonic()
        headers: dict[str, str] = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        chain = [url]
        current = url
        attempts = 0
        while True:
            status, error, resp_headers, body, n = self._attempts(current, headers)
            attempts += n
            location = resp_headers.get("location")
            if status in _REDIRECTS and location:
                target = normalize_url(urljoin(current, location))
                reason: str | None = None
                if target in chain:
                    reason = "redirect_loop"
                elif len(chain) > self.max_redirects:
                    reason = "too_many_redirects"
                elif check_hop is not None:
                    why = check_hop(target)
                    reason = f"redirect_{why}" if why else None
                if reason is not None:
                    return Response(url=url, final_url=target, status=status, error=reason, headers=resp_headers,
                                    attempts=attempts, elapsed_ms=_ms(t0), redirects=[*chain[1:], target],
                                    conditional=bool(headers))
                chain.append(target)
                current = target
                continue
            return Response(url=url, final_url=current, status=status, error=error, headers=resp_headers, body=body,
                            attempts=attempts, elapsed_ms=_ms(t0), redirects=chain[1:], conditional=bool(headers))

    def _attempts(self, url: str, headers: dict[str, str]) -> tuple[int | None, str | None, dict[str, str], bytes | None, int]:
        host = host_of(url)
        last: tuple[int | None, str | None, dict[str, str]] = (None, "network", {})
        wait = 0.0
        for attempt in range(self.retries + 1):
            if attempt:
                time.sleep(min(self.max_backoff, max(wait, self.backoff * 2 ** (attempt - 1))))
            wait = 0.0
            self.limiter.wait(host)
            with self._count:
                self.requests += 1
            if self.on_request is not None:
                self.on_request(host, url)
            end = time.monotonic() + self.max_time  # one deadline for status line, headers and body
            try:
                with net.deadline(end), self.client.stream("GET", url, headers=headers) as r:
                    got = {k.lower(): v for k, v in r.headers.items()}
                    status = r.status_code
                    if status in _RETRY_STATUS:
                        last = (status, f"http_{status}", got)
                        wait = _retry_after(got.get("retry-after"))
                        continue
                    if status in _REDIRECTS or status == 304 or status >= 400:
                        return status, (f"http_{status}" if status >= 400 else None), got, None, attempt + 1
                    body, error = self._read(r, got)
                    return status, error, got, body, attempt + 1
            except httpx.TimeoutException:
                if time.monotonic() >= end:
                    # the whole response took longer than max_time (a server dripping its headers): not retried
                    return None, "too_slow", {}, None, attempt + 1
                last = (None, "timeout", {})
            except (httpx.InvalidURL, httpx.UnsupportedProtocol, ValueError):
                return None, "bad_url", {}, None, attempt + 1
            except httpx.TransportError as exc:
                if net.REFUSED in str(exc):
                    return None, "private_address", {}, None, attempt + 1
                last = (None, "network", {})
        return last[0], last[1], last[2], None, self.retries + 1

    def _read(self, r: httpx.Response, headers: dict[str, str]) -> tuple[bytes | None, str | None]:
        """The decoded body, or ``(None, code)``: ``too_large`` (declared, or decoded past the
        limit as it is inflated), ``too_slow``, ``too_many_encodings``, ``unsupported_encoding``,
        ``bad_encoding``. Reads end at the response's deadline (``net.deadline``)."""
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            return None, "too_large"
        buf = bytearray()
        try:
            for chunk in net.decode_body(r.iter_raw(), headers.get("content-encoding"), self.max_bytes):
                buf += chunk
                if net.deadline_passed():
                    return None, "too_slow"
        except net.BodyError as exc:
            return None, exc.code
        return bytes(buf), None


def _env_proxies() -> bool:
    """Does the environment configure an HTTP(S) proxy (``HTTPS_PROXY``, ``ALL_PROXY`` …)?"""
    return any(k in ("http", "https", "all") for k in urllib.request.getproxies())


def _retry_after(value: str | None) -> float:
    if not value:
        return 0.0
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 0.0
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _ms(t0: float) -> float:
    return round((time.monotonic() - t0) * 1000, 1)
