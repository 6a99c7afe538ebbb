"""The PII guard: each detector's positives and look-alikes, the person-key exemption, the header rule,
and that no finding or message ever carries a cell value."""

from __future__ import annotations

import hashlib
import random
from pathlib import Path

import pandas as pd
import pytest
import yaml

from ingest.pii import (
    EMAIL,
    EXACT_DATE,
    IBAN,
    IDENTIFYING_COLUMN,
    PHONE,
    TR_FOREIGNER_ID,
    TR_NATIONAL_ID,
    Finding,
    describe_findings,
    findings_message,
    is_identifying_label,
    is_valid_tckn,
    normalize_label,
    scan_extract,
)

SOURCES = Path(__file__).resolve().parent.parent / "ingest" / "sources"
VALID_TCKN = "17291716060"
KEY = "k1:" + hashlib.sha256(b"someone").hexdigest()


def stdnum_valid(number: str) -> bool:
    """python-stdnum's formulation, re-implemented independently of ingest.pii:
    c1 = (10 - sum(w_i * d_i, i = 1..9, weights 3,1,3,1,...)) mod 10; c2 = (c1 + sum(d1..d9)) mod 10."""
    if len(number) != 11 or not number.isdigit() or number[0] == "0":
        return False
    digits = [int(c) for c in number]
    weighted = sum((3 if i % 2 == 0 else 1) * d for i, d in enumerate(digits[:9]))
    c1 = (10 - weighted) % 10
    c2 = (c1 + sum(digits[:9])) % 10
    return digits[9] == c1 and digits[10] == c2


def make_tckn(rng: random.Random) -> str:
    """A random valid T.C. Kimlik No (not starting with 99), built with the stdnum formula."""
    while True:
        head = str(rng.randint(1, 9)) + "".join(str(rng.randint(0, 9)) for _ in range(8))
        if head.startswith("99"):
            continue
        digits = [int(c) for c in head]
        c1 = (10 - sum((3 if i % 2 == 0 else 1) * d for i, d in enumerate(digits))) % 10
        return f"{head}{c1}{(c1 + sum(digits)) % 10}"


def scan_notes(*cells: str, **kwargs) -> dict[str, int]:
    """Scan one free-text column; {rule: cells}."""
    findings = scan_extract(["notes"], [[cell] for cell in cells], **kwargs)
    assert all(f.column == "notes" for f in findings)
    return {f.rule: f.cells for f in findings}


# --- T.C. Kimlik No -------------------------------------------------------------------------------


def test_tckn_test_vectors() -> None:
    assert is_valid_tckn("17291716060")
    assert not is_valid_tckn("17291716050")  # checksum
    assert not is_valid_tckn("07291716092")  # leading zero
    assert not is_valid_tckn("1729171606")  # 10 digits
    assert not is_valid_tckn("172917160600")  # 12 digits
    assert not is_valid_tckn("1729171606a")
    assert not is_valid_tckn("١٧٢٩١٧١٦٠٦٠")  # Arabic-Indic digits are not ASCII digits


def test_tckn_vectors_in_cells() -> None:
    assert scan_notes("17291716060") == {TR_NATIONAL_ID: 1}
    assert scan_notes("17291716050") == {}
    assert scan_notes("07291716092") == {}


def test_checksum_agrees_with_stdnum_formula_on_random_numbers() -> None:
    rng = random.Random(20080403)
    numbers = [str(rng.randrange(10**10, 10**11)) for _ in range(3000)]
    numbers += [make_tckn(rng) for _ in range(1000)]  # so that many valid ones are compared too
    numbers += [f"0{rng.randrange(10**9, 10**10)}" for _ in range(200)]
    expected = [stdnum_valid(n) for n in numbers]
    assert sum(expected) > 1000
    assert [is_valid_tckn(n) for n in numbers] == expected

    # The vectorized scan agrees too (99-numbers count as foreigners' IDs whatever their checksum).
    findings = {f.rule: f.cells for f in scan_extract(["notes"], [[n] for n in numbers])}
    assert findings.get(TR_NATIONAL_ID, 0) == sum(
        ok and not n.startswith("99") for n, ok in zip(numbers, expected, strict=True)
    )
    assert findings.get(TR_FOREIGNER_ID, 0) == sum(n.startswith("99") for n in numbers)


