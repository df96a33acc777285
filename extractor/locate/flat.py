"""Find template rows in text whose tables were flattened (crawler dumps, stripped HTML).

The text is cut into alternating *label* and *number-run* segments. A run belongs to the row
whose label ends right before it. Two traps:

- a detail row's enumerator is glued to the previous row's digits: ``00000002.其他法律…`` is the
  run ``0000000`` followed by the label ``2.其他法律…``, so a digit followed by ``.``/``、`` and a
  CJK character is moved back to the label;
- header words, group labels (``（三）不予公开``) and repeated row-spanned labels
  (``三、本年度办理结果``) appear between rows; a label segment without a run is not a row unless
  it is a known row (then its cells are blank).

Offsets are kept so that every figure still points at its place in the document text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from extractor.locate.hits import Located, RowHit, match_t2_item, match_t3_row, t2_block_in, t2_columns_in
from extractor.records.models import CellRef
from extractor.template import T3_ROWS
from extractor.text import fold

# 1:1 character folding (offsets survive): brackets and enumerator marks to ASCII, digits to ASCII.
_ONE_TO_ONE = str.maketrans(
    {
        "（": "(",
        "）": ")",
        "、": ".",
        "．": ".",
        "－": "-",
        "−": "-",
        "\u3000": " ",
        "\xa0": " ",
        "\t": " ",
        "\r": " ",
        **{chr(0xFF10 + i): str(i) for i in range(10)},
    }
)

_RUN = re.compile(r"(?:-?\d+(?:\.\d+)?(?:万元|亿元|元|笔|件)?[ ,]*)++")
"""Possessive (``++``): nothing follows the run, so no backtracking is lost, and the regex engine
keeps no state per repetition (a greedy ``+`` held ~500 bytes per number: 1 GB for a 3 MB run)."""
_ENUM_AFTER = re.compile(r"\.\s*[\u4e00-\u9fff\"“]")


@dataclass(slots=True)
class Segment:
    label: str
    run: str
    run_start: int


def segments(text: str, start: int, end: int) -> list[Segment]:
    """Label/run pairs in ``text[start:end]`` (a run may be empty)."""
    out: list[Segment] = []
    pos = start
    label_start = start
    while pos < end:
        m = _RUN.search(text, pos, end)
        if m is None:
            break
        run_start, run_end = m.start(), m.end()
        run = m.group(0)
        # Give a trailing enumerator digit back to the next label: "00000002.其他".
        if _ENUM_AFTER.match(text, run_end):
            stripped = run.rstrip()
            if stripped and stripped[-1].isdigit():
                run = stripped[:-1]
                run_end = run_start + len(run)
        # A digit glued to CJK before it that is part of a label word (e.g. "第3项") is rare in the
        # table region; numbers inside labels such as "1.属于" begin a label, handled above.
        label = text[label_start:run_start]
        if run.strip():
            out.append(Segment(label=label, run=run, run_start=run_start))
            label_start = run_end
        pos = max(run_end, m.start() + 1)
    tail = text[label_start:end]
    if tail.strip():
        out.append(Segment(label=tail, run="", run_start=end))
    return out


_T2_START = re.compile(r"第二十条")
_T3_START = re.compile(r"勾稽|钩稽|申请人情况|本年新收政府信息公开申请")
_T4_START = re.compile(r"行政复议[^。]{0,6}行政诉讼[^。]{0,6}结果维持|行政复议\s*行政诉讼")
_T4_HEADER_END = re.compile(r"(维持|纠正|结果|审结|总计|起诉|行政诉讼)")
_AFTER_T4 = re.compile(r"[五六][.、]\s*\S")


_PAGE_NUMBER = re.compile(r"^\s*(?:[-—–]\s*\d{1,3}\s*[-—–]|第\s*\d{1,3}\s*页(?:\s*共\s*\d{1,3}\s*页)?|\d{1,3}\s*/\s*\d{1,3})\s*$")
MIN_LINES_FOR_LINE_MODE = 12
"""A table-3 region with this many line breaks is read line by line (PDF text layers)."""
MIN_FLAT_T3_ROWS = 8
"""Table-3 rows with digits needed before flattened text counts as a table 3 (a 2019 table has 23)."""


def locate_flat_rows(text: str) -> Located:
    """Rows of tables 2–4 in flattened text (``text`` is the document text, any layout)."""
    found = Located()
    t = text.translate(_ONE_TO_ONE)
    t3_m = _T3_START.search(t)
    t4_m = _T4_START.search(t, t3_m.end() if t3_m else 0)
    t2_m = _T2_START.search(t)
    if t2_m is not None:
        t2_end = t3_m.start() if t3_m and t3_m.start() > t2_m.start() else len(t)
        _t2_rows(t, t2_m.start(), t2_end, found)
    if t3_m is not None:
        t3_end = t4_m.start() if t4_m else len(t)
        if t.count("\n", t3_m.start(), t3_end) >= MIN_LINES_FOR_LINE_MODE:
            _t3_rows_by_line(t, t3_m.start(), t3_end, found)
        else:
            _t3_rows(t, t3_m.start(), t3_end, found)
        if sum(1 for h in found.t3 if h.run) < MIN_FLAT_T3_ROWS:
            found.t3.clear()  # a few label words near digits (a file list, a news item) are not a table
    if t4_m is not None:
        _t4_rows(t, t4_m.start(), found)
    for kind in ("t2", "t3", "t4"):
        if getattr(found, kind):
            found.sources[kind] = "text"
    return found


def _t2_rows(t: str, start: int, end: int, found: Located) -> None:
    block: str | None = None
    cols: tuple[str, ...] = ()
    for seg in segments(t, start, end):
        # A segment may hold a block title, a header and a row label: "第二十条第(五)项信息内容…行政许可".
        f = fold(seg.label)
        b = t2_block_in(seg.label)
        if b:
            block = b
            cols = ()
        if "信息内容" in f:
            header_part = seg.label[seg.label.find("信息内容") :] if "信息内容" in seg.label else seg.label
            cols = tuple(t2_columns_in(header_part))
            found.t2_header_words.update(cols)
        elif b:
            found.t2_header_words.update(t2_columns_in(seg.label))
        label = " ".join(seg.label.split())  # layout text pads labels with runs of spaces
        item = match_t2_item(label[-14:])
        if item is None or not seg.run.strip() or block is None or not _t2_label_ok(label, item.label):
            continue
        if any(h.key == item.key for h in found.t2):
            continue  # the first printing is the table; later mentions are narrative
        found.t2.append(
            RowHit(
                kind="t2",
                key=item.key,
                label=label[-14:],
                run=seg.run.strip(),
                run_ref=CellRef(offset=seg.run_start),
                columns=cols,
                block=block or item.block,
            )
        )


_T2_HEADER_PHRASES = re.compile(
    r"第二十条第?\([一二三四五六七八九十]+\)项?|信息内容|本年制发件数|本年废止件数|[现先]行有效件数|(本年)?处理决定数量"
    r"|本年收费金额(\(单位:万元\))?|本年新制作数量|本年新公开数量|对外公开总数量|上一年项目数量|本年增/?减|采购项目数量|采购总金额"
)


def _t2_label_ok(label: str, item_label: str) -> bool:
    """A table row's label is the item name, maybe after a block title and header; not a sentence."""
    f = fold(label)
    last = None
    for m in _T2_HEADER_PHRASES.finditer(f):
        last = m
    rest = f[last.end() :] if last else f
    shortest = min(len(x) for x in item_label.replace(" ", "").split("/"))
    return len(rest) <= shortest + 6


