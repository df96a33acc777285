"""Located rows → typed table records (tables 2, 3 and 4), provenance kept.

Grid rows map cell by cell. Rows read from running text (and grid cells that hold several numbers)
are resolved together per table by :mod:`extractor.mapping.resolve`: their readings are weighed
against the table's identities and every cell that more than one equally good reading would fill
differently is left without a value. Every reading that was not one number per cell is recorded as
a finding (``split.inferred``, ``cells.collapsed``, ``cells.joined``; ``split.ambiguous`` /
``cells.undecided`` for cells left open), so an auditor can tell a printed cell from a decided one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import TYPE_CHECKING, Literal

from extractor.locate.hits import T2_UNRECORDED, UNLABELED, Located, PrintedCell, RowHit, cell_ref
from extractor.mapping.doubt import (
    CUT_TABLE,
    FILLED_FAILS,
    cut_finding,
    cut_table,
    filled_failing,
    first_columns,
    repeats_printed,
    row_total_fails,
    unconfirmed_blanks,
)
from extractor.mapping.narrative import Statements, no_prose, statements
from extractor.mapping.repair import may_repair, repair, table3_equations, table4_equations
from extractor.mapping.unlabeled import assign_unlabeled, labelled
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
    T2_COLUMN_LABELS,
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_DECIMAL_COLUMNS,
    T2_SIGNED_COLUMNS,
    T3_COLUMNS,
    T3_DETAIL_2019,
    T3_DETAIL_2021,
    T4_COLUMNS,
    T4_GROUPS,
    t4_some_order_holds,
)
from extractor.text import CellState, parse_cell

if TYPE_CHECKING:
    from extractor.locate.align.tokens import NumToken
    from extractor.mapping.readings import Columns, Hypothesis, Reading, Shapes
    from extractor.mapping.resolve import TableResult


@dataclass(slots=True)
class MappingResult:
    table2: Table2 | None = None
    table3: Table3 | None = None
    table4: Table4 | None = None
    findings: list[Finding] = field(default_factory=list)


def _figure(key: str, cell: PrintedCell | None) -> Figure:
    if cell is None:
        return Figure.make(key=key, value=None, state=CellState.BLANK, raw="")
    parsed = parse_cell(cell.text)
    ref = cell._ref  # PrintedCell.ref, inlined (a ref per figure)
    if ref is None:
        ref = cell._ref = cell_ref(cell.table_index, cell.cell)
    return Figure.of(key, parsed.value, parsed.state, cell.text, parsed.unit, ref)


_T3_KEYS: dict[str, tuple[str, ...]] = {}


def _t3_keys(row: str) -> tuple[str, ...]:
    """The flat keys of a table-3 row's cells (``t3.<row>.<column>``), made once per row key."""
    keys = _T3_KEYS.get(row)
    if keys is None:
        keys = _T3_KEYS[row] = tuple(f"t3.{row}.{col}" for col in T3_COLUMNS)
    return keys


# ---------------------------------------------------------------------------------------------
# Table 3


@dataclass(slots=True)
class TextLayout:
    """What table 3 tells of how the running text was made (one crawler or converter made it all)."""

    hyp: Hypothesis | None = None
    """How rows that print fewer numbers than cells were printed (blank cells left out, digits glued)."""
    out_of_order: bool = False
    """A row holds two rows' worth of numbers no reading explains: the text layer printed numbers
    away from their labels, so in every table a row short of numbers lost them to another row rather
    than leaving blank cells out, and a row with too many holds another's rather than a number split
    over lines."""
    blank_lines: int | None = None
    """One cell per line, blank cells as empty lines (:attr:`TableResult.blank_lines`, the empty lines
    between two cells): a short row of any table is placed by its empty lines."""
    blanks_unprinted: bool = False
    """Digits run together and blank cells print nothing (:attr:`TableResult.blanks_unprinted`): a
    glued row of any table may hide blank cells between its digits."""
    cut: Literal["read", "unread"] | None = None
    """Table 3 was cut at the page's edge (:func:`~extractor.mapping.doubt.cut_table`): a row of table 4
    printing fewer numbers than cells lost its last ones the same way, it did not leave blank cells
    out — its printed numbers are its first cells (``read``: the text was shown not to merge repeated
    values), or not known (``unread``)."""
    broken_seps: frozenset[str] = frozenset()
    """The separators (``line``, ``space``) across which table 3 joined a row's numbers, its identity
    confirming it: the text breaks numbers there (``6`` / ``05``, digits in two ``<span>`` elements).
    Where it also leaves blank cells out, a table-2 row (no identity) whose numbers are parted by
    such a separator can be either: ``8`` / ``60`` / ``5`` is 8, 60, 5 or a blank, 8, 605."""


