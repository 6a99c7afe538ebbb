"""The donor report page (``dashboards/pages/reports.py``) and the report's reading rights, on both engines.

The warehouse is the one tests/test_dashboard_login.py sets up as a deployment serves it (dashboard users;
on PostgreSQL a database login per role under ``taskforce db init``), built once per session.

* a donor account gets this page only, with the report's released tables cell for cell, the suppression
  marker and legend, and no widget but the report year and the language;
* its downloads are valid XLSX, PDF and ZIP files, each recorded in the audit log before it is handed
  over; agency users see the tables but get no download;
* the report reads the ``reporting`` schema only: it is made with the PostgreSQL donor role's login, and
  from a DuckDB file that holds nothing but that schema.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Callable
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import psycopg
import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from dashboards import gate, i18n
from reports.content import parse_request
from reports.disclosure import SUPPRESSED, legend
from reports.document import Kind, Report, ReportTable
from reports.report import generate_report
from reports.source import read_source
from reports.xlsx_writer import formula_cells
from taskforce.settings import Settings, load_settings
from taskforce.warehouse import connect
from tests.test_dashboard_login import (
    APP,
    DashboardWarehouse,
    audit_rows,
    sign_in,
    signed_in_app,
    use_env,
)

PAGE = "pages/reports.py"
WIDGETS_OF_A_DONOR = {"lang", "report_year", "sign_out"}
DOWNLOADS = {"report_download_xlsx", "report_download_pdf", "report_download_csv"}


@pytest.fixture
def deferred_files(monkeypatch: pytest.MonkeyPatch) -> dict[str, Callable[[], object]]:
    """The callables of deferred downloads, by file name, as the server would run them on a click."""
    captured: dict[str, Callable[[], object]] = {}
    original = MediaFileManager.add_deferred

    def capture(
        self: MediaFileManager,
        data_callable: Callable[[], object],
        mimetype: str | None,
        coordinates: str,
        file_name: str | None = None,
        **kwargs: object,
    ) -> str:
        captured[str(file_name)] = data_callable
        return original(self, data_callable, mimetype, coordinates, file_name=file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add_deferred", capture)
    return captured


# --- helpers ---------------------------------------------------------------------------------------------


def owner_report(warehouse: DashboardWarehouse, year: int) -> Report:
    """The report as `taskforce report` makes it, with the warehouse owner's rights."""
    return generate_report(warehouse.settings, parse_request(year))


def published_years(warehouse: DashboardWarehouse) -> list[int]:
    with connect(warehouse.settings, read_only=warehouse.engine == "duckdb") as wh:
        rows = wh.fetchall(
            "select distinct period_id from reporting.rpt_indicator_values where period_type = 'year'"
        )
    return sorted(int(row[0]) for row in rows)


