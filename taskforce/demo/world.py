"""One demo world for 2006-2010, and every agency's extracts of it, in the order they must be ingested.

The world is made once from the seed: identified persons first, then what follows from them
(operations, suspects, cases, decisions, referrals, stays, health services, helpline calls), then
the activities that do not name persons (trainings, inspections, cooperation). Each file then gets its
own random stream for the few rows it breaks on purpose, so changing one file never moves another.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path

from taskforce.demo.common import (
    CORRECTIONS_DIR,
    DEMO_SEED,
    YEARS,
    DemoFile,
    Row,
    Workbook,
    csv_file,
    stream,
    xlsx_file,
)
from taskforce.demo.enforcement import (
    DECISIONS_HEADER,
    OPERATIONS_HEADER,
    PROSECUTIONS_HEADER,
    SUSPECTS_HEADER,
    Case,
    Decision,
    Operation,
    decision_rows,
    generate_cases,
    generate_decisions,
    generate_earlier_cases,
    generate_operations,
    operation_rows,
    prosecution_rows,
    suspect_rows,
)
from taskforce.demo.identifications import (
    GENDARMERIE_HEADER,
    IOM_HEADER,
    POLICE_HEADER,
    Victim,
    gendarmerie_rows,
    generate_gendarmerie_victims,
    generate_returns,
    generate_victims,
    iom_rows,
    police_rows,
)
from taskforce.demo.outreach import (
    CALLS_HEADER,
    COOPERATION_HEADER,
    CORRECTION_YEAR,
    INSPECTIONS_HEADER,
    TRAININGS_HEADER,
    Call,
    call_rows,
    cooperation_rows,
    corrected_call_rows,
    generate_calls,
    inspection_rows,
    training_rows,
)
from taskforce.demo.protection import (
    HEALTH_HEADER,
    REFERRALS_HEADER_EN,
    REFERRALS_HEADER_TR,
    STAYS_HEADER,
    Protection,
    generate_protection,
    health_rows,
    identifications_in_order,
    referral_rows,
    stay_rows,
)

TURKISH_CSV = {"delimiter": ";", "encoding": "windows-1254"}  # Turkish-locale Excel "CSV (semicolon)"
REFERRAL_SENDERS = {  # agency: (header, encoding, bom, newline)
    "tnp": (REFERRALS_HEADER_TR, "windows-1254", False, "\r\n"),
    "jgk": (REFERRALS_HEADER_TR, "windows-1254", False, "\r\n"),
    "ikgv": (REFERRALS_HEADER_TR, "utf-8", True, "\r\n"),
    "kdv": (REFERRALS_HEADER_EN, "utf-8", False, "\n"),
}


@dataclass(frozen=True)
class World:
    police: dict[int, list[Victim]]
    gendarmerie: dict[int, list[Victim]]
    returns: dict[int, list[tuple[date, Victim]]]
    operations: list[Operation]
    cases: list[Case]  # filed 2006-2010
    decisions: list[Decision]  # dated 2006-2010, including cases filed in 2004-2005
    protection: Protection
    calls: dict[int, list[Call]]


def build_world(seed: int = DEMO_SEED) -> World:
    police = generate_victims(seed)
    gendarmerie = generate_gendarmerie_victims(seed)
    returns = generate_returns(random.Random(seed + 1), police)  # the IOM file's own stream, first use
    operations = generate_operations(stream(seed, "operations"), police)
    cases = generate_cases(stream(seed, "cases"), operations)
    earlier = generate_earlier_cases(stream(seed, "earlier cases"))
    decisions = generate_decisions(stream(seed, "decisions"), earlier + cases)
    departures = {(v.serial, v.identified_on): day for year in YEARS for day, v in returns[year]}
    identifications = identifications_in_order(police, gendarmerie, departures)
    protection = generate_protection(stream(seed, "protection"), identifications)
    everyone = [i.victim for i in identifications]
    calls = generate_calls(stream(seed, "calls"), everyone)
    return World(police, gendarmerie, returns, operations, cases, decisions, protection, calls)


def _turkish(path: str, header: list[str], rows: list[Row]) -> DemoFile:
    return csv_file(path, header, rows, **TURKISH_CSV)


def _shelter_layout(agency: str, year: int) -> Workbook:
    """İKGV sends a plain workbook; KDV's has a notes sheet first and a different title."""
    if agency == "ikgv":
        titles = (f"İKGV Sığınma Evi Kayıtları {year}", f"Rapor dönemi: 01.01.{year} - 31.12.{year}")
        return Workbook(titles, "Kayıtlar")
    notes = (
        "Bu dosya Görev Gücü şablonuna göre hazırlanmıştır.",
        "Kişi anahtarları taskforce pseudonymize ile üretilmiştir; isim yazılmaz.",
    )
    return Workbook(
        ("Kadın Dayanışma Vakfı – Sığınma Evi Konaklama Listesi", f"Yıl: {year}"), "Kayıtlar", notes
    )


Maker = Callable[[random.Random, str], DemoFile]  # (the file's own random stream, its name) -> file


