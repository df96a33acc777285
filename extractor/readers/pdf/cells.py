"""Ruling-line intersections → rectangular cells: pdfplumber's ``intersections_to_cells``, faster.

pdfplumber's function compares the edges of two intersections by building a set of edge boxes
on every comparison (and evaluating typing annotations of a nested function each time): a
fifth of the PDF reader's time on a ruled page. This is the same algorithm with each point's
vertical and horizontal edge sets built once and the points below and to the right of a point
looked up by coordinate instead of filtered from all later points. The output is identical,
cell for cell and in order (a property test compares the two).
"""

from __future__ import annotations

from collections import defaultdict
from operator import itemgetter
from typing import Any

Point = tuple[float, float]
Box = tuple[float, float, float, float]

_BBOX = itemgetter("x0", "top", "x1", "bottom")


def intersections_to_cells(intersections: dict[Point, dict[str, list[dict[str, Any]]]]) -> list[Box]:
    """Every cell whose four corners are intersections joined by common edges (pdfplumber's rule:
    for each point in (x, y) order, the first point below and then the first point to its right
    that close a rectangle)."""
    points = sorted(intersections)
    v_sets = {p: frozenset(map(_BBOX, intersections[p]["v"])) for p in points}
    h_sets = {p: frozenset(map(_BBOX, intersections[p]["h"])) for p in points}
    same_x: dict[float, list[Point]] = defaultdict(list)
    same_y: dict[float, list[Point]] = defaultdict(list)
    for p in points:  # sorted by x then y: each list is in the order pdfplumber filters them
        same_x[p[0]].append(p)
        same_y[p[1]].append(p)

    def connects(a: Point, b: Point) -> bool:
        if a[0] == b[0] and not v_sets[a].isdisjoint(v_sets[b]):
            return True
        return a[1] == b[1] and not h_sets[a].isdisjoint(h_sets[b])

    cells: list[Box] = []
    for pt in points:
        below = [p for p in same_x[pt[0]] if p[1] > pt[1]]
        right = [p for p in same_y[pt[1]] if p[0] > pt[0]]
        cell = _smallest(pt, below, right, connects, v_sets)
        if cell is not None:
            cells.append(cell)
    return cells


def _smallest(pt: Point, below: list[Point], right: list[Point], connects: Any, known: dict[Point, Any]) -> Box | None:
    for below_pt in below:
        if not connects(pt, below_pt):
            continue
        for right_pt in right:
            if not connects(pt, right_pt):
                continue
            corner = (right_pt[0], below_pt[1])
            if corner in known and connects(corner, right_pt) and connects(corner, below_pt):
                return (pt[0], pt[1], corner[0], corner[1])
    return None
