"""Ruling lines: the page's vector paths (and images) as pdfplumber-style edges."""

from __future__ import annotations

import ctypes
import itertools
import statistics
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from typing import Any

import pypdfium2.raw as pdfium_c

from extractor.document import BBox
from extractor.readers.pdf.chars import LoadedPage, apply_matrix, map_box, mat_mul, unchecked
from extractor.readers.pdf.layout import EDGE_TOL, SNAP, Char, Edge, Matrix


def _edge(x0: float, top: float, x1: float, bottom: float) -> Edge:
    if x1 - x0 >= bottom - top:
        y = (top + bottom) / 2
        return {"x0": x0, "x1": x1, "top": y, "bottom": y, "width": x1 - x0, "height": 0.0, "orientation": "h"}
    x = (x0 + x1) / 2
    return {"x0": x, "x1": x, "top": top, "bottom": bottom, "width": 0.0, "height": bottom - top, "orientation": "v"}


def _is_white(rgba: tuple[int, int, int, int]) -> bool:
    r, g, b, a = rgba
    return a == 0 or (r > 245 and g > 245 and b > 245)


def path_edges(page: LoadedPage, tick: Callable[[str], None] | None = None) -> tuple[list[Edge], list[BBox]]:
    """Ruling edges from the page's vector paths, plus the bboxes of images (for the image warning).

    The pdfium functions and the by-reference arguments of the per-object calls are bound once
    and called without per-call argument checks (:func:`~extractor.readers.pdf.chars.unchecked`):
    a Word table is thousands of paths."""
    edges: list[Edge] = []
    images: list[BBox] = []
    fm = pdfium_c.FS_MATRIX()
    fillmode, stroke = ctypes.c_int(), ctypes.c_int()
    r, g, b, a = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    px, py = ctypes.c_float(), ctypes.c_float()
    left, bottom, right, top = ctypes.c_float(), ctypes.c_float(), ctypes.c_float(), ctypes.c_float()
    ref = ctypes.byref
    p_fm, p_fill, p_stroke, p_px, p_py = ref(fm), ref(fillmode), ref(stroke), ref(px), ref(py)
    p_rgba = (ref(r), ref(g), ref(b), ref(a))
    p_box = (ref(left), ref(bottom), ref(right), ref(top))
    get_type, get_matrix, count_segments, segment_point, segment_type, draw_mode, fill_color, stroke_color = _PATH_CALLS
    get_segment = pdfium_c.FPDFPath_GetPathSegment  # returns a pointer: checked
    FORM, IMAGE, PATH, MOVETO = (pdfium_c.FPDF_PAGEOBJ_FORM, pdfium_c.FPDF_PAGEOBJ_IMAGE, pdfium_c.FPDF_PAGEOBJ_PATH,
                                 pdfium_c.FPDF_SEGMENT_MOVETO)

    def walk(
        count: Callable[[Any], int], get: Callable[[Any, int], Any], parent: Any, outer: Matrix, depth: int
    ) -> None:
        for i in range(count(parent)):
            if tick is not None:
                tick("pdf vector paths")
            obj = get(parent, i)
            kind = get_type(obj)
            if kind == FORM and depth < 8:
                get_matrix(obj, p_fm)
                inner = mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
                walk(pdfium_c.FPDFFormObj_CountObjects, pdfium_c.FPDFFormObj_GetObject, obj, inner, depth + 1)
            elif kind == IMAGE:
                if pdfium_c.FPDFPageObj_GetBounds(obj, *p_box):
                    images.append(map_box(outer, left.value, bottom.value, right.value, top.value))
            elif kind == PATH:
                get_matrix(obj, p_fm)
                full = mat_mul((fm.a, fm.b, fm.c, fm.d, fm.e, fm.f), outer)
                draw_mode(obj, p_fill, p_stroke)
                fill_color(obj, *p_rgba)
                fill_visible = fillmode.value != 0 and not _is_white((r.value, g.value, b.value, a.value))
                stroke_color(obj, *p_rgba)
                stroke_visible = bool(stroke.value) and not _is_white((r.value, g.value, b.value, a.value))
                if not (fill_visible or stroke_visible):
                    continue
                subpaths: list[list[tuple[float, float]]] = []
                for k in range(count_segments(obj)):
                    if tick is not None and not k % 256:
                        tick("pdf path segments")
                    seg = get_segment(obj, k)
                    segment_point(seg, p_px, p_py)
                    point = apply_matrix(full, px.value, py.value)
                    if segment_type(seg) == MOVETO or not subpaths:
                        subpaths.append([point])
                    else:
                        subpaths[-1].append(point)
                for pts in subpaths:
                    edges.extend(_subpath_edges(pts, stroke_visible, fill_visible))

    walk(pdfium_c.FPDFPage_CountObjects, pdfium_c.FPDFPage_GetObject, page.page.raw, page.to_top, 0)
    return edges, images