def english(value: object, kind: Kind) -> str:
    """A released cell as the English page shows it (the report's number formats)."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if kind is Kind.COUNT:
        return f"{int(value):,}"
    if kind is Kind.INTEGER:
        return str(int(value))
    if kind is Kind.PERCENT:
        return f"{float(value):,.1f}"
    if kind is Kind.RATE:
        return f"{float(value):,.2f}"
    if kind is Kind.DECIMAL:
        decimals = 1 if round(float(value), 1) == round(float(value), 2) else 2
        return f"{float(value):,.{decimals}f}"
    return str(value)


def expected_rows(table: ReportTable) -> list[list[str]]:
    return [
        [english(value, table.kind(r, c)) for c, value in enumerate(row)] for r, row in enumerate(table.rows)
    ]


def shown_rows(frame: pd.DataFrame) -> list[list[str]]:
    return [["" if pd.isna(value) else str(value) for value in row] for row in frame.itertuples(index=False)]


def widget_keys(app: AppTest) -> set[str]:
    """The keys of every widget on the page and in the sidebar."""
    keys = set()
    for kind in (
        "radio",
        "selectbox",
        "multiselect",
        "select_slider",
        "slider",
        "text_input",
        "checkbox",
        "toggle",
        "date_input",
        "number_input",
        "button",
        "download_button",
    ):
        keys |= {str(widget.key) for widget in app.get(kind)}
    return keys


def open_report(
    warehouse: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch, role: str = "donor"
) -> AppTest:
    app = signed_in_app(warehouse, role, monkeypatch, APP)
    if role != "donor":  # the donor's only page is the default; the others get it in the navigation
        app.switch_page(PAGE).run()
    assert not app.exception, app.exception
    assert app.title[0].value == "Indicator reports"
    return app


# --- tests -----------------------------------------------------------------------------------------------


def test_roles_pages_and_exports() -> None:
    donor_pages = [name for name in gate.PAGE_ACCESS if "donor" in gate.page_roles(name)]
    assert donor_pages == ["reports"]
    assert gate.page_roles("reports") == {"coordinator", "agency", "donor"}
    assert {"coordinator", "donor"} == gate.EXPORT_ROLES
    assert not gate.may_export("agency")
    assert i18n.TEXT["reports_donor_intro"][0] == gate.DONOR_MESSAGE


def test_the_donor_sees_the_released_tables_and_nothing_else(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_report(served, monkeypatch)
    years = published_years(served)
    assert app.selectbox(key="report_year").options == [str(year) for year in years]
    year = years[-1]
    assert app.selectbox(key="report_year").value == year
    assert "Donor accounts see the published indicator reports" in app.info[0].value
    # no metric, chart or interactive table (whose toolbar would download unrecorded); no filter widget
    assert not app.metric and not app.dataframe and not app.get("plotly_chart")
    assert widget_keys(app) == WIDGETS_OF_A_DONOR | DOWNLOADS

    # every table of the report, cell for cell, as the report command releases it (as the owner)
    expected = owner_report(served, year)
    assert [t.value.columns.tolist() for t in app.table] == [
        [c.header for c in t.columns] for t in expected.tables
    ]
    for table, frame in zip(expected.tables, (t.value for t in app.table), strict=True):
        want, got = expected_rows(table), shown_rows(frame)
        if table.name == "data_vintage":  # made once per build: its generation time is the page's own
            want = [row for row in want if row[0] != "Generated at (UTC)"]
            got = [row for row in got if row[0] != "Generated at (UTC)"]
        assert got == want, table.name
    # hidden cells carry the marker, explained by the legend
    cells = [value for t in app.table for row in shown_rows(t.value) for value in row]
    assert cells.count(SUPPRESSED) > 10
    assert any(legend(10, "en") in m.value for m in app.markdown)
    assert any(legend(10, "en") in c.value for c in app.caption)

    # the view is recorded, with the report year and the rows shown
    user, role, event, page, filters, rows, _ = audit_rows(served)[-1]
    assert (user, role, event, page) == ("donor", "donor", "page_view", "reports")
    assert json.loads(filters) == {"report_year": year}
    assert rows == sum(len(t.rows) for t in expected.tables)

    # another year: the same page for that year; a person-level page stays closed
    app.selectbox(key="report_year").set_value(years[0]).run()
    assert not app.exception
    assert f"donor report {years[0]}" in app.subheader[0].value
    app.switch_page("pages/overview.py").run()
    assert not app.table and not app.metric
    assert audit_rows(served)[-1][2:4] == ("denied", "overview")


def test_downloads_are_valid_files_recorded_in_the_audit_log(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch, deferred_files: dict[str, Callable]
) -> None:
    app = open_report(served, monkeypatch)
    year = app.selectbox(key="report_year").value
    names = {
        "xlsx": f"donor-report-{year}.xlsx",
        "pdf": f"donor-report-{year}.pdf",
        "csv": f"donor-report-{year}-csv.zip",
    }
    assert set(names.values()) <= set(deferred_files)
    before = len(audit_rows(served))

    xlsx = deferred_files[names["xlsx"]]()  # what the server runs when the button is clicked
    assert formula_cells(xlsx) == []
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx))
    assert {"logframe", "trend_yearly", "data_vintage", "batches"} <= set(workbook.sheetnames)
    assert deferred_files[names["pdf"]]().startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(deferred_files[names["csv"]]()))
    assert f"donor-report-{year}-csv/manifest.json" in archive.namelist()

    exports = [row for row in audit_rows(served)[before:] if row[2] == "export"]
    assert [(r[0], r[1], r[3], r[6]) for r in exports] == [
        ("donor", "donor", "reports", names[fmt]) for fmt in ("xlsx", "pdf", "csv")
    ]
    assert json.loads(exports[0][4]) == {"report_year": year, "format": "xlsx"}


def test_a_coordinator_has_the_page_in_the_navigation_and_may_download(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_report(served_duckdb, monkeypatch, "coordinator")
    assert widget_keys(app) >= DOWNLOADS
    assert not app.info  # the donor's introduction is for donors
    assert app.table


def test_the_page_in_turkish(served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    app = open_report(served_duckdb, monkeypatch)
    app.radio(key="lang").set_value("tr").run()
    assert not app.exception
    assert app.title[0].value == i18n.TEXT["title_reports"][1]
    assert app.selectbox(key="report_year").label == i18n.TEXT["reports_year"][1]
    assert i18n.TEXT["reports_donor_intro"][1] in app.info[0].value
    assert any(legend(10, "tr") in m.value for m in app.markdown)
    assert [b.label for b in app.get("download_button")] == [
        i18n.TEXT[f"reports_download_{fmt}"][1] for fmt in ("xlsx", "pdf", "csv")
    ]


@pytest.mark.postgres
def test_an_agency_user_sees_the_tables_but_gets_no_download(
    served_postgres: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_report(served_postgres, monkeypatch, "agency")
    assert app.table
    assert not app.get("download_button")
    assert i18n.TEXT["reports_no_export"][0] in [c.value for c in app.caption]


@pytest.mark.postgres
def test_the_report_is_made_with_the_donor_roles_rights(served_postgres: DashboardWarehouse) -> None:
    """The PostgreSQL donor role can read the reporting schema and nothing else; the report is made with
    its login, so the report reads nothing else."""
    donor_url = served_postgres.env["TASKFORCE_DASHBOARD_URL_DONOR"]
    with psycopg.connect(donor_url) as con:
        for relation in ("ops.batches", "ops.builds", "reference.sexes", "marts.fct_identifications"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(f"select 1 from {relation} limit 1")
            con.rollback()
    as_donor = load_settings({**served_postgres.env, "TASKFORCE_WAREHOUSE_URL": donor_url})
    source = read_source(as_donor)
    owner = read_source(served_postgres.settings)
    assert source.build == owner.build and source.build["build_id"]
    pd.testing.assert_frame_equal(source.values, owner.values)
    pd.testing.assert_frame_equal(source.batches, owner.batches)


def test_the_report_needs_nothing_but_the_reporting_schema(
    served_duckdb: DashboardWarehouse, tmp_path: Path
) -> None:
    """DuckDB has no roles: the report is made from a copy of the warehouse that holds only ``reporting``."""
    full = served_duckdb.settings
    only = tmp_path / "warehouse.duckdb"
    with duckdb.connect(str(only)) as con:
        con.execute(f"attach '{full.serving_path}' as full_copy (read_only)")
        tables = con.execute(
            "select table_name from duckdb_tables() where database_name = 'full_copy' "
            "and schema_name = 'reporting'"
        ).fetchall()
        con.execute("create schema reporting")
        for (table,) in tables:
            con.execute(f"create table reporting.{table} as select * from full_copy.reporting.{table}")
        con.execute("detach full_copy")
        schemas = {row[0] for row in con.execute("select schema_name from duckdb_tables()").fetchall()}
    assert schemas == {"reporting"}
    settings = load_settings(
        {"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{only}"}
    )
    alone, whole = read_source(settings), read_source(full)
    pd.testing.assert_frame_equal(alone.values, whole.values)
    pd.testing.assert_frame_equal(alone.batches, whole.batches)
    assert alone.build == whole.build
    report = generate_report(settings, parse_request(published_years(served_duckdb)[-1]))
    assert report.summary["Attack audit"].startswith("passed")


def test_a_page_before_any_build_says_so(empty_duckdb: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.test_dashboard_login import add_users

    env = {
        "TASKFORCE_DATA_DIR": str(empty_duckdb.data_dir),
        "TASKFORCE_WAREHOUSE_URL": empty_duckdb.warehouse_url,
    }
    warehouse = DashboardWarehouse(empty_duckdb, env, add_users(empty_duckdb, "tnp"), "tnp")
    use_env(warehouse, monkeypatch)
    app = AppTest.from_file(APP, default_timeout=120)
    app.run()
    sign_in(app, "donor", warehouse.passwords["donor"])
    assert not app.exception, app.exception
    assert "No warehouse has been built yet" in app.info[0].value
    assert not app.table and not app.get("download_button")
