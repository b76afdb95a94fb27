"""Headless Chromium driven through selenium and Debian's chromedriver, for the explorer's tests and bench.

Why these flags: the machine has no sandbox namespaces and no GPU, and a browser that phones home (component
updates, sync, QUIC probes) would make "no request leaves the machine" untestable; each run gets a new empty
profile. `scripts/install-browser.sh` installs chromium and chromium-driver; when they are missing the tests
skip with the reason, except in CI (`CI=true`), where that is a failure.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from selenium.webdriver.chrome.webdriver import WebDriver

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
WIDTH, HEIGHT = 1280, 800
# A view counts as drawn when the explorer marks it (api/explorer/static/js/main.js).
READY = "return document.body.dataset.ready || null"


# One route per view of the explorer, on the demo data, as the tests and bench/explorer.py load them.
VIEW_ROUTES = {
    "assets": "assets?id=credit-model&asOf=2026-11-30",
    "crosswalk": "crosswalk?source=iso42001&target=eu-ai-act&cell=A.6|Chapter%20III%20Section%202",
    "provisions": "provisions?framework=eu-ai-act&ref=Article%209&scope=annex_iii&asOf=2026-11-30",
    "coverage": "coverage?have=iso27001&want=iso42001&org=1",
    "soa": "soa?asOf=2026-11-30",
}


class BrowserUnavailableError(RuntimeError):
    """chromium, chromedriver or selenium is missing (the message says which and how to get it)."""


def required() -> bool:
    """In CI a missing browser fails the run instead of skipping the tests."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _binary(*names: str) -> str:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    raise BrowserUnavailableError(
        f"{' or '.join(names)} is not installed: run scripts/install-browser.sh (Debian's chromium and chromium-driver)"
    )


@dataclass
class Browser:
    """A running headless Chromium with its own empty profile; `close` ends it and removes the profile."""

    driver: WebDriver
    profile: Path

    def close(self) -> None:
        try:
            self.driver.quit()
        finally:
            shutil.rmtree(self.profile, ignore_errors=True)


def start_chromium() -> Browser:
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError as error:
        raise BrowserUnavailableError("selenium is not installed (it is in the dev extra)") from error
    chromium = _binary("chromium", "chromium-browser")
    chromedriver = _binary("chromedriver")
    profile = Path(tempfile.mkdtemp(prefix="aimsgraph-chromium-"))
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in [*CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--window-size={WIDTH},{HEIGHT}"]:
        options.add_argument(flag)
    # The browser's console and every request it sends, read back by the tests.
    options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    try:
        driver = webdriver.Chrome(options=options, service=Service(chromedriver))
    except Exception as error:
        shutil.rmtree(profile, ignore_errors=True)
        raise BrowserUnavailableError(f"chromium did not start: {error}") from error
    # The page itself gets exactly 1280×800 (the window's size includes no browser chrome in headless mode,
    # but set the viewport to be sure).
    driver.execute_cdp_cmd(
        "Emulation.setDeviceMetricsOverride",
        {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False},
    )
    return Browser(driver, profile)


def _log(driver: WebDriver, kind: str) -> list[dict[str, Any]]:
    """One of Chrome's logs since the last read (selenium leaves `get_log` untyped)."""
    entries: list[dict[str, Any]] = driver.get_log(kind)  # type: ignore[no-untyped-call]
    return entries


def requests_sent(driver: WebDriver) -> list[str]:
    """The URLs of the requests the browser sent since the last call (Chrome's performance log)."""
    urls = []
    for entry in _log(driver, "performance"):
        message = json.loads(entry["message"])["message"]
        if message["method"] == "Network.requestWillBeSent":
            urls.append(message["params"]["request"]["url"])
        elif message["method"] == "Network.webSocketCreated":
            urls.append(message["params"]["url"])
    return urls


def leaving(urls: list[str], base: str) -> list[str]:
    """The requests that went anywhere but the server under test. The browser's own internal pages
    (chrome://, its new-tab page) and in-page data (data:, blob:) are not requests to a network."""
    origin = urlsplit(base).netloc
    outside = []
    for url in urls:
        parts = urlsplit(url)
        if parts.scheme in {"data", "blob", "chrome", "chrome-untrusted", "about", "devtools"}:
            continue
        if parts.netloc != origin:
            outside.append(url)
    return outside


def console_problems(driver: WebDriver) -> list[str]:
    """Errors and warnings the page wrote to its console since the last call."""
    return [f"{e['level']}: {e['message']}" for e in _log(driver, "browser") if e["level"] in {"SEVERE", "WARNING"}]


def marks(driver: WebDriver) -> dict[str, Any]:
    """When the shown view was first drawn and when it was finished, in ms from the page's start, and the wall
    time its GraphQL requests were in flight before its first paint (the same page's Resource Timing)."""
    result: dict[str, Any] = driver.execute_script(
        """
        const at = (name) => {
          const e = performance.getEntriesByName(name);
          return e.length ? e[e.length - 1].startTime : null;
        };
        const painted = at('aimsgraph:painted');
        const api = performance.getEntriesByType('resource')
          .filter((e) => e.name.endsWith('/graphql') && e.responseEnd <= painted);
        // wall time with at least one request in flight (requests in parallel count once)
        let busy = 0, until = 0;
        for (const e of api.sort((a, b) => a.startTime - b.startTime)) {
          busy += Math.max(0, e.responseEnd - Math.max(e.startTime, until));
          until = Math.max(until, e.responseEnd);
        }
        return {painted, ready: at('aimsgraph:ready'), graphql: busy, requests: api.length};
        """
    )
    return result


def load_view(driver: WebDriver, base: str, route: str, timeout: float = 60) -> dict[str, Any]:
    """Load the explorer afresh at a route, wait until it has drawn the view, and return its timing marks."""
    from selenium.webdriver.support.ui import WebDriverWait

    view = route.split("?", maxsplit=1)[0] or "assets"
    driver.get("about:blank")
    driver.get(f"{base}/#/{route}")
    WebDriverWait(driver, timeout).until(lambda d: d.execute_script(READY) == view)
    return marks(driver)
