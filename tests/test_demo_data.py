"""The demo generator is deterministic, looks like the period it models, links the same people across
agencies, and breaks only the few rows it says it breaks."""

from __future__ import annotations

import csv
import io
import zipfile
from collections import Counter
from datetime import date, datetime
from functools import cache
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ingest.contract import contract_for_file, load_agencies, load_registry
from ingest.reader import header_key, read_extract
from ingest.validate import parse_period, validate
from taskforce.demo.common import XLSX_TIMESTAMP
from taskforce.demo_data import (
    YEARS,
    DemoFile,
    demo_corrections,
    demo_extracts,
    demo_files,
    generate_demo,
    generate_victims,
    write_demo_extracts,
)

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
YEARLY_FILES = (
    "tnp_identifications",
    "iom_returns",
    "jgk_identifications",
    "tnp_operations",
    "tnp_suspects",
    "moj_prosecutions",
    "moj_decisions",
    "tnp_referrals",
    "jgk_referrals",
    "ikgv_referrals",
    "kdv_referrals",
    "sb_health_services",
    "h157_calls",
    "iom_trainings",
    "csgb_inspections",
    "mfa_cooperation",
)
LEGACY = ("tnp_identifications_", "iom_returns_")  # their broken rows predate the 2% rule


@cache
def _by_name() -> dict[str, DemoFile]:
    return {f.name: f for f in demo_extracts() if not f.is_correction}


def _table(demo_file: DemoFile, keep_broken: bool = False) -> list[dict[str, str]]:
    """The file's rows as text by contract column name, without the rows broken on purpose unless asked
    (read with the csv module and openpyxl, not with the ingestion code)."""
    contract = contract_for_file(demo_file.name, load_registry())
    assert contract is not None
    if contract.file_format == "xlsx":
        sheet = load_workbook(io.BytesIO(demo_file.content), read_only=True)[contract.sheet]
        cells = [
            (
                n,
                [
                    v.strftime("%d.%m.%Y") if hasattr(v, "strftime") else ("" if v is None else str(v))
                    for v in row
                ],
            )
            for n, row in enumerate(sheet.iter_rows(values_only=True), start=1)
        ]
        header_line = next(n for n, row in cells if row[0] == "Kişi Anahtarı")
        lines = [(n, row) for n, row in cells if n > header_line and row[0] != "Toplam"]
        header = cells[header_line - 1][1]
    else:
        raw = demo_file.content
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("windows-1254")
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=contract.delimiter))
        header, lines = rows[0], list(enumerate(rows[1:], start=2))
    for label, column in zip(header, contract.columns, strict=True):
        assert header_key(label) in {header_key(n) for n in (column.name, *column.aliases)}, label
    broken = set() if keep_broken else {b.line for b in demo_file.broken}
    return [
        dict(zip(contract.column_names, (c.strip() for c in row), strict=True))
        for n, row in lines
        if n not in broken
    ]


def _rows(prefix: str, keep_broken: bool = False) -> list[dict[str, str]]:
    """Rows of every file whose name starts with ``prefix``. References are checked against all rows
    (``keep_broken``): breaking a date does not make the person unknown."""
    return [r for name, f in _by_name().items() if name.startswith(prefix) for r in _table(f, keep_broken)]


# --- determinism and layout ------------------------------------------------------------------------


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    first = generate_demo()
    assert first == generate_demo()  # made afresh twice: XLSX and the correction included
    written = write_demo_extracts(tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in written] == [f.path for f in first]
    assert all(p.read_bytes() == f.content for p, f in zip(written, first, strict=True))
    assert demo_files() == {f.name: f.content for f in first if not f.is_correction}


def test_workbooks_do_not_carry_the_clock() -> None:
    for name, demo_file in _by_name().items():
        if name.endswith(".xlsx"):
            members = zipfile.ZipFile(io.BytesIO(demo_file.content)).infolist()
            assert {m.date_time for m in members} == {XLSX_TIMESTAMP.timetuple()[:6]}, name
            book = load_workbook(io.BytesIO(demo_file.content))
            assert book.properties.created == book.properties.modified == XLSX_TIMESTAMP


def test_other_seed_other_data() -> None:
    assert demo_files(seed=1) != demo_files()


