"""Typed output records (pydantic v2). ``schemas/`` holds the JSON Schema generated from these.

The shape follows the national template: table 2 in its 2021 or 2019 layout, table 3 as rows of
seven applicant columns (25 rows in 2021, 23 in 2019 where （六）其他处理 is one row), table 4 as
three groups of five. Every number is a :class:`Figure` that keeps its printed state, raw text,
unit and :class:`CellRef` so an auditor can find the cell. :meth:`Report.flat` gives the canonical
flat keys of ``flat-keys.md``.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from enum import StrEnum
from typing import Any, ClassVar, Literal, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from extractor.text import CellState

SCHEMA_VERSION = "1.0"
Template = Literal["2021", "2019", "pre2019", "other"]
Number = int | float


_set = object.__setattr__
_REQUIRED = object()


class _Record(BaseModel):
    """Base of the records. Validators and serializers are built on first use, not at import: the
    pipeline builds its records with :meth:`make` from values it has already checked, so ``ogi
    extract --flat`` never builds them, and the first ``model_dump`` or validation pays once."""

    model_config = ConfigDict(defer_build=True)

    VALIDATE: ClassVar[bool] = False
    """Tests set this to make :meth:`make` validate, to prove the pipeline's values valid."""

    @classmethod
    def make(cls, **fields: Any) -> Self:
        """A record from values the pipeline has already checked, without validation.

        What :meth:`model_construct` does (the values as given, every other field its default), minus
        its per-call alias bookkeeping: about 1 µs instead of 7 µs per figure (validation costs 3 µs,
        and building the validator once costs tens of milliseconds). Fields a record requires must
        be given."""
        if _Record.VALIDATE:
            return cls.model_validate(fields)
        maker = _MAKERS.get(cls)
        if maker is None:
            maker = _MAKERS[cls] = _maker(cls)
        template, factories, required = maker
        values = template.copy()
        values.update(fields)
        for name, factory in factories:
            if name not in fields:
                values[name] = factory()
        if required and not required <= fields.keys():
            raise TypeError(f"{cls.__name__}.make: missing {sorted(required - fields.keys())}")
        return _built(cls, values, fields.keys())


_R = TypeVar("_R", bound=BaseModel)


_new = object.__new__
_set_fields_set = BaseModel.__dict__["__pydantic_fields_set__"].__set__  # the slots, written directly
_set_extra = BaseModel.__dict__["__pydantic_extra__"].__set__
_set_private = BaseModel.__dict__["__pydantic_private__"].__set__


def _built(cls: type[_R], values: dict[str, Any], given: Iterable[str]) -> _R:
    """A record from a complete ``__dict__`` (every field, in order) and the names that were given."""
    obj = _new(cls)
    _set(obj, "__dict__", values)
    _set_fields_set(obj, set(given))
    _set_extra(obj, None)
    _set_private(obj, None)
    return obj


_Maker = tuple[dict[str, Any], tuple[tuple[str, Any], ...], frozenset[str]]
_MAKERS: dict[type[BaseModel], _Maker] = {}


def _maker(cls: type[BaseModel]) -> _Maker:
    """Per record class: a dict of every field in order (static defaults filled in), the fields
    whose default comes from a factory, and the required fields."""
    template: dict[str, Any] = {}
    factories: list[tuple[str, Any]] = []
    required: set[str] = set()
    for name, field in cls.model_fields.items():
        if field.is_required():
            template[name] = _REQUIRED
            required.add(name)
        elif field.default_factory is not None:
            template[name] = None
            factories.append((name, field.default_factory))
        else:
            template[name] = field.default
    return template, tuple(factories), frozenset(required)


