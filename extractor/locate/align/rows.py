"""The aligner proper (see the package docstring): regions, anchors and rows of the token stream."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from itertools import pairwise

from extractor.document import Paragraph
from extractor.locate.align.anchors import (
    SECTION_5,
    Anchor,
    chain,
    extend_to_enumerators,
    find_regions,
    t2_anchors,
    t3_candidates,
)
from extractor.locate.align.assign import assign_rows
from extractor.locate.align.displaced import (
    Placement,
    block_by_columns,
    column_major,
    displaced_rows,
    empty_after_surplus,
    orphans_to_empty_rows,
    rows_printed_after,
    runs_after_group_heading,
    runs_before_labels,
)
from extractor.locate.align.tokens import BLANK_CELL, GROUP_BEFORE, NumToken, TokenStream, opens_line, tokenize
from extractor.locate.align.wrapped import line_pieces_joined, piece_gap, wrapped_pieces_joined
from extractor.locate.hits import Located, RowHit, t2_columns_in, t2_headings_misplaced
from extractor.records.models import CellRef
from extractor.template import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_ITEM_BY_KEY,
    T3_COLUMNS,
    T4_COLUMNS,
    T4_GROUPS,
    t4_groups_hold,
    t4_some_order_holds,
    total_holds,
)

__all__ = ["locate_in_stream", "locate_text_rows", "stream_of"]

_BLOCK = re.compile(r"第二十条第?\(([一二三四五六七八九十]+)\)项?")
_T4_HEADER_WORDS = re.compile(
    r"行政复议|行政诉讼|结果维持|结果纠正|其他结果|尚未审结|总计|未经复议直接起诉|复议后起诉|直接起诉|"
    r"维持|纠正|结果|审结|尚未|其他|总|计|起诉|数量|件数|件|单位|情况|[()\[\]:.,;/\-\"]"
)
_T4_COLUMN_WORD = re.compile(r"维持|纠正|审结|总计|其他结果")
"""A table-4 column heading: the row's numbers come after one."""
_T4_HEADER_CHARS = " 行政复议诉讼结果维持纠正其他尚未审结总计经直接起后"
"""Characters of the header's words: a word split over lines (尚未审 / 结) leaves some behind."""
_T3_HEADINGS = re.compile(r"自然人|商业企业|科研机构|社会公益|法律服务")
"""Table 3's applicant headings (never part of a row label)."""
_T3_COLUMN_HEADING = re.compile(r"(?:自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|其他|总计)")
"""A table-3 column heading, as the whole text between two numbers of one row."""
_MIN_T3_ROWS = 5
_MAX_REGION_NUMBERS = {"t2": 300, "t3": 1000}
"""Numbers read per table region: a table 3 prints 175 cells; a region of thousands is not a table."""
"""Table-3 rows that must be found (with numbers) before running text counts as a table 3."""


def stream_of(paragraphs: Sequence[Paragraph]) -> TokenStream:
    """The token stream of the paragraphs joined by line breaks (the document's running text)."""
    starts: list[int] = []
    lines: list[int | None] = []
    columns: list[int | None] = []
    pages: list[int | None] = []
    parts: list[str] = []
    pos = 0
    for p in paragraphs:
        starts.append(pos)
        lines.append(p.provenance.line)
        columns.append(p.provenance.column)
        pages.append(p.provenance.page)
        parts.append(p.text)
        pos += len(p.text) + 1
    return tokenize("\n".join(parts), line_starts=starts, line_numbers=lines, line_columns=columns, line_pages=pages)


def locate_text_rows(paragraphs: Sequence[Paragraph]) -> Located:
    stream = stream_of(paragraphs)
    return locate_in_stream(stream)


def locate_in_stream(stream: TokenStream) -> Located:
    found = Located()
    regions = find_regions(stream.labels)
    probe = regions.t3 or regions.t2
    shifts = probe is not None and _rows_share_lines(stream, *probe)
    gap = piece_gap(stream.numbers) if regions.t2 is not None or regions.t3 is not None else None
    by_columns = regions.t3 is not None and _table3(stream, *regions.t3, found, shifts, gap)
    if regions.t2 is not None:
        _table2(stream, *regions.t2, found, shifts, gap, by_columns)
    if regions.t4 is not None:
        _table4(stream, *regions.t4, found)
    for kind in ("t2", "t3", "t4"):
        if getattr(found, kind):
            found.sources[kind] = "text"
    return found


