"""Write one validated extract into the warehouse in a single transaction: the batch row in
``ops.batches``, the typed rows in ``raw.<source>``, the broken rows in ``ops.quarantine``.

A batch for the same source and reporting period that is already active is marked superseded in the
same transaction, so totals always come from the latest extract of each period. The same file (same
sha256) is never loaded twice: ``unique (source, file_sha256)`` makes a second load a no-op.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pandas as pd

from ingest.contract import Contract
from ingest.errors import ExtractRejected
from ingest.validate import Period
from taskforce.warehouse import Warehouse

QUARANTINE_TYPES = {
    "batch_id": "text",
    "source": "text",
    "source_row": "bigint",
    "rules": "text",
    "reason": "text",
    "payload": "text",
}


@dataclass(frozen=True)
class FileInfo:
    name: str
    sha256: str
    size: int
    encoding: str
    received_at: datetime
    extracted_on: date | None = None  # when the agency made the extract, if the file name says
    loaded_by: str = ""  # who ran the load (TASKFORCE_USER, else the operating-system user)


def operator() -> str:
    """Who is loading: the Task Force user name if the deployment sets one, else the OS account."""
    import getpass
    import os

    return os.environ.get("TASKFORCE_USER") or getpass.getuser()


def batch_id_for(contract: Contract, agency: str, period: Period, sha256: str) -> str:
    return f"{contract.source}:{agency}:{period.label}:{sha256[:12]}"


def raw_types(contract: Contract) -> dict[str, str]:
    return {**{c.name: c.sql_type for c in contract.columns}, "_batch_id": "text", "_source_row": "bigint"}


def ensure_raw_table(wh: Warehouse, contract: Contract) -> None:
    if wh.table_exists("raw", contract.source):
        return
    columns = ", ".join(f'"{name}" {sql_type}' for name, sql_type in raw_types(contract).items())
    wh.ddl(f"create schema if not exists raw; create table if not exists {contract.raw_table} ({columns})")


def existing_batch(wh: Warehouse, source: str, sha256: str) -> tuple[str, str] | None:
    rows = wh.fetchall(
        "select batch_id, status from ops.batches where source = ? and file_sha256 = ?", (source, sha256)
    )
    return (rows[0][0], rows[0][1]) if rows else None


@dataclass
class BatchCounts:
    """Filled in while a batch streams in; read = loaded + quarantined + skipped is checked by the
    database (a check constraint on ops.batches) when the batch row is written last."""

    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0


def _as_date(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def _claim_period(
    wh: Warehouse, contract: Contract, agency: str, period: Period, info: FileInfo
) -> str | None:
    """Refuse an overlapping period, or an extract made before the one already loaded for the period;
    otherwise supersede the active batch of the same period. Returns the superseded batch's id."""
    file_name = info.name
    overlapping = wh.fetchall(
        "select period from ops.batches where source = ? and agency = ? and status = 'active' "
        "and period <> ? and period_start <= ? and period_end >= ?",
        (contract.source, agency, period.label, period.end, period.start),
    )
    if overlapping:
        raise ExtractRejected(
            file_name,
            f"its period {period.label} overlaps the period {overlapping[0][0]} already loaded for "
            f"{agency} {contract.source}.",
            f"Send a corrected file for period {overlapping[0][0]} instead.",
        )
    previous = wh.fetchall(
        "select batch_id, extracted_on from ops.batches "
        "where source = ? and agency = ? and period = ? and status = 'active'",
        (contract.source, agency, period.label),
    )
    if previous and previous[0][1] and info.extracted_on and info.extracted_on < _as_date(previous[0][1]):
        raise ExtractRejected(
            file_name,
            f"this extract was made on {info.extracted_on:%d.%m.%Y}, before the one already loaded for "
            f"{period.label} (made on {_as_date(previous[0][1]):%d.%m.%Y}); "
            "an older file never replaces a newer one.",
            "If it really is the correction, send it again with today's date in its name.",
        )
    supersedes = previous[0][0] if previous else None
    if supersedes:
        wh.execute("update ops.batches set status = 'superseded' where batch_id = ?", (supersedes,))
    return supersedes


STAGING_PREFIX = "_load_"  # DuckDB staging tables of loads by earlier versions (dropped when found)


