"""The donor report's tables, made from the warehouse's reporting schema after disclosure control.

``build_report(source, request, ...)`` is pure: the same ``Source`` and request give the same tables,
cell for cell (every order is fixed: catalogue order, code-list order, time order). The one timestamp,
``generated_at``, is passed in and appears only in the data-vintage table.

Tables, in order: the logframe, yearly and quarterly trends, one table per mandatory breakdown for the
report year (indicators as columns), the methodology (the catalogue's definitions and counting rules),
notes (general counting rules and the disclosure rule), the data vintage and the batches it was made
from. Every released figure comes out of ``reports.release``.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar

import pandas as pd

from reports.disclosure import DEFAULT_THRESHOLD, SUPPRESSED, ZeroRule, legend
from reports.document import Cell, Chart, Column, Kind, Report, ReportTable
from reports.release import (
    COUNT_UNITS,
    AuditSummary,
    Dimension,
    Ref,
    Release,
    dimension_hierarchy,
    time_hierarchy,
    time_refs,
)
from reports.source import ReportDataError, Source
from reports.tables import TOTAL_LEVEL

NATIONAL_LABEL = "Türkiye"

AGE_LABELS = {"child": "Child (under 18)", "adult": "Adult (18 and over)", "unknown": "Age unknown"}
NATIONALITY_LABELS = {
    "national": "Turkish citizens",
    "other_eu": "Citizens of other EU countries",
    "non_eu": "Citizens of non-EU countries",
    "unknown": "Citizenship unknown",
}
NATIONALITY_ORDER = ("national", "other_eu", "non_eu", "unknown")
ZERO_RULE_TEXT = {
    ZeroRule.SMALL_MARGIN: (
        "a zero is hidden when a total it adds into is between 1 and the threshold minus one"
    ),
    ZeroRule.ALWAYS: "every zero is hidden",
    ZeroRule.NEVER: "zeros are shown",
}


class ReportRequestError(ValueError):
    """The report arguments cannot be used; the message says which and why."""


@dataclass(frozen=True)
class ReportRequest:
    period: int
    """The report year: logframe values and breakdowns are for this year."""
    first_year: int
    last_year: int
    """The years of the trends (whole years, including the report year)."""
    threshold: int = DEFAULT_THRESHOLD
    zero_rule: ZeroRule = ZeroRule.SMALL_MARGIN

    @property
    def years(self) -> list[str]:
        return [str(year) for year in range(self.first_year, self.last_year + 1)]

    @property
    def quarters(self) -> list[str]:
        return [f"{year}Q{quarter}" for year in self.years for quarter in range(1, 5)]

    @property
    def file_stem(self) -> str:
        stem = f"donor-report-{self.period}"
        if (self.first_year, self.last_year) != (self.period, self.period):
            stem += f"_trends-{self.first_year}-{self.last_year}"
        return stem


def parse_request(
    period: str | int,
    date_from: str | None = None,
    date_to: str | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    zero_rule: ZeroRule | str = ZeroRule.SMALL_MARGIN,
) -> ReportRequest:
    """Check the command-line arguments: a year, and an optional span of whole years around it."""
    text = str(period).strip()
    if not re.fullmatch(r"\d{4}", text):
        raise ReportRequestError(f"--period must be a year (YYYY), got {text!r}")
    year = int(text)
    first = _month(date_from, "--from", 1) if date_from else year
    last = _month(date_to, "--to", 12) if date_to else year
    if first > last:
        raise ReportRequestError(f"--from ({date_from}) is after --to ({date_to})")
    if not first <= year <= last:
        raise ReportRequestError(f"the trend years {first}-{last} must include the report year {year}")
    if isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 1:
        raise ReportRequestError(f"--threshold must be a positive whole number, got {threshold!r}")
    return ReportRequest(year, first, last, threshold, ZeroRule(zero_rule))


def _month(value: str, option: str, month: int) -> int:
    match = re.fullmatch(r"(\d{4})-(\d{2})", value.strip())
    if not match:
        raise ReportRequestError(f"{option} must be a month YYYY-MM, got {value!r}")
    if int(match.group(2)) != month:
        raise ReportRequestError(
            f"{option} must be {'January' if month == 1 else 'December'} ({match.group(1)}-{month:02d}): "
            "trends cover whole years, so that yearly figures are the sums of the quarters shown"
        )
    return int(match.group(1))


@dataclass(frozen=True)
class Indicator:
    id: str
    name_en: str
    name_tr: str
    unit: str
    factor: float
    breakdowns: frozenset[str]
    row: Mapping[str, object]

    @property
    def is_count(self) -> bool:
        return self.unit in COUNT_UNITS

    @property
    def kind(self) -> Kind:
        if self.is_count:
            return Kind.COUNT
        return {"percent": Kind.PERCENT, "rate": Kind.RATE}.get(self.unit, Kind.DECIMAL)

    @property
    def header(self) -> str:
        return f"{self.id} {self.name_en}"


class _Values:
    """Index of ``rpt_indicator_values`` rows by indicator, period, breakdown and codes."""

    KEY: ClassVar[tuple[str, ...]] = ("indicator_id", "period_type", "period_id", "disaggregation")
    CODES: ClassVar[dict[str, str]] = {
        "sex": "sex",
        "age_group": "age_group",
        "nationality_group": "nationality_group",
        "exploitation_type": "exploitation_type",
        "nuts1": "nuts1_code",
    }

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame
        # positions per key, taken when asked for (making every group's frame up front took half a second)
        self.positions = frame.groupby(list(self.KEY), sort=True).indices
        self.rows: dict[tuple[str, ...], dict[str, object]] = {}
        for record in frame.to_dict("records"):
            codes = tuple(str(record[column]) for column in self.CODES.values())
            self.rows[(*(str(record[k]) for k in self.KEY), *codes)] = record

    def group(self, indicator: str, period_type: str, period_id: str, disaggregation: str) -> pd.DataFrame:
        positions = self.positions.get((indicator, period_type, period_id, disaggregation))
        return self.frame.iloc[0:0] if positions is None else self.frame.iloc[positions]

    def row(
        self,
        indicator: str,
        period_type: str,
        period_id: str,
        disaggregation: str,
        filters: Mapping[str, str],
    ) -> dict[str, object] | None:
        codes = tuple(filters.get(name, "") for name in self.CODES)
        return self.rows.get((indicator, period_type, period_id, disaggregation, *codes))

    def has(self, indicator: str, period_type: str) -> bool:
        return any(key[0] == indicator and key[1] == period_type for key in self.positions)

    def codes(self, indicators: Sequence[str], disaggregation: str, column: str) -> set[str]:
        frame = self.frame
        mask = frame["indicator_id"].isin(list(indicators)) & (frame["disaggregation"] == disaggregation)
        return {code for code in frame.loc[mask, column].tolist() if code}

    def periods(self, period_type: str) -> set[str]:
        return set(self.frame.loc[self.frame["period_type"] == period_type, "period_id"].tolist())


def build_report(
    source: Source,
    request: ReportRequest,
    *,
    generated_at: str,
    software_version: str,
) -> Report:
    """Every table of the report, disclosure-controlled and audited (``DisclosureError`` if unsafe)."""
    values = _Values(source.values)
    indicators = _indicators(source.catalogue)
    dimensions = _dimensions(source, values, indicators)
    release = release_for(source, request)
    summary = release.summary
    legend_en = legend(request.threshold, "en")
    legend_tr = legend(request.threshold, "tr")
    legends = (f"Legend: {legend_en}", f"Açıklama: {legend_tr}")
    rounded = bool(source.values["is_rounded"].any())
    year = str(request.period)
    share = _sharer(release, values)
    tables: list[ReportTable] = [
        _logframe(request, indicators, release, values, legends),
        _trend_yearly(request, indicators, release, values, legends, rounded),
        _trend_quarterly(request, indicators, release, values, legends, rounded),
    ]
    for spec in _BREAKDOWN_TABLES:
        table = _breakdown_table(spec, indicators, dimensions, release, share, legends, rounded, year)
        if table is not None:
            tables.append(table)
    tables.append(_methodology(indicators))
    tables.append(_notes(request, rounded, legend_en, legend_tr, summary.withheld_tables))
    tables.append(_vintage(source, request, generated_at, software_version, summary))
    tables.append(_batches(source))
    span = f"{request.first_year}-{request.last_year}" if request.first_year != request.last_year else year
    return Report(
        title=f"Counter-trafficking indicators: donor report {year}",
        subtitle=(
            f"Report year {year}; trends {span}. Disclosure control: threshold {request.threshold}, "
            f"marker {SUPPRESSED!r}."
        ),
        period=request.period,
        threshold=request.threshold,
        legend_en=legend_en,
        legend_tr=legend_tr,
        tables=tuple(tables),
        generated_at=generated_at,
        file_stem=request.file_stem,
        summary={
            "Build": str(source.build.get("build_id")),
            "Batches used": str(len(source.batches)),
            "Threshold": str(request.threshold),
            "Attack audit": _audit_text(summary),
        },
    )


def release_for(source: Source, request: ReportRequest) -> Release:
    """Every released count of the report, protected, linked and audited (``Release.verify``)."""
    values = _Values(source.values)
    _check_coverage(values, request)
    indicators = _indicators(source.catalogue)
    dimensions = _dimensions(source, values, indicators)
    release = _protect(request, values, indicators, dimensions)
    release.verify()
    return release


# ---------------------------------------------------------------------------------------------- inputs


def _check_coverage(values: _Values, request: ReportRequest) -> None:
    years = values.periods("year")
    missing = [year for year in request.years if year not in years]
    if missing:
        covered = f"{min(years)}-{max(years)}" if years else "no year"
        raise ReportDataError(
            f"the warehouse has no indicator values for {', '.join(missing)} (it covers {covered})"
        )


def _indicators(catalogue: pd.DataFrame) -> list[Indicator]:
    found = []
    for row in catalogue.to_dict("records"):
        breakdowns = frozenset(str(row.get("disaggregations") or "").split("|")) - {""}
        found.append(
            Indicator(
                id=str(row["indicator_id"]),
                name_en=str(row["indicator_name_en"]),
                name_tr=_text(row.get("indicator_name_tr")),
                unit=str(row["unit"]),
                factor=float(row["factor"]) if _present(row.get("factor")) else 1.0,
                breakdowns=breakdowns,
                row=row,
            )
        )
    return found


def _dimensions(source: Source, values: _Values, indicators: list[Indicator]) -> dict[str, Dimension]:
    def codes(frame: pd.DataFrame, column: str) -> tuple[str, ...]:
        return tuple(str(code) for code in frame[column].tolist())

    def labels(frame: pd.DataFrame, column: str, label: str = "label_en") -> dict[str, str]:
        return {str(row[column]): str(row[label]) for row in frame.to_dict("records")}

    forms_used = values.codes([i.id for i in indicators], "exploitation_type", "exploitation_type")
    forms = tuple(
        code for code in codes(source.exploitation_types, "exploitation_type") if code in forms_used
    )
    forms += tuple(sorted(forms_used - set(forms)))
    regions = {
        code: f"{code} {name}" for code, name in labels(source.regions, "nuts1_code", "nuts1_name").items()
    }
    return {
        "sex": Dimension(
            "sex", "sex", codes(source.sexes, "sex"), labels=labels(source.sexes, "sex"), title="Sex"
        ),
        "age_group": Dimension(
            "age_group",
            "age_group",
            codes(source.age_groups, "age_group"),
            labels=AGE_LABELS,
            title="Age group",
        ),
        "nationality_group": Dimension(
            "nationality_group",
            "nationality_group",
            NATIONALITY_ORDER,
            labels=NATIONALITY_LABELS,
            title="Citizenship group",
        ),
        "exploitation_type": Dimension(
            "exploitation_type",
            "exploitation_type",
            forms,
            total_label=None,
            labels=labels(source.exploitation_types, "exploitation_type"),
            title="Form of exploitation",
        ),
        "nuts1": Dimension(
            "nuts1",
            "nuts1_code",
            codes(source.regions, "nuts1_code"),
            total_label=NATIONAL_LABEL,
            labels=regions,
            title="NUTS-1 region",
        ),
    }


# ---------------------------------------------------------------------------------------------- release


@dataclass(frozen=True)
class _BreakdownSpec:
    name: str
    title: str
    dimensions: tuple[str, ...]
    disaggregation: str
    excluded_by: str | None = None
    """Indicators with this breakdown are shown elsewhere (their sex x age table holds these margins)."""


_BREAKDOWN_TABLES = (
    _BreakdownSpec("by_sex_and_age", "by sex and age group", ("sex", "age_group"), "sex_age_group"),
    _BreakdownSpec("by_sex", "by sex", ("sex",), "sex", excluded_by="sex_age_group"),
    _BreakdownSpec("by_age_group", "by age group", ("age_group",), "age_group", excluded_by="sex_age_group"),
    _BreakdownSpec(
        "by_nationality_group", "by citizenship group", ("nationality_group",), "nationality_group"
    ),
    _BreakdownSpec(
        "by_exploitation_type", "by form of exploitation", ("exploitation_type",), "exploitation_type"
    ),
    _BreakdownSpec("by_region", "by NUTS-1 region", ("nuts1",), "nuts1"),
)


def _in_table(indicator: Indicator, spec: _BreakdownSpec) -> bool:
    if spec.disaggregation not in indicator.breakdowns:
        return False
    return not (spec.excluded_by and spec.excluded_by in indicator.breakdowns and indicator.is_count)


def _protect(
    request: ReportRequest, values: _Values, indicators: list[Indicator], dimensions: Mapping[str, Dimension]
) -> Release:
    release = Release(request.threshold, request.zero_rule)
    year = str(request.period)
    for indicator in indicators:
        if not indicator.is_count:
            continue
        _add_trend(release, indicator, values, request)
        for spec in _BREAKDOWN_TABLES:
            if not _in_table(indicator, spec):
                continue
            dims = [dimensions[name] for name in spec.dimensions]
            rows = values.group(indicator.id, "year", year, spec.disaggregation)
            data = pd.DataFrame({dim.name: rows[dim.column].astype("string") for dim in dims})
            data["count"] = rows["numerator"].fillna(0).astype("int64").to_numpy()
            data = data[(data[[dim.name for dim in dims]] != "").all(axis=1)]
            hierarchies = [dimension_hierarchy(dim, data[dim.name].tolist()) for dim in dims]
            release.add(indicator.id, spec.name, year, data, hierarchies)
        _add_baseline(release, indicator, values, request)
        release.link(indicator.id, "trend", year)
    return release


def _add_trend(release: Release, indicator: Indicator, values: _Values, request: ReportRequest) -> None:
    if values.has(indicator.id, "quarter"):
        periods, period_type = request.quarters, "quarter"
    else:
        periods, period_type = request.years, "year"
    counts = [_total_count(values, indicator.id, period_type, period) for period in periods]
    hierarchy = time_hierarchy(request.quarters if period_type == "quarter" else None, request.years)
    data = pd.DataFrame([(*member, count) for member, count in zip(hierarchy.members, counts, strict=True)])
    data.columns = [*hierarchy.levels, "count"]
    table = release.add(indicator.id, "trend", "", data, [hierarchy], refs={})
    table.refs.update(time_refs(indicator.id, table.cells()))


def _add_baseline(release: Release, indicator: Indicator, values: _Values, request: ReportRequest) -> None:
    """The baseline year's national count, when the trend does not show it: a one-cell table."""
    baseline = _year(indicator.row.get("baseline_year"))
    if baseline is None or str(baseline) in request.years or str(baseline) not in values.periods("year"):
        return
    year = str(baseline)
    if values.has(indicator.id, "quarter"):
        count = sum(_total_count(values, indicator.id, "quarter", f"{year}Q{q}") for q in range(1, 5))
    else:
        count = _total_count(values, indicator.id, "year", year)
    hierarchy = time_hierarchy(None, [year])
    data = pd.DataFrame({"year": [year], "count": [count]})
    table = release.add(indicator.id, "baseline", year, data, [hierarchy], refs={})
    table.refs.update(time_refs(indicator.id, table.cells()))


