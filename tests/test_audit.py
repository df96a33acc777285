"""ogi audit (issue 14): the A-… checks on warehouses built by `ogi batch` from generated reports, the
rubric and score, deadlines, the text rules, the CLI (table, JSON Lines, CSV, errors), the overview
page in headless Chromium (its charts, every organ's row, no request leaving the page), ogi panel
--charts, and the real corpus."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path
from typing import Any

import duckdb
import pytest
from browser import dom_and_requests, screenshot
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st
from lxml import etree
from lxml import html as lhtml
from reportgen import GeneratedReport, generate, next_year, render_html, render_pipe, with_prose

from extractor.audit import RUBRIC, WEIGHTS, AuditResult, CheckResult, audit_warehouse, run_audit, score
from extractor.audit.checks import fee_statement, rectification
from extractor.audit.deadlines import deadline_for, load_deadlines, organ_level, parse_rules
from extractor.audit.page import render_page
from extractor.batch import run_batch
from extractor.cli import main
from extractor.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
REAL = ROOT.parent / "shared" / "corpus" / "real"
REAL_LAYOUTS = ROOT.parent / "shared" / "corpus" / "real-layouts"
BOX = set("┃━┏┓┗┛│─┡┩╇╈┼")

PROSE = [
    "本年度，本机关坚持以公开为常态、不公开为例外，围绕中心工作扎实推进政务公开，全年主动公开政府信息356条。",
    "一是健全制度机制，修订完善政府信息公开审查办法，明确审查流程和责任分工，压实各科室公开责任。",
    "二是加强平台建设，优化政府门户网站信息公开专栏，全年更新栏目内容120余次，新增专题栏目4个。",
    "三是强化监督保障，将政务公开纳入年度绩效考核，开展业务培训3场，培训人员86人次。",
]
FRESH = [
    "本年度，本机关围绕优化营商环境，聚焦重点领域信息公开，推动政策文件集中公开和动态更新。",
    "针对企业关切，新设惠企政策专栏，发布政策解读材料，组织线上政策宣讲和现场答疑活动。",
    "完善依申请公开办理流程，实行台账管理和答复文书合法性审核，提升答复规范化水平。",
]
RECTIFY = ("（一）上年度问题整改情况。针对上年度报告指出的政策解读形式单一问题，本机关已全部整改到位，新增图解、视频解读12篇。"
           "（二）存在的主要问题。基层政务公开标准化规范化水平仍需提升。（三）改进措施。下一步将加强培训，持续改进。")
NO_RECTIFY = "政务公开工作仍存在公开内容不够全面等不足，下一步将加强培训，持续改进。"
FEES_NONE = "本年度未收取信息处理费。"


def document(rep: GeneratedReport, published: str | None, *, prose: list[str] | None = None, section5: str = NO_RECTIFY,
             section6: str = FEES_NONE, table4: bool = True) -> str:
    """A crawler-style text dump (the page's 发布时间 in the header) of a generated report."""
    text = render_pipe(rep)
    if prose:
        text = with_prose(text, prose)
    text = text.replace("工作仍有不足，将持续改进。", section5).replace("本年度未收取信息处理费。", section6)
    if not table4:
        head, sep, rest = text.partition("四、政府信息公开行政复议、行政诉讼情况\n")
        rest = rest[rest.index("五、存在的主要问题"):]
        text = head + sep + "本年度未发生政府信息公开行政复议、行政诉讼。\n" + rest
    header = f"标题: {rep.organ}{rep.year}年政府信息公开工作年度报告\n"
    if published:
        header += f"发布时间: {published} 09:30\n"
    return header + "==================== 正文 ====================\n" + text


def organ(seed: int, name: str, year: int, **kw: Any) -> GeneratedReport:
    rep = generate(seed, **kw)
    rep.organ, rep.year = name, year
    return rep


def break_carry_over(rep: GeneratedReport, col: str = "natural_person") -> None:
    """二、上年结转 one higher in ``col`` and 总计, decided applications (（一）予以公开) one higher too: the
    year stays consistent in itself, the carry-over from last year (T3-4) does not."""
    for c in (col, "total"):
        for row in ("carried_over", "granted", "results_total"):
            rep.figures[f"t3.{row}.{c}"] = int(rep.figures[f"t3.{row}.{c}"]) + 1


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, GeneratedReport]]:
    """Five organs, built by `ogi batch` into a DuckDB warehouse:

    * 示例县人民政府 (a county government: due 31 March) 2022–2024 — 2022 on time with section 5
      reporting last year's rectification, also published as an HTML page (a duplicate); 2023 late
      and a copy of 2022's text with the numbers changed; 2024 due on the day, fresh text, and the
      carry-over from 2023 broken (T3-4);
    * 样例市生态环境局 (a department: due 31 January) 2023 published 20 February (late), section 6 silent
      on fees;
    * 某某镇人民政府 (a township: due 31 January) 2023 published 20 January, table 4 not printed;
    * 测试县教育局 2023 with a broken identity (T3-3) and no publication date;
    * 样本区卫生健康委员会 2023, marked partial in the warehouse by hand (the extractor's own partial
      status is another change);
    plus an empty file (a failed document)."""
    tmp = tmp_path_factory.mktemp("audit")
    src = tmp / "in"
    src.mkdir()
    a22 = organ(11, "示例县人民政府", 2022)
    a23 = next_year(a22, 12)
    a24 = next_year(a23, 13)
    break_carry_over(a24)
    reps = {"a2022": a22, "a2023": a23, "a2024": a24, "b2023": organ(21, "样例市生态环境局", 2023),
            "c2023": organ(31, "某某镇人民政府", 2023), "d2023": organ(41, "测试县教育局", 2023, break_identity="T3-3"),
            "e2023": organ(51, "样本区卫生健康委员会", 2023)}
    docs = {
        "a2022.txt": document(a22, "2023-03-20", prose=PROSE, section5=RECTIFY),
        "a2023.txt": document(a23, "2024-04-08", prose=[p.replace("356", "402").replace("120", "135") for p in PROSE],
                              section5=RECTIFY),
        "a2024.txt": document(a24, "2025-03-31", prose=FRESH),
        "b2023.txt": document(reps["b2023"], "2024-02-20", prose=FRESH, section6="无。"),
        "c2023.txt": document(reps["c2023"], "2024-01-20", table4=False),
        "d2023.txt": document(reps["d2023"], None),
        "e2023.txt": document(reps["e2023"], "2024-01-10"),
    }
    for name, text in docs.items():
        (src / name).write_text(text, encoding="utf-8")
    page = render_html(a22).replace("工作仍有不足，将持续改进。", RECTIFY)  # the same report as a page, without a date
    page = page.replace("<p>二、主动公开政府信息情况</p>", "".join(f"<p>{x}</p>" for x in PROSE) + "<p>二、主动公开政府信息情况</p>")
    (src / "a2022-page.html").write_text(page, encoding="utf-8")
    (src / "empty.txt").write_bytes(b"")
    db = tmp / "reports.duckdb"
    res = CliRunner().invoke(main, ["batch", str(src), "--out", str(db), "--workers", "1", "-q"])
    assert res.exit_code == 0, res.output
    con = duckdb.connect(str(db))
    try:
        con.execute("UPDATE reports SET status = 'partial' WHERE organ = '样本区卫生健康委员会'")
    finally:
        con.close()
    return db, reps


