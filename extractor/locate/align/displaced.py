"""Numbers printed away from their row's label.

pdftotext's default reading order (and other text layers read column by column) does not keep a
row's label beside its numbers when the label cell is taller than the number cells:

* a one-number row of table 2 prints its number *before* its label, after the block header
  (``本年处理决定数量`` / ``550`` / ``行政许可``): the number then sits after prose in the previous
  row's zone, and the row's own label is followed by nothing;
* rows whose labels wrap print all their labels *after* the table body (``（一）予以公开``,
  ``5.要求行政机关确认…``, ``（六）其他处理`` …), so the previous printed label is followed by its
  own numbers and theirs, in template order.

A row with no numbers is otherwise read as a printed all-blank row (dumps that leave out blank
cells print only the label), so without these rules both layouts give *wrong* zeros. The rules
move numbers only when the count fits exactly (and, for table 3, every moved row's own total
holds); a row whose numbers may have been printed elsewhere but cannot be matched is left
unreadable, never blank.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from extractor.locate.align.anchors import Anchor
from extractor.locate.align.tokens import BLANK_CELL, NumToken


@dataclass(slots=True)
class Placement:
    """How the aligner placed a row's numbers when they were not printed after its label."""

    moved: str | None = None
    """Numbers were given to the row from elsewhere (said in an info finding)."""
    unreadable: str | None = None
    """Numbers may have been printed away from the label and cannot be matched to its cells."""


def orphans_to_empty_rows(
    kept: list[list[NumToken]], cut: Sequence[Sequence[NumToken]], widths: Sequence[int], groups: Sequence[object] | None = None,
    lead: Sequence[NumToken] = (),
) -> list[Placement]:
    """Rows that print their numbers *before* their labels, after a block header.

    ``kept[i]`` are row i's numbers, ``cut[i]`` those after them that
    :func:`~extractor.locate.align.rows._until_prose` removed (printed after prose: the header
    between a row and the next label). When numbers were cut before row j, rows j … i-1 hold
    numbers and row i holds none, and the counts fit exactly when every row takes the numbers
    printed before its label (the cut ones for row j, row j's for row j+1, …), the rows are read
    so; when they do not fit, row i is left unreadable instead of blank. ``groups`` (table 2: the
    第二十条 block of each row) keeps a shift inside one block. ``lead``: numbers printed after the
    first block's header and before the table's first label, taken so for row 0 (camelot prints a
    block's first row's numbers in its column headings: ``本年制发件数`` / ``0``). Changes ``kept`` in
    place."""
    n = len(kept)
    out = [Placement() for _ in kept]
    for j in range(0 if lead else 1, n):
        orphans = list(lead) if j == 0 else list(cut[j - 1])
        if not orphans:
            continue
        i = j
        while i < n and kept[i] and (groups is None or groups[i] == groups[j]):
            i += 1
        if i == n or kept[i] or (groups is not None and groups[i] != groups[j]):
            continue  # no empty row in reach: the cut numbers are the prose's
        before = [orphans, *(kept[r] for r in range(j, i))]
        if all(len(before[r - j]) == widths[r] for r in range(j, i + 1)):
            for r in range(j, i + 1):
                kept[r] = before[r - j]
                out[r].moved = "the numbers printed before the row's label, after the block header, are its cells"
        else:
            out[i].unreadable = (
                f"the row's label is followed by no number, but {len(orphans)} number(s) printed before an earlier label "
                f"may be its cells (a text layer read column by column)"
            )
    return out


def _total_holds(chunk: Sequence[NumToken]) -> bool:
    """The row's total (its last cell) is the sum of the others, a placeholder counting as 0; a
    placeholder total holds only over cells that are all placeholders or zeros."""
    if len(chunk) < 2 or any(t.sign or (t.digits and not t.digits.isdigit()) for t in chunk):
        return False
    values = [int(t.digits) if t.digits else 0 for t in chunk]
    if chunk[-1].placeholder:
        return not any(values[:-1])
    return values[-1] == sum(values[:-1])


