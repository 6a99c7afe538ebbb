"""The same demo data gives identical mart rows on DuckDB and PostgreSQL."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.conftest import built_warehouse

MARTS = {
    "fct_identifications": "identification_id",
    "fct_returns": "return_id",
    "dim_province": "province_plate_code",
    "dim_nationality": "nationality_iso3",
}


def normalised_rows(settings: Settings, table: str, key: str) -> list[tuple]:
    with connect(settings) as wh:
        frame = wh.frame(f"select * from marts.{table} order by {key}")
    rows = []
    for record in frame.astype(object).itertuples(index=False, name=None):
        rows.append(
            tuple(
                None
                if value is None
                or value is pd.NA
                or value is pd.NaT
                or (isinstance(value, float) and value != value)
                else float(value)
                if isinstance(value, Decimal | float)
                else str(value)[:10]
                if hasattr(value, "isoformat")
                else value
                for value in record
            )
        )
    return rows


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> tuple[Settings, Settings]:
    return (
        built_warehouse("duckdb", tmp_path_factory, demo_paths),
        built_warehouse("postgres", tmp_path_factory, demo_paths),
    )


@pytest.mark.parametrize("table", sorted(MARTS))
def test_marts_identical_on_both_engines(both: tuple[Settings, Settings], table: str) -> None:
    duck, pg = both
    duck_rows = normalised_rows(duck, table, MARTS[table])
    pg_rows = normalised_rows(pg, table, MARTS[table])
    with connect(duck) as wh:
        duck_columns = list(wh.frame(f"select * from marts.{table} limit 0").columns)
    with connect(pg) as wh:
        pg_columns = list(wh.frame(f"select * from marts.{table} limit 0").columns)
    assert duck_columns == pg_columns
    assert len(duck_rows) == len(pg_rows) > 0
    assert duck_rows == pg_rows