@pytest.fixture(scope="module")
def audited(built: tuple[Path, dict[str, GeneratedReport]]) -> dict[str, AuditResult]:
    db, _ = built
    results = audit_warehouse(db)
    return {r.report_key or f"failed:{r.sha256[:8]}": r for r in results}


def status(r: AuditResult, code: str) -> str:
    c = r.check(code)
    assert c is not None, code
    return c.status


# --- the checks ----------------------------------------------------------------------------------------------


def test_one_result_per_canonical_report_duplicates_set_aside(built: tuple[Path, Any],
                                                             audited: dict[str, AuditResult]) -> None:
    db, _ = built
    audit = run_audit(db)
    assert audit.duplicates == 1  # the 2022 HTML page and its text dump: one report
    keys = [r.report_key for r in audit.results]
    assert sorted(k for k in keys if k) == sorted({
        "示例县人民政府:2022", "示例县人民政府:2023", "示例县人民政府:2024", "样例市生态环境局:2023",
        "某某镇人民政府:2023", "测试县教育局:2023", "样本区卫生健康委员会:2023"})
    assert keys.count(None) == 1  # the empty file
    for r in audit.results:
        assert [c.code for c in r.checks] == [s.code for s in RUBRIC]
        assert all(c.detail for c in r.checks)


