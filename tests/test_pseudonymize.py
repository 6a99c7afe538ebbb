"""Pseudonymization as an agency runs it: normalization, keyed person keys, key loading, and CSV files
rewritten with the identifier replaced and everything else untouched."""

from __future__ import annotations

import hashlib
import hmac
import re
from pathlib import Path

import pytest

from ingest.pii import scan_extract
from ingest.pseudonymize import (
    KEY_ENV_VAR,
    PseudonymizeError,
    PseudonymizeSummary,
    generate_key,
    load_key,
    normalize_identifier,
    person_key,
    pseudonymize_csv,
)

KEY_HEX = "3f" * 8 + "a1b2c3d4e5f60718" * 3  # 64 hex characters, 256 bits
KEY = bytes.fromhex(KEY_HEX)
OTHER_KEY = bytes.fromhex("5e" * 32)
PERSON_KEY = re.compile(r"k[0-9]+:[0-9a-f]{64}")
TCKN = "17291716060"
OTHER_TCKN = "10000000146"


def assert_no_secret(text: str | bytes) -> None:
    """Neither the key (hex in any case, or raw) nor the raw national IDs appear."""
    data = text.encode("utf-8", "replace") if isinstance(text, str) else text
    for secret in (KEY_HEX.encode(), KEY_HEX.upper().encode(), KEY, TCKN.encode(), OTHER_TCKN.encode()):
        assert secret not in data


# --- normalization --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variants", "expected"),
    [
        ([" 1729 171 6060 ", "17291716060", "1729-171-6060", "1729.171.6060", "1729\u00a0171\t6060"], TCKN),
        (["İSTANBUL", "istanbul", "İstanbul", "Istanbul", "İstanbul".lower()], "ISTANBUL"),
        (["çağlar", "ÇAĞLAR", " Çağlar ", "Caglar", "C\u0327ag\u0306lar"], "CAGLAR"),
        (["Işık", "ışık", "IŞIK", "isik"], "ISIK"),
        (["Gülşen Öztürk", "GÜLŞEN ÖZTÜRK", "gulsen-ozturk"], "GULSENOZTURK"),
        (["Hâkim", "HAKİM"], "HAKIM"),
        (["U 1234567", "u1234567"], "U1234567"),
        (["Наталья", "НАТАЛЬЯ"], "НАТАЛЬЯ"),  # other scripts are upper-cased, not transliterated
        (["03.04.1999", "03-04-1999"], "03041999"),
    ],
)
def test_normalize_identifier(variants: list[str], expected: str) -> None:
    for variant in variants:
        assert normalize_identifier(variant) == expected
        assert normalize_identifier(normalize_identifier(variant)) == expected  # idempotent


def test_normalize_empty() -> None:
    assert normalize_identifier("  - . ") == ""


# --- person keys ----------------------------------------------------------------------------------


def test_person_key_format_and_value() -> None:
    key = person_key(TCKN, KEY, "k1")
    assert PERSON_KEY.fullmatch(key)
    assert key == "k1:" + hmac.new(KEY, TCKN.encode(), hashlib.sha256).hexdigest()
    assert person_key(" 1729 171 6060 ", KEY, "k1") == key
    assert person_key([TCKN], KEY, "k1") == key
    assert person_key(TCKN, KEY, "k12").startswith("k12:")


def test_person_key_depends_on_the_key_and_the_person() -> None:
    key = person_key(TCKN, KEY, "k1")
    assert person_key(TCKN, OTHER_KEY, "k1") != key
    assert person_key(OTHER_TCKN, KEY, "k1") != key
    assert key[3:] != hashlib.sha256(TCKN.encode()).hexdigest()  # keyed, not a plain hash
    assert TCKN not in key


def test_combined_identifiers_keep_their_parts_apart() -> None:
    assert person_key(["AB", "C"], KEY, "k1") != person_key(["A", "BC"], KEY, "k1")
    assert person_key(["Ayşe Yılmaz", "03.04.1999"], KEY, "k1") == person_key(
        ["AYSE YILMAZ", "03-04-1999"], KEY, "k1"
    )
    assert person_key(["Ayşe", "03.04.1999"], KEY, "k1") != person_key(["03.04.1999", "Ayşe"], KEY, "k1")


@pytest.mark.parametrize("key_id", ["1", "K1", "k", "k1a", "key1", " k1", ""])
def test_bad_key_id(key_id: str) -> None:
    with pytest.raises(PseudonymizeError, match="key id"):
        person_key(TCKN, KEY, key_id)


def test_person_key_refuses_short_keys_and_empty_identifiers() -> None:
    with pytest.raises(PseudonymizeError, match="128 bits") as info:
        person_key(TCKN, KEY[:16], "k1")
    assert_no_secret(str(info.value))
    with pytest.raises(ValueError):
        person_key(" - ", KEY, "k1")


