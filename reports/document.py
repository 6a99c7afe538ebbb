"""What a donor report is, independently of its file format: titled tables of typed cells, plus metadata.

``reports.content`` fills a ``Report`` from the warehouse after disclosure control; the writers
(``xlsx_writer``, ``csv_writer``, ``pdf_writer``) only lay it out. Cells are plain Python values:
``int``/``float`` numbers, ``str`` text or the suppression marker, ``None`` for "not applicable".
Nothing in a ``Report`` is a formula and no writer ever makes one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

Cell = int | float | str | None


class Kind(StrEnum):
    """How a column's numbers are shown (number formats, decimals, alignment)."""

    TEXT = "text"
    COUNT = "count"
    """A released count: a whole number or the marker; disclosure-controlled."""
    PERCENT = "percent"
    """A share or percentage, one decimal, or the marker."""
    RATE = "rate"
    """A rate per 100,000 population, two decimals, or the marker."""
    DECIMAL = "decimal"
    """Any other released number (an average, a baseline or target of mixed units), one or two decimals."""
    INTEGER = "integer"
    """A whole number that is not a count of people (a year, rows loaded)."""


NUMERIC_KINDS = frozenset({Kind.COUNT, Kind.PERCENT, Kind.RATE, Kind.DECIMAL, Kind.INTEGER})


@dataclass(frozen=True)
class Column:
    key: str
    """Machine name (CSV header)."""
    header: str
    """Printed header (XLSX and PDF)."""
    kind: Kind = Kind.TEXT


class Chart(StrEnum):
    """The chart the PDF draws from a table (XLSX and CSV carry the numbers only)."""

    NONE = "none"
    BARS = "bars"
    """Horizontal bars: one per row (grand total left out), for the first count column."""
    TREND = "trend"
    """Small multiples: one panel per row (an indicator), one bar per period column."""


@dataclass(frozen=True)
class ReportTable:
    name: str
    """Short machine name: sheet name, CSV file name."""
    title: str
    columns: tuple[Column, ...]
    rows: tuple[tuple[Cell, ...], ...]
    notes: tuple[str, ...] = ()
    """Printed under the table: the legend of released tables, explanations."""
    statistical: bool = True
    """A table of released figures (the legend applies), as opposed to documentation."""
    chart: Chart = Chart.NONE
    row_kinds: tuple[Kind, ...] | None = None
    """Per-row kind of the ``DECIMAL`` columns, for tables whose rows mix counts, shares and rates
    (the logframe, the yearly trend); other columns keep their own kind."""

    def __post_init__(self) -> None:
        for row in self.rows:
            if len(row) != len(self.columns):
                raise ValueError(
                    f"table {self.name!r}: a row has {len(row)} cells for {len(self.columns)} columns"
                )
        if self.row_kinds is not None and len(self.row_kinds) != len(self.rows):
            raise ValueError(f"table {self.name!r}: one row kind per row")
        keys = [column.key for column in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"table {self.name!r}: column keys must be unique")

    def kind(self, row: int, column: int) -> Kind:
        """The kind a cell is shown as."""
        kind = self.columns[column].kind
        if kind is Kind.DECIMAL and self.row_kinds is not None:
            return self.row_kinds[row]
        return kind

    def column(self, key: str) -> tuple[Cell, ...]:
        position = [column.key for column in self.columns].index(key)
        return tuple(row[position] for row in self.rows)


@dataclass(frozen=True)
class Report:
    title: str
    subtitle: str
    period: int
    threshold: int
    legend_en: str
    legend_tr: str
    tables: tuple[ReportTable, ...]
    generated_at: str
    """The one timestamp of a report; it appears only in the data-vintage table."""
    file_stem: str
    """Base of the output file names, e.g. ``donor-report-2009``."""
    summary: dict[str, str] = field(default_factory=dict)
    """Short facts for the title page (build, threshold, audit)."""

    def table(self, name: str) -> ReportTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"no table {name!r}")