def test_timely(audited: dict[str, AuditResult]) -> None:
    on_time = audited["示例县人民政府:2022"].check("A-TIMELY")  # the page (canonical) has no date, its text dump has
    assert on_time is not None and on_time.status == "pass" and "2023-03-31" in on_time.detail
    assert "of the duplicate" in on_time.detail and audited["示例县人民政府:2022"].published is not None
    late = audited["示例县人民政府:2023"].check("A-TIMELY")
    assert late is not None and late.status == "fail" and "8 days after 2024-03-31" in late.detail
    assert status(audited["示例县人民政府:2024"], "A-TIMELY") == "pass"  # on the day itself
    dept = audited["样例市生态环境局:2023"].check("A-TIMELY")  # a department: 31 January
    assert dept is not None and dept.status == "fail" and "2024-01-31" in dept.detail
    assert status(audited["某某镇人民政府:2023"], "A-TIMELY") == "pass"  # a township: 31 January, published the 20th
    assert status(audited["测试县教育局:2023"], "A-TIMELY") == "unknown"  # no date anywhere


def test_rectify(audited: dict[str, AuditResult]) -> None:
    done = audited["示例县人民政府:2022"].check("A-RECTIFY")
    assert done is not None and done.status == "pass" and "上年度" in done.detail and done.cells == ["section.5"]
    for key in ("示例县人民政府:2024", "样例市生态环境局:2023", "某某镇人民政府:2023"):
        c = audited[key].check("A-RECTIFY")
        assert c is not None and c.status == "fail" and "last year's problems" in c.detail, key


def test_copy_and_continuity(audited: dict[str, AuditResult]) -> None:
    first = audited["示例县人民政府:2022"]
    assert status(first, "A-COPY") == status(first, "A-CONTINUITY") == "na"  # no 2021 report
    copied = audited["示例县人民政府:2023"].check("A-COPY")
    assert copied is not None and copied.status == "fail" and "against 2022" in copied.detail
    assert status(audited["示例县人民政府:2023"], "A-CONTINUITY") == "pass"
    fresh = audited["示例县人民政府:2024"]
    assert status(fresh, "A-COPY") == "pass"
    broken = fresh.check("A-CONTINUITY")
    assert broken is not None and broken.status == "fail" and "T3-4[natural_person]" in broken.detail
    assert "new:t3.carried_over.natural_person" in broken.cells and "old:t3.carried_forward.natural_person" in broken.cells
    assert status(audited["样例市生态环境局:2023"], "A-COPY") == "na"


def test_tables_consistent_fees_sections(audited: dict[str, AuditResult]) -> None:
    no_t4 = audited["某某镇人民政府:2023"].check("A-TABLES")
    assert no_t4 is not None and no_t4.status == "fail" and "table 4 not found" in no_t4.detail
    assert "t4.review.total" in no_t4.cells
    partial = audited["样本区卫生健康委员会:2023"].check("A-TABLES")
    assert partial is not None and partial.status == "fail" and "partial" in partial.detail
    assert status(audited["示例县人民政府:2022"], "A-TABLES") == "pass"
    bad = audited["测试县教育局:2023"].check("A-CONSISTENT")
    assert bad is not None and bad.status == "fail" and "T3-3" in bad.detail and bad.cells
    assert status(audited["示例县人民政府:2022"], "A-CONSISTENT") == "pass"
    silent = audited["样例市生态环境局:2023"].check("A-FEES")
    assert silent is not None and silent.status == "fail" and "信息处理费" in silent.detail
    assert status(audited["示例县人民政府:2022"], "A-FEES") == "pass"
    assert status(audited["示例县人民政府:2022"], "A-SECTIONS") == "pass"


def test_narrative(audited: dict[str, AuditResult]) -> None:
    # the generated text states no application total: nothing to compare
    assert status(audited["示例县人民政府:2022"], "A-NARRATIVE") == "unknown"


def test_failed_document(audited: dict[str, AuditResult]) -> None:
    (failed,) = [r for k, r in audited.items() if k.startswith("failed:")]
    assert failed.status == "failed" and failed.score is None and failed.possible == 0
    assert {c.status for c in failed.checks} == {"unknown"} and "empty_input" in failed.checks[0].detail


