"""Disclosure control rules on small hand-made tables: each rule, the output, rates, determinism.

The attack audit of these patterns, the negative audit tests and the property-based tests are in
``test_disclosure_audit.py``.
"""

from __future__ import annotations

import pandas as pd
import pytest

from reports import (
    SUPPRESSED,
    CellStatus,
    DisclosureError,
    Hierarchy,
    ProtectedSet,
    TableSet,
    TableSetError,
    TableSpec,
    ZeroRule,
    build_table_set,
    legend,
    primary_suppression,
    protect,
    rate,
    suppress_rates,
    verify,
)
from reports.tables import Constraint, ReleasedTable

ROWS = Hierarchy("row", ("row",))
COLS = Hierarchy("col", ("col",))


def two_way(matrix: list[list[int]]) -> TableSet:
    """A rows x columns table with row totals, column totals and the grand total."""
    data = pd.DataFrame(
        [(f"r{i}", f"k{j}", value) for i, row in enumerate(matrix) for j, value in enumerate(row)],
        columns=["row", "col", "count"],
    )
    return build_table_set(data, [ROWS, COLS], [TableSpec("t", {"row": "row", "col": "col"})])


def at(row: int | None, col: int | None) -> tuple[tuple[str, str], tuple[str, str]]:
    """Key of a cell of ``two_way``; ``None`` is the total of that dimension."""
    row_node = ("row", f"r{row}") if row is not None else ("total", "Total")
    col_node = ("col", f"k{col}") if col is not None else ("total", "Total")
    return (row_node, col_node)


GEO = Hierarchy(
    "geo",
    ("province", "nuts1"),
    total_label="TR",
    members=(("p1", "R1"), ("p2", "R1"), ("p3", "R1"), ("p4", "R2"), ("p5", "R2")),
)
SEX = Hierarchy("sex", ("sex",), members=(("F",), ("M",)))


def province_sex(counts: dict[str, tuple[int, int]]) -> TableSet:
    data = pd.DataFrame(
        [
            (province, region, sex, counts[province][i])
            for province, region in GEO.members
            for i, sex in enumerate("FM")
        ],
        columns=["province", "nuts1", "sex", "count"],
    )
    return build_table_set(
        data, [GEO, SEX], [TableSpec("by province and sex", {"geo": "province", "sex": "sex"})]
    )


MONTHS = [f"2008-{m:02d}" for m in range(1, 13)]
TIME = Hierarchy(
    "time",
    ("month", "quarter", "year"),
    total_label=None,
    members=tuple((month, f"2008Q{(int(month[5:]) - 1) // 3 + 1}", "2008") for month in MONTHS),
)


def monthly(counts: list[int]) -> TableSet:
    data = pd.DataFrame(
        [(*member, count) for member, count in zip(TIME.members, counts, strict=True)],
        columns=["month", "quarter", "year", "count"],
    )
    return build_table_set(data, [TIME], [TableSpec("by month", {"time": "month"})])


def month_key(code: str) -> tuple[tuple[str, str]]:
    level = "month" if len(code) == 7 else "quarter" if "Q" in code else "year"
    return ((level, code),)


# --- primary suppression and the secondary pattern --------------------------------------------------


def test_small_cell_in_2x2_gets_a_complement_in_its_row_and_its_column() -> None:
    protected = protect(two_way([[2, 20], [30, 40]]))
    assert protected.status[at(0, 0)] is CellStatus.PRIMARY
    row_mates = [at(0, 1)]
    column_mates = [at(1, 0)]
    assert any(protected.is_suppressed(key) for key in row_mates)
    assert any(protected.is_suppressed(key) for key in column_mates)
    # margins stay published: the rectangle of four body cells protects the small one
    for margin in (at(0, None), at(1, None), at(None, 0), at(None, 1), at(None, None)):
        assert protected.status[margin] is CellStatus.PUBLISHED
    verify(protected)


def test_primary_suppression_flags_one_to_threshold_minus_one_and_margins_too() -> None:
    table_set = two_way([[1, 9, 10], [0, 30, 4]])
    status = primary_suppression(table_set, threshold=10, zero_rule=ZeroRule.NEVER)
    assert status[at(0, 0)] is CellStatus.PRIMARY
    assert status[at(0, 1)] is CellStatus.PRIMARY
    assert status[at(0, 2)] is CellStatus.PUBLISHED
    assert status[at(1, 0)] is CellStatus.PUBLISHED  # a zero, published under NEVER
    assert status[at(1, 2)] is CellStatus.PRIMARY
    assert status[at(None, 0)] is CellStatus.PRIMARY  # a column total of 1 is a small count too