class CellRef(_Record):
    """Where a figure was printed."""

    model_config = ConfigDict(frozen=True)

    table: int | None = Field(None, description="0-based index of the table block in the document; None for flat text")
    row: int | None = Field(None, description="0-based grid row within that table")
    col: int | None = Field(None, description="0-based grid column within that table")
    page: int | None = None
    line: int | None = None
    path: str | None = None
    bbox: tuple[float, float, float, float] | None = None
    offset: int | None = Field(None, description="character offset in the document text, for flattened tables")

    def describe(self) -> str:
        parts = []
        if self.page is not None:
            parts.append(f"page {self.page}")
        if self.table is not None:
            parts.append(f"table {self.table + 1} row {(self.row or 0) + 1} col {(self.col or 0) + 1}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.offset is not None and self.table is None:
            parts.append(f"text offset {self.offset}")
        return ", ".join(parts) or "unknown"

    @classmethod
    def at(cls, table: int | None, row: int | None, col: int | None, page: int | None, line: int | None,
           path: str | None, bbox: tuple[float, float, float, float] | None) -> CellRef:
        """``make(table=…, row=…, col=…, page=…, line=…, path=…, bbox=…)`` for the hot path (a ref
        per grid cell that becomes a figure): the same record, built in a third of the time."""
        if _Record.VALIDATE:
            return cls.make(table=table, row=row, col=col, page=page, line=line, path=path, bbox=bbox)
        return _built(cls, {"table": table, "row": row, "col": col, "page": page, "line": line, "path": path,
                            "bbox": bbox, "offset": None}, _AT_GIVEN)

    @classmethod
    def in_text(cls, offset: int | None, line: int | None) -> CellRef:
        """``make(offset=…, line=…)`` for the hot path (a ref per cell read from running text)."""
        if _Record.VALIDATE:
            return cls.make(offset=offset, line=line)
        return _built(cls, {"table": None, "row": None, "col": None, "page": None, "line": line, "path": None,
                            "bbox": None, "offset": offset}, _IN_TEXT_GIVEN)


class Figure(_Record):
    """One numeric cell: value as printed plus its state and origin."""

    key: str = Field(description="flat key, e.g. t3.granted.total")
    value: Number | None = Field(description="number as printed; None when state is text/ambiguous")
    state: CellState
    raw: str = Field(description="the cell's text as found (for glued text dumps: the whole run)")
    unit: str | None = None
    inferred: bool = Field(False, description="True when the value was not printed as such: split from run-together digits, or a misread cell corrected because the identities force it (split.inferred / cell.corrected findings)")
    ref: CellRef = Field(default_factory=CellRef.make)

    @classmethod
    def of(cls, key: str, value: Number | None, state: CellState, raw: str, unit: str | None, ref: CellRef) -> Figure:
        """``make(key=…, value=…, state=…, raw=…, unit=…, ref=…)`` for the hot path (every printed cell)."""
        if _Record.VALIDATE:
            return cls.make(key=key, value=value, state=state, raw=raw, unit=unit, ref=ref)
        return _built(cls, {"key": key, "value": value, "state": state, "raw": raw, "unit": unit, "inferred": False,
                            "ref": ref}, _OF_GIVEN)

    @classmethod
    def full(cls, key: str, value: Number | None, state: CellState, raw: str, unit: str | None, inferred: bool, ref: CellRef) -> Figure:
        """``make(key=…, value=…, state=…, raw=…, unit=…, inferred=…, ref=…)`` for the hot path (every
        cell read from running text)."""
        if _Record.VALIDATE:
            return cls.make(key=key, value=value, state=state, raw=raw, unit=unit, inferred=inferred, ref=ref)
        return _built(cls, {"key": key, "value": value, "state": state, "raw": raw, "unit": unit, "inferred": inferred,
                            "ref": ref}, _FULL_GIVEN)

    @classmethod
    def in_text(cls, key: str, value: Number | None, state: CellState, raw: str, unit: str | None, inferred: bool,
                offset: int | None, line: int | None) -> Figure:
        """``full(…, ref=CellRef.in_text(offset, line))``, the figure and its ref built in one call
        (every cell read from running text has a ref of its own)."""
        if _Record.VALIDATE:
            return cls.full(key, value, state, raw, unit, inferred, CellRef.in_text(offset, line))
        ref = _new(CellRef)
        _set(ref, "__dict__", {"table": None, "row": None, "col": None, "page": None, "line": line, "path": None,
                               "bbox": None, "offset": offset})
        _set_fields_set(ref, set(_IN_TEXT_GIVEN))
        _set_extra(ref, None)
        _set_private(ref, None)
        fig = _new(cls)
        _set(fig, "__dict__", {"key": key, "value": value, "state": state, "raw": raw, "unit": unit, "inferred": inferred,
                               "ref": ref})
        _set_fields_set(fig, set(_FULL_GIVEN))
        _set_extra(fig, None)
        _set_private(fig, None)
        return fig

    @property
    def flat_value(self) -> Number | None:
        """Value in truth-file convention: placeholders and blanks read as 0."""
        if self.value is not None:
            return self.value
        return 0 if self.state.reads_as_zero else None


_AT_GIVEN = frozenset(("table", "row", "col", "page", "line", "path", "bbox"))
_OF_GIVEN = frozenset(("key", "value", "state", "raw", "unit", "ref"))
_FULL_GIVEN = frozenset(("key", "value", "state", "raw", "unit", "inferred", "ref"))
_IN_TEXT_GIVEN = frozenset(("offset", "line"))


class Table3Row(_Record):
    natural_person: Figure | None = None
    commercial: Figure | None = None
    research: Figure | None = None
    social_org: Figure | None = None
    legal_service: Figure | None = None
    other_org: Figure | None = None
    total: Figure | None = None


class Table3(_Record):
    """收到和处理政府信息公开申请情况. ``template`` tells which row set is present."""

    template: Template
    label_rows: dict[str, str] = Field(default_factory=dict, description="row key -> label as printed")
    new_received: Table3Row | None = None
    carried_over: Table3Row | None = None
    granted: Table3Row | None = None
    partial: Table3Row | None = None
    withheld_state_secret: Table3Row | None = None
    withheld_law_forbidden: Table3Row | None = None
    withheld_three_safety: Table3Row | None = None
    withheld_third_party: Table3Row | None = None
    withheld_internal: Table3Row | None = None
    withheld_process: Table3Row | None = None
    withheld_case_file: Table3Row | None = None
    withheld_inquiry: Table3Row | None = None
    unable_not_held: Table3Row | None = None
    unable_needs_creation: Table3Row | None = None
    unable_unclear: Table3Row | None = None
    rejected_petition: Table3Row | None = None
    rejected_duplicate: Table3Row | None = None
    rejected_publication: Table3Row | None = None
    rejected_excessive: Table3Row | None = None
    rejected_confirm: Table3Row | None = None
    other_no_correction: Table3Row | None = Field(None, description="2021 layout only")
    other_no_fee: Table3Row | None = Field(None, description="2021 layout only")
    other_other: Table3Row | None = Field(None, description="2021 layout only")
    other: Table3Row | None = Field(None, description="2019 layout (single （六）其他处理 row) only")
    results_total: Table3Row | None = None
    carried_forward: Table3Row | None = None


class Table4Group(_Record):
    upheld: Figure | None = None
    corrected: Figure | None = None
    other: Figure | None = None
    pending: Figure | None = None
    total: Figure | None = None


class Table4(_Record):
    """政府信息公开行政复议、行政诉讼情况: three groups of five."""

    review: Table4Group = Field(default_factory=Table4Group.make)
    lit_direct: Table4Group = Field(default_factory=Table4Group.make)
    lit_after_review: Table4Group = Field(default_factory=Table4Group.make)


class Table2Row(_Record):
    """One table-2 row. Which columns exist depends on the layout (see flat-keys.md §4)."""

    label: str = Field("", description="row label as printed")
    issued: Figure | None = None
    repealed: Figure | None = None
    in_force: Figure | None = None
    decisions: Figure | None = None
    amount: Figure | None = None
    new_made: Figure | None = None
    new_published: Figure | None = None
    total_published: Figure | None = None
    prior_year: Figure | None = None
    change: Figure | None = None
    projects: Figure | None = None


class Table2(_Record):
    """主动公开政府信息情况 in the 2021 (制发/废止/现行有效) or 2019 (新制作/新公开/总数) layout."""

    template: Template
    regulations: Table2Row | None = None
    normative_docs: Table2Row | None = None
    licensing: Table2Row | None = None
    other_services: Table2Row | None = Field(None, description="2019 layout only")
    punishment: Table2Row | None = None
    coercion: Table2Row | None = None
    fees: Table2Row | None = None
    procurement: Table2Row | None = Field(None, description="2019 layout only (第二十条第（九）项)")


class FreeFigure(_Record):
    """A labelled figure from a pre-2019 report (no national template): kept as printed."""

    key: str = Field(description="pre2019.<n>: a stable position-based key")
    label: str
    value: Number
    unit: str | None = None
    raw: str
    ref: CellRef = Field(default_factory=CellRef.make)


class Section(_Record):
    """A numbered part of the report: 一、…六、 in the national template; pre-2019 reports number
    their own parts (up to 十、)."""

    number: int = Field(ge=1, le=10)
    heading: str
    text: str


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class Finding(_Record):
    """A failed or noteworthy check. Findings never change a printed number."""

    code: str = Field(description="stable identity id (T3-1, T4-1, …) or a reader/mapping code")
    severity: Severity
    message: str
    expression: str | None = Field(None, description="the identity instantiated, e.g. 一[total] + 二[total] = (七)[total] + 四[total]")
    expected: Number | None = None
    actual: Number | None = None
    cells: list[str] = Field(default_factory=list, description="flat keys of the cells involved")
    refs: list[CellRef] = Field(default_factory=list)


class TableTemplates(_Record):
    t2: Template | None = None
    t3: Template | None = None
    t4: Template | None = None


class OcrInfo(_Record):
    """What OCR cost: set when some of the report's text was read from images."""

    pages: list[int] = Field(description="pages whose text came from OCR (images in order for HTML, DOCX and image files)")
    seconds: float = Field(description="time spent rendering and recognising them")


class Metadata(_Record):
    title: str | None = None
    organ: str | None = Field(None, description="issuing organ; the title's wording completed from the body when the title truncates it")
    organ_in_title: str | None = Field(None, description="the organ exactly as the title writes it")
    report_year: int | None = None
    year_confirmed: bool = Field(False, description="the statistical-period sentence states the same year")
    published: date | None = None
    published_source: str | None = Field(None, description="where the publication date was read: page, title, signature")
    template: Template = "other"
    templates: TableTemplates = Field(default_factory=TableTemplates.make)
    source_name: str | None = None
    sha256: str | None = None
    reader: str | None = None
    encoding: str | None = None
    url: str | None = None
    publisher: str | None = None
    index_no: str | None = None
    page_count: int | None = None
    ocr: OcrInfo | None = None


class Report(_Record):
    """Everything extracted from one annual report."""

    schema_version: str = SCHEMA_VERSION
    extractor_version: str = ""
    meta: Metadata = Field(default_factory=Metadata.make)
    sections: list[Section] = Field(default_factory=list)
    table2: Table2 | None = None
    table3: Table3 | None = None
    table4: Table4 | None = None
    pre2019: list[FreeFigure] = Field(default_factory=list)
    findings: list[Finding] = Field(default_factory=list)

    def figures(self) -> list[Figure]:
        """Every figure of tables 2–4, in template order."""
        out: list[Figure] = []
        for table in (self.table2, self.table3, self.table4):
            if table is None:
                continue
            for row in table.__dict__.values():  # the fields in order (what iterating a model yields)
                if isinstance(row, BaseModel):
                    out.extend(f for f in row.__dict__.values() if isinstance(f, Figure))
        return out

    def flat(self) -> dict[str, Number]:
        """Flat keys → numbers in the truth-file convention (blank/placeholder → 0; ambiguous omitted)."""
        out: dict[str, Number] = {}
        for f in self.figures():
            v = f.flat_value
            if v is not None:
                out[f.key] = v
        return out

    def to_dict(self) -> dict[str, Any]:
        return self.model_dump(mode="json")