def test_scores_follow_the_rubric(audited: dict[str, AuditResult]) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    documented = dict(re.findall(r"^\| `(A-[A-Z]+)` \| (\d+) \|", readme, re.M))
    assert {k: int(v) for k, v in documented.items()} == WEIGHTS  # the README's rubric is the code's
    assert sum(WEIGHTS.values()) == 100
    for r in audited.values():
        passed = sum(int(documented[c.code]) for c in r.checks if c.status == "pass")
        decided = sum(int(documented[c.code]) for c in r.checks if c.status in ("pass", "fail"))
        assert (r.points, r.possible) == (passed, decided)
        assert r.score == (round(100 * passed / decided) if decided else None)
    # the late copy: TIMELY (20) and COPY (10) fail, NARRATIVE is unknown; everything else passes
    late = audited["示例县人民政府:2023"]
    assert {c.code for c in late.checks if c.status == "fail"} == {"A-TIMELY", "A-COPY"}
    assert (late.points, late.possible, late.score) == (65, 95, 68)


STATUSES = st.sampled_from(["pass", "fail", "unknown", "na"])


@given(st.lists(STATUSES, min_size=len(RUBRIC), max_size=len(RUBRIC)), st.integers(0, len(RUBRIC) - 1))
def test_score_properties(statuses: list[str], flip: int) -> None:
    checks = [CheckResult(code=s.code, status=st_, detail="x") for s, st_ in zip(RUBRIC, statuses, strict=True)]  # type: ignore[arg-type]
    sc, points, possible = score(checks)
    assert (sc is None) == (possible == 0)
    assert sc is None or 0 <= sc <= 100
    # n/a and unknown neither earn nor cost
    dropped = [c for c in checks if c.status in ("pass", "fail")]
    assert score(dropped) == (sc, points, possible)
    # passing a failed check never lowers the score
    if checks[flip].status == "fail":
        better = [c.model_copy(update={"status": "pass"}) if i == flip else c for i, c in enumerate(checks)]
        new = score(better)[0]
        assert new is not None and sc is not None and new >= sc
    assert score([CheckResult(code=s.code, status="pass") for s in RUBRIC])[0] == 100
    assert score([CheckResult(code=s.code, status="fail") for s in RUBRIC])[0] == 0


# --- text rules and deadlines -----------------------------------------------------------------------------------


@pytest.mark.parametrize("text", [
    "（一）上年度问题整改情况。针对上年度报告中指出的问题，我局已逐项整改。",
    "2022年度存在问题整改情况：政策解读形式单一的问题已通过图解方式解决。",
    "针对去年存在的政策解读形式单一问题，今年我们通过图解、视频等方式加以改进。",
    "对照上一年度报告提出的不足，已全部整改到位。",
])
def test_rectification_found(text: str) -> None:
    assert rectification(text, 2023) is not None


@pytest.mark.parametrize("text", [
    "五、存在的主要问题及改进情况",  # the template heading's own words
    "及改进情况\n主要是政策解读形式单一。下一步，我局将加强培训，持续改进。",
    "（二）改进措施。2024年将进一步丰富政策解读形式，对问题多、整改不力的单位进行问责。",
    "二、上年结转政府信息公开申请数量 | 2 | 0 |",
])
def test_rectification_not_found(text: str) -> None:
    assert rectification(text, 2023) is None


def test_fee_statements() -> None:
    for text in ("2022年，无收取信息处理费情况。", "本机关依申请提供政府信息，不收取费用。", "全年收取政府信息公开信息处理费0元。",
                 "2023年度政府信息公开未发生收费情况。"):
        assert fee_statement(text) is not None, text
    for text in ("无。", "行政事业性收费 | 0 |", "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0"):
        assert fee_statement(text) is None, text


