"""``ogi diff --html``: one self-contained audit page (inline CSS, no scripts, no network).

The page holds, in order: the organ match and notes; the organ's trend chart when the reports come
from a warehouse (``trend_svg``, drawn by :mod:`extractor.audit.charts`); every finding — errors
first, then warnings, then notes; cross-year before each year's own within a severity — each linked
to its cells (a long list of cells is collapsed after the first few); the cross-year checks; the
changed figures; tables 2, 3 and 4 of both years side by side in the template's shape; and the
section texts' changed sentences, where a rewritten sentence is shown once with the changed words
marked (numbers and Latin words are one word, every Chinese character its own). Cells are anchors named ``<side>-<flat key with dots as dashes>``
(``old-t3-carried_forward-total``); their classes say why they are highlighted: ``changed``,
``fail`` (an error-severity finding), ``warn`` (a warning) and ``only`` (printed in one year only).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

from extractor.diff.compare import t3_layout
from extractor.diff.keys import T2_ITEM_LABELS, col_label, key_label
from extractor.diff.models import ReportDiff, SentenceChange
from extractor.diff.render import fmt_change, fmt_num, fmt_rel
from extractor.diff.text import pair_sentences, word_diff
from extractor.records.models import Figure, Finding, Report, Severity, Table2Row, Table3Row, Table4Group
from extractor.template import (
    T2_COLUMNS_2019,
    T2_COLUMNS_2021,
    T2_ITEM_BY_KEY,
    T3_COLUMNS,
    T3_ROW_BY_KEY,
    T3_ROWS_2019,
    T3_ROWS_2021,
    T4_COLUMN_LABELS,
    T4_COLUMNS,
    T4_GROUPS,
)

CSS = """
body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:1.5em;color:#222;line-height:1.45}
h1{font-size:1.4em;margin:.2em 0}h2{font-size:1.15em;border-bottom:2px solid #ccc;margin-top:1.6em}h3{font-size:1em}
.pair{display:grid;grid-template-columns:1fr 1fr;gap:1.2em}.pair>div{overflow-x:auto}
table{border-collapse:collapse;font-size:12px;margin:.3em 0}td,th{border:1px solid #999;padding:2px 5px;vertical-align:middle}
th{background:#f0f0f0;font-weight:normal}td.num{text-align:right;white-space:nowrap;min-width:2.2em}
td.lbl{max-width:22em}td a{color:inherit;text-decoration:none}
.changed{background:#fff1a8}.only{background:#d7e8ff}.warn{background:#ffe2b8}
.fail{background:#ffc9c9;outline:2px solid #c00;outline-offset:-2px}
.missing{background:repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px)}
:target{outline:3px solid #0a58ca!important;outline-offset:-3px}
.finding.error{color:#a00}.finding.warning{color:#8a5a00}.finding.info{color:#055}
.status-ok{color:#080}.status-failed{color:#c00;font-weight:bold}.status-skipped{color:#8a5a00}
.match-yes{color:#080;font-weight:bold}.match-no{color:#c00;font-weight:bold}
del{background:#ffc4c4;text-decoration:line-through}ins{background:#b9f0b9;text-decoration:none}
.chg{margin:.3em 0 .6em 1em}.chg .old,.chg .new{padding:1px 4px;border-left:3px solid}
.chg .old{background:#fff4f4;border-color:#e08c8c}.chg .new{background:#f2fbf2;border-color:#7cc07c}
.trend svg{max-width:100%;height:auto}details.more{display:inline}details.more summary{display:inline;cursor:pointer;
color:#0a58ca}.badge{background:#c00;color:#fff;border-radius:3px;padding:0 .4em;font-size:.85em}
.legend span{display:inline-block;padding:0 .5em;margin-right:.5em;border:1px solid #999}
.cells a{margin-right:.6em;white-space:nowrap}
"""


def cell_id(side: str, key: str) -> str:
    return f"{side}-{key.replace('.', '-')}"


@dataclass
class Marks:
    """Per cell anchor: highlight classes, tooltip lines and the findings that name it."""

    classes: dict[str, set[str]] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)
    findings: dict[str, list[str]] = field(default_factory=dict)

    def add(self, cid: str, cls: str, title: str = "", finding: str | None = None) -> None:
        self.classes.setdefault(cid, set()).add(cls)
        if title:
            self.titles.setdefault(cid, []).append(title)
        if finding:
            self.findings.setdefault(cid, []).append(finding)


def _side_cells(cells: list[str], default_side: str) -> list[tuple[str, str]]:
    out = []
    for c in cells:
        side, _, key = c.partition(":") if c.startswith(("old:", "new:")) else (default_side, "", c)
        out.append((side, key))
    return out


_SEVERITY_ORDER = {Severity.ERROR: 0, Severity.WARNING: 1, Severity.INFO: 2}
CELLS_SHOWN = 6
"""Cell links shown for a finding before the rest are collapsed (``<details>``, no script)."""


def _all_findings(d: ReportDiff, old: Report, new: Report) -> list[tuple[str, Finding, str]]:
    """(anchor id, finding, scope) for the cross-year findings and each year's own error/warning
    findings, errors first (a stable sort: cross-year before each year's own within a severity)."""
    found: list[tuple[Finding, str]] = [(f, "cross-year") for f in d.findings]
    for side, rep in (("old", old), ("new", new)):
        for f in rep.findings:
            if f.severity is not Severity.INFO:
                f2 = f.model_copy(update={"cells": [f"{side}:{c}" for c in f.cells]})
                found.append((f2, f"within {rep.meta.report_year or side}"))
    found.sort(key=lambda fs: _SEVERITY_ORDER[fs[0].severity])
    return [(f"f-{i}", f, scope) for i, (f, scope) in enumerate(found, start=1)]


def _marked(segments: list[tuple[bool, str]], tag: str) -> str:
    return "".join(f"<{tag}>{escape(t)}</{tag}>" if changed else escape(t) for changed, t in segments)


def sentence_change_html(ch: SentenceChange) -> str:
    """One changed run of sentences: rewritten sentences with the changed words marked, the rest whole."""
    lines = []
    for o, n in pair_sentences(ch.old, ch.new):
        if o is not None and n is not None:
            left, right = word_diff(o, n)
            lines.append(f'<div class="old">{_marked(left, "del")}</div><div class="new">{_marked(right, "ins")}</div>')
        elif o is not None:
            lines.append(f'<div class="old"><del>{escape(o)}</del></div>')
        elif n is not None:
            lines.append(f'<div class="new"><ins>{escape(n)}</ins></div>')
    return f'<div class="chg {ch.op}">{"".join(lines)}</div>'


def _marks(d: ReportDiff, findings: list[tuple[str, Finding, str]]) -> Marks:
    m = Marks()
    yo, yn = d.old.report_year or "old", d.new.report_year or "new"
    for c in d.changed:
        title = f"{yo}: {fmt_num(c.old)} → {yn}: {fmt_num(c.new)} ({fmt_change(c.abs_change)})"
        for side, keys in (("old", c.old_cells), ("new", c.new_cells)):
            for k in keys:
                m.add(cell_id(side, k), "changed", title + (f" — {c.mapped}" if c.mapped else ""))
    for it in (*d.only_old, *d.only_new):
        m.add(cell_id(it.side, it.key), "only", f"only in {it.year or it.side}: {it.reason}")
    for fid, f, _ in findings:
        cls = {Severity.ERROR: "fail", Severity.WARNING: "warn"}.get(f.severity)
        if cls is None:
            continue
        for side, key in _side_cells(f.cells, "new"):
            m.add(cell_id(side, key), cls, f"{f.code}: {f.message}", fid)
    return m


class Renderer:
    def __init__(self, d: ReportDiff, old: Report, new: Report, trend_svg: str | None = None) -> None:
        self.d, self.old, self.new = d, old, new
        self.trend_svg = trend_svg
        self.findings = _all_findings(d, old, new)
        self.marks = _marks(d, self.findings)

    # -- cells ---------------------------------------------------------------------------------------
    def td(self, side: str, key: str, fig: Figure | None, span: int = 1) -> str:
        cid = cell_id(side, key)
        classes = {"num", *self.marks.classes.get(cid, set())}
        if fig is None:
            classes.add("missing")
            text = ""
        elif fig.value is not None:
            text = fmt_num(fig.value)
        else:
            text = "?" if fig.state.value in ("ambiguous", "text") else fig.raw.strip()
        title = [key_label(key)] + ([f"printed: {fig.raw}", f"state: {fig.state.value}"] if fig else ["not found"])
        title += self.marks.titles.get(cid, [])
        inner = escape(text)
        fids = self.marks.findings.get(cid)
        if fids:
            inner = f'<a href="#{fids[0]}">{inner or "∅"}</a>'
        sp = f' colspan="{span}"' if span > 1 else ""
        return (f'<td id="{cid}" class="{" ".join(sorted(classes))}" data-key="{escape(key)}"{sp} '
                f'title="{escape(chr(10).join(title))}">{inner}</td>')

    # -- tables ----------------------------------------------------------------------------------------
    def table2(self, side: str, rep: Report) -> str:
        t2 = rep.table2
        if t2 is None:
            return "<p>table 2 not found</p>"
        layout = T2_COLUMNS_2019 if t2.template == "2019" else T2_COLUMNS_2021
        rows = ['<table class="t2">']
        block = None
        for item, cols in layout.items():
            spec = T2_ITEM_BY_KEY[item]
            if spec.block != block:
                block = spec.block
                rows.append(f'<tr><th colspan="4">第二十条第{escape(block.replace("(", "（").replace(")", "）"))}项</th></tr>')
                rows.append("<tr><th>信息内容</th>" + self._t2_header(item, cols) + "</tr>")
            row = getattr(t2, item)
            label = (row.label if isinstance(row, Table2Row) and row.label else T2_ITEM_LABELS[item])
            cells = []
            for i, col in enumerate(cols):
                fig = getattr(row, col) if isinstance(row, Table2Row) else None
                span = 3 // len(cols) + (3 % len(cols) if i == len(cols) - 1 else 0)
                cells.append(self.td(side, f"t2.{item}.{col}", fig, span))
            rows.append(f'<tr><td class="lbl">{escape(label)}</td>{"".join(cells)}</tr>')
        rows.append("</table>")
        return "\n".join(rows)

    @staticmethod
    def _t2_header(item: str, cols: tuple[str, ...]) -> str:
        out = []
        for i, col in enumerate(cols):
            span = 3 // len(cols) + (3 % len(cols) if i == len(cols) - 1 else 0)
            sp = f' colspan="{span}"' if span > 1 else ""
            out.append(f"<th{sp}>{escape(col_label('t2', col, item))}</th>")
        return "".join(out)

    def table3(self, side: str, rep: Report) -> str:
        t3 = rep.table3
        if t3 is None:
            return "<p>table 3 not found</p>"
        layout = t3_layout(t3) or t3.template
        keys = T3_ROWS_2019 if layout == "2019" else T3_ROWS_2021
        n_results = sum(1 for k in keys if k not in ("new_received", "carried_over", "carried_forward"))
        groups = {"withheld": ("（三）不予公开", 8), "unable": ("（四）无法提供", 3), "rejected": ("（五）不予处理", 5)}
        if "other_no_correction" in keys:
            groups["other"] = ("（六）其他处理", 3)
        rows = ['<table class="t3">',
                '<tr><th rowspan="3" colspan="3">（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）</th>'
                '<th colspan="7">申请人情况</th></tr>',
                '<tr><th rowspan="2">自然人</th><th colspan="5">法人或其他组织</th><th rowspan="2">总计</th></tr>',
                "<tr>" + "".join(f"<th>{x}</th>" for x in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他")) + "</tr>"]
        seen_groups: set[str] = set()
        for key in keys:
            label = T3_ROW_BY_KEY[key].label
            row = getattr(t3, key, None)
            prefix = ""
            if key in ("new_received", "carried_over", "carried_forward"):
                head = f'<td class="lbl" colspan="3">{escape(label)}</td>'
            else:
                if key == "granted":
                    prefix = f'<td class="lbl" rowspan="{n_results}">三、本年度办理结果</td>'
                g = key.split("_")[0] if key != "other" else ""
                if g in groups:
                    if g not in seen_groups:
                        seen_groups.add(g)
                        prefix += f'<td class="lbl" rowspan="{groups[g][1]}">{escape(groups[g][0])}</td>'
                    head = f'<td class="lbl">{escape(label)}</td>'
                else:
                    head = f'<td class="lbl" colspan="2">{escape(label)}</td>'
            cells = "".join(self.td(side, f"t3.{key}.{c}", getattr(row, c) if isinstance(row, Table3Row) else None)
                            for c in T3_COLUMNS)
            rows.append(f"<tr>{prefix}{head}{cells}</tr>")
        rows.append("</table>")
        return "\n".join(rows)

    def table4(self, side: str, rep: Report) -> str:
        t4 = rep.table4
        if t4 is None:
            return "<p>table 4 not found</p>"
        five = "".join(f"<th>{escape(T4_COLUMN_LABELS[c])}</th>" for c in T4_COLUMNS)
        five_rs = "".join(f'<th rowspan="2">{escape(T4_COLUMN_LABELS[c])}</th>' for c in T4_COLUMNS)
        cells = []
        for g in T4_GROUPS:
            group = getattr(t4, g)
            cells += [self.td(side, f"t4.{g}.{c}", getattr(group, c) if isinstance(group, Table4Group) else None)
                      for c in T4_COLUMNS]
        return "\n".join([
            '<table class="t4">',
            '<tr><th colspan="5">行政复议</th><th colspan="10">行政诉讼</th></tr>',
            f'<tr>{five_rs}<th colspan="5">未经复议直接起诉</th><th colspan="5">复议后起诉</th></tr>',
            f"<tr>{five}{five}</tr>",
            f"<tr>{''.join(cells)}</tr>",
            "</table>",
        ])

    # -- page ------------------------------------------------------------------------------------------
    def page(self) -> str:
        d = self.d
        yo, yn = str(d.old.report_year or "old"), str(d.new.report_year or "new")
        title = f"{d.old.organ or '?'} {yo} → {d.new.organ or '?'} {yn}"
        parts = [
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            f"<title>年报对比 {escape(title)}</title><style>{CSS}</style></head><body>",
            f"<h1>{escape(title)}</h1>",
            f'<p id="organ-match">organ: <span class="{"match-yes" if d.organ.matched else "match-no"}">'
            f"{'matched' if d.organ.matched else 'not matched'} ({escape(d.organ.how)})</span> — {escape(d.organ.explanation)}</p>",
            f'<p id="summary">{escape(d.summary())}</p>',
        ]
        if d.notes:
            parts.append("<ul class='notes'>" + "".join(f"<li>{escape(n)}</li>" for n in d.notes) + "</ul>")
        if self.trend_svg:
            parts.append(f'<h2 id="trend">Trend of {escape(d.new.organ or d.old.organ or "the organ")}</h2>'
                         f'<div class="trend">{self.trend_svg}</div>')
        parts.append('<p class="legend"><span class="changed">changed</span><span class="fail">failed check</span>'
                     '<span class="warn">warning</span><span class="only">one year only</span>'
                     '<span class="missing">not found</span></p>')
        parts += self._findings_html(), self._checks_html(), self._changes_html()
        parts.append('<h2 id="tables">Tables</h2>')
        for name, fn in (("表二 主动公开政府信息情况", self.table2), ("表三 收到和处理政府信息公开申请情况", self.table3),
                         ("表四 政府信息公开行政复议、行政诉讼情况", self.table4)):
            parts.append(f"<h3>{name}</h3><div class='pair'><div><h4>{escape(yo)}</h4>{fn('old', self.old)}</div>"
                         f"<div><h4>{escape(yn)}</h4>{fn('new', self.new)}</div></div>")
        parts.append(self._text_html())
        parts.append("</body></html>")
        return "\n".join(parts)

    def _cell_links(self, cells: list[str], default_side: str, *, short: bool = False) -> str:
        links = []
        for side, key in _side_cells(cells, default_side):
            year = self.d.old.report_year if side == "old" else self.d.new.report_year
            text = str(year or side) if short else f"{year or side} {key_label(key)}"
            links.append(f'<a href="#{cell_id(side, key)}" title="{escape(key)}">{escape(text)}</a>')
        if len(links) > CELLS_SHOWN + 2:
            rest = links[CELLS_SHOWN:]
            return ("".join(links[:CELLS_SHOWN]) + f'<details class="more"><summary>+{len(rest)} more</summary>'
                    + "".join(rest) + "</details>")
        return "".join(links)

    def _findings_html(self) -> str:
        out = ['<h2 id="findings">Findings</h2>']
        if not self.findings:
            return out[0] + "<p>none</p>"
        out.append("<ol>")
        for fid, f, scope in self.findings:
            out.append(f'<li id="{fid}" class="finding {f.severity.value}"><b>[{f.severity.value}] {escape(f.code)}</b> '
                       f"({escape(scope)}): {escape(f.message)}"
                       + (f'<div class="cells">cells: {self._cell_links(f.cells, "new")}</div>' if f.cells else "")
                       + "</li>")
        out.append("</ol>")
        return "\n".join(out)

    def _checks_html(self) -> str:
        if not self.d.checks:
            return '<h2 id="checks">Cross-year checks</h2><p>none run (see the notes above)</p>'
        fid_by_expr = {f.expression: fid for fid, f, scope in self.findings if scope == "cross-year"}
        rows = ['<h2 id="checks">Cross-year checks</h2><table class="checks">',
                "<tr><th>code</th><th>subject</th><th>identity</th><th>expected</th><th>actual</th><th>status</th></tr>"]
        for c in self.d.checks:
            status = escape(c.status + (f" ({c.note})" if c.note else ""))
            if c.status == "failed" and c.expression in fid_by_expr:
                status = f'<a href="#{fid_by_expr[c.expression]}">{status}</a>'
            rows.append(f'<tr class="check-{c.status}"><td>{escape(c.code)}</td><td>{escape(c.subject)}</td>'
                        f"<td>{escape(c.expression)}</td><td class='num'>{fmt_num(c.expected)}</td>"
                        f"<td class='num'>{fmt_num(c.actual)}</td><td class='status-{c.status}'>{status}</td></tr>")
        rows.append("</table>")
        return "\n".join(rows)

    def _changes_html(self) -> str:
        d = self.d
        yo, yn = str(d.old.report_year or "old"), str(d.new.report_year or "new")
        out = [f'<h2 id="changes">Changed figures ({len(d.changed)}; {d.unchanged} unchanged)</h2>']
        if d.changed:
            out.append(f"<table class='changes'><tr><th>figure</th><th>{escape(yo)}</th><th>{escape(yn)}</th>"
                       "<th>Δ</th><th>Δ %</th><th>cells</th></tr>")
            for c in d.changed:
                links = self._cell_links([f"old:{k}" for k in c.old_cells] + [f"new:{k}" for k in c.new_cells], "new",
                                         short=not c.mapped)
                out.append(f"<tr><td>{escape(c.label)}{'<br><small>' + escape(c.mapped) + '</small>' if c.mapped else ''}</td>"
                           f"<td class='num'>{fmt_num(c.old)}</td><td class='num'>{fmt_num(c.new)}</td>"
                           f"<td class='num'>{fmt_change(c.abs_change)}</td><td class='num'>{fmt_rel(c.rel_change)}</td>"
                           f"<td class='cells'>{links}</td></tr>")
            out.append("</table>")
        for items in (d.only_old, d.only_new):
            if items:
                out.append(f"<h3>Only in {escape(str(items[0].year or items[0].side))} ({len(items)})</h3><ul>")
                out += [f'<li><a href="#{cell_id(i.side, i.key)}">{escape(i.label)}</a> = {fmt_num(i.value)} — '
                        f"{escape(i.reason)}</li>" for i in items]
                out.append("</ul>")
        return "\n".join(out)

    def _text_html(self) -> str:
        d = self.d
        out = ['<h2 id="text">Section texts</h2>']
        if not d.sections:
            return out[0] + "<p>not compared (see the notes above)</p>"
        if d.text_similarity is not None:
            out.append(f"<p>whole text: similarity {d.text_similarity:.2f}, "
                       f"{d.text_similarity_ignoring_numbers or 0:.2f} with numbers masked"
                       + (' <span class="badge">possible copy of last year\'s report</span>' if d.possible_copy else "")
                       + "</p>")
        for s in d.sections:
            sim = "—" if s.similarity is None else f"{s.similarity:.2f}"
            msk = "—" if s.similarity_ignoring_numbers is None else f"{s.similarity_ignoring_numbers:.2f}"
            badge = ' <span class="badge">possible copy</span>' if s.possible_copy else ""
            out.append(f'<h3 id="section-{s.number}">§{s.number} {escape(s.heading_new or s.heading_old or "")}{badge}</h3>'
                       f"<p>similarity {sim} ({msk} with numbers masked); sentences {s.old_sentences} → {s.new_sentences}"
                       + (f"; {escape(s.note)}" if s.note else "") + "</p>")
            out += [sentence_change_html(ch) for ch in s.changes]
        return "\n".join(out)


def render_html(d: ReportDiff, old: Report, new: Report, *, trend_svg: str | None = None) -> str:
    """The audit page for ``d``; ``old``/``new`` as they were given to :func:`diff_reports`;
    ``trend_svg``: an inline ``<svg>`` chart of the organ's years, shown under the summary."""
    if d.swapped:
        old, new = new, old
    return Renderer(d, old, new, trend_svg).page()
