"""Read what a donor report may read, and nothing else: the ``reporting`` schema.

Every relation queried is a table of ``reporting`` (aggregates after the reporting layer's disclosure
rules; never a person-level row): the indicator values and catalogue, the code labels
(``rpt_code_labels``) and the data vintage (``rpt_data_vintage``: the build; ``rpt_data_vintage_batches``:
the extract batches it read). So the report runs with the rights of the PostgreSQL donor role, which can
read that schema only. ``QUERIES`` holds every statement; a test checks that none names another schema,
and another makes the report as the donor role.

Whether the build read exactly the active batches is checked when the reporting schema is built (dbt
tests on ``rpt_data_vintage``); the report refuses a schema whose vintage says otherwise, or that was not
made by ``taskforce build``. It describes the data of that build: batches loaded since then reach a
report with the next build.

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
    "code_labels": (
        "select code_list, code, label_en, label_tr, sort_order from reporting.rpt_code_labels "
        "order by code_list, sort_order, code"
    ),
    "vintage": (
        "select build_id, engine, build_started_at, dbt_version, is_recorded_build, batches_used, "
        "active_batches_not_used, used_batches_not_active from reporting.rpt_data_vintage"
    ),
    "batches": (
        "select agency, source, period, period_start, period_end, file_name, is_file_name_withheld, "
        "file_sha256, rows_loaded from reporting.rpt_data_vintage_batches "
        "order by agency, source, period_start, period, file_sha256"
    ),
}


REQUIRED_TABLES = (
    ("reporting", "rpt_indicator_catalogue"),
    ("reporting", "rpt_indicator_values"),
    ("reporting", "rpt_code_labels"),
    ("reporting", "rpt_data_vintage"),
    ("reporting", "rpt_data_vintage_batches"),
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
    """Read the report's inputs; refuse a reporting schema whose build did not read the active batches."""
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
        frames = {name: wh.frame(sql) for name, sql in QUERIES.items()}
    build = _check_vintage(frames["vintage"])
    values = _clean_values(frames["values"])
    if values.empty:
        raise ReportDataError("the reporting schema holds no indicator values: run `taskforce build`")
    labels = frames["code_labels"]
    return Source(
        catalogue=frames["catalogue"].reset_index(drop=True),
        values=values,
        regions=_code_list(labels, "nuts1", "nuts1_code", {"label_en": "nuts1_name"})[
            ["nuts1_code", "nuts1_name"]
        ].astype("string"),
        sexes=_code_list(labels, "sex", "sex"),
        exploitation_types=_code_list(labels, "exploitation_type", "exploitation_type"),
        age_groups=_code_list(labels, "age_group", "age_group")[["age_group", "sort_order"]],
        build=build,
        batches=frames["batches"].reset_index(drop=True),
        engine=str(build.get("engine") or settings.engine),
    )


def published_years(source: Source) -> list[int]:
    """The years the reporting schema has indicator values for (the report years one may ask for)."""
    values = source.values
    years = values.loc[values["period_type"] == "year", "period_id"].dropna().unique().tolist()
    return sorted(int(year) for year in years if str(year).isdigit())


def _code_list(
    labels: pd.DataFrame, code_list: str, code_column: str, rename: dict[str, str] | None = None
) -> pd.DataFrame:
    """One code list of ``rpt_code_labels`` in its order, with the code column named as the report's."""
    frame = labels.loc[labels["code_list"] == code_list, ["code", "label_en", "label_tr", "sort_order"]]
    frame = frame.assign(code=frame["code"].astype(str), sort_order=pd.to_numeric(frame["sort_order"]))
    frame = frame.sort_values(["sort_order", "code"], kind="stable")
    return frame.rename(columns={"code": code_column, **(rename or {})}).reset_index(drop=True)


def _reading_settings(settings: Settings) -> Settings:
    """On DuckDB, the published snapshot when there is one (the dashboards' copy), else the file itself."""
    if settings.engine != "duckdb":
        return settings
    serving = settings.serving_path
    if serving.is_file():
        return dataclasses.replace(settings, warehouse_url=f"duckdb:///{serving}")
    return settings


def _check_vintage(vintage: pd.DataFrame) -> dict[str, object]:
    """The build the reporting schema was made by, as a plain dict; refused unless it was recorded by
    ``taskforce build`` and read every active batch and no other (checked when it was built)."""
    if len(vintage) != 1:
        raise ReportDataError(
            "the reporting schema has no data vintage (rpt_data_vintage): run `taskforce build`"
        )
    row = {key: _plain(value) for key, value in vintage.iloc[0].to_dict().items()}
    if not row.get("is_recorded_build") or not row.get("build_id"):
        raise ReportDataError(
            "the reporting schema was not made by `taskforce build` (no build is recorded for it), so its "
            "data vintage is unknown: run `taskforce build`, then make the report again"
        )
    parts = []
    missing = int(row.get("active_batches_not_used") or 0)
    stale = int(row.get("used_batches_not_active") or 0)
    if stale:
        parts.append(f"{stale} batch(es) read by the build were superseded while it ran")
    if missing:
        parts.append(f"{missing} active batch(es) were loaded while it ran")
    if parts:
        raise ReportDataError(
            "the reporting schema does not match the active batches: "
            + "; ".join(parts)
            + ". Run `taskforce build`, then make the report again."
        )
    return {
        "build_id": row["build_id"],
        "engine": row.get("engine"),
        "started_at": _to_second(vintage.iloc[0]["build_started_at"]),
        "dbt_version": row.get("dbt_version"),
    }


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


def _to_second(value: object) -> str | None:
    """A timestamp as ``YYYY-MM-DD HH:MM:SS`` (both engines' drivers give a different type)."""
    if _plain(value) is None:
        return None
    return pd.Timestamp(value).isoformat(sep=" ", timespec="seconds")  # type: ignore[arg-type]


def _plain(value: object) -> object:
    """A build row's value as a plain Python object (timestamps as ISO text)."""
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat(sep=" ")
    if hasattr(value, "isoformat"):
        return value.isoformat(sep=" ") if hasattr(value, "hour") else value.isoformat()
    return value