def displaced_rows(
    anchors: Sequence[Anchor], per_row: list[list[NumToken]], candidates: Sequence[Anchor], k: int,
    exclude: frozenset[str] = frozenset(), lead: Sequence[NumToken] = (),
) -> list[tuple[Anchor, list[NumToken], str]]:
    """Table 3: rows whose labels were printed out of order, with the numbers a printed row holds
    beyond its own ``k`` cells. Row i's numbers are split into chunks of ``k`` when the rows between
    it and the next anchor in template order are exactly the rows whose labels occur elsewhere in the
    region, one chunk each, and every chunk's total holds — or, the rows' numbers printed column by
    column (pdftotext's plain order of a block of narrow cells), every row's total holds read
    transposed (:func:`_transposed`). When they are too few, the rows printed elsewhere between the
    previous anchor and row i join them (:func:`_block_around`): pdftotext prints a block's numbers
    after the one label in it that does not wrap, and the wrapped ones after the table body. The
    numbers printed before the first anchor (``lead``, after the table's header) are the rows'
    printed elsewhere that come before it in the template when they fit exactly the same way.
    Changes ``per_row`` in place; returns the new rows (their anchor is the out-of-order label) with
    a note for the finding. When a row still holds the numbers of several, the out-of-order rows
    left are returned too, without numbers and with an empty note: their cells are somewhere in that
    surplus, so they are unreadable."""
    chained = {a.key for a in anchors}
    elsewhere: dict[str, Anchor] = {}
    for c in candidates:
        if c.key not in chained and c.key not in exclude:
            elsewhere.setdefault(c.key, c)
    if not elsewhere:
        return []
    out: list[tuple[Anchor, list[NumToken], str]] = []
    first = sorted((a for a in elsewhere.values() if anchors and a.order < anchors[0].order), key=lambda a: a.order)
    dealt = _deal(lead, k) if lead and first and len(lead) == k * len(first) else None
    if dealt is not None:
        for row, chunk in zip(first, dealt[0], strict=True):
            out.append((row, chunk, "printed after the table's header, before the first row's label (its label was "
                                    f"printed after the table body); {dealt[1]}"))
            del elsewhere[row.key]
    for i, anchor in enumerate(anchors):
        toks = per_row[i]
        n = len(toks)
        if n <= k or n % k:
            continue
        upper = anchors[i + 1].order if i + 1 < len(anchors) else 10**9
        lower = anchors[i - 1].order if i else -1
        between = sorted((a for a in elsewhere.values() if anchor.order < a.order < upper), key=lambda a: a.order)
        if len(between) == n // k - 1:
            block: list[Anchor] = [anchor, *between]
            dealt = _deal(toks, k, own_first=True, mixtures=False)
            if dealt is None:
                continue
            chunks, how = dealt
        else:
            # rows printed elsewhere just before the label join its block, unless the row above holds
            # numbers beyond its own cells: theirs may be those (``5.要求…`` / 14 numbers / ``（七）总计`` / 14
            # numbers: （六）其他处理's after the row above it, 四's before its own label)
            before = [] if i and len(per_row[i - 1]) > k else sorted(
                (a for a in elsewhere.values() if lower < a.order < anchor.order), key=lambda a: a.order)
            found = _block_around(anchor, before, between, toks, k)
            if found is None:
                continue
            block, chunks, how = found
        if len(chunks) != len(block):
            continue
        for row, chunk in zip(block, chunks, strict=True):
            if row is anchor:
                per_row[i] = chunk
                continue
            out.append((row, chunk, f"printed with the row {anchor.key!r} (its label was printed after the table body); {how}"))
            del elsewhere[row.key]
    if any(len(toks) >= 2 * k for toks in per_row):
        # the numbers of the rows left are among a row's surplus, which could not be matched to them
        out.extend((row, [], "") for row in sorted(elsewhere.values(), key=lambda a: a.order))
    return out


