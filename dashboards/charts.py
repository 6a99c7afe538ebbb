"""Plotly figures shared by the pages: plain, offline (no map tiles, no topojson, no remote assets).

Every figure takes already translated labels: no text is made up here except numbers, which follow the
language's separators (``separators``).
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go

PALETTE = ["#1f4e79", "#c55a11", "#548235", "#7f6000", "#7030a0", "#2e75b6", "#bf9000", "#a5a5a5", "#843c0c"]
SERIES = {"victims_identified": "#1f4e79", "returns": "#c55a11"}
MUTED = "#bfbfbf"
# Türkiye's bounding box, for the province map's axes
LON_RANGE = (25.5, 45.0)
LAT_RANGE = (35.7, 42.3)
LABELLED_PROVINCES = 8  # the map names the provinces with the most


def separators(lang: str) -> str:
    """Plotly's decimal and thousands marks: 1,234.5 in English, 1.234,5 in Turkish."""
    return ",." if lang == "tr" else ".,"


def _layout(
    figure: go.Figure, lang: str, height: int = 360, legend: bool = True, **extra: object
) -> go.Figure:
    """The shared layout and the figure's own settings, in one update (each update is validated)."""
    layout: dict[str, object] = {
        "height": height,
        "margin": {"l": 10, "r": 10, "t": 30, "b": 10},
        "showlegend": legend,
        "separators": separators(lang),
        "xaxis": {"title": None},
        "yaxis": {"title": None},
    }
    if legend:
        layout["legend"] = {"orientation": "h", "y": 1.12, "traceorder": "normal"}
    layout.update(extra)
    figure.update_layout(layout)
    return figure


def yearly_trend_figure(trend: pd.DataFrame, labels: dict[str, str], lang: str = "en") -> go.Figure:
    """Victims identified and returns per period (grouped bars)."""
    figure = go.Figure()
    for column in ("victims_identified", "returns"):
        figure.add_bar(x=trend["period"], y=trend[column], name=labels[column], marker_color=SERIES[column])
    return _layout(figure, lang, barmode="group", xaxis={"type": "category", "title": None})


def bars(
    categories: Sequence[str],
    values: Sequence[float],
    name: str,
    lang: str,
    horizontal: bool = True,
    color: str = PALETTE[0],
    percent: bool = False,
) -> go.Figure:
    """One series of bars; horizontal ones read top to bottom in the given order."""
    figure = go.Figure()
    if horizontal:
        figure.add_bar(
            y=list(categories)[::-1], x=list(values)[::-1], orientation="h", name=name, marker_color=color
        )
    else:
        figure.add_bar(x=list(categories), y=list(values), name=name, marker_color=color)
    extra: dict[str, object] = {}
    if percent:
        extra["xaxis" if horizontal else "yaxis"] = {"ticksuffix": "%", "title": None}
    if not horizontal:
        extra["xaxis"] = {"type": "category", "title": None}
    height = max(260, 28 * len(categories) + 80) if horizontal else 360
    return _layout(figure, lang, height=height, legend=False, **extra)


def grouped(
    frame: pd.DataFrame,
    x: str,
    series: Sequence[tuple[str, str]],
    lang: str,
    stacked: bool = False,
    horizontal: bool = False,
) -> go.Figure:
    """Several series over the same categories: ``series`` is (column, translated name)."""
    figure = go.Figure()
    for index, (column, name) in enumerate(series):
        color = PALETTE[index % len(PALETTE)]
        if horizontal:
            figure.add_bar(
                y=frame[x][::-1], x=frame[column][::-1], name=name, orientation="h", marker_color=color
            )
        else:
            figure.add_bar(x=frame[x], y=frame[column], name=name, marker_color=color)
    height = max(300, 30 * len(frame) + 100) if horizontal else 380
    extra: dict[str, object] = {"barmode": "stack" if stacked else "group"}
    if not horizontal:
        extra["xaxis"] = {"type": "category", "title": None}
    return _layout(figure, lang, height=height, **extra)


def lines(frame: pd.DataFrame, x: str, group: str, y: str, lang: str, percent: bool = False) -> go.Figure:
    """One line per value of ``group`` (already translated), over ``x``."""
    figure = go.Figure()
    for index, (name, part) in enumerate(frame.groupby(group, sort=False)):
        figure.add_scatter(
            x=part[x],
            y=part[y],
            name=str(name),
            mode="lines+markers",
            line={"color": PALETTE[index % len(PALETTE)]},
        )
    extra: dict[str, object] = {"xaxis": {"type": "category", "title": None}}
    if percent:
        extra["yaxis"] = {"ticksuffix": "%", "title": None}
    return _layout(figure, lang, **extra)


