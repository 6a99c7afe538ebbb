"""Interagency coordination: referrals between agencies as a matrix and as a flow, time to acceptance, and
which agencies refer and which receive."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboards import charts, data, ui
from dashboards.filters import Dims, where

DIMS = Dims(year="referral_year", person="person_key")

page = ui.start("coordination")
f, tr = page.filters, page.tr
c = where(f, DIMS)
MEDIAN_DAYS = (
    "percentile_cont(0.5) within group (order by case when days_to_acceptance >= 0 then "
    "days_to_acceptance end)"
)

frames = data.fetch(
    {
        "headline": (
            f"""
            select count(*) as referrals,
                cast(coalesce(sum(case when is_accepted then 1 else 0 end), 0) as bigint) as accepted,
                {MEDIAN_DAYS} as median_days, count(distinct person_key) as persons
            from marts.fct_referrals where {c.sql}
            """,
            c.params,
        ),
        "pairs": (
            f"""
            select from_agency, to_agency, count(*) as referrals,
                cast(coalesce(sum(case when is_accepted then 1 else 0 end), 0) as bigint) as accepted,
                {MEDIAN_DAYS} as median_days
            from marts.fct_referrals where {c.sql}
            group by from_agency, to_agency
            """,
            c.params,
        ),
        "receivers": (
            f"""
            select to_agency as agency, count(*) as referrals,
                cast(coalesce(sum(case when is_accepted then 1 else 0 end), 0) as bigint) as accepted,
                {MEDIAN_DAYS} as median_days
            from marts.fct_referrals where {c.sql}
            group by to_agency
            """,
            c.params,
        ),
        "services": (
            f"""
            select service_requested as code, count(*) as referrals
            from marts.fct_referrals where {c.sql}
            group by service_requested order by referrals desc, code
            """,
            c.params,
        ),
    }
)

head = frames["headline"]
referrals = int(ui.value(head, "referrals") or 0)
st.subheader(tr("headline_numbers", period=tr.period(f.first_year, f.last_year)))
page.scope(DIMS)
row = st.columns(5)
row[0].metric(tr("referrals"), tr.integer(referrals))
row[1].metric(tr("persons_referred"), tr.integer(ui.value(head, "persons") or 0))
row[2].metric(tr("share_accepted"), tr.percent(ui.ratio(ui.value(head, "accepted"), referrals)))
row[3].metric(tr("median_days_to_acceptance"), tr.number(ui.value(head, "median_days"), 1))
row[4].metric(
    tr("agencies_referring_receiving"),
    # from the pairs (a pair is there when it has a referral): no extra pass over the referrals
    " / ".join(tr.integer(frames["pairs"][side].nunique()) for side in ("from_agency", "to_agency")),
)
st.caption(page.definition("S5", "def_referrals"))

pairs = frames["pairs"]
pairs = pairs.assign(
    from_name=page.labels(pairs, "from_agency", "agency"), to_name=page.labels(pairs, "to_agency", "agency")
)
columns = {
    "from_agency": tr("col_from_code"),
    "from_name": tr("col_from"),
    "to_agency": tr("col_to_code"),
    "to_name": tr("col_to"),
    "referrals": tr("referrals"),
    "accepted": tr("col_accepted"),
    "median_days": tr("col_median_days"),
}
pair_table = pairs.sort_values(["referrals", "from_agency", "to_agency"], ascending=[False, True, True])[
    ["from_agency", "from_name", "to_agency", "to_name", "referrals", "accepted", "median_days"]
]
pair_table = pair_table.assign(median_days=pair_table["median_days"].map(lambda v: tr.number(v, 1)))

# --- the matrix ---------------------------------------------------------------------------------------------

matrix = None
if len(pairs):
    matrix = pairs.pivot_table(
        index="from_name", columns="to_name", values="referrals", aggfunc="sum", fill_value=0
    )
    matrix = matrix.loc[
        matrix.sum(axis=1).sort_values(ascending=False).index,
        matrix.sum(axis=0).sort_values(ascending=False).index,
    ]
page.chart(
    "matrix",
    tr("referral_matrix"),
    charts.heatmap(matrix, page.lang, tr("referrals")) if matrix is not None else None,
    pair_table,
    tr("def_referral_matrix"),
    columns,
)

# --- the flow -----------------------------------------------------------------------------------------------

figure = None
if len(pairs):
    senders = list(pairs.groupby("from_name")["referrals"].sum().sort_values(ascending=False).index)
    receivers = list(pairs.groupby("to_name")["referrals"].sum().sort_values(ascending=False).index)
    labels = [*senders, *receivers]
    figure = charts.sankey(
        labels,
        [senders.index(name) for name in pairs["from_name"]],
        [len(senders) + receivers.index(name) for name in pairs["to_name"]],
        list(pairs["referrals"]),
        page.lang,
    )
page.chart("flow", tr("referral_flow"), figure, pair_table, tr("def_referral_flow"), columns)

# --- time to acceptance, and who refers and who receives ---------------------------------------------------

left, right = st.columns(2)
with left:
    receivers_frame = frames["receivers"].sort_values(["referrals", "agency"], ascending=[False, True])
    receivers_frame = receivers_frame.assign(name=page.labels(receivers_frame, "agency", "agency"))
    timed = receivers_frame.dropna(subset=["median_days"])
    page.chart(
        "acceptance",
        tr("acceptance_by_receiver"),
        charts.bars(timed["name"], timed["median_days"], tr("col_median_days"), page.lang)
        if len(timed)
        else None,
        receivers_frame.assign(
            share=[
                tr.number(100 * a / r, 1) if r else "–"
                for a, r in zip(receivers_frame["accepted"], receivers_frame["referrals"], strict=True)
            ],
            median_days=receivers_frame["median_days"].map(lambda v: tr.number(v, 1)),
        )[["agency", "name", "referrals", "accepted", "share", "median_days"]],
        tr("def_acceptance"),
        {
            "agency": tr("col_code"),
            "name": tr("col_receiving_agency"),
            "referrals": tr("referrals"),
            "accepted": tr("col_accepted"),
            "share": tr("col_accepted_percent"),
            "median_days": tr("col_median_days"),
        },
    )
with right:
    sent = pairs.groupby("from_agency")["referrals"].sum().rename("sent")
    received = pairs.groupby("to_agency")["referrals"].sum().rename("received")
    both = pd.concat([sent, received], axis=1).fillna(0).astype(int).reset_index(names="agency")
    both = both.assign(total=both["sent"] + both["received"]).sort_values(
        ["total", "agency"], ascending=[False, True]
    )
    both = both.assign(name=page.labels(both, "agency", "agency"))
    page.chart(
        "refer_receive",
        tr("agencies_refer_receive"),
        charts.grouped(
            both,
            "name",
            [("sent", tr("col_sent")), ("received", tr("col_received"))],
            page.lang,
            horizontal=True,
        )
        if len(both)
        else None,
        both[["agency", "name", "sent", "received"]],
        tr("def_refer_receive"),
        {
            "agency": tr("col_code"),
            "name": tr("col_agency"),
            "sent": tr("col_sent"),
            "received": tr("col_received"),
        },
    )

services = frames["services"]
services = services.assign(name=page.labels(services, "code", "service"))
page.chart(
    "services",
    tr("referrals_by_service"),
    charts.bars(services["name"], services["referrals"], tr("referrals"), page.lang)
    if len(services)
    else None,
    services[["code", "name", "referrals"]],
    page.definition("S5"),
    {"code": tr("col_code"), "name": tr("col_service_requested"), "referrals": tr("referrals")},
)
