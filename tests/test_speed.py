"""What keeps start-up and the per-document path cheap: lazy imports, records built without
validation from values the pipeline already checked (and proven equal to validated ones)."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import extractor
from extractor.records import models

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"


def _loaded_after(code: str) -> set[str]:
    """Modules loaded in a fresh interpreter after running ``code``."""
    out = subprocess.run([sys.executable, "-c", f"{code}\nimport sys, json; print(json.dumps(sorted(sys.modules)))"],
                         cwd=ROOT, capture_output=True, text=True, check=True).stdout
    return set(json.loads(out.splitlines()[-1]))


HEAVY = ("pydantic", "duckdb", "pyarrow", "charset_normalizer", "lxml", "pdfplumber", "pypdfium2", "rich", "dask",
         "distributed", "multiprocessing", "importlib.metadata")


def _heavy(mods: set[str]) -> set[str]:
    return {m for m in mods if m.split(".")[0] in HEAVY or m == "importlib.metadata"}


def test_import_extractor_loads_nothing_else() -> None:
    mods = _loaded_after("import extractor")
    assert {m for m in mods if m.startswith("extractor")} == {"extractor", "extractor._version"}
    assert not _heavy(mods)


def test_cli_module_loads_no_pipeline() -> None:
    mods = _loaded_after("import extractor.cli")
    assert not _heavy(mods), _heavy(mods)
    assert not {m for m in mods if m.startswith(("extractor.pipeline", "extractor.records", "extractor.audit",
                                                 "extractor.batch", "extractor.diff", "extractor.readers"))}


def test_extract_text_builds_no_validator_and_loads_no_extras(seed_path: Path) -> None:
    code = (
        "from extractor import extract\n"
        f"r = extract({str(seed_path)!r})\n"
        "assert r.status == 'ok' and len(r.report.flat()) == 200\n"
        "from extractor.records import models\n"
        "built = [c.__name__ for c in vars(models).values() if isinstance(c, type) and issubclass(c, models._Record)"
        " and c.__pydantic_complete__]\n"
        "assert not built, built\n"
    )
    mods = _loaded_after(code)
    for extra in ("pydantic.plugin._loader", "importlib.metadata", "charset_normalizer", "duckdb", "lxml", "pypdfium2",
                  "extractor.batch", "extractor.diff", "extractor.audit", "extractor.crawl", "multiprocessing"):
        assert extra not in mods, extra


def test_public_names_resolve_lazily_and_once() -> None:
    for name in extractor.__all__:
        value = getattr(extractor, name)
        assert getattr(extractor, name) is value
        assert name in dir(extractor)
    assert extractor.extract is __import__("extractor.pipeline", fromlist=["extract"]).extract
    assert extractor.batch.run_batch is extractor.run_batch  # a subpackage without importing it first
    with pytest.raises(AttributeError):
        extractor.no_such_name  # noqa: B018


def test_version_is_written_once() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert "version" in project.get("dynamic", [])
    out = subprocess.run([sys.executable, "-c", "import sys; from extractor.cli import run; sys.argv[0] = 'ogi'; run()",
                          "--version"], cwd=ROOT, capture_output=True, text=True)
    assert out.stdout.strip() == f"ogi, version {extractor.__version__}"


def test_make_fills_defaults_and_refuses_missing_fields() -> None:
    from extractor.text import CellState

    fig = models.Figure.make(key="t3.granted.total", value=3, state=CellState.NUMBER, raw="3")
    assert fig == models.Figure(key="t3.granted.total", value=3, state=CellState.NUMBER, raw="3")
    assert fig.ref == models.CellRef() and fig.inferred is False
    other = models.Figure.make(key="k", value=None, state=CellState.BLANK, raw="")
    assert other.ref is not fig.ref or other.ref == fig.ref
    report = models.Report.make()
    assert report.findings == [] and report.findings is not models.Report.make().findings  # a fresh list each time
    with pytest.raises(TypeError, match="missing"):
        models.Figure.make(key="k")


def _documents() -> list[Path]:
    fixtures = ROOT / "tests" / "fixtures"
    docs = [ROOT / "corpus" / "guantang-2024.txt", *(fixtures / f"report2021.{x}" for x in ("pdf", "html", "docx"))]
    if REAL.is_dir():
        docs += sorted(p for p in REAL.iterdir() if p.suffix in (".txt", ".html", ".md", ".pdf"))
    return docs


def test_made_records_equal_validated_records(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every record the pipeline builds with ``make`` (no validation) is exactly what validation
    would build from the same values: same types (an enum stays an enum, a date a date), same values."""
    from extractor.pipeline import extract

    for path in _documents():
        fast = extract(path)
        monkeypatch.setattr(models._Record, "VALIDATE", True)
        checked = extract(path)
        monkeypatch.setattr(models._Record, "VALIDATE", False)
        assert fast.status == checked.status, path
        if fast.report is None or checked.report is None:
            assert fast.report is checked.report is None
            continue
        a, b = fast.report.model_dump(), checked.report.model_dump()
        a["meta"].pop("sha256", None), b["meta"].pop("sha256", None)
        assert repr(a) == repr(b), path


def test_no_garbage_collection_runs_inside_extract() -> None:
    """extract() pauses the cyclic collector for one document and leaves it as it found it."""
    import gc

    from extractor import extract

    page = (ROOT / "tests" / "fixtures" / "report2021.html").read_bytes()
    inside = [False]
    during: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start" and inside[0]:
            during.append(info["generation"])

    gc.callbacks.append(seen)
    old = gc.get_threshold()
    try:
        gc.set_threshold(1)  # a collection at every allocation the collector is allowed to see
        assert gc.isenabled()
        inside[0] = True
        result = extract(page, name="report2021.html")
        inside[0] = False
        assert gc.isenabled()
        gc.disable()  # a caller that switched the collector off finds it off afterwards
        extract(page, name="report2021.html")
        assert not gc.isenabled()
    finally:
        inside[0] = False
        gc.enable()
        gc.set_threshold(*old)
        gc.callbacks.remove(seen)
    assert result.report is not None and result.report.table3 is not None
    assert during == []
