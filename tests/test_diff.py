"""Year-over-year diff: figures, cross-year checks (T3-4, T2-21-1, T3-7), organ matching, copy
detection, warehouse diffs and the panel, terminal/JSON/HTML output (the HTML in headless Chromium)."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import duckdb
import pytest
from browser import dump_dom
from click.testing import CliRunner
from lxml import html as lhtml
from reportgen import (
    T3_COLS,
    GeneratedReport,
    drop_line,
    generate,
    next_year,
    render_pipe,
    table3_as_2019,
    with_prose,
)

import extractor
from extractor import Report, extract_report
from extractor.cli import main
from extractor.diff import OrganNames, diff_reports, group_organs, load_aliases, match_organs
from extractor.diff.html import cell_id, render_html, sentence_change_html
from extractor.diff.models import SentenceChange
from extractor.diff.text import pair_sentences, tokens, word_diff
from extractor.diff.warehouse import SECTIONS_NOT_STORED, connect, load_report
from extractor.records.models import Finding, Severity

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
PROSE = [
    "本年度，本机关坚持以公开为常态、不公开为例外，围绕中心工作扎实推进政务公开。",
    "一是健全制度机制，修订完善政府信息公开审查办法，明确审查流程和责任分工。",
    "二是加强平台建设，优化政府门户网站信息公开专栏，全年更新栏目内容120余次。",
    "三是强化监督保障，将政务公开纳入年度绩效考核，开展业务培训3场。",
]


def pair(seed: int = 3, year: int = 2022, *, old_organ: str | None = None,
         new_organ: str | None = None) -> tuple[GeneratedReport, GeneratedReport]:
    old = generate(seed)
    old.year = year
    if old_organ:
        old.organ = old_organ
    return old, next_year(old, seed + 1000, organ=new_organ)


def report(rep: GeneratedReport, text: str | None = None) -> Report:
    return extract_report((text or render_pipe(rep)).encode(), name=f"{rep.organ}-{rep.year}.txt")


def write(tmp: Path, name: str, text: str) -> Path:
    p = tmp / name
    p.write_text(text, encoding="utf-8")
    return p


# --- figures and cross-year checks ------------------------------------------------------------------


def test_consistent_pair_passes_every_check() -> None:
    old, new = pair()
    d = diff_reports(report(old), report(new))
    assert d.consecutive and d.organ.matched and d.organ.how == "identical"
    t34 = [c for c in d.checks if c.code == "T3-4"]
    assert [c.subject for c in t34] == T3_COLS and all(c.status == "ok" for c in t34)
    assert {c.subject for c in d.checks if c.code == "T2-21-1"} == {"regulations", "normative_docs"}
    assert all(c.status == "ok" for c in d.checks) and not d.failed
    expected = {k for k in old.figures if old.figures[k] != new.figures[k]}
    assert {c.key for c in d.changed} == expected
    assert d.unchanged == len(old.figures) - len(expected)
    assert not d.only_old and not d.only_new
    for c in d.changed:
        assert c.abs_change == pytest.approx(new.figures[c.key] - old.figures[c.key])
        if old.figures[c.key]:
            assert c.rel_change == pytest.approx((new.figures[c.key] - old.figures[c.key]) / old.figures[c.key], abs=1e-6)
        else:
            assert c.rel_change is None


def break_carry_over(rep: GeneratedReport, col: str = "natural_person") -> None:
    """二、上年结转 one higher in ``col`` (and 总计), 一 one lower: the year stays internally consistent."""
    for c in (col, "total"):
        rep.figures[f"t3.carried_over.{c}"] = int(rep.figures[f"t3.carried_over.{c}"]) + 1
        rep.figures[f"t3.new_received.{c}"] = int(rep.figures[f"t3.new_received.{c}"]) - 1


def test_continuity_break_is_an_error_per_column(tmp_path: Path) -> None:
    old, new = pair(seed=5)
    if new.figures["t3.new_received.natural_person"] == 0:
        new.figures["t3.granted.natural_person"] = int(new.figures["t3.granted.natural_person"]) + 1
        for k in ("t3.granted.total", "t3.results_total.natural_person", "t3.results_total.total",
                  "t3.new_received.natural_person", "t3.new_received.total"):
            new.figures[k] = int(new.figures[k]) + 1
    break_carry_over(new)
    rn = report(new)
    assert not [f for f in rn.findings if f.severity.value == "error"], "the new year alone is consistent"
    d = diff_reports(report(old), rn)
    failed = {c.subject: c for c in d.checks if c.code == "T3-4" and c.status == "failed"}
    assert set(failed) == {"natural_person", "total"}
    assert failed["total"].actual == failed["total"].expected + 1
    f = next(f for f in d.findings if f.code == "T3-4" and "自然人" in f.message)
    assert f.severity.value == "error" and d.failed
    assert f.cells == ["new:t3.carried_over.natural_person", "old:t3.carried_forward.natural_person"]
    assert len(f.refs) == 2 and all(r.line is not None for r in f.refs)

    runner = CliRunner()
    a, b = write(tmp_path, "a.txt", render_pipe(old)), write(tmp_path, "b.txt", render_pipe(new))
    res = runner.invoke(main, ["diff", str(a), str(b)])
    assert res.exit_code == 1, res.output
    assert "T3-4" in res.output and "failed" in res.output and "[natural_person]" in res.output
    res = runner.invoke(main, ["diff", str(a), str(b), "--json"])
    assert res.exit_code == 1
    data = json.loads(res.output)
    assert {c["subject"] for c in data["checks"] if c["status"] == "failed"} == {"natural_person", "total"}


def test_in_force_continuity_t2_21_1() -> None:
    old, new = pair(seed=8)
    new.figures["t2.regulations.in_force"] = int(new.figures["t2.regulations.in_force"]) + 2
    d = diff_reports(report(old), report(new))
    bad = [c for c in d.checks if c.status == "failed"]
    assert [(c.code, c.subject) for c in bad] == [("T2-21-1", "regulations")]
    f = next(f for f in d.findings if f.code == "T2-21-1")
    assert f.severity.value == "warning" and not d.failed  # soft identity: not an exit-1 error
    assert f.cells == ["new:t2.regulations.in_force", "old:t2.regulations.in_force",
                       "new:t2.regulations.issued", "new:t2.regulations.repealed"]


def test_figure_missing_in_one_year() -> None:
    old, new = pair(seed=11)
    d = diff_reports(report(old), report(new, drop_line(render_pipe(new), "行政强制")))
    assert [o.key for o in d.only_old] == ["t2.coercion.decisions"]
    only = d.only_old[0]
    assert only.side == "old" and only.year == old.year and only.value == old.figures["t2.coercion.decisions"]
    assert str(new.year) in only.reason and not d.only_new
    assert "t2.coercion.decisions" not in {c.key for c in d.changed}
    d2 = diff_reports(report(old, drop_line(render_pipe(old), "行政强制")), report(new))
    assert [o.key for o in d2.only_new] == ["t2.coercion.decisions"]


@pytest.mark.parametrize("old_2019", [True, False])
def test_template_change_maps_other_rows_t3_7(old_2019: bool) -> None:
    old, new = pair(seed=21)
    subs = ("other_no_correction", "other_no_fee", "other_other")
    # the 2021 side's （六） rows sum to the 2019 row in every column but 自然人
    for k in subs:
        for c in T3_COLS:
            new.figures[f"t3.{k}.{c}"] = old.figures[f"t3.{k}.{c}"]
    for c in ("natural_person", "total"):
        for key in (f"t3.other_other.{c}", f"t3.results_total.{c}", f"t3.new_received.{c}"):
            new.figures[key] = int(new.figures[key]) + 2
    text_old, text_new = render_pipe(old), render_pipe(new)
    if old_2019:
        text_old = table3_as_2019(text_old, old)
    else:
        text_new = table3_as_2019(text_new, new)
    ro, rn = report(old, text_old), report(new, text_new)
    assert (ro.table3.template, rn.table3.template) == (("2019", "2021") if old_2019 else ("2021", "2019"))  # type: ignore[union-attr]
    d = diff_reports(ro, rn)
    only = {o.key for o in d.only_old + d.only_new}
    assert not any(k.startswith("t3.other") for k in only), only
    mapped = {c.key: c for c in d.changed if c.mapped}
    assert set(mapped) == {"t3.other.natural_person", "t3.other.total"}
    m = mapped["t3.other.natural_person"]
    assert m.new - m.old == 2  # type: ignore[operator]
    assert "T3-7" in (m.mapped or "")
    side_2021 = m.new_cells if old_2019 else m.old_cells
    assert side_2021 == [f"t3.{k}.natural_person" for k in subs]
    t37 = [f for f in d.findings if f.code == "T3-7"]
    assert len(t37) == 1 and t37[0].severity.value == "info" and "2 of 7 columns differ" in t37[0].message
    assert not any(c.key.startswith("t3.other_") for c in d.changed)
    assert all(c.status == "ok" for c in d.checks if c.code == "T3-4")


def test_years_not_consecutive_and_order() -> None:
    old, new = pair(seed=2)
    new.year = old.year + 2
    d = diff_reports(report(old), report(new))
    assert not d.consecutive and d.checks == []
    assert any(f.code == "diff.years_not_consecutive" for f in d.findings)
    assert any("not consecutive" in n for n in d.notes)
    new.year = old.year + 1
    d = diff_reports(report(new), report(old))  # newest first
    assert d.swapped and d.old.report_year == old.year and d.consecutive and d.checks


# --- organs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "matched", "how"),
    [
        ("洪泽区人民政府", "淮安市洪泽区人民政府", True, "prefix"),
        ("江苏省淮安市洪泽区人民政府", "洪泽区人民政府", True, "prefix"),
        ("衡山县贯塘乡人民政府", "贯塘乡人民政府", True, "prefix"),
        ("宿迁市政府办公室", "宿迁市人民政府办公室", True, "normalised"),
        ("平潭综合实验区管委会", "平潭综合实验区", True, "place"),
        ("淮安市", "淮安市人民政府", True, "place"),
        ("淮安市生态环境局", "宿迁市生态环境局", False, "different"),
        ("淮安市洪泽区人民政府", "淮安市人民政府", False, "different"),
        ("淮安市人民政府", "人民政府", False, "different"),
        ("淮安市人民政府办公室", "淮安市人民政府", False, "different"),
        ("平潭县人民政府", "平潭综合实验区", False, "different"),
    ],
)
def test_organ_matching(a: str, b: str, matched: bool, how: str) -> None:
    m = match_organs(a, b)
    assert (m.matched, m.how) == (matched, how), m.explanation
    assert m.explanation
    assert match_organs(b, a).matched == matched


def test_organ_match_explains_and_options() -> None:
    m = match_organs("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert "淮安市" in m.explanation and "city" in m.explanation and "人民政府" in m.explanation
    m = match_organs("淮安市人民政府办公室", "淮安市人民政府")
    assert not m.matched and "--office-equivalent" in m.explanation
    assert match_organs("淮安市人民政府办公室", "淮安市人民政府", office_equivalent=True).how == "office"
    m = match_organs("平潭县人民政府", "平潭综合实验区", {"平潭县人民政府": "平潭综合实验区"})
    assert m.matched and m.how == "alias" and "alias file" in m.explanation


def test_group_organs_refuses_ambiguous_short_names() -> None:
    names = ["生态环境局", "淮安市生态环境局", "宿迁市生态环境局", "洪泽区人民政府", "淮安市洪泽区人民政府"]
    groups, ambiguous = group_organs(names, OrganNames.create())
    assert groups["洪泽区人民政府"] == groups["淮安市洪泽区人民政府"]
    assert groups["淮安市生态环境局"] != groups["宿迁市生态环境局"]
    assert "生态环境局" in ambiguous and groups["生态环境局"] not in (groups["淮安市生态环境局"], groups["宿迁市生态环境局"])


def test_organ_rename_pair_and_alias_file(tmp_path: Path) -> None:
    old, new = pair(seed=4, old_organ="洪泽区人民政府", new_organ="淮安市洪泽区人民政府")
    d = diff_reports(report(old), report(new))
    assert d.organ.matched and d.organ.how == "prefix" and len([c for c in d.checks if c.code == "T3-4"]) == 7

    old, new = pair(seed=4, old_organ="平潭县人民政府", new_organ="平潭综合实验区")
    ro, rn = report(old), report(new)
    assert (ro.meta.organ, rn.meta.organ) == ("平潭县人民政府", "平潭综合实验区")
    d = diff_reports(ro, rn)
    assert not d.organ.matched and d.checks == [] and any(f.code == "diff.organ_mismatch" for f in d.findings)

    a, b = write(tmp_path, "a.txt", render_pipe(old)), write(tmp_path, "b.txt", render_pipe(new))
    js = write(tmp_path, "aliases.json", json.dumps({"aliases": {"平潭县人民政府": "平潭综合实验区"}}, ensure_ascii=False))
    toml = write(tmp_path, "aliases.toml", '[aliases]\n"平潭县人民政府" = "平潭综合实验区"\n')
    assert load_aliases(js) == load_aliases(toml) == {"平潭县人民政府": "平潭综合实验区"}
    runner = CliRunner()
    for f in (js, toml):
        res = runner.invoke(main, ["diff", str(a), str(b), "--aliases", str(f), "--json"])
        assert res.exit_code == 0, res.output
        data = json.loads(res.output)
        assert data["organ"]["how"] == "alias" and len(data["checks"]) == 9
    bad = write(tmp_path, "bad.json", '{"aliases": ["x"]}')
    res = runner.invoke(main, ["diff", str(a), str(b), "--aliases", str(bad)])
    assert res.exit_code == 2 and "expected" in res.output


# --- section texts ------------------------------------------------------------------------------------


def test_copied_report_is_flagged() -> None:
    old, new = pair(seed=6)
    ro = report(old, with_prose(render_pipe(old), PROSE))
    rn = report(new, with_prose(render_pipe(new), [p.replace("120", "135") for p in PROSE]))
    d = diff_reports(ro, rn)
    s1 = next(s for s in d.sections if s.number == 1)
    assert s1.possible_copy and s1.similarity_ignoring_numbers == 1.0 and s1.similarity is not None and s1.similarity < 1
    assert d.possible_copy and any(f.code == "diff.copied_report" and f.severity.value == "warning" for f in d.findings)
    assert [c.op for c in s1.changes] == ["replace", "replace"]  # the year sentence and the 120 → 135 sentence

    rewritten = ["本年度，本机关围绕优化营商环境，聚焦重点领域信息公开，推动政策文件集中公开。",
                 "针对企业关切，新设惠企政策专栏，发布政策解读材料，组织线上政策宣讲。",
                 "同时，依申请公开办理实行台账管理，答复文书统一模板，办理质量明显提升。"]
    d = diff_reports(ro, report(new, with_prose(render_pipe(new), rewritten)))
    s1 = next(s for s in d.sections if s.number == 1)
    assert not s1.possible_copy and not d.possible_copy and (s1.similarity_ignoring_numbers or 0) < 0.5
    assert sum(len(c.new) for c in s1.changes) >= 3


def test_identical_documents() -> None:
    old, _ = pair(seed=7)
    text = with_prose(render_pipe(old), PROSE)
    d = diff_reports(report(old, text), report(old, text))
    assert d.changed == [] and d.unchanged == len(old.figures) and d.possible_copy
    assert d.text_similarity == 1.0
    codes = {f.code for f in d.findings}
    assert {"diff.same_document", "diff.years_not_consecutive", "diff.copied_report"} <= codes


# --- warehouse and panel ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, GeneratedReport]]:
    from extractor.batch import run_batch

    tmp = tmp_path_factory.mktemp("wh")
    src = tmp / "in"
    src.mkdir()
    a1 = generate(31)
    a1.organ, a1.year = "洪泽区人民政府", 2021
    a2 = next_year(a1, 32, organ="淮安市洪泽区人民政府")
    a3 = next_year(a2, 33, organ="淮安市洪泽区人民政府")
    break_carry_over(a3, "commercial")
    b1 = generate(41)
    b1.organ, b1.year = "示例市生态环境局", 2021
    b3 = next_year(next_year(b1, 42), 43)  # 2023: 2022 is missing
    reps = {"a2021": a1, "a2022": a2, "a2023": a3, "b2021": b1, "b2023": b3}
    for name, rep in reps.items():
        write(src, f"{name}.txt", with_prose(render_pipe(rep), PROSE[:2]))
    db = tmp / "reports.duckdb"
    run_batch([src], db, workers=1)
    return db, reps


def test_diff_from_warehouse(warehouse: tuple[Path, dict[str, GeneratedReport]], tmp_path: Path) -> None:
    db, reps = warehouse
    con = connect(db)
    try:
        old = load_report(con, "洪泽区人民政府:2021")
        new = load_report(con, "淮安市洪泽区人民政府:2022")
        sha = str(new.meta.sha256)
        assert load_report(con, sha[:10]).meta.sha256 == sha
    finally:
        con.close()
    assert old.flat() == reps["a2021"].figures and [x.number for x in new.sections] == [1, 2, 3, 4, 5, 6]
    direct = diff_reports(report(reps["a2021"]), report(reps["a2022"]))
    d = diff_reports(old, new, text=False)
    assert [(c.key, c.old, c.new) for c in d.changed] == [(c.key, c.old, c.new) for c in direct.changed]
    assert [c.status for c in d.checks] == [c.status for c in direct.checks]

    runner = CliRunner()
    res = runner.invoke(main, ["diff", "--db", str(db), "洪泽区人民政府:2022", "洪泽区人民政府:2023", "--json"])
    assert res.exit_code == 1, res.output  # the 2023 carry-over break
    data = json.loads(res.output)
    assert SECTIONS_NOT_STORED not in data["notes"] and data["sections"]  # schema 2 stores the section texts
    assert {c["subject"] for c in data["checks"] if c["status"] == "failed"} == {"commercial", "total"}
    res = runner.invoke(main, ["diff", "--db", str(db), "nobody:2022", sha[:8]])
    assert res.exit_code == 2 and "no 2022 report" in res.output


def test_panel(warehouse: tuple[Path, dict[str, GeneratedReport]], tmp_path: Path) -> None:
    db, reps = warehouse
    out = tmp_path / "panel.csv"
    res = CliRunner().invoke(main, ["panel", str(db), "--out", str(out)])
    assert res.exit_code == 1, res.output  # an error-level cross-year check fails (a2023)
    assert "organs with a missing year: 示例市生态环境局 (2022)" in res.output
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    organs = {r["organ"] for r in rows}
    assert organs == {"淮安市洪泽区人民政府", "示例市生态环境局"}
    hz = [r for r in rows if r["organ"] == "淮安市洪泽区人民政府"]
    assert "洪泽区人民政府 (2021)" in hz[0]["names"] and "淮安市洪泽区人民政府 (2022, 2023)" in hz[0]["names"]
    fig = next(r for r in hz if r["key"] == "t3.new_received.total")
    assert [fig[y] for y in ("2021", "2022", "2023")] == [str(reps[f"a{y}"].figures["t3.new_received.total"])
                                                          for y in ("2021", "2022", "2023")]
    t34 = {(r["key"]): r for r in hz if r["row_type"] == "check" and r["key"].startswith("T3-4")}
    assert t34["T3-4[total]"]["2022"] == "1" and t34["T3-4[total]"]["2023"] == "0" and t34["T3-4[research]"]["2023"] == "1"
    assert "2022→2023" in t34["T3-4[total]"]["detail"]
    eco = [r for r in rows if r["organ"] == "示例市生态环境局"]
    assert any(r["row_type"] == "missing_years" and r["detail"] == "2022" for r in eco)
    assert any(r["row_type"] == "gap" for r in eco) and not any(r["row_type"] == "check" for r in eco)

    pq = tmp_path / "panel.parquet"
    res = CliRunner().invoke(main, ["panel", str(db), "--out", str(pq), "-q"])
    assert res.exit_code == 1 and res.output == ""
    con = duckdb.connect()  # written by DuckDB, no pyarrow needed
    n = con.execute(f"SELECT count(*) FROM read_parquet('{pq}')").fetchone()
    types = dict(con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('{pq}'))").fetchall())
    con.close()
    assert n == (len(rows),) and types["2022"] == "DECIMAL(18,4)" and types["organ"] == "VARCHAR"


# --- HTML ---------------------------------------------------------------------------------------------------


def test_html_report_in_browser(tmp_path: Path) -> None:
    old, new = pair(seed=5)
    break_carry_over(new)
    text_old = table3_as_2019(with_prose(render_pipe(old), PROSE), old)
    text_new = with_prose(render_pipe(new), [*PROSE[:2], "四是新增一项内容，推进基层政务公开标准化规范化建设。"])
    a, b = write(tmp_path, "old.txt", text_old), write(tmp_path, "new.txt", text_new)
    page = tmp_path / "diff.html"
    res = CliRunner().invoke(main, ["diff", str(a), str(b), "--html", str(page)])
    assert res.exit_code == 1, res.output
    raw = page.read_text(encoding="utf-8")
    assert "<script" not in raw and "http://" not in raw and "https://" not in raw and "<link" not in raw

    doc = lhtml.fromstring(dump_dom(page, tmp_path))
    ids = {e.get("id") for e in doc.iter() if e.get("id")}

    def classes(cid: str) -> set[str]:
        (el,) = doc.xpath(f'//*[@id="{cid}"]')
        return set((el.get("class") or "").split())

    d = diff_reports(report(old, text_old), report(new, text_new))
    changed = next(c for c in d.changed if not c.mapped)
    assert "changed" in classes(cell_id("old", changed.key)) and "changed" in classes(cell_id("new", changed.key))
    assert "fail" in classes(cell_id("new", "t3.carried_over.natural_person"))
    assert "fail" in classes(cell_id("old", "t3.carried_forward.natural_person"))
    # the 2019 side prints one （六）其他处理 row, the 2021 side three
    assert cell_id("old", "t3.other.total") in ids and cell_id("new", "t3.other_other.total") in ids
    assert cell_id("old", "t3.other_other.total") not in ids
    # every finding links to its cells, and every link target exists
    findings = doc.xpath('//li[contains(@class, "finding")]')
    t34 = [li for li in findings if "T3-4" in li.text_content()]
    assert t34 and all(li.get("id") for li in findings)
    targets = {a.get("href")[1:] for li in t34 for a in li.xpath(".//a")}
    assert cell_id("new", "t3.carried_over.natural_person") in targets
    hrefs = [a.get("href") for a in doc.xpath("//a[@href]")]
    assert hrefs and all(h.startswith("#") and h[1:] in ids for h in hrefs)
    # a failing cell links back to its finding
    (link,) = doc.xpath(f'//*[@id="{cell_id("new", "t3.carried_over.natural_person")}"]/a')
    assert link.get("href")[1:] in {li.get("id") for li in t34}
    # section-text changes: the inserted sentence is shown as an insertion
    ins = [e.text_content() for e in doc.xpath('//*[@id="text"]/following::ins')]
    assert any("基层政务公开标准化" in t for t in ins)
    assert doc.xpath('//*[@id="organ-match"]//span[contains(@class, "match-yes")]')


def test_word_level_sentence_diff() -> None:
    assert tokens("全年更新120余次，H5解读3.5%") == ["全", "年", "更", "新", "120", "余", "次", "，", "H", "5", "解", "读", "3.5%"]
    old, new = word_diff("全年更新栏目内容120余次。", "全年更新栏目内容135余次，新增专栏2个。")
    assert [t for changed, t in old if changed] == ["120"]
    assert [t for changed, t in new if changed] == ["135", "，新增专栏2个"]
    assert "".join(t for _, t in old) == "全年更新栏目内容120余次。"  # nothing lost
    pairs = pair_sentences(["三是强化监督保障，将政务公开纳入年度绩效考核。", "一句删去的话。"],
                           ["四是新增一项内容，推进基层政务公开标准化建设。", "三是强化监督保障，将政务公开纳入绩效考核。"])
    assert pairs == [(None, "四是新增一项内容，推进基层政务公开标准化建设。"),
                     ("三是强化监督保障，将政务公开纳入年度绩效考核。", "三是强化监督保障，将政务公开纳入绩效考核。"),
                     ("一句删去的话。", None)]
    page = lhtml.fromstring(sentence_change_html(SentenceChange(op="replace", old=["全年更新栏目内容120余次。"],
                                                                new=["全年更新栏目内容135余次。"])))
    assert [e.text for e in page.iter("del")] == ["120"] and [e.text for e in page.iter("ins")] == ["135"]


def test_html_findings_by_severity_and_long_cell_lists_collapsed() -> None:
    old, new = pair(seed=9)
    ro, rn = report(old), report(new)
    many = [f"t3.granted.{c}" for c in T3_COLS] + [f"t3.partial.{c}" for c in T3_COLS]
    rn = rn.model_copy(update={"findings": [
        Finding(code="X-INFO", severity=Severity.INFO, message="note"),
        Finding(code="X-WARN", severity=Severity.WARNING, message="warn", cells=many),
        Finding(code="X-ERR", severity=Severity.ERROR, message="err", cells=many[:3]),
    ]})
    doc = lhtml.fromstring(render_html(diff_reports(ro, rn), ro, rn))
    items = doc.xpath('//li[contains(@class, "finding")]')
    sev = [next(c for c in ("error", "warning", "info") if c in (li.get("class") or "")) for li in items]
    assert sev == sorted(sev, key=["error", "warning", "info"].index) and "error" in sev
    assert [li.get("id") for li in items] == [f"f-{i}" for i in range(1, len(items) + 1)]
    warn = next(li for li in items if "X-WARN" in li.text_content())
    (more,) = warn.xpath('.//details[@class="more"]')
    assert more.xpath("./summary")[0].text == f"+{len(many) - 6} more" and len(more.xpath(".//a")) == len(many) - 6
    err = next(li for li in items if "X-ERR" in li.text_content())
    assert not err.xpath(".//details") and len(err.xpath(".//a")) == 3


def test_html_renders_without_browser_for_missing_tables() -> None:
    old, new = pair(seed=9)
    ro, rn = report(old), report(new)
    rn = rn.model_copy(update={"table4": None})
    page = render_html(diff_reports(ro, rn), ro, rn)
    assert "table 4 not found" in page and 'class="only' not in page.split("table 4 not found")[1]


# --- public API and the real pair -------------------------------------------------------------------------


def test_public_names() -> None:
    for name in ("diff_reports", "ReportDiff", "match_organs", "OrganMatch"):
        assert name in extractor.__all__ and hasattr(extractor, name)


REAL_OLD = REAL / "2023-huaian-hongze-district-gov-pdf.pdf"
REAL_NEW = REAL / "2024-huaian-hongze-district-gov-pdf.pdf"


@pytest.mark.real
@pytest.mark.skipif(not (REAL_OLD.exists() and REAL_NEW.exists()), reason="needs ../shared/corpus/real (the 洪泽 pair)")
def test_real_hongze_pair(tmp_path: Path) -> None:
    ro, rn = extract_report(REAL_OLD), extract_report(REAL_NEW)
    d = diff_reports(ro, rn)
    assert (d.old.organ, d.new.organ) == ("洪泽区人民政府", "淮安市洪泽区人民政府")
    assert d.organ.matched and d.organ.how == "prefix" and "淮安市" in d.organ.explanation
    assert d.consecutive and (d.old.report_year, d.new.report_year) == (2023, 2024)
    t34 = [c for c in d.checks if c.code == "T3-4"]
    assert [c.subject for c in t34] == T3_COLS and all(c.status == "ok" for c in t34)
    assert {(c.subject, c.status) for c in d.checks if c.code == "T2-21-1"} == {("regulations", "ok"), ("normative_docs", "ok")}
    changes = {c.key: (c.old, c.new) for c in d.changed}
    truth_old = json.loads(REAL_OLD.with_suffix(".truth.json").read_text(encoding="utf-8"))["figures"]
    truth_new = json.loads(REAL_NEW.with_suffix(".truth.json").read_text(encoding="utf-8"))["figures"]
    expected = {k for k in truth_old.keys() & truth_new.keys() if truth_old[k] != truth_new[k]}
    assert set(changes) == expected
    assert changes["t2.licensing.decisions"] == (550, 9487)
    assert changes["t3.new_received.total"] == (21, 95)
    assert not d.only_old and not d.only_new and not d.failed
    assert {s.number for s in d.sections} == {1, 2, 3, 4, 5, 6}
    res = CliRunner().invoke(main, ["diff", str(REAL_OLD), str(REAL_NEW), "--html", str(tmp_path / "hz.html")])
    assert res.exit_code == 0 and "organ matched (prefix)" in res.output


def _t2_2019(year: int, values: dict[str, float]) -> Report:
    from extractor.diff.warehouse import build_report

    figures = [{"key": k, "value": v, "state": "number" if v else "zero", "raw": str(v), "unit": None, "inferred": False,
                "page": None, "table_index": 0, "row_index": None, "col_index": None, "line": None}
               for k, v in values.items()]
    return build_report({"sha256": f"x{year}", "organ": "平潭综合实验区", "report_year": year, "template": "2019"}, figures)


def test_table2_2019_continuity_t2_19_2_and_3() -> None:
    old = _t2_2019(2019, {"t2.regulations.new_made": 0, "t2.regulations.new_published": 0, "t2.regulations.total_published": 0,
                          "t2.normative_docs.total_published": 89, "t2.licensing.prior_year": 396, "t2.licensing.change": 4,
                          "t2.punishment.prior_year": 2648, "t2.punishment.change": 0})
    new = _t2_2019(2020, {"t2.regulations.new_made": 0, "t2.regulations.new_published": 0, "t2.regulations.total_published": 7,
                          "t2.normative_docs.new_published": 77, "t2.normative_docs.total_published": 166,
                          "t2.licensing.prior_year": 400, "t2.punishment.prior_year": 2600})
    assert old.table2 is not None and old.table2.template == "2019"
    d = diff_reports(old, new)
    status = {(c.code, c.subject): c.status for c in d.checks}
    assert status[("T2-19-2", "regulations")] == "failed" and status[("T2-19-2", "normative_docs")] == "ok"
    assert status[("T2-19-3", "licensing")] == "ok" and status[("T2-19-3", "punishment")] == "failed"
    assert status[("T2-19-3", "coercion")] == "skipped"
    assert {f.code for f in d.findings if f.severity.value == "warning"} >= {"T2-19-2", "T2-19-3"}
    assert not any(c.code == "T2-21-1" for c in d.checks) and not d.failed


PT19, PT20 = REAL / "2019-pingtan-html.html", REAL / "2020-pingtan-html.html"


@pytest.mark.real
@pytest.mark.skipif(not (PT19.exists() and PT20.exists()), reason="needs ../shared/corpus/real (平潭 2019/2020)")
def test_real_pingtan_2019_layout_pair() -> None:
    """format.md §12.3: 规范性文件 89 → 89 + 77 = 166 holds; 规章 0 → 7 with 0 new fails; T2-19-3 holds."""
    d = diff_reports(extract_report(PT19), extract_report(PT20))
    status = {(c.code, c.subject): c.status for c in d.checks}
    assert status[("T2-19-2", "normative_docs")] == "ok" and status[("T2-19-2", "regulations")] == "failed"
    assert all(status[("T2-19-3", s)] == "ok" for s in ("licensing", "other_services", "punishment", "coercion", "fees"))
    assert all(status[("T3-4", c)] == "ok" for c in T3_COLS)
