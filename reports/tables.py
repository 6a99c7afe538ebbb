"""Released table sets: the counts a report publishes together, and the additive relations linking them.

Disclosure control cannot look at one table at a time: a province total suppressed in a table by
province and sex can be recovered from the NUTS-1 total in another table, a month from its quarter and
year. So everything released together is one ``TableSet``:

* ``values``: every cell of the *cube*, keyed by a ``CellKey`` (one ``(level, code)`` pair per
  dimension), released or not. Cells that no table shows ("hidden" cells, e.g. province × sex × month
  when only province × sex and province × month are published) stay in the set because they link the
  published tables: an attacker knows they exist, are non-negative and add up.
* ``constraints``: explicit additive relations, ``total == sum(children)``, one per cell and per
  dimension along which the cell is an aggregate. Together they imply every other sum (a region equals
  its provinces, a year its quarters and its months, the national total everything).
* ``tables``: which cells each released table shows, in display order.

``build_table_set`` makes such a set from an aggregate (counts by the finest categories, no person-level
data) and a hierarchy spec per dimension; a ``TableSet`` can also be written by hand for shapes the
builder does not cover (the relations are validated either way).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import pandas as pd

Node = tuple[str, str]
"""One coordinate of a cell: ``(level, code)``, e.g. ``("province", "34")`` or ``("total", "Total")``."""

CellKey = tuple[Node, ...]
"""A cell: one ``(level, code)`` node per dimension of its table set, in the set's dimension order."""

TOTAL_LEVEL = "total"
"""Level name of the all-categories node of a hierarchy (its code is the hierarchy's ``total_label``)."""

DEFAULT_MAX_CELLS = 250_000
"""Refuse larger cubes: the LP audit of such a set would take too long to be useful in a report build."""


class TableSetError(ValueError):
    """The table set is inconsistent or the spec cannot be built; the message says what to fix."""


@dataclass(frozen=True)
class Hierarchy:
    """One dimension of the released tables, with its levels from finest to coarsest.

    ``levels`` name columns of the aggregate (``("province", "nuts1")``, ``("month", "quarter",
    "year")``, ``("sex",)``); each coarser level must be a function of the finer one. ``total_label`` is
    the code of the all-categories node above the coarsest level ("Total", "Türkiye"); ``None`` when there
    is none (e.g. years, when a report never adds years up), and then every table must show the dimension.
    ``members`` optionally lists every category as a tuple of codes, one per level, finest first: a
    category with no cases in the data must still be shown (as 0), so real reports pass the full code
    list (81 provinces, 12 months); without it the categories seen in the data are used.
    """

    name: str
    levels: tuple[str, ...]
    total_label: str | None = "Total"
    members: tuple[tuple[str, ...], ...] = ()

    def __post_init__(self) -> None:
        if not self.levels:
            raise TableSetError(f"hierarchy {self.name!r} has no levels")
        if len(set(self.levels)) != len(self.levels) or TOTAL_LEVEL in self.levels:
            raise TableSetError(f"hierarchy {self.name!r}: levels must be distinct and not {TOTAL_LEVEL!r}")
        for member in self.members:
            if len(member) != len(self.levels):
                raise TableSetError(f"hierarchy {self.name!r}: member {member!r} needs one code per level")

    @property
    def all_levels(self) -> tuple[str, ...]:
        """Levels finest first, including the total level when there is one."""
        return (*self.levels, TOTAL_LEVEL) if self.total_label is not None else self.levels

    @property
    def top_level(self) -> str:
        return self.all_levels[-1]


@dataclass(frozen=True)
class TableSpec:
    """A table to release: the level each dimension is shown at; dimensions left out are at their total.

    With ``margins`` (the default) the table also shows every coarser level of each dimension it shows:
    row and column totals, NUTS-1 subtotals under provinces, quarters and the year under months.
    """

    name: str
    by: Mapping[str, str]
    margins: bool = True


@dataclass(frozen=True)
class Constraint:
    """``total == sum(children)``, the children being ``total`` split along ``dimension``."""

    total: CellKey
    children: tuple[CellKey, ...]
    dimension: str