# --- keys -----------------------------------------------------------------------------------------


def test_generate_key() -> None:
    first, second = generate_key(), generate_key()
    assert re.fullmatch(r"[0-9a-f]{64}", first)
    assert first != second


def test_load_key_from_hex_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)
    key_file = tmp_path / "taskforce.key"
    key_file.write_text(KEY_HEX + "\n", encoding="ascii")
    assert load_key(key_file) == KEY
    key_file.write_text(KEY_HEX.upper(), encoding="ascii")
    assert load_key(key_file) == KEY


def test_load_key_from_raw_file(tmp_path: Path) -> None:
    raw = bytes(range(200, 232)) + b" \n"  # raw bytes are taken as they are, whitespace included
    key_file = tmp_path / "raw.key"
    key_file.write_bytes(raw)
    assert load_key(key_file) == raw


def test_load_key_from_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(KEY_ENV_VAR, f" {KEY_HEX} ")
    assert load_key(None) == KEY
    monkeypatch.setenv("OTHER_VARIABLE", OTHER_KEY.hex())
    assert load_key(None, env_var="OTHER_VARIABLE") == OTHER_KEY
    key_file = tmp_path / "k.key"
    key_file.write_text(OTHER_KEY.hex(), encoding="ascii")
    assert load_key(key_file) == OTHER_KEY  # an explicit file wins over the environment


@pytest.mark.parametrize(
    "content",
    [KEY_HEX[:32].encode(), KEY[:16], KEY_HEX[:62].encode(), b"", b"\n"],
    ids=["hex-128-bits", "raw-128-bits", "hex-248-bits", "empty", "newline"],
)
def test_short_key_file_rejected(tmp_path: Path, content: bytes) -> None:
    key_file = tmp_path / "short.key"
    key_file.write_bytes(content)
    with pytest.raises(PseudonymizeError, match="at least 256") as info:
        load_key(key_file)
    assert str(key_file) in str(info.value)
    if content.strip():
        assert content.strip().decode("latin-1") not in str(info.value)


def test_short_key_in_environment_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(KEY_ENV_VAR, KEY_HEX[:40])
    with pytest.raises(PseudonymizeError, match="at least 256") as info:
        load_key(None)
    assert KEY_ENV_VAR in str(info.value)
    assert KEY_HEX[:40] not in str(info.value)


def test_key_file_with_text_that_is_not_hex(tmp_path: Path) -> None:
    key_file = tmp_path / "typo.key"
    typo = KEY_HEX[:20] + "g" + KEY_HEX[21:]
    key_file.write_text(typo, encoding="ascii")
    with pytest.raises(PseudonymizeError, match="not a hexadecimal key") as info:
        load_key(key_file)
    assert typo not in str(info.value)
    key_file.write_text(KEY_HEX + "0", encoding="ascii")  # odd length
    with pytest.raises(PseudonymizeError, match="not a hexadecimal key"):
        load_key(key_file)


def test_environment_key_not_hex(monkeypatch: pytest.MonkeyPatch) -> None:
    secret = "correct horse battery staple, a passphrase not a key"
    monkeypatch.setenv(KEY_ENV_VAR, secret)
    with pytest.raises(PseudonymizeError, match="hexadecimal") as info:
        load_key(None)
    assert secret not in str(info.value)


