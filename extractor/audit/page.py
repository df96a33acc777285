"""``ogi audit DB --html FILE``: the overview page — one self-contained file.

Inline CSS and inline SVG only: no script, no font, no image, nothing fetched; it reads offline and
prints. In order: the summary; the coverage matrix (organ × year, coloured by the extraction
status, with the score; a year without a report is hatched); the score distribution and the
checks (most failed first); trend charts per organ with two or more years; every report with its
checks (failures and unknowns spelled out); the rubric.

Anchors: ``#coverage``, ``#scores``, ``#trends``, ``#reports``, ``#rubric``; a report's row is
``#r-<first 12 hex of its sha256>``; an organ's trend chart ``#trend-<n>``. Rows and charts carry
``data-organ`` (the organ key) so that scripts and tests can find them.
"""

from __future__ import annotations

import statistics
from collections import Counter
from html import escape
from pathlib import Path

from extractor.audit.models import AuditResult
from extractor.audit.rubric import CODES, RUBRIC
from extractor.audit.run import Audit

SYMBOL = {"pass": "✓", "fail": "✗", "unknown": "?", "na": "–"}
STATUS_WORDS = {"ok": "ok", "findings": "findings", "partial": "partial", "failed": "failed", "missing": "no report"}

CSS = """
:root{--ok:#cfe8d1;--findings:#ffe1a8;--partial:#e6d3f2;--failed:#f6c3c3;--pass:#2e7d32;--fail:#c62828;
--unknown:#8d8d8d;--na:#c9c9c9;--line:#d8d8d8;--ink:#1f2328;--muted:#5c636a}
*{box-sizing:border-box}
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC",system-ui,sans-serif;
color:var(--ink);margin:0 auto;padding:1.2em 1.6em 3em;max-width:1280px;line-height:1.45;font-size:14px}
h1{font-size:1.45em;margin:.2em 0 .1em}h2{font-size:1.15em;margin:1.8em 0 .5em;padding-bottom:.2em;
border-bottom:2px solid var(--line)}h3{font-size:1em;margin:1.2em 0 .3em}
p{margin:.35em 0}.muted{color:var(--muted)}small{color:var(--muted)}
nav{margin:.6em 0 0;font-size:.93em}nav a{margin-right:1.1em;color:#0b5cad;text-decoration:none}
.summary{display:flex;flex-wrap:wrap;gap:.6em;margin:.9em 0}
.stat{border:1px solid var(--line);border-radius:6px;padding:.45em .8em;min-width:7.5em}
.stat b{display:block;font-size:1.35em;line-height:1.2}.stat span{color:var(--muted);font-size:.85em}
.notes{margin:.4em 0;padding-left:1.2em;color:var(--muted);font-size:.92em}
.scroll{overflow-x:auto}
table{border-collapse:collapse;font-size:12.5px}th,td{border:1px solid var(--line);padding:3px 6px;vertical-align:top}
th{background:#f6f7f8;font-weight:600;text-align:left}
td.num,th.num{text-align:right;white-space:nowrap}
table.coverage td{text-align:center;min-width:3.4em;padding:4px 4px;font-variant-numeric:tabular-nums}
table.coverage td a{color:inherit;text-decoration:none;display:block}
table.coverage th.organ{max-width:22em;font-weight:500}
.s-ok{background:var(--ok)}.s-findings{background:var(--findings)}.s-partial{background:var(--partial)}
.s-failed{background:var(--failed)}
.s-missing{background:repeating-linear-gradient(45deg,#fff,#fff 3px,#ececec 3px,#ececec 6px);color:#aaa}
.legend{display:flex;flex-wrap:wrap;gap:.4em 1em;font-size:.88em;color:var(--muted);margin:.4em 0}
.legend i{display:inline-block;width:1.1em;height:.9em;border:1px solid #bbb;vertical-align:-1px;margin-right:.3em}
.charts{display:flex;flex-wrap:wrap;gap:1.2em;align-items:flex-start}
svg.chart{max-width:100%;height:auto}
figure{margin:.6em 0 1.2em;break-inside:avoid}figcaption{font-weight:600;margin-bottom:.2em}
figcaption small{font-weight:normal;margin-left:.5em}
.nochart{border:1px dashed #bbb;padding:.6em .8em;color:var(--muted);background:#fafafa}
table.reports td.c{text-align:center;font-weight:700;width:2.1em;padding:3px 2px}
td.c.pass{color:var(--pass);background:#eef7ee}td.c.fail{color:#fff;background:var(--fail)}
td.c.unknown{color:#666;background:#f0f0f0}td.c.na{color:#aaa}
table.reports th.c{writing-mode:vertical-rl;transform:rotate(180deg);font-size:11px;padding:4px 2px;white-space:nowrap}
td.score{font-weight:700;text-align:right;font-variant-numeric:tabular-nums}
td.details{font-size:11.5px;max-width:38em;min-width:22em;color:#333}td.details div{margin:1px 0}
table.reports td.organ{max-width:15em}table.reports td.date{white-space:nowrap}
td.details .fail b{color:var(--fail)}td.details .unknown b{color:#777}td.details .unknown{color:var(--muted)}
tr:target td{box-shadow:inset 0 2px 0 #0b5cad,inset 0 -2px 0 #0b5cad}
td.path{font-size:11px;color:var(--muted);max-width:18em;overflow-wrap:anywhere}
table.checks td:nth-child(3){max-width:36em}
@media print{body{max-width:none;padding:0;font-size:11px}nav{display:none}a{color:inherit;text-decoration:none}
table.reports{width:100%}table.reports td.details{width:48%;min-width:0}table.reports td.organ{max-width:11em}
tr,figure{break-inside:avoid}h2{break-after:avoid}.scroll{overflow:visible}}
"""


