"""A thin, engine-neutral connection to the warehouse for the Python side (ingest, build bookkeeping,
status). SQL is written with ``?`` placeholders and portable types; bulk loads use each engine's
native path (DuckDB reads the DataFrame directly, PostgreSQL gets a COPY), never ``to_sql``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd

from taskforce.settings import Settings

OPS_DDL = """
create schema if not exists ops;
create table if not exists ops.batches (
    batch_id text primary key,
    agency text not null,
    source text not null,
    period text not null,
    period_start date not null,
    period_end date not null,
    file_name text not null,
    file_sha256 text not null,
    file_bytes bigint not null,
    encoding text not null,
    contract_version integer not null,
    received_at timestamp not null,
    extracted_on date,
    loaded_at timestamp not null,
    loaded_by text not null,
    rows_read bigint not null,
    rows_loaded bigint not null,
    rows_quarantined bigint not null,
    rows_skipped bigint not null,
    status text not null,
    supersedes_batch_id text,
    unique (source, file_sha256),
    check (rows_read = rows_loaded + rows_quarantined + rows_skipped)
);
create table if not exists ops.quarantine (
    batch_id text not null,
    source text not null,
    source_row bigint not null,
    rules text not null,
    reason text not null,
    payload text not null,
    primary key (batch_id, source_row)
);
create table if not exists ops.rejected_files (
    file_name text not null,
    file_sha256 text not null,
    source text,
    agency text,
    received_at timestamp not null,
    problem text not null
);
create table if not exists ops.builds (
    build_id text primary key,
    engine text not null,
    started_at timestamp not null,
    finished_at timestamp,
    status text not null,
    command text not null,
    message text
);
alter table ops.builds add column if not exists dbt_version text;
create table if not exists ops.build_batches (
    build_id text not null,
    batch_id text not null,
    primary key (build_id, batch_id)
);
create table if not exists ops.agencies (
    code text primary key,
    name_en text not null,
    name_tr text not null,
    type text not null,
    ministry text not null,
    role text not null,
    reporting text not null,
    deadline_days integer not null
);
create table if not exists ops.agency_sources (
    agency text not null,
    source text not null,
    primary key (agency, source)
);
create table if not exists ops.audit_log (
    event_id text primary key,
    logged_at timestamp not null,
    user_name text not null,
    user_role text not null,
    agency text,
    auth_method text not null,
    session_id text not null,
    event text not null,
    page text not null,
    filters text not null,
    rows_returned bigint not null,
    export_file text
);
create table if not exists ops.retention_log (
    run_id text not null,
    batch_id text not null,
    source text not null,
    agency text not null,
    period text not null,
    period_end date not null,
    retention_years integer not null,
    action text not null,
    raw_rows_destroyed bigint not null,
    quarantine_payloads_destroyed bigint not null,
    destroyed_at timestamp not null,
    destroyed_by text not null,
    primary key (run_id, batch_id)
);
"""


LOAD_MEMORY_LIMIT = "128MB"  # DuckDB's buffer pool during a load (Warehouse.bulk_load)
_SIZE_UNITS = {"bytes": 1, "KB": 10**3, "MB": 10**6, "GB": 10**9, "TB": 10**12,
               "KiB": 2**10, "MiB": 2**20, "GiB": 2**30, "TiB": 2**40}  # fmt: skip


def _size_bytes(text: str) -> float:
    """DuckDB's memory sizes ('488.2 MiB', '128MB') in bytes; 0 when not a size."""
    import re

    match = re.fullmatch(r"\s*([0-9.]+)\s*([A-Za-z]+)\s*", text)
    if not match or match[2] not in _SIZE_UNITS:
        return 0
    return float(match[1]) * _SIZE_UNITS[match[2]]


def csv_blocks(data: Any, rows_per_block: int = 50_000) -> Iterator[bytes]:
    """An Arrow table as CSV for PostgreSQL's ``COPY ... (format csv)``, block by block. pyarrow quotes
    every text value, so an empty string arrives as ``""`` (empty text) and a null as nothing (NULL)."""
    import io

    import pyarrow.csv as pacsv

    options = pacsv.WriteOptions(include_header=False, batch_size=rows_per_block)
    for batch in data.to_batches(max_chunksize=rows_per_block):
        buffer = io.BytesIO()
        pacsv.write_csv(batch, buffer, options)
        yield buffer.getvalue()


class WarehouseBusy(RuntimeError):
    """Another process holds the DuckDB file (an ingest or build is running)."""


def is_unique_violation(exc: BaseException) -> bool:
    """A duplicate key from either engine (e.g. the same file loaded by two processes at once)."""
    name = type(exc).__name__
    return name == "UniqueViolation" or (name == "ConstraintException" and "Duplicate key" in str(exc))


