"""The append-only audit log of dashboard access: ``ops.audit_log``.

One row per event: who (user name, role, agency, how they signed in, session), when, which page, the
filters in force, how many rows the page's queries returned, and the file name of any export downloaded.
Rows hold identifiers of *users*, never victim data or query text.

PostgreSQL: the table belongs to the loader group; ``taskforce db init`` grants the dashboard and donor
groups INSERT and nothing else on it (no SELECT, UPDATE, DELETE or TRUNCATE), grants the auditor
SELECT, and installs a trigger that refuses UPDATE, DELETE and TRUNCATE for everybody, the owner
included. Removing rows takes a superuser or the owner disabling the trigger first: a deliberate,
visible act.

DuckDB (embedded, single user): the warehouse file is written by ingest and build and the dashboards read
a published snapshot of it, so the dashboards append to a file of their own beside the warehouse,
``audit.duckdb``, with the same table. ``taskforce audit`` reads either.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from taskforce.settings import Settings
from taskforce.warehouse import OPS_DDL

AUDIT_TABLE = "ops.audit_log"
APPEND_ONLY_TABLES = ("ops.audit_log", "ops.retention_log")
EVENTS = ("login", "login_failed", "logout", "query", "page_view", "export", "denied")
COLUMNS = (
    "event_id",
    "logged_at",
    "user_name",
    "user_role",
    "agency",
    "auth_method",
    "session_id",
    "event",
    "page",
    "filters",
    "rows_returned",
    "export_file",
)
INSERT_SQL = (
    f"insert into {AUDIT_TABLE} ({', '.join(COLUMNS)}) values ({', '.join(':' + c for c in COLUMNS)})"
)
# the DuckDB file is opened for a moment per event; another process holding it (taskforce audit, a second
# dashboard server) is waited for this long before the event counts as not recorded
DUCKDB_LOCK_WAIT_SECONDS = 5.0


class AuditError(RuntimeError):
    """An event could not be recorded (the message has no data values)."""


def _statement_for(table: str) -> str:
    for statement in OPS_DDL.split(";"):
        if f"create table if not exists {table} " in statement:
            return statement.strip()
    raise AssertionError(f"{table} is missing from OPS_DDL")


AUDIT_LOG_DDL = _statement_for(AUDIT_TABLE)


@dataclass(frozen=True)
class AuditEvent:
    user_name: str
    user_role: str
    auth_method: str
    session_id: str
    event: str
    page: str
    agency: str | None = None
    filters: Mapping[str, Any] = field(default_factory=dict)
    rows_returned: int = 0
    export_file: str | None = None

    def row(self) -> dict[str, Any]:
        if self.event not in EVENTS:
            raise ValueError(f"unknown audit event {self.event}")
        values = asdict(self)
        values["filters"] = json.dumps(dict(self.filters), sort_keys=True, default=str)
        values["event_id"] = uuid.uuid4().hex
        values["logged_at"] = datetime.now(UTC).replace(tzinfo=None)
        values["rows_returned"] = int(self.rows_returned)
        return values


def duckdb_audit_path(settings: Settings) -> Path:
    """Where the dashboards of a DuckDB warehouse keep their audit log: beside the warehouse file."""
    return settings.duckdb_path.with_name("audit.duckdb")


def _duckdb_connect(path: Path, read_only: bool = False) -> Any:
    import duckdb

    deadline = time.monotonic() + DUCKDB_LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" not in str(exc).lower() or time.monotonic() > deadline:
                raise AuditError(
                    f"the audit log {path.name} cannot be opened ({exc.__class__.__name__})"
                ) from None
            time.sleep(0.05)


def write_duckdb(settings: Settings, event: AuditEvent) -> None:
    """Append one event to the DuckDB audit file (created on first use)."""
    path = duckdb_audit_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    row = event.row()
    con = _duckdb_connect(path)
    try:
        con.execute("create schema if not exists ops")
        con.execute(AUDIT_LOG_DDL)
        con.execute(
            f"insert into {AUDIT_TABLE} ({', '.join(COLUMNS)}) values ({', '.join('?' for _ in COLUMNS)})",
            [row[c] for c in COLUMNS],
        )
    finally:
        con.close()


def append_only_statements(table: str) -> list[str]:
    """PostgreSQL: a trigger that refuses UPDATE, DELETE and TRUNCATE on ``table`` for every role, the
    owner included. Run as the table's owner; idempotent."""
    schema, name = table.split(".")
    function = f"{schema}.refuse_change_of_append_only_table"
    return [
        f"""create or replace function {function}() returns trigger language plpgsql as $body$
begin
    raise exception 'table %.% is append-only: % is not allowed', tg_table_schema, tg_table_name, tg_op
        using errcode = 'insufficient_privilege';
end
$body$""",
        f"revoke all on function {function}() from public",
        f"create or replace trigger {name}_no_update_or_delete before update or delete on {table} "
        f"for each statement execute function {function}()",
        f"create or replace trigger {name}_no_truncate before truncate on {table} "
        f"for each statement execute function {function}()",
    ]


def read_log(settings: Settings, limit: int = 50) -> pd.DataFrame:
    """The latest events, newest first (the auditor's view; on PostgreSQL connect as an auditor login)."""
    query = f"select {', '.join(COLUMNS[1:])} from {AUDIT_TABLE} order by logged_at desc limit {int(limit)}"
    if settings.engine == "duckdb":
        path = duckdb_audit_path(settings)
        if not path.exists():
            return pd.DataFrame(columns=list(COLUMNS[1:]))
        con = _duckdb_connect(path, read_only=True)
        try:
            return con.execute(query).df()
        finally:
            con.close()
    from taskforce.warehouse import connect

    with connect(settings) as wh:
        return wh.frame(query)
