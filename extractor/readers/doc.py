"""Legacy Word (.doc, .wps) and RTF: a built-in reader and external converters.

The real type comes from the bytes: an OLE2 compound file is a Word 97-2003/WPS document (or an
encrypted Office file), ``{\\rtf`` is RTF, anything else is handed to the reader
:func:`extractor.readers.sniff` picks (government sites serve HTML under ``.doc`` names).

Converters, in order (:data:`DOC_CONVERTERS`, :data:`RTF_CONVERTERS`):

* ``soffice`` (LibreOffice headless) converts to DOCX, which the DOCX reader reads with every
  merged cell known. It comes first where it is installed: it renders every Word variant.
* ``native`` (:mod:`extractor.readers.msdoc`) reads the Word 97-2003 binary format itself, merged
  cells included. It needs no tool, so it is always tried; it declines Word 6/95 and older files,
  and a file it cannot parse goes on to the next converter.
* ``antiword`` prints tables as ``|``-delimited rows: parsed into :class:`Table` blocks with
  ``spans_known=False`` (it loses whole table rows on documents with vertically merged cells).
* ``catdoc`` prints cells separated by tabs: parsed the same way.
* RTF only: ``unrtf --html``, read by the HTML reader.

Each runs in its own temporary directory (LibreOffice also with a throwaway user profile) under a
time limit of ``settings.converter_timeout_s``. :class:`ConverterMissing` says what to install: for
RTF when no converter is installed, for a .doc when the built-in reader declined it (Word 6/95)
and no converter is installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import shutil
import signal
import subprocess
import tempfile
from collections.abc import Callable
from pathlib import Path

from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.errors import ConverterMissing, CorruptDocument, EmptyInput, EncryptedDocument, ReadError, ReadTimeout
from extractor.settings import DEFAULT_SETTINGS, Settings

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
"""Stream name of an encrypted OOXML file (a password-protected .docx is an OLE2 container)."""

INSTALL_HINT = "apt-get install libreoffice-writer-nogui (best: keeps merged cells) or apt-get install antiword catdoc"
RTF_INSTALL_HINT = "apt-get install libreoffice-writer-nogui (or apt-get install unrtf)"

DOC_CONVERTERS = ("soffice", "native", "antiword", "catdoc")
RTF_CONVERTERS = ("soffice", "unrtf")
BUILT_IN = frozenset({"native"})
"""Steps that are part of this package: always available, never looked up on the PATH."""


class _Failed(Exception):
    """A converter ran but produced nothing usable: try the next one. ``unsupported``: the
    built-in reader declined a file variant it does not read (not a sign the file is broken)."""

    def __init__(self, message: str, *, unsupported: bool = False) -> None:
        super().__init__(message)
        self.unsupported = unsupported


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a .doc/.wps (OLE2) file; RTF and HTML under a .doc name go to their own readers."""
    if not data.strip():
        raise EmptyInput("the document is empty", source=source)
    if not data.startswith(OLE2_MAGIC):
        if data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
            return read_rtf(data, source=source, settings=settings)
        from extractor.readers import get_reader, sniff

        fmt = sniff(data, source)
        if fmt == "doc":
            raise CorruptDocument("not an OLE2 Word document", source=source)
        return get_reader(fmt)(data, source=source, settings=settings)
    if ENCRYPTED_PACKAGE in data:
        raise EncryptedDocument("the Office document is password-protected (EncryptedPackage)", source=source)
    _check_ole2(data, source)
    steps: dict[str, Callable[[bytes, str, Settings], Document]] = {
        "soffice": lambda d, s, st: _via_soffice(d, s, st, ".doc"),
        "native": _via_native,
        "antiword": _via_antiword,
        "catdoc": _via_catdoc,
    }
    doc = _first_working(DOC_CONVERTERS, steps, data, source, settings, INSTALL_HINT, "a .doc/.wps file")
    doc.media_type = "application/msword"
    return doc


