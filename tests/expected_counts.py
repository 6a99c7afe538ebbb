"""Counts computed straight from the demo files with the csv module, independently of the ingestion
code: if the pipeline loses, duplicates or miscounts a row, the marts will disagree with these."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

IDENTIFYING = {
    "tnp_identifications_": "police_identifications",
    "jgk_identifications_": "gendarmerie_identifications",
}
KEY = re.compile(r"^k[0-9]+:[0-9a-f]{64}$")
COUNTRIES_SEED = Path(__file__).resolve().parent.parent / "dbt_project" / "seeds" / "countries.csv"
EXPLOITATION = {"cinsel", "emek", "dilencilik", "zorla_evlilik", "organ", "diger"}
REFERRAL = {"operasyon", "hat_157", "stk", "konsolosluk", "kendi_basvurusu", "diger", ""}


def _countries() -> set[str]:
    with COUNTRIES_SEED.open(encoding="utf-8") as handle:
        return {row["iso3"] for row in csv.DictReader(handle)}


def _date(text: str, fmt: str, year: int) -> bool:
    try:
        return datetime.strptime(text, fmt).year == year
    except ValueError:
        return False


def _age_ok(text: str) -> bool:
    return text == "" or (text.isdigit() and 0 <= int(text) <= 99)


def police_row_ok(row: list[str], year: int, countries: set[str]) -> bool:
    if len(row) != 11:
        return False
    record, key, when, status, province, nationality, sex, age, exploitation, referral, _ = row
    return bool(
        record
        and KEY.match(key)
        and _date(when, "%d.%m.%Y", year)
        and status in {"tespit_edilen", "olasi"}
        and province.isdigit()
        and 1 <= int(province) <= 81
        and (nationality == "" or nationality in countries)
        and sex in {"K", "E", "B"}
        and _age_ok(age)
        and referral in REFERRAL
        and (exploitation == "" or all(p.strip() in EXPLOITATION for p in exploitation.split(",")))
    )


def iom_row_ok(row: list[str], year: int, countries: set[str]) -> bool:
    if len(row) != 8:
        return False
    case, key, when, country, kind, reintegration, sex, age = row
    return bool(
        case
        and KEY.match(key)
        and _date(when, "%Y-%m-%d", year)
        and country in countries
        and kind in {"avrr", "escorted", "third_country"}
        and reintegration in {"yes", "no"}
        and sex in {"female", "male", "unknown"}
        and _age_ok(age)
    )


@dataclass
class Expected:
    rows_read: Counter = field(default_factory=Counter)  # by source
    rows_loaded: Counter = field(default_factory=Counter)
    identification_records: Counter = field(default_factory=Counter)  # by year
    identified_persons_by_year: dict[int, set[str]] = field(default_factory=dict)
    presumed_persons_by_year: dict[int, set[str]] = field(default_factory=dict)
    returns_by_year: Counter = field(default_factory=Counter)
    reintegration_by_year: Counter = field(default_factory=Counter)
    police_keys: set[str] = field(default_factory=set)
    return_keys: list[str] = field(default_factory=list)

    @property
    def returns_without_identification(self) -> int:
        return sum(key not in self.police_keys for key in self.return_keys)

    def identified_persons(self, first: int, last: int) -> int:
        return len(
            set().union(*(self.identified_persons_by_year.get(y, set()) for y in range(first, last + 1)))
        )


def _valid_rows(
    text: str, delimiter: str, check, year: int, countries: set[str]
) -> tuple[int, list[list[str]]]:
    rows = [r for r in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)][1:]
    rows = [r for r in rows if any(c.strip() for c in r)]
    seen_rows: set[tuple[str, ...]] = set()
    seen_ids: set[str] = set()
    valid = []
    for row in rows:
        row = [c.strip() for c in row]
        duplicate = tuple(row) in seen_rows or (row and row[0] in seen_ids)
        seen_rows.add(tuple(row))
        if check(row, year, countries) and not duplicate:
            valid.append(row)
        if row:
            seen_ids.add(row[0])
    return len(rows), valid


def expected_from_files(paths: list[Path]) -> Expected:
    countries = _countries()
    out = Expected()
    for path in paths:
        year = int(re.search(r"(\d{4})", path.name).group(1))
        if path.name.startswith(tuple(IDENTIFYING)):  # police and gendarmerie send the same layout
            source = IDENTIFYING[path.name.split("_", 1)[0] + "_identifications_"]
            read, valid = _valid_rows(path.read_bytes().decode("cp1254"), ";", police_row_ok, year, countries)
            out.rows_read[source] += read
            out.rows_loaded[source] += len(valid)
            out.identification_records[year] += len(valid)
            out.identified_persons_by_year.setdefault(year, set()).update(
                r[1] for r in valid if r[3] == "tespit_edilen"
            )
            out.presumed_persons_by_year.setdefault(year, set()).update(
                r[1] for r in valid if r[3] == "olasi"
            )
            out.police_keys.update(r[1] for r in valid)
        elif path.name.startswith("iom_returns_"):
            read, valid = _valid_rows(path.read_bytes().decode("utf-8"), ",", iom_row_ok, year, countries)
            out.rows_read["iom_returns"] += read
            out.rows_loaded["iom_returns"] += len(valid)
            out.returns_by_year[year] += len(valid)
            out.reintegration_by_year[year] += sum(r[5] == "yes" for r in valid)
            out.return_keys.extend(r[1] for r in valid)
    return out


# --- Protection and prevention sources (referrals, shelter stays, health services, helpline calls,
# trainings, labour inspections, cooperation actions), read with the csv module (and openpyxl for the
# shelters' workbooks), independently of the ingestion code. A resend under corrections/ replaces the
# file of the same name, as the batch it supersedes.

AGENCY_CODES = {"tnp", "jgk", "moj", "ikgv", "kdv", "iom", "h157", "csgb", "sb", "mfa"}
REFERRAL_TO = AGENCY_CODES | {"shcek", "baro", "konsolosluk", "diger"}
REFERRAL_SERVICES = {"shelter", "health", "legal", "return", "psychosocial", "other"}
SHELTER_CODES = {"IKGV-IST", "KDV-ANK"}
DISCHARGE_REASONS = {
    "gonullu_donus", "baska_kuruma_sevk", "kendi_istegiyle_ayrildi", "aile_yanina_dondu", "diger",
}  # fmt: skip
STAY_SERVICES = {"barinma", "psikososyal", "saglik", "hukuki", "tercume", "egitim", "maddi_yardim", "diger"}
HEALTH_SERVICES = {"acil", "psikolojik", "ureme_sagligi", "genel", "diger"}
HEALTH_PROVIDERS = {"devlet_hastanesi", "aile_sagligi_merkezi", "diger"}
CALL_LANGUAGES = {"tr", "en", "ru", "ro", "uk", "az", "uz", "ky", "ka", "ar", "fa", "de", "ps", "other"}
CALLERS = {"victim", "family", "public", "ngo", "law_enforcement", "other"}
CALL_CATEGORIES = {"emergency", "notification", "information", "other"}
CALL_OUTCOMES = {"referred_to_police", "information_given", "referred_to_ngo", "no_action"}
TRAINING_AUDIENCES = AGENCY_CODES | {
    "judges_prosecutors", "labour_inspectors", "social_services", "ngo", "other",
}  # fmt: skip
TRAINING_TOPICS = {
    "victim_identification", "investigation", "prosecution", "legal_framework", "victim_assistance",
    "referral_mechanism", "labour_exploitation", "awareness", "other",
}  # fmt: skip
ISIC_SECTIONS = set("ABCDEFGHIJKLMNOPQRSTU")
ACTION_TYPES = {
    "mutual_legal_assistance", "joint_investigation", "consular_notification", "return_coordination",
}  # fmt: skip
TRAINING_REF = re.compile(r"^TRN-[0-9]{4}-[0-9]{3}$")
CASE_REF = re.compile(r"^[0-9]{4}/[0-9]{1,6}$")
SHELTER_FOOTERS = {"toplam", "genel toplam", "total"}


def _day(text: str, fmt: str = "%d.%m.%Y"):
    try:
        return datetime.strptime(text, fmt).date()
    except ValueError:
        return None


def _in_year(text: str, fmt: str, year: int) -> bool:
    day = _day(text, fmt)
    return day is not None and day.year == year


def _int_between(text: str, low: int, high: int) -> bool:
    return text.isdigit() and low <= int(text) <= high


def _province_ok(text: str, required: bool = True) -> bool:
    return (text == "" and not required) or _int_between(text, 1, 81)


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1254")


def _checked_rows(rows: list[list[str]], check, unique_column: int | None = None) -> list[list[str]]:
    """Rows that pass ``check`` and repeat neither an earlier row nor an earlier value of the unique
    column (the first copy stays, later copies are quarantined, as the ingest's duplicate rules say)."""
    seen_rows: set[tuple[str, ...]] = set()
    seen_keys: set[str] = set()
    valid = []
    for row in rows:
        repeated = tuple(row) in seen_rows
        seen_rows.add(tuple(row))
        duplicate_key = False
        if unique_column is not None and not repeated and len(row) > unique_column and row[unique_column]:
            duplicate_key = row[unique_column] in seen_keys
            seen_keys.add(row[unique_column])
        if not repeated and not duplicate_key and check(row):
            valid.append(row)
    return valid


def _csv_rows(path: Path, delimiter: str) -> list[list[str]]:
    rows = list(csv.reader(io.StringIO(_decode(path.read_bytes()), newline=""), delimiter=delimiter))[1:]
    return [[c.strip() for c in r] for r in rows if any(c.strip() for c in r)]


def _workbook_rows(path: Path, first_header: str, width: int) -> list[list[str]]:
    """Data rows of a shelter workbook: below the header row, above the total row; date cells written
    as DD.MM.YYYY, as the agency sees them."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True, data_only=True)
    try:
        sheet = next(s for s in book.worksheets if any(r and r[0] == first_header for r in s.values))
        rows = [list(r) for r in sheet.values]
    finally:
        book.close()
    start = next(n for n, r in enumerate(rows) if r and r[0] == first_header) + 1
    out = []
    for row in rows[start:]:
        cells = [
            "" if c is None else c.strftime("%d.%m.%Y") if isinstance(c, datetime) else str(c).strip()
            for c in row
        ]
        if not any(cells[width:]):  # empty cells right of the table are not part of the row
            cells = (cells + [""] * width)[:width]
        if not any(cells) or cells[0].lower() in SHELTER_FOOTERS:
            continue
        out.append(cells)
    return out


@dataclass
class ProtectionExpected:
    referrals_by_year: Counter = field(default_factory=Counter)  # distinct referrals by year referred
    referrals_accepted: int = 0
    referral_days_to_acceptance: int = 0  # sum over accepted referrals
    stays_by_year: Counter = field(default_factory=Counter)  # distinct stays by year admitted
    open_stays: int = 0
    stay_days: int = 0  # sum of lengths of closed stays
    stays_with_service: Counter = field(default_factory=Counter)  # by shelter service code
    health_by_year: Counter = field(default_factory=Counter)
    calls_by_year: Counter = field(default_factory=Counter)
    notifications_by_year: Counter = field(default_factory=Counter)
    calls_leading_to_identification: int = 0
    training_rows_by_year: Counter = field(default_factory=Counter)
    participants_by_year: Counter = field(default_factory=Counter)
    inspections_by_year: Counter = field(default_factory=Counter)
    inspections_referred: int = 0
    indicators_found: int = 0
    actions_by_year: Counter = field(default_factory=Counter)
    actions_by_type: Counter = field(default_factory=Counter)


def _latest_files(paths: list[Path]) -> dict[str, Path]:
    """File name → path; a later path of the same name (a resend under corrections/) wins."""
    files: dict[str, Path] = {}
    for path in paths:
        files[path.name] = path
    return files


def protection_expected_from_files(paths: list[Path]) -> ProtectionExpected:
    countries = _countries()
    identified_keys = expected_from_files(paths).police_keys  # police and gendarmerie, loaded rows
    out = ProtectionExpected()
    referrals: dict[tuple[str, ...], str] = {}  # business key → accepted_on of the kept copy
    stays: dict[tuple[str, ...], list[str]] = {}
    for name, path in sorted(_latest_files(paths).items()):
        found = re.search(r"_(\d{4})\.(csv|xlsx)$", name)
        if not found:
            continue
        year = int(found.group(1))
        if re.match(r"^[a-z0-9]+_referrals_\d{4}\.csv$", name):
            for r in _checked_rows(
                _csv_rows(path, ";"),
                lambda r, y=year: (
                    len(r) == 6
                    and bool(KEY.match(r[0]))
                    and r[1] in AGENCY_CODES
                    and r[2] in REFERRAL_TO
                    and _in_year(r[3], "%d.%m.%Y", y)
                    and r[4] in REFERRAL_SERVICES
                    and (r[5] == "" or _day(r[5]) is not None)
                ),
            ):
                key = (r[0], r[1], r[2], r[3], r[4])
                if not referrals.get(key):  # a copy with an acceptance date wins
                    referrals[key] = r[5]
        elif re.match(r"^[a-z0-9]+_shelter_stays_\d{4}\.xlsx$", name):
            for r in _checked_rows(
                _workbook_rows(path, "Kişi Anahtarı", 6),
                lambda r, y=year: (
                    len(r) == 6
                    and bool(KEY.match(r[0]))
                    and r[1] in SHELTER_CODES
                    and _in_year(r[2], "%d.%m.%Y", y)
                    and (r[3] == "" or _day(r[3]) is not None)
                    and (r[4] == "" or r[4] in DISCHARGE_REASONS)
                    and (r[5] == "" or all(s.strip() in STAY_SERVICES for s in r[5].split(",")))
                ),
            ):
                key = (r[0], r[1], r[2])
                if key not in stays or (not stays[key][3] and r[3]):  # a discharged copy wins
                    stays[key] = r
        elif name.startswith("sb_health_services_"):
            valid = _checked_rows(
                _csv_rows(path, ";"),
                lambda r, y=year: (
                    len(r) == 5
                    and bool(KEY.match(r[0]))
                    and _in_year(r[1], "%d.%m.%Y", y)
                    and _province_ok(r[2])
                    and r[3] in HEALTH_SERVICES
                    and r[4] in HEALTH_PROVIDERS
                ),
            )
            out.health_by_year[year] += len(valid)
        elif name.startswith("h157_calls_"):
            valid = _checked_rows(
                _csv_rows(path, ";"),
                lambda r, y=year: (
                    len(r) == 8
                    and r[0] != ""
                    and _in_year(r[1], "%d.%m.%Y %H:%M", y)
                    and r[2] in CALL_LANGUAGES
                    and r[3] in CALLERS
                    and _province_ok(r[4], required=False)
                    and r[5] in CALL_CATEGORIES
                    and r[6] in CALL_OUTCOMES
                    and (r[7] == "" or bool(KEY.match(r[7])))
                ),
                unique_column=0,
            )
            out.calls_by_year[year] += len(valid)
            out.notifications_by_year[year] += sum(r[5] == "notification" for r in valid)
            out.calls_leading_to_identification += sum(r[7] in identified_keys for r in valid)
        elif name.startswith("iom_trainings_"):
            valid = _checked_rows(
                _csv_rows(path, ","),
                lambda r, y=year: (
                    len(r) == 7
                    and bool(TRAINING_REF.match(r[0]))
                    and _in_year(r[1], "%Y-%m-%d", y)
                    and _province_ok(r[2])
                    and r[3] in TRAINING_AUDIENCES
                    and r[4] in TRAINING_TOPICS
                    and _int_between(r[5], 0, 500)
                    and _int_between(r[6], 0, 500)
                ),
            )
            out.training_rows_by_year[year] += len(valid)
            out.participants_by_year[year] += sum(int(r[5]) + int(r[6]) for r in valid)
        elif name.startswith("csgb_inspections_"):
            valid = _checked_rows(
                _csv_rows(path, ";"),
                lambda r, y=year: (
                    len(r) == 8
                    and r[0] != ""
                    and _in_year(r[1], "%d.%m.%Y", y)
                    and _province_ok(r[2])
                    and r[3] in ISIC_SECTIONS
                    and _int_between(r[4], 0, 5000)
                    and _int_between(r[5], 0, 100)
                    and r[6] in {"evet", "hayir"}
                    and (r[7] == "" or bool(re.fullmatch(r"[0-9]+(,[0-9]+)?", r[7])))
                ),
                unique_column=0,
            )
            out.inspections_by_year[year] += len(valid)
            out.inspections_referred += sum(r[6] == "evet" for r in valid)
            out.indicators_found += sum(int(r[5]) for r in valid)
        elif name.startswith("mfa_cooperation_"):
            valid = _checked_rows(
                _csv_rows(path, ";"),
                lambda r, y=year: (
                    len(r) == 5
                    and r[0] != ""
                    and _in_year(r[1], "%d.%m.%Y", y)
                    and r[2] in countries
                    and r[3] in ACTION_TYPES
                    and (r[4] == "" or bool(CASE_REF.match(r[4])))
                ),
                unique_column=0,
            )
            out.actions_by_year[year] += len(valid)
            out.actions_by_type.update(r[3] for r in valid)
    for key, accepted in referrals.items():
        referred = _day(key[3])
        out.referrals_by_year[referred.year] += 1
        if accepted:
            out.referrals_accepted += 1
            out.referral_days_to_acceptance += (_day(accepted) - referred).days
    for row in stays.values():
        out.stays_by_year[_day(row[2]).year] += 1
        if row[3]:
            out.stay_days += (_day(row[3]) - _day(row[2])).days
        else:
            out.open_stays += 1
        out.stays_with_service.update({s.strip() for s in row[5].split(",") if s.strip()})
    return out


# --- Enforcement: police operations and suspects, prosecutions, court decisions ----------------------
# Rows are checked against the four contracts with the csv module, and the marts' counting rules are
# recomputed here in plain Python (deduplication, latest decision per instance, final decision, case
# flows), so a mart that miscounts disagrees with these numbers.

ENF_OPERATION_REF = re.compile(r"^OP-[0-9]{4}-[0-9]{4}$")
ENF_CASE_REF = re.compile(r"^[0-9]{4}/[0-9]{1,6}$")
ENF_OFFENCES = {"80": "trafficking_in_persons", "79": "migrant_smuggling", "227": "facilitating_prostitution"}
ENF_SEXES = {"K", "E", "B"}
ENF_ROLES = {"tedarik_eden", "nakleden", "somuren", "orgutleyen", "diger"}
ENF_OUTCOMES = {
    "mahkumiyet": "convicted",
    "beraat": "acquitted",
    "dusme": "dismissed",
    "birlestirme": "merged",
}
ENF_INSTANCE_LEVELS = {"ilk_derece": 1, "istinaf": 2, "yargitay": 3}


def _enf_date(text: str, year: int) -> datetime | None:
    try:
        day = datetime.strptime(text, "%d.%m.%Y")
    except ValueError:
        return None
    return day if day.year == year else None


def _enf_int(text: str, low: int, high: int, required: bool = True) -> bool:
    if text == "":
        return not required
    return text.isdigit() and low <= int(text) <= high


def _enf_operation_ok(row: list[str], year: int, countries: set[str]) -> bool:
    return (
        len(row) == 6
        and bool(ENF_OPERATION_REF.match(row[0]))
        and _enf_date(row[1], year) is not None
        and _enf_int(row[2], 1, 81)
        and _enf_int(row[3], 0, 500)
        and _enf_int(row[4], 0, 500)
        and row[5] in ENF_OFFENCES
    )


def _enf_suspect_ok(row: list[str], year: int, countries: set[str]) -> bool:
    return (
        len(row) == 7
        and bool(KEY.match(row[0]))
        and bool(ENF_OPERATION_REF.match(row[1]))
        and row[2] in ENF_SEXES
        and (row[3] == "" or row[3] in countries)
        and _enf_int(row[4], 12, 99, required=False)
        and row[5] in ENF_ROLES
        and _enf_date(row[6], year) is not None
    )


def _enf_prosecution_ok(row: list[str], year: int, countries: set[str]) -> bool:
    return (
        len(row) == 6
        and bool(ENF_CASE_REF.match(row[0]))
        and _enf_date(row[1], year) is not None
        and _enf_int(row[2], 1, 81)
        and row[3] in ENF_OFFENCES
        and bool(KEY.match(row[4]))
        and (row[5] == "" or all(KEY.match(k) for k in row[5].split("|")))
    )


def _enf_decision_ok(row: list[str], year: int, countries: set[str]) -> bool:
    return (
        len(row) == 7
        and bool(ENF_CASE_REF.match(row[0]))
        and bool(KEY.match(row[1]))
        and _enf_date(row[2], year) is not None
        and row[3] in ENF_OUTCOMES
        and _enf_int(row[4], 0, 600, required=False)
        and _enf_int(row[5], 0, 20000, required=False)
        and row[6] in ENF_INSTANCE_LEVELS
    )


def _enf_valid_rows(path: Path, check, year: int, countries: set[str], unique_first: bool) -> list[tuple]:
    """(line, cells) of the rows the ingestion loads: valid, not an exact copy of an earlier row, and
    (for a contract with a unique first column) not repeating an earlier row's key."""
    text = path.read_bytes().decode("cp1254")
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=";"))
    seen_rows: set[tuple[str, ...]] = set()
    seen_keys: set[str] = set()
    valid = []
    for line, record in enumerate(records[1:], start=2):
        row = [c.strip() for c in record]
        if not any(row):
            continue
        repeated = tuple(row) in seen_rows or (unique_first and row[0] in seen_keys)
        seen_rows.add(tuple(row))
        if check(row, year, countries) and not repeated:
            valid.append((line, row))
        if row:
            seen_keys.add(row[0])
    return valid


