"""Source contracts: one YAML per agency extract under ``ingest/sources/``.

A contract says which file names belong to the source, how the file is encoded and delimited, and for
each column its type, format, whether it is required and which codes it may hold. Agencies and
sources are data: adding one is adding a YAML file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Literal

import yaml

SOURCES_DIR = Path(__file__).resolve().parent / "sources"
AGENCIES_FILE = Path(__file__).resolve().parent / "agencies.yaml"
AGENCY_FROM_FILE_NAME = "from_file_name"  # contract.agency value for sources any agency may send
SEEDS_DIR = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds"

ColumnType = Literal["text", "date", "datetime", "integer", "decimal", "code", "code_set"]
COLUMN_TYPES: tuple[str, ...] = ("text", "date", "datetime", "integer", "decimal", "code", "code_set")
SQL_TYPES: dict[str, str] = {
    "text": "text",
    "date": "date",
    "datetime": "timestamp",
    "integer": "bigint",
    "decimal": "double precision",
    "code": "text",
    "code_set": "text",
}
FILE_FORMATS = ("csv", "xlsx")
DEFAULT_FOOTER_MARKERS = ("toplam", "genel toplam", "total", "grand total")


class ContractError(ValueError):
    """A contract file is malformed; the message names the file and the key."""


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType
    required: bool = False
    unique: bool = False
    aliases: tuple[str, ...] = ()
    format: str | None = None
    pattern: str | None = None
    codes: frozenset[str] | None = None
    separator: str = ","
    minimum: int | None = None
    maximum: int | None = None
    description: str = ""

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Contract:
    source: str
    agency: str
    agency_name: str
    description: str
    version: int
    name_pattern: re.Pattern[str]
    file_format: str  # csv | xlsx
    delimiter: str
    encodings: tuple[str, ...]
    decimal_separator: str
    footer_markers: tuple[str, ...]  # first-cell labels of total rows that are skipped, not loaded
    period_column: str
    columns: tuple[Column, ...]
    path: Path = field(compare=False)
    sheet: str | None = None  # xlsx: the worksheet to read (default: the first)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def raw_table(self) -> str:
        return f"raw.{self.source}"

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    def period_of(self, file_name: str) -> str | None:
        match = self.name_pattern.match(split_extraction_date(file_name)[0])
        return match.group("period") if match else None

    def agency_of(self, file_name: str) -> str | None:
        """The sending agency: fixed by the contract, or taken from the file name's ``agency`` group."""
        if self.agency != AGENCY_FROM_FILE_NAME:
            return self.agency
        match = self.name_pattern.match(split_extraction_date(file_name)[0])
        return match.group("agency") if match else None


@dataclass(frozen=True)
class Agency:
    code: str
    name_en: str
    name_tr: str
    type: str
    ministry: str
    role: str
    reporting: str
    deadline_days: int


