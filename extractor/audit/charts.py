"""Charts as inline SVG, drawn by matplotlib's SVG backend (optional extra ``[charts]``).

Why matplotlib: it is the best-kept plotting library of the Python ecosystem, its SVG backend
renders offline in-process (no browser, no JavaScript runtime, no network: Vega-Lite would need
vl-convert's bundled Deno/V8 to turn a spec into SVG), and it is deterministic when asked to be
(``svg.hashsalt``, no date in the metadata), so the same warehouse gives byte-identical pages.

Every chart is a ``matplotlib.figure.Figure`` (no pyplot: no global state, safe in any thread),
written with ``svg.fonttype = none``: text stays text (selectable, searchable, small) in the
viewer's sans-serif font, and no font is embedded or fetched. Labels are English so that the
chart's own layout never depends on a CJK font being installed where the page is made; organ
names go in the HTML around the chart.
"""

from __future__ import annotations

import io
import re
from collections.abc import Mapping, Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from extractor.audit.trends import Trend
from extractor.errors import ExtraMissing

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

INSTALL = 'pip install "ogi-extractor[charts]"'
STATUS_COLOURS = {"pass": "#2e7d32", "fail": "#c62828", "unknown": "#9e9e9e", "na": "#d9d9d9"}
BLUE, ORANGE, GREEN, PURPLE = "#3b6ea8", "#d9822b", "#3d8b5a", "#8058a5"
_RC: dict[str, Any] = {
    "svg.fonttype": "none",
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Arial", "Liberation Sans", "sans-serif"],
    "font.size": 8,
    "axes.titlesize": 8.5,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#777777",
    "axes.labelcolor": "#333333",
    "xtick.color": "#444444",
    "ytick.color": "#444444",
    "axes.grid": True,
    "axes.grid.axis": "y",
    "grid.color": "#e3e3e3",
    "grid.linewidth": 0.6,
    "axes.axisbelow": True,
    "legend.frameon": False,
    "legend.fontsize": 7.5,
}


def _rc(**extra: Any) -> Any:
    """``matplotlib.rc_context`` with the house style (plus ``extra``; keys with dots as ``__``)."""
    import matplotlib

    rc: Any = {**_RC, **{k.replace("__", "."): v for k, v in extra.items()}}
    return matplotlib.rc_context(rc)


def available() -> bool:
    """Whether the charts extra (matplotlib) is installed."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _require() -> None:
    if not available():
        raise ExtraMissing(f"charts need matplotlib: {INSTALL}", source="charts")


def _new(width: float, height: float, ncols: int = 1, *, margins: dict[str, float] | None = None
         ) -> tuple[Figure, list[Axes]]:
    """A figure with ``ncols`` axes in a row. ``margins`` (fractions, as ``subplots_adjust``) fix the
    layout — several times faster than the constrained layout engine, which draws every figure twice."""
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), layout=None if margins else "constrained")
    if margins:
        fig.subplots_adjust(**margins)
    axes = fig.subplots(1, ncols, squeeze=False)[0]
    return fig, list(axes)


def _svg(fig: Figure, chart_id: str, label: str, *, standalone: bool = False) -> str:
    """The figure as an ``<svg>`` element to inline in HTML (no XML prologue; ids unique per chart),
    or as a standalone SVG file's text."""

    buf = io.StringIO()
    with _rc(svg__hashsalt=chart_id):
        fig.savefig(buf, format="svg", metadata={"Date": None})
    text = buf.getvalue()
    start = text.index("<svg")
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", text[start:], count=1, flags=re.S)
    svg = svg.replace("<svg ", f'<svg class="chart" id="{escape(chart_id)}" role="img" aria-label="{escape(label)}" ', 1)
    return text[:start] + svg if standalone else svg


def _year_axis(ax: Axes, years: Sequence[int]) -> None:
    step = 1 if len(years) <= 8 else 2
    shown = list(years)[::step]
    ax.set_xticks(shown, [str(y) if len(years) <= 5 else f"’{y % 100:02d}" for y in shown])
    ax.set_xlim(min(years) - 0.6, max(years) + 0.6)
    ax.tick_params(axis="x", length=0)


def _bars(ax: Axes, years: Sequence[int], values: Sequence[float | None], colour: str, *, labels: bool) -> None:
    from matplotlib.ticker import MaxNLocator

    xs = [y for y, v in zip(years, values, strict=True) if v is not None]
    vs = [v for v in values if v is not None]
    bars = ax.bar(xs, vs, width=0.62, color=colour)
    if labels and vs:
        ax.bar_label(bars, labels=[f"{v:,.0f}" for v in vs], padding=1.5, fontsize=7, color="#333333")
    ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
    ax.set_ylim(0, max([*vs, 1]) * (1.18 if labels else 1.05))


def _missing(ax: Axes, years: Sequence[int], reported: set[int]) -> None:
    for y in years:
        if y not in reported:
            ax.axvspan(y - 0.45, y + 0.45, facecolor="#f4f4f4", hatch="///", edgecolor="#d4d4d4", linewidth=0, zorder=0)


