"""Walking the inputs of a batch: files, folders, globs and zip archives (read in place, with
guards against unsafe names and bombs), hashing (one job per distinct content), and the crawler's
sidecar files that add a page's URL, title and date to a document's row."""

from __future__ import annotations

import glob
import hashlib
import json
import os
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.errors import InputNotFound
from extractor.settings import DEFAULT_SETTINGS, Settings

if TYPE_CHECKING:  # the writers pull in duckdb: imported only when a batch runs
    from extractor.writers import Record


DOC_SUFFIXES: frozenset[str] = frozenset(
    {".txt", ".md", ".tsv", ".htm", ".html", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps", ".rtf",
     ".xls", ".xlsx", ".et"}
)
"""Suffixes picked up when walking folders and archives (files named explicitly are always read).
Image files are not walked: in a saved or crawled page they are the pages of the ``.html`` beside
them (name a scan explicitly to read it on its own)."""


@dataclass(frozen=True, slots=True)
class ZipGuard:
    """Limits for reading zip archives in place."""

    max_member_bytes: int = DEFAULT_SETTINGS.max_bytes
    max_ratio: float = 200.0
    """Members that expand more than this (and past 1 MiB) are treated as bombs."""
    max_archive_bytes: int = 8 * 1024**3
    max_members: int = 200_000


@dataclass(frozen=True, slots=True)
class Source:
    """Where one document's bytes live: a file, or a member of a zip archive."""

    path: str
    """Display path; ``archive.zip!dir/member.pdf`` for archive members."""
    file: str
    member: str | None = None


@dataclass(frozen=True, slots=True)
class Skipped:
    path: str
    reason: str


@dataclass(slots=True)
class Job:
    sha256: str
    source: Source
    paths: list[str]
    size: int


# ---------------------------------------------------------------------------------------------
# Walking inputs


def _is_glob(s: str) -> bool:
    return any(c in s for c in "*?[")


def iter_sources(inputs: Iterable[str | Path], guard: ZipGuard = ZipGuard()) -> Iterator[Source | Skipped]:
    """Documents named by files, folders (recursive), globs and zip archives, in a stable order."""
    for item in inputs:
        s = str(item)
        p = Path(s)
        if not p.exists() and _is_glob(s):
            matches = sorted(glob.glob(s, recursive=True))
            if not matches:
                yield Skipped(s, "no_match")
            for m in matches:
                yield from _walk(Path(m), explicit=not Path(m).is_dir(), guard=guard)
        elif not p.exists():
            yield Skipped(s, "missing")
        else:
            yield from _walk(p, explicit=True, guard=guard)


def check_inputs(inputs: Iterable[str | Path]) -> None:
    """Raise :class:`InputNotFound` for inputs that name nothing: a path that does not exist, a glob
    without a match (a typo must not quietly produce an empty warehouse)."""
    missing: list[str] = []
    for item in inputs:
        s = str(item)
        if Path(s).exists() or (_is_glob(s) and glob.glob(s, recursive=True)):
            continue
        missing.append(s)
    if missing:
        what = "no file matches this pattern" if _is_glob(missing[0]) else "no such file or directory"
        more = f" (and {len(missing) - 1} more: {', '.join(missing[1:4])}{' …' if len(missing) > 4 else ''})" \
            if len(missing) > 1 else ""
        raise InputNotFound(what + more, source=missing[0])


def member_name(info: zipfile.ZipInfo) -> str:
    """The member's real name. Without the UTF-8 flag, :mod:`zipfile` decodes names as cp437; Windows
    zip tools in China write GBK there (and some tools UTF-8 without the flag): the cp437 text is
    turned back into its bytes and decoded as UTF-8, else GB18030, else left as it was."""
    if info.flag_bits & 0x800:
        return info.filename
    try:
        raw = info.filename.encode("cp437")
    except UnicodeEncodeError:  # zipfile was given another metadata_encoding
        return info.filename
    if raw.isascii():
        return info.filename
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return info.filename


def _walk(p: Path, *, explicit: bool, guard: ZipGuard) -> Iterator[Source | Skipped]:
    if p.is_dir():
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if name.startswith("."):
                    continue
                child = Path(root) / name
                if child.suffix.lower() == ".zip" or child.suffix.lower() in DOC_SUFFIXES:
                    yield from _walk(child, explicit=False, guard=guard)
        return
    if p.suffix.lower() == ".zip" and zipfile.is_zipfile(p):
        yield from _zip_members(p, guard)
    elif explicit or p.suffix.lower() in DOC_SUFFIXES:
        yield Source(path=str(p), file=str(p))


def unsafe_member(name: str) -> bool:
    """Absolute paths, drive letters and ``..`` parts: names that would escape an extraction folder."""
    n = name.replace("\\", "/")
    if n.startswith("/") or (len(n) > 1 and n[1] == ":"):
        return True
    return any(part == ".." for part in n.split("/"))


