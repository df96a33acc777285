"""Misread cells corrected only where the identities force it (``mapping/repair.py``).

Reports come from the project's generator (no broken identities, 总计 printed); one printed cell
of table 3 or 4 is then misread the way OCR misreads (a confusable glyph, a dropped digit) in the
document model, and the report is built again.
"""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from extractor.document import Cell, Document, Table
from extractor.mapping.repair import Equation, repair
from extractor.pipeline import build_report, read_document
from extractor.records.models import Figure
from extractor.text import CellState
from tests.gen.model import generate
from tests.gen.render_text import render_pipe
from tests.gen.variants import draw_variant

TO_GLYPH = str.maketrans({"0": "O", "1": "l"})


def _doc(seed: int) -> tuple[Document, dict[str, float]]:
    rep = generate(seed, breaks=(), blank_totals=False, zero_style="zero")
    text = render_pipe(rep, draw_variant(seed))
    return read_document(text.encode("utf-8"), name="gen.txt"), dict(rep.truth()["figures"])  # type: ignore[arg-type]


def _cell(doc: Document, fig: Figure) -> Cell:
    table: Table = doc.tables[fig.ref.table] if fig.ref.table is not None else doc.tables[0]
    return next(c for c in table.cells if c.row == fig.ref.row and c.col == fig.ref.col)


def _figures(doc: Document) -> dict[str, Figure]:
    return {f.key: f for f in build_report(doc).figures()}


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000))
def test_confusable_glyph_corrected_when_forced(seed: int, pick: int) -> None:
    doc, truth = _doc(seed)
    figs = _figures(doc)
    keys = [k for k, f in figs.items() if k.startswith(("t3.", "t4.")) and f.ref.row is not None
            and f.value is not None and set(f.raw) & set("01")]
    assume(keys)
    key = keys[pick % len(keys)]
    cell = _cell(doc, figs[key])
    cell.text = cell.raw_text = cell.text.translate(TO_GLYPH)
    report = build_report(doc)
    fig = {f.key: f for f in report.figures()}[key]
    assert fig.value == truth[key]
    assert fig.inferred and fig.raw == cell.text
    assert any(f.code == "cell.corrected" and key in f.cells for f in report.findings)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000), recognised=st.booleans())
def test_dropped_digit_corrected_only_in_recognised_text(seed: int, pick: int, recognised: bool) -> None:
    doc, truth = _doc(seed)
    figs = _figures(doc)
    keys = [k for k, f in figs.items() if k.startswith("t3.") and f.ref.row is not None
            and f.value is not None and f.value >= 10 and float(f.value).is_integer()]
    assume(keys)
    key = keys[pick % len(keys)]
    cell = _cell(doc, figs[key])
    cell.text = cell.raw_text = cell.text[:-1]  # the last digit dropped
    cell.confidence = 0.93 if recognised else None
    report = build_report(doc)
    fig = {f.key: f for f in report.figures()}[key]
    corrected = [f for f in report.findings if f.code == "cell.corrected"]
    if recognised:
        assert fig.value == truth[key] and fig.inferred
        assert [f.cells for f in corrected] == [[key]]
    else:  # a text layer is extracted as printed; the identities fail and say so
        assert fig.value == int(cell.text) and not fig.inferred and not corrected
        assert any(f.severity.value == "error" and key in f.cells for f in report.findings)


def _fig(key: str, raw: str, value: Any = None, state: CellState = CellState.TEXT) -> Figure:
    return Figure(key=key, value=value, state=state, raw=raw)


def test_unforced_glyph_is_left_alone() -> None:
    """Two unknown cells in one identity: neither is decided."""
    eq = [Equation("T4-1", "g total", ("t",), ("a", "b"))]
    figs = {"t": _fig("t", "3", 3, CellState.NUMBER), "a": _fig("a", "l"), "b": _fig("b", "2O")}
    findings: list[Any] = []
    out = repair(figs, {}, eq, findings)
    assert out == figs and not findings


def test_glyph_that_breaks_the_identity_is_left_alone() -> None:
    eq = [Equation("T4-1", "g total", ("t",), ("a", "b"))]
    figs = {"t": _fig("t", "3", 3, CellState.NUMBER), "a": _fig("a", "1", 1, CellState.NUMBER), "b": _fig("b", "O")}
    findings: list[Any] = []
    out = repair(figs, {}, eq, findings)
    assert out["b"].value is None and not findings  # 1 + 0 != 3: "O" stays text


