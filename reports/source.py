"""Read what a donor report may read, and nothing else.

Only three kinds of relations are queried: the ``reporting`` schema (aggregates after the reporting
layer's disclosure rules; never a person-level row), ``reference`` code lists (seeds), and the
bookkeeping tables ``ops.builds``, ``ops.build_batches`` and ``ops.batches`` for the data vintage.
``QUERIES`` holds every statement; a test checks that none names another schema.

On DuckDB the published snapshot (``warehouse.serving.duckdb``) is read, read-only, as the dashboards
do: a report never waits for, nor blocks, an ingest or a build.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import pandas as pd

from taskforce.settings import Settings
from taskforce.warehouse import connect

BREAKDOWNS = ("sex", "age_group", "nationality_group", "exploitation_type", "nuts1")
"""The mandatory disaggregations of donor reports (disaggregation names of ``rpt_indicator_values``)."""

DISAGGREGATIONS = ("total", "sex_age_group", *BREAKDOWNS)

_VALUE_COLUMNS = (
    "indicator_id, period_type, period_id, disaggregation, sex, age_group, nationality_group, "
    "exploitation_type, nuts1_code, numerator, denominator, value, is_withheld, is_rounded"
)

QUERIES: dict[str, str] = {
    "catalogue": (
        "select indicator_id, indicator_name_en, indicator_name_tr, definition, numerator, denominator, "
        "factor, unit, unit_of_count, date_basis, period_types, disaggregations, sdg, glotip, eurostat, "
        "greta, tip, logframe_level, target_direction, baseline_year, baseline_value, target_year, "
        "target_value, is_rounded_in_reports, indicator_sort_order "
        "from reporting.rpt_indicator_catalogue order by indicator_sort_order, indicator_id"
    ),
    "values": (
        f"select {_VALUE_COLUMNS} from reporting.rpt_indicator_values "
        "where period_type in ('year', 'quarter') and disaggregation in ("
        + ", ".join(f"'{name}'" for name in DISAGGREGATIONS)
        + ")"
    ),
    "regions": (
        "select distinct nuts1_code, nuts1_name from reference.provinces "
        "where nuts1_code is not null order by nuts1_code"
    ),
    "sexes": "select sex, label_en, label_tr, sort_order from reference.sexes order by sort_order, sex",
    "exploitation_types": (
        "select exploitation_type, label_en, label_tr, sort_order from reference.exploitation_types "
        "order by sort_order, exploitation_type"
    ),
    "age_groups": (
        "select age_group, min(sort_order) as sort_order from reference.age_bands "
        "group by age_group order by min(sort_order), age_group"
    ),
    "build": (
        "select build_id, engine, started_at, finished_at, dbt_version from ops.builds "
        "where status = 'success' order by finished_at desc, build_id desc limit 1"
    ),
    "build_batches": (
        "select b.batch_id, b.agency, b.source, b.period, b.period_start, b.period_end, b.file_name, "
        "b.file_sha256, b.rows_loaded, b.loaded_at, b.status "
        "from ops.build_batches as bb join ops.batches as b on b.batch_id = bb.batch_id "
        "where bb.build_id = ? order by b.agency, b.source, b.period_start, b.batch_id"
    ),
    "active_batches": "select batch_id from ops.batches where status = 'active' order by batch_id",
}


REQUIRED_TABLES = (
    ("reporting", "rpt_indicator_catalogue"),
    ("reporting", "rpt_indicator_values"),
    ("reference", "provinces"),
    ("reference", "sexes"),
    ("reference", "exploitation_types"),
    ("reference", "age_bands"),
    ("ops", "builds"),
    ("ops", "build_batches"),
    ("ops", "batches"),
)


class ReportDataError(RuntimeError):
    """The warehouse cannot give a correct report (not built, stale, no data for the period)."""


@dataclass(frozen=True)
class Source:
    """Everything a report is made from, as plain frames (sorted, so the report is reproducible)."""

    catalogue: pd.DataFrame
    values: pd.DataFrame
    regions: pd.DataFrame
    sexes: pd.DataFrame
    exploitation_types: pd.DataFrame
    age_groups: pd.DataFrame
    build: dict[str, object]
    batches: pd.DataFrame
    engine: str


def read_source(settings: Settings) -> Source:
    """Read the report's inputs; refuse a warehouse whose last build did not read the active batches."""
    reading = _reading_settings(settings)
    if reading.engine == "duckdb" and not reading.duckdb_path.is_file():
        raise ReportDataError(
            f"no warehouse at {reading.duckdb_path}: run `taskforce demo`, or ingest and build"
        )
    with connect(reading, read_only=reading.engine == "duckdb") as wh:
        missing = [f"{s}.{t}" for s, t in REQUIRED_TABLES if not wh.table_exists(s, t)]
        if missing:
            raise ReportDataError(
                f"the warehouse lacks {', '.join(missing)}: run `taskforce build` (with the reporting models)"
            )
        frames = {
            name: wh.frame(sql)
            for name, sql in QUERIES.items()
            if name not in ("build", "build_batches", "active_batches")
        }
        build = wh.frame(QUERIES["build"])
        if build.empty:
            raise ReportDataError("the warehouse has no successful build: run `taskforce build` first")
        build_row = {key: _plain(value) for key, value in build.iloc[0].to_dict().items()}
        batches = wh.frame(QUERIES["build_batches"], [build_row["build_id"]])
        active = {row[0] for row in wh.fetchall(QUERIES["active_batches"])}
    _check_vintage(batches, active)
    values = _clean_values(frames["values"])
    if values.empty:
        raise ReportDataError("the reporting schema holds no indicator values: run `taskforce build`")
    return Source(
        catalogue=frames["catalogue"].reset_index(drop=True),
        values=values,
        regions=frames["regions"].astype("string").reset_index(drop=True),
        sexes=frames["sexes"].reset_index(drop=True),
        exploitation_types=frames["exploitation_types"].reset_index(drop=True),
        age_groups=frames["age_groups"].reset_index(drop=True),
        build=build_row,
        batches=batches.reset_index(drop=True),
        engine=settings.engine,
    )


