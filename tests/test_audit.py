"""The audit log: every dashboard access is recorded, the dashboards can append to it and do nothing else,
and nobody, the owner included, can change or remove what is in it (PostgreSQL), while the auditor reads
it. On DuckDB the dashboards keep it in a file of their own beside the warehouse."""

from __future__ import annotations

import io
import json
import secrets
import uuid
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path

import psycopg
import pytest
from psycopg import sql

from ingest.contract import load_agencies
from taskforce.access import password_variable
from taskforce.audit import COLUMNS, INSERT_SQL, AuditEvent, read_log, write_duckdb
from taskforce.cli import main
from taskforce.settings import Settings, load_settings
from tests.conftest import postgres_url, settings_for
from tests.test_dashboard_login import (
    DashboardWarehouse,
    _url_for,
    audit_rows,
    dashboard_warehouse,
    drop_roles,
    metrics,
    require_createrole,
    signed_in_app,
)


def event(**fields: object) -> AuditEvent:
    values = {
        "user_name": "ayse",
        "user_role": "coordinator",
        "auth_method": "local",
        "session_id": "s1",
        "event": "query",
        "page": "overview",
        "filters": {"years": [2008, 2009]},
        "rows_returned": 3,
    }
    return AuditEvent(**{**values, **fields})  # type: ignore[arg-type]


# --- what the dashboards record (DuckDB) ----------------------------------------------------------------


