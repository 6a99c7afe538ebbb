"""Roles, schemas and privileges of the PostgreSQL warehouse: what ``taskforce db init`` sets up.

Several agencies share one warehouse; each may see only its own person-level rows, and a donor only
suppressed aggregates. PostgreSQL enforces that with roles, privileges and row-level security (RLS).
dbt re-applies RLS policies and table grants on every build, inside each model's transaction
(``dbt_project/macros/access_control.sql``); this module sets up what dbt cannot: the roles (they are
cluster-wide), the schemas and their owners, database, schema and default privileges, the grants on the
``ops`` tables, and nothing at all for PUBLIC. Running it again changes nothing that is already right.

Group roles (NOLOGIN), named ``<prefix><group>`` with the prefix from ``TASKFORCE_ROLE_PREFIX``
(default ``tf_``; the dbt macros read the same variable):

=============== =========================================================================================
loader          owns ``raw`` and ``ops`` and writes them (ingest); no access to anything dbt builds
builder         owns the schemas dbt builds (reference, staging, intermediate, marts, reporting); reads
                ``raw`` and ``ops``; records builds in ``ops.builds``
dashboard       reads the marts (granted by dbt); members: every agency role and the coordinator; may append
                to the audit log (INSERT only)
agency_<code>   one per agency of the registry; sees its own rows of every person-level mart (RLS)
coordinator     sees every row of the person-level marts; reads what the Data health page shows from ``ops``:
                ``ops.batches``, ``ops.rejected_files``, ``ops.builds`` and, of ``ops.quarantine``, only the
                batch, rules and reason columns (never ``payload``, the original cells)
donor           reads the ``reporting`` schema only (suppressed aggregates); nothing person-level; may append
                to the audit log
steward         reads the quarantine (``ops.quarantine``, ``ops.rejected_files``, ``ops.batches``)
auditor         reads the audit log (``ops.audit_log``) and the destruction log (``ops.retention_log``)
=============== =========================================================================================

People and services log in as LOGIN roles that are members of a group: ``--login agency_tnp:ayse``
creates (or updates) the login ``ayse`` in ``<prefix>agency_tnp``, with the password from
``TASKFORCE_PASSWORD_AYSE`` when set (sent as a SCRAM verifier, never in clear text).

Creating roles needs CREATEROLE (not superuser); everything else needs the database's owner. When the
connecting role lacks CREATEROLE and roles are missing, the command prints the SQL for a DBA instead.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from taskforce.settings import engine_of
from taskforce.warehouse import OPS_DDL

ROLE_PREFIX_VARIABLE = "TASKFORCE_ROLE_PREFIX"
DEFAULT_ROLE_PREFIX = "tf_"
PASSWORD_VARIABLE_PREFIX = "TASKFORCE_PASSWORD_"

# The same rule as taskforce_role_prefix() in dbt_project/macros/access_control.sql: role names stay
# well under PostgreSQL's 63 characters and need no quoting in the policies dbt writes.
_PREFIX = re.compile(r"[a-z][a-z0-9_]{0,19}")
_LOGIN = re.compile(r"[a-z_][a-z0-9_]{0,62}")

GROUPS: dict[str, str] = {
    "loader": "writes raw and ops (owns them; ingest)",
    "builder": "owns the dbt schemas (reference, staging, intermediate, marts, reporting); reads raw, ops",
    "dashboard": "reads the marts (grants by dbt), appends to the audit log; members: agencies, coordinator",
    "coordinator": "every row of the person-level marts; batches, refused files, builds, quarantine reasons",
    "donor": "the reporting schema only, nothing person-level; appends to the audit log",
    "steward": "reads the quarantine (ops.quarantine, ops.rejected_files, ops.batches)",
    "auditor": "reads the audit log (ops.audit_log) and the retention log (ops.retention_log)",
}
AGENCY_PURPOSE = "its own rows of every person-level mart (row-level security)"

# Schema -> owning group. The loader's schemas hold what agencies sent; the builder's what dbt makes.
SCHEMA_OWNERS: dict[str, str] = {
    "raw": "loader",
    "ops": "loader",
    "reference": "builder",
    "staging": "builder",
    "intermediate": "builder",
    "marts": "builder",
    "reporting": "builder",
}
STEWARD_TABLES = ("ops.quarantine", "ops.rejected_files", "ops.batches")
# The coordinator's Data health page reads these from ops (dashboards/pages/data_health.py). Of the
# quarantine only the columns without values sent: a column-level grant, so ``payload`` (the original
# cells, kept for the steward) stays out of reach. Agency roles get none of it (no row-level security
# on ops): their page shows a note instead.
COORDINATOR_OPS_TABLES = ("ops.batches", "ops.rejected_files", "ops.builds")
QUARANTINE = "ops.quarantine"
COORDINATOR_QUARANTINE_COLUMNS = ("batch_id", "rules", "reason")
AUDIT_TABLES = ("ops.audit_log", "ops.retention_log")
# the dashboards record every page view: their groups may append to the audit log and do nothing else
# with it (no SELECT, UPDATE, DELETE or TRUNCATE); a trigger refuses changes even to its owner
AUDIT_LOG = "ops.audit_log"
AUDIT_WRITERS = ("dashboard", "donor")
# the builder records builds and the batches each used, and syncs the agency registry before dbt runs
BUILDER_OPS_TABLES = ("ops.builds", "ops.build_batches", "ops.agencies", "ops.agency_sources")
# Groups whose logins should create objects as the group (ALTER ROLE ... SET role), so that objects
# belong to the group, default privileges apply, and any login of the group can replace them.
OWNING_GROUPS = ("loader", "builder")

DUCKDB_MESSAGE = (
    "The warehouse is DuckDB: an embedded, single-user file. It has no roles, grants or row-level "
    "security, so there is nothing to initialise: whoever can read the file can read all of it. Keep it "
    "on a trusted machine, and use PostgreSQL (TASKFORCE_WAREHOUSE_URL=postgresql://...) to share the "
    "warehouse between agencies."
)


class AccessError(RuntimeError):
    """db init cannot go on; the message says what the operator or the DBA must do."""


def role_prefix(value: str | None = None, environ: Mapping[str, str] | None = None) -> str:
    """The role-name prefix: ``value``, else ``TASKFORCE_ROLE_PREFIX``, else ``tf_``. Validated, because it
    ends up in SQL that dbt writes without quoting."""
    env = os.environ if environ is None else environ
    prefix = value or env.get(ROLE_PREFIX_VARIABLE) or DEFAULT_ROLE_PREFIX
    if not _PREFIX.fullmatch(prefix):
        raise AccessError(
            f"the role prefix must be 1-20 lower-case letters, digits or underscores starting with a letter "
            f"(set {ROLE_PREFIX_VARIABLE}); got '{prefix}'"
        )
    return prefix


@dataclass(frozen=True)
class Roles:
    """The group role names for one prefix and agency registry."""

    prefix: str
    agencies: tuple[str, ...]

    def name(self, group: str) -> str:
        return f"{self.prefix}{group}"

    def agency(self, code: str) -> str:
        return self.name(f"agency_{code}")

    def groups(self) -> dict[str, str]:
        """Every group role (full name) with what it may do, in creation order."""
        names = {self.name(g): purpose for g, purpose in GROUPS.items()}
        names.update({self.agency(code): AGENCY_PURPOSE for code in self.agencies})
        return names

    def short_names(self) -> tuple[str, ...]:
        """The names ``--login GROUP:USER`` accepts (without the prefix)."""
        return (*GROUPS, *(f"agency_{code}" for code in self.agencies))

    def memberships(self) -> list[tuple[str, str]]:
        """(group, member) pairs among the groups: dashboard readers are the agencies and the coordinator."""
        readers = [*(self.agency(code) for code in self.agencies), self.name("coordinator")]
        return [(self.name("dashboard"), reader) for reader in readers]


def roles_for(prefix: str | None = None) -> Roles:
    """Roles for the agencies of the registry (ingest/agencies.yaml)."""
    from ingest.contract import load_agencies

    return Roles(role_prefix(prefix), tuple(load_agencies()))


@dataclass(frozen=True)
class Login:
    group: str
    user: str


def parse_logins(values: Iterable[str], roles: Roles) -> list[Login]:
    """``GROUP:USER`` arguments, checked against the group names and PostgreSQL's plain identifiers."""
    logins = []
    for value in values:
        group, sep, user = value.partition(":")
        if not sep or group not in roles.short_names():
            raise AccessError(
                f"--login takes GROUP:USER with GROUP one of {', '.join(roles.short_names())}; got '{value}'"
            )
        if not _LOGIN.fullmatch(user) or user in roles.groups():
            raise AccessError(f"--login {value}: the user name must be a plain lower-case identifier")
        logins.append(Login(group, user))
    return logins