def _reading_settings(settings: Settings) -> Settings:
    """On DuckDB, the published snapshot when there is one (the dashboards' copy), else the file itself."""
    if settings.engine != "duckdb":
        return settings
    serving = settings.serving_path
    if serving.is_file():
        return dataclasses.replace(settings, warehouse_url=f"duckdb:///{serving}")
    return settings


def _check_vintage(batches: pd.DataFrame, active: set[str]) -> None:
    """Only active batches: the last build read every active batch and no batch that is no longer active."""
    used = set(batches["batch_id"].tolist())
    stale = sorted(used - active)
    missing = sorted(active - used)
    if stale or missing:
        parts = []
        if stale:
            parts.append(
                f"{len(stale)} batch(es) read by the last build are no longer active (e.g. {stale[0]})"
            )
        if missing:
            parts.append(
                f"{len(missing)} active batch(es) were loaded after the last build (e.g. {missing[0]})"
            )
        raise ReportDataError(
            "the reporting schema does not match the active batches: "
            + "; ".join(parts)
            + ". Run `taskforce build`, then make the report again."
        )


def _clean_values(frame: pd.DataFrame) -> pd.DataFrame:
    """Codes as text ('' for "all"), counts as nullable integers, in one canonical order."""
    frame = frame.copy()
    for column in ("indicator_id", "period_type", "period_id", "disaggregation"):
        frame[column] = frame[column].astype("string")
    for column in ("sex", "age_group", "nationality_group", "exploitation_type", "nuts1_code"):
        frame[column] = frame[column].astype("string").fillna("")
    for column in ("numerator", "denominator"):
        frame[column] = pd.to_numeric(frame[column]).round().astype("Int64")
    frame["value"] = pd.to_numeric(frame["value"]).astype("Float64")
    for column in ("is_withheld", "is_rounded"):
        frame[column] = frame[column].astype("boolean").fillna(False)
    keys = [
        "indicator_id",
        "period_type",
        "period_id",
        "disaggregation",
        "sex",
        "age_group",
        "nationality_group",
        "exploitation_type",
        "nuts1_code",
    ]
    return frame.sort_values(keys, kind="stable").reset_index(drop=True)


def _plain(value: object) -> object:
    """A build row's value as a plain Python object (timestamps as ISO text)."""
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value