def funnel(stages: Sequence[str], values: Sequence[float], lang: str) -> go.Figure:
    figure = go.Figure(
        go.Funnel(
            y=list(stages),
            x=list(values),
            textinfo="value+percent initial",
            marker={"color": PALETTE[: len(stages)]},
        )
    )
    return _layout(figure, lang, height=max(300, 60 * len(stages) + 60), legend=False)


def sankey(
    labels: Sequence[str],
    sources: Sequence[int],
    targets: Sequence[int],
    values: Sequence[float],
    lang: str,
    colors: Sequence[str] | None = None,
) -> go.Figure:
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": list(labels),
                "pad": 18,
                "thickness": 16,
                "color": list(colors) if colors else [PALETTE[i % len(PALETTE)] for i in range(len(labels))],
            },
            link={"source": list(sources), "target": list(targets), "value": list(values)},
            textfont={"color": "#1a1a1a", "size": 12, "shadow": "none"},
        )
    )
    return _layout(figure, lang, height=440, legend=False)


def heatmap(matrix: pd.DataFrame, lang: str, colorbar: str) -> go.Figure:
    """Rows and columns are already translated labels; cells are counts (0 where none)."""
    figure = go.Figure(
        go.Heatmap(
            z=matrix.values,
            x=list(matrix.columns),
            y=list(matrix.index),
            colorscale="Blues",
            text=matrix.values,
            texttemplate="%{text}",
            colorbar={"title": {"text": colorbar}},
            hoverongaps=False,
        )
    )
    return _layout(
        figure,
        lang,
        height=max(320, 40 * len(matrix.index) + 120),
        legend=False,
        yaxis={"autorange": "reversed", "title": None},
        xaxis={"side": "top", "title": None},
    )


def province_map(provinces: pd.DataFrame, value_name: str, lang: str) -> go.Figure:
    """Provinces as points at their centre's coordinates on plain longitude/latitude axes, sized by the
    value: a map that needs nothing from the network (no tiles, no topojson). ``provinces`` has
    longitude, latitude, name and value (0 where none); the axes keep the degrees' proportions at
    Türkiye's latitude."""
    frame = provinces.copy()
    frame["value"] = frame["value"].fillna(0)
    top = float(frame["value"].max() or 0)
    empty, shown = frame[frame["value"] <= 0], frame[frame["value"] > 0]
    figure = go.Figure()
    figure.add_scatter(
        x=empty["longitude"],
        y=empty["latitude"],
        mode="markers",
        marker={"size": 6, "color": MUTED},
        text=empty["name"],
        hovertemplate="%{text}<extra></extra>",
        name="",
        showlegend=False,
    )
    sizes = 8 + 40 * (shown["value"] / top) ** 0.5 if top else shown["value"]
    figure.add_scatter(
        x=shown["longitude"],
        y=shown["latitude"],
        mode="markers",
        marker={"size": sizes, "color": PALETTE[0], "opacity": 0.7, "line": {"width": 1, "color": "white"}},
        text=shown["name"],
        customdata=shown["value"],
        hovertemplate="%{text}: %{customdata:,}<extra></extra>",
        name=value_name,
        showlegend=False,
    )
    named = shown.nlargest(LABELLED_PROVINCES, "value")
    figure.add_scatter(
        x=named["longitude"],
        y=named["latitude"],
        mode="text",
        text=named["name"],
        textposition="top center",
        textfont={"size": 11, "color": "#1a1a1a"},
        hoverinfo="skip",
        showlegend=False,
    )
    return _layout(
        figure,
        lang,
        height=460,
        legend=False,
        xaxis={"range": list(LON_RANGE), "showgrid": False, "zeroline": False, "visible": False},
        # 1° of latitude is 1/cos(39°) ≈ 1.29 times as long as 1° of longitude at Türkiye's latitude
        yaxis={
            "range": list(LAT_RANGE),
            "showgrid": False,
            "zeroline": False,
            "visible": False,
            "scaleanchor": "x",
            "scaleratio": 1.29,
        },
        plot_bgcolor="#f4f6f9",
    )
