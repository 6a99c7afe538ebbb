"""Disclosure control of a whole donor report: every released count protected and audited, every rate
checked against the counts it is made of.

**Count tables.** Each released count table of an indicator is one ``TableSet`` (``reports.tables``),
protected with ``reports.disclosure.protect`` and checked with ``verify`` (the LP audit) before anything
is written:

* the trend: quarterly counts with the yearly sums above them (quarter -> year);
* for the report year, one table per mandatory breakdown: sex x age group (with both margins) or sex and
  age group alone, citizenship group, NUTS-1 region (each with its national total), and form of
  exploitation (forms are multi-select, so they have no total and no additive relation);
* the baseline year's national count, when the trend does not cover it (a one-cell table).

Every table of a set is additive by construction: its margins are the sums of the cells it is built
from (the finest figures the reporting schema holds, already rounded there when ``is_rounded``), so the
attacker's linear program sees exactly the relations a reader sees.

**Linked tables.** Tables of one indicator and year share one quantity, the year's national count (the
trend's year cell and each breakdown's total). When that figure is published everywhere, the tables are
independent given it, so auditing them one by one is the same as auditing them together. When it is
hidden anywhere, no other table may give it away: a breakdown whose total is hidden, and every breakdown
of a year whose trend figure is hidden, is withheld as a whole (every cell the marker), and so is the
logframe's figure. Different indicators are not linked by sums. Not modelled (documented limitation):
inequalities between indicators (returns with reintegration support are a subset of returns) and
between multi-select forms and their indicator's total.

**Rates and shares** (``share``): suppressed when the reporting schema withheld them, by the rate rule of
``reports.disclosure.rate`` (base below the threshold, numerator from 1 to the threshold minus one,
the base alone for averages), and when any count they are made of is hidden in a released table
(``SHARE_PARTS``): otherwise rate x base would give the hidden count back.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from reports.disclosure import (
    SUPPRESSED,
    DisclosureError,
    ProtectedSet,
    ZeroRule,
    audit,
    protect,
    rate,
    verify,
)
from reports.tables import TOTAL_LEVEL, CellKey, Hierarchy, TableSpec, build_table_set

COUNT_UNITS = frozenset({"persons", "cases", "calls", "referrals", "sessions"})
"""Units of indicators whose values are counts (everything else is a share, a rate or an average)."""

Filters = tuple[tuple[str, str], ...]
"""Breakdown codes of a figure, sorted by dimension: ``(("age_group", "child"), ("sex", "male"))``."""


@dataclass(frozen=True)
class Ref:
    """What a released count is, independently of the table showing it."""

    indicator: str
    period: str
    filters: Filters = ()


@dataclass(frozen=True)
class Part:
    """A count a share is made of: an indicator and the breakdown codes it adds up over."""

    indicator: str
    filters: Mapping[str, tuple[str, ...]] = field(default_factory=dict)


SHARE_PARTS: dict[str, tuple[tuple[Part, ...], tuple[Part, ...]]] = {
    "V5": ((Part("V1"),), ()),
    "V6": (
        (Part("V1", {"age_group": ("child",)}),),
        (Part("V1", {"age_group": ("child", "adult")}),),
    ),
    "V7": (
        (Part("V1", {"nationality_group": ("other_eu", "non_eu")}),),
        (Part("V1", {"nationality_group": ("national", "other_eu", "non_eu")}),),
    ),
    "V8": ((Part("V1"),), ()),
    "P5": ((Part("P4"),), ()),
    "S6B": ((Part("S6A"),), (Part("S6"),)),
    "N2": ((Part("N1"),), ()),
    "H2": ((), (Part("H1A"),)),
}
"""Numerator and denominator counts of the catalogue's shares and rates, where the report releases them
(the catalogue's numerator and denominator columns in machine form). A share broken down by a category
adds that category to each part. Parts the report does not release are not checked (the rate rule
alone applies): a share whose parts are released but missing here could give a hidden count back, so a
new share indicator needs a line here."""


@dataclass(frozen=True)
class Dimension:
    """A breakdown of the report: its column in ``rpt_indicator_values`` and its categories in order."""

    name: str
    column: str
    members: tuple[str, ...]
    total_label: str | None = "Total"
    """``None`` for a multi-select breakdown (forms of exploitation): no total, no additive relation."""
    labels: Mapping[str, str] = field(default_factory=dict)
    """Printed name of each code (the code itself when missing)."""
    title: str = ""

    def label(self, code: str) -> str:
        return self.labels.get(code, code)


@dataclass
class CountTable:
    """One released count table of one indicator: the protected set and what each cell means."""

    indicator: str
    name: str
    period: str
    protected: ProtectedSet
    refs: dict[CellKey, Ref]
    withheld: bool = False

    @property
    def table_name(self) -> str:
        return self.protected.table_set.tables[0].name

    def cells(self) -> tuple[CellKey, ...]:
        return self.protected.table_set.tables[0].cells

    def value(self, key: CellKey) -> int | str:
        return SUPPRESSED if self.withheld else self.protected.value(key)

    def is_suppressed(self, key: CellKey) -> bool:
        return self.withheld or self.protected.is_suppressed(key)

    def total_key(self) -> CellKey | None:
        """The cell of the national total (every dimension at its total), if the table has one."""
        for key in self.cells():
            if all(level == TOTAL_LEVEL for level, _ in key):
                return key
        return None


@dataclass(frozen=True)
class AuditSummary:
    tables: int
    released_cells: int
    suppressed_cells: int
    withheld_tables: int
    narrowest: float | None
    """The narrowest interval an attacker can derive for a suppressed cell (``None``: none suppressed)."""


class Release:
    """All released counts of a report, protected, audited and linked; rates checked through ``share``."""

    def __init__(self, threshold: int, zero_rule: ZeroRule) -> None:
        self.threshold = threshold
        self.zero_rule = zero_rule
        self.tables: dict[tuple[str, str], CountTable] = {}
        self._summary: AuditSummary | None = None

    # ------------------------------------------------------------------ counts

    def add(
        self,
        indicator: str,
        name: str,
        period: str,
        data: pd.DataFrame,
        hierarchies: Sequence[Hierarchy],
        refs: Mapping[CellKey, Ref] | None = None,
    ) -> CountTable:
        """Protect one count table (``data``: one column per level, ``count``) of ``indicator``."""
        if (indicator, name) in self.tables:
            raise ValueError(f"table {name!r} of {indicator} is already released")
        spec = TableSpec(f"{indicator}:{name}", {h.name: h.levels[0] for h in hierarchies})
        table_set = build_table_set(data, hierarchies, [spec])
        protected = protect(table_set, self.threshold, self.zero_rule)
        cells = table_set.tables[0].cells
        table_refs = (
            dict(refs) if refs is not None else {key: breakdown_ref(indicator, period, key) for key in cells}
        )
        table = CountTable(indicator, name, period, protected, table_refs)
        self.tables[(indicator, name)] = table
        self._summary = None
        return table

    def table(self, indicator: str, name: str) -> CountTable | None:
        return self.tables.get((indicator, name))

    def link(self, indicator: str, trend: str, period: str) -> None:
        """Withhold what could give away a hidden national figure of ``indicator`` for ``period``.

        ``trend`` names the table whose cell ``Ref(indicator, period)`` is the figure the logframe shows;
        every other table of the indicator for that period shares it as its total.
        """
        figure = Ref(indicator, period)
        trend_table = self.tables.get((indicator, trend))
        hidden_in_trend = trend_table is not None and any(
            ref == figure and trend_table.is_suppressed(key) for key, ref in trend_table.refs.items()
        )
        for (table_indicator, _name), table in self.tables.items():
            if table_indicator != indicator or table is trend_table or table.period != period:
                continue
            total = table.total_key()
            if hidden_in_trend or (total is not None and table.protected.is_suppressed(total)):
                table.withheld = True
        self._summary = None

    def figure(self, ref: Ref) -> int | str | None:
        """A released count by meaning: its value, the marker if hidden anywhere, ``None`` if unreleased."""
        found: int | str | None = None
        for table in self.tables.values():
            if table.indicator != ref.indicator or table.period not in (ref.period, ""):
                continue
            for key, cell_ref in table.refs.items():
                if cell_ref != ref:
                    continue
                if table.is_suppressed(key):
                    return SUPPRESSED
                found = table.value(key)
        return found

    def is_hidden(self, ref: Ref) -> bool:
        return self.figure(ref) == SUPPRESSED

    # ------------------------------------------------------------------ rates

    def share(
        self,
        indicator: str,
        period: str,
        filters: Mapping[str, str],
        row: Mapping[str, object] | None,
        unit: str,
        factor: float,
    ) -> float | str:
        """The released value of a share, rate or average, or the marker (module docstring)."""
        if row is None or bool(row.get("is_withheld")):
            return SUPPRESSED
        numerator, denominator = _count_or_none(row.get("numerator")), _count_or_none(row.get("denominator"))
        if denominator is None:
            return SUPPRESSED
        if self._parts_hidden(indicator, period, filters):
            return SUPPRESSED
        if unit == "days":  # an average: the numerator is a sum of days, only the base counts
            if denominator < self.threshold or numerator is None:
                return SUPPRESSED
            return round(numerator / denominator, 1)
        if numerator is None:
            return SUPPRESSED
        decimals = 2 if unit == "rate" else 1
        return rate(numerator, denominator, threshold=self.threshold, factor=factor, decimals=decimals)

    def _parts_hidden(self, indicator: str, period: str, filters: Mapping[str, str]) -> bool:
        numerator, denominator = SHARE_PARTS.get(indicator, ((), ()))
        return any(
            self.is_hidden(ref)
            for part in (*numerator, *denominator)
            for ref in part_refs(part, period, filters)
        )

    # ------------------------------------------------------------------ checks

    def verify(self) -> AuditSummary:
        """Audit every table (``reports.disclosure.verify``) and summarise; raises ``DisclosureError``."""
        narrowest: float | None = None
        released = suppressed = withheld = 0
        for table in self.tables.values():
            verify(table.protected)
            for result in audit(table.protected):
                narrowest = result.width if narrowest is None else min(narrowest, result.width)
            cells = table.cells()
            released += len(cells)
            suppressed += sum(table.is_suppressed(key) for key in cells)
            withheld += table.withheld
            self._check_published(table)
        self._summary = AuditSummary(len(self.tables), released, suppressed, withheld, narrowest)
        return self._summary

    def _check_published(self, table: CountTable) -> None:
        """Belt and braces: a published count is at least the threshold, or a zero the zero rule allows."""
        for key in table.cells():
            value = table.value(key)
            if value == SUPPRESSED:
                continue
            if not isinstance(value, int) or (value != 0 and value < self.threshold):
                raise DisclosureError(f"table {table.table_name!r} would publish a count below the threshold")

    @property
    def summary(self) -> AuditSummary:
        if self._summary is None:
            raise RuntimeError("call verify() first")
        return self._summary


def breakdown_ref(indicator: str, period: str, key: CellKey) -> Ref:
    """The meaning of a breakdown cell: its non-total codes are its filters."""
    filters = tuple(sorted((level, code) for level, code in key if level != TOTAL_LEVEL))
    return Ref(indicator, period, filters)


def part_refs(part: Part, period: str, filters: Mapping[str, str]) -> list[Ref]:
    """The released counts a part stands for, for a share broken down by ``filters``."""
    merged: dict[str, tuple[str, ...]] = {dimension: (code,) for dimension, code in filters.items()}
    for dimension, codes in part.filters.items():
        merged[dimension] = (
            tuple(c for c in codes if c in merged[dimension]) if dimension in merged else codes
        )
    dimensions = sorted(merged)
    return [
        Ref(part.indicator, period, tuple(zip(dimensions, combination, strict=True)))
        for combination in itertools.product(*(merged[d] for d in dimensions))
    ]


def dimension_hierarchy(dimension: Dimension, observed: Iterable[str]) -> Hierarchy:
    """The hierarchy of a breakdown: its categories in order, then any other code found in the data."""
    members = list(dimension.members)
    members += sorted(set(observed) - set(members))
    return Hierarchy(
        dimension.name,
        (dimension.name,),
        total_label=dimension.total_label,
        members=tuple((code,) for code in members),
    )


def time_hierarchy(quarters: Sequence[str] | None, years: Sequence[str]) -> Hierarchy:
    """Quarters under their years (``2009Q1`` -> ``2009``), or the years alone."""
    if quarters:
        return Hierarchy(
            "time", ("quarter", "year"), total_label=None, members=tuple((q, q[:4]) for q in quarters)
        )
    return Hierarchy("time", ("year",), total_label=None, members=tuple((y,) for y in years))


def time_refs(indicator: str, cells: Iterable[CellKey]) -> dict[CellKey, Ref]:
    """A trend cell means the indicator's national count of its quarter or year."""
    return {key: Ref(indicator, key[0][1]) for key in cells}


def _count_or_none(value: object) -> int | None:
    if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)):
        return None
    return int(value)  # type: ignore[call-overload]
