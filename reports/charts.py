"""Charts of released tables for the PDF, drawn with matplotlib (Agg, no pyplot, no network, no state).

A chart only ever shows released values: a suppressed cell is drawn as no bar with the marker written
where the bar would be, so a chart cannot show more than its table. PNG output without a timestamp.
"""

from __future__ import annotations

import io
import math

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from reports.disclosure import SUPPRESSED
from reports.document import Cell, Chart, Kind, ReportTable

COLOUR = "#2b6c9e"
MARKER_COLOUR = "#9a3b3b"
DPI = 150


def chart_png(table: ReportTable, *, width_in: float = 10.0) -> bytes | None:
    """The table's chart as PNG bytes, or ``None`` when it has none or nothing to draw."""
    if table.chart is Chart.BARS:
        return _bars(table, width_in)
    if table.chart is Chart.TREND:
        return _trend(table, width_in)
    return None


def _bars(table: ReportTable, width_in: float) -> bytes | None:
    """Bars of the first count column of a breakdown, one per category.

    The finest rows (every code set) when at least two of them are published non-zero counts, else the
    rows with one code left at its total (the margins of a two-way table); else no chart.
    """
    position = next((i for i, c in enumerate(table.columns) if c.kind is Kind.COUNT), None)
    if position is None:
        return None
    label_positions = [
        i for i, c in enumerate(table.columns) if c.kind is Kind.TEXT and not c.key.endswith("_code")
    ]
    code_positions = [i for i, c in enumerate(table.columns) if c.key.endswith("_code")]
    rows = []
    for missing in range(len(code_positions)):
        group = [row for row in table.rows if sum(row[i] in ("", None) for i in code_positions) == missing]
        if sum(isinstance(row[position], int | float) and row[position] > 0 for row in group) >= 2:
            rows = group
            break
    if not rows:
        return None
    labels = [" / ".join(str(row[i]) for i in label_positions) for row in rows]
    values = [row[position] for row in rows]
    height = max(2.2, 0.32 * len(rows) + 1.0)
    figure = Figure(figsize=(width_in, height), dpi=DPI)
    axes = figure.add_subplot()
    y = list(range(len(rows)))[::-1]
    numbers = [v if isinstance(v, int | float) else 0 for v in values]
    axes.barh(y, numbers, color=COLOUR)
    top = max([*numbers, 1])
    for yi, value in zip(y, values, strict=True):
        if value == SUPPRESSED:
            axes.text(top * 0.01, yi, SUPPRESSED, va="center", color=MARKER_COLOUR, fontweight="bold")
        elif isinstance(value, int | float):
            axes.text(value + top * 0.01, yi, f"{value:,}", va="center", fontsize=8)
    axes.set_yticks(y, labels, fontsize=8)
    axes.set_xlim(0, top * 1.12)
    axes.set_title(f"{table.columns[position].header}: {table.title}", fontsize=10, loc="left")
    axes.spines[["top", "right"]].set_visible(False)
    axes.tick_params(axis="x", labelsize=8)
    figure.text(0.01, 0.01, f"{SUPPRESSED} = confidential (not shown)", fontsize=7, color=MARKER_COLOUR)
    figure.tight_layout(rect=(0, 0.03, 1, 1))
    return _png(figure)


def _trend(table: ReportTable, width_in: float) -> bytes | None:
    """Small multiples: a panel per row (an indicator), a bar per period column; counts only."""
    periods = [i for i, c in enumerate(table.columns) if c.kind is not Kind.TEXT]
    if not periods:
        return None
    rows = [
        (r, row)
        for r, row in enumerate(table.rows)
        if table.kind(r, periods[0]) is Kind.COUNT and any(isinstance(row[i], int | float) for i in periods)
    ]
    if not rows:
        return None
    columns = 3
    lines = math.ceil(len(rows) / columns)
    figure = Figure(figsize=(width_in, 1.9 * lines + 0.4), dpi=DPI)
    labels = [table.columns[i].header for i in periods]
    step = max(1, len(labels) // 8)
    for n, (_, row) in enumerate(rows):
        axes = figure.add_subplot(lines, columns, n + 1)
        values: list[Cell] = [row[i] for i in periods]
        numbers = [v if isinstance(v, int | float) else 0 for v in values]
        x = list(range(len(values)))
        axes.bar(x, numbers, color=COLOUR)
        top = max([*numbers, 1])
        for xi, value in zip(x, values, strict=True):
            if value == SUPPRESSED:
                axes.text(
                    xi,
                    top * 0.02,
                    SUPPRESSED,
                    ha="center",
                    color=MARKER_COLOUR,
                    fontsize=7,
                    fontweight="bold",
                )
        axes.set_ylim(0, top * 1.15)
        axes.set_xticks(x[::step], labels[::step], fontsize=6)
        axes.tick_params(axis="y", labelsize=6)
        axes.set_title(f"{row[0]} {row[1]}"[:48], fontsize=7, loc="left")
        axes.spines[["top", "right"]].set_visible(False)
    figure.suptitle(f"{table.title} ({SUPPRESSED} = confidential, not shown)", fontsize=9, x=0.01, ha="left")
    figure.tight_layout(rect=(0, 0, 1, 0.97))
    return _png(figure)


def _png(figure: Figure) -> bytes:
    FigureCanvasAgg(figure)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
