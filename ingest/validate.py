"""Check every row against its contract: rows that pass are typed for loading, rows that break a rule
are quarantined with the rule and a reason. Nothing is dropped: loaded + quarantined = read.

Reasons name the line, column and rule, never the value (a value may be personal data); the row's
original text is kept in the quarantine payload, which only data stewards read.
"""

from __future__ import annotations

import calendar
import json
import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

from ingest.contract import Column, Contract
from ingest.errors import ExtractRejected
from ingest.reader import ParsedExtract

_PERIOD = re.compile(r"^(?P<year>\d{4})(-(?P<month>\d{2}))?$")


@dataclass(frozen=True)
class Period:
    label: str
    start: date
    end: date


def parse_period(label: str, file_name: str) -> Period:
    match = _PERIOD.match(label)
    if not match:
        raise ExtractRejected(file_name, f"the reporting period '{label}' is not YYYY or YYYY-MM.")
    year = int(match["year"])
    if match["month"]:
        month = int(match["month"])
        if not 1 <= month <= 12:
            raise ExtractRejected(file_name, f"the reporting period '{label}' has no month {month}.")
        return Period(label, date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))
    return Period(label, date(year, 1, 1), date(year, 12, 31))


@dataclass(frozen=True)
class Validated:
    rows: pd.DataFrame  # typed contract columns + _source_row, ready for raw
    quarantine: pd.DataFrame  # source_row, rules, reason, payload
    rows_read: int


def _readable_format(fmt: str) -> str:
    return fmt.replace("%d", "DD").replace("%m", "MM").replace("%Y", "YYYY")


class _Problems:
    """Collects (row position, rule, message) and folds them into one reason per row."""

    def __init__(self, n_rows: int) -> None:
        self.rules: list[list[str]] = [[] for _ in range(n_rows)]
        self.messages: list[list[str]] = [[] for _ in range(n_rows)]

    def add(self, mask: pd.Series, rule: str, message: str) -> None:
        for position in mask.to_numpy().nonzero()[0]:
            self.rules[position].append(rule)
            self.messages[position].append(message)

    def add_row(self, position: int, rule: str, message: str) -> None:
        self.rules[position].append(rule)
        self.messages[position].append(message)

    def failed(self) -> pd.Series:
        return pd.Series([bool(r) for r in self.rules])


def _check_column(col: Column, text: pd.Series, problems: _Problems) -> pd.Series:
    """Flag broken values of one column and return it typed (null where empty or broken)."""
    empty = text.eq("")
    if col.required:
        problems.add(empty, "required", f"column {col.name}: a value is required")
    present = ~empty
    typed: pd.Series = text.where(present, None)

    if col.type == "date":
        parsed = pd.to_datetime(text.where(present), format=col.format, errors="coerce")
        bad = present & parsed.isna()
        problems.add(
            bad,
            "date_format",
            f"column {col.name}: not a date in the form {_readable_format(col.format or '')}",
        )
        typed = parsed.dt.date.where(present & ~bad, None)
    elif col.type == "integer":
        is_int = text.str.fullmatch(r"-?\d{1,9}")
        problems.add(present & ~is_int, "not_integer", f"column {col.name}: not a whole number")
        numbers = pd.to_numeric(text.where(present & is_int), errors="coerce")
        if col.minimum is not None:
            problems.add(
                numbers.lt(col.minimum).fillna(False),
                "out_of_range",
                f"column {col.name}: below the minimum {col.minimum}",
            )
        if col.maximum is not None:
            problems.add(
                numbers.gt(col.maximum).fillna(False),
                "out_of_range",
                f"column {col.name}: above the maximum {col.maximum}",
            )
        typed = numbers.astype("Int64")
    elif col.type == "code":
        codes = col.codes or frozenset()
        problems.add(
            present & ~text.isin(codes),
            "unknown_code",
            f"column {col.name}: not one of the codes listed for it in docs/extract-spec.md",
        )
    elif col.type == "code_set":
        codes = col.codes or frozenset()
        items = text.str.split(col.separator).map(lambda parts: [p.strip() for p in parts])
        unknown = items.map(lambda parts: any(p not in codes for p in parts))
        problems.add(
            present & unknown,
            "unknown_code",
            f"column {col.name}: holds a value that is not one of its listed codes",
        )
        typed = items.map(col.separator.join).where(present, None)

    if col.pattern:
        matches = text.str.fullmatch(col.pattern)
        problems.add(present & ~matches, "pattern", f"column {col.name}: not in the expected form")
    return typed


def validate(parsed: ParsedExtract, contract: Contract, period: Period) -> Validated:
    width = len(parsed.columns)
    records = parsed.records
    problems = _Problems(len(records))
    padded = []
    for position, record in enumerate(records):
        fields = [f.strip() for f in record.fields]
        if len(fields) != width:
            problems.add_row(
                position, "field_count", f"the row has {len(fields)} fields; the header has {width}"
            )
            fields = (fields + [""] * width)[:width]
        padded.append(fields)

    text = pd.DataFrame(padded, columns=list(parsed.columns), dtype="string").fillna("")
    for col in contract.columns:  # optional columns the agency did not send
        if col.name not in text.columns:
            text[col.name] = pd.Series([""] * len(text), dtype="string")
    text = text[contract.column_names].astype(object)

    typed = pd.DataFrame({c.name: _check_column(c, text[c.name], problems) for c in contract.columns})

    when = pd.to_datetime(typed[contract.period_column])
    outside = when.notna() & ((when.dt.date < period.start) | (when.dt.date > period.end))
    problems.add(
        outside,
        "outside_period",
        f"column {contract.period_column}: outside the reporting period {period.label}",
    )

    lines = pd.Series([r.line for r in records])
    duplicated_row = text.duplicated(keep="first")
    first_line = lines.groupby([text[c] for c in text.columns]).transform("first")
    for position in duplicated_row.to_numpy().nonzero()[0]:
        problems.add_row(int(position), "duplicate_row", f"the row repeats line {first_line[position]}")
    for col in contract.columns:
        if col.unique:
            key = text[col.name]
            dup = key.ne("") & key.duplicated(keep="first") & ~duplicated_row
            first = lines.groupby(key).transform("first")
            for position in dup.to_numpy().nonzero()[0]:
                problems.add_row(
                    int(position),
                    "duplicate_key",
                    f"column {col.name}: the same value is already on line {first[position]}",
                )

    failed = problems.failed()
    rows = typed[~failed].copy()
    rows["_source_row"] = lines[~failed].astype("int64")
    quarantine = pd.DataFrame(
        {
            "source_row": lines[failed].astype("int64"),
            "rules": [",".join(dict.fromkeys(problems.rules[i])) for i in failed[failed].index],
            "reason": [
                f"line {records[i].line}: " + "; ".join(problems.messages[i]) for i in failed[failed].index
            ],
            "payload": [
                json.dumps(dict(zip(parsed.columns, records[i].fields, strict=False)), ensure_ascii=False)
                for i in failed[failed].index
            ],
        }
    )
    if len(rows) + len(quarantine) != len(records):  # the promise this module exists to keep
        raise AssertionError("validation lost rows")
    return Validated(
        rows=rows.reset_index(drop=True), quarantine=quarantine.reset_index(drop=True), rows_read=len(records)
    )