@pytest.fixture(scope="module")
def served_duckdb(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> DashboardWarehouse:
    return dashboard_warehouse("duckdb", tmp_path_factory, demo_paths, request.config)


def test_sign_in_queries_filters_and_exports_are_recorded(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(audit_rows(served_duckdb))
    app = signed_in_app(served_duckdb, "coordinator", monkeypatch)
    app.select_slider(key="years").set_value((2008, 2009)).run()
    app.download_button[0].click().run()
    rows = audit_rows(served_duckdb)[before:]
    assert rows[0][:4] == ("coord", "coordinator", "login", "login")
    queries = [r for r in rows if r[2] == "query"]
    assert queries and {r[3] for r in queries} == {"probe"}
    assert all(r[5] >= 0 for r in queries) and sum(r[5] for r in queries) > 0
    assert {"years": [2008, 2009]} in [json.loads(r[4]) for r in queries]
    exports = [r for r in rows if r[2] == "export"]
    assert [(r[3], r[6], json.loads(r[4])) for r in exports] == [
        ("probe", "probe_2008_2009.csv", {"years": [2008, 2009]})
    ]


def test_rows_are_not_shown_when_the_access_cannot_be_recorded(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboards import audit

    app = signed_in_app(served_duckdb, "coordinator", monkeypatch)
    assert metrics(app)

    def broken(settings: Settings, event: AuditEvent) -> None:
        raise OSError("the audit file is gone")

    monkeypatch.setattr(audit, "write_duckdb", broken)
    app.select_slider(key="years").set_value((2007, 2008)).run()
    assert not app.exception
    assert audit.NOT_RECORDED in [e.value for e in app.error]
    assert not app.metric and not app.dataframe


def test_the_audit_command_reads_the_duckdb_log(tmp_path: Path) -> None:
    settings = load_settings({"TASKFORCE_DATA_DIR": str(tmp_path)})
    write_duckdb(settings, event())
    write_duckdb(settings, event(event="export", export_file="x.csv"))
    log = read_log(settings)
    assert list(log["event"]) == ["export", "query"]  # newest first
    assert list(log.columns) == list(COLUMNS[1:])


def test_an_audit_row_holds_no_query_text() -> None:
    row = event().row()
    assert set(row) == set(COLUMNS)
    assert json.loads(row["filters"]) == {"years": [2008, 2009]}
    with pytest.raises(ValueError):
        event(event="select * from marts.fct_identifications").row()


# --- who may do what with the log (PostgreSQL) -----------------------------------------------------------


@dataclass(frozen=True)
class Controlled:
    owner: Settings
    prefix: str
    logins: dict[str, str]  # group -> URL of a login in it


@pytest.fixture(scope="module")
def controlled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Controlled]:
    """A fresh database after `taskforce db init`, with one login per group that touches the log."""
    admin_url = postgres_url()
    assert admin_url
    require_createrole(admin_url)
    prefix = f"a{uuid.uuid4().hex[:8]}_"
    settings = settings_for("postgres", tmp_path_factory.mktemp("audit_postgres"))
    agency = next(iter(load_agencies()))  # any agency group does: the first of the registry
    groups = {"dashboard": f"agency_{agency}", "donor": "donor", "auditor": "auditor", "loader": "loader"}
    passwords = {group: secrets.token_urlsafe(12) for group in groups}
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("TASKFORCE_ROLE_PREFIX", prefix)
            for group in groups:
                env.setenv(password_variable(f"{prefix}{group}_u"), passwords[group])
            out = io.StringIO()
            with redirect_stdout(out):
                logins = [f"--login={role}:{prefix}{group}_u" for group, role in groups.items()]
                assert main(["db", "init", "--admin-url", settings.warehouse_url, *logins]) == 0, (
                    out.getvalue()
                )
        urls = {g: _url_for(settings.warehouse_url, f"{prefix}{g}_u", passwords[g]) for g in groups}
        yield Controlled(settings, prefix, urls)
    finally:
        database = settings.warehouse_url.rsplit("/", 1)[1]
        with psycopg.connect(admin_url, autocommit=True) as con:
            con.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        drop_roles(admin_url, prefix)


def _insert(url: str) -> None:
    """The dashboards' own insert (SQLAlchemy, named parameters) on a given login."""
    from dashboards.data import execute

    execute(INSERT_SQL, event().row(), load_settings({"TASKFORCE_WAREHOUSE_URL": url}))


@pytest.mark.postgres
def test_dashboard_and_donor_logins_may_append_and_nothing_else(controlled: Controlled) -> None:
    for group in ("dashboard", "donor"):
        _insert(controlled.logins[group])
        with psycopg.connect(controlled.logins[group], autocommit=True) as con:
            for statement in (
                "select count(*) from ops.audit_log",
                "update ops.audit_log set user_name = 'x'",
                "delete from ops.audit_log",
                "truncate ops.audit_log",
                "select count(*) from ops.retention_log",
            ):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    con.execute(statement)


@pytest.mark.postgres
def test_the_log_refuses_changes_even_to_its_owner(controlled: Controlled) -> None:
    _insert(controlled.logins["dashboard"])
    for url in (controlled.owner.warehouse_url, controlled.logins["loader"]):  # db owner; the owning group
        with psycopg.connect(url, autocommit=True) as con:
            assert con.execute("select count(*) from ops.audit_log").fetchone()[0] > 0
            for table in ("ops.audit_log", "ops.retention_log"):
                for statement in (
                    f"update {table} set agency = 'x'",
                    f"delete from {table}",
                    f"truncate {table}",
                ):
                    with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
                        con.execute(statement)


@pytest.mark.postgres
def test_the_auditor_reads_the_log_and_nothing_person_level(controlled: Controlled) -> None:
    _insert(controlled.logins["donor"])
    auditor = load_settings({"TASKFORCE_WAREHOUSE_URL": controlled.logins["auditor"]})
    log = read_log(auditor)
    assert len(log) >= 1 and set(log["user_name"]) == {"ayse"}
    with psycopg.connect(controlled.logins["auditor"], autocommit=True) as con:
        assert con.execute("select count(*) from ops.retention_log").fetchone()[0] == 0
        for statement in (
            "select count(*) from ops.quarantine",
            "insert into ops.audit_log (event_id) values ('x')",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(statement)


@pytest.mark.postgres
def test_db_init_grants_on_the_log_are_exact(controlled: Controlled) -> None:
    prefix = controlled.prefix
    with psycopg.connect(controlled.owner.warehouse_url) as con:
        grants = set(
            con.execute(
                "select a.grantee::regrole::text, a.privilege_type "
                "from pg_class as c, aclexplode(c.relacl) as a "
                "where c.oid = 'ops.audit_log'::regclass and a.grantee <> c.relowner"
            ).fetchall()
        )
        function_acl = con.execute(
            "select proacl::text from pg_proc where proname = 'refuse_change_of_append_only_table'"
        ).fetchone()[0]
    assert grants == {
        (f"{prefix}dashboard", "INSERT"),
        (f"{prefix}donor", "INSERT"),
        (f"{prefix}auditor", "SELECT"),
    }
    assert "=X/" not in function_acl.replace(f"{prefix}loader=X/", "")  # PUBLIC may not execute it
