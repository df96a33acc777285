"""Headless Chromium for the HTML pages' tests: the rendered DOM, a screenshot, and every network
request the page made (Chromium's net log, keeping the requests the page initiated and leaving out
the browser's own background traffic). Tests skip with a reason when no browser is installed; CI
(.ci/run) installs chromium."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run",
         "--disable-component-update", "--disable-sync"]


def find_browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(args: list[str], tmp: Path, what: str) -> subprocess.CompletedProcess[bytes]:
    browser = find_browser()
    if browser is None:
        pytest.skip("no Chromium/Chrome found (apt-get install chromium)")
    profile = tmp / f"profile-{what}"
    cmd = [browser, *FLAGS, f"--user-data-dir={profile}", *args]
    try:
        res = subprocess.run(cmd, capture_output=True, timeout=120, env={**os.environ, "HOME": str(tmp)})
    except subprocess.TimeoutExpired:
        pytest.skip(f"headless Chromium did not finish in 120 s ({what})")
    return res


def dump_dom(page: Path, tmp: Path) -> str:
    res = _run(["--dump-dom", page.resolve().as_uri()], tmp, "dom")
    if res.returncode != 0 or b"<html" not in res.stdout:
        pytest.skip(f"headless Chromium failed (exit {res.returncode}): {res.stderr.decode(errors='replace')[-300:]}")
    return res.stdout.decode("utf-8")


def dom_and_requests(page: Path, tmp: Path) -> tuple[str, list[str]]:
    """The rendered DOM and the URLs of the requests the page itself started (not the browser's)."""
    log = tmp / "netlog.json"
    res = _run([f"--log-net-log={log}", "--net-log-capture-mode=Default", "--dump-dom", page.resolve().as_uri()],
               tmp, "net")
    if res.returncode != 0 or b"<html" not in res.stdout or not log.exists():
        pytest.skip(f"headless Chromium failed (exit {res.returncode}): {res.stderr.decode(errors='replace')[-300:]}")
    try:
        data = json.loads(log.read_text(encoding="utf-8"))
    except json.JSONDecodeError:  # a log cut short: close the event list
        text = log.read_text(encoding="utf-8").rstrip().rstrip(",")
        data = json.loads(text + "]}")
    types = {v: k for k, v in data["constants"]["logEventTypes"].items()}
    urls = []
    for e in data.get("events", []):
        p = e.get("params") or {}
        if types.get(e.get("type")) != "URL_REQUEST_START_JOB" or "url" not in p:
            continue
        if p.get("initiator") == "not an origin":  # the browser's own traffic (updates, time sync)
            continue
        urls.append(str(p["url"]))
    return res.stdout.decode("utf-8"), urls


def screenshot(page: Path, tmp: Path, out: Path, width: int = 1300, height: int = 2400) -> Path:
    res = _run([f"--screenshot={out}", f"--window-size={width},{height}", "--hide-scrollbars", page.resolve().as_uri()],
               tmp, "shot")
    if res.returncode != 0 or not out.exists():
        pytest.skip(f"headless Chromium could not take a screenshot (exit {res.returncode})")
    return out
