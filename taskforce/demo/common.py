"""What every demo extract needs: the seed and key, random streams, rows that know whether they were
broken on purpose, and writers for CSV and XLSX that give the same bytes for the same seed.

Every deliberately broken row is recorded with the rule it breaks, so a test (or a person checking the
quarantine) knows exactly which lines of which file must end up in ``ops.quarantine``.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import PurePosixPath
from typing import TypeVar

DEMO_SEED = 20060101
DEMO_KEY = b"demo-key-public-not-for-real-data"
YEARS = (2006, 2007, 2008, 2009, 2010)
LAST_DAY = date(YEARS[-1], 12, 31)  # nothing in the demo happens after the last reporting year
CORRECTIONS_DIR = "corrections"
# Fixed timestamp for workbook properties and zip members: XLSX bytes must not depend on the clock.
XLSX_TIMESTAMP = datetime(2011, 1, 31, 9, 0, 0)
DUPLICATE_ROW = "duplicate_row"
BREAK_SHARE = 50  # at most one deliberately broken row per 50 rows (2%)

T = TypeVar("T")


def person_key(serial: int) -> str:
    """Pseudonymous key of demo person ``serial``: the same person gets the same key at every agency."""
    digest = hmac.new(DEMO_KEY, f"demo-person-{serial:06d}".encode(), hashlib.sha256).hexdigest()
    return f"k1:{digest}"


def stream(seed: int, name: str) -> random.Random:
    """An independent random stream per concern, so adding a source never changes another's data."""
    return random.Random(f"{seed}:{name}")


def pick(rng: random.Random, weights: Mapping[T, float]) -> T:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def random_day(rng: random.Random, year: int) -> date:
    start = date(year, 1, 1)
    return start + timedelta(days=rng.randrange((date(year, 12, 31) - start).days + 1))


def within_year(day: date, year: int) -> date:
    """Clamp ``day`` into ``year``: an event derived from another must stay in the same yearly file."""
    return min(max(day, date(year, 1, 1)), date(year, 12, 31))


def dmy(day: date | None) -> str:
    """Turkish agencies' date form, DD.MM.YYYY; empty when there is no date."""
    return "" if day is None else day.strftime("%d.%m.%Y")


def text(value: int | None) -> str:
    return "" if value is None else str(value)


@dataclass
class Row:
    """One data row. ``broken`` names the rule a deliberately broken row breaks; ``clean`` keeps the
    cells as they were before breaking, for a corrected resend."""

    cells: list[object]
    broken: str | None = None
    clean: list[object] | None = None


Breaker = tuple[int, object, str]  # column index, value written there, rule the validator reports


