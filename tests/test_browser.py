"""Every dashboard page in a real browser: Debian's Chromium, driven by Playwright, against the served app.

The server is the one users run (``taskforce dashboard``) on a built demo warehouse, once per engine. Each
page must finish its script run without an exception, show no traceback, fetch nothing from any host but
the dashboard's own (the dashboards must work offline), and leave a full-page screenshot under
``test-artifacts/screenshots/<engine>/<page>.png`` for a person to look at.

Pages are the files in ``dashboards/pages/`` (one per page, as ``st.navigation`` registers them): a new
page file is a new test case. Page-specific checks go into ``PAGE_CHECKS``.

Every page is behind the sign-in: the browser signs in as the warehouse's coordinator first (the users, and
on PostgreSQL the role logins, come from tests/test_dashboard_login.py).

Playwright cannot download its own browsers here: the test uses ``shutil.which("chromium")`` and skips
without it, unless TASKFORCE_REQUIRE_BROWSER=1 (as in CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Page,
    Request,
    Route,
    ViewportSize,
    WebSocket,
    sync_playwright,
)

from dashboards import i18n
from taskforce.settings import PROJECT_ROOT
from tests.expected_counts import expected_from_files
from tests.test_dashboard_login import DashboardWarehouse, dashboard_warehouse

PAGES_DIR = PROJECT_ROOT / "dashboards" / "pages"
# The page st.navigation marks default=True is served at "/" only: "/<its name>" shows "Page not found".
DEFAULT_PAGE = "overview"
PAGE_NAMES = sorted(p.stem for p in PAGES_DIR.glob("*.py") if not p.stem.startswith("_"))
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
HOSTLESS_SCHEMES = {"data", "blob", "about"}
# The flags that work on this machine: without the background-networking ones, Chromium keeps trying to
# reach Google's hosts through a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
VIEWPORT: ViewportSize = {"width": 1400, "height": 900}
SERVER_START_SECONDS = 60
SERVER_STOP_SECONDS = 20
PAGE_TIMEOUT_MS = 60_000
# Streamlit's own markers on the app root: the script has run to the end over a live connection.
BASE_PATH_PROBE = re.compile(r"^http://[^/]+/[^/]+/_stcore/(health|host-config)$")
APP_IDLE = (
    '[data-testid="stApp"][data-test-script-state="notRunning"][data-test-connection-state="CONNECTED"]'
)


# --- the browser -------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def chromium_executable() -> str:
    path = shutil.which("chromium")
    if path:
        return path
    reason = "no `chromium` on PATH (Debian package `chromium`; Playwright cannot download browsers here)"
    if os.environ.get("TASKFORCE_REQUIRE_BROWSER") == "1":
        pytest.fail(f"TASKFORCE_REQUIRE_BROWSER=1 but {reason}")
    pytest.skip(reason)
    return ""


@pytest.fixture(scope="module")
def browser(chromium_executable: str) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_executable, headless=True, args=CHROMIUM_ARGS, timeout=PAGE_TIMEOUT_MS
        )
        try:
            yield chromium
        finally:
            chromium.close()


# --- the server --------------------------------------------------------------------------------------


@dataclass
class Dashboard:
    engine: str
    base_url: str
    log: Path
    user: str
    password: str

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_health(base_url: str, server: subprocess.Popen[bytes], seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and server.poll() is None:
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.read().decode() == "ok":
                    return True
        except OSError:
            pass
        time.sleep(0.5)
    return False


def stop_server(server: subprocess.Popen[bytes]) -> None:
    """Stop the CLI and the Streamlit process it starts: both are in the process group made for them."""
    if server.poll() is not None:
        return
    for sig in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(server.pid, sig)
        except ProcessLookupError:
            return
        try:
            server.wait(timeout=SERVER_STOP_SECONDS)
            return
        except subprocess.TimeoutExpired:
            continue


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> DashboardWarehouse:
    return dashboard_warehouse(request.param, tmp_path_factory, demo_paths, request.config)


@pytest.fixture(scope="module")
def dashboard(
    chromium_executable: str, served: DashboardWarehouse, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Dashboard]:
    port = free_port()
    log = tmp_path_factory.mktemp(f"dashboard_{served.engine}") / "server.log"
    inherited = {k: v for k, v in os.environ.items() if not k.startswith("TASKFORCE_DASHBOARD_")}
    env = {**inherited, **served.env}
    with log.open("wb") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "taskforce.cli", "dashboard", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # `taskforce dashboard` runs Streamlit as a child: stop the whole group
        )
    user = served.user("coordinator")
    running = Dashboard(served.engine, f"http://127.0.0.1:{port}", log, user, served.passwords[user])
    try:
        if not wait_for_health(running.base_url, server, SERVER_START_SECONDS):
            pytest.fail(f"the dashboard did not answer /_stcore/health:\n{running.log_tail()}")
        yield running
    finally:
        stop_server(server)


# --- one page in the browser -------------------------------------------------------------------------


@dataclass
class Visit:
    """What the browser saw while loading one page."""

    requests: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def non_local(self) -> list[str]:
        return sorted({url for url in self.requests if not is_local(url)})


def is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in HOSTLESS_SCHEMES or parts.hostname in LOCAL_HOSTS


def page_url(base_url: str, name: str) -> str:
    return f"{base_url}/" if name == DEFAULT_PAGE else f"{base_url}/{name}"


def record(page: Page, visit: Visit) -> None:
    """Record every request and error; let nothing leave the machine (the dashboards must work offline)."""

    def on_request(request: Request) -> None:
        visit.requests.append(request.url)

    def on_websocket(socket_: WebSocket) -> None:
        visit.requests.append(socket_.url)

    def on_console(message: ConsoleMessage) -> None:
        url = message.location.get("url", "")
        # opened at /<page>, Streamlit's frontend first looks for its server under that path, then one
        # level up: the 404s of that first look are expected
        if message.type == "error" and not (BASE_PATH_PROBE.search(url) and "404" in message.text):
            visit.console_errors.append(f"{message.text} ({url})")

    def offline(route: Route) -> None:
        if is_local(route.request.url):
            route.continue_()
        else:
            route.abort("internetdisconnected")

    page.on("request", on_request)
    page.on("websocket", on_websocket)
    page.on("console", on_console)
    page.on("pageerror", lambda error: visit.page_errors.append(str(error)))
    page.route("**/*", offline)


def wait_until_rendered(page: Page) -> None:
    """The script has run to the end over a live connection, and the charts have drawn."""
    page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)
    page.wait_for_load_state("networkidle", timeout=PAGE_TIMEOUT_MS)
    charts = page.locator('[data-testid="stPlotlyChart"]')
    for index in range(charts.count()):
        charts.nth(index).locator(".main-svg").first.wait_for(timeout=PAGE_TIMEOUT_MS)
    page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)


def sign_in(page: Page, dashboard: Dashboard) -> None:
    """The sign-in screen comes first, whatever the page asked for; then the page itself."""
    page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)
    page.get_by_label("User name").fill(dashboard.user)
    page.get_by_label("Password", exact=True).fill(dashboard.password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_label("Password", exact=True).wait_for(state="detached", timeout=PAGE_TIMEOUT_MS)


def metric_value(page: Page, label: str) -> str:
    metric = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=label)
    )
    return metric.locator('[data-testid="stMetricValue"]').inner_text(timeout=PAGE_TIMEOUT_MS).strip()


def check_overview(page: Page, demo_paths: list[Path]) -> None:
    expected = expected_from_files(demo_paths).identified_persons(2006, 2010)
    assert metric_value(page, "Victims identified") == f"{expected:,}"


PAGE_CHECKS: dict[str, Callable[[Page, list[Path]], None]] = {"overview": check_overview}


def save_screenshot(page: Page, engine: str, name: str) -> Path:
    """The whole page: Streamlit scrolls inside stMain, so grow the viewport to its height first."""
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
            document.querySelector('[data-testid="stMain"]')?.scrollHeight ?? 0)"""
    )
    page.set_viewport_size(
        {"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 20_000)}
    )
    wait_until_rendered(page)
    folder = SCREENSHOTS / engine
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=path, full_page=True, animations="disabled", timeout=PAGE_TIMEOUT_MS)
    return path