def _total_count(values: _Values, indicator: str, period_type: str, period: str) -> int:
    row = values.row(indicator, period_type, period, "total", {})
    if row is None or not _present(row.get("numerator")):
        return 0
    return int(row["numerator"])  # type: ignore[call-overload]


ShareFn = Callable[[Indicator, str, str, Mapping[str, str]], Cell]


def _sharer(release: Release, values: _Values) -> ShareFn:
    """``share(indicator, period_type, period, filters)``: a released share of the report (or the marker)."""

    def share(indicator: Indicator, period_type: str, period: str, filters: Mapping[str, str]) -> Cell:
        if filters:
            (name,) = filters if len(filters) == 1 else ("sex_age_group",)
            disaggregation = name
        else:
            disaggregation = "total"
        row = values.row(indicator.id, period_type, period, disaggregation, filters)
        return release.share(indicator.id, period, filters, row, indicator.unit, indicator.factor)

    return share


def _figure(release: Release, indicator: Indicator, values: _Values, period_type: str, period: str) -> Cell:
    if indicator.is_count:
        return release.figure(Ref(indicator.id, period))
    return _sharer(release, values)(indicator, period_type, period, {})


# ---------------------------------------------------------------------------------------------- tables


def _logframe(
    request: ReportRequest,
    indicators: list[Indicator],
    release: Release,
    values: _Values,
    legends: tuple[str, ...],
) -> ReportTable:
    year = str(request.period)
    columns = (
        Column("indicator", "Indicator"),
        Column("name_en", "Name"),
        Column("name_tr", "Adı"),
        Column("level", "Logframe level"),
        Column("unit", "Unit"),
        Column("definition", "Definition"),
        Column("baseline_year", "Baseline year", Kind.INTEGER),
        Column("baseline", "Baseline", Kind.DECIMAL),
        Column("baseline_source", "Baseline from"),
        Column("target_year", "Target year", Kind.INTEGER),
        Column("target", "Target", Kind.DECIMAL),
        Column("direction", "Wanted direction"),
        Column("actual", f"Actual {year}", Kind.DECIMAL),
        Column("progress", "Progress since baseline"),
        Column("progress_to_target", "Way to target covered (%)", Kind.PERCENT),
        Column("target_met", "Target met"),
    )
    rows: list[tuple[Cell, ...]] = []
    kinds: list[Kind] = []
    for indicator in indicators:
        row = indicator.row
        baseline_year = _year(row.get("baseline_year"))
        planned = _number(row.get("baseline_value"))
        measured: Cell = None
        if baseline_year is not None and str(baseline_year) in values.periods("year"):
            measured = _figure(release, indicator, values, "year", str(baseline_year))
        baseline, source = (planned, "plan") if planned is not None else (measured, "measured")
        if baseline is None:
            source = ""
        target = _number(row.get("target_value"))
        actual = _figure(release, indicator, values, "year", year)
        direction = _text(row.get("target_direction"))
        progress, covered, met = _progress(baseline, actual, target, direction)
        rows.append(
            (
                indicator.id,
                indicator.name_en,
                indicator.name_tr,
                _text(row.get("logframe_level")),
                indicator.unit,
                _text(row.get("definition")),
                baseline_year,
                baseline,
                source,
                _year(row.get("target_year")),
                target,
                direction,
                actual,
                progress,
                covered,
                met,
            )
        )
        kinds.append(indicator.kind)
    notes = (
        *legends,
        "Baseline from 'plan' is the action plan's figure; 'measured' is the warehouse's figure for the "
        "baseline year, under the same disclosure control as every other figure.",
        "Progress compares the actual figure with the baseline in the wanted direction; it is not shown "
        f"({SUPPRESSED!r}) when either figure is confidential.",
    )
    return _with_row_kinds(
        ReportTable("logframe", f"Logframe {year}: baseline, target and actual", columns, tuple(rows), notes),
        kinds,
        ("baseline", "target", "actual"),
    )


