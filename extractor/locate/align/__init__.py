"""Tables 2–4 read from running text, whatever its layout: tokens → anchors → rows.

:func:`locate_text_rows` is the text counterpart of :func:`extractor.locate.grid.locate_grid_rows`.
It turns the document's paragraphs into one token stream (:mod:`.tokens`), finds the tables and
their row labels in the label stream (:mod:`.anchors`), and gives every printed number to a row
(:mod:`.assign`). What it hands on is, per template row, the numbers printed for it *with how
they were separated* — which digits ran together, which sat on their own lines — so that the
mapping can decide, together with the identities, how many cells each number fills
(:mod:`extractor.mapping.readings`). Design notes: ``docs/aligner.md``.
"""

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from extractor.locate.align.rows import locate_in_stream, locate_text_rows, stream_of
    from extractor.locate.align.tokens import NumToken, TokenStream, tokenize

__all__ = ["NumToken", "TokenStream", "locate_in_stream", "locate_text_rows", "stream_of", "tokenize"]

_LAZY = {"locate_in_stream": "rows", "locate_text_rows": "rows", "stream_of": "rows",
         "NumToken": "tokens", "TokenStream": "tokens", "tokenize": "tokens"}


def __getattr__(name: str) -> Any:
    """The aligner's modules load on first use: a document whose tables are all grids never runs
    the aligner (see :mod:`.gate`), and ``ogi extract`` of one never compiles them."""
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"{__name__}.{module}"), name)
