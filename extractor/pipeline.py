"""The one-way pipeline: bytes → Document → located rows → typed Report → findings.

:func:`extract` never raises for a bad document: it returns an :class:`ExtractionResult` whose
``status`` is ``ok``, ``findings`` (extracted, but an error-severity identity failed), ``partial``
(extracted, but one of tables 2–4 that the template requires is missing or unreadable: a
``table.missing`` / ``table.unreadable`` finding) or ``failed`` (with a typed
:class:`~extractor.errors.OgiError`). Batches rely on that.
:func:`extract_report` is the raising variant for scripts that want an exception.
"""

from __future__ import annotations

import gc
import hashlib
import re
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from extractor._version import __version__
from extractor.budget import Budget
from extractor.document import Block, Document, Paragraph, Table
from extractor.errors import NotAReport, OgiError, ReadError
from extractor.locate.align.gate import T2_WORDS, T3_WORDS, may_hold, may_open_table
from extractor.locate.grid import locate_grid_rows
from extractor.locate.hits import UNLABELED, Located, RowHit
from extractor.locate.meta import (
    complete_organ,
    confirm_year,
    find_numbered_headings,
    find_published,
    find_sections,
    find_title,
)
from extractor.mapping.tables import map_tables
from extractor.mapping.unlabeled import unlabeled_fit
from extractor.readers import read_bytes
from extractor.records.models import Finding, Metadata, OcrInfo, Report, Section, Severity, TableTemplates, Template
from extractor.settings import DEFAULT_SETTINGS, Settings
from extractor.template import T3_ROWS
from extractor.validate.completeness import CODES as TABLE_CODES
from extractor.validate.completeness import check_tables
from extractor.validate.identities import NARRATIVE_SECTIONS, validate

Status = Literal["ok", "findings", "partial", "failed"]
"""``partial``: a table the template requires is missing or unreadable (``table.missing`` / ``table.unreadable``)."""


@dataclass(slots=True)
class ExtractionResult:
    source: str
    status: Status
    report: Report | None = None
    error: OgiError | None = None
    elapsed_ms: float = 0.0
    findings: list[Finding] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.status != "failed"

    def raise_for_error(self) -> Report:
        if self.error is not None:
            raise self.error
        assert self.report is not None
        return self.report

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "status": self.status,
            "elapsed_ms": round(self.elapsed_ms, 3),
            "error": None if self.error is None else {"code": self.error.code, "message": self.error.message},
            "report": None if self.report is None else self.report.to_dict(),
        }


