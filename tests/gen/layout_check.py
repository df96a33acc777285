"""Scoring a layout rendering against its report: right, wrong, and missing-but-unflagged figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from .model import GenReport


@dataclass
class LayoutScore:
    total: int = 0
    right: int = 0
    wrong: list[tuple[str, object, object]] = field(default_factory=list)
    """(key, truth, value read) for every figure read with a different value."""
    unflagged: list[str] = field(default_factory=list)
    """Keys read without a value whose cell is not marked ambiguous (nothing says why)."""

    def add(self, other: LayoutScore) -> None:
        self.total += other.total
        self.right += other.right
        self.wrong += other.wrong
        self.unflagged += other.unflagged


def score(rep: GenReport, result: Any) -> LayoutScore:
    out = LayoutScore(total=len(rep.figures))
    if result.report is None:
        out.unflagged = list(rep.figures)
        return out
    flat = result.report.flat()
    figs = {f.key: f for f in result.report.figures()}
    for key, want in rep.figures.items():
        got = flat.get(key)
        if got is not None and abs(float(got) - float(want)) < 1e-9:
            out.right += 1
        elif got is not None:
            out.wrong.append((key, want, got))
        elif key not in figs or figs[key].state.value != "ambiguous":
            out.unflagged.append(key)
    return out
