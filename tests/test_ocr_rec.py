"""The recogniser's shortcut (``engine.NARROW_ACCEPT``): short lines read with less padding must read
as RapidOCR reads them padded to 320 px, above all the one- and two-digit cells of a table."""

from __future__ import annotations

import random
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from extractor.readers.ocr import engine as ocr_engine

np = pytest.importorskip("numpy")
needs_engine = pytest.mark.skipif(not ocr_engine.ocr_available(), reason='the ocr extra is not installed: pip install "ogi-extractor[ocr]"')
PDF = (Path(__file__).parent / "fixtures" / "report2021.pdf").read_bytes()
NUMBER = re.compile(r"[0-9][0-9.,]*")


@pytest.fixture(scope="module")
def table_crops() -> list[Any]:
    """Every text line of the fixture's scanned table pages (150 dpi), cropped as the engine crops it."""
    from extractor.readers.ocr.page import image_page
    from tests.gen.scan import render, scan_page

    engine = ocr_engine.get_engine()
    rng = random.Random(7)
    crops: list[Any] = []
    texts = engine._texts  # type: ignore[attr-defined]

    def keep(lines: list[Any], deadline: Any = None) -> Any:
        crops.extend(lines)
        return texts(lines, deadline)

    engine._texts = keep  # type: ignore[attr-defined]
    try:
        for page in render(PDF, 150, pages=[1, 2]):
            image_page(np.asarray(scan_page(page, rng)), 1, engine)
    finally:
        del engine._texts  # type: ignore[attr-defined]
    return crops


@needs_engine
def test_short_numeric_lines_read_as_at_320_px(table_crops: list[Any], monkeypatch: pytest.MonkeyPatch) -> None:
    engine = ocr_engine.get_engine()
    reference, _ = engine._ocr.text_rec(table_crops)  # type: ignore[attr-defined]  # RapidOCR: 6 a batch, >= 320 px
    widths: list[int] = []
    real_run = engine._run  # type: ignore[attr-defined]

    def spy(crops: Any, runs: Any, deadline: Any) -> Any:
        widths.extend(w for _, w in runs)
        return real_run(crops, runs, deadline)

    monkeypatch.setattr(engine, "_run", spy)
    got = engine._texts(table_crops)  # type: ignore[attr-defined]
    short = [i for i, c in enumerate(table_crops) if 48 * c.shape[1] / c.shape[0] <= 160]
    numbers = [i for i in short if NUMBER.fullmatch(reference[i][0].strip())]
    assert len(numbers) >= 100  # the fixture's tables: mostly one- to three-digit cells
    assert [got[i][0].strip() for i in numbers] == [reference[i][0].strip() for i in numbers]
    assert min(widths) < 100  # ... and the short lines were read narrow (the shortcut is on)
    unchanged = sum(got[i][0].strip() == reference[i][0].strip() for i in range(len(table_crops)))
    assert unchanged >= len(table_crops) - 1


@needs_engine
@settings(max_examples=60, deadline=None)
@given(h=st.integers(8, 90), w=st.integers(4, 900), width=st.integers(1, 500).map(lambda n: 8 * n))
def test_recogniser_input_is_exactly_the_width_asked_for(h: int, w: int, width: int) -> None:
    """The narrow pass asks RapidOCR's own resize for a width as a ratio to the height: it must get
    exactly that width back (no float truncation one pixel short), and the crop never wider."""
    engine = ocr_engine.get_engine()
    rec = engine._ocr.text_rec  # type: ignore[attr-defined]
    crop = np.full((h, w, 3), 255, dtype=np.uint8)
    got = rec.resize_norm_img(crop, width / ocr_engine.REC_HEIGHT)
    assert got.shape == (3, ocr_engine.REC_HEIGHT, width)
