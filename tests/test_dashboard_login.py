"""Sign-in before any query, roles, and the database rights the dashboard uses (AppTest, real warehouses).

``dashboard_warehouse(engine, ...)`` is the demo warehouse as a deployment serves it to the dashboards,
shared with tests/test_dashboard.py, tests/test_browser.py and tests/test_faults.py (built once per
session and engine): a user store with one user per role, and on PostgreSQL a fresh database under
access control (``taskforce db init`` with a run-specific role prefix, a database login per dashboard
role, the demo ingested through a loader login, built by the owner), so that every dashboard query runs
with a role's own login and row-level security. The roles are dropped when the session ends.
"""

from __future__ import annotations

import contextlib
import io
import os
import secrets
import stat
import subprocess
import sys
import uuid
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql
from streamlit.testing.v1 import AppTest

from ingest.contract import load_agencies
from taskforce.settings import PROJECT_ROOT, Settings, load_settings
from taskforce.users import UserStore, store_for
from tests.expected_counts import expected_from_files

APP = str(PROJECT_ROOT / "dashboards" / "app.py")
# A page of our own, so that these tests check the gate, the rights and the audit whatever the real pages
# show: it passes the gate like every page, notes its filter, runs one query and offers an export.
PROBE = """
import streamlit as st
from dashboards import data, gate
from dashboards.audit import export_callback, note_filters

gate.enter({page!r})
first, last = st.select_slider("Years", options=list(range(2006, 2011)), value=(2006, 2010), key="years")
note_filters(years=[first, last])
frame = data.query(
    "select count(distinct person_key) as persons from marts.fct_identifications "
    "where identification_status = 'identified' and identification_year between :first and :last",
    {{"first": first, "last": last}},
)
st.metric("Victims identified", f"{{int(frame['persons'][0]):,}}")
name = f"probe_{{first}}_{{last}}.csv"
recorded = export_callback("probe", name)
st.download_button("Download", frame.to_csv(index=False), file_name=name, on_click=recorded)
"""

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]
ROLE_GROUPS = ("coordinator", "agency", "donor")


# --- the warehouse as deployed for the dashboards ---------------------------------------------------


@dataclass(frozen=True)
class DashboardWarehouse:
    settings: Settings  # the owner's settings (ingest, build, checks)
    env: dict[str, str]  # what the dashboard process gets: data dir, warehouse URL, role logins, prefix
    passwords: dict[str, str]  # dashboard user -> password
    agency: str  # the agency of the agency user

    @property
    def engine(self) -> str:
        return self.settings.engine

    def user(self, role: str) -> str:
        return {"coordinator": "coord", "agency": f"agent-{self.agency}", "donor": "donor"}[role]


_warehouses: dict[str, DashboardWarehouse] = {}
_failed: dict[str, str] = {}


def _url_for(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=f"{user}:{password}@{parts.hostname}:{parts.port or 5432}"))


