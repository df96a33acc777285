"""Write a generated corpus: documents with ``*.truth.json`` files in the flat-keys format, for
``python -m benchmarks.accuracy DIR``::

    python -m tests.gen.make_corpus /tmp/gencorpus --n 200 [--seed 0] [--formats txt,md,tsv,html,docx,pdf]

Document ``i`` is report ``seed + i`` rendered in format ``formats[i % len(formats)]`` with layout
variant ``seed + i`` drawn independently. File suffixes name the rendering: ``.txt`` pipe rows,
``.md`` markdown, ``.tsv`` tab rows, ``.html``, ``.docx``, ``.pdf`` (LibreOffice; left out when
soffice is not installed). Truth files add ``states`` (printed cell states) and
``expected_errors`` (the deliberately broken identities) to the flat-keys fields.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

from .model import GenReport, generate
from .render_docx import render_docx
from .render_html import render_html, render_html_for_pdf
from .render_pdf import convert, soffice_path
from .render_text import render_markdown, render_pipe, render_tab
from .variants import Variant, draw_variant

FORMATS = ("txt", "md", "tsv", "html", "docx", "pdf")


def render(rep: GenReport, v: Variant, fmt: str) -> bytes:
    if fmt == "txt":
        return render_pipe(rep, v).encode("utf-8")
    if fmt == "md":
        return render_markdown(rep, v).encode("utf-8")
    if fmt == "tsv":
        return render_tab(rep, v).encode("utf-8")
    if fmt == "html":
        return render_html(rep, v)
    if fmt == "docx":
        return render_docx(rep, v)
    raise ValueError(fmt)


def make_corpus(out: Path, n: int, seed: int = 0, formats: tuple[str, ...] = FORMATS) -> Counter[str]:
    out.mkdir(parents=True, exist_ok=True)
    if "pdf" in formats and soffice_path() is None:
        print("soffice not installed: no PDFs", file=sys.stderr)
        formats = tuple(f for f in formats if f != "pdf")
    written: Counter[str] = Counter()
    pdf_sources: list[tuple[str, bytes, str]] = []
    for i in range(n):
        s = seed + i
        fmt = formats[i % len(formats)]
        rep, v = generate(s), draw_variant(s)
        stem = f"gen-{s:06d}-{rep.template}-{fmt}"
        (out / f"{stem}.truth.json").write_text(json.dumps(rep.truth(), ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        if fmt == "pdf":
            if v.pdf_via == "docx":
                pdf_sources.append((stem, render_docx(rep, v), ".docx"))
            else:
                pdf_sources.append((stem, render_html_for_pdf(rep, v).encode("utf-8"), ".html"))
            continue
        (out / f"{stem}.{fmt}").write_bytes(render(rep, v, fmt))
        written[fmt] += 1
    if pdf_sources:
        for stem, data in convert(pdf_sources).items():
            (out / f"{stem}.pdf").write_bytes(data)
            written["pdf"] += 1
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--n", type=int, default=200)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--formats", default=",".join(FORMATS), help=f"comma-separated subset of {','.join(FORMATS)}")
    args = ap.parse_args(argv)
    formats = tuple(f.strip() for f in args.formats.split(",") if f.strip())
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        ap.error(f"unknown formats: {bad}")
    written = make_corpus(args.out, args.n, args.seed, formats)
    print(f"wrote {sum(written.values())} documents to {args.out}: " + ", ".join(f"{k} {v}" for k, v in sorted(written.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
