"""``ogi crawl`` against a realistic local site served on 127.0.0.1 by a real HTTP server.

The site is a county portal: a root page, a GBK 信息公开 page, a 政府信息公开年报 column over three
list pages (plain 下一页/尾页 links), a 部门年报 column over three pages drawn only by a
``createPageHTML`` JavaScript pager (GBK), report pages in HTML and as PDF/DOC/DOCX attachments, a
robots.txt that forbids ``/private/``, a slow page, a page that hangs past the timeout, a 500 that
recovers, a redirect loop, an off-site link, a notice and a news page that mention a report.
No test contacts any host but 127.0.0.1.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import duckdb
import httpx
import pytest
from click.testing import CliRunner
from reportgen import generate, render_html

from extractor.batch import apply_sidecar, sidecar_meta
from extractor.cli import main
from extractor.crawl import CrawlConfig, CrawlProgress, Entry, Manifest, crawl
from extractor.crawl.classify import is_report_title, maybe_report_title
from extractor.crawl.links import js_pager_pages, parse_links
from extractor.crawl.policy import RateLimiter, Robots, Scope, gov_site_domain
from extractor.crawl.store import REPORTS

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PDF = (FIXTURES / "report2021.pdf").read_bytes()
PDF2 = (FIXTURES / "report2021-big.pdf").read_bytes()
DOC = (FIXTURES / "report2021.doc").read_bytes()
DOCX = (FIXTURES / "report2021.docx").read_bytes()
XLSX = b"PK\x03\x04" + b"annex table (xlsx stand-in)" * 8

# ---------------------------------------------------------------------------------------------
# the server


@dataclass
class Route:
    body: bytes = b""
    ctype: str = "text/html; charset=utf-8"
    status: int = 200
    delay: float = 0.0
    fail_times: int = 0
    location: str | None = None


@dataclass
class Hit:
    t: float
    path: str
    host: str
    conditional: bool
    status: int
    agent: str


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    port: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def add(self, path: str, body: bytes | str, **kw: Any) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(body=data, **kw)

    def paths(self, status: int | None = None, since: int = 0) -> list[str]:
        with self.lock:
            return [h.path for h in self.hits[since:] if status is None or h.status == status]


def serve(site: Site) -> Iterator[Site]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:
            pass

        def do_GET(self) -> None:
            route = site.routes.get(self.path.split("#")[0])
            status = 404 if route is None else route.status
            conditional = bool(self.headers.get("If-None-Match") or self.headers.get("If-Modified-Since"))
            etag = None
            if route is not None:
                etag = '"' + hashlib.sha1(route.body).hexdigest()[:16] + '"'
                if route.fail_times > 0:
                    route.fail_times -= 1
                    status = 500
                elif route.location:
                    status = 302
                elif self.headers.get("If-None-Match") == etag:
                    status = 304
            with site.lock:
                site.hits.append(Hit(time.monotonic(), self.path, self.headers.get("Host", ""), conditional, status,
                                     self.headers.get("User-Agent", "")))
            if route is not None and route.delay:
                time.sleep(route.delay)
            try:
                self.send_response(status)
                if status == 302 and route is not None:
                    self.send_header("Location", route.location or "/")
                body = route.body if route is not None and status == 200 else b"error" if status >= 400 else b""
                if route is not None and status in (200, 304):
                    self.send_header("ETag", etag or "")
                    self.send_header("Last-Modified", "Mon, 20 Jan 2025 01:00:00 GMT")
                self.send_header("Content-Type", route.ctype if route is not None else "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:
                pass  # the client gave up (timeout test)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    site.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


class LoopbackOnly(httpx.HTTPTransport):
    """Refuses any request that is not for 127.0.0.1 (a crawler bug must not reach the internet)."""

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1", f"tried to contact {request.url.host}"
        return super().handle_request(request)


# ---------------------------------------------------------------------------------------------
# the portal

ORG = "某某县人民政府"


def report_page(title: str, seed: int, *, date: str, index_no: str, publisher: str = ORG, charset: str = "utf-8",
                attachments: tuple[tuple[str, str], ...] = (), holds: bool = True) -> bytes:
    """A CMS article page: info card, the report (generated tables) or only attachment links."""
    article = ""
    if holds:
        rep = generate(seed)
        year = int(title.split("年")[0][-4:])
        rep.organ, rep.year = title.split(str(year))[0], year
        inner = render_html(rep, chrome=False)
        article = inner[inner.index("<body>") + 6 : inner.index("</body>")]
    else:
        article = "<div class='article'><p>详见附件。</p></div>"
    files = "".join(f"<p>附件：<a href='{href}'>{name}</a></p>" for href, name in attachments)
    page = (
        f"<!DOCTYPE html><html><head><meta http-equiv='Content-Type' content='text/html; charset={charset}'>"
        f"<title>{title}_{ORG}</title><meta name='ArticleTitle' content='{title}'></head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/xxgk/'>政府信息公开</a></div>"
        f"<table class='info'><tr><td>索引号：</td><td>{index_no}</td><td>发布机构：</td><td>{publisher}</td></tr>"
        f"<tr><td>发布日期：</td><td>{date}</td><td>分类：</td><td>政府信息公开年报</td></tr></table>"
        f"{article}{files}<div class='footer'>主办单位：某某县人民政府办公室</div></body></html>"
    )
    return page.encode("gbk" if charset != "utf-8" else "utf-8")


def list_page(title: str, items: list[tuple[str, str, str]], pager: str = "", charset: str = "utf-8") -> bytes:
    lis = "".join(f"<li><a href='{href}' target='_blank'>{text}</a><span class='date'>{date}</span></li>"
                  for href, text, date in items)
    page = (
        f"<!DOCTYPE html><html><head><meta charset='{charset}'><title>{title}_{ORG}</title></head><body>"
        f"<div class='nav'><a href='/'>首页</a> <a href='/xxgk/'>政府信息公开</a></div>"
        f"<div class='position'>当前位置：首页 &gt; {title}</div><ul class='list'>{lis}</ul>"
        f"<div class='pagination'>{pager}</div></body></html>"
    )
    return page.encode("gbk" if charset != "utf-8" else "utf-8")


ZHE = "喆城县教育局"  # 喆 is in GBK but not in GB2312: the page is labelled gb2312 anyway
T2024 = f"{ORG}2024年政府信息公开工作年度报告"
T2023 = f"{ORG}2023年政府信息公开工作年度报告"
NB = "/xxgk/zfxxgknb/"
BM = "/xxgk/bmnb/"

EXPECTED = {  # URL path → what is stored in reports/
    NB + "202501/t20250120_101.html": "page",
    NB + "202401/P020240118.pdf": "attachment",
    NB + "202401/P020240118_fb.xlsx": "attachment",
    NB + "202301/P020230110.doc": "attachment",
    NB + "2021nb.pdf": "document",
    NB + "201901/t20190110_5.html": "page",
    NB + "201701/t20170115_2.html": "page",
    BM + "202501/t20250110_201.html": "page",
    BM + "202402/P020240201.docx": "attachment",
    BM + "202303/t20230301_203.html": "page",
    "/uploads/2024/nb2023.pdf": "attachment",  # the same bytes as P020240118.pdf, linked from another list
}
NEVER = [  # never requested: robots, notices, off-site
    "/private/2020nb.html", NB + "202312/t20231205_90.html", "/offsite.html", "/offsite/zfxxgknb/", "/xwdt/",
    "/xwdt/202401/t20240111_2.html",
]


def build(site: Site, *, faults: bool = True) -> None:
    site.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", ctype="text/plain")
    root_items = "".join([
        "<a href='/'>首页</a> <a href='/xxgk/'>政府信息公开</a> <a href='/xwdt/'>新闻动态</a>",
        "<a href='http://localhost:{port}/offsite.html'>上级政府</a> <a href='ftp://127.0.0.1/pub/'>FTP</a>",
        "<a href='http://localhost:{port}/offsite/zfxxgknb/'>市政府信息公开年报</a>",
        "<a href='mailto:zwgk@example.gov.cn'>联系我们</a> <a href='javascript:void(0)'>无障碍</a>",
        "<ul class='news'><li><a href='/xwdt/202401/t20240110_1.html'>我县召开2023年政府信息公开工作年度报告编...</a></li>",
        "<li><a href='/xwdt/202401/t20240111_2.html'>县政府召开常务会议</a></li></ul>",
    ]).replace("{port}", str(site.port))
    site.add("/", f"<html><head><meta charset='utf-8'><title>{ORG}门户网站</title></head><body>{root_items}</body></html>")
    site.add("/offsite.html", "never")
    site.add("/xwdt/", "never")
    site.add("/xwdt/202401/t20240111_2.html", "never")
    news_title = "我县召开2023年政府信息公开工作年度报告编制工作部署会"
    site.add("/xwdt/202401/t20240110_1.html",
             f"<html><head><meta charset='utf-8'><title>{news_title}_{ORG}</title></head><body><h1>{news_title}</h1>"
             f"<p>会议要求做好</p><p>{T2023}</p><p>的编制和发布工作。</p></body></html>")
    site.add("/xxgk/", (
        "<html><head><meta http-equiv='Content-Type' content='text/html; charset=gb2312'><title>政府信息公开_某某县人民政府</title>"
        f"</head><body><a href='{NB}'>政府信息公开年报</a> <a href='{BM}'>部门信息公开年报</a>"
        "<a href='/xxgk/zn/'>政府信息公开指南</a> <a href='/'>首页</a></body></html>").encode("gbk"),
        ctype="text/html")
    site.add("/xxgk/zn/", "<html><head><meta charset='utf-8'><title>政府信息公开指南</title></head><body><p>指南正文</p></body></html>")

    pager0 = "<a href='index.html'>首页</a> <a href='index_1.html'>下一页</a> <a href='index_2.html'>尾页</a>"
    nb0 = list_page("政府信息公开年报", [
        ("./202501/t20250120_101.html", T2024, "2025-01-20"),
        ("./202401/t20240118_91.html", T2023, "2024-01-18"),
        ("./202312/t20231205_90.html", "关于做好2023年政府信息公开工作年度报告编制发布工作的通知", "2023-12-05"),
    ], pager0)
    site.add(NB, nb0)
    site.add(NB + "index.html", nb0)
    site.add(NB + "index_1.html", list_page("政府信息公开年报", [
        ("./202301/t20230110_81.html", f"{ORG}2022年政府信息公开工作年度报告", "2023-01-10"),
        ("./202302/t20230215_8.html", "某某县2022年政府信息公开工作年度报告图...", "2023-02-15"),
        ("2021nb.pdf", f"{ORG}2021年政府信息公开工作年度报告", "2022-01-12"),
    ], "<a href='index.html'>首页</a> <a href='index.html'>上一页</a> <a href='index_2.html'>下一页</a>"))
    site.add(NB + "index_2.html", list_page("政府信息公开年报", [
        ("/private/2020nb.html", f"{ORG}2020年政府信息公开工作年度报告", "2021-01-15"),
        ("./201901/t20190110_5.html", "示例市生态环境局2019年政府信息公开工作年度报告", "2019-01-10"),
        *([("./201801/t20180110_3.html", f"{ORG}2018年政府信息公开工作年度报告", "2018-01-10"),
           ("/loop/a.html", f"{ORG}2016年政府信息公开工作年度报告", "2017-01-10")] if faults else []),
        ("./201701/t20170115_2.html", f"{ORG}2017年政府信息公开工作年度报告", "2017-01-15"),
    ], "<a href='index.html'>首页</a> <a href='index_1.html'>上一页</a>"))

    site.add(NB + "202501/t20250120_101.html",
             report_page(T2024, 0, date="2025-01-20", index_no="000014349/2025-00012"))
    site.add(NB + "202401/t20240118_91.html", report_page(
        T2023, 0, date="2024-01-18", index_no="000014349/2024-00007", holds=False,
        attachments=(("P020240118.pdf", f"{T2023}.pdf"), ("P020240118_fb.xlsx", "附表.xlsx"))))
    site.add(NB + "202401/P020240118.pdf", PDF, ctype="application/pdf")
    site.add(NB + "202401/P020240118_fb.xlsx", XLSX, ctype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    site.add(NB + "202301/t20230110_81.html", report_page(
        f"{ORG}2022年政府信息公开工作年度报告", 0, date="2023-01-10", index_no="000014349/2023-00003", holds=False,
        attachments=(("P020230110.doc", "点击下载"),)))
    site.add(NB + "202301/P020230110.doc", DOC, ctype="application/msword")
    site.add(NB + "202302/t20230215_8.html", report_page(
        "图解：某某县2022年政府信息公开工作年度报告", 1, date="2023-02-15", index_no="000014349/2023-00004"))
    site.add(NB + "202312/t20231205_90.html", "a notice")
    site.add(NB + "2021nb.pdf", PDF2, ctype="application/octet-stream")
    site.add("/private/2020nb.html", report_page(f"{ORG}2020年政府信息公开工作年度报告", 2, date="2021-01-15", index_no="x"))
    site.add(NB + "201901/t20190110_5.html", report_page(
        "示例市生态环境局2019年政府信息公开工作年度报告", 3, date="2019-01-10", index_no="000014349/2019-00001"),
        delay=0.3)
    site.add(NB + "201801/t20180110_3.html", report_page(
        f"{ORG}2018年政府信息公开工作年度报告", 4, date="2018-01-10", index_no="y"), delay=2.5)
    site.add(NB + "201701/t20170115_2.html", report_page(
        f"{ORG}2017年政府信息公开工作年度报告", 4, date="2017-01-15", index_no="000014349/2017-00002",
        charset="gb2312"), ctype="text/html", fail_times=2 if faults else 0)
    site.add("/loop/a.html", "", location="/loop/b.html")
    site.add("/loop/b.html", "", location="/loop/a.html")

    js = "<script>var countPage = 3;var currentPage = 0;createPageHTML(countPage, currentPage, \"index\", \"html\");</script>"
    bm0 = list_page("部门信息公开年报", [
        ("./202501/t20250110_201.html", f"{ZHE}2024年政府信息公开工作年度报告", "2025-01-10")], js, charset="gb2312")
    site.add(BM, bm0, ctype="text/html")
    site.add(BM + "index.html", bm0, ctype="text/html")
    site.add(BM + "index_1.html", list_page("部门信息公开年报", [
        ("/uploads/2024/nb2023.pdf", T2023, "2024-01-18"),
        ("./202402/t20240201_202.html", "某某县财政局2023年政府信息公开工作年度报告", "2024-02-01"),
    ], js.replace("currentPage = 0", "currentPage = 1"), charset="gb2312"), ctype="text/html")
    site.add(BM + "index_2.html", list_page("部门信息公开年报", [
        ("./202303/t20230301_203.html", "某某县卫生健康局2022年政府信息公开年报", "2023-03-01"),
    ], js.replace("currentPage = 0", "currentPage = 2"), charset="gb2312"), ctype="text/html")
    site.add(BM + "202501/t20250110_201.html", report_page(
        f"{ZHE}2024年政府信息公开工作年度报告", 5, date="2025-01-10", index_no="11430400/2025-01", publisher=ZHE,
        charset="gb2312"), ctype="text/html")
    site.add("/uploads/2024/nb2023.pdf", PDF, ctype="application/pdf")
    site.add(BM + "202402/t20240201_202.html", report_page(
        "某某县财政局2023年政府信息公开工作年度报告", 0, date="2024-02-01", index_no="11430400/2024-02", holds=False,
        publisher="某某县财政局", attachments=(("P020240201.docx", "某某县财政局2023年政府信息公开工作年度报告.docx"),)))
    site.add(BM + "202402/P020240201.docx", DOCX, ctype="application/octet-stream")
    site.add(BM + "202303/t20230301_203.html", report_page(
        "某某县卫生健康局2022年政府信息公开年报", 2, date="2023-03-01", index_no="11430400/2023-03",
        publisher="某某县卫生健康局", charset="gb2312"), ctype="text/html")


@pytest.fixture
def site() -> Iterator[Site]:
    s = Site()
    yield from serve(s)


def fast(**kw: Any) -> CrawlConfig:
    base: dict[str, Any] = dict(rate=20.0, concurrency=2, timeout=0.8, retries=2, backoff=0.05,
                                contact="tests@example.org", trust_env=False, transport=LoopbackOnly())
    base.update(kw)
    return CrawlConfig(**base)


def stored(out: Path) -> dict[str, dict[str, Any]]:
    """Sidecars by document file name."""
    return {p.name[: -len(".json")]: json.loads(p.read_text(encoding="utf-8"))
            for p in (out / REPORTS).glob("*.json")}


def stored_urls(out: Path, site: Site) -> set[str]:
    prefix = site.url("")
    return {u.removeprefix(prefix) for meta in stored(out).values() for u in meta["urls"]}



# ---------------------------------------------------------------------------------------------
# rules (no network)


@pytest.mark.parametrize("title", [
    "衡山县贯塘乡人民政府2024年政府信息公开工作年度报告",
    "平潭综合实验区2015年度政府信息公开工作年度报告（图片版）",
    "2019年上海市人民政府办公厅政府信息公开工作年度报告",
    "2025 年上海市黄浦区人民政府打浦桥街道政府信息公开工作年度报告",
    "宿迁市政府办公室2014年政府信息公开年度报告",
    "平潭综合实验区地方税务局2013年信息公开年度报告",
    "舒兰市市场监督管理局2016年政务信息公开年度报告",
    "某某县审计局2023年政府信息公开工作年度报告.pdf",
    "某某县卫生健康局2022年政府信息公开年报",
])
def test_report_titles(title: str) -> None:
    assert is_report_title(title)


@pytest.mark.parametrize("title", [
    "关于2014年政府信息公开工作要点落实情况的函",
    "关于印发某县2023年政府信息公开工作年度报告的通知",
    "某县2023年政府信息公开工作年度报告解读",
    "图解：某县2023年政府信息公开工作年度报告",
    "我县召开2023年政府信息公开工作年度报告编制工作部署会",
    "某县2023年政府信息公开工作要点执行情况报告",
    "2023年政府工作报告",
    "政府信息公开年报",
    "",
])
def test_not_report_titles(title: str) -> None:
    assert not is_report_title(title)


def test_short_titles_count_only_inside_a_report_column() -> None:
    assert is_report_title("2023年年报", in_column=True) and not is_report_title("2023年年报")
    assert maybe_report_title("某某县2023年政府信息公开工...")  # truncated: the page's title decides
    assert not maybe_report_title("关于做好2023年政府信息公开工作年度报告...")


def test_javascript_pagers_and_list_links() -> None:
    base = "http://h/xxgk/nb/index.html"
    assert js_pager_pages('createPageHTML(3, 0, "index", "html");', base) == [
        "http://h/xxgk/nb/index.html", "http://h/xxgk/nb/index_1.html", "http://h/xxgk/nb/index_2.html"]
    assert js_pager_pages("createPageHTML('page_div',2, 1,'fwxx','shtml',83);", base) == [
        "http://h/xxgk/nb/fwxx.shtml", "http://h/xxgk/nb/fwxx_1.shtml"]
    assert len(js_pager_pages("var countPage = 2000;createPageHTML(countPage, 0, 'index', 'html');", base)) == 500
    page = parse_links(
        "<html><body><ul><li><a href='t1.html' title='某县2023年政府信息公开工作年度报告'>某县2023年政府信...</a>"
        "<span>2024-01-20</span></li></ul><a href='index_1.html'>下一页</a><a href='ftp://x/y'>f</a>"
        "<a href='#top'>top</a><a href='javascript:go()'>js</a><a href='/'>首页</a></body></html>", base)
    first, nxt, home = page.links
    assert not home.pager  # 首页 to the site root is navigation, not the list's first page
    assert (first.text, first.date, first.pager) == ("某县2023年政府信息公开工作年度报告", "2024-01-20", False)
    assert nxt.pager and nxt.url == "http://h/xxgk/nb/index_1.html"
    assert page.other_schemes == 1


def test_scope_hosts_schemes_private_addresses_and_gov_siblings() -> None:
    local = Scope(["http://127.0.0.1:8000/"])
    assert local.allow_private and local.why_not("http://127.0.0.1:8000/a") is None
    assert local.why_not("http://localhost:8000/a") == "off_site"
    assert local.why_not("ftp://127.0.0.1:8000/a") == "scheme"
    dns = {"www.hs.gov.cn": ["1.2.3.4"], "xxgk.hs.gov.cn": ["1.2.3.5"], "intra.hs.gov.cn": ["10.0.0.5"],
           "www.hy.gov.cn": ["1.2.3.6"]}
    public = Scope(["https://www.hs.gov.cn/"], resolver=lambda h: dns[h])
    assert public.why_not("https://xxgk.hs.gov.cn/") == "off_site"
    siblings = Scope(["https://www.hs.gov.cn/"], allow_gov_siblings=True, resolver=lambda h: dns[h])
    assert siblings.why_not("https://xxgk.hs.gov.cn/a") is None
    assert siblings.why_not("https://intra.hs.gov.cn/a") == "private_address"
    assert siblings.why_not("https://www.hy.gov.cn/a") == "off_site"
    assert gov_site_domain("www.hs.gov.cn") == "hs.gov.cn" and gov_site_domain("127.0.0.1") is None


def test_rate_limiter_spaces_requests_per_host() -> None:
    now = [0.0]
    slept: list[float] = []

    def sleep(d: float) -> None:
        slept.append(d)
        now[0] += d + 0.01  # every wake-up is a little late

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(4):
        limiter.wait("h")
    limiter.wait("other")
    assert slept == [0.5, 0.5, 0.5]  # measured from the late wake-up, not from the plan; "other" never waits


def test_manifest_survives_a_torn_last_line(tmp_path: Path) -> None:
    m = Manifest(tmp_path)
    m.append(Entry(url="http://h/a", kind="list", status=200, sha256="ab", path=".pages/ab.html"))
    with open(tmp_path / "manifest.jsonl", "a", encoding="utf-8") as fh:
        fh.write('{"url": "http://h/b", "kind": "rep')
    again = Manifest(tmp_path)
    assert list(again.latest) == ["http://h/a"] and again.latest["http://h/a"].done


def test_batch_reads_the_sidecar(tmp_path: Path) -> None:
    doc = tmp_path / "abc-report.pdf"
    doc.write_bytes(b"%PDF-1.4")
    (tmp_path / "abc-report.pdf.json").write_text(json.dumps(
        {"url": "http://h/a.pdf", "urls": ["http://h/a.pdf", "http://h/b.pdf"], "title": "某县2023年政府信息公开工作年度报告",
         "published": "2024-01-18"}), encoding="utf-8")
    assert sidecar_meta([str(doc)]) is not None and sidecar_meta([str(tmp_path / "other.pdf")]) is None
    rec: Any = {"report": {"paths": [str(doc)], "title": None, "published": None}, "figures": [], "findings": []}
    rep = apply_sidecar(rec)["report"]
    assert rep["paths"] == [str(doc), "http://h/a.pdf", "http://h/b.pdf"]
    assert rep["title"] == "某县2023年政府信息公开工作年度报告" and str(rep["published"]) == "2024-01-18"
    kept: Any = {"report": {"paths": [str(doc)], "title": "印刷标题", "published": None}, "figures": [], "findings": []}
    assert apply_sidecar(kept)["report"]["title"] == "印刷标题"  # what the document prints wins


# ---------------------------------------------------------------------------------------------
# the whole site: `ogi crawl --then-batch`


@pytest.fixture(scope="module")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Site, Path, Path, str]]:
    site = Site()
    for s in serve(site):
        build(s)
        out = tmp_path_factory.mktemp("crawl") / "site"
        db = out.parent / "reports.duckdb"
        result = CliRunner().invoke(main, [
            "crawl", s.url("/"), "--out", str(out), "--rate", "20", "--timeout", "0.8", "--retries", "2",
            "--backoff", "0.05", "--contact", "tests@example.org", "--then-batch", str(db)])
        assert result.exit_code == 0, result.output
        yield s, out, db, result.output


def manifest_by_path(out: Path, site: Site) -> dict[str, Entry]:
    return {u.removeprefix(site.url("")): e for u, e in Manifest(out).latest.items()}


def test_crawl_finds_exactly_the_reports(crawled: tuple[Site, Path, Path, str]) -> None:
    site, out, _db, output = crawled
    assert stored_urls(out, site) == set(EXPECTED)
    files = [p for p in (out / REPORTS).iterdir() if not p.name.endswith(".json")]
    assert len(files) == len(EXPECTED) - 1  # the PDF found at two URLs is stored once
    for meta in stored(out).values():
        assert {EXPECTED[u.removeprefix(site.url(""))] for u in meta["urls"]} == {meta["kind"]}
    requested = set(site.paths())
    assert not requested & set(NEVER)
    assert {h.host for h in site.hits} == {f"127.0.0.1:{site.port}"}  # never the off-site host
    assert site.paths()[0] == "/robots.txt" and site.paths().count("/robots.txt") == 1
    assert all("tests@example.org" in h.agent and h.agent.startswith("ogi-crawl/") for h in site.hits)
    assert "10 report documents (10 new, 1 duplicate URLs)" in output and "1 disallowed by robots.txt" in output


def test_crawl_survives_the_faults_and_ignores_news(crawled: tuple[Site, Path, Path, str]) -> None:
    site, out, _db, _ = crawled
    m = manifest_by_path(out, site)
    assert m["/private/2020nb.html"].error == "robots"
    assert (m["/loop/a.html"].error, m["/loop/a.html"].status) == ("redirect_loop", 302)
    assert site.paths().count("/loop/a.html") == 1 and site.paths().count("/loop/b.html") == 1
    hang = m[NB + "201801/t20180110_3.html"]
    assert (hang.error, hang.attempts) == ("timeout", 3)
    recovered = m[NB + "201701/t20170115_2.html"]
    assert (recovered.status, recovered.attempts, recovered.is_report) == (200, 3, True)
    assert m[NB + "201901/t20190110_5.html"].is_report  # slow, within the time limit
    for news in ("/xwdt/202401/t20240110_1.html", NB + "202302/t20230215_8.html"):  # fetched, judged by title
        assert (m[news].kind, m[news].is_report, m[news].path.startswith(".pages/")) == ("page", False, True)
    wrapper = m[NB + "202401/t20240118_91.html"]
    assert wrapper.kind == "report" and wrapper.extra.get("wrapper") and not wrapper.is_report
    assert m[BM + "index_2.html"].kind == "list"  # reached only through the JavaScript pager


def test_sidecars_keep_page_metadata_and_decode_gbk(crawled: tuple[Site, Path, Path, str]) -> None:
    site, out, _db, _ = crawled
    by_url = {u.removeprefix(site.url("")): meta for meta in stored(out).values() for u in meta["urls"]}
    gbk = by_url[BM + "202501/t20250110_201.html"]
    assert (gbk["title"], gbk["publisher"], gbk["published"], gbk["index_no"]) == (
        f"{ZHE}2024年政府信息公开工作年度报告", ZHE, "2025-01-10", "11430400/2025-01")
    pdf = by_url[NB + "202401/P020240118.pdf"]
    assert pdf["urls"] == [site.url(NB + "202401/P020240118.pdf"), site.url("/uploads/2024/nb2023.pdf")]
    assert (pdf["title"], pdf["published"], pdf["index_no"], pdf["page_url"]) == (
        T2023, "2024-01-18", "000014349/2024-00007", site.url(NB + "202401/t20240118_91.html"))
    assert by_url[NB + "2021nb.pdf"]["published"] == "2022-01-12"  # the date printed beside the list link
    annex = next(p for p in (out / REPORTS).iterdir() if p.suffix == ".xlsx")
    assert annex.name.endswith(f"{T2023}-P020240118_fb.xlsx")
    for name, meta in stored(out).items():
        assert name.startswith(meta["sha256"][:16] + "-")
        assert hashlib.sha256((out / REPORTS / name).read_bytes()).hexdigest() == meta["sha256"]


def test_then_batch_stores_source_url_and_page_metadata(crawled: tuple[Site, Path, Path, str]) -> None:
    site, _out, db, output = crawled
    assert "ogi batch:" in output
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT paths, title, published, status, reader FROM reports").fetchall()
    finally:
        con.close()
    documents = set(EXPECTED)  # the .xlsx annex too: a stand-in of junk bytes, stored as a failed row
    assert len(rows) == len(documents) - 1
    by_url = {p.removeprefix(site.url("")): r for r in rows for p in r[0] if p.startswith("http")}
    assert set(by_url) == documents
    assert next(r for u, r in by_url.items() if u.endswith(".xlsx"))[3] == "failed"
    pdf = by_url[NB + "202401/P020240118.pdf"]
    assert site.url("/uploads/2024/nb2023.pdf") in pdf[0]
    assert (str(pdf[2]), pdf[4]) == ("2024-01-18", "pdf")  # the PDF prints no date: the page's is kept
    page = by_url[BM + "202501/t20250110_201.html"]
    assert (page[1], str(page[2]), page[3]) == (f"{ZHE}2024年政府信息公开工作年度报告", "2025-01-10", "ok")


# ---------------------------------------------------------------------------------------------
# re-runs


def test_rerun_fetches_only_what_changed(site: Site, tmp_path: Path) -> None:
    build(site, faults=False)
    out = tmp_path / "c"
    first = crawl([site.url("/")], out, fast())
    assert len(first.documents) == len(EXPECTED) - 1
    # a new report appears on the first list page
    new_path = NB + "202502/t20250210_102.html"
    new_title = "某某县发展和改革局2024年政府信息公开工作年度报告"
    site.add(new_path, report_page(new_title, 1, date="2025-02-10", index_no="000014349/2025-00020"))
    items = [("./202502/t20250210_102.html", new_title, "2025-02-10"), ("./202501/t20250120_101.html", T2024, "2025-01-20")]
    changed = list_page("政府信息公开年报", items, "<a href='index_1.html'>下一页</a>")
    site.add(NB, changed)
    site.add(NB + "index.html", changed)
    mark = len(site.hits)
    second = crawl([site.url("/")], out, fast())
    ok = site.paths(200, since=mark)
    assert sorted(ok) == sorted(["/robots.txt", NB, NB + "index.html", new_path])
    assert second.new_documents == [d for d in second.new_documents if new_title in d] and len(second.new_documents) == 1
    assert second.not_modified >= 8 and second.fetched == 3  # robots.txt is not a page
    assert not set(site.paths(since=mark)) & set(EXPECTED)  # stored documents are not asked for again
    assert all(h.conditional for h in site.hits[mark:] if h.status == 304)
    # --refresh revalidates stored documents too: one report page was corrected
    site.add(NB + "202501/t20250120_101.html",
             report_page(T2024 + "（修订版）", 0, date="2025-01-21", index_no="000014349/2025-00012"))
    mark = len(site.hits)
    third = crawl([site.url("/")], out, fast(refresh=True))
    assert sorted(site.paths(200, since=mark)) == ["/robots.txt", NB + "202501/t20250120_101.html"]
    revalidated = [h for h in site.hits[mark:] if h.path in EXPECTED]
    assert revalidated and all(h.conditional and h.status in (200, 304) for h in revalidated)
    assert len(third.new_documents) == 1 and "修订版" not in third.new_documents[0]
    assert stored(out)[third.new_documents[0].removeprefix(REPORTS + "/")]["published"] == "2025-01-21"


def test_killed_crawl_resumes_without_refetching(site: Site, tmp_path: Path) -> None:
    build(site, faults=False)
    out = tmp_path / "c"
    done: list[Entry] = []

    def crash_after_three(entry: Entry) -> None:
        if entry.is_report and entry.path and entry.path.startswith(REPORTS):
            done.append(entry)
            if len(done) == 3:
                raise KeyboardInterrupt  # as if Ctrl-C arrived right after the third document

    with pytest.raises(KeyboardInterrupt):
        crawl([site.url("/")], out, fast(), on_entry=crash_after_three)
    before = {e.url.removeprefix(site.url("")) for e in Manifest(out).latest.values() if e.done and e.is_report}
    assert len(before) >= 3
    mark = len(site.hits)
    crawl([site.url("/")], out, fast())
    assert not set(site.paths(since=mark)) & before
    assert stored_urls(out, site) == set(EXPECTED) - {"/loop/a.html"}


def test_sigkilled_crawl_resumes(site: Site, tmp_path: Path) -> None:
    build(site, faults=False)
    out = tmp_path / "c"
    cmd = [sys.executable, "-c", "from extractor.cli import run; run()", "crawl", site.url("/"), "--out", str(out),
           "--rate", "8", "--timeout", "2", "--retries", "1", "--backoff", "0.05", "--contact", "t@example.org", "-q"]
    proc = subprocess.Popen(cmd, cwd=ROOT, env={**os.environ, "NO_PROXY": "*"}, start_new_session=True)
    deadline = time.monotonic() + 30
    try:
        while time.monotonic() < deadline:
            if (out / "manifest.jsonl").exists():
                m = Manifest(out)
                if sum(1 for e in m.latest.values() if e.is_report and e.done) >= 3:
                    break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(10)
    before = {e.url.removeprefix(site.url("")) for e in Manifest(out).latest.values() if e.done and e.is_report}
    assert 3 <= len(before) < len(EXPECTED) - 1, "killed too late to test anything"
    mark = len(site.hits)
    crawl([site.url("/")], out, fast())
    assert not set(site.paths(since=mark)) & before
    assert stored_urls(out, site) == set(EXPECTED)
    assert not list((out / REPORTS).glob(".*.tmp"))


def test_crawl_progress_hook_and_summary_on_stderr(site: Site, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`ogi crawl` shows pages, reports, queue and rate while it runs and prints its summary at the
    end, both on stderr; -q silences both; stdout stays empty."""
    build(site, faults=False)
    events: list[CrawlProgress] = []
    summary = crawl([site.url("/")], tmp_path / "c", fast(), on_progress=events.append)
    assert events and events[-1].queued == 0 and events[-1].reports == len(summary.documents) > 0
    assert [e.requests for e in events] == sorted(e.requests for e in events) and events[-1].rate > 0
    args = ["crawl", site.url("/"), "--rate", "20", "--timeout", "0.8", "--retries", "1", "--contact", "t@example.org"]
    res = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "d")])
    assert res.exit_code == 0 and res.stdout == "" and res.stderr.startswith("ogi crawl: "), res.output
    res = CliRunner().invoke(main, [*args, "--out", str(tmp_path / "e"), "-q"])
    assert res.exit_code == 0 and res.output == ""
    from test_cli_grammar import _run_with_tty_stderr

    cmd = [sys.executable, "-c", "from extractor.cli import run; run()", *args, "--rate", "8", "--out", str(tmp_path / "f")]
    monkeypatch.setenv("NO_PROXY", "*")
    out, tty, rc = _run_with_tty_stderr(cmd)
    assert rc == 0 and out == ""
    assert "queued" in tty and "req/s" in tty and "reports" in tty and "ogi crawl: " in tty