def _progress(baseline: Cell, actual: Cell, target: Cell, direction: str) -> tuple[Cell, Cell, Cell]:
    """Progress since baseline, share of the way to the target covered, target met.

    Never computed from a hidden figure (it would tell which side of the baseline the figure lies)."""
    if SUPPRESSED in (baseline, actual):
        hidden_target = SUPPRESSED if target is not None else None
        return SUPPRESSED, hidden_target, hidden_target
    if not isinstance(actual, int | float):
        return None, None, None
    progress: Cell = None
    if isinstance(baseline, int | float) and direction in ("increase", "decrease"):
        if actual == baseline:
            progress = "unchanged"
        else:
            better = actual > baseline if direction == "increase" else actual < baseline
            progress = "improved" if better else "worsened"
    elif direction == "monitor":
        progress = "monitored (no target direction)"
    covered: Cell = None
    met: Cell = None
    if isinstance(target, int | float):
        if isinstance(baseline, int | float) and target != baseline:
            covered = round((actual - baseline) / (target - baseline) * 100, 1)
        met = "yes" if (actual <= target if direction == "decrease" else actual >= target) else "no"
    return progress, covered, met


def _trend_yearly(
    request: ReportRequest,
    indicators: list[Indicator],
    release: Release,
    values: _Values,
    legends: tuple[str, ...],
    rounded: bool,
) -> ReportTable:
    columns = (
        Column("indicator", "Indicator"),
        Column("name_en", "Name"),
        Column("unit", "Unit"),
        *(Column(year, year, Kind.DECIMAL) for year in request.years),
    )
    rows = []
    kinds = []
    for indicator in indicators:
        cells = [_figure(release, indicator, values, "year", year) for year in request.years]
        rows.append((indicator.id, indicator.name_en, indicator.unit, *cells))
        kinds.append(indicator.kind)
    notes = [*legends, "Counts of a year are the sums of its four quarters (quarterly trend)."]
    if rounded:
        notes.append(_ROUNDING_NOTE)
    table = ReportTable(
        "trend_yearly",
        f"Yearly trend {request.first_year}-{request.last_year}",
        columns,
        tuple(rows),
        tuple(notes),
        chart=Chart.TREND if len(request.years) > 1 else Chart.NONE,
    )
    return _with_row_kinds(table, kinds, tuple(request.years))


