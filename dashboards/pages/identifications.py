"""Identifications: victims identified by sex, age group, nationality, form of exploitation, identifying
agency and referral source; a province map that needs no network; the top nationalities over time."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data, i18n, ui
from dashboards.filters import Dims, where

DIMS = Dims(
    year="identification_year",
    province="province_plate_code",
    nationality="nationality_iso3",
    sex="sex",
    age_group="age_group",
    exploitation="exploitation_types",
)
TOP_NATIONALITIES = 10
NATIONALITIES_OVER_TIME = 5

page = ui.start("identifications")
f, tr = page.filters, page.tr
c = where(f, DIMS)
ci = where(f, DIMS, alias="i", prefix="g")
forms = i18n.codes("exploitation_type")
form_values = ", ".join(f"(:form{i})" for i in range(len(forms)))
form_params = {f"form{i}": code for i, code in enumerate(forms)}
IDENTIFIED = f"identification_status = 'identified' and {c.sql}"
# persons counted on the cells of fct_identifications (macros/key_cells.sql): exact, and small enough for
# PostgreSQL to count in milliseconds what takes it half a second per breakdown on the fact
CELLS = "marts.fct_identification_cells"
PERSONS = data.distinct_keys("person_key")


def by(column: str) -> str:
    return f"select {column} as code, {PERSONS} as persons from {CELLS} where {IDENTIFIED} group by {column}"


frames = data.fetch(
    {
        "headline": (
            data.keys_with(
                CELLS,
                "person_key",
                {
                    "identified": "identification_status = 'identified'",
                    "presumed": "identification_status = 'presumed'",
                    "female": "identification_status = 'identified' and sex = 'female'",
                    "child": "identification_status = 'identified' and age_group = 'child'",
                },
                c.sql,
                unless={"presumed": "identified"},
                sums={"records": "records"},
            ),
            c.params,
        ),
        "sex": (by("sex"), c.params),
        "age_group": (by("age_group"), c.params),
        "agency": (by("identifying_agency"), c.params),
        "referral_source": (by("referral_source"), c.params),
        "province": (by("province_plate_code"), c.params),
        "nationality": (by("nationality_iso3") + " order by persons desc, code", c.params),
        "exploitation": (
            f"""
            select t.code, {data.distinct_keys("i.person_key")} as persons
            from {CELLS} as i
            join (values {form_values}) as t (code)
                on ',' || i.exploitation_types || ',' like '%,' || t.code || ',%'
            where i.identification_status = 'identified' and {ci.sql}
            group by t.code
            """,
            {**ci.params, **form_params},
        ),
        "nationality_years": (
            f"""
            with top as (
                select nationality_iso3 from {CELLS}
                where {IDENTIFIED} and nationality_iso3 is not null
                group by nationality_iso3
                order by {PERSONS} desc, nationality_iso3
                limit {NATIONALITIES_OVER_TIME}
            )
            select identification_year as year, nationality_iso3 as code, {PERSONS} as persons
            from {CELLS}
            where {IDENTIFIED} and nationality_iso3 in (select nationality_iso3 from top)
            group by identification_year, nationality_iso3
            """,
            c.params,
        ),
    }
)

head = frames["headline"]
identified = int(ui.value(head, "identified") or 0)
st.subheader(tr("headline_numbers", period=tr.period(f.first_year, f.last_year)))
page.scope(DIMS)
row = st.columns(5)
row[0].metric(tr("victims_identified"), tr.integer(identified))
row[1].metric(tr("presumed_victims"), tr.integer(ui.value(head, "presumed") or 0))
row[2].metric(tr("identification_records"), tr.integer(ui.value(head, "records") or 0))
row[3].metric(tr("share_female"), tr.percent(ui.ratio(ui.value(head, "female"), identified)))
row[4].metric(tr("share_children"), tr.percent(ui.ratio(ui.value(head, "child"), identified)))
st.caption(page.definition("V1", "def_breakdowns"))

persons_label = tr("col_persons")


def breakdown(
    key: str,
    frame: pd.DataFrame,
    domain: str,
    title: str,
    order: list[str] | None = None,
    indicator: str | None = "V1",
    definition: str | None = "def_breakdowns",
) -> None:
    if order:
        frame = ui.ordered(frame, "code", order)
    else:
        frame = frame.sort_values(["persons", "code"], ascending=[False, True])
    frame = frame.assign(name=page.labels(frame, "code", domain))
    figure = charts.bars(frame["name"], frame["persons"], persons_label, page.lang) if len(frame) else None
    table = frame[["code", "name", "persons"]]
    page.chart(
        key,
        title,
        figure,
        table,
        page.definition(indicator, definition),
        {"code": tr("col_code"), "name": tr(f"col_{domain}"), "persons": persons_label},
    )


left, right = st.columns(2)
with left:
    breakdown("sex", frames["sex"], "sex", tr("by_sex"), ["female", "male", "unknown"])
with right:
    breakdown(
        "age_group", frames["age_group"], "age_group", tr("by_age_group"), ["child", "adult", "unknown"]
    )
left, right = st.columns(2)
with left:
    breakdown(
        "exploitation",
        frames["exploitation"],
        "exploitation_type",
        tr("by_exploitation_type"),
        forms,
        definition="def_exploitation_multi",
    )
with right:
    breakdown("agency", frames["agency"], "agency", tr("by_identifying_agency"))
left, right = st.columns(2)
with left:
    breakdown("referral_source", frames["referral_source"], "referral_source", tr("by_referral_source"))
with right:
    breakdown(
        "nationality",
        frames["nationality"].head(TOP_NATIONALITIES),
        "country",
        tr("top_nationalities", n=TOP_NATIONALITIES),
    )

# --- the province map: points at the provinces' coordinates on plain axes (no tiles, no topojson) ---------

provinces = page.options.provinces.copy()
counts = frames["province"].dropna(subset=["code"])
counts = counts.assign(province_plate_code=counts["code"].astype(int))[["province_plate_code", "persons"]]
mapped = provinces.merge(counts, on="province_plate_code", how="left")
mapped["persons"] = mapped["persons"].fillna(0).astype(int)
mapped["region"] = mapped["nuts1_code"].map(lambda code: f"{code} {i18n.region_name(code, page.lang)}")
shown = mapped[mapped["persons"] > 0].sort_values(["persons", "province_name"], ascending=[False, True])
figure = None
if len(shown):
    figure = charts.province_map(
        mapped.rename(columns={"province_name": "name", "persons": "value"}), persons_label, page.lang
    )
page.chart(
    "province_map",
    tr("map_title"),
    figure,
    shown[["province_plate_code", "province_name", "region", "persons"]],
    tr("def_map"),
    {
        "province_plate_code": tr("col_plate_code"),
        "province_name": tr("col_province"),
        "region": tr("col_region"),
        "persons": persons_label,
    },
)

# --- top nationalities over time ----------------------------------------------------------------------------

over_time = frames["nationality_years"]
figure, table = None, over_time
if len(over_time):
    years = pd.DataFrame({"year": range(f.first_year, f.last_year + 1)})
    codes = list(over_time.groupby("code")["persons"].sum().sort_values(ascending=False).index)
    grid = years.merge(pd.DataFrame({"code": codes}), how="cross").merge(
        over_time.assign(year=over_time["year"].astype(int)), on=["year", "code"], how="left"
    )
    grid["persons"] = grid["persons"].fillna(0).astype(int)
    grid["name"] = page.labels(grid, "code", "country")
    figure = charts.lines(grid.assign(year=grid["year"].astype(str)), "year", "name", "persons", page.lang)
    table = grid[["year", "code", "name", "persons"]]
page.chart(
    "nationalities_over_time",
    tr("nationalities_over_time", n=NATIONALITIES_OVER_TIME),
    figure,
    table,
    page.definition("V1", "def_breakdowns"),
    {
        "year": tr("granularity_year"),
        "code": tr("col_code"),
        "name": tr("col_country"),
        "persons": persons_label,
    },
)