def _t3_rows(t: str, start: int, end: int, found: Located) -> None:
    in_other_group = False
    seen: set[str] = set()
    for seg in segments(t, start, end):
        label = seg.label.strip()
        spec = match_t3_row(label[-60:], in_other_group=in_other_group)
        if spec is None:
            continue
        # The label must end near the core: header words before "一、本年新收…" are fine, but a
        # segment that only mentions a row far from its end is commentary, not a row label.
        if "其他处理" in fold(label) or spec.key.startswith("other_"):
            in_other_group = True
        elif spec.group is not None or spec.key in ("results_total", "carried_forward"):
            in_other_group = False
        if spec.key in seen:
            continue
        seen.add(spec.key)
        found.t3.append(
            RowHit(
                kind="t3",
                key=spec.key,
                label=label[-60:],
                run=seg.run.strip(),
                run_ref=CellRef(offset=seg.run_start),
            )
        )
        # Labels printed with no digits at all before the next label (blank rows) produce a
        # segment whose label holds several rows; recover the earlier ones as blank rows.
        _blank_rows_inside(label, spec.key, seen, found, seg.run_start)


def _rows_in(label: str, has_sub: bool) -> list[str]:
    """Table-3 rows named in a piece of label text, in print order."""
    f = fold(label)
    hits: list[tuple[int, str]] = []
    for spec in T3_ROWS:
        if spec.key == "other_other":
            m = re.search(r"(?:^|\d\.|[)\]])其[他它](?!处理|法律|情形)", f)
            if m and has_sub:
                hits.append((m.start(), spec.key))
            continue
        if spec.key == "other" and has_sub:
            continue  # （六）其他处理 is only the group label when its sub-rows are printed
        for core in spec.cores:
            pos = f.find(core)
            if pos >= 0:
                hits.append((pos, spec.key))
                break
    return [k for _, k in sorted(hits)]