def load_agencies(path: Path = AGENCIES_FILE) -> dict[str, Agency]:
    """The agency registry, by code."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    agencies: dict[str, Agency] = {}
    for entry in raw.get("agencies", []):
        where = f"{path.name}, agency '{entry.get('code')}'"
        if entry.get("reporting") not in ("yearly", "quarterly", "monthly"):
            raise ContractError(f"{where}: reporting must be yearly, quarterly or monthly")
        agency = Agency(
            **{k: entry[k] if k in entry else _require(entry, k, where) for k in Agency.__dataclass_fields__}
        )
        if agency.code in agencies:
            raise ContractError(f"{where}: the code appears twice")
        agencies[agency.code] = agency
    return agencies


def _require(mapping: dict, key: str, where: str) -> object:
    if key not in mapping:
        raise ContractError(f"{where}: missing key '{key}'")
    return mapping[key]


@cache
def code_list(reference: str) -> frozenset[str]:
    """Codes from a seed column, written ``<seed>.<column>`` (e.g. ``countries.iso3``)."""
    seed, _, column = reference.partition(".")
    path = SEEDS_DIR / f"{seed}.csv"
    if not path.is_file() or not column:
        raise ContractError(f"code list '{reference}' must name a seed file and column, like countries.iso3")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    if rows and column not in rows[0]:
        raise ContractError(f"code list '{reference}': seed {path.name} has no column '{column}'")
    return frozenset(row[column] for row in rows)


def _parse_column(raw: dict, where: str) -> Column:
    name = str(_require(raw, "name", where))
    where = f"{where}, column '{name}'"
    col_type = str(_require(raw, "type", where))
    if col_type not in COLUMN_TYPES:
        raise ContractError(f"{where}: type '{col_type}' is not one of {', '.join(COLUMN_TYPES)}")
    codes: frozenset[str] | None = None
    if "codes" in raw:
        codes = frozenset(str(c) for c in raw["codes"])
    elif "code_list" in raw:
        codes = code_list(str(raw["code_list"]))
    if col_type in ("code", "code_set") and codes is None:
        raise ContractError(f"{where}: a {col_type} column needs 'codes' or 'code_list'")
    if col_type in ("date", "datetime") and not raw.get("format"):
        raise ContractError(f"{where}: a date column needs a 'format' such as %d.%m.%Y")
    return Column(
        name=name,
        type=col_type,  # type: ignore[arg-type]
        required=bool(raw.get("required", False)),
        unique=bool(raw.get("unique", False)),
        aliases=tuple(str(a) for a in raw.get("aliases", ())),
        format=raw.get("format"),
        pattern=raw.get("pattern"),
        codes=codes,
        separator=str(raw.get("separator", ",")),
        minimum=raw.get("min"),
        maximum=raw.get("max"),
        description=str(raw.get("description", "")).strip(),
    )


def parse_contract(text: str, path: Path) -> Contract:
    where = path.name
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ContractError(f"{where}: not valid YAML ({exc.__class__.__name__})") from exc
    if not isinstance(raw, dict):
        raise ContractError(f"{where}: expected a mapping at the top level")
    file_spec = _require(raw, "file", where)
    columns = tuple(_parse_column(c, where) for c in _require(raw, "columns", where))
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise ContractError(f"{where}: a column name appears twice")
    period_column = str(_require(raw, "period_column", where))
    if period_column not in names or columns[names.index(period_column)].type not in ("date", "datetime"):
        raise ContractError(f"{where}: period_column '{period_column}' must be a date or datetime column")
    file_format = str(file_spec.get("format", "csv"))
    if file_format not in FILE_FORMATS:
        raise ContractError(f"{where}: file format '{file_format}' is not one of {', '.join(FILE_FORMATS)}")
    decimal_separator = str(file_spec.get("decimal_separator", "."))
    if decimal_separator not in (".", ","):
        raise ContractError(f"{where}: decimal_separator must be '.' or ','")
    return Contract(
        source=str(_require(raw, "source", where)),
        agency=str(_require(raw, "agency", where)),
        agency_name=str(raw.get("agency_name", raw["agency"])),
        description=str(raw.get("description", "")),
        version=int(_require(raw, "contract_version", where)),
        name_pattern=re.compile(str(_require(file_spec, "name_pattern", f"{where}: file"))),
        file_format=file_format,
        delimiter=str(file_spec.get("delimiter", ",")),
        encodings=tuple(file_spec.get("encodings", ["utf-8"])),
        decimal_separator=decimal_separator,
        # matched against the first non-empty cell of a row, case-insensitively
        footer_markers=tuple(str(m).lower() for m in file_spec.get("footer_markers", DEFAULT_FOOTER_MARKERS)),
        sheet=file_spec.get("sheet"),
        period_column=period_column,
        columns=columns,
        path=path,
    )


def load_contract(path: Path) -> Contract:
    return parse_contract(path.read_text(encoding="utf-8"), path)


def load_registry(directory: Path = SOURCES_DIR) -> dict[str, Contract]:
    """Every source contract in the registry folder, by source name."""
    contracts = [load_contract(p) for p in sorted(directory.glob("*.yaml"))]
    registry = {c.source: c for c in contracts}
    if len(registry) != len(contracts):
        raise ContractError(f"{directory}: two contracts declare the same source name")
    agencies = load_agencies()
    for contract in contracts:
        if contract.agency == AGENCY_FROM_FILE_NAME:
            if "agency" not in contract.name_pattern.groupindex:
                raise ContractError(
                    f"{contract.path.name}: agency from_file_name needs an (?P<agency>...) group"
                )
        elif contract.agency not in agencies:
            raise ContractError(f"{contract.path.name}: agency '{contract.agency}' is not in agencies.yaml")
    return registry


_EXTRACTION_DATE = re.compile(r"^(?P<base>.+)_(?P<date>\d{8})(?P<extension>\.[A-Za-z]+)$")


def split_extraction_date(file_name: str) -> tuple[str, date | None]:
    """``tnp_identifications_2008_20090115.csv`` → (``tnp_identifications_2008.csv``, 15 Jan 2009).

    Any source's file may carry the date the agency made the extract, so that a resend made earlier
    than the batch already loaded (an old file arriving late) can be refused. Without it, the last
    file to arrive wins."""
    match = _EXTRACTION_DATE.match(file_name)
    if not match:
        return file_name, None
    try:
        made = datetime.strptime(match["date"], "%Y%m%d").date()
    except ValueError:
        return file_name, None
    return match["base"] + match["extension"], made


def contract_for_file(file_name: str, registry: dict[str, Contract]) -> Contract | None:
    """The contract whose file-name pattern matches, or None."""
    matches = [c for c in registry.values() if c.period_of(file_name) is not None]
    return matches[0] if len(matches) == 1 else None