# ---------------------------------------------------------------------------------------------
# politeness


def test_rate_limit_per_host_is_measured(site: Site, tmp_path: Path) -> None:
    build(site, faults=False)
    seen: list[float] = []
    summary = crawl([site.url("/")], tmp_path / "c", fast(rate=5.0, concurrency=3, max_pages=9),
                    on_request=lambda host, url: seen.append(time.monotonic()))
    arrivals = [h.t for h in site.hits]
    assert len(arrivals) == 10  # robots.txt + 9 pages
    gaps = [b - a for a, b in itertools.pairwise(arrivals)]
    assert min(gaps) >= 0.2 * 0.9, gaps
    observed = (len(arrivals) - 1) / (arrivals[-1] - arrivals[0])
    assert observed <= 5.0 * 1.05, observed
    assert min(b - a for a, b in itertools.pairwise(seen)) >= 0.2 - 0.005
    assert summary.stopped == "max_pages (9)"
    print(f"observed {observed:.2f} requests/s at --rate 5; smallest gap {min(gaps) * 1000:.0f} ms")


def test_robots_rules_and_crawl_delay() -> None:
    limiter = RateLimiter(20.0)
    answers = {"http://a/robots.txt": (200, "User-agent: *\nCrawl-delay: 3\nDisallow: /private/\n"),
               "http://b/robots.txt": (404, ""), "http://c/robots.txt": (None, ""), "http://d/robots.txt": (503, "")}
    fetched: list[str] = []

    def fetch(url: str) -> tuple[int | None, str]:
        fetched.append(url)
        return answers[url]

    robots = Robots("ogi-crawl", fetch, limiter)
    assert robots.allowed("http://a/x") and not robots.allowed("http://a/private/y")
    assert limiter.interval_for("a") == 3.0
    assert robots.allowed("http://b/anything")  # no robots.txt: everything allowed
    assert not robots.allowed("http://c/x") and not robots.allowed("http://d/x")  # unreachable: nothing allowed
    assert fetched == ["http://a/robots.txt", "http://b/robots.txt", "http://c/robots.txt", "http://d/robots.txt"]