_T4_CUT = (
    "the row prints fewer numbers than cells, and table 3 shows the text's tables cut at the page's edge: its last "
    "cells were not printed, they were not left blank"
)
_OUT_OF_ORDER = (
    "the row prints fewer or more numbers than cells, and table 3 shows the text printing numbers away from their "
    "labels (rows holding other rows' numbers): its cells were printed elsewhere, not left blank or split over lines"
)


def map_table3(
    hits: list[RowHit], year: int | None, findings: list[Finding], said: Statements | Callable[[], Statements] | None = None,
    layout: TextLayout | None = None,
    scrambled: bool = False,
) -> Table3 | None:
    """Table 3; ``said``: what the prose states, or a function that reads it (called only when rows
    read from running text need it); ``layout`` receives what the table tells of the running text
    (:class:`TextLayout`); ``scrambled``: its headings were printed among its rows
    (:attr:`Located.t3_header_inside`)."""
    if not hits:
        return None
    by_key = labelled(hits)
    has_sub = any(k.startswith("other_") for k in by_key)
    assign_unlabeled([h for h in hits if h.key == UNLABELED], by_key, has_sub, findings, year)
    template: Template = "2021" if has_sub else "2019" if "other" in by_key else ("2021" if (year or 2021) >= 2021 else "2019")
    if has_sub:
        by_key.pop("other", None)
    detail = T3_DETAIL_2019 if "other" in by_key else T3_DETAIL_2021
    k = len(T3_COLUMNS)
    rows: dict[str, list[Figure]] = {}
    grid_keys: list[str] = []
    text_rows: dict[str, list[NumToken]] = {}
    short_unread = False
    _split_between_rows(by_key, k)
    for key, hit in by_key.items():
        if hit.cells is not None and not _glued_cells(hit.cells, k):
            cells: list[PrintedCell | None] = list(hit.cells[:k]) + [None] * max(0, k - len(hit.cells))
            figs = [_figure(name, c) for name, c in zip(_t3_keys(key), cells, strict=True)]
            for i in hit.absent:
                figs[i] = Figure.make(key=figs[i].key, value=None, state=CellState.AMBIGUOUS, raw="", ref=hit.run_ref)
                if not any(f.code == "cells.absent" for f in findings):
                    findings.append(_row_finding(
                        "cells.absent", Severity.WARNING, f"t3.{key}", hit,
                        "table 3 prints no 总计 column (its header has none and its rows one cell fewer, as when a "
                        "converter cuts a wide table at the page's edge): the totals are left without a value, not blank"))
            rows[key] = figs
            grid_keys.append(key)
            if len(hit.cells) + len(hit.absent) < k:
                findings.append(_short_row(f"t3.{key}", hit, len(hit.cells), k))
            continue
        from extractor.mapping.resolve import tokens_of

        if hit.unreadable:
            from extractor.mapping.resolve import unreadable_row

            rows[key] = unreadable_row(f"t3.{key}", T3_COLUMNS, hit, findings)
            toks = tokens_of(hit)
            # every digit and placeholder character a cell, and still too few: blank cells print nothing
            short_unread = short_unread or 0 < sum(len(t.digits) or len(t.text) for t in toks) < k
            continue

        text_rows[key] = tokens_of(hit)
        if hit.moved:
            findings.append(_row_finding("rows.displaced", Severity.INFO, f"t3.{key}", hit, hit.moved))
    if text_rows:  # rows read from running text: resolved together with the table's identities
        from extractor.mapping.readings import CellReading
        from extractor.mapping.resolve import (
            choose,
            figures_for,
            glued_evidence,
            hypotheses,
            solve_t3_text,
            unreadable_row,
        )

        fixed: dict[str, Reading] = {key: tuple(CellReading(f.value, f.state, f.raw) for f in rows[key]) for key in grid_keys}
        said = said() if callable(said) else said or Statements()
        evidence = glued_evidence(list(text_rows.values()))
        results: list[TableResult] = []
        for t3_hyp in sorted(hypotheses([(t, k) for t in text_rows.values()]), key=lambda h: (h == "glued") != evidence):
            if results and results[0].cost == 0:
                break  # costs are never negative and ties go to the first hypothesis: nothing can beat it
            results.append(solve_t3_text(text_rows, fixed, detail, t3_hyp, said.t3_cost, unprinted_shown=short_unread))
        best = choose(results, evidence)
        if layout is not None and any(0 < len(t) < k for t in text_rows.values()):
            layout.hyp = best.hyp
        if layout is not None:
            layout.blanks_unprinted = best.blanks_unprinted
            layout.blank_lines = best.blank_lines
            layout.broken_seps = frozenset(sep for key, toks in text_rows.items() if best.options[key].how == "joined"
                                           for sep in _join_seps(toks, best.solved.kept.get(key, [])))
        prose = _prose_decided(best, said, text_rows, fixed, detail, short_unread)
        unread = cut_table(text_rows, best, k)  # rows left without values here (said once, not again below)
        cut_read = bool(unread) and repeats_printed(list(text_rows.values()))
        if layout is not None:
            layout.cut = "read" if cut_read else "unread" if unread else None
        if cut_read:
            findings.append(cut_finding("table 3", [f"t3.{key}" for key in text_rows if key in unread],
                                        len(text_rows[next(iter(unread))]), k))
        for key in text_rows:
            opts = best.options[key]
            kept = best.solved.kept.get(key, [])
            if key in unread:
                rows[key] = (first_columns(f"t3.{key}", T3_COLUMNS, text_rows[key]) if cut_read else
                             unreadable_row(f"t3.{key}", T3_COLUMNS, replace(by_key[key], unreadable=CUT_TABLE), findings))
                continue
            rows[key] = figures_for(f"t3.{key}", T3_COLUMNS, by_key[key], opts, kept, findings,
                                    prose=said.says() if key in prose else None)
        empty = [key for key, t in text_rows.items() if not t]
        # Rows holding more numbers than cells, which no reading explains, hold other rows' cells when
        # there are two of them, or one holds two rows' worth or three numbers too many, or two too many
        # while a full row's own total fails: the text layer printed numbers away from their labels, as when
        # the headings are among the rows. (One row with one number too many may hold a number split
        # over lines whose join its misprinted total cannot confirm, or a stray page number.)
        over = [len(t) for key, t in text_rows.items() if len(t) > k and not best.solved.kept.get(key)]
        failing = any(len(t) == k and row_total_fails(rows[key]) for key, t in text_rows.items())
        overflow = bool(over) and (len(over) >= 2 or max(over) >= 2 * k or (max(over) > k + 1 and failing)
                                   or (max(over) >= k + _MANY_TOO_MANY and best.hyp == "dropped"))
        if layout is not None:
            layout.out_of_order = overflow
        scrambled = scrambled or overflow
        # rows printing fewer numbers than cells, filled in by the layout hypothesis (blank cells left
        # out, or digits run together): doubtful when the table is scrambled or fails widely
        short = [key for key, t in text_rows.items() if 0 < len(t) < k and key not in unread]
        collapsed = short if scrambled or best.hyp == "dropped" else []
        if scrambled:
            # a filled-in row whose total fails in every reading holds other rows' numbers; so, more
            # likely than a misprint, does a row whose own total fails, and one read by joining numbers
            # over lines holds other rows' numbers rather than a broken number
            for key in sorted(filled_failing(text_rows, best, k) - unread, key=list(text_rows).index):
                rows[key] = unreadable_row(f"t3.{key}", T3_COLUMNS, replace(by_key[key], unreadable=FILLED_FAILS), findings)
                unread.add(key)
            collapsed = [key for key in collapsed if key not in unread]
            collapsed += [key for key in text_rows if key not in collapsed and key not in unread
                          and (row_total_fails(rows[key]) or best.options[key].how == "joined")]
        unconfirmed_blanks(rows, empty, collapsed, by_key, detail, findings, scrambled)
    rows = _repair_t3(rows, by_key, detail, findings)
    return Table3.make(
        template=template,
        label_rows={key: by_key[key].label.strip() for key in rows},
        **{key: Table3Row.make(**dict(zip(T3_COLUMNS, figs, strict=True))) for key, figs in rows.items()},
    )


