"""The audit's records: one :class:`AuditResult` per canonical report, each with its checks.

A check's ``cells`` name what it looked at: flat keys (``t3.carried_over.total``; prefixed
``old:``/``new:`` for the cross-year checks, as in ``ogi diff``), ``section.5`` for a numbered
section, ``meta.published`` for the publication date.
"""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from pydantic import BaseModel, Field

CheckStatus = Literal["pass", "fail", "unknown", "na"]
"""``pass``/``fail``; ``unknown``: the facts are not in the document (or not in the warehouse);
``na``: the check does not apply (e.g. A-FEES before the 2021 template, A-COPY without last year)."""


class CheckResult(BaseModel):
    code: str = Field(description="stable check code, e.g. A-TIMELY")
    status: CheckStatus
    detail: str = Field("", description="why, in one line")
    cells: list[str] = Field(default_factory=list, description="flat keys, section.N or meta.published")


class AuditResult(BaseModel):
    """The audit of one report (its canonical document)."""

    report_key: str | None = Field(None, description="organ key + year; None for a document that failed")
    organ: str | None = None
    year: int | None = None
    sha256: str
    paths: list[str] = Field(default_factory=list)
    published: date | None = None
    published_source: str | None = Field(None, description="where the date was read: page, title, signature")
    status: str = Field(description="the extraction status: ok, findings, partial, failed")
    score: int | None = Field(None, description="0–100 by the rubric; None when no check could be decided")
    points: int = Field(0, description="weight of the checks passed")
    possible: int = Field(0, description="weight of the checks decided (pass or fail)")
    checks: list[CheckResult] = Field(default_factory=list)

    def check(self, code: str) -> CheckResult | None:
        return next((c for c in self.checks if c.code == code), None)

    @property
    def organ_key(self) -> str | None:
        """The organ part of ``report_key`` (the key ``ogi panel`` and ``ogi diff`` group organs by)."""
        return self.report_key.rsplit(":", 1)[0] if self.report_key else None

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
