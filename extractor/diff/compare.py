""":func:`diff_reports`: what changed between an organ's report and the next year's.

Figures are matched by flat key. A 2019-layout table 3 (one ``（六）其他处理`` row) against a 2021
one (three ``（六）`` sub-rows) is compared through T3-7 — ``other ≡ other_no_correction +
other_no_fee + other_other`` per column — instead of listing four rows as present in one year only.
Cross-year identities (:mod:`extractor.diff.checks`) run only for consecutive years of one organ.
"""

from __future__ import annotations

from collections.abc import Mapping

from extractor.diff.checks import cross_year_checks
from extractor.diff.keys import key_label, sort_key
from extractor.diff.models import FigureChange, FigureOnly, ReportDiff, ReportSide, Side
from extractor.diff.organs import OrganNames
from extractor.diff.text import COPY_THRESHOLD, MIN_REPORT_COPY_CHARS, compare_sections, whole_text_similarity
from extractor.records.models import Figure, Finding, Number, Report, Severity, Table3, Table3Row
from extractor.template import T3_COLUMN_LABELS, T3_COLUMNS, T3_OTHER_SUBROWS


def side_of(report: Report) -> ReportSide:
    m = report.meta
    return ReportSide(
        organ=m.organ, organ_in_title=m.organ_in_title, report_year=m.report_year, template=m.template,
        templates=m.templates, sha256=m.sha256, source=m.source_name, n_figures=len(report.figures()),
        n_sections=len(report.sections), sections_available=bool(report.sections),
    )


def t3_layout(t3: Table3 | None) -> str | None:
    """``2019`` (single （六）其他处理 row), ``2021`` (three sub-rows) or None (no （六） rows / no table)."""
    if t3 is None:
        return None
    if t3.other is not None:
        return "2019"
    if any(getattr(t3, k) is not None for k in T3_OTHER_SUBROWS):
        return "2021"
    return None


def _n(x: Number) -> Number:
    if isinstance(x, float):
        x = round(x, 6)
        return int(x) if x.is_integer() else x
    return x


def _change(key: str, label: str, fo: list[Figure | None], fn: list[Figure | None], okeys: list[str], nkeys: list[str],
            mapped: str | None = None) -> FigureChange | None:
    """A FigureChange when the (summed) values differ; None when they are equal or both have no value."""

    def total(fs: list[Figure | None]) -> Number | None:
        vals = [f.flat_value if f is not None else None for f in fs]
        if not vals or any(v is None for v in vals):
            return None
        return _n(sum(v for v in vals if v is not None))

    vo, vn = total(fo), total(fn)
    if vo is None and vn is None:
        return None
    if vo is not None and vn is not None and abs(vo - vn) < 1e-9:
        return None
    diff = _n(vn - vo) if vo is not None and vn is not None else None
    rel = round((vn - vo) / vo, 6) if vo not in (None, 0) and vn is not None and vo is not None else None
    one_o = fo[0] if len(fo) == 1 else None
    one_n = fn[0] if len(fn) == 1 else None
    return FigureChange(
        key=key, label=label, old=vo, new=vn, abs_change=diff, rel_change=rel,
        old_state=one_o.state.value if one_o else None, new_state=one_n.state.value if one_n else None,
        old_ref=one_o.ref if one_o else None, new_ref=one_n.ref if one_n else None,
        old_cells=okeys, new_cells=nkeys, mapped=mapped,
    )


def _row_figs(t3: Table3 | None, rows: tuple[str, ...], col: str) -> list[Figure | None]:
    out: list[Figure | None] = []
    for r in rows:
        row = getattr(t3, r, None) if t3 is not None else None
        out.append(getattr(row, col) if isinstance(row, Table3Row) else None)
    return out


