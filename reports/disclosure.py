"""Disclosure control for released count tables: suppression, rates, and the attack audit.

The policy (shared/reference/disclosure-control.md §4.1, §4.3, §5.1-5.2), applied to a whole
``TableSet`` (every table released together) before anything is written:

1. **Primary suppression.** A released count ``n`` with ``1 <= n < threshold`` is suppressed
   (threshold 10 by default, the ACRO / UK LLC rule; CTDC uses 11). Zeros follow ``ZeroRule``:
   ``SMALL_MARGIN`` (default) suppresses a zero when some total it adds into is itself between 1 and
   ``threshold - 1``: the zero would reveal that all of a small group are elsewhere ("all 3 children in
   province X were sexually exploited"); ``ALWAYS`` suppresses every zero (ACRO's
   ``zeros_are_disclosive``); ``NEVER`` publishes every zero.
2. **Secondary suppression**, by the audit itself: each suppressed cell, in canonical order, is attacked
   with the LP of ``reports.attack`` (every additive relation of the set, published cells fixed, the rest
   non-negative). While the interval the attacker derives is narrower than the threshold
   (``high - low < threshold``), one more published cell is suppressed and the cell is attacked again.
   Suppressing a cell only relaxes the LP, so intervals never shrink and a cell found safe stays safe:
   when the last cell in the queue is safe, every suppressed cell is.
   The complement is chosen among the published cells that pin the interval (non-zero reduced cost in
   the min or max LP; if none qualifies, the published cells nearest in the constraint graph), by:
   grand totals last; then cells that are totals of fewer constraints first (body cells before margins,
   margins before subtotals); then, with ``deficit = threshold - width``, the smallest cell of at least
   ``deficit``, else the largest smaller one (a zero rarely widens anything); ties by canonical order.
   The result is deterministic, and safe by construction, not minimal (an optimal pattern needs an ILP).
3. **Rates and shares** (``rate``, ``suppress_rates``): suppressed when the numerator or the denominator
   is suppressed, when the denominator (the base) is below the threshold, or when the numerator is a
   count from 1 to ``threshold - 1`` (a number that protection would have suppressed).

Suppressed cells carry one marker, ``SUPPRESSED`` ("c", as Eurostat and ONS mark confidential cells),
whether primary or secondary: telling them apart would tell an attacker which cells are small.
``legend`` gives the explanation to print under every table, with the threshold, in English and Turkish.

The audit criterion, for every suppressed cell (primary, zero or secondary): ``high - low >= threshold``,
with the LP bounds rounded inwards to integers. This is the stricter of the two in §4.3 S1 (an interval
narrower than the threshold fails; it also rules out "lower bound >= 1 and upper bound < threshold").

Hidden cells (combinations no table shows, e.g. province x sex x type when province x sex, province x
type and sex x type are released) can be narrowed by linked tables too. ``protect(..., hidden=True)``
holds the sensitive ones (counts from 1 to ``threshold - 1``, disclosive zeros) to the same criterion;
it is off by default because it costs two LPs per such cell (minutes for a national province x sex x
quarter release). Dimensions never shown together are not crossed at all (``build_table_set``), so a
province table beside a national month series has no hidden cells to protect.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from numbers import Integral, Real

import pandas as pd

from reports.attack import AttackModel, Interval
from reports.tables import CellKey, TableSet

SUPPRESSED = "c"
"""The marker shown instead of a suppressed count or rate."""

DEFAULT_THRESHOLD = 10
"""Smallest count that may be published (besides zeros allowed by the zero rule)."""

LEGEND = {
    "en": (
        "{marker} = confidential: not shown, to protect the people counted. Threshold: {threshold}. "
        "Counts below the threshold, zeros in small groups, other cells from which a hidden count could be "
        "worked out, and rates or shares whose numerator or denominator is hidden or below the threshold "
        "are not shown."
    ),
    "tr": (
        "{marker} = gizli: sayılan kişileri korumak için gösterilmemiştir. Eşik değer: {threshold}. "
        "Eşiğin altındaki sayılar, küçük gruplardaki sıfırlar, gizlenen bir sayının hesaplanmasına olanak "
        "veren diğer hücreler ve payı ya da paydası gizlenen veya eşiğin altında kalan oranlar "
        "gösterilmemiştir."
    ),
}
"""Legend templates by language; ``legend()`` fills in the marker and the threshold."""

Published = int | str
"""A released value: a count, or ``SUPPRESSED``."""


class DisclosureError(RuntimeError):
    """A table set is not safe to release; the message names the cells (never their values)."""


class ZeroRule(StrEnum):
    """When a zero count is disclosive (see the module docstring)."""

    NEVER = "never"
    SMALL_MARGIN = "small_margin"
    ALWAYS = "always"


class CellStatus(StrEnum):
    PUBLISHED = "published"
    PRIMARY = "primary"
    ZERO = "zero"
    SECONDARY = "secondary"
    HIDDEN = "hidden"
    """A cell of the set that no table shows."""


@dataclass(frozen=True)
class ProtectedSet:
    """A table set with the status of every released cell; what the report writer and dashboards read.

    ``release()`` frames are safe to publish; ``detail()`` frames hold the true counts and the reason for
    each suppression and are for output checking only.
    """

    table_set: TableSet
    threshold: int
    zero_rule: ZeroRule
    status: dict[CellKey, CellStatus]
    hidden: bool = False
    """Whether hidden cells were protected too (``protect(..., hidden=True)``); the audit checks them then."""

    def __post_init__(self) -> None:
        missing = [key for key in self.table_set.released if key not in self.status]
        if missing:
            raise ValueError(f"no status for released cells {missing[:3]!r}")

    def status_of(self, cell: CellKey) -> CellStatus:
        return self.status.get(cell, CellStatus.HIDDEN)

    def is_suppressed(self, cell: CellKey) -> bool:
        return self.status_of(cell) in _SUPPRESSED_STATUSES

    @property
    def suppressed(self) -> tuple[CellKey, ...]:
        """Suppressed released cells, in canonical order."""
        return tuple(key for key in self.table_set.released if self.is_suppressed(key))

    @property
    def published(self) -> frozenset[CellKey]:
        return frozenset(key for key, status in self.status.items() if status is CellStatus.PUBLISHED)

    def value(self, cell: CellKey) -> Published:
        """The released value of a cell: its count, or ``SUPPRESSED``."""
        status = self.status_of(cell)
        if status is CellStatus.HIDDEN:
            raise KeyError(f"cell {cell!r} is in no released table")
        return SUPPRESSED if status in _SUPPRESSED_STATUSES else self.table_set.values[cell]

    def rate(
        self, numerator: CellKey, denominator: CellKey, *, factor: float = 100.0, decimals: int = 1
    ) -> float | str:
        """``numerator / denominator * factor`` from released cells, or ``SUPPRESSED`` (see ``rate``)."""
        return rate(
            self.value(numerator),
            self.value(denominator),
            threshold=self.threshold,
            factor=factor,
            decimals=decimals,
        )

    def release(self, table: str) -> pd.DataFrame:
        """The table in long form, safe to publish: a code and a level column per dimension, ``count``."""
        return self._frame(table, detail=False)

    def releases(self) -> dict[str, pd.DataFrame]:
        return {table.name: self.release(table.name) for table in self.table_set.tables}

    def detail(self, table: str) -> pd.DataFrame:
        """The table with true counts (``value``) and ``status``: for output checking, never to publish."""
        return self._frame(table, detail=True)

    def legend(self, language: str = "en") -> str:
        return legend(self.threshold, language)

    def _frame(self, name: str, *, detail: bool) -> pd.DataFrame:
        table = self.table_set.table(name)
        dimensions = self.table_set.dimensions
        rows = []
        for key in table.cells:
            row: dict[str, object] = {}
            for dimension, (level, code) in zip(dimensions, key, strict=True):
                if dimension in table.dimensions:
                    row[dimension] = code
                    row[f"{dimension}_level"] = level
            row["count"] = self.value(key)
            if detail:
                row["value"] = self.table_set.values[key]
                row["status"] = str(self.status_of(key))
            rows.append(row)
        frame = pd.DataFrame(rows)
        frame["count"] = frame["count"].astype(object)
        return frame


_SUPPRESSED_STATUSES = frozenset({CellStatus.PRIMARY, CellStatus.ZERO, CellStatus.SECONDARY})


@dataclass(frozen=True)
class AuditResult:
    """What an attacker can derive about one cell: every value in ``[low, high]`` is possible (LP)."""

    cell: CellKey
    status: CellStatus
    value: int
    low: int
    high: float

    @property
    def width(self) -> float:
        return self.high - self.low


def legend(threshold: int = DEFAULT_THRESHOLD, language: str = "en", marker: str = SUPPRESSED) -> str:
    """The explanation of the suppression marker to print with every released table ("en" or "tr")."""
    if language not in LEGEND:
        raise ValueError(f"no legend in {language!r}; languages: {sorted(LEGEND)!r}")
    return LEGEND[language].format(marker=marker, threshold=_check_threshold(threshold))


def primary_suppression(
    table_set: TableSet, threshold: int = DEFAULT_THRESHOLD, zero_rule: ZeroRule | str = ZeroRule.SMALL_MARGIN
) -> dict[CellKey, CellStatus]:
    """Status of every released cell after primary suppression only (no protection from the margins)."""
    threshold = _check_threshold(threshold)
    zero_rule = ZeroRule(zero_rule)
    status: dict[CellKey, CellStatus] = {}
    for cell in table_set.released:
        value = table_set.values[cell]
        if 1 <= value < threshold:
            status[cell] = CellStatus.PRIMARY
        elif value == 0 and zero_is_disclosive(table_set, cell, threshold, zero_rule):
            status[cell] = CellStatus.ZERO
        else:
            status[cell] = CellStatus.PUBLISHED
    return status


def zero_is_disclosive(table_set: TableSet, cell: CellKey, threshold: int, zero_rule: ZeroRule) -> bool:
    """Whether a zero cell must be suppressed: under ``SMALL_MARGIN``, when a total it adds into is small.

    The totals looked at are all those the cell is a direct child of (its row, its column, its region,
    its quarter), published or not: a hidden small total is still a small group of people.
    """
    if table_set.values[cell] != 0 or zero_rule is ZeroRule.NEVER:
        return False
    if zero_rule is ZeroRule.ALWAYS:
        return True
    return any(1 <= table_set.values[c.total] < threshold for c in table_set.parent_constraints[cell])


def protect(
    table_set: TableSet,
    threshold: int = DEFAULT_THRESHOLD,
    zero_rule: ZeroRule | str = ZeroRule.SMALL_MARGIN,
    *,
    hidden: bool = False,
) -> ProtectedSet:
    """Primary, then secondary suppression until every suppressed cell passes the audit (module docstring).

    With ``hidden=True`` the sensitive hidden cells (``sensitive_hidden_cells``) must pass the audit too:
    linked tables can narrow a never-published combination (province x sex x type when province x sex,
    province x type and sex x type are released). It costs two LPs per such cell, hence the option.
    """
    threshold = _check_threshold(threshold)
    zero_rule = ZeroRule(zero_rule)
    status = primary_suppression(table_set, threshold, zero_rule)
    published = {key for key, value in status.items() if value is CellStatus.PUBLISHED}
    queue = [key for key in table_set.released if status[key] is not CellStatus.PUBLISHED]
    if hidden:
        queue.extend(sensitive_hidden_cells(table_set, threshold, zero_rule))
    model = AttackModel(table_set)
    bounds = model.bounds(published)
    position = 0
    while position < len(queue):
        cell = queue[position]
        interval = model.interval(cell, bounds)
        if interval.width >= threshold:
            position += 1
            continue
        complement = _choose_complement(table_set, cell, interval, published, threshold)
        status[complement] = CellStatus.SECONDARY
        published.remove(complement)
        model.unfix(bounds, complement)
        queue.append(complement)
    return ProtectedSet(
        table_set=table_set, threshold=threshold, zero_rule=zero_rule, status=status, hidden=hidden
    )


def sensitive_hidden_cells(table_set: TableSet, threshold: int, zero_rule: ZeroRule) -> list[CellKey]:
    """Hidden cells that primary suppression would flag if they were released, in canonical order."""
    released = set(table_set.released)
    return [
        key
        for key in table_set.cells
        if key not in released
        and (
            1 <= table_set.values[key] < threshold or zero_is_disclosive(table_set, key, threshold, zero_rule)
        )
    ]


def audit(
    protected: ProtectedSet, *, cells: Sequence[CellKey] | None = None, integer: bool = False
) -> list[AuditResult]:
    """The attacker's interval for every suppressed cell (or for ``cells``).

    By default: every suppressed released cell, and the sensitive hidden cells when the set was
    protected with ``hidden=True``. Solves the LP afresh from the released values only, independently
    of how ``protect`` chose the pattern. ``integer=True`` makes the attacker solve integer programs
    (slower, never wider).
    """
    model = AttackModel(protected.table_set)
    bounds = model.bounds(protected.published)
    if cells is None:
        cells = list(protected.suppressed)
        if protected.hidden:
            cells += sensitive_hidden_cells(protected.table_set, protected.threshold, protected.zero_rule)
    results = []
    for cell in cells:
        interval = model.interval(cell, bounds, integer=integer)
        value = protected.table_set.values[cell]
        if not interval.low <= value <= interval.high:
            raise AssertionError(f"the audit excludes the true value of {cell!r}: the LP is wrong")
        results.append(
            AuditResult(
                cell=cell,
                status=protected.status_of(cell),
                value=value,
                low=interval.low,
                high=interval.high,
            )
        )
    return results


def is_safe(result: AuditResult, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """The protection criterion: the attacker's interval is at least ``threshold`` wide."""
    return result.width >= threshold


