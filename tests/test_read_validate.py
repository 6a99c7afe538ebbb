"""Reading and validating extracts: what is rejected whole, what is quarantined, and what is loaded."""

from __future__ import annotations

from datetime import date

import pytest

from ingest.contract import load_registry
from ingest.errors import ExtractRejected
from ingest.reader import header_key, read_extract
from ingest.validate import parse_period, validate
from taskforce.demo_data import POLICE_HEADER, person_key

POLICE = load_registry()["police_identifications"]
KEY = person_key(1)


def police_file(*rows: str, header: str = ";".join(POLICE_HEADER), encoding: str = "windows-1254") -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode(encoding)


def row(
    record: str = "EGM-1",
    when: str = "03.04.2008",
    province: str = "34",
    sex: str = "K",
    exploitation: str = "cinsel",
    key: str = KEY,
) -> str:
    return ";".join(
        [record, key, when, "tespit_edilen", province, "MDA", sex, "24", exploitation, "operasyon", ""]
    )


def check(data: bytes, period: str = "2008"):
    parsed = read_extract(data, POLICE, "tnp_identifications_2008.csv")
    return validate(parsed, POLICE, parse_period(period, "tnp_identifications_2008.csv"))


def test_day_first_dates_and_windows_1254() -> None:
    result = check(police_file(row()))
    assert result.rows.loc[0, "identification_date"] == date(2008, 4, 3)  # 3 April, not 4 March
    assert result.rows.loc[0, "province_code"] == 34
    assert len(result.quarantine) == 0


def test_utf8_with_bom_and_turkish_header_variants() -> None:
    header = ";".join(h.upper().replace("I", "İ") if h == "Tespit Tarihi" else h for h in POLICE_HEADER)
    data = b"\xef\xbb\xbf" + police_file(row(), header=header, encoding="utf-8")
    parsed = read_extract(data, POLICE, "f.csv")
    assert parsed.encoding == "utf-8"
    assert parsed.columns[0] == "record_id"
    assert header_key("TESPİT TARİHİ") == header_key("Tespit Tarihi") == header_key("tespit_tarihi")


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", "the file is empty"),
        (police_file(row()).replace(b"MDA", b"M\x00A"), "NUL bytes"),
        (police_file(header=";".join(POLICE_HEADER)), "no data rows"),
        (police_file(row(), header=",".join(POLICE_HEADER)), "single column"),
        (police_file(row(), header=";".join([*POLICE_HEADER[:-1], "Notlar"])), "does not know: column 11"),
        (police_file(row(), header=";".join([*POLICE_HEADER[1:], "Tespit Tarihi"])), "appear twice"),
        (police_file(header=";".join(POLICE_HEADER[:2] + POLICE_HEADER[3:])), "required columns are missing"),
        (b"Kay\x81t No;\x8d\r\nA;B\r\n", "not in any of the encodings"),  # bytes undefined in cp1254
    ],
)
def test_whole_file_rejections_tell_the_focal_point_what_to_fix(data: bytes, problem: str) -> None:
    with pytest.raises(ExtractRejected, match=problem) as caught:
        check(data)
    assert "tnp_identifications_2008.csv" in str(caught.value)


@pytest.mark.parametrize(
    ("bad_row", "rule"),
    [
        (row(when="31.02.2008"), "date_format"),
        (row(when="2008-04-03"), "date_format"),
        (row(when="03.04.2009"), "outside_period"),
        (row(province="99"), "out_of_range"),
        (row(province="İstanbul"), "not_integer"),
        (row(sex=""), "required"),
        (row(sex="F"), "unknown_code"),
        (row(exploitation="cinsel, kumar"), "unknown_code"),
        (row(key="17291716060"), "pattern"),
        (row() + ";extra", "field_count"),
        (";".join(row().split(";")[:5]), "field_count"),
    ],
)
def test_broken_rows_are_quarantined_with_their_rule(bad_row: str, rule: str) -> None:
    result = check(police_file(row(record="GOOD-1"), bad_row))
    assert list(result.rows["record_id"]) == ["GOOD-1"]
    assert len(result.quarantine) == 1
    quarantined = result.quarantine.iloc[0]
    assert rule in quarantined["rules"].split(",")
    assert quarantined["source_row"] == 3
    assert quarantined["reason"].startswith("line 3: ")
    assert result.rows_read == len(result.rows) + len(result.quarantine)


def test_reasons_never_quote_values_but_the_payload_keeps_the_row() -> None:
    secret = "17291716060"  # a valid-looking national ID number typed into the key column
    result = check(police_file(row(key=secret)))
    reason = result.quarantine.loc[0, "reason"]
    assert secret not in reason
    assert "person_key" in reason
    assert secret in result.quarantine.loc[0, "payload"]  # nothing lost: the steward can see the row


def test_duplicates_are_quarantined_not_dropped() -> None:
    result = check(police_file(row("A"), row("A"), row("A", province="6"), row("B")))
    assert list(result.rows["record_id"]) == ["A", "B"]
    rules = dict(zip(result.quarantine["source_row"], result.quarantine["rules"], strict=True))
    assert rules == {3: "duplicate_row", 4: "duplicate_key"}
    assert "line 2" in result.quarantine.loc[0, "reason"]


def test_multi_value_codes_are_trimmed() -> None:
    result = check(police_file(row(exploitation="cinsel , emek")))
    assert result.rows.loc[0, "exploitation_types"] == "cinsel,emek"


def test_blank_lines_are_not_records() -> None:
    result = check(police_file(row("A"), "", ";;;;;;;;;;", row("B")))
    assert result.rows_read == 2 and len(result.quarantine) == 0


def test_periods() -> None:
    assert parse_period("2008", "f").end == date(2008, 12, 31)
    month = parse_period("2008-02", "f")
    assert (month.start, month.end) == (date(2008, 2, 1), date(2008, 2, 29))
    with pytest.raises(ExtractRejected, match="not YYYY or YYYY-MM"):
        parse_period("Q1-2008", "f")


def test_duplicates_are_found_across_many_chunks() -> None:
    """The tracker's merged runs find a repeat of any earlier chunk, and name the first line."""
    import numpy as np
    import pandas as pd

    from ingest.validate import DuplicateTracker

    tracker = DuplicateTracker()
    line = 2
    seen: dict[str, int] = {}
    for chunk in range(12):
        values = [f"v{(chunk * 7 + i) % 50}" for i in range(10)]
        lines = np.arange(line, line + len(values), dtype=np.int64)
        first = tracker.first_lines("k", pd.Series(values), lines, np.ones(len(values), dtype=bool))
        for value, at, found in zip(values, lines, first, strict=True):
            assert found == seen.get(value, 0)
            seen.setdefault(value, int(at))
        line += len(values)
    assert len(tracker._runs["k"]) < 12  # runs were merged
