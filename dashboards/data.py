"""Read-only queries against the marts, for both engines.

DuckDB: each query opens the *published* snapshot read-only and closes it again (never a connection
cached across reruns), so a running ingest or build never blocks the dashboards and the dashboards never
see a half-built warehouse. PostgreSQL: one pooled SQLAlchemy engine with pre-ping (survives a server
restart) and server-side prepared statements off (skewed filters get bad generic plans).
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

import pandas as pd
import sqlalchemy as sa

from taskforce.settings import Settings, load_settings


class WarehouseNotReady(RuntimeError):
    """No build has been published yet."""


@cache
def _postgres_engine(url: str) -> sa.Engine:
    driver_url = re.sub(r"^postgres(ql)?://", "postgresql+psycopg://", url)
    return sa.create_engine(
        driver_url, pool_pre_ping=True, pool_size=4, connect_args={"prepare_threshold": None}
    )


def query(sql: str, params: dict[str, Any] | None = None, settings: Settings | None = None) -> pd.DataFrame:
    """Run a read query written with ``:name`` parameters."""
    settings = settings or load_settings()
    params = params or {}
    if settings.engine == "duckdb":
        import duckdb

        path = settings.serving_path
        if not path.exists():
            raise WarehouseNotReady(str(path))
        with duckdb.connect(str(path), read_only=True) as con:
            return con.execute(re.sub(r":(\w+)", r"$\1", sql), params).df()
    with _postgres_engine(settings.warehouse_url).connect() as con:
        return pd.read_sql_query(sa.text(sql), con, params=params)


def available_years(settings: Settings | None = None) -> list[int]:
    frame = query(
        "select distinct identification_year as year from marts.fct_identifications "
        "union select distinct return_year from marts.fct_returns order by 1",
        settings=settings,
    )
    return [int(y) for y in frame["year"]]


def headline(first_year: int, last_year: int, settings: Settings | None = None) -> dict[str, float | None]:
    """The overview's headline numbers for a span of years (inclusive)."""
    span = {"first_year": first_year, "last_year": last_year}
    ident = query(
        """
        select
            count(distinct case when identification_status = 'identified' then person_key end)
                as victims_identified,
            count(distinct case when identification_status = 'presumed' then person_key end)
                as presumed_victims,
            count(distinct case when identification_status = 'identified' and sex = 'female'
                then person_key end) as identified_female,
            count(distinct case when identification_status = 'identified' and age_group = 'child'
                then person_key end) as identified_children
        from marts.fct_identifications
        where identification_year between :first_year and :last_year
        """,
        span,
        settings,
    ).iloc[0]
    returns = query(
        """
        select count(*) as returns,
               sum(case when has_reintegration_assistance then 1 else 0 end) as with_reintegration
        from marts.fct_returns
        where return_year between :first_year and :last_year
        """,
        span,
        settings,
    ).iloc[0]
    identified = int(ident["victims_identified"])
    n_returns = int(returns["returns"])
    return {
        "victims_identified": identified,
        "presumed_victims": int(ident["presumed_victims"]),
        "share_female": ident["identified_female"] / identified if identified else None,
        "share_children": ident["identified_children"] / identified if identified else None,
        "returns": n_returns,
        "share_reintegration": int(returns["with_reintegration"] or 0) / n_returns if n_returns else None,
    }


def yearly_trend(first_year: int, last_year: int, settings: Settings | None = None) -> pd.DataFrame:
    """Victims identified (distinct persons per year) and returns, by year."""
    span = {"first_year": first_year, "last_year": last_year}
    ident = query(
        """
        select identification_year as year, count(distinct person_key) as victims_identified
        from marts.fct_identifications
        where identification_status = 'identified' and identification_year between :first_year and :last_year
        group by identification_year
        """,
        span,
        settings,
    )
    returns = query(
        """
        select return_year as year, count(*) as returns
        from marts.fct_returns
        where return_year between :first_year and :last_year
        group by return_year
        """,
        span,
        settings,
    )
    years = pd.DataFrame({"year": range(first_year, last_year + 1)})
    trend = years.merge(ident, on="year", how="left").merge(returns, on="year", how="left")
    return trend.fillna(0).astype(int)
