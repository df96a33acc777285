"""The same report in the text layouts that crawlers, converters and copy-paste produce.

Each layout is a function ``(report, variant, rng) -> str`` over the logical document of
:mod:`.layout`. Layouts differ only in where they put line breaks and spaces — which is exactly
what a layout-independent reader must not depend on:

========================  =====================================================================
``cell_lines``            one cell per line (LF); labels as printed
``cell_lines_crlf``       one cell per line, CRLF; brackets, enumerators and header words broken
                          onto lines of their own (``(`` / ``一`` / ``)`` / ``予以公开``)
``tab_rows``              a row per line, cells separated by tabs
``csv_rows``              a row per line as a CSV record (Excel's export): quoted cells, numbers
                          with thousands separators (``"1,234"``)
``space_rows``            a row per line, cells separated by runs of spaces
``pipe_rows``             seed-style ``a | b |`` rows
``wrapped``               pdftotext: labels wrapped at a few characters, each row's numbers on
                          one line above, between or below its label lines; 本年度办理结果 printed
                          down the side one character per line
``paged``                 space rows with running page headers, page numbers (``— 3 —``) and the
                          section-5 heading printed before table 4 as well
``glued``                 everything on one line, adjacent cells' digits run together (the 平潭
                          page.txt dumps: every cell prints a number, blanks and placeholders as 0)
``glued_mixed``           the same with placeholders and blank cells left as printed (``570/0057``)
``dropped``               one cell per line, blank cells left out and consecutive equal lines
                          merged (the 莆田 crawler)
``split_numbers``         one cell per line, some numbers broken over two lines (``1`` / ``62``,
                          ``851`` / ``.`` / ``776247``), signs and units on lines of their own
``one_line``              the whole page on one line, blocks and cells separated by a space, a
                          tab or a no-break space, a navigation bar with ``|`` first (a crawler's
                          ``get_text(" ")`` or lxml's ``text_content()``)
``column_order``          pdftotext's default reading order, one cell per line: the one row
                          of a table-2 block prints its number before its label; runs of table-3 rows
                          whose labels wrap print their numbers right after the row above and
                          their labels after the table body; a block of rows prints its numbers
                          column by column after the one label among them that does not wrap
``docx_text``             the report as a Word file, dumped by the usual python-docx script: a
                          paragraph per line, a table row per line with its cells' texts joined
                          by tabs — merged cells repeated in every column they span, and a cell's
                          own line breaks kept, so one row runs over several lines
``tag_stripped``          an HTML page's tags removed by a regular expression, one cell per line:
                          character references left as they are (a blank cell ``&nbsp;``,
                          ``&ldquo;``, ``&#12288;`` between words, ``&nbsp;`` after values)
``span_split``            a row per line, some numbers printed as two space-separated pieces
                          (``2 0`` for 20: a cell whose digits sit in two ``<span>`` elements,
                          read with ``get_text(" ")``)
``blank_lines``           one cell per line, a blank cell an empty line (LibreOffice's and Word's
                          text export of a table, docx2txt)
``by_position``           ``pdftotext -layout``: a row per line, each number under its column and
                          a blank cell printed as spaces; wrapped labels, a page break with columns
                          elsewhere, long numbers wrapped in their narrow cells
``md_scrambled``          a PDF converted to markdown: ``|`` rows; some table-3 rows' labels printed
                          apart (a row of values alone) or cut to a piece naming no row; some table-2
                          rows short of a middle cell printed apart
``text_boxes``            pdfminer's ``extract_text()``: a text box per cell or per run of a
                          column's cells, boxes apart by an empty line; a table-2 block's labels,
                          then its numbers column by column; table 3 likewise per page (a page
                          break, ``- 3 -`` and a form feed, cuts it in two), the 总计 column
                          sometimes printed before a 其他 column of zeros
========================  =====================================================================

:data:`LOSSLESS` layouts print every cell, so every figure must be read exactly. The others lose
information a reader can only sometimes recover (from the identities): there no figure may be
*wrong*, and every figure not read must be marked ambiguous — as long as the report's own totals
hold and it prints its 总计 column (:func:`identities_hold`). A lossy printing of a report whose
printed totals are wrong can be misread, since the identities are then false evidence; and a
glued run that loses a blank cell at its edge cannot be told from one that never had it
(``glued_mixed`` is measured, not asserted).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterator

from .layout import LCell, LTable, Para, document
from .model import GenReport
from .render_text import render_pipe
from .variants import Variant

Layout = Callable[[GenReport, Variant, random.Random], str]

_PLACEHOLDER_INSTEAD_OF_BLANK = ("slash", "dash", "none_word")


def printable(rep: GenReport, rng: random.Random) -> GenReport:
    """The report with blank cells written as a placeholder: layouts that print nothing for a blank
    cell (one cell per line, space rows) cannot show where it was."""
    states = {k: (rng.choice(_PLACEHOLDER_INSTEAD_OF_BLANK) if s == "blank" else s) for k, s in rep.states.items()}
    out = GenReport(**{**rep.__dict__, "states": states})
    return out


def _cell_text(rep: GenReport, cell: LCell, rng: random.Random, *, signs: bool = True) -> str:
    """A value cell as printed; 2019 本年增/减 cells with the signs reports use (+3, 增3, -3, 减3)."""
    text = cell.text
    if signs and cell.key and cell.key.endswith(".change") and rep.states.get(cell.key) == "number":
        v = rep.figures[cell.key]
        if v > 0:
            text = rng.choice((f"+{v}", f"增{v}", f"＋{v}", str(v)))
        else:
            text = rng.choice((f"-{-v}", f"减{-v}", f"－{-v}"))
    return text


def _blocks(rep: GenReport, v: Variant) -> list[Para | LTable]:
    return document(rep, v)


def _rows(t: LTable) -> list[list[LCell]]:
    return [[c for _, c in row] for row in t.rows]


def _tables(rep: GenReport, v: Variant, out: list[str]) -> Iterator[list[list[LCell]]]:
    """The document's tables as rows, each paragraph before them appended to ``out`` as a line."""
    for b in _blocks(rep, v):
        if isinstance(b, Para):
            out.append(b.text)
        else:
            yield _rows(b)


