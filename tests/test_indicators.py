"""The indicator layer and the reporting schema on both engines, checked against the demo files.

Victims are counted here with pandas from the identification rows the pipeline must load (read by the
csv module in tests/expected_counts.py, never through the warehouse), by the counting rules of the
indicator layer: a person once per period by person key, with the characteristics of their first
identification in the period; a child is under 18 at identification.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.expected_counts import identification_records

SEX = {"K": "female", "E": "male", "B": "unknown"}
PERSON_LEVEL_NAMES = {
    "person_key",
    "linked_person_key",
    "defendant_key",
    "suspect_key",
    "victim_key",
    "victim_key_list",
    "identification_id",
    "first_identification_id",
    "return_id",
    "stay_id",
    "referral_id",
    "call_id",
    "health_service_id",
    "training_row_id",
    "case_reference",
    "operation_reference",
    "source_row",
    "batch_id",
    "age_at_identification",
    "age_at_return",
    "identified_on",
    "departed_on",
}


def is_person_level(column: str) -> bool:
    name = column.lower()
    return name in PERSON_LEVEL_NAMES or name.endswith(("_key", "_keys")) or name.startswith("person_")


@pytest.fixture(scope="module")
def identified(demo_paths: list[Path]) -> pd.DataFrame:
    """One row per identified person and year: their first identification record of the year."""
    records = pd.DataFrame(identification_records(demo_paths))
    records = records[records["status"] == "tespit_edilen"].copy()
    records["identified_on"] = pd.to_datetime(records["identification_date"], format="%d.%m.%Y")
    records["year"] = records["identified_on"].dt.year
    records = records.sort_values(["identified_on", "record_id"])
    return records.groupby(["year", "person_key"], as_index=False).first()


def indicator_values(settings: Settings, where: str) -> pd.DataFrame:
    with connect(settings) as wh:
        return wh.frame(f"select * from marts.fct_indicator_values where {where}")


def as_int_map(frame: pd.DataFrame, key: str, value: str = "numerator") -> dict:
    return {
        (int(k) if str(k).isdigit() else k): int(v) for k, v in zip(frame[key], frame[value], strict=True)
    }


def test_v1_per_year_equals_distinct_identified_persons(built: Settings, identified: pd.DataFrame) -> None:
    expected = identified.groupby("year")["person_key"].nunique().to_dict()
    totals = indicator_values(built, "indicator_id = 'V1' and period_type = 'year' and is_total")
    assert as_int_map(totals, "period_id") == expected
    assert len(expected) == 5 and all(100 <= n <= 350 for n in expected.values())


def test_v1_per_month_and_by_sex_follow_the_counting_rules(
    built: Settings, demo_paths: list[Path], identified: pd.DataFrame
) -> None:
    # once per month: a person identified twice in a year counts in each month, once in the year
    records = pd.DataFrame(identification_records(demo_paths))
    records = records[records["status"] == "tespit_edilen"]
    months = pd.to_datetime(records["identification_date"], format="%d.%m.%Y").dt.strftime("%Y%m")
    expected_months = records.assign(month=months).groupby("month")["person_key"].nunique().to_dict()
    monthly = indicator_values(built, "indicator_id = 'V1' and period_type = 'month' and is_total")
    published_months = {k: v for k, v in as_int_map(monthly, "period_id").items() if v}
    assert published_months == {int(k): v for k, v in expected_months.items()}

    # by sex, from the first identification of the year: the breakdown adds up to the total
    expected_sex = identified.assign(sex=identified["sex"].map(SEX)).groupby(["year", "sex"]).size().to_dict()
    by_sex = indicator_values(
        built, "indicator_id = 'V1' and period_type = 'year' and disaggregation = 'sex'"
    )
    published_sex = {
        (int(p), s): int(n)
        for p, s, n in zip(by_sex["period_id"], by_sex["sex"], by_sex["numerator"], strict=True)
    }
    assert published_sex == expected_sex


def test_share_of_children_excludes_unknown_ages(built: Settings, identified: pd.DataFrame) -> None:
    known = identified[identified["age"] != ""]
    children = known[known["age"].astype(int) < 18]
    expected = {
        year: (int((children["year"] == year).sum()), int((known["year"] == year).sum()))
        for year in sorted(identified["year"].unique())
    }
    v6 = indicator_values(built, "indicator_id = 'V6' and period_type = 'year' and is_total")
    published = {
        int(p): (int(n), int(d))
        for p, n, d in zip(v6["period_id"], v6["numerator"], v6["denominator"], strict=True)
    }
    assert published == expected


def test_conviction_rate_between_0_and_100(built: Settings) -> None:
    with connect(built) as wh:
        marts = wh.frame(
            "select period_id, numerator, denominator, value from marts.fct_indicator_values "
            "where indicator_id = 'P5'"
        )
        reported = wh.frame(
            "select year, conviction_rate, conviction_rate_art80 "
            "from reporting.rpt_prosecutions_convictions_by_year"
        )
    assert len(marts) > 0
    rated = marts[marts["value"].notna()]
    assert len(rated) > 0
    assert all(Decimal(0) <= Decimal(str(v)) <= Decimal(100) for v in rated["value"])
    assert all(int(n) <= int(d) for n, d in zip(marts["numerator"], marts["denominator"], strict=True))
    yearly = marts[marts["period_id"].str.len() == 4]
    assert yearly["value"].notna().all()  # every demo year has enough verdicts to publish a rate
    for column in ("conviction_rate", "conviction_rate_art80"):
        published = reported[column].dropna()
        assert all(Decimal(0) <= Decimal(str(v)) <= Decimal(100) for v in published)
    assert reported["conviction_rate"].notna().all()


def test_every_catalogue_indicator_has_values(built: Settings) -> None:
    catalogue_path = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "indicators"
    catalogue = pd.read_csv(catalogue_path / "indicators.csv", dtype=str, keep_default_na=False)
    with connect(built) as wh:
        loaded = {row[0] for row in wh.fetchall("select indicator_id from reference.indicators")}
        yearly_totals = wh.frame(
            "select indicator_id, count(*) as years from marts.fct_indicator_values "
            "where period_type = 'year' and is_total group by indicator_id"
        )
        reported = {
            row[0] for row in wh.fetchall("select distinct indicator_id from reporting.rpt_indicator_values")
        }
    ids = set(catalogue["indicator_id"])
    assert loaded == ids
    assert len(ids) >= 27
    years = dict(zip(yearly_totals["indicator_id"], yearly_totals["years"], strict=True))
    assert {i: int(years.get(i, 0)) for i in ids} == {i: 5 for i in ids}  # 2006-2010, every indicator
    assert reported == ids


def test_no_reporting_table_carries_a_person_level_column(built: Settings) -> None:
    with connect(built) as wh:
        columns = wh.frame(
            "select table_name, column_name from information_schema.columns where table_schema = 'reporting'"
        )
    tables = set(columns["table_name"])
    assert {
        "rpt_indicator_values",
        "rpt_indicator_catalogue",
        "rpt_logframe_progress",
        "rpt_victims_by_year_sex_age",
        "rpt_victims_by_exploitation",
        "rpt_victims_by_nationality_group",
        "rpt_prosecutions_convictions_by_year",
    } <= tables
    offending = [
        f"{t}.{c}"
        for t, c in zip(columns["table_name"], columns["column_name"], strict=True)
        if is_person_level(c)
    ]
    assert offending == []


def test_reporting_counts_are_rounded_and_small_bases_withheld(built: Settings) -> None:
    with connect(built) as wh:
        rows = wh.frame(
            "select r.indicator_id, r.numerator, r.denominator, r.value, r.is_withheld, r.is_rounded, "
            "f.numerator as exact_numerator, f.denominator as exact_denominator "
            "from reporting.rpt_indicator_values r join marts.fct_indicator_values f "
            "on r.indicator_id = f.indicator_id and r.period_id = f.period_id "
            "and r.disaggregation = f.disaggregation "
            "and coalesce(r.province_plate_code, -1) = coalesce(f.province_plate_code, -1) "
            "and coalesce(r.nuts1_code, '') = coalesce(f.nuts1_code, '') "
            "and coalesce(r.sex, '') = coalesce(f.sex, '') "
            "and coalesce(r.age_group, '') = coalesce(f.age_group, '') "
            "and coalesce(r.nationality_group, '') = coalesce(f.nationality_group, '') "
            "and coalesce(r.exploitation_type, '') = coalesce(f.exploitation_type, '') "
            "and coalesce(r.agency, '') = coalesce(f.agency, '') "
            "and coalesce(r.category, '') = coalesce(f.category, '')"
        )
        published = wh.fetchall("select count(*) from reporting.rpt_indicator_values")[0][0]
    assert len(rows) == published > 0
    rounded = rows[rows["is_rounded"].astype(bool)]
    assert (rounded["numerator"].astype(int) % 5 == 0).all()
    assert ((rounded["numerator"].astype(int) - rounded["exact_numerator"].astype(int)).abs() <= 2).all()
    shares = rounded[rounded["exact_denominator"].notna()]
    small = shares[shares["exact_denominator"].astype(int) < 10]
    assert small["value"].isna().all() and small["is_withheld"].astype(bool).all()
    exact = rows[~rows["is_rounded"].astype(bool)]
    assert (exact["numerator"].astype(int) == exact["exact_numerator"].astype(int)).all()
