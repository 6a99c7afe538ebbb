"""Access control on the PostgreSQL warehouse, checked after `dbt build` and again after
`dbt build --full-refresh` (a table rebuild drops row-level security unless dbt re-applies it).

The warehouse is set up the way a deployment would be: a fresh database, `taskforce db init` (twice:
it must be idempotent) with a loader login, an agency login and a coordinator login, the demo extracts
ingested through the loader login, then built by the database owner. The Data health page is run as the
coordinator's and the agency's dashboard logins: what it reads from ``ops`` is granted to the coordinator
(of the quarantine, never the original cells), and to no agency. Rows each role sees are counted under
SET ROLE from a NOINHERIT test login that is a member of every application role, against counts made as
the owner.

Roles are cluster-wide, so every run uses its own role prefix (TASKFORCE_ROLE_PREFIX) and drops its
roles at the end. The PostgreSQL role of TASKFORCE_TEST_POSTGRES_URL needs CREATEROLE as well as
CREATEDB; without it these tests are skipped (or fail when TASKFORCE_REQUIRE_POSTGRES=1).
"""

from __future__ import annotations

import io
import os
import secrets
import uuid
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import yaml
from psycopg import sql
from streamlit.testing.v1 import AppTest

from ingest.contract import load_agencies
from ingest.run import ingest_file
from taskforce.access import (
    AccessError,
    ClusterState,
    Roles,
    parse_logins,
    password_variable,
    role_prefix,
    role_statements,
)
from taskforce.build import build
from taskforce.cli import main
from taskforce.settings import Settings, load_settings
from taskforce.warehouse import connect
from tests.conftest import postgres_url, settings_for
from tests.test_dashboard_login import APP, DashboardWarehouse, add_users, sign_in, use_env

MARTS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "models" / "marts"
# pseudonymous keys of people
PERSON_COLUMNS = ("person_key", "linked_person_key", "defendant_key", "suspect_key")


def declared_row_access() -> dict[str, str]:
    """Mart -> the column naming its owning agency, as declared in the marts' YAML (meta.row_access)."""
    declared = {}
    for path in sorted(MARTS_DIR.rglob("_*__models.yml")):
        for model in yaml.safe_load(path.read_text()).get("models") or []:
            access = ((model.get("config") or {}).get("meta") or {}).get("row_access")
            if access:
                declared[model["name"]] = access["agency_column"]
    return declared


PROTECTED_MARTS = declared_row_access()
POLICIES = {"builder_all_rows", "agency_own_rows", "coordinator_all_rows"}
WAREHOUSE_SCHEMAS = ("raw", "ops", "reference", "staging", "intermediate", "marts", "reporting", "public")


@dataclass(frozen=True)
class Protected:
    """A demo warehouse under access control, and how to reach it as its owner and as the roles."""

    settings: Settings  # the database owner (who ran db init and builds)
    roles: Roles
    tester_url: str  # NOINHERIT login, member of every application role: for SET ROLE
    agency_login_url: str  # a login of the first agency's role
    coordinator_login_url: str  # a login of the coordinator role (the dashboard's)
    loader_login: str
    init_outputs: tuple[str, ...]


def _url_for(url: str, user: str, password: str) -> str:
    parts = urlsplit(url)
    netloc = f"{user}:{password}@{parts.hostname}:{parts.port or 5432}"
    return urlunsplit(parts._replace(netloc=netloc))


