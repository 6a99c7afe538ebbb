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

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ingest.contract import Column, Contract
from ingest.duplicates import DuplicateTracker
from ingest.errors import ExtractRejected
from ingest.reader import Chunk, ParsedExtract

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
    """Rules broken per row position, kept only for the rows that broke one (most rows break none)."""

    def __init__(self) -> None:
        self.rules: dict[int, list[str]] = {}
        self.messages: dict[int, list[str]] = {}

    def add(self, mask: pd.Series | np.ndarray, rule: str, message: str) -> None:
        values = mask.to_numpy(dtype=bool, na_value=False) if isinstance(mask, pd.Series) else mask
        for position in np.flatnonzero(values):
            self.add_row(int(position), rule, message)

    def add_row(self, position: int, rule: str, message: str) -> None:
        self.rules.setdefault(position, []).append(rule)
        self.messages.setdefault(position, []).append(message)

    def failed(self, n_rows: int) -> np.ndarray:
        mask = np.zeros(n_rows, dtype=bool)
        mask[list(self.rules)] = True
        return mask


def _check_range(col: Column, numbers: pd.Series, problems: _Problems) -> None:
    if col.minimum is not None:
        problems.add(
            numbers.lt(col.minimum), "out_of_range", f"column {col.name}: below the minimum {col.minimum}"
        )
    if col.maximum is not None:
        problems.add(
            numbers.gt(col.maximum), "out_of_range", f"column {col.name}: above the maximum {col.maximum}"
        )


def _check_column(
    col: Column, text: pd.Series, problems: _Problems, decimal_separator: str, moments: dict[str, pd.Series]
) -> pd.Series:
    """Flag broken values of one column and return it typed (null where empty or broken). Date and
    datetime columns also leave their parsed values in ``moments`` (numpy datetimes, for the period)."""
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
        typed = moments[col.name] = parsed.where(present & ~bad)
        if col.type == "date":  # Arrow dates: one int32 a row (Python date objects cost seconds to move)
            days = pa.array(typed.dt.normalize()).cast(pa.date32())  # a time of day is dropped, as before
            typed = pd.Series(pd.arrays.ArrowExtensionArray(days), text.index)
    elif col.type == "integer":
        is_int = text.str.fullmatch(r"-?\d{1,15}")
        problems.add(present & ~is_int, "not_integer", f"column {col.name}: not a whole number")
        digits = pa.array(text.where(present & is_int))  # up to 15 digits: exact in int64
        numbers = pc.cast(digits, pa.int64()).to_pandas(types_mapper={pa.int64(): pd.Int64Dtype()}.get)
        numbers.index = text.index
        _check_range(col, numbers, problems)
        typed = numbers
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
        single = text.isin(codes)  # most cells hold one code: a hash lookup, no regex
        multi = present & ~single
        if multi.any():
            sep = re.escape(col.separator)
            one = "(?:" + "|".join(re.escape(c) for c in sorted(codes, key=len, reverse=True)) + ")"
            listed = text[multi].str.fullmatch(rf"\s*{one}\s*(?:{sep}\s*{one}\s*)*").reindex(text.index)
            problems.add(
                multi & ~listed.fillna(False).astype(bool),
                "unknown_code",
                f"column {col.name}: holds a value that is not one of its listed codes",
            )
            spaced = text[multi].str.contains(r"\s", regex=True).reindex(text.index, fill_value=False)
            if spaced.any():
                text = text.where(
                    ~spaced, text[spaced].str.replace(rf"\s*{sep}\s*", col.separator, regex=True)
                )
        typed = text.where(present, None)

    if col.pattern:
        matches = text.str.fullmatch(col.pattern)
        problems.add(present & ~matches, "pattern", f"column {col.name}: not in the expected form")
    return typed


def _text_frame(
    chunk: Chunk, contract: Contract, problems: _Problems
) -> tuple[pd.DataFrame, np.ndarray, list]:
    """Rows as stripped text in contract column order (ragged rows appended, padded and flagged)."""
    width = len(chunk.frame.columns)
    frame = chunk.frame
    lines = chunk.lines
    raw_fields: list[tuple[str, ...] | None] = [None] * len(frame)
    if chunk.ragged:
        padded = [(tuple(r.fields) + ("",) * width)[:width] for r in chunk.ragged]
        frame = pd.concat(
            [frame, pd.DataFrame(padded, columns=frame.columns, dtype="str")], ignore_index=True
        )
        lines = np.concatenate([lines, np.asarray([r.line for r in chunk.ragged], dtype=np.int64)])
        for offset, record in enumerate(chunk.ragged):
            position = len(raw_fields) + offset
            problems.add_row(
                position, "field_count", f"the row has {len(record.fields)} fields; the header has {width}"
            )
        raw_fields.extend(r.fields for r in chunk.ragged)
    if chunk.formula_lines:
        problems.add(
            np.isin(lines, list(chunk.formula_lines)),
            "formula",
            "the row holds a formula; send values, not formulas",
        )
    text = pd.DataFrame({name: frame[name].str.strip() for name in frame.columns})
    for col in contract.columns:  # optional columns the agency did not send
        if col.name not in text.columns:
            text[col.name] = ""
    return text[contract.column_names], lines, raw_fields


def _garbled(column: pd.Series) -> np.ndarray:
    """Cells with mojibake. Every pattern has a non-ASCII letter, so only non-ASCII cells are searched."""
    found = np.zeros(len(column), dtype=bool)
    suspect = ~pc.string_is_ascii(pa.array(column)).to_numpy(zero_copy_only=False)
    if suspect.any():
        found[suspect] = column[suspect].str.contains(MOJIBAKE.pattern, regex=True).to_numpy(dtype=bool)
    return found