@dataclass(frozen=True)
class ReleasedTable:
    """The cells one released table shows, and the dimensions that vary in it (its columns)."""

    name: str
    dimensions: tuple[str, ...]
    cells: tuple[CellKey, ...]


@dataclass(frozen=True)
class TableSet:
    """Every cell of a release (published or hidden), the additive relations, and the released tables.

    Validated on construction: non-negative integer values, known cells, additive constraints that hold.
    Protection and the audit rely on the constraints being complete: if two released cells are related
    by a sum that is not declared (directly or through other constraints), the audit cannot see it.
    """

    dimensions: tuple[str, ...]
    values: Mapping[CellKey, int]
    constraints: tuple[Constraint, ...]
    tables: tuple[ReleasedTable, ...]

    def __post_init__(self) -> None:
        for key, value in self.values.items():
            if len(key) != len(self.dimensions):
                raise TableSetError(f"cell {key!r} does not have one node per dimension {self.dimensions!r}")
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise TableSetError(f"cell {key!r}: counts must be non-negative integers, got {value!r}")
        for constraint in self.constraints:
            members = (constraint.total, *constraint.children)
            unknown = [key for key in members if key not in self.values]
            if unknown:
                raise TableSetError(f"constraint on {constraint.total!r} refers to unknown cells {unknown!r}")
            if not constraint.children:
                raise TableSetError(f"constraint on {constraint.total!r} has no children")
            total = sum(self.values[key] for key in constraint.children)
            if total != self.values[constraint.total]:
                raise TableSetError(
                    f"cell {constraint.total!r} is {self.values[constraint.total]} but its children along "
                    f"{constraint.dimension!r} add up to {total}"
                )
        names = [table.name for table in self.tables]
        if len(set(names)) != len(names):
            raise TableSetError(f"table names must be unique: {names!r}")
        for table in self.tables:
            missing = [key for key in table.cells if key not in self.values]
            if missing:
                raise TableSetError(f"table {table.name!r} shows unknown cells {missing[:3]!r}")
            unknown_dims = set(table.dimensions) - set(self.dimensions)
            if unknown_dims:
                raise TableSetError(f"table {table.name!r} has unknown dimensions {sorted(unknown_dims)!r}")

    @cached_property
    def cells(self) -> tuple[CellKey, ...]:
        """All cells in canonical order (the order of ``values``): every tie-break follows it."""
        return tuple(self.values)

    @cached_property
    def order(self) -> dict[CellKey, int]:
        return {key: index for index, key in enumerate(self.cells)}

    @cached_property
    def released(self) -> tuple[CellKey, ...]:
        """Cells shown by at least one table, in canonical order (a cell shown twice is one cell)."""
        shown = {key for table in self.tables for key in table.cells}
        return tuple(key for key in self.cells if key in shown)

    @cached_property
    def parent_constraints(self) -> dict[CellKey, tuple[Constraint, ...]]:
        """For each cell, the constraints in which it is a child (the totals it adds into)."""
        found: dict[CellKey, list[Constraint]] = {key: [] for key in self.cells}
        for constraint in self.constraints:
            for child in constraint.children:
                found[child].append(constraint)
        return {key: tuple(value) for key, value in found.items()}

    @cached_property
    def own_constraints(self) -> dict[CellKey, tuple[Constraint, ...]]:
        """For each cell, the constraints in which it is the total (one per dimension it aggregates)."""
        found: dict[CellKey, list[Constraint]] = {key: [] for key in self.cells}
        for constraint in self.constraints:
            found[constraint.total].append(constraint)
        return {key: tuple(value) for key, value in found.items()}

    def table(self, name: str) -> ReleasedTable:
        for table in self.tables:
            if table.name == name:
                return table
        raise KeyError(f"no table {name!r}; tables: {[t.name for t in self.tables]!r}")


