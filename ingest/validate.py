"""Check every row against its contract: rows that pass are typed for loading, rows that break a rule
are quarantined with the rule and a reason. Nothing is dropped: read = loaded + quarantined + skipped.

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
MAX_FIELD_LENGTH = 32_767  # Excel's cell limit: anything longer is not a value an agency typed
# UTF-8 read as windows-1254/1252 and saved again (Ä± for ı, ÅŸ for ş, Ã¼ for ü ...), or windows-1254
# read as Latin-1 (ý for ı, þ for ş, ð for ğ, Ý for İ, Þ for Ş, Ð for Ğ).
MOJIBAKE = re.compile(r"Ä[±°ŸŸž]|Å[Ÿžž]|Ã[¼¶§œ–‡]|[ýþðÝÞÐ]")
_DECIMAL_POINT = re.compile(r"-?\d+(\.\d+)?")
_DECIMAL_COMMA = re.compile(r"-?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?")  # 1.234,56 or 1234,56


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
    rows_read: int  # every non-blank row except the header
    rows_skipped: int  # title rows and total rows: counted, not loaded


def _readable_format(fmt: str) -> str:
    for code, label in (("%d", "DD"), ("%m", "MM"), ("%Y", "YYYY"), ("%H", "hh"), ("%M", "mm"), ("%S", "ss")):
        fmt = fmt.replace(code, label)
    return fmt


class _Problems:
    """Collects (row position, rule, message) and folds them into one reason per row."""

    def __init__(self, n_rows: int) -> None:
        self.rules: list[list[str]] = [[] for _ in range(n_rows)]
        self.messages: list[list[str]] = [[] for _ in range(n_rows)]

    def add(self, mask: pd.Series, rule: str, message: str) -> None:
        for position in mask.to_numpy(dtype=bool, na_value=False).nonzero()[0]:
            self.add_row(int(position), rule, message)

    def add_row(self, position: int, rule: str, message: str) -> None:
        self.rules[position].append(rule)
        self.messages[position].append(message)

    def failed(self) -> pd.Series:
        return pd.Series([bool(r) for r in self.rules], dtype=bool)


def _check_range(col: Column, numbers: pd.Series, problems: _Problems) -> None:
    if col.minimum is not None:
        problems.add(
            numbers.lt(col.minimum), "out_of_range", f"column {col.name}: below the minimum {col.minimum}"
        )
    if col.maximum is not None:
        problems.add(
            numbers.gt(col.maximum), "out_of_range", f"column {col.name}: above the maximum {col.maximum}"
        )


def _check_column(col: Column, text: pd.Series, problems: _Problems, decimal_separator: str) -> pd.Series:
    """Flag broken values of one column and return it typed (null where empty or broken)."""
    empty = text.eq("")
    if col.required:
        problems.add(empty, "required", f"column {col.name}: a value is required")
    present = ~empty
    typed: pd.Series = text.where(present, None)

    if col.type in ("date", "datetime"):
        parsed = pd.to_datetime(text.where(present), format=col.format, errors="coerce")
        bad = present & parsed.isna()
        problems.add(
            bad,
            "date_format",
            f"column {col.name}: not a date in the form {_readable_format(col.format or '')}",
        )
        ok = present & ~bad
        typed = parsed.dt.date.where(ok, None) if col.type == "date" else parsed.where(ok)
    elif col.type == "integer":
        is_int = text.str.fullmatch(r"-?\d{1,15}")
        problems.add(present & ~is_int, "not_integer", f"column {col.name}: not a whole number")
        numbers = pd.to_numeric(text.where(present & is_int), errors="coerce")
        _check_range(col, numbers, problems)
        typed = numbers.astype("Int64")
    elif col.type == "decimal":
        shape = _DECIMAL_COMMA if decimal_separator == "," else _DECIMAL_POINT
        is_number = text.str.fullmatch(shape.pattern)
        problems.add(
            present & ~is_number,
            "not_decimal",
            f"column {col.name}: not a number with '{decimal_separator}' as the decimal mark",
        )
        normalised = text.where(present & is_number)
        if decimal_separator == ",":
            normalised = normalised.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
        numbers = pd.to_numeric(normalised, errors="coerce")
        _check_range(col, numbers, problems)
        typed = numbers.astype("Float64")
    elif col.type == "code":
        problems.add(
            present & ~text.isin(col.codes or frozenset()),
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


def _text_frame(parsed: ParsedExtract, contract: Contract, problems: _Problems) -> pd.DataFrame:
    """All rows as stripped text in contract column order; rows of the wrong width are flagged."""
    width = len(parsed.columns)
    padded = []
    for position, record in enumerate(parsed.records):
        fields = [f.strip() for f in record.fields]
        if len(fields) != width:
            problems.add_row(
                position, "field_count", f"the row has {len(fields)} fields; the header has {width}"
            )
            fields = (fields + [""] * width)[:width]
        if record.line in parsed.formula_lines:
            problems.add_row(position, "formula", "the row holds a formula; send values, not formulas")
        padded.append(fields)
    text = pd.DataFrame(padded, columns=list(parsed.columns), dtype=object)
    for col in contract.columns:  # optional columns the agency did not send
        if col.name not in text.columns:
            text[col.name] = ""
    return text[contract.column_names]


def _check_text(text: pd.DataFrame, problems: _Problems) -> None:
    for name in text.columns:
        column = text[name].astype(str)
        problems.add(
            column.str.len().gt(MAX_FIELD_LENGTH),
            "field_too_long",
            f"column {name}: longer than a cell may be",
        )
        problems.add(
            column.str.contains(MOJIBAKE, regex=True),
            "mojibake",
            f"column {name}: garbled Turkish letters (the file was saved with the wrong encoding)",
        )


def _check_duplicates(text: pd.DataFrame, contract: Contract, lines: pd.Series, problems: _Problems) -> None:
    duplicated_row = text.duplicated(keep="first")
    if duplicated_row.any():
        first_line = lines.groupby([text[c] for c in text.columns]).transform("first")
        for position in duplicated_row.to_numpy().nonzero()[0]:
            problems.add_row(int(position), "duplicate_row", f"the row repeats line {first_line[position]}")
    for col in contract.columns:
        if not col.unique:
            continue
        key = text[col.name]
        dup = key.ne("") & key.duplicated(keep="first") & ~duplicated_row
        if dup.any():
            first = lines.groupby(key).transform("first")
            for position in dup.to_numpy().nonzero()[0]:
                problems.add_row(
                    int(position),
                    "duplicate_key",
                    f"column {col.name}: the same value is already on line {first[position]}",
                )


def _payload(columns: tuple[str, ...], fields: tuple[str, ...]) -> str:
    row = dict(zip(columns, fields, strict=False))
    if len(fields) > len(columns):
        row["_extra_fields"] = list(fields[len(columns) :])
    return json.dumps(row, ensure_ascii=False, default=str)


def validate(parsed: ParsedExtract, contract: Contract, period: Period) -> Validated:
    records = parsed.records
    problems = _Problems(len(records))
    text = _text_frame(parsed, contract, problems)
    _check_text(text, problems)
    typed = pd.DataFrame(
        {
            c.name: _check_column(c, text[c.name], problems, contract.decimal_separator)
            for c in contract.columns
        }
    )

    when = pd.to_datetime(typed[contract.period_column])
    outside = when.notna() & ((when.dt.date < period.start) | (when.dt.date > period.end))
    problems.add(
        outside,
        "outside_period",
        f"column {contract.period_column}: outside the reporting period {period.label}",
    )

    lines = pd.Series([r.line for r in records], dtype="int64")
    _check_duplicates(text, contract, lines, problems)

    failed = problems.failed()
    bad = failed[failed].index
    rows = typed[~failed].copy()
    rows["_source_row"] = lines[~failed]
    quarantine = pd.DataFrame(
        {
            "source_row": lines[failed],
            "rules": [",".join(dict.fromkeys(problems.rules[i])) for i in bad],
            "reason": [f"line {records[i].line}: " + "; ".join(problems.messages[i]) for i in bad],
            "payload": [_payload(parsed.columns, records[i].fields) for i in bad],
        }
    )
    if len(rows) + len(quarantine) + parsed.rows_skipped != parsed.rows_read:  # the promise of this module
        raise AssertionError("validation lost rows")
    return Validated(
        rows=rows.reset_index(drop=True),
        quarantine=quarantine.reset_index(drop=True),
        rows_read=parsed.rows_read,
        rows_skipped=parsed.rows_skipped,
    )