def trend_svg(trend: Trend, chart_id: str = "trend", *, standalone: bool = False) -> str:
    """Four small panels of one organ's years: applications received; granted + partly granted as a
    share of decided applications; withheld; administrative reviews and lawsuits. Years without a
    report are hatched."""

    _require()
    years = trend.years
    reported = set(trend.reported_years)
    labels = len(years) <= 8
    with _rc():
        fig, (a, b, c, d) = _new(9.6, 2.15, 4, margins={"left": 0.055, "right": 0.995, "bottom": 0.12, "top": 0.87,
                                                         "wspace": 0.3})
        _bars(a, years, trend.values["received"], BLUE, labels=labels)
        a.set_title("Applications received")
        share = [float("nan") if v is None else v for v in trend.values["granted_share"]]
        b.plot(years, share, color=GREEN, marker="o", markersize=4, linewidth=1.6)
        if labels:
            for y, v in zip(years, share, strict=True):
                if v == v:  # not NaN
                    b.annotate(f"{v:.0f}%", (y, v), textcoords="offset points", xytext=(0, 5), ha="center",
                               fontsize=7, color="#333333")
        b.set_ylim(0, 112)
        b.set_yticks([0, 50, 100], ["0%", "50%", "100%"])
        b.set_title("Granted + partly granted")
        _bars(c, years, trend.values["withheld"], ORANGE, labels=labels)
        c.set_title("Withheld")
        for series, colour, name, marker in (("reviews", PURPLE, "reviews", "s"), ("suits", "#b03a48", "lawsuits", "^")):
            vals = [float("nan") if v is None else v for v in trend.values[series]]
            d.plot(years, vals, color=colour, marker=marker, markersize=4, linewidth=1.6, label=name)
        top = max([v for s in ("reviews", "suits") for v in trend.values[s] if v is not None] + [1])
        d.set_ylim(0, top * 1.5)  # headroom for the legend
        from matplotlib.ticker import MaxNLocator

        d.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        d.set_title("Reviews and lawsuits")
        d.legend(loc="upper left", ncols=2, handlelength=1.4, borderaxespad=0.1)
        for ax in (a, b, c, d):
            _year_axis(ax, years)
            _missing(ax, years, reported)
        return _svg(fig, chart_id, f"{trend.organ}: trends {years[0]}–{years[-1]}", standalone=standalone)


def scores_svg(scores: Sequence[int], chart_id: str = "scores") -> str:
    """A histogram of the scores in bands of ten (90–100 is one band)."""
    import matplotlib

    _require()
    bands = [0] * 10
    for s in scores:
        bands[min(s // 10, 9)] += 1
    with _rc():
        fig, (ax,) = _new(4.6, 2.3)
        cmap = matplotlib.colormaps["RdYlGn"]
        xs = list(range(10))
        bars = ax.bar(xs, bands, width=0.8, color=[cmap(0.12 + 0.76 * i / 9) for i in xs], edgecolor="#666666",
                      linewidth=0.4)
        ax.bar_label(bars, labels=[str(n) if n else "" for n in bands], padding=1.5, fontsize=7)
        ax.set_xticks(xs, [f"{10 * i}–{10 * i + 9}" if i < 9 else "90–100" for i in xs], rotation=40, ha="right")
        ax.tick_params(axis="x", length=0)
        from matplotlib.ticker import MaxNLocator

        ax.yaxis.set_major_locator(MaxNLocator(integer=True, nbins=4))
        ax.set_ylim(0, max([*bands, 1]) * 1.2)
        ax.set_ylabel("reports")
        ax.set_title(f"Scores ({len(scores)} reports)")
        return _svg(fig, chart_id, "distribution of scores")


def checks_svg(counts: Mapping[str, Mapping[str, int]], chart_id: str = "checks") -> str:
    """One stacked horizontal bar per check (pass, fail, unknown, n/a), the most failed on top."""

    _require()
    codes = sorted(counts, key=lambda c: (counts[c].get("fail", 0), c))  # barh draws bottom-up
    with _rc(axes__grid__axis="x"):
        fig, (ax,) = _new(5.0, 0.28 * len(codes) + 0.9)
        left = [0] * len(codes)
        for status in ("fail", "pass", "unknown", "na"):
            vals = [counts[c].get(status, 0) for c in codes]
            ax.barh(codes, vals, left=left, color=STATUS_COLOURS[status], height=0.68,
                    label={"na": "n/a"}.get(status, status))
            left = [a + b for a, b in zip(left, vals, strict=True)]
        ax.tick_params(axis="y", length=0)
        ax.set_xlim(0, max([*left, 1]) * 1.03)
        ax.set_xlabel("reports")
        ax.legend(loc="lower left", bbox_to_anchor=(0.0, 1.0), ncols=4, handlelength=1.0, borderaxespad=0.2)
        return _svg(fig, chart_id, "check results per check")


def write_trend_charts(trends: Sequence[Trend], folder: str | Path, *, min_years: int = 2) -> list[Path]:
    """One ``<organ>.svg`` per organ with at least ``min_years`` reported years (``ogi panel --charts``)."""
    _require()
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    used: set[str] = set()
    for i, t in enumerate(trends):
        if len(t.reported_years) < min_years:
            continue
        name = re.sub(r'[\\/:*?"<>|\s]+', "_", t.organ).strip("._") or f"organ-{i + 1}"
        while name in used:
            name += "_"
        used.add(name)
        path = out / f"{name}.svg"
        path.write_text(trend_svg(t, chart_id=f"trend-{i + 1}", standalone=True), encoding="utf-8")
        written.append(path)
    return written
