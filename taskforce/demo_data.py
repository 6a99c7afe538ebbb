"""Deterministic demo extracts, shaped like what the agencies sent the Task Force in 2006-2010.

Volumes and mix follow the published picture for Türkiye at the time (shared reference turkey.md):
one to three hundred identified victims a year, mostly women from former Soviet states, mostly
sexual exploitation, with labour exploitation growing. Each agency's file looks like its real export:
the police send windows-1254, ``;``-delimited, DD.MM.YYYY with Turkish headers; IOM sends UTF-8 CSV
with ISO dates. A small, fixed share of rows is deliberately broken so the quarantine has work to do.

Nothing here is real: person keys are HMACs of made-up serial numbers under a public demo key.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

DEMO_SEED = 20060101
DEMO_KEY = b"demo-key-public-not-for-real-data"
YEARS = (2006, 2007, 2008, 2009, 2010)
VICTIMS_PER_YEAR = {2006: 288, 2007: 182, 2008: 138, 2009: 131, 2010: 163}
LABOUR_SHARE = {2006: 0.04, 2007: 0.07, 2008: 0.11, 2009: 0.16, 2010: 0.22}

NATIONALITIES = {
    "MDA": 26,
    "UKR": 14,
    "RUS": 12,
    "UZB": 12,
    "KGZ": 8,
    "AZE": 6,
    "GEO": 5,
    "TKM": 5,
    "KAZ": 3,
    "ROU": 3,
    "BLR": 2,
    "TUR": 2,
    "NGA": 1,
    "IRN": 1,
}
PROVINCES = {
    34: 33,
    7: 14,
    6: 8,
    61: 7,
    35: 7,
    48: 5,
    8: 4,
    55: 4,
    9: 3,
    22: 3,
    16: 2,
    1: 2,
    31: 2,
    33: 2,
    41: 1,
    26: 1,
    42: 1,
    25: 1,
}
REFERRAL = {"operasyon": 55, "hat_157": 15, "stk": 10, "konsolosluk": 8, "kendi_basvurusu": 7, "diger": 5}

POLICE_HEADER = [
    "Kayıt No",
    "Kişi Anahtarı",
    "Tespit Tarihi",
    "Statü",
    "İl Plaka Kodu",
    "Uyruk",
    "Cinsiyet",
    "Yaş",
    "Sömürü Türü",
    "Bildirim Kaynağı",
    "Operasyon No",
]
IOM_HEADER = [
    "case_id",
    "person_key",
    "departure_date",
    "destination_country",
    "return_type",
    "reintegration_assistance",
    "sex",
    "age",
]


@dataclass
class Victim:
    serial: int
    identified_on: date
    status: str
    province: int
    nationality: str
    sex: str  # K / E / B
    age: int | None
    exploitation: list[str]
    referral: str
    operation: str


def person_key(serial: int) -> str:
    digest = hmac.new(DEMO_KEY, f"demo-person-{serial:06d}".encode(), hashlib.sha256).hexdigest()
    return f"k1:{digest}"


def _pick(rng: random.Random, weights: dict) -> object:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _victim(rng: random.Random, serial: int, year: int, sequence: int) -> Victim:
    start = date(year, 1, 1)
    identified_on = start + timedelta(days=rng.randrange((date(year, 12, 31) - start).days + 1))
    roll = rng.random()
    if roll < LABOUR_SHARE[year]:
        exploitation = ["emek"]
    elif roll < LABOUR_SHARE[year] + 0.02:
        exploitation = ["dilencilik"]
    elif roll < LABOUR_SHARE[year] + 0.04:
        exploitation = ["cinsel", "emek"]
    else:
        exploitation = ["cinsel"]
    male_share = 0.55 if exploitation == ["emek"] else 0.04
    sex = "E" if rng.random() < male_share else ("B" if rng.random() < 0.01 else "K")
    age: int | None = rng.choice(range(14, 18)) if rng.random() < 0.06 else int(rng.triangular(18, 45, 24))
    if rng.random() < 0.03:
        age = None
    referral = str(_pick(rng, REFERRAL))
    operation = f"OP-{year}-{rng.randrange(1, 400):04d}" if referral == "operasyon" else ""
    return Victim(
        serial,
        identified_on,
        "olasi" if rng.random() < 0.12 else "tespit_edilen",
        int(_pick(rng, PROVINCES)),
        str(_pick(rng, NATIONALITIES)),
        sex,
        age,
        exploitation,
        referral,
        operation,
    )


def generate_victims(seed: int = DEMO_SEED) -> dict[int, list[Victim]]:
    """Victims by year of identification. About 2% are identified again in a later year."""
    rng = random.Random(seed)
    by_year: dict[int, list[Victim]] = {}
    serial = 0
    earlier: list[Victim] = []
    for year in YEARS:
        victims = []
        for sequence in range(VICTIMS_PER_YEAR[year]):
            if earlier and rng.random() < 0.02:  # re-identified: same person, new record
                again = rng.choice(earlier)
                fresh = _victim(rng, again.serial, year, sequence)
                fresh.nationality, fresh.sex = again.nationality, again.sex
                victims.append(fresh)
                continue
            serial += 1
            victims.append(_victim(rng, serial, year, sequence))
        victims.sort(key=lambda v: v.identified_on)
        earlier.extend(victims)
        by_year[year] = victims
    return by_year


def _police_rows(rng: random.Random, year: int, victims: list[Victim]) -> list[list[str]]:
    rows = []
    for n, v in enumerate(victims, start=1):
        rows.append(
            [
                f"EGM-{year}-{n:05d}",
                person_key(v.serial),
                v.identified_on.strftime("%d.%m.%Y"),
                v.status,
                f"{v.province:02d}",
                v.nationality,
                v.sex,
                "" if v.age is None else str(v.age),
                ",".join(v.exploitation),
                v.referral,
                v.operation,
            ]
        )
    # A few broken rows, as real exports have them: each must end up in quarantine.
    breakers = [
        lambda r: r.__setitem__(2, f"31.02.{year}"),  # no such date
        lambda r: r.__setitem__(4, "99"),  # not a plate code
        lambda r: r.__setitem__(6, ""),  # sex missing
        lambda r: r.__setitem__(8, "cinsel,bilinmiyor"),  # unknown exploitation code
    ]
    for breaker in breakers:
        breaker(rows[rng.randrange(len(rows))])
    rows.insert(rng.randrange(len(rows)), list(rows[rng.randrange(len(rows))]))  # an exact duplicate row
    return rows


def _iom_rows(rng: random.Random, year: int, returns: list[tuple[date, Victim]]) -> list[list[str]]:
    sexes = {"K": "female", "E": "male", "B": "unknown"}
    rows = []
    for n, (departed, v) in enumerate(returns, start=1):
        child = v.age is not None and v.age < 18
        kind = "escorted" if child else ("third_country" if rng.random() < 0.02 else "avrr")
        rows.append(
            [
                f"TR-AVR-{year}-{n:04d}",
                person_key(v.serial),
                departed.isoformat(),
                v.nationality,
                kind,
                "yes" if rng.random() < 0.62 else "no",
                sexes[v.sex],
                "" if v.age is None else str(v.age),
            ]
        )
    if rows:
        rows[rng.randrange(len(rows))][3] = "XXX"  # not a country code
    return rows


def generate_returns(
    rng: random.Random, by_year: dict[int, list[Victim]]
) -> dict[int, list[tuple[date, Victim]]]:
    """About 55% of foreign identified victims return with IOM 10-120 days after identification."""
    returns: dict[int, list[tuple[date, Victim]]] = {year: [] for year in YEARS}
    for year in YEARS:
        for v in by_year[year]:
            if v.nationality == "TUR" or v.status != "tespit_edilen" or rng.random() >= 0.55:
                continue
            departed = v.identified_on + timedelta(days=rng.randrange(10, 121))
            if departed.year in returns:
                returns[departed.year].append((departed, v))
    for year in YEARS:
        returns[year].sort(key=lambda pair: (pair[0], pair[1].serial))
    return returns


def _csv_bytes(
    header: list[str], rows: list[list[str]], delimiter: str, encoding: str, newline: str
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator=newline)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def demo_files(seed: int = DEMO_SEED) -> dict[str, bytes]:
    """File name → file bytes for every demo extract."""
    rng = random.Random(seed + 1)
    by_year = generate_victims(seed)
    returns = generate_returns(rng, by_year)
    files: dict[str, bytes] = {}
    for year in YEARS:
        files[f"tnp_identifications_{year}.csv"] = _csv_bytes(
            POLICE_HEADER, _police_rows(rng, year, by_year[year]), ";", "windows-1254", "\r\n"
        )
        files[f"iom_returns_{year}.csv"] = _csv_bytes(
            IOM_HEADER, _iom_rows(rng, year, returns[year]), ",", "utf-8", "\n"
        )
    return files


def write_demo_extracts(directory: Path, seed: int = DEMO_SEED) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, content in demo_files(seed).items():
        path = directory / name
        path.write_bytes(content)
        paths.append(path)
    return paths
