"""Misread cells corrected where the identities force it — never silently.

Text recognised from an image confuses a few glyphs with digits (``o``/``O``/``〇`` for 0,
``l``/``I``/``|`` for 1, …) and now and then drops, adds or changes one digit. The tables carry
their own error-correcting code: table 3's row totals (T3-2), column sums (T3-3) and balance
(T3-1), table 4's group totals (T4-1). A cell is corrected only when that code leaves a single
possible value:

* a cell that reads as text but is a number with confusable glyphs (``l2``) gets the number when
  every identity through it that can be evaluated holds with it (at least one must);
* a cell whose reader was not certain of its text (``Cell.confidence`` is set: recognised, not
  read from a text layer; an empty cell of a recognised table too) and that is off by one digit
  (one dropped, added or changed; a single digit missing from an empty cell) is
  corrected when at least two independent identities through it fail and all of them hold with
  the corrected value, and no other cell could be corrected the same way. Printed text from a
  text layer is never changed this way: a born-digital report that does not add up is extracted
  as printed.

Two habits of recognition are handled without an identity forcing them:

* a recognised cell that is one round glyph (``。``, ``o``, ``O``, ``○``) is a 0: a small zero alone
  in a narrow cell comes back that way, a whole row at a time, so that no identity can be
  evaluated for any one of them (and a report's own totals may not hold);
* an *empty* recognised cell is not known to be blank when an identity through it fails by a single
  digit (1–9) that it alone could hold: a thin ``1`` is the glyph recognition misses most. It gets
  no value (``ambiguous``) and a ``cell.unread`` warning, rather than a blank that would be a wrong 0.

Cells whose ink the OCR reader could not read (U+FFFD, :data:`extractor.text.UNREAD`) and recognised
empty or placeholder cells in a failing identity are solved together where the identities leave one
answer, each changed cell checked by two of them (:func:`_propagate`); otherwise they stay without
a value.

Every correction makes the figure ``inferred`` (its ``raw`` keeps what was read) and adds a
``cell.corrected`` warning naming the identities (or the glyph) that forced it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from extractor.records.models import Figure, Finding, Severity
from extractor.text import UNREAD, ZERO_SHAPES, CellState, misread_number


@dataclass(slots=True)
class Equation:
    """``sum(plus) == sum(minus)`` over cell ids, with the identity's code and a readable name."""

    code: str
    name: str
    plus: tuple[str, ...]
    minus: tuple[str, ...]

    def cells(self) -> tuple[str, ...]:
        return self.plus + self.minus


def _known(f: Figure | None) -> float | None:
    if f is None:
        return 0.0
    if f.value is not None:
        return float(f.value)
    return 0.0 if f.state.reads_as_zero else None


def _residual(eq: Equation, values: dict[str, float | None]) -> float | None:
    """``sum(plus) - sum(minus)``, None when a cell is unknown."""
    total = 0.0
    for sign, ids in ((1, eq.plus), (-1, eq.minus)):
        for i in ids:
            v = values.get(i)
            if v is None:  # unknown, or not printed at all
                return None
            total += sign * v
    return total


def _one_digit_edit(a: str, b: str) -> bool:
    """Is ``b`` ``a`` with one digit dropped, added or changed?"""
    if abs(len(a) - len(b)) > 1 or a == b:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) == 1
    short, long_ = (a, b) if len(a) < len(b) else (b, a)
    return any(long_[:i] + long_[i + 1 :] == short for i in range(len(long_)))


def _corrected(f: Figure, value: int) -> Figure:
    state = CellState.ZERO if value == 0 else CellState.NUMBER
    return f.model_copy(update={"value": value, "state": state, "inferred": True})


def _finding(f: Figure, value: int, eqs: Sequence[Equation], why: str | None = None) -> Finding:
    names = ", ".join(f"{e.code} ({e.name})" for e in eqs)
    return Finding.make(
        code="cell.corrected",
        severity=Severity.WARNING,
        message=f"{f.key}: read as {f.raw!r}, taken as {value}: {why or f'the only value for which {names} hold(s)'}",
        expected=value,
        actual=f.value,
        cells=[f.key],
        refs=[f.ref],
    )


def may_repair(figs: dict[str, Figure], confidence: dict[str, float | None]) -> bool:
    """Whether :func:`repair` can change anything: only a text cell or a recognised cell can be corrected."""
    return any(c is not None for c in confidence.values()) or any(f.state is CellState.TEXT for f in figs.values())


def repair(figs: dict[str, Figure], confidence: dict[str, float | None], equations: Sequence[Equation],
           findings: list[Finding]) -> dict[str, Figure]:
    """Correct misread cells of one table (see the module docstring); returns the figures, some replaced."""
    out = dict(figs)
    through: dict[str, list[Equation]] = {}
    for eq in equations:
        for c in eq.cells():
            through.setdefault(c, []).append(eq)

    # 0. a recognised cell that is one round glyph is a zero, whatever the identities say
    for key, f in figs.items():
        if f.state is CellState.TEXT and confidence.get(key) is not None and f.raw.strip() in ZERO_SHAPES:
            findings.append(_finding(f, 0, (), why=f"the recognised glyph {f.raw.strip()!r} alone in a value cell is a zero's shape"))
            out[key] = _corrected(f, 0)
    values = {k: _known(f) for k, f in out.items()}

    # 1. glyphs confused with digits: decided by every identity that can be evaluated
    changed = True
    while changed:
        changed = False
        for key, f in out.items():
            if f.state is not CellState.TEXT or values.get(key) is not None:
                continue
            value = misread_number(f.raw)
            unread = value is None and _unread(f, confidence.get(key))
            if unread:  # ink nobody could read: only the identities know the value
                value = _solved(key, values, through.get(key, []))
            if value is None:
                continue
            trial = {**values, key: float(value)}
            evaluable = [e for e in through.get(key, []) if _residual(e, trial) is not None]
            if len(evaluable) >= (2 if unread else 1) and all(_residual(e, trial) == 0 for e in evaluable):
                findings.append(_finding(f, value, evaluable))
                out[key] = _corrected(f, value)
                values[key] = float(value)
                changed = True

    # 1b. cells whose glyph was not read (U+FFFD), and recognised empty or placeholder cells where an
    # identity fails (a digit missed or misread as a stroke): solved together, see _propagate
    solved = _propagate(out, values, equations, through, confidence)
    for key, value in solved.items():
        findings.append(_finding(out[key], value, [e for e in through.get(key, []) if _residual(e, values) is not None]))
        out[key] = _corrected(out[key], value)

    # 2. one digit dropped, added or changed in a recognised cell: forced by two identities (one
    # cell at a time, as long as exactly one cell can be corrected: two misread cells of a table
    # are each forced once the other is set right, or not at all)
    while True:
        failing = [e for e in equations if (r := _residual(e, values)) is not None and r != 0]
        if not failing:
            return out
        candidates = _digit_candidates(failing, out, values, through, confidence)
        by_key = {k: {v for k2, v, _ in candidates if k2 == k} for k, _, _ in candidates}
        # several cells at once only when each has one value and no identity runs through two of them
        seen: set[str] = set()
        apart = True
        for _k, _v, eqs in candidates:
            names = {f"{e.code}:{e.name}" for e in eqs}
            apart = apart and not (names & seen)
            seen |= names
        if not candidates or any(len(v) != 1 for v in by_key.values()) or (len(by_key) > 1 and not apart):
            break
        for key, value, eqs in {k: (k, v, e) for k, v, e in candidates}.values():
            findings.append(_finding(out[key], value, eqs))
            out[key] = _corrected(out[key], value)
            values[key] = float(value)
    # 2b. unread ink next to a misread digit: with the unread cells taken for 0, exactly one digit
    # correction, after which the identities give every unread cell its value (8 0 � 1 0 0 8: the
    # 1 is a misread 0, and the � a 0 only once it is)
    fixed = _through_unread(out, values, equations, through, confidence)
    for key, value, eqs in fixed:
        findings.append(_finding(out[key], value, eqs))
        out[key] = _corrected(out[key], value)
        values[key] = float(value)
    if fixed:
        failing = [e for e in equations if (r := _residual(e, values)) is not None and r != 0]
    # 3. an identity that fails by one digit's worth where an empty recognised cell could hold that
    # digit: the cell is not known to be blank (a thin "1" is the glyph recognition misses most)
    for eq in failing:
        r = _residual(eq, values)
        if r is None or r == 0:
            continue
        empty = [k for k in eq.cells() if (g := out.get(k)) is not None and g.state in _MAY_HIDE_A_DIGIT
                 and confidence.get(k) is not None and not g.inferred]
        # the digit it would hold: what brings the identity to 0 (a cell added on the left lowers r)
        if len(empty) == 1 and 1 <= (r if empty[0] in eq.minus else -r) <= 9:
            key = empty[0]
            findings.append(_unknown(out[key], eq))
            out[key] = out[key].model_copy(update={"value": None, "state": CellState.AMBIGUOUS})
            values[key] = None
    return out