@pytest.mark.parametrize(
    "cell",
    [
        "17291716060",
        "TC: 17291716060",
        "TC17291716060",  # glued to letters: \b would miss it
        "kimlik no 17291716060'dır",
        "(17291716060)",
        "Mağdur 17291716060, Şanlıurfa",
        f"17291716060 {KEY}",
        "\n17291716060\n",
    ],
)
def test_tckn_found_anywhere_in_a_cell(cell: str) -> None:
    assert scan_notes(cell) == {TR_NATIONAL_ID: 1}


@pytest.mark.parametrize(
    "cell", ["117291716060", "172917160601", "1729171606", "17291716060".replace("0", "O")]
)
def test_tckn_not_found_inside_longer_numbers(cell: str) -> None:
    assert TR_NATIONAL_ID not in scan_notes(cell)


def test_cells_are_counted_not_matches() -> None:
    rng = random.Random(7)
    two = f"{make_tckn(rng)} and {make_tckn(rng)}"
    assert scan_notes(two, VALID_TCKN, "nothing", "") == {TR_NATIONAL_ID: 2}


def test_foreigners_id_flagged_regardless_of_checksum() -> None:
    assert scan_notes("99123456789") == {TR_FOREIGNER_ID: 1}
    assert scan_notes("YKN 99000000000") == {TR_FOREIGNER_ID: 1}
    rng = random.Random(3)
    while True:  # a 99-number that also passes the TCKN checksum counts once, as a foreigner's ID
        candidate = "99" + "".join(str(rng.randint(0, 9)) for _ in range(9))
        if stdnum_valid(candidate):
            break
    assert scan_notes(candidate) == {TR_FOREIGNER_ID: 1}
    assert scan_notes("9912345678") == {}  # 10 digits
    assert scan_notes("991234567890") == {}  # 12 digits


# --- phone numbers ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell",
    [
        "0532 123 45 67",
        "+90 532 1234567",
        "0212 555 12 34",
        "05321234567",
        "5321234567",
        "532 123 45 67",
        "(0532) 123 45 67",
        "0 (532) 123-45-67",
        "+90 (532) 123 45 67",
        "+905321234567",
        "0090 532 123 45 67",
        "90 532 123 45 67",
        "0505-123-45-67",
        "tel:0532.123.45.67",
        "+90 212 555 12 34",
        "+90 (212) 555-12-34",
        "(0212) 5551234",
        "0(312) 555 12 34",
        "0 312 555 12 34",
        "Annesi aradı, numara 0532 123 45 67.",
    ],
)
def test_phone_numbers_found(cell: str) -> None:
    assert scan_notes(cell) == {PHONE: 1}


@pytest.mark.parametrize(
    "cell",
    [
        "EGM-2008-00012",
        "OP-2008-0297",
        "TR-AVR-2008-0001",
        "34",
        "2008",
        "2006-2010",
        "157",
        "1234567890",  # ten digits, not a mobile (5xx) and no trunk 0 or +90
        "212 555 12 34",  # landline without 0 or +90
        "2125551234",
        "05321234567890",  # too long
        "0532 123 45 678",
        "EGM-2008-5321234567",  # tail of a reference number
        "1.234.567",
        "1 200 000",
        "0312",
        KEY,
    ],
)
def test_ordinary_numbers_are_not_phone_numbers(cell: str) -> None:
    assert scan_notes(cell, date_columns=["notes"]) == {}


# --- e-mail, IBAN, dates ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "cell", ["ayse.yilmaz@example.com.tr", "Yazışma: ali_veli+1@posta.gov.tr.", "a@b.co"]
)
def test_email_found(cell: str) -> None:
    assert scan_notes(cell) == {EMAIL: 1}


@pytest.mark.parametrize("cell", ["@egm", "a@b", "ayse at example dot com", "@ 2008", "user@localhost"])
def test_not_email(cell: str) -> None:
    assert scan_notes(cell) == {}


@pytest.mark.parametrize(
    "cell",
    [
        "TR330006100519786457841326",
        "TR33 0006 1005 1978 6457 8413 26",
        "IBAN: tr33 0006 1005 1978 6457 8413 26",
    ],
)
def test_iban_found(cell: str) -> None:
    assert scan_notes(cell) == {IBAN: 1}


@pytest.mark.parametrize("cell", ["TR33 0006 1005", "TR-AVR-2008-0001", "TR3300061005197864578413", "TR"])
def test_not_iban(cell: str) -> None:
    assert scan_notes(cell) == {}


