"""The A-… checks over one stored report (and, for A-COPY and A-CONTINUITY, last year's).

Each check returns a :class:`CheckResult` — ``pass``, ``fail``, ``unknown`` (the facts are not in
the document, or not in the warehouse) or ``na`` (does not apply) — with a one-line detail and
the cells it looked at. The checks read what the warehouse stores; nothing is re-extracted.

The two text rules (designed on the real reports, see README "Audit"):

* **A-RECTIFY** — a sentence of section 5 that refers back to last year (上年度, 上一年度, 去年,
  前期, 往年, 以往, ``<year − 1>年`` …) and to fixing problems (整改, or 改进/解决/落实/纠正 with
  问题/不足/短板/差距), or that reports a rectification's status (整改情况, 整改落实情况, 已整改,
  整改到位, 完成整改). Naming this year's problems and next year's measures (改进措施, 下一步) is
  not enough; the template heading's own words (存在的主要问题及改进情况) never count.
* **A-FEES** — a sentence of section 6 about the information-processing fee: 处理费, 收费, or
  收取 … 费(用). When only another section states it, the check passes and says where.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
from typing import Any

from extractor.audit.deadlines import Rule, deadline_for
from extractor.audit.models import CheckResult, CheckStatus
from extractor.diff.checks import cross_year_checks
from extractor.diff.compare import t3_layout
from extractor.diff.models import CrossCheck, SectionDiff
from extractor.diff.text import COPY_THRESHOLD, MIN_REPORT_COPY_CHARS, compare_sections, prose, whole_text_similarity
from extractor.records.models import Report, Section, Severity
from extractor.template import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T3_COLUMNS,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_COLUMNS,
    T4_GROUPS,
)
from extractor.validate.identities import NARRATIVE_SECTIONS, narrative_statements

_IDENTITY = re.compile(r"^T\d")
_TABLE_PROBLEMS = ("table.missing", "table.unreadable")


@dataclass
class Subject:
    """One canonical report as the warehouse stores it, with last year's report of the same organ."""

    row: dict[str, Any]
    """The ``reports`` row."""
    report: Report | None
    """Rebuilt from the warehouse; None for a document that failed."""
    previous: Subject | None = None
    rules: tuple[Rule, ...] = ()
    _text: TextComparison | None = field(default=None, repr=False)
    _checks: list[CrossCheck] | None = field(default=None, repr=False)

    @property
    def year(self) -> int | None:
        y = self.row.get("report_year")
        return int(y) if y is not None else None

    @property
    def organ_key(self) -> str | None:
        key = self.row.get("report_key")
        return str(key).rsplit(":", 1)[0] if key else None

    @property
    def sections_stored(self) -> bool:
        """False for a warehouse migrated from schema 1.x (section texts were not stored)."""
        return self.row.get("n_sections") is not None

    @property
    def pre2019(self) -> bool:
        return self.report is not None and self.report.meta.template == "pre2019"

    def section(self, number: int) -> Section | None:
        assert self.report is not None
        return next((s for s in self.report.sections if s.number == number), None)

    def _pair(self) -> tuple[Report, Report]:
        assert self.previous is not None and self.previous.report is not None and self.report is not None
        return self.previous.report, self.report

    def text_comparison(self) -> TextComparison:
        """This report's prose against last year's, as ``ogi diff`` compares them (computed once)."""
        if self._text is None:
            old, new = self._pair()
            exact, masked, chars = whole_text_similarity(old.sections, new.sections)
            self._text = TextComparison(sections=compare_sections(old.sections, new.sections), exact=exact,
                                        masked=masked, chars=chars)
        return self._text

    def cross_checks(self) -> list[CrossCheck]:
        """The cross-year identities with last year's report (T3-4, T2-21-1, T2-19-2/3)."""
        if self._checks is None:
            self._checks = cross_year_checks(*self._pair())[0]
        return self._checks


