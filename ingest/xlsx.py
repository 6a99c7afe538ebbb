"""Read an agency's XLSX workbook safely, as rows of cell values, without evaluating anything.

Before openpyxl sees the bytes, the zip container is checked against decompression bombs (caps on
members, total size and compression ratio, after Apache POI's defaults). Formula cells are never
evaluated: their rows are reported so validation can quarantine them. Dates stored as Excel serial
numbers are converted with the workbook's own epoch (1900 or 1904); serials up to 60 are refused
because Excel's calendar invents 29 February 1900 there.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from typing import Any

from ingest.contract import Column, Contract
from ingest.errors import ExtractRejected

MAX_MEMBERS = 5_000
MAX_UNCOMPRESSED_BYTES = 1_000_000_000
MAX_RATIO = 100  # POI rejects entries that inflate more than 100x
RATIO_CHECK_FROM_BYTES = 1_000_000  # tiny XML parts compress well legitimately
INVALID_SERIAL = "#invalid-excel-date"

Cells = tuple[Any, ...]


def check_zip_container(data: bytes, file_name: str) -> None:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise ExtractRejected(
            file_name, "the workbook is damaged (not a readable .xlsx).", "Save it again from Excel."
        ) from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise ExtractRejected(file_name, f"the workbook has {len(members)} parts, more than {MAX_MEMBERS}.")
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise ExtractRejected(
            file_name, "the workbook would unpack to more than 1 GB.", "Split it or send CSV instead."
        )
    for member in members:
        if member.file_size > RATIO_CHECK_FROM_BYTES and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            raise ExtractRejected(
                file_name,
                "the workbook inflates over 100 times its size (a possible zip bomb), so it was not opened.",
                "Save it again from Excel, or send CSV.",
            )


def read_xlsx_cells(
    data: bytes, contract: Contract, file_name: str
) -> tuple[list[tuple[int, Cells]], set[int], int]:
    """Rows of raw cell values with their row numbers, the rows holding formulas, and the epoch year."""
    check_zip_container(data, file_name)
    from openpyxl import load_workbook
    from openpyxl.utils.datetime import CALENDAR_MAC_1904

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        raise ExtractRejected(
            file_name,
            f"the workbook cannot be opened ({exc.__class__.__name__}).",
            "Save it again from Excel.",
        ) from exc
    try:
        if contract.sheet:
            if contract.sheet not in workbook.sheetnames:
                raise ExtractRejected(file_name, f"the workbook has no sheet named '{contract.sheet}'.")
            sheet = workbook[contract.sheet]
        else:
            sheet = workbook.worksheets[0]
        rows: list[tuple[int, Cells]] = []
        formulas: set[int] = set()
        for number, row in enumerate(sheet.iter_rows(), start=1):
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    formulas.add(number)
                values.append(getattr(cell, "value", None))
            rows.append((number, tuple(values)))
        epoch_year = 1904 if workbook.epoch == CALENDAR_MAC_1904 else 1900
    finally:
        workbook.close()
    return rows, formulas, epoch_year


def _number_text(value: float | int, decimal_separator: str) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int) or float(value).is_integer():
        return str(int(value))
    return repr(float(value)).replace(".", decimal_separator)


def cell_text(value: Any, column: Column | None, epoch_year: int, decimal_separator: str) -> str:
    """A cell as the text an agency would have typed, in the column's declared format."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    wants_date = column is not None and column.type in ("date", "datetime") and column.format
    if isinstance(value, datetime | date):
        if wants_date:
            return value.strftime(column.format)  # type: ignore[union-attr,arg-type]
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, int | float) and wants_date and not isinstance(value, bool):
        from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel

        if epoch_year == 1900 and value <= 60:
            return INVALID_SERIAL
        epoch = CALENDAR_MAC_1904 if epoch_year == 1904 else CALENDAR_WINDOWS_1900
        return from_excel(value, epoch).strftime(column.format)  # type: ignore[union-attr,arg-type]
    if isinstance(value, int | float):
        return _number_text(value, decimal_separator)
    return str(value)
