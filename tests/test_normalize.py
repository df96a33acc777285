from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from extractor.text import CellState, fold, parse_cell


@pytest.mark.parametrize(
    ("text", "state", "value", "unit"),
    [
        ("0", CellState.ZERO, 0, None),
        (" 12 ", CellState.NUMBER, 12, None),
        ("１２", CellState.NUMBER, 12, None),
        ("1,234", CellState.NUMBER, 1234, None),
        ("96171.6", CellState.NUMBER, 96171.6, None),
        ("251000元", CellState.NUMBER, 251000, "元"),
        ("0.35万元", CellState.NUMBER, 0.35, "万元"),
        ("-8", CellState.NUMBER, -8, None),
        ("", CellState.BLANK, None, None),
        ("\xa0", CellState.BLANK, None, None),
        ("/", CellState.SLASH, None, None),
        ("—", CellState.DASH, None, None),
        ("-", CellState.HYPHEN, None, None),
        ("无", CellState.NONE_WORD, None, None),
        ("见附件", CellState.TEXT, None, None),
        ("9116．36", CellState.NUMBER, 9116.36, None),  # a full-width decimal point
        ("10，690", CellState.NUMBER, 10690, None),  # a full-width comma grouping thousands
        ("1，2", CellState.TEXT, None, None),  # not a thousands group: two numbers, not one
    ],
)
def test_parse_cell_states(text: str, state: CellState, value: float | None, unit: str | None) -> None:
    parsed = parse_cell(text)
    assert parsed.state is state
    assert parsed.value == value
    assert parsed.unit == unit


def test_placeholders_read_as_zero_but_differ() -> None:
    states = [parse_cell(t).state for t in ("", "/", "—", "-", "无")]
    assert len(set(states)) == 5
    assert all(s.reads_as_zero for s in states)
    assert not CellState.ZERO.reads_as_zero  # a printed 0 is a value, not a placeholder


@given(st.integers(min_value=0, max_value=10**9))
def test_integers_roundtrip(n: int) -> None:
    assert parse_cell(str(n)).value == n
    assert parse_cell(f"{n:,}").value == n


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("（一）予以公开", "(一)予以公开"),
        ("3.危及“三安全一稳定”", '3.危及"三安全一稳定"'),
        ("1、申请人", "1.申请人"),
        ("总 计", "总计"),
        ("商业企\n业", "商业企业"),
    ],
)
def test_fold_variants(a: str, b: str) -> None:
    assert fold(a) == fold(b)


@given(st.text(alphabet=st.sampled_from(
    "（）〔〕【】“”‘’＂，：；、．。／－—–﹣\u3000\xa0 \t\n\r\u200b\ufeff子己末予已未０１２３４５６７８９"
    "0123456789abc一二三总计()[].,:;-/\"'"), max_size=60) | st.text(max_size=60))
def test_fold_text_equals_translation_at_once(text: str) -> None:
    """fold_text replaces character by character; that must equal translating all at once."""
    from extractor.text.normalize import _FOLD_TABLE, _FULLWIDTH_DIGITS, fold_text

    assert fold_text(text) == text.translate(_FOLD_TABLE).translate(_FULLWIDTH_DIGITS) == fold(text)
