"""The persons marts (dim_person, fct_victim_pathway), checked on the built demo warehouse (both engines).

Every expectation is recomputed here from the staging views with pandas, independently of the SQL of
int_person_records_unioned / int_persons_resolved: which person keys exist, each identified person's
first identification, and the disagreement counts. Failure messages give counts and column names only,
never a person key.
"""

from __future__ import annotations

import pandas as pd
import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect

# Every staging view that names a victim by the person key, and the column holding the key.
PERSON_KEY_SOURCES = {
    "stg_police__identifications": "person_key",
    "stg_gendarmerie__identifications": "person_key",
    "stg_iom__returns": "person_key",
    "stg_shelters__stays": "person_key",
    "stg_health__services": "person_key",
    "stg_referrals__referrals": "person_key",
    "stg_helpline__calls": "linked_person_key",
    "stg_justice__prosecution_victims": "victim_key",
}

DURATION_FLAGS = {
    "days_identification_to_first_referral": "has_step_before_identification",
    "days_identification_to_first_shelter": "has_step_before_identification",
    "days_identification_to_first_health_service": "has_step_before_identification",
    "days_identification_to_return": "has_step_before_identification",
    "days_identification_to_first_assistance": "has_step_before_identification",
    "days_first_referral_to_first_assistance": "has_assistance_before_referral",
}


def frame(settings: Settings, sql: str) -> pd.DataFrame:
    with connect(settings) as wh:
        return wh.frame(sql)


def as_dates(series: pd.Series) -> pd.Series:
    return pd.to_datetime(series).dt.normalize()


@pytest.fixture(scope="module")
def dim_person(built: Settings) -> pd.DataFrame:
    return frame(built, "select * from marts.dim_person")


def test_dim_person_holds_exactly_the_distinct_person_keys_of_all_sources(
    built: Settings, dim_person: pd.DataFrame
) -> None:
    expected: set[str] = set()
    for view, column in PERSON_KEY_SOURCES.items():
        keys = frame(built, f"select distinct {column} as k from staging.{view} where {column} is not null")
        assert len(keys) > 0, f"staging.{view} names nobody: the check would prove nothing"
        expected |= set(keys["k"])
    actual = set(dim_person["person_key"])
    assert len(dim_person) == len(actual), "dim_person has a person key twice"
    assert not expected - actual, f"{len(expected - actual)} person keys of the sources are missing"
    assert not actual - expected, f"{len(actual - expected)} person keys are in no source"


def test_identified_persons_have_their_first_identification(
    built: Settings, dim_person: pd.DataFrame
) -> None:
    identifications = frame(
        built,
        "select person_key, identified_on, identification_status, identifying_agency,"
        " is_first_identification_of_person from marts.fct_identifications",
    )
    identifications["identified_on"] = as_dates(identifications["identified_on"])
    first = identifications.groupby("person_key")["identified_on"].min()
    is_first = identifications["is_first_identification_of_person"].astype(bool)
    first_agency = identifications[is_first].set_index("person_key")["identifying_agency"]

    pathways = frame(built, "select person_key, identified_on from marts.fct_victim_pathway")
    pathways = pathways.set_index("person_key")
    pathways["identified_on"] = as_dates(pathways["identified_on"])
    persons = dim_person.set_index("person_key")

    assert not set(first.index) - set(persons.index), "an identified person is missing from dim_person"
    assert (pathways.loc[first.index, "identified_on"] == first).all(), (
        "fct_victim_pathway.identified_on differs from the first identification in fct_identifications"
    )
    years = persons.loc[first.index, "first_identification_year"].astype(int)
    assert (years == first.dt.year).all(), "first_identification_year differs from fct_identifications"
    assert (persons.loc[first_agency.index, "identifying_agency"] == first_agency).all(), (
        "identifying_agency is not the agency of the record fct_identifications marks as first"
    )

    never = persons[~persons.index.isin(first.index)]
    assert (never["person_identification_status"] == "never_identified").all()
    assert never["first_identification_year"].isna().all() and never["identifying_agency"].isna().all()
    is_formal = identifications["identification_status"] == "identified"
    formally = set(identifications.loc[is_formal, "person_key"])
    assert set(persons.index[persons["is_identified"].astype(bool)]) == formally
    presumed_only = set(first.index) - formally
    assert set(persons.index[persons["is_presumed_only"].astype(bool)]) == presumed_only