def test_no_key_anywhere(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.delenv(KEY_ENV_VAR, raising=False)
    with pytest.raises(PseudonymizeError, match=KEY_ENV_VAR):
        load_key(None)
    missing = tmp_path / "nowhere.key"
    with pytest.raises(PseudonymizeError, match="cannot be read") as info:
        load_key(missing)
    assert str(missing) in str(info.value)


# --- CSV files ------------------------------------------------------------------------------------

POLICE_LINES = [
    "Kayıt No;TC Kimlik No;Tespit Tarihi;İl Plaka Kodu;Notlar;Tutar",
    "EGM-2008-00001;17291716060;03.04.2008;06;Şanlıurfa'da, gece;1.234,56",
    'EGM-2008-00002; 1000 000 0146 ;04.04.2008;34;"iki; parça";0012',
    "EGM-2008-00003;;05.04.2008;01;kimlik yok;",
]
IOM_LINES = [
    "case_id,national_id,departure_date,destination_country,note",
    "TR-AVR-2008-0001, 1729 171 6060 ,2008-05-01,MDA,",
    'TR-AVR-2008-0002,99123456789,2008-05-02,UKR,"Kyiv, Ukraine"',
]


def write(path: Path, lines: list[str], encoding: str, newline: str) -> Path:
    path.write_bytes(newline.join([*lines, ""]).encode(encoding))
    return path


def test_same_person_links_across_two_agencies(tmp_path: Path) -> None:
    police = write(tmp_path / "tnp.csv", POLICE_LINES, "windows-1254", "\r\n")
    iom = write(tmp_path / "iom.csv", IOM_LINES, "utf-8", "\n")
    police_summary = pseudonymize_csv(police, tmp_path / "tnp_out.csv", ["TC Kimlik No"], KEY, "k1")
    iom_summary = pseudonymize_csv(iom, tmp_path / "iom_out.csv", ["national_id"], KEY, "k1")
    assert police_summary == PseudonymizeSummary(3, 1, "k1", "windows-1254", ";")
    assert iom_summary == PseudonymizeSummary(2, 0, "k1", "utf-8", ",")

    police_out = (tmp_path / "tnp_out.csv").read_bytes()
    iom_out = (tmp_path / "iom_out.csv").read_bytes()
    police_rows = [line.split(";") for line in police_out.decode("cp1254").split("\r\n")[1:3]]
    iom_rows = [line.split(",") for line in iom_out.decode("utf-8").split("\n")[1:3]]
    same_person = person_key(TCKN, KEY, "k1")
    assert police_rows[0][1] == iom_rows[0][1] == same_person
    assert police_rows[1][1] == person_key(OTHER_TCKN, KEY, "k1") != same_person
    for out in (police_out, iom_out):
        assert_no_secret(out)


def test_other_cells_are_copied_exactly(tmp_path: Path) -> None:
    police = write(tmp_path / "tnp.csv", POLICE_LINES, "windows-1254", "\r\n")
    out = tmp_path / "out.csv"
    pseudonymize_csv(police, out, ["TC Kimlik No"], KEY, "k1")
    expected = [
        "Kayıt No;person_key;Tespit Tarihi;İl Plaka Kodu;Notlar;Tutar",
        f"EGM-2008-00001;{person_key(TCKN, KEY, 'k1')};03.04.2008;06;Şanlıurfa'da, gece;1.234,56",
        f'EGM-2008-00002;{person_key(OTHER_TCKN, KEY, "k1")};04.04.2008;34;"iki; parça";0012',
        "EGM-2008-00003;;05.04.2008;01;kimlik yok;",
        "",
    ]
    assert out.read_bytes() == "\r\n".join(expected).encode("windows-1254")
    with pytest.raises(UnicodeDecodeError):
        out.read_bytes().decode("utf-8")  # still windows-1254, as the agency's other tools expect


def test_output_keys_match_the_contract_and_pass_the_pii_guard(tmp_path: Path) -> None:
    iom = write(tmp_path / "iom.csv", IOM_LINES, "utf-8", "\n")
    header, *rows = [line.split(",", 4) for line in IOM_LINES]
    before = scan_extract(header, rows, date_columns=["departure_date"])
    assert [(f.column, f.rule) for f in before] == [("national_id", "tr_foreigner_id")]

    out = tmp_path / "out.csv"
    pseudonymize_csv(iom, out, ["national_id"], KEY, "k7")
    header, *rows = [line.split(",", 4) for line in out.read_text(encoding="utf-8").splitlines()]
    assert header == ["case_id", "person_key", "departure_date", "destination_country", "note"]
    assert all(PERSON_KEY.fullmatch(row[1]) and row[1].startswith("k7:") for row in rows)
    assert scan_extract(header, rows, date_columns=["departure_date"]) == []


def test_combined_identifier_columns(tmp_path: Path) -> None:
    lines = [
        "no,Adı,Soyadı,uyruk,Doğum Tarihi,yas",
        "1,Ayşe,Yılmaz,MDA,03.04.1999,9",
        "2,AYSE,YILMAZ,MDA,03-04-1999,9",
        "3,Olga,,UKR,01.02.1990,18",
        "4,,,RUS,,",
    ]
    source = write(tmp_path / "ngo.csv", lines, "utf-8-sig", "\r\n")
    out = tmp_path / "out.csv"
    summary = pseudonymize_csv(source, out, ["Adı", "Soyadı", "Doğum Tarihi"], KEY, "k1")
    assert summary == PseudonymizeSummary(4, 2, "k1", "utf-8 with BOM", ",")
    data = out.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = [line.split(",") for line in data.decode("utf-8-sig").split("\r\n")]
    assert rows[0] == ["no", "person_key", "uyruk", "yas"]
    ayse = person_key(["Ayşe", "Yılmaz", "03.04.1999"], KEY, "k1")
    assert rows[1] == ["1", ayse, "MDA", "9"]
    assert rows[2] == ["2", ayse, "MDA", "9"]
    assert rows[3] == ["3", "", "UKR", "18"]  # part of the identifier missing: no key, no false link
    assert rows[4] == ["4", "", "RUS", ""]
    for value in ("Ayşe", "Yılmaz", "Olga", "03.04.1999", "1999"):
        assert value.encode() not in data


def test_columns_found_by_folded_label_and_explicit_options(tmp_path: Path) -> None:
    lines = ["Sıra\tT.C. KİMLİK NO\tNot", f"1\t{TCKN}\ttamam"]
    source = write(tmp_path / "tab.txt", lines, "cp1254", "\n")
    out = tmp_path / "out.txt"
    summary = pseudonymize_csv(
        source,
        out,
        ["tc kimlik no"],
        KEY,
        "k1",
        delimiter="\t",
        encoding="windows-1254",
        output_column="anahtar",
    )
    assert summary.delimiter == "\t"
    assert (
        out.read_bytes().decode("cp1254") == f"Sıra\tanahtar\tNot\n1\t{person_key(TCKN, KEY, 'k1')}\ttamam\n"
    )


def test_delimiter_detected_despite_commas_in_labels(tmp_path: Path) -> None:
    lines = ['"Ad, Soyad";kimlik;not', f"x;{TCKN};a,b,c"]
    source = write(tmp_path / "semi.csv", lines, "utf-8", "\n")
    summary = pseudonymize_csv(source, tmp_path / "o.csv", ["kimlik"], KEY, "k1")
    assert summary.delimiter == ";"


def test_missing_column_is_named_without_values(tmp_path: Path) -> None:
    source = write(tmp_path / "tnp.csv", POLICE_LINES, "windows-1254", "\r\n")
    with pytest.raises(PseudonymizeError) as info:
        pseudonymize_csv(source, tmp_path / "out.csv", ["kimlik_no"], KEY, "k1")
    message = str(info.value)
    assert str(source) in message and "'kimlik_no'" in message
    assert "TC Kimlik No" in message  # the header is listed to help, the cells are not
    assert_no_secret(message)
    assert not (tmp_path / "out.csv").exists()


def test_unreadable_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(PseudonymizeError, match="cannot be read"):
        pseudonymize_csv(tmp_path / "missing.csv", tmp_path / "out.csv", ["id"], KEY, "k1")
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"id;x\r\n" + TCKN.encode() + b";\x81\x8d\r\n")  # not UTF-8, not windows-1254
    with pytest.raises(PseudonymizeError, match="not readable") as info:
        pseudonymize_csv(broken, tmp_path / "out.csv", ["id"], KEY, "k1")
    assert str(broken) in str(info.value)
    assert_no_secret(str(info.value))
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(PseudonymizeError, match="empty"):
        pseudonymize_csv(empty, tmp_path / "out.csv", ["id"], KEY, "k1")


