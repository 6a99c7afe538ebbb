"""Prevention and capacity: the 157 helpline (language, category, outcome, calls that led to an
identification), trainings and people trained by agency and sex, activity outside the main urban centres,
labour inspections and international cooperation actions."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from dashboards import charts, data, i18n, ui
from dashboards.filters import Dims, where

CALLS = Dims(year="call_year", province="province_plate_code")
TRAININGS = Dims(year="training_year", province="province_plate_code")
INSPECTIONS = Dims(year="inspection_year", province="province_plate_code")
ACTIONS = Dims(year="action_year")
REFERRED = "call_outcome = 'referred_to_law_enforcement'"  # H1A
TOP_PARTNERS = 10
# calls are counted on their cells (marts.fct_helpline_call_cells: calls summed by the columns read here)
CALL_CELLS = "marts.fct_helpline_call_cells"
CALL_COUNT = "cast(coalesce(sum(records), 0) as bigint)"


def calls_where(condition: str) -> str:
    return f"cast(coalesce(sum(case when {condition} then records else 0 end), 0) as bigint)"


page = ui.start("prevention")
f, tr = page.filters, page.tr
calls, trainings, inspections, actions = (
    where(f, CALLS, prefix="c"),
    where(f, TRAININGS, prefix="t"),
    where(f, INSPECTIONS, prefix="l"),
    where(f, ACTIONS, prefix="a"),
)
centres = i18n.main_urban_centres()
inside, inside_params = data.in_list("province_plate_code", centres, "centre")
if not centres:  # no main urban centre listed: everything is outside
    inside = "1 = 0"

frames = data.fetch(
    {
        "calls": (
            f"""
            select {CALL_COUNT} as calls,
                {calls_where(REFERRED)} as referred,
                {calls_where(f"{REFERRED} and led_to_identification")} as identified,
                {calls_where("is_notification")} as notifications
            from {CALL_CELLS} where {calls.sql}
            """,
            calls.params,
        ),
        "call_breakdowns": (
            " union all ".join(
                f"select '{name}' as breakdown, {column} as code, {CALL_COUNT} as calls from {CALL_CELLS} "
                f"where {calls.sql} group by {column}"
                for name, column in (
                    ("language", "call_language"),
                    ("category", "call_category"),
                    ("outcome", "call_outcome"),
                    ("caller", "caller_type"),
                )
            ),
            calls.params,
        ),
        "calls_by_year": (
            f"""
            select call_year as year, {CALL_COUNT} as calls,
                {calls_where(REFERRED)} as referred,
                {calls_where(f"{REFERRED} and led_to_identification")} as identified
            from {CALL_CELLS} where {calls.sql}
            group by call_year
            """,
            calls.params,
        ),
        "trainings": (
            f"""
            select count(distinct training_reference) as sessions,
                cast(coalesce(sum(participants_total), 0) as bigint) as participants,
                cast(coalesce(sum(participants_female), 0) as bigint) as female,
                cast(coalesce(sum(participants_male), 0) as bigint) as male
            from marts.fct_trainings where {trainings.sql}
            """,
            trainings.params,
        ),
        "trained_by_agency": (
            f"""
            select participant_agency as agency, count(distinct training_reference) as sessions,
                cast(coalesce(sum(participants_female), 0) as bigint) as female,
                cast(coalesce(sum(participants_male), 0) as bigint) as male,
                cast(coalesce(sum(participants_total), 0) as bigint) as participants
            from marts.fct_trainings where {trainings.sql}
            group by participant_agency
            order by participants desc, agency
            """,
            trainings.params,
        ),
        "outside": (
            f"""
            select 'calls' as activity, {calls_where(inside)} as inside,
                {calls_where(f"not ({inside})")} as outside
            from {CALL_CELLS} where province_plate_code is not null and {calls.sql}
            union all
            select 'training_sessions' as activity,
                count(distinct case when {inside} then training_reference end) as inside,
                count(distinct case when {inside} then null else training_reference end) as outside
            from marts.fct_trainings where province_plate_code is not null and {trainings.sql}
            union all
            select 'labour_inspections' as activity,
                cast(coalesce(sum(case when {inside} then 1 else 0 end), 0) as bigint) as inside,
                cast(coalesce(sum(case when {inside} then 0 else 1 end), 0) as bigint) as outside
            from marts.fct_labour_inspections where province_plate_code is not null and {inspections.sql}
            """,
            {**calls.params, **trainings.params, **inspections.params, **inside_params},
        ),
        "shelters_outside": (
            """
            select cast(period_id as text) as year, numerator, denominator, value
            from marts.fct_indicator_values
            where indicator_id = 'N2' and period_type = 'year' and is_total
                and period_start >= :first_day and period_end <= :last_day
            """,
            {"first_day": date(f.first_year, 1, 1), "last_day": date(f.last_year, 12, 31)},
        ),
        "inspections": (
            f"""
            select sector as code, count(*) as inspections,
                cast(coalesce(sum(case when has_indicators then 1 else 0 end), 0) as bigint) as
                    with_indicators,
                cast(coalesce(sum(case when was_referred_to_police then 1 else 0 end), 0) as bigint) as
                    referred,
                cast(coalesce(sum(workers_checked), 0) as bigint) as workers
            from marts.fct_labour_inspections where {inspections.sql}
            group by sector
            order by inspections desc, code
            """,
            inspections.params,
        ),
        "action_types": (
            f"""
            select action_type as code, count(*) as actions
            from marts.fct_cooperation_actions where {actions.sql}
            group by action_type order by actions desc, code
            """,
            actions.params,
        ),
        "partners": (
            f"""
            select partner_country_iso3 as code, count(*) as actions
            from marts.fct_cooperation_actions where {actions.sql}
            group by partner_country_iso3 order by actions desc, code
            """,
            actions.params,
        ),
    }
)

# --- helpline -----------------------------------------------------------------------------------------------

head = frames["calls"]
n_calls, referred = int(ui.value(head, "calls") or 0), int(ui.value(head, "referred") or 0)
st.subheader(tr("helpline_title", period=tr.period(f.first_year, f.last_year)))
page.scope(CALLS, ACTIONS)
row = st.columns(4)
row[0].metric(tr("helpline_calls"), tr.integer(n_calls))
row[1].metric(tr("calls_referred"), tr.integer(referred))
row[2].metric(tr("calls_led_to_identification"), tr.integer(ui.value(head, "identified") or 0))
row[3].metric(tr("conversion_rate"), tr.percent(ui.ratio(ui.value(head, "identified"), referred)))
st.caption(" ".join([page.definition("H1"), page.definition("H1A"), page.definition("H2")]))

breakdowns = frames["call_breakdowns"]
domains = {
    "language": "call_language",
    "category": "call_category",
    "outcome": "call_outcome",
    "caller": "caller_type",
}
columns = st.columns(2)
for index, (name, domain) in enumerate(domains.items()):
    part = breakdowns[breakdowns["breakdown"] == name].sort_values(["calls", "code"], ascending=[False, True])
    part = part.assign(name=page.labels(part, "code", domain))
    with columns[index % 2]:
        page.chart(
            f"calls_{name}",
            tr(f"calls_by_{name}"),
            charts.bars(part["name"], part["calls"], tr("helpline_calls"), page.lang) if len(part) else None,
            part[["code", "name", "calls"]],
            page.definition("H1"),
            {"code": tr("col_code"), "name": tr(f"col_{domain}"), "calls": tr("helpline_calls")},
        )

by_year = frames["calls_by_year"]
years = pd.DataFrame({"year": range(f.first_year, f.last_year + 1)})
by_year = years.merge(by_year.assign(year=by_year["year"].astype(int)), on="year", how="left").fillna(0)
by_year = by_year.astype({"calls": int, "referred": int, "identified": int})
by_year["share"] = [
    tr.number(100 * i / r, 1) if r else "–"
    for i, r in zip(by_year["identified"], by_year["referred"], strict=True)
]
page.chart(
    "conversion",
    tr("calls_conversion_by_year"),
    charts.grouped(
        by_year.assign(year=by_year["year"].astype(str)),
        "year",
        [
            ("calls", tr("helpline_calls")),
            ("referred", tr("calls_referred")),
            ("identified", tr("calls_led_to_identification")),
        ],
        page.lang,
    )
    if n_calls
    else None,
    by_year if n_calls else None,
    page.definition("H2"),
    {
        "year": tr("granularity_year"),
        "calls": tr("helpline_calls"),
        "referred": tr("calls_referred"),
        "identified": tr("calls_led_to_identification"),
        "share": tr("col_conversion_percent"),
    },
)

# --- trainings ----------------------------------------------------------------------------------------------

train = frames["trainings"]
st.subheader(tr("trainings_title", period=tr.period(f.first_year, f.last_year)))
row = st.columns(4)
row[0].metric(tr("training_sessions"), tr.integer(ui.value(train, "sessions") or 0))
row[1].metric(tr("people_trained"), tr.integer(ui.value(train, "participants") or 0))
row[2].metric(tr("women_trained"), tr.integer(ui.value(train, "female") or 0))
row[3].metric(tr("men_trained"), tr.integer(ui.value(train, "male") or 0))
st.caption(" ".join([page.definition("T1"), page.definition("T2")]))
by_agency = frames["trained_by_agency"]
by_agency = by_agency.assign(name=page.labels(by_agency, "agency", "agency"))
page.chart(
    "trained_by_agency",
    tr("trained_by_agency_sex"),
    charts.grouped(
        by_agency,
        "name",
        [("female", tr.label("sex", "female")), ("male", tr.label("sex", "male"))],
        page.lang,
        stacked=True,
        horizontal=True,
    )
    if len(by_agency)
    else None,
    by_agency[["agency", "name", "sessions", "female", "male", "participants"]],
    page.definition("T2", "def_trained_by_agency"),
    {
        "agency": tr("col_code"),
        "name": tr("col_participant_agency"),
        "sessions": tr("training_sessions"),
        "female": tr.label("sex", "female"),
        "male": tr.label("sex", "male"),
        "participants": tr("people_trained"),
    },
)

# --- outside the main urban centres -------------------------------------------------------------------------

outside = frames["outside"]
outside = outside.assign(
    name=outside["activity"].map(lambda a: tr(f"activity_{a}")),
    share=[
        tr.number(100 * o / (i + o), 1) if (i + o) else "–"
        for i, o in zip(outside["inside"], outside["outside"], strict=True)
    ],
)
centre_names = ", ".join(page.options.province_name(p) for p in centres)
has_activity = bool((outside["inside"] + outside["outside"]).sum())
page.chart(
    "outside_centres",
    tr("outside_centres_title"),
    charts.grouped(
        outside,
        "name",
        [("inside", tr("in_main_centres")), ("outside", tr("outside_main_centres"))],
        page.lang,
        stacked=True,
        horizontal=True,
    )
    if has_activity
    else None,
    outside[["name", "inside", "outside", "share"]] if has_activity else None,
    tr("def_outside_centres", centres=centre_names),
    {
        "name": tr("col_activity"),
        "inside": tr("in_main_centres"),
        "outside": tr("outside_main_centres"),
        "share": tr("col_outside_percent"),
    },
)
shelters = frames["shelters_outside"]
if shelters is not None and len(shelters):
    shelters = shelters.sort_values("year")
    st.caption(
        tr(
            "shelters_outside_note",
            indicator=page.indicator_name("N2"),
            values="; ".join(
                f"{y}: {tr.percent(v / 100, 1)}"
                for y, v in zip(shelters["year"], shelters["value"], strict=True)
                if pd.notna(v)
            ),
        )
    )

# --- labour inspections and international cooperation -------------------------------------------------------

left, right = st.columns(2)
with left:
    sectors = frames["inspections"]
    sectors = sectors.assign(name=page.labels(sectors, "code", "sector"))
    page.chart(
        "inspections",
        tr("inspections_by_sector"),
        charts.grouped(
            sectors,
            "name",
            [("inspections", tr("col_inspections")), ("with_indicators", tr("col_with_indicators"))],
            page.lang,
            horizontal=True,
        )
        if len(sectors)
        else None,
        sectors[["code", "name", "inspections", "with_indicators", "referred", "workers"]],
        tr("def_inspections"),
        {
            "code": tr("col_code"),
            "name": tr("col_sector"),
            "inspections": tr("col_inspections"),
            "with_indicators": tr("col_with_indicators"),
            "referred": tr("col_referred_to_police"),
            "workers": tr("col_workers_checked"),
        },
    )
with right:
    kinds = frames["action_types"]
    kinds = kinds.assign(name=page.labels(kinds, "code", "action_type"))
    page.chart(
        "cooperation_types",
        tr("cooperation_by_type"),
        charts.bars(kinds["name"], kinds["actions"], tr("col_actions"), page.lang) if len(kinds) else None,
        kinds[["code", "name", "actions"]],
        tr("def_cooperation"),
        {"code": tr("col_code"), "name": tr("col_action_type"), "actions": tr("col_actions")},
    )
partners = frames["partners"].head(TOP_PARTNERS)
partners = partners.assign(name=page.labels(partners, "code", "country"))
page.chart(
    "cooperation_partners",
    tr("cooperation_by_partner", n=TOP_PARTNERS),
    charts.bars(partners["name"], partners["actions"], tr("col_actions"), page.lang)
    if len(partners)
    else None,
    partners[["code", "name", "actions"]],
    tr("def_cooperation"),
    {"code": tr("col_code"), "name": tr("col_country"), "actions": tr("col_actions")},
)
