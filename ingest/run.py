"""Ingest one extract file: identify its source, read, validate, load. Returns what happened, for the
CLI to report to the focal point."""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from ingest.contract import Contract, contract_for_file, load_agencies, load_registry, split_extraction_date
from ingest.errors import ExtractRejected
from ingest.load import (
    BatchCounts,
    FileInfo,
    drop_stale_staging,
    ensure_raw_table,
    existing_batch,
    record_rejection,
    write_batch,
)
from ingest.pii import FIX_TEXT, Finding, describe_findings
from ingest.reader import Extract, open_extract
from ingest.side_checks import start, submit
from ingest.validate import DuplicateTracker, Period, parse_period, validate_chunk
from taskforce.settings import Settings
from taskforce.warehouse import Warehouse, connect, is_unique_violation

MAX_REASONS_KEPT = 10_000  # for the report; ops.quarantine holds every one
# Chunks read and checked before the side checks of the first of them are awaited: the side process
# imports GX (about 2.5 s) while the first chunks are read, then catches up. Each one ahead holds a
# chunk's text and typed rows (about 30 MB).
SIDE_CHECKS_BEHIND = 2
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class IngestResult:
    file_name: str
    outcome: str  # loaded | already_loaded | rejected | accepted (check only)
    batch_id: str | None = None
    source: str | None = None
    agency: str | None = None
    period: str | None = None
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    message: str = ""
    quarantine_reasons: tuple[str, ...] = ()


def _identify(
    path: Path, registry: dict[str, Contract], source: str | None, period: str | None, agency: str | None
) -> tuple[Contract, str, str]:
    """Which contract, reporting period and sending agency a file belongs to."""
    if source:
        if source not in registry:
            raise ExtractRejected(
                path.name,
                f"there is no source named '{source}'.",
                f"Known sources: {', '.join(sorted(registry))}.",
            )
        contract = registry[source]
    else:
        found = contract_for_file(path.name, registry)
        if found is None:
            raise ExtractRejected(
                path.name,
                "the file name does not match any source.",
                "Name it as docs/extract-spec.md says (e.g. tnp_identifications_2008.csv), "
                "or pass --source and --period.",
            )
        contract = found
    label = period or contract.period_of(path.name)
    if not label:
        raise ExtractRejected(
            path.name, "the reporting period is not in the file name.", "Pass --period YYYY."
        )
    sender = agency or contract.agency_of(path.name)
    if not sender:
        raise ExtractRejected(path.name, "the sending agency is not in the file name.", "Pass --agency CODE.")
    if sender not in load_agencies():
        raise ExtractRejected(
            path.name,
            f"agency code '{sender}' is not in the agency registry.",
            "Use the agency code given in docs/extract-spec.md.",
        )
    return contract, label, sender


def file_digest(path: Path) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            digest.update(block)
            size += len(block)
    return digest.hexdigest(), size


def _merge(findings: list[Finding]) -> list[Finding]:
    """One finding per column and rule, with the cells of all chunks added up (order kept)."""
    cells: dict[tuple[str, str], int] = {}
    for finding in findings:
        cells[(finding.column, finding.rule)] = cells.get((finding.column, finding.rule), 0) + finding.cells
    return [Finding(column, rule, n) for (column, rule), n in cells.items()]


