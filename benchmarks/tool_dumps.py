"""Real reports as other people's tools turn them into text, scored against their truth.

    python -m benchmarks.tool_dumps ../shared/corpus/real ../shared/corpus/real-layouts [-v] [--keep DIR] [--generated 20]
        [--generated-html 40]

Researchers feed us text made by whatever their pipeline uses. This takes every real HTML page and
PDF that has a truth file, converts it the common ways — BeautifulSoup ``get_text`` with a line
break, with a space and with nothing between nodes; lxml's ``text_content()``; markdownify, html2text, ``w3m -dump``, ``lynx -dump`` and pandoc (where installed); tags removed by a
regular expression (character references such as ``&nbsp;`` left as they are, scripts and styles
kept) with nothing or a line break in their place; a tab-separated
row per ``<tr>`` (Tika-like); a markdown table per ``<table>`` as html-to-markdown converters make it
(merged cells dropped, rows padded to the widest); each table through ``pandas.read_html`` and
``to_csv``; ``pdftotext`` plain, ``-layout`` and ``-raw`` (when poppler is
installed); pdfplumber's ``extract_text()`` plain and with ``layout=True``; pdfminer.six's
``extract_text()`` (its text boxes: a block's labels, then its numbers column by column); pypdfium2's
``get_text_range()``; PyMuPDF's ``get_text()`` plain and sorted, pages joined with nothing between
(where installed) — and reads each dump
as a ``.txt``. Prints, per tool, figures exact, figures *wrong* (a value that is not the truth's)
and documents fully right. None of these dumps is special-cased anywhere: they are layouts the
extractor has to read by its general rules.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from benchmarks.accuracy import score, wrong
from extractor.readers.decode import decode_bytes


def html_dumps(html: str) -> Iterator[tuple[str, str]]:
    import lxml.html
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "lxml")
    for s in soup(["script", "style"]):
        s.decompose()
    body = soup.body or soup
    yield "bs4 get_text('\\n')", body.get_text("\n")
    yield "bs4 get_text('\\n', strip)", body.get_text("\n", strip=True)
    yield "bs4 get_text(' ', strip)", body.get_text(" ", strip=True)
    yield "bs4 get_text()", body.get_text()
    root = lxml.html.fromstring(html)
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    yield "lxml text_content()", root.text_content()
    yield "regex tags → ''", re.sub(r"<[^>]*>", "", html)
    yield "regex tags → '\\n'", re.sub(r"<[^>]*>", "\n", html)
    lines = []
    for el in body.find_all(["p", "tr", "h1", "h2", "h3"]):
        if el.name == "tr":
            lines.append("\t".join(td.get_text(" ", strip=True) for td in el.find_all(["td", "th"])))
        elif not el.find_parent("tr"):
            lines.append(el.get_text(" ", strip=True))
    yield "rows, tab-separated", "\n".join(lines)
    md = []
    for el in body.find_all(["p", "table", "h1", "h2", "h3"]):
        if el.name == "table":
            rows = [[td.get_text(" ", strip=True).replace("|", "/") for td in tr.find_all(["td", "th"])] for tr in el.find_all("tr")]
            width = max((len(r) for r in rows), default=0)
            for i, r in enumerate(rows):
                md.append("| " + " | ".join(r + [""] * (width - len(r))) + " |")
                if i == 0:
                    md.append("|" + "---|" * width)
        elif not el.find_parent("table"):
            md.append(el.get_text(" ", strip=True))
    yield "markdown table (spans dropped)", "\n".join(md)
    yield from pandas_dump(html)
    yield from converter_dumps(html)
    yield from browser_dumps(html)


def pandas_dump(html: str) -> Iterator[tuple[str, str]]:
    """A researcher's ``pandas.read_html`` of each table written out with ``DataFrame.to_csv``
    (merged cells repeated, numbers maybe as floats, an index column and a header row of column
    numbers), in the page's text where the table stood; pandas is a test dependency."""
    import io

    try:
        import pandas as pd
        from bs4 import BeautifulSoup
    except ImportError:
        return
    soup = BeautifulSoup(html, "lxml")
    for s in soup(["script", "style"]):
        s.decompose()
    for table in soup.find_all("table"):
        if table.find("table") is not None:
            continue  # a layout table around the report's tables: its inner tables are read
        try:
            frames = pd.read_html(io.StringIO(str(table)))
        except (ValueError, IndexError):
            continue
        pre = soup.new_tag("pre")
        pre.string = "\n" + "\n".join(df.to_csv() for df in frames) + "\n"
        table.replace_with(pre)
    yield "pandas read_html → to_csv", (soup.body or soup).get_text("\n")


