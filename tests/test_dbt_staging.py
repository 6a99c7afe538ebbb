"""The staging layer of every agency source, checked on the built demo warehouse (both engines).

Each staging model must hold exactly the rows loaded for its source's active batches, map every agency
code through seeds/source_codes.csv (so a mapped column is null only where the agency sent nothing), and
never read a superseded batch. The one-row-per-item models are checked against lists split in Python
from the raw tables, independently of the SQL that unpacks them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

from taskforce.settings import Settings
from taskforce.warehouse import connect

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "dbt_project" / "seeds" / "source_codes.csv"
CONTRACTS = ROOT / "ingest" / "sources"


@dataclass(frozen=True)
class Mapping:
    mapped: str  # harmonized column in the staging model
    source_code: str  # the agency's code kept beside it
    seed_column: str  # column_name in seeds/source_codes.csv


@dataclass(frozen=True)
class Staged:
    source: str  # raw.<source> and ops.batches.source
    mappings: tuple[Mapping, ...]


def m(mapped: str, source_code: str, seed_column: str) -> Mapping:
    return Mapping(mapped, source_code, seed_column)


# One row per raw row of an active batch.
STAGED: dict[str, Staged] = {
    "stg_gendarmerie__identifications": Staged(
        "gendarmerie_identifications",
        (
            m("identification_status", "status_source_code", "status"),
            m("sex", "sex_source_code", "sex"),
            m("referral_source", "referral_source_code", "referral_source"),
        ),
    ),
    "stg_police__operations": Staged("police_operations", (m("offence", "article_source_code", "article"),)),
    "stg_police__suspects": Staged(
        "police_suspects", (m("sex", "sex_source_code", "sex"), m("role", "role_source_code", "role"))
    ),
    "stg_justice__prosecutions": Staged(
        "justice_prosecutions", (m("offence", "article_source_code", "article"),)
    ),
    "stg_justice__decisions": Staged(
        "justice_decisions",
        (
            m("outcome", "outcome_source_code", "outcome"),
            m("court_instance", "instance_source_code", "instance"),
        ),
    ),
    "stg_shelters__stays": Staged(
        "shelter_stays",
        (
            m("shelter", "shelter_source_code", "shelter_code"),
            m("discharge_reason", "discharge_reason_source_code", "discharge_reason"),
        ),
    ),
    "stg_iom__trainings": Staged(
        "iom_trainings",
        (
            m("participant_agency", "participant_agency_source_code", "participant_agency"),
            m("topic", "topic_source_code", "topic"),
        ),
    ),
    "stg_helpline__calls": Staged(
        "helpline_calls",
        (
            m("call_language", "language_source_code", "language"),
            m("caller_type", "caller_type_source_code", "caller_type"),
            m("call_category", "category_source_code", "category"),
            m("call_outcome", "outcome_source_code", "outcome"),
        ),
    ),
    "stg_labour__inspections": Staged(
        "labour_inspections",
        (
            m("sector", "sector_source_code", "sector"),
            m("was_referred_to_police", "referred_to_police_source_code", "referred_to_police"),
        ),
    ),
    "stg_health__services": Staged(
        "health_services",
        (
            m("service_type", "service_type_source_code", "service_type"),
            m("provider_type", "provider_type_source_code", "provider_type"),
        ),
    ),
    "stg_foreign_affairs__cooperation_actions": Staged(
        "cooperation_actions", (m("action_type", "action_type_source_code", "action_type"),)
    ),
    "stg_referrals__referrals": Staged(
        "referrals",
        (
            m("from_agency", "from_agency_source_code", "from_agency"),
            m("to_agency", "to_agency_source_code", "to_agency"),
            m("service_requested", "service_requested_source_code", "service_requested"),
        ),
    ),
}


@dataclass(frozen=True)
class Items:
    source: str
    list_column: str  # the multi-value column in raw.<source>
    separator: str
    parent_key: str  # raw column that identifies the parent row ('' = (batch, row))
    model_parent_key: str  # the same key in the item model
    model_item: str  # the item (as sent) in the item model
    mapping: Mapping | None  # harmonized item, for code sets


# One row per item of a multi-value column (a repeated item counts once).
ITEMS: dict[str, Items] = {
    "stg_gendarmerie__identification_exploitation_types": Items(
        "gendarmerie_identifications",
        "exploitation_types",
        ",",
        "record_id",
        "identification_id",
        "exploitation_source_code",
        m("exploitation_type", "exploitation_source_code", "exploitation_types"),
    ),
    "stg_shelters__stay_services": Items(
        "shelter_stays",
        "services",
        ",",
        "",
        "",
        "service_source_code",
        m("service", "service_source_code", "services"),
    ),
    "stg_justice__prosecution_victims": Items(
        "justice_prosecutions", "victim_keys", "|", "", "", "victim_key", None
    ),
}

ALL_MODELS = [*STAGED, *ITEMS]
MAPPED_MODELS = [*STAGED, *(model for model, spec in ITEMS.items() if spec.mapping)]


def rows(settings: Settings, sql: str) -> list[tuple]:
    with connect(settings) as wh:
        return wh.fetchall(sql)


def scalar(settings: Settings, sql: str) -> object:
    return rows(settings, sql)[0][0]


def active_batches(settings: Settings, source: str) -> set[str]:
    sql = f"select batch_id from ops.batches where source = '{source}' and status = 'active'"
    return {batch_id for (batch_id,) in rows(settings, sql)}


def seed_codes() -> dict[tuple[str, str, str], str]:
    with SEED.open(encoding="utf-8", newline="") as f:
        return {(r["source"], r["column_name"], r["source_code"]): r["code"] for r in csv.DictReader(f)}


def as_seed_text(value: object) -> str:
    """A harmonized value as the seed writes it (booleans as true/false)."""
    return str(value).lower() if isinstance(value, bool) else str(value)


@pytest.mark.parametrize("model", list(STAGED))
def test_row_count_equals_rows_loaded_for_active_batches(built: Settings, model: str) -> None:
    source = STAGED[model].source
    loaded = scalar(
        built, f"select sum(rows_loaded) from ops.batches where source = '{source}' and status = 'active'"
    )
    staged = scalar(built, f"select count(*) from staging.{model}")
    assert loaded, f"the demo loads no {source} rows: nothing is checked"
    assert staged == loaded


# Every model but the gendarmerie's exploitation types (keyed by the identification) carries its batch.
WITH_BATCH = [model for model in ALL_MODELS if model != "stg_gendarmerie__identification_exploitation_types"]


@pytest.mark.parametrize("model", WITH_BATCH)
def test_only_active_batches_are_read(built: Settings, model: str) -> None:
    inactive = scalar(
        built,
        f"select count(*) from staging.{model} s where not exists "
        "(select 1 from ops.batches b where b.batch_id = s.batch_id and b.status = 'active')",
    )
    assert inactive == 0


@pytest.mark.parametrize("model", MAPPED_MODELS)
def test_mapped_columns_are_non_null_where_the_source_code_is(built: Settings, model: str) -> None:
    mappings = STAGED[model].mappings if model in STAGED else (ITEMS[model].mapping,)
    for mapping in filter(None, mappings):
        sent, unmapped = rows(
            built,
            f"select count({mapping.source_code}), "
            f"sum(case when {mapping.source_code} is not null and {mapping.mapped} is null "
            f"then 1 else 0 end) from staging.{model}",
        )[0]
        assert sent, f"{model}.{mapping.source_code} is never sent in the demo: nothing is checked"
        assert not unmapped, f"{model}.{mapping.mapped}: {unmapped} rows with a source code, no mapped code"


@pytest.mark.parametrize("model", MAPPED_MODELS)
def test_mapped_values_are_the_seed_codes(built: Settings, model: str) -> None:
    """Each (source code, mapped code) pair in staging is the seed's line for that source and column."""
    source = STAGED[model].source if model in STAGED else ITEMS[model].source
    mappings = STAGED[model].mappings if model in STAGED else (ITEMS[model].mapping,)
    seed = seed_codes()
    for mapping in filter(None, mappings):
        pairs = rows(
            built,
            f"select distinct {mapping.source_code}, {mapping.mapped} from staging.{model} "
            f"where {mapping.source_code} is not null",
        )
        for sent, mapped in pairs:
            assert as_seed_text(mapped) == seed[(source, mapping.seed_column, sent)], (model, sent)