def _confidence(cells: Sequence[PrintedCell | None] | None, keys: Sequence[str]) -> dict[str, float | None]:
    return {k: (c.cell.confidence if c is not None else None) for k, c in zip(keys, cells or [], strict=False)}


def _repair_t3(rows: dict[str, list[Figure]], by_key: dict[str, RowHit], detail: Sequence[str],
               findings: list[Finding]) -> dict[str, list[Figure]]:
    """Misread cells the identities force (:mod:`extractor.mapping.repair`)."""
    k = len(T3_COLUMNS)
    if not any(f.state is CellState.TEXT for row in rows.values() for f in row) and not any(
        c is not None and c.cell.confidence is not None for hit in by_key.values() for c in (hit.cells or ())[:k]
    ):  # what may_repair would answer, without building its dictionaries: nothing to repair
        return rows
    figs = {f.key: f for row in rows.values() for f in row}
    confidence: dict[str, float | None] = {}
    for key, hit in by_key.items():
        confidence.update(_confidence(hit.cells, [f"t3.{key}.{c}" for c in T3_COLUMNS]))
    if not may_repair(figs, confidence):
        return rows
    # a row that leaves its 总计 blank is not checked (T3-2) — unless it is the table's only one and a
    # recognised cell: one empty 总计 among printed ones is more often a glyph the recognition missed
    # than a total left out (a table that leaves several blank does so on purpose)
    blank = {k for k, row in rows.items() if row and row[-1].state is CellState.BLANK}
    if len(blank) == 1 and confidence.get(rows[next(iter(blank))][-1].key) is not None:
        blank = set()
    fixed = repair(figs, confidence, table3_equations(list(rows), T3_COLUMNS, detail, blank), findings)
    if fixed == figs:
        return rows
    return {k: [fixed[f.key] for f in row] for k, row in rows.items()}