@pytest.mark.parametrize(
    "cell",
    [
        "03.04.1999",
        "3.4.1999",
        "doğum tarihi 31/12/1985",
        "1999-04-03",
        "d. 03-04-1999",
        "Born 01.01.2001.",
    ],
)
def test_exact_dates_found_outside_date_columns(cell: str) -> None:
    assert scan_notes(cell) == {EXACT_DATE: 1}
    assert scan_notes(cell, date_columns=["notes"]) == {}


@pytest.mark.parametrize(
    "cell",
    [
        "2008",
        "1999",
        "04.1999",
        "OP-2008-0297",
        "EGM-2008-00012",
        "32.01.1999",
        "03.13.1999",
        "1999-13-01",
        "1.2.3",
    ],
)
def test_not_exact_dates(cell: str) -> None:
    assert scan_notes(cell) == {}


# --- person keys ----------------------------------------------------------------------------------


def keys_with_digit_runs() -> list[str]:
    """Well-formed person keys whose hex holds long digit runs, valid TCKNs, phone shapes and 99s."""
    runs = [VALID_TCKN, "99123456789", "05321234567", "5321234567", "02125551234", "19990403"]
    keys = []
    for run in runs:
        for head in ("", "ab", "0", "f"):
            body = (head + run + "e" + "0123456789" * 7)[:64]
            keys.append(f"k1:{body}")
    keys.append("k12:" + "1" * 64)
    keys.append("k1:" + ("17291716060a" * 6)[:64])
    return keys


def test_person_keys_are_never_flagged() -> None:
    keys = keys_with_digit_runs()
    columns = ["record_id", "person_key", "notes"]
    rows = [["EGM-2008-00012", key, f"eski anahtar {key}; {key}"] for key in keys]
    assert scan_extract(columns, rows) == []


def test_unpseudonymized_id_in_the_key_column_is_flagged() -> None:
    rows = [["EGM-1", KEY], ["EGM-2", VALID_TCKN], ["EGM-3", " 0532 123 45 67 "]]
    findings = scan_extract(["record_id", "person_key"], rows)
    assert findings == [Finding("person_key", TR_NATIONAL_ID, 1), Finding("person_key", PHONE, 1)]


def test_other_key_column_names() -> None:
    rows = [["17291716060"], ["k2:" + "0" * 64]]
    assert scan_extract(["kisi"], rows, key_columns=["kisi"]) == [Finding("kisi", TR_NATIONAL_ID, 1)]


# --- column headers -------------------------------------------------------------------------------


def test_normalize_label_is_turkish_aware() -> None:
    assert normalize_label("Adı Soyadı") == normalize_label("ADI_SOYADI") == "adisoyadi"
    assert normalize_label("İl Plaka Kodu") == normalize_label("IL PLAKA KODU") == "ilplakakodu"
    assert normalize_label("T.C. KİMLİK NO") == "tckimlikno"
    assert normalize_label("Doğum Tarihi") == "dogumtarihi"
    assert normalize_label("E-posta") == "eposta"
    assert normalize_label("I\u0307l") == "il"  # İ typed as I + combining dot


@pytest.mark.parametrize(
    "label",
    [
        "ad", "Adı", "soyad", "SOYADI", "Adı Soyadı", "ad soyad", "isim", "Baba Adı", "ANNE ADI", "name",
        "First Name", "surname", "full_name", "TC Kimlik", "T.C. Kimlik No", "TCKN", "kimlik no", "Pasaport",
        "pasaport no", "passport_number", "Telefon", "Cep Telefonu", "phone", "Adres", "address", "E-posta",
        "email", "Doğum Tarihi", "birth date", "date_of_birth", "Mağdurun Adı Soyadı",
    ],
)  # fmt: skip
def test_identifying_labels(label: str) -> None:
    assert is_identifying_label(label)


def contract_labels() -> list[str]:
    labels = []
    for path in sorted(SOURCES.glob("*.yaml")):
        for column in yaml.safe_load(path.read_text(encoding="utf-8"))["columns"]:
            labels.extend([column["name"], *column.get("aliases", [])])
    return labels


@pytest.mark.parametrize(
    "label", ["notes", "Notlar", "age", "Yaş", "nationality", "Uyruk", "adet", "kadın", "file_name", "Tarih"]
)
def test_harmless_labels(label: str) -> None:
    assert not is_identifying_label(label)