def password_variable(user: str) -> str:
    return PASSWORD_VARIABLE_PREFIX + user.upper()


def scram_sha256_verifier(password: str, iterations: int = 4096) -> str:
    """The SCRAM-SHA-256 verifier PostgreSQL stores (RFC 5802/7677), computed here so that the password
    never reaches the server, its logs or pg_stat_statements in clear text."""
    if not password.isascii() or not password.isprintable():
        raise AccessError("passwords must be printable ASCII (PostgreSQL would SASLprep anything else)")
    salt = secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", "sha256").digest()
    server_key = hmac.new(salted, b"Server Key", "sha256").digest()
    stored_key = hashlib.sha256(client_key).digest()

    def b64(raw: bytes) -> str:
        return base64.b64encode(raw).decode()

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


@dataclass
class ClusterState:
    """What already exists, read once, so that db init only issues what is missing."""

    admin: str
    admin_is_superuser: bool
    admin_can_create_roles: bool
    admin_owns_database: bool
    database: str
    roles: dict[str, tuple[bool, bool]] = field(default_factory=dict)  # name -> (superuser, bypassrls)
    memberships: set[tuple[str, str]] = field(default_factory=set)  # (group, member)
    tables: set[str] = field(default_factory=set)  # schema.table in the warehouse's schemas