def build_table_set(
    data: pd.DataFrame,
    hierarchies: Sequence[Hierarchy],
    tables: Sequence[TableSpec],
    *,
    count: str = "count",
    max_cells: int = DEFAULT_MAX_CELLS,
) -> TableSet:
    """Build the released table set of ``tables`` from an aggregate of counts.

    ``data`` has one column per level of every hierarchy (province and its nuts1, month with its quarter
    and year, ...) and a ``count`` column; rows repeating a category are added up. Categories without
    data are zeros.

    The cube is kept as small as the attack allows, with two exact reductions:

    * only levels some table shows enter it: an unused finer level would only add hidden cells whose
      sums are the cells above them, which any split of those cells satisfies;
    * dimensions are grouped into *components*, dimensions shown together (below their total) in some
      table; cells crossing two components (province x month when provinces and months are never shown
      together) are left out. They add nothing: for any non-negative values of the released cells,
      ``x[g, t] = x[g] * x[t] / N`` is a non-negative filling of the crossed cells with those margins
      at every level, so the crossing constrains nothing. Hidden cells within a component (province x
      sex x age when province x sex and province x age are released) are kept: they can constrain.
    """
    _check_specs(hierarchies, tables)
    used = _used_levels(hierarchies, tables)
    frame = _clean_aggregate(data, hierarchies, count)
    nodes: list[list[Node]] = []
    parents: list[dict[Node, Node]] = []
    for hierarchy in hierarchies:
        hierarchy_nodes, hierarchy_parents = _hierarchy_nodes(hierarchy, used[hierarchy.name], frame)
        nodes.append(hierarchy_nodes)
        parents.append(hierarchy_parents)
    fixed = [_single_top(hierarchy_nodes) for hierarchy_nodes in nodes]
    components = _components(hierarchies, tables, fixed)
    keys = _cube_keys(nodes, fixed, components, max_cells)
    values = _cube_values(frame, keys, count)
    constraints = _cube_constraints(hierarchies, used, keys, parents)
    released = tuple(_released_table(spec, hierarchies, nodes, values) for spec in tables)
    return TableSet(
        dimensions=tuple(h.name for h in hierarchies),
        values=values,
        constraints=constraints,
        tables=released,
    )


def _check_specs(hierarchies: Sequence[Hierarchy], tables: Sequence[TableSpec]) -> None:
    names = [h.name for h in hierarchies]
    if len(set(names)) != len(names):
        raise TableSetError(f"hierarchy names must be unique: {names!r}")
    columns = [level for h in hierarchies for level in h.levels]
    if len(set(columns)) != len(columns):
        raise TableSetError("a level column may belong to one hierarchy only")
    if not tables:
        raise TableSetError("no tables to release")
    by_name = {h.name: h for h in hierarchies}
    for spec in tables:
        for dimension, level in spec.by.items():
            if dimension not in by_name:
                raise TableSetError(f"table {spec.name!r}: unknown dimension {dimension!r}")
            if level not in by_name[dimension].levels:
                raise TableSetError(f"table {spec.name!r}: {dimension!r} has no level {level!r}")
        for hierarchy in hierarchies:
            if hierarchy.name not in spec.by and hierarchy.total_label is None:
                raise TableSetError(
                    f"table {spec.name!r} leaves out {hierarchy.name!r}, which has no total: "
                    "show it at one of its levels"
                )


def _used_levels(hierarchies: Sequence[Hierarchy], tables: Sequence[TableSpec]) -> dict[str, tuple[str, ...]]:
    """Per hierarchy, the levels some table shows, finest first."""
    used: dict[str, set[str]] = {h.name: set() for h in hierarchies}
    for spec in tables:
        for hierarchy in hierarchies:
            used[hierarchy.name].update(_levels_shown(spec, hierarchy))
    return {h.name: tuple(level for level in h.all_levels if level in used[h.name]) for h in hierarchies}


def _levels_shown(spec: TableSpec, hierarchy: Hierarchy) -> tuple[str, ...]:
    if hierarchy.name not in spec.by:
        return (TOTAL_LEVEL,)
    levels = hierarchy.all_levels
    start = levels.index(spec.by[hierarchy.name])
    return levels[start:] if spec.margins else (levels[start],)