def read_document(source: str | Path | bytes, *, name: str | None = None, settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a file (or bytes) into the intermediate :class:`Document`. Raises ReadError subclasses."""
    data, label = _load(source, name, settings)
    return read_bytes(data, source=label, settings=settings)


def _load(source: str | Path | bytes, name: str | None, settings: Settings) -> tuple[bytes, str]:
    if isinstance(source, bytes):
        return source, name or "<bytes>"
    path = Path(source)
    label = name or str(source)
    try:
        size = path.stat().st_size
        if size > settings.max_bytes:
            from extractor.errors import FileTooLarge

            raise FileTooLarge(f"{size:,} bytes is over the {settings.max_bytes:,}-byte limit (raise it with --max-bytes)", source=label)
        return path.read_bytes(), label
    except OSError as exc:
        raise ReadError(f"cannot read file: {exc.strerror or exc}", source=label) from exc


def extract(
    source: str | Path | bytes, *, name: str | None = None, settings: Settings = DEFAULT_SETTINGS
) -> ExtractionResult:
    """Extract one report. Never raises for bad input; see :class:`ExtractionResult`.

    The cyclic garbage collector is paused while one document is read (when it was running, and
    switched back on at the end even if the caller turned it off meanwhile): the thousands of
    short-lived objects a document makes are all freed by reference counting, but while the
    collector runs they trigger a collection every 700 allocations, and now and then a full one that
    walks every object of the calling process (in the HTML benchmark's process, which also holds
    BeautifulSoup's cyclic trees, about a third of extract()'s time). A collection made due by the
    record that survives runs at the caller's next allocation."""
    paused = gc.isenabled()  # (inline, not collector_paused(): a context manager allocates before it pauses)
    if paused:
        gc.disable()
    try:
        return _extract(source, name, settings)
    finally:
        if paused:
            gc.enable()


@contextmanager
def collector_paused() -> Iterator[None]:
    """The cyclic collector off for the block, when it was running (and on again at its end, even
    if something turned it off meanwhile)."""
    paused = gc.isenabled()
    if paused:
        gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


def _extract(source: str | Path | bytes, name: str | None, settings: Settings) -> ExtractionResult:
    t0 = time.perf_counter()
    label = name or (str(source) if not isinstance(source, bytes) else "<bytes>")
    try:
        doc = read_document(source, name=name, settings=settings)
        report = build_report(doc, settings=settings)
    except OgiError as exc:
        if exc.source is None:
            exc.source = label
        return ExtractionResult(source=label, status="failed", error=exc, elapsed_ms=(time.perf_counter() - t0) * 1000)
    status = status_of(report)
    return ExtractionResult(
        source=label, status=status, report=report, findings=report.findings, elapsed_ms=(time.perf_counter() - t0) * 1000
    )


def status_of(report: Report) -> Status:
    """``partial`` (a required table is missing) > ``findings`` (an error-level check failed) > ``ok``."""
    if any(f.code in TABLE_CODES for f in report.findings):
        return "partial"
    return "findings" if any(f.severity is Severity.ERROR for f in report.findings) else "ok"


def extract_report(source: str | Path | bytes, *, name: str | None = None, settings: Settings = DEFAULT_SETTINGS) -> Report:
    """Like :func:`extract`, but raises the typed error instead of returning it."""
    return extract(source, name=name, settings=settings).raise_for_error()


def _choose(grid: Located, flat: Located, flattened: Located | None = None) -> Located:
    """Per table, take the rows from whichever source found more of them (grid wins ties), then add
    the rows only ``flattened`` (the aligner run over the whole document, table cells included)
    found: a grid row broken by a line break inside a cell is read there."""
    out = Located(t2_header_words=grid.t2_header_words | flat.t2_header_words)
    for kind in ("t2", "t3", "t4"):
        g, f = getattr(grid, kind), getattr(flat, kind)
        gk, fk = {h.key for h in g}, {h.key for h in f}
        use, src = (g, "grid") if len(gk) >= len(fk) else (f, "text")
        if kind == "t2":  # table-2 rows may be printed partly outside the grid
            other = f if use is g else g
            taken = {h.key for h in use}
            use = use + [h for h in other if h.key not in taken]
        if flattened is not None and not (kind == "t3" and _by_order(use)):
            # rows neither the grid nor the prose found, or found without values (a grid's value
            # rows printed without labels are assigned by template order instead: rows.by_order)
            found = {h.key: h for h in getattr(flattened, kind)}
            merged = [found[h.key] if h.key in found and found[h.key].tokens and not _prints_values(h) else h for h in use]
            merged += [h for key, h in found.items() if key not in {x.key for x in use}]
            if any(a is not b for a, b in zip(merged, use, strict=False)) or len(merged) > len(use):
                # value rows that could not be placed by order (a piece of a wrapped label and its
                # values): the flattened text joins the label's lines and reads such rows itself
                merged = [h for h in merged if h.key != UNLABELED]
                src = src if use else "flattened"
                use = merged
                if kind == "t2":
                    out.t2_header_words |= flattened.t2_header_words
        setattr(out, kind, use)
        if use:
            out.sources[kind] = src
        origin = flat if src == "text" else flattened if src == "flattened" else None  # running text's own signals
        if kind == "t3":
            out.t3_header_inside = origin is not None and origin.t3_header_inside
        if kind == "t2":
            out.t2_headings_misplaced = origin is not None and origin.t2_headings_misplaced
    return out


_EVERY_TEMPLATE = {
    "t2": frozenset({"regulations", "normative_docs", "licensing", "punishment", "coercion", "fees"}),
    "t3": frozenset(r.key for r in T3_ROWS) - {"other", "other_no_correction", "other_no_fee", "other_other", "rejected_confirm"},
    "t4": frozenset({"data"}),
}
"""Rows both templates print: a table missing one of them, or a table-3 row printing no values, is
taken to be partly missed by the grid and the prose."""


def _incomplete(located: Located) -> bool:
    for kind, keys in _EVERY_TEMPLATE.items():
        hits = getattr(located, kind)
        if kind == "t3" and _by_order(hits):
            continue  # rows printed without labels are assigned by template order (rows.by_order) instead
        if not keys <= {h.key for h in hits} or (kind == "t3" and not all(_prints_values(h) for h in hits)):
            return True
    return False


def _by_order(hits: Sequence[RowHit]) -> bool:
    """Table-3 rows the grid found without labels are left to the template's order (rows.by_order),
    never to the flattened text: rows printed with no label at all (a PDF's markdown prints the
    label apart), or rows whose label is a piece naming no row when they fit the missing rows. A
    piece that does not fit is the rest of a label wrapped inside a cell (python-docx's tab rows
    ``申请数量\t5\t1…``): the flattened text joins the label's lines and reads that row."""
    return any(h.key == UNLABELED and not h.label for h in hits) or unlabeled_fit(hits)


def _prints_values(hit: RowHit) -> bool:
    """Whether a located row prints anything in its value cells (a grid row cut from its numbers by
    a line break inside its label cell prints none)."""
    if hit.tokens is not None:
        return bool(hit.tokens)
    return hit.cells is None or any(c is not None and c.text.strip() for c in hit.cells)


def _flattened(blocks: Sequence[Block]) -> list[Paragraph]:
    """The document as running text: paragraphs as they are, each table cell's text a line of its
    own, in reading order. A grid that came out broken (a tab-separated row whose cells hold line
    breaks, a mangled HTML table) is then read by the aligner like a dump of one cell per line."""
    out: list[Paragraph] = []
    for b in blocks:
        if isinstance(b, Paragraph):
            out.append(b)
        elif isinstance(b, Table):
            for c in b.cells:
                if _SPLIT_NUMBER.fullmatch(c.raw_text):  # "5 14", "0. 35": one cell, one number
                    out.append(Paragraph(text=re.sub(r"\s+", "", c.raw_text), provenance=c.provenance))
                else:
                    out.extend(Paragraph(text=line, provenance=c.provenance) for line in c.raw_text.splitlines() or [c.text])
    return out


_SPLIT_NUMBER = re.compile(r"\s*\d+(?:\s+\d+)*(?:\.\s*\d+(?:\s+\d+)*)?\s*")
"""A cell holding nothing but the digits of one number, with spaces or line breaks among them (its
digits sat in several ``<span>`` elements, or the cell wrapped): written as the number it is, so
that the aligner does not take its pieces for the cells of neighbouring columns."""


_T3_TEXT_MAX_KEYS = len({r.key for r in T3_ROWS}) - 1
"""Most table-3 rows the aligner can name: （六）其他处理 is dropped when its sub-rows are found."""


def _text_may_add(grid: Located, para_text: str) -> bool:
    """Whether :func:`_choose` could take anything from the running-text aligner, i.e. whether it
    is worth running: never when the text can open no table region at all; table 4 once the grid
    has one never (the text finds one row at most); table 3 only when the grid names fewer rows
    than the text can and the text may open a table-3 region; table 2 (whose text rows are merged
    with the grid's) whenever the text may open its region."""
    if not grid.t4:
        return may_open_table(para_text)
    if may_hold(para_text, T2_WORDS):
        return True
    return len({h.key for h in grid.t3}) < _T3_TEXT_MAX_KEYS and may_hold(para_text, T3_WORDS)


UNTITLED_MIN_ROWS = 20
"""A document without a report title is still a report when this many rows of tables 2–4 are
located in it (a spreadsheet annex, a page of the tables alone)."""

_INFO_READER_NOTES = {"converted_with", "unescaped_entities"}
"""Reader notes that describe how a document was read rather than a problem with it."""


def build_report(doc: Document, *, settings: Settings = DEFAULT_SETTINGS) -> Report:
    """Locate, map and validate a Document (raises :class:`NotAReport` for non-reports, and
    :class:`~extractor.errors.ReadTimeout` when locating takes more than ``settings.timeout_s``)."""
    budget = Budget(settings, doc.source)
    para_text = "\n".join(b.text for b in doc.blocks if isinstance(b, Paragraph))
    full_text = doc.text()
    head = "\n".join(b.text for b in doc.blocks[:12] if isinstance(b, Paragraph))
    info = find_title(head, doc.metadata.get("title"), budget)
    if info.title is None:
        info = find_title(full_text[:3000], None, budget)
    period_year = confirm_year(full_text)
    year = info.year or period_year

    grid = locate_grid_rows(doc, budget)
    flat = Located()
    if _text_may_add(grid, para_text):
        from extractor.locate.align.rows import locate_text_rows  # loaded only for documents that need it

        flat = locate_text_rows([b for b in doc.blocks if isinstance(b, Paragraph)])
    located = _choose(grid, flat)
    if any(isinstance(b, Table) for b in doc.blocks) and _incomplete(located):
        flattened = _flattened(doc.blocks)
        if may_open_table("\n".join(p.text for p in flattened)):  # else the aligner finds nothing there
            from extractor.locate.align.rows import locate_text_rows

            located = _choose(grid, flat, locate_text_rows(flattened))
    sections = find_sections(full_text, budget)

    rows_found = len(located.t2) + len(located.t3) + len(located.t4)
    untitled = not (info.title or period_year)
    if (untitled and rows_found < UNTITLED_MIN_ROWS) or (
        rows_found < 3 and len(sections) < 3 and not _looks_pre2019(full_text)
    ):
        raise NotAReport(
            "no annual-report title (…年…政府信息公开…年度报告) or statistical period, "
            "and neither tables 2–4 nor the numbered sections were found",
            source=doc.source,
        )

    mapped = map_tables(located, year, para_text)

    templates = TableTemplates.make(
        t2=mapped.table2.template if mapped.table2 else None,
        t3=mapped.table3.template if mapped.table3 else None,
        t4="2021" if mapped.table4 and (year or 2021) >= 2021 else ("2019" if mapped.table4 else None),
    )
    overall: Template
    if templates.t2 or templates.t3:
        overall = templates.t2 or templates.t3 or "other"
    elif year is not None and year < 2019:
        overall = "pre2019"
    else:
        overall = "pre2019" if _looks_pre2019(full_text) else "other"
    published, published_source = find_published(doc.metadata, head[:600], full_text[-400:], year)
    meta = Metadata.make(
        title=info.title or doc.metadata.get("title"),
        organ=complete_organ(info.organ, full_text[:8000]),
        organ_in_title=info.organ_in_title,
        report_year=year,
        year_confirmed=period_year is not None and period_year == year,
        published=published,
        published_source=published_source,
        template=overall,
        templates=templates,
        source_name=Path(doc.source).name if doc.source and not doc.source.startswith("<") else doc.source,
        sha256=doc.sha256 or None,
        reader=doc.reader,
        encoding=doc.encoding,
        url=doc.metadata.get("url"),
        publisher=doc.metadata.get("publisher"),
        index_no=doc.metadata.get("index_no"),
        page_count=doc.page_count,
        ocr=OcrInfo.make(pages=doc.ocr_pages, seconds=round(doc.ocr_seconds, 3)) if doc.ocr_pages else None,
    )
    report = Report.make(
        extractor_version=__version__,
        meta=meta,
        sections=_sections(full_text, sections),
        table2=mapped.table2,
        table3=mapped.table3,
        table4=mapped.table4,
    )
    if overall == "pre2019":
        from extractor.locate.pre2019 import free_figures  # reports before the 2019 template only

        report.pre2019 = free_figures(doc)
        numbered = find_numbered_headings(full_text, budget)
        if len(numbered) > len(sections):
            report.sections = _sections(full_text, numbered)
    findings = list(mapped.findings)
    notes: list[Finding] = []
    for w in doc.warnings:
        code, _, msg = w.partition(":")
        code = code.strip() if msg else "warning"
        severity = Severity.INFO if code in _INFO_READER_NOTES else Severity.WARNING
        # a note with its own namespace (decode.replaced) keeps it; the rest are reader.<code>
        qualified = code if "." in code and " " not in code else f"reader.{code}"
        notes.append(Finding.make(code=qualified, severity=severity, message=msg.strip() or w))
    findings.extend(notes)
    findings.extend(check_tables(report, notes))
    if period_year is not None and info.year is not None and period_year != info.year:
        findings.append(
            Finding.make(code="meta.year_mismatch", severity=Severity.WARNING,
                    message=f"the title says {info.year} but the statistical period says {period_year}",
                    expected=info.year, actual=period_year)
        )
    narrative = " ".join(s.text for s in report.sections if s.number in NARRATIVE_SECTIONS) or para_text[:20000]
    findings.extend(validate(report, narrative))
    report.findings = findings
    return report


def _looks_pre2019(text: str) -> bool:
    return "国务院令第492号" in text or "收费及减免" in text or "指标名称" in text


def _sections(text: str, spans: list[Any]) -> list[Section]:
    out: list[Section] = []
    for i, s in enumerate(spans):
        end = spans[i + 1].start if i + 1 < len(spans) else len(text)
        body = text[s.body_start : end].strip()
        out.append(Section.make(number=s.number, heading=s.heading, text=body))
    return out


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


__all__ = ["ExtractionResult", "Status", "__version__", "build_report", "extract", "extract_report", "read_document", "status_of"]

_ = Table  # re-exported type used in annotations elsewhere