def converter_dumps(html: str) -> Iterator[tuple[str, str]]:
    """HTML-to-markdown converters, where installed: markdownify (a merged cell printed as the cell
    and empty cells for its span; a test dependency) and html2text (rows without outer pipes, a
    cell's line break kept; GPL, so only when the user has it), and trafilatura's main-text
    extraction with its tables, as text and as markdown (where installed)."""
    try:
        from markdownify import markdownify
    except ImportError:
        pass
    else:
        yield "markdownify", markdownify(html)
    try:
        import html2text
    except ImportError:
        pass
    else:
        conv = html2text.HTML2Text()
        conv.body_width = 0
        yield "html2text", conv.handle(html)
    try:
        import trafilatura  # a crawler's main-text extraction, tables kept: measured where installed
    except ImportError:
        return
    for fmt in ("txt", "markdown"):
        yield f"trafilatura ({fmt})", trafilatura.extract(html, output_format=fmt, include_tables=True) or ""
    try:  # HTML-to-text renderers that lay tables out with spaces, where installed
        import html_text  # type: ignore[import-not-found]
        import inscriptis  # type: ignore[import-not-found]
    except ImportError:
        return
    yield "inscriptis get_text()", inscriptis.get_text(html)
    yield "html-text extract_text()", html_text.extract_text(html)


def browser_dumps(html: str) -> Iterator[tuple[str, str]]:
    """Text browsers' and pandoc's dumps, where installed: ``w3m -dump`` (tables drawn with box
    characters, a cell's text wrapped inside its box), ``lynx -dump`` (tables laid out with spaces),
    pandoc's markdown (a table with merged cells kept as HTML, styled spans as ``[text]{style=…}``,
    grid tables), GitHub markdown and plain text (a table with merged cells printed as ``[TABLE]``:
    its figures are lost to any reader)."""
    commands = {
        "w3m -dump": ["w3m", "-dump", "-cols", "200", "-I", "UTF-8", "-O", "UTF-8", "-T", "text/html"],
        "lynx -dump": ["lynx", "-dump", "-width=200", "-assume_charset=utf-8", "-display_charset=utf-8", "-nolist"],
        "pandoc -t markdown": ["pandoc", "-f", "html", "-t", "markdown", "--wrap=none"],
        "pandoc -t gfm": ["pandoc", "-f", "html", "-t", "gfm", "--wrap=none"],
        "pandoc -t plain": ["pandoc", "-f", "html", "-t", "plain", "--wrap=none"],
    }
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.html"
        page.write_text(html, encoding="utf-8")
        for tool, cmd in commands.items():
            if shutil.which(cmd[0]):
                out = subprocess.run([*cmd, str(page)], capture_output=True, check=False, timeout=60).stdout
                yield tool, out.decode("utf-8", "replace")


def pdf_dumps(path: Path) -> Iterator[tuple[str, str]]:
    import pdfplumber
    import pypdfium2 as pdfium
    from pdfminer.high_level import extract_text as pdfminer_text

    if shutil.which("pdftotext"):
        for flag in ("", "-layout", "-raw"):
            args = ["pdftotext", "-enc", "UTF-8", *([flag] if flag else []), str(path), "-"]
            yield f"pdftotext {flag}".strip(), subprocess.run(args, capture_output=True, check=False).stdout.decode("utf-8", "replace")
    with pdfplumber.open(path) as pdf:
        yield "pdfplumber extract_text()", "\n".join(p.extract_text() or "" for p in pdf.pages)
        yield "pdfplumber layout=True", "\n".join(p.extract_text(layout=True) or "" for p in pdf.pages)
    yield "pdfminer extract_text()", pdfminer_text(str(path))
    doc = pdfium.PdfDocument(str(path))
    try:
        yield "pypdfium2 get_text_range()", "\n".join(doc[i].get_textpage().get_text_range() for i in range(len(doc)))
    finally:
        doc.close()
    try:
        import pymupdf  # type: ignore[import-not-found]  # AGPL: measured where installed, never a dependency
    except ImportError:
        return
    with pymupdf.open(str(path)) as mu:
        # pages joined as people join them: nothing between (a page's last line runs into the next's first)
        yield "PyMuPDF get_text()", "".join(page.get_text() for page in mu)
        yield "PyMuPDF get_text(sort=True)", "".join(page.get_text(sort=True) for page in mu)
        # the text blocks in reading position, one per paragraph (what RAG pipelines chunk)
        yield "PyMuPDF blocks (sort=True)", "\n".join(b[4] for page in mu for b in page.get_text("blocks", sort=True))
    try:
        import pymupdf4llm  # type: ignore[import-not-found]  # markdown for LLM pipelines: tables as pipe rows
    except ImportError:
        return
    yield "pymupdf4llm to_markdown()", pymupdf4llm.to_markdown(str(path), show_progress=False, use_ocr=False)


Totals = dict[tuple[str, bool], list[int]]
"""Per tool and whether the report's printed totals hold: figures exact, figures, wrong values."""


def _tally(totals: Totals, tool: str, sound: bool, s: Any) -> None:
    t = totals.setdefault((tool, sound), [0, 0, 0])
    t[0] += s.right
    t[1] += s.total
    t[2] += len(s.wrong)


def _print_totals(title: str, width: int, totals: Totals) -> None:
    print(f"{title:{width}s} {'totals':>8s} {'figures exact':>22s} {'wrong':>6s}")
    for (tool, sound), (right, total, bad) in sorted(totals.items()):
        print(f"{tool:{width}s} {'sound' if sound else 'broken':>8s} {right:>7d}/{total:<6d} {100 * right / max(total, 1):6.2f}% {bad:>6d}")