def _clean_aggregate(data: pd.DataFrame, hierarchies: Sequence[Hierarchy], count: str) -> pd.DataFrame:
    columns = [level for h in hierarchies for level in h.levels]
    missing = [column for column in [*columns, count] if column not in data.columns]
    if missing:
        raise TableSetError(f"the aggregate lacks columns {missing!r}")
    counts = pd.to_numeric(data[count], errors="coerce")
    if counts.isna().any() or (counts < 0).any() or (counts != counts.round()).any():
        raise TableSetError(f"column {count!r} must hold non-negative whole numbers")
    frame = data[columns].astype("string")
    if frame.isna().any().any():
        raise TableSetError("category columns of the aggregate must not be empty")
    frame[count] = counts.astype("int64")
    return frame


def _hierarchy_nodes(
    hierarchy: Hierarchy, used: tuple[str, ...], frame: pd.DataFrame
) -> tuple[list[Node], dict[Node, Node]]:
    """The nodes of the used levels (finest level first) and each node's parent at the next used level."""
    data_levels = [level for level in used if level != TOTAL_LEVEL]
    observed = frame[list(hierarchy.levels)].drop_duplicates()
    if hierarchy.members:
        members = pd.DataFrame(list(hierarchy.members), columns=list(hierarchy.levels), dtype="string")
        known = {tuple(str(code) for code in member) for member in hierarchy.members}
        for row in observed.itertuples(index=False, name=None):  # a set, not a merge: many tables per report
            if tuple(row) not in known:
                raise TableSetError(
                    f"hierarchy {hierarchy.name!r}: the data has a category {row!r} not in members"
                )
        rows = members
    else:
        rows = observed.sort_values(list(hierarchy.levels[::-1]), kind="stable")
    rows = rows[data_levels].drop_duplicates()
    nodes: list[Node] = []
    for level in data_levels:
        nodes.extend((level, code) for code in dict.fromkeys(rows[level].tolist()))
    if hierarchy.total_label is not None and TOTAL_LEVEL in used:
        nodes.append((TOTAL_LEVEL, hierarchy.total_label))
    parents: dict[Node, Node] = {}
    for finer, coarser in itertools.pairwise(used):
        for code in dict.fromkeys(rows[finer].tolist()):
            if coarser == TOTAL_LEVEL:
                parent_codes = [hierarchy.total_label]
            else:
                parent_codes = list(dict.fromkeys(rows.loc[rows[finer] == code, coarser].tolist()))
            if len(parent_codes) != 1:
                raise TableSetError(
                    f"hierarchy {hierarchy.name!r}: {finer} {code!r} belongs to several {coarser}: "
                    f"{parent_codes!r}"
                )
            parents[(finer, code)] = (coarser, str(parent_codes[0]))
    return nodes, parents


def _single_top(hierarchy_nodes: Sequence[Node]) -> Node | None:
    """The node every table may leave the dimension at: the total, or the only top code (one year)."""
    top_level = hierarchy_nodes[-1][0]
    tops = [node for node in hierarchy_nodes if node[0] == top_level]
    return tops[0] if len(tops) == 1 else None


def _components(
    hierarchies: Sequence[Hierarchy], tables: Sequence[TableSpec], fixed: Sequence[Node | None]
) -> list[set[int]]:
    """Groups of dimensions (by position) that some table shows together, joined transitively."""
    components: list[set[int]] = [{position} for position in range(len(hierarchies))]
    for spec in tables:
        shown = {
            position
            for position, hierarchy in enumerate(hierarchies)
            if (top := fixed[position]) is None or set(_levels_shown(spec, hierarchy)) != {top[0]}
        }
        touched = [component for component in components if component & shown]
        if len(touched) > 1:
            merged = set().union(*touched)
            components = [component for component in components if not component & shown] + [merged]
    return components


