"""Score extraction against ``*.truth.json`` files (the format of flat-keys.md).

    python -m benchmarks.accuracy ../shared/corpus/real corpus [-v]

Prints per-document misses (with -v), per-format and overall figure accuracy (truth keys whose
value we extract exactly), fully-correct documents and crashes. Truth files of a generated corpus
(``python -m tests.gen.make_corpus DIR``) also carry ``states`` (printed cell states) and
``expected_errors`` (the deliberately broken identities); for those, state accuracy and the
documents whose error findings are exactly the expected ones are printed too.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import traceback
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractor.pipeline import extract


@dataclass
class DocScore:
    path: Path
    fmt: str
    total: int
    right: int
    misses: list[tuple[str, object, object]] = field(default_factory=list)
    crashed: str | None = None
    layout: str = ""
    """For text documents, the shape of the text (see :func:`text_layout`)."""
    report: Any = None
    truth: dict[str, float] = field(default_factory=dict)
    agency_ok: bool = False
    year_ok: bool = False
    states_total: int = 0
    states_right: int = 0
    findings_ok: bool | None = None
    """Error findings exactly the truth's ``expected_errors`` (None: the truth has none listed)."""
    status: str = "failed"
    tables: int = 0
    """How many of tables 2, 3, 4 were located."""
    ocr_pages: int = 0
    ocr_seconds: float = 0.0


def truth_pairs(dirs: list[Path]) -> list[tuple[Path, Path]]:
    out = []
    for d in dirs:
        for truth in sorted(d.rglob("*.truth.json")):
            stem = truth.name[: -len(".truth.json")]
            docs = [p for p in truth.parent.glob(stem + ".*") if not p.name.endswith(".truth.json")]
            if docs:
                out.append((docs[0], truth))
    return out


def text_layout(text: str) -> str:
    """The shape of a text document's tables, from its numbers alone: ``cell-per-line`` (most lines
    that hold a number hold only that), ``glued`` (digit runs with a leading zero: cells ran
    together), ``rows`` (a row per line: pipes, tabs, spaces, PDF text layers)."""
    lines = [x.strip() for x in text.splitlines() if re.search(r"\d", x)]
    single = sum(1 for x in lines if re.fullmatch(r"[+\-增减]?\d[\d.,]*(元|万元)?", x))
    if lines and single / len(lines) > 0.4:
        return "cell-per-line"
    if len(re.findall(r"(?<![\d.])0\d", text)) >= 5:
        return "glued"
    return "rows"


def wrong(s: DocScore) -> int:
    """Figures read with a value that is not the truth's (a miss without a value is not wrong)."""
    return sum(1 for _, _, got in s.misses if got is not None)


def score(doc: Path, truth_path: Path) -> DocScore:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
    figures: dict[str, float] = truth["figures"]
    fmt = doc.suffix.lstrip(".").lower()
    try:
        result = extract(doc)
    except Exception:  # a crash is what this benchmark exists to count
        return DocScore(doc, fmt, len(figures), 0, crashed=traceback.format_exc(limit=3))
    if result.report is None:
        code = result.error.code if result.error else "?"
        return DocScore(doc, fmt, len(figures), 0, crashed=f"error {code}: {result.error}")
    flat = result.report.flat()
    s = DocScore(doc, fmt, len(figures), 0, status=result.status, report=result.report, truth=figures)
    if fmt in ("txt", "md"):
        s.layout = text_layout(doc.read_text(encoding="utf-8", errors="replace"))
    rep = result.report
    s.tables = sum(t is not None for t in (rep.table2, rep.table3, rep.table4))
    if rep.meta.ocr is not None:
        s.ocr_pages, s.ocr_seconds = len(rep.meta.ocr.pages), rep.meta.ocr.seconds
    for key, want in figures.items():
        got = flat.get(key)
        if got is not None and abs(float(got) - float(want)) < 1e-9:
            s.right += 1
        else:
            s.misses.append((key, want, got))
    s.agency_ok = result.report.meta.organ_in_title == truth.get("agency") or result.report.meta.organ == truth.get("agency")
    s.year_ok = result.report.meta.report_year == truth.get("report_year")
    states: dict[str, str] = truth.get("states") or {}
    if states:
        got_states = {f.key: f.state.value for f in result.report.figures()}
        s.states_total = len(states)
        s.states_right = sum(1 for k, v in states.items() if got_states.get(k) == v)
    if "expected_errors" in truth:
        expected = sorted(tuple(e) for e in truth["expected_errors"])
        found = sorted({(f.code, f.cells[0] if f.cells else "") for f in result.findings if f.severity.value == "error"})
        s.findings_ok = found == expected
    return s


