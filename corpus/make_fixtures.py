"""Render the reader test fixtures under ``tests/fixtures/`` from a generated 2021-template report.

The report is written here as HTML with known figures (table 2, table 3 with its 3-row header and
rowspans, table 4, the six sections), then LibreOffice renders it::

    report2021.html           the generated source
    report2021.figures.json   its figures under the project's flat keys (format of *.truth.json)
    report2021.docx / .doc / .pdf
    report2021-big.pdf        large cell padding: table 3 breaks across pages
    scanned.pdf               page 1 of report2021.pdf as an image only (no text layer)
    report2021-annex.xls      the tables of report2021.docx as an Excel 97 workbook, one sheet each,
                              merges kept (needs ``pip install xlwt``; skipped without it)
    encrypted.pdf             report2021.pdf with a user password (qpdf)

Needs ``soffice`` (libreoffice-writer), a CJK font (fonts-noto-cjk) and ``qpdf``. Run from the
repository root: ``python corpus/make_fixtures.py``. The outputs are committed; tests never call this.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import subprocess
import tempfile
from pathlib import Path

FONT = "Noto Sans CJK SC"
"""One font for everything keeps the embedded subsets (and the committed PDFs) small."""
T3_COLS = ["natural_person", "commercial", "research", "social_org", "legal_service", "other_org"]

# (row key, label column 1, label column 2, label column 3); "" where a merged label covers it
T3_ROWS: list[tuple[str, str]] = [
    ("new_received", "一、本年新收政府信息公开申请数量"),
    ("carried_over", "二、上年结转政府信息公开申请数量"),
    ("granted", "（一）予以公开"),
    ("partial", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld_state_secret", "1.属于国家秘密"),
    ("withheld_law_forbidden", "2.其他法律行政法规禁止公开"),
    ("withheld_three_safety", "3.危及“三安全一稳定”"),
    ("withheld_third_party", "4.保护第三方合法权益"),
    ("withheld_internal", "5.属于三类内部事务信息"),
    ("withheld_process", "6.属于四类过程性信息"),
    ("withheld_case_file", "7.属于行政执法案卷"),
    ("withheld_inquiry", "8.属于行政查询事项"),
    ("unable_not_held", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "3.补正后申请内容仍不明确"),
    ("rejected_petition", "1.信访举报投诉类申请"),
    ("rejected_duplicate", "2.重复申请"),
    ("rejected_publication", "3.要求提供公开出版物"),
    ("rejected_excessive", "4.无正当理由大量反复申请"),
    ("rejected_confirm", "5.要求行政机关确认或重新出具已获取信息"),
    ("other_no_correction", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_no_fee", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "3.其他"),
    ("results_total", "（七）总计"),
    ("carried_forward", "四、结转下年度继续办理"),
]
GROUPS = {  # first row key of a group -> (label, rowspan)
    "withheld_state_secret": ("（三）不予公开", 8),
    "unable_not_held": ("（四）无法提供", 3),
    "rejected_petition": ("（五）不予处理", 5),
    "other_no_correction": ("（六）其他处理", 3),
}
T4_GROUPS = ["review", "lit_direct", "lit_after_review"]
T4_COLS = ["upheld", "corrected", "other", "pending", "total"]


def figures() -> dict[str, float]:
    """The report's figures under flat keys; all table-3 and table-4 identities hold."""
    detail: dict[str, list[int]] = {
        "granted": [71, 6, 2, 1, 3, 2],
        "partial": [18, 2, 0, 0, 1, 1],
        "withheld_state_secret": [1, 0, 0, 0, 0, 0],
        "withheld_law_forbidden": [2, 0, 0, 0, 0, 0],
        "withheld_three_safety": [0, 0, 0, 0, 0, 0],
        "withheld_third_party": [3, 1, 0, 0, 0, 0],
        "withheld_internal": [2, 0, 0, 0, 0, 0],
        "withheld_process": [4, 0, 0, 0, 0, 0],
        "withheld_case_file": [1, 0, 0, 0, 0, 0],
        "withheld_inquiry": [5, 0, 0, 0, 0, 0],
        "unable_not_held": [15, 2, 1, 1, 1, 1],
        "unable_needs_creation": [3, 0, 0, 0, 0, 0],
        "unable_unclear": [2, 0, 0, 0, 0, 0],
        "rejected_petition": [4, 1, 0, 0, 0, 0],
        "rejected_duplicate": [3, 0, 0, 0, 0, 1],
        "rejected_publication": [1, 0, 0, 0, 0, 0],
        "rejected_excessive": [0, 0, 0, 0, 0, 0],
        "rejected_confirm": [1, 0, 0, 0, 0, 0],
        "other_no_correction": [2, 0, 0, 0, 0, 0],
        "other_no_fee": [0, 0, 0, 0, 0, 0],
    }
    new = [137, 12, 3, 2, 5, 4]
    carried = [9, 1, 0, 0, 0, 1]
    forward = [6, 1, 0, 0, 0, 0]
    results = [n + c - f for n, c, f in zip(new, carried, forward, strict=True)]
    detail["other_other"] = [r - sum(v[i] for v in detail.values()) for i, r in enumerate(results)]
    assert all(v >= 0 for v in detail["other_other"]), detail["other_other"]
    rows = {
        "new_received": new,
        "carried_over": carried,
        **detail,
        "results_total": results,
        "carried_forward": forward,
    }
    out: dict[str, float] = {
        "t2.regulations.issued": 2,
        "t2.regulations.repealed": 0,
        "t2.regulations.in_force": 15,
        "t2.normative_docs.issued": 9,
        "t2.normative_docs.repealed": 3,
        "t2.normative_docs.in_force": 88,
        "t2.licensing.decisions": 1520,
        "t2.punishment.decisions": 342,
        "t2.coercion.decisions": 27,
        "t2.fees.amount": 12.35,
    }
    for key, _label in T3_ROWS:
        values = rows[key]
        for col, v in zip(T3_COLS, values, strict=True):
            out[f"t3.{key}.{col}"] = v
        out[f"t3.{key}.total"] = sum(values)
    t4 = {"review": [5, 2, 1, 1], "lit_direct": [2, 1, 0, 1], "lit_after_review": [1, 0, 0, 1]}
    for group, values in t4.items():
        for col, v in zip(T4_COLS, [*values, sum(values)], strict=True):
            out[f"t4.{group}.{col}"] = v
    return out


