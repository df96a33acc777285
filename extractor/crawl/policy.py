"""Politeness and safety: which URLs may be fetched, how often, and what robots.txt says.

* **Scope.** ``http``/``https`` only; the hosts of the start URLs (or, with ``allow_gov_siblings``,
  any host under the same ``<name>.gov.cn`` domain). Every host name is resolved once per run and
  refused when one of its addresses is private, loopback, link-local or reserved, unless it is
  one of the *start URLs' own* addresses (tests crawl 127.0.0.1; a sibling host resolving to
  10.0.0.1, 169.254.169.254 or 127.0.0.2 is still refused). Connections go to the checked
  addresses only (:mod:`extractor.crawl.net`), never through a second lookup.
* **Rate.** At most ``rate`` requests per second per host (every attempt, retry and redirect hop
  counts); a robots.txt ``Crawl-delay`` or ``Request-rate`` that is slower wins.
* **robots.txt** through Protego (RFC 9309: ``*`` and ``$`` wildcards, the longest matching rule
  wins): 404 allows everything, 401/403 forbid everything, and a robots.txt that cannot be
  fetched (5xx, timeouts) forbids the host for this run, as RFC 9309 asks.
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import urlsplit

from protego import Protego

__all__ = ["RateLimiter", "Robots", "Scope", "address_is_public", "gov_site_domain", "host_of"]


def host_of(url: str) -> str:
    """``host`` or ``host:port`` (the unit of politeness); IPv6 literals keep their brackets."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if ":" in host:
        host = f"[{host}]"
    return f"{host}:{parts.port}" if parts.port else host


def gov_site_domain(host: str) -> str | None:
    """``www.hengshan.gov.cn`` → ``hengshan.gov.cn``; None for hosts outside ``gov.cn``."""
    if host.startswith("["):
        return None
    labels = host.lower().rstrip(".").split(":")[0].split(".")
    if len(labels) >= 3 and labels[-2:] == ["gov", "cn"]:
        return ".".join(labels[-3:])
    return None


