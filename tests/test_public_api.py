from __future__ import annotations

import json

import extractor
from extractor.records.schema import SCHEMA_FILE, render


def test_all_is_curated_and_importable() -> None:
    for name in extractor.__all__:
        assert hasattr(extractor, name), name
    assert len(set(extractor.__all__)) == len(extractor.__all__)
    for must in ("extract", "extract_report", "read_document", "Report", "Finding", "OgiError", "ExtractionResult"):
        assert must in extractor.__all__


def test_error_codes_are_stable_and_unique() -> None:
    codes = [cls.code for cls in extractor.ERROR_CODES.values()]
    assert len(codes) == len(set(codes))
    assert {"empty_input", "too_large", "unsupported_format", "undecodable", "not_a_report", "needs_ocr"} <= set(codes)


def test_schema_file_is_current() -> None:
    assert SCHEMA_FILE.read_text(encoding="utf-8") == render(), "run: python -m extractor.records.schema"
    assert json.loads(render())["properties"]["schema_version"]


def test_records_to_dict_and_pandas(seed_path) -> None:  # type: ignore[no-untyped-def]
    import pandas as pd

    report = extractor.extract(seed_path).raise_for_error()
    d = report.to_dict()
    assert d["meta"]["organ"] == "衡山县贯塘乡人民政府"
    df = pd.DataFrame([f.model_dump() for f in report.figures()])
    assert len(df) == 200 and set(df["state"]) == {"zero"}
