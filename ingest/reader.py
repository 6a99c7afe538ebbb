"""Bytes to text rows: decode strictly, split on the contract's delimiter, map the header.

Everything stays text here; types are parsed in ``validate`` with the contract's declared formats
(pandas type inference silently turns 03.04.1999 into 4 March and drops leading zeros).
"""

from __future__ import annotations

import csv
import io
import unicodedata
from dataclasses import dataclass

from ingest.contract import Contract
from ingest.errors import ExtractRejected

# Turkish letters folded explicitly: str.lower() maps İ to "i̇" and I to "i".
_TURKISH_FOLD = str.maketrans(
    {
        "İ": "i",
        "I": "i",
        "ı": "i",
        "Ş": "s",
        "ş": "s",
        "Ğ": "g",
        "ğ": "g",
        "Ü": "u",
        "ü": "u",
        "Ö": "o",
        "ö": "o",
        "Ç": "c",
        "ç": "c",
    }
)


@dataclass(frozen=True)
class Record:
    line: int  # physical line in the file where the record ends (1 = header)
    fields: tuple[str, ...]  # as read; may be longer or shorter than the header (quarantined later)


@dataclass(frozen=True)
class ParsedExtract:
    encoding: str
    columns: tuple[str, ...]  # contract column names, in file order
    records: tuple[Record, ...]


def header_key(label: str) -> str:
    """Normalise a header label so 'Tespit Tarihi', 'TESPİT_TARİHİ' and 'tespit tarihi' match."""
    folded = unicodedata.normalize("NFC", label).strip().translate(_TURKISH_FOLD).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def decode(data: bytes, contract: Contract, file_name: str) -> tuple[str, str]:
    """Decode strictly with the first encoding the contract allows that fits. Returns (text, encoding)."""
    if not data.strip():
        raise ExtractRejected(file_name, "the file is empty.", "Export the extract again with its rows.")
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


def map_header(labels: list[str], contract: Contract, file_name: str) -> tuple[str, ...]:
    """Map the file's header labels to contract column names, or reject with what is wrong."""
    lookup: dict[str, str] = {}
    for col in contract.columns:
        for label in (col.name, *col.aliases):
            lookup[header_key(label)] = col.name
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
            unknown.append(f"column {position} ('{label.strip()}')")
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


def read_extract(data: bytes, contract: Contract, file_name: str) -> ParsedExtract:
    text, encoding = decode(data, contract, file_name)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=contract.delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:  # pragma: no cover - decode() already rejects empty files
        raise ExtractRejected(file_name, "the file has no header row.") from exc
    columns = map_header(header, contract, file_name)
    records: list[Record] = []
    try:
        for row in reader:
            if not row or all(not cell.strip() for cell in row):
                continue  # blank line: not a record
            records.append(Record(reader.line_num, tuple(row)))
    except csv.Error as exc:
        raise ExtractRejected(
            file_name,
            f"the CSV structure breaks near line {reader.line_num} ({exc}).",
            "Check for an unclosed quote in that line.",
        ) from exc
    if not records:
        raise ExtractRejected(
            file_name,
            "the file has a header but no data rows.",
            "Send the extract with its rows, or tell the Task Force there is nothing to report.",
        )
    return ParsedExtract(encoding=encoding, columns=columns, records=tuple(records))