def test_deadlines() -> None:
    assert organ_level("衡山县贯塘乡人民政府")[0] == "other"
    assert organ_level("淮安市人民政府")[0] == organ_level("洪泽区政府")[0] == organ_level("三明市")[0] == "government"
    assert organ_level("平潭综合实验区")[0] == "government" and organ_level("平潭综合实验区财政金融局")[0] == "other"
    assert organ_level("样本区人民政府办公室")[0] == "other" and organ_level("某某街道办事处")[0] == "other"
    assert deadline_for("莆田市水利局", None, 2018).due.isoformat() == "2019-03-31"  # before the 2019 regulation
    assert deadline_for("莆田市水利局", None, 2019).due.isoformat() == "2020-01-31"
    assert deadline_for("莆田市人民政府", None, 2019).due.isoformat() == "2020-03-31"
    rules = parse_rules({"deadlines": [{"organ": "*水利局", "deadline": "02-15", "years": "2020-"},
                                       {"organ": "*局", "deadline": "2021-06-30"}]})
    assert deadline_for("莆田市水利局", None, 2021, rules).due.isoformat() == "2022-02-15"
    assert deadline_for("莆田市水利局", None, 2019, rules).due.isoformat() == "2021-06-30"  # second rule
    assert deadline_for("莆田市人民政府", None, 2019, rules).due.isoformat() == "2020-03-31"  # no rule matches
    assert parse_rules({"deadlines": {"*局": "03-31"}})[0].deadline == "03-31"  # the short form


@pytest.mark.parametrize("body, why", [
    ('{"deadlines": [{"organ": "*局"}]}', "needs organ"),
    ('{"deadlines": [{"organ": "*局", "deadline": "13-40"}]}', "rule 1"),
    ('{"deadlines": [{"organ": "*局", "deadline": "01-31", "years": "soon"}]}', "years"),
    ('{"deadlines": [{"organ": "*局", "deadline": "01-31", "when": 1}]}', "unknown field"),
    ("{not json", "not valid JSON"),
])
def test_bad_deadline_files(tmp_path: Path, body: str, why: str) -> None:
    p = tmp_path / "d.json"
    p.write_text(body, encoding="utf-8")
    with pytest.raises(ConfigError, match=why):
        load_deadlines(p)


# --- the CLI ---------------------------------------------------------------------------------------------------


def test_cli_formats(built: tuple[Path, Any], audited: dict[str, AuditResult]) -> None:
    db, _ = built
    runner = CliRunner()
    res = runner.invoke(main, ["audit", str(db), "--format", "json"])
    assert res.exit_code == 0, res.output
    lines = [json.loads(x) for x in res.stdout.splitlines()]
    assert len(lines) == len(audited) and all(len(x["checks"]) == len(RUBRIC) for x in lines)
    one = next(x for x in lines if x["report_key"] == "示例县人民政府:2023")
    assert set(one) >= {"report_key", "organ", "year", "paths", "published", "score", "checks"}
    assert one["published"] == "2024-04-08" and one["score"] == audited["示例县人民政府:2023"].score
    assert "1 duplicate document set aside" in res.stderr
    rows = list(csv.DictReader(io.StringIO(runner.invoke(main, ["audit", str(db), "--format", "csv", "-q"]).stdout)))
    assert len(rows) == len(audited) * len(RUBRIC)
    timely = next(r for r in rows if r["report_key"] == "示例县人民政府:2023" and r["code"] == "A-TIMELY")
    assert timely["check_status"] == "fail" and json.loads(timely["cells"]) == ["meta.published"]
    table = runner.invoke(main, ["audit", str(db)])
    assert table.exit_code == 0 and not BOX & set(table.stdout)  # plain text in a pipe
    assert table.stdout.splitlines()[0].split()[:5] == ["organ", "year", "status", "published", "score"]
    assert "TIMELY" in table.stdout and "✗" in table.stdout and "ogi audit: 8 reports" in table.stderr
    assert all(line == line.rstrip() for line in table.stdout.splitlines())
    quiet = runner.invoke(main, ["audit", str(db), "-q"])
    assert quiet.stderr == "" and quiet.stdout == table.stdout
    helptext = runner.invoke(main, ["audit", "--help"]).output
    for spec in RUBRIC:
        assert re.search(rf"{spec.code}\s+{spec.weight}\s", helptext), spec.code