def _identifier(name: str) -> sql.Identifier:
    return sql.Identifier(name)


def _idents(names: Iterable[str]) -> sql.Composed:
    return sql.SQL(", ").join(sql.Identifier(n) for n in names)


def _table(qualified: str) -> sql.Identifier:
    return sql.Identifier(*qualified.split("."))


def role_statements(roles: Roles, state: ClusterState) -> list[sql.Composable]:
    """CREATE ROLE for missing groups (NOLOGIN; no superuser, BYPASSRLS, CREATEDB or CREATEROLE, which
    are the defaults) and the memberships that are missing. Needs CREATEROLE."""
    statements: list[sql.Composable] = []
    for name, purpose in roles.groups().items():
        if name not in state.roles:
            statements.append(sql.SQL("create role {} nologin").format(_identifier(name)))
            statements.append(
                sql.SQL("comment on role {} is {}").format(
                    _identifier(name), sql.Literal(f"taskforce: {purpose}")
                )
            )
    pairs = list(roles.memberships())
    if not state.admin_is_superuser:  # the admin hands schemas to these groups, so it must be a member
        pairs += [(roles.name(group), state.admin) for group in OWNING_GROUPS]
    for group, member in pairs:
        if (group, member) not in state.memberships:
            statements.append(sql.SQL("grant {} to {}").format(_identifier(group), _identifier(member)))
    return statements


def login_statements(
    roles: Roles, logins: Sequence[Login], state: ClusterState, passwords: Mapping[str, str]
) -> tuple[list[sql.Composable], list[str]]:
    """Statements for LOGIN members of the groups, and notes for the operator. Needs CREATEROLE, so only
    what is missing is issued (and a password only when its variable is set)."""
    statements: list[sql.Composable] = []
    notes: list[str] = []
    groups_of: dict[str, list[str]] = {}
    for login in logins:
        groups_of.setdefault(login.user, []).append(login.group)
    for user, groups in groups_of.items():
        statements += _login_statements(roles, user, groups, state)
        password = passwords.get(password_variable(user))
        if password:
            verifier = sql.Literal(scram_sha256_verifier(password))
            statements.append(sql.SQL("alter role {} password {}").format(_identifier(user), verifier))
        else:
            notes.append(
                f"password of {user} left as it is: set {password_variable(user)} and run db init again, "
                f"or have the DBA run \\password {user} in psql"
            )
    return statements, notes