def _cube_keys(
    nodes: Sequence[Sequence[Node]],
    fixed: Sequence[Node | None],
    components: Sequence[set[int]],
    max_cells: int,
) -> list[CellKey]:
    """The cells kept: those whose non-top coordinates lie within one component, in canonical order."""
    indices: set[tuple[int, ...]] = set()
    for component in components:
        choices = [
            range(len(hierarchy_nodes))
            if position in component or fixed[position] is None
            else [hierarchy_nodes.index(fixed[position])]
            for position, hierarchy_nodes in enumerate(nodes)
        ]
        size = math.prod(len(choice) for choice in choices)
        if len(indices) + size > max_cells:
            raise TableSetError(f"the cube has more than {max_cells} cells: release fewer or coarser tables")
        indices.update(itertools.product(*choices))
    return [tuple(nodes[position][i] for position, i in enumerate(index)) for index in sorted(indices)]


def _cube_values(frame: pd.DataFrame, keys: Sequence[CellKey], count: str) -> dict[CellKey, int]:
    """The count of every kept cell: one group-by per combination of levels, zero where no data."""
    sums: dict[tuple[str, ...], dict[tuple[str, ...], int]] = {}
    values: dict[CellKey, int] = {}
    for key in keys:
        combination = tuple(level for level, _ in key)
        if combination not in sums:
            sums[combination] = _group_sums(
                frame, [level for level in combination if level != TOTAL_LEVEL], count
            )
        codes = tuple(code for level, code in key if level != TOTAL_LEVEL)
        values[key] = sums[combination].get(codes, 0)
    return values


def _group_sums(frame: pd.DataFrame, columns: list[str], count: str) -> dict[tuple[str, ...], int]:
    if not columns:
        return {(): int(frame[count].sum())}
    grouped = frame.groupby(columns, sort=False, observed=True)[count].sum()
    index = [key if isinstance(key, tuple) else (key,) for key in grouped.index]
    return {
        tuple(str(code) for code in key): int(value)
        for key, value in zip(index, grouped.tolist(), strict=True)
    }


def _cube_constraints(
    hierarchies: Sequence[Hierarchy],
    used: Mapping[str, tuple[str, ...]],
    keys: Sequence[CellKey],
    parents: Sequence[Mapping[Node, Node]],
) -> tuple[Constraint, ...]:
    """One constraint per kept cell and per dimension along which it splits into kept cells."""
    children_of: list[dict[Node, list[Node]]] = []
    for hierarchy_parents in parents:
        found: dict[Node, list[Node]] = {}
        for child, parent in hierarchy_parents.items():
            found.setdefault(parent, []).append(child)
        children_of.append(found)
    kept = set(keys)
    constraints: list[Constraint] = []
    for key in keys:
        for position, hierarchy in enumerate(hierarchies):
            children = children_of[position].get(key[position])
            if not children or key[position][0] == used[hierarchy.name][0]:
                continue
            child_keys = tuple(_replace(key, position, child) for child in children)
            if child_keys[0] not in kept:
                continue  # the split crosses two components: those cells were left out (see build_table_set)
            constraints.append(Constraint(total=key, children=child_keys, dimension=hierarchy.name))
    return tuple(constraints)


def _replace(key: CellKey, position: int, node: Node) -> CellKey:
    return (*key[:position], node, *key[position + 1 :])


def _released_table(
    spec: TableSpec,
    hierarchies: Sequence[Hierarchy],
    nodes: Sequence[Sequence[Node]],
    values: Mapping[CellKey, int],
) -> ReleasedTable:
    per_dimension: list[Iterable[Node]] = []
    for hierarchy, hierarchy_nodes in zip(hierarchies, nodes, strict=True):
        levels = set(_levels_shown(spec, hierarchy))
        per_dimension.append([node for node in hierarchy_nodes if node[0] in levels])
    cells = tuple(itertools.product(*per_dimension))
    if any(key not in values for key in cells):
        raise AssertionError(f"table {spec.name!r} shows cells that were left out of the cube")
    shown = tuple(h.name for h in hierarchies if h.name in spec.by)
    return ReleasedTable(name=spec.name, dimensions=shown, cells=cells)
