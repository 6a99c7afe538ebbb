"""Police operations and suspects, prosecutions and court decisions: the prosecution side of the world.

Operations are the ones the police identification files already name (``OP-YYYY-NNNN``), plus
operations in which nobody was identified as a victim (prostitution and migrant-smuggling operations).
About two thirds of trafficking and prostitution operations lead to an indictment (TPC Art. 80 or
227; prosecutors sometimes re-classify), filed one to eight months later. Courts decide one to three
years after filing; about a third of defendants are convicted, as the TIP reports of the period say.
Art. 80 sentences are 8-12 years (96-144 months), reduced by a sixth for good conduct (TPC Art. 62)
in some cases. Regional appeal courts (istinaf) started work only in 2016, so in 2006-2010 appeals go
straight to the Court of Cassation (Yargıtay). Cases filed in 2004-2005 are still being decided in
2006-2007: their defendants appear in the decisions only.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from taskforce.demo.common import (
    LAST_DAY,
    YEARS,
    Row,
    break_rows,
    dmy,
    person_key,
    pick,
    random_day,
    text,
    within_year,
)
from taskforce.demo.identifications import PROVINCES, Victim

SUSPECT_SERIALS = 100_000  # suspects detained in police operations: 100001, ...
EARLIER_DEFENDANT_SERIALS = 200_000  # defendants of cases filed before 2006
EXTRA_OPERATION_SHARE = 0.3  # operations without an identified victim, per operation with one
PROSECUTION_SHARE = 0.65
SUSPECTS_PER_OPERATION = {1: 25, 2: 30, 3: 20, 4: 12, 5: 8, 6: 5}
SUSPECT_NATIONALITIES = {"TUR": 70, "MDA": 6, "UKR": 5, "RUS": 5, "GEO": 4, "AZE": 4, "UZB": 4, "KGZ": 2}
ROLES = {"tedarik_eden": 30, "nakleden": 15, "somuren": 35, "diger": 10}
EARLIER_CASES = 45
MERGED_SHARE = 0.1
OUTCOMES = {"mahkumiyet": 38, "beraat": 54, "dusme": 8}
APPEAL_SHARE = 0.6
UPHELD_SHARE = 0.8

OPERATIONS_HEADER = [
    "Operasyon No",
    "Operasyon Tarihi",
    "İl Plaka Kodu",
    "Gözaltı Sayısı",
    "Kurtarılan Mağdur Sayısı",
    "TCK Maddesi",
]
SUSPECTS_HEADER = [
    "Şüpheli Anahtarı",
    "Operasyon No",
    "Cinsiyet",
    "Uyruk",
    "Yaş",
    "Rolü",
    "Gözaltı Tarihi",
]
PROSECUTIONS_HEADER = [
    "Esas No",
    "İddianame Tarihi",
    "Mahkeme İli",
    "TCK Maddesi",
    "Sanık Anahtarı",
    "Mağdur Anahtarları",
]
DECISIONS_HEADER = [
    "Esas No",
    "Sanık Anahtarı",
    "Karar Tarihi",
    "Karar",
    "Hapis Cezası (Ay)",
    "Adli Para Cezası (Gün)",
    "Yargı Aşaması",
]


@dataclass(frozen=True)
class Suspect:
    serial: int
    operation: str
    sex: str  # K / E
    nationality: str
    age: int
    role: str
    detained_on: date


@dataclass(frozen=True)
class Operation:
    ref: str
    day: date
    province: int
    article: str  # 80 | 79 | 227
    victims: tuple[Victim, ...]
    rescued: int
    suspects: tuple[Suspect, ...]


@dataclass(frozen=True)
class Case:
    ref: str  # Esas No, YYYY/N
    filed_on: date
    province: int
    article: str
    defendants: tuple[int, ...]  # person serials
    victims: tuple[int, ...]


@dataclass(frozen=True)
class Decision:
    case_ref: str
    defendant: int
    day: date
    outcome: str
    sentence_months: int | None
    fine_days: int | None
    instance: str  # ilk_derece | yargitay


class _Serials:
    """Hands out person serials from a range reserved for one kind of person."""

    def __init__(self, start: int) -> None:
        self.last = start

    def next(self) -> int:
        self.last += 1
        return self.last


def _suspects(
    rng: random.Random, ref: str, day: date, article: str, serials: _Serials
) -> tuple[Suspect, ...]:
    count = int(pick(rng, SUSPECTS_PER_OPERATION)) + (1 if article == "79" else 0)
    detained = within_year(day + timedelta(days=rng.choice((0, 0, 0, 1))), day.year)
    suspects = []
    for n in range(count):
        role = "orgutleyen" if n == 0 and count >= 3 else str(pick(rng, ROLES))
        nationality = str(pick(rng, SUSPECT_NATIONALITIES))
        suspects.append(
            Suspect(
                serials.next(),
                ref,
                "K" if rng.random() < (0.35 if role == "tedarik_eden" else 0.12) else "E",
                nationality,
                int(rng.triangular(19, 62, 34)),
                role,
                detained,
            )
        )
    return tuple(suspects)


def _grouped_by_operation(victims: Iterable[Victim]) -> dict[str, list[Victim]]:
    groups: dict[str, list[Victim]] = {}
    for v in victims:
        if v.operation:
            groups.setdefault(v.operation, []).append(v)
    return groups


def generate_operations(rng: random.Random, police: dict[int, list[Victim]]) -> list[Operation]:
    """Every operation the police files name, plus operations without an identified victim."""
    serials = _Serials(SUSPECT_SERIALS)
    operations: list[Operation] = []
    for year in YEARS:
        groups = _grouped_by_operation(police[year])
        found: list[tuple[str, date, int, str, tuple[Victim, ...], int]] = []
        for ref, victims in groups.items():
            first = min(v.identified_on for v in victims)
            day = within_year(first - timedelta(days=rng.randrange(0, 3)), year)
            sexual = any("cinsel" in v.exploitation for v in victims)
            article = "227" if sexual and rng.random() < 0.3 else "80"
            distinct = len({v.serial for v in victims})
            rescued = distinct + (rng.randrange(1, 4) if rng.random() < 0.25 else 0)
            found.append((ref, day, victims[0].province, article, tuple(victims), rescued))
        free = [n for n in range(1, 400) if f"OP-{year}-{n:04d}" not in groups]
        for n in rng.sample(free, round(len(groups) * EXTRA_OPERATION_SHARE)):
            article = "227" if rng.random() < 0.6 else "79"
            found.append(
                (f"OP-{year}-{n:04d}", random_day(rng, year), int(pick(rng, PROVINCES)), article, (), 0)
            )
        for ref, day, province, article, victims, rescued in sorted(found, key=lambda f: (f[1], f[0])):
            suspects = _suspects(rng, ref, day, article, serials)
            operations.append(Operation(ref, day, province, article, victims, rescued, suspects))
    return operations


def _reclassified(rng: random.Random, article: str) -> str:
    """Prosecutors sometimes charge trafficking as prostitution (Art. 227) and the other way round."""
    if article == "80" and rng.random() < 0.1:
        return "227"
    if article == "227" and rng.random() < 0.05:
        return "80"
    return article


def _case_refs(
    rng: random.Random, pending: list[tuple[date, int, str, tuple[int, ...], tuple[int, ...]]]
) -> list[Case]:
    """Number cases by filing year, in filing order; other (non-trafficking) cases take numbers between."""
    cases: list[Case] = []
    sequence: dict[int, int] = {}
    for filed, province, article, defendants, victims in sorted(pending, key=lambda p: (p[0], p[3])):
        sequence[filed.year] = sequence.get(filed.year, 0) + rng.randrange(1, 25)
        ref = f"{filed.year}/{sequence[filed.year]}"
        cases.append(Case(ref, filed, province, article, defendants, victims))
    return cases


def generate_cases(rng: random.Random, operations: list[Operation]) -> list[Case]:
    """Indictments from operations under Art. 80 and 227, filed one to eight months after them."""
    pending = []
    for op in operations:
        if op.article not in ("80", "227") or rng.random() >= PROSECUTION_SHARE:
            continue
        filed = op.day + timedelta(days=rng.randrange(30, 241))
        defendants = tuple(s.serial for s in op.suspects if rng.random() < 0.85) or (op.suspects[0].serial,)
        victims = tuple(dict.fromkeys(v.serial for v in op.victims))
        if filed <= LAST_DAY:
            pending.append((filed, op.province, _reclassified(rng, op.article), defendants, victims))
    return _case_refs(rng, pending)


def generate_earlier_cases(rng: random.Random) -> list[Case]:
    """Cases filed in 2004-2005, before the demo's first year, still decided in 2006-2007."""
    serials = _Serials(EARLIER_DEFENDANT_SERIALS)
    pending = []
    for _ in range(EARLIER_CASES):
        filed = random_day(rng, rng.choice((2004, 2005)))
        defendants = tuple(serials.next() for _ in range(rng.randint(1, 4)))
        pending.append(
            (filed, int(pick(rng, PROVINCES)), "80" if rng.random() < 0.7 else "227", defendants, ())
        )
    return _case_refs(rng, pending)


