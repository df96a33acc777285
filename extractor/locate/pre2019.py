"""Free-form figures of pre-2019 reports (no national template, format.md §7).

Indicator tables (``指标名称 | 计量单位 | 本年度 | 历年累计``) give one figure per labelled row; the
first numeric cell after the label is the year's figure. Prose figures (``主动公开政府信息1234条``)
are kept too. Labels stay as printed: they differ by province and are never forced onto table-3
keys.
"""

from __future__ import annotations

import re

from extractor.document import Document, Paragraph, Table
from extractor.records.models import CellRef, FreeFigure
from extractor.text import CellState, has_cjk, parse_cell

_PROSE = re.compile(r"([\u4e00-\u9fff“”]{2,24}?)[为共计达]{0,2}\s*(\d{1,15}(?:\.\d{1,6})?)(?![\d.])\s*(件|条|次|人次|个|项|万元|元)")
_UNITS = {"件", "条", "次", "人次", "个", "项", "万元", "元", "人", "篇"}


def free_figures(doc: Document, limit: int = 500) -> list[FreeFigure]:
    out: list[FreeFigure] = []
    t_index = -1
    for block in doc.blocks:
        if isinstance(block, Table):
            t_index += 1
            for row in block.rows():
                label = next((c for c in row if has_cjk(c.text) and c.text.strip() not in _UNITS), None)
                if label is None:
                    continue
                unit = next((c.text.strip() for c in row if c.text.strip() in _UNITS), None)
                for c in row:
                    if c.col <= label.col:
                        continue
                    parsed = parse_cell(c.text)
                    if parsed.state in (CellState.NUMBER, CellState.ZERO) and parsed.value is not None:
                        p = c.provenance
                        out.append(FreeFigure.make(key=f"pre2019.{len(out) + 1}", label=label.text, value=parsed.value,
                                              unit=parsed.unit or unit, raw=c.text,
                                              ref=CellRef.make(table=t_index, row=c.row, col=c.col, page=p.page, line=p.line, path=p.path)))
                        break
        elif isinstance(block, Paragraph):
            for m in _PROSE.finditer(block.text):
                num = m.group(2)
                value: int | float = float(num) if "." in num else int(num)
                out.append(FreeFigure.make(key=f"pre2019.{len(out) + 1}", label=m.group(1), value=value, unit=m.group(3),
                                      raw=m.group(0), ref=CellRef.make(line=block.provenance.line, page=block.provenance.page)))
        if len(out) >= limit:
            break
    return out
