"""Read-only queries against the marts, for both engines.

DuckDB: each query opens the *published* snapshot read-only and closes it again (never a connection
cached across reruns), so a running ingest or build never blocks the dashboards and the dashboards never
see a half-built warehouse. PostgreSQL: one pooled SQLAlchemy engine with pre-ping (survives a server
restart) and server-side prepared statements off (skewed filters get bad generic plans).

Queries run with the signed-in user's rights: ``dashboards/gate.py`` signs the user in, then sets the
session's connection settings (``use_session``); on PostgreSQL they carry the role's own database login
(``dashboards/auth.py``). A query without them, and without explicit ``settings``, is refused: nothing is
read before sign-in. Every query of a session is recorded in the audit log, with its row count, before
its rows are returned; a query that cannot be recorded returns nothing.

Pages read through ``fetch``: a batch of named queries that aggregate in the database, recorded in the
audit log as one event (the batch's rows) before any row is returned. Results are cached
(``st.cache_data``) by the statement, its parameters, the login that read them (on PostgreSQL each role
sees its own rows) and the build key (``build_key``: the last successful build of the published snapshot,
or on PostgreSQL the marts' table ids, which every build replaces), with a TTL as a safety net: a new
build is read at once. The reads the cache cannot answer run on connections opened for the batch and
closed before it returns: one on DuckDB, two at once on PostgreSQL.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
import streamlit as st

from taskforce.settings import Settings


class WarehouseNotReady(RuntimeError):
    """No build has been published yet."""


class NotSignedIn(RuntimeError):
    """A query before sign-in: the app never reaches one, so this is a programming error."""


@dataclass
class Session:
    """The signed-in user's connection settings for one script run, the page being shown and the filters
    in force, and the audit hook every query of the run reports its row count to."""

    settings: Settings
    page: str = ""
    filters: dict[str, Any] = field(default_factory=dict)
    on_query: Callable[[Session, int], None] | None = None


# per script run (Streamlit runs each session's script in its own thread, so this never crosses sessions)
_session: ContextVar[Session | None] = ContextVar("taskforce_dashboard_session", default=None)


def use_session(session: Session | None) -> None:
    """The signed-in user's session for this script run (None: nobody is signed in)."""
    _session.set(session)


def current_session() -> Session | None:
    return _session.get()


def session_settings() -> Settings:
    session = _session.get()
    if session is None:
        raise NotSignedIn("no signed-in user for this query")
    return session.settings


@cache
def _postgres_engine(url: str) -> sa.Engine:
    driver_url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return sa.create_engine(
        driver_url, pool_pre_ping=True, pool_size=4, connect_args={"prepare_threshold": None}
    )