def test_every_source_every_year() -> None:
    names = set(demo_files())
    expected = {f"{prefix}_{y}.csv" for prefix in YEARLY_FILES for y in YEARS}
    expected |= {f"{shelter}_shelter_stays_{y}.xlsx" for shelter in ("ikgv", "kdv") for y in YEARS}
    assert names == expected
    assert set(demo_corrections()) == {"h157_calls_2009.csv"}


def test_ingest_order_originals_then_corrections(tmp_path: Path) -> None:
    paths = write_demo_extracts(tmp_path)
    assert paths[0].name == "tnp_identifications_2006.csv"
    corrections = [n for n, p in enumerate(paths) if p.parent.name == "corrections"]
    assert corrections == list(range(len(paths) - len(corrections), len(paths)))
    assert (tmp_path / "h157_calls_2009.csv").is_file() and (
        tmp_path / "corrections" / "h157_calls_2009.csv"
    ).is_file()


def test_every_file_matches_exactly_one_contract() -> None:
    registry = load_registry()
    agencies = load_agencies()
    used = set()
    for demo_file in demo_extracts():
        contract = contract_for_file(demo_file.name, registry)
        assert contract is not None, demo_file.name
        assert demo_file.name.endswith(f".{contract.file_format}")
        assert contract.agency_of(demo_file.name) in agencies
        used.add(contract.source)
    assert used == set(registry)  # and every contract has demo data