def _t3_mapping(old: Report, new: Report, out: ReportDiff) -> set[str]:
    """T3-7: compare 2019's （六）其他处理 with the sum of 2021's three （六） rows. Returns the keys handled."""
    lo, ln = t3_layout(old.table3), t3_layout(new.table3)
    if lo is None or ln is None or lo == ln:
        return set()
    rows19, rows21 = ("other",), T3_OTHER_SUBROWS
    handled = {f"t3.{r}.{c}" for r in (*rows19, *rows21) for c in T3_COLUMNS}
    changed = 0
    for col in T3_COLUMNS:
        o_rows, n_rows = (rows19, rows21) if lo == "2019" else (rows21, rows19)
        fo, fn = _row_figs(old.table3, o_rows, col), _row_figs(new.table3, n_rows, col)
        how = ("T3-7: 2019 （六）其他处理 compared with the sum of the 2021 （六） rows 1–3 "
               f"({'new' if lo == '2019' else 'old'} side)")
        ch = _change(f"t3.other.{col}", f"表3 （六）其他处理 · {T3_COLUMN_LABELS[col]} (T3-7)", fo, fn,
                     [f"t3.{r}.{col}" for r in o_rows], [f"t3.{r}.{col}" for r in n_rows], mapped=how)
        if ch is not None:
            out.changed.append(ch)
            changed += 1
        else:
            out.unchanged += 1
    yo, yn = out.old.report_year or "old", out.new.report_year or "new"
    out.findings.append(Finding(
        code="T3-7",
        severity=Severity.INFO,
        message=(f"table 3 layout changed ({yo}: {lo}, {yn}: {ln}): （六）其他处理 compared as "
                 f"other ≡ other_no_correction + other_no_fee + other_other per column; {changed} of 7 columns differ"),
        expression="other(2019) ≡ other_no_correction + other_no_fee + other_other (2021)",
        cells=[f"{s}:t3.{r}.{c}" for s, rows in (("old", rows19 if lo == "2019" else rows21),
                                                  ("new", rows19 if ln == "2019" else rows21))
               for r in rows for c in T3_COLUMNS],
    ))
    return handled


def _only_reason(report_other: Report, key: str, year: int | str) -> str:
    table = key.split(".")[0]
    tab = {"t2": report_other.table2, "t3": report_other.table3, "t4": report_other.table4}.get(table)
    if tab is None:
        return f"table {table[1:]} not found in {year}"
    if table == "t2":
        return f"not in {year}'s table 2 ({report_other.table2.template if report_other.table2 else '?'} layout)"
    return f"not printed or not extracted in {year}"


def _figures_by_key(report: Report) -> dict[str, Figure]:
    return {f.key: f for f in report.figures()}


def compare_figures(old: Report, new: Report, out: ReportDiff) -> None:
    handled = _t3_mapping(old, new, out)
    fo, fn = _figures_by_key(old), _figures_by_key(new)
    yo, yn = out.old.report_year or "the old report", out.new.report_year or "the new report"
    for key in sorted(fo.keys() | fn.keys(), key=sort_key):
        if key in handled:
            continue
        a, b = fo.get(key), fn.get(key)
        if a is not None and b is not None:
            ch = _change(key, key_label(key), [a], [b], [key], [key])
            if ch is None:
                out.unchanged += 1
            else:
                out.changed.append(ch)
            continue
        f = a or b
        assert f is not None
        side: Side = "old" if a is not None else "new"
        only = FigureOnly(
            key=key, label=key_label(key), side=side,
            year=out.old.report_year if side == "old" else out.new.report_year,
            value=f.flat_value, state=f.state.value, ref=f.ref,
            reason=_only_reason(new if side == "old" else old, key, yn if side == "old" else yo),
        )
        (out.only_old if side == "old" else out.only_new).append(only)
    if old.pre2019 or new.pre2019:
        out.notes.append("pre-2019 free-form figures have position-based keys and are not compared")