# ---------------------------------------------------------------------------------------------
# a "图片版" report page: its body images are downloaded beside it


def test_image_only_report_page_downloads_its_images(site: Site, tmp_path: Path) -> None:
    import io as _io

    from PIL import Image

    from extractor.pipeline import read_document
    from extractor.settings import Settings

    def png(w: int, h: int) -> bytes:
        buf = _io.BytesIO()
        Image.new("L", (w, h), 255).save(buf, format="PNG")
        return buf.getvalue()

    title = "某某县民政局2024年政府信息公开工作年度报告（图片版）"
    site.add("/robots.txt", "User-agent: *\nDisallow:\n", ctype="text/plain")
    site.add("/zfxxgknb/", list_page("政府信息公开年报", [("./202501/t1.html", title, "2025-01-20")]))
    body = ("<div class='article'><p><img src='/uploads/2025/p1.png'></p><p><img src=\"p2.png\"></p>"
            "<p><img src='/images/logo.png'></p><p><img src='http://localhost:1/offsite.png'></p>"
            "<p><img src='data:image/png;base64,AAAA'></p></div>")
    site.add("/zfxxgknb/202501/t1.html",
             f"<html><head><meta charset='utf-8'><title>{title}</title></head><body><h1>{title}</h1>{body}</body></html>")
    site.add("/uploads/2025/p1.png", png(600, 800), ctype="image/png")
    site.add("/zfxxgknb/202501/p2.png", png(600, 800), ctype="image/png")
    site.add("/images/logo.png", b"<html>not an image</html>", ctype="text/html")
    out = tmp_path / "c"
    summary = crawl([site.url("/zfxxgknb/")], out, fast())
    pages = [d for d in summary.documents if d.endswith(".html")]
    assert len(pages) == 1
    files = out / pages[0].removesuffix(".html")
    folder = files.with_name(files.name + "_files")
    assert sorted(p.name for p in folder.iterdir()) == ["p1.png", "p2.png"]
    entries = [json.loads(line) for line in (out / "manifest.jsonl").read_text(encoding="utf-8").splitlines()]
    kinds = {e["url"].removeprefix(site.url("")): (e["kind"], e.get("error")) for e in entries if e["kind"] == "image"}
    assert kinds["/images/logo.png"] == ("image", "not_an_image")
    assert not any("offsite" in u for u in kinds)
    # the HTML reader finds them by file name beside the page (without OCR: a needs_ocr note)
    doc = read_document(out / pages[0], settings=Settings(ocr=False))
    assert any(w.startswith("needs_ocr: 2 page image(s)") for w in doc.warnings)
    # a rerun asks again for no image it stored
    before = len(site.hits)
    crawl([site.url("/zfxxgknb/")], out, fast())
    assert not any(p.endswith(("p1.png", "p2.png")) for p in site.paths(since=before))