def _ref(stream: TokenStream, tokens: list[NumToken], label_pos: int) -> CellRef:
    if tokens:
        return CellRef.in_text(tokens[0].start, tokens[0].line)
    return CellRef.make(offset=stream.offset_of(label_pos))


def _hits(
    stream: TokenStream, anchors: list[Anchor], numbers: list[NumToken], k_of: Sequence[int], *, shifts: bool = False,
    groups: Sequence[object] | None = None, block_at: Sequence[int | None] | None = None, holds: Identity | None = None,
    piece_gap: int | None = None,
) -> tuple[list[list[NumToken]], list[Placement]]:
    """Numbers per anchored row (natural zones, repaired by the assignment programme), and how
    numbers printed away from their label were placed (:mod:`.displaced`). Pieces of one number are
    joined first: wrapped in a narrow cell, and, in a text whose cells sit several empty lines apart,
    on consecutive lines (``piece_gap``, :func:`~extractor.locate.align.wrapped.piece_gap`)."""
    zones: list[int] = []
    a = -1
    for n in numbers:
        while a + 1 < len(anchors) and anchors[a + 1].start < n.label_pos:
            a += 1
        zones.append(a)
    # A number may open the next row (pdftotext prints the numbers of a wrapped label on a line
    # above it) only at the start of a line that prints a whole row: exactly as many numbers as
    # the row has cells, side by side. A dump of one cell per line, or one that leaves out blank
    # cells, never has its rows cut and moved.
    opens = [False] * len(numbers)
    backs = [False] * len(numbers)
    if shifts:
        _runs_back_into(stream, anchors, numbers, zones, k_of, groups, backs)
        for j, n in enumerate(numbers):
            width = k_of[zones[j] + 1] if zones[j] + 1 < len(k_of) else 0
            if n.sep == "space" or width < 1:
                continue
            if block_at is not None and zones[j] >= 0 and (at := block_at[zones[j] + 1]) is not None and n.label_pos <= at:
                continue  # never across the next 第二十条 block's header: it stands between number and row
            run = _run_end(numbers, j)
            opens[j] = run - j == width and _ends_line(stream.text, numbers[run - 1].end)
    if any(opens) or any(backs):
        # a hyphen glued before digits may be a cell of its own (``-00``: see readings.hyphen_cells)
        digits = [max(1, len(n.digits.replace(".", "")) + (n.text[:1] == "-")) for n in numbers]
        rows = assign_rows(zones, k_of, digits, opens, backs)
    else:
        rows = list(zones)  # no number may leave its natural row (see assign_rows)
    out: list[list[NumToken]] = [[] for _ in anchors]
    for n, r in zip(numbers, rows, strict=True):
        if r >= 0:
            out[r].append(n)
    out = [wrapped_pieces_joined(toks) for toks in out]
    if piece_gap is not None:
        out = [line_pieces_joined(toks, piece_gap) for toks in out]
    kept = [_without_spare_blanks(_until_prose(stream, toks), k, holds) for toks, k in zip(out, k_of, strict=True)]
    cut = [toks[len(k) :] for toks, k in zip(out, kept, strict=True)]
    lead: list[NumToken] = []
    if block_at is not None:
        # Table 2: a number printed after the next 第二十条 block's header is never a cell of a row
        # above it (camelot prints each row's numbers one row up, a block's first row's in its column
        # headings): it is cut from the row, as numbers after prose are, and so are those after the
        # first block's header and before the first label.
        for r in range(len(kept)):
            at = block_at[r + 1] if r + 1 < len(block_at) else None
            if at is not None and any(t.label_pos > at for t in kept[r]):
                cut[r] = [t for t in kept[r] if t.label_pos > at] + list(cut[r])
                kept[r] = [t for t in kept[r] if t.label_pos <= at]
        if block_at[0] is not None:
            lead = [n for n, r in zip(numbers, rows, strict=True) if r < 0 and n.label_pos > block_at[0]]
    placements = orphans_to_empty_rows(kept, cut, k_of, groups, lead)
    return kept, placements


