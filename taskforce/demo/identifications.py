"""Identified victims (police and gendarmerie) and IOM returns: the people every other demo source refers to.

Volumes and mix follow the published picture for Türkiye at the time (shared reference turkey.md):
one to three hundred identified victims a year, mostly women from former Soviet states, mostly
sexual exploitation, with labour exploitation growing. The gendarmerie identifies about a fifth as many
as the police, in rural and border provinces, with more labour exploitation.

The police and IOM files keep exactly the bytes they had before the other sources were added: their
random stream and call order must not change (tests elsewhere count on their broken rows).
"""

from __future__ import annotations

import random
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

from taskforce.demo.common import (
    DEMO_SEED,
    YEARS,
    Row,
    break_rows,
    person_key,
    pick,
    stream,
)

VICTIMS_PER_YEAR = {2006: 288, 2007: 182, 2008: 138, 2009: 131, 2010: 163}
GENDARMERIE_PER_YEAR = {2006: 58, 2007: 36, 2008: 29, 2009: 27, 2010: 33}  # about 20% of the police
GENDARMERIE_SERIALS = 20_000  # gendarmerie-identified persons are 20001, 20002, ...
LABOUR_SHARE = {2006: 0.04, 2007: 0.07, 2008: 0.11, 2009: 0.16, 2010: 0.22}
GENDARMERIE_EXTRA_LABOUR = 0.15  # seasonal agriculture and construction in the gendarmerie's areas

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
# Rural and border provinces: Thrace (Edirne, Kırklareli), the Black Sea and Caucasus border (Artvin,
# Trabzon, Kars, Ardahan, Iğdır, Ağrı, Van), the coast (Antalya, Muğla, Aydın, İzmir), the south-east.
GENDARMERIE_PROVINCES = {
    22: 14,
    39: 6,
    7: 12,
    48: 10,
    9: 6,
    8: 8,
    61: 8,
    53: 3,
    36: 4,
    75: 3,
    76: 3,
    4: 3,
    65: 5,
    31: 6,
    27: 4,
    63: 5,
    33: 5,
    1: 4,
    35: 5,
    10: 3,
    17: 3,
    45: 3,
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
# The gendarmerie's export writes the same headers in capitals (Turkish İ included).
GENDARMERIE_HEADER = [h.replace("i", "İ").upper() for h in POLICE_HEADER]
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


def _victim(
    rng: random.Random,
    serial: int,
    year: int,
    sequence: int,
    provinces: Mapping[int, float] = PROVINCES,
    labour_share: float | None = None,
) -> Victim:
    labour = LABOUR_SHARE[year] if labour_share is None else labour_share
    start = date(year, 1, 1)
    identified_on = start + timedelta(days=rng.randrange((date(year, 12, 31) - start).days + 1))
    roll = rng.random()
    if roll < labour:
        exploitation = ["emek"]
    elif roll < labour + 0.02:
        exploitation = ["dilencilik"]
    elif roll < labour + 0.04:
        exploitation = ["cinsel", "emek"]
    else:
        exploitation = ["cinsel"]
    male_share = 0.55 if exploitation == ["emek"] else 0.04
    sex = "E" if rng.random() < male_share else ("B" if rng.random() < 0.01 else "K")
    age: int | None = rng.choice(range(14, 18)) if rng.random() < 0.06 else int(rng.triangular(18, 45, 24))
    if rng.random() < 0.03:
        age = None
    referral = str(pick(rng, REFERRAL))
    operation = f"OP-{year}-{rng.randrange(1, 400):04d}" if referral == "operasyon" else ""
    return Victim(
        serial,
        identified_on,
        "olasi" if rng.random() < 0.12 else "tespit_edilen",
        int(pick(rng, provinces)),
        str(pick(rng, NATIONALITIES)),
        sex,
        age,
        exploitation,
        referral,
        operation,
    )


def generate_victims(seed: int = DEMO_SEED) -> dict[int, list[Victim]]:
    """Police-identified victims by year. About 2% are identified again in a later year."""
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


def generate_gendarmerie_victims(seed: int = DEMO_SEED) -> dict[int, list[Victim]]:
    """Gendarmerie-identified victims by year: other people than the police's, in other provinces."""
    rng = stream(seed, "gendarmerie")
    by_year: dict[int, list[Victim]] = {}
    serial = GENDARMERIE_SERIALS
    for year in YEARS:
        victims = []
        share = LABOUR_SHARE[year] + GENDARMERIE_EXTRA_LABOUR
        for sequence in range(GENDARMERIE_PER_YEAR[year]):
            serial += 1
            victim = _victim(rng, serial, year, sequence, GENDARMERIE_PROVINCES, share)
            victim.operation = victim.operation.replace("OP-", "JOP-")  # the gendarmerie's own numbering
            victims.append(victim)
        victims.sort(key=lambda v: (v.identified_on, v.serial))
        by_year[year] = victims
    return by_year


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


def _identification_cells(record_id: str, v: Victim, province: str) -> list[object]:
    return [
        record_id,
        person_key(v.serial),
        v.identified_on.strftime("%d.%m.%Y"),
        v.status,
        province,
        v.nationality,
        v.sex,
        "" if v.age is None else str(v.age),
        ",".join(v.exploitation),
        v.referral,
        v.operation,
    ]


def police_rows(rng: random.Random, year: int, victims: list[Victim]) -> list[Row]:
    """The police file: four broken values and an exact duplicate row, as real exports have them.

    The random calls are the same, in the same order, as when this file was the only one, so its bytes
    have not changed. Two breakers may hit the same row, and the duplicate may copy a broken row or land
    before its original; ``manifest`` works out which lines end up quarantined.
    """
    rows = [
        Row(_identification_cells(f"EGM-{year}-{n:05d}", v, f"{v.province:02d}"))
        for n, v in enumerate(victims, start=1)
    ]
    breakers = [
        (2, f"31.02.{year}", "date_format"),  # no such date
        (4, "99", "out_of_range"),  # not a plate code
        (6, "", "required"),  # sex missing
        (8, "cinsel,bilinmiyor", "unknown_code"),  # unknown exploitation code
    ]
    for column, value, rule in breakers:
        row = rows[rng.randrange(len(rows))]
        row.cells[column] = value
        row.broken = row.broken or rule
    position = rng.randrange(len(rows))
    original = rows[rng.randrange(len(rows))]
    rows.insert(position, Row(list(original.cells), original.broken))
    _mark_later_copies(rows)
    return rows


def _mark_later_copies(rows: list[Row]) -> None:
    """The later of two identical rows is the one the validator calls a duplicate."""
    seen: set[tuple[object, ...]] = set()
    for row in rows:
        key = tuple(row.cells)
        if key in seen and not row.broken:
            row.broken = "duplicate_row"
        seen.add(key)


def iom_rows(rng: random.Random, year: int, returns: list[tuple[date, Victim]]) -> list[Row]:
    sexes = {"K": "female", "E": "male", "B": "unknown"}
    rows = []
    for n, (departed, v) in enumerate(returns, start=1):
        child = v.age is not None and v.age < 18
        kind = "escorted" if child else ("third_country" if rng.random() < 0.02 else "avrr")
        rows.append(
            Row(
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
        )
    if rows:
        row = rows[rng.randrange(len(rows))]
        row.cells[3] = "XXX"  # not a country code
        row.broken = "unknown_code"
    return rows


def gendarmerie_rows(rng: random.Random, year: int, victims: list[Victim]) -> list[Row]:
    """The gendarmerie file: same columns as the police's, plate codes without a leading zero."""
    rows = [
        Row(_identification_cells(f"JGK-{year}-{n:05d}", v, str(v.province)))
        for n, v in enumerate(victims, start=1)
    ]
    breakers = [
        (3, "tespit", "unknown_code"),  # status abbreviated
        (7, "150", "out_of_range"),  # age typed wrongly
        (2, f"{year}-06-15", "date_format"),  # ISO date where DD.MM.YYYY is required
    ]
    break_rows(rng, rows, breakers, year)
    return rows
