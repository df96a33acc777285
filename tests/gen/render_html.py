"""HTML renderings: clean tables, Word-exported HTML, a CMS article page; UTF-8 or GBK bytes.

* ``clean``: ``<table border=1>`` with rowspan/colspan as in the template.
* ``word``: what Word's "save as web page" writes: ``xmlns:o`` and mso styles, every cell a
  ``<p class=MsoNormal>`` with ``<span>`` runs that split labels at arbitrary characters, ``<o:p>``
  elements, source line wraps between CJK characters, ``<![if …]>`` conditionals.
* ``cms``: the article inside page chrome: navigation full of links (with other reports' titles),
  an info card (索引号, 发布机构, 发布时间), share bar and footer.

Blank cells are written as the variant says (empty, ``&nbsp;``, ``<p>&nbsp;</p>``). ``gbk``
encodings write GBK bytes, with a ``gb2312`` meta label or without any declaration.
"""

from __future__ import annotations

import dataclasses
import html
import random

from .layout import LCell, LTable, document
from .model import GenReport
from .variants import Variant

FONT = "Noto Sans CJK SC"


def _is_cjk(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


def _esc(text: str) -> str:
    return "<br>".join(html.escape(part, quote=False) for part in text.split("\n"))


class _Cells:
    def __init__(self, v: Variant, *, style: str = "") -> None:
        self.v = v
        self.rng = random.Random(v.seed * 13 + 5)
        self.style = style

    def content(self, cell: LCell) -> str:
        if not cell.text.strip():
            return self.v.blank_markup
        return _esc(cell.text)

    def td(self, cell: LCell) -> str:
        attrs = (f' rowspan="{cell.rs}"' if cell.rs > 1 else "") + (f' colspan="{cell.cs}"' if cell.cs > 1 else "")
        style = f' style="{self.style}"' if self.style else ""
        return f"<td{attrs}{style}>{self.content(cell)}</td>"


class _WordCells(_Cells):
    """Word export: <p class=MsoNormal><span …>pie</span><span …>ces</span><o:p></o:p></p>."""

    def _runs(self, text: str) -> str:
        pieces: list[str] = []
        rest = text
        while rest:
            k = self.rng.randint(1, max(1, len(rest)))
            piece, rest = rest[:k], rest[k:]
            if len(piece) > 3 and self.rng.random() < 0.3:  # the exporter's source line wrap
                j = self.rng.randint(1, len(piece) - 1)
                if _is_cjk(piece[j - 1]) and _is_cjk(piece[j]):  # elsewhere a newline is a space
                    piece = piece[:j] + "\r\n" + piece[j:]
            font = self.rng.choice(("宋体", "仿宋_GB2312", "Times New Roman"))
            pieces.append(
                f"<span lang=EN-US style='font-size:10.5pt;font-family:{font};mso-bidi-font-family:宋体'>"
                f"{html.escape(piece, quote=False)}</span>"
            )
        return "".join(pieces)

    def content(self, cell: LCell) -> str:
        if not cell.text.strip():
            return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
        lines = "<br>".join(self._runs(part) for part in cell.text.split("\n"))
        return f"<p class=MsoNormal align=center style='text-align:center;mso-line-height-rule:exactly'>{lines}<o:p></o:p></p>"

    def td(self, cell: LCell) -> str:
        attrs = (f" rowspan={cell.rs}" if cell.rs > 1 else "") + (f" colspan={cell.cs}" if cell.cs > 1 else "")
        width = self.rng.choice((38, 57, 72, 113))
        return (
            f"<td width={width}{attrs} valign=top style='width:{width / 1.33:.1f}pt;border:solid windowtext 1.0pt;"
            f"mso-border-alt:solid windowtext .5pt;padding:0cm 5.4pt 0cm 5.4pt'>\n{self.content(cell)}\n</td>"
        )


def _table(t: LTable, cells: _Cells, attrs: str) -> str:
    rows = ["<tr>" + "".join(cells.td(c) for _, c in row) + "</tr>" for row in t.rows]
    return f"<table {attrs}>\n" + "\n".join(rows) + "\n</table>"


def _body(rep: GenReport, v: Variant, *, style: str = "", pad: int = 3) -> str:
    word = v.html_flavour == "word"
    runs = _WordCells(v)
    cells: _Cells = runs if word else _Cells(v, style=style)
    table_attrs = (
        "class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 style='border-collapse:collapse;mso-table-layout-alt:fixed'"
        if word
        else f'border="1" cellspacing="0" cellpadding="{pad}" width="100%"'
    )
    p_style = f' style="{style}"' if style else ""
    out: list[str] = []
    for b in document(rep, v):
        if isinstance(b, LTable):
            out.append(_table(b, cells, table_attrs))
        elif word:
            cls = "MsoTitle" if b.kind == "title" else "MsoNormal"
            out.append(f"<p class={cls} style='text-indent:32.0pt;mso-char-indent-count:2.0'>{runs._runs(b.text)}<o:p></o:p></p>")
        elif b.kind == "title":
            out.append(f"<h1{p_style}>{html.escape(b.text)}</h1>")
        else:
            out.append(f"<p{p_style}>{html.escape(b.text)}</p>")
    return "\n".join(out)


def _page(rep: GenReport, v: Variant, body: str, charset: str | None) -> str:
    meta = f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">' if charset else ""
    if v.html_flavour == "word":
        return (
            '<html xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office" '
            'xmlns:w="urn:schemas-microsoft-com:office:word" xmlns="http://www.w3.org/TR/REC-html40">\n'
            f"<head>{meta}<meta name=ProgId content=Word.Document><meta name=Generator content=\"Microsoft Word 15\">"
            "<!--[if gte mso 9]><xml><o:DocumentProperties><o:Author>admin</o:Author></o:DocumentProperties></xml><![endif]-->"
            "<style><!-- p.MsoNormal {mso-style-parent:\"\"; margin:0cm; font-size:10.5pt;} "
            "@page WordSection1 {size:595.3pt 841.9pt;} div.WordSection1 {page:WordSection1;} --></style></head>\n"
            f"<body lang=ZH-CN style='tab-interval:21.0pt;text-justify-trim:punctuation'>\n<div class=WordSection1>\n{body}\n"
            "<![if !supportMisalignedColumns]><![endif]>\n</div>\n</body></html>\n"
        )
    if v.html_flavour == "cms":
        rng = random.Random(v.seed + 99)
        links = "".join(
            f"<li><a href='/zwgk/zfxxgknb/{y}/t{y}0120_{i}.htm'>{rep.organ}{y}年政府信息公开工作年度报告</a></li>"
            for i, y in enumerate(range(rep.year - 6, rep.year))
        )
        nav = "".join(f"<li><a href='/col{i}/'>栏目{i}</a></li>" for i in range(12))
        card = (
            f"<div class='xxgk-info'><table><tr><td>索引号：</td><td>{rng.randint(10**9, 10**10)}/{rep.year + 1}-{rng.randint(10, 999):05d}</td>"
            f"<td>发布机构：</td><td>{rep.organ}</td></tr><tr><td>发布时间：</td><td>{rep.published.isoformat()}</td>"
            "<td>分类：</td><td>政府信息公开年报</td></tr></table></div>"
        )
        return (
            f"<!DOCTYPE html>\n<html><head>{meta}<title>{html.escape(rep.title)}_{rep.organ}</title>"
            "<script>var _hmt = _hmt || []; document.write('<div>统计</div>');</script>"
            "<style>.nav li{float:left}</style></head>\n<body>\n"
            f"<div class='header'><div class='nav'><ul>{nav}</ul></div></div>\n"
            f"<div class='position'>当前位置：<a href='/'>首页</a> &gt; <a href='/zwgk/'>政务公开</a> &gt; 年度报告</div>\n"
            f"<div class='main'>{card}<div class='article'><div class='article-title'>{html.escape(rep.title)}</div>"
            f"<div class='TRS_Editor'>\n{body}\n</div></div>"
            f"<div class='bdshare'><a href='#'>分享到微信</a><a href='#'>微博</a></div>"
            f"<div class='related'><h3>相关链接</h3><ul>{links}</ul></div></div>\n"
            "<div class='footer'>主办单位：某某市人民政府办公室 版权所有 网站标识码1234567890 ICP备12345678号</div>\n"
            "</body></html>\n"
        )
    return f"<!DOCTYPE html>\n<html><head>{meta}<title>{html.escape(rep.title)}</title></head>\n<body>\n{body}\n</body></html>\n"


def render_html(rep: GenReport, v: Variant, *, style: str = "", pad: int = 3) -> bytes:
    """The page as bytes in the variant's encoding."""
    enc = v.encoding
    charset = {"utf-8": "utf-8", "gbk": "gb2312"}.get(enc)
    page = _page(rep, v, _body(rep, v, style=style, pad=pad), charset)
    if enc.startswith("gbk"):
        return page.encode("gbk")
    return page.encode("utf-8")


def render_html_for_pdf(rep: GenReport, v: Variant) -> str:
    """Clean HTML with one CJK font throughout, for LibreOffice (big variant: large cell padding)."""
    font_pt = 11 if v.pdf_big else 10.5
    style = f"font-family:'{FONT}';font-size:{font_pt}pt"
    clean = dataclasses.replace(v, html_flavour="clean", encoding="utf-8")
    return render_html(rep, clean, style=style, pad=7 if v.pdf_big else 3).decode("utf-8")
