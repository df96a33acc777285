"""Real HTML pages printed to PDF by headless Chromium under several page sizes and zooms, then
turned into text by the PDF tools and read by the text path; scored against the pages' truth.

    python -m benchmarks.browser_prints ../shared/corpus/real ../shared/corpus/real-layouts [--keep DIR] [--variant a5 ...]

A page printed on a narrower sheet wraps its cells differently, cuts a wide table at the page's edge
(its last columns never printed), and pdftotext's plain reading order then interleaves cells of
neighbouring rows. None of these texts is special-cased: they are layouts the extractor has to read
by its general rules, and where it cannot, it must leave cells without a value, never give a wrong
one. Prints, per page, variant and tool, figures exact and figures *wrong*, then the totals; exits 1
when any value is wrong. Needs Chromium (Debian ``chromium``) and poppler-utils; this is a
measurement, not a test (Chromium's layout changes from release to release).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import FLAGS, find_browser  # the tests' headless-Chromium flags and lookup

from benchmarks.tool_dumps import pdf_dumps
from extractor import extract

VARIANTS = {
    "a4": "",
    "a3": "@page{size:A3}",
    "a5": "@page{size:A5}",
    "landscape": "@page{size:A4 landscape}",
    "zoom80": "html{zoom:0.8}",
    "zoom125": "html{zoom:1.25}",
    "letter-margins": "@page{size:Letter; margin:2.5cm}",
}
"""CSS put in each page's <head> before printing (a4: the page as it is)."""
TOOLS = ("pdftotext", "pdftotext -layout", "pdftotext -raw", "pdfplumber extract_text()", "pdfplumber layout=True",
         "pypdfium2 get_text_range()")


def _print(browser: str, page: Path, pdf: Path, work: Path) -> bool:
    cmd = [browser, *FLAGS, "--no-pdf-header-footer", f"--user-data-dir={work / 'profile'}", f"--print-to-pdf={pdf}",
           page.resolve().as_uri()]
    try:
        subprocess.run(cmd, capture_output=True, timeout=120, env={**os.environ, "HOME": str(work)})
    except subprocess.TimeoutExpired:
        return False
    return pdf.exists()


def _truth(page: Path) -> dict[str, object]:
    data = json.loads(page.with_name(page.name[: -len(".html")] + ".truth.json").read_text(encoding="utf-8"))
    return dict(data.get("figures", data))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("--variant", action="append", choices=sorted(VARIANTS), help="only these variants (repeatable)")
    ap.add_argument("--keep", type=Path, help="write the PDFs and the dumps that gave a wrong value here")
    args = ap.parse_args(argv)
    browser = find_browser()
    if browser is None:
        print("no Chromium found (apt-get install chromium)", file=sys.stderr)
        return 2
    pages = sorted(p for d in args.dirs for p in d.glob("*.html") if p.with_name(p.name[:-5] + ".truth.json").exists())
    variants = {k: v for k, v in VARIANTS.items() if not args.variant or k in args.variant}
    right = total = wrong = 0
    by_tool: dict[str, list[int]] = {}
    with tempfile.TemporaryDirectory(prefix="ogi-prints-") as tmp:
        work = args.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        for page in pages:
            truth = _truth(page)
            html = page.read_bytes().decode("utf-8", "replace")
            for name, css in variants.items():
                src = work / f"{page.stem}.{name}.html"
                style = f"<style>{css}</style>".replace("\\", "\\\\")
                styled = re.sub(r"(?i)(<head[^>]*>)", r"\1" + style, html, count=1)
                src.write_text(styled if css else html, encoding="utf-8")
                pdf = work / f"{page.stem}.{name}.pdf"
                if not _print(browser, src, pdf, work):
                    print(f"{page.stem:28} {name:15} Chromium printed nothing")
                    continue
                for tool, text in pdf_dumps(pdf):
                    if tool not in TOOLS:
                        continue
                    result = extract(text.encode("utf-8"), name=f"{page.stem}.txt")
                    flat = result.report.flat() if result.report else {}
                    bad = [(k, v, flat[k]) for k, v in truth.items() if flat.get(k) is not None and flat[k] != v]
                    ok = sum(flat.get(k) == v for k, v in truth.items())
                    right, total, wrong = right + ok, total + len(truth), wrong + len(bad)
                    t = by_tool.setdefault(tool, [0, 0, 0])
                    t[0], t[1], t[2] = t[0] + ok, t[1] + len(truth), t[2] + len(bad)
                    if bad and args.keep:
                        (work / f"{page.stem}.{name}.{re.sub(r'[^a-z0-9]+', '_', tool)}.txt").write_text(text, encoding="utf-8")
                    print(f"{page.stem:28} {name:15} {tool:28} {ok:4}/{len(truth)}  wrong {len(bad)} {bad[:3] if bad else ''}",
                          flush=True)
    print()
    for tool, (got, n, n_wrong) in by_tool.items():
        print(f"{tool:28} {got:6}/{n:<6} {100 * got / max(n, 1):6.2f}%  wrong {n_wrong}")
    print(f"{'ALL':28} {right:6}/{total:<6} {100 * right / max(total, 1):6.2f}%  wrong {wrong}")
    return 1 if wrong else 0


if __name__ == "__main__":
    sys.exit(main())