def _insert_batch_row(
    wh: Warehouse, batch_id: str, contract: Contract, agency: str, period: Period, info: FileInfo,
    counts: BatchCounts, supersedes: str | None,
) -> None:  # fmt: skip
    wh.execute(
        "insert into ops.batches (batch_id, agency, source, period, period_start, period_end, file_name, "
        "file_sha256, file_bytes, encoding, contract_version, received_at, extracted_on, loaded_at, "
        "loaded_by, rows_read, rows_loaded, rows_quarantined, rows_skipped, status, supersedes_batch_id) "
        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'active', ?)",
        (
            batch_id, agency, contract.source, period.label, period.start, period.end, info.name,
            info.sha256, info.size, info.encoding, contract.version, info.received_at.replace(tzinfo=None),
            info.extracted_on, datetime.now(UTC).replace(tzinfo=None), info.loaded_by or operator(),
            counts.rows_read, counts.rows_loaded, counts.rows_quarantined, counts.rows_skipped, supersedes,
        ),
    )  # fmt: skip


def _append_chunk(
    wh: Warehouse, raw_table: str, quarantine_table: str, batch_id: str, contract: Contract,
    rows: pd.DataFrame, quarantine: pd.DataFrame, counts: BatchCounts,
) -> None:  # fmt: skip
    wh.append(raw_table, rows.assign(_batch_id=batch_id), raw_types(contract))
    wh.append(
        quarantine_table, quarantine.assign(batch_id=batch_id, source=contract.source), QUARANTINE_TYPES
    )
    counts.rows_loaded += len(rows)
    counts.rows_quarantined += len(quarantine)


def drop_stale_staging(wh: Warehouse) -> None:
    """Staging tables left by a killed DuckDB load of an earlier version (which staged each chunk in a
    table of its own): they were never part of the warehouse."""
    for schema, table in wh.fetchall(
        "select table_schema, table_name from information_schema.tables "
        "where table_schema in ('raw', 'ops') and table_name like ?",
        (f"{STAGING_PREFIX}%",),
    ):
        wh.execute(f'drop table if exists {schema}."{table}"')


def write_batch(
    wh: Warehouse,
    contract: Contract,
    agency: str,
    period: Period,
    info: FileInfo,
    chunks: Iterable[tuple[pd.DataFrame, pd.DataFrame]],
    counts: BatchCounts,
) -> str:
    """Stream one batch in and return its id; the batch becomes visible all at once or not at all.

    ``chunks`` yields (loadable rows, quarantined rows); when it is exhausted ``counts`` must hold the
    file's totals. Any exception (a rejection found late, a lost connection, a kill) leaves no trace in
    the warehouse. Raises ExtractRejected when the period overlaps an active batch of the same agency and
    source with a different period (e.g. a month inside a year).

    Everything happens in one transaction on both engines. PostgreSQL spills a big transaction to disk;
    DuckDB writes the row groups of a large append to the database file before commit (optimistic
    writes), scans each chunk's Arrow table without registering it (``Warehouse.append``) and gets a
    small buffer pool for the load (``Warehouse.bulk_load``), so memory stays bounded and nothing is
    written twice.
    """
    batch_id = batch_id_for(contract, agency, period, info.sha256)
    with wh.transaction():
        if wh.engine == "postgres":  # serialise loads of the same agency and source
            wh.execute("select pg_advisory_xact_lock(hashtext(?))", (f"{contract.source}|{agency}",))
        supersedes = _claim_period(wh, contract, agency, period, info)
        with wh.bulk_load():  # over before the commit, which may need the memory (quarantine's index)
            for rows, quarantine in chunks:
                _append_chunk(
                    wh, contract.raw_table, "ops.quarantine", batch_id, contract, rows, quarantine, counts
                )
        _insert_batch_row(wh, batch_id, contract, agency, period, info, counts, supersedes)
    return batch_id


def record_rejection(
    wh: Warehouse, info: FileInfo, contract: Contract | None, agency: str | None, problem: str
) -> None:
    wh.execute(
        "insert into ops.rejected_files (file_name, file_sha256, source, agency, received_at, problem) "
        "values (?, ?, ?, ?, ?, ?)",
        (
            info.name,
            info.sha256,
            contract.source if contract else None,
            agency,
            info.received_at.replace(tzinfo=None),
            problem,
        ),
    )
