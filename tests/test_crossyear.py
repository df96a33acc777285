"""Cross-year help: ambiguous table-2 runs settled by the organ's neighbouring year."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REAL
from gen import draw_variant, generate
from gen.render_layouts import render_layout

from extractor import extract
from extractor.batch import run_batch
from extractor.mapping.crossyear import settle_reports

ITEMS = ("licensing", "other_services", "punishment", "coercion", "fees")


def _pair(seed: int) -> tuple[object, object]:
    a = generate(seed, template="2019", breaks=())
    b = generate(seed + 1000, template="2019", breaks=())
    year = 2019
    a = replace(a, year=year, title=f"{a.organ}{year}年政府信息公开工作年度报告")
    b = replace(b, organ=a.organ, year=year + 1, title=f"{a.organ}{year + 1}年政府信息公开工作年度报告")
    b.figures, b.states, a.figures, a.states = dict(b.figures), dict(b.states), dict(a.figures), dict(a.states)
    for item in ITEMS:  # the chain T2-19-3: prior(N) = prior(N-1) + change(N-1)
        if a.figures[f"t2.{item}.prior_year"] + a.figures[f"t2.{item}.change"] < 0:  # an item count is never negative
            a.figures[f"t2.{item}.change"] = -a.figures[f"t2.{item}.prior_year"]
            a.states[f"t2.{item}.change"] = "zero" if a.figures[f"t2.{item}.change"] == 0 else "number"
        v = a.figures[f"t2.{item}.prior_year"] + a.figures[f"t2.{item}.change"]
        b.figures[f"t2.{item}.prior_year"] = v
        b.states[f"t2.{item}.prior_year"] = "zero" if v == 0 else "number"
    return a, b


def _right_wrong(rep, report) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    flat = report.flat()
    right = sum(1 for k, v in rep.figures.items() if k.startswith("t2.") and flat.get(k) == v)
    wrong = sum(1 for k, v in rep.figures.items() if k.startswith("t2.") and flat.get(k) is not None and flat.get(k) != v)
    return right, wrong


@pytest.mark.parametrize("seed", range(6))
def test_glued_runs_settled_by_the_neighbouring_year_never_wrongly(seed: int) -> None:
    a, b = _pair(seed)
    ra = extract(render_layout("glued", a, draw_variant(seed), seed).encode(), name="a.txt").raise_for_error()
    rb = extract(render_layout("glued", b, draw_variant(seed + 1), seed + 1).encode(), name="b.txt").raise_for_error()
    before = _right_wrong(a, ra)[0] + _right_wrong(b, rb)[0]
    found = settle_reports(ra, rb)
    (right_a, wrong_a), (right_b, wrong_b) = _right_wrong(a, ra), _right_wrong(b, rb)
    assert wrong_a == wrong_b == 0
    assert right_a + right_b >= before
    if right_a + right_b > before:
        assert found and all(f.code == "crossyear.settled" for f in found)
        assert any(f.code == "crossyear.settled" for f in ra.findings + rb.findings)


def test_batch_settles_across_years(tmp_path: Path) -> None:
    settled = 0
    for seed in range(6):
        a, b = _pair(seed)
        d = tmp_path / f"in{seed}"
        d.mkdir()
        (d / "a.txt").write_text(render_layout("glued", a, draw_variant(seed), seed), encoding="utf-8")
        (d / "b.txt").write_text(render_layout("glued", b, draw_variant(seed + 1), seed + 1), encoding="utf-8")
        db = tmp_path / f"w{seed}.duckdb"
        summary = run_batch([d], db, workers=1)
        settled += summary.crossyear_settled
        import duckdb

        with duckdb.connect(str(db), read_only=True) as con:
            rows = con.execute("select f.key, f.value from figures f join reports r using (sha256) "
                               "where f.key like 't2.%' and f.value is not null and r.report_year = 2020").fetchall()
        assert all(value == b.figures[key] for key, value in rows)  # never a wrong value
    assert settled > 0


@pytest.mark.real
@pytest.mark.skipif(not REAL.exists(), reason="needs ../shared/corpus/real")
def test_pingtan_2019_and_2020_dumps_settle_each_other() -> None:
    import json

    a = extract(REAL / "2019-pingtan-shiyanqu-txt.txt").raise_for_error()
    b = extract(REAL / "2020-pingtan-txt.txt").raise_for_error()
    truths = [json.loads((REAL / f"{n}.truth.json").read_text(encoding="utf-8"))["figures"]
              for n in ("2019-pingtan-shiyanqu-txt", "2020-pingtan-txt")]

    def score() -> tuple[int, int]:
        right = wrong = 0
        for rep, truth in zip((a, b), truths, strict=True):
            flat = rep.flat()
            right += sum(1 for k, v in truth.items() if flat.get(k) == v)
            wrong += sum(1 for k, v in truth.items() if flat.get(k) is not None and flat.get(k) != v)
        return right, wrong

    before = score()
    settle_reports(a, b)
    after = score()
    assert after[1] == before[1] == 0
    assert after[0] >= before[0] + 10