def compare_text(old: Report, new: Report, out: ReportDiff) -> None:
    if not old.sections or not new.sections:
        which = "either report" if not old.sections and not new.sections else \
            f"the {out.old.report_year or 'old'} report" if not old.sections else f"the {out.new.report_year or 'new'} report"
        out.notes.append(f"section texts not compared: no sections in {which}")
        return
    out.sections = compare_sections(old.sections, new.sections)
    sim, masked, chars = whole_text_similarity(old.sections, new.sections)
    out.text_similarity = None if sim is None else round(sim, 4)
    out.text_similarity_ignoring_numbers = None if masked is None else round(masked, 4)
    for s in out.sections:
        s.similarity = None if s.similarity is None else round(s.similarity, 4)
        s.similarity_ignoring_numbers = None if s.similarity_ignoring_numbers is None else round(s.similarity_ignoring_numbers, 4)
        if s.possible_copy:
            out.findings.append(Finding(
                code="diff.copied_section", severity=Severity.INFO,
                message=(f"section {s.number} ({s.heading_new or s.heading_old}) is near-identical to last year's "
                         f"(similarity {s.similarity_ignoring_numbers:.2f} with numbers masked, "
                         f"{s.similarity or 0:.2f} exact)"),
                expected=None, actual=s.similarity_ignoring_numbers,
            ))
    out.possible_copy = masked is not None and masked >= COPY_THRESHOLD and chars >= MIN_REPORT_COPY_CHARS
    if out.possible_copy:
        out.findings.append(Finding(
            code="diff.copied_report", severity=Severity.WARNING,
            message=(f"the {out.new.report_year or 'new'} report's text is near-identical to "
                     f"{out.old.report_year or 'the old report'}'s (similarity {masked:.2f} with numbers masked, "
                     f"{sim or 0:.2f} exact): possible copying of last year's report"),
            actual=round(masked or 0, 4),
        ))


def diff_reports(
    old: Report,
    new: Report,
    *,
    aliases: Mapping[str, str] | None = None,
    office_equivalent: bool = False,
    organs: OrganNames | None = None,
    text: bool = True,
    notes: list[str] | None = None,
) -> ReportDiff:
    """Compare two reports of (presumably) one organ; the earlier year is treated as ``old``.

    ``text=False`` skips the section comparison (e.g. for reports rebuilt from a warehouse, which
    stores no sections); ``notes`` are added to the diff's notes. Never raises for odd input: reports in the wrong order are swapped (``swapped``), years that
    are not consecutive or organs that do not match skip the cross-year checks with a finding.
    """
    swapped = False
    yo, yn = old.meta.report_year, new.meta.report_year
    if yo is not None and yn is not None and yo > yn:
        old, new, swapped = new, old, True
    organs = organs or OrganNames.create(aliases, office_equivalent=office_equivalent)
    out = ReportDiff(old=side_of(old), new=side_of(new), organ=organs.match(old.meta.organ, new.meta.organ),
                     consecutive=False, swapped=swapped)
    yo, yn = out.old.report_year, out.new.report_year
    if swapped:
        out.notes.append(f"the reports were given newest first; compared as {yo} → {yn}")
    if old.meta.sha256 and old.meta.sha256 == new.meta.sha256:
        out.findings.append(Finding(code="diff.same_document", severity=Severity.WARNING,
                                    message="both sides are the same document (same sha256)"))
    out.notes.extend(notes or [])
    compare_figures(old, new, out)
    if text:
        compare_text(old, new, out)
    if old.meta.template != new.meta.template:
        out.notes.append(f"template changed: {old.meta.template} → {new.meta.template}")

    out.consecutive = yo is not None and yn is not None and yn - yo == 1
    skip_reason = None
    if yo is None or yn is None:
        skip_reason = "report year unknown"
        out.findings.append(Finding(code="diff.year_unknown", severity=Severity.WARNING,
                                    message=f"cross-year checks skipped: the report year of the "
                                            f"{'old' if yo is None else 'new'} report is unknown"))
    elif not out.consecutive:
        skip_reason = f"{yo} and {yn} are not consecutive years"
        out.findings.append(Finding(code="diff.years_not_consecutive", severity=Severity.WARNING,
                                    message=f"cross-year checks skipped: {skip_reason} (only consecutive years "
                                            "are linked by T3-4 / T2-21-1 / T2-19-2 / T2-19-3)",
                                    expected=yo + 1, actual=yn))
    if not out.organ.matched:
        skip_reason = skip_reason or "the organs do not match"
        out.findings.append(Finding(code="diff.organ_mismatch", severity=Severity.WARNING,
                                    message=f"cross-year checks skipped: {out.organ.explanation}"))
    if skip_reason is None:
        checks, findings, notes = cross_year_checks(old, new)
        out.checks = checks
        out.findings = findings + out.findings
        out.notes.extend(notes)
    else:
        out.notes.append(f"cross-year checks not run: {skip_reason}")
    return out