def require_createrole(url: str) -> None:
    with psycopg.connect(url) as con:
        allowed = con.execute(
            "select rolsuper or rolcreaterole from pg_roles where rolname = current_user"
        ).fetchone()[0]
    if not allowed:
        message = "the role of TASKFORCE_TEST_POSTGRES_URL needs CREATEROLE for the dashboard role tests"
        if os.environ.get("TASKFORCE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def drop_roles(admin_url: str, prefix: str) -> None:
    with psycopg.connect(admin_url, autocommit=True) as con:
        names = con.execute("select rolname from pg_roles where starts_with(rolname, %s)", (prefix,))
        for (name,) in names.fetchall():
            with contextlib.suppress(psycopg.Error):  # still holds privileges somewhere: left, named
                con.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


def add_users(settings: Settings, agency: str) -> dict[str, str]:
    store = store_for(settings)
    passwords = {}
    for role, name, code in (
        ("coordinator", "coord", None),
        ("agency", f"agent-{agency}", agency),
        ("donor", "donor", None),
    ):
        passwords[name] = secrets.token_urlsafe(12)
        store.add(name, role, code, passwords[name], replace_existing=True, rounds=4)
    return passwords


def _postgres_warehouse(
    factory: pytest.TempPathFactory, demo_paths: list[Path], config: pytest.Config
) -> DashboardWarehouse:
    from ingest.run import ingest_file
    from taskforce.access import password_variable
    from taskforce.build import build
    from taskforce.cli import main
    from taskforce.warehouse import connect
    from tests.conftest import postgres_url, settings_for

    admin_url = postgres_url()
    assert admin_url
    require_createrole(admin_url)
    prefix = f"d{uuid.uuid4().hex[:8]}_"
    config.add_cleanup(lambda: drop_roles(admin_url, prefix))  # after conftest has dropped the database
    agency = next(iter(load_agencies()))
    data_dir = factory.mktemp("dashboard_postgres")
    settings = settings_for("postgres", data_dir)
    logins = {  # login names must differ from the group names (<prefix>donor is the donor group)
        "loader": f"{prefix}u_load",
        "coordinator": f"{prefix}u_coord",
        f"agency_{agency}": f"{prefix}u_agent",
        "donor": f"{prefix}u_donor",
    }
    passwords = {login: secrets.token_urlsafe(16) for login in logins.values()}
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TASKFORCE_ROLE_PREFIX", prefix)
        for login, password in passwords.items():
            env.setenv(password_variable(login), password)
        out = io.StringIO()
        with redirect_stdout(out):
            args = [f"{group}:{login}" for group, login in logins.items()]
            code = main(
                ["db", "init", "--admin-url", settings.warehouse_url, *(f"--login={a}" for a in args)]
            )
        assert code == 0, out.getvalue()
        loader = _url_for(settings.warehouse_url, logins["loader"], passwords[logins["loader"]])
        with connect(
            load_settings({"TASKFORCE_DATA_DIR": str(data_dir), "TASKFORCE_WAREHOUSE_URL": loader})
        ) as wh:
            for path in demo_paths:
                assert ingest_file(wh, path).outcome == "loaded"
        outcome = build(settings, quiet=True, unit_tests=False)  # they run in the shared demo build
        assert outcome.ok, outcome.message
    env_vars = {
        "TASKFORCE_DATA_DIR": str(data_dir),
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
        "TASKFORCE_ROLE_PREFIX": prefix,
    }
    for group, login in logins.items():
        if group != "loader":
            url = _url_for(settings.warehouse_url, login, passwords[login])
            env_vars[f"TASKFORCE_DASHBOARD_URL_{group.upper()}"] = url
    return DashboardWarehouse(settings, env_vars, add_users(settings, agency), agency)


def dashboard_warehouse(
    engine: str, factory: pytest.TempPathFactory, demo_paths: list[Path], config: pytest.Config
) -> DashboardWarehouse:
    """The demo warehouse with dashboard users (and on PostgreSQL, role logins); once per session (a
    failed set-up fails every test that needs it at once instead of being tried again)."""
    if engine in _failed:
        pytest.fail(f"the {engine} dashboard warehouse could not be set up: {_failed[engine]}")
    if engine not in _warehouses:
        try:
            _warehouses[engine] = _set_up(engine, factory, demo_paths, config)
        except BaseException as exc:
            if not isinstance(exc, pytest.skip.Exception):
                _failed[engine] = f"{type(exc).__name__}: {str(exc)[:2000]}"
            raise
    return _warehouses[engine]


def _set_up(
    engine: str, factory: pytest.TempPathFactory, demo_paths: list[Path], config: pytest.Config
) -> DashboardWarehouse:
    if engine == "postgres":
        return _postgres_warehouse(factory, demo_paths, config)
    from tests.conftest import built_warehouse

    return duckdb_dashboard_warehouse(built_warehouse("duckdb", factory, demo_paths))


def duckdb_dashboard_warehouse(settings: Settings) -> DashboardWarehouse:
    """A DuckDB warehouse served to dashboards: its settings and the demo users."""
    agency = next(iter(load_agencies()))
    env_vars = {
        "TASKFORCE_DATA_DIR": str(settings.data_dir),
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
    }
    return DashboardWarehouse(settings, env_vars, add_users(settings, agency), agency)


# --- driving the app ---------------------------------------------------------------------------------


def use_env(warehouse: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("TASKFORCE_DASHBOARD_")]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("TASKFORCE_ROLE_PREFIX", raising=False)
    monkeypatch.delenv("TASKFORCE_USERS_FILE", raising=False)
    for name, value in warehouse.env.items():
        monkeypatch.setenv(name, value)


def new_app(script: str | None = None, page: str = "probe") -> AppTest:
    """The app (``script=APP``), or the probe page run on its own as ``page``."""
    if script is None:
        return AppTest.from_string(PROBE.format(page=page), default_timeout=90)
    return AppTest.from_file(script, default_timeout=90)


def open_app(
    warehouse: DashboardWarehouse,
    monkeypatch: pytest.MonkeyPatch,
    script: str | None = None,
    page: str = "probe",
    **env: str,
) -> AppTest:
    use_env(warehouse, monkeypatch)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    app = new_app(script, page)
    app.run()
    assert not app.exception, app.exception
    return app


def sign_in(app: AppTest, name: str, password: str) -> AppTest:
    app.text_input(key="login_user").input(name)
    app.text_input(key="login_password").input(password)
    app.button(key="login_submit").click().run()
    return app


def signed_in_app(
    warehouse: DashboardWarehouse, role: str, monkeypatch: pytest.MonkeyPatch, script: str | None = None
) -> AppTest:
    """The probe page (or ``script``), signed in as the warehouse's user of ``role``."""
    app = open_app(warehouse, monkeypatch, script)
    name = warehouse.user(role)
    return sign_in(app, name, warehouse.passwords[name])


def metrics(app: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in app.metric}


def audit_rows(warehouse: DashboardWarehouse) -> list[tuple]:
    """(user, role, event, page, filters, rows, export) of every audit row, oldest first, as the owner."""
    from taskforce.audit import duckdb_audit_path

    query = (
        "select user_name, user_role, event, page, filters, rows_returned, export_file "
        "from ops.audit_log order by logged_at, event_id"
    )
    if warehouse.engine == "duckdb":
        import duckdb

        path = duckdb_audit_path(warehouse.settings)
        if not path.exists():
            return []
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(query).fetchall()
    with psycopg.connect(warehouse.settings.warehouse_url) as con:
        return con.execute(query).fetchall()


# --- tests ---------------------------------------------------------------------------------------------


def test_nothing_is_shown_or_queried_before_sign_in(
    served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = len(audit_rows(served))
    for script in (APP, None):
        app = open_app(served, monkeypatch, script)
        assert app.title[0].value == "Sign in"
        assert not app.metric and not app.dataframe
    assert not app.metric and not app.dataframe
    assert len(audit_rows(served)) == before  # no query ran, so none was recorded


def test_a_query_outside_a_signed_in_session_is_refused() -> None:
    from dashboards.data import NotSignedIn, query, use_session

    use_session(None)
    with pytest.raises(NotSignedIn):
        query("select 1")


def test_coordinator_sees_everything_and_the_password_leaves_the_session(
    served: DashboardWarehouse, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    app = signed_in_app(served, "coordinator", monkeypatch)
    assert not app.exception, app.exception
    expected = expected_from_files(demo_paths)
    assert metrics(app)["Victims identified"] == f"{expected.identified_persons(2006, 2010):,}"
    password = served.passwords[served.user("coordinator")]
    assert all(app.session_state[key] != password for key in app.session_state)
    shell = signed_in_app(served, "coordinator", monkeypatch, APP)  # the app: its sidebar, whatever the pages
    assert "Signed in as **coord** (coordinator)" in [c.value for c in shell.sidebar.caption]


def test_a_wrong_password_is_refused_and_recorded(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = sign_in(open_app(served_duckdb, monkeypatch), "coord", "not-the-password")
    assert "Wrong user name or password." in [e.value for e in app.error]
    assert not app.metric
    assert audit_rows(served_duckdb)[-1][:4] == ("coord", "coordinator", "login_failed", "login")
    app = sign_in(app, "nobody-here", "not-the-password")
    assert "Wrong user name or password." in [e.value for e in app.error]  # same answer for an unknown name


def test_repeated_wrong_passwords_lock_the_name(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dashboards import auth

    monkeypatch.setattr(auth, "_failures", {})
    store = store_for(served_duckdb.settings)
    store.add("locked-user", "coordinator", None, "right-password-1", replace_existing=True, rounds=4)
    app = open_app(served_duckdb, monkeypatch)
    for _ in range(auth.MAX_FAILURES):
        app = sign_in(app, "locked-user", "wrong-password-0")
    app = sign_in(app, "locked-user", "right-password-1")  # right, but too late
    assert any("Too many wrong passwords" in e.value for e in app.error)
    assert not app.metric


def test_donor_sees_no_person_level_page(served: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch) -> None:
    app = signed_in_app(served, "donor", monkeypatch, APP)
    assert not app.exception, app.exception
    assert "Donor accounts see the published indicator reports" in app.info[0].value
    assert not app.metric and not app.dataframe
    assert audit_rows(served)[-1][:4] == ("donor", "donor", "page_view", "reports")


def test_a_page_run_directly_gates_itself(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Streamlit runs a page file on its own in some cases (an old-style pages folder on a fresh server):
    the page signs the user in itself and refuses roles it is not for."""
    page = open_app(served_duckdb, monkeypatch, page="overview")
    assert page.title[0].value == "Sign in" and not page.metric
    page = sign_in(page, "donor", served_duckdb.passwords["donor"])
    assert "The Overview page is not available to donor accounts." in [e.value for e in page.error]
    assert not page.metric
    assert audit_rows(served_duckdb)[-1][2:4] == ("denied", "overview")


def test_agency_users_need_postgres(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = signed_in_app(served_duckdb, "agency", monkeypatch)
    assert any("Agency accounts need the PostgreSQL warehouse" in e.value for e in app.error)
    assert not app.metric


@pytest.mark.postgres
def test_an_agency_user_sees_only_its_agencys_records(
    served_postgres: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    agency = served_postgres.agency
    with psycopg.connect(served_postgres.settings.warehouse_url) as con:  # as the owner, by the manifest
        own = con.execute(
            "select count(distinct m.person_key) from marts.fct_identifications as m "
            "join ops.batches as b on b.batch_id = m.batch_id "
            "where b.agency = %s and m.identification_status = 'identified'",
            (agency,),
        ).fetchone()[0]
        everyone = con.execute(
            "select count(distinct person_key) from marts.fct_identifications "
            "where identification_status = 'identified'"
        ).fetchone()[0]
    assert 0 < own < everyone
    app = signed_in_app(served_postgres, "agency", monkeypatch)
    assert metrics(app)["Victims identified"] == f"{own:,}"


@pytest.mark.postgres
def test_queries_run_on_the_roles_own_login(
    served_postgres: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    signed_in_app(served_postgres, "coordinator", monkeypatch)
    prefix = served_postgres.env["TASKFORCE_ROLE_PREFIX"]
    with psycopg.connect(served_postgres.settings.warehouse_url) as con:
        sessions = {
            user
            for (user,) in con.execute(
                "select usename from pg_stat_activity where datname = current_database() and usename like %s",
                (f"{prefix}%",),
            )
        }
    assert f"{prefix}u_coord" in sessions  # the pooled connections of the dashboard belong to the role login


@pytest.mark.postgres
def test_the_owners_login_or_a_missing_login_is_refused(
    served_postgres: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    use_env(served_postgres, monkeypatch)
    monkeypatch.setenv("TASKFORCE_DASHBOARD_URL_COORDINATOR", served_postgres.settings.warehouse_url)
    app = new_app()
    app.run()
    app = sign_in(app, "coord", served_postgres.passwords["coord"])
    assert any("same database login as the warehouse owner" in e.value for e in app.error)
    assert not app.metric
    monkeypatch.delenv("TASKFORCE_DASHBOARD_URL_COORDINATOR")
    app = new_app()
    app.run()
    app = sign_in(app, "coord", served_postgres.passwords["coord"])
    assert any("must set TASKFORCE_DASHBOARD_URL_COORDINATOR" in e.value for e in app.error)


@pytest.mark.postgres
def test_a_login_that_can_write_the_warehouse_is_refused(served_postgres: DashboardWarehouse) -> None:
    from dashboards.auth import AccessProblem, verify_login

    prefix = served_postgres.env["TASKFORCE_ROLE_PREFIX"]
    owner_url = served_postgres.settings.warehouse_url
    both = f"{prefix}both"
    password = secrets.token_urlsafe(12)
    with psycopg.connect(owner_url, autocommit=True) as con:
        con.execute(
            sql.SQL("create role {} login password {}").format(sql.Identifier(both), sql.Literal(password))
        )
        for group in ("coordinator", "loader"):
            con.execute(
                sql.SQL("grant {} to {}").format(sql.Identifier(f"{prefix}{group}"), sql.Identifier(both))
            )
    url = _url_for(owner_url, both, password)
    with pytest.raises(AccessProblem, match="may change or own the warehouse"):
        verify_login(url, "coordinator", prefix)
    with pytest.raises(AccessProblem, match="not a member"):
        verify_login(url, "donor", prefix)


# --- reverse proxy and OpenID Connect ------------------------------------------------------------------


def test_identity_from_a_proxy_header(tmp_path: Path) -> None:
    from dashboards.auth import identity_from_headers

    store = UserStore(tmp_path / "users.json")
    store.add("ayse@example.org", "coordinator", None, None, rounds=4)
    assert identity_from_headers(
        {"x-forwarded-user": "Ayse@Example.org"}, "X-Forwarded-User", store
    ).name == ("ayse@example.org")
    assert identity_from_headers({"X-Forwarded-User": "mallory"}, "X-Forwarded-User", store) is None
    assert identity_from_headers({}, "X-Forwarded-User", store) is None


def test_proxy_mode_is_refused_on_a_public_address(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit import config

    previous = config.get_option("server.address")
    config.set_option("server.address", "0.0.0.0")
    try:
        app = open_app(served_duckdb, monkeypatch, TASKFORCE_DASHBOARD_AUTH="proxy")
    finally:
        config.set_option("server.address", previous)
    assert any("listens on a public address" in e.value for e in app.error)
    assert not app.metric


def test_proxy_mode_without_the_header_shows_nothing(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = open_app(served_duckdb, monkeypatch, TASKFORCE_DASHBOARD_AUTH="proxy")
    assert any("You are not signed in" in e.value for e in app.error)
    assert not app.metric and not app.text_input


OIDC_SECRETS = {
    "auth": {
        "redirect_uri": "http://127.0.0.1:8501/oauth2callback",
        "cookie_secret": "a-test-cookie-secret-that-is-long-enough",
        "client_id": "taskforce",
        "client_secret": "test",
        "server_metadata_url": "http://127.0.0.1:9/.well-known/openid-configuration",
    }
}


def _oidc_app(warehouse: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch, user: dict) -> AppTest:
    use_env(warehouse, monkeypatch)
    monkeypatch.setenv("TASKFORCE_DASHBOARD_AUTH", "oidc")
    app = new_app()
    app.secrets.update(OIDC_SECRETS)
    app.user = user
    app.run()
    assert not app.exception, app.exception
    return app


def test_oidc_maps_the_verified_email_to_a_role(
    served_duckdb: DashboardWarehouse, demo_paths: list[Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    store_for(served_duckdb.settings).add(
        "chair@taskforce.example", "coordinator", None, None, True, rounds=4
    )
    claims = {"is_logged_in": True, "email": "Chair@taskforce.example", "email_verified": True, "sub": "x"}
    app = _oidc_app(served_duckdb, monkeypatch, claims)
    expected = expected_from_files(demo_paths).identified_persons(2006, 2010)
    assert metrics(app)["Victims identified"] == f"{expected:,}"
    assert audit_rows(served_duckdb)[-1][:2] == ("chair@taskforce.example", "coordinator")
    for refused in ({**claims, "email_verified": False}, {**claims, "email": "stranger@example.org"}):
        app = _oidc_app(served_duckdb, monkeypatch, refused)
        assert any("no dashboard role" in e.value for e in app.error) and not app.metric


def test_oidc_without_a_signed_in_user_offers_the_provider_or_says_what_is_missing(
    served_duckdb: DashboardWarehouse, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib.util

    app = _oidc_app(served_duckdb, monkeypatch, {"is_logged_in": False})
    assert not app.metric
    if importlib.util.find_spec("authlib") is None:
        assert any("needs the Authlib package" in e.value for e in app.error)
    else:
        assert [b.label for b in app.button] == ["Sign in with your organisation's account"]
    use_env(served_duckdb, monkeypatch)
    monkeypatch.setenv("TASKFORCE_DASHBOARD_AUTH", "oidc")
    app = new_app()
    app.run()  # no [auth] section
    assert any("has no [auth] section" in e.value for e in app.error)


# --- the user store and its command ----------------------------------------------------------------


def test_users_command_reads_passwords_from_stdin_and_stores_bcrypt_hashes(tmp_path: Path) -> None:
    env = {**os.environ, "TASKFORCE_DATA_DIR": str(tmp_path)}
    env.pop("TASKFORCE_USER_PASSWORD", None)
    env.pop("TASKFORCE_USERS_FILE", None)
    agency = next(iter(load_agencies()))

    def users(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
        command = [*TASKFORCE, "users", *args]
        options = {"env": env, "cwd": PROJECT_ROOT, "text": True, "capture_output": True, "timeout": 60}
        return subprocess.run(command, input=stdin, check=False, **options)

    added = users("add", "Ayse", "--role", "agency", "--agency", agency, stdin="a long password 1\n")
    assert added.returncode == 0, added.stderr
    assert users("add", "ayse", "--role", "coordinator", stdin="another password\n").returncode == 1
    assert "at least" in users("add", "bob", "--role", "donor", stdin="short\n").stderr
    assert "needs --agency" in users("add", "carl", "--role", "agency", stdin="long enough pw\n").stderr
    path = tmp_path / "dashboard_users.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    text = path.read_text()
    assert "a long password 1" not in text and '"password_hash": "$2b$12$' in text
    store = UserStore(path)
    assert store.authenticate("AYSE", "a long password 1").agency == agency
    assert store.authenticate("ayse", "a long password 2") is None
    assert users("passwd", "ayse", stdin="a new password 22\n").returncode == 0
    assert store.authenticate("ayse", "a new password 22") is not None
    listing = users("list").stdout
    assert "ayse" in listing and "$2b$" not in listing
    assert (
        users("disable", "ayse").returncode == 0 and store.authenticate("ayse", "a new password 22") is None
    )
    assert users("remove", "ayse").returncode == 0 and store.users() == {}


def test_demo_creates_a_user_per_role_and_says_how_to_sign_in(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from taskforce.cli import _demo_users

    settings = load_settings({"TASKFORCE_DATA_DIR": str(tmp_path)})
    _demo_users(settings, "http://127.0.0.1:8501")
    out = capsys.readouterr().out
    store = store_for(settings)
    assert {u.role for u in store.users().values()} == set(ROLE_GROUPS)
    assert "sign in at http://127.0.0.1:8501" in out
    for user in store.users().values():
        password = out.split(user.name, 1)[1].split("password ", 1)[1].split()[0]
        assert store.authenticate(user.name, password) == user


# --- hardening ------------------------------------------------------------------------------------------


def test_the_server_configuration_stays_hardened() -> None:
    """.streamlit/config.toml (read from the project folder, where `taskforce dashboard` starts Streamlit)."""
    import tomllib

    config = tomllib.loads((PROJECT_ROOT / ".streamlit" / "config.toml").read_text())
    assert config["server"]["address"] == "127.0.0.1"
    assert config["server"]["enableXsrfProtection"] is True and config["server"]["enableCORS"] is True
    assert config["client"]["showErrorDetails"] == "none"
    assert config["browser"]["gatherUsageStats"] is False


def test_nothing_is_cached_on_disk() -> None:
    sources = {p: p.read_text() for p in (PROJECT_ROOT / "dashboards").rglob("*.py")}
    assert [str(p) for p, text in sources.items() if "persist=" in text or "persist =" in text] == []


# --- the reverse-proxy header, through a served dashboard and a real browser ------------------------------


def test_a_served_dashboard_takes_the_identity_from_the_proxy_header(
    served_duckdb: DashboardWarehouse, tmp_path: Path
) -> None:
    """`taskforce dashboard` in proxy mode behind a stand-in for the proxy: Chromium sends the header the
    proxy would set. With it the user is signed in; without it nothing is shown."""
    import shutil

    from playwright.sync_api import sync_playwright

    from tests.test_browser import (
        APP_IDLE,
        CHROMIUM_ARGS,
        PAGE_TIMEOUT_MS,
        free_port,
        stop_server,
        wait_for_health,
    )

    executable = shutil.which("chromium")
    if not executable:
        if os.environ.get("TASKFORCE_REQUIRE_BROWSER") == "1":
            pytest.fail("TASKFORCE_REQUIRE_BROWSER=1 but no `chromium` on PATH")
        pytest.skip("no `chromium` on PATH (Debian package `chromium`)")

    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("TASKFORCE_DASHBOARD_")}
    env |= {**served_duckdb.env, "TASKFORCE_DASHBOARD_AUTH": "proxy"}
    log = tmp_path / "server.log"
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*TASKFORCE, "dashboard", "--port", str(port)],
            env=env,
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    base = f"http://127.0.0.1:{port}"
    try:
        assert wait_for_health(base, server, 60), log.read_text(errors="replace")[-3000:]
        with sync_playwright() as playwright:
            launch = {"executable_path": executable, "headless": True, "args": CHROMIUM_ARGS}
            browser = playwright.chromium.launch(**launch)
            try:
                shown = {}
                for header in ({"X-Forwarded-User": "coord"}, {}):
                    context = browser.new_context(extra_http_headers=header)
                    page = context.new_page()
                    page.goto(base, wait_until="load", timeout=PAGE_TIMEOUT_MS)
                    page.wait_for_selector(APP_IDLE, timeout=PAGE_TIMEOUT_MS)
                    shown[bool(header)] = page.inner_text("body")
                    context.close()
            finally:
                browser.close()
    finally:
        stop_server(server)
    assert "Signed in as coord" in shown[True]
    assert "You are not signed in" in shown[False] and "Signed in as" not in shown[False]