def _validated_chunks(
    extract: Extract,
    contract: Contract,
    period: Period,
    counts: BatchCounts,
    reasons: list[str],
    on_rows: Callable[[int], None] | None = None,
) -> Iterator[tuple[pd.DataFrame, pd.DataFrame]]:
    """Validate each chunk, have the side process scan it for personal data and run the GX suite on the
    rows that passed, and hand both on to the loader once the side checks are back (the next chunks are
    read and checked meanwhile, up to ``SIDE_CHECKS_BEHIND``). Personal data anywhere rejects the whole
    file, after every chunk was scanned, so the agency gets one complete report; nothing of a chunk with
    personal data, or after it, is handed to the loader, whose transaction then rolls back. The file's
    totals are filled in at the end."""
    start()
    tracker = DuplicateTracker()
    findings: list[Finding] = []
    failed_suite: list[str] = []
    pending: list[tuple[Any, pd.DataFrame, pd.DataFrame]] = []

    def settle(future: Any, rows: pd.DataFrame, quarantine: pd.DataFrame) -> bool:
        found, suite = future.result()
        findings.extend(found)
        if not suite.success:
            failed_suite.append(suite.summary())
        return not findings and not failed_suite

    for chunk in extract.chunks():
        rows, quarantine = validate_chunk(chunk, contract, period, tracker)
        reasons.extend(quarantine["reason"].iloc[: max(0, MAX_REASONS_KEPT - len(reasons))])
        if on_rows:
            on_rows(len(rows) + len(quarantine))
        ragged = [r.fields for r in chunk.ragged]
        pending.append((submit(contract, chunk.frame, ragged, rows), rows, quarantine))
        if len(pending) > SIDE_CHECKS_BEHIND:
            oldest = pending.pop(0)
            if settle(*oldest):
                yield oldest[1], oldest[2]
    for future, rows, quarantine in pending:
        if settle(future, rows, quarantine):
            yield rows, quarantine
    if findings:
        raise ExtractRejected(extract.file_name, describe_findings(_merge(findings)), FIX_TEXT)
    if failed_suite:
        raise ExtractRejected(
            extract.file_name,
            f"rows that passed the row checks failed the Great Expectations suite ({failed_suite[0]}).",
            "Nothing was loaded; report this to the warehouse team (a row check missed something).",
        )
    counts.rows_read = extract.rows_read
    counts.rows_skipped = extract.rows_skipped


def _rejected(
    path: Path, contract: Contract | None, sender: str | None, rejected: ExtractRejected
) -> IngestResult:
    return IngestResult(
        path.name,
        "rejected",
        source=contract.source if contract else None,
        agency=sender,
        message=str(rejected),
    )


def _counted(
    path: Path,
    outcome: str,
    source: str,
    sender: str,
    period: str,
    counts: BatchCounts,
    reasons: list[str],
    batch_id: str | None = None,
) -> IngestResult:
    """The result of a file that was (or would be) loaded, with its counts and quarantine reasons."""
    return IngestResult(
        path.name,
        outcome,
        batch_id=batch_id,
        source=source,
        agency=sender,
        period=period,
        rows_read=counts.rows_read,
        rows_loaded=counts.rows_loaded,
        rows_quarantined=counts.rows_quarantined,
        rows_skipped=counts.rows_skipped,
        quarantine_reasons=tuple(reasons),
    )


def _refuse_expired(wh: Warehouse, contract: Contract, sender: str, period: Period, file_name: str) -> None:
    from taskforce.retention import RetentionError, reload_refusal

    try:
        problem = reload_refusal(wh, contract.source, sender, period.label, period.end)
    except RetentionError as exc:  # a malformed TASKFORCE_RETENTION_YEARS: the operator's to fix
        raise ExtractRejected(file_name, f"the warehouse's retention setting is wrong: {exc}.") from None
    if problem:
        raise ExtractRejected(
            file_name,
            problem + ".",
            "Do not send this period again; ask the Task Force secretariat if it must be kept.",
        )