_PATH_CALLS = tuple(
    unchecked(fn, ctypes.c_int)
    for fn in (pdfium_c.FPDFPageObj_GetType, pdfium_c.FPDFPageObj_GetMatrix, pdfium_c.FPDFPath_CountSegments,
               pdfium_c.FPDFPathSegment_GetPoint, pdfium_c.FPDFPathSegment_GetType, pdfium_c.FPDFPath_GetDrawMode,
               pdfium_c.FPDFPageObj_GetFillColor, pdfium_c.FPDFPageObj_GetStrokeColor)
)


def _subpath_edges(pts: list[tuple[float, float]], stroked: bool, filled: bool) -> list[Edge]:
    xs = [p[0] for p in pts]
    ys = [p[1] for p in pts]
    x0, x1, top, bottom = min(xs), max(xs), min(ys), max(ys)
    w, h = x1 - x0, bottom - top
    if w < 0.5 and h < 0.5:
        return []
    if min(w, h) <= 2.0:  # a rule drawn as a thin filled box or a single stroked segment
        return [_edge(x0, top, x1, bottom)]
    axis_aligned = all(abs(p[0] - x0) < 0.5 or abs(p[0] - x1) < 0.5 for p in pts) and all(
        abs(p[1] - top) < 0.5 or abs(p[1] - bottom) < 0.5 for p in pts
    )
    if axis_aligned and 4 <= len(pts) <= 5:  # a rectangle: its four sides
        return [
            _edge(x0, top, x1, top),
            _edge(x0, bottom, x1, bottom),
            _edge(x0, top, x0, bottom),
            _edge(x1, top, x1, bottom),
        ]
    if not stroked:
        return []
    out = []
    for (ax, ay), (bx, by) in itertools.pairwise(pts):
        if abs(ax - bx) < 0.5 or abs(ay - by) < 0.5:
            out.append(_edge(min(ax, bx), min(ay, by), max(ax, bx), max(ay, by)))
    return out


DECORATION_TOL = 1.0
"""Points an underline may run past the characters it underlines (a cell's rule runs past its text
by the cell's padding, at least a couple of points)."""


def drop_text_decorations(edges: list[Edge], chars: list[Char]) -> list[Edge]:
    """The edges without underlines and strike-throughs.

    An underlined text (a link, a ``<u>`` run, Word's hyperlink style printed by LibreOffice) draws
    one horizontal line per text line, often one piece per font run, right through the bottom of
    its glyph boxes and no wider than the text; taken for rules, they cut a cell into one row per
    text line (``5.要求行政机`` / ``关确认或重新`` …). A horizontal edge is a decoration when it
    lies within the vertical extent of the characters above it (or at most 2 points under them) and
    does not run more than :data:`DECORATION_TOL` past them at either end."""
    if not chars or not any(e["orientation"] == "h" for e in edges):
        return edges
    by_bottom = sorted(chars, key=lambda c: c.bottom)
    bottoms = [c.bottom for c in by_bottom]
    tallest = max(c.bottom - c.top for c in by_bottom)
    out: list[Edge] = []
    for e in edges:
        if e["orientation"] != "h":
            out.append(e)
            continue
        y, x0, x1 = e["top"], e["x0"], e["x1"]
        lo = hi = None
        # characters whose box reaches down to the line, at most 2 points above it
        for c in by_bottom[bisect_left(bottoms, y - 2.0):bisect_right(bottoms, y + tallest)]:
            if c.top - 1.0 <= y and c.x1 > x0 and c.x0 < x1 and c.text.strip():
                lo = c.x0 if lo is None or c.x0 < lo else lo
                hi = c.x1 if hi is None or c.x1 > hi else hi
        if lo is None or hi is None or x0 < lo - DECORATION_TOL or x1 > hi + DECORATION_TOL:
            out.append(e)
    return out


def close_open_tables(edges: list[Edge]) -> list[Edge]:
    """Add the closing rule that Word/WPS omit where a table breaks across pages.

    Vertical rules that stop at the same y with no horizontal rule there mark an open table edge.
    """
    vertical = [e for e in edges if e["orientation"] == "v"]
    horizontal = [e for e in edges if e["orientation"] == "h"]
    extra: list[Edge] = []
    for key in ("bottom", "top"):
        groups: dict[int, list[Edge]] = {}
        for e in vertical:
            groups.setdefault(round(e[key] / EDGE_TOL), []).append(e)
        for members in groups.values():
            if len(members) < 3:
                continue
            y = statistics.median(e[key] for e in members)
            lo, hi = min(e["x0"] for e in members), max(e["x0"] for e in members)
            covered = any(
                abs(h["top"] - y) <= SNAP and h["x0"] <= lo + SNAP and h["x1"] >= hi - SNAP for h in horizontal
            )
            if not covered and hi - lo > 20:
                extra.append(_edge(lo, y, hi, y))
    return edges + extra


