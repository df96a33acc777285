"""JSON Schema generation for the records; ``schemas/report.schema.json`` is its committed output.

Regenerate with ``python -m extractor.records.schema`` (a test fails when the file is stale).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from extractor.records.models import Report

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "schemas" / "report.schema.json"


def report_schema() -> dict[str, Any]:
    schema = Report.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["$id"] = "https://ogi-extractor/schemas/report.schema.json"
    return schema


def render() -> str:
    return json.dumps(report_schema(), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


if __name__ == "__main__":
    SCHEMA_FILE.parent.mkdir(exist_ok=True)
    SCHEMA_FILE.write_text(render(), encoding="utf-8")
    print(f"wrote {SCHEMA_FILE}")