def _t3_rows_by_line(t: str, start: int, end: int, found: Located) -> None:
    """Read a table 3 from text that keeps its lines (a PDF's text layer).

    Consecutive lines without numbers form one label block (labels wrap: ``1、申请人无正当理由逾期不补``
    / ``正、行政机关…``). A run printed on the same line as a label belongs to it. A line of numbers
    alone belongs to the nearest block within a few lines that still lacks numbers — the first row
    of a block below it, the last row of a block above it: PDF text streams print a row's numbers
    above, below or between the lines of a wrapped label.
    """
    region = t[start:end]
    has_sub = bool(re.search(r"逾期不补正|收费通知|缴纳费用", fold(region)))
    blocks: list[tuple[int, int, list[str], int]] = []  # (first line, last line, row keys, offset)
    runs: dict[str, tuple[str, int]] = {}
    orphans: list[tuple[int, str, int]] = []
    pending: list[str] = []
    pending_from = pending_off = 0

    def close(last_line: int) -> None:
        if pending:
            keys = [k for k in _rows_in("".join(pending), has_sub) if k not in runs]
            if keys:
                blocks.append((pending_from, last_line, keys, pending_off))
            pending.clear()

    offset = start
    lines = region.split("\n")
    for ln, line in enumerate(lines):
        if _PAGE_NUMBER.match(line):
            offset += len(line) + 1
            continue  # "- 3 -" between two halves of a table
        segs = segments(t, offset, offset + len(line))
        if not any(seg.run.strip() for seg in segs):
            if not pending:
                pending_from, pending_off = ln, offset
            pending.append(line)
            offset += len(line) + 1
            continue
        # A label that wraps onto the line of its numbers: "1、申请人无正当理由逾期不补" /
        # "正、行政机关不再处理其政府信 67 3 0 0 1 0 71" — read the block and the line's label together.
        carried = "".join(pending)
        if pending and segs[0].label.strip() and [k for k in _rows_in(carried + segs[0].label, has_sub) if k not in runs]:
            pending.clear()
        else:
            close(ln - 1)
            carried = ""
        for i, seg in enumerate(segs):
            keys = [k for k in _rows_in((carried if i == 0 else "") + seg.label, has_sub) if k not in runs]
            if seg.run.strip() and keys:
                if len(keys) > 1:
                    blocks.append((ln, ln, keys[:-1], offset))
                runs[keys[-1]] = (seg.run.strip(), seg.run_start)
            elif seg.run.strip():
                orphans.append((ln, seg.run.strip(), seg.run_start))
            elif keys:
                blocks.append((ln, ln, keys, offset))
        offset += len(line) + 1
    close(len(lines) - 1)
    for ln, run, off in orphans:
        best: tuple[int, int, str] | None = None
        for first, last, keys, _ in blocks:
            free = [k for k in keys if k not in runs]
            if not free:
                continue
            if last < ln and ln - last <= 3:
                cand = (ln - last, 0, free[-1])  # a block above: its last row; preferred on ties
            elif first > ln and first - ln <= 3:
                cand = (first - ln, 1, free[0])
            else:
                continue
            if best is None or cand < best:
                best = cand
        if best is not None:
            runs[best[2]] = (run, off)
    labelled = {k: off for _, _, keys, off in blocks for k in keys}
    for spec in T3_ROWS:
        if spec.key in runs:
            run, off = runs[spec.key]
            found.t3.append(RowHit(kind="t3", key=spec.key, label=spec.label, run=run, run_ref=CellRef(offset=off)))
        elif spec.key in labelled:
            found.t3.append(
                RowHit(kind="t3", key=spec.key, label=spec.label, run="", run_ref=CellRef(offset=labelled[spec.key]))
            )


def _blank_rows_inside(label: str, last_key: str, seen: set[str], found: Located, offset: int) -> None:
    f = fold(label)
    order = [r.key for r in T3_ROWS]
    hits: list[tuple[int, str]] = []
    for spec in T3_ROWS:
        if spec.key in seen or spec.key == last_key:
            continue
        for core in spec.cores:
            pos = f.find(core)
            if pos >= 0:
                hits.append((pos, spec.key))
                break
    fee = max(f.find("收费通知"), f.find("缴纳费用"))
    if fee >= 0 and "other_other" not in seen and last_key != "other_other":
        m = re.search(r"(\d\.)?其[他它](?!处理)", f[fee:])
        if m:
            hits.append((fee + m.start(), "other_other"))
    for _, key in sorted(hits, key=lambda h: order.index(h[1])):
        if key == "other" and any(k.startswith("other_") for _, k in hits):
            continue
        seen.add(key)
        found.t3.insert(
            len(found.t3) - 1,
            RowHit(kind="t3", key=key, label=key, run="", run_ref=CellRef(offset=offset)),
        )


def _t4_rows(t: str, start: int, found: Located) -> None:
    after = _AFTER_T4.search(t, start + 10)
    end = after.start() if after else min(len(t), start + 4000)
    for seg in segments(t, start, end):
        if not _T4_HEADER_END.search(fold(seg.label)[-8:]):  # "尚未 审结 总 计": spaced out in PDF text
            continue
        if sum(ch.isdigit() for ch in seg.run) >= 5:
            found.t4.append(RowHit(kind="t4", key="data", run=seg.run.strip(), run_ref=CellRef(offset=seg.run_start)))
            return
