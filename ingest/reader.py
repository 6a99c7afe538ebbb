"""Bytes to text rows: decode strictly, find the header, split rows, count every physical row.

Everything stays text here; types are parsed in ``validate`` with the contract's declared formats
(pandas type inference silently turns 03.04.1999 into 4 March and drops leading zeros). Title rows
above the header and total rows at the foot ("Toplam") are skipped and counted, so the batch can
prove that rows read = loaded + quarantined + skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ingest.contract import Contract
from ingest.errors import ExtractRejected
from ingest.xlsx import cell_text, read_xlsx_cells

HEADER_SEARCH_ROWS = 20
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls

# Turkish letters folded explicitly: str.lower() maps İ to "i̇" and I to "i".
_TURKISH_FOLD = str.maketrans(
    {"İ": "i", "I": "i", "ı": "i", "Ş": "s", "ş": "s", "Ğ": "g", "ğ": "g",
     "Ü": "u", "ü": "u", "Ö": "o", "ö": "o", "Ç": "c", "ç": "c"}
)  # fmt: skip
_NEWLINE = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class Record:
    line: int  # physical row in the file where the record starts (1 = first line)
    fields: tuple[str, ...]  # as read; may be longer or shorter than the header (quarantined later)


@dataclass(frozen=True)
class ParsedExtract:
    encoding: str  # detected text encoding, or "xlsx"
    columns: tuple[str, ...]  # contract column names, in file order
    records: tuple[Record, ...]  # data rows
    title_rows: int = 0  # rows above the header, skipped
    footer_rows: int = 0  # total rows, skipped
    header_line: int = 1
    formula_lines: frozenset[int] = frozenset()  # xlsx rows holding a formula cell (quarantined)
    blank_rows: int = 0  # empty rows anywhere (not records, not counted as read)
    embedded_newlines: int = 0  # line breaks inside quoted cells (one record spans several lines)

    @property
    def rows_skipped(self) -> int:
        return self.title_rows + self.footer_rows

    @property
    def rows_read(self) -> int:
        """Every non-blank row below or above the header: data rows plus skipped title and total rows."""
        return len(self.records) + self.rows_skipped


def header_key(label: str) -> str:
    """Normalise a header label so 'Tespit Tarihi', 'TESPİT_TARİHİ' and 'tespit tarihi' match."""
    folded = unicodedata.normalize("NFC", label).strip().translate(_TURKISH_FOLD).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def decode(data: bytes, contract: Contract, file_name: str) -> tuple[str, str]:
    """Decode strictly with the first encoding the contract allows that fits. Returns (text, encoding)."""
    if b"\x00" in data:
        raise ExtractRejected(
            file_name,
            "the file contains NUL bytes, so it is not a plain-text CSV export.",
            "Save it again as CSV from the spreadsheet program.",
        )
    for encoding in contract.encodings:
        python_codec = "utf-8-sig" if encoding.lower().replace("_", "-") in {"utf-8", "utf8"} else encoding
        try:
            return data.decode(python_codec), encoding
        except UnicodeDecodeError:
            continue
    raise ExtractRejected(
        file_name,
        f"the file is not in any of the encodings this source may use ({', '.join(contract.encodings)}).",
        "Save it as CSV UTF-8 from the spreadsheet program.",
    )


def _alias_lookup(contract: Contract) -> dict[str, str]:
    lookup: dict[str, str] = {}
    for col in contract.columns:
        for label in (col.name, *col.aliases):
            lookup[header_key(label)] = col.name
    return lookup


def map_header(labels: list[str], contract: Contract, file_name: str) -> tuple[str, ...]:
    """Map the file's header labels to contract column names, or reject with what is wrong."""
    lookup = _alias_lookup(contract)
    while labels and not labels[-1].strip():  # trailing empty header cells (spreadsheet exports)
        labels = labels[:-1]
    if len(labels) == 1 and len(contract.columns) > 1:
        raise ExtractRejected(
            file_name,
            f"the header has a single column; this source is delimited by '{contract.delimiter}'.",
            f"Export the file with '{contract.delimiter}' between columns.",
        )
    mapped: list[str] = []
    unknown: list[str] = []
    for position, label in enumerate(labels, start=1):
        name = lookup.get(header_key(label))
        if name is None:
            unknown.append(f"column {position} ('{label.strip()[:40]}')")
        else:
            mapped.append(name)
    if unknown:
        raise ExtractRejected(
            file_name,
            f"the header has columns the {contract.source} contract does not know: {', '.join(unknown)}.",
            "Remove them or rename them as in docs/extract-spec.md.",
        )
    duplicated = sorted({n for n in mapped if mapped.count(n) > 1})
    if duplicated:
        raise ExtractRejected(
            file_name, f"these columns appear twice: {', '.join(duplicated)}.", "Keep one of each."
        )
    missing = [c.name for c in contract.columns if c.required and c.name not in mapped]
    if missing:
        raise ExtractRejected(
            file_name,
            f"required columns are missing: {', '.join(missing)}.",
            "Add them as described in docs/extract-spec.md.",
        )
    return tuple(mapped)