def test_no_contract_column_or_alias_looks_identifying() -> None:
    labels = contract_labels()
    assert "Kişi Anahtarı" in labels
    assert [label for label in labels if is_identifying_label(label)] == []


def test_identifying_column_by_mapped_name_or_original_label() -> None:
    rows = [["EGM-1", "Ayşe Yılmaz"], ["EGM-2", ""], ["EGM-3", "  "]]
    assert scan_extract(["record_id", "ad_soyad"], rows) == [Finding("ad_soyad", IDENTIFYING_COLUMN, 1)]
    by_label = scan_extract(["record_id", "notes"], rows, labels=["Kayıt No", "Adı Soyadı"])
    assert by_label == [Finding("notes", IDENTIFYING_COLUMN, 1)]
    with pytest.raises(ValueError):
        scan_extract(["record_id", "notes"], rows, labels=["Kayıt No"])


# --- whole extracts, inputs and messages ------------------------------------------------------------


PLANTED = {
    "17291716060": TR_NATIONAL_ID,
    "99123456789": TR_FOREIGNER_ID,
    "0532 123 45 67": PHONE,
    "ayse.yilmaz@example.com": EMAIL,
    "TR33 0006 1005 1978 6457 8413 26": IBAN,
    "03.04.1999": EXACT_DATE,
}


def planted_extract() -> tuple[list[str], list[list[str]]]:
    columns = ["record_id", "person_key", "identification_date", "age", "notes"]
    rows = [["EGM-2008-00001", KEY, "03.04.2008", "24", "operasyonda bulundu"]]
    for number, value in enumerate(PLANTED, start=2):
        rows.append([f"EGM-2008-{number:05d}", KEY, "04.04.2008", "31", f"not: {value}"])
    rows.append(["EGM-2008-00099", KEY, "05.04.2008", "", f"{VALID_TCKN} / 0212 555 12 34"])
    return columns, rows


def test_every_planted_value_is_found_in_its_column() -> None:
    columns, rows = planted_extract()
    findings = scan_extract(columns, rows, date_columns=["identification_date"])
    assert {(f.column, f.rule): f.cells for f in findings} == {
        ("notes", TR_NATIONAL_ID): 2,
        ("notes", TR_FOREIGNER_ID): 1,
        ("notes", PHONE): 2,
        ("notes", EMAIL): 1,
        ("notes", IBAN): 1,
        ("notes", EXACT_DATE): 1,
    }


def test_dataframe_and_lists_give_the_same_findings() -> None:
    columns, rows = planted_extract()
    as_lists = scan_extract(columns, rows, date_columns=["identification_date"])
    as_objects = scan_extract(columns, pd.DataFrame(rows, dtype=object), date_columns=["identification_date"])
    as_strings = scan_extract(columns, pd.DataFrame(rows, dtype="str"), date_columns=["identification_date"])
    assert as_lists == as_objects == as_strings


def test_missing_cells_and_extra_cells() -> None:
    rows = [["EGM-1"], ["EGM-2", "ok", "17291716060"], ["EGM-3", None]]
    findings = scan_extract(["record_id", "notes"], rows)
    assert findings == [Finding("(unnamed column 3)", TR_NATIONAL_ID, 1)]
    assert scan_extract(["record_id", "notes"], []) == []


def test_findings_and_message_never_contain_a_value() -> None:
    columns, rows = planted_extract()
    findings = scan_extract(columns, rows, date_columns=["identification_date"])
    message = findings_message(findings)
    texts = [message, describe_findings(findings), *map(str, findings), *map(repr, findings)]
    values = [*PLANTED, VALID_TCKN, "0212 555 12 34", "5321234567", "ayse", "example", "1999", KEY[3:]]
    for text in texts:
        for value in values:
            assert value not in text
            assert value.replace(" ", "") not in text.replace(" ", "")


def test_message_for_the_agency() -> None:
    findings = [
        Finding("notes", TR_NATIONAL_ID, 2),
        Finding("notes", PHONE, 1),
        Finding("ad", IDENTIFYING_COLUMN, 5),
    ]
    message = findings_message(findings)
    assert message.startswith("the file contains personal data, so it was not loaded: column notes: 2 cells ")
    assert "look like Turkish ID numbers" in message
    assert "(rule tr_national_id)" in message
    assert "1 cell looks like a phone number (rule phone)" in message
    assert "; column ad: the header says" in message
    assert "(5 cells filled) (rule identifying_column)" in message
    assert message.endswith("`taskforce pseudonymize`) and send the file again.")
    assert findings_message([]) == ""