def _glued_cells(cells: Sequence[PrintedCell | None], k: int) -> bool:
    """A grid row that holds fewer cells than columns but a run of digits in one of them."""
    present = [c for c in cells if c is not None]
    if len(present) >= k:
        return False
    digits = sum(ch.isdigit() for c in present for ch in c.text)
    return digits >= k and any(len(c.text.split()) > 1 or len(c.text.strip()) > 6 for c in present)


def _row_finding(code: str, severity: Severity, prefix: str, hit: RowHit, message: str) -> Finding:
    """A finding about one located row: its flat-key prefix and where it was printed."""
    return Finding.make(code=code, severity=severity, message=f"{prefix}: {message}", cells=[prefix], refs=[hit.run_ref])


def _prose_decided(best: TableResult, said: Statements, text_rows: dict[str, list[NumToken]], fixed: dict[str, Reading],
                   detail: Sequence[str], short_unread: bool) -> set[str]:
    """Rows whose cells the prose decided: solved again without it, they are left with several readings
    (or other values). Solved only when the prose states something about table 3."""
    if not said.says():
        return set()
    from extractor.mapping.resolve import solve_t3_text
    from extractor.mapping.solve import decide, flat

    # only 申请人均为自然人 speaks of every row; the counts speak of row 一
    ranked = list(text_rows) if said.all_natural else [k for k in text_rows if k == "new_received"]
    if all(len({said.t3_cost(key, flat(r)) for r, _ in best.options[key].readings}) <= 1 for key in ranked):
        return set()  # the prose ranks no row's readings apart: it decided nothing

    plain = solve_t3_text(text_rows, fixed, detail, best.hyp, no_prose, unprinted_shown=short_unread)
    k = len(T3_COLUMNS)
    out: set[str] = set()
    for key in text_rows:
        kept, alone = best.solved.kept.get(key, []), plain.solved.kept.get(key, [])
        if kept and alone and decide(kept, k) != decide(alone, k):
            out.add(key)
    return out


def _split_between_rows(by_key: dict[str, RowHit], k: int) -> None:
    """Two neighbouring rows of running text, each short of numbers, that together hold exactly one
    row's worth, in a table whose other rows print every cell: one row's numbers printed on both sides
    of the next label (pdftotext's plain order: ``（一）予以公开`` / ``21`` / ``（二）部分公开（区分`` /
    ``0 0 0 0 0 21`` …). Which numbers are whose cannot be told, and read as blank cells left out they
    gave wrong values: both rows are left unread."""
    rows = [h for h in by_key.values() if h.tokens is not None and h.cells is None and not h.unreadable]
    if len(rows) < 5:
        return
    full = sum(1 for h in rows if len(h.tokens or ()) == k)
    if full < 0.6 * len(rows):
        return
    for a, b in pairwise(rows):
        na, nb = len(a.tokens or ()), len(b.tokens or ())
        if 0 < na < k and 0 < nb < k and na + nb == k:
            why = "its numbers and the next row's are printed on both sides of a label (one row's worth between them)"
            a.unreadable = a.unreadable or why
            b.unreadable = b.unreadable or why


def _short_row(prefix: str, hit: RowHit, got: int, k: int) -> Finding:
    return _row_finding(
        "cells.missing", Severity.WARNING, prefix, hit,
        f"the row prints {got} cells for {k} columns; the missing ones are recorded as blank",
    )


# ---------------------------------------------------------------------------------------------
# Table 4


