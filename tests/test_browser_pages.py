"""The eight pages in a real browser (Debian's Chromium driven by Playwright, against `taskforce dashboard`),
as a coordinator goes through them before a Task Force meeting: open a link that carries filters, sign in,
then visit every page through the sidebar in the same session.

Each page must finish without an exception element or traceback, show the numbers of the marts for the
filter of the link (``expected_metrics`` of tests/test_dashboard_pages.py), keep the filters in the URL,
fetch nothing from any other host, and leave a full-page screenshot under
``test-artifacts/screenshots/<engine>/filtered/<page>.png``. The language switch then turns the page Turkish.

The server, the browser and the sign-in are those of tests/test_browser.py.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Browser, Page

from dashboards import i18n
from tests.test_browser import (  # noqa: F401  (fixtures: browser, chromium_executable, dashboard, served)
    APP_IDLE,
    PAGE_TIMEOUT_MS,
    SCREENSHOTS,
    VIEWPORT,
    Dashboard,
    Visit,
    browser,
    chromium_executable,
    dashboard,
    record,
    served,
    sign_in,
    wait_until_rendered,
)
from tests.test_dashboard_login import DashboardWarehouse
from tests.test_dashboard_pages import FILTER, PAGES, expected_metrics


def metric(page: Page, label: str) -> str:
    """The value of the metric whose label is exactly ``label``."""
    box = page.locator('[data-testid="stMetric"]').filter(
        has=page.locator('[data-testid="stMetricLabel"]', has_text=re.compile(rf"^\s*{re.escape(label)}\s*$"))
    )
    return box.locator('[data-testid="stMetricValue"]').inner_text(timeout=PAGE_TIMEOUT_MS).strip()


def go_to(page: Page, name: str, lang: str = "en") -> None:
    """Through the sidebar navigation, in the same session (a new URL would be a new session)."""
    title = i18n.page_title(name, lang)
    link = page.locator('[data-testid="stSidebarNav"] a').filter(
        has_text=re.compile(rf"^\s*{re.escape(title or name)}\s*$")
    )
    link.first.click()
    page.locator("h1").filter(has_text=i18n.TEXT[f"title_{name}"][0 if lang == "en" else 1]).first.wait_for(
        timeout=PAGE_TIMEOUT_MS
    )
    wait_until_rendered(page)


def screenshot(page: Page, engine: str, name: str) -> None:
    height = page.evaluate(
        """() => Math.max(document.documentElement.scrollHeight,
            document.querySelector('[data-testid="stMain"]')?.scrollHeight ?? 0)"""
    )
    page.set_viewport_size(
        {"width": VIEWPORT["width"], "height": min(max(height, VIEWPORT["height"]), 20_000)}
    )
    wait_until_rendered(page)
    folder = SCREENSHOTS / engine / "filtered"
    folder.mkdir(parents=True, exist_ok=True)
    page.screenshot(
        path=folder / f"{name}.png", full_page=True, animations="disabled", timeout=PAGE_TIMEOUT_MS
    )
    page.set_viewport_size(VIEWPORT)


def test_every_page_with_the_filters_of_a_link(
    dashboard: Dashboard,  # noqa: F811  (the fixtures of tests/test_browser.py)
    browser: Browser,  # noqa: F811
    served: DashboardWarehouse,  # noqa: F811
) -> None:
    context = browser.new_context(viewport=VIEWPORT, service_workers="block")
    context.set_default_timeout(PAGE_TIMEOUT_MS)
    visit = Visit()
    try:
        page = context.new_page()
        record(page, visit)
        query = "&".join(f"{key}={value}" for key, value in FILTER.items())
        page.goto(f"{dashboard.base_url}/?{query}", wait_until="load", timeout=PAGE_TIMEOUT_MS)
        sign_in(page, dashboard)
        wait_until_rendered(page)
        for name in PAGES:
            if name != "overview":
                go_to(page, name)
            body = page.inner_text("body")
            assert page.locator('[data-testid="stException"]').count() == 0, (name, dashboard.log_tail())
            assert "Traceback" not in body, (name, body[-2000:])
            for label, value in expected_metrics(served.settings, name).items():
                assert metric(page, label) == value, (name, label)
            kept = {key: values[-1] for key, values in parse_qs(urlsplit(page.url).query).items()}
            assert kept == FILTER, (name, page.url)  # the filters stay in the URL from page to page
            screenshot(page, dashboard.engine, name)

        # the language switch: the same page, in Turkish, with the same numbers
        page.locator('[data-testid="stSidebar"] label').filter(has_text="Türkçe").first.click()
        page.locator("h1").filter(has_text=i18n.TEXT["title_data_health"][1]).first.wait_for()
        page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)
        received = expected_metrics(served.settings, "data_health")["Periods received / expected"]
        assert metric(page, i18n.TEXT["extracts_received"][1]) == received.replace(",", ".")
        assert "lang=tr" in page.url
        go_to(page, "identifications", "tr")
        victims = expected_metrics(served.settings, "identifications")["Victims identified"]
        assert metric(page, i18n.TEXT["victims_identified"][1]) == victims.replace(",", ".")

        assert visit.non_local() == [], "the pages asked for hosts other than the dashboard's own"
        assert visit.page_errors == [], "uncaught errors in the pages' JavaScript"
        assert visit.console_errors == [], "errors in the browser console"
    finally:
        context.close()