def _looks_like_header(fields: tuple[str, ...], lookup: dict[str, str]) -> bool:
    """At least two cells, and most non-empty cells, are known column names or aliases."""
    cells = [header_key(f) for f in fields if f.strip()]
    known = sum(cell in lookup for cell in cells)
    return known >= 2 and known * 2 >= len(cells)


def _reject_wrong_delimiter(
    fields: tuple[str, ...], lookup: dict[str, str], contract: Contract, file_name: str
) -> None:
    """A header that arrives as one cell, and splits into known names on another delimiter."""
    cells = [f for f in fields if f.strip()]
    if len(cells) != 1 or contract.file_format != "csv":
        return
    for other in (",", ";", "\t", "|"):
        if other != contract.delimiter and _looks_like_header(tuple(cells[0].split(other)), lookup):
            shown = "tab" if other == "\t" else f"'{other}'"
            raise ExtractRejected(
                file_name,
                f"the header has a single column: the file is delimited by {shown}, "
                f"but this source is delimited by '{contract.delimiter}'.",
                f"Export the file with '{contract.delimiter}' between columns.",
            )


def _is_blank(fields: tuple[str, ...]) -> bool:
    return all(not f.strip() for f in fields)


def _assemble(
    rows: Iterable[tuple[int, tuple[str, ...]]],
    contract: Contract,
    file_name: str,
    encoding: str,
    formula_lines: frozenset[int] = frozenset(),
    render: Callable[[int, tuple[str, ...], tuple[str, ...]], tuple[str, ...]] | None = None,
) -> ParsedExtract:
    """Find the header among the first rows, then split the rest into data rows and total rows.

    ``render`` turns a data row into text once the columns are known (XLSX cells are formatted by their
    column's declared type); CSV rows are text already."""
    lookup = _alias_lookup(contract)
    counts = {"blank": 0, "newlines": 0}

    def counted(source: Iterable[tuple[int, tuple[str, ...]]]) -> Iterable[tuple[int, tuple[str, ...]]]:
        for line, fields in source:
            counts["newlines"] += sum(len(_NEWLINE.findall(f)) for f in fields)
            if _is_blank(fields):
                counts["blank"] += 1
            yield line, fields

    iterator = iter(counted(rows))
    title_rows = 0
    header: tuple[int, tuple[str, ...]] | None = None
    for line, fields in iterator:
        if _looks_like_header(fields, lookup):
            header = (line, fields)
            break
        _reject_wrong_delimiter(fields, lookup, contract, file_name)
        if not _is_blank(fields):
            title_rows += 1
        if title_rows > HEADER_SEARCH_ROWS:
            break
    if header is None:
        if title_rows <= 1:
            raise ExtractRejected(
                file_name,
                "no header row with this source's column names was found."
                if title_rows
                else "the file is empty.",
                "The first row must hold the column names listed in docs/extract-spec.md.",
            )
        raise ExtractRejected(
            file_name,
            f"no header row with this source's column names in the first {HEADER_SEARCH_ROWS} rows.",
            "Put the column names listed in docs/extract-spec.md in one row above the data.",
        )
    columns = map_header(list(header[1]), contract, file_name)
    records: list[Record] = []
    footer_rows = 0
    for line, fields in iterator:
        if _is_blank(fields):
            continue
        first = next(f for f in fields if f.strip())
        if first.strip().lower().translate(_TURKISH_FOLD) in contract.footer_markers:
            footer_rows += 1
            continue
        if len(fields) > len(columns) and _is_blank(fields[len(columns) :]):
            fields = fields[: len(columns)]  # empty trailing cells beyond the header
        records.append(Record(line, render(line, fields, columns) if render else fields))
    if not records:
        raise ExtractRejected(
            file_name,
            "the file has a header but no data rows.",
            "Send the extract with its rows, or tell the Task Force there is nothing to report.",
        )
    return ParsedExtract(
        encoding=encoding,
        columns=columns,
        records=tuple(records),
        title_rows=title_rows,
        footer_rows=footer_rows,
        header_line=header[0],
        formula_lines=formula_lines,
        blank_rows=counts["blank"],
        embedded_newlines=counts["newlines"],
    )