def _require_createrole(url: str) -> None:
    """Creating roles needs CREATEROLE; say so instead of failing obscurely."""
    with psycopg.connect(url) as con:
        row = con.execute("select rolsuper or rolcreaterole from pg_roles where rolname = current_user")
        allowed = row.fetchone()[0]
    if not allowed:
        message = "the role of TASKFORCE_TEST_POSTGRES_URL needs CREATEROLE for the access-control tests"
        if os.environ.get("TASKFORCE_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)


def _db_init(url: str, *args: str) -> str:
    """Run `taskforce db init` through the CLI, as an operator would, and return what it printed."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = main(["db", "init", "--admin-url", url, *args])
    assert code == 0, out.getvalue()
    return out.getvalue()


def _ingest_as(settings: Settings, paths: list[Path]) -> None:
    with connect(settings) as wh:
        for path in paths:
            result = ingest_file(wh, path)
            assert result.outcome == "loaded", result.message


def _create_tester(owner_url: str, roles: Roles, tester: str, password: str) -> None:
    """A login that may SET ROLE to every application role but inherits none of their rights."""
    with psycopg.connect(owner_url, autocommit=True) as con:
        con.execute(
            sql.SQL("create role {} login noinherit password {}").format(
                sql.Identifier(tester), sql.Literal(password)
            )
        )
        for group in roles.groups():
            con.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), sql.Identifier(tester)))
        database = con.execute("select current_database()").fetchone()[0]
        con.execute(  # NOINHERIT: it cannot use the groups' CONNECT until it has SET ROLE
            sql.SQL("grant connect on database {} to {}").format(
                sql.Identifier(database), sql.Identifier(tester)
            )
        )


def _drop_database_and_roles(admin_url: str, database: str, prefix: str) -> None:
    """The database first (it holds the roles' privileges), then every role with the run's prefix."""
    with psycopg.connect(admin_url, autocommit=True) as con:
        con.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(database)))
        names = con.execute("select rolname from pg_roles where starts_with(rolname, %s)", (prefix,))
        for (name,) in names.fetchall():
            con.execute(sql.SQL("drop role {}").format(sql.Identifier(name)))


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> Iterator[Protected]:
    admin_url = postgres_url()
    assert admin_url
    _require_createrole(admin_url)
    prefix = f"t{uuid.uuid4().hex[:8]}_"
    roles = Roles(prefix, tuple(load_agencies()))
    first_agency = roles.agencies[0]
    loader_login, agency_login, tester = f"{prefix}ingest", f"{prefix}{first_agency}_user", f"{prefix}tester"
    coordinator_login = f"{prefix}coord_user"
    passwords = {
        name: secrets.token_urlsafe(16) for name in (loader_login, agency_login, coordinator_login, tester)
    }
    data_dir = tmp_path_factory.mktemp("access_control")
    settings = settings_for("postgres", data_dir)
    database = urlsplit(settings.warehouse_url).path.strip("/")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TASKFORCE_ROLE_PREFIX", prefix)  # read by dbt's macros and grants config
        for name in (loader_login, agency_login, coordinator_login):
            env.setenv(password_variable(name), passwords[name])
        try:
            logins = ["--login", f"loader:{loader_login}", "--login", f"agency_{first_agency}:{agency_login}"]
            logins += ["--login", f"coordinator:{coordinator_login}"]
            outputs = tuple(_db_init(settings.warehouse_url, *logins) for _ in range(2))
            loader_url = _url_for(settings.warehouse_url, loader_login, passwords[loader_login])
            _ingest_as(
                load_settings({"TASKFORCE_DATA_DIR": str(data_dir), "TASKFORCE_WAREHOUSE_URL": loader_url}),
                demo_paths,
            )
            outcome = build(settings, quiet=True, unit_tests=False)
            assert outcome.ok, outcome.message
            _create_tester(settings.warehouse_url, roles, tester, passwords[tester])
            yield Protected(
                settings=settings,
                roles=roles,
                tester_url=_url_for(settings.warehouse_url, tester, passwords[tester]),
                agency_login_url=_url_for(settings.warehouse_url, agency_login, passwords[agency_login]),
                coordinator_login_url=_url_for(
                    settings.warehouse_url, coordinator_login, passwords[coordinator_login]
                ),
                loader_login=loader_login,
                init_outputs=outputs,
            )
        finally:
            _drop_database_and_roles(admin_url, database, prefix)


@pytest.fixture(scope="module", params=["after build", "after full refresh"])
def protected(request: pytest.FixtureRequest, warehouse: Protected) -> Protected:
    """The warehouse after a normal build, then after `dbt build --full-refresh` (which recreates every
    table: whatever access control a post-hook does not re-apply is gone)."""
    if request.param == "after full refresh":
        outcome = build(warehouse.settings, full_refresh=True, quiet=True, unit_tests=False)
        assert outcome.ok, outcome.message
    return warehouse


def _owner(protected: Protected) -> psycopg.Connection:
    return psycopg.connect(protected.settings.warehouse_url, autocommit=True)


def _count_as(con: psycopg.Connection, role: str, relation: str) -> int:
    """Rows of ``relation`` visible to ``role``; one transaction, so SET LOCAL ROLE ends with it."""
    with con.transaction():
        con.execute(sql.SQL("set local role {}").format(sql.Identifier(role)))
        row = con.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(*relation.split("."))))
        return row.fetchone()[0]


def _rows_per_agency(con: psycopg.Connection, mart: str) -> dict[str | None, int]:
    """Rows per owning agency as the owner sees them (None: rows no agency owns, e.g. a person nobody
    identified, which only the coordinator may see)."""
    rows = con.execute(
        sql.SQL("select {column}, count(*) from marts.{mart} group by {column}").format(
            column=sql.Identifier(PROTECTED_MARTS[mart]), mart=sql.Identifier(mart)
        )
    )
    return dict(rows.fetchall())


def _person_level_relations(con: psycopg.Connection, schemas: tuple[str, ...]) -> list[str]:
    """Tables and views with a pseudonymous person column in ``schemas``, as schema.name."""
    rows = con.execute(
        "select distinct n.nspname || '.' || c.relname from pg_class as c "
        "join pg_namespace as n on n.oid = c.relnamespace "
        "join pg_attribute as a on a.attrelid = c.oid and a.attname = any(%s) and not a.attisdropped "
        "where n.nspname = any(%s) and c.relkind in ('r', 'v', 'm', 'p') order by 1",
        (list(PERSON_COLUMNS), list(schemas)),
    )
    return [row[0] for row in rows.fetchall()]


def test_every_person_level_mart_declares_row_access(protected: Protected) -> None:
    with _owner(protected) as con:
        marts = {name.split(".")[1] for name in _person_level_relations(con, ("marts",))}
    assert {"fct_identifications", "fct_returns"} <= marts
    # every mart with a person column is protected; a mart may be protected without one (case rows)
    assert marts <= set(PROTECTED_MARTS), sorted(marts - set(PROTECTED_MARTS))


def test_each_agency_role_sees_exactly_its_rows(protected: Protected) -> None:
    roles = protected.roles
    with _owner(protected) as owner, psycopg.connect(protected.tester_url, autocommit=True) as tester:
        for mart in sorted(PROTECTED_MARTS):
            expected = _rows_per_agency(owner, mart)
            total = owner.execute(sql.SQL("select count(*) from marts.{}").format(sql.Identifier(mart)))
            total_rows = total.fetchone()[0]
            assert total_rows > 0 and sum(expected.values()) == total_rows, mart
            assert set(expected) - {None} <= set(roles.agencies), mart
            seen = {code: _count_as(tester, roles.agency(code), f"marts.{mart}") for code in roles.agencies}
            assert seen == {code: expected.get(code, 0) for code in roles.agencies}, mart
            assert _count_as(tester, roles.name("coordinator"), f"marts.{mart}") == total_rows, mart


def test_an_agency_login_sees_only_its_agency_rows(protected: Protected) -> None:
    code = protected.roles.agencies[0]
    with _owner(protected) as owner, psycopg.connect(protected.agency_login_url) as login:
        for mart in sorted(PROTECTED_MARTS):
            mart_sql = sql.SQL("select count(*) from marts.{}").format(sql.Identifier(mart))
            assert login.execute(mart_sql).fetchone()[0] == _rows_per_agency(owner, mart).get(code, 0)


def test_row_level_security_is_enabled_forced_and_has_its_policies(protected: Protected) -> None:
    with _owner(protected) as con:
        flags = dict(
            (row[0], (row[1], row[2]))
            for row in con.execute(
                "select relname, relrowsecurity, relforcerowsecurity from pg_class "
                "where relnamespace = 'marts'::regnamespace and relkind = 'r'"
            )
        )
        policies: dict[str, set[str]] = {}
        for table, policy in con.execute(
            "select tablename, policyname from pg_policies where schemaname = 'marts'"
        ):
            policies.setdefault(table, set()).add(policy)
    for mart in PROTECTED_MARTS:
        assert flags[mart] == (True, True), mart
        assert policies.get(mart) == POLICIES, mart


def test_views_over_marts_check_the_reader_not_the_owner(protected: Protected) -> None:
    """Every view a dashboard or donor could read runs with the reader's rights (security_invoker)."""
    with _owner(protected) as con:
        views = con.execute(
            "select n.nspname || '.' || c.relname, coalesce(c.reloptions, '{}') from pg_class as c "
            "join pg_namespace as n on n.oid = c.relnamespace "
            "where n.nspname in ('marts', 'reporting') and c.relkind = 'v'"
        ).fetchall()
    assert [name for name, options in views if "security_invoker=true" not in options] == []


def test_the_donor_is_denied_every_person_level_relation(protected: Protected) -> None:
    with _owner(protected) as owner:
        relations = _person_level_relations(owner, WAREHOUSE_SCHEMAS)
        relations += ["ops.quarantine", "marts.dim_province"]  # quarantine keeps original cells
        relations += [f"marts.{mart}" for mart in PROTECTED_MARTS if f"marts.{mart}" not in relations]
    with psycopg.connect(protected.tester_url, autocommit=True) as tester:
        for relation in relations:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                _count_as(tester, protected.roles.name("donor"), relation)


def test_dashboard_roles_read_dimensions_and_nothing_upstream(protected: Protected) -> None:
    roles = protected.roles
    readers = [*(roles.agency(code) for code in roles.agencies), roles.name("coordinator")]
    with _owner(protected) as owner:
        upstream = _person_level_relations(owner, ("raw", "ops", "staging"))
    assert upstream
    with psycopg.connect(protected.tester_url, autocommit=True) as tester:
        for role in readers:
            assert _count_as(tester, role, "marts.dim_province") == 81
            assert _count_as(tester, role, "marts.dim_nationality") > 0
        for relation in [*upstream, "ops.quarantine"]:
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                _count_as(tester, roles.agency(roles.agencies[0]), relation)


def test_loader_steward_and_auditor_stay_in_their_lanes(protected: Protected) -> None:
    roles = protected.roles
    with psycopg.connect(protected.tester_url, autocommit=True) as tester:
        assert _count_as(tester, roles.name("steward"), "ops.quarantine") > 0
        for group in ("loader", "steward", "auditor"):
            for mart in sorted(PROTECTED_MARTS):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    _count_as(tester, roles.name(group), f"marts.{mart}")


def test_the_loader_login_owns_what_it_loaded_and_the_builder_may_read_it(protected: Protected) -> None:
    roles = protected.roles
    with _owner(protected) as con:
        owners = set(
            row[0]
            for row in con.execute("select tableowner from pg_tables where schemaname in ('raw', 'ops')")
        )
        readable = con.execute(
            "select bool_and(has_table_privilege(%s, schemaname || '.' || tablename, 'select')) "
            "from pg_tables where schemaname = 'raw'",
            (roles.name("builder"),),
        ).fetchone()[0]
    assert owners == {roles.name("loader")}  # the login starts its sessions as the group
    assert readable


def test_no_application_role_is_superuser_or_bypasses_rls(protected: Protected) -> None:
    roles = protected.roles
    with _owner(protected) as con:
        rows = con.execute(
            "with recursive tree(oid) as ("
            "  select oid from pg_roles where starts_with(rolname, %s)"
            "  union select m.member from pg_auth_members as m join tree on m.roleid = tree.oid) "
            "select r.rolname, r.rolsuper, r.rolbypassrls, r.rolcanlogin, r.rolcreaterole, r.rolcreatedb "
            "from pg_roles as r join tree on r.oid = tree.oid",
            (roles.prefix,),
        ).fetchall()
    attributes = {name: rest for name, *rest in rows}
    assert set(roles.groups()) <= set(attributes)
    assert [name for name, (superuser, bypass, *_) in attributes.items() if superuser or bypass] == []
    for group in roles.groups():
        assert attributes[group][2:] == [False, False, False], group  # NOLOGIN, no CREATEROLE or CREATEDB


def test_public_has_no_privileges(protected: Protected) -> None:
    with _owner(protected) as con:
        database = con.execute(
            "select count(*) from pg_database, aclexplode(datacl) as a "
            "where datname = current_database() and a.grantee = 0"
        ).fetchone()[0]
        schemas = con.execute(
            "select array_agg(nspname) from pg_namespace, aclexplode(nspacl) as a "
            "where nspname = any(%s) and a.grantee = 0",
            (list(WAREHOUSE_SCHEMAS),),
        ).fetchone()[0]
        relations = con.execute(
            "select array_agg(c.relname) from pg_class as c"
            " join pg_namespace as n on n.oid = c.relnamespace, aclexplode(c.relacl) as a"
            " where n.nspname = any(%s) and a.grantee = 0",
            (list(WAREHOUSE_SCHEMAS),),
        ).fetchone()[0]
    assert (database, schemas, relations) == (0, None, None)


# --- what the Data health page reads from ops ---------------------------------------------------------

# the tables the page reads from ops, and the quarantine columns the coordinator may read (no payload)
DATA_HEALTH_OPS = {"ops.batches", "ops.quarantine", "ops.rejected_files", "ops.builds"}
QUARANTINE_COLUMNS = ("batch_id", "rules", "reason")


@dataclass(frozen=True)
class DataHealthRun:
    app: AppTest
    ops_reads: tuple[tuple[str, dict[str, object]], ...]  # the page's reads of ops that returned rows


@pytest.fixture(scope="module")
def served(warehouse: Protected) -> DashboardWarehouse:
    """The access-controlled warehouse as the dashboards get it: a user store, the coordinator's and the
    first agency's database logins."""
    agency = warehouse.roles.agencies[0]
    env = {
        "TASKFORCE_DATA_DIR": str(warehouse.settings.data_dir),
        "TASKFORCE_WAREHOUSE_URL": warehouse.settings.warehouse_url,
        "TASKFORCE_ROLE_PREFIX": warehouse.roles.prefix,
        "TASKFORCE_DASHBOARD_URL_COORDINATOR": warehouse.coordinator_login_url,
        f"TASKFORCE_DASHBOARD_URL_AGENCY_{agency.upper()}": warehouse.agency_login_url,
    }
    return DashboardWarehouse(warehouse.settings, env, add_users(warehouse.settings, agency), agency)


def _data_health_page(served: DashboardWarehouse, role: str) -> DataHealthRun:
    """The app, signed in as the user of ``role``, on the Data health page; the ops reads that succeeded
    are noted on the way (the page's own SQL and parameters, as its login ran them)."""
    from dashboards import data

    reads: list[tuple[str, dict[str, object]]] = []
    run = data._Reader.run

    def noting(self: data._Reader, statement: str, params: dict[str, object]) -> object:
        frame = run(self, statement, params)
        if "ops." in statement:
            reads.append((statement, dict(params)))
        return frame

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(data._Reader, "run", noting)
        use_env(served, patch)
        app = AppTest.from_file(APP, default_timeout=120)
        app.run()
        user = served.user(role)
        sign_in(app, user, served.passwords[user])
        app.switch_page("pages/data_health.py").run()
    assert not app.exception, app.exception
    assert app.title and app.title[0].value == "Data health"
    return DataHealthRun(app, tuple(reads))


@pytest.fixture(scope="module")
def coordinator_page(served: DashboardWarehouse) -> DataHealthRun:
    return _data_health_page(served, "coordinator")


def _ops_tables(con: psycopg.Connection) -> list[str]:
    rows = con.execute("select 'ops.' || tablename from pg_tables where schemaname = 'ops' order by 1")
    return [row[0] for row in rows.fetchall()]


def test_the_data_health_page_shows_the_coordinator_the_quarantine_reasons(
    coordinator_page: DataHealthRun, warehouse: Protected
) -> None:
    app = coordinator_page.app
    note = "This part reads the load records (ops), which your role may not read. A data steward sees it."
    assert note not in [i.value for i in app.info]
    assert not app.error
    reasons = next(f.value for f in app.dataframe if {"Rule", "Column"} <= set(f.value.columns))
    with _owner(warehouse) as con:
        quarantined = con.execute(
            "select count(*) from ops.quarantine as q join ops.batches as b on b.batch_id = q.batch_id "
            "where b.status = 'active'"
        ).fetchone()[0]
    assert quarantined > 0 and len(reasons) > 0
    assert 0 < reasons["Rows quarantined"].sum() <= quarantined
    assert any(s.value.startswith("Last successful build:") for s in app.success)  # ops.builds


def test_the_pages_ops_reads_run_on_the_coordinator_login_and_the_payload_is_denied(
    coordinator_page: DataHealthRun, warehouse: Protected
) -> None:
    import re

    import sqlalchemy as sa

    read = {
        f"ops.{t}"
        for statement, _ in coordinator_page.ops_reads
        for t in re.findall(r"ops\.(\w+)", statement)
    }
    assert read == DATA_HEALTH_OPS
    login = urlsplit(warehouse.coordinator_login_url).username
    engine = sa.create_engine(
        warehouse.coordinator_login_url.replace("postgresql://", "postgresql+psycopg://", 1)
    )
    try:
        with engine.connect() as con:
            assert con.execute(sa.text("select current_user")).scalar() == login
            for statement, params in coordinator_page.ops_reads:
                con.execute(sa.text(statement), params).fetchall()
    finally:
        engine.dispose()
    with psycopg.connect(warehouse.coordinator_login_url, autocommit=True) as con:
        columns = ", ".join(QUARANTINE_COLUMNS)
        assert (
            con.execute(f"select count(*) from (select {columns} from ops.quarantine) as q").fetchone()[0] > 0
        )
        for denied in (
            "select payload from ops.quarantine",
            "select * from ops.quarantine",
            "select count(*) from ops.quarantine where payload like '%'",
            "select user_name from ops.audit_log",
            "select * from ops.retention_log",
        ):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                con.execute(denied)


def test_donor_and_agency_roles_are_denied_every_ops_table(protected: Protected) -> None:
    roles = protected.roles
    with _owner(protected) as owner:
        tables = _ops_tables(owner)
    assert set(tables) >= DATA_HEALTH_OPS
    denied = [roles.name("donor"), *(roles.agency(code) for code in roles.agencies)]
    with psycopg.connect(protected.tester_url, autocommit=True) as tester:
        for role in denied:
            for table in tables:
                with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                    _count_as(tester, role, table)
        # the coordinator: the page's tables (the quarantine by its granted columns only), nothing more
        coordinator = roles.name("coordinator")
        for table in sorted(DATA_HEALTH_OPS - {"ops.quarantine"}):
            assert _count_as(tester, coordinator, table) >= 0
        for table in sorted(set(tables) - DATA_HEALTH_OPS):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                _count_as(tester, coordinator, table)
    with psycopg.connect(protected.agency_login_url, autocommit=True) as login:
        for table in sorted(DATA_HEALTH_OPS):
            with pytest.raises(psycopg.errors.InsufficientPrivilege, match="permission denied"):
                login.execute(sql.SQL("select count(*) from {}").format(sql.Identifier(*table.split("."))))


def test_an_agency_user_gets_the_note_instead_of_the_ops_parts(served: DashboardWarehouse) -> None:
    run = _data_health_page(served, "agency")
    assert run.ops_reads == ()
    note = "This part reads the load records (ops), which your role may not read. A data steward sees it."
    assert note in [i.value for i in run.app.info]
    assert not [f for f in run.app.dataframe if {"Rule", "Column"} <= set(f.value.columns)]


def _privileges_snapshot(url: str, prefix: str) -> tuple[object, ...]:
    with psycopg.connect(url) as con:
        return (
            con.execute(
                "select rolname from pg_roles where starts_with(rolname, %s) order by 1", (prefix,)
            ).fetchall(),
            con.execute(
                "select g.rolname, m.rolname from pg_auth_members as a"
                " join pg_roles as g on g.oid = a.roleid join pg_roles as m on m.oid = a.member"
                " where starts_with(g.rolname, %s) order by 1, 2",
                (prefix,),
            ).fetchall(),
            con.execute("select datacl::text from pg_database where datname = current_database()").fetchall(),
            con.execute(
                "select nspname, nspowner::regrole::text, nspacl::text from pg_namespace order by 1"
            ).fetchall(),
            con.execute(
                "select defaclrole, defaclnamespace, defaclacl::text from pg_default_acl order by 1, 2"
            ).fetchall(),
            con.execute(
                "select relname, relacl::text from pg_class"
                " where relnamespace = 'ops'::regnamespace order by 1"
            ).fetchall(),
            con.execute(  # column-level grants (the coordinator's columns of ops.quarantine)
                "select c.relname, a.attname, a.attacl::text from pg_attribute as a"
                " join pg_class as c on c.oid = a.attrelid"
                " where c.relnamespace = 'ops'::regnamespace and a.attacl is not null order by 1, 2"
            ).fetchall(),
        )


def test_db_init_is_idempotent(warehouse: Protected) -> None:
    first, second = warehouse.init_outputs
    assert "access control ready" in first and "access control ready" in second
    url, prefix = warehouse.settings.warehouse_url, warehouse.roles.prefix
    before = _privileges_snapshot(url, prefix)
    again = _db_init(url, "--login", f"loader:{warehouse.loader_login}")
    assert "access control ready" in again
    assert _privileges_snapshot(url, prefix) == before


def test_db_init_on_duckdb_explains_there_are_no_roles(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["db", "init", "--admin-url", f"duckdb:///{tmp_path / 'warehouse.duckdb'}"]) == 0
    assert "no roles" in capsys.readouterr().out


def test_role_prefix_must_be_a_plain_identifier() -> None:
    assert role_prefix(environ={}) == "tf_"
    assert role_prefix(environ={"TASKFORCE_ROLE_PREFIX": "tf2_"}) == "tf2_"
    for bad in ("TF_", "1tf_", "tf-", "tf_'; drop", "t" * 21):
        with pytest.raises(AccessError):
            role_prefix(bad)


def test_login_arguments_name_a_group_and_a_plain_user() -> None:
    roles = Roles("tf_", ("tnp", "iom"))
    assert [(login.group, login.user) for login in parse_logins(["agency_iom:ayse"], roles)] == [
        ("agency_iom", "ayse")
    ]
    for bad in ("agency_xyz:ayse", "ayse", "donor:Ayse", "donor:tf_donor", "superuser:x"):
        with pytest.raises(AccessError):
            parse_logins([bad], roles)


def test_role_statements_issue_only_what_is_missing() -> None:
    roles = Roles("tf_", ("tnp",))
    state = ClusterState("admin", False, True, True, "warehouse")
    fresh = role_statements(roles, state)
    assert len(fresh) == 2 * len(roles.groups()) + len(roles.memberships()) + 2  # create+comment, grants
    state.roles = {name: (False, False) for name in roles.groups()}
    state.memberships = {*roles.memberships(), ("tf_loader", "admin"), ("tf_builder", "admin")}
    assert role_statements(roles, state) == []