def _lines(rep: GenReport, v: Variant, row_lines: Callable[[list[LCell]], list[str]]) -> list[str]:
    """The document as lines: each paragraph one line, each table row as ``row_lines`` prints it."""
    out: list[str] = []
    for b in _blocks(rep, v):
        if isinstance(b, Para):
            out.append(b.text)
        else:
            for row in _rows(b):
                out.extend(row_lines(row))
    return out


def _value_or_label(rep: GenReport, c: LCell, rng: random.Random) -> str:
    return _cell_text(rep, c, rng) if c.kind == "value" else c.text


def _join(lines: list[str], crlf: bool = False) -> str:
    return ("\r\n" if crlf else "\n").join(lines) + ("\r\n" if crlf else "\n")


def cell_lines(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)
    return _join(_lines(rep, v, lambda row: [x for c in row for x in _value_or_label(rep, c, rng).split("\n") if x.strip()]))


_BREAKABLE = re.compile(r"([（(][一二三四五六七八九十]+[）)])|^(\d[.、．])")


def _broken_label(text: str, rng: random.Random) -> list[str]:
    """``（一）予以公开`` → ``(``, ``一``, ``)``, ``予以公开``; ``1.属于…`` → ``1.``, ``属于…`` (三明)."""
    out: list[str] = []
    for part in text.split("\n"):
        m = _BREAKABLE.search(part)
        if m and m.group(1) and rng.random() < 0.8:
            inner = m.group(1)[1:-1]
            head, tail = part[: m.start()], part[m.end() :]
            out.extend(x for x in (head, "(", inner, ")", tail) if x)
        elif m and m.group(2) and rng.random() < 0.8:
            out.extend(x for x in (m.group(2), part[m.end() :]) if x)
        elif 3 <= len(part) <= 6 and not re.match(r"\d", part) and rng.random() < 0.3:
            out.extend(part)  # a header word one character per line (自 / 然 / 人)
        else:
            out.append(part)
    return out


def cell_lines_crlf(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)

    def row_lines(row: list[LCell]) -> list[str]:
        out: list[str] = []
        for c in row:
            out.extend([_cell_text(rep, c, rng)] if c.kind == "value" else [x for x in _broken_label(c.text, rng) if x.strip()])
        return out

    return _join(_lines(rep, v, row_lines), crlf=True)


def _row_line(rep: GenReport, row: list[LCell], rng: random.Random, sep: Callable[[], str]) -> str:
    parts = [(_cell_text(rep, c, rng) if c.kind == "value" else c.text.replace("\n", "")) for c in row]
    return sep().join(parts)


