"""The attack test: an LP attacker on everything published must not pin any suppressed cell down.

For each released table set, ``audit`` minimises and maximises every suppressed cell subject to all
published values and additive relations; a set passes when every interval is at least the threshold
wide. Tested here on hand-made tables (including the verified examples of disclosure-control.md §4.3
S1, which prove the audit can fail) and, with hypothesis, on random small two-way, hierarchical and
linked tables.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reports import (
    SUPPRESSED,
    CellStatus,
    Hierarchy,
    ProtectedSet,
    TableSet,
    TableSpec,
    ZeroRule,
    audit,
    build_table_set,
    is_safe,
    primary_suppression,
    protect,
)
from reports.disclosure import zero_is_disclosive
from reports.tables import TOTAL_LEVEL, CellKey

PROPERTIES = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,  # the same examples on every run: CI never flakes, failures reproduce
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def two_way(matrix: Sequence[Sequence[int]]) -> tuple[pd.DataFrame, TableSet]:
    data = pd.DataFrame(
        [(f"r{i}", f"k{j}", value) for i, row in enumerate(matrix) for j, value in enumerate(row)],
        columns=["row", "col", "count"],
    )
    hierarchies = [Hierarchy("row", ("row",)), Hierarchy("col", ("col",))]
    return data, build_table_set(data, hierarchies, [TableSpec("t", {"row": "row", "col": "col"})])


def at(row: int | None, col: int | None) -> CellKey:
    return (
        ("row", f"r{row}") if row is not None else ("total", "Total"),
        ("col", f"k{col}") if col is not None else ("total", "Total"),
    )


def with_suppressed(table_set: TableSet, cells: Sequence[CellKey], threshold: int = 10) -> ProtectedSet:
    """A hand-made suppression pattern (to attack patterns that ``protect`` would never produce)."""
    status = {key: CellStatus.PUBLISHED for key in table_set.released}
    status.update({key: CellStatus.SECONDARY for key in cells})
    return ProtectedSet(table_set, threshold, ZeroRule.NEVER, status)


def intervals(protected: ProtectedSet) -> dict[CellKey, tuple[int, float]]:
    return {result.cell: (result.low, result.high) for result in audit(protected)}


# --- the audit can fail: verified examples of disclosure-control.md §4.3 S1 ----------------------------


def test_primary_suppression_alone_lets_both_small_cells_be_recovered_exactly() -> None:
    _, table_set = two_way([[2, 30], [4, 50], [20, 20]])
    primary_only = ProtectedSet(table_set, 10, ZeroRule.NEVER, primary_suppression(table_set))
    assert intervals(primary_only) == {at(0, 0): (2, 2), at(1, 0): (4, 4)}
    assert not any(is_safe(result, 10) for result in audit(primary_only))


def test_a_naive_extra_suppression_in_the_same_row_is_recovered_too() -> None:
    _, table_set = two_way([[2, 30], [4, 50], [20, 20]])
    naive = with_suppressed(table_set, [at(0, 0), at(1, 0), at(0, 1)])
    assert intervals(naive) == {at(0, 0): (2, 2), at(0, 1): (30, 30), at(1, 0): (4, 4)}


def test_a_rectangle_gives_the_verified_intervals() -> None:
    _, table_set = two_way([[3, 6, 20], [14, 5, 30], [25, 25, 25]])
    rectangle = with_suppressed(table_set, [at(0, 0), at(0, 1), at(1, 0), at(1, 1)])
    assert intervals(rectangle) == {
        at(0, 0): (0, 9),
        at(0, 1): (0, 9),
        at(1, 0): (8, 17),
        at(1, 1): (2, 11),
    }
    assert not any(is_safe(result, 10) for result in audit(rectangle))  # width 9 < 10
    assert all(is_safe(result, 9) for result in audit(rectangle))


def test_a_cell_with_no_published_total_is_unbounded() -> None:
    _, table_set = two_way([[2, 30], [4, 50]])
    everything = with_suppressed(table_set, list(table_set.released))
    assert all(result.high == float("inf") and result.low == 0 for result in audit(everything))


def test_the_audit_attacks_all_tables_together() -> None:
    """Province 2 looks safe in a table by province without totals, but a region table gives it away."""
    geo = Hierarchy("geo", ("province", "nuts1"), total_label="TR")
    data = pd.DataFrame(
        {"province": ["p1", "p2", "p3", "p4"], "nuts1": ["R1", "R1", "R1", "R2"], "count": [2, 40, 35, 60]}
    )
    tables = [
        TableSpec("by province", {"geo": "province"}, margins=False),
        TableSpec("by region", {"geo": "nuts1"}),
    ]
    table_set = build_table_set(data, [geo], tables)
    province_only = build_table_set(data, [geo], tables[:1])
    p1 = (("province", "p1"),)
    assert intervals(ProtectedSet(province_only, 10, ZeroRule.NEVER, primary_suppression(province_only))) == {
        p1: (0, float("inf"))
    }
    linked = ProtectedSet(table_set, 10, ZeroRule.NEVER, primary_suppression(table_set))
    assert intervals(linked) == {p1: (2, 2)}
    protected = protect(table_set)
    assert len(protected.suppressed) == 2
    assert all(is_safe(result, 10) for result in audit(protected))


# --- protect passes the audit on the hand-made tables -------------------------------------------------


HAND_MADE = {
    "2x2 one small cell": [[2, 20], [30, 40]],
    "two small cells in a column": [[2, 30], [4, 50]],
    "small row": [[3, 0, 0], [50, 0, 12], [40, 25, 30]],
    "many small cells": [[1, 2, 3], [4, 5, 6], [7, 8, 9]],
    "one large cell": [[0, 0, 1], [0, 500, 0], [2, 0, 0]],
}


@pytest.mark.parametrize("matrix", HAND_MADE.values(), ids=HAND_MADE.keys())
@pytest.mark.parametrize("rule", list(ZeroRule))
def test_protected_hand_made_tables_pass_the_audit(matrix: list[list[int]], rule: ZeroRule) -> None:
    _, table_set = two_way(matrix)
    protected = protect(table_set, zero_rule=rule)
    results = audit(protected)
    assert len(results) == len(protected.suppressed) > 0
    assert all(is_safe(result, 10) for result in results), [r for r in results if not is_safe(r, 10)]
    # two-way tables are totally unimodular: an integer attacker learns nothing more than the LP one
    integer = audit(protected, integer=True)
    assert [(r.low, r.high) for r in integer] == [(r.low, r.high) for r in results]


def test_hierarchy_and_linked_tables_pass_the_audit() -> None:
    geo = Hierarchy("geo", ("province", "nuts1"), total_label="TR")
    provinces = {"p1": "R1", "p2": "R1", "p3": "R1", "p4": "R2", "p5": "R2"}
    counts = itertools.cycle([2, 0, 14, 31, 5, 22, 8, 40, 1, 17, 0, 26, 3])
    data = pd.DataFrame(
        [(p, r, sex, kind, next(counts)) for p, r in provinces.items() for sex in "FM" for kind in "SLO"],
        columns=["province", "nuts1", "sex", "kind", "count"],
    )
    hierarchies = [geo, Hierarchy("sex", ("sex",)), Hierarchy("kind", ("kind",))]
    tables = [
        TableSpec("province x sex", {"geo": "province", "sex": "sex"}),
        TableSpec("region x kind", {"geo": "nuts1", "kind": "kind"}),
        TableSpec("sex x kind", {"sex": "sex", "kind": "kind"}),
    ]
    protected = protect(build_table_set(data, hierarchies, tables))
    results = audit(protected)
    assert all(is_safe(result, 10) for result in results)
    assert_published_rules(protected)
    assert_published_values_match(protected, data)


# --- properties on random small tables ------------------------------------------------------------------

counts = st.one_of(st.just(0), st.integers(1, 9), st.integers(10, 60))
thresholds = st.sampled_from([3, 5, 10])
rules = st.sampled_from(list(ZeroRule))


@st.composite
def matrices(draw: st.DrawFn) -> list[list[int]]:
    rows = draw(st.integers(2, 4))
    columns = draw(st.integers(2, 4))
    return [[draw(counts) for _ in range(columns)] for _ in range(rows)]


@st.composite
def hierarchical(draw: st.DrawFn) -> pd.DataFrame:
    """Provinces in 1-3 regions (1-3 each), under a national total, crossed with 1-3 categories."""
    regions = draw(st.integers(1, 3))
    sizes = [draw(st.integers(1, 3)) for _ in range(regions)]
    categories = draw(st.integers(1, 3))
    rows = [
        (f"p{region}{index}", f"R{region}", f"c{category}", draw(counts))
        for region, size in enumerate(sizes)
        for index in range(size)
        for category in range(categories)
    ]
    return pd.DataFrame(rows, columns=["province", "nuts1", "category", "count"])


@st.composite
def time_chains(draw: st.DrawFn) -> pd.DataFrame:
    """Months in 1-4 quarters (1-3 each) of one year, crossed with 1-2 categories."""
    quarters = draw(st.integers(1, 4))
    sizes = [draw(st.integers(1, 3)) for _ in range(quarters)]
    categories = draw(st.integers(1, 2))
    rows = [
        (f"2008-{3 * quarter + index + 1:02d}", f"2008Q{quarter + 1}", "2008", f"c{category}", draw(counts))
        for quarter, size in enumerate(sizes)
        for index in range(size)
        for category in range(categories)
    ]
    return pd.DataFrame(rows, columns=["month", "quarter", "year", "category", "count"])


def assert_audit_passes(protected: ProtectedSet) -> None:
    unsafe = [result for result in audit(protected) if not is_safe(result, protected.threshold)]
    assert not unsafe, unsafe


def assert_published_rules(protected: ProtectedSet) -> None:
    """No published count below the threshold but zeros, and those only where the zero rule allows."""
    threshold = protected.threshold
    for key in protected.published:
        value = protected.table_set.values[key]
        assert value == 0 or value >= threshold, (key, value)
        if value == 0:
            assert not zero_is_disclosive(protected.table_set, key, threshold, protected.zero_rule), key
    for key in protected.table_set.released:
        if 1 <= protected.table_set.values[key] < threshold:
            assert protected.status[key] is CellStatus.PRIMARY


def assert_published_values_match(protected: ProtectedSet, data: pd.DataFrame) -> None:
    """Every published number is the sum of the original data over its categories (computed afresh)."""
    for table in protected.table_set.tables:
        for _, row in protected.release(table.name).iterrows():
            if row["count"] == SUPPRESSED:
                continue
            selected = data
            for dimension in table.dimensions:
                level = row[f"{dimension}_level"]
                if level != TOTAL_LEVEL:
                    selected = selected[selected[level].astype(str) == row[dimension]]
            assert row["count"] == int(selected["count"].sum()), (table.name, dict(row))


@PROPERTIES
@given(matrix=matrices(), threshold=thresholds, rule=rules)
def test_random_two_way_tables(matrix: list[list[int]], threshold: int, rule: ZeroRule) -> None:
    data, table_set = two_way(matrix)
    protected = protect(table_set, threshold=threshold, zero_rule=rule)
    assert_audit_passes(protected)
    assert_published_rules(protected)
    assert_published_values_match(protected, data)
    assert protect(table_set, threshold=threshold, zero_rule=rule) == protected  # deterministic


@PROPERTIES
@given(data=hierarchical(), threshold=thresholds, rule=rules)
def test_random_province_region_national_tables(data: pd.DataFrame, threshold: int, rule: ZeroRule) -> None:
    hierarchies = [
        Hierarchy("geo", ("province", "nuts1"), total_label="TR"),
        Hierarchy("category", ("category",)),
    ]
    table_set = build_table_set(
        data, hierarchies, [TableSpec("t", {"geo": "province", "category": "category"})]
    )
    protected = protect(table_set, threshold=threshold, zero_rule=rule)
    assert_audit_passes(protected)
    assert_published_rules(protected)
    assert_published_values_match(protected, data)


@PROPERTIES
@given(data=time_chains(), threshold=thresholds, rule=rules)
def test_random_month_quarter_year_tables(data: pd.DataFrame, threshold: int, rule: ZeroRule) -> None:
    hierarchies = [
        Hierarchy("time", ("month", "quarter", "year"), total_label=None),
        Hierarchy("category", ("category",)),
    ]
    tables = [
        TableSpec("by month", {"time": "month"}),
        TableSpec("by quarter and category", {"time": "quarter", "category": "category"}),
    ]
    protected = protect(build_table_set(data, hierarchies, tables), threshold=threshold, zero_rule=rule)
    assert_audit_passes(protected)
    assert_published_rules(protected)
    assert_published_values_match(protected, data)


@settings(PROPERTIES, max_examples=15)
@given(data=hierarchical(), sexes=st.lists(counts, min_size=18, max_size=18), threshold=thresholds)
def test_random_linked_tables(data: pd.DataFrame, sexes: list[int], threshold: int) -> None:
    """Province x category and region x sex share their geography; the hidden 3-way cells link them."""
    split = data.loc[data.index.repeat(2)].reset_index(drop=True)
    split["sex"] = ["F", "M"] * len(data)
    split["count"] = [min(sexes[i % len(sexes)], count) for i, count in enumerate(split["count"])]
    hierarchies = [
        Hierarchy("geo", ("province", "nuts1"), total_label="TR"),
        Hierarchy("category", ("category",)),
        Hierarchy("sex", ("sex",)),
    ]
    tables = [
        TableSpec("province x category", {"geo": "province", "category": "category"}),
        TableSpec("region x sex", {"geo": "nuts1", "sex": "sex"}),
    ]
    protected = protect(build_table_set(split, hierarchies, tables), threshold=threshold)
    assert_audit_passes(protected)
    assert_published_rules(protected)
    assert_published_values_match(protected, split)


# --- hidden cells: combinations no table shows ------------------------------------------------------


def three_linked(values: Sequence[int]) -> TableSet:
    """Province x category, province x sex and category x sex: each 3-way cell is hidden."""
    keys = itertools.product(["p0", "p1"], ["c0", "c1"], ["F", "M"])
    data = pd.DataFrame(
        [(*key, value) for key, value in zip(keys, values, strict=True)],
        columns=["province", "category", "sex", "count"],
    )
    hierarchies = [
        Hierarchy("geo", ("province",)),
        Hierarchy("category", ("category",)),
        Hierarchy("sex", ("sex",)),
    ]
    tables = [
        TableSpec("province x category", {"geo": "province", "category": "category"}),
        TableSpec("province x sex", {"geo": "province", "sex": "sex"}),
        TableSpec("category x sex", {"category": "category", "sex": "sex"}),
    ]
    return build_table_set(data, hierarchies, tables)


def test_linked_tables_can_narrow_a_hidden_cell_unless_hidden_cells_are_protected() -> None:
    # every two-way count is at least 10, yet province p1 x category c0 x men (2) is pinned to [0, 2]
    table_set = three_linked([15, 12, 0, 12, 8, 2, 12, 15])
    small = (("province", "p1"), ("category", "c0"), ("sex", "M"))
    assert small not in table_set.released
    default = protect(table_set)
    assert default.suppressed == ()
    [result] = audit(default, cells=[small])
    assert (result.low, result.high) == (0, 2)
    hidden = protect(table_set, hidden=True)
    assert hidden.suppressed
    results = audit(hidden)
    assert small in {result.cell for result in results}
    assert all(is_safe(result, 10) for result in results)


@settings(PROPERTIES, max_examples=10)
@given(values=st.lists(counts, min_size=8, max_size=8), threshold=thresholds)
def test_random_linked_tables_with_hidden_cells_protected(values: list[int], threshold: int) -> None:
    protected = protect(three_linked(values), threshold=threshold, hidden=True)
    assert_audit_passes(protected)  # the audit includes the sensitive hidden cells
    assert_published_rules(protected)
