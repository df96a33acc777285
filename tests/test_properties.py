"""Property tests: for any generated report (template 2021 / 2019 / hybrid, figures satisfying the
identities or deliberately breaking some, blanks and placeholders, totals left blank) and any
rendering (pipe, markdown, tab, HTML flavours and encodings, DOCX with merged cells, PDF through
LibreOffice) with independently drawn layout variants, extraction returns exactly the generated
figures and cell states, and exactly the broken identities as error findings (no others, and no
warnings).

The default run tries a few hundred examples (profile ``default``: 60 per text/HTML test, a third
of that for DOCX, the cached PDFs); ``--slow`` loads the ``slow`` profile (2000 each) and renders a
fresh batch of PDFs when LibreOffice is installed.
"""

from __future__ import annotations

import random

import pytest
from gen import GenReport, Variant, generate
from gen.check import differences
from gen.model import BREAKS
from gen.render_docx import render_docx
from gen.render_html import render_html
from gen.render_pdf import CACHED_CASES, PdfCase, cached_pdf, convert, refresh_cache, soffice_path
from gen.render_text import render_markdown, render_pipe, render_tab
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from extractor import extract

EXAMPLES = settings().max_examples
"""Examples per test under the loaded profile (60 by default, 2000 with --slow)."""

seeds = st.integers(0, 2**31 - 1)


@st.composite
def reports(draw: st.DrawFn) -> GenReport:
    template = draw(st.sampled_from((None, "2021", "2019", "hybrid")))
    breaks = draw(st.one_of(st.none(), st.just(()), st.sampled_from(BREAKS).map(lambda b: (b,))))
    zero_style = draw(st.sampled_from((None, "zeros", "blank", "mixed")))
    blank_totals = draw(st.sampled_from((None, False, True)))
    return generate(draw(seeds), template=template, breaks=breaks, zero_style=zero_style, blank_totals=blank_totals)


variants = st.builds(
    Variant,
    seed=seeds,
    brackets=st.sampled_from(("full", "half")),
    quotes=st.sampled_from(("curly", "straight")),
    enum=st.sampled_from((".", "、", "．")),
    header_split=st.sampled_from(("none", "space", "newline")),
    spaced=st.booleans(),
    typo=st.booleans(),
    wrap_long_labels=st.booleans(),
    t2_one_table=st.booleans(),
    note=st.booleans(),
    html_flavour=st.sampled_from(("clean", "word", "cms")),
    encoding=st.sampled_from(("utf-8", "utf-8-nometa", "gbk", "gbk-nometa")),
    blank_markup=st.sampled_from(("", "&nbsp;", "<p>&nbsp;</p>")),
    md_style=st.sampled_from(("ragged", "repeat")),
    docx_runs=st.booleans(),
)


def _round_trip(rep: GenReport, data: bytes, name: str) -> None:
    result = extract(data, name=name)
    problems = differences(rep, result)
    assert problems == [], f"seed {rep.seed} ({rep.template}, breaks {rep.breaks}): " + "; ".join(problems[:12])


@given(reports(), variants)
def test_pipe_text(rep: GenReport, v: Variant) -> None:
    _round_trip(rep, render_pipe(rep, v).encode(), "gen.txt")


@given(reports(), variants)
def test_markdown(rep: GenReport, v: Variant) -> None:
    _round_trip(rep, render_markdown(rep, v).encode(), "gen.md")


@given(reports(), variants)
def test_tab_separated_text(rep: GenReport, v: Variant) -> None:
    _round_trip(rep, render_tab(rep, v).encode("gb18030"), "gen.txt")


@given(reports(), variants)
def test_html(rep: GenReport, v: Variant) -> None:
    _round_trip(rep, render_html(rep, v), "gen.html")


@settings(max_examples=max(10, EXAMPLES // 3), suppress_health_check=[HealthCheck.too_slow])
@given(reports(), variants)
def test_docx_with_merged_cells(rep: GenReport, v: Variant) -> None:
    _round_trip(rep, render_docx(rep, v), "gen.docx")


@pytest.mark.parametrize("case", CACHED_CASES, ids=lambda c: c.name)
def test_pdf_cached(case: PdfCase) -> None:
    """PDFs rendered by LibreOffice (tables breaking across pages), cached in tests/fixtures/generated."""
    data = cached_pdf(case)
    if data is None:
        if soffice_path() is None:
            pytest.skip("PDF not cached (or stale) and soffice is not installed")
        refresh_cache((case,))
        data = cached_pdf(case)
        assert data is not None
    _round_trip(case.report(), data, f"{case.name}.pdf")


@pytest.mark.slow
def test_pdf_fresh_batch() -> None:
    """--slow: a fresh batch of random PDFs through LibreOffice (HTML and DOCX routes)."""
    if soffice_path() is None:
        pytest.skip("soffice is not installed")
    rng = random.Random()
    n = max(20, EXAMPLES // 10)
    cases = [PdfCase(rng.randrange(2**31), rng.randrange(2**31)) for _ in range(n)]
    pdfs = convert([(c.name, *c.source()) for c in cases])
    failures = {}
    for c in cases:
        problems = differences(c.report(), extract(pdfs[c.name], name=f"{c.name}.pdf"))
        if problems:
            failures[c.name] = problems[:6]
    assert failures == {}


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5), st.integers(1, 3)), max_size=15))
def test_table_rows_place_each_cell_once_in_its_row(specs: list[tuple[int, int, int]]) -> None:
    from extractor.document import Cell, Table

    table = Table([Cell(r, c, f"{r}.{c}", row_span=s) for r, c, s in specs])
    rows = list(table.rows())
    assert len(rows) == table.n_rows
    assert sorted(id(c) for row in rows for c in row) == sorted(id(c) for c in table.cells)
    for r, row in enumerate(rows):
        assert all(c.row == r for c in row)
        assert [c.col for c in row] == sorted(c.col for c in row)


def test_tab_separated_table_4_whose_every_cell_is_blank() -> None:
    """Found by test_tab_separated_text (seed 449): a table 4 that prints fifteen empty cells under
    its column headings was skipped as an empty header row, so table 4 was reported missing."""
    rep = generate(449, template="hybrid", breaks=(), zero_style=None, blank_totals=False)
    v = Variant(seed=0, brackets="full", quotes="curly", enum=".", header_split="none", spaced=False, typo=False,
                wrap_long_labels=False, t2_one_table=False, note=False, html_flavour="clean", encoding="utf-8",
                blank_markup="", md_style="ragged", docx_runs=False, pdf_via="html", pdf_big=False)
    _round_trip(rep, render_tab(rep, v).encode("gb18030"), "gen.txt")
