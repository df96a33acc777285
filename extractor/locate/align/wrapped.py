"""Numbers a narrow cell wrapped over two lines, in text laid out by position (``pdftotext -layout``).

A PDF table cell too narrow for its number wraps it: ``1641`` on the row's line and ``4`` on the
next, under it, beside the wrapped label's next line::

    一、本年新收政府   1641    3  2    5    8    1643
    信息公开申请数量   4                         2

Where the text keeps every line's indentation (:attr:`NumToken.x`), a number printed on the line
after a row's numbers, within a character of the span of a number above it, is the rest of that
number: the two are one cell (16414, 16432). Nothing else joins them, since the label text
between them would otherwise end the row (prose) or the joined readings would join the wrong
neighbours (``253`` ``-14`` / ``7`` is 2537 and -14, not 253 and -147).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from extractor.locate.align.tokens import NumToken

__all__ = ["line_pieces_joined", "piece_gap", "wrapped_pieces_joined"]


def _above(piece: NumToken, heads: Sequence[NumToken]) -> NumToken | None:
    """The one number of the line above whose span (± a character) covers the piece's start; both
    sit in from the margin (a table's numbers follow its label column)."""
    assert piece.x is not None
    if piece.x == 0:
        return None  # a number opening its line at the margin: one cell per line, not a wrapped cell
    over = [h for h in heads if h.x and h.x - 1 <= piece.x <= h.x + (h.end - h.start)]
    return over[0] if len(over) == 1 else None


def _joinable(head: NumToken, piece: NumToken, *, signed_head: bool = False) -> bool:
    """Whether ``piece`` may continue ``head``'s digits: no leading zero, unit, decimal point or
    second sign; a signed head only where its sign was itself a piece (``-`` / ``1`` / ``5``)."""
    return (bool(head.digits) and bool(piece.digits) and head.digits != "0" and not head.unit and (signed_head or not head.sign)
            and not piece.sign and "." not in head.digits)


def wrapped_pieces_joined(tokens: list[NumToken]) -> list[NumToken]:
    """The row's numbers with each wrapped piece joined to the number above it. Applies only when
    the row's first line prints its numbers beside label text or several of them (a row laid out on
    its line, not one cell per line indented), and every number on the line after the row's first
    sits under a distinct one of that line's (numbers on later lines stay as they are); otherwise
    the row is returned as it is."""
    if len(tokens) < 2 or tokens[0].x is None or tokens[0].line is None:
        return tokens
    head_line = tokens[0].line
    heads = [t for t in tokens if t.line == head_line]
    pieces = [t for t in tokens if t.line == head_line + 1]
    if not pieces or any(t.x is None for t in heads + pieces) or (len(heads) == 1 and not heads[0].blanks_before):
        return tokens  # (a lone number opening its line is a cell per line, indented: ``396`` / ``442``)
    joined: dict[int, NumToken] = {}
    for p in pieces:
        h = _above(p, heads)
        if h is None or h.start in joined or not _joinable(h, p):
            return tokens
        # (its span stays the head's: where the number sits on its line)
        joined[h.start] = replace(h, text=h.text + p.text, digits=h.digits + p.digits, unit=p.unit)
    return [joined.get(t.start, t) for t in tokens if t.line != head_line + 1]


_APART = 0.9
"""Share of the numbers printed right after another number that have the cells' empty lines
before them (the rest may be pieces)."""
_APART_SEEN = 12
_APART_LINES = 2
"""Empty lines that mark the cells apart: a tree's text joined by line breaks leaves several between
two cells (the line breaks around the cell's own); one empty line is a converter's paragraph
spacing, which also prints two cells of a row on consecutive lines now and then (``lynx -dump``:
``396`` / ``442`` / empty line / ``278``)."""
_SIGNS = {"-": "-", "+": "+", "－": "-", "＋": "+"}


def piece_gap(numbers: list[NumToken]) -> int | None:
    """The most empty lines that may stand between the pieces of one number, in a text that puts
    several empty lines between any two cells (``get_text("\n")`` of a page, or its tags replaced
    by line breaks): at least 90 % of the numbers printed after another number have ``g`` ≥ 2
    empty lines before them, and a piece has fewer than half as many (``29`` / ``1``, or ``29`` /
    empty line / ``1``, where the cell holds ``<span>29</span><span>1</span>``). ``None`` for any
    other text."""
    gaps = sorted(t.gap_lines for t in numbers[1:] if t.sep == "line")
    if len(gaps) < _APART_SEEN:
        return None
    g = gaps[int(len(gaps) * (1 - _APART))]
    return (g - 1) // 2 if g >= _APART_LINES else None


def line_pieces_joined(tokens: list[NumToken], max_gap: int) -> list[NumToken]:
    """The row's numbers with each one printed right after another number, at most ``max_gap``
    empty lines below it (:func:`piece_gap`), joined to it."""
    out: list[NumToken] = []
    for t in tokens:
        prev = out[-1] if out else None
        if prev is None or t.sep != "line" or t.gap_lines > max_gap or prev.line is None or t.line != prev.line + 1 + t.gap_lines:
            out.append(t)
        elif _joinable(prev, t, signed_head=True):  # (a sign may have been joined just before: - / 1 / 5)
            out[-1] = replace(prev, text=prev.text + t.text, digits=prev.digits + t.digits, unit=t.unit, end=t.end, line=t.line)
        elif prev.text in _SIGNS and t.digits and not t.sign:
            # the sign of a 本年增/减 number in an element of its own (``-`` / ``1`` / ``5`` / ``9``)
            out[-1] = replace(t, text=prev.text + t.text, sign=_SIGNS[prev.text], start=prev.start, sep=prev.sep,
                              label_pos=prev.label_pos, gap_lines=prev.gap_lines, x=prev.x)
        else:
            out.append(t)
    return out