def verify(protected: ProtectedSet) -> None:
    """Raise ``DisclosureError`` unless the set is safe to write: the last check before any export.

    Checks the published values against the primary rules and audits every suppressed cell again, so a
    hand-edited or stale ``ProtectedSet`` cannot be written.
    """
    threshold = protected.threshold
    problems = []
    for cell in protected.published:
        value = protected.table_set.values[cell]
        if 1 <= value < threshold:
            problems.append(f"{cell!r} is published below the threshold")
        elif value == 0 and zero_is_disclosive(protected.table_set, cell, threshold, protected.zero_rule):
            problems.append(f"{cell!r} is a disclosive zero")
    problems.extend(
        f"{result.cell!r} can be narrowed to an interval of width {result.width}"
        for result in audit(protected)
        if not is_safe(result, threshold)
    )
    if problems:
        raise DisclosureError(f"{len(problems)} disclosure problems: " + "; ".join(sorted(problems)[:10]))


def rate(
    numerator: Published,
    denominator: Published,
    *,
    threshold: int = DEFAULT_THRESHOLD,
    factor: float = 100.0,
    decimals: int = 1,
) -> float | str:
    """``numerator / denominator * factor`` rounded to ``decimals``, or ``SUPPRESSED``.

    Suppressed when either count is suppressed (the rate would give it back: numerator = rate x base),
    when the base is below the threshold (a share of 3 people describes individuals; this includes a
    zero base), or when the numerator is a count from 1 to ``threshold - 1``, which a protected set never
    publishes: a guard against rates computed from unprotected counts.
    """
    threshold = _check_threshold(threshold)
    if numerator == SUPPRESSED or denominator == SUPPRESSED:
        return SUPPRESSED
    top, base = _count(numerator), _count(denominator)
    if base < threshold or 1 <= top < threshold:
        return SUPPRESSED
    return round(top / base * factor, decimals)


