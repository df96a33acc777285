"""The aligner's gate: a "no" from :func:`may_hold` must be a proof that the label stream of the text
holds none of the words, since the pipeline then skips the aligner."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from reportgen import generate, render_pipe

from extractor import extract
from extractor.locate.align import tokenize
from extractor.locate.align.gate import T2_WORDS, T3_WORDS, T4_WORDS, may_hold, may_open_table

_WORDS = T2_WORDS + T3_WORDS + T4_WORDS
# what may stand between a word's characters: digits, signs, units, placeholders, whitespace,
# full-width spellings, label text, page furniture (page numbers, a repeated running header)
_GAPS = [*"0123456789０３", *" \n\n\t\u3000\xa0\u200b", *"增减元万亿/—–-无空", *"，．－（）.、年页报告度x",
         "— 3 —", "第2页", "2024年度报告标题", "\n2024年度报告标题\n", "1.", "(1)", "3.5", "\n.\n", "3万元", "增 3", "1,000"]
_gap = st.lists(st.sampled_from(_GAPS), max_size=4).map("".join)


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """A word of the gate cut by random gaps, amid random text."""
    word = draw(st.sampled_from(_WORDS))
    parts = [draw(_gap)]
    for ch in word:
        parts += [ch, draw(_gap)]
    return "".join(parts)


@settings(max_examples=1500, deadline=None)
@given(_texts())
def test_no_means_not_in_label_stream(text: str) -> None:
    labels = tokenize(text).labels
    for words in (T2_WORDS, T3_WORDS, T4_WORDS):
        if not may_hold(text, words):
            assert not any(w in labels for w in words), (text, labels)
    if not may_open_table(text):
        from extractor.locate.align.anchors import find_regions

        assert find_regions(labels) == find_regions(""), (text, labels)


def test_spellings_that_still_open_a_region() -> None:
    for text in ("第 二 十\n条", "第二 3 十条", "本年\n新收", "申请人\u3000情况", "勾１稽"):
        assert may_hold(text, _WORDS), text
    # a prefix of the word ending its line: the next lines may be page furniture
    assert may_hold("依据第二\n2024年度报告\n十条", T2_WORDS)
    assert not may_hold("本年度共收到申请", T3_WORDS)
    assert not may_hold("依据《条例》第十二条", T2_WORDS)


def test_skipping_the_aligner_changes_nothing(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """Grid tables plus prose: the report is the same whether the aligner runs or not."""
    import extractor.pipeline as pipeline

    report = generate(seed=7)
    text = render_pipe(report)
    doc = pipeline.read_document(text.encode(), name="r.txt")
    assert not pipeline._text_may_add(pipeline.locate_grid_rows(doc), "\n".join(p.text for p in doc.paragraphs))
    first = extract(text.encode(), name="r.txt").raise_for_error()
    monkeypatch.setattr(pipeline, "_text_may_add", lambda grid, para: True)
    again = extract(text.encode(), name="r.txt").raise_for_error()
    assert first.model_dump(mode="json") == again.model_dump(mode="json")



def test_a_document_that_opens_no_table_region_skips_the_flattened_pass(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """A markdown table with prose and no table words (a list of sources): the flattened pass is not
    run, and running it changes nothing."""
    import extractor.pipeline as pipeline
    from extractor.locate.align import rows

    text = ("# 2023年度政府信息公开工作年度报告 来源\n\n下表列出各报告的来源。\n\n"
            "| 年份 | 机关 | 链接 |\n|---|---|---|\n| 2023 | 某某局 | http://example.gov.cn/1 |\n| 2022 | 某某局 | 12 34 |\n")
    calls: list[int] = []
    real = rows.locate_text_rows
    monkeypatch.setattr(rows, "locate_text_rows", lambda paras: calls.append(len(paras)) or real(paras))
    first = extract(text.encode(), name="sources.md")
    assert calls == []
    monkeypatch.setattr(pipeline, "may_open_table", lambda text: True)
    again = extract(text.encode(), name="sources.md")
    assert len(calls) == 2  # the paragraphs, then the flattened document
    assert (first.status, first.error and first.error.code) == (again.status, again.error and again.error.code)
    assert (first.report and first.report.model_dump(mode="json")) == (again.report and again.report.model_dump(mode="json"))


def test_table3_bound_is_the_aligners() -> None:
    """The gate's bound: the aligner names each table-3 row of its print order at most once, and
    drops （六）其他处理 when its sub-rows are found."""
    import extractor.pipeline as pipeline
    from extractor.locate.align.anchors import T3_PRINT_ORDER

    assert len(set(T3_PRINT_ORDER)) - 1 == pipeline._T3_TEXT_MAX_KEYS
