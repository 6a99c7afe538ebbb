"""The demo generator is deterministic and looks like the period it models."""

from __future__ import annotations

import csv
import io
from collections import Counter

from taskforce.demo_data import YEARS, demo_files, generate_victims, write_demo_extracts

FORMER_SOVIET = {
    "ARM",
    "AZE",
    "BLR",
    "EST",
    "GEO",
    "KAZ",
    "KGZ",
    "LVA",
    "LTU",
    "MDA",
    "RUS",
    "TJK",
    "TKM",
    "UKR",
    "UZB",
}


def test_same_seed_same_bytes(tmp_path) -> None:
    first = demo_files()
    assert first == demo_files()
    written = write_demo_extracts(tmp_path)
    assert {p.name: p.read_bytes() for p in written} == first


def test_other_seed_other_data() -> None:
    assert demo_files(seed=1) != demo_files()


def test_one_police_and_one_iom_file_per_year() -> None:
    names = set(demo_files())
    assert names == {f"tnp_identifications_{y}.csv" for y in YEARS} | {f"iom_returns_{y}.csv" for y in YEARS}


def test_police_files_are_turkish_excel_exports() -> None:
    data = demo_files()["tnp_identifications_2008.csv"]
    assert b"\r\n" in data
    text = data.decode("windows-1254")
    header = text.splitlines()[0]
    assert header.startswith("Kayıt No;Kişi Anahtarı;Tespit Tarihi")
    try:
        data.decode("utf-8")
        raise AssertionError("expected windows-1254 bytes, not UTF-8")
    except UnicodeDecodeError:
        pass


def test_realistic_mix() -> None:
    victims = [v for year in YEARS for v in generate_victims()[year]]
    total = len(victims)
    sexes = Counter(v.sex for v in victims)
    assert sexes["K"] / total > 0.8  # mostly women
    assert sum(v.nationality in FORMER_SOVIET for v in victims) / total > 0.75
    sexual = sum("cinsel" in v.exploitation for v in victims) / total
    assert sexual > 0.7

    def labour_share(year: int) -> float:
        group = generate_victims()[year]
        return sum("emek" in v.exploitation for v in group) / len(group)

    assert labour_share(2010) > labour_share(2006)


def test_returns_reference_identified_people() -> None:
    files = demo_files()
    police_keys = set()
    for year in YEARS:
        rows = csv.reader(
            io.StringIO(files[f"tnp_identifications_{year}.csv"].decode("windows-1254")), delimiter=";"
        )
        police_keys |= {r[1] for r in list(rows)[1:]}
        returns = list(csv.DictReader(io.StringIO(files[f"iom_returns_{year}.csv"].decode("utf-8"))))
        assert returns, year
        assert all(r["person_key"] in police_keys for r in returns)
