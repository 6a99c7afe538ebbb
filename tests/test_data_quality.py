"""The data-quality marts (models/marts/data_quality/), on both engines.

On the demo warehouse: every extract an agency owes by contract was sent for every demo year, so each
is received and every reporting rate is 100 %, while the on-time rate is 0 % (the files were all
loaded today, years after their deadlines: the warehouse only vouches for the load date). On a scratch
warehouse: one agency's year is missing and one file is loaded after its deadline (the load dates are
set as if the files had arrived in 2007-2009), and the rates say so. Expectations come from the demo
file names and the contracts, read here in Python, not from the SQL under test.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd

from ingest.contract import contract_for_file, load_registry
from ingest.run import ingest_file
from taskforce.build import build
from taskforce.settings import Settings
from taskforce.warehouse import connect

MARTS = (
    "fct_extract_reporting",
    "fct_reporting_rates",
    "fct_field_completeness",
    "fct_validation_results",
    "fct_outliers",
)
PERSON_LEVEL_COLUMNS = {"person_key", "victim_key", "defendant_key", "suspect_key", "linked_person_key"}


def as_date(value: object) -> date:
    """A date column's value as a date, whichever engine (and driver) returned it."""
    return pd.Timestamp(value).date()


def owed_demo_extracts(paths: list[Path]) -> set[tuple[str, str, int]]:
    """(agency, source, year) of every top-level demo file whose contract names a fixed sender."""
    registry = load_registry()
    owed = set()
    for path in paths:
        if path.parent.name == "corrections":
            continue
        contract = contract_for_file(path.name, registry)
        assert contract is not None, path.name
        if contract.agency == "from_file_name":
            continue
        period = contract.name_pattern.match(path.name).group("period")
        owed.add((contract.agency, contract.source, int(period)))
    return owed


def test_demo_every_owed_extract_is_received(built: Settings, demo_paths: list[Path]) -> None:
    owed = owed_demo_extracts(demo_paths)
    assert {year for _, _, year in owed} == {2006, 2007, 2008, 2009, 2010}
    with connect(built) as wh:
        reports = wh.frame(
            "select agency, source_name, period_year, expected_reports, actual_reports,"
            " actual_reports_on_time, received_on, superseded_batch_count from marts.fct_extract_reporting"
        )
        pairs = wh.frame("select agency, source_name from staging.stg_ops__agency_sources")
    expected_rows = {(a, s, y) for a, s in pairs.itertuples(index=False) for y in range(2006, 2011)}
    got = {(r.agency, r.source_name, int(r.period_year)) for r in reports.itertuples()}
    assert got == expected_rows
    # whatever the demo sends for an owed source is received; the demo sends every owed year
    received = {
        (r.agency, r.source_name, int(r.period_year)) for r in reports.itertuples() if r.actual_reports == 1
    }
    assert received == owed == expected_rows
    assert (reports["expected_reports"] == 1).all()
    # loaded today, years after every deadline: received, never on time
    assert (reports["actual_reports_on_time"] == 0).all()
    assert reports["received_on"].notna().all()
    # the helpline's corrected resend of 2009 leaves one superseded batch behind
    superseded = reports[reports["superseded_batch_count"] > 0]
    assert [(r.agency, r.source_name, int(r.period_year)) for r in superseded.itertuples()] == [
        ("h157", "helpline_calls", 2009)
    ]


def test_demo_reporting_rates_are_complete(built: Settings) -> None:
    with connect(built) as wh:
        rates = wh.frame("select * from marts.fct_reporting_rates")
    assert len(rates) == 12 * 5
    assert (rates["expected_reports"] == 1).all() and (rates["actual_reports"] == 1).all()
    assert [float(v) for v in rates["reporting_rate"].unique()] == [100.0]
    assert [float(v) for v in rates["reporting_rate_on_time"].unique()] == [0.0]


def test_demo_quality_marts_hold_no_person_level_data(built: Settings) -> None:
    with connect(built) as wh:
        for mart in MARTS:
            columns = set(wh.frame(f"select * from marts.{mart} where 1 = 0").columns)
            assert not columns & PERSON_LEVEL_COLUMNS, mart