def test_cli_deadlines_and_errors(built: tuple[Path, Any], tmp_path: Path) -> None:
    db, _ = built
    runner = CliRunner()
    rules = tmp_path / "deadlines.toml"
    rules.write_text('[[deadlines]]\norgan = "*生态环境局"\ndeadline = "03-31"\n', encoding="utf-8")
    res = runner.invoke(main, ["audit", str(db), "--format", "json", "--deadlines", str(rules), "-q"])
    b = next(json.loads(x) for x in res.stdout.splitlines() if "生态环境局" in x)
    timely = next(c for c in b["checks"] if c["code"] == "A-TIMELY")
    assert timely["status"] == "pass" and "deadlines file" in timely["detail"]
    bad = tmp_path / "bad.toml"
    bad.write_text("[[deadlines]]\norgan = 3\n", encoding="utf-8")
    res = runner.invoke(main, ["audit", str(db), "--deadlines", str(bad)])
    assert res.exit_code == 2 and res.stderr.startswith(f"ogi: {bad}: bad_config: ") and res.stderr.count("\n") == 1
    res = runner.invoke(main, ["audit", str(tmp_path / "none.duckdb")])
    assert res.exit_code == 2 and "no_warehouse" in res.stderr and res.stderr.count("\n") == 1


def test_sections_not_stored(built: tuple[Path, Any], tmp_path: Path) -> None:
    """A warehouse migrated from schema 1.x has no section texts: the text checks say unknown, and why."""
    db, _ = built
    copy = tmp_path / "migrated.duckdb"
    copy.write_bytes(db.read_bytes())
    con = duckdb.connect(str(copy))
    try:
        con.execute("UPDATE reports SET n_sections = NULL")
        con.execute("DELETE FROM sections")
    finally:
        con.close()
    audit = run_audit(copy)
    r = next(x for x in audit.results if x.report_key == "示例县人民政府:2022")
    for code in ("A-SECTIONS", "A-RECTIFY", "A-FEES", "A-COPY"):
        c = r.check(code)
        assert c is not None and c.status in ("unknown", "na") and (c.status == "na" or "re-extract" in c.detail), code
    assert status(r, "A-TIMELY") == "pass"
    assert any("without stored section texts" in n for n in audit.notes)


# --- pictures ---------------------------------------------------------------------------------------------------


