"""Table 3's value rows printed without labels, placed in the template's order.

PDF-to-markdown converters print a row's values without its label (the label printed as text
above the row, or cut to a piece that names no row). A converter that scrambles a table keeps the
order of its rows, so such rows are given to the template rows still missing — only when as many
remain as rows are missing and each is printed between the labelled rows around the row it fills.
"""

from __future__ import annotations

from collections.abc import Sequence

from extractor.locate.hits import UNLABELED, RowHit
from extractor.records.models import Finding, Severity
from extractor.template import T3_ROWS_2019, T3_ROWS_2021

__all__ = ["assign_unlabeled", "labelled", "unlabeled_fit"]


def assign_unlabeled(unlabeled: list[RowHit], by_key: dict[str, RowHit], has_sub: bool, findings: list[Finding],
                      year: int | None = None) -> None:
    """Give value rows that lost their labels to the template rows still missing, in order.

    Converters that scramble a table keep the order of its rows; when exactly as many unlabeled
    rows remain as template rows lack a value row, the i-th unlabeled row is the i-th missing row.
    Otherwise nothing is assigned (it would be a guess) and the rows are reported.
    """
    if not unlabeled:
        return
    orders = _orders(by_key, has_sub, year)
    fits = [o for o in orders if _fits(o, unlabeled, by_key)]
    order = fits[0] if fits else orders[0]
    missing = [k for k in order if k not in by_key]
    if not fits:
        findings.append(_finding("rows.unlabeled", Severity.WARNING, missing, unlabeled,
                                 f"{len(unlabeled)} value rows print no label but {len(missing)} template rows are missing; not assigned"))
        for key in missing:  # a value row may be theirs: their cells are unknown, not absent
            by_key[key] = RowHit(kind="t3", key=key, run="", unreadable=_UNPLACED, run_ref=unlabeled[0].run_ref)
        return
    for key, hit in zip(missing, unlabeled, strict=True):
        hit.key = key
        hit.label = ""
        by_key[key] = hit
    findings.append(_finding("rows.by_order", Severity.INFO, missing, unlabeled,
                             f"{len(unlabeled)} value rows printed without labels were assigned in template order to {', '.join(missing)}"))


def _finding(code: str, severity: Severity, missing: Sequence[str], unlabeled: Sequence[RowHit], message: str) -> Finding:
    return Finding.make(code=code, severity=severity, message=f"table 3: {message}", cells=[f"t3.{k}" for k in missing],
                        refs=[h.run_ref for h in unlabeled])


def unlabeled_fit(hits: Sequence[RowHit], year: int | None = None) -> bool:
    """Whether table 3's value rows printed without labels (or with a piece of a label naming no
    row) can be placed in template order: as many as the template rows missing, each printed
    between the labelled rows around the row it would fill (:func:`assign_unlabeled`)."""
    unlabeled = [h for h in hits if h.key == UNLABELED]
    if not unlabeled:
        return False
    by_key = labelled(hits)
    orders = _orders(by_key, any(k.startswith("other_") for k in by_key), year)
    return any(_fits(o, unlabeled, by_key) for o in orders)


def labelled(hits: Sequence[RowHit]) -> dict[str, RowHit]:
    """Table 3's labelled rows by key (the first of a key)."""
    by_key: dict[str, RowHit] = {}
    for h in hits:
        if h.key != UNLABELED:
            by_key.setdefault(h.key, h)
    return by_key


def _orders(by_key: dict[str, RowHit], has_sub: bool, year: int | None) -> list[tuple[str, ...]]:
    """The template orders rows without labels may be placed in: the one whose (六) rows are labelled,
    else both, the report year's first."""
    if has_sub:
        return [T3_ROWS_2021]
    if "other" in by_key:
        return [T3_ROWS_2019]
    return [T3_ROWS_2021, T3_ROWS_2019] if (year or 2021) >= 2021 else [T3_ROWS_2019, T3_ROWS_2021]


_UNPLACED = "the row prints no label of its own, and the value rows printed without labels could not be placed in template order"


def _at(hit: RowHit) -> tuple[int, int, int, int]:
    r = hit.run_ref
    return (r.table if r.table is not None else -1, r.row or 0, r.line or 0, r.offset or 0)


def _fits(order: Sequence[str], unlabeled: list[RowHit], by_key: dict[str, RowHit]) -> bool:
    missing = [k for k in order if k not in by_key]
    return len(missing) == len(unlabeled) and _in_order(missing, unlabeled, by_key, order)


def _in_order(missing: list[str], unlabeled: list[RowHit], by_key: dict[str, RowHit], order: Sequence[str]) -> bool:
    """Whether each unlabeled row, given to the missing row of its rank, is printed between the
    labelled rows around that row in the template (the first labelled row before it, the first after
    it): the converter kept the table's order. Positions are the grid refs (table, then row)."""
    labelled = {k: _at(h) for k, h in by_key.items() if k in order}
    for key, hit in zip(missing, unlabeled, strict=True):
        i = order.index(key)
        before = [labelled[k] for k in order[:i] if k in labelled]
        after = [labelled[k] for k in order[i + 1:] if k in labelled]
        at = _at(hit)
        if (before and not before[-1] < at) or (after and not at < after[0]):
            return False
    return True
