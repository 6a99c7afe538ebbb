"""PII guard: find personal data in an "anonymized" agency extract before any of it is stored.

Agencies are asked to send only pseudonymous person keys (``taskforce pseudonymize``), codes, ages and
dates of events. In practice ID numbers, phone numbers or birth dates slip into free-text columns, or a
whole "Adı Soyadı" column is exported. Such a file must be rejected whole: quarantining single rows
would copy the personal data into ``ops.quarantine.payload``.

Findings say which column, which rule and how many cells, and never quote a value, so they can go into
logs, ``ops.rejected_files`` and the message to the agency focal point.

Speed: an extract can have a million rows. Each detector first runs a cheap regular expression without
look-arounds over the whole column (pandas hands it to pyarrow's RE2 engine when the column is an Arrow
string column, which pandas 3 uses by default), and only the few cells that pass are checked with the
exact pattern, the checksum and the masking of person keys.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

TR_NATIONAL_ID = "tr_national_id"
TR_FOREIGNER_ID = "tr_foreigner_id"
PHONE = "phone"
EMAIL = "email"
EXACT_DATE = "exact_date"
IBAN = "iban"
IDENTIFYING_COLUMN = "identifying_column"

RULES: tuple[str, ...] = (
    IDENTIFYING_COLUMN,
    TR_NATIONAL_ID,
    TR_FOREIGNER_ID,
    PHONE,
    EMAIL,
    IBAN,
    EXACT_DATE,
)

# What each rule means to an agency focal point: "<n> cell(s) look(s) like <what>", singular and plural.
_RULE_TEXT: dict[str, tuple[str, str]] = {
    TR_NATIONAL_ID: ("a Turkish ID number (T.C. Kimlik No)", "Turkish ID numbers (T.C. Kimlik No)"),
    TR_FOREIGNER_ID: (
        "a foreigner's ID number (11 digits starting with 99)",
        "foreigners' ID numbers (11 digits starting with 99)",
    ),
    PHONE: ("a phone number", "phone numbers"),
    EMAIL: ("an e-mail address", "e-mail addresses"),
    IBAN: ("an IBAN bank account number", "IBAN bank account numbers"),
    EXACT_DATE: (
        "an exact date (such as a birth date) in a column that is not a date column",
        "exact dates (such as birth dates) in a column that is not a date column",
    ),
}

FIX_TEXT = (
    "Remove these values (people are identified only by the person key from `taskforce pseudonymize`) "
    "and send the file again."
)

# The contract's person key. Masked before the digit detectors run so that a run of decimal digits
# inside the 64 hex characters is never taken for an ID or phone number.
PERSON_KEY_PATTERN = r"[kK][0-9]+:[0-9a-fA-F]{64}"
_PERSON_KEY_RE = re.compile(PERSON_KEY_PATTERN)


@dataclass(frozen=True)
class Finding:
    """One rule that fired in one column. Holds counts only, never a cell value."""

    column: str
    rule: str
    cells: int

    def __str__(self) -> str:
        return f"column {self.column}: {self.cells} {_cells(self.cells)} (rule {self.rule})"


# ---------------------------------------------------------------------------------------------------
# T.C. Kimlik No checksum (reliability.md 3.1, turkey.md 6.3)


def tckn_checks_ok(digits: np.ndarray) -> np.ndarray:
    """Checksum of many 11-digit numbers at once; ``digits`` has shape (n, 11), one digit per cell.

    d1 != 0; d10 = ((d1+d3+d5+d7+d9)*7 - (d2+d4+d6+d8)) mod 10; d11 = (d1+...+d10) mod 10.
    numpy's ``%`` with a positive divisor is non-negative, like Python's, so no +10 is needed.
    """
    d = digits.astype(np.int64, copy=False)
    odd = d[:, 0:9:2].sum(axis=1)
    even = d[:, 1:8:2].sum(axis=1)
    c10 = (odd * 7 - even) % 10
    c11 = d[:, :10].sum(axis=1) % 10
    return (d[:, 0] != 0) & (d[:, 9] == c10) & (d[:, 10] == c11)


def is_valid_tckn(text: str) -> bool:
    """True when ``text`` is exactly 11 ASCII digits with a valid T.C. Kimlik No checksum.

    Offline only: the online KPS check would send the number to a third party.
    """
    if not re.fullmatch(r"[0-9]{11}", text):
        return False
    return bool(tckn_checks_ok(_digit_matrix([text]))[0])


def _digit_matrix(numbers: Sequence[str]) -> np.ndarray:
    """ASCII digit strings of equal length → (n, length) array of digit values, without a Python loop."""
    if not numbers:
        return np.zeros((0, 11), dtype=np.int64)
    width = len(numbers[0])
    raw = np.frombuffer("".join(numbers).encode("ascii"), dtype=np.uint8)
    return raw.reshape(-1, width).astype(np.int64) - ord("0")


# ---------------------------------------------------------------------------------------------------
# Cell patterns. Each detector has a cheap prefilter (RE2-compatible: no look-arounds or
# back-references, a superset of the exact pattern) and the exact pattern run on the survivors.
#
# Numbers are delimited by "no ASCII digit on either side" rather than \b: \b would miss an ID glued
# to letters ("TC17291716060") and, being Unicode-aware, treats Turkish letters as word characters.

_ELEVEN_DIGITS_PRE = r"[0-9]{11}"
_ELEVEN_DIGITS_RE = re.compile(r"(?<![0-9])([0-9]{11})(?![0-9])")

# Phone numbers. Separators between digit groups: one space, dot or dash. The area code may be in
# parentheses. Landlines need the trunk 0 or the country code, so 10-digit record numbers, years and
# counts are not phone numbers; mobiles (5xx) may be written without either, but must then be exactly
# 10 digits with no digit around them. A number right after "<digit>-", "<digit>." or "<digit>/" is the
# tail of a reference such as EGM-2008-5321234567, not a phone number.
_SEP = r"[ .\-]?"
_COUNTRY = r"(?:\+ ?|00 ?)90" + _SEP
_LOCAL = _SEP + r"[0-9]{3}" + _SEP + r"[0-9]{2}" + _SEP + r"[0-9]{2}"
_MOBILE_AREA = r"5[0-9]{2}"
_LAND_AREA = r"[2-4][1-9][0-9]"
_MOBILE = (
    rf"(?:(?:\+ ?|00 ?)?90{_SEP})?"  # country code, also written without + or 00
    rf"(?:\( ?0? ?{_MOBILE_AREA} ?\)|0?{_SEP}{_MOBILE_AREA})"
)
_LANDLINE = (
    rf"(?:{_COUNTRY}(?:\( ?0? ?{_LAND_AREA} ?\)|0?{_SEP}{_LAND_AREA})"
    rf"|\( ?0 ?{_LAND_AREA} ?\)"
    rf"|0{_SEP}(?:\( ?{_LAND_AREA} ?\)|{_LAND_AREA}))"
)
_PHONE_RE = re.compile(rf"(?<![0-9])(?<![0-9][\-./])(?:{_MOBILE}|{_LANDLINE}){_LOCAL}(?![0-9])")
_PHONE_PRE = r"[0-9](?:[ .\-()]{0,3}[0-9]){9}"
# The exact pattern with its look-arounds written as characters consumed (RE2 has none): a number at the
# start, after a non-digit other than - . /, or after - . / not preceded by a digit; no digit after it.
# It matches a cell exactly when _PHONE_RE does (so reference numbers such as EGM-2008-000123456 are
# settled in Arrow, not in Python), unless a person key is masked out of the cell first.
_PHONE_NARROW = rf"(?:^|^[^0-9]|[^0-9\-./]|[^0-9][\-./])(?:{_MOBILE}|{_LANDLINE}){_LOCAL}(?:[^0-9]|$)"

_EMAIL_RE = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
_EMAIL_PRE = "@"

# TR + 2 check digits + 22 digits, spaces allowed between digits (printed in groups of four).
_IBAN_RE = re.compile(r"[Tt][Rr] ?[0-9](?: ?[0-9]){23}(?![0-9])")
_IBAN_PRE = r"[Tt][Rr] ?[0-9]{2}"

# Day first with the same separator twice (DD.MM.YYYY, DD/MM/YYYY, DD-MM-YYYY), or ISO YYYY-MM-DD.
_DAY = r"(?:0?[1-9]|[12][0-9]|3[01])"
_MONTH = r"(?:0?[1-9]|1[0-2])"
_YEAR = r"(?:1[89]|20)[0-9]{2}"
_DATE_RE = re.compile(
    rf"(?<![0-9])(?:{_DAY}\.{_MONTH}\.{_YEAR}|{_DAY}/{_MONTH}/{_YEAR}|{_DAY}-{_MONTH}-{_YEAR}"
    rf"|{_YEAR}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01]))(?![0-9])"
)
_DATE_PRE = r"[0-9][./\-][0-9]{1,2}[./\-][0-9]{4}|[0-9]{4}-[0-9]{2}-[0-9]{2}"


def _candidates(
    values: pd.Series, prefilter: str, *, regex: bool = True, narrow: str | None = None
) -> pd.Series:
    """Cells that may match, as plain Python strings with any person key blanked out. ``narrow``, an
    RE2 pattern equivalent to the exact one, settles the cells that hold no person key (no ":")."""
    hit = values.str.contains(prefilter, regex=regex)
    subset = values[hit.fillna(False).astype(bool)]
    if narrow is not None and not subset.empty:
        keep = subset.str.contains(narrow, regex=True) | subset.str.contains(":", regex=False)
        subset = subset[keep.fillna(False).astype(bool)]
    if subset.empty:
        return subset
    subset = subset.astype(object)
    # A person key can only add digit runs (the "@" prefilter cannot be affected), and only if a ":" is there.
    if regex and subset.str.contains(":", regex=False).any():
        subset = subset.str.replace(_PERSON_KEY_RE, " ", regex=True)
    return subset


def _count_matching(
    values: pd.Series,
    prefilter: str,
    pattern: re.Pattern[str],
    *,
    regex: bool = True,
    narrow: str | None = None,
) -> int:
    subset = _candidates(values, prefilter, regex=regex, narrow=narrow)
    if subset.empty:
        return 0
    return int(subset.str.contains(pattern, regex=True).sum())


def _count_ids(values: pd.Series) -> tuple[int, int]:
    """Cells holding a valid T.C. Kimlik No, and cells holding an 11-digit number starting with 99.

    The foreigners' numbers (YKN) are flagged without the checksum, which is not verified for them; a
    99-number therefore counts as a foreigner's ID only, never as both.
    """
    subset = _candidates(values, _ELEVEN_DIGITS_PRE)
    if subset.empty:
        return 0, 0
    found = subset.str.extractall(_ELEVEN_DIGITS_RE)
    if found.empty:
        return 0, 0
    numbers = found[0].astype(object)
    cells = numbers.index.get_level_values(0)
    foreign = numbers.str.startswith("99").to_numpy(dtype=bool)
    valid = tckn_checks_ok(_digit_matrix(numbers.tolist()))
    national = valid & ~foreign
    return int(pd.Index(cells[national]).nunique()), int(pd.Index(cells[foreign]).nunique())


def _suspects(values: pd.Series, *, allow_dates: bool) -> pd.Series:
    """The cells that pass any detector's prefilter, found in one pass over the column (most cells pass
    none); each detector then runs its own prefilter on these only, and finds the same candidates."""
    prefilters = [_ELEVEN_DIGITS_PRE, _PHONE_PRE, _IBAN_PRE, re.escape(_EMAIL_PRE)]
    if not allow_dates:
        prefilters.append(_DATE_PRE)
    hit = values.str.contains("|".join(f"(?:{p})" for p in prefilters), regex=True)
    return values[hit.fillna(False).astype(bool)]


def _scan_values(column: str, values: pd.Series, *, allow_dates: bool) -> list[Finding]:
    values = _suspects(values, allow_dates=allow_dates)
    counts: dict[str, int] = {}
    counts[TR_NATIONAL_ID], counts[TR_FOREIGNER_ID] = _count_ids(values)
    counts[PHONE] = _count_matching(values, _PHONE_PRE, _PHONE_RE, narrow=_PHONE_NARROW)
    counts[EMAIL] = _count_matching(values, _EMAIL_PRE, _EMAIL_RE, regex=False)
    counts[IBAN] = _count_matching(values, _IBAN_PRE, _IBAN_RE)
    if not allow_dates:
        counts[EXACT_DATE] = _count_matching(values, _DATE_PRE, _DATE_RE)
    return [Finding(column, rule, counts[rule]) for rule in RULES if counts.get(rule)]


# ---------------------------------------------------------------------------------------------------
# Column headers

# Explicit Turkish folding: str.lower() maps "İ" to "i̇" (two code points) and "I" to "i" only by luck.
_TURKISH_FOLD = str.maketrans(
    {
        "İ": "i",
        "I": "i",
        "ı": "i",
        "Ş": "s",
        "ş": "s",
        "Ğ": "g",
        "ğ": "g",
        "Ü": "u",
        "ü": "u",
        "Ö": "o",
        "ö": "o",
        "Ç": "c",
        "ç": "c",
        "Â": "a",
        "â": "a",
        "Î": "i",
        "î": "i",
        "Û": "u",
        "û": "u",
    }
)

# A header equal to one of these (after normalize_label) names personal data. Short words such as
# "ad", "tel" or "name" only match exactly: as substrings they are inside harmless headers.
_IDENTIFYING_EXACT = frozenset(
    {
        "ad", "adi", "isim", "ismi", "soyad", "soyadi", "soyisim", "soyismi", "adsoyad", "adsoyadi",
        "adisoyadi", "adivesoyadi", "isimsoyisim", "babaadi", "anneadi",
        "name", "names", "firstname", "givenname", "lastname", "surname", "familyname", "fullname",
        "fathersname", "mothersname",
        "tc", "tcno", "tckn", "tckimlik", "tckimlikno", "kimlik", "kimlikno", "kimliknumarasi", "ykn",
        "pasaport", "pasaportno", "passport", "passportno", "passportnumber",
        "telefon", "telefonno", "tel", "telno", "gsm", "cep", "ceptel", "ceptelefonu", "phone", "mobile",
        "adres", "address", "eposta", "email", "mail",
        "dogumtarihi", "birthdate", "dateofbirth", "dob", "iban",
    }
)  # fmt: skip
# A header containing one of these (long enough to be unambiguous) names personal data too, e.g.
# "mağdurun adı soyadı", "cep telefonu no", "passport_no".
_IDENTIFYING_PARTS: tuple[str, ...] = (
    "soyad", "soyisim", "adsoyad", "adisoyad", "babaadi", "anneadi",
    "firstname", "lastname", "surname", "fullname",
    "tckimlik", "tckn", "kimlikno", "kimliknumara", "pasaport", "passport",
    "telefon", "phone", "adres", "address", "eposta", "email", "dogumtarih", "birthdate", "dateofbirth",
    "iban",
)  # fmt: skip


def normalize_label(label: str) -> str:
    """Fold a header label so 'Adı Soyadı', 'ADI_SOYADI' and 'adi soyadi' compare equal.

    NFC first (an "İ" typed as I + combining dot becomes one letter), then the Turkish letters to ASCII
    (İ, I, ı → i; ş → s; ğ → g; ü → u; ö → o; ç → c; â, î, û → a, i, u), lower case, and only letters
    and digits kept.
    """
    folded = unicodedata.normalize("NFC", label).translate(_TURKISH_FOLD).lower()
    return "".join(ch for ch in folded if ch.isalnum())


def is_identifying_label(label: str) -> bool:
    """True when a column header says the column holds names, ID numbers, contact details or birth dates."""
    key = normalize_label(label)
    if not key:
        return False
    return key in _IDENTIFYING_EXACT or any(part in key for part in _IDENTIFYING_PARTS)


# ---------------------------------------------------------------------------------------------------
# The scan


def _as_frame(rows: pd.DataFrame | Sequence[Sequence[str]], width: int) -> pd.DataFrame:
    """Rows as a DataFrame of str with at least ``width`` columns, addressed by position.

    Ragged rows are kept: cells beyond the header are scanned too (a delimiter inside an unquoted
    notes field can push an ID number out of its column).
    """
    if isinstance(rows, pd.DataFrame):
        frame = rows.copy()
    else:
        records = list(rows)
        longest = max(map(len, records), default=0)
        if any(len(record) != longest for record in records):
            records = [[*record, *([""] * (longest - len(record)))] for record in records]
        frame = pd.DataFrame(records, dtype=object)
    frame.columns = range(frame.shape[1])
    for position in range(frame.shape[1], width):
        frame[position] = ""
    return frame.fillna("").astype(str)


def scan_extract(
    columns: Sequence[str],
    rows: pd.DataFrame | Sequence[Sequence[str]],
    *,
    date_columns: Collection[str] = (),
    key_columns: Collection[str] = ("person_key",),
    labels: Sequence[str] | None = None,
) -> list[Finding]:
    """Scan an extract's header and every cell; return the findings (empty when the file is clean).

    ``columns`` are the contract column names in file order (or the original label for a column the
    contract does not know); ``rows`` holds the cells as text, by position. ``labels`` are the header
    labels as written in the file, checked together with ``columns`` for identifying names.

    ``date_columns`` may hold exact dates (dates of events). In ``key_columns`` a cell that is a
    well-formed person key is skipped; any other cell there is scanned like everywhere else, because
    an unpseudonymized ID number put into the key column is the most likely leak of all.
    """
    if labels is not None and len(labels) != len(columns):
        raise ValueError(f"{len(labels)} header labels for {len(columns)} columns")
    frame = _as_frame(rows, len(columns))
    dates = set(date_columns)
    keys = set(key_columns)
    findings: list[Finding] = []
    for position in range(frame.shape[1]):
        name = columns[position] if position < len(columns) else f"(unnamed column {position + 1})"
        values = frame[position]
        if name in keys:
            values = values[~values.str.fullmatch(PERSON_KEY_PATTERN).astype(bool)]
        header = [name, *([labels[position]] if labels is not None and position < len(labels) else [])]
        if name not in keys and any(is_identifying_label(label) for label in header):
            filled = int((values.str.strip() != "").sum())
            findings.append(Finding(name, IDENTIFYING_COLUMN, filled))
        findings.extend(_scan_values(name, values, allow_dates=name in dates))
    return findings


# ---------------------------------------------------------------------------------------------------
# The message for the agency


def _cells(count: int) -> str:
    return "cell" if count == 1 else "cells"


def describe_finding(finding: Finding) -> str:
    """One finding in words for an agency focal point, built from counts and names only."""
    count = f"{finding.cells} {_cells(finding.cells)}"
    if finding.rule == IDENTIFYING_COLUMN:
        return (
            "the header says it holds names, ID numbers, contact details or birth dates "
            f"({count} filled) (rule {finding.rule})"
        )
    one, many = _RULE_TEXT.get(finding.rule, ("personal data", "personal data"))
    if finding.cells == 1:
        return f"{count} looks like {one} (rule {finding.rule})"
    return f"{count} look like {many} (rule {finding.rule})"


def describe_findings(findings: Sequence[Finding]) -> str:
    """The problem part of the rejection, one clause per column (for ``ExtractRejected``'s ``problem``)."""
    by_column: dict[str, list[str]] = {}
    for finding in findings:
        by_column.setdefault(finding.column, []).append(describe_finding(finding))
    parts = "; ".join(f"column {column}: {', '.join(texts)}" for column, texts in by_column.items())
    return f"the file contains personal data, so it was not loaded: {parts}."


def findings_message(findings: Sequence[Finding]) -> str:
    """The whole message for the agency: what was found where, and what to do. Empty when clean."""
    if not findings:
        return ""
    return f"{describe_findings(findings)} {FIX_TEXT}"
