"""Referrals, shelter stays and health services: what happens to a person after identification.

The identifying agency (police or gendarmerie) refers most adult women to a shelter (İKGV in İstanbul
for the west, KDV in Ankara for the rest), children to the Social Services and Child Protection Agency
(SHÇEK), some people to a public hospital, and those who go home to IOM. Shelters refer on to
hospitals, to the bar association's legal aid, and to IOM. A stay ends when the person leaves with
IOM, or after days to months for another reason. Every key here is the key of an identified person.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from taskforce.demo.common import LAST_DAY, YEARS, Row, break_rows, dmy, person_key, pick
from taskforce.demo.identifications import Victim

# Provinces whose victims go to the İstanbul shelter (Marmara, Thrace, the northern Aegean).
WEST = {34, 41, 16, 22, 39, 59, 35, 10, 17, 77, 54, 11, 45, 9}
SHELTER_PROVINCE = {"ikgv": 34, "kdv": 6}
SHELTER_CODE = {"ikgv": "IKGV-IST", "kdv": "KDV-ANK"}
FAMILY_HEALTH_CENTRE_SHARE = {2006: 0.05, 2007: 0.1, 2008: 0.15, 2009: 0.22, 2010: 0.3}  # reform rolls out
OTHER_REASONS_FOREIGN = {"kendi_istegiyle_ayrildi": 45, "baska_kuruma_sevk": 25, "diger": 30}
OTHER_REASONS_NATIONAL = {"aile_yanina_dondu": 50, "kendi_istegiyle_ayrildi": 30, "baska_kuruma_sevk": 20}
FIRST_SERVICE = {"genel": 50, "acil": 30, "ureme_sagligi": 15, "diger": 5}
FOLLOW_UP_SERVICE = {"genel": 40, "psikolojik": 40, "ureme_sagligi": 20}

REFERRALS_HEADER_TR = [
    "Kişi Anahtarı",
    "Yönlendiren Kurum",
    "Yönlendirilen Kurum",
    "Yönlendirme Tarihi",
    "Talep Edilen Hizmet",
    "Kabul Tarihi",
]
REFERRALS_HEADER_EN = [
    "person_key",
    "from_agency",
    "to_agency",
    "referred_on",
    "service_requested",
    "accepted_on",
]
STAYS_HEADER = [
    "Kişi Anahtarı",
    "Sığınma Evi Kodu",
    "Giriş Tarihi",
    "Çıkış Tarihi",
    "Çıkış Nedeni",
    "Alınan Hizmetler",
]
HEALTH_HEADER = [
    "Kişi Anahtarı",
    "Hizmet Tarihi",
    "İl Plaka Kodu",
    "Hizmet Türü",
    "Sağlık Kuruluşu Türü",
]


@dataclass(frozen=True)
class Identification:
    victim: Victim
    agency: str  # tnp | jgk
    departure: date | None  # IOM return, when the person went home


@dataclass(frozen=True)
class Referral:
    serial: int
    from_agency: str
    to_agency: str
    referred_on: date
    service: str  # shelter | health | legal | return | psychosocial | other
    accepted_on: date | None


@dataclass(frozen=True)
class Stay:
    serial: int
    agency: str  # ikgv | kdv
    admitted: date
    discharged: date | None  # None: still in the shelter when the yearly file was compiled
    reason: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class HealthService:
    serial: int
    day: date
    province: int
    service: str
    provider: str


@dataclass
class Protection:
    referrals: list[Referral] = field(default_factory=list)
    stays: list[Stay] = field(default_factory=list)
    health: list[HealthService] = field(default_factory=list)


def _later(rng: random.Random, day: date, low: int, high: int) -> date:
    return day + timedelta(days=rng.randrange(low, high + 1))


def _stay(rng: random.Random, ident: Identification, agency: str, admitted: date) -> Stay:
    v = ident.victim
    if ident.departure and ident.departure >= admitted:
        discharged, reason = ident.departure, "gonullu_donus"
    else:
        discharged = admitted + timedelta(days=int(rng.triangular(2, 150, 21)))
        reasons = OTHER_REASONS_NATIONAL if v.nationality == "TUR" else OTHER_REASONS_FOREIGN
        reason = str(pick(rng, reasons))
    services = ["barinma"]
    for code, share in (("psikososyal", 0.9), ("saglik", 0.7), ("hukuki", 0.35)):
        if rng.random() < share:
            services.append(code)
    if v.nationality != "TUR" and rng.random() < 0.8:
        services.append("tercume")
    if (discharged - admitted).days > 60 and rng.random() < 0.3:
        services.append("egitim")
    if reason == "gonullu_donus" and rng.random() < 0.5:
        services.append("maddi_yardim")
    if discharged > date(admitted.year + 1, 1, 31):  # the yearly file is made at the end of January
        return Stay(v.serial, agency, admitted, None, "", tuple(services))
    return Stay(v.serial, agency, admitted, discharged, reason, tuple(services))


def _health(
    rng: random.Random, serial: int, start: date, province: int, psychosocial: bool
) -> list[HealthService]:
    """One to three visits from the day the hospital accepted the referral."""
    visits: list[HealthService] = []
    day = start
    for n in range(int(pick(rng, {1: 50, 2: 30, 3: 20}))):
        if n:
            day = _later(rng, day, 3, 45)
        if psychosocial:
            service = "psikolojik"
        else:
            service = str(pick(rng, FIRST_SERVICE if n == 0 else FOLLOW_UP_SERVICE))
        roll = rng.random()
        year_share = FAMILY_HEALTH_CENTRE_SHARE.get(day.year, 0.3)
        if service == "acil" or roll >= year_share + 0.05:
            provider = "devlet_hastanesi"
        elif roll < year_share:
            provider = "aile_sagligi_merkezi"
        else:
            provider = "diger"
        visits.append(HealthService(serial, day, province, service, provider))
    return visits


class _Builder:
    """Follows one identified person through referrals, a stay and health services."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.out = Protection()

    def refer(
        self, ident: Identification, source: str, target: str, day: date, service: str, accept: float
    ) -> Referral:
        accepted = _later(self.rng, day, 0, 2) if self.rng.random() < accept else None
        if accepted and ident.departure and service != "return":
            accepted = min(accepted, ident.departure)
        referral = Referral(ident.victim.serial, source, target, day, service, accepted)
        self.out.referrals.append(referral)
        return referral

    def hospital(self, ident: Identification, source: str, day: date, province: int) -> None:
        psychosocial = self.rng.random() < 0.2
        referral = self.refer(ident, source, "sb", day, "psychosocial" if psychosocial else "health", 0.95)
        if referral.accepted_on:
            visits = _health(self.rng, ident.victim.serial, referral.accepted_on, province, psychosocial)
            self.out.health.extend(visits)

    def follow(self, ident: Identification) -> None:
        rng, v = self.rng, ident.victim
        day = v.identified_on
        stay: Stay | None = None
        child = v.age is not None and v.age < 18
        if child and rng.random() < 0.85:
            self.refer(ident, ident.agency, "shcek", _later(rng, day, 0, 1), "shelter", 0.95)
        elif v.sex != "E" and rng.random() < (0.6 if v.nationality != "TUR" else 0.45):
            shelter = "ikgv" if v.province in WEST else "kdv"
            referral = self.refer(ident, ident.agency, shelter, _later(rng, day, 0, 1), "shelter", 0.92)
            if referral.accepted_on:
                stay = _stay(rng, ident, shelter, referral.accepted_on)
                self.out.stays.append(stay)
        if rng.random() < 0.3:
            self.hospital(ident, ident.agency, _later(rng, day, 0, 2), v.province)
        if stay:
            end = stay.discharged or stay.admitted + timedelta(days=30)
            if rng.random() < 0.6 and (end - stay.admitted).days >= 3:
                visit = _later(rng, stay.admitted, 1, min(20, (end - stay.admitted).days - 1))
                self.hospital(ident, stay.agency, visit, SHELTER_PROVINCE[stay.agency])
            if rng.random() < 0.3 and (end - stay.admitted).days >= 4:
                legal = _later(rng, stay.admitted, 2, min(30, (end - stay.admitted).days - 1))
                self.refer(ident, stay.agency, "baro", legal, "legal", 0.8)
        if ident.departure:
            self.to_iom(ident, stay)

    def to_iom(self, ident: Identification, stay: Stay | None) -> None:
        rng, departure = self.rng, ident.departure
        assert departure is not None
        day = max(ident.victim.identified_on, departure - timedelta(days=rng.randrange(5, 31)))
        source = stay.agency if stay and stay.admitted <= day else ident.agency
        accepted = min(departure, _later(rng, day, 0, 3))
        self.out.referrals.append(Referral(ident.victim.serial, source, "iom", day, "return", accepted))
        if rng.random() < 0.2:  # the consulate issues travel documents
            self.refer(ident, source, "konsolosluk", day, "other", 0.9)


