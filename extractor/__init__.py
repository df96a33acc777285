"""ogi-extractor: deterministic extraction of 政府信息公开工作年度报告 into typed, checked records.

The curated public API (``__all__`` is tested)::

    from extractor import extract
    result = extract("report.pdf")          # never raises for a bad document
    result.status                           # "ok" | "findings" | "failed"
    result.report.flat()                    # {"t3.new_received.total": 3119, ...}
    result.report.findings                  # failed cross-checks, pointed at cells
"""

from extractor.audit import AuditResult, audit_warehouse
from extractor.batch import extract_record, run_batch
from extractor.diff import OrganMatch, ReportDiff, diff_reports, match_organs
from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.errors import (
    ERROR_CODES,
    ConfigError,
    ConverterMissing,
    CorruptDocument,
    DecodeError,
    EmptyInput,
    EncryptedDocument,
    ExtraMissing,
    FileTooLarge,
    InputNotFound,
    LocateError,
    MapError,
    NeedsOCR,
    NotAReport,
    OgiError,
    OutOfMemory,
    QueryError,
    ReaderCrashed,
    ReadError,
    ReadTimeout,
    ReportLookupError,
    UnknownOutput,
    UnsupportedFormat,
    WarehouseError,
    WarehouseLocked,
    WarehouseMissing,
    WarehouseOutdated,
)
from extractor.isolate import extract_isolated
from extractor.pipeline import ExtractionResult, __version__, build_report, extract, extract_report, read_document
from extractor.records import (
    CellRef,
    Figure,
    Finding,
    FreeFigure,
    Metadata,
    Report,
    Section,
    Severity,
    Table2,
    Table3,
    Table4,
)
from extractor.settings import Settings
from extractor.text import CellState

__all__ = [
    "ERROR_CODES",
    "AuditResult",
    "Cell",
    "CellRef",
    "CellState",
    "ConfigError",
    "ConverterMissing",
    "CorruptDocument",
    "DecodeError",
    "Document",
    "EmptyInput",
    "EncryptedDocument",
    "ExtraMissing",
    "ExtractionResult",
    "Figure",
    "FileTooLarge",
    "Finding",
    "FreeFigure",
    "InputNotFound",
    "LocateError",
    "MapError",
    "Metadata",
    "NeedsOCR",
    "NotAReport",
    "OgiError",
    "OrganMatch",
    "OutOfMemory",
    "Paragraph",
    "Provenance",
    "QueryError",
    "ReadError",
    "ReadTimeout",
    "ReaderCrashed",
    "Report",
    "ReportDiff",
    "ReportLookupError",
    "Section",
    "Settings",
    "Severity",
    "Table",
    "Table2",
    "Table3",
    "Table4",
    "UnknownOutput",
    "UnsupportedFormat",
    "WarehouseError",
    "WarehouseLocked",
    "WarehouseMissing",
    "WarehouseOutdated",
    "__version__",
    "audit_warehouse",
    "build_report",
    "diff_reports",
    "extract",
    "extract_isolated",
    "extract_record",
    "extract_report",
    "match_organs",
    "read_document",
    "run_batch",
]
