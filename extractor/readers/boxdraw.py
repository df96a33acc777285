"""Tables drawn with box-drawing characters (``w3m -dump``, terminal renderers) → pipe rows.

A text browser prints an HTML table as a ruled grid::

    ├────────────┼──────┼─────┤
    │（二）部分公开（区分处理的，只 │6     │6    │
    │计这一情形，不计其他情形）     │      │     │
    ├────────────┼──────┼─────┤

A cell's text wraps over several lines, so one table row is every line between two rules — in a
table ruled between its rows, and unless two of those lines print a number in the same column
(then they are rows of their own, and the lines are read one by one). Its
cells are joined column by column (without a space: the wrap cuts CJK words and numbers), and the
row is handed to the text reader as one pipe row (``| a | b |``), in place of its first line; the
other lines become markdown separators, which the reader skips without ending the table.

A rule may be partial: a cell spanning several rows (``三、本年度办理结果``) keeps printing its text
left of the rule (``│理结果      │      ├────┼──┤``). That text belongs to the spanning cell, which is
a group label the template does not need; it is dropped with the rule. A table drawn without rules
between its rows (each line a row) is left line by line.
"""

from __future__ import annotations

import re
from collections.abc import Callable

_VERTICAL = "│┃║"
_RULE = re.compile(r"[─━═]{2,}")
_SKIP = "|---|"
"""What a consumed line becomes: a markdown separator, which the reader skips inside a table."""


ASCII_RULE = re.compile(r"^\s*+\+(?:[-=:]++\+)++\s*+$")
"""A grid table's rule line: ``+-----+----+`` (``=`` under a header, ``:`` for alignment)."""


def has_box_table(text: str) -> bool:
    return "│" in text or "┃" in text or "║" in text or ("+-" in text and "-+" in text)


def _is_rule(line: str) -> bool:
    return bool(_RULE.search(line))


def _cells(line: str, bars: str = _VERTICAL) -> list[str] | None:
    """The cell texts of a line drawn as ``│a│b│``, or ``None`` when it is not one."""
    s = line.strip()
    if len(s) < 2 or s[0] not in bars or s[-1] not in bars:
        return None
    return [c.strip() for c in re.split(f"[{re.escape(bars)}]", s[1:-1])]


def _is_ascii_rule(line: str) -> bool:
    return "+-" in line and bool(ASCII_RULE.match(line))


def _ascii_cells(line: str) -> list[str] | None:
    return _cells(line, "|")


def unbox(lines: list[str]) -> list[str]:
    """``lines`` with every box-drawn table turned into pipe rows (same number of lines); so too an
    ASCII grid table (pandoc's ``+----+----+`` rules between ``| a | b |`` lines)."""
    out = list(lines)
    for is_rule, cells in ((_is_rule, _cells), (_is_ascii_rule, _ascii_cells)):
        i = 0
        n = len(lines)
        while i < n:
            if not is_rule(lines[i]):
                i += 1
                continue
            j = i
            while j < n and (is_rule(lines[j]) or cells(lines[j]) is not None):
                j += 1
            _unbox_table(lines, out, i, j, is_rule, cells)
            i = j
    return out


def _unbox_table(lines: list[str], out: list[str], start: int, end: int, is_rule: Callable[[str], bool],
                 cells: Callable[[str], list[str] | None]) -> None:
    """Rewrite lines ``start:end`` (one drawn table, opening with a rule) in ``out``."""
    rows: list[list[int]] = [[]]  # line indexes of each row between rules
    for k in range(start, end):
        if is_rule(lines[k]):
            out[k] = _SKIP
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(k)
    rows = [r for r in rows if r]
    ruled = len(rows) >= 3  # rules between rows, not only under the header
    for row in rows:
        parts = [cells(lines[k]) or [] for k in row]
        if ruled and len({len(p) for p in parts}) == 1 and not _numbers_stacked(parts):
            merged = ["".join(p[c] for p in parts) for c in range(len(parts[0]))]
            out[row[0]] = _pipe_row(merged)
            for k in row[1:]:
                out[k] = _SKIP
        else:
            for k, p in zip(row, parts, strict=True):
                out[k] = _pipe_row(p)


_VALUE = re.compile(r"[+\-增减]?\d[\d,]*(?:\.\d+)?\s*(?:万元|亿元|元)?")


def _numbers_stacked(parts: list[list[str]]) -> bool:
    """Two lines print a number as the whole of the same column's text: rows, not one row's wrapped
    cells."""
    return any(sum(1 for p in parts if _VALUE.fullmatch(p[c])) > 1 for c in range(len(parts[0])))


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


__all__ = ["ASCII_RULE", "has_box_table", "unbox"]
