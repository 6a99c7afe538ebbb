"""Counts computed straight from the demo files with the csv module, independently of the ingestion
code: if the pipeline loses, duplicates or miscounts a row, the marts will disagree with these."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

IDENTIFYING = {
    "tnp_identifications_": "police_identifications",
    "jgk_identifications_": "gendarmerie_identifications",
}
KEY = re.compile(r"^k[0-9]+:[0-9a-f]{64}$")
COUNTRIES_SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "countries.csv"
EXPLOITATION = {"cinsel", "emek", "dilencilik", "zorla_evlilik", "organ", "diger"}
REFERRAL = {"operasyon", "hat_157", "stk", "konsolosluk", "kendi_basvurusu", "diger", ""}


def _countries() -> set[str]:
    with COUNTRIES_SEED.open(encoding="utf-8") as handle:
        return {row["iso3"] for row in csv.DictReader(handle)}


def _date(text: str, fmt: str, year: int) -> bool:
    try:
        return datetime.strptime(text, fmt).year == year
    except ValueError:
        return False


def _age_ok(text: str) -> bool:
    return text == "" or (text.isdigit() and 0 <= int(text) <= 99)


def police_row_ok(row: list[str], year: int, countries: set[str]) -> bool:
    if len(row) != 11:
        return False
    record, key, when, status, province, nationality, sex, age, exploitation, referral, _ = row
    return bool(
        record
        and KEY.match(key)
        and _date(when, "%d.%m.%Y", year)
        and status in {"tespit_edilen", "olasi"}
        and province.isdigit()
        and 1 <= int(province) <= 81
        and (nationality == "" or nationality in countries)
        and sex in {"K", "E", "B"}
        and _age_ok(age)
        and referral in REFERRAL
        and (exploitation == "" or all(p.strip() in EXPLOITATION for p in exploitation.split(",")))
    )


def iom_row_ok(row: list[str], year: int, countries: set[str]) -> bool:
    if len(row) != 8:
        return False
    case, key, when, country, kind, reintegration, sex, age = row
    return bool(
        case
        and KEY.match(key)
        and _date(when, "%Y-%m-%d", year)
        and country in countries
        and kind in {"avrr", "escorted", "third_country"}
        and reintegration in {"yes", "no"}
        and sex in {"female", "male", "unknown"}
        and _age_ok(age)
    )


@dataclass
class Expected:
    rows_read: Counter = field(default_factory=Counter)  # by source
    rows_loaded: Counter = field(default_factory=Counter)
    identification_records: Counter = field(default_factory=Counter)  # by year
    identified_persons_by_year: dict[int, set[str]] = field(default_factory=dict)
    presumed_persons_by_year: dict[int, set[str]] = field(default_factory=dict)
    returns_by_year: Counter = field(default_factory=Counter)
    reintegration_by_year: Counter = field(default_factory=Counter)
    police_keys: set[str] = field(default_factory=set)
    return_keys: list[str] = field(default_factory=list)

    @property
    def returns_without_identification(self) -> int:
        return sum(key not in self.police_keys for key in self.return_keys)

    def identified_persons(self, first: int, last: int) -> int:
        return len(
            set().union(*(self.identified_persons_by_year.get(y, set()) for y in range(first, last + 1)))
        )


def _valid_rows(
    text: str, delimiter: str, check, year: int, countries: set[str]
) -> tuple[int, list[list[str]]]:
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)][1:]
    rows = [r for r in rows if any(c.strip() for c in r)]
    seen_rows: set[tuple[str, ...]] = set()
    seen_ids: set[str] = set()
    valid = []
    for row in rows:
        row = [c.strip() for c in row]
        duplicate = tuple(row) in seen_rows or (row and row[0] in seen_ids)
        seen_rows.add(tuple(row))
        if check(row, year, countries) and not duplicate:
            valid.append(row)
        if row:
            seen_ids.add(row[0])
    return len(rows), valid


def expected_from_files(paths: list[Path]) -> Expected:
    countries = _countries()
    out = Expected()
    for path in paths:
        year = int(re.search(r"(\d{4})", path.name).group(1))
        if path.name.startswith(tuple(IDENTIFYING)):  # police and gendarmerie send the same layout
            source = IDENTIFYING[path.name.split("_", 1)[0] + "_identifications_"]
            read, valid = _valid_rows(path.read_bytes().decode("cp1254"), ";", police_row_ok, year, countries)
            out.rows_read[source] += read
            out.rows_loaded[source] += len(valid)
            out.identification_records[year] += len(valid)
            out.identified_persons_by_year.setdefault(year, set()).update(
                r[1] for r in valid if r[3] == "tespit_edilen"
            )
            out.presumed_persons_by_year.setdefault(year, set()).update(
                r[1] for r in valid if r[3] == "olasi"
            )
            out.police_keys.update(r[1] for r in valid)
        elif path.name.startswith("iom_returns_"):
            read, valid = _valid_rows(path.read_bytes().decode("utf-8"), ",", iom_row_ok, year, countries)
            out.rows_read["iom_returns"] += read
            out.rows_loaded["iom_returns"] += len(valid)
            out.returns_by_year[year] += len(valid)
            out.reintegration_by_year[year] += sum(r[5] == "yes" for r in valid)
            out.return_keys.extend(r[1] for r in valid)
    return out
