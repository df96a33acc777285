from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REAL = ROOT.parent / "shared" / "corpus" / "real"
sys.path.insert(0, str(Path(__file__).resolve().parent))
# Subprocesses started by tests (``python -c "from extractor.cli import run"``) import the checkout
# under test, not whichever copy happens to be installed (a second git worktree, a stale install).
os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)


@pytest.fixture(scope="session")
def seed_path() -> Path:
    return ROOT / "corpus" / "guantang-2024.txt"


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False, help="run thousands of generated examples")


def pytest_configure(config: pytest.Config) -> None:
    from hypothesis import settings

    settings.register_profile("slow", max_examples=2000, deadline=None)
    settings.register_profile("default", max_examples=60, deadline=None)
    settings.load_profile("slow" if config.getoption("--slow") else "default")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="slow; run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)