def _runs_back_into(
    stream: TokenStream, anchors: Sequence[Anchor], numbers: Sequence[NumToken], zones: Sequence[int],
    k_of: Sequence[int], groups: Sequence[object] | None, backs: list[bool],
) -> None:
    """Mark in ``backs`` the numbers of each whole-row run printed *inside* a row's label (the label
    goes on after it) that may be the previous row's cells (see :mod:`.assign`): a run of exactly
    as many numbers as that row has cells, side by side on a line of their own, in the same
    第二十条 block."""
    j = 0
    while j < len(numbers):
        run = _run_end(numbers, j)
        z = zones[j]
        if (
            z >= 1
            and numbers[j].sep != "space"
            and numbers[run - 1].label_pos < anchors[z].end
            and run - j == k_of[z - 1]
            and (groups is None or groups[z - 1] == groups[z])
            and opens_line(stream.text, numbers[j].start)
            and _ends_line(stream.text, numbers[run - 1].end)
        ):
            for i in range(j, run):
                backs[i] = True
        j = run


def _run_end(numbers: Sequence[NumToken], j: int) -> int:
    """The index after the run of numbers side by side on one line that starts at ``j``."""
    run = j + 1
    while run < len(numbers) and numbers[run].sep == "space":
        run += 1
    return run


def _without_spare_blanks(toks: list[NumToken], k: int, holds: Identity | None = None) -> list[NumToken]:
    """A row holding more cells than columns because of printed blank cells (``&nbsp;`` lines, see
    :data:`~extractor.locate.align.tokens.BLANK_CELL`): those before its first number are an empty
    label cell's, dropped first; if still too many, every blank line is (a layout of spacer lines) —
    unless the row's identity (``holds``: its values in order) then fails: the blanks are cells and
    a number was broken over lines (``2`` / ``0``: its digits in two ``<span>`` elements), which the
    mapping joins only where the identity confirms it."""
    if len(toks) <= k or not any(t.text == BLANK_CELL for t in toks):
        return toks
    out = list(toks)
    while len(out) > k and out[0].text == BLANK_CELL:
        out.pop(0)
    if len(out) <= k:
        return out
    dropped = [t for t in out if t.text != BLANK_CELL]
    if holds is not None and len(dropped) == k and all(t.digits for t in dropped) and not holds([float(t.digits) for t in dropped]):
        return out
    return dropped


Identity = Callable[[list[float]], bool]
"""A row's own identity on its values in printed order."""



def _ends_line(text: str, end: int) -> bool:
    """Nothing but spaces after ``end`` on its line: a row printed beside a wrapped label ends its
    line; in a glued dump the next label follows on the same line (``行政规范性文件-00第二十条``),
    so a lone number there does not open the next row, however many cells that row has."""
    i = end
    while i < len(text) and text[i] in " \t\u3000\xa0\r":
        i += 1
    return i >= len(text) or text[i] == "\n"


_PROSE_GAP = 6
"""Label characters between two numbers of one row beyond which the second is prose, not a cell."""
_NOT_PROSE = re.compile(r"[()\[\]:.,;/\-\"'|]|万元|元|件|条|项|个|增|减")


def _until_prose(stream: TokenStream, toks: list[NumToken]) -> list[NumToken]:
    """A row's numbers up to the first one that follows running prose (the narrative after the
    last row of a table): cells of one row are never separated by sentences."""
    for i in range(1, len(toks)):
        if toks[i].sep == "label":
            between = _NOT_PROSE.sub("", stream.labels[toks[i - 1].label_pos : toks[i].label_pos])
            if len(between) >= _PROSE_GAP:
                return toks[:i]
    return toks


_CELL_CHARS = re.compile(r"[/\\—–无空-]")


