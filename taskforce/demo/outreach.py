"""The 157 helpline, IOM trainings, labour inspections and the Foreign Ministry's cooperation actions.

The helpline (run by IOM for the Task Force from 2005) answered in Russian, Romanian, English and
Turkish; hundreds of calls a year, most asking for information, a few leading to an identification:
those calls carry the person key of the victim the police then identified. IOM trained a few dozen
groups a year across the country. Labour inspections that look for trafficking indicators grow year on
year. The Foreign Ministry, chair of the Task Force, works mostly with the countries victims come from.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from taskforce.demo.common import YEARS, Row, break_rows, dmy, person_key, pick, random_day, within_year
from taskforce.demo.enforcement import Case
from taskforce.demo.identifications import PROVINCES, Victim

CALLS_PER_YEAR = {2006: 380, 2007: 450, 2008: 520, 2009: 560, 2010: 610}
CALL_LANGUAGES = {"ru": 42, "tr": 28, "ro": 14, "en": 16}
LANGUAGE_BY_NATIONALITY = {
    "MDA": {"ro": 70, "ru": 30},
    "ROU": {"ro": 100},
    "TUR": {"tr": 100},
    "NGA": {"en": 100},
}
CALLERS = {"public": 35, "family": 20, "victim": 15, "ngo": 8, "law_enforcement": 7, "other": 15}
CATEGORIES = {"information": 55, "notification": 20, "emergency": 10, "other": 15}
OUTCOMES = {
    "information": {"information_given": 95, "referred_to_ngo": 5},
    "notification": {"referred_to_police": 70, "referred_to_ngo": 20, "information_given": 10},
    "emergency": {"referred_to_police": 90, "referred_to_ngo": 10},
    "other": {"no_action": 60, "information_given": 40},
}
HOURS = {h: (1 if h < 7 else 6 if 9 <= h <= 18 else 3) for h in range(24)}
CORRECTION_YEAR = 2009
WITHDRAWN_CALLS = 3

TRAINING_SESSIONS = {2006: 24, 2007: 28, 2008: 32, 2009: 36, 2010: 40}
TRAINING_PROVINCES = {
    6: 20,
    34: 18,
    7: 10,
    35: 8,
    61: 7,
    33: 5,
    22: 5,
    65: 4,
    25: 3,
    27: 4,
    48: 3,
    55: 3,
    16: 3,
    1: 3,
}
AUDIENCES = {
    "tnp": (14, 0.08),
    "jgk": (10, 0.03),
    "judges_prosecutors": (12, 0.3),
    "moj": (4, 0.35),
    "labour_inspectors": (6, 0.15),
    "csgb": (3, 0.25),
    "sb": (5, 0.65),
    "mfa": (3, 0.4),
    "social_services": (5, 0.7),
    "ngo": (8, 0.8),
    "ikgv": (2, 0.85),
    "kdv": (2, 0.9),
    "h157": (2, 0.6),
    "other": (3, 0.5),
}  # audience: (weight, share of women among participants)
TOPICS = {
    "tnp": ("victim_identification", "investigation"),
    "jgk": ("victim_identification", "investigation"),
    "judges_prosecutors": ("legal_framework", "prosecution"),
    "moj": ("legal_framework", "prosecution"),
    "labour_inspectors": ("labour_exploitation", "victim_identification"),
    "csgb": ("labour_exploitation",),
    "mfa": ("legal_framework", "referral_mechanism"),
}
ASSISTANCE_TOPICS = ("victim_assistance", "referral_mechanism", "awareness")

INSPECTIONS_PER_YEAR = {2006: 55, 2007: 80, 2008: 115, 2009: 160, 2010: 220}
SECTORS = {"A": 20, "C": 25, "F": 20, "I": 15, "G": 8, "T": 5, "N": 3, "S": 4}
WORKERS = {"A": (5, 120, 25), "C": (10, 400, 60), "F": (5, 200, 30), "I": (3, 80, 12), "T": (1, 3, 1)}
INSPECTION_PROVINCES = {
    34: 25,
    16: 8,
    35: 8,
    7: 8,
    1: 7,
    63: 6,
    42: 5,
    6: 7,
    20: 4,
    27: 5,
    33: 5,
    45: 4,
    41: 5,
}

ACTIONS_PER_YEAR = {2006: 34, 2007: 38, 2008: 45, 2009: 52, 2010: 58}
PARTNERS = {
    "MDA": 20, "UKR": 14, "RUS": 12, "UZB": 10, "KGZ": 7, "GEO": 6, "AZE": 6, "TKM": 5,
    "ROU": 5, "BLR": 3, "KAZ": 3, "GRC": 2, "BGR": 2, "USA": 1, "DEU": 1,
}  # fmt: skip
ACTION_TYPES = {
    "consular_notification": 40,
    "return_coordination": 30,
    "mutual_legal_assistance": 20,
    "joint_investigation": 10,
}

CALLS_HEADER = [
    "call_id",
    "received_at",
    "language",
    "caller_type",
    "province_code",
    "category",
    "outcome",
    "linked_person_key",
]
TRAININGS_HEADER = [
    "training_ref",
    "training_date",
    "province_code",
    "participant_agency",
    "topic",
    "participants_female",
    "participants_male",
]
INSPECTIONS_HEADER = [
    "Teftiş No",
    "Teftiş Tarihi",
    "İl Plaka Kodu",
    "Sektör (ISIC)",
    "Kontrol Edilen İşçi Sayısı",
    "Tespit Edilen Gösterge Sayısı",
    "Emniyete Bildirildi",
    "Teftiş Süresi (Saat)",
]
COOPERATION_HEADER = [
    "İşlem No",
    "İşlem Tarihi",
    "Ortak Ülke",
    "İşbirliği Türü",
    "İlgili Esas No",
]


@dataclass(frozen=True)
class Call:
    at: datetime
    language: str
    caller: str
    province: int | None
    category: str
    outcome: str
    serial: int | None  # the person identified after this call


def _moment(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(int(pick(rng, HOURS)), rng.randrange(60)))


def _linked_call(rng: random.Random, v: Victim) -> Call:
    """The call that led to ``v``'s identification, a few days before it, in the victim's language."""
    day = within_year(v.identified_on - timedelta(days=rng.randrange(0, 4)), v.identified_on.year)
    languages = LANGUAGE_BY_NATIONALITY.get(v.nationality, {"ru": 85, "tr": 10, "en": 5})
    caller = str(pick(rng, {"victim": 60, "family": 25, "public": 10, "ngo": 5}))
    category = "emergency" if rng.random() < 0.7 else "notification"
    return Call(
        _moment(rng, day),
        str(pick(rng, languages)),
        caller,
        v.province,
        category,
        "referred_to_police",
        v.serial,
    )


def _other_call(rng: random.Random, year: int) -> Call:
    category = str(pick(rng, CATEGORIES))
    province = int(pick(rng, PROVINCES)) if rng.random() < 0.7 else None
    return Call(
        _moment(rng, random_day(rng, year)),
        str(pick(rng, CALL_LANGUAGES)),
        str(pick(rng, CALLERS)),
        province,
        category,
        str(pick(rng, OUTCOMES[category])),
        None,
    )


def generate_calls(rng: random.Random, victims: Iterable[Victim]) -> dict[int, list[Call]]:
    """Calls by year: one for every victim identified through the helpline, the rest without a person."""
    by_year: dict[int, list[Call]] = {year: [] for year in YEARS}
    for v in victims:
        if v.referral == "hat_157":
            by_year[v.identified_on.year].append(_linked_call(rng, v))
    for year in YEARS:
        calls = by_year[year]
        calls.extend(_other_call(rng, year) for _ in range(CALLS_PER_YEAR[year] - len(calls)))
        calls.sort(key=lambda c: (c.at, c.language, c.caller, c.serial or 0))
    return by_year


def call_rows(rng: random.Random, year: int, calls: list[Call]) -> list[Row]:
    rows = [
        Row(
            [
                f"157-{year}-{n:05d}",
                c.at.strftime("%d.%m.%Y %H:%M"),
                c.language,
                c.caller,
                "" if c.province is None else str(c.province),
                c.category,
                c.outcome,
                "" if c.serial is None else person_key(c.serial),
            ]
        )
        for n, c in enumerate(calls, start=1)
    ]
    breakers = [
        (1, f"30.02.{year} 14:05", "date_format"),
        (2, "Rusça", "unknown_code"),  # the language's name instead of its code
        (4, "82", "out_of_range"),
        (3, "", "required"),
    ]
    break_rows(rng, rows, breakers, 0)
    return rows


def corrected_call_rows(rng: random.Random, rows: list[Row]) -> list[Row]:
    """The helpline's resend: broken rows fixed, the duplicate gone, a few test calls withdrawn."""
    test_calls = [r for r in rows if r.broken is None and r.cells[6] == "no_action" and not r.cells[7]]
    withdrawn = {id(r) for r in rng.sample(test_calls, WITHDRAWN_CALLS)}
    kept = [r for r in rows if r.broken != "duplicate_row" and id(r) not in withdrawn]
    return [Row(list(r.clean or r.cells)) for r in kept]


