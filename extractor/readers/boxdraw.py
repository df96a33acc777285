"""Tables drawn with box-drawing characters (``w3m -dump``, terminal renderers) → pipe rows.

A text browser prints an HTML table as a ruled grid::

    ├────────────┼──────┼─────┤
    │（二）部分公开（区分处理的，只 │6     │6    │
    │计这一情形，不计其他情形）     │      │     │
    ├────────────┼──────┼─────┤

A cell's text wraps over several lines, so one table row is every line between two rules — in a
table ruled between its rows, and unless two of those lines print digits in the same column (then
they are rows of their own, and the lines are read one by one). Its
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

_VERTICAL = "│┃║"
_RULE = re.compile(r"[─━═]{2,}")
_SKIP = "|---|"
"""What a consumed line becomes: a markdown separator, which the reader skips inside a table."""


def has_box_table(text: str) -> bool:
    return "│" in text or "┃" in text or "║" in text


def _is_rule(line: str) -> bool:
    return bool(_RULE.search(line))


def _cells(line: str) -> list[str] | None:
    """The cell texts of a line drawn as ``│a│b│``, or ``None`` when it is not one."""
    s = line.strip()
    if len(s) < 2 or s[0] not in _VERTICAL or s[-1] not in _VERTICAL:
        return None
    return [c.strip() for c in re.split(f"[{_VERTICAL}]", s[1:-1])]


def unbox(lines: list[str]) -> list[str]:
    """``lines`` with every box-drawn table turned into pipe rows (same number of lines)."""
    out = list(lines)
    i = 0
    n = len(lines)
    while i < n:
        if not (_is_rule(lines[i]) or _cells(lines[i]) is not None):
            i += 1
            continue
        j = i
        while j < n and (_is_rule(lines[j]) or _cells(lines[j]) is not None):
            j += 1
        _unbox_table(lines, out, i, j)
        i = j
    return out


def _unbox_table(lines: list[str], out: list[str], start: int, end: int) -> None:
    """Rewrite lines ``start:end`` (one drawn table) in ``out``."""
    rows: list[list[int]] = [[]]  # line indexes of each row between rules
    for k in range(start, end):
        if _is_rule(lines[k]):
            out[k] = _SKIP
            if rows[-1]:
                rows.append([])
        else:
            rows[-1].append(k)
    rows = [r for r in rows if r]
    ruled = len(rows) >= 3  # rules between rows, not only under the header
    for row in rows:
        parts = [_cells(lines[k]) or [] for k in row]
        if ruled and len({len(p) for p in parts}) == 1 and not _numbers_stacked(parts):
            merged = ["".join(p[c] for p in parts) for c in range(len(parts[0]))]
            out[row[0]] = _pipe_row(merged)
            for k in row[1:]:
                out[k] = _SKIP
        else:
            for k, p in zip(row, parts, strict=True):
                out[k] = _pipe_row(p)


def _numbers_stacked(parts: list[list[str]]) -> bool:
    """Two lines print digits in the same column: rows, not one row's wrapped cells."""
    return any(sum(1 for p in parts if any(ch.isdigit() for ch in p[c])) > 1 for c in range(len(parts[0])))


def _pipe_row(cells: list[str]) -> str:
    return "| " + " | ".join(c.replace("|", "/") for c in cells) + " |"


__all__ = ["has_box_table", "unbox"]