@pytest.mark.parametrize("name", PAGE_NAMES)
def test_page_renders_offline_without_errors(
    name: str, dashboard: Dashboard, browser: Browser, demo_paths: list[Path]
) -> None:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    visit = Visit()
    try:
        page = context.new_page()
        record(page, visit)
        page.goto(page_url(dashboard.base_url, name), wait_until="load", timeout=PAGE_TIMEOUT_MS)
        sign_in(page, dashboard)
        # signing in leads to the page the link asked for, not to the first page
        page.locator("h1").filter(has_text=i18n.TEXT[f"title_{name}"][0]).first.wait_for(
            timeout=PAGE_TIMEOUT_MS
        )
        wait_until_rendered(page)
        save_screenshot(page, dashboard.engine, name)
        body = page.inner_text("body")
        assert page.locator('[data-testid="stException"]').count() == 0, dashboard.log_tail()
        assert "Traceback" not in body, body[-3000:]
        assert "Page not found" not in body, f"{name} is not served at {page_url(dashboard.base_url, name)}"
        assert visit.non_local() == [], "the page asked for hosts other than the dashboard's own"
        assert visit.page_errors == [], "uncaught errors in the page's JavaScript"
        assert visit.console_errors == [], "errors in the browser console"
        if name in PAGE_CHECKS:
            PAGE_CHECKS[name](page, demo_paths)
    finally:
        context.close()
