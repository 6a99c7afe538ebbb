"""The overview page, run headless with Streamlit's AppTest against a real built warehouse, signed in as
a coordinator (tests/test_dashboard_login.py sets the warehouse up as a deployment serves it: dashboard
users, and on PostgreSQL the role logins the dashboard queries with)."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from taskforce.settings import Settings
from tests.expected_counts import expected_from_files
from tests.test_dashboard_login import (
    APP,
    DashboardWarehouse,
    add_users,
    dashboard_warehouse,
    signed_in_app,
)


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def served(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> DashboardWarehouse:
    return dashboard_warehouse(request.param, tmp_path_factory, demo_paths, request.config)


@pytest.fixture(scope="module")
def served_duckdb(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> DashboardWarehouse:
    return dashboard_warehouse("duckdb", tmp_path_factory, demo_paths, request.config)


def run_app(served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch) -> AppTest:
    app = signed_in_app(served, "coordinator", monkeypatch, APP)
    assert not app.exception, app.exception
    return app


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def test_overview_shows_the_demo_totals(
    served: DashboardWarehouse, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_from_files(demo_paths)
    app = run_app(served, monkeypatch)
    shown = metrics(app)
    assert shown["Victims identified"] == f"{expected.identified_persons(2006, 2010):,}"
    assert shown["Assisted returns"] == f"{sum(expected.returns_by_year.values()):,}"
    # V2: presumed victims not formally identified in the same period
    identified = set().union(*expected.identified_persons_by_year.values())
    presumed = set().union(*expected.presumed_persons_by_year.values()) - identified
    assert shown["Presumed victims"] == f"{len(presumed):,}"
    table = app.dataframe[0].value
    assert list(table["Year"]) == [2006, 2007, 2008, 2009, 2010]
    assert list(table["Assisted returns"]) == [expected.returns_by_year[y] for y in range(2006, 2011)]


def test_year_filter_narrows_the_numbers(
    served_duckdb: DashboardWarehouse, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = expected_from_files(demo_paths)
    app = run_app(served_duckdb, monkeypatch)
    app.select_slider(key="years").set_value((2008, 2009)).run()
    assert not app.exception
    shown = metrics(app)
    assert shown["Victims identified"] == f"{expected.identified_persons(2008, 2009):,}"
    assert shown["Assisted returns"] == f"{expected.returns_by_year[2008] + expected.returns_by_year[2009]:,}"
    assert "2008–2009" in app.subheader[0].value


def test_empty_state_before_any_build(empty_duckdb: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "TASKFORCE_DATA_DIR": str(empty_duckdb.data_dir),
        "TASKFORCE_WAREHOUSE_URL": empty_duckdb.warehouse_url,
    }
    app = run_app(DashboardWarehouse(empty_duckdb, env, add_users(empty_duckdb, "tnp"), "tnp"), monkeypatch)
    assert "No warehouse has been built yet" in app.info[0].value
    assert not app.metric
