"""DOCX reader: the body XML walked in document order, merged cells placed once.

python-docx's table API returns a merged cell once per grid position it covers, so the reader
walks ``word/document.xml`` itself (with a hardened lxml parser, the same library python-docx
uses): ``w:p`` and ``w:tbl`` in order (also inside ``w:sdt`` content controls), ``w:gridSpan`` and
``w:vMerge`` turned into one :class:`Cell` with ``col_span``/``row_span``, nested tables emitted as
their own :class:`Table` blocks after the table that holds them, and text boxes
(``w:txbxContent``) emitted after the paragraph that anchors them.

Hostile input: the zip's declared sizes are checked before anything is inflated (a part over
:data:`MAX_PART_BYTES` is refused, and reads are bounded too), and XML parts with a DOCTYPE or
ENTITY declaration are refused outright (no entity expansion, no external DTD).
"""

from __future__ import annotations

import hashlib
import io
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import Literal

from lxml import etree

from extractor.budget import Budget
from extractor.document import Cell, Document, Paragraph, Provenance, Table
from extractor.errors import CorruptDocument, EmptyInput, EncryptedDocument, FileTooLarge
from extractor.settings import DEFAULT_SETTINGS, Settings

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
REL = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE_DOCUMENT = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"
STRICT_OFFICE_DOCUMENT = "http://purl.oclc.org/ooxml/officeDocument/relationships/officeDocument"

MAX_PART_BYTES = 50 * 1024 * 1024
"""Largest XML part inflated (word/document.xml of a real report is well under 5 MB)."""
MAX_ENTRIES = 5000
MAX_GRID_COLUMNS = 1000
"""Clamp for ``w:gridSpan`` and ``w:gridBefore`` (Word itself allows 63 columns): a hostile
``gridSpan="2000000000"`` would otherwise be walked column by column and expanded into the grid."""

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True
)
_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_HEADING_STYLE = re.compile(r"^(?:heading\s*\d|title|subtitle|标题|[1-9]$)", re.IGNORECASE)
_SECTION_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]{1,3}\s*[、.．]|[（(][一二三四五六七八九十]{1,3}[）)])")
_ASCII_WORD = re.compile(r"[A-Za-z]")


def _w(tag: str) -> str:
    return f"{{{W}}}{tag}"


def read(data: bytes, *, source: str = "<memory>", settings: Settings = DEFAULT_SETTINGS) -> Document:
    """Read a .docx into a :class:`Document`."""
    if not data.strip():
        raise EmptyInput("the DOCX file is empty", source=source)
    if not data.startswith(b"PK"):
        raise CorruptDocument("not a DOCX file (no zip signature)", source=source)
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, NotImplementedError) as exc:
        raise CorruptDocument(f"the DOCX zip cannot be opened: {exc}", source=source) from exc
    if len(infos) > MAX_ENTRIES:
        raise CorruptDocument(f"the DOCX zip has {len(infos)} entries: refusing", source=source)
    if any(info.flag_bits & 0x1 for info in infos):
        raise EncryptedDocument("the DOCX zip is encrypted", source=source)
    with zf:
        main = _main_part(zf, source)
        root = _parse(zf, main, source)
        body = root.find(_w("body"))
        if body is None:
            raise CorruptDocument(f"{main} has no w:body", source=source)
        walker = _Walker(Budget(settings, source))
        walker.container(body)
        doc = Document(
            blocks=walker.blocks,
            reader="docx",
            source=source,
            sha256=hashlib.sha256(data).hexdigest(),
            media_type=MEDIA_TYPE,
        )
        if not any(isinstance(b, Table) for b in doc.blocks):
            images = _body_images(zf, main, body, source)
            if images:  # tables (or the whole report) pasted in as pictures
                from extractor.readers.ocr.images import ocr_or_note

                doc.blocks = doc.blocks + ocr_or_note(images, doc, settings, "picture(s)")
    return doc


A_NS = "http://schemas.openxmlformats.org/drawingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
MAX_IMAGES = 60


def _body_images(zf: zipfile.ZipFile, main: str, body: etree._Element, source: str) -> list[tuple[str, bytes]]:
    """Pictures of the body in document order (``a:blip r:embed`` -> the media part), large ones only."""
    from extractor.readers.ocr.images import MIN_SIDE, image_size

    folder, name = posixpath.split(main)
    rels_name = posixpath.join(folder, "_rels", name + ".rels")
    if rels_name not in zf.namelist():
        return []
    targets: dict[str, str] = {}
    for rel in _parse(zf, rels_name, source).iter(f"{{{REL}}}Relationship"):
        if rel.get("TargetMode") != "External" and rel.get("Id"):
            targets[rel.get("Id", "")] = posixpath.normpath(posixpath.join(folder, rel.get("Target", "")))
    out: list[tuple[str, bytes]] = []
    seen: set[str] = set()
    for blip in body.iter(f"{{{A_NS}}}blip"):
        part = targets.get(blip.get(f"{{{R_NS}}}embed") or "")
        if part is None or part in seen or part not in zf.namelist():
            continue
        seen.add(part)
        data = _read_part(zf, part, source)
        size = image_size(data)
        if size is not None and min(size) >= MIN_SIDE:
            out.append((posixpath.basename(part), data))
        if len(out) >= MAX_IMAGES:
            break
    return out