def _check_text(text: pd.DataFrame, contract: Contract, problems: _Problems) -> None:
    """Free-text columns only: a garbled or over-long value in a typed or coded column already breaks
    that column's own rule."""
    for name in (c.name for c in contract.columns if c.type == "text"):
        column = text[name]
        problems.add(
            column.str.len().gt(MAX_FIELD_LENGTH),
            "field_too_long",
            f"column {name}: longer than a cell may be",
        )
        problems.add(
            _garbled(column),
            "mojibake",
            f"column {name}: garbled Turkish letters (the file was saved with the wrong encoding)",
        )


def _check_duplicates(
    text: pd.DataFrame, contract: Contract, lines: np.ndarray, problems: _Problems, tracker: DuplicateTracker
) -> None:
    everything = np.ones(len(text), dtype=bool)
    repeats = tracker.first_lines("_row", text, lines, everything)
    for position in np.flatnonzero(repeats):
        problems.add_row(int(position), "duplicate_row", f"the row repeats line {repeats[position]}")
    for col in contract.columns:
        if not col.unique:
            continue
        usable = text[col.name].ne("").to_numpy() & (repeats == 0)
        first = tracker.first_lines(col.name, text[col.name], lines, usable)
        for position in np.flatnonzero(first):
            problems.add_row(
                int(position),
                "duplicate_key",
                f"column {col.name}: the same value is already on line {first[position]}",
            )


def _records(text: pd.DataFrame, positions: np.ndarray) -> list[dict[str, str]]:
    """The rows at ``positions`` as dicts, built column by column in Arrow (to_dict boxes every cell)."""
    taken = pa.array(positions, type=pa.int64())
    names = list(text.columns)
    cells = [pa.array(text[name]).take(taken).to_pylist() for name in names]
    return [dict(zip(names, row, strict=True)) for row in zip(*cells, strict=True)]


def _payload(columns: list[str], text_row: dict[str, str], fields: tuple[str, ...] | None) -> str:
    if fields is None:
        row = {c: text_row[c] for c in columns}
    else:
        row = dict(zip(columns, fields, strict=False))
        if len(fields) > len(columns):
            row["_extra_fields"] = list(fields[len(columns) :])
    return json.dumps(row, ensure_ascii=False, default=str)


def validate_chunk(
    chunk: Chunk, contract: Contract, period: Period, tracker: DuplicateTracker
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Typed loadable rows and quarantined rows of one chunk."""
    problems = _Problems()
    text, lines, raw_fields = _text_frame(chunk, contract, problems)
    _check_text(text, contract, problems)
    moments: dict[str, pd.Series] = {}
    typed = pd.DataFrame(
        {
            c.name: _check_column(c, text[c.name], problems, contract.decimal_separator, moments)
            for c in contract.columns
        }
    )
    when = moments[contract.period_column]
    day = when.dt.normalize()
    outside = when.notna() & ((day < pd.Timestamp(period.start)) | (day > pd.Timestamp(period.end)))
    problems.add(
        outside,
        "outside_period",
        f"column {contract.period_column}: outside the reporting period {period.label}",
    )
    _check_duplicates(text, contract, lines, problems, tracker)

    failed = problems.failed(len(text))
    bad = np.flatnonzero(failed)
    rows = typed[~failed]
    rows.insert(len(rows.columns), "_source_row", lines[~failed])
    file_columns = list(chunk.frame.columns)
    quarantine = pd.DataFrame(
        {
            "source_row": lines[bad].astype(np.int64),
            "rules": [",".join(dict.fromkeys(problems.rules[i])) for i in bad],
            "reason": [f"line {lines[i]}: " + "; ".join(problems.messages[i]) for i in bad],
            "payload": [
                _payload(file_columns, record, raw_fields[i])
                for i, record in zip(bad, _records(text, bad), strict=True)
            ],
        }
    )
    if len(rows) + len(quarantine) != len(text):  # the promise of this module
        raise AssertionError("validation lost rows")
    return rows.reset_index(drop=True), quarantine


def _is_arrow_date(dtype: object) -> bool:
    return isinstance(dtype, pd.ArrowDtype) and pa.types.is_date(dtype.pyarrow_dtype)


def _dates_as_objects(rows: pd.DataFrame) -> pd.DataFrame:
    """Date columns as Python dates (None when empty), for callers that read values one by one; the
    streaming ingest keeps them as Arrow dates."""
    for name in [n for n, dtype in rows.dtypes.items() if _is_arrow_date(dtype)]:
        rows[name] = pd.Series(pa.array(rows[name]).to_pylist(), index=rows.index, dtype=object)
    return rows


def validate(parsed: ParsedExtract, contract: Contract, period: Period) -> Validated:
    """All chunks of a small extract read whole (checks and tests); ingest streams validate_chunk."""
    tracker = DuplicateTracker()
    results = [validate_chunk(chunk, contract, period, tracker) for chunk in parsed.chunks]
    rows = pd.concat([r for r, _ in results], ignore_index=True) if results else pd.DataFrame()
    rows = _dates_as_objects(rows)
    quarantine = pd.concat([q for _, q in results], ignore_index=True) if results else pd.DataFrame()
    if len(rows) + len(quarantine) + parsed.rows_skipped != parsed.rows_read:
        raise AssertionError("validation lost rows")
    return Validated(
        rows=rows, quarantine=quarantine, rows_read=parsed.rows_read, rows_skipped=parsed.rows_skipped
    )