@dataclass
class TextComparison:
    sections: list[SectionDiff]
    exact: float | None
    masked: float | None
    chars: int
    """Prose characters of the shorter side."""

    @property
    def possible_copy(self) -> bool:
        """The rule of ``ogi diff`` (``diff.copied_report``)."""
        return self.masked is not None and self.masked >= COPY_THRESHOLD and self.chars >= MIN_REPORT_COPY_CHARS


Check = Callable[[Subject], CheckResult]
NOT_STORED = "section texts are not stored (warehouse migrated from schema 1.x): re-extract with ogi batch … --force"


def _r(code: str, status: CheckStatus, detail: str, cells: list[str] | None = None) -> CheckResult:
    return CheckResult(code=code, status=status, detail=detail, cells=cells or [])


def _quote(sentence: str, n: int = 60) -> str:
    return f"“{sentence[:n]}{'…' if len(sentence) > n else ''}”"


def sentences(text: str) -> list[str]:
    """Prose sentences (table rows dropped, whitespace removed, split after 。；！？)."""
    return [s for s in re.split(r"(?<=[。；;！？!?])", prose(text)) if s.strip("。；;！？!?，,、 ")]


# -- A-TIMELY --------------------------------------------------------------------------------------------


def check_timely(s: Subject) -> CheckResult:
    code = "A-TIMELY"
    year, published = s.year, s.row.get("published")
    if year is None:
        return _r(code, "unknown", "report year unknown")
    if not isinstance(published, date):
        return _r(code, "unknown", "no publication date in the document or on its page", ["meta.published"])
    if published < date(year + 1, 1, 1):
        return _r(code, "unknown", f"the date read ({published}, {s.row.get('published_source') or '?'}) is "
                                   f"before the end of {year}: not a publication date", ["meta.published"])
    due = deadline_for(s.row.get("organ"), s.organ_key, year, s.rules)
    where = s.row.get("published_source") or "?"
    if s.row.get("published_from"):
        where += f" of the duplicate {str(s.row['published_from'])[:12]}"
    if published <= due.due:
        return _r(code, "pass", f"published {published} ({where}); due {due.due} — {due.why}", ["meta.published"])
    late = (published - due.due).days
    return _r(code, "fail", f"published {published} ({where}), {late} day{'s' if late != 1 else ''} after "
                            f"{due.due} — {due.why}", ["meta.published"])


# -- A-SECTIONS --------------------------------------------------------------------------------------------


def check_sections(s: Subject) -> CheckResult:
    code = "A-SECTIONS"
    assert s.report is not None
    if s.pre2019:
        return _r(code, "na", "pre-2019 report: the six-section template does not apply")
    if not s.sections_stored:
        return _r(code, "unknown", NOT_STORED)
    secs = s.report.sections
    numbers = [x.number for x in secs]
    missing = [n for n in range(1, 7) if n not in numbers]
    empty = [x.number for x in secs if 1 <= x.number <= 6 and not (x.heading.strip() and x.text.strip())]
    ordered = all(a < b for a, b in pairwise(numbers))
    problems = []
    if missing:
        problems.append(f"section{'s' if len(missing) > 1 else ''} {', '.join(map(str, missing))} not found")
    if empty:
        problems.append(f"section{'s' if len(empty) > 1 else ''} {', '.join(map(str, empty))} without text")
    if not ordered:
        problems.append(f"out of order ({', '.join(map(str, numbers))})")
    cells = [f"section.{n}" for n in sorted({*missing, *empty})]
    if problems:
        return _r(code, "fail", "; ".join(problems), cells)
    return _r(code, "pass", "sections 1–6 present in order")


# -- A-TABLES ----------------------------------------------------------------------------------------------