@dataclass
class EnforcementExpected:
    """Enforcement facts read from the demo files, with the marts' counting rules applied."""

    operations: dict[str, tuple[int, str]] = field(default_factory=dict)  # ref: (year, offence)
    suspect_rows: int = 0
    suspects: dict[tuple[str, str], tuple] = field(default_factory=dict)  # (key, op): first detention
    prosecution_rows: int = 0
    # (case, defendant): (filed, file order, line, offence)
    prosecutions: dict[tuple[str, str], tuple] = field(default_factory=dict)
    # (case, defendant, level): (decided, file order, line, outcome, months)
    latest_decisions: dict[tuple[str, str, int], tuple] = field(default_factory=dict)
    decision_rows: int = 0
    decision_dates: list[tuple[str, str, datetime]] = field(default_factory=list)  # every decision row

    @property
    def operations_by_year(self) -> Counter:
        return Counter(year for year, _ in self.operations.values())

    @property
    def trafficking_operations_by_year(self) -> Counter:
        return Counter(y for y, offence in self.operations.values() if offence == "trafficking_in_persons")

    def persons_prosecuted_by_year(self) -> dict[int, int]:
        persons: dict[int, set[str]] = {}
        for (_, defendant), (filed, *_) in self.prosecutions.items():
            persons.setdefault(filed.year, set()).add(defendant)
        return {year: len(keys) for year, keys in persons.items()}

    def final_decisions(self) -> dict[tuple[str, str], tuple]:
        """(case, defendant): the latest decision at an instance that is most recent, the higher
        instance on the same day."""
        final: dict[tuple[str, str], tuple] = {}
        for (case, defendant, level), decision in self.latest_decisions.items():
            candidate = (decision[0], level, decision)
            current = final.get((case, defendant))
            if current is None or candidate[:2] > current[:2]:
                final[(case, defendant)] = candidate
        return {key: value[2] for key, value in final.items()}

    def final_convictions_by_year(self) -> Counter:
        return Counter(d[0].year for d in self.final_decisions().values() if d[3] == "convicted")

    def sentence_bands(self) -> Counter:
        """Convictions per sentence band, over every latest decision per instance."""
        bands: Counter = Counter()
        for _, _, _, outcome, months in self.latest_decisions.values():
            if outcome != "convicted":
                continue
            if months is None:
                bands["unknown"] += 1
            else:
                limits = ((24, "under_2y"), (60, "2y_to_under_5y"), (96, "5y_to_under_8y"))
                bands[next((band for limit, band in limits if months < limit), "8y_and_over")] += 1
        return bands

    def cases(self) -> dict[str, dict]:
        """Per case: defendants, decided and convicted defendants, filing and closing year, offence,
        merged away. The offence is the first indictment row's (filing date, file order, line)."""
        first_decision: dict[tuple[str, str], datetime] = {}
        for case, defendant, day in self.decision_dates:
            first_decision[(case, defendant)] = min(day, first_decision.get((case, defendant), day))
        final = self.final_decisions()
        cases: dict[str, dict] = {}
        pairs = set(self.prosecutions) | set(final)
        for case, defendant in pairs:
            entry = cases.setdefault(
                case,
                {
                    "defendants": set(),
                    "decided": set(),
                    "convicted": set(),
                    "merged": set(),
                    "indictments": [],
                    "first_decisions": [],
                },
            )
            entry["defendants"].add(defendant)
            if (case, defendant) in self.prosecutions:
                entry["indictments"].append(self.prosecutions[(case, defendant)])
            if (case, defendant) in final:
                entry["decided"].add(defendant)
                entry["first_decisions"].append(first_decision[(case, defendant)])
                if final[(case, defendant)][3] == "convicted":
                    entry["convicted"].add(defendant)
                if final[(case, defendant)][3] == "merged":
                    entry["merged"].add(defendant)
        for case, entry in cases.items():
            first = min(entry["indictments"], key=lambda p: p[:3]) if entry["indictments"] else None
            entry["filed"] = first[0] if first else None
            entry["offence"] = first[3] if first else "unknown"
            entry["filing_year"] = first[0].year if first else int(case.split("/")[0])
            is_open = len(entry["decided"]) < len(entry["defendants"])
            closed = None if is_open else max(entry["first_decisions"])
            entry["closing_year"] = None if closed is None else max(closed.year, entry["filing_year"])
            entry["merged_away"] = not is_open and entry["merged"] == entry["defendants"]
        return cases

    def case_flow_yearly(self) -> dict[tuple[int, str], tuple[int, int, int, int, int]]:
        """(year, offence): (carried in, opened, merged away, decided, carried out)."""
        cases = self.cases().values()
        first = min(c["filing_year"] for c in cases if c["filed"] is not None)
        last = max(max(c["filing_year"], c["closing_year"] or c["filing_year"]) for c in cases)
        out = {}
        for year in range(first, last + 1):
            for offence in {c["offence"] for c in cases}:
                mine = [c for c in cases if c["offence"] == offence]
                open_at = [c for c in mine if c["closing_year"] is None or c["closing_year"] >= year]
                out[(year, offence)] = (
                    sum(c["filing_year"] < year for c in open_at),
                    sum(c["filing_year"] == year for c in mine),
                    sum(c["closing_year"] == year and c["merged_away"] for c in mine),
                    sum(c["closing_year"] == year and not c["merged_away"] for c in mine),
                    sum(c["filing_year"] <= year and (c["closing_year"] or year + 1) > year for c in mine),
                )
        return out