def map_table4(
    hits: list[RowHit], findings: list[Finding], hyp: Hypothesis | None = None, out_of_order: bool = False, blanks_unprinted: bool = False,
    blank_lines: int | None = None, cut: Literal["read", "unread"] | None = None,
) -> Table4 | None:
    """Table 4; ``hyp`` and ``out_of_order`` as table 3 found the running text (:class:`TextLayout`)."""
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
    elif cut == "read" and not hit.unreadable and hit.cells is None and 0 < len(toks := _tokens(hit)) < len(keys):
        figs = _keyed(first_columns("t4", [k.removeprefix("t4.") for k in keys], toks), keys)
        findings.append(cut_finding("table 4", keys[len(toks):], len(toks), len(keys)))
    elif hit.unreadable or ((out_of_order or cut) and hit.cells is None and _printed(hit) != len(keys)):
        from extractor.mapping.resolve import unreadable_row

        hit = hit if hit.unreadable else replace(hit, unreadable=_OUT_OF_ORDER if out_of_order else _T4_CUT)
        figs = _keyed(unreadable_row("t4", [k.removeprefix("t4.") for k in keys], hit, findings), keys)
    else:
        from extractor.mapping.resolve import choose, figures_for, glued_evidence, hypotheses, solve_t4_text, tokens_of

        tokens = tokens_of(hit)
        evidence = glued_evidence([tokens])
        results: list[TableResult] = []
        for h in [hyp] if hyp else sorted(hypotheses([(tokens, 15)]), key=lambda h: (h == "glued") != evidence):
            if results and results[0].cost == 0:
                break  # as in table 3: a cost-0 first hypothesis wins every tie
            results.append(solve_t4_text(tokens, h, blanks_unprinted, blank_lines))
        best = choose(results, evidence)
        cols = [k.removeprefix("t4.") for k in keys]
        figs = _keyed(figures_for("t4", cols, hit, best.options["data"], best.solved.kept.get("data", []), findings), keys)
        if best.options["data"].how == "exact":
            figs = _unconfirmed_t4_groups(figs, hit, findings, leaves_blanks_out=hyp == "dropped")
    by_key, confidence = {f.key: f for f in figs}, _confidence(hit.cells, keys)
    if may_repair(by_key, confidence):
        fixed = repair(by_key, confidence, table4_equations(T4_GROUPS, T4_COLUMNS), findings)
        figs = [fixed[k] for k in keys]
    return Table4.make(**{g: Table4Group.make(**dict(zip(T4_COLUMNS, figs[g_i * 5 : g_i * 5 + 5], strict=True)))
                          for g_i, g in enumerate(T4_GROUPS)})


def _keyed(figs: list[Figure], keys: list[str]) -> list[Figure]:
    """The figures under ``keys``, copied only where the key differs (``t4.`` + column is already
    each figure's key: a copy would hold the same values, and nothing else holds the figure)."""
    return [f if f.key == k else f.model_copy(update={"key": k}) for f, k in zip(figs, keys, strict=True)]


_T4_GROUP_FAILS = (
    "the group's 总计 is not the sum of its four results in the order the running text prints them, but it is in "
    "another order of the same five numbers: a text layer printed a cell out of its place (pdftotext prints a "
    "wrapped heading's cell after its neighbours), so which cell holds which number is not known and none is placed"
)


_MANY_TOO_MANY = 3
"""Numbers beyond a row's cells that, in a text leaving blank cells out (which breaks no number),
no stray page number explains: the row holds another row's (``8 1 0 0 0 0 21 0 0 0 0 9``: two rows'
cells interleaved). Where the text breaks numbers over lines, a row holds a piece per break."""


def _unconfirmed_t4_groups(figs: list[Figure], hit: RowHit, findings: list[Finding], leaves_blanks_out: bool = False) -> list[Figure]:
    """Table 4 read from running text, one number per cell: a group whose 总计 fails as printed but
    holds in another order of its five numbers (the largest is the sum of the other four) leaves its
    cells without values: a cell printed out of its place, not a misprint. A total that no order of
    the numbers explains is the organ's misprint and is kept (validation reports it), as in a grid —
    unless the text leaves blank cells out (``leaves_blanks_out``, as table 3 shows): fifteen numbers
    may then be fourteen cells with one number broken in two (``2 0`` for 20), so from the first
    failing group on, where the cells may have shifted, none is placed."""
    from extractor.mapping.resolve import unreadable_row

    out = list(figs)
    shifted = False
    for g_i, g in enumerate(T4_GROUPS):
        group = figs[g_i * 5 : g_i * 5 + 5]
        fails = row_total_fails(group)
        shifted = shifted or (fails and leaves_blanks_out)
        if shifted or (fails and t4_some_order_holds([f.value or 0 for f in group])):
            why = _T4_SHIFTED if shifted else _T4_GROUP_FAILS
            out[g_i * 5 : g_i * 5 + 5] = unreadable_row(f"t4.{g}", T4_COLUMNS, replace(hit, unreadable=why), findings)
    return out


_T4_SHIFTED = (
    "the text leaves blank cells out (as table 3 shows) and a group's 总计 fails as printed: the fifteen numbers may be "
    "fewer cells with a number broken in two, so from that group on which cell holds which number is not known"
)


# ---------------------------------------------------------------------------------------------
# Table 2


_T2_MISPLACED = (
    "table 2's column headings are printed among its rows or above another block (a text layer read across the "
    "columns): which row each number belongs to is not known"
)


_SPLIT_OR_DROPPED = (
    "the text both breaks numbers and leaves blank cells out (table 3 shows both), and this row's numbers are parted "
    "as the broken ones were: each may be a cell, or pieces of one beside a blank cell left out"
)


