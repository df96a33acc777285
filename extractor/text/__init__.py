"""Text operations shared by the locator and the mapping: label folding and cell-value parsing.

They sit below both layers (``locate/`` finds rows by folded labels, ``mapping/`` parses the
cells it is handed), so neither imports the other sideways for them.
"""

from extractor.text.normalize import (
    MAX_DIGITS,
    UNREAD,
    ZERO_SHAPES,
    CellState,
    ParsedValue,
    fold,
    fold_text,
    has_cjk,
    is_value_text,
    misread_number,
    parse_cell,
    squash,
    to_number,
)

__all__ = [
    "MAX_DIGITS",
    "UNREAD",
    "ZERO_SHAPES",
    "CellState",
    "ParsedValue",
    "fold",
    "fold_text",
    "has_cjk",
    "is_value_text",
    "misread_number",
    "parse_cell",
    "squash",
    "to_number",
]