def enforcement_expected_from_files(paths: list[Path]) -> EnforcementExpected:
    """Read the police operation and suspect files and the Ministry's prosecution and decision files."""
    countries = _countries()
    out = EnforcementExpected()
    for order, path in enumerate(paths):
        name = path.name
        if not name.startswith(("tnp_operations_", "tnp_suspects_", "moj_prosecutions_", "moj_decisions_")):
            continue
        year = int(re.search(r"(\d{4})", name).group(1))
        if name.startswith("tnp_operations_"):
            for _, row in _enf_valid_rows(path, _enf_operation_ok, year, countries, unique_first=True):
                out.operations[row[0]] = (year, ENF_OFFENCES[row[5]])
        elif name.startswith("tnp_suspects_"):
            for line, row in _enf_valid_rows(path, _enf_suspect_ok, year, countries, unique_first=False):
                out.suspect_rows += 1
                candidate = (_enf_date(row[6], year), -order, line)
                key = (row[0], row[1])
                out.suspects[key] = min(candidate, out.suspects.get(key, candidate))
        elif name.startswith("moj_prosecutions_"):
            for line, row in _enf_valid_rows(path, _enf_prosecution_ok, year, countries, unique_first=False):
                out.prosecution_rows += 1
                candidate = (_enf_date(row[1], year), -order, line, ENF_OFFENCES[row[3]])
                key = (row[0], row[4])
                out.prosecutions[key] = min(candidate, out.prosecutions.get(key, candidate))
        else:
            for line, row in _enf_valid_rows(path, _enf_decision_ok, year, countries, unique_first=False):
                out.decision_rows += 1
                day = _enf_date(row[2], year)
                months = int(row[4]) if row[4] else None
                candidate = (day, order, line, ENF_OUTCOMES[row[3]], months)
                key = (row[0], row[1], ENF_INSTANCE_LEVELS[row[6]])
                out.decision_dates.append((row[0], row[1], day))
                current = out.latest_decisions.get(key)
                if current is None or candidate[:3] > current[:3]:
                    out.latest_decisions[key] = candidate
    return out


IDENTIFICATION_COLUMNS = (
    "record_id",
    "person_key",
    "identification_date",
    "status",
    "province_code",
    "nationality",
    "sex",
    "age",
    "exploitation_types",
    "referral_source",
    "operation_ref",
)


def identification_records(paths: list[Path]) -> list[dict[str, str]]:
    """The identification rows the pipeline must load (police and gendarmerie), as read by the csv
    module with the same validity and duplicate rules as expected_from_files, one dict per row with the
    contract's column names plus the sending agency: the raw material for counting victims independently
    (tests/test_indicators.py counts them with pandas)."""
    countries = _countries()
    rows: list[dict[str, str]] = []
    for path in paths:
        if not path.name.startswith(tuple(IDENTIFYING)):
            continue
        year = int(re.search(r"(\d{4})", path.name).group(1))
        _, valid = _valid_rows(path.read_bytes().decode("cp1254"), ";", police_row_ok, year, countries)
        agency = path.name.split("_", 1)[0]
        rows.extend(
            {"agency": agency, **dict(zip(IDENTIFICATION_COLUMNS, row, strict=True))} for row in valid
        )
    return rows