def _block_around(
    anchor: Anchor, before: Sequence[Anchor], after: Sequence[Anchor], toks: Sequence[NumToken], k: int
) -> tuple[list[Anchor], list[list[NumToken]], str] | None:
    """The block of rows, consecutive in the template, whose numbers pdftotext printed after the one
    label among them that does not wrap (``anchor``; the wrapped labels come after the table body):
    some of the out-of-order rows just ``before`` it and some just ``after``, as many as ``toks``
    holds rows, read by :func:`_deal` (one reading, in order or column by column, that alone holds
    every total). Only when exactly one such block reads so; else none."""
    m = len(toks) // k
    windows = [b for b in range(min(len(before), m - 1) + 1) if m - 1 - b <= len(after)]
    if len(windows) != 1:
        return None
    dealt = _deal(toks, k)
    if dealt is None:
        return None
    b = windows[0]
    return [*before[len(before) - b :], anchor, *after[: m - 1 - b]], *dealt


def _deal(
    toks: Sequence[NumToken], k: int, own_first: bool = False, mixtures: bool = True
) -> tuple[list[list[NumToken]], str] | None:
    """The rows of a block of ``len(toks) // k`` rows printed together, when exactly one way of
    reading them holds every row's total: in template order; column by column (:func:`_transposed`,
    with its demand for counts enough to tell); or, ``own_first``, the first row's own numbers and
    then the others' column by column (pdftotext's plain order of a row and the rows below it).
    Two readings that hold and disagree (placeholders and zeros hold in many orders) decide nothing,
    nor does the whole block read column by column holding, whatever its counts. With ``mixtures``,
    so does any mixture of the two orders that holds (some rows column by column,
    the rest row by row): a block found around a label (:func:`_block_around`) has no printed row to
    pin its order on, where a row's own numbers followed by the rows below it (the long-standing
    rule) reads row by row as pdftotext prints most tables."""
    n, m = len(toks), len(toks) // k
    chunks = [list(toks[j : j + k]) for j in range(0, n, k)]
    readings: list[tuple[list[list[NumToken]], str]] = []
    if all(_total_holds(c) for c in chunks):
        readings.append((chunks, "given to it in template order, its total holds"))
    whole, _ = _transposed(toks, k)
    if whole:
        readings.append((whole, "the block's numbers printed column by column and read transposed, every row's total holds"))
    if own_first and m > 2 and _total_holds(chunks[0]):
        rest, _ = _transposed(toks[k:], k)
        if rest:
            readings.append(([chunks[0], *rest], "the row's own numbers first, then the others' column by column and "
                                                 "read transposed, every row's total holds"))
    if not readings:
        return None
    values = {_texts(rows) for rows, _ in readings}
    if len(values) > 1:
        return None
    alternatives = [_raw_transposed(toks, k)]  # the whole block column by column, whatever its counts
    for q in range(1, m if mixtures else 1):  # the first q rows row by row and the rest column by column, and back
        alternatives += [[*chunks[:q], *_raw_transposed(toks[q * k :], k)], [*_raw_transposed(toks[: q * k], k), *chunks[q:]]]
    for rows in alternatives:
        if len(rows) == m and all(_total_holds(r) for r in rows) and _texts(rows) not in values:
            return None
    return readings[0]


def _texts(rows: Sequence[Sequence[NumToken]]) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(t.text for t in row) for row in rows)


def _raw_transposed(block: Sequence[NumToken], k: int) -> list[list[NumToken]]:
    """``block`` read column by column as rows of ``k``, no questions asked."""
    m = len(block) // k
    return [[block[c * m + r] for c in range(k)] for r in range(m)] if m and not len(block) % k else []