def _login_statements(
    roles: Roles, user: str, groups: Sequence[str], state: ClusterState
) -> list[sql.Composable]:
    """One login: created if missing, made a member of its groups; a login of exactly one owning group
    (loader or builder) starts its sessions as that group, so what it creates belongs to the group."""
    superuser, bypassrls = state.roles.get(user, (False, False))
    if superuser or bypassrls:
        raise AccessError(f"{user} is a superuser or has BYPASSRLS: it cannot be an application login")
    statements: list[sql.Composable] = []
    if user not in state.roles:
        statements.append(sql.SQL("create role {} login").format(_identifier(user)))
    new_groups = [g for g in groups if (roles.name(g), user) not in state.memberships]
    for group in new_groups:
        statements.append(sql.SQL("grant {} to {}").format(_identifier(roles.name(group)), _identifier(user)))
    owning = [g for g in groups if g in OWNING_GROUPS]
    if len(owning) == 1 and owning[0] in new_groups:
        statements.append(
            sql.SQL("alter role {} set role = {}").format(
                _identifier(user), sql.Literal(roles.name(owning[0]))
            )
        )
    return statements


def database_statements(roles: Roles, state: ClusterState) -> list[sql.Composable]:
    """Database and schema privileges, schema owners and default privileges. Needs the database's owner
    (and membership of loader and builder, which role_statements gives it)."""
    db = _identifier(state.database)
    loader, builder = _identifier(roles.name("loader")), _identifier(roles.name("builder"))
    connecting = ["loader", "builder", "dashboard", "donor", "steward", "auditor"]
    statements: list[sql.Composable] = [
        sql.SQL("revoke all on database {} from public").format(db),
        sql.SQL("grant connect on database {} to {}").format(db, _idents(roles.name(g) for g in connecting)),
        # ingest and build run "create schema if not exists raw/ops" every time, and PostgreSQL checks the
        # database's CREATE privilege before it looks whether the schema exists
        sql.SQL("grant create on database {} to {}, {}").format(db, loader, builder),
        sql.SQL("revoke all on schema public from public"),
    ]
    for schema, group in SCHEMA_OWNERS.items():
        owner = _identifier(roles.name(group))
        statements += [
            sql.SQL("create schema if not exists {} authorization {}").format(_identifier(schema), owner),
            sql.SQL("alter schema {} owner to {}").format(_identifier(schema), owner),
            sql.SQL("revoke all on schema {} from public").format(_identifier(schema)),
            sql.SQL("revoke all on all tables in schema {} from public").format(_identifier(schema)),
        ]
    loader_schemas = _idents(s for s, g in SCHEMA_OWNERS.items() if g == "loader")
    statements += [
        sql.SQL("grant usage on schema {} to {}").format(loader_schemas, builder),
        sql.SQL("grant select on all tables in schema {} to {}").format(loader_schemas, builder),
        sql.SQL("alter default privileges for role {} in schema {} grant select on tables to {}").format(
            loader, loader_schemas, builder
        ),
        sql.SQL("grant usage on schema marts to {}").format(_identifier(roles.name("dashboard"))),
        sql.SQL("grant usage on schema reporting to {}").format(
            _idents(roles.name(g) for g in ("dashboard", "donor"))
        ),
        sql.SQL("grant usage on schema ops to {}").format(
            _idents(roles.name(g) for g in ("steward", "auditor", "coordinator", *AUDIT_WRITERS))
        ),
    ]
    return statements


