"""Records of a year-over-year comparison (pydantic, JSON-serialisable like the report record).

Cell names in cross-year findings carry the side they come from: ``old:t3.carried_forward.total``
is a cell of the earlier report, ``new:t3.carried_over.total`` one of the later report.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from extractor.records.models import CellRef, Finding, Number, Severity, TableTemplates, Template

Side = Literal["old", "new"]
CheckStatus = Literal["ok", "failed", "skipped"]
MatchHow = Literal["identical", "normalised", "prefix", "place", "office", "alias", "unknown", "different"]


class OrganMatch(BaseModel):
    """Whether two organ names denote the same organ, and why (or why not)."""

    old: str | None
    new: str | None
    matched: bool
    how: MatchHow
    explanation: str


class ReportSide(BaseModel):
    """What identifies one of the two compared reports."""

    organ: str | None = None
    organ_in_title: str | None = None
    report_year: int | None = None
    template: Template = "other"
    templates: TableTemplates = Field(default_factory=TableTemplates)
    sha256: str | None = None
    source: str | None = None
    n_figures: int = 0
    n_sections: int = 0
    sections_available: bool = True


class FigureChange(BaseModel):
    """A figure whose value differs between the two years."""

    key: str = Field(description="flat key (for a T3-7 mapped row: the 2019 key t3.other.<col>)")
    label: str
    old: Number | None
    new: Number | None
    abs_change: Number | None = Field(description="new − old; None when either side has no value")
    rel_change: float | None = Field(description="(new − old) / old; None when old is 0 or missing")
    old_state: str | None = None
    new_state: str | None = None
    old_ref: CellRef | None = None
    new_ref: CellRef | None = None
    old_cells: list[str] = Field(default_factory=list, description="flat keys read on the old side")
    new_cells: list[str] = Field(default_factory=list, description="flat keys read on the new side")
    mapped: str | None = Field(None, description="how the two sides were mapped onto each other (T3-7)")


class FigureOnly(BaseModel):
    """A figure printed (or extracted) in one year only."""

    key: str
    label: str
    side: Side
    year: int | None = None
    value: Number | None = None
    state: str | None = None
    ref: CellRef | None = None
    reason: str


class SentenceChange(BaseModel):
    op: Literal["replace", "delete", "insert"]
    old: list[str] = Field(default_factory=list)
    new: list[str] = Field(default_factory=list)


class SectionDiff(BaseModel):
    """One of the six sections compared sentence by sentence (prose only; table rows are left out)."""

    number: int
    heading_old: str | None = None
    heading_new: str | None = None
    old_sentences: int = 0
    new_sentences: int = 0
    old_chars: int = 0
    new_chars: int = 0
    similarity: float | None = Field(None, description="difflib ratio over the sentence lists (exact sentences)")
    similarity_ignoring_numbers: float | None = Field(None, description="the same with every number masked")
    possible_copy: bool = False
    changes: list[SentenceChange] = Field(default_factory=list)
    note: str | None = None


class CrossCheck(BaseModel):
    """One evaluation of a cross-year identity (passed, failed or skipped)."""

    code: str
    subject: str = Field(description="the column (T3-4) or table-2 item (T2-*) checked")
    expression: str
    expected: Number | None = None
    actual: Number | None = None
    status: CheckStatus
    severity: Severity
    cells: list[str] = Field(default_factory=list)
    note: str | None = None


class ReportDiff(BaseModel):
    """Everything that differs between an organ's report and the next year's."""

    old: ReportSide
    new: ReportSide
    organ: OrganMatch
    consecutive: bool
    swapped: bool = Field(False, description="the reports were given newest first and were put in year order")
    notes: list[str] = Field(default_factory=list)
    changed: list[FigureChange] = Field(default_factory=list)
    unchanged: int = 0
    only_old: list[FigureOnly] = Field(default_factory=list)
    only_new: list[FigureOnly] = Field(default_factory=list)
    sections: list[SectionDiff] = Field(default_factory=list)
    text_similarity: float | None = None
    text_similarity_ignoring_numbers: float | None = None
    possible_copy: bool = False
    checks: list[CrossCheck] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    @property
    def failed(self) -> bool:
        """True when an error-severity cross-year check failed."""
        return any(f.severity is Severity.ERROR for f in self.findings)

    def summary(self) -> str:
        o, n = self.old, self.new
        checks = [c for c in self.checks if c.status != "skipped"]
        bad = [c for c in checks if c.status == "failed"]
        parts = [
            f"{o.organ or '?'} {o.report_year or '?'} → {n.organ or '?'} {n.report_year or '?'}",
            f"organ {'matched' if self.organ.matched else 'NOT matched'} ({self.organ.how})",
            f"{len(self.changed)} changed, {self.unchanged} unchanged, {len(self.only_old)} only {o.report_year or 'old'},"
            f" {len(self.only_new)} only {n.report_year or 'new'}",
            f"{len(checks)} cross-year checks, {len(bad)} failed",
        ]
        if self.text_similarity is not None:
            parts.append(f"text similarity {self.text_similarity:.2f}" + (" (possible copy)" if self.possible_copy else ""))
        return "; ".join(parts)