def runs_before_labels(per_row: list[list[NumToken]], placed: list[Placement], k: int) -> None:
    """Table 3 in a text that prints some rows' numbers *before* their labels (PyMuPDF's text blocks
    sorted by position: a row's numbers sit higher than its wrapped label's first line): row ``s``
    then holds its own ``k`` numbers and the next row's, the rows after it each the following row's,
    and row ``e`` none. When every row from ``s + 1`` to ``e - 1`` holds exactly ``k`` numbers, the
    one way to give each of rows ``s`` … ``e`` one run in print order moves every run after ``s``'s
    first down by one row; each run's total must hold. Changes ``per_row`` and ``placed`` in place."""
    n = len(per_row)
    for s in range(n):
        if len(per_row[s]) != 2 * k or placed[s].unreadable is not None:
            continue
        e = s + 1
        while e < n and len(per_row[e]) == k and placed[e].unreadable is None and placed[e].moved is None:
            e += 1
        if e >= n or not _empty(per_row[e]) or placed[e].moved is not None or placed[e].unreadable is not None:
            continue
        runs = [per_row[s][:k], per_row[s][k:], *per_row[s + 1 : e]]
        if not all(_total_holds(run) for run in runs):
            continue
        for i, run in enumerate(runs):
            per_row[s + i] = run
            if i:
                placed[s + i] = Placement(moved="the rows' numbers are printed before their labels (each run after the row "
                                                "above's label): every run moved down one row, so that each row holds one")


def _empty(toks: Sequence[NumToken]) -> bool:
    return all(t.text == BLANK_CELL for t in toks)


def empty_after_surplus(per_row: Sequence[Sequence[NumToken]], placed: list[Placement], k: int) -> None:
    """A row that prints no numbers in a table where some row holds the numbers of two rows or more
    (numbers printed away from their labels and not matched by the rules above), or right after a
    row holding more numbers than cells, is not known to be blank: its numbers may be among those.
    Marks such rows unreadable in ``placed``."""
    for i in range(1, len(per_row)):
        if not per_row[i] and len(per_row[i - 1]) > k and placed[i].unreadable is None:
            placed[i].unreadable = (
                f"the row's label is followed by no number, and the row before it holds {len(per_row[i - 1])} numbers "
                f"for {k} cells: its cells may be among them"
            )
    surplus = next((i for i, toks in enumerate(per_row) if len(toks) >= 2 * k), None)
    if surplus is None:
        return
    for i in range(len(per_row)):
        if not per_row[i] and placed[i].unreadable is None:
            placed[i].unreadable = (
                f"the row's label is followed by no number, and another row holds {len(per_row[surplus])} numbers "
                f"(the cells of several rows printed away from their labels): its cells may be among them"
            )


