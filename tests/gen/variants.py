"""Layout variants of one rendering, drawn independently of the report's figures (format.md §8–§9).

A :class:`Variant` fixes how labels are spelled and laid out: bracket widths (（一） / (一)), quote
styles around 三安全一稳定, ``1.`` / ``1、`` / ``1．`` enumerators, header words split by a space or a
line break (商业 企业 / 商业企\\n业), characters spaced out (总 计), the 洪泽 typo
其他法律行政止公开, and per-format choices (HTML flavour and encoding, blank markup, markdown style,
PDF route and page breaks). Line breaks only reach formats that can hold them inside a cell.
"""

from __future__ import annotations

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    seed: int
    brackets: str = "full"
    """``full`` （一） or ``half`` (一)."""
    quotes: str = "curly"
    """``curly`` “” or ``straight`` ""."""
    enum: str = "."
    """Enumerator after the sub-row number: ``.``, ``、`` or ``．``."""
    header_split: str = "none"
    """``none``, ``space`` (商业 企业) or ``newline`` (商业企\\n业; a space in text formats)."""
    spaced: bool = False
    """Spaced-out characters in some labels and headers (总 计, 三 、本 年 度办 理 结果)."""
    typo: bool = False
    """``2.其他法律行政止公开`` (missing 法规禁)."""
    wrap_long_labels: bool = False
    """Long labels broken over two lines inside their cell (HTML/DOCX/PDF)."""
    t2_one_table: bool = True
    """Table 2 as one table of four/five blocks, or one table per block."""
    note: bool = True
    """Table 3 prints the 勾稽 note in its corner cell."""
    html_flavour: str = "clean"
    """``clean``, ``word`` (mso styles, <o:p>, spans splitting labels) or ``cms`` (inside page chrome)."""
    encoding: str = "utf-8"
    """``utf-8`` (declared), ``utf-8-nometa``, ``gbk`` (declared gb2312) or ``gbk-nometa``."""
    blank_markup: str = "&nbsp;"
    """How an HTML blank cell is written: ``""``, ``&nbsp;`` or ``<p>&nbsp;</p>``."""
    md_style: str = "ragged"
    """Markdown: ``ragged`` (origin cells, padded) or ``repeat`` (dense grid, spanned labels repeated)."""
    docx_runs: bool = False
    """DOCX: split cell text into several runs (as Word does)."""
    pdf_via: str = "html"
    """PDF rendered by LibreOffice from ``html`` or ``docx``."""
    pdf_big: bool = False
    """Large cell padding / font so that table 3 breaks across pages."""

    def bracket(self, inner: str) -> str:
        return f"（{inner}）" if self.brackets == "full" else f"({inner})"

    def quote(self, inner: str) -> str:
        return f"“{inner}”" if self.quotes == "curly" else f'"{inner}"'

    def num(self, n: int) -> str:
        return f"{n}{self.enum}"


def draw_variant(vseed: int) -> Variant:
    rng = random.Random(vseed * 7919 + 17)
    return Variant(
        seed=vseed,
        brackets=rng.choice(("full", "full", "half")),
        quotes=rng.choice(("curly", "curly", "straight")),
        enum=rng.choice((".", ".", "、", "．")),
        header_split=rng.choice(("none", "space", "newline")),
        spaced=rng.random() < 0.3,
        typo=rng.random() < 0.2,
        wrap_long_labels=rng.random() < 0.3,
        t2_one_table=rng.random() < 0.7,
        note=rng.random() < 0.9,
        html_flavour=rng.choice(("clean", "word", "cms")),
        encoding=rng.choice(("utf-8", "utf-8", "utf-8-nometa", "gbk", "gbk-nometa")),
        blank_markup=rng.choice(("", "&nbsp;", "<p>&nbsp;</p>")),
        md_style=rng.choice(("ragged", "repeat")),
        docx_runs=rng.random() < 0.5,
        pdf_via=rng.choice(("html", "docx")),
        pdf_big=rng.random() < 0.4,
    )


def spaced_out(text: str, rng: random.Random) -> str:
    """Insert spaces between some characters (PDF text of S4/S5: ``三 、本 年 度办 理 结果``)."""
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i < len(text) - 1 and rng.random() < 0.5:
            out.append(" ")
    return "".join(out)
