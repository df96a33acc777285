"""Year-over-year diff and audit of an organ's annual reports (``ogi diff``, ``ogi panel``).

::

    from extractor import extract_report
    from extractor.diff import diff_reports
    d = diff_reports(extract_report("2023.pdf"), extract_report("2024.pdf"))
    d.changed, d.only_old, d.only_new      # figures that changed / are printed in one year only
    d.checks, d.findings                   # cross-year identities T3-4, T2-21-1, T2-19-2/3 (+ T3-7 mapping)
    d.sections                             # per-section similarity and changed sentences
    d.organ.matched, d.organ.explanation   # same organ despite a renamed title?
"""

from extractor.diff.compare import diff_reports
from extractor.diff.models import (
    CrossCheck,
    FigureChange,
    FigureOnly,
    OrganMatch,
    ReportDiff,
    ReportSide,
    SectionDiff,
    SentenceChange,
)
from extractor.diff.organs import OrganNames, group_organs, load_aliases, match_organs, normalise

__all__ = [
    "CrossCheck",
    "FigureChange",
    "FigureOnly",
    "OrganMatch",
    "OrganNames",
    "ReportDiff",
    "ReportSide",
    "SectionDiff",
    "SentenceChange",
    "diff_reports",
    "group_organs",
    "load_aliases",
    "match_organs",
    "normalise",
]
