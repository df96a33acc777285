"""Rows printed as running text → figures: readings, one hypothesis per document, identities.

For every row the locator found in running text (:mod:`extractor.locate.align`) this module builds
the readings of :mod:`extractor.mapping.readings` under the document's layout hypothesis, solves
each table (:mod:`extractor.mapping.solve`) and turns the cells all best readings agree on into
:class:`~extractor.records.models.Figure` objects; the others get no value and a finding.

The hypothesis (*glued*: digits of adjacent cells run together; *dropped*: blank cells left out
and repeated values merged) is chosen once per document by how well each explains table 3 (and
table 4): fewest rows no reading explains, then fewest identity failures. A digit run with a
leading zero (``000023``) can only be glued digits and settles a tie.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractor.locate.align.tokens import NumToken, tokenize
from extractor.locate.hits import RowHit
from extractor.mapping.mixed import glued_dropped, joined_dropped
from extractor.mapping.narrative import Statements, numbers_after
from extractor.mapping.positions import anchors_of, by_position
from extractor.mapping.readings import (
    BLANK,
    Columns,
    GroupCheck,
    Hypothesis,
    Options,
    Reading,
    Shapes,
    dropped,
    hyphen_cells,
    leading_hyphen_cell,
    lined,
    per_digit,
    row_options,
)
from extractor.mapping.solve import (
    VIOLATION,
    Decided,
    Solved,
    decide,
    flat,
    group_violations,
    prefilter,
    row_sum_violation,
    solve_rows,
    solve_table3,
)
from extractor.records.models import Figure, Finding, Severity
from extractor.text import CellState

UNEXPLAINED = 1000.0
COUNT_DIGITS = 6
"""Longest count a table-3/4 cell plausibly prints (applications and cases per organ and year)."""
"""Cost of a row that no reading under a hypothesis explains."""


def tokens_of(hit: RowHit) -> list[NumToken]:
    """The row's printed numbers: located tokens, or the cells of a grid row re-read as text
    (a grid cell holding several glued or spaced numbers)."""
    if hit.tokens is not None:
        return list(hit.tokens)
    text = hit.run if hit.run is not None else " ".join(c.text for c in hit.cells or [] if c is not None)
    return tokenize(text).numbers


def _leading_zero(t: NumToken) -> bool:
    """A digit run no single cell could print (``00``, ``000023``; not ``0.5``)."""
    return len(t.digits) > 1 and t.digits[0] == "0" and t.digits[1] != "."


def glued_evidence(rows: Sequence[Sequence[NumToken]]) -> bool:
    """A digit run no single cell could print (:func:`_leading_zero`): the dump glues digits."""
    return any(_leading_zero(t) for toks in rows for t in toks)


def _glue_proven(rows: Sequence[Sequence[NumToken]]) -> bool:
    """A leading-zero run that cannot be the tail of a number broken over lines or spans (``3`` /
    ``01`` may be 301): the first of its row, after a placeholder or a unit, or one the number
    before it would not make a count with."""
    for toks in rows:
        for i, t in enumerate(toks):
            if not _leading_zero(t):
                continue
            prev = toks[i - 1] if i else None
            if (prev is None or prev.placeholder or prev.unit or t.sign or t.sep not in ("line", "space")
                    or prev.digits[0] == "0" or len(prev.digits) + len(t.digits) > COUNT_DIGITS):
                return True
    return False


def hypotheses(rows: Sequence[tuple[Sequence[NumToken], int]]) -> list[Hypothesis]:
    """The layout hypotheses worth solving for rows of ``(tokens, cells)``: none when every row
    prints one number per cell; only *glued* when a leading-zero run proves it (one that may be the
    tail of a broken number, ``3`` / ``01``, only puts glued first); only *dropped* when no short row
    holds enough digits to be cut into its cells (the two would read alike)."""
    short = [(t, k) for t, k in rows if 0 < len(t) < k]
    if not short:
        return ["dropped"]
    if glued_evidence([t for t, _ in rows]):
        return ["glued"] if _glue_proven([t for t, _ in rows]) else ["glued", "dropped"]
    if not any(sum(len(x.digits.replace(".", "")) or 1 for x in t) >= k for t, k in short):
        return ["dropped"]
    return ["dropped", "glued"]


def _row_holds(cells: Reading) -> bool:
    return row_sum_violation(cells, "glued") == 0


def _group_holds(cells: Reading) -> bool:
    return group_violations(cells) == 0


def options_for(
    tokens: Sequence[NumToken], cols: Columns, hyp: Hypothesis, holds: GroupCheck | None = None, group: int = 0,
    shapes: Shapes | None = None,
) -> Options:
    tokens = hyphen_cells(tokens, cols)
    opts = row_options(tokens, cols, hyp, holds, group, shapes)
    if not opts.readings and hyp == "glued" and 0 < len(tokens) < cols.k:
        # Too few digits to cut into k cells: blank cells were left out even in a glued dump
        # ("000000" for seven cells), so each digit is a cell and one cell printed nothing.
        opts = dropped(per_digit(tokens), cols)
    alt = leading_hyphen_cell(tokens, cols)
    if alt is not None:  # "-30": a hyphen cell and 30, or a left-out cell and -30 — both are kept
        opts = opts.plus(row_options(alt, cols, hyp, holds, group, shapes))
    return opts


@dataclass(slots=True)
class TableResult:
    hyp: Hypothesis
    options: dict[str, Options]
    solved: Solved
    cost: float
    blanks_unprinted: bool = False
    """Glued digits, and a row too short for its cells: blank cells print nothing (``get_text()`` of
    empty ``<td>`` cells), so any row may hide them between its digits."""
    blank_lines: int | None = None
    """One cell per line, a blank cell empty lines (:func:`_blank_lines`): the empty lines between any
    two cells, when short rows were read so; else ``None``."""
    positioned: bool = False
    """Laid out by position (:func:`~extractor.mapping.positions.anchors_of`): a blank cell prints as
    the spaces of its column, not as one space between glued digits."""


def _blank_lines(rows: dict[str, list[NumToken]], cols: Columns, options: dict[str, Options]) -> int | None:
    """Whether the dump prints one cell per line and a blank cell as empty lines (LibreOffice's and
    Word's text export of a table, docx2txt): the empty lines between two cells of a full row are
    the same everywhere (``sep``: 0, or 1 where every paragraph is followed by one), some short row
    has more among its numbers, and every short row read so (:func:`~extractor.mapping.readings.lined`)
    holds its total, one of them a printed one. Then each short row's options become that one
    reading (how ``lined``), the hypothesis wins (:func:`choose`), and ``sep`` is returned."""
    short = {k: toks for k, toks in rows.items() if 0 < len(toks) < cols.k}
    full = {t.gap_lines for toks in rows.values() if len(toks) == cols.k for t in toks}
    if not short or len(full) > 1:
        return None
    sep = full.pop() if full else min(t.gap_lines for toks in short.values() for t in toks)
    if not any(t.gap_lines > sep for toks in short.values() for t in toks):
        return None
    read = {k: lined(toks, cols, sep=sep) for k, toks in short.items()}
    if any(r is None or row_sum_violation(r, "exact") for r in read.values()):
        return None
    if not any(r is not None and r[-1].value for r in read.values()):
        return None  # no printed total confirms a placement (blank totals hold vacuously)
    for k, r in read.items():
        if r is not None:
            options[k] = Options("lined", [(r, 0.0)])
    return sep


def solve_t3_text(
    rows: dict[str, list[NumToken]],
    fixed: dict[str, Reading],
    detail: Sequence[str],
    hyp: Hypothesis,
    narrative: Callable[[str, tuple[int | float, ...]], float],
    loose_rows: bool = False,
    unprinted_shown: bool = False,
) -> TableResult:
    """Table 3's rows of running text under ``hyp``. ``unprinted_shown``: a row left unread holds
    fewer digits and placeholders than cells, so the text prints nothing for some blank cells."""
    cols = Columns(7, max_digits=COUNT_DIGITS)
    anchors = anchors_of(rows, cols.k) if hyp == "dropped" else []  # laid out by position: where the columns are
    shapes: Shapes = {}  # rows printed alike (``0 0 0 0 0 00``) are searched once
    options: dict[str, Options] = {k: options_for(toks, cols, hyp, _row_holds, 7, shapes) for k, toks in rows.items()}
    blank_lines = _blank_lines(rows, cols, options) if hyp == "dropped" else None
    hybrid = hyp == "glued" and (unprinted_shown or any(o.how == "dropped" for o in options.values())) and (
        _glue_proven(list(rows.values())) or any(len(t.digits) > COUNT_DIGITS and "." not in t.digits for ts in rows.values() for t in ts))
    if hybrid:
        # Digits proven glued (a leading-zero run, a run longer than any count) and a glued row too
        # short for its cells (read or not): the text prints nothing for blank cells, and any row
        # may hide blank cells between its glued digits.
        for k, toks in rows.items():
            mixed = glued_dropped(hyphen_cells(toks, cols), cols, _row_holds, 7) if toks else Options("none", [])
            if mixed.readings:
                options[k] = mixed
    pre: dict[str, list[tuple[Reading, float]]] = {k: [(r, 0.0)] for k, r in fixed.items()}
    row_cost = 0.0
    loose: set[str] = set()
    for k, opts in options.items():
        kept = prefilter(opts, lambda r, how=opts.how: row_sum_violation(r, how))  # type: ignore[misc]
        if hyp == "dropped" and (not kept or row_sum_violation(kept[0][0], opts.how)):
            # No plain reading balances the row: numbers broken over lines in a text that also
            # leaves blank cells out ("11" / "10 21") are joined where the row's total confirms it.
            repaired = joined_dropped(hyphen_cells(rows[k], cols), cols, _row_holds, 7)
            if repaired.readings:
                options[k] = opts = repaired
                kept = repaired.readings
        if not kept:
            row_cost += UNEXPLAINED
            continue
        if anchors and len(kept) > 1:
            kept = by_position(kept, rows[k], anchors)
        broken = row_sum_violation(kept[0][0], opts.how)
        if broken and opts.how == "joined":
            # Joining numbers broken over lines is a repair; one the row's own 总计 does not
            # confirm is no reading at all.
            options[k] = Options("none", [])
            row_cost += UNEXPLAINED
            continue
        row_cost += VIOLATION * broken
        if len(kept) > 1 and ((broken and (loose_rows or opts.how == "dropped")) or (hyp == "glued" and any(t.placeholder for t in rows[k]))):
            # A glued run with placeholder cells ("0 — 10 —— 1") or blanks can hide a cell anywhere:
            # the column identities must not pick among its readings.
            loose.add(k)
        pre[k] = kept
    solved = solve_table3(pre, detail, narrative, frozenset(loose))
    return TableResult(hyp, options, solved, row_cost + solved.cost, hybrid, blank_lines, bool(anchors))


def solve_t4_text(tokens: list[NumToken], hyp: Hypothesis, blanks_unprinted: bool = False, blank_lines: int | None = None) -> TableResult:
    cols = Columns(15, max_digits=COUNT_DIGITS)
    opts = options_for(tokens, cols, hyp, _group_holds, 5)
    if hyp == "dropped" and 0 < len(tokens) < cols.k and (blank_lines is not None or any(t.gap_lines for t in tokens)):
        # Blank cells printed as empty lines, as table 3 found the text (its separator known) or as
        # the groups' printed totals confirm here (no separator, or the smallest gap between two
        # numbers). The empty lines after the header may be cells or row separators: every
        # placement whose groups hold is kept.
        seps = {blank_lines} if blank_lines is not None else {0, min((t.gap_lines for t in tokens[1:]), default=0)}
        placed = {lined(tokens, cols, lead, sep) for sep in seps for lead in range(tokens[0].gap_lines + 1)}
        confirmed = [r for r in placed if r is not None and not group_violations(r)
                     and (blank_lines is not None or any(r[g + 4].value for g in (0, 5, 10)))]
        if confirmed:
            opts = Options("lined", [(r, 0.0) for r in confirmed])
    if hyp == "glued" and blanks_unprinted and tokens:  # as table 3 found the text (TableResult.blanks_unprinted)
        mixed = glued_dropped(hyphen_cells(tokens, cols), cols, _group_holds, 5)
        if mixed.readings:
            opts = mixed
    kept = prefilter(opts, group_violations)
    if hyp == "dropped" and opts.how != "exact" and (not kept or group_violations(kept[0][0])):
        repaired = joined_dropped(hyphen_cells(tokens, cols), cols, _group_holds, 5)
        if repaired.readings:
            opts, kept = repaired, repaired.readings
    if kept and opts.how in ("joined", "dropped") and group_violations(kept[0][0]):
        # Joining numbers broken over lines, or placing the numbers of a dump that left cells out,
        # is a guess that only the three groups' 总计 can confirm; unconfirmed, it is no reading.
        opts, kept = Options("none", []), []
    if not kept:
        return TableResult(hyp, {"data": opts}, Solved({}, 0.0, True), UNEXPLAINED)
    solved = Solved({"data": [r for r, _ in kept]}, kept[0][1], True)
    return TableResult(hyp, {"data": opts}, solved, VIOLATION * group_violations(kept[0][0]) + kept[0][1])


def choose(results: list[TableResult], evidence: bool) -> TableResult:
    """The hypothesis that explains the table best; ties go to glued when a leading-zero run
    proves glued digits, else to dropped (the lossless reading of a row is the same under both).
    Blank cells printed as empty lines (:attr:`TableResult.blank_lines`) or as their columns' spaces
    (:attr:`TableResult.positioned`) settle it first."""
    def rank(r: TableResult) -> tuple[int, float, int]:
        return (0 if r.blank_lines is not None or r.positioned else 1, round(r.cost, 6), 0 if (r.hyp == "glued") == evidence else 1)

    return min(results, key=rank)


# ---------------------------------------------------------------------------------------------
# Figures and findings


def figures_for(prefix: str, cols: Sequence[str], hit: RowHit, opts: Options, kept: list[Reading], findings: list[Finding],
                prose: str | None = None) -> list[Figure]:
    """Figures of one row from its kept readings, and the finding that says how they were read
    (``prose``: what the report's text states, when that, not the identities, chose among the readings)."""
    k = len(cols)
    cells: list[Decided | None] = decide(kept, k) if kept else [None] * k
    out: list[Figure] = []
    run, run_ref, in_text = hit.run or "", hit.run_ref, hit.cells is None
    for col, cell in zip(cols, cells, strict=True):
        key = f"{prefix}.{col}"
        if cell is None:
            out.append(Figure.make(key=key, value=None, state=CellState.AMBIGUOUS, raw=run, ref=run_ref, inferred=True))
            continue
        raw = cell.raw
        unit = _unit(raw) if raw[-1:] == "元" else None
        if cell.offset is not None and in_text:  # a ref of its own: where the cell was printed
            out.append(Figure.in_text(key, cell.value, cell.state, raw if raw else run, unit, cell.inferred, cell.offset, cell.line))
        else:
            out.append(Figure.full(key, cell.value, cell.state, raw if raw else run, unit, cell.inferred, run_ref))
    undecided = [c for c, cell in zip(cols, cells, strict=True) if cell is None]
    n = len(hit.tokens) if hit.tokens is not None else len(tokens_of(hit))
    if not kept:
        findings.append(_finding("split.ambiguous", Severity.WARNING, prefix, hit,
                                 f"{n} printed numbers {hit.run!r} cannot fill {k} cells; the cells are left without values"))
    elif undecided:
        code = "split.ambiguous" if opts.how == "glued" else "cells.undecided"
        why = ("digits run together" if opts.how == "glued" else
               "the dump leaves out blank cells and merges repeated values" if opts.how == "dropped" else "numbers split over lines")
        findings.append(_finding(code, Severity.WARNING, prefix, hit,
                                 f"{why} ({hit.run!r}); {len(kept)} readings are equally good, so "
                                 f"{', '.join(undecided)} {'is' if len(undecided) == 1 else 'are'} left without a value"))
    elif prose:
        why = ("digits run together" if opts.how == "glued" else
               "blank cells left out and repeated values merged" if opts.how == "dropped" else "numbers split over lines")
        findings.append(_finding("cells.narrative", Severity.INFO, prefix, hit,
                                 f"{why} ({hit.run!r}); the identities leave several readings and the report's text "
                                 f"({prose}) decides between them"))
    elif opts.how == "glued" and any(c is not None and c.inferred for c in cells):
        values = " / ".join(_fmt(c.value) for c in cells if c is not None)
        by = "the identities" if len(opts.readings) > 1 else "the rule that no cell prints a leading zero"
        findings.append(_finding("split.inferred", Severity.INFO, prefix, hit, f"digits run together as {hit.run!r}; split as {values} by {by}"))
    elif opts.how == "dropped" and n < k:
        findings.append(_finding("cells.collapsed", Severity.INFO, prefix, hit,
                                 f"the row prints {n} of {k} cells ({hit.run!r}); blank cells left out and repeated values merged "
                                 "— every reading gives these values"))
    elif opts.how == "lined":
        findings.append(_finding("cells.lined", Severity.INFO, prefix, hit,
                                 f"the row prints {n} of {k} cells ({hit.run!r}), one per line: the empty lines between them are "
                                 "its blank cells"))
    elif opts.how == "joined":
        blanks = ", and the blank cells the text left out placed by the row's total" if any(
            c is not None and c.offset is None for c in cells) else ""
        findings.append(_finding("cells.joined", Severity.INFO, prefix, hit,
                                 f"{n} numbers for {k} cells ({hit.run!r}): numbers broken over lines were joined{blanks}"))
    return out


def unreadable_row(prefix: str, cols: Sequence[str], hit: RowHit, findings: list[Finding]) -> list[Figure]:
    """A row whose printed cells cannot be told apart: every cell without a value, and why."""
    findings.append(_finding("cells.unreadable", Severity.WARNING, prefix, hit, f"{hit.unreadable} ({hit.run!r}); the cells are left without values"))
    return [Figure.make(key=f"{prefix}.{c}", value=None, state=CellState.AMBIGUOUS, raw=hit.run or "", ref=hit.run_ref, inferred=True) for c in cols]


def _fmt(v: int | float | None) -> str:
    return "—" if v is None else str(v)


def _unit(raw: str) -> str | None:
    for u in ("万元", "亿元", "元"):
        if raw.endswith(u):
            return u
    return None


def _finding(code: str, severity: Severity, prefix: str, hit: RowHit, message: str) -> Finding:
    return Finding.make(code=code, severity=severity, message=f"{prefix}: {message}", cells=[prefix], refs=[hit.run_ref])


def blank_reading(k: int) -> Reading:
    return tuple([BLANK] * k)


def t2_cost(item: str, cols: Sequence[str], hyp: Hypothesis, prose: str, soft: Callable[[tuple[str, ...], tuple[int | float, ...]], int]) -> Callable[[str, Reading], float]:
    """Table-2 ranking: the soft consistency rules and the prose, only where digits ran together."""
    stated: set[int | float] | None = None

    def cost(_key: str, reading: Reading) -> float:
        nonlocal stated
        if hyp != "glued" and not any(c.inferred for c in reading):
            return 0.0
        if stated is None:
            stated = numbers_after(item, prose)
        vals = flat(reading)
        # each stated number once: a reading that repeats it (a merged repeat, ``22 235`` read as
        # 22 / 22 / 235) is not better supported than one that places it once
        hits = len({c.value for c in reading if c.inferred and c.value in stated
                    and (isinstance(c.value, float) or (isinstance(c.value, int) and c.value >= 10))})
        return 10.0 * soft(tuple(cols), vals) - hits

    return cost


def narrative_for(statements: Statements) -> Callable[[str, tuple[int | float, ...]], float]:
    return statements.t3_cost


__all__ = [
    "TableResult",
    "blank_reading",
    "choose",
    "figures_for",
    "glued_evidence",
    "hypotheses",
    "narrative_for",
    "options_for",
    "solve_rows",
    "solve_t3_text",
    "solve_t4_text",
    "t2_cost",
    "tokens_of",
    "unreadable_row",
]
