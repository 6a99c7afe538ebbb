"""The overview page, run headless with Streamlit's AppTest against a real built warehouse."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from taskforce.settings import Settings
from tests.expected_counts import expected_from_files

APP = str(Path(__file__).resolve().parent.parent / "dashboards" / "app.py")


def run_app(settings: Settings, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    monkeypatch.setenv("TASKFORCE_WAREHOUSE_URL", settings.warehouse_url)
    monkeypatch.setenv("TASKFORCE_DATA_DIR", str(settings.data_dir))
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_overview_shows_the_demo_totals(
    built: Settings, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_from_files(demo_paths)
    app = run_app(built, monkeypatch)
    shown = metrics(app)
    assert shown["Victims identified"] == f"{expected.identified_persons(2006, 2010):,}"
    assert shown["Assisted returns"] == f"{sum(expected.returns_by_year.values()):,}"
    presumed = set().union(*expected.presumed_persons_by_year.values())
    assert shown["Presumed victims"] == f"{len(presumed):,}"
    table = app.dataframe[0].value
    assert list(table["Year"]) == [2006, 2007, 2008, 2009, 2010]
    assert list(table["Assisted returns"]) == [expected.returns_by_year[y] for y in range(2006, 2011)]


def test_year_filter_narrows_the_numbers(
    built_duckdb: Settings, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_from_files(demo_paths)
    app = run_app(built_duckdb, monkeypatch)
    app.select_slider(key="years").set_value((2008, 2009)).run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Victims identified"] == f"{expected.identified_persons(2008, 2009):,}"
    assert shown["Assisted returns"] == f"{expected.returns_by_year[2008] + expected.returns_by_year[2009]:,}"
    assert "2008–2009" in app.subheader[0].value


def test_empty_state_before_any_build(empty_duckdb: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    app = run_app(empty_duckdb, monkeypatch)
    assert "No warehouse has been built yet" in app.info[0].value
    assert not app.metric