def _digit_candidates(failing: list[Equation], out: dict[str, Figure], values: dict[str, float | None],
                      through: dict[str, list[Equation]], confidence: dict[str, float | None]) -> list[tuple[str, int, list[Equation]]]:
    """Recognised cells that one digit dropped, added or changed (or a digit missing from an empty
    cell) would set right: every identity through the cell then holds, two of them failing before."""
    candidates: list[tuple[str, int, list[Equation]]] = []
    for key in {c for e in failing for c in e.cells()}:
        fig = out.get(key)
        if fig is None or confidence.get(key) is None or fig.inferred:
            continue
        if fig.value is None and fig.state is not CellState.BLANK:
            continue
        current = 0 if fig.value is None else fig.value  # a blank recognised cell: a glyph may be missing
        if not float(current).is_integer() or current < 0:
            continue
        digits = "" if fig.value is None else str(int(current))
        for eq in through.get(key, []):
            r = _residual(eq, values)
            if r is None or r == 0:
                continue
            sign = 1 if key in eq.plus else -1
            new = current - sign * r
            if new < 0 or not float(new).is_integer() or not _one_digit_edit(digits, str(int(new))):
                continue
            trial = {**values, key: float(new)}
            evaluable = [e for e in through[key] if _residual(e, trial) is not None]
            was_failing = [e for e in evaluable if _residual(e, values) != 0]
            if len(was_failing) >= 2 and all(_residual(e, trial) == 0 for e in evaluable):
                candidates.append((key, int(new), evaluable))
            break
    return candidates


def _unread(f: Figure, confidence: float | None) -> bool:
    """A recognised cell holding nothing but ink the OCR reader could not read (U+FFFD)."""
    return confidence is not None and set(f.raw.strip()) == {UNREAD}


def _through_unread(out: dict[str, Figure], values: dict[str, float | None], equations: Sequence[Equation],
                    through: dict[str, list[Equation]], confidence: dict[str, float | None]) -> list[tuple[str, int, list[Equation]]]:
    """A digit correction found with the unread cells (U+FFFD) taken for 0, kept only when it is the
    only one and the identities then give every unread cell a value (:func:`_propagate`, which checks
    each by two identities). Returns the corrections, the digit's first; nothing otherwise."""
    unread = [k for k, f in out.items() if values.get(k) is None and _unread(f, confidence.get(k))]
    if not unread:
        return []
    optimistic = {**values, **{k: 0.0 for k in unread}}
    failing = [e for e in equations if (r := _residual(e, optimistic)) is not None and r != 0]
    candidates = _digit_candidates(failing, out, optimistic, through, confidence)
    if len({(k, v) for k, v, _ in candidates}) != 1:
        return []
    key, value, eqs = candidates[0]
    trial_out = {**out, key: _corrected(out[key], value)}
    trial_values = {**values, key: float(value)}
    solved = _propagate(trial_out, trial_values, equations, through, confidence)
    if not set(unread) <= set(solved):
        return []
    return [(key, value, eqs), *((k, v, [e for e in through.get(k, []) if _residual(e, trial_values) is not None])
                                 for k, v in solved.items())]


