"""Located rows → typed table records (tables 2, 3 and 4), provenance kept.

Grid rows map cell by cell. Flattened runs are split with :mod:`extractor.mapping.split`; for
table 3 the split of every run is chosen jointly, because one ambiguous row is often decided by
the column sums of the others (T3-1/T3-3). Every split that was needed is recorded as a finding
(``split.inferred`` or ``split.ambiguous``), so an auditor can tell a printed cell from a decided
one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from extractor.locate.hits import UNLABELED, Located, PrintedCell, RowHit
from extractor.mapping.split import (
    Candidate,
    candidate_splits,
    choose,
    group_total_violations,
    parse_run,
    row_sum_violations,
    solve_columns,
)
from extractor.records.models import (
    Figure,
    Finding,
    Severity,
    Table2,
    Table2Row,
    Table3,
    Table3Row,
    Table4,
    Table4Group,
    Template,
)
from extractor.template import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_DECIMAL_COLUMNS,
    T2_ITEM_BY_KEY,
    T3_COLUMNS,
    T3_DETAIL_2019,
    T3_DETAIL_2021,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_COLUMNS,
    T4_GROUPS,
)
from extractor.text import MAX_DIGITS, CellState, parse_cell, to_number

MAX_SPLIT_CANDIDATES = 400


@dataclass(slots=True)
class MappingResult:
    table2: Table2 | None = None
    table3: Table3 | None = None
    table4: Table4 | None = None
    findings: list[Finding] = field(default_factory=list)


def _figure(key: str, cell: PrintedCell | None) -> Figure:
    if cell is None:
        return Figure(key=key, value=None, state=CellState.BLANK, raw="")
    parsed = parse_cell(cell.text)
    return Figure(key=key, value=parsed.value, state=parsed.state, raw=cell.text, unit=parsed.unit, ref=cell.ref)


def _inferred(key: str, value: int | float | None, hit: RowHit, unit: str | None = None) -> Figure:
    if value is None:
        return Figure(key=key, value=None, state=CellState.AMBIGUOUS, raw=hit.run or "", ref=hit.run_ref, inferred=True)
    state = CellState.ZERO if value == 0 else CellState.NUMBER
    return Figure(key=key, value=value, state=state, raw=hit.run or "", unit=unit, inferred=True, ref=hit.run_ref)


def _v(f: Figure | None) -> int | float:
    return f.value if f is not None and f.value is not None else 0


# ---------------------------------------------------------------------------------------------
# Table 3


def _t3_column_cost(rows: dict[str, Candidate], detail: Sequence[str]) -> int:
    """Violations of T3-2 (per row), T3-3 and T3-1 (per column) for a full assignment."""
    cost = sum(row_sum_violations(v) for v in rows.values())
    zero = (0,) * len(T3_COLUMNS)
    for c in range(len(T3_COLUMNS)):
        det = sum(rows.get(k, zero)[c] for k in detail)
        if "results_total" in rows and det != rows["results_total"][c]:
            cost += 1
        lhs = rows.get("new_received", zero)[c] + rows.get("carried_over", zero)[c]
        rhs = rows.get("results_total", zero)[c] + rows.get("carried_forward", zero)[c]
        if lhs != rhs:
            cost += 1
    return cost


def map_table3(hits: list[RowHit], year: int | None, findings: list[Finding]) -> Table3 | None:
    if not hits:
        return None
    by_key: dict[str, RowHit] = {}
    for h in hits:
        if h.key != UNLABELED:
            by_key.setdefault(h.key, h)
    has_sub = any(k.startswith("other_") for k in by_key)
    _assign_unlabeled([h for h in hits if h.key == UNLABELED], by_key, has_sub, findings)
    template: Template = "2021" if has_sub else "2019" if "other" in by_key else ("2021" if (year or 2021) >= 2021 else "2019")
    if has_sub:
        by_key.pop("other", None)
    detail = T3_DETAIL_2019 if "other" in by_key else T3_DETAIL_2021
    k = len(T3_COLUMNS)
    rows: dict[str, list[Figure]] = {}
    fixed: dict[str, Candidate] = {}
    open_rows: dict[str, list[Candidate]] = {}
    for key, hit in by_key.items():
        if hit.cells is not None and not _glued_cells(hit.cells, k):
            cells: list[PrintedCell | None] = list(hit.cells[:k]) + [None] * max(0, k - len(hit.cells))
            figs = [_figure(f"t3.{key}.{col}", c) for col, c in zip(T3_COLUMNS, cells, strict=True)]
            rows[key] = figs
            fixed[key] = tuple(_v(f) for f in figs)
            if len(hit.cells) < k:
                findings.append(_short_row(f"t3.{key}", hit, len(hit.cells), k))
            continue
        run = hit.run if hit.run is not None else " ".join(c.text for c in hit.cells or [] if c)
        hit.run = run
        parsed = parse_run(run)
        if parsed.digit_count == 0:
            rows[key] = [Figure(key=f"t3.{key}.{col}", value=None, state=CellState.BLANK, raw="", ref=hit.run_ref) for col in T3_COLUMNS]
            fixed[key] = (0,) * k
            continue
        cands = candidate_splits(parsed, k)
        if not cands:
            figs = _short_run(f"t3.{key}", T3_COLUMNS, hit, parsed.chunks, findings)
            rows[key] = figs
            fixed[key] = tuple(_v(f) for f in figs)
            continue
        if len(cands) == 1:
            fixed[key] = cands[0]
        else:
            good = [c for c in cands if row_sum_violations(c) == 0]
            open_rows[key] = (good or cands)[:MAX_SPLIT_CANDIDATES]
        rows[key] = []
    chosen, ties = solve_columns(fixed, open_rows, lambda r: _t3_column_cost(r, detail))
    for key, hit in by_key.items():
        if rows.get(key):
            continue
        values = chosen.get(key)
        if values is None:
            rows[key] = [_inferred(f"t3.{key}.{col}", None, hit) for col in T3_COLUMNS]
            findings.append(_ambiguous(f"t3.{key}", hit, ties.get(key, 0)))
        else:
            rows[key] = [_inferred(f"t3.{key}.{col}", v, hit) for col, v in zip(T3_COLUMNS, values, strict=True)]
            if _needed_split(hit.run or "", k):
                findings.append(_split_note(f"t3.{key}", hit, values, "the table-3 identities (T3-1/T3-2/T3-3)"))
    table = Table3(template=template)
    for key, figs in rows.items():
        setattr(table, key, Table3Row(**{col: f for col, f in zip(T3_COLUMNS, figs, strict=True)}))
        table.label_rows[key] = by_key[key].label.strip()
    return table


def _assign_unlabeled(unlabeled: list[RowHit], by_key: dict[str, RowHit], has_sub: bool, findings: list[Finding]) -> None:
    """Give value rows that lost their labels to the template rows still missing, in order.

    Converters that scramble a table keep the order of its rows; when exactly as many unlabeled
    rows remain as template rows lack a value row, the i-th unlabeled row is the i-th missing row.
    Otherwise nothing is assigned (it would be a guess) and the rows are reported.
    """
    if not unlabeled:
        return
    order = T3_ROWS_2021 if has_sub or "other" not in by_key else T3_ROWS_2019
    missing = [k for k in order if k not in by_key]
    if len(missing) != len(unlabeled):
        findings.append(
            Finding(
                code="rows.unlabeled",
                severity=Severity.WARNING,
                message=f"table 3: {len(unlabeled)} value rows print no label but {len(missing)} template rows are missing; not assigned",
                refs=[h.run_ref for h in unlabeled],
            )
        )
        return
    for key, hit in zip(missing, unlabeled, strict=True):
        hit.key = key
        hit.label = ""
        by_key[key] = hit
    findings.append(
        Finding(
            code="rows.by_order",
            severity=Severity.INFO,
            message=f"table 3: {len(unlabeled)} value rows printed without labels were assigned in template order to {', '.join(missing)}",
            cells=[f"t3.{k}" for k in missing],
            refs=[h.run_ref for h in unlabeled],
        )
    )


def _glued_cells(cells: Sequence[PrintedCell | None], k: int) -> bool:
    """A grid row that holds fewer cells than columns but a run of digits in one of them."""
    present = [c for c in cells if c is not None]
    if len(present) >= k:
        return False
    digits = sum(ch.isdigit() for c in present for ch in c.text)
    return digits >= k and any(len(c.text.split()) > 1 or len(c.text.strip()) > 6 for c in present)


def _needed_split(run: str, k: int) -> bool:
    return len(run.split()) != k


def _row_finding(code: str, severity: Severity, prefix: str, hit: RowHit, message: str) -> Finding:
    """A finding about one located row: its flat-key prefix and where it was printed."""
    return Finding(code=code, severity=severity, message=f"{prefix}: {message}", cells=[prefix], refs=[hit.run_ref])


def _short_row(prefix: str, hit: RowHit, got: int, k: int) -> Finding:
    return _row_finding(
        "cells.missing", Severity.WARNING, prefix, hit,
        f"the row prints {got} cells for {k} columns; the missing ones are recorded as blank",
    )


def _short_run(prefix: str, cols: Sequence[str], hit: RowHit, chunks: list[str], findings: list[Finding]) -> list[Figure]:
    """Fewer digits than cells: only an all-zero run can be read (the blank cell's place is unknown)."""
    digits = "".join(chunks).replace("-", "").replace(".", "")
    if digits and set(digits) == {"0"}:
        figs = [
            Figure(key=f"{prefix}.{col}", value=0 if i < len(digits) else None,
                   state=CellState.ZERO if i < len(digits) else CellState.BLANK, raw=hit.run or "", inferred=True, ref=hit.run_ref)
            for i, col in enumerate(cols)
        ]
        findings.append(_short_row(prefix, hit, len(digits), len(cols)))
        return figs
    findings.append(_ambiguous(prefix, hit, 0))
    return [_inferred(f"{prefix}.{col}", None, hit) for col in cols]


def _ambiguous(prefix: str, hit: RowHit, n: int) -> Finding:
    why = f"{n} equally good splits" if n > 1 else "no split into the expected number of cells"
    return _row_finding(
        "split.ambiguous", Severity.WARNING, prefix, hit,
        f"digits run together as {hit.run!r}; {why}, so the cells are left without values",
    )


def _split_note(prefix: str, hit: RowHit, values: Candidate, by: str) -> Finding:
    return _row_finding(
        "split.inferred", Severity.INFO, prefix, hit,
        f"digits run together as {hit.run!r}; split as {' / '.join(str(v) for v in values)} by {by}",
    )


# ---------------------------------------------------------------------------------------------
# Table 4


def map_table4(hits: list[RowHit], findings: list[Finding]) -> Table4 | None:
    if not hits:
        return None
    hit = hits[0]
    keys = [f"t4.{g}.{c}" for g in T4_GROUPS for c in T4_COLUMNS]
    figs: list[Figure]
    if hit.cells is not None and not _glued_cells(hit.cells, 15):
        cells: list[PrintedCell | None] = list(hit.cells[:15]) + [None] * max(0, 15 - len(hit.cells))
        figs = [_figure(k, c) for k, c in zip(keys, cells, strict=True)]
        if len(hit.cells) < 15:
            findings.append(_short_row("t4", hit, len(hit.cells), 15))
    else:
        run = hit.run if hit.run is not None else " ".join(c.text for c in hit.cells or [] if c)
        hit.run = run
        parsed = parse_run(run)
        choice = choose(candidate_splits(parsed, 15), group_total_violations)
        if choice.values is not None:
            figs = [_inferred(k, v, hit) for k, v in zip(keys, choice.values, strict=True)]
            if _needed_split(run, 15):
                findings.append(_split_note("t4", hit, choice.values, "the table-4 group totals (T4-1)"))
        elif choice.n_candidates == 0:
            figs = _short_run("t4", [k.removeprefix("t4.") for k in keys], hit, parsed.chunks, findings)
            figs = [f.model_copy(update={"key": k}) for f, k in zip(figs, keys, strict=True)]
        else:
            figs = [_inferred(k, None, hit) for k in keys]
            findings.append(_ambiguous("t4", hit, choice.n_best))
    table = Table4()
    for g_i, g in enumerate(T4_GROUPS):
        group = Table4Group(**{c: figs[g_i * 5 + c_i] for c_i, c in enumerate(T4_COLUMNS)})
        setattr(table, g, group)
    return table


# ---------------------------------------------------------------------------------------------
# Table 2


def t2_template(located: Located, year: int | None) -> Template:
    words = located.t2_header_words
    if words & {"new_made", "new_published", "total_published", "prior_year", "change", "projects"}:
        return "2019"
    if words & {"issued", "repealed", "in_force"}:
        return "2021"
    if any(h.key in ("procurement", "other_services") for h in located.t2):
        return "2019"
    return "2021" if (year or 2021) >= 2021 else "2019"


def map_table2(hits: list[RowHit], template: Template, prose: str, findings: list[Finding]) -> Table2 | None:
    if not hits:
        return None
    defaults = T2_COLUMNS_2019 if template == "2019" else T2_COLUMNS_2021
    table = Table2(template=template)
    for hit in hits:
        if getattr(table, hit.key) is not None:
            continue
        cols = _t2_columns(hit, defaults)
        if not cols:
            continue
        row = Table2Row(label=hit.label.strip())
        prefix = f"t2.{hit.key}"
        if hit.cells is not None and not _glued_cells(hit.cells, len(cols)):
            present = [c for c in hit.cells if c is not None]
            while len(present) > len(cols) and not present[-1].text.strip():
                present.pop()
            for col, cell in zip(cols, present, strict=False):
                setattr(row, col, _figure(f"{prefix}.{col}", cell))
        else:
            run = hit.run if hit.run is not None else " ".join(c.text for c in hit.cells or [] if c)
            hit.run = run
            stated = narrative_numbers_for(T2_ITEM_BY_KEY[hit.key].cores, prose)
            for col, fig in zip(cols, _split_t2(prefix, hit, cols, stated, findings), strict=True):
                setattr(row, col, fig)
        setattr(table, hit.key, row)
    return table


def _t2_columns(hit: RowHit, defaults: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    expected = defaults.get(hit.key)
    cols = hit.columns
    if cols and expected and set(cols) <= set(expected) | {"amount", "decisions"}:
        return cols
    if cols and not expected:
        return cols
    return expected or cols


def _split_t2(
    prefix: str, hit: RowHit, cols: tuple[str, ...], narrative: set[int | float], findings: list[Finding]
) -> list[Figure]:
    run = hit.run or ""
    parsed = parse_run(run)
    unit = parsed.units[-1] if parsed.units else None
    item = prefix.split(".")[1]
    decimals = [i for i, c in enumerate(cols) if (item, c) in T2_DECIMAL_COLUMNS]
    negatives = [i for i, c in enumerate(cols) if c == "change"]
    if len(parsed.chunks) == len(cols) and all(len(c) <= MAX_DIGITS for c in parsed.chunks):  # spaces separate the cells
        vals = [to_number(c.lstrip("-−"), "-" if c[0] in "-−" else "") for c in parsed.chunks]
        return [
            _inferred(f"{prefix}.{c}", v, hit, unit if i in decimals or len(cols) == 1 else None).model_copy(
                update={"inferred": False}
            )
            for i, (c, v) in enumerate(zip(cols, vals, strict=True))
        ]
    cands = candidate_splits(parsed, len(cols), decimal_positions=decimals, negative_positions=negatives)
    cost: Callable[[Candidate], int] = lambda c: _t2_soft_cost(cols, c) * 10 - _narrative_hits(c, narrative)  # noqa: E731
    choice = choose(cands, cost)
    if choice.values is None:
        if choice.n_candidates == 0 and parsed.digit_count:
            return _short_run(prefix, cols, hit, parsed.chunks, findings)
        findings.append(_ambiguous(prefix, hit, choice.n_best))
        return [_inferred(f"{prefix}.{c}", None, hit) for c in cols]
    if choice.n_candidates > 1:
        findings.append(_split_note(prefix, hit, choice.values, "the table-2 consistency rules and the figures the narrative states"))
    return [
        _inferred(f"{prefix}.{c}", v, hit, unit if i in decimals else None) for i, (c, v) in enumerate(zip(cols, choice.values, strict=True))
    ]


def _t2_soft_cost(cols: tuple[str, ...], values: Candidate) -> int:
    """T2-19-1: 本年新公开数量 ≤ 对外公开总数量 and ≤ 本年新制作数量; 2021: 废止 ≤ 现行有效 + 废止 is no rule."""
    v = dict(zip(cols, values, strict=True))
    bad = 0
    if "new_published" in v and "total_published" in v and v["new_published"] > v["total_published"]:
        bad += 1
    if "new_published" in v and "new_made" in v and v["new_published"] > v["new_made"]:
        bad += 1
    if "issued" in v and "in_force" in v and v["in_force"] < v["issued"] and v["in_force"] != 0:
        bad += 1
    return bad


def _narrative_hits(values: Candidate, narrative: set[int | float]) -> int:
    """How many of a split's multi-digit numbers the prose states next to the row's own label."""
    return sum(1 for v in values if isinstance(v, int) and v >= 10 and v in narrative)


def narrative_numbers_for(item_cores: Sequence[str], prose: str) -> set[int | float]:
    """Numbers printed within a few characters after an item's label in the prose
    (``现行有效行政规范性文件698件``, ``制发的规范性文件88件``)."""
    out: set[int | float] = set()
    for core in item_cores:
        for m in re.finditer(re.escape(core) + r"[^。；，,\d]{0,8}?(\d{1,15}(?:\.\d{1,6})?)(?![\d.])\s*[件条个项]", prose):
            num = m.group(1)
            out.add(float(num) if "." in num else int(num))
    return out


def map_tables(located: Located, year: int | None, prose: str) -> MappingResult:
    out = MappingResult()
    t2_tpl = t2_template(located, year)
    out.table2 = map_table2(located.t2, t2_tpl, prose, out.findings)
    out.table3 = map_table3(located.t3, year, out.findings)
    out.table4 = map_table4(located.t4, out.findings)
    return out