class Warehouse:
    """One open connection. Use ``transaction()`` for anything that must be all-or-nothing."""

    def __init__(self, settings: Settings, read_only: bool = False) -> None:
        self.engine = settings.engine
        if self.engine == "duckdb":
            import duckdb

            path = settings.duckdb_path
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                # DuckDB's buffer pool defaults to 80% of RAM; a load streams, so a bounded pool (spilling
                # to disk beside the file when needed) keeps a 10M-row ingest within a laptop's means.
                self._con = duckdb.connect(
                    str(path), read_only=read_only, config={"memory_limit": settings.duckdb_memory_limit}
                )
            except duckdb.IOException as exc:
                if "lock" in str(exc).lower():
                    raise WarehouseBusy(
                        f"the warehouse file {path.name} is in use by another process (an ingest or build "
                        "is running); try again when it has finished"
                    ) from exc
                raise
        else:
            import psycopg

            self._con = psycopg.connect(settings.warehouse_url, autocommit=True)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Warehouse:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _sql(self, sql: str) -> str:
        return sql if self.engine == "duckdb" else sql.replace("?", "%s")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> None:
        if self.engine == "duckdb":
            self._con.execute(sql, list(params))
        else:
            with self._con.cursor() as cur:
                cur.execute(self._sql(sql), params or None)

    def script(self, sql: str) -> None:
        """Run several statements separated by semicolons (DDL; no parameters)."""
        for statement in (s.strip() for s in sql.split(";")):
            if statement:
                self.execute(statement)

    def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        if self.engine == "duckdb":
            return self._con.execute(sql, list(params)).fetchall()
        with self._con.cursor() as cur:
            cur.execute(self._sql(sql), params or None)
            return cur.fetchall()

    def frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        if self.engine == "duckdb":
            return self._con.execute(sql, list(params)).df()
        with self._con.cursor() as cur:
            cur.execute(self._sql(sql), params or None)
            names = [d.name for d in cur.description or []]
            return pd.DataFrame(cur.fetchall(), columns=names)

    def table_exists(self, schema: str, table: str) -> bool:
        rows = self.fetchall(
            "select count(*) from information_schema.tables where table_schema = ? and table_name = ?",
            (schema, table),
        )
        return rows[0][0] > 0

    @contextmanager
    def transaction(self) -> Iterator[Warehouse]:
        if self.engine == "duckdb":
            self._con.begin()
            try:
                yield self
            except BaseException:
                self._con.rollback()
                raise
            self._con.commit()
        else:
            with self._con.transaction():
                yield self

    def append(self, table: str, frame: pd.DataFrame, sql_types: dict[str, str]) -> None:
        """Bulk-append a DataFrame whose columns are the keys of ``sql_types``, through Arrow: DuckDB scans
        the Arrow table, PostgreSQL gets a CSV COPY written by pyarrow (no Python loop over rows)."""
        if frame.empty:
            return
        import pyarrow as pa

        columns = list(sql_types)
        data = pa.Table.from_pandas(frame[columns], preserve_index=False)
        quoted = ", ".join(f'"{c}"' for c in columns)
        if self.engine == "duckdb":
            # DuckDB finds the Arrow table by this local name (a replacement scan). Not ``register``: a
            # registered view lives in the catalog, which keeps every chunk's table until the load's
            # transaction commits (memory grew by the size of the whole file).
            _arrow_incoming = data
            select = ", ".join(f'cast("{c}" as {t}) as "{c}"' for c, t in sql_types.items())
            self._con.execute(f"insert into {table} ({quoted}) select {select} from _arrow_incoming")
            return
        with self._con.cursor() as cur, cur.copy(f"copy {table} ({quoted}) from stdin (format csv)") as copy:
            for block in csv_blocks(data):
                copy.write(block)

    _limit_before_loads = ""  # DuckDB's memory limit as the first bulk load found it

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Around the appends of a long streaming load. DuckDB keeps every block a load writes in its
        buffer pool, up to the memory limit, though the load never reads them again: the appends get a
        smaller pool (never a larger one; 400 MB less at 10M rows). End it before the commit, which may
        need more (merging a large quarantine's primary-key index failed at 128 MB)."""
        duckdb = self.engine == "duckdb"
        previous = self.fetchall("select current_setting('memory_limit')")[0][0] if duckdb else ""
        # DuckDB shows the limit rounded ('488.2 MiB'): restore the first one seen, so that loads on one
        # connection do not wear it down a rounding at a time
        self._limit_before_loads = previous = self._limit_before_loads or previous
        lower = _size_bytes(previous) > _size_bytes(LOAD_MEMORY_LIMIT)
        if lower:
            self.execute(f"set memory_limit = '{LOAD_MEMORY_LIMIT}'")
        try:
            yield
        finally:
            if lower:
                self.execute(f"set memory_limit = '{previous}'")

    def ddl(self, sql: str) -> None:
        """Idempotent DDL (create ... if not exists). PostgreSQL's IF NOT EXISTS is not safe against a
        concurrent create of the same object, so DDL from different processes is serialised."""
        with self.transaction():
            if self.engine == "postgres":
                self.execute("select pg_advisory_xact_lock(hashtext('taskforce ddl'))")
            self.script(sql)

    def ensure_ops(self) -> None:
        # skip the DDL when it is all there: PostgreSQL checks CREATE rights even for IF NOT EXISTS,
        # and a loader or builder login need not hold them once the schema exists
        tables = ("batches", "quarantine", "rejected_files", "builds", "build_batches", "agencies")
        tables += ("agency_sources", "audit_log", "retention_log")
        if not all(self.table_exists("ops", table) for table in tables):
            self.ddl(OPS_DDL)


def connect(settings: Settings, read_only: bool = False) -> Warehouse:
    return Warehouse(settings, read_only=read_only)