def _join_seps(tokens: Sequence[NumToken], kept: Sequence[Reading]) -> set[str]:
    """The separators before the tokens that some kept reading joined onto the number before them
    (a cell's digits run on into the next tokens)."""
    at = {t.start: i for i, t in enumerate(tokens)}
    out: set[str] = set()
    for reading in kept:
        for cell in reading:
            i = at.get(cell.offset) if cell.offset is not None else None
            if i is None:
                continue
            want = sum(ch.isdigit() for ch in cell.raw)
            got = len(tokens[i].digits.replace(".", ""))
            while got < want and i + 1 < len(tokens):
                i += 1
                out.add(tokens[i].sep)
                got += len(tokens[i].digits.replace(".", ""))
    return out


def _parted_by(hit: RowHit, seps: frozenset[str]) -> bool:
    from extractor.mapping.resolve import tokens_of

    return any(t.sep in seps for t in tokens_of(hit)[1:])


def _anything(_cells: Reading) -> bool:
    return True


def _no_rank(_key: str, _reading: Reading) -> float:
    return 0.0


def _tokens(hit: RowHit) -> list[NumToken]:
    from extractor.mapping.resolve import tokens_of

    return tokens_of(hit)


def _printed(hit: RowHit) -> int:
    return len(_tokens(hit))


def t2_template(located: Located, year: int | None) -> Template:
    """Block (一)'s header decides (本年新制作/新公开/对外公开总数量 = 2019; 本年制发/废止/现行有效 =
    2021); the other blocks' words only when it is missing (a stray 上一年项目 line in a 2021
    fee header must not turn the table into 2019)."""
    words = located.t2_header_words
    if words & {"new_made", "new_published", "total_published"}:
        return "2019"
    if words & {"issued", "repealed", "in_force"}:
        return "2021"
    if words & {"prior_year", "change", "projects"}:
        return "2019"
    if any(h.key in ("procurement", "other_services") for h in located.t2):
        return "2019"
    return "2021" if (year or 2021) >= 2021 else "2019"


def map_table2(
    hits: list[RowHit], template: Template, prose: str, findings: list[Finding], hyp: Hypothesis | None = None, out_of_order: bool = False,
    misplaced: bool = False, split_or_dropped: frozenset[str] = frozenset(), blanks_unprinted: bool = False,
    blank_lines: int | None = None,
) -> Table2 | None:
    """Table 2; ``hyp`` and ``out_of_order`` as table 3 found the running text (:class:`TextLayout`);
    ``misplaced``: its column headings are printed among its rows (:attr:`Located.t2_headings_misplaced`),
    so no row read from running text is known to hold its own cells; ``split_or_dropped``: the text
    breaks numbers across these separators (:attr:`TextLayout.broken_seps`), so a row of several cells
    whose numbers are parted by one is not known to be read right where blank cells are left out
    (table 3 says so, or a row of table 2 prints fewer numbers than cells)."""
    if not hits:
        return None
    defaults = T2_COLUMNS_2019 if template == "2019" else T2_COLUMNS_2021
    leaves_blanks_out = bool(split_or_dropped) and (hyp == "dropped" or any(
        h.cells is None and 0 < _printed(h) < len(_t2_columns(h, defaults)) for h in hits))
    table = Table2.make(template=template)
    text_hits: list[tuple[RowHit, tuple[str, ...], list[NumToken]]] = []
    for hit in hits:
        if getattr(table, hit.key) is not None or any(h.key == hit.key for h, _, _ in text_hits):
            continue
        cols = _t2_columns(hit, defaults)
        if not cols:
            continue
        if hit.cells is not None and not _glued_cells(hit.cells, len(cols)):
            row = Table2Row.make(label=hit.label.strip())
            present = [c for c in hit.cells if c is not None]
            while len(present) > len(cols) and not present[-1].text.strip():
                present.pop()
            if len(cols) == 1 and len(present) > 1 and sum(1 for c in present if c.text.strip()) == 1:
                # a one-column block's merged cell padded in a grid that lost its spans (pymupdf4llm's
                # markdown: ``|行政许可||550||`` under ``|信息内容|本|年处理决定数量||``): the printed cell
                # is the row's. (With more columns a blank cell may be a column's: ``行政事业性收费 | | 172 | 172``
                # is a blank 上一年项目数量 and a 本年增/减 spanning two grid columns.)
                present = [c for c in present if c.text.strip()]
            for col, cell in zip(cols, present, strict=False):
                if not col.startswith(T2_UNRECORDED):
                    setattr(row, col, _figure(f"t2.{hit.key}.{col}", cell))
            setattr(table, hit.key, row)
        elif hit.unreadable or (hit.cells is None and (misplaced or (out_of_order and _printed(hit) != len(cols))
                                                       or (len(cols) > 1 and leaves_blanks_out and _parted_by(hit, split_or_dropped)))):
            from extractor.mapping.resolve import unreadable_row

            why = _T2_MISPLACED if misplaced else _OUT_OF_ORDER if out_of_order else _SPLIT_OR_DROPPED
            hit = hit if hit.unreadable else replace(hit, unreadable=why)
            _put_row(table, hit, cols, unreadable_row(f"t2.{hit.key}", cols, hit, findings))
        else:
            from extractor.mapping.resolve import tokens_of

            text_hits.append((hit, cols, tokens_of(hit)))
            if hit.moved:
                findings.append(_row_finding("rows.displaced", Severity.INFO, f"t2.{hit.key}", hit, hit.moved))
    text_hits = _surplus_beside_empty(table, text_hits, findings)
    if text_hits:
        from extractor.mapping.mixed import glued_dropped
        from extractor.mapping.readings import Options, lined
        from extractor.mapping.resolve import (
            UNEXPLAINED,
            TableResult,
            choose,
            figures_for,
            glued_evidence,
            hypotheses,
            options_for,
            solve_rows,
            t2_cost,
        )
        from extractor.mapping.solve import Solved

        rows = {hit.key: toks for hit, _, toks in text_hits}
        hyps = [hyp] if hyp else hypotheses([(t, len(c)) for _, c, t in text_hits])
        results = []
        for h in hyps:
            shapes: Shapes = {}
            options = {hit.key: options_for(toks, _t2_cols(hit.key, cols), h, shapes=shapes) for hit, cols, toks in text_hits}
            unprinted = h == "glued" and blanks_unprinted
            if h == "dropped" and blank_lines is not None:  # placed by their empty lines, as table 3's rows were
                options.update({hit.key: Options("lined", [(placed, 0.0)]) for hit, cols, toks in text_hits
                                if 0 < len(toks) < len(cols)
                                and (placed := lined(toks, _t2_cols(hit.key, cols), sep=blank_lines)) is not None})
            if unprinted:  # no identity: every cut with blank cells anywhere is kept (and the plain ones), none ranked
                for hit, cols, toks in text_hits:
                    mixed = glued_dropped(toks, _t2_cols(hit.key, cols), _anything, len(cols)) if toks else None
                    if mixed is not None and mixed.readings:
                        options[hit.key] = mixed.plus(options[hit.key])
            kept: dict[str, list[Reading]] = {}
            cost = 0.0
            for hit, cols, _ in text_hits:
                rank = _no_rank if unprinted else t2_cost(hit.key, cols, h, prose, _t2_soft_cost)
                ranked = solve_rows({hit.key: options[hit.key].readings}, rank)
                kept.update(ranked.kept)
                cost += ranked.cost if options[hit.key].readings else UNEXPLAINED
            results.append(TableResult(h, options, Solved(kept, cost, True), cost))
        best = choose(results, glued_evidence(list(rows.values())))
        for hit, cols, _ in text_hits:
            _put_row(table, hit, cols, figures_for(f"t2.{hit.key}", cols, hit, best.options[hit.key],
                                                   best.solved.kept.get(hit.key, []), findings))
    return table


_SURPLUS = "the row holds more numbers than cells while another row prints none: they may be that row's cells"
_EMPTY = "the row's label is followed by no number while another row holds more numbers than cells: its cells may be among them"


def _surplus_beside_empty(
    table: Table2, text_hits: list[tuple[RowHit, tuple[str, ...], list[NumToken]]], findings: list[Finding]
) -> list[tuple[RowHit, tuple[str, ...], list[NumToken]]]:
    """A row holding more numbers than cells while another prints none: the surplus is as likely
    the empty row's numbers (a text layer that prints a block's labels first and its numbers after
    them: pdfminer's text boxes) as a number broken over lines, so neither row is read. So for a row
    whose surplus stands on a line of its own above a next row short by as many (pdfplumber prints a
    row's first cell above its label: ``行政许可 396 0 181`` / ``10`` / ``其他对外管理服务事项 0 153``).
    Returns the rows left to read."""
    over = {hit.key for hit, cols, toks in text_hits if len(toks) > len(cols)}
    empty = {hit.key for hit, _, toks in text_hits if not toks}
    why: dict[str, str] = {}
    if over and empty:
        why = {key: _SURPLUS for key in over} | {key: _EMPTY for key in empty}
    for (a, cols_a, toks_a), (b, cols_b, toks_b) in pairwise(text_hits):
        surplus = len(toks_a) - len(cols_a)
        if surplus > 0 and 0 < len(toks_b) == len(cols_b) - surplus and toks_a[-surplus].sep == "line":
            why.setdefault(a.key, _SURPLUS_NEXT)
            why.setdefault(b.key, _SHORT_AFTER)
    if not why:
        return text_hits
    from extractor.mapping.resolve import unreadable_row

    for hit, cols, _ in text_hits:
        if hit.key in why:
            _put_row(table, hit, cols, unreadable_row(f"t2.{hit.key}", cols, replace(hit, unreadable=why[hit.key]), findings))
    return [x for x in text_hits if x[0].key not in why]


