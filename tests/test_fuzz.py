"""Short fuzz pass (runs in CI): mutated real and generated inputs, and hostile structural cases,
through ``extractor.extract`` and ``extractor.readers.read_bytes`` for every reader. Each call
must return or raise the project's own :class:`~extractor.errors.OgiError`; nothing else may
escape, no call may run past its time budget (small budgets: ``gen.fuzz.FUZZ_SETTINGS``), and a
child process reading a hostile document must stay under ``gen.fuzz.MAX_RSS_MB`` of memory
(under an RLIMIT_AS, so a runaway allocation fails loudly instead of swapping).

The long run is ``python -m tests.fuzz_long --minutes 10`` (see its docstring); ``--slow`` here
runs the hypothesis profile ``slow`` (2000 mutations) and every structural case against every reader.
"""

from __future__ import annotations

import random
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from gen.fuzz import (
    CONVERTER_FORMATS,
    FORMATS,
    MAX_RSS_MB,
    Outcome,
    mutate,
    peak_rss_mb,
    reset_peak_rss,
    run,
    run_case_isolated,
    run_cases_isolated,
    seed_inputs,
    structural_cases,
)
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

SEEDS = seed_inputs(n_generated=3)
FAST_FORMATS = ("auto", *(f for f in FORMATS if f not in CONVERTER_FORMATS))


def _assert_contract(outcomes: list[Outcome], what: str) -> None:
    crashes = [f"{o.fmt}: {o.code}\n{o.detail}" for o in outcomes if o.kind == "crash"]
    assert not crashes, f"{what}: " + "\n".join(crashes)
    slow = [f"{o.fmt}: {o.elapsed:.1f} s" for o in outcomes if o.slow]
    assert not slow, f"{what}: over the time budget: {slow}"


@settings(suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.sampled_from(range(len(SEEDS))), st.integers(0, 2**32 - 1))
def test_mutated_inputs_through_every_reader(index: int, mutation_seed: int) -> None:
    name, data = SEEDS[index]
    mutated = mutate(name, data, random.Random(mutation_seed))
    _assert_contract([run(mutated, fmt, name=name) for fmt in FAST_FORMATS], f"{name} mutated with seed {mutation_seed}")


@pytest.mark.parametrize("fmt", CONVERTER_FORMATS)
def test_mutated_inputs_through_the_converter_readers(fmt: str) -> None:
    """``doc`` and ``rtf`` run LibreOffice/antiword per call (seconds): a handful of mutations,
    including a mutated real OLE2 .doc and bytes that are RTF only in name."""
    rng = random.Random(7)
    doc = next(data for name, data in SEEDS if name.endswith(".doc"))
    inputs = [mutate("x.doc", doc, rng), doc[: len(doc) // 2], b"{\\rtf1 " + rng.randbytes(3000), rng.choice(SEEDS)[1]]
    _assert_contract([run(data, fmt, name=f"fuzz.{fmt}") for data in inputs], fmt)


_FAST_CASES = (
    "html-deep-divs",
    "html-deep-tables",
    "html-huge-spans",
    "html-huge-cell",
    "html-invalid-utf8",
    "text-huge-cell",
    "text-million-pipes",
    "text-nul-bytes",
    "js-unterminated",
    "docx-billion-laughs",
    "docx-deep-tables",
    "docx-huge-spans",
    "pdf-kids-loop",
    "pdf-parent-loop",
    "pdf-ref-cycle",
    "pdf-broken-xref",
    "pdf-no-xref",
    "pdf-count-lies",
    "pdf-deep-arrays",
    "pdf-truncated",
    "pdf-form-bomb",
    "text-title-spaces",
    "text-split-utf8",
)
_BIG_CASES = (
    "html-100k-rows", "text-100k-rows", "docx-100k-rows", "docx-zip-bomb", "pdf-huge-content",
    "pdf-path-bomb", "pdf-text-bomb", "html-filler-siblings",
)


def _check_isolated(results: list[dict[str, object]]) -> None:
    problems = []
    for r in results:
        if "crash" in r:
            problems.append(f"{r['case']}: {r['crash']}")
            continue
        outcomes = [Outcome(**o) for o in r["outcomes"]]  # type: ignore[attr-defined]
        problems += [f"{r['case']} {o.fmt}: crash {o.code}\n{o.detail}" for o in outcomes if o.kind == "crash"]
        problems += [f"{r['case']} {o.fmt}: {o.elapsed:.1f} s over the budget" for o in outcomes if o.slow]
        if int(r["max_rss_mb"]) > MAX_RSS_MB:  # type: ignore[call-overload]
            problems.append(f"{r['case']}: peak RSS {r['max_rss_mb']} MB")
    assert not problems, "\n".join(problems)


def test_peak_rss_is_measured_per_document() -> None:
    """fuzz_long reported the peak RSS of a worker (the worst of thousands of inputs: 2,177 MB),
    which says nothing about one document; each call now carries its own peak."""
    if not reset_peak_rss():
        pytest.skip("the peak RSS cannot be reset here (/proc/self/clear_refs)")
    block = bytearray(400 << 20)
    block[:: 1 << 12] = b"x" * len(block[:: 1 << 12])  # touch every page: resident
    del block
    before = peak_rss_mb()
    o = run(b"2023 report\n| a | 1 |\n", "text")
    assert 0 < o.peak_mb < before - 300


def test_structural_cases_isolated() -> None:
    """Deep nesting, huge spans and cells, NUL bytes, bad encodings, billion laughs, looping and
    broken PDFs, 100k-row tables: in child processes under RLIMIT_AS, each read by ``extract`` and
    by its own reader (by every reader with --slow). The small cases share a child; the big ones
    get their own, so that each peak RSS is theirs."""
    groups = [list(_FAST_CASES), *([c] for c in _BIG_CASES)]

    def one(group: list[str]) -> list[dict[str, object]]:
        return run_cases_isolated(group, ("auto", "own"))

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [r for rs in pool.map(one, groups) for r in rs]
    assert {r["case"] for r in results} == {*_FAST_CASES, *_BIG_CASES}
    _check_isolated(results)


@pytest.mark.slow
def test_structural_cases_every_reader() -> None:
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda c: run_case_isolated(c, ("auto", *FORMATS)), list(structural_cases())))
    _check_isolated(results)


def test_crawler_against_hostile_servers(tmp_path: Path) -> None:
    """Issue 13, items 6–8 as a generator: sites on loopback whose pages come nested and bombed in
    gzip/deflate, dripped a byte at a time, cut short, with lying lengths and hostile titles.
    ``crawl`` must return in time with bounded memory and a manifest line for every URL it asked."""
    pytest.importorskip("httpx")
    from gen.hostile_server import crawl_round

    outcomes = [crawl_round(seed, tmp_path / f"c{seed}", time_limit=60) for seed in range(6)]
    bad = [f"seed {o.seed}: {o.detail}" for o in outcomes if not o.ok]
    assert not bad, "\n".join(bad)
    assert sum(o.requests for o in outcomes) >= 30
