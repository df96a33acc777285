"""The Word 97-2003 binary format ([MS-DOC]) down to paragraphs: text, table flags, row layouts.

A .doc is an OLE2 compound file (read with ``olefile``). Its ``WordDocument`` stream starts with
the FIB, which says where everything else is, mostly in the table stream (``1Table`` or
``0Table``, chosen by the FIB's ``fWhichTblStm`` bit). Three structures matter here:

* **The piece table** (the CLX in the table stream). Text is addressed by character positions
  (CPs) 0, 1, 2, … but is stored in *pieces*, each a run of CPs kept at some byte offset (FC) of
  the ``WordDocument`` stream, either as UTF-16LE or "compressed" as one byte a character. A
  fast-saved document keeps edits as new pieces appended to the stream, so the pieces are out of
  stream order: text is always read through the table, never as one span of bytes. The main
  document is CPs ``[0, ccpText)``; footnotes, headers and text boxes follow it and are not read.
* **Paragraph properties** (PlcBtePapx → 512-byte FKP pages in ``WordDocument``). An FKP maps FC
  ranges, each ending just after a paragraph mark, to a PAPX: a style index and a list of
  property modifiers (sprms). A paragraph's properties are found from the FC of its *mark*, so
  every mark's CP is mapped to its FC through the piece table first.
* **Table flags and row layouts** among those sprms. Word stores no table object: a paragraph
  inside a table has ``sprmPFInTable``; each cell's last paragraph ends with a cell mark
  (``\\x07``) instead of ``\\r``; each row ends with one more ``\\x07`` paragraph (the TTP mark,
  ``sprmPFTtp``) whose ``sprmTDefTable`` holds the row's cell edges (twips) and per-cell merge
  flags. Nested tables (depth ``sprmPItap`` > 1) end their cells with ``\\r`` instead.

Every offset read from the file is checked against its stream, and every loop is bounded by a
stream's size: a hostile file raises :class:`NativeDocError` (or ``EncryptedDocument``), nothing
else.
"""

from __future__ import annotations

import io
import re
import struct
from array import array
from bisect import bisect_right
from dataclasses import dataclass, field

import olefile

from extractor.budget import Budget
from extractor.errors import EncryptedDocument

W_IDENT = 0xA5EC
F_ENCRYPTED = 0x0100
F_WHICH_TBL_STM = 0x0200
NFIB_WORD97 = 0xC1
FKP_SIZE = 512
MAX_FKP_RUNS = 0x1D
"""A PAPX FKP holds at most 29 runs ([MS-DOC] PapxFkp.crun)."""
MAX_CELLS_PER_ROW = 63

# paragraph and table sprms read here
SPRM_P_F_IN_TABLE = 0x2416
SPRM_P_F_TTP = 0x2417
SPRM_P_OUT_LVL = 0x2640
SPRM_P_HUGE_PAPX = 0x6646
SPRM_P_ITAP = 0x6649
SPRM_P_F_INNER_TABLE_CELL = 0x244B
SPRM_P_F_INNER_TTP = 0x244C
SPRM_P_CHG_TABS = 0xC615
SPRM_T_DEF_TABLE = 0xD608
SPRM_T_DEF_TABLE10 = 0xD606
SPRM_T_VERT_MERGE = 0xD62B
SPRM_T_MERGE = 0x5624
SPRM_T_SPLIT = 0x5625

PARAGRAPH_MARKS = "\r\x07\x0c"
_MARKS = re.compile("[\r\x07\x0c]")

_COMPRESSED_MAP = {
    0x82: "\u201a", 0x83: "\u0192", 0x84: "\u201e", 0x85: "\u2026", 0x86: "\u2020", 0x87: "\u2021",
    0x88: "\u02c6", 0x89: "\u2030", 0x8A: "\u0160", 0x8B: "\u2039", 0x8C: "\u0152", 0x91: "\u2018",
    0x92: "\u2019", 0x93: "\u201c", 0x94: "\u201d", 0x95: "\u2022", 0x96: "\u2013", 0x97: "\u2014",
    0x98: "\u02dc", 0x99: "\u2122", 0x9A: "\u0161", 0x9B: "\u203a", 0x9C: "\u0153", 0x9F: "\u0178",
}  # fmt: skip
"""[MS-DOC] FcCompressed: a compressed piece is Latin-1 except for these bytes (cp1252's)."""
_COMPRESSED = str.maketrans({chr(b): u for b, u in _COMPRESSED_MAP.items()})