def ops_table_statements(roles: Roles, state: ClusterState) -> list[sql.Composable]:
    """Grants on the ops tables that exist: the builder's build log, the steward's quarantine, the
    auditor's audit log and the coordinator's data-health view."""
    statements: list[sql.Composable] = []
    for table in (t for t in BUILDER_OPS_TABLES if t in state.tables):
        statements.append(
            sql.SQL("grant select, insert, update, delete on {} to {}").format(
                _table(table), _identifier(roles.name("builder"))
            )
        )
    for tables, group in ((STEWARD_TABLES, "steward"), (AUDIT_TABLES, "auditor")):
        for table in (t for t in tables if t in state.tables):
            statements.append(
                sql.SQL("grant select on {} to {}").format(_table(table), _identifier(roles.name(group)))
            )
    for table in (t for t in AUDIT_TABLES if t in state.tables):  # the loader's default grant to the builder
        statements.append(
            sql.SQL("revoke all on {} from {}").format(_table(table), _identifier(roles.name("builder")))
        )
    if AUDIT_LOG in state.tables:
        statements.append(
            sql.SQL("grant insert on {} to {}").format(
                _table(AUDIT_LOG), _idents(roles.name(g) for g in AUDIT_WRITERS)
            )
        )
    coordinator = _identifier(roles.name("coordinator"))
    for table in (t for t in COORDINATOR_OPS_TABLES if t in state.tables):
        statements.append(sql.SQL("grant select on {} to {}").format(_table(table), coordinator))
    if QUARANTINE in state.tables:
        # revoking the table's SELECT revokes every column's too, so exactly these columns stay granted
        statements += [
            sql.SQL("revoke select on {} from {}").format(_table(QUARANTINE), coordinator),
            sql.SQL("grant select ({}) on {} to {}").format(
                _idents(COORDINATOR_QUARANTINE_COLUMNS), _table(QUARANTINE), coordinator
            ),
        ]
    return statements


_STATE_SQL = """
select current_user, r.rolsuper, r.rolsuper or r.rolcreaterole,
       pg_catalog.pg_has_role(current_user, d.datdba, 'USAGE'), current_database()
from pg_catalog.pg_roles as r, pg_catalog.pg_database as d
where r.rolname = current_user and d.datname = current_database()
"""

_BYPASSING_SQL = """
with recursive tree(oid) as (
    select oid from pg_catalog.pg_roles where rolname = any(%s)
    union
    select m.member from pg_catalog.pg_auth_members as m join tree on m.roleid = tree.oid
)
select r.rolname from pg_catalog.pg_roles as r join tree on r.oid = tree.oid
where r.rolsuper or r.rolbypassrls
order by 1
"""


def read_state(con: psycopg.Connection) -> ClusterState:
    """Roles, memberships and warehouse tables as they are now."""
    admin, superuser, can_create, owns, database = con.execute(_STATE_SQL).fetchone()
    state = ClusterState(admin, superuser, can_create, owns, database)
    for name, rsuper, bypass in con.execute(
        "select rolname, rolsuper, rolbypassrls from pg_catalog.pg_roles"
    ):
        state.roles[name] = (rsuper, bypass)
    state.memberships = set(
        con.execute(
            "select g.rolname, m.rolname from pg_catalog.pg_auth_members as a"
            " join pg_catalog.pg_roles as g on g.oid = a.roleid"
            " join pg_catalog.pg_roles as m on m.oid = a.member"
        ).fetchall()
    )
    state.tables = {
        f"{schema}.{table}"
        for schema, table in con.execute(
            "select schemaname, tablename from pg_catalog.pg_tables where schemaname = any(%s)",
            (list(SCHEMA_OWNERS),),
        )
    }
    return state


def bypassing_roles(con: psycopg.Connection, names: Iterable[str]) -> list[str]:
    """Roles among ``names`` and their members (at any depth) that are superusers or have BYPASSRLS: any
    of them would read every row whatever the policies say."""
    return [row[0] for row in con.execute(_BYPASSING_SQL, (list(names),))]