def generated_pdfs(n: int) -> None:
    """Generated reports (blank cells, placeholders, merged cells, wrapped labels) rendered to PDF
    and dumped by pdftotext: figures exact and wrong, split by whether the report's printed totals
    hold (a dump that loses cells can only be checked against sound totals)."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    import pdfplumber
    from gen import draw_variant, generate
    from gen.layout_check import score as score_layout
    from gen.render_layouts import identities_hold
    from gen.render_pdf import render_pdf

    from extractor.pipeline import extract

    if not shutil.which("pdftotext"):
        print("pdftotext is not installed")
        return
    totals: Totals = {}
    with tempfile.TemporaryDirectory() as tmp:
        for seed in range(n):
            rep = generate(seed)
            pdf = Path(tmp) / f"gen{seed}.pdf"
            pdf.write_bytes(render_pdf(rep, draw_variant(seed)))
            for flag in ("", "-layout", "-raw"):
                args = ["pdftotext", "-enc", "UTF-8", *([flag] if flag else []), str(pdf), "-"]
                text = subprocess.run(args, capture_output=True, check=False).stdout
                _tally(totals, f"pdftotext {flag}".strip(), identities_hold(rep), score_layout(rep, extract(text, name=f"gen{seed}.txt")))
            with pdfplumber.open(pdf) as doc:
                for tool, layout in (("pdfplumber extract_text()", False), ("pdfplumber layout=True", True)):
                    text = "\n".join(p.extract_text(layout=layout) or "" for p in doc.pages).encode("utf-8")
                    _tally(totals, tool, identities_hold(rep), score_layout(rep, extract(text, name=f"gen{seed}.txt")))
    _print_totals("generated PDFs", 28, totals)


def generated_html(n: int) -> None:
    """Generated HTML pages (blank cells, placeholders, merged cells, digits split over ``<span>``
    elements, wrapped labels) dumped by the HTML tools above: figures exact and wrong, split by
    whether the report's printed totals hold."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
    from gen import draw_variant, generate
    from gen.layout_check import score as score_layout
    from gen.render_html import render_html
    from gen.render_layouts import identities_hold

    from extractor.pipeline import extract

    totals: Totals = {}
    for seed in range(n):
        rep = generate(seed)
        html, _ = decode_bytes(render_html(rep, draw_variant(seed)))
        for tool, text in html_dumps(html):
            _tally(totals, tool, identities_hold(rep), score_layout(rep, extract(text.encode("utf-8"), name=f"gen{seed}.txt")))
    _print_totals("generated HTML", 32, totals)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="a line per document and tool")
    ap.add_argument("--keep", type=Path, help="write the dumps here (default: a temporary directory)")
    ap.add_argument("--generated", type=int, default=0, metavar="N",
                    help="also render N generated reports to PDF and score their pdftotext and pdfplumber dumps")
    ap.add_argument("--generated-html", type=int, default=0, metavar="N",
                    help="also render N generated reports to HTML and score the HTML tools' dumps")
    args = ap.parse_args(argv)
    out = args.keep or Path(tempfile.mkdtemp(prefix="ogi-dumps-"))
    out.mkdir(parents=True, exist_ok=True)
    totals: dict[str, list[int]] = {}
    for d in args.dirs:
        for doc in sorted(d.glob("*")):
            truth = doc.with_name(doc.stem + ".truth.json")
            if doc.suffix not in (".html", ".htm", ".pdf") or not truth.exists():
                continue
            dumps = pdf_dumps(doc) if doc.suffix == ".pdf" else html_dumps(decode_bytes(doc.read_bytes())[0])
            for i, (tool, text) in enumerate(dumps):
                path = out / f"{doc.stem}.{i}.txt"
                path.write_text(text, encoding="utf-8")
                s = score(path, truth)
                t = totals.setdefault(tool, [0, 0, 0, 0, 0])
                t[0] += s.right
                t[1] += s.total
                t[2] += wrong(s)
                t[3] += s.right == s.total
                t[4] += 1
                if args.verbose:
                    note = "" if s.right == s.total else f"  (missed {s.total - s.right}, wrong {wrong(s)})"
                    print(f"{doc.stem:42s} {tool:28s} {s.right}/{s.total}{note}")
    print(f"{'tool':28s} {'figures exact':>22s} {'wrong':>6s} {'fully right':>12s}")
    for tool, (right, total, bad, full, docs) in totals.items():
        print(f"{tool:28s} {right:>7d}/{total:<6d} {100 * right / max(total, 1):6.2f}% {bad:>6d} {full:>6d}/{docs}")
    right, total, bad = (sum(t[i] for t in totals.values()) for i in range(3))
    print(f"{'ALL':28s} {right:>7d}/{total:<6d} {100 * right / max(total, 1):6.2f}% {bad:>6d}")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)
    if args.generated:
        generated_pdfs(args.generated)
    if args.generated_html:
        generated_html(args.generated_html)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
