"""The project's error tree. Every error has a stable ``code`` that scripts may rely on.

::

    OgiError                      code            raised when
    ├── ReadError                 read_error      a reader cannot turn bytes into a Document
    │   ├── EmptyInput            empty_input     zero bytes, or nothing but whitespace
    │   ├── FileTooLarge          too_large       input larger than the configured limit
    │   ├── UnsupportedFormat     unsupported_format  bytes of a kind no reader handles (binary junk)
    │   ├── DecodeError           undecodable     text bytes in no encoding we can prove
    │   ├── EncryptedDocument     encrypted       password-protected PDF/Office file
    │   ├── CorruptDocument       corrupt         truncated or malformed PDF/DOCX
    │   ├── NeedsOCR              needs_ocr       a PDF with no text layer
    │   ├── ConverterMissing      converter_missing   .rtf, or a Word 6/95 .doc, and no converter installed
    │   ├── ReadTimeout           timeout         a reader exceeded its time budget
    │   ├── OutOfMemory           out_of_memory   reading needed more memory than the cap (--memory-mb)
    │   └── ReaderCrashed         worker_crashed  the process reading the document died (a signal)
    ├── LocateError               locate_error    the Document is not what we expected
    │   └── NotAReport            not_a_report    no title/sections/tables of an annual report
    ├── MapError                  map_error       located parts cannot be mapped (a bug, reported)
    ├── InputNotFound             missing_input   a batch input (file, folder, glob) that does not exist
    ├── ConfigError               bad_config      an options file (aliases, deadlines) that cannot be read or is invalid
    ├── ExtraMissing              missing_extra   an optional part is not installed (e.g. the charts extra)
    └── WarehouseError            warehouse_error a warehouse cannot be opened, read or written
        ├── UnknownOutput         unknown_output  an output name or format ogi does not write (x.xlsx)
        ├── WarehouseLocked       warehouse_locked    another process is writing this warehouse
        ├── WarehouseMissing      no_warehouse    the warehouse file does not exist
        ├── WarehouseOutdated     old_warehouse   written by an older major schema: run ogi migrate
        ├── QueryError            query_error     bad SQL, or a table/view that does not exist
        └── ReportLookupError     report_lookup   a sha256 prefix or ORGAN:YEAR naming no report, or several

Validation problems are never exceptions: they are :class:`extractor.records.Finding` objects.
Errors carry their context (``source``) so that a batch can report them per document.
"""

from __future__ import annotations


class OgiError(Exception):
    code = "error"

    def __init__(self, message: str, *, source: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.source = source

    def __str__(self) -> str:
        return self.message

    def __reduce__(self) -> tuple[object, ...]:
        # keep ``source`` when an error crosses a process boundary (pickle)
        return (self.__class__, (self.message,), {"source": self.source})

    def one_line(self) -> str:
        where = f"{self.source}: " if self.source else ""
        return f"{where}{self.code}: {' '.join(self.message.split())}"


class ReadError(OgiError):
    code = "read_error"


class EmptyInput(ReadError):
    code = "empty_input"


class FileTooLarge(ReadError):
    code = "too_large"


class UnsupportedFormat(ReadError):
    code = "unsupported_format"


class DecodeError(ReadError):
    code = "undecodable"


class EncryptedDocument(ReadError):
    code = "encrypted"


class CorruptDocument(ReadError):
    code = "corrupt"


class NeedsOCR(ReadError):
    code = "needs_ocr"


class ConverterMissing(ReadError):
    code = "converter_missing"


class ReadTimeout(ReadError):
    code = "timeout"


class OutOfMemory(ReadError):
    code = "out_of_memory"


class ReaderCrashed(ReadError):
    code = "worker_crashed"


class LocateError(OgiError):
    code = "locate_error"


class NotAReport(LocateError):
    code = "not_a_report"


class MapError(OgiError):
    code = "map_error"


class InputNotFound(OgiError):
    code = "missing_input"


class ConfigError(OgiError):
    """An options file given on the command line (``--aliases``, ``--deadlines``) that cannot be used."""

    code = "bad_config"


class ExtraMissing(OgiError):
    """An optional part of ogi-extractor is not installed; the message names the pip extra."""

    code = "missing_extra"


class WarehouseError(OgiError):
    """The output cannot be opened or written (wrong format, incompatible schema version, …)."""

    code = "warehouse_error"


class UnknownOutput(WarehouseError):
    code = "unknown_output"


class WarehouseLocked(WarehouseError):
    code = "warehouse_locked"


class WarehouseMissing(WarehouseError):
    code = "no_warehouse"


class WarehouseOutdated(WarehouseError):
    code = "old_warehouse"


class QueryError(WarehouseError):
    code = "query_error"


class ReportLookupError(WarehouseError, ValueError):
    code = "report_lookup"


ERROR_CODES: dict[str, type[OgiError]] = {
    cls.code: cls
    for cls in (
        OgiError,
        ReadError,
        EmptyInput,
        FileTooLarge,
        UnsupportedFormat,
        DecodeError,
        EncryptedDocument,
        CorruptDocument,
        NeedsOCR,
        ConverterMissing,
        ReadTimeout,
        OutOfMemory,
        ReaderCrashed,
        LocateError,
        NotAReport,
        MapError,
        InputNotFound,
        ConfigError,
        ExtraMissing,
        WarehouseError,
        UnknownOutput,
        WarehouseLocked,
        WarehouseMissing,
        WarehouseOutdated,
        QueryError,
        ReportLookupError,
    )
}