# --------------------------------------------------------------------------------------------
# package


def _read_part(zf: zipfile.ZipFile, name: str, source: str) -> bytes:
    try:
        info = zf.getinfo(name)
    except KeyError:
        raise CorruptDocument(f"the DOCX has no {name}", source=source) from None
    if info.file_size > MAX_PART_BYTES:
        raise FileTooLarge(
            f"{name} inflates to {info.file_size:,} bytes (limit {MAX_PART_BYTES:,}): refusing a likely zip bomb",
            source=source,
        )
    try:
        with zf.open(info) as fh:
            raw = fh.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise CorruptDocument(f"{name} cannot be inflated: {exc}", source=source) from exc
    if len(raw) > MAX_PART_BYTES:
        raise FileTooLarge(f"{name} inflates past {MAX_PART_BYTES:,} bytes: refusing", source=source)
    return raw


def _parse(zf: zipfile.ZipFile, name: str, source: str) -> etree._Element:
    raw = _read_part(zf, name, source)
    if _DTD.search(raw[:4096]) or _DTD.search(raw):
        raise CorruptDocument(f"{name} declares a DTD or entities: refusing to parse it", source=source)
    try:
        root: etree._Element = etree.fromstring(raw, _PARSER)
    except etree.XMLSyntaxError as exc:
        raise CorruptDocument(f"{name} is not well-formed XML: {exc}", source=source) from exc
    return root


def _main_part(zf: zipfile.ZipFile, source: str) -> str:
    names = set(zf.namelist())
    if "_rels/.rels" in names:
        rels = _parse(zf, "_rels/.rels", source)
        for rel in rels.iter(f"{{{REL}}}Relationship"):
            if rel.get("Type") in (OFFICE_DOCUMENT, STRICT_OFFICE_DOCUMENT) and rel.get("TargetMode") != "External":
                target = posixpath.normpath(rel.get("Target", "").lstrip("/"))
                if target in names:
                    return str(target)
    if "word/document.xml" in names:
        return "word/document.xml"
    raise CorruptDocument("not a Word document (no main document part)", source=source)


# --------------------------------------------------------------------------------------------
# body


def join_lines(lines: list[str]) -> str:
    """A paragraph's or cell's lines as one text: each line's whitespace collapsed, lines joined
    with nothing between them (Chinese wraps without spaces) except between two ASCII letters."""
    out = ""
    for part in lines:
        part = " ".join(part.split())
        if not part:
            continue
        if out and _ASCII_WORD.match(out[-1]) and _ASCII_WORD.match(part[0]):
            out += " "
        out += part
    return out


def paragraph_kind(text: str, *, styled: bool) -> Literal["paragraph", "heading"]:
    """``heading`` for a paragraph in a heading style (or with an outline level), or one that
    reads as a section heading (一、… or （一）…, short, no full stop inside)."""
    if styled or (_SECTION_HEADING.match(text) and len(text) <= 30 and "。" not in text[:-1]):
        return "heading"
    return "paragraph"


class _Walker:
    def __init__(self, budget: Budget | None = None) -> None:
        self.budget = budget
        self.blocks: list[Paragraph | Table] = []
        self.n_paragraphs = 0
        self.n_tables = 0
        self.pending: list[etree._Element] = []
        """Text boxes and nested tables met inside the current block, emitted after it."""

    def container(self, parent: etree._Element, path: str = "") -> None:
        for child in parent:
            tag = child.tag
            if tag == _w("p"):
                self.paragraph(child, path)
            elif tag == _w("tbl"):
                self.table(child, path)
            elif tag in (_w("sdt"), _w("customXml"), _w("smartTag")):
                content = child.find(_w("sdtContent")) if tag == _w("sdt") else child
                if content is not None:
                    self.container(content, path)
            elif tag == f"{{{MC}}}AlternateContent":
                choice = child.find(f"{{{MC}}}Choice")
                if choice is not None:
                    self.container(choice, path)

    def flush_pending(self, path: str) -> None:
        boxes, self.pending = self.pending, []
        for box in boxes:
            if box.tag == _w("tbl"):
                self.table(box, path)
            else:
                self.container(box, path)

    def paragraph(self, p: etree._Element, path: str) -> None:
        self.n_paragraphs += 1
        lines = _paragraph_lines(p, self.pending)
        text = join_lines(lines)
        if text:
            style = p.find(f"{_w('pPr')}/{_w('pStyle')}")
            outline = p.find(f"{_w('pPr')}/{_w('outlineLvl')}")
            styled = (style is not None and bool(_HEADING_STYLE.match(style.get(_w("val"), "")))) or (
                outline is not None
            )
            prov = Provenance(path=f"{path}p[{self.n_paragraphs}]")
            self.blocks.append(Paragraph(text, prov, kind=paragraph_kind(text, styled=styled)))
        self.flush_pending(path)

    def table(self, tbl: etree._Element, path: str) -> None:
        self.n_tables += 1
        tpath = f"{path}tbl[{self.n_tables}]"
        nested: list[etree._Element] = []
        cells = _table_cells(tbl, tpath, nested, self.pending, self.budget)
        if cells:
            self.blocks.append(Table(cells, Provenance(path=tpath)))
        for inner in nested:
            self.table(inner, tpath + "/")
        self.flush_pending(path)


