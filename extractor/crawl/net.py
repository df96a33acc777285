"""The crawler's connections: checked addresses, one deadline per response, bounded decoding.

* **Checked addresses.** httpx would resolve a host name again when it connects, so a name that
  resolved to a public address for the scope check could resolve to ``10.0.0.1`` a moment later
  (DNS rebinding). Connections go through :class:`GuardedBackend`, an httpcore network backend
  that asks the :class:`~extractor.crawl.policy.Scope` for the host's *checked* addresses
  (resolved once per run) and connects to one of them; TLS still verifies the host name.
* **One deadline per response.** httpx's timeouts apply to each socket read, so a server that
  drips its headers one byte a second never trips them. :func:`deadline` sets a per-thread
  deadline that every read and write of the connection honours (:class:`DeadlineStream`): the
  status line, headers and body of one response share ``max_time``.
* **Bounded decoding.** ``Content-Encoding`` is decoded here, not by httpx, in chunks of at most
  64 KB (:func:`decode_body`), so the byte limit applies to the *decoded* stream as it is
  inflated: ``gzip, gzip`` over 16 KB that inflates to 10 GiB stops at the limit. At most
  :data:`MAX_ENCODINGS` encodings are accepted.
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

__all__ = [
    "MAX_ENCODINGS",
    "BodyError",
    "GuardedBackend",
    "GuardedTransport",
    "deadline",
    "deadline_passed",
    "decode_body",
]

MAX_ENCODINGS = 2
"""``Content-Encoding: gzip, gzip`` is already odd; more layers are refused."""
ACCEPT_ENCODING = "gzip, deflate"
"""Only what :func:`decode_body` decodes is asked for."""
REFUSED = "ogi-refused-address"
"""Marker in the connect error raised for a host without an allowed address."""
_CHUNK = 64 * 1024

_local = threading.local()


@contextmanager
def deadline(end: float) -> Iterator[float]:
    """Within the block, this thread's connection reads and writes end at ``end`` (monotonic)."""
    previous = getattr(_local, "end", None)
    _local.end = end
    try:
        yield end
    finally:
        _local.end = previous


def deadline_passed() -> bool:
    end = getattr(_local, "end", None)
    return end is not None and time.monotonic() >= end


def _clip(timeout: float | None) -> float | None:
    end: float | None = getattr(_local, "end", None)
    if end is None:
        return timeout
    left = end - time.monotonic()
    if left <= 0:
        raise httpcore.ReadTimeout("the response deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A connection whose every read and write ends by the current thread's :func:`deadline`."""

    def __init__(self, inner: httpcore.NetworkStream) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, _clip(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clip(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context: Any, server_hostname: str | None = None,
                  timeout: float | None = None) -> httpcore.NetworkStream:
        return DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, _clip(timeout)))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)


AddressLookup = Callable[[str], "list[str] | None"]
"""Host name (or IP literal) → the addresses that may be connected to (empty: none may; None: the
name does not resolve)."""


class GuardedBackend(httpcore.NetworkBackend):
    """Connects only to addresses the scope checked, and wraps every connection in a
    :class:`DeadlineStream`."""

    def __init__(self, addresses: AddressLookup, inner: httpcore.NetworkBackend | None = None) -> None:
        self._addresses = addresses
        self._inner = inner or httpcore.SyncBackend()

    def connect_tcp(self, host: str, port: int, timeout: float | None = None, local_address: str | None = None,
                    socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        addrs = self._addresses(host)
        if addrs is None:
            raise httpcore.ConnectError(f"cannot resolve {host}")
        if not addrs:
            raise httpcore.ConnectError(f"{REFUSED}: {host} has no address the crawl may connect to")
        error: Exception | None = None
        for addr in addrs:
            try:
                stream = self._inner.connect_tcp(addr, port, _clip(timeout), local_address, socket_options)
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as exc:
                error = exc
                continue
            return DeadlineStream(stream)
        assert error is not None
        raise error

    def connect_unix_socket(self, path: str, timeout: float | None = None,
                            socket_options: Iterable[Any] | None = None) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("unix sockets are not crawled")

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class GuardedTransport(httpx.HTTPTransport):
    """httpx's own transport over a :class:`GuardedBackend` (direct connections; a proxy from
    the environment resolves names itself and is used through httpx's proxy mounts)."""

    def __init__(self, addresses: AddressLookup, *, limits: httpx.Limits, inner: httpcore.NetworkBackend | None = None,
                 **kwargs: Any) -> None:
        super().__init__(limits=limits, **kwargs)
        ssl_context = self._pool._ssl_context
        self._pool = httpcore.ConnectionPool(
            ssl_context=ssl_context,
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=GuardedBackend(addresses, inner),
        )


class BodyError(Exception):
    """A body that may not be kept: ``too_large``, ``too_many_encodings``, ``unsupported_encoding``,
    ``bad_encoding`` (corrupt compressed data)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def encodings_of(header: str | None) -> list[str]:
    """``Content-Encoding`` codings in the order they were applied (identity dropped)."""
    codings = [c.strip().lower() for c in (header or "").split(",")]
    return [c for c in codings if c and c != "identity"]


def decode_body(raw: Iterable[bytes], content_encoding: str | None, max_bytes: int) -> Iterator[bytes]:
    """The decoded body in chunks; raises :class:`BodyError` past ``max_bytes`` decoded bytes (or
    for too many or unknown encodings). Never inflates further ahead than one 64 KB chunk."""
    codings = encodings_of(content_encoding)
    if len(codings) > MAX_ENCODINGS:
        raise BodyError("too_many_encodings")
    stream: Iterable[bytes] = raw
    for coding in reversed(codings):  # the last applied is the first to undo
        if coding in ("gzip", "x-gzip"):
            stream = _inflate(stream, zlib.MAX_WBITS | 16)
        elif coding == "deflate":
            stream = _inflate(stream, None)
        else:
            raise BodyError("unsupported_encoding")
    total = 0
    for chunk in stream:
        total += len(chunk)
        if total > max_bytes:
            raise BodyError("too_large")
        yield chunk


def _inflate(chunks: Iterable[bytes], wbits: int | None) -> Iterator[bytes]:
    """gzip (``wbits`` 31) or HTTP ``deflate`` (zlib-wrapped, or raw as some servers send it)."""
    d: Any = None
    for chunk in chunks:
        if d is None:
            if wbits is None:  # deflate: a zlib header (0x78 …) or a raw stream
                wbits = zlib.MAX_WBITS if chunk[:1] == b"\x78" else -zlib.MAX_WBITS
            d = zlib.decompressobj(wbits)
        buf = chunk
        while True:  # until this input is consumed and no output is pending
            try:
                out = d.decompress(buf, _CHUNK)
            except zlib.error:
                raise BodyError("bad_encoding") from None
            if out:
                yield out
            if d.eof:
                return
            buf = d.unconsumed_tail
            if not buf and not out:
                break
    if d is not None:
        rest = d.flush()
        if rest:
            yield rest