def test_police_files_are_turkish_excel_exports() -> None:
    data = demo_files()["tnp_identifications_2008.csv"]
    assert b"\r\n" in data
    text = data.decode("windows-1254")
    header = text.splitlines()[0]
    assert header.startswith("Kayıt No;Kişi Anahtarı;Tespit Tarihi")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_turkish_agencies_send_windows_1254() -> None:
    for prefix in (
        "jgk_identifications",
        "tnp_operations",
        "moj_decisions",
        "sb_health_services",
        "csgb_inspections",
    ):
        data = demo_files()[f"{prefix}_2008.csv"]
        with pytest.raises(UnicodeDecodeError):
            data.decode("utf-8")
        assert data.decode("windows-1254").splitlines()[1].count(";") >= 4
    assert demo_files()["h157_calls_2008.csv"].startswith(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8"


def test_shelter_workbooks_have_titles_and_a_total_row() -> None:
    for shelter in ("ikgv", "kdv"):
        demo_file = _by_name()[f"{shelter}_shelter_stays_2008.xlsx"]
        book = load_workbook(io.BytesIO(demo_file.content), read_only=True)
        rows = list(book["Kayıtlar"].iter_rows(values_only=True))
        assert rows[2][0] == "Kişi Anahtarı" and rows[0][0] and rows[1][0]  # two title rows, then the header
        assert rows[-1][:2] == ("Toplam", demo_file.rows)
        assert len(rows) == demo_file.rows + 4
    assert _by_name()["ikgv_shelter_stays_2008.xlsx"].content[:4] == b"PK\x03\x04"


def test_labour_inspections_grow_and_use_a_decimal_comma() -> None:
    counts = [_by_name()[f"csgb_inspections_{y}.csv"].rows for y in YEARS]
    assert counts == sorted(counts) and counts[-1] > 3 * counts[0]
    hours = [r["inspection_hours"] for r in _rows("csgb_inspections_")]
    assert any("," in h for h in hours) and not any("." in h for h in hours)


# --- the world looks like 2006-2010 ------------------------------------------------------------------


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


def test_gendarmerie_identifies_a_fifth_as_many_in_other_provinces() -> None:
    for year in YEARS:
        police, gendarmerie = (_by_name()[f"{a}_identifications_{year}.csv"].rows for a in ("tnp", "jgk"))
        assert 0.12 < gendarmerie / police < 0.3
    police_istanbul = Counter(r["province_code"] for r in _rows("tnp_identifications_"))["34"]
    gendarmerie = _rows("jgk_identifications_")
    assert police_istanbul > 100 and not any(r["province_code"] == "34" for r in gendarmerie)
    assert sum("emek" in r["exploitation_types"] for r in gendarmerie) / len(gendarmerie) > 0.2


def test_about_a_third_of_defendants_are_convicted() -> None:
    first = [r for r in _rows("moj_decisions_") if r["instance"] == "ilk_derece"]
    outcomes = Counter(r["outcome"] for r in first)
    assert 0.28 < outcomes["mahkumiyet"] / len(first) < 0.42
    assert {r["instance"] for r in _rows("moj_decisions_")} == {
        "ilk_derece",
        "yargitay",
    }  # no istinaf before 2016


def test_trafficking_sentences_are_mostly_eight_to_twelve_years() -> None:
    article = {r["case_ref"]: r["article"] for r in _rows("moj_prosecutions_")}
    months = [
        int(r["sentence_months"])
        for r in _rows("moj_decisions_")
        if r["outcome"] == "mahkumiyet"
        and r["instance"] == "ilk_derece"
        and article.get(r["case_ref"]) == "80"
    ]
    assert len(months) > 50
    assert sum(96 <= m <= 144 for m in months) / len(months) > 0.6


def test_decisions_come_one_to_three_years_after_filing() -> None:
    def day(text: str) -> date:
        return datetime.strptime(text, "%d.%m.%Y").date()

    filed = {r["case_ref"]: day(r["filing_date"]) for r in _rows("moj_prosecutions_")}
    checked = 0
    for r in _rows("moj_decisions_"):
        if r["case_ref"] in filed and r["instance"] == "ilk_derece" and r["outcome"] != "birlestirme":
            assert 365 <= (day(r["decision_date"]) - filed[r["case_ref"]]).days <= 3 * 365, r["case_ref"]
            checked += 1
    assert checked > 300


def test_helpline_speaks_russian_turkish_romanian_english() -> None:
    for year in YEARS:
        calls = _rows(f"h157_calls_{year}")
        assert 300 <= len(calls) <= 700
        languages = Counter(r["language"] for r in calls)
        assert set(languages) == {"ru", "tr", "ro", "en"}
        assert languages.most_common(1)[0][0] == "ru"
        linked = [r for r in calls if r["linked_person_key"]]
        assert 0 < len(linked) < 0.2 * len(calls)
        assert all(r["outcome"] == "referred_to_police" for r in linked)


def test_trainings_and_cooperation_volumes() -> None:
    for year in YEARS:
        sessions = {r["training_ref"] for r in _rows(f"iom_trainings_{year}")}
        assert 20 <= len(sessions) <= 50
        actions = _rows(f"mfa_cooperation_{year}")
        assert 25 <= len(actions) <= 70
        partners = Counter(r["partner_country"] for r in actions)
        assert sum(n for c, n in partners.items() if c in FORMER_SOVIET | {"ROU"}) / len(actions) > 0.7
    police = [r for r in _rows("iom_trainings_") if r["participant_agency"] == "tnp"]
    women = sum(int(r["participants_female"]) for r in police)
    assert women / sum(women + int(r["participants_male"]) for r in police) < 0.2


# --- one person, one key, at every agency ---------------------------------------------------------------


def _identified_keys() -> set[str]:
    prefixes = ("tnp_identifications_", "jgk_identifications_")
    return {r["person_key"] for prefix in prefixes for r in _rows(prefix, keep_broken=True)}


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


def test_protection_keys_are_identified_people() -> None:
    identified = _identified_keys()
    for prefix, column in (
        ("ikgv_shelter_stays_", "person_key"),
        ("kdv_shelter_stays_", "person_key"),
        ("sb_health_services_", "person_key"),
        ("tnp_referrals_", "person_key"),
        ("jgk_referrals_", "person_key"),
        ("ikgv_referrals_", "person_key"),
        ("kdv_referrals_", "person_key"),
        ("h157_calls_", "linked_person_key"),
        ("moj_prosecutions_", "victim_keys"),
    ):
        keys = {k for r in _rows(prefix) for k in r[column].split("|") if k}
        assert keys, prefix
        assert keys <= identified, prefix


def test_people_move_between_agencies() -> None:
    stays = {r["person_key"] for p in ("ikgv_shelter_stays_", "kdv_shelter_stays_") for r in _rows(p)}
    returned = {r["person_key"] for r in _rows("iom_returns_")}
    referred = Counter(
        (r["from_agency"], r["to_agency"])
        for p in ("tnp_", "jgk_", "ikgv_", "kdv_")
        for r in _rows(f"{p}referrals_")
    )
    assert referred[("tnp", "ikgv")] and referred[("tnp", "kdv")] and referred[("jgk", "kdv")]
    assert referred[("tnp", "sb")] and referred[("ikgv", "iom")] and referred[("tnp", "iom")]
    assert len(stays & returned) > 100  # sheltered until they went home with IOM
    to_iom = {
        r["person_key"]
        for p in ("tnp_", "ikgv_", "kdv_")
        for r in _rows(f"{p}referrals_")
        if r["to_agency"] == "iom"
    }
    assert len(returned - to_iom) <= 5


def test_prosecution_side_links_up() -> None:
    operations = {r["operation_ref"] for r in _rows("tnp_operations_", keep_broken=True)}
    suspects = _rows("tnp_suspects_", keep_broken=True)
    assert {r["operation_ref"] for r in _rows("tnp_suspects_")} <= operations
    assert {r["operation_ref"] for r in _rows("tnp_identifications_") if r["operation_ref"]} <= operations
    assert {r["defendant_key"] for r in _rows("moj_prosecutions_")} <= {r["suspect_key"] for r in suspects}
    indicted = {(r["case_ref"], r["defendant_key"]) for r in _rows("moj_prosecutions_", keep_broken=True)}
    decided = {
        (r["case_ref"], r["defendant_key"]) for r in _rows("moj_decisions_") if r["case_ref"] >= "2006"
    }
    # a defendant whose indictment row has a broken case number or key is unknown to the decisions
    cut = sum(
        b.rule == "pattern"
        for n, f in _by_name().items()
        if n.startswith("moj_prosecutions_")
        for b in f.broken
    )
    assert len(decided - indicted) <= cut
    assert any(r["case_ref"] < "2006" for r in _rows("moj_decisions_"))  # cases filed before 2006


# --- broken rows: few, and exactly the ones ingestion quarantines ------------------------------------


def test_deliberately_broken_rows_are_few() -> None:
    registry = load_registry()
    broken_by_source: Counter[str] = Counter()
    for name, demo_file in _by_name().items():
        source = contract_for_file(name, registry).source  # type: ignore[union-attr]
        broken_by_source[source] += len(demo_file.broken)
        limit = 5 if name.startswith(LEGACY) else demo_file.rows // 50
        assert len(demo_file.broken) <= limit, name
    assert all(broken_by_source[source] for source in registry), broken_by_source
    assert Counter(b.rule for f in _by_name().values() for b in f.broken).keys() >= {
        "date_format",
        "unknown_code",
        "out_of_range",
        "duplicate_row",
        "pattern",
        "required",
    }


@pytest.mark.parametrize("path", [f.path for f in demo_extracts()])
def test_broken_rows_are_exactly_the_quarantined_rows(path: str) -> None:
    demo_file = next(f for f in demo_extracts() if f.path == path)
    contract = contract_for_file(demo_file.name, load_registry())
    assert contract is not None
    parsed = read_extract(demo_file.content, contract, demo_file.name)  # never rejected whole
    checked = validate(
        parsed, contract, parse_period(contract.period_of(demo_file.name) or "", demo_file.name)
    )
    quarantined = dict(zip(checked.quarantine["source_row"], checked.quarantine["rules"], strict=True))
    assert set(quarantined) == {b.line for b in demo_file.broken}
    assert all(b.rule in quarantined[b.line].split(",") for b in demo_file.broken)
    assert len(checked.rows) + len(quarantined) == demo_file.rows


def test_correction_fixes_and_withdraws_rows() -> None:
    original = _by_name()["h157_calls_2009.csv"]
    correction = next(f for f in demo_extracts() if f.is_correction)
    assert correction.path == "corrections/h157_calls_2009.csv" and not correction.broken
    fixed_lines = {b.line for b in original.broken if b.rule != "duplicate_row"}
    duplicates = sum(b.rule == "duplicate_row" for b in original.broken)
    assert correction.rows == original.rows - duplicates - 3  # three test calls withdrawn
    before = {r["call_id"]: r for r in _table(original)}
    after = {r["call_id"]: r for r in _table(correction)}
    assert len(set(before) - set(after)) == 3
    assert all(after[i] == before[i] for i in after if i in before)
    assert len(set(after) - set(before)) == len(fixed_lines)  # the broken rows, now correct