def test_row_with_wrong_field_count_stops_the_run(tmp_path: Path) -> None:
    lines = ["no;kimlik;not", f"1;{TCKN};ok", f"2;a;{OTHER_TCKN};fazla"]
    source = write(tmp_path / "ragged.csv", lines, "utf-8", "\n")
    out = tmp_path / "out.csv"
    with pytest.raises(PseudonymizeError, match="line 3 has 4 fields") as info:
        pseudonymize_csv(source, out, ["kimlik"], KEY, "k1")
    assert_no_secret(str(info.value))
    assert list(tmp_path.iterdir()) == [source]  # neither the output nor a partial file is left


def test_refuses_to_overwrite_the_input_or_clash(tmp_path: Path) -> None:
    source = write(tmp_path / "iom.csv", IOM_LINES, "utf-8", "\n")
    with pytest.raises(PseudonymizeError, match="new path"):
        pseudonymize_csv(source, source, ["national_id"], KEY, "k1")
    with pytest.raises(PseudonymizeError, match="already has a column 'note'"):
        pseudonymize_csv(source, tmp_path / "o.csv", ["national_id"], KEY, "k1", output_column="note")
    with pytest.raises(PseudonymizeError, match="named twice"):
        pseudonymize_csv(source, tmp_path / "o.csv", ["national_id", "national_id"], KEY, "k1")
    assert source.read_text(encoding="utf-8") == "\n".join([*IOM_LINES, ""])


def test_short_key_or_bad_key_id_refused_before_reading(tmp_path: Path) -> None:
    source = write(tmp_path / "iom.csv", IOM_LINES, "utf-8", "\n")
    with pytest.raises(PseudonymizeError, match="at least 256") as info:
        pseudonymize_csv(source, tmp_path / "o.csv", ["national_id"], KEY[:20], "k1")
    assert_no_secret(str(info.value))
    assert KEY[:20].hex() not in str(info.value)
    with pytest.raises(PseudonymizeError, match="key id"):
        pseudonymize_csv(source, tmp_path / "o.csv", ["national_id"], KEY, KEY_HEX)
    assert not (tmp_path / "o.csv").exists()