def _trend_quarterly(
    request: ReportRequest,
    indicators: list[Indicator],
    release: Release,
    values: _Values,
    legends: tuple[str, ...],
    rounded: bool,
) -> ReportTable:
    columns = (
        Column("indicator", "Indicator"),
        Column("name_en", "Name"),
        *(Column(quarter, quarter, Kind.COUNT) for quarter in request.quarters),
    )
    rows = []
    for indicator in indicators:
        if not indicator.is_count or not values.has(indicator.id, "quarter"):
            continue
        cells = [release.figure(Ref(indicator.id, quarter)) for quarter in request.quarters]
        rows.append((indicator.id, indicator.name_en, *cells))
    notes = [*legends, "Counts only: shares and rates of a quarter rest on bases too small to publish."]
    if rounded:
        notes.append(_ROUNDING_NOTE)
    return ReportTable(
        "trend_quarterly",
        f"Quarterly trend {request.first_year}-{request.last_year} (counts)",
        columns,
        tuple(rows),
        tuple(notes),
        chart=Chart.TREND,
    )


def _breakdown_table(
    spec: _BreakdownSpec,
    indicators: list[Indicator],
    dimensions: Mapping[str, Dimension],
    release: Release,
    share: ShareFn,
    legends: tuple[str, ...],
    rounded: bool,
    year: str,
) -> ReportTable | None:
    """One breakdown for the report year: a row per category (and the margins), a column per indicator."""
    chosen = [i for i in indicators if _in_table(i, spec)]
    if spec.disaggregation == "sex_age_group":
        chosen = [i for i in chosen if i.is_count]
    dims = [dimensions[name] for name in spec.dimensions]
    if not chosen or any(not dim.members for dim in dims):
        return None
    label_columns: list[Column] = []
    for dim in dims:
        label_columns += [Column(f"{dim.name}_code", f"{dim.title} code"), Column(dim.name, dim.title)]
    columns = (*label_columns, *(Column(i.id, i.header, i.kind) for i in chosen))
    rows = []
    for key in itertools.product(*(_nodes(dim) for dim in dims)):
        labels: list[Cell] = []
        filters: dict[str, str] = {}
        for dim, (level, code) in zip(dims, key, strict=True):
            if level == TOTAL_LEVEL:
                labels += ["", "All" if dim.total_label == "Total" else code]
            else:
                labels += [code, dim.label(code)]
                filters[dim.name] = code
        cells: list[Cell] = []
        for indicator in chosen:
            if indicator.is_count:
                table = release.table(indicator.id, spec.name)
                cells.append(table.value(key) if table is not None else None)
            else:
                cells.append(share(indicator, "year", year, filters))
        rows.append((*labels, *cells))
    notes = [*legends]
    if spec.name == "by_exploitation_type":
        notes.append(
            "A victim can be exploited in several forms, so the forms add up to more than the number of "
            "victims: the table has no total row."
        )
    else:
        notes.append("Totals are the sums of the rows shown.")
    if rounded:
        notes.append(_ROUNDING_NOTE)
    withheld = [i.id for i in chosen if (t := release.table(i.id, spec.name)) is not None and t.withheld]
    if withheld:
        notes.append(
            f"Withheld ({', '.join(withheld)}): a column shown entirely as {SUPPRESSED!r} is withheld "
            "because its total had to be hidden."
        )
    return ReportTable(
        spec.name, f"Indicators {spec.title}, {year}", columns, tuple(rows), tuple(notes), chart=Chart.BARS
    )


def _nodes(dim: Dimension) -> list[tuple[str, str]]:
    nodes = [(dim.name, code) for code in dim.members]
    if dim.total_label is not None:
        nodes.append((TOTAL_LEVEL, dim.total_label))
    return nodes


def _methodology(indicators: list[Indicator]) -> ReportTable:
    columns = (
        Column("indicator", "Indicator"),
        Column("name_en", "Name"),
        Column("name_tr", "Adı"),
        Column("definition", "Definition"),
        Column("numerator", "Numerator (what is counted)"),
        Column("denominator", "Denominator"),
        Column("factor", "Factor", Kind.INTEGER),
        Column("unit", "Unit"),
        Column("unit_of_count", "Unit of count"),
        Column("date_basis", "Date basis (what places a unit in a period)"),
        Column("periods", "Periods"),
        Column("breakdowns", "Breakdowns"),
        Column("frameworks", "Reporting frameworks"),
    )
    rows = []
    for indicator in indicators:
        row = indicator.row
        frameworks = "; ".join(
            f"{label}: {_text(row.get(key))}"
            for key, label in (
                ("sdg", "SDG"),
                ("glotip", "UNODC GLOTIP"),
                ("eurostat", "Eurostat"),
                ("greta", "GRETA"),
                ("tip", "US TIP"),
            )
            if _text(row.get(key))
        )
        factor = _number(row.get("factor"))
        rows.append(
            (
                indicator.id,
                indicator.name_en,
                indicator.name_tr,
                _text(row.get("definition")),
                _text(row.get("numerator")),
                _text(row.get("denominator")),
                int(factor) if factor is not None else None,
                indicator.unit,
                _text(row.get("unit_of_count")),
                _text(row.get("date_basis")),
                _text(row.get("period_types")).replace("|", ", "),
                _text(row.get("disaggregations")).replace("|", ", "),
                frameworks,
            )
        )
    return ReportTable(
        "methodology",
        "Methodology: definitions and counting rules (indicator catalogue)",
        columns,
        tuple(rows),
        ("From the indicator catalogue of the warehouse (reporting.rpt_indicator_catalogue).",),
        statistical=False,
    )