def crossyear(scores: list[DocScore]) -> None:
    """What a batch of these documents gives: table-2 runs settled across years, then rescored."""
    from extractor.diff.organs import OrganNames, group_organs
    from extractor.mapping.crossyear import settle_reports

    usable = [s for s in scores if s.report is not None and s.report.meta.organ and s.report.meta.report_year]
    group_of, _ = group_organs((s.report.meta.organ for s in usable), OrganNames.create())
    for a in usable:
        for b in usable:
            if group_of[a.report.meta.organ] == group_of[b.report.meta.organ] and a.report.meta.report_year + 1 == b.report.meta.report_year:
                settle_reports(a.report, b.report)
    for s in usable:
        flat = s.report.flat()
        s.misses = [(k, v, flat.get(k)) for k, v in s.truth.items() if flat.get(k) is None or abs(float(flat[k]) - float(v)) >= 1e-9]
        s.right = s.total - len(s.misses)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("dirs", nargs="+", type=Path)
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    ap.add_argument("--group-by", metavar="REGEX", help="also summarise by the first match of REGEX in the file name")
    ap.add_argument("--crossyear", action="store_true",
                    help="settle ambiguous table-2 runs from the same organ's neighbouring year among the scored documents (as ogi batch does)")
    ap.add_argument("--layouts", type=int, metavar="N", default=0,
                    help="also re-print N generated reports and the complete truth files of the folders in every text layout (benchmarks.layouts)")
    args = ap.parse_args(argv)
    scores = [score(d, t) for d, t in truth_pairs(args.dirs)]
    if args.crossyear:
        crossyear(scores)
    by_fmt: dict[str, list[DocScore]] = defaultdict(list)
    for s in scores:
        by_fmt[s.fmt].append(s)
        flag = "CRASH" if s.crashed else ("ok" if s.right == s.total else f"{s.total - s.right} miss")
        ocr = f" ocr {s.ocr_pages}p {s.ocr_seconds:.1f}s" if s.ocr_pages else ""
        print(f"{s.path.name:50s} {s.right:4d}/{s.total:<4d} {flag:10s} agency={'y' if s.agency_ok else 'n'} "
              f"year={'y' if s.year_ok else 'n'} {s.status:8s} tables={s.tables}/3{ocr}")
        if args.verbose:
            for key, want, got in s.misses[:40]:
                print(f"    {key}: truth {want} got {got}")
            if s.crashed:
                print("    " + s.crashed.replace("\n", "\n    "))
    print()
    grand_t = grand_r = 0
    for fmt, ss in sorted(by_fmt.items()):
        t = sum(s.total for s in ss)
        r = sum(s.right for s in ss)
        grand_t += t
        grand_r += r
        full = sum(1 for s in ss if s.right == s.total and not s.crashed)
        crashes = sum(1 for s in ss if s.crashed)
        extra = ""
        st_t = sum(s.states_total for s in ss)
        if st_t:
            st_r = sum(s.states_right for s in ss)
            extra += f"  states {st_r}/{st_t} = {100 * st_r / st_t:.2f}%"
        checked = [s for s in ss if s.findings_ok is not None]
        if checked:
            extra += f"  findings as expected {sum(1 for s in checked if s.findings_ok)}/{len(checked)}"
        w = sum(wrong(s) for s in ss)
        print(f"{fmt:5s} docs {len(ss):3d}  figures {r}/{t} = {100 * r / max(t, 1):.2f}%  wrong {w}  fully correct {full}  crashes {crashes}{extra}")
    print(f"ALL   docs {len(scores):3d}  figures {grand_r}/{grand_t} = {100 * grand_r / max(grand_t, 1):.2f}%  wrong {sum(wrong(s) for s in scores)}")
    by_layout: dict[str, list[DocScore]] = defaultdict(list)
    for s in scores:
        if s.layout:
            by_layout[s.layout].append(s)
    for name, ss in sorted(by_layout.items()):
        t = sum(s.total for s in ss)
        r = sum(s.right for s in ss)
        print(f"text layout {name:14s} docs {len(ss):3d}  figures {r}/{t} = {100 * r / max(t, 1):.2f}%  wrong {sum(wrong(s) for s in ss)}")
    statuses = Counter(s.status for s in scores)
    print("status " + ", ".join(f"{k} {v}" for k, v in sorted(statuses.items()))
          + f"; all three tables located in {sum(s.tables == 3 for s in scores)}/{len(scores)}")
    if args.group_by:
        groups: dict[str, list[DocScore]] = defaultdict(list)
        for s in scores:
            m = re.search(args.group_by, s.path.name)
            groups[m.group(0) if m else "-"].append(s)
        for name, ss in sorted(groups.items()):
            t = sum(s.total for s in ss)
            r = sum(s.right for s in ss)
            print(f"{name:8s} docs {len(ss):3d}  figures {r}/{t} = {100 * r / max(t, 1):.2f}%  "
                  f"all tables {sum(s.tables == 3 for s in ss)}/{len(ss)}")
    if args.layouts:
        from benchmarks import layouts

        print()
        layouts.main(["--n", str(args.layouts), *[x for d in args.dirs for x in ("--real", str(d))]])
    per_page = [s.ocr_seconds / s.ocr_pages for s in scores if s.ocr_pages]
    if per_page:
        print(f"OCR: {sum(s.ocr_pages for s in scores)} pages, median {statistics.median(per_page):.2f} s/page "
              f"(per-document means; max {max(per_page):.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
