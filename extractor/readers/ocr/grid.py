"""Ruling lines of a page image: skew angle, binarisation, OpenCV morphology -> edges.

The edges come out in the same shape as the PDF reader's vector edges (pdfplumber's edge dicts),
so that one cell finder (``pdfplumber.table``: merge, intersections, cells, tables) and one grid
builder (:func:`extractor.readers.pdf.tables.tables_from_edges`) serve both a drawn table and a
scanned one, spans included.

Why morphology: opening the inverted, binarised page with a long thin kernel keeps only the runs
of ink at least that long in one direction — table rules — and drops glyph strokes, which are
shorter than a row or a column is wide. A page scanned a degree askew breaks a rule into steps,
so the skew is measured first (probabilistic Hough on the horizontal runs) and the page rotated
back before the rules are read.
"""

from __future__ import annotations

import math
from typing import Any

import cv2
import numpy as np

Edge = dict[str, Any]

H_KERNEL = 50
"""Shortest horizontal rule, in working pixels (~150 dpi): longer than a "——" dash in a cell."""
V_KERNEL = 30
"""Shortest vertical rule: longer than a glyph stroke (10.5 pt at 150 dpi is ~22 px), shorter than a row."""
GROW = 4
"""Pixels by which the rule masks are dilated along their length to bridge breaks (undone at the ends)."""
JOIN = 8
"""Pixels by which a rule's end may miss the rule it meets."""
MAX_SKEW = 3.0
"""Degrees: a larger angle is not a slightly askew scan, and is left alone."""


def binarise(gray: np.ndarray) -> np.ndarray:
    """Ink as 255 on 0: adaptive threshold (survives uneven scans and JPEG halos)."""
    return cv2.adaptiveThreshold(gray, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, 25, 15)


def skew_angle(ink: np.ndarray) -> float:
    """The page's skew in degrees (positive: the content is rotated counter-clockwise), 0.0 if unknown.

    Horizontal runs of ink (an opening with a short flat kernel) joined into components; each
    component at least a quarter of the page wide (a table rule, an underline) gets a
    least-squares line through its pixels; the answer is the length-weighted median of their angles.
    """
    runs = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (25, 1)))
    n, labels, stats, _ = cv2.connectedComponentsWithStats(runs, connectivity=8)
    min_len = ink.shape[1] // 4
    slack = math.tan(math.radians(MAX_SKEW))
    found: list[tuple[float, int]] = []
    for i in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if w < min_len or h > w * slack + 8:
            continue
        ys, xs = np.nonzero(labels[y : y + h, x : x + w] == i)
        if len(xs) < 2:
            continue
        slope = np.polyfit(xs.astype(np.float64), ys.astype(np.float64), 1)[0]
        found.append((math.degrees(math.atan(slope)), w))
    if not found:
        return 0.0
    found.sort()
    half, acc = sum(w for _, w in found) / 2, 0
    for a, w in found:
        acc += w
        if acc >= half:
            return -a
    return -found[-1][0]


def quad_angle(quads: list[tuple[tuple[float, float], ...]]) -> float:
    """Skew from text boxes (for pages without rules): median angle of the top edges of wide boxes."""
    angles = []
    for q in quads:
        (x0, y0), (x1, y1) = q[0], q[1]
        height = math.dist(q[0], q[3])
        if x1 - x0 > 4 * max(height, 1.0):
            angles.append(math.degrees(math.atan2(y1 - y0, x1 - x0)))
    if len(angles) < 3:
        return 0.0
    a = float(np.median(angles))
    return -a if abs(a) <= MAX_SKEW else 0.0


def rotate(gray: np.ndarray, angle: float) -> tuple[np.ndarray, np.ndarray]:
    """Rotate a grey page by ``angle`` degrees about its centre (white fill); also the 2x3 matrix used."""
    h, w = gray.shape[:2]
    m = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    out = cv2.warpAffine(gray, m, (w, h), flags=cv2.INTER_LINEAR, borderValue=255)
    return out, m