def expected_keys(report: Report) -> dict[str, list[str]]:
    """The flat keys tables 2, 3 and 4 must have in the layouts the report prints."""
    t2_layout = T2_COLUMNS_2019 if report.table2 is not None and report.table2.template == "2019" else T2_COLUMNS_2021
    rows3 = T3_ROWS_2019 if (t3_layout(report.table3) or (report.table3.template if report.table3 else "2021")) == "2019" \
        else T3_ROWS_2021
    return {
        "2": [f"t2.{item}.{col}" for item, cols in t2_layout.items() for col in cols],
        "3": [f"t3.{row}.{col}" for row in rows3 for col in T3_COLUMNS],
        "4": [f"t4.{g}.{col}" for g in T4_GROUPS for col in T4_COLUMNS],
    }


def check_tables(s: Subject) -> CheckResult:
    code = "A-TABLES"
    r = s.report
    assert r is not None
    if s.pre2019:
        return _r(code, "na", "pre-2019 report: no template tables")
    present = {f.key for f in r.figures()}
    unreadable = sorted(f.key for f in r.figures() if f.value is None and not f.state.reads_as_zero)
    problems: list[str] = []
    missing_cells: list[str] = []
    for table, keys in expected_keys(r).items():
        missing = [k for k in keys if k not in present]
        if len(missing) == len(keys):
            problems.append(f"table {table} not found")
        elif missing:
            problems.append(f"table {table}: {len(missing)} of {len(keys)} cells missing")
        missing_cells += missing
    flagged = [f for f in r.findings if f.code in _TABLE_PROBLEMS]
    problems += [f"{f.code}: {f.message}" for f in flagged if not any(f.message in p for p in problems)]
    if s.row.get("status") == "partial" and not problems:
        problems.append("extracted as partial: a table the template requires is missing or unreadable")
    note = f"; {len(unreadable)} cells printed but unreadable (split.ambiguous or text)" if unreadable else ""
    if problems:
        return _r(code, "fail", "; ".join(problems) + note, missing_cells + [c for f in flagged for c in f.cells])
    return _r(code, "pass", f"tables 2, 3 and 4 complete ({len(present)} cells){note}", unreadable)


# -- A-CONSISTENT, A-NARRATIVE ---------------------------------------------------------------------------------


def check_consistent(s: Subject) -> CheckResult:
    code = "A-CONSISTENT"
    r = s.report
    assert r is not None
    if s.pre2019:
        return _r(code, "na", "pre-2019 report: the template identities do not apply")
    if r.table3 is None and r.table4 is None and r.table2 is None:
        return _r(code, "unknown", "no table to check")
    bad = [f for f in r.findings if f.severity is Severity.ERROR and _IDENTITY.match(f.code) and
           not f.code.endswith(".unchecked")]
    if not bad:
        return _r(code, "pass", "every identity (勾稽关系) that could be checked holds")
    codes = ", ".join(dict.fromkeys(f.code for f in bad))
    first = bad[0].message
    return _r(code, "fail", f"{len(bad)} failed ({codes}); first: {first}", list(dict.fromkeys(c for f in bad for c in f.cells)))


def check_narrative(s: Subject) -> CheckResult:
    code = "A-NARRATIVE"
    r = s.report
    assert r is not None
    if s.pre2019:
        return _r(code, "na", "pre-2019 report")
    bad = [f for f in r.findings if f.code in ("T3-6", "T4-2")]
    if bad:
        return _r(code, "fail", "; ".join(f"{f.code}: {f.message}" for f in bad), [c for f in bad for c in f.cells])
    if not s.sections_stored:
        return _r(code, "unknown", NOT_STORED)
    text = " ".join(x.text for x in r.sections if x.number in NARRATIVE_SECTIONS)
    stated = narrative_statements(text)
    flat = r.flat()
    compared = []
    if stated["received"] and "t3.new_received.total" in flat:
        compared.append(f"{stated['received'][0]} applications received")
    if stated["lawsuits"] and {"t4.lit_direct.total", "t4.lit_after_review.total"} <= flat.keys():
        compared.append(f"{stated['lawsuits'][0]} lawsuits")
    if not compared:
        return _r(code, "unknown", "the text states no application or lawsuit total to compare with the tables")
    return _r(code, "pass", f"the text's {' and '.join(compared)} agree with the tables")