def _sentence(rng: random.Random, article: str) -> tuple[int, int]:
    """Months of imprisonment and days of judicial fine for a conviction under ``article``."""
    if article == "80":
        months = int(rng.triangular(96, 144, 100))
        fine = round(rng.triangular(100, 5000, 400), -1)
    elif article == "79":
        months = int(rng.triangular(36, 96, 48))
        fine = round(rng.triangular(100, 3000, 300), -1)
    else:
        months = int(rng.triangular(24, 48, 30))
        fine = round(rng.triangular(100, 3000, 300), -1)
    roll = rng.random()
    if roll < 0.2:
        months = round(months * 5 / 6)  # good conduct in court (TPC Art. 62)
    elif roll < 0.28:
        months = round(months * 1.5)  # several victims: the sentence is raised
    return months, int(fine)


def _decide(rng: random.Random, case: Case) -> list[Decision]:
    if rng.random() < MERGED_SHARE:  # joined to another case: no verdict in this one
        day = case.filed_on + timedelta(days=rng.randrange(180, 721))
        return [Decision(case.ref, d, day, "birlestirme", None, None, "ilk_derece") for d in case.defendants]
    day = case.filed_on + timedelta(days=rng.randrange(365, 3 * 365 + 1))
    decisions = []
    for defendant in case.defendants:
        outcome = str(pick(rng, OUTCOMES))
        if outcome != "mahkumiyet":
            decisions.append(Decision(case.ref, defendant, day, outcome, None, None, "ilk_derece"))
            continue
        months, fine = _sentence(rng, case.article)
        decisions.append(Decision(case.ref, defendant, day, outcome, months, fine, "ilk_derece"))
        if rng.random() < APPEAL_SHARE:
            appeal_day = day + timedelta(days=rng.randrange(300, 721))
            if rng.random() < UPHELD_SHARE:
                decisions.append(Decision(case.ref, defendant, appeal_day, outcome, months, fine, "yargitay"))
            else:
                decisions.append(Decision(case.ref, defendant, appeal_day, "beraat", None, None, "yargitay"))
    return decisions