def test_one_identity_is_not_enough_for_a_digit_change() -> None:
    eq = [Equation("T4-1", "g total", ("t",), ("a", "b"))]
    figs = {"t": _fig("t", "30", 30, CellState.NUMBER), "a": _fig("a", "2", 2, CellState.NUMBER),
            "b": _fig("b", "8", 8, CellState.NUMBER)}
    findings: list[Any] = []
    out = repair(figs, {"t": 0.9, "a": 0.9, "b": 0.9}, eq, findings)
    assert out == figs and not findings


@given(glyph=st.sampled_from(sorted("。oO○Ｏｏ°")), total=st.integers(0, 40))
def test_a_lone_round_glyph_in_a_recognised_cell_is_zero_even_where_the_identity_fails(glyph: str, total: int) -> None:
    """A scanned table's small 0 comes back as ``。`` or ``o`` (2023 洪泽, scanned: ten cells of
    table 4). A whole row of them leaves no identity to evaluate, and the report's own printed
    totals may not hold: the glyph's shape decides, the figure is inferred and a finding says why.
    From a text layer the same cell stays text."""
    eq = [Equation("T4-1", "g total", ("t",), ("a", "b"))]
    figs = {"t": _fig("t", glyph), "a": _fig("a", str(total), total, CellState.NUMBER if total else CellState.ZERO),
            "b": _fig("b", f" {glyph} ")}
    findings: list[Any] = []
    out = repair(figs, {"t": 0.6, "a": 0.99, "b": 0.7}, eq, findings)
    assert out["t"].value == 0 and out["b"].value == 0 and out["t"].inferred and out["b"].state is CellState.ZERO
    assert sorted(c for f in findings if f.code == "cell.corrected" for c in f.cells) == ["b", "t"]
    assert repair(figs, {}, eq, []) ["t"].value is None  # a text layer's 。 is not read as a number


@given(missing=st.integers(1, 9), other=st.integers(0, 50), side=st.sampled_from(["part", "total"]))
def test_an_empty_recognised_cell_that_may_hold_the_missing_digit_gets_no_value(missing: int, other: int, side: str) -> None:
    """2024 淮安 city, scanned: 复议后起诉 reads 12, (empty), 1, 6, total 20; the empty cell's "1"
    was not recognised. It was taken for a blank (0): a wrong value. It is now left without one,
    with a finding; an empty cell that could not hold the difference stays blank."""
    eq = [Equation("T4-1", "g total", ("t",), ("a", "b", "c"))]
    empty = _fig("a", "", None, CellState.BLANK)
    if side == "part":
        figs = {"t": _fig("t", str(other + missing), other + missing, CellState.NUMBER), "a": empty,
                "b": _fig("b", str(other), other, CellState.NUMBER if other else CellState.ZERO), "c": _fig("c", "0", 0, CellState.ZERO)}
        unknown = "a"
    else:  # the total's cell is the empty one: the parts sum to a single digit
        figs = {"t": _fig("t", "", None, CellState.BLANK), "a": _fig("a", str(missing), missing, CellState.NUMBER),
                "b": _fig("b", "0", 0, CellState.ZERO), "c": _fig("c", "0", 0, CellState.ZERO)}
        unknown = "t"
    findings: list[Any] = []
    out = repair(figs, {k: (0.0 if not f.raw else 0.99) for k, f in figs.items()}, eq, findings)
    assert out[unknown].value is None and out[unknown].state is CellState.AMBIGUOUS
    assert [f.cells for f in findings if f.code == "cell.unread"] == [[unknown]]
    assert repair(figs, {}, eq, [])[unknown].state is CellState.BLANK  # from a text layer: blank as printed
    # a difference of ten or more is no missing digit
    big = {**figs, "t": _fig("t", str(other + 10 + missing), other + 10 + missing, CellState.NUMBER)} if side == "part" else None
    if big is not None:
        assert repair(big, {k: (0.0 if not f.raw else 0.99) for k, f in big.items()}, eq, [])["a"].state is CellState.BLANK


def _system() -> tuple[list[Equation], dict[str, Figure]]:
    """Row ``t1 = a + b``, columns ``ca = a + a2`` and ``cb = b + b2``. ``a``'s ink was not read
    (U+FFFD), ``b`` was recognised as empty but holds a 1 (2024 淮安 city scanned at 200 dpi: a
    row's 法律服务机构 and 其他 cells, each blocking the other's row identity)."""
    eqs = [Equation("T3-2", "r total", ("t1",), ("a", "b")), Equation("T3-3", "a column", ("ca",), ("a", "a2")),
           Equation("T3-3", "b column", ("cb",), ("b", "b2"))]
    figs = {"t1": _fig("t1", "1", 1, CellState.NUMBER), "a": _fig("a", "\ufffd"), "b": _fig("b", "", None, CellState.BLANK),
            "ca": _fig("ca", "0", 0, CellState.ZERO), "a2": _fig("a2", "0", 0, CellState.ZERO),
            "cb": _fig("cb", "1", 1, CellState.NUMBER), "b2": _fig("b2", "0", 0, CellState.ZERO)}
    return eqs, figs


