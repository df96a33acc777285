"""The intermediate document model (see :mod:`extractor.document.model`)."""

from extractor.document.model import BBox, Block, Cell, Document, Paragraph, Provenance, Table

__all__ = ["BBox", "Block", "Cell", "Document", "Paragraph", "Provenance", "Table"]