def test_province_with_two_cases_under_a_big_region() -> None:
    counts = {"p1": (2, 0), "p2": (25, 14), "p3": (31, 12), "p4": (40, 22), "p5": (18, 27)}
    protected = protect(province_sex(counts))
    p1_total = (("province", "p1"), ("total", "Total"))
    assert protected.status[p1_total] is CellStatus.PRIMARY
    assert protected.status[(("province", "p1"), ("sex", "F"))] is CellStatus.PRIMARY
    assert protected.status[(("province", "p1"), ("sex", "M"))] is CellStatus.ZERO  # its row total is 2
    # another province of the same region hides the difference from the published region total
    region_mates = [(("province", p), ("total", "Total")) for p in ("p2", "p3")]
    assert any(protected.is_suppressed(key) for key in region_mates)
    for published in [
        (("nuts1", "R1"), ("total", "Total")),
        (("nuts1", "R2"), ("total", "Total")),
        (("total", "TR"), ("total", "Total")),
        (("total", "TR"), ("sex", "F")),
    ]:
        assert protected.status[published] is CellStatus.PUBLISHED
    # nothing in the other region needed touching
    assert not any(
        protected.is_suppressed(key) for key in protected.table_set.released if key[0][1] in ("p4", "p5")
    )
    verify(protected)


def test_month_quarter_year_chain_hides_a_second_month_of_the_same_quarter() -> None:
    counts = [40, 15, 3, 22, 25, 30, 31, 28, 26, 35, 33, 29]
    protected = protect(monthly(counts))
    suppressed = {key[0][1] for key in protected.suppressed}
    # March is small; February (15) is the smallest month of Q1 that covers the whole deficit of 10
    assert suppressed == {"2008-03", "2008-02"}
    assert protected.value(month_key("2008Q1")) == 58
    assert protected.value(month_key("2008")) == sum(counts)
    verify(protected)


def test_a_small_quarter_hides_another_quarter_and_the_months_below_it() -> None:
    counts = [1, 2, 3, 22, 25, 30, 31, 28, 26, 35, 33, 29]
    protected = protect(monthly(counts))
    assert protected.status[month_key("2008Q1")] is CellStatus.PRIMARY
    assert sum(protected.is_suppressed(month_key(q)) for q in ("2008Q2", "2008Q3", "2008Q4")) >= 1
    assert protected.value(month_key("2008")) == sum(counts)
    verify(protected)


# --- zeros ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "small_row_zero", "big_row_zero"),
    [
        (ZeroRule.SMALL_MARGIN, CellStatus.ZERO, CellStatus.PUBLISHED),
        (ZeroRule.ALWAYS, CellStatus.ZERO, CellStatus.ZERO),
        (ZeroRule.NEVER, CellStatus.PUBLISHED, CellStatus.PUBLISHED),
    ],
)
def test_zero_rules(rule: ZeroRule, small_row_zero: CellStatus, big_row_zero: CellStatus) -> None:
    # row 0: 3 people, all in column 0 -- the zero says "all 3 are in column 0"
    table_set = two_way([[3, 0, 0], [50, 0, 12], [40, 25, 30]])
    status = primary_suppression(table_set, threshold=10, zero_rule=rule)
    assert status[at(0, 1)] is small_row_zero
    # row 1 has 62 people, and column 1 has 25: a zero there reveals nothing about a small group
    assert status[at(1, 1)] is big_row_zero
    verify(protect(table_set, zero_rule=rule))


def test_zero_under_small_column_is_disclosive_even_in_a_big_row() -> None:
    table_set = two_way([[0, 50], [4, 60], [3, 70]])  # column 0 totals 7
    status = primary_suppression(table_set, zero_rule=ZeroRule.SMALL_MARGIN)
    assert status[at(0, 0)] is CellStatus.ZERO


def test_zero_rule_accepts_its_string_value() -> None:
    table_set = two_way([[3, 0], [20, 30]])
    assert protect(table_set, zero_rule="never") == protect(table_set, zero_rule=ZeroRule.NEVER)
    with pytest.raises(ValueError):
        protect(table_set, zero_rule="sometimes")


# --- threshold, output, legend ------------------------------------------------------------------------