_SURPLUS_NEXT = ("the row holds more numbers than cells, the last on a line of their own, and the next row is short by as many: "
                 "they may be pieces of a number broken over lines or the next row's cells printed above its label")
_SHORT_AFTER = ("the row holds fewer numbers than cells after a row holding as many too many on a line of their own: "
                "its cells may be among them")


def _put_row(table: Table2, hit: RowHit, cols: Sequence[str], figs: Sequence[Figure]) -> None:
    """A table-2 row of ``figs`` by column; an unrecorded column (:data:`T2_UNRECORDED`) is read but
    not kept."""
    row = Table2Row.make(label=hit.label.strip())
    for col, fig in zip(cols, figs, strict=True):
        if not col.startswith(T2_UNRECORDED):
            setattr(row, col, fig)
    setattr(table, hit.key, row)


def _t2_cols(item: str, cols: tuple[str, ...]) -> Columns:
    from extractor.mapping.readings import Columns

    return Columns(
        k=len(cols),
        decimal=frozenset(i for i, c in enumerate(cols) if (item, c) in T2_DECIMAL_COLUMNS),
        signed=frozenset(i for i, c in enumerate(cols) if c in T2_SIGNED_COLUMNS),
    )


def _t2_columns(hit: RowHit, defaults: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    expected = defaults.get(hit.key)
    cols = hit.columns
    if expected and len(cols) == len(expected) and all(c == e or _like(c, e) for c, e in zip(cols, expected, strict=True)):
        return expected  # an unnamed heading (本年新作数量) where the template has a like-worded column
    if expected and len(cols) == len(expected) and hit.cells is None and _wrapped_headings(cols, expected):
        # Headings wrapped over lines in a text dump (本年新 本年新 对外公开总数量 / 制作数量 公开数量)
        # read out of order: the named ones are the template's, the others like its other columns.
        return expected
    if expected and 0 < len(cols) < len(expected) and hit.cells is None and _printed(hit) == len(expected):
        # Running text whose block header names fewer columns than the template while the row prints
        # as many numbers as the template has cells: the header's words came apart (PyMuPDF's blocks:
        # 本年制发件 / 现行有效件 / 信息内容 / 本年废止件数 / 数 / 数), not its columns
        return expected
    if cols and expected and all(c in expected or c in ("amount", "decisions") or c.startswith(T2_UNRECORDED) for c in cols):
        return cols
    if cols and not expected:
        return cols
    return expected or cols


def _wrapped_headings(cols: tuple[str, ...], expected: tuple[str, ...]) -> bool:
    """``cols`` are ``expected`` out of order: each named one is a template column, and each unnamed
    one is like one of the template columns left over."""
    left = [e for e in expected if e not in cols]
    unnamed = [c for c in cols if c not in expected]
    if len(left) != len(unnamed) or not unnamed or any(not c.startswith(T2_UNRECORDED) for c in unnamed):
        return False
    return all(any(_like(c, e) for e in left) for c in unnamed) and all(any(_like(c, e) for c in unnamed) for e in left)


_COMMON = frozenset("本年度数量件项目的/()（）")


def _like(col: str, key: str) -> bool:
    """An unnamed heading shares a word character with the template column's heading (新作 ~ 新制作;
    修订 is not 废止)."""
    if not col.startswith(T2_UNRECORDED):
        return False
    return bool((set(col[len(T2_UNRECORDED):]) - _COMMON) & (set(T2_COLUMN_LABELS.get(key, "")) - _COMMON))


def _t2_soft_cost(cols: tuple[str, ...], values: tuple[int | float, ...]) -> int:
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


def map_tables(located: Located, year: int | None, prose: str) -> MappingResult:
    out = MappingResult()
    layout = TextLayout()
    # what the prose says breaks ties between readings of rows read from running text: read only then
    out.table3 = map_table3(located.t3, year, out.findings, lambda: statements(prose), layout, located.t3_header_inside)
    # one crawler or converter made the whole text: table 3 decides for tables 2 and 4
    t2_tpl = t2_template(located, year)
    out.table2 = map_table2(located.t2, t2_tpl, prose, out.findings, layout.hyp, layout.out_of_order, located.t2_headings_misplaced,
                            layout.broken_seps if layout.hyp != "glued" else frozenset(), layout.blanks_unprinted,
                            layout.blank_lines)
    out.table4 = map_table4(located.t4, out.findings, layout.hyp, layout.out_of_order, layout.blanks_unprinted, layout.blank_lines,
                            layout.cut)
    return out
