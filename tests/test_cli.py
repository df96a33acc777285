"""The CLI is thin: JSON/flat/CSV output, '-' for stdin, one-line errors with exit code 2."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from reportgen import generate, render_pipe

from extractor.cli import main


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_extract_flat_matches_truth(runner: CliRunner, seed_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(seed_path), "--flat"])
    assert res.exit_code == 0
    truth = json.loads(seed_path.with_name("guantang-2024.truth.json").read_text(encoding="utf-8"))
    assert json.loads(res.output) == {"source": str(seed_path), "figures": truth["figures"]}


def test_extract_json_record(runner: CliRunner, seed_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(seed_path)])
    assert res.exit_code == 0
    record = json.loads(res.output)
    assert record["meta"]["report_year"] == 2024
    assert record["table3"]["granted"]["total"]["state"] == "zero"
    assert record["meta"]["reader"] == "text"


def test_several_files_give_json_lines(runner: CliRunner, seed_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(seed_path), str(seed_path), "--format", "flat"])
    lines = res.output.strip().splitlines()
    assert len(lines) == 2
    assert all(json.loads(x)["figures"]["t3.new_received.total"] == 0 for x in lines)


def test_csv_has_one_row_per_figure(runner: CliRunner, seed_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(seed_path), "--format", "csv"])
    rows = list(csv.DictReader(io.StringIO(res.output)))
    assert len(rows) == 200
    assert {r["state"] for r in rows} == {"zero"}
    assert all(r["line"] for r in rows)


def test_stdin(runner: CliRunner) -> None:
    rep = generate(7)
    res = runner.invoke(main, ["extract", "-", "--flat"], input=render_pipe(rep).encode())
    assert res.exit_code == 0
    flat = json.loads(res.output)["figures"]
    assert flat["t3.results_total.total"] == rep.figures["t3.results_total.total"]


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "empty_input"),
        (b"\x00\x01\x02\x03binary\xff\xfe" * 100, "unsupported_format"),
        ("本站新闻：今天天气很好，市领导调研了农业生产工作。".encode(), "not_a_report"),
    ],
)
def test_bad_input_is_one_line_exit_2(runner: CliRunner, tmp_path: Path, content: bytes, code: str) -> None:
    f = tmp_path / "x.txt"
    f.write_bytes(content)
    res = runner.invoke(main, ["extract", str(f)])
    assert res.exit_code == 2
    err = res.stderr.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(f"ogi: {f}: {code}: ")
    assert "Traceback" not in res.output + res.stderr


def test_missing_file(runner: CliRunner) -> None:
    res = runner.invoke(main, ["extract", "/no/such/file.txt"])
    assert res.exit_code == 2 and "read_error" in res.stderr


def test_too_large(runner: CliRunner, seed_path: Path) -> None:
    res = runner.invoke(main, ["extract", str(seed_path), "--max-bytes", "100"])
    assert res.exit_code == 2 and "too_large" in res.stderr


def test_one_bad_file_does_not_lose_the_others(runner: CliRunner, tmp_path: Path, seed_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    res = runner.invoke(main, ["extract", str(bad), str(seed_path), "--flat"])
    assert res.exit_code == 2
    assert json.loads(res.stdout.strip())["figures"]["t3.new_received.total"] == 0


def test_check_exit_codes(runner: CliRunner, tmp_path: Path, seed_path: Path) -> None:
    assert runner.invoke(main, ["check", str(seed_path)]).exit_code == 0
    rep = generate(11, break_identity="T4-1")
    f = tmp_path / "broken.txt"
    f.write_text(render_pipe(rep), encoding="utf-8")
    res = runner.invoke(main, ["check", str(f)])
    assert res.exit_code == 1
    assert "T4-1" in res.output and "t4.review.total" in res.output
    assert "— findings: 200 figures, 1 finding\n" in res.output


def test_schema_command(runner: CliRunner) -> None:
    res = runner.invoke(main, ["schema"])
    schema = json.loads(res.output)
    assert schema["title"] == "Report"
    assert "Figure" in schema["$defs"]