def _glued_placeholder(
    stream: TokenStream, anchor: Anchor, toks: list[NumToken], until: int, moved: str | None = None
) -> str | None:
    """A character that could be a placeholder cell glued to the row's text (``数量/2032/7``,
    ``公开0—/无无——``, ``454/无行政强制``): where such cells begin and end cannot be read, so nothing is
    decided. ``until`` is where the next row's label begins. Numbers ``moved`` to the row were not
    printed after its label: the text between the label and them is not looked at."""
    spans = []
    if toks:
        if moved is None:
            spans.append(stream.labels[anchor.end : toks[0].label_pos])
        spans.extend(stream.labels[a.label_pos : b.label_pos] for a, b in pairwise(toks))
        spans.append(stream.labels[toks[-1].label_pos : toks[-1].label_pos + 2] if toks[-1].label_pos < until else "")
    for k, text in enumerate(spans):
        after_row = k == len(spans) - 1 and len(spans) > 1  # only what touches the last number counts
        for m in _CELL_CHARS.finditer(text):
            if after_row and m.start() > 0:
                break
            nxt = text[m.end() : m.end() + 1]
            if (
                (m.group(0) == "无" and ((nxt and nxt in "法正") or GROUP_BEFORE().search(text, 0, m.start())))
                or (m.group(0) == "空" and _WORD_GOES_ON.match(nxt))
            ):
                # "无正当理由", "无法提供", "（四）无" (the rest after a page break): a label word, not a
                # cell ("无无": two cells; "098无其他对外…": a 无 cell glued to the next row's label)
                continue
            return _glued(m.group(0))
    return None


_WORD_GOES_ON = re.compile(r"[\u4e00-\u9fff](?<![无空])")


def _glued(ch: str) -> str:
    """Why a row whose cells cannot be told apart is left without values."""
    return f"{ch!r} is printed among the row's numbers without spaces around it"


def _heading_among(stream: TokenStream, toks: Sequence[NumToken]) -> str | None:
    """A table-3 column heading printed by itself between two of the row's numbers (``0`` / ``0`` /
    ``71 3`` / ``0`` / ``其他`` / ``0`` / ``总计`` / ``74``: pdftotext of a page whose header row wraps into
    the first row): the text layer read the row out of column order, so which cell each number
    fills is not known, though they add up. (A word of a wrapped label between a row's numbers,
    ``不计其他情形``, is not a heading by itself.)"""
    for a, b in pairwise(toks):
        between = _NOT_HEADING_CHARS.sub("", stream.labels[a.label_pos : b.label_pos])
        if between and _T3_COLUMN_HEADING.fullmatch(between):
            return (f"the column heading {between!r} is printed among the row's numbers (a text layer read the table "
                    "out of column order): which cell each number fills is not known")
    return None


_NOT_HEADING_CHARS = re.compile(r"[\s()\[\]:.,;/\-\"'|\x0c]")


def _rows_share_lines(stream: TokenStream, lo: int, hi: int) -> bool:
    """Whether the table prints a row's numbers side by side on one line (most numbers follow
    another on the same line). Only such layouts (PDF text layers) move numbers between rows; a
    dump of one cell per line, or of glued digits, keeps every number where it was printed."""
    numbers = [n for n in stream.numbers if lo < n.label_pos <= hi]
    return bool(numbers) and sum(1 for n in numbers if n.sep == "space") >= len(numbers) / 2