def _zip_members(p: Path, guard: ZipGuard) -> Iterator[Source | Skipped]:
    try:
        zf = zipfile.ZipFile(p)
    except (zipfile.BadZipFile, OSError) as exc:
        yield Skipped(str(p), f"corrupt_archive: {exc}")
        return
    with zf:
        total = 0
        for i, info in enumerate(zf.infolist()):
            name = member_name(info)
            shown = f"{p}!{name}"
            if i >= guard.max_members:
                yield Skipped(str(p), f"too_many_members: stopped after {guard.max_members}")
                return
            if info.is_dir():
                continue
            base = name.replace("\\", "/").rsplit("/", 1)[-1]
            if unsafe_member(name) or unsafe_member(info.filename):
                yield Skipped(shown, "unsafe_path")
                continue
            if base.startswith(".") or name.startswith("__MACOSX/"):
                continue
            suffix = Path(base).suffix.lower()
            if suffix == ".zip":
                yield Skipped(shown, "nested_archive")
                continue
            if suffix not in DOC_SUFFIXES:
                continue
            if info.flag_bits & 0x1:
                yield Skipped(shown, "encrypted_member")
                continue
            if info.file_size > guard.max_member_bytes:
                yield Skipped(shown, f"too_large: {info.file_size:,} bytes")
                continue
            if info.file_size > 1024**2 and info.file_size > guard.max_ratio * max(info.compress_size, 1):
                yield Skipped(shown, "zip_bomb: compression ratio")
                continue
            total += info.file_size
            if total > guard.max_archive_bytes:
                yield Skipped(str(p), f"archive_too_large: stopped after {guard.max_archive_bytes:,} bytes")
                return
            yield Source(path=shown, file=str(p), member=info.filename)


def load_source(src: Source, limit: int) -> bytes:
    """The document's bytes, reading at most ``limit + 1`` (so a lying zip header cannot blow up)."""
    if src.member is None:
        with open(src.file, "rb") as fh:
            # read(n) allocates n bytes first: ask for what the file holds (64 MB each time cost a
            # worker 50 µs a document), one byte more so that growth past the limit shows
            size = os.fstat(fh.fileno()).st_size
            return fh.read(min(size, limit) + 1)
    with zipfile.ZipFile(src.file) as zf, zf.open(src.member) as fh:
        return fh.read(limit + 1)


def hash_file(path: str) -> tuple[str, int]:
    h = hashlib.sha256()
    n = 0
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
            n += len(chunk)
    return h.hexdigest(), n


def plan(inputs: Iterable[str | Path], settings: Settings = DEFAULT_SETTINGS,
         guard: ZipGuard | None = None) -> tuple[dict[str, Job], list[Skipped]]:
    """Hash every document; the same bytes under several names become one job with all paths."""
    guard = guard or ZipGuard(max_member_bytes=settings.max_bytes)
    jobs: dict[str, Job] = {}
    skipped: list[Skipped] = []
    for item in iter_sources(inputs, guard):
        if isinstance(item, Skipped):
            skipped.append(item)
            continue
        try:
            if item.member is None:
                sha, size = hash_file(item.file)
            else:
                data = load_source(item, settings.max_bytes)
                if len(data) > settings.max_bytes:
                    skipped.append(Skipped(item.path, "zip_bomb: member larger than its header says"))
                    continue
                sha, size = hashlib.sha256(data).hexdigest(), len(data)
        except (OSError, EOFError, zipfile.BadZipFile, zlib.error, NotImplementedError, RuntimeError, ValueError) as exc:
            # corrupt deflate data or an unsupported zip method in one member skips that member only
            skipped.append(Skipped(item.path, f"unreadable: {exc}"))
            continue
        job = jobs.get(sha)
        if job is None:
            jobs[sha] = Job(sha, item, [item.path], size)
        elif item.path not in job.paths:
            job.paths.append(item.path)
    for job in jobs.values():
        job.paths.sort()
    return jobs, skipped


# ---------------------------------------------------------------------------------------------
# Crawl sidecars (``ogi crawl`` stores ``<document>.json`` beside each document it downloads)


def sidecar_meta(paths: Sequence[str]) -> dict[str, Any] | None:
    """The page metadata a crawler stored beside one of these files (``<file>.json``), if any."""
    for p in paths:
        side = Path(p + ".json")
        if "!" in p or not side.is_file():
            continue
        try:
            data = json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict):
            return data
    return None


def apply_sidecar(rec: Record) -> Record:
    """Source URLs go into ``paths``; the page's title and publication date fill a report row that
    has none (a PDF rarely prints its publication date; the page around it does)."""
    rep = rec["report"]
    meta = sidecar_meta(rep.get("paths") or [])
    if meta is None:
        return rec
    urls = [u for u in [meta.get("url"), *(meta.get("urls") or [])] if isinstance(u, str) and u]
    rep["paths"] = list(dict.fromkeys([*rep.get("paths", []), *urls]))
    rep["url"] = urls[0] if urls else None
    if not rep.get("title") and isinstance(meta.get("title"), str):
        rep["title"] = meta["title"]
    if not rep.get("published") and isinstance(meta.get("published"), str):
        from extractor.locate.meta import parse_date

        rep["published"] = parse_date(meta["published"])
    return rec