def read_rtf(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read an RTF file (LibreOffice, else unrtf to HTML)."""
    if not data.strip():
        raise EmptyInput("the document is empty", source=source)
    steps: dict[str, Callable[[bytes, str, Settings], Document]] = {
        "soffice": lambda d, s, st: _via_soffice(d, s, st, ".rtf"),
        "unrtf": _via_unrtf,
    }
    doc = _first_working(RTF_CONVERTERS, steps, data, source, settings, RTF_INSTALL_HINT, "an RTF file")
    doc.media_type = "application/rtf"
    doc.reader = "rtf"
    return doc


def _check_ole2(data: bytes, source: str) -> None:
    """Refuse what no converter should see: a broken OLE2 header (LibreOffice would import the
    bytes as plain text) or an OLE2 file that is a spreadsheet or slide deck."""
    if len(data) < 1536:
        raise CorruptDocument(f"the OLE2 file is truncated ({len(data)} bytes)", source=source)
    major_ok = data[26:28] in (b"\x03\x00", b"\x04\x00")
    order_ok = data[28:30] == b"\xfe\xff"
    shift_ok = data[30:32] in (b"\x09\x00", b"\x0c\x00")
    if not (major_ok and order_ok and shift_ok):
        raise CorruptDocument("the OLE2 header is malformed", source=source)
    if "WordDocument".encode("utf-16-le") not in data:
        for stream, kind in (("Workbook", "an Excel workbook"), ("PowerPoint Document", "a PowerPoint file")):
            if stream.encode("utf-16-le") in data:
                raise CorruptDocument(f"this OLE2 file is {kind}, not a Word document", source=source)


def _first_working(
    order: tuple[str, ...],
    steps: dict[str, Callable[[bytes, str, Settings], Document]],
    data: bytes,
    source: str,
    settings: Settings,
    hint: str,
    what: str,
) -> Document:
    tried: list[str] = []
    declined = True  # every step that ran was the built-in reader declining an unsupported variant
    for name in order:
        if name not in BUILT_IN and _which(name) is None:
            continue
        try:
            doc = steps[name](data, source, settings)
        except _Failed as exc:
            tried.append(f"{name}: {exc}")
            declined = declined and name in BUILT_IN and exc.unsupported
            continue
        doc.source = source
        doc.sha256 = hashlib.sha256(data).hexdigest()
        doc.warnings.insert(0, f"converted_with: {name}")
        return doc
    if not tried:
        raise ConverterMissing(f"no converter installed for {what}: {hint}", source=source)
    if declined:
        raise ConverterMissing(f"{what} the built-in reader does not read ({'; '.join(tried)}): {hint}", source=source)
    raise CorruptDocument(f"{what} could not be converted ({'; '.join(tried)})", source=source)


def _which(name: str) -> str | None:
    if name == "soffice":
        return shutil.which("soffice") or shutil.which("libreoffice")
    return shutil.which(name)


def _run(cmd: list[str], settings: Settings, source: str, cwd: Path) -> subprocess.CompletedProcess[bytes]:
    """Run a converter in its own process group; the whole group is killed on timeout."""
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8", "HOME": str(cwd)}
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        start_new_session=True,
    )  # fmt: skip
    try:
        out, err = proc.communicate(timeout=settings.converter_timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise ReadTimeout(
            f"{Path(cmd[0]).name} did not finish within {settings.converter_timeout_s:g} s", source=source
        ) from None
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err)


def _via_soffice(data: bytes, source: str, settings: Settings, suffix: str) -> Document:
    from extractor.readers import docx

    exe = _which("soffice")
    assert exe is not None
    with tempfile.TemporaryDirectory(prefix="ogi-soffice-") as tmp:
        work = Path(tmp)
        src = work / f"input{suffix}"
        src.write_bytes(data)
        out_dir = work / "out"
        profile = (work / "profile").as_uri()
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--nolockcheck"]
        cmd += ["--convert-to", "docx:MS Word 2007 XML", "--outdir", str(out_dir), str(src)]
        result = _run(cmd, settings, source, work)
        produced = out_dir / "input.docx"
        if not produced.is_file() or produced.stat().st_size == 0:
            err = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise _Failed(err[-1] if err else f"no output (exit {result.returncode})")
        try:
            doc = docx.read(produced.read_bytes(), source=source, settings=settings)
        except ReadError as exc:
            raise _Failed(f"converted DOCX unreadable: {exc}") from exc
    doc.reader = "doc"
    return doc


def _via_native(data: bytes, source: str, settings: Settings) -> Document:
    from extractor.readers import msdoc

    try:
        return msdoc.read(data, source=source, settings=settings)
    except msdoc.NativeDocError as exc:
        raise _Failed(str(exc), unsupported=isinstance(exc, msdoc.UnsupportedDoc)) from exc


def _via_antiword(data: bytes, source: str, settings: Settings) -> Document:
    with tempfile.TemporaryDirectory(prefix="ogi-antiword-") as tmp:
        work = Path(tmp)
        (work / "input.doc").write_bytes(data)
        result = _run(["antiword", "-m", "UTF-8.txt", "-w", "0", "input.doc"], settings, source, work)
    err = result.stderr.decode("utf-8", "replace")
    if "encrypt" in err.lower():
        raise EncryptedDocument("the .doc file is password-protected", source=source)
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or not text.strip():
        raise _Failed(err.strip().splitlines()[-1] if err.strip() else f"exit {result.returncode}")
    return _from_text(text, _pipe_cells, "antiword")


def _via_catdoc(data: bytes, source: str, settings: Settings) -> Document:
    with tempfile.TemporaryDirectory(prefix="ogi-catdoc-") as tmp:
        work = Path(tmp)
        (work / "input.doc").write_bytes(data)
        result = _run(["catdoc", "-d", "utf-8", "-w", "input.doc"], settings, source, work)
    text = result.stdout.decode("utf-8", "replace")
    if result.returncode != 0 or not text.strip():
        err = result.stderr.decode("utf-8", "replace").strip()
        raise _Failed(err.splitlines()[-1] if err else f"exit {result.returncode}")
    return _from_text(text, _tab_cells, "catdoc")


def _via_unrtf(data: bytes, source: str, settings: Settings) -> Document:
    from extractor.readers import get_reader

    with tempfile.TemporaryDirectory(prefix="ogi-unrtf-") as tmp:
        work = Path(tmp)
        (work / "input.rtf").write_bytes(data)
        result = _run(["unrtf", "--html", "input.rtf"], settings, source, work)
    if result.returncode != 0 or not result.stdout.strip():
        raise _Failed(result.stderr.decode("utf-8", "replace").strip() or f"exit {result.returncode}")
    try:
        doc = get_reader("html")(result.stdout, source=source, settings=settings)
    except ReadError as exc:
        raise _Failed(f"unrtf's HTML unreadable: {exc}") from exc
    doc.encoding = None
    return doc


# --------------------------------------------------------------------------------------------
# converter text -> Document


def _pipe_cells(line: str) -> list[str] | None:
    """antiword's table row: ``|cell|cell|``."""
    s = line.rstrip()
    if len(s) >= 2 and s.startswith("|") and s.endswith("|"):
        return [c.strip() for c in s[1:-1].split("|")]
    return None


def _tab_cells(line: str) -> list[str] | None:
    """catdoc's table row: cells separated by tabs."""
    if "\t" not in line:
        return None
    return [c.strip() for c in line.rstrip("\n").split("\t")]


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _from_text(text: str, split: Callable[[str], list[str] | None], name: str) -> Document:
    """One paragraph per text line (both tools print a paragraph per line when not wrapping) and
    ``spans_known=False`` tables from runs of table rows (blank lines inside a run are skipped)."""
    blocks: list[Paragraph | Table] = []
    rows: list[tuple[int, list[str]]] = []

    def flush_rows() -> None:
        if rows:
            cells = [
                Cell(row=r, col=c, text=" ".join(t.split()), raw_text=t, provenance=Provenance(line=n))
                for r, (n, row) in enumerate(rows)
                for c, t in enumerate(row)
            ]
            if any(c.text for c in cells):
                blocks.append(Table(cells, Provenance(line=rows[0][0]), spans_known=False))
            rows.clear()

    for n, raw in enumerate(text.splitlines(), start=1):
        line = _CONTROL.sub("", raw.replace("\f", ""))
        cells = split(line)
        if cells is not None:
            rows.append((n, cells))
            continue
        stripped = " ".join(line.split())
        if stripped:
            flush_rows()
            blocks.append(Paragraph(stripped, Provenance(line=n)))
    flush_rows()
    return Document(blocks=blocks, reader="doc", warnings=[f"table_spans_unknown: {name} output"])


__all__ = ["DOC_CONVERTERS", "RTF_CONVERTERS", "read", "read_rtf"]
