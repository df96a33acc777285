"""One report, one row of truth: report keys, the canonical document per key, and conflicts.

The same report is often published twice — an HTML page and its PDF or Word attachment, a crawler
text dump and the page — and each copy is a separate document (its own sha256). After every batch
run the whole warehouse is keyed again:

* ``report_key`` = the organ key ``ogi diff`` and ``ogi panel`` match organs on (names grouped by
  :func:`extractor.diff.organs.group_organs`; the key is the group's shortest normalised name) +
  ``:`` + the report year, e.g. ``洪泽区人民政府:2023``. Documents without an organ or a year, and
  failed documents, get no key and are never duplicates.
* Among the documents of one key, the **canonical** one is chosen by: most figures, then fewest
  error-severity findings, then the format (:data:`FORMAT_PREFERENCE`: DOCX and HTML carry the
  table grid exactly, PDF cells are rebuilt from positions, text dumps lose the grid), then the
  smallest sha256 (so the choice never depends on the order of a run). Every other document of
  the key gets ``duplicate_of`` = the canonical sha256.
* When a duplicate prints a different number for a figure both documents have, the canonical
  document gets a ``dup.conflict`` warning naming the figures.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from extractor.writers.schema import DUP_CONFLICT, canonical_keys, exact_number

if TYPE_CHECKING:
    from extractor.diff.organs import OrganNames
    from extractor.writers.base import Writer

FORMAT_PREFERENCE: tuple[str, ...] = ("docx", "html", "pdf", "doc", "rtf", "text")
"""Readers in order of preference when two documents tie on figures and errors."""
_ORDER = {k: i for i, k in enumerate(canonical_keys())}


def _format_rank(reader: Any) -> int:
    try:
        return FORMAT_PREFERENCE.index(str(reader))
    except ValueError:
        return len(FORMAT_PREFERENCE)


def canonical_rank(row: Mapping[str, Any]) -> tuple[Any, ...]:
    """Sort key of the duplicate rule: the smallest is the canonical document."""
    return (-(row.get("n_figures") or 0), row.get("n_errors") or 0, _format_rank(row.get("reader")), str(row["sha256"]))


def report_keys(rows: Iterable[Mapping[str, Any]], organs: OrganNames | None = None) -> dict[str, str | None]:
    """``sha256 → report_key`` (None for failed documents and those without organ or year)."""
    from extractor.diff.organs import OrganNames, group_organs, normalise

    organs = organs or OrganNames.create()
    rows = list(rows)
    usable = [r for r in rows if r.get("organ") and r.get("report_year") is not None and r.get("status") != "failed"]
    group_of, _ambiguous = group_organs((str(r["organ"]) for r in usable), organs)
    members: dict[str, set[str]] = {}
    for name, group in group_of.items():
        members.setdefault(group, set()).add(normalise(name)[0])
    label = {g: min(names, key=lambda n: (len(n), n)) for g, names in members.items()}
    out: dict[str, str | None] = {str(r["sha256"]): None for r in rows}
    for r in usable:
        out[str(r["sha256"])] = f"{label[group_of[str(r['organ'])]]}:{int(r['report_year'])}"
    return out


def assign(rows: Sequence[Mapping[str, Any]], organs: OrganNames | None = None
           ) -> tuple[dict[str, tuple[str | None, str | None]], dict[str, list[str]]]:
    """``(sha256 → (report_key, duplicate_of), canonical sha256 → its duplicates)``."""
    keys = report_keys(rows, organs)
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    for r in rows:
        k = keys[str(r["sha256"])]
        if k is not None:
            by_key.setdefault(k, []).append(r)
    out: dict[str, tuple[str | None, str | None]] = {sha: (k, None) for sha, k in keys.items()}
    groups: dict[str, list[str]] = {}
    for k, members in by_key.items():
        if len(members) < 2:
            continue
        ranked = sorted(members, key=canonical_rank)
        head = str(ranked[0]["sha256"])
        groups[head] = [str(r["sha256"]) for r in ranked[1:]]
        for r in ranked[1:]:
            out[str(r["sha256"])] = (k, head)
    return out, groups


def conflict_findings(groups: Mapping[str, Sequence[str]], values: Mapping[str, Mapping[str, Any]],
                      rows: Mapping[str, Mapping[str, Any]]) -> list[dict[str, Any]]:
    """``dup.conflict`` finding rows (on the canonical document) where a duplicate prints other numbers."""
    out: list[dict[str, Any]] = []
    for head, dups in sorted(groups.items()):
        mine = values.get(head, {})
        n = int(rows.get(head, {}).get("n_findings") or 0)
        for dup in dups:
            theirs = values.get(dup, {})
            differ = sorted((k for k in mine.keys() & theirs.keys()
                             if mine[k] is not None and theirs[k] is not None and mine[k] != theirs[k]),
                            key=lambda k: (_ORDER.get(k, len(_ORDER)), k))
            if not differ:
                continue
            shown = ", ".join(f"{k} {_num(mine[k])} here, {_num(theirs[k])} there" for k in differ[:8])
            more = f" and {len(differ) - 8} more" if len(differ) > 8 else ""
            reader = rows.get(dup, {}).get("reader") or "?"
            single = len(differ) == 1
            expected, expected_amount = exact_number(differ[0], mine[differ[0]]) if single else (None, None)
            actual, actual_amount = exact_number(differ[0], theirs[differ[0]]) if single else (None, None)
            out.append({
                "sha256": head, "finding_no": n, "code": DUP_CONFLICT, "severity": "warning",
                "message": f"the duplicate {dup[:12]} ({reader}) of this report prints {len(differ)} "
                           f"figure{'s' if len(differ) != 1 else ''} differently: {shown}{more}",
                "expression": f"duplicate_of = {head[:12]}: {dup}", "expected": expected, "actual": actual,
                "expected_amount": expected_amount, "actual_amount": actual_amount, "cells": differ,
            })
            n += 1
    return out


def _num(v: Any) -> str:
    return format(v.normalize(), "f") if hasattr(v, "normalize") else str(v)


@dataclass(slots=True)
class DatasetSummary:
    keyed: int = 0
    duplicates: int = 0
    conflicts: int = 0
    groups: dict[str, list[str]] = field(default_factory=dict)


def update_dataset(writer: Writer, organs: OrganNames | None = None) -> DatasetSummary:
    """Key every stored document, mark duplicates, replace the ``dup.conflict`` findings."""
    rows = writer.report_rows()
    keys, groups = assign(rows, organs)
    by_sha = {str(r["sha256"]): r for r in rows}
    differences = getattr(writer, "figure_differences", None)
    if callable(differences):  # only the figures that differ, compared by the database
        values = differences([(head, dup) for head, dups in groups.items() for dup in dups])
    else:
        values = writer.figure_values({s for head, dups in groups.items() for s in (head, *dups)})
    conflicts = conflict_findings(groups, values, by_sha)
    writer.set_keys(keys, conflicts)
    return DatasetSummary(keyed=sum(1 for k, _ in keys.values() if k is not None),
                          duplicates=sum(len(d) for d in groups.values()), conflicts=len(conflicts), groups=groups)