def _children(parent: etree._Element, tag: str) -> Iterator[etree._Element]:
    """Direct children named ``tag``, looking through content-control and custom-XML wrappers."""
    for child in parent:
        if child.tag == tag:
            yield child
        elif child.tag == _w("sdt"):
            content = child.find(_w("sdtContent"))
            if content is not None:
                yield from _children(content, tag)
        elif child.tag in (_w("customXml"), _w("smartTag")):
            yield from _children(child, tag)


def _paragraph_lines(p: etree._Element, boxes: list[etree._Element]) -> list[str]:
    """The paragraph's text split at ``w:br``; text boxes found on the way are added to ``boxes``."""
    lines = [""]

    def walk(el: etree._Element) -> None:
        for child in el:
            tag = child.tag
            if tag == _w("t"):
                lines[-1] += child.text or ""
            elif tag == _w("tab"):
                lines[-1] += " "
            elif tag in (_w("br"), _w("cr")):
                lines.append("")
            elif tag == _w("noBreakHyphen"):
                lines[-1] += "-"
            elif tag == _w("txbxContent"):
                boxes.append(child)
            elif tag in (_w("del"), _w("instrText"), _w("delText"), f"{{{MC}}}Fallback", _w("pPr"), _w("rPr")):
                continue
            else:
                walk(child)

    walk(p)
    return lines


def _cell_text(tc: etree._Element, nested: list[etree._Element], boxes: list[etree._Element]) -> list[str]:
    lines: list[str] = []
    for child in tc:
        if child.tag == _w("p"):
            lines.extend(_paragraph_lines(child, boxes))
        elif child.tag == _w("tbl"):
            nested.append(child)
        elif child.tag in (_w("sdt"), _w("customXml")):
            content = child.find(_w("sdtContent")) if child.tag == _w("sdt") else child
            if content is not None:
                lines.extend(_cell_text(content, nested, boxes))
    return lines


def _int_val(el: etree._Element | None, default: int) -> int:
    if el is None:
        return default
    try:
        return max(int(el.get(_w("val"), default)), 0)
    except ValueError:
        return default


def _table_cells(
    tbl: etree._Element,
    tpath: str,
    nested: list[etree._Element],
    boxes: list[etree._Element],
    budget: Budget | None = None,
) -> list[Cell]:
    cells: list[Cell] = []
    open_cells: dict[int, Cell] = {}  # grid column -> vertically merged cell still open
    for r, tr in enumerate(_children(tbl, _w("tr"))):
        if budget is not None:
            budget.tick("docx table rows")
            budget.cells(len(tr), "docx tables")
        col = min(_int_val(tr.find(f"{_w('trPr')}/{_w('gridBefore')}"), 0), MAX_GRID_COLUMNS)
        for k, tc in enumerate(_children(tr, _w("tc")), start=1):
            tc_pr = tc.find(_w("tcPr"))
            span = min(max(_int_val(tc_pr.find(_w("gridSpan")) if tc_pr is not None else None, 1), 1), MAX_GRID_COLUMNS)
            vmerge = tc_pr.find(_w("vMerge")) if tc_pr is not None else None
            hmerge = tc_pr.find(_w("hMerge")) if tc_pr is not None else None
            lines = _cell_text(tc, nested, boxes)
            raw = "\n".join(line.strip() for line in lines if line.strip())
            if hmerge is not None and hmerge.get(_w("val"), "continue") == "continue" and cells:
                # legacy horizontal merge: widen the cell to the left
                left = cells[-1]
                if left.row == r and left.col + left.col_span == col:
                    left.col_span += span
                    append_text(left, raw)
                    col += span
                    continue
            restart = vmerge is not None and vmerge.get(_w("val"), "continue") == "restart"
            if vmerge is not None and not restart and col in open_cells:
                above = open_cells[col]
                above.row_span = r - above.row + 1
                append_text(above, raw)
                col += span
                continue
            cell = Cell(
                row=r,
                col=col,
                text=join_lines(raw.split("\n")),
                raw_text=raw,
                col_span=span,
                provenance=Provenance(path=f"{tpath}/tr[{r + 1}]/tc[{k}]"),
            )
            cells.append(cell)
            for c in range(col, col + span):
                open_cells.pop(c, None)
            if restart:
                open_cells[col] = cell
            col += span
    cells.sort(key=lambda c: (c.row, c.col))
    return cells


def append_text(cell: Cell, raw: str) -> None:
    """Add a merged cell's continuation (a vertically merged cell's next row) to its text."""
    if raw:
        cell.raw_text = f"{cell.raw_text}\n{raw}" if cell.raw_text else raw
        cell.text = join_lines(cell.raw_text.split("\n"))


__all__ = ["MAX_PART_BYTES", "append_text", "join_lines", "paragraph_kind", "read"]