def _segments(mask: np.ndarray, horizontal: bool, min_len: int) -> tuple[list[Edge], list[int], np.ndarray]:
    """Straight components of a one-direction mask: their edges, component labels and label image."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(mask, connectivity=8)
    out: list[Edge] = []
    ids: list[int] = []
    for i in range(1, n):
        x, y, w, h, _area = (int(v) for v in stats[i])
        if horizontal and w >= min_len and h <= max(12, w // 8):
            yc = y + h / 2
            x0, x1 = x + GROW, x + w - GROW  # undo the bridging dilation at the ends
            out.append({"x0": float(x0), "x1": float(x1), "top": yc, "bottom": yc, "width": float(x1 - x0),
                        "height": 0.0, "orientation": "h"})
            ids.append(i)
        elif not horizontal and h >= min_len and w <= max(12, h // 8):
            xc = x + w / 2
            y0, y1 = y + GROW, y + h - GROW
            out.append({"x0": xc, "x1": xc, "top": float(y0), "bottom": float(y1), "width": 0.0,
                        "height": float(y1 - y0), "orientation": "v"})
            ids.append(i)
    return out, ids, labels


def _meets(v: Edge, h: Edge, end: str) -> bool:
    """Does vertical ``v``'s ``end`` ("top"/"bottom") reach horizontal ``h``?"""
    return bool(abs(v[end] - h["top"]) <= JOIN and h["x0"] - JOIN <= v["x0"] <= h["x1"] + JOIN)


def _crosses(h: Edge, v: Edge) -> bool:
    return bool(v["top"] - JOIN <= h["top"] <= v["bottom"] + JOIN and h["x0"] - JOIN <= v["x0"] <= h["x1"] + JOIN)


def _framed(v_edges: list[Edge], h_edges: list[Edge]) -> list[int]:
    """Indices of the verticals that run from a horizontal rule to a horizontal rule, or from one
    across another, or from one to an open edge shared by at least three verticals (a
    table cut by the page break has no closing rule; the table finder adds it)."""
    keep: list[int] = []
    open_ends: dict[tuple[str, int], list[int]] = {}
    for k, v in enumerate(v_edges):
        top = any(_meets(v, h, "top") for h in h_edges)
        bottom = any(_meets(v, h, "bottom") for h in h_edges)
        if (top and bottom) or ((top or bottom) and sum(_crosses(h, v) for h in h_edges) >= 2):
            keep.append(k)  # rule to rule, or from a rule across another (a table whose top-left is open)
        elif top or bottom:
            end = "bottom" if top else "top"
            open_ends.setdefault((end, round(v[end] / JOIN)), []).append(k)
    for (end, key), members in open_ends.items():
        near = [m for (e2, k2), ms in open_ends.items() if e2 == end and abs(k2 - key) <= 1 for m in ms]
        if len(near) >= 3:
            keep.extend(members)
    return sorted(set(keep))


def ruling_lines(ink: np.ndarray) -> tuple[list[Edge], np.ndarray]:
    """Horizontal and vertical rules of a binarised, deskewed page (pixel edges) and their ink mask.

    Long runs alone are not enough: a 16 pt glyph's vertical stroke is as long as a row is tall,
    and a "——" dash as wide as a narrow cell. A vertical rule is kept only when both its ends meet
    horizontal runs (a cell's side runs from rule to rule); a horizontal rule only when it crosses
    two kept verticals or spans a third of the page. Only kept rules are painted out before OCR.
    """
    horiz = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (H_KERNEL, 1)))
    vert = cv2.morphologyEx(ink, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (1, V_KERNEL)))
    # bridge breaks left by noise or a faint scan before measuring the segments
    horiz = cv2.dilate(horiz, cv2.getStructuringElement(cv2.MORPH_RECT, (2 * GROW + 1, 3)))
    vert = cv2.dilate(vert, cv2.getStructuringElement(cv2.MORPH_RECT, (3, 2 * GROW + 1)))
    h_edges, h_ids, h_labels = _segments(horiz, True, H_KERNEL + 8)
    v_edges, v_ids, v_labels = _segments(vert, False, V_KERNEL + 8)
    if len(h_edges) * len(v_edges) > 4_000_000:  # a drawing, not a table
        return [], np.zeros_like(ink)
    long_h = ink.shape[1] * 0.3
    keep_v = _framed(v_edges, h_edges)
    keep_h = [k for k, h in enumerate(h_edges)
              if h["width"] >= long_h or sum(_crosses(h, v_edges[j]) for j in keep_v) >= 2]
    kept_h = [h_edges[k] for k in keep_h]
    keep_v = [k for k in _framed(v_edges, kept_h) if k in set(keep_v)]
    mask = np.zeros_like(ink)
    if keep_h:
        mask[np.isin(h_labels, [h_ids[k] for k in keep_h])] = 255
    if keep_v:
        mask[np.isin(v_labels, [v_ids[k] for k in keep_v])] = 255
    return kept_h + [v_edges[k] for k in keep_v], mask


def erase(gray: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The page with the rules painted white (so that no rule is read as ``1`` or ``|`` beside a number)."""
    out = gray.copy()
    out[cv2.dilate(mask, np.ones((3, 3), np.uint8)) > 0] = 255
    return out


__all__ = ["binarise", "erase", "quad_angle", "rotate", "ruling_lines", "skew_angle"]
