"""Plotly figures shared by the pages: plain, offline (no map tiles, no remote assets)."""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

PALETTE = {"victims_identified": "#1f4e79", "returns": "#c55a11"}


def yearly_trend_figure(trend: pd.DataFrame, labels: dict[str, str]) -> go.Figure:
    figure = go.Figure()
    for column in ("victims_identified", "returns"):
        figure.add_bar(x=trend["year"], y=trend[column], name=labels[column], marker_color=PALETTE[column])
    figure.update_layout(
        barmode="group",
        height=360,
        margin={"l": 10, "r": 10, "t": 30, "b": 10},
        legend={"orientation": "h", "y": 1.12},
        xaxis={"dtick": 1, "title": None},
        yaxis={"title": None},
    )
    return figure
