"""Victim pathway: how far the persons identified in the period went (referral, shelter or health care,
return, reintegration support), the share reaching each step, the median days between the steps, and where
they stopped."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data, ui
from dashboards.filters import Dims, where

DIMS = Dims(year="identification_year", person="person_key")
STAGES = ("identified", "referred", "assisted", "returned")
STEPS = (
    ("referral", "days_identification_to_first_referral"),
    ("shelter", "days_identification_to_first_shelter"),
    ("health", "days_identification_to_first_health_service"),
    ("assistance", "days_identification_to_first_assistance"),
    ("return", "days_identification_to_return"),
    ("referral_to_assistance", "days_first_referral_to_first_assistance"),
)

page = ui.start("pathway")
f, tr = page.filters, page.tr
c = where(f, DIMS)
PERSONS = f"person_identification_status = 'identified' and {c.sql}"

medians = ",\n".join(
    f"percentile_cont(0.5) within group (order by case when {column} >= 0 then {column} end) as "
    f"median_{name}, "
    f"count(case when {column} >= 0 then 1 end) as persons_{name}"
    for name, column in STEPS
)
frames = data.fetch(
    {
        "reach": (
            f"""
            select count(*) as identified,
                cast(coalesce(sum(case when first_referred_on is not null then 1 else 0 end), 0) as bigint)
                    as referred,
                cast(coalesce(sum(case when first_sheltered_on is not null then 1 else 0 end), 0) as bigint)
                    as sheltered,
                cast(coalesce(sum(case when first_health_service_on is not null then 1 else 0 end), 0) as
                    bigint)
                    as health,
                cast(coalesce(sum(case when first_assistance_on is not null then 1 else 0 end), 0) as bigint)
                    as assisted,
                cast(coalesce(sum(case when returned_on is not null then 1 else 0 end), 0) as bigint) as
                    returned,
                cast(coalesce(sum(case when has_reintegration_assistance then 1 else 0 end), 0) as bigint)
                    as reintegration
            from marts.fct_victim_pathway
            where {PERSONS}
            """,
            c.params,
        ),
        "stages": (
            f"""
            select pathway_stage as stage,
                cast(coalesce(sum(case when has_reintegration_assistance then 1 else 0 end), 0) as bigint)
                    as with_reintegration,
                count(*) as persons
            from marts.fct_victim_pathway
            where {PERSONS}
            group by pathway_stage
            """,
            c.params,
        ),
        "medians": (f"select {medians} from marts.fct_victim_pathway where {PERSONS}", c.params),
        "by_agency": (
            f"""
            select identifying_agency as agency, pathway_stage as stage, count(*) as persons
            from marts.fct_victim_pathway
            where {PERSONS}
            group by identifying_agency, pathway_stage
            """,
            c.params,
        ),
    }
)

reach = frames["reach"]
identified = int(ui.value(reach, "identified") or 0)
step_values = {
    name: int(ui.value(reach, name) or 0)
    for name in ("identified", "referred", "sheltered", "health", "assisted", "returned", "reintegration")
}
median = frames["medians"]

st.subheader(tr("pathway_cohort", period=tr.period(f.first_year, f.last_year)))
page.scope(DIMS)
row = st.columns(5)
row[0].metric(tr("persons_identified"), tr.integer(identified))
row[1].metric(tr("share_referred"), tr.percent(ui.ratio(step_values["referred"], identified)))
row[2].metric(tr("share_assisted"), tr.percent(ui.ratio(step_values["assisted"], identified)))
row[3].metric(tr("share_returned"), tr.percent(ui.ratio(step_values["returned"], identified)))
row[4].metric(tr("median_days_to_assistance"), tr.number(ui.value(median, "median_assistance"), 1))
st.caption(tr("def_pathway_cohort"))

# --- share reaching each step -------------------------------------------------------------------------------

funnel = pd.DataFrame(
    {
        "step": list(step_values),
        "persons": list(step_values.values()),
    }
)
funnel["name"] = funnel["step"].map(lambda s: tr(f"step_{s}"))
funnel["share"] = [tr.percent(ui.ratio(n, identified)) for n in funnel["persons"]]
page.chart(
    "funnel",
    tr("pathway_funnel"),
    charts.funnel(funnel["name"], funnel["persons"], page.lang) if identified else None,
    funnel[["name", "persons", "share"]] if identified else None,
    tr("def_pathway_funnel"),
    {"name": tr("col_step"), "persons": tr("col_persons"), "share": tr("col_share_of_identified")},
)

# --- where they stopped (furthest step reached) -------------------------------------------------------------

stages = frames["stages"]
count_at = {str(s): int(n) for s, n in zip(stages["stage"], stages["persons"], strict=True)}
reintegrated = (
    int(stages.loc[stages["stage"] == "returned", "with_reintegration"].sum()) if len(stages) else 0
)
at_least = {stage: sum(count_at.get(s, 0) for s in STAGES[i:]) for i, stage in enumerate(STAGES)}
nodes = [tr(f"stage_{s}") for s in STAGES] + [
    tr("stopped_identified"),
    tr("stopped_referred"),
    tr("stopped_assisted"),
    tr("with_reintegration"),
    tr("without_reintegration"),
]
links = [
    (0, 1, at_least["referred"]),
    (0, 4, count_at.get("identified", 0)),
    (1, 2, at_least["assisted"]),
    (1, 5, count_at.get("referred", 0)),
    (2, 3, at_least["returned"]),
    (2, 6, count_at.get("assisted", 0)),
    (3, 7, reintegrated),
    (3, 8, at_least["returned"] - reintegrated),
]
links = [link for link in links if link[2] > 0]
flows = pd.DataFrame([(nodes[s], nodes[t], v) for s, t, v in links], columns=["from", "to", "persons"])
colors = [
    charts.PALETTE[0],
    charts.PALETTE[5],
    charts.PALETTE[2],
    charts.PALETTE[1],
    charts.MUTED,
    charts.MUTED,
    charts.MUTED,
    charts.PALETTE[2],
    charts.MUTED,
]
page.chart(
    "flow",
    tr("pathway_flow"),
    charts.sankey(
        nodes, [s for s, _, _ in links], [t for _, t, _ in links], [v for _, _, v in links], page.lang, colors
    )
    if links
    else None,
    flows,
    tr("def_pathway_flow"),
    {"from": tr("col_from"), "to": tr("col_to"), "persons": tr("col_persons")},
)

# --- median days between the steps --------------------------------------------------------------------------

days = pd.DataFrame(
    [
        {
            "step": tr(f"days_{name}"),
            "median": ui.value(median, f"median_{name}"),
            "persons": int(ui.value(median, f"persons_{name}") or 0),
        }
        for name, _ in STEPS
    ]
)
with_days = days[days["persons"] > 0]
page.chart(
    "median_days",
    tr("pathway_days"),
    charts.bars(with_days["step"], with_days["median"], tr("col_median_days"), page.lang)
    if len(with_days)
    else None,
    with_days.assign(median=with_days["median"].map(lambda v: tr.number(v, 1))),
    page.definition("S5A", "def_pathway_days"),
    {"step": tr("col_step"), "median": tr("col_median_days"), "persons": tr("col_persons")},
)

# --- who stops where: furthest step by identifying agency ---------------------------------------------------

by_agency = frames["by_agency"]
figure, table = None, by_agency
if len(by_agency):
    wide = by_agency.pivot_table(
        index="agency", columns="stage", values="persons", aggfunc="sum", fill_value=0
    )
    wide = wide.reindex(
        columns=[s for s in STAGES if s in wide.columns] + [s for s in wide.columns if s not in STAGES],
        fill_value=0,
    ).reset_index()
    wide["agency_name"] = page.labels(wide, "agency", "agency")
    series = [(s, tr(f"stage_{s}")) for s in wide.columns if s not in ("agency", "agency_name")]
    figure = charts.grouped(wide, "agency_name", series, page.lang, stacked=True, horizontal=True)
    table = wide[["agency", "agency_name", *[s for s, _ in series]]]
    columns = {"agency": tr("col_code"), "agency_name": tr("col_agency"), **dict(series)}
else:
    columns = {}
page.chart("by_agency", tr("pathway_by_agency"), figure, table, tr("def_pathway_by_agency"), columns)