def break_rows(rng: random.Random, rows: list[Row], breakers: Sequence[Breaker], offset: int) -> None:
    """Break at most one row in fifty, cycling through ``breakers`` and an exact duplicate row.

    ``offset`` (e.g. the year) rotates the kinds so that small files, which get only one broken row,
    still show every kind across the years. The duplicate is inserted after its original, so the copy is
    the line the validator quarantines.
    """
    kinds: list[Breaker | None] = [*breakers, None]
    budget = min(len(rows) // BREAK_SHARE, len(kinds))
    for i in range(budget):
        kind = kinds[(offset + i) % len(kinds)]
        target = rng.choice([r for r in rows if r.broken is None])
        position = next(n for n, r in enumerate(rows) if r is target)
        if kind is None:
            copy = Row(list(target.cells), DUPLICATE_ROW)
            rows.insert(rng.randrange(position + 1, len(rows) + 1), copy)
            continue
        column, value, rule = kind
        target.clean = list(target.cells)
        target.cells[column] = value
        target.broken = rule


@dataclass(frozen=True)
class BrokenRow:
    line: int  # physical line (CSV, header = 1) or sheet row (XLSX) the quarantine will name
    rule: str


@dataclass(frozen=True)
class DemoFile:
    """One demo extract: where it goes, its bytes, and which of its rows must be quarantined."""

    path: str  # relative to the demo folder, e.g. "corrections/h157_calls_2009.csv"
    content: bytes = field(repr=False)
    rows: int  # data rows, without header, title or total rows
    broken: tuple[BrokenRow, ...] = ()

    @property
    def name(self) -> str:
        return PurePosixPath(self.path).name

    @property
    def is_correction(self) -> bool:
        return self.path.startswith(f"{CORRECTIONS_DIR}/")


def _cell_text(value: object) -> str:
    if isinstance(value, date):
        return dmy(value)
    return "" if value is None else str(value).strip()


def manifest(rows: Sequence[Row], first_line: int) -> tuple[BrokenRow, ...]:
    """Lines that must be quarantined: rows broken on purpose, and later copies of an earlier row.

    A clean row that repeats an earlier one by accident would be quarantined too and make the counts
    lie, so it is a generator bug and raises.
    """
    seen: set[tuple[str, ...]] = set()
    broken: list[BrokenRow] = []
    for n, row in enumerate(rows):
        key = tuple(_cell_text(c) for c in row.cells)
        repeated = key in seen
        seen.add(key)
        if row.broken:
            broken.append(BrokenRow(first_line + n, row.broken))
        elif repeated:
            raise AssertionError(f"demo generator made an accidental duplicate row: {key[:2]}")
    return tuple(broken)


def csv_file(
    path: str,
    header: Sequence[str],
    rows: Sequence[Row],
    *,
    delimiter: str,
    encoding: str,
    newline: str = "\r\n",
    bom: bool = False,
) -> DemoFile:
    """A CSV extract as the agency's export writes it; the header is line 1."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows([[_cell_text(c) for c in r.cells] for r in rows])
    content = ("\ufeff" if bom else "") + buffer.getvalue()
    return DemoFile(path, content.encode(encoding), len(rows), manifest(rows, 2))


@dataclass(frozen=True)
class Workbook:
    """How a shelter's workbook is laid out around the data: title lines, the data sheet's name, a
    notes sheet placed before it, and the label of the total row."""

    titles: tuple[str, ...]
    sheet: str
    notes_sheet: tuple[str, ...] = ()  # lines of an extra sheet placed first, if any
    footer_label: str = "Toplam"


def xlsx_file(path: str, header: Sequence[str], rows: Sequence[Row], layout: Workbook) -> DemoFile:
    """An XLSX workbook with title rows above the header and a total row below the data.

    Dates are real date cells shown as DD.MM.YYYY, as a spreadsheet user types them; text cells stay text.
    """
    from openpyxl import Workbook as OpenpyxlWorkbook
    from openpyxl.writer.excel import ExcelWriter

    book = OpenpyxlWorkbook()
    sheet = book.active
    if layout.notes_sheet:
        sheet.title = "Açıklamalar"
        for line in layout.notes_sheet:
            sheet.append([line])
        sheet = book.create_sheet(layout.sheet)
    else:
        sheet.title = layout.sheet
    for title in layout.titles:
        sheet.append([title])
    sheet.append(list(header))
    for row in rows:
        sheet.append(row.cells)
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, date):
                cell.number_format = "DD.MM.YYYY"
    sheet.append([layout.footer_label, len(rows)])
    book.properties.creator = "demo"
    book.properties.created = XLSX_TIMESTAMP
    book.properties.modified = XLSX_TIMESTAMP
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        ExcelWriter(book, archive).save()
    content = _fixed_zip_times(buffer.getvalue())
    return DemoFile(path, content, len(rows), manifest(rows, len(layout.titles) + 2))


def _fixed_zip_times(data: bytes) -> bytes:
    """Rewrite the zip with one fixed timestamp on every member: openpyxl stamps members with the
    clock, which would make the same workbook differ byte for byte between two runs."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            info = zipfile.ZipInfo(member.filename, date_time=XLSX_TIMESTAMP.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = member.external_attr
            target.writestr(info, source.read(member.filename))
    return out.getvalue()