def _csv_rows(text: str, delimiter: str, file_name: str) -> Iterable[tuple[int, tuple[str, ...]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    start = 1
    try:
        for row in reader:
            yield start, tuple(row)
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ExtractRejected(
            file_name,
            f"the CSV structure breaks near line {reader.line_num} ({exc}).",
            "Check for an unclosed quote in that line.",
        ) from exc


def physical_lines(text: str) -> int:
    """Lines in the text, counted without the CSV parser (a last line without a newline counts)."""
    count = len(_NEWLINE.findall(text))
    return count + (1 if text and not text.endswith(("\n", "\r")) else 0)


def _reconcile_csv(text: str, parsed: ParsedExtract, file_name: str) -> None:
    """The parser must account for every physical line of the file, counted without it: each line is
    the header, a title, data, total or blank row, or a line break inside a quoted cell. A mismatch
    means rows were swallowed or invented, and the file is not loaded."""
    lines = physical_lines(text)
    accounted = 1 + parsed.rows_read + parsed.blank_rows + parsed.embedded_newlines
    if lines != accounted:
        raise ExtractRejected(
            file_name,
            f"its rows could not be counted consistently ({lines} lines in the file, {accounted} read).",
            "Check for an unclosed quote or a stray line break, then export again.",
        )


def _read_xlsx(data: bytes, contract: Contract, file_name: str) -> ParsedExtract:
    cells, formula_lines, epoch_year = read_xlsx_cells(data, contract, file_name)
    by_name = {c.name: c for c in contract.columns}
    raw_by_line = dict(cells)

    def as_text(values: tuple) -> tuple[str, ...]:
        return tuple(cell_text(v, None, epoch_year, contract.decimal_separator) for v in values)

    def render(line: int, _: tuple[str, ...], columns: tuple[str, ...]) -> tuple[str, ...]:
        values = raw_by_line[line]
        return tuple(
            cell_text(
                v, by_name[columns[i]] if i < len(columns) else None, epoch_year, contract.decimal_separator
            )
            for i, v in enumerate(values)
        )

    rows = ((line, as_text(values)) for line, values in cells)
    return _assemble(rows, contract, file_name, "xlsx", frozenset(formula_lines), render)


def read_extract(data: bytes, contract: Contract, file_name: str) -> ParsedExtract:
    if not data.strip():
        raise ExtractRejected(file_name, "the file is empty.", "Export the extract again with its rows.")
    if contract.file_format == "xlsx":
        if not data.startswith(XLSX_MAGIC):
            raise ExtractRejected(
                file_name,
                "this source is sent as an Excel .xlsx workbook, but the file is not one.",
                "Save it from Excel as 'Excel Workbook (.xlsx)'.",
            )
        return _read_xlsx(data, contract, file_name)
    if data.startswith((XLSX_MAGIC, OLE_MAGIC)):
        raise ExtractRejected(
            file_name,
            "this is an Excel workbook, but this source is sent as CSV.",
            "Save it from Excel as 'CSV UTF-8'.",
        )
    text, encoding = decode(data, contract, file_name)
    parsed = _assemble(_csv_rows(text, contract.delimiter, file_name), contract, file_name, encoding)
    _reconcile_csv(text, parsed, file_name)
    return parsed
