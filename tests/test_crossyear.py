"""Cross-year help: ambiguous table-2 runs settled by the organ's neighbouring year."""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

import pytest
from conftest import REAL
from gen import draw_variant, generate
from gen.render_layouts import render_layout

from extractor import extract
from extractor.batch import run_batch
from extractor.mapping.crossyear import ITEM_ORDER, T2Row, dropped_rows, settle_pair, settle_reports

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


@pytest.mark.parametrize("seed", range(8))
def test_runs_of_a_dump_that_leaves_blank_cells_out_are_settled_as_such_never_wrongly(seed: int) -> None:
    """A 莆田-style dump (blank cells left out, repeats merged) leaves a table-2 row undecided
    (``cells.undecided``); its readings for settling are that dump's, not glued digits'."""
    a, b = _pair(seed)
    ra = extract(render_layout("dropped", a, draw_variant(seed), seed).encode(), name="a.txt").raise_for_error()
    rb = extract(render_layout("dropped", b, draw_variant(seed + 1), seed + 1).encode(), name="b.txt").raise_for_error()
    settle_reports(ra, rb)
    assert _right_wrong(a, ra)[1] == _right_wrong(b, rb)[1] == 0


def test_a_merged_repeat_is_settled_by_continuity_and_never_cut_like_glued_digits() -> None:
    """``2 40`` for 本年制发 / 本年废止 / 现行有效 in a dump that merges repeats: 2, 2, 40 is the one reading
    that continues last year's 40 in force; read as glued digits (2 / 4 / 0) nothing would chain."""
    cols = ("issued", "repealed", "in_force")
    last = T2Row("normative_docs", cols, {"issued": 1, "repealed": 0, "in_force": 40})
    undecided = {"issued": None, "repealed": None, "in_force": None}
    assert settle_pair(last, T2Row("normative_docs", cols, dict(undecided), "2 40", dropped=True))[1] == {
        "issued": 2, "repealed": 2, "in_force": 40}
    assert settle_pair(last, T2Row("normative_docs", cols, dict(undecided), "2 40"))[1] == {}
    assert dropped_rows([("cells.undecided", ["t2.normative_docs"]), ("split.ambiguous", ["t2.fees"])]) == {"t2.normative_docs"}


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


_SETTLE_SCRIPT = """
import json, sys
from extractor.batch import extract_record
from extractor.batch.crossyear import settle_all
recs = settle_all([extract_record(p) for p in sys.argv[1:]])
rows = sorted((r["report"]["sha256"], f["finding_no"], f["message"], f["cells"])
              for r in recs for f in r["findings"] if f["code"] == "crossyear.settled")
print(json.dumps(rows, ensure_ascii=False))
"""


def test_settled_findings_follow_template_order_whatever_the_hash_seed_and_run_order(tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    paths: list[str] = []
    for seed in range(3):
        a, b = _pair(seed)
        for name, rep, var in (("a", a, seed), ("b", b, seed + 1), ("b2", b, seed + 1)):  # b2: a second copy of b
            p = tmp_path / f"{seed}-{name}.txt"
            p.write_text(render_layout("glued", rep, draw_variant(var), var) + ("\n附注\n" if name == "b2" else ""),
                         encoding="utf-8")
            paths.append(str(p))
    outs = []
    for hash_seed, order in (("1", paths), ("2", paths[::-1]), ("3", paths[1::2] + paths[::2])):
        proc = subprocess.run([sys.executable, "-c", _SETTLE_SCRIPT, *order], capture_output=True, text=True,
                              env={**os.environ, "PYTHONHASHSEED": hash_seed}, timeout=600, check=True)
        outs.append(json.loads(proc.stdout))
    assert outs[0] == outs[1] == outs[2]
    rows = outs[0]
    by_doc: dict[str, list[list[str]]] = {}
    for sha, _no, _msg, cells in rows:
        by_doc.setdefault(sha, []).append(cells)
    assert any(len(found) >= 2 for found in by_doc.values())  # set order could have shuffled these
    order = {item: i for i, item in enumerate(ITEM_ORDER)}
    for found in by_doc.values():
        items = [order[cells[0].split(".")[1]] for cells in found]
        assert items == sorted(items), found