def test_demo_extracts_are_clean(tmp_path) -> None:
    """Every generated demo file, read through the real pipeline (contract, reader, PII guard), is
    clean: no detector fires on it. And with its date columns undeclared the dates are found, so the
    rule does work on the same files."""
    from ingest.contract import contract_for_file, load_registry
    from ingest.reader import read_extract
    from ingest.run import check_file
    from taskforce.demo_data import write_demo_extracts

    registry = load_registry()
    for path in write_demo_extracts(tmp_path):
        result = check_file(path)
        assert result.outcome == "accepted", result.message
        contract = contract_for_file(path.name, registry)
        assert contract is not None
        parsed = read_extract(path, contract, path.name)
        frame = parsed.chunks[0].frame
        keys = [c.name for c in contract.columns if c.pattern and "[0-9a-f]{64}" in c.pattern]
        dates = [c.name for c in contract.columns if c.type in ("date", "datetime")]
        flagged = scan_extract(list(frame.columns), frame, key_columns=keys)
        assert {f.rule for f in flagged} == ({EXACT_DATE} if dates else set()), path.name


# --- the shortcuts that keep the scan fast settle exactly what the exact patterns would ------------------


def _random_cells(seed: int, count: int) -> list[str]:
    """Cells made of digit runs, separators, brackets, country codes and letters: many phone-like."""
    rng = random.Random(seed)
    pieces = [*"0123456789" * 6, *" .-/()+@:TRtrkEGMaçİı\n"]
    pieces += ["00", "90", "+90", "05", "053", "(0", "2008", "TR"]
    return ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 30))) for _ in range(count)]


def test_the_arrow_phone_pattern_agrees_with_the_exact_one() -> None:
    """``_PHONE_NARROW`` (RE2, look-arounds written out) settles cells without a person key in Arrow;
    it must match exactly the cells ``_PHONE_RE`` matches."""
    from ingest.pii import _PHONE_NARROW, _PHONE_RE

    cells = [c for c in _random_cells(7, 50_000) if ":" not in c]
    cells += ["x0532 123 45 67", "1-0532 123 45 67", "-0532 123 45 67", ".05321234567", "a.05321234567",
              "EGM-2008-5321234567", "0532 123 45 67\n", "(0212) 555 12 34"]  # fmt: skip
    narrow = pd.Series(cells, dtype="str").str.contains(_PHONE_NARROW, regex=True).tolist()
    exact = [bool(_PHONE_RE.search(c)) for c in cells]
    assert sum(exact) > 200  # the sample has plenty of phone numbers
    assert narrow == exact


def test_one_pass_for_all_prefilters_finds_what_each_detector_would() -> None:
    """The scan first keeps the cells that pass any detector's prefilter (one pass over the column);
    counting on those gives what each detector counts on the whole column."""
    from ingest import pii

    cells = [*_random_cells(11, 50_000), f"x {KEY} 0532 123 45 67", "ali@example.com", "TR33 0006 1005"]
    values = pd.Series(cells, dtype="str")
    for allow_dates in (False, True):
        found = {(f.rule, f.cells) for f in pii._scan_values("c", values, allow_dates=allow_dates)}
        every = {
            pii.TR_NATIONAL_ID: pii._count_ids(values)[0],
            pii.TR_FOREIGNER_ID: pii._count_ids(values)[1],
            pii.PHONE: pii._count_matching(values, pii._PHONE_PRE, pii._PHONE_RE),
            pii.EMAIL: pii._count_matching(values, pii._EMAIL_PRE, pii._EMAIL_RE, regex=False),
            pii.IBAN: pii._count_matching(values, pii._IBAN_PRE, pii._IBAN_RE),
            pii.EXACT_DATE: 0 if allow_dates else pii._count_matching(values, pii._DATE_PRE, pii._DATE_RE),
        }
        assert found == {(rule, n) for rule, n in every.items() if n}
        assert {rule for rule, _ in found} >= {pii.PHONE, pii.TR_FOREIGNER_ID, pii.EMAIL}