def _num(v: float) -> str:
    return f"{v:g}"


def report_html(fig: dict[str, float], *, pad: int = 3, font_pt: int = 12) -> str:
    style = f"font-family:'{FONT}';font-size:{font_pt}pt"
    td = f'td style="{style}"'
    t2 = [
        '<table border="1" cellspacing="0" cellpadding="{pad}" width="100%">',
        f'<tr><{td} colspan="4">第二十条第（一）项</td></tr>',
        f"<tr><{td}>信息内容</td><{td}>本年制发件数</td><{td}>本年废止件数</td><{td}>现行有效件数</td></tr>",
    ]
    for key, label in (("regulations", "规章"), ("normative_docs", "行政规范性文件")):
        cells = "".join(f"<{td}>{_num(fig[f't2.{key}.{c}'])}</td>" for c in ("issued", "repealed", "in_force"))
        t2.append(f"<tr><{td}>{label}</td>{cells}</tr>")
    blocks = [
        ("第二十条第（五）项", "本年处理决定数量", [("licensing", "行政许可", "decisions")]),
        (
            "第二十条第（六）项",
            "本年处理决定数量",
            [("punishment", "行政处罚", "decisions"), ("coercion", "行政强制", "decisions")],
        ),
        ("第二十条第（八）项", "本年收费金额（单位：万元）", [("fees", "行政事业性收费", "amount")]),
    ]
    for title, header, items in blocks:
        t2.append(f'<tr><{td} colspan="4">{title}</td></tr>')
        t2.append(f'<tr><{td}>信息内容</td><{td} colspan="3">{header}</td></tr>')
        for key, label, col in items:
            t2.append(f'<tr><{td}>{label}</td><{td} colspan="3">{_num(fig[f"t2.{key}.{col}"])}</td></tr>')
    t2.append("</table>")

    t3 = [
        '<table border="1" cellspacing="0" cellpadding="{pad}" width="100%">',
        f'<tr><{td} colspan="3" rowspan="3" width="40%">（本列数据的勾稽关系为：第一项加第二项之和，'
        f'等于第三项加第四项之和）</td><{td} colspan="7">申请人情况</td></tr>',
        f'<tr><{td} rowspan="2">自然人</td><{td} colspan="5">法人或其他组织</td><{td} rowspan="2">总计</td></tr>',
        "<tr>"
        + "".join(f"<{td}>{h}</td>" for h in ("商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"))
        + "</tr>",
    ]
    for key, label in T3_ROWS:
        nums = "".join(f"<{td}>{_num(fig[f't3.{key}.{c}'])}</td>" for c in [*T3_COLS, "total"])
        if key in ("new_received", "carried_over", "carried_forward"):
            lead = f'<{td} colspan="3">{label}</td>'
        elif key == "granted":
            lead = f'<{td} rowspan="22" width="4%">三、本年度办理结果</td><{td} colspan="2">{label}</td>'
        elif key in ("partial", "results_total"):
            lead = f'<{td} colspan="2">{label}</td>'
        elif key in GROUPS:
            group, span = GROUPS[key]
            lead = f'<{td} rowspan="{span}" width="8%">{group}</td><{td}>{label}</td>'
        else:
            lead = f"<{td}>{label}</td>"
        t3.append(f"<tr>{lead}{nums}</tr>")
    t3.append("</table>")

    heads = "".join(f'<{td} rowspan="2">{h}</td>' for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
    sub = "".join(f"<{td}>{h}</td>" for h in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2)
    nums4 = "".join(f"<{td}>{_num(fig[f't4.{g}.{c}'])}</td>" for g in T4_GROUPS for c in T4_COLS)
    t4 = [
        '<table border="1" cellspacing="0" cellpadding="2" width="100%">',
        f'<tr><{td} colspan="5">行政复议</td><{td} colspan="10">行政诉讼</td></tr>',
        f'<tr>{heads}<{td} colspan="5">未经复议直接起诉</td><{td} colspan="5">复议后起诉</td></tr>',
        f"<tr>{sub}</tr>",
        f"<tr>{nums4}</tr>",
        "</table>",
    ]
    p = f'p style="{style}"'
    h1 = f'p align="center" style="font-family:\'{FONT}\';font-size:{font_pt + 8}pt"'
    h2 = f"p style=\"font-family:'{FONT}';font-size:{font_pt + 3}pt\""
    body = f"""<{h1}>示例市人民政府<br>2023年政府信息公开工作年度报告</p>
<{p}>本报告由示例市人民政府办公室根据《中华人民共和国政府信息公开条例》（国令第711号）要求编制。报告中所列数据统计期限自2023年1月1日起至2023年12月31日止。</p>
<{h2}>一、总体情况</p>
<{p}>（一）主动公开情况。全年在政府门户网站主动公开政府信息1136条。</p>
<{p}>（二）依申请公开情况。全年新收政府信息公开申请{_num(fig["t3.new_received.total"])}件，均在法定期限内答复。</p>
<{p}>（三）政府信息管理情况。严格执行信息发布审核制度。</p>
<{p}>（四）政府信息公开平台建设情况。持续优化政府网站栏目。</p>
<{p}>（五）政府信息公开监督保障情况。开展政务公开业务培训2次。</p>
<{h2}>二、主动公开政府信息情况</p>
{"".join(t2)}
<{h2}>三、收到和处理政府信息公开申请情况</p>
{"".join(t3)}
<{h2}>四、政府信息公开行政复议、行政诉讼情况</p>
{"".join(t4)}
<{h2}>五、存在的主要问题及改进情况</p>
<{p}>政府信息公开工作仍存在一些不足，下一步将持续改进。</p>
<{h2}>六、其他需要报告的事项</p>
<{p}>全年收取政府信息公开信息处理费0元。</p>
"""
    return (
        '<!DOCTYPE html>\n<html><head><meta charset="utf-8">'
        "<title>示例市人民政府2023年政府信息公开工作年度报告</title></head>\n"
        f"<body>\n{body.replace('{pad}', str(pad))}</body></html>\n"
    )


def soffice(src: Path, fmt: str, out_dir: Path, *, infilter: str | None = None) -> Path:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        raise SystemExit("soffice not found: apt-get install libreoffice-writer-nogui fonts-noto-cjk")
    with tempfile.TemporaryDirectory() as profile, tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, f"-env:UserInstallation=file://{profile}", "--headless"]
        if infilter:
            cmd.append(f"--infilter={infilter}")
        cmd += ["--convert-to", fmt, "--outdir", tmp, str(src)]
        subprocess.run(cmd, check=True, capture_output=True, timeout=180)
        produced = list(Path(tmp).iterdir())
        if len(produced) != 1:
            raise SystemExit(f"soffice produced {produced} for {src} -> {fmt}")
        target = out_dir / (src.stem + produced[0].suffix)
        shutil.move(str(produced[0]), target)
        return target


