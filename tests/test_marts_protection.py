"""Protection and prevention marts on the built demo warehouse (both engines).

Every staging row lands in its mart exactly once, or is dropped by the documented duplicate rule and
counted (int_shelter_stays_deduplicated, int_referrals_deduplicated); the marts agree with counts made
from the demo files with the csv module (tests/expected_counts.py); the derived columns (lengths of
stay, service flags, days to acceptance, the helpline-to-identification link) are recomputed here in
Python from the marts' own base columns; and both engines give the same rows.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.conftest import built_warehouse
from tests.expected_counts import ProtectionExpected, protection_expected_from_files

# mart: its key column
NEW_MARTS = {
    "fct_shelter_stays": "stay_id",
    "fct_health_services": "health_service_id",
    "fct_referrals": "referral_id",
    "fct_helpline_calls": "call_id",
    "fct_trainings": "training_row_id",
    "fct_labour_inspections": "inspection_id",
    "fct_cooperation_actions": "action_id",
}
# Marts that hold one row per staging row, and how a staging row names its mart row.
ONE_TO_ONE = {
    "fct_health_services": ("stg_health__services", "row"),
    "fct_helpline_calls": ("stg_helpline__calls", "call_id"),
    "fct_trainings": ("stg_iom__trainings", "row"),
    "fct_labour_inspections": ("stg_labour__inspections", "inspection_id"),
    "fct_cooperation_actions": ("stg_foreign_affairs__cooperation_actions", "action_id"),
}
# Marts behind a duplicate rule: mart, its intermediate model, the staging model.
DEDUPLICATED = {
    "fct_shelter_stays": ("int_shelter_stays_deduplicated", "stg_shelters__stays"),
    "fct_referrals": ("int_referrals_deduplicated", "stg_referrals__referrals"),
}
PERSON_LEVEL = {"fct_shelter_stays", "fct_health_services", "fct_referrals", "fct_helpline_calls"}
STAY_SERVICES = {
    "shelter": "barinma",
    "psychosocial": "psikososyal",
    "health": "saglik",
    "legal": "hukuki",
    "interpretation": "tercume",
    "education": "egitim",
    "financial": "maddi_yardim",
    "other": "diger",
}
# Columns others read (dashboards/data.py, tests): the contracts must not change them.
IDENTIFICATION_COLUMNS = [
    "identification_id", "batch_id", "identifying_agency", "person_key", "identified_on",
    "identification_year", "identification_status", "province_plate_code", "nationality_iso3", "sex",
    "age_at_identification", "age_group", "exploitation_types", "is_sexual_exploitation",
    "is_forced_labour", "is_other_exploitation", "referral_source", "is_first_identification_of_person",
]  # fmt: skip
RETURN_COLUMNS = [
    "return_id", "batch_id", "reporting_agency", "person_key", "departed_on", "return_year",
    "destination_iso3", "return_type", "has_reintegration_assistance", "sex", "age_at_return", "age_group",
    "was_identified",
]  # fmt: skip


@pytest.fixture(scope="module")
def expected(demo_paths: list[Path]) -> ProtectionExpected:
    return protection_expected_from_files(demo_paths)


def rows(settings: Settings, sql: str) -> list[tuple]:
    with connect(settings) as wh:
        return wh.fetchall(sql)


def frame(settings: Settings, sql: str) -> pd.DataFrame:
    with connect(settings) as wh:
        return wh.frame(sql)


def as_date(value: object) -> date | None:
    if value is None or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime | pd.Timestamp):
        return value.date()
    return value  # type: ignore[return-value]


def row_ids(settings: Settings, relation: str) -> list[str]:
    """The mart-style id (batch id and line, joined by #) of every row of a staging/intermediate model."""
    return [f"{b}#{r}" for b, r in rows(settings, f"select batch_id, source_row from {relation}")]


@pytest.mark.parametrize("mart", sorted(ONE_TO_ONE))
def test_every_staging_row_lands_once(built: Settings, mart: str) -> None:
    staging, key = ONE_TO_ONE[mart]
    if key == "row":
        staged = row_ids(built, f"staging.{staging}")
    else:
        staged = [r[0] for r in rows(built, f"select {key} from staging.{staging}")]
    landed = [r[0] for r in rows(built, f"select {NEW_MARTS[mart]} from marts.{mart}")]
    assert len(staged) > 0
    assert len(landed) == len(set(landed))
    assert Counter(landed) == Counter(staged)


@pytest.mark.parametrize("mart", sorted(DEDUPLICATED))
def test_every_staging_row_lands_once_or_is_a_counted_duplicate(built: Settings, mart: str) -> None:
    intermediate, staging = DEDUPLICATED[mart]
    staged = row_ids(built, f"staging.{staging}")
    kept = row_ids(built, f"intermediate.{intermediate}")
    dropped = rows(built, f"select coalesce(sum(staging_rows - 1), 0) from intermediate.{intermediate}")[0][0]
    landed = [r[0] for r in rows(built, f"select {NEW_MARTS[mart]} from marts.{mart}")]
    assert len(staged) > 0
    assert Counter(landed) == Counter(kept)  # one mart row per kept copy
    assert set(landed) <= set(staged)  # each the row of one staging row
    assert len(landed) + int(dropped) == len(staged)  # the others dropped by the rule, and counted
    assert int(dropped) == 0  # the demo sends no record twice


def test_shelter_stays_match_the_files(built: Settings, expected: ProtectionExpected) -> None:
    stays = frame(built, "select * from marts.fct_shelter_stays")
    assert dict(Counter(int(y) for y in stays["admission_year"])) == dict(expected.stays_by_year)
    assert int(stays["is_open"].sum()) == expected.open_stays
    assert int(stays["length_of_stay_days"].dropna().sum()) == expected.stay_days
    for service, code in STAY_SERVICES.items():
        assert int(stays[f"received_{service}"].sum()) == expected.stays_with_service[code], service


def test_referrals_match_the_files(built: Settings, expected: ProtectionExpected) -> None:
    referrals = frame(built, "select * from marts.fct_referrals")
    assert dict(Counter(int(y) for y in referrals["referral_year"])) == dict(expected.referrals_by_year)
    assert int(referrals["is_accepted"].sum()) == expected.referrals_accepted
    assert int(referrals["days_to_acceptance"].dropna().sum()) == expected.referral_days_to_acceptance


def test_health_services_match_the_files(built: Settings, expected: ProtectionExpected) -> None:
    by_year = dict(rows(built, "select service_year, count(*) from marts.fct_health_services group by 1"))
    assert by_year == dict(expected.health_by_year)


def test_helpline_calls_match_the_files(built: Settings, expected: ProtectionExpected) -> None:
    """The 2009 file was resent: only the correction counts."""
    by_year = dict(rows(built, "select call_year, count(*) from marts.fct_helpline_calls group by 1"))
    notifications = dict(
        rows(
            built,
            "select call_year, count(*) from marts.fct_helpline_calls where is_notification group by 1",
        )
    )
    linked = rows(built, "select count(*) from marts.fct_helpline_calls where led_to_identification")[0][0]
    assert by_year == dict(expected.calls_by_year)
    assert notifications == dict(expected.notifications_by_year)
    assert linked == expected.calls_leading_to_identification > 0


def test_prevention_marts_match_the_files(built: Settings, expected: ProtectionExpected) -> None:
    trainings = dict(
        rows(built, "select training_year, count(*) from marts.fct_trainings group by 1"),
    )
    participants = dict(
        rows(built, "select training_year, sum(participants_total) from marts.fct_trainings group by 1")
    )
    inspections = dict(
        rows(built, "select inspection_year, count(*) from marts.fct_labour_inspections group by 1")
    )
    referred, indicators = rows(
        built,
        "select sum(case when was_referred_to_police then 1 else 0 end), sum(indicators_found) "
        "from marts.fct_labour_inspections",
    )[0]
    actions = dict(rows(built, "select action_year, count(*) from marts.fct_cooperation_actions group by 1"))
    action_types = dict(
        rows(built, "select action_type, count(*) from marts.fct_cooperation_actions group by 1")
    )
    assert trainings == dict(expected.training_rows_by_year)
    assert {y: int(n) for y, n in participants.items()} == dict(expected.participants_by_year)
    assert inspections == dict(expected.inspections_by_year)
    assert (int(referred), int(indicators)) == (expected.inspections_referred, expected.indicators_found)
    assert actions == dict(expected.actions_by_year)
    assert action_types == dict(expected.actions_by_type)


def test_stay_lengths_open_stays_and_service_flags(built: Settings) -> None:
    stays = frame(built, "select * from marts.fct_shelter_stays").astype(object)
    assert len(stays) > 0
    for stay in stays.itertuples(index=False):
        admitted, discharged = as_date(stay.admitted_on), as_date(stay.discharged_on)
        length = None if pd.isna(stay.length_of_stay_days) else int(stay.length_of_stay_days)
        assert stay.admission_year == admitted.year
        assert bool(stay.is_open) == (discharged is None) == (length is None)
        if discharged is not None:
            assert length == (discharged - admitted).days >= 0
        listed = [] if stay.services is None or pd.isna(stay.services) else stay.services.split(",")
        assert listed == sorted(set(listed))
        assert stay.service_count == len(listed)
        for service in STAY_SERVICES:
            assert bool(getattr(stay, f"received_{service}")) == (service in listed), service
    assert stays["is_open"].any() and not stays["is_open"].all()


def test_days_to_acceptance(built: Settings) -> None:
    referrals = frame(built, "select * from marts.fct_referrals").astype(object)
    assert len(referrals) > 0
    for referral in referrals.itertuples(index=False):
        referred, accepted = as_date(referral.referred_on), as_date(referral.accepted_on)
        days = None if pd.isna(referral.days_to_acceptance) else int(referral.days_to_acceptance)
        assert referral.referral_year == referred.year
        assert bool(referral.is_accepted) == (accepted is not None) == (days is not None)
        if accepted is not None:
            assert days == (accepted - referred).days >= 0


def test_helpline_link_to_identifications(built: Settings) -> None:
    identified = {r[0] for r in rows(built, "select distinct person_key from marts.fct_identifications")}
    calls = frame(built, "select * from marts.fct_helpline_calls").astype(object)
    for call in calls.itertuples(index=False):
        key = None if pd.isna(call.linked_person_key) else call.linked_person_key
        received = as_date(call.received_on)
        assert bool(call.led_to_identification) == (key in identified)
        assert bool(call.is_notification) == (call.call_category == "notification")
        assert (call.call_year, call.call_month) == (received.year, received.month)
        assert as_date(call.received_at) == received
    linked = calls["linked_person_key"].notna()
    assert calls["led_to_identification"].sum() > 0
    assert (linked & ~calls["led_to_identification"].astype(bool)).sum() > 0  # keys of quarantined records


def test_training_totals(built: Settings) -> None:
    bad = rows(
        built,
        "select count(*) from marts.fct_trainings "
        "where participants_total <> participants_female + participants_male or participants_total < 0",
    )[0][0]
    assert bad == 0


def test_contracted_marts_keep_their_columns(built: Settings) -> None:
    for mart, columns in (("fct_identifications", IDENTIFICATION_COLUMNS), ("fct_returns", RETURN_COLUMNS)):
        assert list(frame(built, f"select * from marts.{mart} limit 0").columns) == columns, mart


def test_person_level_marts_have_row_level_security(built_postgres: Settings) -> None:
    flags = {
        name: (enabled, forced)
        for name, enabled, forced in rows(
            built_postgres,
            "select relname, relrowsecurity, relforcerowsecurity from pg_class "
            "where relnamespace = 'marts'::regnamespace and relkind = 'r'",
        )
    }
    for mart in PERSON_LEVEL | {"fct_identifications", "fct_identification_cells", "fct_returns"}:
        assert flags[mart] == (True, True), mart
    for mart in NEW_MARTS.keys() - PERSON_LEVEL:  # aggregates of activities, no person in them
        assert flags[mart] == (False, False), mart


def test_marts_are_published_with_planner_statistics(built_postgres: Settings) -> None:
    """Every mart is analyzed in its own transaction (macros/analyze_for_readers.sql): a table PostgreSQL
    never analyzed has reltuples -1, which autovacuum leaves so for tables under 50 rows for ever and for
    the others until it next passes, and the dashboards' first queries are planned from guesses."""
    unanalyzed = rows(
        built_postgres,
        "select relname from pg_class where relnamespace = 'marts'::regnamespace and relkind = 'r' "
        "and reltuples < 0 order by relname",
    )
    assert unanalyzed == []


def ordered_rows(settings: Settings, mart: str) -> tuple[list[str], list[tuple]]:
    """Column names and rows as the drivers give them (date, datetime, Decimal, int, bool, str, None):
    DuckDB's and psycopg's Python values compare equal when the warehouse values are equal."""
    columns = list(frame(settings, f"select * from marts.{mart} limit 0").columns)
    return columns, rows(settings, f"select * from marts.{mart} order by {NEW_MARTS[mart]}")


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> tuple[Settings, Settings]:
    return (
        built_warehouse("duckdb", tmp_path_factory, demo_paths),
        built_warehouse("postgres", tmp_path_factory, demo_paths),
    )


@pytest.mark.parametrize("mart", sorted(NEW_MARTS))
def test_new_marts_identical_on_both_engines(both: tuple[Settings, Settings], mart: str) -> None:
    duck_columns, duck_rows = ordered_rows(both[0], mart)
    pg_columns, pg_rows = ordered_rows(both[1], mart)
    assert duck_columns == pg_columns
    assert len(duck_rows) == len(pg_rows) > 0
    assert duck_rows == pg_rows