_ROUNDING_NOTE = (
    "Counts about victims, defendants and their cases are rounded in the warehouse's reporting layer "
    "before this report applies its own disclosure control, so totals here can differ by a few units "
    "from one table to another."
)


def _notes(
    request: ReportRequest, rounded: bool, legend_en: str, legend_tr: str, withheld_tables: int
) -> ReportTable:
    items = [
        (
            "Source",
            "Aggregates of the warehouse's reporting schema only (no record about a person is read), built "
            "from the agencies' active data batches listed under Data vintage.",
        ),
        (
            "Counting",
            "Each indicator counts the unit named in the methodology (a person once per period however "
            "many records or agencies report them, a case, or an event), placed in a period by its date "
            "basis.",
        ),
        ("Children", "A child is a person under 18 at identification."),
        (
            "Unknown values",
            "Unknown sex, age or citizenship is shown as its own category; shares leave it out of their "
            "base.",
        ),
        (
            "Forms of exploitation",
            "Multi-select: one victim can be counted under several forms; forms have no total.",
        ),
        (
            "Yearly figures",
            "Counts of a year are the sums of its four quarters; table totals are the sums of the rows "
            "shown.",
        ),
    ]
    if rounded:
        items.append(("Rounding", _ROUNDING_NOTE))
    items += [
        (
            "Disclosure control",
            f"Threshold {request.threshold}: a count from 1 to {request.threshold - 1} is not shown; "
            f"{ZERO_RULE_TEXT[request.zero_rule]}; further cells are hidden wherever a hidden count could "
            "otherwise be worked out from the totals of any table of this report (secondary suppression); "
            "a share, rate or average is hidden when its base is below the threshold, its numerator is a "
            "count below the threshold, or a count it is made of is hidden.",
        ),
        (
            "Attack audit",
            "Before the report was written, a linear program computed for every hidden cell the range an "
            "attacker could derive from everything published; every range is at least "
            f"{request.threshold} wide.",
        ),
        ("Legend", legend_en),
        ("Açıklama", legend_tr),
    ]
    if withheld_tables:
        items.append(
            (
                "Withheld tables",
                f"{withheld_tables} breakdown(s) withheld whole because their total had to be hidden.",
            )
        )
    return ReportTable(
        "notes",
        "Notes: counting rules and disclosure control",
        (Column("topic", "Topic"), Column("note", "Note")),
        tuple(items),
        statistical=False,
    )


