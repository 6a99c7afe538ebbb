"""Returns and reintegration: assisted returns by destination country over time, the share with reintegration
support, by return type, sex and age group."""

from __future__ import annotations

import streamlit as st

from dashboards import charts, data, ui
from dashboards.filters import Dims, where

DIMS = Dims(year="return_year", sex="sex", age_group="age_group", person="person_key")
TOP_DESTINATIONS = 8

page = ui.start("returns")
f, tr = page.filters, page.tr
c = where(f, DIMS)

frames = data.fetch(
    {
        "headline": (
            f"""
            select count(*) as returns, count(distinct person_key) as persons,
                cast(coalesce(sum(case when has_reintegration_assistance then 1 else 0 end), 0) as bigint)
                    as reintegration,
                cast(coalesce(sum(case when was_identified then 1 else 0 end), 0) as bigint) as identified
            from marts.fct_returns where {c.sql}
            """,
            c.params,
        ),
        "destinations": (
            f"""
            select return_year as year, destination_iso3 as code, count(*) as returns
            from marts.fct_returns where {c.sql}
            group by return_year, destination_iso3
            """,
            c.params,
        ),
        "by_year": (
            f"""
            select return_year as year, count(*) as returns,
                cast(coalesce(sum(case when has_reintegration_assistance then 1 else 0 end), 0) as bigint)
                    as reintegration
            from marts.fct_returns where {c.sql}
            group by return_year
            """,
            c.params,
        ),
        "types": (
            f"""
            select return_type as code, count(*) as returns,
                cast(coalesce(sum(case when has_reintegration_assistance then 1 else 0 end), 0) as bigint)
                    as reintegration
            from marts.fct_returns where {c.sql}
            group by return_type
            """,
            c.params,
        ),
        "sex_age": (
            f"""
            select sex, age_group, count(*) as returns
            from marts.fct_returns where {c.sql}
            group by sex, age_group
            """,
            c.params,
        ),
    }
)

head = frames["headline"]
returns = int(ui.value(head, "returns") or 0)
st.subheader(tr("headline_numbers", period=tr.period(f.first_year, f.last_year)))
page.scope(DIMS)
row = st.columns(4)
row[0].metric(tr("assisted_returns"), tr.integer(returns))
row[1].metric(tr("persons_returned"), tr.integer(ui.value(head, "persons") or 0))
row[2].metric(
    tr("returns_with_reintegration"), tr.percent(ui.ratio(ui.value(head, "reintegration"), returns))
)
row[3].metric(tr("returns_identified_first"), tr.percent(ui.ratio(ui.value(head, "identified"), returns)))
st.caption(tr("def_assisted_returns"))

# --- destinations over time ---------------------------------------------------------------------------------

destinations = frames["destinations"]
figure, table = None, destinations
if len(destinations):
    destinations = destinations.assign(year=destinations["year"].astype(int))
    totals = destinations.groupby("code")["returns"].sum().sort_values(ascending=False)
    top = list(totals.index[:TOP_DESTINATIONS])
    grouped = destinations.assign(group=destinations["code"].where(destinations["code"].isin(top), "other"))
    wide = grouped.pivot_table(index="year", columns="group", values="returns", aggfunc="sum", fill_value=0)
    wide = wide.reindex(index=range(f.first_year, f.last_year + 1), fill_value=0)
    order = top + (["other"] if "other" in wide.columns else [])
    wide = wide.reindex(columns=order, fill_value=0).reset_index()
    names = {
        code: (tr("other_countries") if code == "other" else tr.label("country", code)) for code in order
    }
    figure = charts.grouped(
        wide.assign(year=wide["year"].astype(str)),
        "year",
        [(code, names[code]) for code in order],
        page.lang,
        stacked=True,
    )
    table = destinations.assign(name=page.labels(destinations, "code", "country"))[
        ["year", "code", "name", "returns"]
    ]
    table = table.sort_values(["year", "returns"], ascending=[True, False])
page.chart(
    "destinations",
    tr("returns_by_destination", n=TOP_DESTINATIONS),
    figure,
    table,
    tr("def_returns_by_destination"),
    {
        "year": tr("granularity_year"),
        "code": tr("col_code"),
        "name": tr("col_destination"),
        "returns": tr("assisted_returns"),
    },
)

# --- reintegration support ----------------------------------------------------------------------------------

left, right = st.columns(2)
with left:
    by_year = ui.share_by_year(
        frames["by_year"], f.first_year, f.last_year, "reintegration", "returns", "share"
    )
    table = by_year.assign(share=by_year["share"].map(lambda v: tr.number(v, 1)))
    page.chart(
        "reintegration",
        tr("reintegration_by_year"),
        charts.bars(
            by_year["year"].astype(str),
            by_year["share"].fillna(0),
            tr("col_share_percent"),
            page.lang,
            horizontal=False,
            percent=True,
        )
        if returns
        else None,
        table if returns else None,
        page.definition("S6B", "def_returns_cases"),
        {
            "year": tr("granularity_year"),
            "returns": tr("assisted_returns"),
            "reintegration": tr("col_with_reintegration"),
            "share": tr("col_share_percent"),
        },
    )
with right:
    types = frames["types"].sort_values("returns", ascending=False)
    types = types.assign(name=page.labels(types, "code", "return_type"))
    page.chart(
        "return_types",
        tr("returns_by_type"),
        charts.grouped(
            types,
            "name",
            [("returns", tr("assisted_returns")), ("reintegration", tr("col_with_reintegration"))],
            page.lang,
            horizontal=True,
        )
        if len(types)
        else None,
        types[["code", "name", "returns", "reintegration"]],
        tr("def_assisted_returns"),
        {
            "code": tr("col_code"),
            "name": tr("col_return_type"),
            "returns": tr("assisted_returns"),
            "reintegration": tr("col_with_reintegration"),
        },
    )

# --- by sex and age group -----------------------------------------------------------------------------------

sex_age = frames["sex_age"]
figure, table = None, sex_age
if len(sex_age):
    wide = sex_age.pivot_table(
        index="sex", columns="age_group", values="returns", aggfunc="sum", fill_value=0
    )
    wide = ui.ordered(wide.reset_index(), "sex", ["female", "male", "unknown"])
    ages = [a for a in ("child", "adult", "unknown") if a in wide.columns]
    wide["name"] = page.labels(wide, "sex", "sex")
    figure = charts.grouped(
        wide, "name", [(a, tr.label("age_group", a)) for a in ages], page.lang, stacked=True
    )
    table = sex_age.assign(
        sex_name=page.labels(sex_age, "sex", "sex"), age_name=page.labels(sex_age, "age_group", "age_group")
    )[["sex_name", "age_name", "returns"]]
page.chart(
    "sex_age",
    tr("returns_by_sex_age"),
    figure,
    table,
    tr("def_assisted_returns"),
    {"sex_name": tr("col_sex"), "age_name": tr("col_age_group"), "returns": tr("assisted_returns")},
)
