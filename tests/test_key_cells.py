"""The cells marts (macros/key_cells.sql) count like the facts they summarise, on both engines.

The dashboards count distinct persons, suspects and defendants on the cells: keys of one row summed
into cells of the columns the pages filter and group by, keys of several rows kept on their rows. For
every grouping and filter over those columns, ``count(distinct key) + sum(single_keys)`` over the cells
must equal ``count(distinct key)`` over the fact, and ``sum(records)`` must equal ``count(*)``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboards.data import distinct_keys, keys_with
from taskforce.settings import Settings
from taskforce.warehouse import connect

# cells mart: its fact and key
CELLS = {
    "fct_identification_cells": ("fct_identifications", "person_key"),
    "fct_suspect_cells": ("fct_suspects", "suspect_key"),
    "fct_defendant_cells": ("fct_prosecutions", "defendant_key"),
    "fct_helpline_call_cells": ("fct_helpline_calls", None),  # one call per id: sums only
}
# cells mart, a grouping and a filter the dashboards use (or could)
CASES = [
    ("fct_identification_cells", "sex", "identification_status = 'identified'"),
    ("fct_identification_cells", "identification_year, identification_status", "1 = 1"),
    ("fct_identification_cells", "nationality_iso3", "identification_year in (2007, 2009)"),
    ("fct_identification_cells", "identifying_agency, province_plate_code", "sex = 'female'"),
    ("fct_identification_cells", "age_group", "exploitation_types like '%forced_labour%'"),
    ("fct_suspect_cells", "detention_year, is_prosecuted", "1 = 1"),
    ("fct_suspect_cells", "province_plate_code", "is_convicted"),
    ("fct_defendant_cells", "offence, is_decided", "filing_year >= 2007"),
    ("fct_defendant_cells", "court_province_plate_code", "is_convicted"),
    ("fct_helpline_call_cells", "call_language, call_outcome", "call_year between 2007 and 2009"),
    ("fct_helpline_call_cells", "call_year", "province_plate_code in (6, 34) and led_to_identification"),
]


def frame(settings: Settings, sql: str) -> pd.DataFrame:
    with connect(settings) as wh:
        return wh.frame(sql)


@pytest.mark.parametrize(("cells", "grouping", "condition"), CASES)
def test_cells_count_like_the_fact(built: Settings, cells: str, grouping: str, condition: str) -> None:
    fact, key = CELLS[cells]
    keys = (f"count(distinct {key})", distinct_keys(key)) if key else ("0", "0")
    expected = frame(
        built,
        f"select {grouping}, {keys[0]} as keys, count(*) as records "
        f"from marts.{fact} where {condition} group by {grouping}",
    )
    counted = frame(
        built,
        f"select {grouping}, {keys[1]} as keys, cast(sum(records) as bigint) as records "
        f"from marts.{cells} where {condition} group by {grouping}",
    )
    columns = [column.strip() for column in grouping.split(",")]
    expected, counted = (
        f.sort_values(columns).reset_index(drop=True).astype(str) for f in (expected, counted)
    )
    assert len(expected) > 0
    pd.testing.assert_frame_equal(expected, counted, check_dtype=False)


def test_the_demo_has_persons_with_several_records(built: Settings) -> None:
    """Both halves of the identification cells are exercised above."""
    kept = frame(
        built, "select count(*) as n from marts.fct_identification_cells where person_key is not null"
    )
    assert int(kept["n"].iloc[0]) > 0


def test_keys_with_counts_a_person_once_and_presumed_only_when_never_identified(built: Settings) -> None:
    conditions = {
        "identified": "identification_status = 'identified'",
        "presumed": "identification_status = 'presumed'",
        "female": "identification_status = 'identified' and sex = 'female'",
    }
    for where in ("1 = 1", "identification_year between 2007 and 2008", "province_plate_code = 34"):
        counted = frame(
            built,
            keys_with(
                "marts.fct_identification_cells",
                "person_key",
                conditions,
                where,
                unless={"presumed": "identified"},
                sums={"records": "records"},
            ),
        )
        expected = frame(
            built,
            f"""
            with persons as (
                select person_key,
                    max(case when {conditions["identified"]} then 1 else 0 end) as identified,
                    max(case when {conditions["presumed"]} then 1 else 0 end) as presumed,
                    max(case when {conditions["female"]} then 1 else 0 end) as female,
                    count(*) as records
                from marts.fct_identifications where {where} group by person_key
            )
            select cast(coalesce(sum(identified), 0) as bigint) as identified,
                cast(coalesce(sum(case when identified = 0 then presumed else 0 end), 0) as bigint)
                    as presumed,
                cast(coalesce(sum(female), 0) as bigint) as female,
                cast(coalesce(sum(records), 0) as bigint) as records
            from persons
            """,
        )
        assert int(expected["identified"].iloc[0]) > 0, where
        assert counted.astype(int).to_dict("records") == expected.astype(int).to_dict("records"), where
