"""Build a scanned test set from PDFs with truth files, then score it with the accuracy benchmark.

    python -m benchmarks.scanned OUT [--real ../shared/corpus/real] [--generated 6] [--seed 11]
                                     [--dpi 100,150,200] [--score]

Every source PDF (each real PDF beside a ``*.truth.json``, and ``--generated`` reports rendered by
``tests.gen.make_corpus`` through LibreOffice) is rendered at each resolution, and each page is
"scanned": rotated by a random angle in [-1°, +1°], blurred a little, given Gaussian noise and
saved as a JPEG at quality 70 (``tests/gen/scan.py``), so the page carries the blocking and ringing a real scan has. The
pages of one (source, resolution) become one document, in turn:

* ``.pdf``  — an image-only PDF (no text layer), one JPEG per page;
* ``.html`` — an image-only web page (``（图片版）``) whose ``<img src>`` are PNG files in a folder
  beside it, as a saved page or ``ogi crawl`` stores it;
* ``.tiff`` — a multi-page TIFF given directly.

Each document gets a copy of the source's truth file, named ``<source>-dpi<N>.truth.json``.
``--score`` then runs ``python -m benchmarks.accuracy OUT --group-by 'dpi\\d+'`` and prints the
per-page OCR time (median, from ``meta.ocr``).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
from pathlib import Path

from PIL import Image

from tests.gen.scan import image_pdf, render, scan_page, tiff

FORMATS = ("pdf", "html", "tiff")


def write_doc(pages: list[Image.Image], out: Path, stem: str, fmt: str, dpi: int) -> Path:
    if fmt == "pdf":
        path = out / f"{stem}.pdf"
        path.write_bytes(image_pdf(pages, dpi))
        return path
    if fmt == "tiff":
        path = out / f"{stem}.tiff"
        path.write_bytes(tiff(pages, dpi))
        return path
    folder = out / f"{stem}_files"
    folder.mkdir(exist_ok=True)
    imgs = []
    for i, p in enumerate(pages, 1):
        p.save(folder / f"page-{i}.png", format="PNG")
        imgs.append(f'<p><img src="{folder.name}/page-{i}.png" width="800"></p>')
    path = out / f"{stem}.html"
    html = ('<!DOCTYPE html><html><head><meta charset="utf-8"><title>（图片版）</title></head><body>'
            '<div class="article"><h1>（图片版）</h1>' + "".join(imgs) + "</div></body></html>")
    path.write_text(html, encoding="utf-8")
    return path


def sources(real: Path | None, n_generated: int, seed: int, work: Path) -> list[tuple[str, bytes, Path]]:
    out: list[tuple[str, bytes, Path]] = []
    if real is not None and real.is_dir():
        for pdf in sorted(real.glob("*.pdf")):
            truth = pdf.with_name(pdf.stem + ".truth.json")
            if truth.exists():
                out.append((f"real-{pdf.stem}", pdf.read_bytes(), truth))
    if n_generated:
        from tests.gen.make_corpus import make_corpus

        gen = work / "generated-src"
        make_corpus(gen, n_generated, seed=seed, formats=("pdf",))
        for pdf in sorted(gen.glob("*.pdf")):
            out.append((pdf.stem, pdf.read_bytes(), pdf.with_name(pdf.stem + ".truth.json")))
    return out


def build(out: Path, real: Path | None, n_generated: int, seed: int, dpis: list[int]) -> int:
    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    work = out / ".work"
    n = 0
    for k, (stem, data, truth) in enumerate(sources(real, n_generated, seed, work)):
        for j, dpi in enumerate(dpis):
            fmt = FORMATS[(k + j) % len(FORMATS)]
            pages = [scan_page(p, rng) for p in render(data, dpi)]
            name = f"{stem}-dpi{dpi}-{fmt}"
            write_doc(pages, out, name, fmt, dpi)
            shutil.copyfile(truth, out / f"{name}.truth.json")
            n += 1
    shutil.rmtree(work, ignore_errors=True)
    return n


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("out", type=Path)
    ap.add_argument("--real", type=Path, default=Path("../shared/corpus/real"))
    ap.add_argument("--generated", type=int, default=6)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--dpi", default="100,150,200")
    ap.add_argument("--score", action="store_true", help="run the accuracy benchmark on the set afterwards")
    args = ap.parse_args(argv)
    n = build(args.out, args.real, args.generated, args.seed, [int(d) for d in args.dpi.split(",")])
    print(f"wrote {n} scanned documents to {args.out}")
    if args.score:
        from benchmarks.accuracy import main as accuracy

        return accuracy([str(args.out), "--group-by", r"dpi\d+"])
    return 0


if __name__ == "__main__":
    sys.exit(main())

