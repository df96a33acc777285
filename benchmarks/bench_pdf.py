"""PDF: the reader against bare pdfplumber and bare pypdfium2, per page of the real PDFs.

    python -m benchmarks.bench_pdf [--rounds 9] [--before DIR] [FILE.pdf ...]

Per round, for every PDF (default: ``*.pdf`` in ../shared/corpus/real), interleaved:

* **reader** — ``extractor.readers.pdf.read`` (characters, rules, tables, paragraphs, stitching);
* **pdfplumber** — ``extract_text()`` + ``extract_tables()`` on every page;
* **pdfium text** — pypdfium2's ``get_textpage().get_text_range()`` on every page: the least any
  reader of the text layer does (a stable yardstick on a busy machine).

``--before DIR``: the reader of another checkout in a helper process, interleaved too (the goal of
issue 15: ≥ 25 % less CPU per page than before, i.e. a ratio ≤ 0.75).
"""

from __future__ import annotations

import argparse
import io
import sys
from pathlib import Path

import pdfplumber
import pypdfium2 as pdfium

from benchmarks.harness import (
    ROOT,
    SHARED,
    Call,
    Contender,
    LoadProbe,
    Remote,
    Result,
    interleave,
    median_of,
    ms,
    ratios,
    table,
)
from extractor.readers import pdf as pdf_reader
from extractor.settings import DEFAULT_SETTINGS


def bare_pdfplumber(data: bytes) -> int:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()
            page.extract_tables()
        return len(pdf.pages)


def bare_pdfium(data: bytes) -> int:
    pdf = pdfium.PdfDocument(data)
    try:
        for page in pdf:
            tp = page.get_textpage()
            tp.get_text_range()
            tp.close()
            page.close()
        return len(pdf)
    finally:
        pdf.close()


def ours(data: bytes) -> int:
    return pdf_reader.read(data, source="bench.pdf", settings=DEFAULT_SETTINGS).page_count or 0


def suite(rounds: int = 9, before: Path | None = None, files: list[Path] | None = None) -> list[Result]:
    files = files or sorted((SHARED / "real").glob("*.pdf"))
    if not files:
        return []
    # before/after each in a helper process of its own: the same heap and GC load on both sides
    setup = "from extractor.readers import pdf as r\nfrom extractor.settings import DEFAULT_SETTINGS as S"
    remotes = [Remote(tree, setup) for tree in (ROOT, before)] if before is not None else []
    contenders: list[Contender] = []
    pages = 0
    for i, p in enumerate(files):
        data = p.read_bytes()
        pages += ours(data)
        contenders.append(Call(f"ogi{i}", lambda d=data: ours(d)))  # type: ignore[misc]
        contenders.append(Call(f"plumber{i}", lambda d=data: bare_pdfplumber(d)))  # type: ignore[misc]
        contenders.append(Call(f"pdfium{i}", lambda d=data: bare_pdfium(d)))  # type: ignore[misc]
        for tag, remote in zip(("now", "before"), remotes, strict=False):
            contenders.append(remote.contender(
                f"{tag}{i}", f"lambda d=open({str(p)!r}, 'rb').read(): r.read(d, source='bench.pdf', settings=S)"))
    probe = LoadProbe()
    try:
        t = interleave(contenders, rounds)
    finally:
        for remote in remotes:
            remote.close()
    load = probe.stop()
    n = len(files)

    def per_page(prefix: str) -> str:
        return f"{ms(median_of(t, [f'{prefix}{i}' for i in range(n)], 'cpu') / pages)} CPU/page"

    case = f"{n} real PDFs, {pages} pages"
    out = []
    for base, label in (("plumber", "pdfplumber text+tables"), ("pdfium", "pypdfium2 text"), ("before", "reader before")):
        if base == "before" and not remotes:
            continue
        ogi = "now" if base == "before" else "ogi"
        pairs = [(f"{ogi}{i}", f"{base}{i}") for i in range(n)]
        cpu = ratios(t, pairs, "cpu")
        goal, met = ("CPU ≤ 0.75×", cpu is not None and cpu.median <= 0.75) if base == "before" else ("", None)
        out.append(Result("PDF", case, "readers.pdf.read", label, per_page(ogi), per_page(base), cpu,
                          ratios(t, pairs, "wall"), rounds, load, goal=goal, met=met))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("files", nargs="*", type=Path)
    ap.add_argument("--rounds", type=int, default=9)
    ap.add_argument("--before", type=Path, default=None, help="another checkout to compare with, interleaved")
    args = ap.parse_args(argv)
    print(table(suite(args.rounds, args.before, args.files or None)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