def test_page_in_browser(built: tuple[Path, Any], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib", reason="the charts extra: pip install 'ogi-extractor[charts]'")
    db, _ = built
    page = tmp_path / "audit.html"
    res = CliRunner().invoke(main, ["audit", str(db), "--html", str(page), "-q"])
    assert res.exit_code == 0, res.output
    raw = page.read_text(encoding="utf-8")
    for bad in ("<script", "<link", "<img", "<iframe", "@import", "url(http", "src="):
        assert bad not in raw, bad
    assert not re.search(r"(?:href|src)\s*=\s*[\"']https?:", raw)
    dom, requests = dom_and_requests(page, tmp_path)
    assert [u for u in requests if not u.startswith(("file:", "data:"))] == []  # nothing left the page
    doc = lhtml.fromstring(dom)
    audit = run_audit(db)
    organs = {r.organ_key for r in audit.results if r.organ_key}
    assert {tr.get("data-organ") for tr in doc.xpath('//table[@class="coverage"]//tr[@data-organ]')} == organs
    report_rows = doc.xpath('//table[@class="reports"]//tr[@data-sha256]')
    assert {tr.get("data-sha256") for tr in report_rows} == {r.sha256 for r in audit.results}
    trends = doc.xpath('//figure[contains(@class, "trend")]')
    assert [f.get("data-organ") for f in trends] == ["示例县人民政府"]  # the only organ with two or more years
    charts = doc.xpath('//*[local-name()="svg" and contains(@class, "chart")]')
    assert len(charts) == 3  # score distribution, checks, one trend
    assert all(c.xpath('.//*[local-name()="path" or local-name()="rect" or local-name()="use"]') for c in charts)
    assert len({c.get("id") for c in charts}) == len(charts)
    # the coverage cell of the 2023 report links to its row, coloured by its status
    cells = doc.xpath('//tr[@data-organ="示例县人民政府"]/td[a]')
    assert len(cells) == 3 and all(c.xpath("./a")[0].get("href")[1:] in {r.get("id") for r in report_rows} for c in cells)
    shot = screenshot(page, tmp_path, tmp_path / "audit.png")
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one


def test_page_without_the_charts_extra(built: tuple[Path, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    from extractor.audit import charts

    db, _ = built
    monkeypatch.setattr(charts, "available", lambda: False)
    html = render_page(run_audit(db))
    assert "<svg" not in html and 'class="nochart"' in html and "ogi-extractor[charts]" in html
    assert html.count('data-organ="示例县人民政府"') >= 2  # still the coverage and the report rows


def test_panel_charts_and_diff_trend(built: tuple[Path, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pytest.importorskip("matplotlib", reason="the charts extra: pip install 'ogi-extractor[charts]'")
    db, _ = built
    runner = CliRunner()
    folder = tmp_path / "charts"
    res = runner.invoke(main, ["panel", str(db), "-o", str(tmp_path / "p.csv"), "--charts", str(folder)])
    assert res.exit_code in (0, 1), res.output  # 1: the broken carry-over is an error-level cross-year check
    files = sorted(folder.glob("*.svg"))
    assert [f.name for f in files] == ["示例县人民政府.svg"] and "1 trend chart" in res.stderr
    svg = etree.parse(str(files[0])).getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg" and "2022–2024" in svg.get("aria-label", "")
    page = tmp_path / "diff.html"
    res = runner.invoke(main, ["diff", str(db), "示例县人民政府:2023", "示例县人民政府:2024", "--html", str(page)])
    html = page.read_text(encoding="utf-8")
    assert 'id="trend"' in html and 'id="diff-trend"' in html
    from extractor.audit import charts

    monkeypatch.setattr(charts, "available", lambda: False)
    res = runner.invoke(main, ["panel", str(db), "-o", str(tmp_path / "p.csv"), "--charts", str(tmp_path / "x")])
    assert res.exit_code == 2 and "missing_extra" in res.stderr and "ogi-extractor[charts]" in res.stderr


def test_charts_are_deterministic(built: tuple[Path, Any]) -> None:
    pytest.importorskip("matplotlib", reason="the charts extra")
    db, _ = built
    first, second = render_page(run_audit(db)), render_page(run_audit(db))
    assert first == second


# --- the real corpus -------------------------------------------------------------------------------------------


@pytest.mark.real
def test_real_corpus(tmp_path: Path) -> None:
    if not REAL.exists():
        pytest.skip("../shared/corpus/real not present")
    db = tmp_path / "real.duckdb"
    run_batch([REAL, REAL_LAYOUTS], db, workers=2)
    audit = run_audit(db)
    con = duckdb.connect(str(db), read_only=True)
    try:
        canonical = con.execute("SELECT count(*) FROM canonical_reports").fetchone()
    finally:
        con.close()
    assert canonical is not None and len(audit.results) == canonical[0] and audit.duplicates >= 1
    for r in audit.results:
        fees = r.check("A-FEES")
        assert fees is not None
        assert "事业性收费" not in fees.detail  # a table row is never taken for a fee statement
        if r.published is not None and r.year is not None and r.status != "failed":
            assert status(r, "A-TIMELY") in ("pass", "fail")
    assert any(status(r, "A-CONTINUITY") == "pass" for r in audit.results)
    html = render_page(audit)
    for key in {r.organ_key for r in audit.results if r.organ_key}:
        assert f'data-organ="{key}"' in html


def test_old_warehouse_refused_then_migrated(tmp_path: Path) -> None:
    from test_writers import _v1_database

    from extractor.batch import extract_record

    seed = (ROOT / "corpus" / "guantang-2024.txt").read_bytes()
    db = tmp_path / "old.duckdb"
    _v1_database(db, [extract_record(seed, name="a.txt")])
    runner = CliRunner()
    res = runner.invoke(main, ["audit", str(db)])
    assert res.exit_code == 2 and "old_warehouse" in res.stderr and "ogi migrate" in res.stderr
    assert res.stderr.count("\n") == 1
    assert runner.invoke(main, ["migrate", str(db), "-q"]).exit_code == 0
    res = runner.invoke(main, ["audit", str(db), "--format", "json"])
    assert res.exit_code == 0 and "without stored section texts" in res.stderr
    (r,) = [json.loads(x) for x in res.stdout.splitlines()]
    by = {c["code"]: c for c in r["checks"]}
    assert by["A-RECTIFY"]["status"] == "unknown" and "re-extract" in by["A-RECTIFY"]["detail"]
    assert by["A-TIMELY"]["status"] == "pass"  # 2025-01-20, a township: due 31 January
