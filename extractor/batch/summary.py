"""What a batch run did, as numbers and as the one summary line ``ogi batch`` prints on stderr."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from extractor.batch.sources import Skipped

if TYPE_CHECKING:
    from extractor.batch.dedupe import DatasetSummary
    from extractor.writers import Record

ProgressHook = Callable[[str, int], None]
"""``hook("total", n)`` once after planning, then ``hook("done", k)`` per ``k`` stored documents."""


def plural(n: int, word: str, many: str | None = None) -> str:
    """``1 finding``, ``2 findings``, ``1,000 documents``."""
    return f"{n:,} {word if n == 1 else (many or word + 's')}"


@dataclass(slots=True)
class BatchSummary:
    out: str
    documents: int = 0
    """Distinct documents (by content hash) named by the inputs."""
    already_stored: int = 0
    extracted: int = 0
    ok: int = 0
    with_findings: int = 0
    partial: int = 0
    failed: Counter[str] = field(default_factory=Counter)
    figures: int = 0
    duplicate_paths: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    elapsed_s: float = 0.0
    dataset: DatasetSummary | None = None
    """Report keys and duplicates of the whole warehouse after the run."""
    migrated_from: str | None = None
    crossyear_settled: int = 0
    """Table-2 cells one document left ambiguous and its organ's neighbouring year settled."""

    @property
    def docs_per_s(self) -> float:
        return self.extracted / self.elapsed_s if self.elapsed_s > 0 else 0.0

    @property
    def statuses(self) -> dict[str, int]:
        """Documents extracted in this run per status word (``ok``, ``findings``, ``partial``, ``failed``)."""
        return {"ok": self.ok, "findings": self.with_findings, "partial": self.partial,
                "failed": sum(self.failed.values())}

    def add(self, rec: Record) -> None:
        rep = rec["report"]
        self.extracted += 1
        self.figures += int(rep.get("n_figures") or 0)
        status = rep["status"]
        if status == "ok":
            self.ok += 1
        elif status == "findings":
            self.with_findings += 1
        elif status == "partial":
            self.partial += 1
        else:
            self.failed[str(rep["error_code"])] += 1

    def line(self) -> str:
        failed = sum(self.failed.values())
        by_code = ", ".join(f"{k}: {v:,}" for k, v in sorted(self.failed.items()))
        parts = [
            plural(self.documents, "document"),
            f"{self.ok:,} ok",
            f"{self.with_findings:,} with findings",
        ]
        if self.partial:
            parts.append(f"{self.partial:,} partial")
        parts += [f"{failed:,} failed" + (f" ({by_code})" if by_code else ""), plural(self.figures, "figure")]
        if self.already_stored:
            parts.insert(1, f"{self.already_stored:,} already stored")
        if self.skipped:
            parts.append(f"{self.skipped_count:,} skipped")
        if self.dataset is not None and self.dataset.duplicates:
            conflicts = f", {plural(self.dataset.conflicts, 'conflict')}" if self.dataset.conflicts else ""
            parts.append(f"{plural(self.dataset.duplicates, 'duplicate')} in the warehouse{conflicts}")
        if self.migrated_from:
            parts.append(f"warehouse migrated from schema {self.migrated_from}")
        return f"ogi batch: {'; '.join(parts)}; {self.elapsed_s:.1f} s, {self.docs_per_s:.1f} docs/s → {self.out}"

    @property
    def skipped_count(self) -> int:
        return len(self.skipped)