def test_threshold_is_configurable_and_validated() -> None:
    table_set = two_way([[7, 20], [4, 40]])
    status = primary_suppression(table_set, threshold=5)
    assert status[at(0, 0)] is CellStatus.PUBLISHED
    assert status[at(1, 0)] is CellStatus.PRIMARY
    at_five = protect(table_set, threshold=5)
    assert at_five.threshold == 5
    assert at_five.value(at(1, 0)) == SUPPRESSED
    verify(at_five)
    assert "Threshold: 5." in at_five.legend()
    for bad in (0, -3, True, 2.5, "10"):
        with pytest.raises(ValueError):
            protect(table_set, threshold=bad)  # type: ignore[arg-type]


def test_release_frame_shows_counts_and_the_marker_and_nothing_else() -> None:
    protected = protect(two_way([[2, 20], [30, 40]]))
    frame = protected.release("t")
    assert list(frame.columns) == ["row", "row_level", "col", "col_level", "count"]
    assert len(frame) == 9
    values = frame["count"].tolist()
    assert values.count(SUPPRESSED) == len(protected.suppressed)
    assert all(value == SUPPRESSED or type(value) is int for value in values)
    grand = frame[(frame["row_level"] == "total") & (frame["col_level"] == "total")]["count"].item()
    assert grand == 92
    detail = protected.detail("t")
    assert {"value", "status"} <= set(detail.columns)
    assert set(protected.releases()) == {"t"}


def test_legend_in_english_and_turkish_names_marker_and_threshold() -> None:
    english = legend(11, "en")
    turkish = legend(11, "tr")
    assert english.startswith(f"{SUPPRESSED} = confidential")
    assert turkish.startswith(f"{SUPPRESSED} = gizli")
    assert "11" in english and "11" in turkish
    with pytest.raises(ValueError):
        legend(10, "de")


def test_protection_never_changes_a_published_number() -> None:
    counts = {"p1": (2, 0), "p2": (25, 14), "p3": (31, 12), "p4": (40, 22), "p5": (18, 27)}
    table_set = province_sex(counts)
    protected = protect(table_set)
    frame = protected.detail("by province and sex")
    shown = frame[frame["count"] != SUPPRESSED]
    assert (shown["count"].astype(int) == shown["value"]).all()
    national = sum(f + m for f, m in counts.values())
    assert protected.value((("total", "TR"), ("total", "Total"))) == national


# --- rates and shares ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("numerator", "denominator", "expected"),
    [
        (20, 80, 25.0),
        (0, 50, 0.0),
        (SUPPRESSED, 80, SUPPRESSED),  # the rate would give the suppressed numerator back
        (20, SUPPRESSED, SUPPRESSED),  # ... or the suppressed denominator
        (0, 4, SUPPRESSED),  # base below the threshold
        (0, 0, SUPPRESSED),  # an empty base is below the threshold too
        (5, 80, SUPPRESSED),  # a small raw numerator never gets out through a rate
        (12, 10, 120.0),
    ],
)
def test_rate_rules(numerator: int | str, denominator: int | str, expected: float | str) -> None:
    assert rate(numerator, denominator) == expected


def test_rate_factor_decimals_and_bad_input() -> None:
    assert rate(10, 30, factor=1.0, decimals=3) == 0.333
    assert rate(15, 20, threshold=15) == 75.0
    assert rate(14, 20, threshold=15) == SUPPRESSED
    for bad in (None, -1, 2.5, float("nan"), "x"):
        with pytest.raises(ValueError):
            rate(bad, 100)  # type: ignore[arg-type]


def test_suppress_rates_on_a_released_frame() -> None:
    protected = protect(two_way([[2, 20], [30, 40]]))
    frame = protected.release("t").pivot(index="row", columns="col", values="count")
    shares = suppress_rates(frame, numerator="k1", denominator="Total")
    assert shares["r0"] == SUPPRESSED  # numerator suppressed
    assert shares["Total"] == pytest.approx(60 / 92 * 100, abs=0.05)
    assert protected.rate(at(None, 0), at(None, None)) == round(32 / 92 * 100, 1)
    assert protected.rate(at(0, 0), at(0, None)) == SUPPRESSED


# --- determinism and the builder ----------------------------------------------------------------------