def generate_protection(rng: random.Random, identifications: list[Identification]) -> Protection:
    """Referrals, stays and health services of every identified person, within the demo years."""
    builder = _Builder(rng)
    for ident in identifications:
        builder.follow(ident)
    out = builder.out
    out.referrals = sorted(
        (r for r in out.referrals if r.referred_on <= LAST_DAY),
        key=lambda r: (r.referred_on, r.from_agency, r.serial, r.to_agency, r.service),
    )
    out.stays = sorted((s for s in out.stays if s.admitted <= LAST_DAY), key=lambda s: (s.admitted, s.serial))
    unique_visits = {(h.serial, h.day, h.service): h for h in out.health if h.day <= LAST_DAY}
    out.health = sorted(unique_visits.values(), key=lambda h: (h.day, h.serial, h.service))
    return out


def referral_rows(rng: random.Random, year: int, agency: str, referrals: list[Referral]) -> list[Row]:
    rows = [
        Row(
            [
                person_key(r.serial),
                r.from_agency,
                r.to_agency,
                dmy(r.referred_on),
                r.service,
                dmy(r.accepted_on),
            ]
        )
        for r in referrals
        if r.from_agency == agency and r.referred_on.year == year
    ]
    breakers = [
        (3, f"31.06.{year}", "date_format"),
        (2, "polis", "unknown_code"),  # a name instead of the agency code
        (0, person_key(2)[:-1], "pattern"),  # one hex digit lost
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def stay_rows(rng: random.Random, year: int, agency: str, stays: list[Stay], typed_dates: float) -> list[Row]:
    """Rows of one shelter's workbook. Most dates are date cells; ``typed_dates`` of them are text a
    person typed as DD.MM.YYYY, which the reader must accept just the same."""
    rows = []
    for s in stays:
        if s.agency != agency or s.admitted.year != year:
            continue
        admitted: object = dmy(s.admitted) if rng.random() < typed_dates else s.admitted
        rows.append(
            Row(
                [
                    person_key(s.serial),
                    SHELTER_CODE[agency],
                    admitted,
                    s.discharged,
                    s.reason,
                    ",".join(s.services),
                ]
            )
        )
    breakers = [
        (2, f"31.04.{year}", "date_format"),  # typed by hand: April has 30 days
        (5, "barinma,spor", "unknown_code"),
        (1, None, "required"),  # shelter code left empty
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def health_rows(rng: random.Random, year: int, visits: list[HealthService]) -> list[Row]:
    """The Ministry of Health's export pads codes with spaces to a fixed width (trimmed on reading)."""
    rows = [
        Row([person_key(h.serial), dmy(h.day), f"{h.province:02d}", f"{h.service:<14}", f"{h.provider:<20}"])
        for h in visits
        if h.day.year == year
    ]
    breakers = [
        (1, f"{year}.05.12", "date_format"),
        (3, "dis", "unknown_code"),  # dental care: not a code of this extract
        (2, "0", "out_of_range"),
    ]
    break_rows(rng, rows, breakers, year)
    return rows


def identifications_in_order(
    police: dict[int, list[Victim]],
    gendarmerie: dict[int, list[Victim]],
    departures: dict[tuple[int, date], date],
) -> list[Identification]:
    """Every identification of 2006-2010, police and gendarmerie, in date order."""
    found = [
        Identification(v, agency, departures.get((v.serial, v.identified_on)) if agency == "tnp" else None)
        for agency, by_year in (("tnp", police), ("jgk", gendarmerie))
        for year in YEARS
        for v in by_year[year]
    ]
    return sorted(found, key=lambda i: (i.victim.identified_on, i.agency, i.victim.serial))
