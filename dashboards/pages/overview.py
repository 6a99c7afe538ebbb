"""Overview: headline numbers for the selected period with the change since the period before, the trend by
year, quarter or month, and the logframe (baseline, target and latest value of every indicator)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data, ui
from dashboards.filters import Dims, where

IDENTIFICATIONS = Dims(
    year="identification_year",
    province="province_plate_code",
    nationality="nationality_iso3",
    sex="sex",
    age_group="age_group",
    exploitation="exploitation_types",
)
RETURNS = Dims(year="return_year", sex="sex", age_group="age_group", person="person_key")
GRANULARITIES = ("year", "quarter", "month")

page = ui.start("overview")
f, tr = page.filters, page.tr
first_data_year = page.options.years[0]
previous = f.previous()
has_previous = previous[0] >= first_data_year

# both periods at once: the filters without the period, the years spanning both
span = (previous[0] if has_previous else f.first_year, f.last_year)
ident = where(f, IDENTIFICATIONS, years=span, prefix="i")
returns = where(f, RETURNS, years=span, prefix="r")
periods = {"c_first": f.first_year, "c_last": f.last_year, "p_first": previous[0], "p_last": previous[1]}

# persons counted on the cells of fct_identifications (macros/key_cells.sql), exactly as on the fact
CELLS = "marts.fct_identification_cells"
NOW = "identification_year between :c_first and :c_last"
BEFORE = "identification_year between :p_first and :p_last"
IDENTIFIED, PRESUMED = "identification_status = 'identified'", "identification_status = 'presumed'"
HEADLINE_SQL = data.keys_with(
    CELLS,
    "person_key",
    {
        "identified_now": f"{IDENTIFIED} and {NOW}",
        "presumed_now": f"{PRESUMED} and {NOW}",
        "female_now": f"{IDENTIFIED} and {NOW} and sex = 'female'",
        "child_now": f"{IDENTIFIED} and {NOW} and age_group = 'child'",
        "identified_before": f"{IDENTIFIED} and {BEFORE}",
        "presumed_before": f"{PRESUMED} and {BEFORE}",
        "female_before": f"{IDENTIFIED} and {BEFORE} and sex = 'female'",
        "child_before": f"{IDENTIFIED} and {BEFORE} and age_group = 'child'",
    },
    ident.sql,
    unless={"presumed_now": "identified_now", "presumed_before": "identified_before"},
)
RETURNS_SQL = f"""
select
    cast(coalesce(sum(case when return_year between :c_first and :c_last then 1 else 0 end), 0) as bigint)
        as returns_now,
    cast(coalesce(sum(case when return_year between :c_first and :c_last and has_reintegration_assistance
        then 1 else 0 end), 0) as bigint) as reintegration_now,
    cast(coalesce(sum(case when return_year between :p_first and :p_last then 1 else 0 end), 0) as bigint)
        as returns_before,
    cast(coalesce(sum(case when return_year between :p_first and :p_last and has_reintegration_assistance
        then 1 else 0 end), 0) as bigint) as reintegration_before
