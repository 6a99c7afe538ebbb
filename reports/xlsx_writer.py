"""A donor report as an Excel workbook: a contents sheet, then one sheet per table.

Each sheet has the column headers in row 1 (frozen), the table below with number formats by kind, then
the notes (the legend of released tables in English and Turkish). Every text cell is written as a
string, never a formula: openpyxl would store a text starting with ``=`` as a formula, so the type is
set explicitly, and such texts also get Excel's quote prefix so that editing the cell keeps it text.
``formula_cells`` finds any ``<f>`` element in a workbook's sheets (the tests assert there is none).

The workbook is reproducible: fixed document properties (no creation time), and the same report gives
the same cells.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import Cell as XlCell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.disclosure import SUPPRESSED
from reports.document import Cell, Kind, Report, ReportTable

NUMBER_FORMATS = {
    Kind.COUNT: "#,##0",
    Kind.PERCENT: "0.0",
    Kind.RATE: "0.00",
    Kind.DECIMAL: "0.0#",
    Kind.INTEGER: "0",
    Kind.TEXT: "@",
}
"""Excel number format per kind (``@`` = text)."""

_FORMULA_START = ("=", "+", "-", "@")
_FIXED_TIME = datetime(2000, 1, 1)
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_RIGHT = Alignment(horizontal="right")


def sheet_names(report: Report) -> dict[str, str]:
    """Sheet name per table: Excel allows 31 characters and no ``[]:*?/\\``; names stay unique."""
    names: dict[str, str] = {}
    used = {"contents"}
    for table in report.tables:
        base = re.sub(r"[\[\]:*?/\\]", "_", table.name)[:31]
        name, n = base, 2
        while name.lower() in used:
            suffix = f"_{n}"
            name, n = base[: 31 - len(suffix)] + suffix, n + 1
        used.add(name.lower())
        names[table.name] = name
    return names


def write_xlsx(report: Report, path: Path) -> Path:
    path.write_bytes(xlsx_bytes(report))
    return path


def xlsx_bytes(report: Report) -> bytes:
    workbook = Workbook()
    contents = workbook.active
    assert contents is not None
    contents.title = "contents"
    names = sheet_names(report)
    _write_contents(contents, report, names)
    for table in report.tables:
        _write_table(workbook.create_sheet(names[table.name]), table)
    properties = workbook.properties
    properties.creator = "taskforce report"
    properties.lastModifiedBy = "taskforce report"
    properties.title = report.title
    properties.created = properties.modified = _FIXED_TIME
    buffer = io.BytesIO()
    workbook.save(buffer)
    data = _fixed_times(buffer.getvalue())
    found = formula_cells(data)
    if found:  # the writer's own guarantee: never hand out a workbook with a formula in it
        raise AssertionError(f"formula elements in sheets {found!r}")
    return data


def _fixed_times(data: bytes) -> bytes:
    """The same workbook dated 2000-01-01 throughout: openpyxl stamps the time of saving on every archive
    member and in the document properties, which would make two identical reports differ."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                content = re.sub(
                    rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>2000-01-01T00:00:00Z\g<2>", content
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=(2000, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            target.writestr(fixed, content)
    return out.getvalue()


def formula_cells(data: bytes) -> list[str]:
    """Names of the sheet parts of an XLSX file that hold a formula (``<f>`` or ``<f .../>`` element)."""
    found = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            is_sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
            if is_sheet and re.search(rb"<(?:\w+:)?f[\s>/]", archive.read(name)):
                found.append(name)
    return found


def _write_contents(sheet: Worksheet, report: Report, names: dict[str, str]) -> None:
    rows: list[tuple[Cell, Cell]] = [
        (report.title, None),
        (report.subtitle, None),
        (None, None),
        ("Sheet", "Table"),
    ]
    rows += [(names[table.name], table.title) for table in report.tables]
    rows += [(None, None), ("Legend", report.legend_en), ("Açıklama", report.legend_tr)]
    rows += [(key, value) for key, value in report.summary.items()]
    for r, (first, second) in enumerate(rows, start=1):
        for c, value in enumerate((first, second), start=1):
            if value is not None:
                _set(sheet.cell(row=r, column=c), value, Kind.TEXT)
    for r in (1, 4):
        sheet.cell(row=r, column=1).font = _BOLD
        sheet.cell(row=r, column=2).font = _BOLD
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100


def _write_table(sheet: Worksheet, table: ReportTable) -> None:
    for c, column in enumerate(table.columns, start=1):
        cell = sheet.cell(row=1, column=c)
        _set(cell, column.header, Kind.TEXT)
        cell.font = _BOLD
        cell.alignment = _WRAP
    for r, row in enumerate(table.rows, start=2):
        for c, value in enumerate(row, start=1):
            if value is not None:
                _set(sheet.cell(row=r, column=c), value, table.kind(r - 2, c - 1))
    sheet.freeze_panes = "A2"
    next_row = len(table.rows) + 3
    _set(sheet.cell(row=next_row, column=1), table.title, Kind.TEXT)
    sheet.cell(row=next_row, column=1).font = _BOLD
    for offset, note in enumerate(table.notes, start=1):
        _set(sheet.cell(row=next_row + offset, column=1), note, Kind.TEXT)
    for c, column in enumerate(table.columns, start=1):
        values = [column.header, *(row[c - 1] for row in table.rows)]
        width = max(len(str(v)) for v in values if v is not None)
        sheet.column_dimensions[get_column_letter(c)].width = max(6, min(width + 2, 60))


def _set(cell: XlCell, value: Cell, kind: Kind) -> None:
    """Write one cell: numbers as numbers with the kind's format, everything else as a plain string."""
    if isinstance(value, bool):
        value = "yes" if value else "no"
    if isinstance(value, int | float) and kind is not Kind.TEXT:
        cell.value = value
        cell.number_format = NUMBER_FORMATS[kind]
        return
    text = str(value)
    cell.value = text
    cell.data_type = "s"  # openpyxl makes "=..." a formula: a report never holds one
    cell.number_format = "@"
    if text.startswith(_FORMULA_START) or text[:1] in ("\t", "\r"):
        cell.quotePrefix = True
    if text == SUPPRESSED:
        cell.alignment = _RIGHT
