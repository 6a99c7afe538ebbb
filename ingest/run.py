"""Ingest one extract file: identify its source, read, validate, load. Returns what happened, for the
CLI to report to the focal point."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ingest.contract import Contract, contract_for_file, load_agencies, load_registry
from ingest.errors import ExtractRejected
from ingest.load import FileInfo, ensure_raw_table, existing_batch, record_rejection, write_batch
from ingest.reader import read_extract
from ingest.validate import parse_period, validate
from taskforce.warehouse import Warehouse


@dataclass(frozen=True)
class IngestResult:
    file_name: str
    outcome: str  # loaded | already_loaded | rejected
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


def ingest_file(
    wh: Warehouse,
    path: Path,
    source: str | None = None,
    period: str | None = None,
    registry: dict[str, Contract] | None = None,
    agency: str | None = None,
) -> IngestResult:
    registry = registry or load_registry()
    data = path.read_bytes()
    info = FileInfo(
        name=path.name,
        sha256=hashlib.sha256(data).hexdigest(),
        size=len(data),
        encoding="",
        received_at=datetime.now(UTC),
    )
    wh.ensure_ops()
    contract: Contract | None = None
    sender: str | None = None
    try:
        contract, label, sender = _identify(path, registry, source, period, agency)
        known = existing_batch(wh, contract.source, info.sha256)
        if known:
            return IngestResult(
                path.name,
                "already_loaded",
                batch_id=known[0],
                source=contract.source,
                message=f"this exact file was already loaded as batch {known[0]} ({known[1]}); "
                "nothing changed",
            )
        parsed = read_extract(data, contract, path.name)
        period_spec = parse_period(label, path.name)
        checked = validate(parsed, contract, period_spec)
        ensure_raw_table(wh, contract)
        file_info = FileInfo(info.name, info.sha256, info.size, parsed.encoding, info.received_at)
        batch_id = write_batch(wh, contract, sender, period_spec, file_info, checked)
    except ExtractRejected as rejected:
        record_rejection(wh, info, contract, sender, str(rejected))
        return IngestResult(
            path.name,
            "rejected",
            source=contract.source if contract else None,
            agency=sender,
            message=str(rejected),
        )
    return IngestResult(
        path.name,
        "loaded",
        batch_id=batch_id,
        source=contract.source,
        agency=sender,
        period=label,
        rows_read=checked.rows_read,
        rows_loaded=len(checked.rows),
        rows_quarantined=len(checked.quarantine),
        rows_skipped=checked.rows_skipped,
        quarantine_reasons=tuple(checked.quarantine["reason"]),
    )