def _table3(stream: TokenStream, lo: int, hi: int, found: Located, shifts: bool = True, gap: int | None = None) -> bool:
    """Table 3's rows into ``found``; says whether the text was shown to print a run of labels and
    then their numbers column by column (:func:`~extractor.locate.align.displaced.column_major`)."""
    numbers = [n for n in stream.numbers if lo < n.label_pos <= hi][: _MAX_REGION_NUMBERS["t3"]]
    candidates = t3_candidates(stream.labels, lo, hi)
    anchors = extend_to_enumerators(chain(candidates, [n.label_pos for n in numbers]), stream.labels, lo)
    has_sub = any(a.key.startswith("other_") for a in candidates)
    if has_sub:  # （六）其他处理 is then the group label of its three sub-rows, not a row
        anchors = [a for a in anchors if a.key != "other"]
    k = len(T3_COLUMNS)
    per_row, placed = _hits(stream, anchors, numbers, [k] * len(anchors), shifts=shifts, holds=total_holds, piece_gap=gap)
    chained = {a.key for a in anchors} | ({"other"} if has_sub else set())
    by_columns = column_major(per_row, placed, k, anchors, [c for c in candidates if c.key not in chained])
    rows_printed_after(per_row, placed, k)
    if sum(max(1, len(toks) // k) for toks in per_row if toks) < _MIN_T3_ROWS:
        return False  # a few row words near digits (a file list, a news item) are not a table; a row
        # holding several rows' numbers (labels printed first, numbers after them) counts as so many
    found.t3_header_inside = _T3_HEADINGS.search(stream.labels, anchors[0].end, hi) is not None
    lead = [n for n in numbers if n.label_pos <= anchors[0].start]
    elsewhere = displaced_rows(anchors, per_row, candidates, k, frozenset({"other"} if has_sub else ()), lead)
    runs_after_group_heading(stream.labels, anchors, per_row, placed)
    runs_before_labels(per_row, placed, k)
    empty_after_surplus(per_row, placed, k)
    prev_end = lo
    for i, (anchor, toks) in enumerate(zip(anchors, per_row, strict=True)):
        nxt = anchors[i + 1].start if i + 1 < len(anchors) else hi
        found.t3.append(
            RowHit(
                kind="t3",
                key=anchor.key,
                label=stream.labels[prev_end : anchor.end][-60:],
                tokens=toks,
                run=" ".join(t.text for t in toks),
                run_ref=_ref(stream, toks, anchor.start),
                unreadable=(placed[i].unreadable or _glued_placeholder(stream, anchor, toks, nxt, placed[i].moved)
                            or _heading_among(stream, toks)),
                moved=placed[i].moved,
            )
        )
        prev_end = anchor.end
    for anchor, toks, note in elsewhere:
        found.t3.append(
            RowHit(
                kind="t3",
                key=anchor.key,
                label=stream.labels[anchor.start : anchor.end],
                tokens=toks,
                run=" ".join(t.text for t in toks),
                run_ref=_ref(stream, toks, anchor.start),
                moved=note or None,
                unreadable=None if toks else _LABEL_APART,
            )
        )
    return by_columns


_LABEL_APART = (
    "the row's label is printed out of order, after the table body, and its numbers are among the surplus of "
    "an earlier row that could not be matched to the rows it belongs to"
)


def _table2(
    stream: TokenStream, lo: int, hi: int, found: Located, shifts: bool = True, gap: int | None = None, by_columns: bool = False
) -> None:
    """Table 2's rows into ``found``. ``by_columns``: table 3 showed the text printing a run of
    labels and then their numbers column by column, so a 第二十条 block printed so is read so
    (:func:`~extractor.locate.align.displaced.block_by_columns`)."""
    labels = stream.labels
    numbers = [n for n in stream.numbers if lo < n.label_pos <= hi][: _MAX_REGION_NUMBERS["t2"]]
    anchors = t2_anchors(labels, lo, hi, [n.label_pos for n in numbers])
    if not anchors:
        return
    blocks = [(m.start(), m.end(), f"({m.group(1)})") for m in _BLOCK.finditer(labels, lo, hi)]
    cols_of: list[tuple[str, ...]] = []
    block_of: list[str | None] = []
    block_spans: list[tuple[int, int, str] | None] = []
    header_cols: dict[tuple[int, int], tuple[str, ...]] = {}  # a block's header, read once for all its rows
    for anchor in anchors:
        block = next((b for b in reversed(blocks) if b[0] < anchor.start), None)
        block_spans.append(block)
        cols: tuple[str, ...] = ()
        if block is not None:
            first_item = next((a for a in anchors if a.start > block[1]), anchor)
            span = (block[1], first_item.start)
            if span not in header_cols:
                header_cols[span] = tuple(t2_columns_in(labels[block[1] : first_item.start]))
            cols = header_cols[span]
            found.t2_header_words.update(cols)
            if anchor is first_item:  # headings after the block's first number, or of another block
                block_end = next((b[0] for b in blocks if b[0] > block[1]), hi)
                first_number = next((n.label_pos for n in numbers if n.label_pos >= first_item.end), block_end)
                found.t2_headings_misplaced |= t2_headings_misplaced(
                    block[2], labels[block[1] : first_item.start], labels[first_number:block_end])
        cols_of.append(cols)
        block_of.append(block[2] if block else None)
    widths = [len(c) if c else _t2_width(a.key) for a, c in zip(anchors, cols_of, strict=True)]
    # where the 第二十条 block header stands before each row that opens a block
    block_at = [b[0] if b is not None and (i == 0 or block_of[i - 1] != block_of[i]) else None
                for i, b in enumerate(block_spans)]
    per_row, placed = _hits(stream, anchors, numbers, widths, shifts=shifts, groups=block_of, block_at=block_at, piece_gap=gap)
    if by_columns:
        block_by_columns(per_row, placed, widths, block_of)
    last_with_numbers = max((i for i, toks in enumerate(per_row) if toks), default=-1)
    printed_blocks = {b[2] for b in blocks}
    for i, (anchor, toks, cols, block_name) in enumerate(zip(anchors, per_row, cols_of, block_of, strict=True)):
        own = T2_ITEM_BY_KEY[anchor.key].block
        if block_name is not None and block_name != own and own in printed_blocks and placed[i].unreadable is None:
            placed[i].unreadable = _UNDER_ANOTHER_BLOCK.format(own=own, block=block_name)
        nxt = anchors[i + 1].start if i + 1 < len(anchors) else hi
        near_before = i > 0 and anchor.start - anchors[i - 1].end <= _BLANK_ROW_REACH
        near_after = i == 0 and i + 1 < len(anchors) and anchors[1].start - anchor.end <= _BLANK_ROW_REACH
        if not toks and i > last_with_numbers and not (near_before or near_after):
            continue  # an item named after the table (in prose), not an all-blank row (the first row of
            # a table that prints no number at all is one when the next row's label follows it closely)
        found.t2.append(
            RowHit(
                kind="t2",
                key=anchor.key,
                label=labels[anchor.start : anchor.end],
                tokens=toks,
                run=" ".join(t.text for t in toks),
                run_ref=_ref(stream, toks, anchor.start),
                columns=cols,
                block=block_name,
                unreadable=placed[i].unreadable or _glued_placeholder(stream, anchor, toks, nxt, placed[i].moved),
                moved=placed[i].moved,
            )
        )


_UNDER_ANOTHER_BLOCK = (
    "the row's label is printed under 第二十条第{block}项 while its own block's header, 第二十条第{own}项, stands "
    "elsewhere (a text layer that prints a run of labels before their headers and numbers): which numbers are its "
    "cells is not known"
)
_BLANK_ROW_REACH = 40
"""Label characters after the previous item within which an item printing no numbers is an
all-blank row of the table (a dump that leaves out blank cells prints only its label)."""


def _t2_width(key: str) -> int:
    return len(T2_COLUMNS_2021.get(key) or T2_COLUMNS_2019.get(key) or ("x",))


def _header_only(text: str) -> bool:
    return not _T4_HEADER_WORDS.sub("", text).strip(_T4_HEADER_CHARS)


_T4_INTERLEAVED = (
    "the table's headings are printed among its numbers (a text layer read across its columns), and the numbers are "
    "fewer than the cells, or the groups' totals fail in the printed order but hold in another: which cell each "
    "belongs to is not known"
)


def _t4_order_doubtful(toks: list[NumToken]) -> bool:
    """The groups' totals fail in the printed order, yet another order of the same numbers holds
    them: the order is the text layer's, not the table's (a placeholder counts as 0). A failure no
    order explains is the organ's misprint and the numbers are read as printed."""
    values = [float(t.digits) if t.digits else 0.0 for t in toks]
    return not t4_groups_hold(values) and t4_some_order_holds(values)


class _T4Start:
    """Where table 4's row may start: after a column heading with only header words between, or
    after nothing but header text since the region began (a header printed one character per line
    by pdftotext -layout: 结 / 果 / 维 / 持 interleaved across columns, no whole word). Fed the label
    text between successive numbers, so a long stretch of prose is read once, not once per number."""

    def __init__(self) -> None:
        self.all_header = True
        self.after_word: bool | None = None
        """Only header text since the last column heading (None: no heading yet)."""
        self.tail = ""
        """The last characters fed: a heading cut by a number (审 / 12 / 结) is still found."""

    def feed(self, segment: str) -> bool:
        """The label text since the previous number; whether the next number may open the row."""
        self.all_header = self.all_header and _header_only(segment)
        text = self.tail + segment
        last = None
        for m in _T4_COLUMN_WORD.finditer(text):
            if m.end() > len(self.tail):
                last = m
        if last is not None:
            self.after_word = _header_only(text[last.end() :])
        elif self.after_word:
            self.after_word = _header_only(segment)
        self.tail = text[-3:]
        return bool(self.after_word) or self.all_header


def _table4(stream: TokenStream, lo: int, hi: int, found: Located) -> None:
    """The single data row: numbers after the header, with only header words between them."""
    labels = stream.labels
    width = len(T4_GROUPS) * len(T4_COLUMNS)
    toks: list[NumToken] = []
    unreadable: str | None = None
    prev_pos = lo
    start = _T4Start()
    seen = lo
    interleaved = False  # header words printed between the row's numbers (a text layer read across the columns)
    for n in stream.numbers:
        if n.label_pos <= lo:
            continue
        if not toks:
            opens, seen = start.feed(labels[seen : n.label_pos]), n.label_pos
            if not opens:
                continue  # a number in prose that names 行政复议、行政诉讼 (a pre-2019 report's outline), not under the header
        if not toks and n.label_pos > hi:
            # The next section's heading printed before the table as well (a Word section break
            # repeats it): the table's numbers come after it, and the region ends at its reprint.
            later = SECTION_5.search(labels, n.label_pos)
            hi = later.start() if later else len(labels)
        between = labels[prev_pos : n.label_pos]
        if not toks and between.rstrip() and _CELL_CHARS.match(between.rstrip()[-1]):
            unreadable = _glued(between.rstrip()[-1])
        # Header words between two numbers, whole or split one character per line (pdftotext's plain
        # order prints the litigation groups' headings 其 / 尚 / 总 / 他 … between the groups' numbers),
        # keep the row going; anything else is prose after the table.
        rest = "" if not toks or _header_only(between) else _T4_HEADER_WORDS.sub("", between)
        if toks and not rest and (glued := _CELL_CHARS.search(between)):
            # between two of the row's numbers a "-" or "/" is no header punctuation but a cell
            # glued to its neighbours ("6—/-600"): where its cells begin and end cannot be read
            unreadable = unreadable or _glued(glued.group(0))
            break
        if rest:
            if _CELL_CHARS.match(between):
                unreadable = unreadable or _glued(between[0])
            break  # prose after the table
        if n.label_pos > hi and toks:
            break
        interleaved = interleaved or bool(toks and between.strip())
        toks.append(n)
        prev_pos = n.label_pos
        if len(toks) >= 3 * width and sum(t.text != BLANK_CELL for t in toks) >= 3 * width:
            break
    toks = _without_spare_blanks(toks, width, t4_groups_hold)
    if toks:
        if unreadable is None and len(toks) < width and _CELL_CHARS.match(labels, toks[-1].label_pos):
            unreadable = _glued(labels[toks[-1].label_pos])
        if unreadable is None and interleaved and (len(toks) < width or _t4_order_doubtful(toks[:width])):
            unreadable = _T4_INTERLEAVED
        found.t4.append(RowHit(kind="t4", key="data", tokens=toks, run=" ".join(t.text for t in toks), run_ref=_ref(stream, toks, lo),
                               unreadable=unreadable))