def ingest_file(
    wh: Warehouse,
    path: Path,
    source: str | None = None,
    period: str | None = None,
    registry: dict[str, Contract] | None = None,
    agency: str | None = None,
    extracted_on: date | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> IngestResult:
    """Ingest one file: a no-op if it was loaded before, a rejection (recorded in ops.rejected_files)
    if it cannot be loaded as a whole, otherwise one batch with its quarantined rows."""
    registry = registry or load_registry()
    sha256, size = file_digest(path)
    received = datetime.now(UTC)
    wh.ensure_ops()
    contract: Contract | None = None
    sender: str | None = None
    counts = BatchCounts()
    reasons: list[str] = []
    try:
        contract, label, sender = _identify(path, registry, source, period, agency)
        known = existing_batch(wh, contract.source, sha256)
        if known:
            return IngestResult(
                path.name,
                "already_loaded",
                batch_id=known[0],
                source=contract.source,
                agency=sender,
                message=f"this exact file was already loaded as batch {known[0]} ({known[1]}); "
                "nothing changed",
            )
        start()  # the side process imports GX while the file is scanned and its header checked
        period_spec = parse_period(label, path.name)
        _refuse_expired(wh, contract, sender, period_spec, path.name)
        extract = open_extract(path, contract, path.name)
        ensure_raw_table(wh, contract)
        if wh.engine == "duckdb":
            drop_stale_staging(wh)
        extracted = extracted_on or split_extraction_date(path.name)[1]
        info = FileInfo(path.name, sha256, size, extract.encoding, received, extracted)
        chunks = _validated_chunks(extract, contract, period_spec, counts, reasons, on_rows)
        try:
            batch_id = write_batch(wh, contract, sender, period_spec, info, chunks, counts)
        except Exception as exc:
            if not is_unique_violation(exc):
                raise
            known = existing_batch(wh, contract.source, sha256)  # another process loaded it meanwhile
            return IngestResult(
                path.name,
                "already_loaded",
                batch_id=known[0] if known else None,
                source=contract.source,
                agency=sender,
                message="this exact file was loaded by another process at the same time; nothing changed",
            )
    except ExtractRejected as rejected:
        record_rejection(wh, FileInfo(path.name, sha256, size, "", received), contract, sender, str(rejected))
        return _rejected(path, contract, sender, rejected)
    return _counted(path, "loaded", contract.source, sender, label, counts, reasons, batch_id)


def check_file(
    path: Path,
    source: str | None = None,
    period: str | None = None,
    agency: str | None = None,
    registry: dict[str, Contract] | None = None,
) -> IngestResult:
    """What ``ingest_file`` would do with a file, touching no database: for an agency focal point to
    run before sending. Outcome ``accepted`` (rows would load, some perhaps quarantined) or ``rejected``."""
    registry = registry or load_registry()
    counts = BatchCounts()
    reasons: list[str] = []
    contract: Contract | None = None
    sender: str | None = None
    try:
        contract, label, sender = _identify(path, registry, source, period, agency)
        start()
        extract = open_extract(path, contract, path.name)
        for rows, quarantine in _validated_chunks(
            extract, contract, parse_period(label, path.name), counts, reasons
        ):
            counts.rows_loaded += len(rows)
            counts.rows_quarantined += len(quarantine)
    except ExtractRejected as rejected:
        return _rejected(path, contract, sender, rejected)
    return _counted(path, "accepted", contract.source, sender, label, counts, reasons)


TRANSIENT_RETRIES = 3


def is_transient(exc: BaseException) -> bool:
    """A lost connection or a serialization conflict: the same load may simply be tried again (it is
    idempotent: a batch is committed whole or not at all, and a second copy is refused by its sha256)."""
    try:
        import psycopg
    except ImportError:  # pragma: no cover - psycopg is a dependency
        return False
    if isinstance(exc, psycopg.errors.DiskFull | psycopg.errors.OutOfMemory):
        return False  # the server answered: trying again only fills the disk again
    return isinstance(exc, psycopg.OperationalError | psycopg.errors.SerializationFailure)


def ingest_with_retry(
    settings: Settings,
    path: Path,
    retries: int = TRANSIENT_RETRIES,
    sleep: Callable[[float], None] = time.sleep,
    **options: Any,
) -> IngestResult:
    """``ingest_file`` on a fresh connection, tried again after a transient database error with
    exponential backoff and jitter. A rejected file is an answer, not an error: it is never retried."""
    for attempt in range(retries + 1):
        try:
            with connect(settings) as wh:
                return ingest_file(wh, path, **options)
        except Exception as exc:
            if not is_transient(exc) or attempt == retries:
                raise
            delay = 0.5 * 2**attempt * (1 + random.random())
            log.warning(
                "%s: transient database error (%s); retrying in %.1f s", path.name, type(exc).__name__, delay
            )
            sleep(delay)
    raise AssertionError("unreachable")
