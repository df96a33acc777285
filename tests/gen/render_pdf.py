"""PDF rendering through LibreOffice (``soffice --headless --convert-to pdf``) from the generated
HTML or DOCX, with a file cache under ``tests/fixtures/generated/``.

A cached PDF is keyed by its case (seed, variant seed, pinned template/breaks) and stores the
sha256 of the HTML/DOCX source it was rendered from in ``manifest.json``: when the generator
changes, the source hash no longer matches and the file is stale (re-rendered when soffice is
installed, skipped otherwise). The default test run therefore needs no LibreOffice.

Big variants (large padding/font) make table 3 break across pages.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .model import GenReport, generate
from .render_docx import render_docx
from .render_html import render_html_for_pdf
from .variants import Variant, draw_variant

CACHE = Path(__file__).resolve().parents[1] / "fixtures" / "generated"
MANIFEST = CACHE / "manifest.json"
HTML_FILTER = "HTML (StarWriter)"


@dataclass(frozen=True)
class PdfCase:
    seed: int
    vseed: int
    template: str | None = None
    breaks: tuple[str, ...] | None = None
    via: str | None = None
    """``html`` or ``docx``; ``None``: the variant's choice."""
    big: bool | None = None

    @property
    def name(self) -> str:
        parts = [f"s{self.seed}", f"v{self.vseed}"]
        if self.template:
            parts.insert(0, self.template)
        if self.breaks:
            parts.append("-".join(self.breaks))
        if self.via:
            parts.append(self.via)
        if self.big is not None:
            parts.append("big" if self.big else "small")
        return "-".join(parts)

    def report(self) -> GenReport:
        return generate(self.seed, template=self.template, breaks=self.breaks)

    def variant(self) -> Variant:
        v = draw_variant(self.vseed)
        changes: dict[str, Any] = {}
        if self.via:
            changes["pdf_via"] = self.via
        if self.big is not None:
            changes["pdf_big"] = self.big
        return dataclasses.replace(v, **changes) if changes else v

    def source(self) -> tuple[bytes, str]:
        """The HTML or DOCX LibreOffice renders, and its file suffix."""
        rep, v = self.report(), self.variant()
        if v.pdf_via == "docx":
            return render_docx(rep, v), ".docx"
        return render_html_for_pdf(rep, v).encode("utf-8"), ".html"


CACHED_CASES: tuple[PdfCase, ...] = (
    PdfCase(1, 11, "2021", (), "html", False),
    PdfCase(2, 12, "2021", (), "docx", True),
    PdfCase(3, 13, "2019", (), "html", True),
    PdfCase(4, 14, "2019", (), "docx", False),
    PdfCase(5, 15, "hybrid", (), "html", False),
    PdfCase(6, 16, "hybrid", (), "docx", True),
    PdfCase(7, 17, "2021", ("T3-3",), "html", True),
    PdfCase(8, 18, "2019", ("T4-1-zero",), "docx", False),
    PdfCase(9, 19, "2021", ("T3-1",), "docx", False),
    PdfCase(10, 20, "hybrid", ("T3-2",), "html", True),
    PdfCase(11, 21, "2021", ("T4-1",), "html", False),
    PdfCase(12, 22, "2019", (), "html", True),
    PdfCase(13, 23, "2021", (), "docx", False),
    PdfCase(14, 24, "2021", (), "html", True),
    PdfCase(15, 25, "2019", (), "docx", True),
    PdfCase(16, 26, "hybrid", (), "html", False),
)
"""Checked in under tests/fixtures/generated (≈16 small PDFs)."""


def soffice_path() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(sources: list[tuple[str, bytes, str]], *, timeout: float = 600) -> dict[str, bytes]:
    """Render ``(name, data, suffix)`` sources to PDF in one LibreOffice run per input kind."""
    exe = soffice_path()
    if exe is None:
        raise RuntimeError("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    out: dict[str, bytes] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for suffix in sorted({s for _, _, s in sources}):
            src_dir, dst_dir, profile = root / f"src{suffix}", root / f"pdf{suffix}", root / f"profile{suffix}"
            src_dir.mkdir()
            dst_dir.mkdir()
            files = []
            for name, data, s in sources:
                if s == suffix:
                    path = src_dir / f"{name}{suffix}"
                    path.write_bytes(data)
                    files.append(str(path))
            cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless"]
            if suffix == ".html":
                cmd.append(f"--infilter={HTML_FILTER}")
            cmd += ["--convert-to", "pdf:writer_pdf_Export", "--outdir", str(dst_dir), *files]
            subprocess.run(cmd, check=True, capture_output=True, timeout=timeout)
            for pdf in dst_dir.glob("*.pdf"):
                out[pdf.stem] = pdf.read_bytes()
    return out


def source_hash(data: bytes, suffix: str) -> str:
    """Hash of what LibreOffice renders: for a DOCX the parts' contents, not the zip's timestamps
    and document properties (python-docx stamps the time of saving)."""
    if suffix != ".docx":
        return hashlib.sha256(data).hexdigest()
    h = hashlib.sha256()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        for name in sorted(zf.namelist()):
            if not name.startswith("docProps/"):
                h.update(name.encode() + b"\0" + zf.read(name) + b"\0")
    return h.hexdigest()


def _manifest() -> dict[str, dict[str, object]]:
    if MANIFEST.exists():
        data: dict[str, dict[str, object]] = json.loads(MANIFEST.read_text(encoding="utf-8"))
        return data
    return {}


def cached_pdf(case: PdfCase) -> bytes | None:
    """The cached PDF for ``case`` if it exists and was rendered from today's source."""
    entry = _manifest().get(case.name)
    path = CACHE / f"{case.name}.pdf"
    if entry is None or not path.exists():
        return None
    if entry.get("source_sha256") != source_hash(*case.source()):
        return None
    return path.read_bytes()


def refresh_cache(cases: tuple[PdfCase, ...] = CACHED_CASES, *, force: bool = False) -> list[str]:
    """(Re-)render missing or stale cached PDFs; returns the names written."""
    todo = [c for c in cases if force or cached_pdf(c) is None]
    if not todo:
        return []
    sources = {c.name: c.source() for c in todo}
    pdfs = convert([(name, data, suffix) for name, (data, suffix) in sources.items()])
    CACHE.mkdir(parents=True, exist_ok=True)
    manifest = _manifest()
    for c in todo:
        (CACHE / f"{c.name}.pdf").write_bytes(pdfs[c.name])
        manifest[c.name] = {
            "seed": c.seed,
            "vseed": c.vseed,
            "template": c.template,
            "breaks": list(c.breaks or ()),
            "via": sources[c.name][1].lstrip("."),
            "source_sha256": source_hash(*sources[c.name]),
        }
    MANIFEST.write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return [c.name for c in todo]


def render_pdf(rep: GenReport, v: Variant) -> bytes:
    """Uncached rendering of one report (needs soffice)."""
    if v.pdf_via == "docx":
        data, suffix = render_docx(rep, v), ".docx"
    else:
        data, suffix = render_html_for_pdf(rep, v).encode("utf-8"), ".html"
    return convert([("doc", data, suffix)])["doc"]


if __name__ == "__main__":
    import sys

    written = refresh_cache(force="--force" in sys.argv)
    print(f"wrote {len(written)} PDFs to {CACHE}: {', '.join(written) or 'nothing stale'}")
