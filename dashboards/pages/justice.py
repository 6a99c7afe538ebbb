"""Justice: suspects, persons prosecuted, decided and convicted; the first-instance conviction rate; time from
indictment to decision; sentences; by court province and by offence (article of the Penal Code)."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data, i18n, ui
from dashboards.filters import Dims, where

SUSPECTS = Dims(year="detention_year", province="province_plate_code")
PROSECUTIONS = Dims(year="filing_year", province="court_province_plate_code")
DECISIONS = Dims(year="decision_year", province="court_province_plate_code")
CASES = Dims(year="filing_year", province="court_province_plate_code")
VERDICTS = "('convicted', 'acquitted', 'dismissed')"  # seed case_outcomes: counts in the conviction rate
TOP_PROVINCES = 15
# suspects and defendants counted on the cells of their facts (macros/key_cells.sql): exact, and small
# enough for PostgreSQL to count in milliseconds
distinct_keys = data.distinct_keys
DEFENDANTS = distinct_keys("defendant_key")

page = ui.start("justice")
f, tr = page.filters, page.tr
s, p, d, k = (
    where(f, SUSPECTS, prefix="s"),
    where(f, PROSECUTIONS, prefix="p"),
    where(f, DECISIONS, prefix="d"),
    where(f, CASES, prefix="k"),
)
FIRST_INSTANCE = f"instance_level = 1 and outcome in {VERDICTS} and {d.sql}"

frames = data.fetch(
    {
        "suspects": (
            f"""
            select {distinct_keys("suspect_key")} as suspects,
                {distinct_keys("suspect_key", "is_prosecuted")} as prosecuted,
                {distinct_keys("suspect_key", "is_convicted")} as convicted
            from marts.fct_suspect_cells where {s.sql}
            """,
            s.params,
        ),
        "defendants": (
            f"""
            select {DEFENDANTS} as prosecuted,
                {distinct_keys("defendant_key", "is_decided")} as decided,
                {distinct_keys("defendant_key", "is_convicted")} as convicted
            from marts.fct_defendant_cells where {p.sql}
            """,
            p.params,
        ),
        "rate_by_year": (
            f"""
            select decision_year as year, count(*) as verdicts,
                cast(coalesce(sum(case when outcome = 'convicted' then 1 else 0 end), 0) as bigint) as
                    convictions
            from marts.fct_court_decisions where {FIRST_INSTANCE}
            group by decision_year
            """,
            d.params,
        ),
        "days": (
            f"""
            select filing_year as year, count(*) as cases,
                count(days_to_first_decision) as decided,
                percentile_cont(0.5) within group (order by days_to_first_decision) as median_days
            from marts.fct_case_flow where {k.sql}
            group by filing_year
            """,
            k.params,
        ),
        "days_total": (
            f"""
            select count(days_to_first_decision) as decided,
                percentile_cont(0.5) within group (order by days_to_first_decision) as median_days
            from marts.fct_case_flow where {k.sql}
            """,
            k.params,
        ),
        "sentences": (
            f"""
            select sentence_band as code, count(*) as convictions
            from marts.fct_court_decisions
            where instance_level = 1 and outcome = 'convicted' and {d.sql}
            group by sentence_band
            """,
            d.params,
        ),
        "provinces": (
            f"""
            select court_province_plate_code as code, {DEFENDANTS} as prosecuted,
                {distinct_keys("defendant_key", "is_convicted")} as convicted
            from marts.fct_defendant_cells where {p.sql}
            group by court_province_plate_code
            order by prosecuted desc, code
            """,
            p.params,
        ),
        "offences": (
            f"""
            select offence as code, max(article_source_code) as article, {DEFENDANTS} as prosecuted,
                {distinct_keys("defendant_key", "is_decided")} as decided,
                {distinct_keys("defendant_key", "is_convicted")} as convicted
            from marts.fct_defendant_cells where {p.sql}
            group by offence
            """,
            p.params,
        ),
    }
)

sus, dfd, total_days = frames["suspects"], frames["defendants"], frames["days_total"]
rates = frames["rate_by_year"]
verdicts, convictions = int(rates["verdicts"].sum()), int(rates["convictions"].sum())
prosecuted = int(ui.value(dfd, "prosecuted") or 0)

st.subheader(tr("headline_numbers", period=tr.period(f.first_year, f.last_year)))
page.scope(SUSPECTS, PROSECUTIONS)
row = st.columns(6)
row[0].metric(tr("suspects_detained"), tr.integer(ui.value(sus, "suspects") or 0))
row[1].metric(tr("persons_prosecuted"), tr.integer(prosecuted))
row[2].metric(tr("persons_decided"), tr.integer(ui.value(dfd, "decided") or 0))
row[3].metric(tr("persons_convicted"), tr.integer(ui.value(dfd, "convicted") or 0))
row[4].metric(tr("conviction_rate"), tr.percent(ui.ratio(convictions, verdicts)))
row[5].metric(tr("median_days_to_decision"), tr.number(ui.value(total_days, "median_days"), 0))
st.caption(tr("def_justice_headline"))

# --- the chain ----------------------------------------------------------------------------------------------

chain = pd.DataFrame(
    {
        "step": ["suspects", "prosecuted", "decided", "convicted"],
        "persons": [
            int(ui.value(sus, "suspects") or 0),
            prosecuted,
            int(ui.value(dfd, "decided") or 0),
            int(ui.value(dfd, "convicted") or 0),
        ],
    }
)
chain["name"] = chain["step"].map(lambda step: tr(f"justice_{step}"))
page.chart(
    "chain",
    tr("justice_chain"),
    charts.funnel(chain["name"], chain["persons"], page.lang) if chain["persons"].sum() else None,
    chain[["name", "persons"]] if chain["persons"].sum() else None,
    tr("def_justice_chain"),
    {"name": tr("col_step"), "persons": tr("col_persons")},
)

# --- conviction rate by year, time to decision --------------------------------------------------------------

left, right = st.columns(2)
with left:
    by_year = ui.share_by_year(rates, f.first_year, f.last_year, "convictions", "verdicts", "rate")
    table = by_year.assign(rate=by_year["rate"].map(lambda r: tr.number(r, 1)))
    page.chart(
        "conviction_rate",
        tr("conviction_rate_by_year"),
        charts.bars(
            by_year["year"].astype(str),
            by_year["rate"].fillna(0),
            tr("conviction_rate"),
            page.lang,
            horizontal=False,
            percent=True,
        )
        if verdicts
        else None,
        table if verdicts else None,
        page.definition("P5"),
        {
            "year": tr("granularity_year"),
            "verdicts": tr("col_verdicts"),
            "convictions": tr("col_convictions"),
            "rate": tr("col_rate_percent"),
        },
    )
with right:
    days = frames["days"]
    days = days[days["decided"] > 0]
    page.chart(
        "days_to_decision",
        tr("days_to_decision_by_year"),
        charts.bars(
            days["year"].astype(int).astype(str),
            days["median_days"],
            tr("col_median_days"),
            page.lang,
            horizontal=False,
        )
        if len(days)
        else None,
        days.assign(median_days=days["median_days"].map(lambda v: tr.number(v, 0))),
        tr("def_days_to_decision"),
        {
            "year": tr("col_filing_year"),
            "cases": tr("col_cases"),
            "decided": tr("col_cases_decided"),
            "median_days": tr("col_median_days"),
        },
    )

# --- sentences ----------------------------------------------------------------------------------------------

sentences = ui.ordered(frames["sentences"].fillna({"code": "none"}), "code", i18n.codes("sentence_band"))
sentences = sentences.assign(name=page.labels(sentences, "code", "sentence_band"))
page.chart(
    "sentences",
    tr("sentence_distribution"),
    charts.bars(sentences["name"], sentences["convictions"], tr("col_convictions"), page.lang)
    if len(sentences)
    else None,
    sentences[["code", "name", "convictions"]],
    tr("def_sentences"),
    {"code": tr("col_code"), "name": tr("col_sentence_band"), "convictions": tr("col_convictions")},
)

# --- by court province and by offence -----------------------------------------------------------------------

left, right = st.columns(2)
with left:
    provinces = frames["provinces"].dropna(subset=["code"]).head(TOP_PROVINCES)
    provinces = provinces.assign(name=page.labels(provinces, "code", "province"))
    page.chart(
        "court_provinces",
        tr("by_court_province", n=TOP_PROVINCES),
        charts.grouped(
            provinces,
            "name",
            [("prosecuted", tr("persons_prosecuted")), ("convicted", tr("persons_convicted"))],
            page.lang,
            horizontal=True,
        )
        if len(provinces)
        else None,
        provinces[["code", "name", "prosecuted", "convicted"]],
        page.definition("P3", "def_by_court_province"),
        {
            "code": tr("col_plate_code"),
            "name": tr("col_court_province"),
            "prosecuted": tr("persons_prosecuted"),
            "convicted": tr("persons_convicted"),
        },
    )
with right:
    offences = frames["offences"]
    offences = offences.assign(
        name=[
            f"{tr.label('offence', o)} ({tr('article_short')} {a})"
            for o, a in zip(offences["code"], offences["article"], strict=True)
        ]
    )
    page.chart(
        "offences",
        tr("by_offence"),
        charts.grouped(
            offences,
            "name",
            [
                ("prosecuted", tr("persons_prosecuted")),
                ("decided", tr("persons_decided")),
                ("convicted", tr("persons_convicted")),
            ],
            page.lang,
            horizontal=True,
        )
        if len(offences)
        else None,
        offences[["code", "article", "name", "prosecuted", "decided", "convicted"]],
        page.definition("P3", "def_by_offence"),
        {
            "code": tr("col_code"),
            "article": tr("col_article"),
            "name": tr("col_offence"),
            "prosecuted": tr("persons_prosecuted"),
            "decided": tr("persons_decided"),
            "convicted": tr("persons_convicted"),
        },
    )