def _new_files(world: World, year: int) -> list[tuple[str, Maker]]:
    """(name, maker) for every source added after police and IOM, in ingest order for one year."""
    p = world.protection
    makers: list[tuple[str, Maker]] = [
        (
            f"jgk_identifications_{year}.csv",
            lambda r, n: _turkish(n, GENDARMERIE_HEADER, gendarmerie_rows(r, year, world.gendarmerie[year])),
        ),
        (
            f"tnp_operations_{year}.csv",
            lambda r, n: _turkish(n, OPERATIONS_HEADER, operation_rows(r, year, world.operations)),
        ),
        (
            f"tnp_suspects_{year}.csv",
            lambda r, n: _turkish(n, SUSPECTS_HEADER, suspect_rows(r, year, world.operations)),
        ),
        (
            f"moj_prosecutions_{year}.csv",
            lambda r, n: _turkish(n, PROSECUTIONS_HEADER, prosecution_rows(r, year, world.cases)),
        ),
        (
            f"moj_decisions_{year}.csv",
            lambda r, n: _turkish(n, DECISIONS_HEADER, decision_rows(r, year, world.decisions)),
        ),
    ]
    for agency, (header, encoding, bom, newline) in REFERRAL_SENDERS.items():
        makers.append(
            (
                f"{agency}_referrals_{year}.csv",
                lambda r, n, a=agency, h=header, e=encoding, b=bom, nl=newline: csv_file(
                    n, h, referral_rows(r, year, a, p.referrals), delimiter=";", encoding=e, bom=b, newline=nl
                ),
            )
        )
    for agency, typed in (("ikgv", 0.0), ("kdv", 0.15)):
        makers.append(
            (
                f"{agency}_shelter_stays_{year}.xlsx",
                lambda r, n, a=agency, t=typed: xlsx_file(
                    n, STAYS_HEADER, stay_rows(r, year, a, p.stays, t), _shelter_layout(a, year)
                ),
            )
        )
    makers += [
        (
            f"sb_health_services_{year}.csv",
            lambda r, n: _turkish(n, HEALTH_HEADER, health_rows(r, year, p.health)),
        ),
        (
            f"h157_calls_{year}.csv",
            lambda r, n: csv_file(
                n,
                CALLS_HEADER,
                call_rows(r, year, world.calls[year]),
                delimiter=";",
                encoding="utf-8",
                bom=True,
            ),
        ),
        (
            f"iom_trainings_{year}.csv",
            lambda r, n: csv_file(
                n, TRAININGS_HEADER, training_rows(r, year), delimiter=",", encoding="utf-8", newline="\n"
            ),
        ),
        (
            f"csgb_inspections_{year}.csv",
            lambda r, n: _turkish(n, INSPECTIONS_HEADER, inspection_rows(r, year)),
        ),
        (
            f"mfa_cooperation_{year}.csv",
            lambda r, n: csv_file(
                n, COOPERATION_HEADER, cooperation_rows(r, year, world.cases), delimiter=";", encoding="utf-8"
            ),
        ),
    ]
    return makers


def _correction(world: World, seed: int) -> DemoFile:
    """The helpline's resend of its 2009 file: same name, under corrections/, to supersede the first."""
    name = f"h157_calls_{CORRECTION_YEAR}.csv"
    rows = call_rows(stream(seed, f"file:{name}"), CORRECTION_YEAR, world.calls[CORRECTION_YEAR])
    fixed = corrected_call_rows(stream(seed, f"correction:{name}"), rows)
    return csv_file(
        f"{CORRECTIONS_DIR}/{name}", CALLS_HEADER, fixed, delimiter=";", encoding="utf-8", bom=True
    )


def generate_demo(seed: int = DEMO_SEED) -> tuple[DemoFile, ...]:
    """Every demo extract, originals first (year by year), then the correction."""
    world = build_world(seed)
    legacy = random.Random(seed + 1)  # police and IOM files share this stream, exactly as before
    generate_returns(legacy, world.police)
    files: list[DemoFile] = []
    for year in YEARS:
        police = police_rows(legacy, year, world.police[year])
        files.append(_turkish(f"tnp_identifications_{year}.csv", POLICE_HEADER, police))
        iom = iom_rows(legacy, year, world.returns[year])
        files.append(
            csv_file(
                f"iom_returns_{year}.csv", IOM_HEADER, iom, delimiter=",", encoding="utf-8", newline="\n"
            )
        )
        for name, make in _new_files(world, year):
            made = make(stream(seed, f"file:{name}"), name)
            if made.rows:  # an agency with nothing to report for a year sends no file
                files.append(made)
    files.append(_correction(world, seed))
    return tuple(files)


@cache
def demo_extracts(seed: int = DEMO_SEED) -> tuple[DemoFile, ...]:
    """``generate_demo``, made once per seed per process (tests ask for it many times)."""
    return generate_demo(seed)


def demo_files(seed: int = DEMO_SEED) -> dict[str, bytes]:
    """File name → bytes of every top-level demo extract (corrections not included)."""
    return {f.name: f.content for f in demo_extracts(seed) if not f.is_correction}


def demo_corrections(seed: int = DEMO_SEED) -> dict[str, bytes]:
    """File name → bytes of the corrected resends, written under ``corrections/``."""
    return {f.name: f.content for f in demo_extracts(seed) if f.is_correction}


def write_demo_extracts(directory: Path, seed: int = DEMO_SEED) -> list[Path]:
    """Write every extract and return the paths in the order they must be ingested."""
    paths = []
    for demo_file in demo_extracts(seed):
        path = directory / demo_file.path
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(demo_file.content)
        paths.append(path)
    return paths