class NativeDocError(Exception):
    """The native reader cannot read this file (a structure is missing, truncated or out of range)."""


class UnsupportedDoc(NativeDocError):
    """A file of a Word variant the native reader does not read (Word 6/95 and older)."""


@dataclass(slots=True, frozen=True)
class RowDef:
    """A table row's layout from ``sprmTDefTable``: ``edges`` are the ``len(cells) + 1`` cell
    boundaries in twips; ``horz``/``vert`` the merge flags of each cell (TC80.tcgrf: horizontal
    0 none, 1 first, 2/3 merged into the previous cell; vertical 0 none, 3 restart, 1/2 continue)."""

    edges: tuple[int, ...]
    horz: tuple[int, ...]
    vert: tuple[int, ...]


@dataclass(slots=True)
class ParaProps:
    in_table: bool = False
    ttp: bool = False
    itap: int | None = None
    inner_cell: bool = False
    inner_ttp: bool = False
    outline: int | None = None
    istd: int = 0
    row: RowDef | None = None

    @property
    def depth(self) -> int:
        """Table depth: ``sprmPItap`` when set, else 1 inside a table, 0 outside."""
        if self.itap is not None:
            return self.itap
        return 1 if self.in_table else 0


@dataclass(slots=True)
class RawParagraph:
    """One paragraph of the main document: its characters before the mark, control characters
    (fields, line breaks, objects) still in, and the mark itself (``\\r``, ``\\x07`` a cell or row
    mark, ``\\x0c`` a section break; empty for text after the last mark)."""

    text: str
    mark: str
    props: ParaProps
    heading_style: bool = False


@dataclass(slots=True)
class _Piece:
    cp: int
    cp_end: int
    fc: int
    """Byte offset of the piece's first character in ``WordDocument`` (already halved when compressed)."""
    compressed: bool
    prm: bytes
    """The grpprl a complex Prm attaches to the piece (fast-saved property changes), or empty."""


@dataclass(slots=True)
class _Streams:
    word: bytes
    table: bytes
    data: bytes


@dataclass(slots=True)
class _Fib:
    ccp_text: int
    fc_lcb: dict[str, tuple[int, int]] = field(default_factory=dict)


# FibRgFcLcb97 pair index of each structure read ([MS-DOC] 2.5.6)
_FC_LCB_INDEX = {"stshf": 1, "plcf_bte_papx": 13, "clx": 33}


# --------------------------------------------------------------------------------------------
# container and FIB


def open_streams(data: bytes) -> tuple[_Streams, _Fib]:
    """The FIB and the three streams of a Word 97-2003 file. Raises :class:`EncryptedDocument`,
    :class:`UnsupportedDoc` or :class:`NativeDocError`."""
    try:
        with olefile.OleFileIO(io.BytesIO(data)) as ole:
            if not ole.exists("WordDocument"):
                raise UnsupportedDoc("the OLE2 file has no WordDocument stream")
            word = ole.openstream("WordDocument").read()
            fib_flags = _u16(word, 0x0A) if len(word) >= 0x0C else 0
            table_name = "1Table" if fib_flags & F_WHICH_TBL_STM else "0Table"
            table = ole.openstream(table_name).read() if ole.exists(table_name) else b""
            data_stream = ole.openstream("Data").read() if ole.exists("Data") else b""
    except NativeDocError:
        raise
    except Exception as exc:  # olefile on hostile bytes raises many kinds (OSError, struct.error, IndexError…)
        raise NativeDocError(f"the OLE2 container cannot be read: {type(exc).__name__}: {exc}") from exc
    fib = _read_fib(word, bool(table))
    return _Streams(word, table, data_stream), fib