# -- A-RECTIFY, A-FEES -----------------------------------------------------------------------------------------

_STATUS = re.compile(r"整改(?:落实|完成|工作)?情况|已(?:全部|逐项|基本|按要求)?(?:完成)?整改|整改(?:已)?到位|完成整改|整改完成")
_FIX = re.compile(r"改进|解决|落实|纠正|改正|补齐")
_PROBLEM = re.compile(r"问题|不足|短板|差距|薄弱")
_FEES = re.compile(r"处理费|(?<!事业性)收费(?!金额|项目)|收取[^。；;]{0,30}?费")
_TABLE_WORDS = re.compile(r"信息内容|第二十条")
"""Table 2's own words (its 行政事业性收费 row, 本年收费金额 column): a flattened table is not a statement."""
_PROSE_SECTIONS = (1, 5, 6)
"""Where a statement put in the wrong section is still found (sections 2–4 hold the tables)."""


def _previous_year(year: int | None) -> re.Pattern[str]:
    words = r"上一?年度|上一年|上年(?!结转)|去年|前一年度?|往年|以往|前期|上期|上次|上轮"
    if year is not None:
        words += rf"|{year - 1}\s*年"
    return re.compile(words)


def rectification(text: str, year: int | None, *, strict: bool = False) -> str | None:
    """The first sentence of ``text`` that reports how last year's problems were addressed.

    ``strict`` (for sections other than 5) accepts only sentences that refer back to last year.
    """
    prev = _previous_year(year)
    for sent in sentences(text):
        back = prev.search(sent) is not None
        fixes = "整改" in sent or (_FIX.search(sent) is not None and _PROBLEM.search(sent) is not None)
        if (back and fixes) or (not strict and _STATUS.search(sent)):
            return sent
    return None


def check_rectify(s: Subject) -> CheckResult:
    code = "A-RECTIFY"
    r = s.report
    assert r is not None
    if s.pre2019:
        return _r(code, "na", "pre-2019 report")
    if not s.sections_stored:
        return _r(code, "unknown", NOT_STORED)
    five = s.section(5)
    if five is not None and (hit := rectification(five.text, s.year)):
        return _r(code, "pass", f"section 5: {_quote(hit)}", ["section.5"])
    elsewhere = next(((x.number, h) for x in r.sections if x.number != 5 and x.number in _PROSE_SECTIONS
                      and (h := rectification(x.text, s.year, strict=True))), None)
    if elsewhere is not None:
        n, hit = elsewhere
        return _r(code, "pass", f"not in section 5 but in section {n}: {_quote(hit)}", [f"section.{n}"])
    if five is None:
        return _r(code, "fail", "no section 5 (存在的主要问题及改进情况)", ["section.5"])
    return _r(code, "fail", "section 5 names problems and next steps but not how last year's problems were "
                            "addressed (整改情况)", ["section.5"])


def fee_statement(text: str) -> str | None:
    """The first sentence of ``text`` about the information-processing fee."""
    return next((x for x in sentences(text) if _FEES.search(x) and not _TABLE_WORDS.search(x)), None)


def check_fees(s: Subject) -> CheckResult:
    code = "A-FEES"
    r = s.report
    assert r is not None
    year = s.year
    if (year is not None and year < 2021) or (year is None and r.meta.template != "2021"):
        return _r(code, "na", "before the 2021 template (report years from 2021 on)")
    if not s.sections_stored:
        return _r(code, "unknown", NOT_STORED)
    six = s.section(6)
    if six is not None and (hit := fee_statement(six.text)):
        return _r(code, "pass", f"section 6: {_quote(hit)}", ["section.6"])
    elsewhere = next(((x.number, h) for x in r.sections if x.number != 6 and x.number in _PROSE_SECTIONS
                      and (h := fee_statement(x.text))), None)
    if elsewhere is not None:
        n, hit = elsewhere
        return _r(code, "pass", f"not in section 6 but in section {n}: {_quote(hit)}", [f"section.{n}"])
    if six is None:
        return _r(code, "fail", "no section 6, and no statement on 信息处理费 anywhere", ["section.6"])
    return _r(code, "fail", "section 6 says nothing about 信息处理费 (information-processing fees)", ["section.6"])