def _propagate(out: dict[str, Figure], values: dict[str, float | None], equations: Sequence[Equation],
               through: dict[str, list[Equation]], confidence: dict[str, float | None]) -> dict[str, int]:
    """Values for the cells in doubt, when the identities leave exactly one: the cells whose ink
    was not read (U+FFFD) and, in identities that fail, the recognised cells that may hide a digit
    (empty, or a stroke read as a placeholder). An identity with one such cell left solves it
    (a cell that may hide a digit takes 0 or one digit); when no identity has one left, every
    identity through them must hold, each cell that changes checked by two of them at least.
    Returns the changed cells (and updates ``values``); nothing when anything does not fit."""
    failing = [e for e in equations if (r := _residual(e, values)) is not None and r != 0]
    doubt = {k for k, f in out.items() if _unread(f, confidence.get(k))}
    hidden = {k for e in failing for k in e.cells() if (f := out.get(k)) is not None and confidence.get(k) is not None
              and f.state in _MAY_HIDE_A_DIGIT and not f.inferred}
    doubt |= hidden
    if not doubt or len(doubt) > 12:
        return {}
    trial = {k: v for k, v in values.items() if k not in doubt}
    assigned: dict[str, int] = {}
    progress = True
    while progress:
        progress = False
        for eq in equations:
            left = [k for k in eq.cells() if k in doubt and k not in assigned]
            if len(left) != 1:
                continue
            key = left[0]
            r = _residual(eq, {**trial, key: 0.0})
            if r is None:
                continue
            v = -r if key in eq.plus else r
            if v < 0 or not float(v).is_integer() or (key in hidden and v > 9):
                return {}
            assigned[key] = int(v)
            trial[key] = float(v)
            progress = True
    if set(assigned) != doubt:
        return {}
    touched = {id(e): e for k in doubt for e in through.get(k, [])}
    if any(_residual(e, trial) not in (0, None) for e in touched.values()):
        return {}
    changed = {k: v for k, v in assigned.items() if k not in hidden or v != 0}
    if any(sum(_residual(e, trial) is not None for e in through.get(k, [])) < 2 for k in changed):
        return {}
    for k, v in changed.items():
        values[k] = float(v)
    return changed


def _solved(key: str, values: dict[str, float | None], eqs: Sequence[Equation]) -> int | None:
    """The value of ``key`` that the first identity through it whose other cells are all known
    makes hold, when it is a count (a whole number, not negative)."""
    for eq in eqs:
        r = _residual(eq, {**values, key: 0.0})
        if r is None:
            continue
        v = -r if key in eq.plus else r
        return int(v) if v >= 0 and float(v).is_integer() else None
    return None


_MAY_HIDE_A_DIGIT = frozenset({CellState.BLANK, CellState.DASH, CellState.HYPHEN, CellState.SLASH})
"""Recognised cells that may be a digit the recognition missed or misread: empty, or a stroke read
as a placeholder (``一`` for a 1 on its side, ``/`` for a 7)."""


def _unknown(f: Figure, eq: Equation) -> Finding:
    return Finding.make(
        code="cell.unread",
        severity=Severity.WARNING,
        message=f"{f.key}: recognised as {f.raw!r} (empty or a placeholder), but {eq.code} ({eq.name}) fails by "
                "a single digit this cell could hold (a glyph the recognition missed or misread): left without a value",
        cells=[f.key],
        refs=[f.ref],
    )


def table3_equations(rows: Sequence[str], columns: Sequence[str], detail: Sequence[str],
                     blank_totals: set[str]) -> list[Equation]:
    """T3-2 per row (rows whose 总计 is left blank excepted), T3-3 and T3-1 per column."""
    six = [c for c in columns if c != "total"]
    eqs = [Equation("T3-2", f"{r} total", (f"t3.{r}.total",), tuple(f"t3.{r}.{c}" for c in six))
           for r in rows if r not in blank_totals]
    for c in columns:
        eqs.append(Equation("T3-3", f"{c} column", (f"t3.results_total.{c}",), tuple(f"t3.{d}.{c}" for d in detail)))
        eqs.append(Equation("T3-1", f"{c} column", (f"t3.new_received.{c}", f"t3.carried_over.{c}"),
                            (f"t3.results_total.{c}", f"t3.carried_forward.{c}")))
    return eqs


def table4_equations(groups: Sequence[str], columns: Sequence[str]) -> list[Equation]:
    """T4-1 per group."""
    parts = [c for c in columns if c != "total"]
    return [Equation("T4-1", f"{g} total", (f"t4.{g}.total",), tuple(f"t4.{g}.{c}" for c in parts)) for g in groups]


__all__ = ["Equation", "may_repair", "repair", "table3_equations", "table4_equations"]