def tab_rows(rep: GenReport, v: Variant, rng: random.Random) -> str:
    def row_lines(row: list[LCell]) -> list[str]:
        cells = [_value_or_label(rep, c, rng).replace("\n", "") for c in row]
        return ["\t".join(cells + [""] * max(0, 3 - len(cells)))]

    return _join(_lines(rep, v, row_lines))


def csv_rows(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """Each table row as a CSV record (Excel's or ``to_csv``'s export), paragraphs as lines; some
    numbers with thousands separators, quoted (``"1,234"``), some cells quoted anyway."""
    import csv
    import io

    def row_lines(row: list[LCell]) -> list[str]:
        cells = [_value_or_label(rep, c, rng).replace("\n", "") for c in row]
        cells = [f"{int(c):,}" if c.isdigit() and len(c) > 3 and rng.random() < 0.5 else c for c in cells]
        buf = io.StringIO()
        csv.writer(buf, quoting=csv.QUOTE_ALL if rng.random() < 0.2 else csv.QUOTE_MINIMAL, lineterminator="").writerow(cells)
        return [buf.getvalue()]

    return _join(_lines(rep, v, row_lines))


def space_rows(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)
    return _join(_lines(rep, v, lambda row: [_row_line(rep, row, rng, lambda: " " * rng.choice((1, 1, 2, 4)))]))


def pipe_rows(rep: GenReport, v: Variant, rng: random.Random) -> str:
    return render_pipe(rep, v)


def wrapped(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """pdftotext of a PDF table: wrapped labels, the numbers on one line centred on the label."""
    rep = printable(rep, rng)
    side = list("三、本年度办理结果")
    width = rng.choice((7, 9, 12))

    def row_lines(row: list[LCell]) -> list[str]:
        labels = [c.text.replace("\n", "") for c in row if c.kind != "value" and c.text.strip()]
        values = [_cell_text(rep, c, rng) for c in row if c.kind == "value"]
        chunks = _wrap("".join(x for x in labels if x != "三、本年度办理结果"), width)
        if not values:
            return chunks
        nums = " ".join(values)
        where = rng.choice(("same", "above", "between", "below")) if len(chunks) > 1 else rng.choice(("same", "same", "above"))
        if where == "same":
            block = [*chunks[:-1], chunks[-1] + " " + nums] if len(chunks) == 1 else [chunks[0] + " " + nums, *chunks[1:]]
        elif where == "above":
            block = [nums, *chunks]
        elif where == "between":
            block = [chunks[0], nums, *chunks[1:]]
        else:
            block = [*chunks[:1], nums, *chunks[1:]] if len(chunks) > 2 else [*chunks, nums]
        if side and any(c.key and c.key.startswith("t3.") and ".new_received." not in c.key and ".carried_over." not in c.key
                        for c in row) and rng.random() < 0.5:
            block = [side.pop(0) + " " + block[0], *block[1:]] if block[0] != nums else [side.pop(0), *block]
        return block

    return _join(_lines(rep, v, row_lines))


def _wrap(label: str, width: int) -> list[str]:
    """Cut a label into lines of ``width`` characters, never between an enumerator and its dot."""
    chunks = [label[i : i + width] for i in range(0, len(label), width)] or [""]
    for i in range(len(chunks) - 1):
        head = chunks[i].rstrip()
        if head[-1:].isdigit() and chunks[i + 1].lstrip()[:1] in ".、．":
            chunks[i], chunks[i + 1] = head[:-1], head[-1] + chunks[i + 1].lstrip()
        elif re.search(r"\d\s*[.、．]\s*$", head):  # an enumerator starts the next line, not ends this one
            cut = re.search(r"\d\s*[.、．]\s*$", head)
            assert cut is not None
            chunks[i], chunks[i + 1] = head[: cut.start()], head[cut.start() :].replace(" ", "") + chunks[i + 1].lstrip()
    return [c for c in chunks if c] or [""]


def paged(rep: GenReport, v: Variant, rng: random.Random) -> str:
    text = space_rows(rep, v, rng)
    lines = text.splitlines()
    header = f"{rep.organ}{rep.year}年政府信息公开工作年度报告"
    out: list[str] = []
    page = 1
    for i, line in enumerate(lines):
        out.append(line)
        if i > 3 and i % rng.choice((9, 13, 17)) == 0:
            page += 1
            out.extend(rng.choice(([f"— {page} —", header], [f"- {page} -"], [f"第{page}页", header], [header])))
        if line.startswith("四、") and "行政复议" in line and rng.random() < 0.7:
            out.append("五、存在的主要问题及改进情况")  # the next heading printed early (a Word section break)
    return _join(out)


def numbers_only(rep: GenReport) -> GenReport:
    """The report with every placeholder and blank cell printed as 0."""
    states = {k: (s if s in ("number", "zero") else "zero") for k, s in rep.states.items()}
    return GenReport(**{**rep.__dict__, "states": states})


def identities_hold(rep: GenReport) -> bool:
    """No deliberately broken identity and a printed 总计 column: what lossy layouts rely on."""
    return not rep.broken and not rep.blank_totals


def glued(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """Tags stripped without separators (平潭 page.txt): every cell prints digits."""
    return glued_mixed(numbers_only(rep), v, rng)


def glued_mixed(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """Tags stripped without separators, placeholders glued too; a blank cell (``&nbsp;``) leaves a space."""
    def row_lines(row: list[LCell]) -> list[str]:
        return ["".join(((_cell_text(rep, c, rng, signs=False) or " ") if c.kind == "value" else c.text.replace("\n", "")) for c in row)]

    return "".join(_lines(rep, v, row_lines)) + "\n"


def dropped(rep: GenReport, v: Variant, rng: random.Random) -> str:
    lines = _lines(rep, v, lambda row: [x for c in row for x in _value_or_label(rep, c, rng).split("\n") if x.strip()])
    merged = [x for i, x in enumerate(lines) if i == 0 or x != lines[i - 1]]
    return _join(merged)


def split_numbers(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)

    def cell_lines_of(c: LCell) -> list[str]:
        if c.kind != "value":
            return [x for x in c.text.split("\n") if x.strip()]
        text = _cell_text(rep, c, rng)
        m = re.fullmatch(r"([增减]?)(\d+)(\.\d+)?(元)?", text)
        if not (m and (m.group(3) or len(m.group(2)) >= 2) and rng.random() < 0.35):
            return [text]
        sign, ip, fp, unit = m.group(1), m.group(2), m.group(3) or "", m.group(4) or ""
        if fp:
            pieces = [ip, ".", fp[1:]]
        else:
            cut = rng.randint(1, len(ip) - 1)
            pieces = [ip[:cut], ip[cut:]]
        return [*([sign] if sign else []), *pieces, *([unit] if unit else [])]

    return _join(_lines(rep, v, lambda row: [x for c in row for x in cell_lines_of(c)]))


def one_line(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)
    seps = (" ", " ", "\xa0", "\t")
    nav = " | ".join(("首页", "政务公开", "政府信息公开", "政府信息公开年报"))
    parts = [nav]
    for line in _lines(rep, v, lambda row: [_row_line(rep, row, rng, lambda: rng.choice(seps))]):
        parts.append(line)
    return "".join(p + rng.choice(seps) for p in parts).rstrip() + "\n"


def _only_row_of_block(rows: list[list[LCell]], i: int) -> bool:
    """Table 2: row i is the one item row of its 第二十条 block (header above, a title or the end below)."""
    header_above = i > 0 and any(c.kind == "header" for c in rows[i - 1])
    return header_above and (i + 1 == len(rows) or any(c.kind == "title" for c in rows[i + 1]))


def _block_after_one_label(rows: list[list[LCell]], rng: random.Random) -> tuple[int, int, int] | None:
    """Table 3 rows ``s … s+m-1`` (each a label cell and its values, no group label) whose numbers
    pdftotext prints column by column after the label of row ``s+p``, the one that does not wrap."""
    plain = [i for i, row in enumerate(rows) if sum(c.kind != "value" for c in row) == 1
             and any(c.kind == "value" for c in row) and 3 < i < len(rows) - 3]
    runs = [i for i in plain if all(j in plain for j in range(i, i + 2))]
    if not runs or rng.random() < 0.5:
        return None
    s = rng.choice(runs)
    m = 2
    while m < 4 and s + m in plain:
        m += 1
    return s, m, rng.randrange(m)


def column_order(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)
    out: list[str] = []
    for rows in _tables(rep, v, out):
        t3 = any(c.key and c.key.startswith("t3.") for row in rows for c in row)
        late: list[str] = []
        block = _block_after_one_label(rows, rng) if t3 else None
        for i, row in enumerate(rows):
            labels = [x for c in row if c.kind != "value" for x in c.text.split("\n") if x.strip()]
            values = [_cell_text(rep, c, rng) for c in row if c.kind == "value"]
            if block is not None and block[0] <= i < block[0] + block[1]:
                s, m, p = block
                if i == s + p:  # the one label that does not wrap, then the block's numbers by column
                    out.extend(labels)
                    cols = [[_cell_text(rep, c, rng) for c in rows[r] if c.kind == "value"] for r in range(s, s + m)]
                    out.extend(cols[r][c] for c in range(len(cols[0])) for r in range(m))
                if i != s + p:
                    late.extend(labels)
                continue
            after_block = block is not None and i == block[0] + block[1]
            # (a row right after a block is not printed late: one label's numbers are then all in one
            # order, row by row or column by column, never half of each — docs/aligner.md, "What it
            # cannot do")
            if t3 and values and i > 3 and i < len(rows) - 3 and not after_block and rng.random() < 0.25:
                late.extend(labels)  # the label cell is read after the table body
                out.extend(values)
            elif not t3 and len(values) == 1 and _only_row_of_block(rows, i) and rng.random() < 0.7:
                out.extend([*values, *labels])
            else:
                out.extend([*labels, *values])
        out.extend(late)
    return _join(out)


def docx_text(rep: GenReport, v: Variant, rng: random.Random) -> str:
    import io

    import docx
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    from .render_docx import render_docx

    d = docx.Document(io.BytesIO(render_docx(rep, v)))
    lines: list[str] = []
    for child in d.element.body.iterchildren():
        if child.tag == qn("w:p"):
            lines.append(Paragraph(child, d).text)
        elif child.tag == qn("w:tbl"):
            lines.extend("\t".join(c.text for c in row.cells) for row in Table(child, d).rows)
    return _join(lines)


def tag_stripped(rep: GenReport, v: Variant, rng: random.Random) -> str:
    def cell(c: LCell) -> list[str]:
        if c.kind != "value":
            text = c.text.replace("“", "&ldquo;").replace("”", "&rdquo;").replace("、", rng.choice(("、", "&#12289;")))
            return [x for x in text.split("\n") if x.strip()]
        text = _cell_text(rep, c, rng)
        return [(text + rng.choice(("", "&nbsp;"))) if text else "&nbsp;"]

    return _join(_lines(rep, v, lambda row: [x for c in row for x in cell(c)]))


def blank_lines(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """LibreOffice's and Word's text export of a table: one cell per line, a blank cell an empty
    line, and now and then an empty line after a row."""
    def row_lines(row: list[LCell]) -> list[str]:
        out: list[str] = []
        for c in row:
            if c.kind == "value":
                out.append(_cell_text(rep, c, rng).strip())
            else:
                out.extend(x for x in c.text.split("\n") if x.strip())
        if rng.random() < 0.5:
            out.append("")
        return out

    return _join(_lines(rep, v, row_lines))


def span_split(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)

    def piece(c: LCell) -> str:
        text = _cell_text(rep, c, rng) if c.kind == "value" else c.text.replace("\n", "")
        if c.kind == "value" and re.fullmatch(r"[1-9]\d+", text) and rng.random() < 0.25:
            cut = rng.randint(1, len(text) - 1)
            if text[cut] != "0":  # "1 05" would read as 1 and a 05 no cell prints
                return text[:cut] + " " + text[cut:]
        return text

    return _join(_lines(rep, v, lambda row: [" ".join(piece(c) for c in row)]))


def by_position(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """``pdftotext -layout`` of a PDF table: every row's numbers on one line, each under its column
    (left-, right- or centre-aligned in a field of its own), a blank cell printed as spaces; labels
    wrapped at a few characters, the numbers beside the first or the middle label line; a row now
    and then a character off its columns; table 3 broken over a page (a form feed) whose columns
    sit elsewhere; a long number now and then wrapped in its narrow cell, its rest on the next line
    under its first digits."""
    label_w = rng.choice((8, 10, 14))
    align = rng.choice(("left", "right", "centre"))
    middle = rng.random() < 0.5

    def fields(row_values: list[list[str]]) -> list[int]:
        k = max((len(r) for r in row_values), default=0)
        widths = [max((len(r[i]) for r in row_values if i < len(r)), default=1) for i in range(k)]
        return [w + rng.choice((1, 2, 3)) for w in widths]

    def place(text: str, width: int) -> str:
        if align == "left":
            return text.ljust(width)
        if align == "right":
            return text.rjust(width - 1) + " "
        return text.center(width - 1) + " "  # a cell's padding keeps it apart from the next

    out: list[str] = []
    for rows in _tables(rep, v, out):
        values = [[_cell_text(rep, c, rng) for c in row if c.kind == "value"] for row in rows]
        widths = fields(values)
        page_at = len(rows) // 2 if any(c.key and c.key.startswith("t3.") for row in rows for c in row) and rng.random() < 0.5 else -1
        for i, (row, vals) in enumerate(zip(rows, values, strict=True)):
            if i == page_at:
                out.append("\f" + f"— {rng.randint(2, 5)} —")
                widths = [w + rng.choice((0, 1, 2)) for w in fields(values[i:])]
            labels = [c.text.replace("\n", "") for c in row if c.kind != "value"]
            label = "".join(labels)
            chunks = _wrap(label, label_w) if label else [""]
            # a group label's cell is a column of its own: the row's numbers sit beside the row's own label
            head = labels[-1].replace(" ", "")[:2] if labels else ""
            own = next((j for j, c in enumerate(chunks) if head in c.replace(" ", "")), 0) if len(labels) > 1 else 0
            if not vals:
                out.extend(chunks)
                continue
            drift = rng.choice((0, 0, 0, 1))
            body, rest = "", ""
            for text, w in zip(vals, widths, strict=False):
                cut = rng.randint(1, len(text) - 1) if re.fullmatch(r"[1-9]\d{2,}", text) and len(vals) > 1 and rng.random() < 0.1 else 0
                if cut and text[cut] == "0":
                    cut = 0
                shown = text[:cut] if cut else text
                cell = place(shown, w)
                if cut:  # the rest under the first digits, on the next line
                    rest = rest.ljust(len(body) + cell.index(shown)) + text[cut:]
                body += cell
            line_at = max(own, len(chunks) // 2 if middle else 0)
            field = max(label_w, *(len(c) for c in chunks))  # a long label line pushes the row's numbers right
            lines = [c.ljust(field) for c in chunks]
            if rest:
                lines += [" " * field] * max(0, line_at + 2 - len(lines))
                lines[line_at + 1] = lines[line_at + 1] + "  " + " " * drift + rest
            lines[line_at] = lines[line_at] + "  " + " " * drift + body.rstrip()
            out.extend(x.rstrip() for x in lines)
    return _join(out)


def text_boxes(rep: GenReport, v: Variant, rng: random.Random) -> str:
    rep = printable(rep, rng)
    out: list[str] = []
    page = rng.randint(2, 4)

    def boxes(texts: list[str]) -> None:
        """Each text a box, or run on in the box before (a column's cells read as one box)."""
        for i, t in enumerate(texts):
            if i and rng.random() < 0.6:
                out[-1] += "\n" + t
            else:
                out.append(t)

    def by_columns(labels: list[str], values: list[list[str]], total_first: bool = False) -> None:
        out.extend(labels)
        width = len(values[0]) if values else 0
        order = list(range(width))
        if total_first and width == 7 and all(row[5] == "0" for row in values):
            order = [0, 1, 2, 3, 4, 6, 5]
        for c in order:
            boxes([row[c] for row in values])

    for rows in _tables(rep, v, out):
        keys = [c.key for row in rows for c in row if c.key]
        if keys and keys[0].startswith("t4."):
            out.extend(x for row in rows for c in row if c.kind != "value" for x in c.text.split("\n"))
            boxes([_cell_text(rep, c, rng) for row in rows for c in row if c.kind == "value"])
            continue
        t3 = bool(keys) and keys[0].startswith("t3.")
        value_rows = [i for i, row in enumerate(rows) if any(c.kind == "value" for c in row)]
        cut = value_rows[rng.randint(5, len(value_rows) - 4)] if t3 and len(value_rows) > 10 and rng.random() < 0.8 else None
        labels: list[str] = []
        values: list[list[str]] = []
        for i, row in enumerate(rows):
            texts = [c.text for c in row if c.kind != "value"]
            vals = [_cell_text(rep, c, rng) for c in row if c.kind == "value"]
            opens = any(c.kind == "title" for c in row) or i == cut
            if opens or (not vals and values):
                by_columns(labels, values, t3 and rng.random() < 0.5)
                labels, values = [], []
                if i == cut:
                    out.append(f"- {page} -\n\f")
                    page += 1
            if vals:
                labels.extend(texts)
                values.append(vals)
            else:
                out.extend(texts)
        by_columns(labels, values, t3 and rng.random() < 0.5)
    return "\n\n".join(x for x in out if x.strip()) + "\n"


def _unmatched_piece(label: str) -> str | None:
    """A piece of a table-3 label that names no template row (what a converter leaves in the row
    when the rest of a wrapped label is printed apart): its longest such tail or head."""
    from extractor.locate.hits import match_t3_row

    flat = label.replace("\n", "")
    for n in range(len(flat) - 1, 3, -1):
        for piece in (flat[-n:], flat[:n]):
            if match_t3_row(piece) is None and not re.search(r"其他|其它", piece):
                return piece
    return None


def md_scrambled(rep: GenReport, v: Variant, rng: random.Random) -> str:
    """A PDF's tables converted to markdown (the 上海 reports in the LLM peer's fixtures): a row per
    line, ``|``-separated origin cells; some table-3 rows print their label apart, as text above a
    row of values alone (a new markdown table starts after it), or keep only a piece of a wrapped
    label that names no template row; some table-2 rows print a middle cell apart, above the row,
    which is then short of its block's columns (only where another cell still prints something: a
    short row of blank cells reads exactly like a ragged row of blank cells in ``pipe_rows``)."""
    lines: list[str] = []

    def table_row(cells: list[str]) -> None:
        if not lines or not lines[-1].startswith("|"):
            lines.append("| " + " | ".join(cells) + " |")
            lines.append("|" + "---|" * len(cells))
        else:
            lines.append("| " + " | ".join(cells) + " |")

    for b in _blocks(rep, v):
        if isinstance(b, Para):
            lines += ["", b.text, ""]
            continue
        for row in _rows(b):
            labels = [c.text.replace("\n", "") for c in row if c.kind != "value"]
            values = [_cell_text(rep, c, rng, signs=False) for c in row if c.kind == "value"]
            keys = [c.key for c in row if c.kind == "value" and c.key]
            t3 = bool(keys) and all(k.startswith("t3.") for k in keys)
            t2 = bool(keys) and all(k.startswith("t2.") for k in keys) and len(values) == 3
            roll = rng.random()
            if t3 and roll < 0.12:
                lines += ["", *labels, ""]  # the label printed as text; the values a table of their own
                table_row(values)
            elif t3 and roll < 0.2 and labels and (piece := _unmatched_piece(labels[-1])) is not None:
                table_row([*labels[:-1], piece, *values])
            elif t2 and roll < 0.3 and values[1].strip() and (values[0].strip() or values[2].strip()):
                lines += ["", values[1], ""]  # a cell holding a note, printed apart
                table_row([*labels, values[0], values[2]])
            else:
                table_row([*labels, *values])
    return _join(lines)


LAYOUTS: dict[str, Layout] = {
    "cell_lines": cell_lines,
    "cell_lines_crlf": cell_lines_crlf,
    "tab_rows": tab_rows,
    "space_rows": space_rows,
    "pipe_rows": pipe_rows,
    "wrapped": wrapped,
    "paged": paged,
    "glued": glued,
    "glued_mixed": glued_mixed,
    "dropped": dropped,
    "split_numbers": split_numbers,
    "one_line": one_line,
    "column_order": column_order,
    "docx_text": docx_text,
    "tag_stripped": tag_stripped,
    "span_split": span_split,
    "blank_lines": blank_lines,
    "by_position": by_position,
    "text_boxes": text_boxes,
    "csv_rows": csv_rows,
    "md_scrambled": md_scrambled,
}
LOSSLESS = frozenset(
    {"cell_lines", "cell_lines_crlf", "tab_rows", "space_rows", "pipe_rows", "wrapped", "paged", "one_line", "tag_stripped",
     "csv_rows"}
)
MEASURED_ONLY = frozenset({"glued_mixed"})


def render_layout(name: str, rep: GenReport, v: Variant, seed: int = 0) -> str:
    return LAYOUTS[name](rep, v, random.Random(seed * 1009 + sum(map(ord, name))))
