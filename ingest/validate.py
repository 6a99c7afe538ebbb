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

from ingest.contract import Column, Contract
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
            spaced = multi & text.str.contains(r"\s", regex=True)
            if spaced.any():
                text = text.where(
                    ~spaced, text[spaced].str.replace(rf"\s*{sep}\s*", col.separator, regex=True)
                )
        typed = text.where(present, None)

    if col.pattern:
        matches = text.str.fullmatch(col.pattern)
        problems.add(present & ~matches, "pattern", f"column {col.name}: not in the expected form")
    return typed


_SEEN = np.dtype([("hash", np.uint64), ("line", np.uint32)])  # 12 bytes a row


class DuplicateTracker:
    """Finds repeated rows and repeated unique keys across all chunks of one file, by 64-bit hashes
    (a false match needs a hash collision: about 1 in 10^6 files of 10M rows).

    Seen hashes are kept as sorted runs of (hash, first line), 12 bytes a row, merged when two runs
    have similar sizes, like a log-structured merge: a lookup searches a few runs, and a merge sorts in
    place, so memory stays near 12 bytes per row and key, and at most twice that while merging."""

    def __init__(self) -> None:
        self._runs: dict[str, list[np.ndarray]] = {}

    def first_lines(
        self, name: str, values: pd.Series | pd.DataFrame, lines: np.ndarray, usable: np.ndarray
    ) -> np.ndarray:
        """For each row, the line where the same value first appeared (0 if this row is the first)."""
        hashes = pd.util.hash_pandas_object(values, index=False).to_numpy()
        first = np.zeros(len(hashes), dtype=np.int64)
        runs = self._runs.setdefault(name, [])
        for run in runs:
            at = np.searchsorted(run["hash"], hashes).clip(max=len(run) - 1)
            hit = usable & (first == 0) & (run["hash"][at] == hashes)
            first[hit] = run["line"][at[hit]]
        frame = pd.DataFrame({"h": hashes, "line": lines})[usable & (first == 0)]
        first_in_chunk = frame.groupby("h")["line"].transform("min").to_numpy()
        repeat = first_in_chunk != frame["line"].to_numpy()
        first[frame.index.to_numpy()[repeat]] = first_in_chunk[repeat]
        new = usable & (first == 0)
        if new.any():
            run = np.empty(int(new.sum()), dtype=_SEEN)
            run["hash"], run["line"] = hashes[new], lines[new]
            run.sort(order="hash", kind="stable")
            runs.append(run)
        while len(runs) > 1 and len(runs[-2]) <= 2 * len(runs[-1]):
            newer = runs.pop()
            merged = np.concatenate([runs[-1], newer])
            runs[-1] = newer = None  # let the old runs go before sorting
            merged.sort(order="hash", kind="stable")  # two sorted runs: timsort merges them linearly
            runs[-1] = merged
        return first


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


def _check_text(text: pd.DataFrame, contract: Contract, problems: _Problems) -> None:
    """Free-text columns only: a garbled or over-long value in a typed or coded column already breaks
    that column's own rule."""
    for name in (c.name for c in contract.columns if c.type == "text"):
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
    typed = pd.DataFrame(
        {
            c.name: _check_column(c, text[c.name], problems, contract.decimal_separator)
            for c in contract.columns
        }
    )
    when = pd.to_datetime(typed[contract.period_column])
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
    rows = typed[~failed].copy()
    rows["_source_row"] = lines[~failed]
    file_columns = list(chunk.frame.columns)
    quarantine = pd.DataFrame(
        {
            "source_row": lines[bad].astype(np.int64),
            "rules": [",".join(dict.fromkeys(problems.rules[i])) for i in bad],
            "reason": [f"line {lines[i]}: " + "; ".join(problems.messages[i]) for i in bad],
            "payload": [
                _payload(file_columns, record, raw_fields[i])
                for i, record in zip(bad, text.iloc[bad].to_dict("records"), strict=True)
            ],
        }
    )
    if len(rows) + len(quarantine) != len(text):  # the promise of this module
        raise AssertionError("validation lost rows")
    return rows.reset_index(drop=True), quarantine


def validate(parsed: ParsedExtract, contract: Contract, period: Period) -> Validated:
    """All chunks of a small extract read whole (checks and tests); ingest streams validate_chunk."""
    tracker = DuplicateTracker()
    results = [validate_chunk(chunk, contract, period, tracker) for chunk in parsed.chunks]
    rows = pd.concat([r for r, _ in results], ignore_index=True) if results else pd.DataFrame()
    quarantine = pd.concat([q for _, q in results], ignore_index=True) if results else pd.DataFrame()
    if len(rows) + len(quarantine) + parsed.rows_skipped != parsed.rows_read:
        raise AssertionError("validation lost rows")
    return Validated(
        rows=rows, quarantine=quarantine, rows_read=parsed.rows_read, rows_skipped=parsed.rows_skipped
    )
