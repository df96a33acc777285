"""Typed output records (see :mod:`extractor.records.models`)."""

from extractor.records.models import (
    SCHEMA_VERSION,
    CellRef,
    Figure,
    Finding,
    FreeFigure,
    Metadata,
    Report,
    Section,
    Severity,
    Table2,
    Table2Row,
    Table3,
    Table3Row,
    Table4,
    Table4Group,
    TableTemplates,
)

__all__ = [
    "SCHEMA_VERSION",
    "CellRef",
    "Figure",
    "Finding",
    "FreeFigure",
    "Metadata",
    "Report",
    "Section",
    "Severity",
    "Table2",
    "Table2Row",
    "Table3",
    "Table3Row",
    "Table4",
    "Table4Group",
    "TableTemplates",
]