def generate_decisions(rng: random.Random, cases: list[Case]) -> list[Decision]:
    """Decisions dated inside the demo years, first instance and Court of Cassation."""
    decisions = [d for case in cases for d in _decide(rng, case)]
    kept = [d for d in decisions if date(YEARS[0], 1, 1) <= d.day <= LAST_DAY]
    return sorted(kept, key=lambda d: (d.day, d.case_ref, d.instance, d.defendant))


def operation_rows(rng: random.Random, year: int, operations: list[Operation]) -> list[Row]:
    rows = [
        Row([op.ref, dmy(op.day), f"{op.province:02d}", str(len(op.suspects)), str(op.rescued), op.article])
        for op in operations
        if op.day.year == year
    ]
    breakers = [
        (1, f"30.02.{year}", "date_format"),
        (5, "80/1", "unknown_code"),  # paragraph typed with the article
        (3, "-2", "out_of_range"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def suspect_rows(rng: random.Random, year: int, operations: list[Operation]) -> list[Row]:
    suspects = sorted(
        (s for op in operations for s in op.suspects if s.detained_on.year == year),
        key=lambda s: (s.detained_on, s.operation, s.serial),
    )
    rows = [
        Row([person_key(s.serial), s.operation, s.sex, s.nationality, str(s.age), s.role, dmy(s.detained_on)])
        for s in suspects
    ]
    breakers = [
        (5, "elebasi", "unknown_code"),  # ringleader: not one of the role codes
        (4, "8", "out_of_range"),  # below the age of criminal responsibility
        (6, f"{year}.04.11", "date_format"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def prosecution_rows(rng: random.Random, year: int, cases: list[Case]) -> list[Row]:
    """One row per defendant and case; the case's victims are joined with ``|`` in every row of it."""
    rows = []
    for case in cases:
        if case.filed_on.year != year:
            continue
        victims = "|".join(person_key(v) for v in case.victims)
        for defendant in case.defendants:
            rows.append(
                Row(
                    [
                        case.ref,
                        dmy(case.filed_on),
                        str(case.province),
                        case.article,
                        person_key(defendant),
                        victims,
                    ]
                )
            )
    breakers = [
        (0, f"{year}-123", "pattern"),  # case number written with a dash
        (3, "80/1", "unknown_code"),
        (1, f"{year}-05-12", "date_format"),
        (4, person_key(1)[:40], "pattern"),  # key cut off by a narrow spreadsheet column
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def decision_rows(rng: random.Random, year: int, decisions: list[Decision]) -> list[Row]:
    rows = [
        Row(
            [
                d.case_ref,
                person_key(d.defendant),
                dmy(d.day),
                d.outcome,
                text(d.sentence_months),
                text(d.fine_days),
                d.instance,
            ]
        )
        for d in decisions
        if d.day.year == year
    ]
    breakers = [
        (3, "mahkûmiyet", "unknown_code"),  # spelled with a circumflex
        (4, "720", "out_of_range"),  # years typed as months times ten
        (2, f"31.09.{year}", "date_format"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows
