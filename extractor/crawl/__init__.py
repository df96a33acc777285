"""``ogi crawl``: find and download the annual reports a government website publishes.

An optional part (``pip install "ogi-extractor[crawl]"`` for httpx); nothing in the extraction
core imports it. Start from a site root or a 年报 column; the crawler stays on the start hosts,
follows list pages and their pagination (links, numbered pages, ``createPageHTML`` pagers), keeps
the pages whose title is a report title (:mod:`extractor.crawl.classify`) and downloads them and
their attachments into a folder that ``ogi batch`` reads (:mod:`extractor.crawl.store`), politely
(:mod:`extractor.crawl.policy`) and resumably (:mod:`extractor.crawl.crawler`)::

    from extractor.crawl import CrawlConfig, crawl
    summary = crawl(["https://www.example.gov.cn/zwgk/zfxxgknb/"], "crawl/", CrawlConfig(contact="me@example.org"))
    summary.new_documents        # ["reports/3f2a…-某某县2024年政府信息公开工作年度报告.pdf", …]
"""

from __future__ import annotations

from extractor.crawl.crawler import AGENT, CrawlConfig, Crawler, CrawlProgress, CrawlSummary, crawl, user_agent
from extractor.crawl.store import Entry, Manifest

__all__ = ["AGENT", "CrawlConfig", "CrawlProgress", "CrawlSummary", "Crawler", "Entry", "Manifest", "crawl", "user_agent"]