def scanned_pdf(pdf_path: Path, out: Path) -> None:
    """Page 1 rendered to a bitmap and saved as an image-only PDF."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf_path))
    image = doc[0].render(scale=0.6).to_pil().convert("L")
    buf = io.BytesIO()
    image.save(buf, format="PDF", resolution=43)
    out.write_bytes(buf.getvalue())


def annex_xls(docx_path: Path, out: Path) -> None:
    """The DOCX's tables as an .xls workbook (a spreadsheet annex), one sheet per table."""
    try:
        import xlwt
    except ImportError:
        print("xlwt not installed: report2021-annex.xls not written (pip install xlwt)")
        return
    from extractor.pipeline import read_document

    book = xlwt.Workbook(encoding="utf-8")
    for i, table in enumerate(read_document(docx_path).tables, 1):
        sheet = book.add_sheet(f"表{i}")
        for c in table.cells:
            value: str | float = c.text
            try:
                value = float(c.text)
                value = int(value) if value.is_integer() else value
            except ValueError:
                pass
            if c.row_span > 1 or c.col_span > 1:
                sheet.write_merge(c.row, c.row + c.row_span - 1, c.col, c.col + c.col_span - 1, value)
            else:
                sheet.write(c.row, c.col, value)
    book.save(str(out))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "tests" / "fixtures")
    args = ap.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    fig = figures()
    (out / "report2021.figures.json").write_text(
        json.dumps({"template": "2021", "report_year": 2023, "figures": fig}, ensure_ascii=False, indent=1) + "\n",
        encoding="utf-8",
    )
    html = out / "report2021.html"
    html.write_text(report_html(fig), encoding="utf-8")
    writer_html = "HTML (StarWriter)"
    soffice(html, "pdf:writer_pdf_Export", out, infilter=writer_html)
    soffice(html, "docx:MS Word 2007 XML", out, infilter=writer_html)
    soffice(html, "doc:MS Word 97", out, infilter=writer_html)
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "report2021-big.html"
        big.write_text(report_html(fig, pad=8, font_pt=12), encoding="utf-8")
        soffice(big, "pdf:writer_pdf_Export", out, infilter=writer_html)
    scanned_pdf(out / "report2021.pdf", out / "scanned.pdf")
    annex_xls(out / "report2021.docx", out / "report2021-annex.xls")
    qpdf = shutil.which("qpdf")
    if qpdf:
        subprocess.run(
            [
                qpdf,
                "--encrypt",
                "secret",
                "owner",
                "256",
                "--",
                str(out / "report2021.pdf"),
                str(out / "encrypted.pdf"),
            ],
            check=True,
        )
    else:
        print("qpdf not found: encrypted.pdf not written (apt-get install qpdf)")
    for f in sorted(out.iterdir()):
        print(f"{f.stat().st_size:>8}  {f}")


if __name__ == "__main__":
    main()