from marts.fct_returns
where {returns.sql}
"""

granularity = st.session_state.get("granularity", "year")
if granularity not in GRANULARITIES:
    granularity = "year"
now_ident = where(f, IDENTIFICATIONS, alias="i", prefix="t")
now_returns = where(f, RETURNS, alias="r", prefix="u")
if granularity == "year":
    ident_period, ident_group = "i.identification_year as year, 0 as part", "i.identification_year"
    return_period, return_join, return_group = "r.return_year as year, 0 as part", "", "r.return_year"
else:
    ident_part = f"i.identification_{granularity}"
    ident_period = f"i.identification_year as year, {ident_part} as part"
    ident_group = f"i.identification_year, {ident_part}"
    part = "d.quarter" if granularity == "quarter" else "d.month"
    return_period, return_join = (
        f"d.year as year, {part} as part",
        "join marts.dim_date as d on d.date_day = r.departed_on",
    )
    return_group = f"d.year, {part}"
TREND_IDENT_SQL = f"""
select {ident_period}, {data.distinct_keys("i.person_key")} as victims_identified
from {CELLS} as i
where i.identification_status = 'identified' and {now_ident.sql}
group by {ident_group}
"""
TREND_RETURNS_SQL = f"""
select {return_period}, count(*) as returns
from marts.fct_returns as r {return_join}
where {now_returns.sql}
group by {return_group}
"""
LOGFRAME_SQL = """
select indicator_id, cast(period_id as text) as period_id, value
from marts.fct_indicator_values
where period_type = 'year' and is_total
"""

frames = data.fetch(
    {
        "headline": (HEADLINE_SQL, {**ident.params, **periods}),
        "returns": (RETURNS_SQL, {**returns.params, **periods}),
        "trend_identifications": (TREND_IDENT_SQL, now_ident.params),
        "trend_returns": (TREND_RETURNS_SQL, now_returns.params),
        "logframe": (LOGFRAME_SQL, {}),
    }
)

# --- headline numbers ------------------------------------------------------------------------------------

head, ret = frames["headline"], frames["returns"]
st.subheader(tr("headline_numbers", period=tr.period(f.first_year, f.last_year)))
page.scope(IDENTIFICATIONS, RETURNS)
if has_previous:
    st.caption(tr("compared_with", period=tr.period(*previous)))


def number(name: str) -> int:
    return int(ui.value(head, name) or 0)


def returned(name: str) -> int:
    return int(ui.value(ret, name) or 0)


def delta_count(now: int, before: int) -> str | None:
    return tr.signed(now - before) if has_previous else None


def delta_share(now: float | None, before: float | None) -> str | None:
    if not has_previous or now is None or before is None:
        return None
    return tr("points", value=tr.signed_number(100 * (now - before), 1))


identified, identified_before = number("identified_now"), number("identified_before")
shares = {
    "female": (
        ui.ratio(number("female_now"), identified),
        ui.ratio(number("female_before"), identified_before),
    ),
    "child": (ui.ratio(number("child_now"), identified), ui.ratio(number("child_before"), identified_before)),
    "reintegration": (
        ui.ratio(returned("reintegration_now"), returned("returns_now")),
        ui.ratio(returned("reintegration_before"), returned("returns_before")),
    ),
}
row = st.columns(4)
row[0].metric(
    tr("victims_identified"),
    tr.integer(identified),
    delta_count(identified, identified_before),
    help=page.indicator_name("V1"),
)
row[1].metric(
    tr("presumed_victims"),
    tr.integer(number("presumed_now")),
    delta_count(number("presumed_now"), number("presumed_before")),
    delta_color="off",
)
row[2].metric(
    tr("assisted_returns"),
    tr.integer(returned("returns_now")),
    delta_count(returned("returns_now"), returned("returns_before")),
    delta_color="off",
)
row[3].metric(
    tr("returns_with_reintegration"),
    tr.percent(shares["reintegration"][0]),
    delta_share(*shares["reintegration"]),
)
row = st.columns(4)
row[0].metric(
    tr("share_female"), tr.percent(shares["female"][0]), delta_share(*shares["female"]), delta_color="off"
)
row[1].metric(
    tr("share_children"), tr.percent(shares["child"][0]), delta_share(*shares["child"]), delta_color="off"
)
st.caption(" ".join([page.definition("V1"), page.definition("V2"), tr("def_assisted_returns")]))

# --- trend -------------------------------------------------------------------------------------------------

st.radio(
    tr("trend_by"),
    options=list(GRANULARITIES),
    format_func=lambda g: tr(f"granularity_{g}"),
    horizontal=True,
    key="granularity",
)


def periods_of(granularity: str) -> pd.DataFrame:
    years = range(f.first_year, f.last_year + 1)
    parts = {"year": [0], "quarter": [1, 2, 3, 4], "month": list(range(1, 13))}[granularity]
    return pd.DataFrame([(y, p) for y in years for p in parts], columns=["year", "part"])


trend = periods_of(granularity)
for name in ("trend_identifications", "trend_returns"):
    frame = frames[name]
    frame = frame.assign(year=frame["year"].astype(int), part=frame["part"].astype(int))
    trend = trend.merge(frame, on=["year", "part"], how="left")
trend = trend.fillna(0)
trend["victims_identified"] = trend["victims_identified"].astype(int)
trend["returns"] = trend["returns"].astype(int)
trend["period"] = [
    tr.period_label(granularity, int(y), int(p)) for y, p in zip(trend["year"], trend["part"], strict=True)
]
labels = {"victims_identified": tr("victims_identified"), "returns": tr("assisted_returns")}
period_column = tr(f"granularity_{granularity}")
if granularity == "year":
    table = trend[["year", "victims_identified", "returns"]].rename(columns={"year": "period"})
    export_name = f"identifications_returns_{f.first_year}_{f.last_year}.csv"
else:
    table = trend[["period", "victims_identified", "returns"]]
    export_name = f"identifications_returns_{granularity}_{f.first_year}_{f.last_year}.csv"
table = table.rename(columns={"period": period_column, **labels})
st.subheader(tr("trend_title", by=tr(f"granularity_{granularity}").lower()))
if not (trend["victims_identified"].sum() or trend["returns"].sum()):
    page.empty()
else:
    st.plotly_chart(charts.yearly_trend_figure(trend, labels, page.lang), width="stretch", key="chart_trend")
    st.caption(tr("def_trend"))
    with st.expander(tr("show_table"), expanded=True):
        st.dataframe(table, hide_index=True, width="stretch")
    page.download("trend", table, file_name=export_name)

# --- logframe ----------------------------------------------------------------------------------------------

catalogue, values = page.catalogue, frames["logframe"]
rows = []
for item in catalogue.itertuples():
    own = values[values["indicator_id"] == item.indicator_id]
    by_year = {
        int(p): v
        for p, v in zip(own["period_id"], own["value"], strict=True)
        if str(p).isdigit() and pd.notna(v)
    }
    in_period = {y: v for y, v in by_year.items() if f.first_year <= y <= f.last_year}
    latest_year = max(in_period) if in_period else None
    latest = in_period.get(latest_year) if latest_year else None
    before = by_year.get(latest_year - 1) if latest_year else None
    baseline_year = int(item.baseline_year) if pd.notna(item.baseline_year) else None
    planned = item.baseline_value if pd.notna(item.baseline_value) else None
    baseline = planned if planned is not None else by_year.get(baseline_year) if baseline_year else None
    target = item.target_value if pd.notna(item.target_value) else None
    rows.append(
        {
            "indicator": f"{item.indicator_id} {getattr(item, 'indicator_name_' + page.lang)}",
            "unit": tr.label("unit", item.unit),
            "baseline": tr.figure(baseline, item.unit),
            "baseline_year": str(baseline_year) if baseline_year else "",
            "target": tr.figure(target, item.unit),
            "target_year": str(int(item.target_year))
            if pd.notna(item.target_year) and target is not None
            else "",
            "latest": tr.figure(latest, item.unit),
            "latest_year": str(latest_year) if latest_year else "",
            "change": tr.signed_number(latest - before, 1)
            if latest is not None and before is not None
            else "",
            "status": tr.label("progress", ui.progress(item.target_direction, baseline, latest, target)),
        }
    )
logframe = pd.DataFrame(rows)
page.table(
    "logframe",
    tr("logframe_title"),
    logframe,
    tr("def_logframe"),
    {
        "indicator": tr("col_indicator"),
        "unit": tr("col_unit"),
        "baseline": tr("col_baseline"),
        "baseline_year": tr("col_baseline_year"),
        "target": tr("col_target"),
        "target_year": tr("col_target_year"),
        "latest": tr("col_latest"),
        "latest_year": tr("col_latest_year"),
        "change": tr("col_change_previous_year"),
        "status": tr("col_progress"),
    },
)