def _vintage(
    source: Source, request: ReportRequest, generated_at: str, software_version: str, summary: AuditSummary
) -> ReportTable:
    build = source.build
    agencies = sorted(set(source.batches["agency"].astype(str).tolist())) if len(source.batches) else []
    items: list[tuple[Cell, Cell]] = [
        ("Report year", str(request.period)),
        ("Trend years", f"{request.first_year}-{request.last_year}"),
        ("Generated at (UTC)", generated_at),
        ("Software version", software_version),
        ("Warehouse engine", source.engine),
        ("Build id", _text(build.get("build_id"))),
        ("Build started at (UTC)", _text(build.get("started_at"))),
        ("dbt version", _text(build.get("dbt_version"))),
        ("Batches used", str(len(source.batches))),
        ("Agencies", ", ".join(agencies)),
        (
            "Batches used are the active ones",
            "yes: the build read every active batch and no other (checked when it was built)",
        ),
        ("Disclosure threshold", str(request.threshold)),
        ("Zero rule", f"{request.zero_rule}: {ZERO_RULE_TEXT[request.zero_rule]}"),
        ("Suppression marker", SUPPRESSED),
        ("Count tables audited", str(summary.tables)),
        ("Released count cells", str(summary.released_cells)),
        ("Hidden count cells", str(summary.suppressed_cells)),
        ("Attack audit", _audit_text(summary)),
    ]
    return ReportTable(
        "data_vintage",
        "Data vintage: what this report was made from",
        (Column("item", "Item"), Column("value", "Value")),
        tuple(items),
        ("The batches themselves are listed in the next table, with their file hashes.",),
        statistical=False,
    )