def address_is_public(addr: str) -> bool:
    try:
        ip = ipaddress.ip_address(addr.split("%")[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_global and not ip.is_multicast


Resolver = Callable[[str], list[str]]


def _resolve(host: str) -> list[str]:
    infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    return sorted({str(info[4][0]) for info in infos})


def _ip_literal(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host.split("%")[0]))
    except ValueError:
        return None


class Scope:
    """Which URLs a crawl may fetch, and which addresses it may connect to."""

    def __init__(self, start_urls: Iterable[str], *, allow_gov_siblings: bool = False,
                 resolver: Resolver = _resolve) -> None:
        starts = list(start_urls)
        self.hosts = {host_of(u) for u in starts}
        self.sites = {d for d in (gov_site_domain(h) for h in self.hosts) if d}
        self.allow_gov_siblings = allow_gov_siblings
        self._resolver = resolver
        self._checked: dict[str, list[str]] = {}
        self._lock = threading.Lock()
        for u in starts:  # the start hosts are resolved here, once, like every other host
            hostname = (urlsplit(u).hostname or "").lower()
            found = self._lookup(hostname)
            if found:
                self._checked[hostname] = found
        self.start_addresses: frozenset[str] = frozenset(a for found in self._checked.values() for a in found)
        """The start URLs' own addresses: the only non-public ones the crawl may connect to."""
        self.allow_private = any(not address_is_public(a) for a in self.start_addresses)
        """A start URL is on a private/loopback address (then proxies from the environment are not used)."""

    def _lookup(self, hostname: str) -> list[str] | None:
        literal = _ip_literal(hostname)
        if literal is not None:
            return [literal]
        if not hostname:
            return []
        try:
            return self._resolver(hostname)
        except OSError:
            return None

    def addresses(self, hostname: str) -> list[str] | None:
        """The host's addresses when every one is public or a start URL's own (resolved once per
        run); ``[]`` when the host is refused; ``None`` when it cannot be resolved (try later)."""
        hostname = hostname.lower().strip("[]")
        with self._lock:
            known = self._checked.get(hostname)
        if known is not None:
            return known
        found = self._lookup(hostname)
        if found is None:
            return None
        allowed = found if found and all(address_is_public(a) or a in self.start_addresses for a in found) else []
        with self._lock:
            self._checked[hostname] = allowed
        return allowed

    def why_not(self, url: str) -> str | None:
        """None when the URL may be fetched, else the reason (``scheme``, ``off_site``, ``private_address``)."""
        parts = urlsplit(url)
        if parts.scheme.lower() not in ("http", "https"):
            return "scheme"
        try:
            hostname = parts.hostname
            parts.port  # noqa: B018 - a port that is not a number is a bad URL
        except ValueError:
            return "off_site"
        if not hostname:
            return "off_site"
        host = host_of(url)
        if host not in self.hosts:
            site = gov_site_domain(host)
            if not (self.allow_gov_siblings and site is not None and site in self.sites):
                return "off_site"
        if self.addresses(hostname) == []:
            return "private_address"
        return None


class RateLimiter:
    """At most one request per ``interval`` seconds per host, across threads.

    Threads for the same host queue on that host's lock; each leaves it no sooner than ``interval``
    after the previous one *actually* left, so late wake-ups never bunch two requests together."""

    def __init__(self, rate: float, *, clock: Callable[[], float] = time.monotonic,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._last: dict[str, float] = {}
        self._intervals: dict[str, float] = {}
        self._host_locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()
        self._clock = clock
        self._sleep = sleep

    def slow_down(self, host: str, interval: float) -> None:
        """Use a longer interval for one host (robots.txt ``Crawl-delay``)."""
        with self._lock:
            self._intervals[host] = max(self.interval, interval)

    def interval_for(self, host: str) -> float:
        with self._lock:
            return self._intervals.get(host, self.interval)

    def wait(self, host: str) -> None:
        with self._lock:
            host_lock = self._host_locks.setdefault(host, threading.Lock())
        with host_lock:
            interval = self.interval_for(host)
            last = self._last.get(host)
            now = self._clock()
            while last is not None and now < last + interval:
                self._sleep(last + interval - now)
                now = self._clock()
            self._last[host] = now


class Robots:
    """robots.txt per origin, fetched once per run with ``fetch(url) -> (status, text)``."""

    def __init__(self, agent: str, fetch: Callable[[str], tuple[int | None, str]], limiter: RateLimiter,
                 obey: bool = True) -> None:
        self.agent = agent
        self._fetch = fetch
        self._limiter = limiter
        self.obey = obey
        self._parsers: dict[str, Any] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def parser(self, url: str) -> Any:
        """The origin's rules (a :class:`protego.Protego`)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme.lower()}://{parts.netloc.lower()}"
        with self._lock:
            rp = self._parsers.get(origin)
            if rp is not None:
                return rp
            lock = self._locks.setdefault(origin, threading.Lock())
        with lock:  # one fetch per origin, even with several threads asking
            with self._lock:
                rp = self._parsers.get(origin)
            if rp is not None:
                return rp
            status, text = self._fetch(origin + "/robots.txt")
            if status is None or status >= 500 or status in (401, 403):
                rp = Protego.parse("User-agent: *\nDisallow: /\n")
            elif status >= 400:
                rp = Protego.parse("")
            else:
                rp = Protego.parse(text)
            delay = rp.crawl_delay(self.agent)
            rate = rp.request_rate(self.agent)
            slowest = max(float(delay or 0), (rate.seconds / rate.requests) if rate and rate.requests else 0.0)
            if slowest > 0:
                self._limiter.slow_down(host_of(url), min(slowest, 60.0))
            with self._lock:
                self._parsers[origin] = rp
            return rp

    def allowed(self, url: str) -> bool:
        if not self.obey:
            return True
        return bool(self.parser(url).can_fetch(url, self.agent))