def test_demo_validation_and_completeness_read_every_row(built: Settings) -> None:
    with connect(built) as wh:
        results = wh.frame("select rule_id, result from marts.fct_validation_results")
        sex = wh.frame(
            "select sum(rows_total) as total, sum(rows_known) as known from marts.fct_field_completeness"
            " where source_name = 'police_identifications' and field_name = 'sex'"
        )
        police = wh.frame(
            "select count(*) as total, sum(case when sex <> 'unknown' then 1 else 0 end) as known"
            " from staging.stg_police__identifications"
        )
        outliers = wh.frame(
            "select sum(event_count) as events from marts.fct_outliers"
            " where source_name = 'police_identifications'"
        )
    # every owed extract arrived, so no rule is skipped for a missing side
    assert set(results["result"]) <= {"passed", "failed"}
    assert set(results["rule_id"]) == {"R01", "R02", "R03", "R04", "R05", "R06", "R07", "R08"}
    assert set(results.loc[results["rule_id"].isin(["R02", "R06", "R07"]), "result"]) == {"passed"}
    # "unknown" is missing, not a value
    assert int(sex["total"][0]) == int(police["total"][0])
    assert int(sex["known"][0]) == int(police["known"][0]) < int(police["total"][0])
    # province is required for police identifications: every record is in some month's count
    assert int(outliers["events"][0]) == int(police["total"][0])


# The scratch warehouse: every demo extract of 2006-2008 but the police's 2007 identifications, each
# loaded ten days after its period ended (on time), except the gendarmerie's 2007 file, loaded on
# 15 March 2008: 45 days after its deadline (30 days after the year).
SCRATCH_YEARS = ("2006", "2007", "2008")
MISSING = "tnp_identifications_2007.csv"
LATE = ("jgk_identifications_2007.csv", datetime(2008, 3, 15, 9, 0))


def test_missing_year_and_late_file_lower_the_rates(
    empty_warehouse: Settings, demo_paths: list[Path]
) -> None:
    registry = load_registry()
    paths = [
        p
        for p in demo_paths
        if p.parent.name != "corrections" and p.stem.endswith(SCRATCH_YEARS) and p.name != MISSING
    ]
    with connect(empty_warehouse) as wh:
        for path in paths:
            result = ingest_file(wh, path, registry=registry)
            assert result.outcome == "loaded", result.message
            year = int(path.stem[-4:])
            arrived = LATE[1] if path.name == LATE[0] else datetime(year + 1, 1, 10, 9, 0)
            # as if the file had been loaded on the day it arrived
            wh.execute("update ops.batches set loaded_at = ? where batch_id = ?", (arrived, result.batch_id))
    outcome = build(empty_warehouse, quiet=True, unit_tests=False)
    assert outcome.ok, outcome.message

    with connect(empty_warehouse) as wh:
        rates = wh.frame(
            "select agency, source_name, period_year, actual_reports, reporting_rate, reporting_rate_on_time"
            " from marts.fct_reporting_rates"
        )
        reports = wh.frame(
            "select agency, period_year, actual_reports, received_on, days_after_deadline, window_start,"
            " window_end from marts.fct_extract_reporting where source_name like '%identifications'"
        )
        skipped = wh.frame(
            "select rule_id, agency, period_year, left_value, right_value from marts.fct_validation_results"
            " where result = 'skipped'"
        )

    rate = {
        (r.agency, r.source_name, int(r.period_year)): (
            float(r.reporting_rate),
            float(r.reporting_rate_on_time),
        )
        for r in rates.itertuples()
    }
    # the window is 2006-2008, from the batches: the police still owe 2007
    assert len(rate) == 12 * 3
    assert rate.pop(("tnp", "police_identifications", 2007)) == (0.0, 0.0)
    assert rate.pop(("jgk", "gendarmerie_identifications", 2007)) == (100.0, 0.0)
    assert set(rate.values()) == {(100.0, 100.0)}

    assert {as_date(v) for v in reports["window_start"]} == {date(2006, 1, 1)}
    assert {as_date(v) for v in reports["window_end"]} == {date(2008, 12, 31)}
    late = reports[(reports["agency"] == "jgk") & (reports["period_year"] == 2007)].iloc[0]
    assert as_date(late["received_on"]) == date(2008, 3, 15) and int(late["days_after_deadline"]) == 45
    missing = reports[(reports["agency"] == "tnp") & (reports["period_year"] == 2007)].iloc[0]
    assert int(missing["actual_reports"]) == 0
    assert pd.isna(missing["received_on"]) and pd.isna(missing["days_after_deadline"])
    # rules counted from the police's 2007 identifications are skipped for 2007, not judged on zeros:
    # children vs identified for the police, and the cross-agency rules counting persons identified
    # by the end of 2007 or 2008 (which need every identification year up to then)
    assert {
        (r.rule_id, r.agency if isinstance(r.agency, str) else None, int(r.period_year))
        for r in skipped.itertuples()
    } == {
        ("R02", "tnp", 2007),
        *{(rule, None, year) for rule in ("R03", "R08") for year in (2007, 2008)},
        *{
            (rule, agency, year)
            for rule, agency in (("R04", "iom"), ("R05", "ikgv"), ("R05", "kdv"))
            for year in (2007, 2008)
        },
    }