@pytest.mark.parametrize("model", list(ITEMS))
def test_item_rows_match_the_lists_split_in_python(built: Settings, model: str) -> None:
    spec = ITEMS[model]
    active = active_batches(built, spec.source)
    parent = spec.parent_key or "_batch_id, _source_row"
    expected: set[tuple] = set()
    raw_rows = rows(built, f"select _batch_id, {parent}, {spec.list_column} from raw.{spec.source}")
    for batch_id, *key, value in raw_rows:
        if batch_id not in active or value is None:
            continue
        for item in value.split(spec.separator):
            if item.strip():
                expected.add((*key, item.strip()))
    model_parent = spec.model_parent_key or "batch_id, source_row"
    got = rows(built, f"select {model_parent}, {spec.model_item} from staging.{model}")
    assert len(got) == len(expected)
    assert set(got) == expected
    assert expected, f"the demo sends no {spec.list_column} lists: nothing is checked"


def test_superseded_helpline_batch_contributes_no_rows(built: Settings) -> None:
    superseded = rows(
        built,
        "select batch_id, period from ops.batches where source = 'helpline_calls' and status = 'superseded'",
    )
    assert superseded, "the demo resends h157_calls_2009 as a correction: a superseded batch is expected"
    for batch_id, period in superseded:
        in_raw = scalar(built, f"select count(*) from raw.helpline_calls where _batch_id = '{batch_id}'")
        staged = scalar(
            built, f"select count(*) from staging.stg_helpline__calls where batch_id = '{batch_id}'"
        )
        assert in_raw, "the superseded batch's rows stay in raw for audit"
        assert staged == 0
        # ... and the period is counted once, from the correction alone
        active_loaded = scalar(
            built,
            "select sum(rows_loaded) from ops.batches "
            f"where source = 'helpline_calls' and period = '{period}' and status = 'active'",
        )
        in_period = scalar(
            built,
            "select count(*) from staging.stg_helpline__calls c "
            f"join ops.batches b on c.batch_id = b.batch_id where b.period = '{period}'",
        )
        assert in_period == active_loaded


@pytest.mark.parametrize("model", ["stg_shelters__stays", "stg_referrals__referrals"])
def test_sending_agency_comes_from_the_batch(built: Settings, model: str) -> None:
    mismatched = scalar(
        built,
        f"select count(*) from staging.{model} s join ops.batches b on s.batch_id = b.batch_id "
        "where s.sending_agency is null or s.sending_agency <> b.agency",
    )
    assert mismatched == 0
    agencies = {a for (a,) in rows(built, f"select distinct sending_agency from staging.{model}")}
    assert len(agencies) >= 2  # the demo has more than one sender for both sources


def test_seed_maps_every_code_of_every_contract() -> None:
    """Every code a contract lists (not the countries code list) has a line in seeds/source_codes.csv."""
    seed = seed_codes()
    missing = []
    for path in sorted(CONTRACTS.glob("*.yaml")):
        contract = yaml.safe_load(path.read_text(encoding="utf-8"))
        for column in contract["columns"]:
            for code in column.get("codes", ()):
                if (contract["source"], column["name"], str(code)) not in seed:
                    missing.append(f"{contract['source']}.{column['name']}={code}")
    assert not missing, "codes without a harmonized code: " + ", ".join(missing)