def _ensure_ops_tables(con: psycopg.Connection, roles: Roles) -> None:
    """Create the ops tables as the loader (so it owns them) when they are missing, so that the steward's
    and the builder's grants have something to apply to before the first ingest."""
    from taskforce.audit import APPEND_ONLY_TABLES, append_only_statements

    con.execute(sql.SQL("set local role {}").format(_identifier(roles.name("loader"))))
    for statement in (s.strip() for s in OPS_DDL.split(";")):
        if statement:
            con.execute(statement)
    for table in APPEND_ONLY_TABLES:  # the audit and destruction logs refuse UPDATE, DELETE, TRUNCATE
        for statement in append_only_statements(table):
            con.execute(statement)
    con.execute("reset role")


def _render(con: psycopg.Connection, statements: Sequence[sql.Composable]) -> str:
    return "\n".join(f"{s.as_string(con)};" for s in statements)


def summary(roles: Roles, state: ClusterState, built_marts: bool) -> list[str]:
    """What db init leaves in place, and what to do next, for the operator."""
    width = max(len(name) for name in roles.groups())
    lines = [
        f"access control ready in database {state.database} (roles prefixed {roles.prefix}; all NOLOGIN, "
        "none superuser or BYPASSRLS; PUBLIC has no privileges):"
    ]
    lines += [f"  {name:<{width}}  {purpose}" for name, purpose in roles.groups().items()]
    granted = dict.fromkeys((*AUDIT_TABLES, *STEWARD_TABLES, *COORDINATOR_OPS_TABLES))
    lines += [
        f"note: {t} does not exist yet; run db init again once it does"
        for t in granted
        if t not in state.tables
    ]
    lines.append("logins: taskforce db init --login GROUP:USER (password from TASKFORCE_PASSWORD_<USER>)")
    if built_marts:
        lines.append(
            "next: run `taskforce build`, so that dbt applies grants and row-level security to the marts"
        )
    else:
        lines.append(
            "next: ingest, then `taskforce build` (dbt applies grants and row-level security to the marts)"
        )
    return lines


def init_database(
    url: str,
    prefix: str | None = None,
    login_args: Sequence[str] = (),
    environ: Mapping[str, str] | None = None,
    out: Callable[[str], None] = print,
) -> int:
    """``taskforce db init``: idempotent; one transaction, so a failure leaves the database as it was.
    Returns the exit code."""
    if engine_of(url) == "duckdb":
        out(DUCKDB_MESSAGE)
        return 0
    env = os.environ if environ is None else environ
    try:
        roles = roles_for(role_prefix(prefix, env))
        logins = parse_logins(login_args, roles)
        with psycopg.connect(url, autocommit=True) as con, con.transaction():
            con.execute("select pg_advisory_xact_lock(hashtext('taskforce db init'))")
            state = read_state(con)
            if not state.admin_owns_database:
                raise AccessError(
                    f"{state.admin} does not own database {state.database}: run db init as its owner "
                    "(--admin-url), or have the DBA make it the owner"
                )
            role_sql = role_statements(roles, state)
            login_sql, notes = login_statements(roles, logins, state, env)
            if (role_sql or login_sql) and not state.admin_can_create_roles:
                out(
                    f"{state.admin} may not create roles (it needs CREATEROLE, not superuser). Ask the DBA "
                    "to run this SQL once (psql as a superuser or a CREATEROLE role), then run db init again:"
                )
                out(_render(con, role_sql + login_sql))
                return 1
            for statement in (*role_sql, *login_sql, *database_statements(roles, state)):
                con.execute(statement)
            _ensure_ops_tables(con, roles)
            state = read_state(con)
            for statement in ops_table_statements(roles, state):
                con.execute(statement)
            offenders = bypassing_roles(con, [*roles.groups(), *(login.user for login in logins)])
            if offenders:
                raise AccessError(
                    f"{', '.join(offenders)} would bypass row-level security (superuser or BYPASSRLS) as "
                    "members of the application roles: have the DBA remove the attribute or the membership"
                )
    except AccessError as exc:
        out(f"db init: {exc}")
        return 1
    except psycopg.Error as exc:
        out(f"db init failed, nothing was changed: {exc.__class__.__name__}: {exc}")
        return 1
    built = any(t.startswith("marts.") for t in state.tables)
    for line in [*summary(roles, state, built), *notes]:
        out(line)
    return 0
