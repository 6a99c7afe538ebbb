"""Copy the agency registry (ingest/agencies.yaml) and who sends which source (the contracts with a fixed
agency) into ``ops``, so that dbt models read them as data: dim_agency and the expected extracts of the
reporting-rate marts. Run before every build; a deployment edits the YAML, never the SQL.
"""

from __future__ import annotations

from ingest.contract import AGENCY_FROM_FILE_NAME, load_agencies, load_registry
from taskforce.warehouse import Warehouse


def registry_rows() -> tuple[list[tuple], list[tuple[str, str]]]:
    agencies = [
        (a.code, a.name_en, a.name_tr, a.type, a.ministry or "", a.role, a.reporting, int(a.deadline_days))
        for a in load_agencies().values()
    ]
    expected = sorted(
        (contract.agency, contract.source)
        for contract in load_registry().values()
        if contract.agency != AGENCY_FROM_FILE_NAME
    )
    return agencies, expected


def sync_registry(wh: Warehouse) -> None:
    """Replace ops.agencies and ops.agency_sources with the registry, in one transaction."""
    agencies, expected = registry_rows()
    with wh.transaction():
        wh.execute("delete from ops.agency_sources")
        wh.execute("delete from ops.agencies")
        for row in agencies:
            wh.execute(
                "insert into ops.agencies (code, name_en, name_tr, type, ministry, role, reporting,"
                " deadline_days) values (?, ?, ?, ?, ?, ?, ?, ?)",
                row,
            )
        for row in expected:
            wh.execute("insert into ops.agency_sources (agency, source) values (?, ?)", row)