def test_cells_in_doubt_are_solved_together_when_the_identities_leave_one_answer() -> None:
    eqs, figs = _system()
    findings: list[Any] = []
    out = repair(figs, {k: 0.9 for k in figs}, eqs, findings)
    assert (out["a"].value, out["b"].value) == (0, 1) and out["a"].inferred and out["b"].inferred
    assert sorted(c for f in findings if f.code == "cell.corrected" for c in f.cells) == ["a", "b"]
    # from a text layer nothing is in doubt: the blank stays blank, the odd character text
    plain = repair(figs, {}, eqs, [])
    assert plain["b"].state is CellState.BLANK and plain["a"].value is None


def test_a_cell_in_doubt_that_one_identity_alone_would_set_gets_no_value() -> None:
    eqs, figs = _system()
    eqs = eqs[:1]  # only the row: a + b = 1 has two answers
    out = repair(figs, {k: 0.9 for k in figs}, eqs, [])
    assert out["a"].value is None
    eqs2 = [Equation("T4-1", "g total", ("t",), ("x", "y"))]  # one identity, one unread cell: not enough
    figs2 = {"t": _fig("t", "3", 3, CellState.NUMBER), "x": _fig("x", "1", 1, CellState.NUMBER), "y": _fig("y", "\ufffd")}
    assert repair(figs2, {k: 0.9 for k in figs2}, eqs2, [])["y"].value is None


@given(st.integers(0, 30), st.integers(1, 9))
def test_solved_cells_always_satisfy_every_identity_through_them(other: int, digit: int) -> None:
    eqs, figs = _system()
    figs = {**figs, "t1": _fig("t1", str(other + digit), other + digit, CellState.NUMBER),
            "cb": _fig("cb", str(digit), digit, CellState.NUMBER), "ca": _fig("ca", str(other), other, CellState.NUMBER if other else CellState.ZERO)}
    out = repair(figs, {k: 0.9 for k in figs}, eqs, [])
    vals = {k: (f.value if f.value is not None else (0 if f.state.reads_as_zero else None)) for k, f in out.items()}
    if vals["a"] is not None and vals["b"] is not None:
        for e in eqs:
            assert sum(vals[c] or 0 for c in e.plus) == sum(vals[c] or 0 for c in e.minus)
    assert (vals["a"], vals["b"]) in ((other, digit), (None, None), (None, 0))


def test_a_misread_digit_beside_unread_ink_is_corrected_and_the_ink_solved() -> None:
    """A scanned row read ``8 0 � 1 0 0 8`` (generated report at 100 dpi): the 1 is a misread 0
    and the � an unread 0. With the � taken for 0, the 1 is the only cell one digit can set right
    (its row and its column fail); then the row gives the � its 0, and its column confirms it."""
    row = ("a", "b", "c", "d")
    eqs = [Equation("T3-2", "row total", ("t",), row), Equation("T3-3", "c column", ("ct",), ("c", "c2")),
           Equation("T3-3", "d column", ("dt",), ("d", "d2"))]
    figs = {"t": _fig("t", "8", 8, CellState.NUMBER), "a": _fig("a", "8", 8, CellState.NUMBER),
            "b": _fig("b", "0", 0, CellState.ZERO), "c": _fig("c", "\ufffd"), "d": _fig("d", "1", 1, CellState.NUMBER),
            "ct": _fig("ct", "2", 2, CellState.NUMBER), "c2": _fig("c2", "2", 2, CellState.NUMBER),
            "dt": _fig("dt", "5", 5, CellState.NUMBER), "d2": _fig("d2", "5", 5, CellState.NUMBER)}
    out = repair(figs, {k: 0.9 for k in figs}, eqs, [])
    assert (out["c"].value, out["d"].value) == (0, 0) and out["c"].inferred and out["d"].inferred
    # if the column does not confirm the unread cell, neither is changed
    figs["c2"] = _fig("c2", "1", 1, CellState.NUMBER)
    out = repair(figs, {k: 0.9 for k in figs}, eqs, [])
    assert out["d"].value == 1 and out["c"].value is None