def query(sql: str, params: dict[str, Any] | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Run a read query written with ``:name`` parameters, as the signed-in user (or with ``settings``)."""
    session = None if settings else _session.get()
    if settings is None:
        if session is None:
            raise NotSignedIn("no signed-in user for this query")
        settings = session.settings
    params = params or {}
    if settings.engine == "duckdb":
        import duckdb

        path = settings.serving_path
        if not path.exists():
            raise WarehouseNotReady(str(path))
        with duckdb.connect(str(path), read_only=True) as con:
            frame = con.execute(re.sub(r":(\w+)", r"$\1", sql), params).df()
    else:
        with _postgres_engine(settings.warehouse_url).connect() as con:
            frame = pd.read_sql_query(sa.text(sql), con, params=params)
    if session is not None and session.on_query is not None:
        session.on_query(session, len(frame))  # recorded before it is returned, or not returned at all
    return frame


def execute(sql: str, params: dict[str, Any], settings: Settings) -> None:
    """One write in its own transaction (PostgreSQL; the audit log is the only thing dashboards write)."""
    with _postgres_engine(settings.warehouse_url).begin() as con:
        con.execute(sa.text(sql), params)


# --- the pages' reads: batched, cached per build, recorded once per batch ------------------------------

CACHE_TTL_SECONDS = 15 * 60  # a safety net: a new build changes the build key, which invalidates first
CACHE_MAX_ENTRIES = 4000
_PARAMETER = re.compile(r"(?<![:\w]):(\w+)")


class NotReadable(RuntimeError):
    """The signed-in role may not read a table (PostgreSQL privileges), or it does not exist."""


def _used_parameters(sql: str, params: Mapping[str, Any]) -> dict[str, Any]:
    """Only the parameters the statement names (DuckDB refuses unused named parameters)."""
    names = set(_PARAMETER.findall(sql))
    return {name: value for name, value in params.items() if name in names}


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """The same column types from both engines: PostgreSQL numerics arrive as Decimal objects and dates as
    ``datetime.date``; DuckDB gives floats and datetime64. Pages get floats and datetime64."""
    for column in frame.columns:
        series = frame[column]
        if series.dtype != object or series.empty:
            continue
        sample = series.dropna()
        if sample.empty:
            continue
        first = sample.iloc[0]
        if isinstance(first, Decimal):
            frame[column] = pd.to_numeric(series.map(lambda v: None if v is None else float(v)))
        elif isinstance(first, date):
            frame[column] = pd.to_datetime(series)
    return frame


class _Reader:
    """The connection of one batch of reads: opened at the first read the cache cannot answer, closed when
    the batch ends (never kept across reruns)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._con: Any = None
        self._pg: Any = None

    def run(self, sql: str, params: Mapping[str, Any]) -> pd.DataFrame:
        params = _used_parameters(sql, params)
        if self.settings.engine == "duckdb":
            import duckdb

            if self._con is None:
                path = self.settings.serving_path
                if not path.exists():
                    raise WarehouseNotReady(str(path))
                self._con = duckdb.connect(str(path), read_only=True)
            try:
                frame = self._con.execute(_PARAMETER.sub(r"$\1", sql), params).df()
            except duckdb.CatalogException as exc:
                raise NotReadable(type(exc).__name__) from None
        else:
            if self._pg is None:
                self._pg = _postgres_engine(self.settings.warehouse_url).connect()
            try:
                result = self._pg.execute(sa.text(sql), params)
                frame = pd.DataFrame(result.fetchall(), columns=list(result.keys())).infer_objects()
            except sa.exc.ProgrammingError as exc:
                self._pg.rollback()  # the failed statement aborted the transaction
                code = getattr(exc.orig, "sqlstate", "")
                if code in ("42501", "42P01", "3F000"):  # insufficient privilege, no table, no schema
                    raise NotReadable(code) from None
                raise
        return _plain(frame)

    def close(self) -> None:
        if self._con is not None:
            self._con.close()
            self._con = None
        if self._pg is not None:
            self._pg.close()
            self._pg = None


# DuckDB: the build id of a published snapshot, by the snapshot file's identity (an atomic rename
# publishes a new file: new inode and mtime). Read once per snapshot.
_snapshot_builds: dict[tuple[str, int, int, int], str] = {}
_snapshot_lock = threading.Lock()

_BUILD_ID_SQL = "select max(build_id) as build_id from ops.builds where status = 'success'"
# PostgreSQL: dbt rebuilds every mart as a new table, so the tables' object ids change with every build
_PG_TABLES_SQL = """
select count(*) as tables,
       md5(coalesce(string_agg(c.relname || '=' || cast(c.oid as text), ',' order by c.relname), '')) as tag
from pg_catalog.pg_class as c
join pg_catalog.pg_namespace as n on n.oid = c.relnamespace
where n.nspname in ('marts', 'reporting') and c.relkind in ('r', 'p')
"""
_PG_CAN_READ_BUILDS_SQL = (
    "select has_schema_privilege('ops', 'usage') and has_table_privilege('ops.builds', 'select') as ok"
)


@cache
def _pg_can_read_builds(url: str) -> bool:
    try:
        with _postgres_engine(url).connect() as con:
            return bool(con.execute(sa.text(_PG_CAN_READ_BUILDS_SQL)).scalar())
    except sa.exc.DBAPIError:  # no ops schema yet
        return False


def _duckdb_build_key(path: Path) -> str:
    import duckdb

    try:
        stat = path.stat()
    except FileNotFoundError:
        raise WarehouseNotReady(str(path)) from None
    identity = (str(path), stat.st_ino, stat.st_mtime_ns, stat.st_size)
    with _snapshot_lock:
        known = _snapshot_builds.get(identity)
    if known is not None:
        return known
    with duckdb.connect(str(path), read_only=True) as con:
        try:
            row = con.execute(_BUILD_ID_SQL).fetchone()
        except duckdb.CatalogException:
            row = None
    key = (row[0] if row and row[0] else None) or f"snapshot-{stat.st_ino}-{stat.st_mtime_ns}"
    with _snapshot_lock:
        if len(_snapshot_builds) > 64:
            _snapshot_builds.clear()
        _snapshot_builds[identity] = key
    return key


def build_key(settings: Settings) -> str:
    """What identifies the warehouse's current build: the last successful build id (DuckDB: of the
    published snapshot; PostgreSQL: when the role may read ops.builds), and on PostgreSQL also the object
    ids of the marts and reporting tables, which every build replaces. Cached results are keyed by it, so
    a new build invalidates them. Raises WarehouseNotReady before the first build."""
    if settings.engine == "duckdb":
        return _duckdb_build_key(settings.serving_path)
    url = settings.warehouse_url
    with _postgres_engine(url).connect() as con:
        tables, tag = con.execute(sa.text(_PG_TABLES_SQL)).one()
        if not tables:
            raise WarehouseNotReady("no marts")
        build = con.execute(sa.text(_BUILD_ID_SQL)).scalar() if _pg_can_read_builds(url) else None
    return f"{build or '-'}:{tag}"


def _reader_key(settings: Settings) -> str:
    """Whose rights the rows were read with (on PostgreSQL each role's login sees its own rows): cached
    results are never shared between logins. A digest, so no password sits in a cache key."""
    return hashlib.sha256(settings.warehouse_url.encode()).hexdigest()[:20]


@st.cache_data(ttl=CACHE_TTL_SECONDS, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)
def _cached_read(
    sql: str, params_json: str, reader_key: str, build: str, _reader: _Reader, _params: Mapping[str, Any]
) -> pd.DataFrame:
    """``params_json`` keys the cache; ``_params`` (the same values, typed) is what the query gets."""
    return _reader.run(sql, _params)


Query = tuple[str, Mapping[str, Any]]


# PostgreSQL: the reads of a batch that the cache cannot answer run on this many connections at once (the
# server gives each its own process: a page's first load after a build takes about its slowest reads,
# not their sum). DuckDB: one read-only connection, its engine already using every core.
PARALLEL_READS = 2


class _Lanes:
    """The connections of one batch: one reader per worker thread, all closed when the batch ends."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._local = threading.local()
        self._readers: list[_Reader] = []
        self._lock = threading.Lock()

    def reader(self) -> _Reader:
        reader = getattr(self._local, "reader", None)
        if reader is None:
            reader = self._local.reader = _Reader(self.settings)
            with self._lock:
                self._readers.append(reader)
        return reader

    def close(self) -> None:
        for reader in self._readers:
            reader.close()


def _read(
    lanes: _Lanes, name: str, query: Query, reader_key: str, build: str, optional: set[str]
) -> pd.DataFrame | None:
    sql, params = query
    params_json = json.dumps(dict(params), sort_keys=True, default=str)
    try:
        return _cached_read(sql, params_json, reader_key, build, lanes.reader(), params)
    except NotReadable:
        if name not in optional:
            raise
        return None


def _in_script_context(ctx: Any) -> None:
    """A worker thread reads through the page's script context, as the page's own thread does."""
    from streamlit.runtime.scriptrunner import add_script_run_ctx

    if ctx is not None:
        add_script_run_ctx(threading.current_thread(), ctx)


def fetch(queries: Mapping[str, Query], optional: Iterable[str] = ()) -> dict[str, pd.DataFrame | None]:
    """Run a batch of named read queries (``:name`` parameters) as the signed-in user, and return their
    rows by name. Results are cached per build and login; the reads the cache cannot answer run on the
    batch's own connections (PostgreSQL: ``PARALLEL_READS`` at once), closed before this returns. The
    batch is recorded in the audit log (its total row count) before any row is returned. A query named
    in ``optional`` that the role may not read gives None."""
    from concurrent.futures import ThreadPoolExecutor

    from streamlit.runtime.scriptrunner import get_script_run_ctx

    session = _session.get()
    if session is None:
        raise NotSignedIn("no signed-in user for this query")
    settings = session.settings
    optional = set(optional)
    build = build_key(settings)
    reader_key = _reader_key(settings)
    lanes = _Lanes(settings)
    try:
        if settings.engine == "duckdb" or len(queries) < 2:
            frames = {name: _read(lanes, name, q, reader_key, build, optional) for name, q in queries.items()}
        else:
            with ThreadPoolExecutor(
                PARALLEL_READS, initializer=_in_script_context, initargs=(get_script_run_ctx(),)
            ) as pool:
                futures = {
                    name: pool.submit(_read, lanes, name, query, reader_key, build, optional)
                    for name, query in queries.items()
                }
                frames = {name: future.result() for name, future in futures.items()}
    finally:
        lanes.close()
    if session.on_query is not None:
        rows = sum(len(frame) for frame in frames.values() if frame is not None)
        session.on_query(session, rows)  # recorded before it is returned, or not returned at all
    return frames


def distinct_keys(key: str, when: str | None = None) -> str:
    """The distinct count of ``key`` over a cells mart (``marts.fct_*_cells``, macros/key_cells.sql), where
    the keys of one row are summed into ``single_keys`` and the others kept on their rows: equal to
    ``count(distinct key)`` over the fact under the same filter and grouping. ``when``: only the rows for
    which it holds (``count(distinct case when ... then key end)``)."""
    if when is None:
        return f"cast(count(distinct {key}) + coalesce(sum(single_keys), 0) as bigint)"
    return (
        f"cast(count(distinct case when {when} then {key} end)"
        f" + coalesce(sum(case when {when} then single_keys else 0 end), 0) as bigint)"
    )


def keys_with(
    cells: str,
    key: str,
    conditions: Mapping[str, str],
    where_sql: str,
    unless: Mapping[str, str] | None = None,
    sums: Mapping[str, str] | None = None,
) -> str:
    """One row over a cells mart (macros/key_cells.sql): for each named condition, the distinct keys with
    at least one row, among those ``where_sql`` keeps, for which it holds; a name in ``unless`` counts
    only the keys that have no such row for the other named condition (presumed but never identified).
    ``sums``: plain sums over the kept rows (e.g. ``records``). Keys of one row are counted from the
    cells, where a row satisfies a condition or not as a whole; the others by key."""
    unless = unless or {}
    sums = sums or {}
    names = [*conditions, *sums]

    def single(name: str) -> str:
        condition = f"({conditions[name]})"
        if name in unless:
            condition += f" and not ({conditions[unless[name]]})"
        return f"sum(case when {condition} then single_keys else 0 end) as {name}"

    per_key = [f"max(case when {cond} then 1 else 0 end) as {name}" for name, cond in conditions.items()]
    per_cell = [single(name) for name in conditions]
    summed = [f"sum({expression}) as {name}" for name, expression in sums.items()]
    keyed = [f"case when {unless[n]} = 0 then {n} else 0 end" if n in unless else n for n in names]
    totals = [f"cast(coalesce(sum({name}), 0) as bigint) as {name}" for name in names]
    return f"""
        with repeated as (
            select {", ".join(per_key + summed)}
            from {cells}
            where {key} is not null and {where_sql}
            group by {key}
        ),
        single as (
            select {", ".join(per_cell + summed)}
            from {cells}
            where {key} is null and {where_sql}
        ),
        keyed as (
            select {", ".join(f"{value} as {name}" for value, name in zip(keyed, names, strict=True))}
            from repeated
            union all
            select {", ".join(names)} from single
        )
        select {", ".join(totals)} from keyed
        """


def in_list(column: str, values: Iterable[Any], name: str) -> tuple[str, dict[str, Any]]:
    """``column in (:name0, :name1, ...)`` with its parameters (portable: no array parameters)."""
    params = {f"{name}{i}": value for i, value in enumerate(values)}
    if not params:
        return "1 = 1", {}
    return f"{column} in ({', '.join(':' + key for key in params)})", params
