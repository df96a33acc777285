"""Patterns given a first-character lookahead (a cheap test at each position) match exactly what
they matched without it."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.mapping import narrative
from extractor.validate import identities

_WITHOUT = {
    "narrative received": (
        narrative._RECEIVED,
        re.compile(r"(?:共|全年|累计|本年度?|今年)?(?:收到|受理|新收)[^。；，,]{0,20}?申请[^。；，,\d]{0,6}?(\d{1,15})(?!\d)\s*[件个条份]"
                   r"|(?:共|全年|累计)(?:收到|受理|新收)[^。；，,\d]{0,16}?(\d{1,15})(?!\d)\s*[件个条份][^。；，,]{0,8}?申请"),
    ),
    "all natural": (narrative._ALL_NATURAL, re.compile(r"(?:申请人|申请)?(?:均|全部|都|皆)(?:为|是|系|来自)(?:自然人|(?:社会|公民)个人|个人(?=申请|提出|提交))")),
    "identities received": (
        identities._RECEIVED,
        re.compile(r"(?:共|全年|累计|本年度?|今年)?(?:收到|受理|新收)[^。；，,]{0,20}?申请[^。；，,\d]{0,6}?(\d{1,15})(?!\d)\s*[件个条份]"),
    ),
}
_PIECES = ["共", "全年", "累计", "本年", "本年度", "今年", "收到", "受理", "新收", "申请", "申请人", "政府信息公开", "12", "3", "0",
           "件", "个", "条", "份", "，", "。", " ", "均", "全部", "都", "皆", "为", "是", "系", "来自", "自然人", "社会", "公民", "个人", "提出", "隐私", "x"]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25))
def test_lookahead_changes_no_match(pieces: list[str]) -> None:
    text = "".join(pieces)
    for fast, plain in _WITHOUT.values():
        assert [(m.span(), m.groups()) for m in fast.finditer(text)] == [(m.span(), m.groups()) for m in plain.finditer(text)]
