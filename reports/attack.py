"""The attacker's linear program: how far can a suppressed cell be pinned down from what is published?

Every cell of a table set (released or hidden) is a variable. The attacker knows:

* every additive relation of the set: ``total - sum(children) == 0`` (a sparse equality system);
* every published cell's value (its variable is fixed: lower bound = upper bound = the value);
* that counts are non-negative (suppressed and hidden cells are in ``[0, inf)``).

Upper bounds from published totals need no separate rows: they follow from the equalities and
non-negativity. Minimising and maximising one cell over this polytope (scipy ``linprog``, HiGHS) gives
the interval an attacker can derive; the bounds are rounded inwards to integers, because the attacker
knows counts are whole numbers. With ``integer=True`` the attacker solves the integer program instead
(``milp``), which can only narrow the interval; for two-way tables with nested (hierarchical) margins the
constraint matrix is totally unimodular and both give the same answer.

The LP's reduced costs tell which published cells pin a bound: protection uses them to choose
complementary suppressions (``Interval.pins``).
"""

from __future__ import annotations

import math
from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from scipy.optimize import Bounds, LinearConstraint, linprog, milp
from scipy.sparse import csr_matrix

from reports.tables import CellKey, TableSet

_MARGINAL_TOLERANCE = 1e-9


class AuditError(RuntimeError):
    """The solver failed or found the published values inconsistent (which the validation should prevent)."""


@dataclass(frozen=True)
class Interval:
    """The attacker's integer bounds on one cell; ``high`` is ``math.inf`` when nothing bounds it above."""

    low: int
    high: float
    pins: frozenset[CellKey] = frozenset()

    @property
    def width(self) -> float:
        return self.high - self.low


class AttackModel:
    """The equality system of one table set, built once and solved for any set of published cells."""

    def __init__(self, table_set: TableSet) -> None:
        self._cells = table_set.cells
        self._index = {key: position for position, key in enumerate(self._cells)}
        self._values = np.array([table_set.values[key] for key in self._cells], dtype=float)
        rows: list[int] = []
        columns: list[int] = []
        data: list[float] = []
        for row, constraint in enumerate(table_set.constraints):
            rows.append(row)
            columns.append(self._index[constraint.total])
            data.append(-1.0)
            for child in constraint.children:
                rows.append(row)
                columns.append(self._index[child])
                data.append(1.0)
        shape = (len(table_set.constraints), len(self._cells))
        self._matrix = csr_matrix((data, (rows, columns)), shape=shape)
        self._zeros = np.zeros(shape[0])

    def bounds(self, published: Collection[CellKey]) -> np.ndarray:
        """Per-variable ``[lower, upper]``: published cells fixed at their value, the others ``[0, inf)``."""
        result = np.zeros((len(self._cells), 2))
        result[:, 1] = np.inf
        for key in published:
            position = self._index[key]
            result[position, 0] = result[position, 1] = self._values[position]
        return result

    def unfix(self, bounds: np.ndarray, cell: CellKey) -> None:
        """Mark ``cell`` as no longer published in ``bounds`` (in place): it becomes ``[0, inf)``."""
        position = self._index[cell]
        bounds[position, 0] = 0.0
        bounds[position, 1] = np.inf

    def interval(self, cell: CellKey, bounds: np.ndarray, *, integer: bool = False) -> Interval:
        """Minimise and maximise ``cell``; ``pins`` are the published cells with a non-zero reduced cost."""
        if self._matrix.shape[0] == 0:
            return Interval(low=0, high=math.inf)
        position = self._index[cell]
        objective = np.zeros(len(self._cells))
        objective[position] = 1.0
        pins: set[CellKey] = set()
        low_value, low_pins = self._solve(objective, bounds, integer)
        pins |= low_pins
        high_value, high_pins = self._solve(-objective, bounds, integer)
        pins |= high_pins
        if low_value is None:
            raise AuditError(f"cell {cell!r} has no lower bound, which non-negativity rules out")
        low = math.ceil(low_value - _tolerance(low_value))
        high = math.inf if high_value is None else math.floor(-high_value + _tolerance(high_value))
        return Interval(low=low, high=high, pins=frozenset(pins))

    def _solve(
        self, objective: np.ndarray, bounds: np.ndarray, integer: bool
    ) -> tuple[float | None, set[CellKey]]:
        """The optimum (``None`` when unbounded) and the fixed cells whose bounds carry a reduced cost."""
        if integer:
            result = milp(
                objective,
                integrality=np.ones(len(objective)),
                bounds=Bounds(bounds[:, 0], bounds[:, 1]),
                constraints=LinearConstraint(self._matrix, self._zeros, self._zeros),
            )
        else:
            result = linprog(objective, A_eq=self._matrix, b_eq=self._zeros, bounds=bounds, method="highs")
        if result.status == 3:
            return None, set()
        if integer and result.status != 0 and self._solve(objective, bounds, integer=False)[0] is None:
            return None, set()  # HiGHS reports an unbounded MIP as "infeasible or unbounded"
        if result.status != 0:
            raise AuditError(f"the solver failed: {result.message}")
        if integer:
            return float(result.fun), set()
        marginals = np.abs(result.lower.marginals) + np.abs(result.upper.marginals)
        fixed = bounds[:, 0] == bounds[:, 1]
        pinned = np.flatnonzero(fixed & (marginals > _MARGINAL_TOLERANCE))
        return float(result.fun), {self._cells[position] for position in pinned}


def _tolerance(value: float | None) -> float:
    """Solver noise allowed when rounding a bound inwards to an integer."""
    return 0.0 if value is None else 1e-6 * max(1.0, abs(value))