def _read_fib(word: bytes, has_table: bool) -> _Fib:
    if len(word) < 0x20:
        raise NativeDocError(f"the WordDocument stream is truncated ({len(word)} bytes)")
    if _u16(word, 0) != W_IDENT:
        raise NativeDocError(f"the FIB has no Word signature (wIdent {_u16(word, 0):#06x})")
    nfib, flags = _u16(word, 2), _u16(word, 0x0A)
    if flags & F_ENCRYPTED:
        raise EncryptedDocument("the .doc file is password-protected (FIB fEncrypted)")
    # FibBase (32 bytes), csw, FibRgW97 (csw uint16), cslw, FibRgLw97 (cslw uint32), cbRgFcLcb, FibRgFcLcb
    csw = _u16(word, 0x20)
    lw_at = 0x22 + 2 * csw
    cslw = _u16(word, lw_at) if lw_at + 2 <= len(word) else 0
    if nfib < NFIB_WORD97 and not (csw == 14 and cslw == 22):
        raise UnsupportedDoc(f"a Word 6/95 or older file (nFib {nfib}): only Word 97-2003 files are read natively")
    if csw < 14 or cslw < 22:
        raise NativeDocError(f"the FIB is malformed (csw {csw}, cslw {cslw})")
    ccp_text = _u32(word, lw_at + 2 + 12)
    fc_lcb_at = lw_at + 2 + 4 * cslw
    n_pairs = _u16(word, fc_lcb_at)
    if n_pairs < 0x5D:
        raise NativeDocError(f"the FIB is malformed (cbRgFcLcb {n_pairs})")
    fib = _Fib(ccp_text)
    for name, index in _FC_LCB_INDEX.items():
        fib.fc_lcb[name] = (_u32(word, fc_lcb_at + 2 + 8 * index), _u32(word, fc_lcb_at + 6 + 8 * index))
    if not has_table:
        raise NativeDocError("the table stream named by the FIB is missing")
    return fib


# --------------------------------------------------------------------------------------------
# piece table and text


