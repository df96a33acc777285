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

__all__ = ["wrapped_pieces_joined"]


def _above(piece: NumToken, heads: Sequence[NumToken]) -> NumToken | None:
    """The one number of the line above whose span (± a character) covers the piece's start; both
    sit in from the margin (a table's numbers follow its label column)."""
    assert piece.x is not None
    if piece.x == 0:
        return None  # a number opening its line at the margin: one cell per line, not a wrapped cell
    over = [h for h in heads if h.x and h.x - 1 <= piece.x <= h.x + (h.end - h.start)]
    return over[0] if len(over) == 1 else None


def _joinable(head: NumToken, piece: NumToken) -> bool:
    return (bool(head.digits) and bool(piece.digits) and head.digits != "0" and not head.unit and not head.sign and not piece.sign
            and "." not in head.digits)


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
