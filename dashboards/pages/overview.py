"""Overview: headline numbers for the selected years and the yearly trend."""

import streamlit as st

from dashboards.charts import yearly_trend_figure
from dashboards.data import WarehouseNotReady, available_years, headline, yearly_trend

LABELS = {"victims_identified": "Victims identified", "returns": "Assisted returns"}


def percent(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


st.title("National Task Force on Human Trafficking")

try:
    years = available_years()
except WarehouseNotReady:
    st.info(
        "No warehouse has been built yet. Run `taskforce demo`, or `taskforce ingest` and `taskforce build`."
    )
    st.stop()

if not years:
    st.info("The warehouse is built but holds no identifications or returns yet.")
    st.stop()

first, last = st.select_slider("Years", options=years, value=(years[0], years[-1]), key="years")
numbers = headline(first, last)
period = f"{first}" if first == last else f"{first}–{last}"
st.subheader(f"Headline numbers, {period}")

row = st.columns(4)
row[0].metric("Victims identified", f"{numbers['victims_identified']:,}")
row[1].metric("Presumed victims", f"{numbers['presumed_victims']:,}")
row[2].metric("Assisted returns", f"{numbers['returns']:,}")
row[3].metric("Returns with reintegration support", percent(numbers["share_reintegration"]))
row = st.columns(4)
row[0].metric("Women and girls among identified victims", percent(numbers["share_female"]))
row[1].metric("Children among identified victims", percent(numbers["share_children"]))

st.caption(
    "Victims identified: distinct persons (by pseudonymous person key) formally identified as victims in "
    "the period; a person identified twice is counted once. Presumed victims are counted separately. "
    "Assisted returns: return cases assisted by IOM with departure in the period. Only active extracts "
    "count; rows that broke the extract contract are held in quarantine."
)

st.subheader("By year")
trend = yearly_trend(first, last)
st.plotly_chart(yearly_trend_figure(trend, LABELS), width="stretch")
st.dataframe(trend.rename(columns={"year": "Year", **LABELS}), hide_index=True, width="stretch")
st.download_button(
    "Download this table (CSV)",
    trend.to_csv(index=False).encode("utf-8"),
    file_name=f"identifications_returns_{first}_{last}.csv",
    mime="text/csv",
)