def _transposed(block: Sequence[NumToken], k: int, proven: bool = False) -> tuple[list[list[NumToken]], bool]:
    """``m`` rows of ``k`` numbers printed column by column (every row's first cell, then every
    row's second …), as rows; the second value says the total column was printed before the last
    (:func:`_total_column`). A block that reads the same both ways and holds (zeros) is read so. Otherwise the
    totals must prove the order: read transposed every row's total holds — or all but one (a
    misprint, which validation then reports) when at least three more fail read row by row — and
    more fail read row by row; and there are counts enough to tell, since a block of zeros holds in
    any order and a block printed row by row with one misprinted total fails in one row: three
    non-zero totals, at least half the rows or three rows failing row by row; or, every total
    holding, one count and two rows failing row by row. When another block of the table was
    ``proven`` to be printed so, fewer failing read transposed than row by row is enough. Else none."""
    m = len(block) // k
    if m < 2 or len(block) % k:
        return [], False
    columns = [list(block[c * m : (c + 1) * m]) for c in range(k)]
    fail_by_rows = sum(1 for r in range(m) if not _total_holds(block[r * k : (r + 1) * k]))
    if not fail_by_rows and all(columns[c][r].text == block[r * k + c].text for r in range(m) for c in range(k)):
        return [[columns[c][r] for c in range(k)] for r in range(m)], False  # both orders read the same, and hold
    found = _total_column(columns)
    if found is None:
        return [], False
    order, fail = found
    if fail_by_rows <= fail or (fail and not proven and fail_by_rows < fail + 3):
        return [], False
    rows = [[columns[c][r] for c in order] for r in range(m)]
    counted = sum(1 for row in rows if row[-1].digits.strip("0"))
    if not proven and not (counted >= 3 and (counted >= (m + 1) // 2 or fail_by_rows >= 3)) and not (
        counted and not fail and fail_by_rows >= 2
    ):
        return [], False
    return rows, order[-1] != k - 1


def _total_column(columns: Sequence[Sequence[NumToken]]) -> tuple[list[int], int] | None:
    """The columns' order that puts the total last, and how many rows' totals fail so: as printed
    when every row's total holds; else the one column that is every row's sum of the others,
    moved last, when every column printed after it is all zeros (pdfminer orders its text boxes by
    position *and size*, and prints a tall 总计 column before 其他: the zeros read the same in
    whichever place they belong); else either with one row's total failing (a misprint); else none."""
    k, m = len(columns), len(columns[0])
    natural = list(range(k))

    def fails(order: list[int]) -> int:
        return sum(1 for r in range(m) if not _total_holds([columns[c][r] for c in order]))

    orders = [natural]
    for t in range(k - 1):
        after = [c for c in range(t + 1, k)]
        if all(not tok.sign and tok.digits.isdigit() and not tok.digits.strip("0") for c in after for tok in columns[c]):
            orders.append([*natural[:t], *after, t])
    failing = [fails(order) for order in orders]
    for allowed in (0, 1):
        for order, n in zip(orders, failing, strict=True):
            if n == allowed:
                return order, n
    return None


def column_major(
    per_row: list[list[NumToken]], placed: list[Placement], k: int, anchors: Sequence[Anchor] = (),
    elsewhere: Sequence[Anchor] = (),
) -> bool:
    """Table 3 printed as a run of labels and then the run's numbers column by column (pdfminer's
    text boxes: every number of a column, top to bottom, then the next column; a page break starts
    a new run). A row holding ``k·m`` numbers after ``m - 1`` rows that print none is read as that
    block transposed — row r gets numbers r, r+m, r+2m, … — when every row's own total then holds
    and the block read row by row does not (:func:`_transposed`: with enough counts to tell; once one
    block is so read, the others of the same text need only their totals). The run's rows must
    follow each other in the template: a row printed ``elsewhere`` (a label out of order) between two
    of them says their numbers were printed after the row above, not column by column. Changes
    ``per_row`` and ``placed`` in place; says whether a block was read so."""
    blocks = []
    for j, toks in enumerate(per_row):
        m = len(toks) // k
        if m >= 2 and not len(toks) % k and j >= m - 1 and not any(per_row[i] for i in range(j - m + 1, j)):
            if anchors and any(anchors[j - m + 1].order < a.order < anchors[j].order for a in elsewhere):
                continue
            blocks.append((j, m))
    proven = False
    for second_pass in (False, True):
        for j, _ in blocks:
            if placed[j].moved is None and (proven or not second_pass):
                rows, total_moved = _transposed(per_row[j], k, proven=second_pass)
                proven = proven or bool(rows)
                m = len(rows)
                how = " with the total column, printed before the zeros of the last, read last" if total_moved else ""
                for r, row in enumerate(rows):
                    per_row[j - m + 1 + r] = row
                    placed[j - m + 1 + r] = Placement(
                        moved=f"the labels of {m} rows were printed first and their numbers after them column by column; "
                              f"read transposed{how}, every row's total holds"
                    )
    return proven


def block_by_columns(
    per_row: list[list[NumToken]], placed: list[Placement], widths: Sequence[int], blocks: Sequence[object]
) -> None:
    """Table 2 in a text that prints a run of labels and then their numbers column by column (table
    3 showed it: :func:`column_major`): a 第二十条 block whose last row holds the ``w·m`` numbers of
    its ``m`` rows of ``w`` cells, the others none, is read transposed — row r gets numbers r, r+m, …
    (``规章`` / ``行政规范性文件`` / ``0 3 0 0 0 8`` is 0 0 0 and 3 0 8). Table 2 has no identity to
    check this by, so it is done only on table 3's proof. Changes ``per_row`` and ``placed`` in place."""
    j = 0
    while j < len(per_row):
        end = j
        while end + 1 < len(per_row) and blocks[end + 1] == blocks[j] and blocks[j] is not None:
            end += 1
        m, w = end - j + 1, widths[j]
        toks = per_row[end]
        if (m >= 2 and all(widths[r] == w for r in range(j, end + 1)) and len(toks) == w * m
                and not any(per_row[r] for r in range(j, end))):
            for r, row in enumerate(_raw_transposed(toks, w)):
                per_row[j + r] = row
                placed[j + r] = Placement(
                    moved=f"the block's {m} labels were printed first and their numbers after them column by column, "
                          f"as table 3 shows the text does: read transposed"
                )
        j = end + 1


def rows_printed_after(per_row: list[list[NumToken]], placed: list[Placement], k: int) -> None:
    """Table 3 whose wrapped labels were printed after the body, in order: a row holding its own
    ``k`` numbers and ``k·m`` more, followed by ``m`` rows that print none (their labels came after
    every number). The surplus is theirs when, read transposed (pdftotext's plain order of narrow
    cells: column by column), every row's total holds and read row by row not (:func:`_transposed`);
    the row's own numbers must hold their total too. Read row by row, chunks whose totals hold say
    nothing of which rows they belong to (a row printed before its label shifts them all by one):
    those rows stay as they are. Changes ``per_row`` and ``placed`` in place."""
    for j, toks in enumerate(per_row):
        m = len(toks) // k - 1
        if m < 2 or len(toks) % k or j + m >= len(per_row) or any(per_row[i] for i in range(j + 1, j + m + 1)):
            continue
        own, rest = toks[:k], toks[k:]
        if not _total_holds(own):
            continue
        rows, _ = _transposed(rest, k)
        if not rows:
            continue
        per_row[j] = own
        for r, row in enumerate(rows):
            per_row[j + 1 + r] = row
            placed[j + 1 + r] = Placement(
                moved=f"the labels of {m} rows were printed after the table body and their numbers after the row above; "
                      f"read transposed (printed column by column), every row's total holds"
            )


_GROUP_OPENERS = {"granted": re.compile(r"三[.、]?本年")}
"""Table 3: the start of the group heading printed before a row's label (三、本年度办理结果 before
（一）予以公开), as a folded label-stream pattern."""


def runs_after_group_heading(
    labels: str, anchors: Sequence[Anchor], per_row: list[list[NumToken]], placed: list[Placement]
) -> None:
    """Table 3 in a text that prints the next row's numbers between its group heading and its label
    (pdftotext of a page whose group cell wraps: ``二、上年结转…数量`` / ``0`` / ``0`` / ``三、本年`` /
    ``26`` / ``26`` / ``度办理结`` / ``（一）予以公开``). The numbers after the heading's start are not the
    row above's cells: a dump that leaves out blank cells would read ``0 0 26 26`` as one row. When
    the row the heading opens prints no number after its label, they are its cells; otherwise
    nothing is moved (the row above then holds too many numbers, which tells the mapping that the
    text is out of order). Changes ``per_row`` and ``placed`` in place."""
    for i in range(len(anchors) - 1):
        opener = _GROUP_OPENERS.get(anchors[i + 1].key)
        toks = per_row[i]
        if opener is None or len(toks) < 2 or placed[i].moved is not None:
            continue
        if per_row[i + 1] or placed[i + 1].moved is not None or placed[i + 1].unreadable is not None:
            continue
        cut = next((j for j in range(1, len(toks)) if opener.search(labels, toks[j - 1].label_pos, toks[j].label_pos)), None)
        if cut is None:
            continue
        per_row[i], per_row[i + 1] = toks[:cut], toks[cut:]
        placed[i + 1] = Placement(moved="the row's numbers are printed after its group's heading and before its own "
                                        "label (the group cell wrapped): given to it, not to the row above")
