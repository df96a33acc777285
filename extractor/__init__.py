"""ogi-extractor: deterministic extraction of 政府信息公开工作年度报告 into typed, checked records.

The curated public API (``__all__`` is tested)::

    from extractor import extract
    result = extract("report.pdf")          # never raises for a bad document
    result.status                           # "ok" | "findings" | "failed"
    result.report.flat()                    # {"t3.new_received.total": 3119, ...}
    result.report.findings                  # failed cross-checks, pointed at cells

Names resolve on first use (PEP 562): ``import extractor`` loads nothing else, so ``ogi --version``
and ``ogi extract small.txt`` pay only for the modules they use (the audit, diff, batch, crawl and
OCR code, the pydantic models and the regex tables load when something needs them).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from extractor._version import __version__

if TYPE_CHECKING:
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
    from extractor.pipeline import ExtractionResult, build_report, extract, extract_report, read_document
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

_SOURCES: dict[str, tuple[str, ...]] = {
    "extractor.audit": ("AuditResult", "audit_warehouse"),
    "extractor.batch": ("extract_record", "run_batch"),
    "extractor.diff": ("OrganMatch", "ReportDiff", "diff_reports", "match_organs"),
    "extractor.document": ("Cell", "Document", "Paragraph", "Provenance", "Table"),
    "extractor.errors": (
        "ERROR_CODES", "ConfigError", "ConverterMissing", "CorruptDocument", "DecodeError", "EmptyInput",
        "EncryptedDocument", "ExtraMissing", "FileTooLarge", "InputNotFound", "LocateError", "MapError", "NeedsOCR",
        "NotAReport", "OgiError", "OutOfMemory", "QueryError", "ReaderCrashed", "ReadError", "ReadTimeout", "ReportLookupError", "UnknownOutput",
        "UnsupportedFormat", "WarehouseError", "WarehouseLocked", "WarehouseMissing", "WarehouseOutdated",
    ),
    "extractor.isolate": ("extract_isolated",),
    "extractor.pipeline": ("ExtractionResult", "build_report", "extract", "extract_report", "read_document"),
    "extractor.records": (
        "CellRef", "Figure", "Finding", "FreeFigure", "Metadata", "Report", "Section", "Severity", "Table2", "Table3",
        "Table4",
    ),
    "extractor.settings": ("Settings",),
    "extractor.text": ("CellState",),
}
_MODULE_OF = {name: module for module, names in _SOURCES.items() for name in names}
_SUBPACKAGES = frozenset(
    ["audit", "batch", "crawl", "diff", "document", "errors", "isolate", "locate", "mapping", "pipeline", "readers", "records", "settings", "text", "validate", "writers"]
)


def __getattr__(name: str) -> Any:
    module = _MODULE_OF.get(name)
    if module is None:
        if name in _SUBPACKAGES:  # ``extractor.batch`` without importing it first, as before
            return importlib.import_module(f"{__name__}.{name}")
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # resolved once
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


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
