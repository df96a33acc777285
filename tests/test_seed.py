"""The bundled sample (衡山县贯塘乡 2024, pipe-delimited text) gives exactly its truth."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from extractor import CellState, extract


def test_seed_flat_equals_truth(seed_path: Path) -> None:
    truth = json.loads(seed_path.with_name("guantang-2024.truth.json").read_text(encoding="utf-8"))
    result = extract(seed_path)
    assert result.status == "ok"
    assert result.report is not None
    assert result.report.flat() == truth["figures"]


def test_seed_metadata(seed_path: Path) -> None:
    report = extract(seed_path).raise_for_error()
    meta = report.meta
    assert meta.organ == "衡山县贯塘乡人民政府"  # completed from the body
    assert meta.organ_in_title == "衡山县贯塘"  # the title's own wording
    assert meta.report_year == 2024 and meta.year_confirmed
    assert meta.published == date(2025, 1, 20)
    assert meta.template == "2021"
    assert meta.templates.t2 == "2021" and meta.templates.t3 == "2021"
    assert [s.number for s in report.sections] == [1, 2, 3, 4, 5, 6]
    assert report.sections[5].text.strip() == "无"


def test_seed_cells_keep_provenance(seed_path: Path) -> None:
    report = extract(seed_path).raise_for_error()
    assert report.table3 is not None and report.table3.granted is not None
    fig = report.table3.granted.total
    assert fig is not None
    assert fig.state is CellState.ZERO and fig.raw == "0"
    assert fig.ref.line is not None and fig.ref.table is not None
    line = seed_path.read_text(encoding="utf-8").splitlines()[fig.ref.line - 1]
    assert "予以公开" in line
