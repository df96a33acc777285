"""The score's rubric: one weight per check, 100 in all.

``score = round(100 × weight of the checks passed / weight of the checks decided)`` — a check
that does not apply (``na``) or cannot be decided from the document (``unknown``) neither earns
nor costs points, so a report is never marked down for what it could not be asked. ``points``
and ``possible`` keep both sums, so a score of 80 decided on 95 points reads differently from one
decided on 40. The weights follow what the yearly third-party assessments of these reports score:
timeliness, the required parts (sections and tables), the accuracy of the data, and whether last
year's problems were addressed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from extractor.audit.models import CheckResult


@dataclass(frozen=True, slots=True)
class CheckSpec:
    code: str
    weight: int
    title: str
    """What passing means, in one line (README, ``ogi audit --help``, the page)."""


RUBRIC: tuple[CheckSpec, ...] = (
    CheckSpec("A-TIMELY", 20, "published by the deadline (31 Mar; from 2019 31 Jan for organs other than "
                              "county-level-and-above people's governments)"),
    CheckSpec("A-SECTIONS", 10, "the six numbered sections are present, with heading and text, in order"),
    CheckSpec("A-TABLES", 20, "tables 2, 3 and 4 are present and complete for the template"),
    CheckSpec("A-CONSISTENT", 15, "no error-severity identity (勾稽) check fails"),
    CheckSpec("A-NARRATIVE", 5, "the totals the text states agree with the tables (T3-6, T4-2)"),
    CheckSpec("A-RECTIFY", 10, "section 5 says how last year's problems were addressed (整改情况)"),
    CheckSpec("A-FEES", 5, "from 2021 on, section 6 reports the information-processing fees (信息处理费), even if none"),
    CheckSpec("A-COPY", 10, "the text is not a copy of last year's report with the numbers changed"),
    CheckSpec("A-CONTINUITY", 5, "the hard cross-year check with last year's report holds (T3-4: carried over = "
                                 "last year's carried forward); soft ones (T2-…) are reported, not scored"),
)
WEIGHTS: dict[str, int] = {c.code: c.weight for c in RUBRIC}
CODES: tuple[str, ...] = tuple(c.code for c in RUBRIC)


def score(checks: Iterable[CheckResult]) -> tuple[int | None, int, int]:
    """``(score, points, possible)`` for a report's checks (score None when nothing was decided)."""
    points = possible = 0
    for c in checks:
        w = WEIGHTS.get(c.code, 0)
        if c.status in ("pass", "fail"):
            possible += w
            if c.status == "pass":
                points += w
    return (round(100 * points / possible) if possible else None), points, possible


def rubric_text(width: int = 78) -> str:
    """The rubric as plain lines (``ogi audit --help``)."""
    import textwrap

    lines = []
    for c in RUBRIC:
        lines += textwrap.wrap(c.title, width, break_on_hyphens=False, initial_indent=f"{c.code:<13} {c.weight:>3}  ",
                               subsequent_indent=" " * 19)
    return "\n".join(lines)
