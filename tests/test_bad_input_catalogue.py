"""The bad-input catalogue (shared reference reliability.md, section 2), one test per row, each asserting
the exact outcome: rejected with which message, or quarantined with which rule, with counts that
reconcile (read = loaded + quarantined + skipped)."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import Workbook

from ingest.contract import load_registry, parse_contract
from ingest.errors import ExtractRejected
from ingest.reader import read_extract
from ingest.validate import Validated, parse_period, validate
from taskforce.demo_data import POLICE_HEADER, person_key

POLICE = load_registry()["police_identifications"]
IOM = load_registry()["iom_returns"]
KEY = person_key(7)

XLSX_CONTRACT = parse_contract(
    """
source: shelter_test
agency: ikgv
contract_version: 1
file: {name_pattern: '^s_(?P<period>\\\\d{4})\\\\.xlsx$', format: xlsx, decimal_separator: ","}
period_column: admitted
columns:
  - {name: person_key, aliases: ["Kişi Anahtarı"], type: text, required: true}
  - {name: admitted, aliases: ["Giriş Tarihi"], type: date, format: '%d.%m.%Y', required: true}
  - {name: nights, aliases: ["Gece"], type: integer, min: 0}
  - {name: cost, aliases: ["Tutar"], type: decimal}
""",
    Path("shelter_test.yaml"),
)
XLSX_HEADER = ["Kişi Anahtarı", "Giriş Tarihi", "Gece", "Tutar"]


def police_row(record: str = "EGM-1", when: str = "03.04.2008", op: str = "") -> list[str]:
    return [record, KEY, when, "tespit_edilen", "34", "MDA", "K", "24", "cinsel", "operasyon", op]


def csv_bytes(rows: list[list[str]], header: list[str] = POLICE_HEADER, sep: str = ";", newline: str = "\r\n",
              encoding: str = "windows-1254") -> bytes:  # fmt: skip
    return newline.join(sep.join(r) for r in [header, *rows]).encode(encoding) + newline.encode()


def run(data: bytes, contract=POLICE, name: str = "tnp_identifications_2008.csv") -> Validated:
    parsed = read_extract(data, contract, name)
    result = validate(parsed, contract, parse_period("2008", name))
    assert result.rows_read == len(result.rows) + len(result.quarantine) + result.rows_skipped
    return result


def rules(result: Validated) -> dict[int, str]:
    return dict(zip(result.quarantine["source_row"], result.quarantine["rules"], strict=True))


def rejected(data: bytes, contract=POLICE, name: str = "tnp_identifications_2008.csv") -> str:
    with pytest.raises(ExtractRejected) as caught:
        run(data, contract, name)
    assert name in str(caught.value)
    return str(caught.value)


def workbook_bytes(rows: list[list[object]], *, title_rows: int = 0, epoch_1904: bool = False,
                   formula_row: int | None = None) -> bytes:  # fmt: skip
    workbook = Workbook()
    if epoch_1904:
        from openpyxl.utils.datetime import CALENDAR_MAC_1904

        workbook.epoch = CALENDAR_MAC_1904
    sheet = workbook.active
    for n in range(title_rows):
        sheet.append([f"İKGV Sığınma Evi Kayıtları 2008 ({n + 1})"])
    sheet.append(XLSX_HEADER)
    for row in rows:
        sheet.append(row)
    if formula_row is not None:
        sheet.cell(row=formula_row, column=3, value="=1+1")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# B1
def test_b1_utf8_bom_does_not_pollute_the_header() -> None:
    result = run(b"\xef\xbb\xbf" + csv_bytes([police_row()], encoding="utf-8"))
    assert len(result.rows) == 1 and result.rows.columns[0] == "record_id"


# B2
def test_b2_windows_1254_is_detected_where_the_contract_allows_it() -> None:
    data = csv_bytes([police_row(op="ŞUBE-İĞ")])
    assert read_extract(data, POLICE, "f.csv").encoding == "windows-1254"
    assert run(data).rows.loc[0, "operation_ref"] == "ŞUBE-İĞ"
    iom = (
        "case_id,person_key,departure_date,destination_country,return_type,reintegration_assistance,sex,age\n"
    )
    iom += f"İ-1,{KEY},2008-05-01,MDA,avrr,yes,female,20\n"
    assert "not in any of the encodings" in rejected(iom.encode("windows-1254"), IOM, "iom_returns_2008.csv")


# B3
def test_b3_windows_1254_read_as_latin1_is_quarantined_as_mojibake() -> None:
    garbled = "ŞUBE-İĞ".encode("windows-1254").decode("latin-1")  # 'ÞUBE-ÝÐ'
    result = run(csv_bytes([police_row("A"), police_row("B", op=garbled)], encoding="utf-8"))
    assert rules(result) == {3: "mojibake"}
    assert garbled not in result.quarantine.loc[0, "reason"]


# B4
def test_b4_utf8_read_as_cp1252_is_quarantined_as_mojibake() -> None:
    garbled = "İstanbul-şube".encode().decode("cp1252", errors="replace")  # 'Ä°stanbul-ÅŸube'
    result = run(csv_bytes([police_row("A"), police_row("B", op=garbled)], encoding="utf-8"))
    assert rules(result) == {3: "mojibake"}
    assert "garbled Turkish letters" in result.quarantine.loc[0, "reason"]


# B5
def test_b5_wrong_delimiter_is_rejected_not_loaded_as_one_column() -> None:
    message = rejected(csv_bytes([police_row()], sep=","))
    assert "delimited by ','" in message and "this source is delimited by ';'" in message


def test_b5_day_first_dates_and_decimal_comma() -> None:
    assert run(csv_bytes([police_row(when="03.04.2008")])).rows.loc[0, "identification_date"] == date(
        2008, 4, 3
    )
    result = run(workbook_bytes([[KEY, "03.04.2008", 3, "1.234,5"], [KEY, "04.04.2008", 2, "1234.5"]]),
                 XLSX_CONTRACT, "s_2008.xlsx")  # fmt: skip
    assert result.rows.loc[0, "cost"] == 1234.5
    assert rules(result) == {3: "not_decimal"}  # a decimal point where the contract says comma


# B6
def test_b6_excel_serial_dates_use_the_workbook_epoch() -> None:
    result = run(workbook_bytes([[KEY, 39448, 1, None]]), XLSX_CONTRACT, "s_2008.xlsx")
    assert result.rows.loc[0, "admitted"] == date(2008, 1, 1)
    mac = run(workbook_bytes([[KEY, 37986, 1, None]], epoch_1904=True), XLSX_CONTRACT, "s_2008.xlsx")
    assert mac.rows.loc[0, "admitted"] == date(2008, 1, 1)  # 37986 days after 1904-01-01
    typed = run(workbook_bytes([[KEY, datetime(2008, 2, 29), 1, None]]), XLSX_CONTRACT, "s_2008.xlsx")
    assert typed.rows.loc[0, "admitted"] == date(2008, 2, 29)


def test_b6_fake_1900_leap_day_serials_are_quarantined() -> None:
    result = run(workbook_bytes([[KEY, 39448, 1, None], [KEY, 60, 1, None]]), XLSX_CONTRACT, "s_2008.xlsx")
    assert rules(result) == {3: "date_format"}


# B7
def test_b7_title_rows_and_total_rows_are_skipped_and_counted() -> None:
    rows = [[KEY, "03.04.2008", 3, None], [KEY, "05.04.2008", 4, None], ["Toplam", None, 7, None]]
    data = workbook_bytes(rows, title_rows=2)
    result = run(data, XLSX_CONTRACT, "s_2008.xlsx")
    assert len(result.rows) == 2
    assert result.rows_skipped == 3 and result.rows_read == 5
    assert list(result.rows["_source_row"]) == [4, 5]


def test_b7_csv_title_row_and_footer() -> None:
    lines = [
        "EGM 2008 yılı tespit listesi;;",
        ";".join(POLICE_HEADER),
        ";".join(police_row()),
        "Genel Toplam;1",
    ]
    result = run(("\r\n".join(lines) + "\r\n").encode("windows-1254"))
    assert (len(result.rows), result.rows_skipped, result.rows_read) == (1, 2, 3)


# B8
def test_b8_empty_and_header_only_files_are_rejected() -> None:
    assert "the file is empty" in rejected(b"")
    assert "the file is empty" in rejected(b"\r\n\r\n")
    assert "header but no data rows" in rejected(csv_bytes([]))


# B9
def test_b9_duplicates_are_quarantined_never_dropped_silently() -> None:
    result = run(csv_bytes([police_row("A"), police_row("A"), police_row("A", when="04.04.2008")]))
    assert rules(result) == {3: "duplicate_row", 4: "duplicate_key"}


# B10
def test_b10_duplicated_header_names_are_rejected() -> None:
    header = [*POLICE_HEADER[:-1], "Kayıt No"]
    assert "these columns appear twice: record_id" in rejected(csv_bytes([police_row()], header=header))


# B11
def test_b11_ragged_rows_both_ways_are_quarantined_with_their_line() -> None:
    result = run(csv_bytes([police_row("A"), [*police_row("B"), "extra"], police_row("C")[:6]]))
    assert rules(result) == {3: "field_count", 4: "field_count,required"}
    assert "the row has 12 fields; the header has 11" in result.quarantine.loc[0, "reason"]
    assert '"_extra_fields": ["extra"]' in result.quarantine.loc[0, "payload"]


# B12
def test_b12_nul_bytes_reject_the_file() -> None:
    assert "NUL bytes" in rejected(csv_bytes([police_row(op="x\x00y")]))


# B13
def test_b13_mixed_line_endings_are_accepted_and_counted() -> None:
    header, a, b, c = (
        ";".join(r) for r in (POLICE_HEADER, police_row("A"), police_row("B"), police_row("C"))
    )
    result = run(f"{header}\r\n{a}\n{b}\r{c}".encode("windows-1254"))
    assert list(result.rows["record_id"]) == ["A", "B", "C"]


def test_b13_quoted_line_breaks_stay_inside_their_row() -> None:
    row = police_row("A", op='"OP\nline two"')
    result = run(csv_bytes([row, police_row("B")]))
    assert list(result.rows["record_id"]) == ["A", "B"]
    assert result.rows.loc[0, "operation_ref"] == "OP\nline two"


# B14
def test_b14_over_long_fields_are_quarantined() -> None:
    result = run(csv_bytes([police_row("A", op="x" * 40_000), police_row("B")]))
    assert rules(result) == {2: "field_too_long"}


# B15
def test_b15_binary_or_mislabelled_files_are_rejected() -> None:
    xlsx = workbook_bytes([[KEY, "03.04.2008", 1, None]])
    assert "this is an Excel workbook, but this source is sent as CSV" in rejected(xlsx)
    assert "this is an Excel workbook" in rejected(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert "is not one" in rejected(b"%PDF-1.4 ...", XLSX_CONTRACT, "s_2008.xlsx")
    assert "damaged" in rejected(b"PK\x03\x04garbage", XLSX_CONTRACT, "s_2008.xlsx")


# B16
def test_b16_zip_bombs_are_refused_before_parsing() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<row/>" * 2_000_000)
    assert "zip bomb" in rejected(buffer.getvalue(), XLSX_CONTRACT, "s_2008.xlsx")


# B17
def test_b17_formula_rows_are_quarantined_never_evaluated() -> None:
    data = workbook_bytes([[KEY, "03.04.2008", 3, None], [KEY, "04.04.2008", 4, None]], formula_row=3)
    result = run(data, XLSX_CONTRACT, "s_2008.xlsx")
    assert rules(result) == {3: "formula,not_integer"}


# B18
def test_b18_leading_zeros_are_kept() -> None:
    result = run(csv_bytes([police_row("000123", op="0532")]))
    assert result.rows.loc[0, "record_id"] == "000123" and result.rows.loc[0, "operation_ref"] == "0532"


# B19
def test_b19_turkish_case_folding_in_headers() -> None:
    header = [
        h.upper() for h in POLICE_HEADER
    ]  # 'KAYIT NO', 'KİŞİ ANAHTARI' via str.upper is 'KIŞI ANAHTARI'
    header[1] = "KİŞİ ANAHTARI"
    result = run(csv_bytes([police_row()], header=header))
    assert len(result.rows) == 1