def _short(sha: str) -> str:
    return sha[:12]


class PageBuilder:
    def __init__(self, audit: Audit, title: str | None = None) -> None:
        from extractor.audit import charts

        self.audit = audit
        self.title = title or f"Audit of {Path(audit.source).name or 'the warehouse'}"
        self.charts = charts.available()
        self.names = {t.key: t.organ for t in audit.trends}
        keyed = [r for r in audit.results if r.organ_key and r.year is not None]
        self.years = list(range(min(r.year for r in keyed if r.year), max(r.year for r in keyed if r.year) + 1)) \
            if keyed else []
        self.by_organ: dict[str, dict[int, AuditResult]] = {}
        for r in keyed:
            assert r.organ_key is not None and r.year is not None
            self.by_organ.setdefault(r.organ_key, {})[r.year] = r

    def organ_name(self, key: str) -> str:
        return self.names.get(key, key)

    # -- parts ---------------------------------------------------------------------------------------------
    def header(self) -> str:
        a = self.audit
        scores = [r.score for r in a.scored if r.score is not None]
        failed = sum(r.status == "failed" for r in a.results)
        stats = [
            (f"{len(a.results):,}", "reports audited"),
            (f"{len(self.by_organ):,}", "organs"),
            (f"{self.years[0]}–{self.years[-1]}" if self.years else "—", "years"),
            (f"{statistics.mean(scores):.0f}" if scores else "—", "mean score"),
            (f"{statistics.median(scores):.0f}" if scores else "—", "median score"),
            (f"{a.duplicates:,}", "duplicates set aside"),
            (f"{failed:,}", "not extracted"),
        ]
        out = [f"<h1>{escape(self.title)}</h1>",
               f'<p class="muted">{escape(a.source)} — canonical reports only: a report published twice '
               "(a page and its PDF) is audited once.</p>",
               '<nav><a href="#coverage">Coverage</a><a href="#scores">Scores and checks</a>'
               '<a href="#trends">Trends</a><a href="#reports">Reports</a><a href="#rubric">Rubric</a></nav>',
               '<div class="summary">' + "".join(f'<div class="stat"><b>{escape(v)}</b><span>{escape(k)}</span></div>'
                                                for v, k in stats) + "</div>"]
        if a.notes:
            out.append('<ul class="notes">' + "".join(f"<li>{escape(n)}</li>" for n in a.notes) + "</ul>")
        return "\n".join(out)

    def coverage(self) -> str:
        out = ['<h2 id="coverage">Coverage: organ × year</h2>',
               '<p class="muted">Each cell is an organ\'s report for a year, coloured by its extraction status, '
               "with its score; a hatched cell is a year without a report in the warehouse.</p>",
               '<div class="legend">' + "".join(f'<span><i class="s-{s}"></i>{w}</span>' for s, w in STATUS_WORDS.items())
               + "</div>"]
        if not self.by_organ:
            return "\n".join([*out, "<p>No report with an organ and a year.</p>"])
        head = "".join(f'<th class="num">{y}</th>' for y in self.years)
        rows = [f'<div class="scroll"><table class="coverage"><thead><tr><th>organ</th>{head}'
                '<th class="num">reports</th></tr></thead><tbody>']
        for key in sorted(self.by_organ, key=lambda k: (self.organ_name(k), k)):
            per_year = self.by_organ[key]
            cells = []
            for y in self.years:
                r = per_year.get(y)
                if r is None:
                    cells.append(f'<td class="s-missing" title="{y}: no report">—</td>')
                    continue
                text = "✗" if r.score is None else str(r.score)
                tip = f"{y}: {r.status}" + (f", score {r.score} ({r.points}/{r.possible} points)" if r.score is not None else "")
                cells.append(f'<td class="s-{escape(r.status)}" title="{escape(tip)}">'
                             f'<a href="#r-{_short(r.sha256)}">{text}</a></td>')
            rows.append(f'<tr data-organ="{escape(key)}"><th class="organ" title="{escape(key)}">'
                        f"{escape(self.organ_name(key))}</th>{''.join(cells)}"
                        f'<td class="num">{len(per_year)}</td></tr>')
        rows.append("</tbody></table></div>")
        return "\n".join(out + rows)

    def scores(self) -> str:
        from extractor.audit import charts

        counts: dict[str, Counter[str]] = {code: Counter() for code in CODES}
        for r in self.audit.results:
            for c in r.checks:
                counts.setdefault(c.code, Counter())[c.status] += 1
        out = ['<h2 id="scores">Scores and checks</h2>']
        scores = [r.score for r in self.audit.scored if r.score is not None]
        if self.charts and self.audit.results:
            out.append('<div class="charts">' + charts.scores_svg(scores) + charts.checks_svg(counts) + "</div>")
        else:
            out.append(self.no_chart())
        order = sorted(RUBRIC, key=lambda c: (-counts[c.code]["fail"], -counts[c.code]["unknown"], c.code))
        rows = ['<div class="scroll"><table class="checks"><thead><tr><th>check</th><th class="num">weight</th>'
                '<th>passes when</th><th class="num">fail</th><th class="num">pass</th><th class="num">unknown</th>'
                '<th class="num">n/a</th></tr></thead><tbody>']
        for spec in order:
            n = counts[spec.code]
            rows.append(f'<tr id="check-{spec.code}"><td><b>{spec.code}</b></td><td class="num">{spec.weight}</td>'
                        f"<td>{escape(spec.title)}</td><td class='num'>{n['fail']}</td><td class='num'>{n['pass']}</td>"
                        f"<td class='num'>{n['unknown']}</td><td class='num'>{n['na']}</td></tr>")
        rows.append("</tbody></table></div>")
        return "\n".join([*out, "<h3>Worst checks first</h3>", *rows])

    def no_chart(self) -> str:
        from extractor.audit.charts import INSTALL

        return f'<p class="nochart">Charts need the optional extra (matplotlib): <code>{escape(INSTALL)}</code></p>'

    def trends(self) -> str:
        from extractor.audit import charts

        out = ['<h2 id="trends">Trends per organ</h2>',
               '<p class="muted">Applications received (一、本年新收); granted and partly granted (（一）+（二）) as a '
               "share of decided applications (（七）总计); withheld (（三）不予公开, its eight rows); administrative "
               "reviews (行政复议) and lawsuits (直接起诉 + 复议后起诉). Hatched: no report that year; 0 is a printed "
               "zero, a gap is a figure not found.</p>"]
        shown = [t for t in self.audit.trends if len(t.reported_years) >= 2]
        single = [t for t in self.audit.trends if len(t.reported_years) < 2]
        if not shown:
            out.append("<p>No organ has two years of reports yet.</p>")
        elif not self.charts:
            out.append(self.no_chart())
        for i, t in enumerate(shown, start=1):
            svg = charts.trend_svg(t, chart_id=f"chart-trend-{i}") if self.charts else ""
            years = ", ".join(map(str, t.reported_years))
            out.append(f'<figure class="trend" id="trend-{i}" data-organ="{escape(t.key)}"><figcaption>'
                       f"{escape(t.organ)}<small>{escape(years)}</small></figcaption>{svg}</figure>")
        if single:
            listed = "; ".join(f"{t.organ} ({', '.join(map(str, t.reported_years)) or 'no figures'})" for t in single)
            out.append(f'<p class="muted">One year only (no trend yet): {escape(listed)}</p>')
        return "\n".join(out)

    def reports(self) -> str:
        heads = "".join(f'<th class="c" title="{escape(spec.title)}">{spec.code[2:]}</th>' for spec in RUBRIC)
        rows = ['<h2 id="reports">Reports</h2>',
                '<p class="muted">✓ pass · ✗ fail · ? unknown (the facts are not in the document) · – does not apply. '
                "Hover a mark for its detail; failures and unknowns are spelled out on the right.</p>",
                '<div class="scroll"><table class="reports"><thead><tr><th>organ</th><th class="num">year</th>'
                f'<th>published</th><th>status</th><th class="num">score</th>{heads}<th>what fails, what is unknown</th>'
                "</tr></thead><tbody>"]
        for r in sorted(self.audit.results, key=lambda r: (r.organ_key is None, self.organ_name(r.organ_key or ""),
                                                           r.year or 0, r.sha256)):
            marks = "".join(f'<td class="c {c.status}" title="{escape(c.code + ": " + c.detail)}">{SYMBOL[c.status]}</td>'
                            for c in r.checks)
            details = "".join(f'<div class="{c.status}"><b>{c.code}</b> {escape(c.detail)}</div>'
                              for c in r.checks if c.status in ("fail", "unknown"))
            organ = escape(self.organ_name(r.organ_key)) if r.organ_key else \
                f'<span class="muted">{escape(r.organ or "—")}</span><div class="path">{escape((r.paths or ["?"])[0])}</div>'
            published = f"{r.published}" + (f" <small>{escape(r.published_source)}</small>" if r.published_source else "") \
                if r.published else '<span class="muted">—</span>'
            score = "—" if r.score is None else f'{r.score}<br><small>{r.points}/{r.possible}</small>'
            rows.append(f'<tr id="r-{_short(r.sha256)}" data-organ="{escape(r.organ_key or "")}" '
                        f'data-sha256="{escape(r.sha256)}"><td class="organ">{organ}</td><td class="num">{r.year or "—"}</td>'
                        f'<td class="date">{published}</td><td class="s-{escape(r.status)}">{escape(r.status)}</td>'
                        f'<td class="score">{score}</td>{marks}<td class="details">{details}</td></tr>')
        rows.append("</tbody></table></div>")
        return "\n".join(rows)

    def rubric(self) -> str:
        rows = ['<h2 id="rubric">Rubric</h2>',
                "<p>score = 100 × (weight of the checks passed) ÷ (weight of the checks decided, pass or fail). "
                "A check that does not apply or cannot be decided from the document neither earns nor costs points; "
                "the points are shown under each score (passed/decided).</p>",
                '<table class="rubric"><thead><tr><th>check</th><th class="num">weight</th><th>passes when</th></tr>'
                "</thead><tbody>"]
        rows += [f"<tr><td><b>{c.code}</b></td><td class='num'>{c.weight}</td><td>{escape(c.title)}</td></tr>"
                 for c in RUBRIC]
        rows.append("</tbody></table>")
        return "\n".join(rows)

    def page(self) -> str:
        from extractor._version import __version__

        return "\n".join([
            "<!DOCTYPE html>",
            '<html lang="zh-CN"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{escape(self.title)}</title><style>{CSS}</style></head><body>",
            self.header(), self.coverage(), self.scores(), self.trends(), self.reports(), self.rubric(),
            f'<p class="muted" style="margin-top:2em">ogi-extractor {escape(__version__)} — ogi audit</p>',
            "</body></html>",
        ])


def render_page(audit: Audit, title: str | None = None) -> str:
    """The overview page of ``audit`` as one HTML string."""
    return PageBuilder(audit, title).page()


def write_page(audit: Audit, path: str | Path, title: str | None = None) -> Path:
    p = Path(path)
    p.write_text(render_page(audit, title), encoding="utf-8")
    return p
