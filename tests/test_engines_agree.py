"""The same demo data gives identical rows in every mart and reporting table on DuckDB and PostgreSQL.

The tables are discovered, not listed, so a new mart is covered the day it is added. Rows are compared
as sorted lists after normalising what the drivers return differently for the same value (Decimal vs
float, date vs timestamp objects, NaN vs None); sorting happens here, not in SQL, because the two
engines collate text differently.
"""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.conftest import built_warehouse

SCHEMAS = ("marts", "reporting")


def tables_of(settings: Settings) -> list[str]:
    with connect(settings) as wh:
        rows = wh.fetchall(
            "select table_schema, table_name from information_schema.tables"
            f" where table_schema in ({', '.join('?' for _ in SCHEMAS)})",
            SCHEMAS,
        )
    return sorted(f"{schema}.{table}" for schema, table in rows)


def normalised(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        return round(float(value), 6)
    if hasattr(value, "isoformat"):
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") or len(text) == 10 else text
    return value


def sort_key(row: tuple) -> tuple:
    return tuple((value is None, str(type(value).__name__), str(value)) for value in row)


# Columns that name the build itself, and so differ between two builds of the same data
BUILD_SPECIFIC = {"reporting.rpt_data_vintage": ("build_id", "engine", "build_started_at")}


def normalised_rows(settings: Settings, table: str) -> tuple[list[str], list[tuple]]:
    with connect(settings) as wh:
        frame = wh.frame(f"select * from {table}").drop(columns=list(BUILD_SPECIFIC.get(table, ())))
    rows = [tuple(normalised(v) for v in record) for record in frame.astype(object).itertuples(index=False)]
    return list(frame.columns), sorted(rows, key=sort_key)


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> tuple[Settings, Settings]:
    return (
        built_warehouse("duckdb", tmp_path_factory, demo_paths),
        built_warehouse("postgres", tmp_path_factory, demo_paths),
    )


def test_both_engines_build_the_same_tables(both: tuple[Settings, Settings]) -> None:
    duck, pg = both
    duck_tables = tables_of(duck)
    assert duck_tables == tables_of(pg)
    assert "marts.fct_identifications" in duck_tables


def test_every_table_identical_row_for_row(both: tuple[Settings, Settings]) -> None:
    duck, pg = both
    differences = []
    for table in tables_of(duck):
        duck_columns, duck_rows = normalised_rows(duck, table)
        pg_columns, pg_rows = normalised_rows(pg, table)
        if duck_columns != pg_columns:
            differences.append(f"{table}: columns differ: {duck_columns} vs {pg_columns}")
        elif not duck_rows:
            differences.append(f"{table}: empty on both engines (the demo should fill every table)")
        elif duck_rows != pg_rows:
            pairs = enumerate(zip(duck_rows, pg_rows, strict=False))
            first = next((i for i, (a, b) in pairs if a != b), min(len(duck_rows), len(pg_rows)))
            differences.append(
                f"{table}: {len(duck_rows)} vs {len(pg_rows)} rows; first difference at sorted row {first}: "
                f"{duck_rows[first] if first < len(duck_rows) else None} vs "
                f"{pg_rows[first] if first < len(pg_rows) else None}"
            )
    assert not differences, "\n".join(differences)