def _participants(rng: random.Random, share_women: float) -> tuple[int, int]:
    count = rng.randint(8, 35)
    women = sum(rng.random() < share_women for _ in range(count))
    return women, count - women


def training_rows(rng: random.Random, year: int) -> list[Row]:
    """One row per training session and audience: a session may bring two or three agencies together."""
    weights = {a: w for a, (w, _) in AUDIENCES.items()}
    sessions = sorted(random_day(rng, year) for _ in range(TRAINING_SESSIONS[year]))
    rows = []
    for n, day in enumerate(sessions, start=1):
        province = int(pick(rng, TRAINING_PROVINCES))
        audiences = list(
            dict.fromkeys(pick(rng, weights) for _ in range(int(pick(rng, {1: 50, 2: 35, 3: 15}))))
        )
        for audience in audiences:
            topic = rng.choice(TOPICS.get(audience, ASSISTANCE_TOPICS))
            women, men = _participants(rng, AUDIENCES[audience][1])
            rows.append(
                Row(
                    [
                        f"TRN-{year}-{n:03d}",
                        day.isoformat(),
                        str(province),
                        audience,
                        topic,
                        str(women),
                        str(men),
                    ]
                )
            )
    breakers = [
        (1, f"{year}-13-02", "date_format"),
        (3, "police", "unknown_code"),
        (6, "-4", "out_of_range"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def _hours(rng: random.Random) -> str:
    """Inspection hours with a decimal comma, as Turkish Excel writes them ("6,5"; "8" when whole)."""
    hours = round(rng.triangular(1.5, 30, 6) * 2) / 2
    return f"{hours:.1f}".replace(".", ",").removesuffix(",0")


def inspection_rows(rng: random.Random, year: int) -> list[Row]:
    rows = []
    days = sorted(random_day(rng, year) for _ in range(INSPECTIONS_PER_YEAR[year]))
    for n, day in enumerate(days, start=1):
        sector = str(pick(rng, SECTORS))
        low, high, mode = WORKERS.get(sector, (2, 60, 10))
        found = 0 if rng.random() < 0.85 else rng.randint(1, 6)
        referred = (found >= 2 and rng.random() < 0.9) or (found == 1 and rng.random() < 0.5)
        rows.append(
            Row(
                [
                    f"ITK-{year}-{n:04d}",
                    dmy(day),
                    f"{int(pick(rng, INSPECTION_PROVINCES)):02d}",
                    sector,
                    str(int(rng.triangular(low, high, mode))),
                    str(found),
                    "evet" if referred else "hayir",
                    _hours(rng),
                ]
            )
        )
    breakers = [
        (1, f"31.11.{year}", "date_format"),
        (3, "Z", "unknown_code"),  # not an ISIC section
        (5, "150", "out_of_range"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def cooperation_rows(rng: random.Random, year: int, cases: list[Case]) -> list[Row]:
    """Actions with partner countries; legal assistance and joint investigations name a court case
    already filed, when there is one."""
    filed = [c for c in cases if c.filed_on.year <= year]
    days = sorted(random_day(rng, year) for _ in range(ACTIONS_PER_YEAR[year]))
    rows = []
    for n, day in enumerate(days, start=1):
        kind = str(pick(rng, ACTION_TYPES))
        earlier = [c for c in filed if c.filed_on <= day]
        case = (
            rng.choice(earlier).ref
            if kind in ("mutual_legal_assistance", "joint_investigation") and earlier
            else ""
        )
        rows.append(Row([f"DB-{year}-{n:03d}", dmy(day), str(pick(rng, PARTNERS)), kind, case]))
    breakers = [
        (2, "MOL", "unknown_code"),  # not the ISO code of Moldova (MDA)
        (1, f"15/06/{year}", "date_format"),  # slashes instead of dots
    ]
    break_rows(rng, rows, breakers, year)
    return rows