def test_no_pathway_duration_is_negative_unless_flagged(built: Settings) -> None:
    pathways = frame(built, "select * from marts.fct_victim_pathway")
    assert len(pathways) == len(frame(built, "select person_key from marts.dim_person"))
    for duration, flag in DURATION_FLAGS.items():
        negative = pd.to_numeric(pathways[duration]) < 0
        unflagged = negative & ~pathways[flag].astype(bool)
        assert not unflagged.any(), f"{int(unflagged.sum())} negative {duration} without {flag}"
    # a duration exists exactly when both of its dates do
    for duration, start, end in (
        ("days_identification_to_first_shelter", "identified_on", "first_sheltered_on"),
        ("days_identification_to_return", "identified_on", "returned_on"),
        ("days_first_referral_to_first_assistance", "first_referred_on", "first_assistance_on"),
    ):
        both = pathways[start].notna() & pathways[end].notna()
        assert (pathways[duration].notna() == both).all(), (
            f"{duration} is not set exactly when both dates are"
        )


def test_disagreement_counts_match_an_independent_computation(
    built: Settings, dim_person: pd.DataFrame
) -> None:
    parts = [
        frame(
            built,
            "select person_key, sex, nationality_iso3, age_at_identification as age,"
            f" identified_on as event_on from staging.{view}",
        )
        for view in ("stg_police__identifications", "stg_gendarmerie__identifications")
    ]
    parts.append(
        frame(
            built,
            "select person_key, sex, cast(null as text) as nationality_iso3, age_at_return as age,"
            " departed_on as event_on from staging.stg_iom__returns",
        )
    )
    records = pd.concat(parts, ignore_index=True)
    records["sex"] = records["sex"].where(records["sex"] != "unknown")
    records["birth_year"] = as_dates(records["event_on"]).dt.year - pd.to_numeric(records["age"])
    grouped = records.groupby("person_key")
    expected = pd.DataFrame(
        {
            "n_sex_values": grouped["sex"].nunique(),
            "n_nationality_values": grouped["nationality_iso3"].nunique(),
            "n_birth_year_values": grouped["birth_year"].nunique(),
            "has_age_disagreement": (grouped["birth_year"].max() - grouped["birth_year"].min()) > 1,
        }
    )
    persons = dim_person.set_index("person_key")
    expected = expected.reindex(persons.index)  # persons named elsewhere only report nothing
    expected[["n_sex_values", "n_nationality_values", "n_birth_year_values"]] = (
        expected[["n_sex_values", "n_nationality_values", "n_birth_year_values"]].fillna(0).astype(int)
    )
    expected["has_age_disagreement"] = expected["has_age_disagreement"].fillna(False).astype(bool)
    expected["has_sex_disagreement"] = expected["n_sex_values"] > 1
    expected["has_nationality_disagreement"] = expected["n_nationality_values"] > 1

    for column in ("n_sex_values", "n_nationality_values", "n_birth_year_values"):
        differs = persons[column].astype(int) != expected[column]
        assert not differs.any(), f"{column} differs for {int(differs.sum())} persons"
    flags = ["has_sex_disagreement", "has_nationality_disagreement", "has_age_disagreement"]
    for column in flags:
        differs = persons[column].astype(bool) != expected[column]
        assert not differs.any(), f"{column} differs for {int(differs.sum())} persons"
    total = expected[flags].sum(axis=1)
    assert (persons["n_attribute_disagreements"].astype(int) == total).all()
    # the demo re-identifies some persons with a new age: the check must have something to find
    assert expected["n_birth_year_values"].gt(1).any()


def test_dim_person_carries_no_identifying_detail(built: Settings, dim_person: pd.DataFrame) -> None:
    columns = set(dim_person.columns)
    assert not {c for c in columns if c.endswith("_on") or c.startswith("age_at")}, "dates or exact ages"
    assert not {c for c in columns if c.endswith("_id")}, "record numbers"