# -- A-COPY, A-CONTINUITY --------------------------------------------------------------------------------------


def _no_previous(s: Subject) -> str:
    return f"no {s.year - 1 if s.year else 'previous'} report of this organ in the warehouse"


def check_copy(s: Subject) -> CheckResult:
    code = "A-COPY"
    if s.previous is None:
        return _r(code, "na", _no_previous(s))
    if not (s.sections_stored and s.previous.sections_stored):
        return _r(code, "unknown", NOT_STORED)
    t = s.text_comparison()
    masked, exact = t.masked, t.exact
    prev_year = s.previous.year
    copied = [f"section.{x.number}" for x in t.sections if x.possible_copy]
    if masked is None:
        return _r(code, "unknown", "no prose to compare")
    sim = f"similarity {masked:.2f} with numbers masked ({exact or 0:.2f} exact) against {prev_year}"
    if t.possible_copy:
        return _r(code, "fail", f"near-identical to {prev_year}'s text: {sim}", copied)
    if t.chars < MIN_REPORT_COPY_CHARS:
        return _r(code, "unknown", f"too little prose to compare ({t.chars} characters)")
    tail = f"; sections {', '.join(c.split('.')[1] for c in copied)} copied" if copied else ""
    return _r(code, "pass", sim + tail, copied)


def check_continuity(s: Subject) -> CheckResult:
    code = "A-CONTINUITY"
    if s.previous is None:
        return _r(code, "na", _no_previous(s))
    checks = s.cross_checks()
    prev_year = s.previous.year
    run = [c for c in checks if c.status != "skipped"]
    if not run:
        why = "; ".join(dict.fromkeys(c.note for c in checks if c.note)) or "no cross-year check applies"
        return _r(code, "unknown", f"every cross-year check skipped ({why})")
    failed = [c for c in run if c.status == "failed"]
    errors = [c for c in failed if c.severity is Severity.ERROR]
    parts = [f"{c.code}[{c.subject}] {c.actual} ≠ {c.expected}" for c in (errors or failed)]
    listed = "; ".join(parts[:4]) + (" …" if len(parts) > 4 else "")
    cells = list(dict.fromkeys(x for c in failed for x in c.cells))
    if errors:
        return _r(code, "fail", f"{len(errors)} of {len(run)} cross-year checks with {prev_year} fail: {listed}",
                  cells)
    if failed:
        return _r(code, "pass", f"{len(run)} cross-year checks with {prev_year}: the hard ones (T3-4) hold; "
                                f"{len(failed)} soft (warning) fail: {listed}", cells)
    return _r(code, "pass", f"{len(run)} cross-year checks with {prev_year} hold")


CHECKS: tuple[tuple[str, Check], ...] = (
    ("A-TIMELY", check_timely),
    ("A-SECTIONS", check_sections),
    ("A-TABLES", check_tables),
    ("A-CONSISTENT", check_consistent),
    ("A-NARRATIVE", check_narrative),
    ("A-RECTIFY", check_rectify),
    ("A-FEES", check_fees),
    ("A-COPY", check_copy),
    ("A-CONTINUITY", check_continuity),
)


def run_checks(s: Subject) -> list[CheckResult]:
    """Every check, in rubric order; a document that failed gets ``unknown`` everywhere."""
    if s.report is None:
        why = f"not extracted ({s.row.get('error_code') or 'failed'})"
        return [_r(code, "unknown", why) for code, _ in CHECKS]
    return [fn(s) for _, fn in CHECKS]
