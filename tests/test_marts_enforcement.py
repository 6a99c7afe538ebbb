"""Enforcement marts (operations, suspects, prosecutions, court decisions, case flows) on both engines:
nothing from staging is lost or counted twice, the case-flow arithmetic holds, and the counts agree with
an independent reading of the demo files (tests/expected_counts.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.expected_counts import EnforcementExpected, enforcement_expected_from_files

MARTS = (
    "fct_operations",
    "fct_suspects",
    "fct_prosecutions",
    "fct_court_decisions",
    "fct_case_flow",
    "fct_case_flow_yearly",
)
PERSON_LEVEL = ("fct_suspects", "fct_prosecutions", "fct_court_decisions", "fct_case_flow")


@pytest.fixture(scope="module")
def expected(demo_paths: list[Path]) -> EnforcementExpected:
    return enforcement_expected_from_files(demo_paths)


def rows(settings: Settings, sql: str) -> list[tuple]:
    with connect(settings) as wh:
        return [tuple(r) for r in wh.fetchall(sql)]


def scalar(settings: Settings, sql: str) -> int:
    return int(rows(settings, sql)[0][0])


def test_every_staging_prosecution_is_in_the_mart_exactly_once(built: Settings) -> None:
    missing_or_repeated = rows(
        built,
        """
        select s.case_reference, count(f.case_reference)
        from (select distinct case_reference, defendant_key from staging.stg_justice__prosecutions) s
        left join marts.fct_prosecutions f
            on f.case_reference = s.case_reference and f.defendant_key = s.defendant_key
        group by s.case_reference, s.defendant_key
        having count(f.case_reference) <> 1
        """,
    )
    assert missing_or_repeated == []
    # every staging row is accounted for, folded duplicates included
    assert scalar(built, "select sum(source_rows) from marts.fct_prosecutions") == scalar(
        built, "select count(*) from staging.stg_justice__prosecutions"
    )
    assert scalar(built, "select count(*) from marts.fct_prosecutions") == scalar(
        built,
        "select count(*) from (select distinct case_reference, defendant_key "
        "from staging.stg_justice__prosecutions) d",
    )


def test_every_staging_suspect_row_is_accounted_for(built: Settings) -> None:
    assert scalar(built, "select sum(source_rows) from marts.fct_suspects") == scalar(
        built, "select count(*) from staging.stg_police__suspects"
    )
    assert scalar(built, "select count(*) from marts.fct_operations") == scalar(
        built, "select count(*) from staging.stg_police__operations"
    )


def test_one_decision_per_defendant_case_and_instance_and_one_final(built: Settings) -> None:
    assert scalar(built, "select count(*) from marts.fct_court_decisions") == scalar(
        built,
        "select count(*) from (select distinct case_reference, defendant_key, court_instance "
        "from staging.stg_justice__decisions) d",
    )
    not_one_final = rows(
        built,
        """
        select case_reference, defendant_key
        from marts.fct_court_decisions
        group by case_reference, defendant_key
        having sum(case when is_final then 1 else 0 end) <> 1
        """,
    )
    assert not_one_final == []
    # the final decision is never below an instance that decided later
    later_than_final = scalar(
        built,
        """
        select count(*)
        from marts.fct_court_decisions d
        join marts.fct_court_decisions f
            on f.case_reference = d.case_reference and f.defendant_key = d.defendant_key and f.is_final
        where d.decided_on > f.decided_on
        """,
    )
    assert later_than_final == 0


def test_case_flow_defendant_counts_add_up(built: Settings) -> None:
    broken = rows(
        built,
        """
        select case_reference from marts.fct_case_flow
        where defendants_convicted > defendants_prosecuted
            or defendants_decided > defendants_prosecuted
            or defendants_decided <> defendants_convicted + defendants_acquitted
                + defendants_dismissed + defendants_merged
            or defendants_prosecuted <> defendants_decided + defendants_pending
            or is_open <> (defendants_pending > 0)
        """,
    )
    assert broken == []
    # defendants decided per case agree with the decisions mart
    disagree = rows(
        built,
        """
        select c.case_reference
        from marts.fct_case_flow c
        left join (
            select case_reference,
                count(distinct defendant_key) as decided,
                sum(case when is_final and is_conviction then 1 else 0 end) as convicted
            from marts.fct_court_decisions group by case_reference
        ) d on d.case_reference = c.case_reference
        where coalesce(d.decided, 0) <> c.defendants_decided
            or coalesce(d.convicted, 0) <> c.defendants_convicted
        """,
    )
    assert disagree == []
    assert scalar(built, "select sum(defendants_convicted) from marts.fct_case_flow") > 0


def test_case_flow_yearly_identities(built: Settings) -> None:
    flows = rows(
        built,
        "select flow_year, offence, cases_carried_in, cases_opened, cases_merged_away, cases_total, "
        "cases_decided, cases_closed, cases_carried_out from marts.fct_case_flow_yearly",
    )
    assert flows
    by_key = {(year, offence): rest for year, offence, *rest in flows}
    for (year, offence), (carried_in, opened, merged, total, decided, closed, carried_out) in by_key.items():
        assert carried_in + opened - merged == total
        assert total - decided == carried_out
        assert carried_in + opened - closed == carried_out
        if (year - 1, offence) in by_key:
            assert carried_in == by_key[(year - 1, offence)][-1]
    # every case opened in a year of the table is counted once as opened
    first, last = min(y for y, _ in by_key), max(y for y, _ in by_key)
    assert sum(v[1] for v in by_key.values()) == scalar(
        built, f"select count(*) from marts.fct_case_flow where filing_year between {first} and {last}"
    )


def test_counts_agree_with_the_demo_files(built: Settings, expected: EnforcementExpected) -> None:
    assert dict(rows(built, "select operation_year, count(*) from marts.fct_operations group by 1")) == dict(
        expected.operations_by_year
    )
    trafficking = rows(
        built,
        "select operation_year, count(*) from marts.fct_operations "
        "where offence = 'trafficking_in_persons' group by 1",
    )
    assert dict(trafficking) == dict(expected.trafficking_operations_by_year)
    assert scalar(built, "select count(*) from marts.fct_suspects") == len(expected.suspects)
    assert scalar(built, "select sum(source_rows) from marts.fct_suspects") == expected.suspect_rows
    assert scalar(built, "select count(*) from marts.fct_prosecutions") == len(expected.prosecutions)
    prosecuted = rows(
        built, "select filing_year, count(distinct defendant_key) from marts.fct_prosecutions group by 1"
    )
    assert dict(prosecuted) == expected.persons_prosecuted_by_year()
    assert scalar(built, "select count(*) from marts.fct_court_decisions") == len(expected.latest_decisions)
    convicted = rows(
        built,
        "select decision_year, count(*) from marts.fct_court_decisions "
        "where is_final and is_conviction group by 1",
    )
    assert dict(convicted) == dict(expected.final_convictions_by_year())
    bands = rows(
        built,
        "select sentence_band, count(*) from marts.fct_court_decisions "
        "where sentence_band is not null group by 1",
    )
    assert dict(bands) == dict(expected.sentence_bands())


def test_case_flows_agree_with_the_demo_files(built: Settings, expected: EnforcementExpected) -> None:
    cases = expected.cases()
    flows = rows(
        built,
        "select case_reference, defendants_prosecuted, defendants_decided, defendants_convicted, "
        "filing_year, closing_year, is_merged_away, coalesce(offence, 'unknown') from marts.fct_case_flow",
    )
    assert {f[0] for f in flows} == set(cases)
    for reference, prosecuted, decided, convicted, filing_year, closing_year, merged_away, offence in flows:
        case = cases[reference]
        assert (prosecuted, decided, convicted) == (
            len(case["defendants"]),
            len(case["decided"]),
            len(case["convicted"]),
        ), reference
        assert (filing_year, closing_year, merged_away, offence) == (
            case["filing_year"],
            case["closing_year"],
            case["merged_away"],
            case["offence"],
        ), reference
    yearly = rows(
        built,
        "select flow_year, offence, cases_carried_in, cases_opened, cases_merged_away, cases_decided, "
        "cases_carried_out from marts.fct_case_flow_yearly",
    )
    assert {(y, o): tuple(rest) for y, o, *rest in yearly} == expected.case_flow_yearly()


def test_marts_use_only_portable_types(built: Settings) -> None:
    names = ", ".join(f"'{m}'" for m in MARTS)
    types = rows(
        built,
        "select table_name, column_name, lower(data_type) from information_schema.columns "
        f"where table_schema = 'marts' and table_name in ({names})",
    )
    assert {t[0] for t in types} == set(MARTS)
    floats = [t for t in types if any(word in t[2] for word in ("double", "real", "float"))]
    assert floats == []


def test_person_level_marts_have_row_level_security(built_postgres: Settings) -> None:
    names = ", ".join(f"'{m}'" for m in PERSON_LEVEL)
    protected = rows(
        built_postgres,
        "select c.relname, c.relrowsecurity, c.relforcerowsecurity from pg_catalog.pg_class c "
        "join pg_catalog.pg_namespace n on n.oid = c.relnamespace "
        f"where n.nspname = 'marts' and c.relname in ({names})",
    )
    assert sorted(protected) == sorted((m, True, True) for m in PERSON_LEVEL)