def test_protecting_twice_or_from_shuffled_rows_gives_identical_output() -> None:
    counts = {"p1": (2, 0), "p2": (25, 14), "p3": (3, 12), "p4": (40, 1), "p5": (18, 27)}
    data = pd.DataFrame(
        [
            (province, region, sex, counts[province][i])
            for province, region in GEO.members
            for i, sex in enumerate("FM")
        ],
        columns=["province", "nuts1", "sex", "count"],
    )
    tables = [TableSpec("by province and sex", {"geo": "province", "sex": "sex"})]
    first = protect(build_table_set(data, [GEO, SEX], tables))
    second = protect(build_table_set(data, [GEO, SEX], tables))
    shuffled = protect(build_table_set(data.sample(frac=1, random_state=7), [GEO, SEX], tables))
    assert first == second == shuffled
    pd.testing.assert_frame_equal(
        first.release("by province and sex"), shuffled.release("by province and sex")
    )


def test_hand_written_table_sets_are_validated() -> None:
    a, b, total = (("x", "a"),), (("x", "b"),), (("x", "all"),)
    table = ReleasedTable("t", ("x",), (a, b, total))
    good = TableSet(("x",), {a: 1, b: 2, total: 3}, (Constraint(total, (a, b), "x"),), (table,))
    assert protect(good, threshold=3).value(total) == 3
    with pytest.raises(TableSetError, match="add up"):
        TableSet(("x",), {a: 1, b: 2, total: 4}, (Constraint(total, (a, b), "x"),), (table,))
    with pytest.raises(TableSetError, match="non-negative"):
        TableSet(("x",), {a: -1, b: 2, total: 1}, (Constraint(total, (a, b), "x"),), (table,))


def test_builder_refuses_inconsistent_specs() -> None:
    data = pd.DataFrame({"province": ["p1", "p1"], "nuts1": ["R1", "R2"], "count": [3, 4]})
    geo = Hierarchy("geo", ("province", "nuts1"))
    with pytest.raises(TableSetError, match="several"):
        build_table_set(data, [geo], [TableSpec("t", {"geo": "province"})])
    with pytest.raises(TableSetError, match="not in members"):
        build_table_set(data.iloc[[1]], [GEO], [TableSpec("t", {"geo": "province"})])
    with pytest.raises(TableSetError, match="has no total"):
        build_table_set(
            pd.DataFrame({"month": ["2008-01"], "quarter": ["2008Q1"], "year": ["2008"], "count": [5]}),
            [TIME],
            [TableSpec("t", {})],
        )
    with pytest.raises(TableSetError, match="whole numbers"):
        build_table_set(data.assign(count=[1.5, 2]), [geo], [TableSpec("t", {"geo": "nuts1"})])


def test_dimensions_never_shown_together_are_not_crossed_but_linked_ones_are() -> None:
    rows = [
        (province, region, sex, month, quarter, year, 3)
        for province, region in GEO.members
        for sex in "FM"
        for month, quarter, year in TIME.members
    ]
    data = pd.DataFrame(rows, columns=["province", "nuts1", "sex", "month", "quarter", "year", "count"])
    separate = build_table_set(
        data,
        [GEO, SEX, TIME],
        [
            TableSpec("geo x sex", {"geo": "province", "sex": "sex", "time": "year"}),
            TableSpec("months", {"time": "month"}),
        ],
    )
    # province x sex (8 x 3) at the year, plus 12 months + 4 quarters + the year at the national total
    assert len(separate.cells) == 8 * 3 + 16
    assert set(separate.released) == set(separate.cells)
    linked = build_table_set(
        data,
        [GEO, SEX, TIME],
        [
            TableSpec("geo x sex", {"geo": "province", "sex": "sex", "time": "year"}),
            TableSpec("geo x quarter", {"geo": "province", "time": "quarter"}),
        ],
    )
    # province x sex x quarter is hidden but kept: it links the two tables
    hidden = set(linked.cells) - set(linked.released)
    assert (("province", "p1"), ("sex", "F"), ("quarter", "2008Q1")) in hidden
    assert linked.values[(("province", "p1"), ("sex", "F"), ("quarter", "2008Q1"))] == 9


def test_verify_refuses_a_set_protected_by_primary_suppression_only() -> None:
    table_set = two_way([[2, 20], [30, 40]])
    primary_only = ProtectedSet(table_set, 10, ZeroRule.SMALL_MARGIN, primary_suppression(table_set))
    with pytest.raises(DisclosureError, match="width 0"):
        verify(primary_only)
    tampered = protect(table_set)
    status = dict(tampered.status)
    status[at(0, 0)] = CellStatus.PUBLISHED
    with pytest.raises(DisclosureError, match="below the threshold"):
        verify(ProtectedSet(table_set, 10, ZeroRule.SMALL_MARGIN, status))