def read_pieces(streams: _Streams, fib: _Fib) -> list[_Piece]:
    """The piece table: the CLX's Prc entries (0x01, int16 size, grpprl) are kept for the pieces'
    Prms, then the Pcdt (0x02, uint32 size, PlcPcd = n+1 CPs and n 8-byte PCDs)."""
    table = streams.table
    fc, lcb = fib.fc_lcb["clx"]
    clx = _slice(table, fc, lcb, "CLX")
    pos = 0
    prcs: list[bytes] = []
    while pos < len(clx) and clx[pos] == 0x01:
        size = struct.unpack_from("<h", clx, pos + 1)[0] if pos + 3 <= len(clx) else -1
        if size < 0 or pos + 3 + size > len(clx):
            raise NativeDocError("a Prc of the CLX overruns it")
        prcs.append(clx[pos + 3 : pos + 3 + size])
        pos += 3 + size
    if pos + 5 > len(clx) or clx[pos] != 0x02:
        raise NativeDocError("the CLX has no piece table (Pcdt)")
    size = _u32(clx, pos + 1)
    plc = clx[pos + 5 : pos + 5 + size]
    if len(plc) != size or size < 16 or (size - 4) % 12:
        raise NativeDocError(f"the piece table is malformed ({size} bytes)")
    n = (size - 4) // 12
    cps = struct.unpack_from(f"<{n + 1}I", plc, 0)
    pieces: list[_Piece] = []
    for i in range(n):
        if cps[i + 1] < cps[i]:
            raise NativeDocError("the piece table's CPs are not in order")
        pcd = 4 * (n + 1) + 8 * i
        raw_fc = _u32(plc, pcd + 2)
        compressed = bool(raw_fc & 0x40000000)
        fc_piece = raw_fc & 0x3FFFFFFF
        prm = _u16(plc, pcd + 6)
        grpprl = prcs[prm >> 1] if prm & 1 and (prm >> 1) < len(prcs) else b""
        pieces.append(_Piece(cps[i], cps[i + 1], fc_piece // 2 if compressed else fc_piece, compressed, grpprl))
    if not pieces or pieces[0].cp != 0:
        raise NativeDocError("the piece table does not start at CP 0")
    return pieces


def main_text(streams: _Streams, fib: _Fib, pieces: list[_Piece]) -> str:
    """The main document's text, CPs ``[0, ccpText)``, one Python character per CP (a UTF-16
    surrogate pair stays two characters so that string indices remain CPs)."""
    word = streams.word
    end = fib.ccp_text
    if end > pieces[-1].cp_end:
        raise NativeDocError(f"ccpText {end} is past the piece table's last CP {pieces[-1].cp_end}")
    if end > len(word):
        raise NativeDocError(f"ccpText {end} is more text than the WordDocument stream holds")
    parts: list[str] = []
    for p in pieces:
        if p.cp >= end:
            break
        n = min(p.cp_end, end) - p.cp
        width = 1 if p.compressed else 2
        raw = word[p.fc : p.fc + n * width]
        if len(raw) != n * width:
            raise NativeDocError(f"a text piece (FC {p.fc}, {n} characters) runs past the WordDocument stream")
        if p.compressed:
            parts.append(raw.decode("latin-1").translate(_COMPRESSED))
        else:
            text = raw.decode("utf-16-le", "surrogatepass")
            if len(text) != n:  # surrogate pairs were joined: keep one character per code unit
                text = "".join(map(chr, array("H", raw)))
            parts.append(text)
    return "".join(parts)


def _fc_of(pieces: list[_Piece], starts: list[int], cp: int) -> tuple[int, _Piece]:
    """The stream offset of the character at ``cp`` and the piece holding it."""
    i = bisect_right(starts, cp) - 1
    p = pieces[max(i, 0)]
    return p.fc + (cp - p.cp) * (1 if p.compressed else 2), p


# --------------------------------------------------------------------------------------------
# paragraph properties


class _Papx:
    """FC ranges of the FKP pages and their PAPX grpprls (the FKP's ``rgfc``/``BxPap``), sorted by
    start (Word writes them in order; a hostile file's overlaps are not resolved)."""

    def __init__(self, streams: _Streams, fib: _Fib, budget: Budget) -> None:
        self.runs: list[tuple[int, int, int, bytes]] = []  # (start FC, end FC, istd, grpprl)
        self.bounds: set[int] = set()
        word, table = streams.word, streams.table
        fc, lcb = fib.fc_lcb["plcf_bte_papx"]
        if lcb:
            plc = _slice(table, fc, lcb, "PlcBtePapx")
            if lcb < 12 or (lcb - 4) % 8:
                raise NativeDocError(f"the PlcBtePapx is malformed ({lcb} bytes)")
            n = (lcb - 4) // 8
            for k in range(n):
                budget.tick("doc paragraph properties")
                pn = _u32(plc, 4 * (n + 1) + 4 * k) & 0x3FFFFF
                page = word[pn * FKP_SIZE : (pn + 1) * FKP_SIZE]
                if len(page) != FKP_SIZE:
                    raise NativeDocError(f"FKP page {pn} is outside the WordDocument stream")
                self._read_page(page, streams.data)
        self.runs.sort(key=lambda run: run[0])
        self.starts = [run[0] for run in self.runs]

    def _read_page(self, page: bytes, data: bytes) -> None:
        crun = page[FKP_SIZE - 1]
        if not 1 <= crun <= MAX_FKP_RUNS:
            raise NativeDocError(f"an FKP page has {crun} runs")
        rgfc = struct.unpack_from(f"<{crun + 1}I", page, 0)
        self.bounds.update(rgfc)
        for j in range(crun):
            offset = 2 * page[4 * (crun + 1) + 13 * j]
            grpprl = b""
            istd = 0
            if offset:
                cb = page[offset] if offset < FKP_SIZE - 1 else 0
                if cb:
                    body = page[offset + 1 : offset + 2 * cb]
                else:
                    cb2 = page[offset + 1] if offset + 1 < FKP_SIZE - 1 else 0
                    body = page[offset + 2 : offset + 2 + 2 * cb2]
                if len(body) >= 2:
                    istd, grpprl = _u16(body, 0), body[2:]
                    grpprl = _resolve_huge(grpprl, data)
            self.runs.append((rgfc[j], rgfc[j + 1], istd, grpprl))

    def lookup(self, fc: int) -> tuple[int, bytes]:
        """The style and sprms of the run holding ``fc`` (none: the Normal style, no sprms)."""
        i = bisect_right(self.starts, fc) - 1
        if i >= 0 and fc < self.runs[i][1]:
            return self.runs[i][2], self.runs[i][3]
        return 0, b""


def _resolve_huge(grpprl: bytes, data: bytes) -> bytes:
    """A PAPX too large for its FKP holds only ``sprmPHugePapx``: the real grpprl is a PrcData
    (int16 size, grpprl) at that offset of the ``Data`` stream."""
    for sprm, start, end in iter_sprms(grpprl):
        if sprm == SPRM_P_HUGE_PAPX and end - start == 4:
            at = _u32(grpprl, start)
            if at + 2 > len(data):
                raise NativeDocError(f"sprmPHugePapx points past the Data stream ({at})")
            size = struct.unpack_from("<h", data, at)[0]
            if size < 0 or at + 2 + size > len(data):
                raise NativeDocError("a huge PAPX overruns the Data stream")
            return data[at + 2 : at + 2 + size]
    return grpprl


def iter_sprms(grpprl: bytes) -> list[tuple[int, int, int]]:
    """``(sprm, operand start, operand end)`` of each Prl. The operand size comes from the sprm's
    ``spra`` (bits 13-15): 0/1 one byte, 2/4/5 two, 3 four, 7 three, 6 variable (a size byte
    first, except ``sprmTDefTable`` whose size is a uint16 and ``sprmPChgTabs`` whose size can be
    255 = computed from its two tab lists). A truncated last Prl is dropped."""
    out: list[tuple[int, int, int]] = []
    pos, n = 0, len(grpprl)
    while pos + 2 <= n:
        sprm = _u16(grpprl, pos)
        pos += 2
        spra = sprm >> 13
        if spra in (0, 1):
            size = 1
        elif spra in (2, 4, 5):
            size = 2
        elif spra == 3:
            size = 4
        elif spra == 7:
            size = 3
        elif sprm in (SPRM_T_DEF_TABLE, SPRM_T_DEF_TABLE10):
            size = _u16(grpprl, pos) + 1 if pos + 2 <= n else n
        elif sprm == SPRM_P_CHG_TABS:
            size = _chg_tabs_size(grpprl, pos)
        else:
            size = 1 + grpprl[pos] if pos < n else n
        if pos + size > n:
            break
        out.append((sprm, pos, pos + size))
        pos += size
    return out


def _chg_tabs_size(grpprl: bytes, pos: int) -> int:
    n = len(grpprl)
    if pos >= n:
        return n
    cb = grpprl[pos]
    if cb != 255:
        return 1 + cb
    # PChgTabsDelClose (cTabs, rgdxaDel, rgdxaClose) then PChgTabsAdd (cTabs, rgdxaAdd, rgtbdAdd)
    at = pos + 1
    deleted = grpprl[at] if at < n else 0
    at += 1 + 4 * deleted
    added = grpprl[at] if at < n else 0
    at += 1 + 3 * added
    return at - pos


def apply_sprms(props: ParaProps, grpprl: bytes) -> None:
    """Apply the sprms this reader needs; every other sprm is skipped by its size."""
    for sprm, start, end in iter_sprms(grpprl):
        if sprm == SPRM_P_F_IN_TABLE:
            props.in_table = bool(grpprl[start])
        elif sprm == SPRM_P_F_TTP:
            props.ttp = bool(grpprl[start])
        elif sprm == SPRM_P_ITAP:
            props.itap = min(_u32(grpprl, start), 64)
        elif sprm == SPRM_P_F_INNER_TABLE_CELL:
            props.inner_cell = bool(grpprl[start])
        elif sprm == SPRM_P_F_INNER_TTP:
            props.inner_ttp = bool(grpprl[start])
        elif sprm == SPRM_P_OUT_LVL:
            props.outline = grpprl[start]
        elif sprm == SPRM_T_DEF_TABLE:
            props.row = _def_table(grpprl[start:end])
        elif sprm == SPRM_T_VERT_MERGE and props.row is not None and end - start >= 3:
            props.row = _with_vert(props.row, grpprl[start + 1], grpprl[start + 2])
        elif sprm in (SPRM_T_MERGE, SPRM_T_SPLIT) and props.row is not None:
            props.row = _with_horz(props.row, grpprl[start], grpprl[start + 1], merge=sprm == SPRM_T_MERGE)


def _def_table(op: bytes) -> RowDef | None:
    """TDefTableOperand: cb (uint16), itcMac (byte), rgdxaCenter (itcMac+1 int16 cell edges),
    then up to itcMac TC80 (20 bytes each, tcgrf first); missing TC80s are unmerged cells."""
    if len(op) < 3:
        return None
    itc_mac = op[2]
    if not 1 <= itc_mac <= MAX_CELLS_PER_ROW or len(op) < 3 + 2 * (itc_mac + 1):
        return None
    edges = struct.unpack_from(f"<{itc_mac + 1}h", op, 3)
    at = 3 + 2 * (itc_mac + 1)
    horz: list[int] = []
    vert: list[int] = []
    for k in range(itc_mac):
        tc = at + 20 * k
        tcgrf = _u16(op, tc) if tc + 20 <= len(op) else 0
        horz.append(tcgrf & 0x3)
        vert.append((tcgrf >> 5) & 0x3)
    return RowDef(tuple(edges), tuple(horz), tuple(vert))


def _with_vert(row: RowDef, itc: int, flag: int) -> RowDef:
    """``sprmTVertMerge``: cell ``itc``'s vertical merge flag."""
    if itc >= len(row.vert):
        return row
    vert = list(row.vert)
    vert[itc] = flag & 0x3
    return RowDef(row.edges, row.horz, tuple(vert))


def _with_horz(row: RowDef, first: int, lim: int, *, merge: bool) -> RowDef:
    """``sprmTMerge``/``sprmTSplit``: cells ``[first, lim)`` merged into one, or split apart."""
    horz = list(row.horz)
    for k in range(first, min(lim, len(horz))):
        horz[k] = (1 if k == first else 3) if merge else 0
    return RowDef(row.edges, tuple(horz), row.vert)


def heading_styles(streams: _Streams, fib: _Fib) -> frozenset[int]:
    """Style indices (istd) whose built-in style is Heading 1-9 (STD.sti 1-9). The stylesheet is
    a size-prefixed Stshi then one size-prefixed STD per istd; a style's sti is its first 12 bits."""
    fc, lcb = fib.fc_lcb["stshf"]
    if lcb < 6 or fc + lcb > len(streams.table):
        return frozenset()
    sheet = streams.table[fc : fc + lcb]
    cb_stshi = _u16(sheet, 0)
    cstd = _u16(sheet, 2)
    pos = 2 + cb_stshi
    found: set[int] = set()
    for istd in range(cstd):
        if pos + 2 > len(sheet):
            break
        cb = _u16(sheet, pos)
        if cb >= 2 and pos + 2 + cb <= len(sheet) and 1 <= _u16(sheet, pos + 2) & 0x0FFF <= 9:
            found.add(istd)
        pos += 2 + cb
    return frozenset(found)


# --------------------------------------------------------------------------------------------
# paragraphs


def read_paragraphs(data: bytes, budget: Budget) -> list[RawParagraph]:
    """The main document's paragraphs in order, each with its direct paragraph properties (its
    PAPX, then the sprms its piece's Prm adds)."""
    streams, fib = open_streams(data)
    pieces = read_pieces(streams, fib)
    text = main_text(streams, fib, pieces)
    if not text.strip(PARAGRAPH_MARKS + " \t\x0b"):
        raise NativeDocError("the document has no text")
    papx = _Papx(streams, fib, budget)
    headings = heading_styles(streams, fib)
    starts = [p.cp for p in pieces]
    cache: dict[tuple[int, bytes, bytes], ParaProps] = {}
    out: list[RawParagraph] = []
    begin = 0
    for m in _MARKS.finditer(text):
        budget.tick("doc paragraphs")
        cp = m.start()
        fc, piece = _fc_of(pieces, starts, cp)
        if m.group() == "\x0c" and fc + (1 if piece.compressed else 2) not in papx.bounds:
            continue  # a page break inside a paragraph, not a section mark: stays in the text
        istd, grpprl = papx.lookup(fc)
        key = (istd, grpprl, piece.prm)
        props = cache.get(key)
        if props is None:
            props = ParaProps(istd=istd)
            apply_sprms(props, grpprl)
            if piece.prm:
                apply_sprms(props, piece.prm)
            cache[key] = props
        out.append(RawParagraph(text[begin:cp], m.group(), props, istd in headings))
        begin = cp + 1
    if begin < len(text):
        out.append(RawParagraph(text[begin:], "", ParaProps()))
    return out


# --------------------------------------------------------------------------------------------
# bounds-checked reads


def _u16(buf: bytes, at: int) -> int:
    if at < 0 or at + 2 > len(buf):
        raise NativeDocError(f"a read at {at} is past the end of a {len(buf)}-byte structure")
    value: int = struct.unpack_from("<H", buf, at)[0]
    return value


def _u32(buf: bytes, at: int) -> int:
    if at < 0 or at + 4 > len(buf):
        raise NativeDocError(f"a read at {at} is past the end of a {len(buf)}-byte structure")
    value: int = struct.unpack_from("<I", buf, at)[0]
    return value


def _slice(buf: bytes, fc: int, lcb: int, what: str) -> bytes:
    if fc + lcb > len(buf):
        raise NativeDocError(f"the {what} ({lcb} bytes at {fc}) is outside the table stream")
    return buf[fc : fc + lcb]


__all__ = [
    "NativeDocError",
    "ParaProps",
    "RawParagraph",
    "RowDef",
    "UnsupportedDoc",
    "apply_sprms",
    "iter_sprms",
    "read_paragraphs",
]