GENERATED_AT_ITEM = "Generated at (UTC)"
"""The item of the data-vintage table that differs between two runs on the same warehouse."""


def _audit_text(summary: AuditSummary) -> str:
    if summary.narrowest is None:
        return "passed: no hidden cell"
    narrowest = "unbounded" if summary.narrowest == float("inf") else f"{summary.narrowest:g}"
    return f"passed: {summary.suppressed_cells} hidden cells, narrowest derivable range {narrowest}"


FILE_NAME_WITHHELD = "(not shown: not in the naming convention)"
"""The batches table's file name for a file named by hand (rpt_data_vintage_batches withholds it)."""


def _batches(source: Source) -> ReportTable:
    columns = (
        Column("agency", "Agency"),
        Column("source", "Source"),
        Column("period", "Period"),
        Column("period_start", "Period start"),
        Column("period_end", "Period end"),
        Column("file_name", "File"),
        Column("file_sha256", "File SHA-256"),
        Column("rows_loaded", "Rows loaded", Kind.INTEGER),
    )
    rows = []
    for record in source.batches.to_dict("records"):
        rows.append(
            (
                _text(record["agency"]),
                _text(record["source"]),
                _text(record["period"]),
                _date(record["period_start"]),
                _date(record["period_end"]),
                _text(record["file_name"]) or FILE_NAME_WITHHELD,
                _text(record["file_sha256"]),
                int(record["rows_loaded"]) if _present(record["rows_loaded"]) else None,
            )
        )
    return ReportTable(
        "batches",
        "Data vintage: batches used, per agency",
        columns,
        tuple(rows),
        (
            "Every batch is one file an agency sent; its SHA-256 identifies the exact file. A file name "
            "that does not follow the naming convention of the extract specification is not shown.",
        ),
        statistical=False,
    )


# ---------------------------------------------------------------------------------------------- helpers


def _with_row_kinds(table: ReportTable, kinds: Sequence[Kind], columns: Sequence[str]) -> ReportTable:
    """Round each row's numbers in ``columns`` for its kind (counts whole, shares 1, rates 2 decimals)."""
    positions = [i for i, column in enumerate(table.columns) if column.key in columns]
    rows = []
    for row, kind in zip(table.rows, kinds, strict=True):
        cells = list(row)
        for position in positions:
            cells[position] = _as_kind(cells[position], kind)
        rows.append(tuple(cells))
    return ReportTable(
        table.name,
        table.title,
        table.columns,
        tuple(rows),
        table.notes,
        table.statistical,
        table.chart,
        row_kinds=tuple(kinds),
    )


def _as_kind(value: Cell, kind: Kind) -> Cell:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return value
    if kind is Kind.COUNT and float(value).is_integer():
        return int(value)
    decimals = {Kind.RATE: 2, Kind.PERCENT: 1, Kind.DECIMAL: 2}.get(kind, 2)
    return round(float(value), decimals)


def _present(value: object) -> bool:
    if value is None or value is pd.NA:
        return False
    try:
        return not pd.isna(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return True


def _text(value: object) -> str:
    return str(value).strip() if _present(value) else ""


def _number(value: object) -> float | int | None:
    if not _present(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    return int(number) if number.is_integer() else number


def _year(value: object) -> int | None:
    number = _number(value)
    return int(number) if number is not None else None


def _date(value: object) -> str:
    """A date as ``YYYY-MM-DD`` (DuckDB hands dates to pandas as timestamps, PostgreSQL as dates)."""
    if not _present(value):
        return ""
    return pd.Timestamp(value).date().isoformat()  # type: ignore[arg-type]