def suppress_rates(
    frame: pd.DataFrame,
    *,
    numerator: str,
    denominator: str,
    threshold: int = DEFAULT_THRESHOLD,
    factor: float = 100.0,
    decimals: int = 1,
) -> pd.Series:
    """``rate`` for each row of ``frame``, whose two columns hold released values (counts or the marker)."""
    values = [
        rate(top, base, threshold=threshold, factor=factor, decimals=decimals)
        for top, base in zip(frame[numerator].tolist(), frame[denominator].tolist(), strict=True)
    ]
    return pd.Series(values, index=frame.index, dtype=object, name="rate")


def _check_threshold(threshold: int) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, Integral) or threshold < 1:
        raise ValueError(f"the threshold must be a positive integer, got {threshold!r}")
    return int(threshold)


def _count(value: object) -> int:
    """A released count as an int; anything else (missing, negative, fractional) is a caller's error."""
    if isinstance(value, bool) or not isinstance(value, Real) or math.isnan(value):
        raise ValueError(f"a count or {SUPPRESSED!r} is needed, got {value!r}")
    if value < 0 or value != int(value):
        raise ValueError(f"counts are non-negative whole numbers, got {value!r}")
    return int(value)


def _choose_complement(
    table_set: TableSet,
    cell: CellKey,
    interval: Interval,
    published: Collection[CellKey],
    threshold: int,
) -> CellKey:
    """The published cell to suppress next so that ``cell``'s interval can widen (module docstring)."""
    deficit = threshold - interval.width

    def preference(candidate: CellKey) -> tuple[bool, int, bool, int, int]:
        value = table_set.values[candidate]
        is_top = not table_set.parent_constraints[candidate]
        insufficient = value < deficit
        return (
            is_top,
            len(table_set.own_constraints[candidate]),
            insufficient,
            -value if insufficient else value,
            table_set.order[candidate],
        )

    pins = [key for key in interval.pins if key in published]
    if any(table_set.parent_constraints[key] for key in pins):
        return min(pins, key=preference)
    fallback: list[CellKey] = list(pins)
    for layer in _published_neighbours(table_set, cell, published):
        if any(table_set.parent_constraints[key] for key in layer):
            return min(layer, key=preference)
        fallback.extend(layer)
    if not fallback:
        raise AssertionError(f"{cell!r} is pinned down but no published cell is linked to it")
    return min(fallback, key=preference)


def _published_neighbours(
    table_set: TableSet, cell: CellKey, published: Collection[CellKey]
) -> Iterator[list[CellKey]]:
    """Published cells reachable from ``cell`` through constraints over unpublished cells, nearest first."""
    seen = {cell}
    frontier = [cell]
    while frontier:
        layer: list[CellKey] = []
        next_frontier: list[CellKey] = []
        for current in frontier:
            for constraint in (*table_set.parent_constraints[current], *table_set.own_constraints[current]):
                for member in (constraint.total, *constraint.children):
                    if member in seen:
                        continue
                    seen.add(member)
                    (layer if member in published else next_frontier).append(member)
        if layer:
            yield layer
        frontier = next_frontier
