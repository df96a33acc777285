"""The crawl folder: a manifest of every fetch, content-addressed documents with sidecars, and a
cache of navigation pages.

::

    DIR/manifest.jsonl                       one JSON line per fetch (the last line per URL wins)
    DIR/reports/<sha16>-<title>.<ext>         report documents: HTML report pages, attachments
    DIR/reports/<sha16>-<title>.<ext>.json    sidecar: URLs, title, published, publisher, 索引号 …
    DIR/.pages/<sha16>.html                   list pages and wrapper pages (hidden from ``ogi batch``)

A document is written (temporary file + rename) before its manifest line, and the manifest line is
flushed and fsynced before the next fetch is recorded, so a crawl killed at any moment leaves either
a stored document with its line, or a document the next run finds again by its hash (never a torn
file under a final name). The same bytes from two URLs are stored once; the sidecar lists both URLs.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import threading
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["Entry", "Manifest", "Store", "readable_name"]

MANIFEST = "manifest.jsonl"
REPORTS = "reports"
PAGES = ".pages"
SIDECAR_SUFFIX = ".json"
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\/:*?\"<>|\s]+")
NAME_BYTES = 120
"""UTF-8 bytes of the readable part of a stored file name (file systems allow 255 bytes per name;
``<sha16>-`` before it, ``.ext.json`` and a temporary file's decorations after it fit beside)."""


@dataclass(slots=True)
class Entry:
    """One manifest line: what one URL gave on one fetch."""

    url: str
    kind: str
    """``robots``, ``list`` (navigation pages), ``page`` (a candidate that is not a report),
    ``report`` (a report page or a report document linked from a list), ``attachment``."""
    status: int | None = None
    """HTTP status of the final response (304 on a successful revalidation); None when no response."""
    error: str | None = None
    """``timeout``, ``too_large``, ``redirect_loop``, ``too_many_redirects``, ``off_site_redirect``,
    ``robots``, ``network``, ``http_<status>`` …"""
    final_url: str | None = None
    content_type: str | None = None
    size: int | None = None
    sha256: str | None = None
    path: str | None = None
    """Where the body is stored, relative to the crawl folder."""
    fetched_at: str | None = None
    etag: str | None = None
    last_modified: str | None = None
    depth: int = 0
    referrer: str | None = None
    attempts: int = 0
    elapsed_ms: float = 0.0
    is_report: bool = False
    revalidated: bool = False
    """A conditional request was sent (If-None-Match / If-Modified-Since)."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def done(self) -> bool:
        """The body is stored (so a re-run can use it without a request)."""
        return self.sha256 is not None and self.path is not None and self.status in (200, 203, 304)

    @property
    def final(self) -> bool:
        """Nothing to retry: stored, or a permanent client error (404, 410 …)."""
        if self.done:
            return True
        return self.status is not None and 400 <= self.status < 500 and self.status not in (408, 425, 429)


def _visible(s: str) -> str:
    """Without format characters (category Cf: U+202E RIGHT-TO-LEFT OVERRIDE and the other bidi
    controls, zero-width joiners, BOMs), which would make a listed name read differently from
    what it is."""
    return "".join(ch for ch in s if unicodedata.category(ch) != "Cf")


def readable_name(title: str | None, fallback: str, limit: int = NAME_BYTES) -> str:
    """A file-name part from a title: unsafe characters replaced, cut to ``limit`` UTF-8 *bytes*
    (sixty 4-byte characters are 240 bytes) at a character boundary."""
    base = _UNSAFE.sub("_", _visible(title or "").strip()).strip("._") or _UNSAFE.sub("_", _visible(fallback)).strip("._")
    cut = base.encode("utf-8")[:limit].decode("utf-8", "ignore")
    return cut.strip("._") or "document"


class Manifest:
    """Append-only JSONL; loading tolerates a torn last line (a killed run)."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / MANIFEST
        self._lock = threading.Lock()
        self.latest: dict[str, Entry] = {}
        self.by_sha: dict[str, str] = {}
        """sha256 → stored path of documents seen in earlier runs."""
        if self.path.exists():
            for entry in self._read():
                self.latest[entry.url] = entry
                if entry.sha256 and entry.path and entry.path.startswith(REPORTS + "/"):
                    self.by_sha[entry.sha256] = entry.path

    def _read(self) -> Iterator[Entry]:
        with open(self.path, encoding="utf-8") as fh:
            for line in fh:
                try:
                    data = json.loads(line)
                    yield Entry(**data)
                except (ValueError, TypeError):
                    continue  # a torn line from a killed run

    def append(self, entry: Entry) -> None:
        line = json.dumps(asdict(entry), ensure_ascii=False, separators=(",", ":"), default=str) + "\n"
        with self._lock:
            with open(self.path, "a", encoding="utf-8") as fh:
                fh.write(line)
                fh.flush()
                os.fsync(fh.fileno())
            self.latest[entry.url] = entry


class Store:
    """Content-addressed files in the crawl folder."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        (folder / REPORTS).mkdir(parents=True, exist_ok=True)
        (folder / PAGES).mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()

    def _write(self, target: Path, data: bytes) -> None:
        # short and fixed-length, whatever the target's name: ".<name>.<pid>.<thread>.tmp" passed 255 bytes
        digest = hashlib.sha1(target.name.encode("utf-8")).hexdigest()[:16]
        tmp = target.with_name(f".{digest}.{os.getpid()}.{threading.get_ident()}.tmp")
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, target)

    def find_document(self, sha256: str) -> str | None:
        for p in sorted((self.folder / REPORTS).glob(f"{sha256[:16]}-*")):
            if not p.name.endswith(SIDECAR_SUFFIX) and not p.name.startswith("."):
                return f"{REPORTS}/{p.name}"
        return None

    def put_document(self, sha256: str, data: bytes, title: str | None, url: str, ext: str,
                     known: str | None = None) -> tuple[str, bool]:
        """Store a document once; returns ``(relative path, newly written)``."""
        with self._lock:
            rel = known if known and (self.folder / known).exists() else self.find_document(sha256)
            if rel is not None:
                return rel, False
            name = f"{sha256[:16]}-{readable_name(title, url.rsplit('/', 1)[-1])}{ext}"
            self._write(self.folder / REPORTS / name, data)
            return f"{REPORTS}/{name}", True

    def put_file(self, rel: str, data: bytes) -> None:
        """Write a file under ``reports/`` (a report page's image); never outside the folder."""
        target = (self.folder / rel).resolve()
        if not target.is_relative_to((self.folder / REPORTS).resolve()):
            raise ValueError(f"refusing to write outside {REPORTS}/: {rel}")
        with self._lock:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._write(target, data)

    def put_page(self, sha256: str, data: bytes) -> str:
        rel = f"{PAGES}/{sha256[:16]}.html"
        target = self.folder / rel
        if not target.exists():
            self._write(target, data)
        return rel

    def read(self, rel: str) -> bytes | None:
        try:
            return (self.folder / rel).read_bytes()
        except OSError:
            return None

    def sidecar(self, rel: str, meta: dict[str, Any]) -> None:
        """Write or merge the sidecar of a stored document (URLs accumulate; first values stay)."""
        target = self.folder / (rel + SIDECAR_SUFFIX)
        with self._lock:
            old: dict[str, Any] = {}
            if target.exists():
                try:
                    loaded = json.loads(target.read_text(encoding="utf-8"))
                    old = loaded if isinstance(loaded, dict) else {}
                except (OSError, ValueError):
                    old = {}
            merged = dict(meta)
            merged.update({k: v for k, v in old.items() if v not in (None, "", [])})
            urls = list(old.get("urls") or [])
            for u in meta.get("urls") or []:
                if u not in urls:
                    urls.append(u)
            merged["urls"] = urls
            if merged == old:
                return
            self._write(target, (json.dumps(merged, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
