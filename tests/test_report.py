"""Donor reports (``taskforce report``): contents, disclosure control, file safety and reproducibility.

Unit tests build reports from small synthetic sources (no warehouse); the integration tests run the
command on the demo warehouse of both engines (fixture ``built``) and inspect the XLSX, PDF and CSV.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import os
import random
import re
import subprocess
import sys
import zipfile
from collections import Counter
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.content import (
    ReportRequest,
    ReportRequestError,
    build_report,
    parse_request,
    release_for,
)
from reports.csv_writer import DANGEROUS_START, csv_files, neutralize, table_csv
from reports.disclosure import (
    SUPPRESSED,
    DisclosureError,
    ProtectedSet,
    audit,
    is_safe,
    primary_suppression,
    rate,
)
from reports.document import Column, Kind, Report, ReportTable
from reports.report import build_report_bytes, download_name, write_report
from reports.source import QUERIES, ReportDataError, Source, _check_vintage, _clean_values, read_source
from reports.xlsx_writer import formula_cells, xlsx_bytes
from taskforce.settings import PROJECT_ROOT, Settings

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]
GENERATED_AT = "2000-01-01T00:00:00Z"


# --------------------------------------------------------------------------------- synthetic sources

SEXES = ("female", "male", "unknown")
AGES = ("child", "adult", "unknown")
NATIONALITIES = ("national", "other_eu", "non_eu", "unknown")
FORMS = ("sexual_exploitation", "forced_labour", "forced_begging")
REGIONS = ("TR1", "TR2", "TR3")


def catalogue_row(
    indicator: str, name: str, unit: str, breakdowns: str, **extra: object
) -> dict[str, object]:
    row: dict[str, object] = {
        "indicator_id": indicator,
        "indicator_name_en": name,
        "indicator_name_tr": f"{name} (tr)",
        "definition": f"Definition of {name}.",
        "numerator": "what is counted",
        "denominator": None,
        "factor": 100 if unit == "percent" else 1,
        "unit": unit,
        "unit_of_count": "person",
        "date_basis": "identification date",
        "period_types": "year|quarter|month",
        "disaggregations": breakdowns,
        "sdg": None,
        "glotip": None,
        "eurostat": None,
        "greta": None,
        "tip": None,
        "logframe_level": "outcome",
        "target_direction": "increase",
        "baseline_year": 2008,
        "baseline_value": None,
        "target_year": 2009,
        "target_value": None,
        "is_rounded_in_reports": True,
        "indicator_sort_order": 0,
    }
    row.update(extra)
    return row


def synthetic_source(persons: list[dict[str, object]], years: tuple[int, ...] = (2008, 2009)) -> Source:
    """A source as the warehouse would give it for ``persons`` (exact counts): V1, V6 (share of children)
    and T1 (sessions, no breakdown)."""
    records: list[dict[str, object]] = []

    def add(
        indicator: str,
        period_type: str,
        period: str,
        disaggregation: str,
        numerator: int,
        denominator: int | None = None,
        **codes: str,
    ) -> None:
        value = (
            numerator
            if denominator is None
            else (round(100 * numerator / denominator, 1) if denominator else None)
        )
        records.append(
            {
                "indicator_id": indicator,
                "period_type": period_type,
                "period_id": period,
                "disaggregation": disaggregation,
                "sex": codes.get("sex"),
                "age_group": codes.get("age_group"),
                "nationality_group": codes.get("nationality_group"),
                "exploitation_type": codes.get("exploitation_type"),
                "nuts1_code": codes.get("nuts1"),
                "numerator": numerator,
                "denominator": denominator,
                "value": value,
                "is_withheld": denominator is not None and (denominator < 10 or 1 <= numerator < 10),
                "is_rounded": False,
            }
        )

    frame = pd.DataFrame(persons)
    periods = [("year", str(y), str(y)) for y in years] + [
        ("quarter", f"{y}Q{q}", f"{y}Q{q}") for y in years for q in range(1, 5)
    ]
    for period_type, period, _ in periods:
        column = "year" if period_type == "year" else "quarter"
        people = frame[frame[column] == period] if len(frame) else frame
        add("V1", period_type, period, "total", len(people))
        add("T1", period_type, period, "total", 12)
        for sex in SEXES:
            add("V1", period_type, period, "sex", int((people["sex"] == sex).sum()), sex=sex)
            for age in AGES:
                n = int(((people["sex"] == sex) & (people["age_group"] == age)).sum())
                add("V1", period_type, period, "sex_age_group", n, sex=sex, age_group=age)
            child = int(((people["sex"] == sex) & (people["age_group"] == "child")).sum())
            known = int(((people["sex"] == sex) & (people["age_group"] != "unknown")).sum())
            add("V6", period_type, period, "sex", child, known, sex=sex)
        for age in AGES:
            add(
                "V1", period_type, period, "age_group", int((people["age_group"] == age).sum()), age_group=age
            )
        for group in NATIONALITIES:
            n = int((people["nationality_group"] == group).sum())
            add("V1", period_type, period, "nationality_group", n, nationality_group=group)
        for form in FORMS:
            n = int(people["forms"].apply(lambda forms, f=form: f in forms).sum()) if len(people) else 0
            add("V1", period_type, period, "exploitation_type", n, exploitation_type=form)
        for region in REGIONS:
            add("V1", period_type, period, "nuts1", int((people["nuts1"] == region).sum()), nuts1=region)
        child = int((people["age_group"] == "child").sum())
        known = int((people["age_group"] != "unknown").sum())
        add("V6", period_type, period, "total", child, known)
    catalogue = pd.DataFrame(
        [
            catalogue_row(
                "V1",
                "Victims identified",
                "persons",
                "sex|age_group|sex_age_group|nationality_group|exploitation_type|nuts1",
                indicator_sort_order=1,
            ),
            catalogue_row(
                "V6",
                "Share of children",
                "percent",
                "sex",
                indicator_sort_order=2,
                denominator="V1 with a known age",
                target_value=20,
            ),
            catalogue_row("T1", "Training sessions held", "sessions", "", indicator_sort_order=3),
        ]
    )
    return Source(
        catalogue=catalogue,
        values=_clean_values(pd.DataFrame(records)),
        regions=pd.DataFrame(
            {"nuts1_code": REGIONS, "nuts1_name": ["İstanbul", "Batı Marmara", "Ege"]}
        ).astype("string"),
        sexes=pd.DataFrame(
            {
                "sex": SEXES,
                "label_en": ["Female", "Male", "Unknown"],
                "label_tr": ["Kadın", "Erkek", "Bilinmiyor"],
                "sort_order": [1, 2, 3],
            }
        ),
        exploitation_types=pd.DataFrame(
            {
                "exploitation_type": FORMS,
                "label_en": ["Sexual exploitation", "Forced labour", "Forced begging"],
                "label_tr": ["Cinsel sömürü", "Zorla çalıştırma", "Zorla dilendirme"],
                "sort_order": [1, 2, 3],
            }
        ),
        age_groups=pd.DataFrame({"age_group": AGES, "sort_order": [1, 19, 122]}),
        build={
            "build_id": "20090101T000000-test",
            "engine": "duckdb",
            "started_at": "2009-01-01 00:00:00",
            "dbt_version": "1.11.0",
        },
        batches=pd.DataFrame(
            [
                {
                    "agency": "tnp",
                    "source": "police_identifications",
                    "period": "2009",
                    "period_start": pd.Timestamp("2009-01-01"),
                    "period_end": pd.Timestamp("2009-12-31"),
                    "file_name": "tnp_identifications_2009.csv",
                    "is_file_name_withheld": False,
                    "file_sha256": "ab" * 32,
                    "rows_loaded": 120,
                },
                {
                    "agency": "tnp",
                    "source": "police_operations",
                    "period": "2009",
                    "period_start": pd.Timestamp("2009-01-01"),
                    "period_end": pd.Timestamp("2009-12-31"),
                    "file_name": None,
                    "is_file_name_withheld": True,
                    "file_sha256": "cd" * 32,
                    "rows_loaded": 40,
                },
            ]
        ),
        engine="duckdb",
    )


def random_persons(
    seed: int, per_quarter: int = 30, years: tuple[int, ...] = (2008, 2009)
) -> list[dict[str, object]]:
    rng = random.Random(seed)
    persons = []
    for year in years:
        for quarter in range(1, 5):
            for _ in range(rng.randint(per_quarter // 2, per_quarter)):
                persons.append(
                    {
                        "year": str(year),
                        "quarter": f"{year}Q{quarter}",
                        "sex": rng.choices(SEXES, (70, 28, 2))[0],
                        "age_group": rng.choices(AGES, (15, 80, 5))[0],
                        "nationality_group": rng.choices(NATIONALITIES, (5, 10, 83, 2))[0],
                        "forms": rng.sample(FORMS, rng.choices((1, 2), (85, 15))[0]),
                        "nuts1": rng.choices(REGIONS, (60, 10, 30))[0],
                    }
                )
    return persons


def make(source: Source, period: int = 2009, first: int = 2008, threshold: int = 10) -> Report:
    request = ReportRequest(period, first, period, threshold)
    return build_report(source, request, generated_at=GENERATED_AT, software_version="test")


def count_cells(report: Report) -> list[tuple[str, str, object]]:
    """Every released count cell of the report's statistical tables: (table, column, value)."""
    found = []
    for table in report.tables:
        if not table.statistical:
            continue
        for r, row in enumerate(table.rows):
            for c, value in enumerate(row):
                if table.kind(r, c) is Kind.COUNT and value is not None:
                    found.append((table.name, table.columns[c].key, value))
    return found


def assert_counts_safe(report: Report, threshold: int) -> None:
    cells = count_cells(report)
    assert cells
    for table, column, value in cells:
        assert value == SUPPRESSED or (isinstance(value, int) and (value == 0 or value >= threshold)), (
            table,
            column,
            value,
        )


def cell(report: Report, table: str, column: str, **where: str) -> object:
    found = report.table(table)
    keys = [c.key for c in found.columns]
    rows = [row for row in found.rows if all(row[keys.index(k)] == v for k, v in where.items())]
    assert len(rows) == 1, (table, where, len(rows))
    return rows[0][keys.index(column)]


# --------------------------------------------------------------------------------- unit tests


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_synthetic_report_is_safe_audited_and_complete(seed: int) -> None:
    source = synthetic_source(random_persons(seed))
    report = make(source)
    names = [t.name for t in report.tables]
    assert names == [
        "logframe",
        "trend_yearly",
        "trend_quarterly",
        "by_sex_and_age",
        "by_sex",
        "by_nationality_group",
        "by_exploitation_type",
        "by_region",
        "methodology",
        "notes",
        "data_vintage",
        "batches",
    ]
    assert_counts_safe(report, 10)
    release = release_for(source, ReportRequest(2009, 2008, 2009))
    for table in release.tables.values():
        for result in audit(table.protected):
            assert is_safe(result, 10), (table.table_name, result)
    # every statistical table carries the legend, in English and Turkish, with the threshold
    for table in report.tables:
        if table.statistical:
            assert any("Threshold: 10" in note for note in table.notes)
            assert any(note.startswith("Açıklama:") for note in table.notes)
    # what a reader can add up adds up: quarters to the year, rows to the total
    quarters = [cell(report, "trend_quarterly", f"2009Q{q}", indicator="V1") for q in range(1, 5)]
    year = cell(report, "trend_yearly", "2009", indicator="V1")
    if SUPPRESSED not in quarters:
        assert sum(quarters) == year
    assert cell(report, "logframe", "actual", indicator="V1") == year


def test_a_year_figure_hidden_in_the_trend_withholds_every_breakdown_of_that_year() -> None:
    persons = random_persons(4)
    persons = [p for p in persons if p["year"] == "2008"] + [
        {**p, "year": "2009", "quarter": "2009Q2"} for p in persons[:4]
    ]
    report = make(synthetic_source(persons))
    assert cell(report, "trend_yearly", "2009", indicator="V1") == SUPPRESSED
    assert cell(report, "logframe", "actual", indicator="V1") == SUPPRESSED
    assert cell(report, "logframe", "progress", indicator="V1") == SUPPRESSED
    for name in ("by_sex_and_age", "by_nationality_group", "by_exploitation_type", "by_region"):
        assert set(report.table(name).column("V1")) == {SUPPRESSED}, name
        assert any(note.startswith("Withheld (V1)") for note in report.table(name).notes)
    assert cell(report, "by_sex", "V6", sex_code="") == SUPPRESSED


def test_a_share_is_hidden_when_a_count_it_is_made_of_is_hidden() -> None:
    hidden_by_parts = 0
    for seed in range(5, 11):
        source = synthetic_source(random_persons(seed, per_quarter=40))
        report = make(source)
        for sex in SEXES:
            parts = [
                cell(report, "by_sex_and_age", "V1", sex_code=sex, age_group_code=a)
                for a in ("child", "adult")
            ]
            share = cell(report, "by_sex", "V6", sex_code=sex)
            if SUPPRESSED in parts:
                assert share == SUPPRESSED, (seed, sex)
                row = source.values[
                    (source.values["indicator_id"] == "V6")
                    & (source.values["period_id"] == "2009")
                    & (source.values["sex"] == sex)
                ].iloc[0]
                hidden_by_parts += rate(int(row["numerator"]), int(row["denominator"])) != SUPPRESSED
            else:
                assert share != SUPPRESSED or rate(*parts[:1], sum(parts)) == SUPPRESSED
    assert hidden_by_parts, "no share was hidden by its parts alone: the test data do not exercise the rule"


def test_refuses_to_write_when_a_table_fails_the_audit(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Primary suppression alone lets hidden cells be worked out from the totals: nothing may be written."""
    import reports.release
    from taskforce import cli

    def primary_only(table_set, threshold, zero_rule):  # type: ignore[no-untyped-def]
        return ProtectedSet(
            table_set, threshold, zero_rule, primary_suppression(table_set, threshold, zero_rule)
        )

    source = synthetic_source(random_persons(7))
    monkeypatch.setattr(reports.release, "protect", primary_only)
    with pytest.raises(DisclosureError, match="disclosure problems"):
        make(source)
    monkeypatch.setattr("reports.report.read_source", lambda settings: source)
    out = tmp_path / "out"
    args = cli.parser().parse_args(["report", "--period", "2009", "--format", "all", "--out", str(out)])
    assert cli.cmd_report(Settings("duckdb:////nonexistent.duckdb", tmp_path), args) == 1
    assert not out.exists() or not any(out.iterdir())


def test_arguments_are_checked() -> None:
    assert parse_request("2009") == ReportRequest(2009, 2009, 2009, 10)
    assert parse_request("2009", "2006-01", "2010-12", 11).years == ["2006", "2007", "2008", "2009", "2010"]
    for args, message in [
        (("09",), "must be a year"),
        (("2009", "2008-02", None), "January"),
        (("2009", None, "2009-11"), "December"),
        (("2009", "2010-01", "2010-12"), "must include the report year"),
        (("2009", "2009-01", "2008-12"), "after"),
        (("2009", None, None, 0), "positive"),
    ]:
        with pytest.raises(ReportRequestError, match=message):
            parse_request(*args)


def test_a_year_without_data_is_refused() -> None:
    with pytest.raises(ReportDataError, match="no indicator values for 2007"):
        make(synthetic_source(random_persons(1)), period=2009, first=2007)


def vintage_row(**changes: object) -> pd.DataFrame:
    row: dict[str, object] = {
        "build_id": "b1",
        "engine": "duckdb",
        "build_started_at": pd.Timestamp("2010-01-01 10:00:00"),
        "dbt_version": "1.11.0",
        "is_recorded_build": True,
        "batches_used": 2,
        "active_batches_not_used": 0,
        "used_batches_not_active": 0,
    }
    row.update(changes)
    return pd.DataFrame([row])


def test_the_report_refuses_a_warehouse_built_from_other_batches_than_the_active_ones() -> None:
    build = _check_vintage(vintage_row())
    assert build == {
        "build_id": "b1",
        "engine": "duckdb",
        "started_at": "2010-01-01 10:00:00",
        "dbt_version": "1.11.0",
    }
    with pytest.raises(ReportDataError, match="superseded while it ran"):
        _check_vintage(vintage_row(used_batches_not_active=1))
    with pytest.raises(ReportDataError, match="loaded while it ran"):
        _check_vintage(vintage_row(active_batches_not_used=2))
    with pytest.raises(ReportDataError, match="not made by `taskforce build`"):
        _check_vintage(vintage_row(build_id=None, is_recorded_build=False))
    with pytest.raises(ReportDataError, match="no data vintage"):
        _check_vintage(vintage_row().iloc[0:0])


def test_a_file_name_given_by_hand_is_not_in_the_batches_table() -> None:
    report = make(synthetic_source(random_persons(2)))
    assert report.table("batches").column("file_name") == (
        "tnp_identifications_2009.csv",
        "(not shown: not in the naming convention)",
    )


def test_no_warehouse_is_a_clear_error(empty_duckdb: Settings) -> None:
    with pytest.raises(ReportDataError, match="no warehouse"):
        read_source(empty_duckdb)


def test_the_report_reads_only_the_reporting_schema() -> None:
    """Every statement names reporting tables only (tests/test_dashboard_donor.py also makes the report
    as the PostgreSQL donor role, and from a DuckDB file that holds nothing but the reporting schema)."""
    for name, sql in QUERIES.items():
        relations = re.findall(r"\b(?:from|join)\s+([\w.]+)", sql, flags=re.IGNORECASE)
        assert relations, name
        for relation in relations:
            assert relation.startswith("reporting.rpt_"), (name, relation)


DANGEROUS = ['=HYPERLINK("http://evil.example","click")', "+1+2", "-3+4", "@SUM(A1:A2)", "\t=1+1", "\r=1+1"]


def planted_report() -> Report:
    report = make(synthetic_source(random_persons(8)))
    table = ReportTable(
        "planted",
        "Planted dangerous labels",
        (Column("label", "Label"), Column("n", "N", Kind.COUNT), Column("note", "=cmd|' /C calc'!A0")),
        tuple((label, 10 + i, label) for i, label in enumerate(DANGEROUS)),
        ("=1+1 in a note",),
    )
    return dataclasses.replace(report, tables=(table, *report.tables))


def test_csv_writer_neutralizes_cells_that_would_start_a_formula() -> None:
    report = planted_report()
    files = csv_files(report)
    rows = list(csv.reader(io.StringIO(files["01_planted.csv"].decode("utf-8-sig"), newline="")))
    assert rows[0] == ["label", "n", "note"]
    for (label, n, note), original in zip(rows[1:], DANGEROUS, strict=True):
        assert label == note == "'" + original
        assert n.isdigit()
    for name, data in files.items():
        if name.endswith(".csv"):
            for row in csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")):
                assert not any(value.startswith(DANGEROUS_START) for value in row), (name, row)


def test_csv_manifest_lists_every_file_with_its_hash() -> None:
    import hashlib

    files = csv_files(make(synthetic_source(random_persons(9))))
    manifest = json.loads(files["manifest.json"])
    assert manifest["threshold"] == 10 and "c = confidential" in manifest["legend_en"]
    listed = {entry["file"]: entry["sha256"] for entry in manifest["files"]}
    assert set(listed) == {name for name in files if name not in ("manifest.json", "SHA256SUMS")}
    for name, digest in listed.items():
        assert hashlib.sha256(files[name]).hexdigest() == digest
    for line in files["SHA256SUMS"].decode().splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256(files[name]).hexdigest() == digest


def test_xlsx_writer_writes_dangerous_labels_as_text_never_as_formulas() -> None:
    data = xlsx_bytes(planted_report())
    assert formula_cells(data) == []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert not re.search(rb"<(\w+:)?f[\s>/]", archive.read(name)), name
    sheet = openpyxl.load_workbook(io.BytesIO(data))["planted"]
    for row, original in zip(sheet.iter_rows(min_row=2, max_row=len(DANGEROUS) + 1), DANGEROUS, strict=True):
        label, n, note = row
        assert label.data_type == "s" and label.value.replace("\n", "\r") == original and label.quotePrefix
        assert note.data_type == "s"
        assert n.data_type == "n" and n.number_format == "#,##0"
    assert sheet["C1"].data_type == "s"


@settings(max_examples=200, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(["=", "+", "-", "@", "\t", "\r", "\n", "a", "1", '"', ",", "'", " "]),
        max_size=8,
    )
)
def test_csv_neutralization_is_safe_and_reversible(text: str) -> None:
    table = ReportTable("t", "t", (Column("label", "Label"),), ((text,),))
    (header, (value,)) = list(csv.reader(io.StringIO(table_csv(table).decode("utf-8-sig"), newline="")))
    assert header == ["label"]
    assert not value.startswith(DANGEROUS_START)
    assert value == neutralize(text) and (value == text or value == "'" + text)


def test_same_source_and_arguments_give_identical_files(tmp_path: Path) -> None:
    first = write_report(make(synthetic_source(random_persons(10))), tmp_path / "a", "all")
    second = write_report(make(synthetic_source(random_persons(10))), tmp_path / "b", "all")
    assert (
        [p.name for p in first]
        == [p.name for p in second]
        == [
            "donor-report-2009_trends-2008-2009.xlsx",
            "donor-report-2009_trends-2008-2009.pdf",
            "donor-report-2009_trends-2008-2009-csv",
        ]
    )
    assert first[0].read_bytes() == second[0].read_bytes()
    assert first[1].read_bytes() == second[1].read_bytes()
    for path in first[2].iterdir():
        assert path.read_bytes() == (second[2] / path.name).read_bytes(), path.name


# --------------------------------------------------------------------------------- the demo warehouse


def run_report(settings: Settings, out: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
        "TASKFORCE_DATA_DIR": str(settings.data_dir),
    }
    env.pop("SOURCE_DATE_EPOCH", None)
    command = [
        *TASKFORCE,
        "report",
        "--period",
        "2009",
        "--from",
        "2008-01",
        "--to",
        "2009-12",
        "--out",
        str(out),
    ]
    return subprocess.run(
        [*command, *args], env=env, cwd=PROJECT_ROOT, text=True, capture_output=True, timeout=600, check=False
    )


STEM = "donor-report-2009_trends-2008-2009"


@pytest.fixture(scope="module")
def demo_reports(built: Settings, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, Path, Path]:
    """The demo report written twice by the command, with every format."""
    first, second = tmp_path_factory.mktemp("report_a"), tmp_path_factory.mktemp("report_b")
    for out in (first, second):
        result = run_report(built, out, "--format", "all")
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        assert "Traceback" not in result.stderr
    return built, first, second


def test_report_command_writes_xlsx_pdf_and_csv(demo_reports: tuple[Settings, Path, Path]) -> None:
    _, out, _ = demo_reports
    assert (out / f"{STEM}.xlsx").stat().st_size > 10_000
    assert (out / f"{STEM}.pdf").read_bytes().startswith(b"%PDF")
    names = {path.name for path in (out / f"{STEM}-csv").iterdir()}
    assert {"manifest.json", "SHA256SUMS", "README.txt", "01_logframe.csv", "12_data_vintage.csv"} <= names


def test_demo_xlsx_has_no_formula_frozen_headers_and_number_formats(
    demo_reports: tuple[Settings, Path, Path],
) -> None:
    _, out, _ = demo_reports
    data = (out / f"{STEM}.xlsx").read_bytes()
    assert formula_cells(data) == []
    workbook = openpyxl.load_workbook(io.BytesIO(data))
    assert workbook.sheetnames[:4] == ["contents", "logframe", "trend_yearly", "trend_quarterly"]
    formats = Counter()
    for sheet in workbook.worksheets[1:]:
        assert sheet.freeze_panes == "A2", sheet.title
        for row in sheet.iter_rows():
            for xl in row:
                assert xl.data_type != "f"
                if isinstance(xl.value, str):
                    assert xl.data_type in ("s", "inlineStr")
                elif isinstance(xl.value, int | float):
                    formats[xl.number_format] += 1
    assert formats["#,##0"] > 100 and formats["0.0"] > 5


def test_demo_report_is_reproducible_cell_by_cell(demo_reports: tuple[Settings, Path, Path]) -> None:
    _, first, second = demo_reports
    books = [openpyxl.load_workbook(out / f"{STEM}.xlsx") for out in (first, second)]
    assert books[0].sheetnames == books[1].sheetnames
    compared = 0
    for name in books[0].sheetnames:
        a, b = books[0][name], books[1][name]
        assert a.max_row == b.max_row and a.max_column == b.max_column, name
        for row_a, row_b in zip(a.iter_rows(), b.iter_rows(), strict=True):
            if name == "data_vintage" and row_a[0].value == "Generated at (UTC)":
                continue
            for x, y in zip(row_a, row_b, strict=True):
                assert x.value == y.value, (name, x.coordinate)
                compared += 1
    assert compared > 1000
    csv_a, csv_b = first / f"{STEM}-csv", second / f"{STEM}-csv"
    for path in sorted(csv_a.glob("*.csv")):
        rows_a = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"), newline="")))
        rows_b = list(csv.reader(io.StringIO((csv_b / path.name).read_text("utf-8-sig"), newline="")))
        if path.name.endswith("data_vintage.csv"):
            rows_a = [r for r in rows_a if r[0] != "Generated at (UTC)"]
            rows_b = [r for r in rows_b if r[0] != "Generated at (UTC)"]
        assert rows_a == rows_b, path.name


def test_demo_pdf_shows_tables_charts_and_the_legend(
    demo_reports: tuple[Settings, Path, Path], tmp_path: Path
) -> None:
    from PIL import Image

    _, out, _ = demo_reports
    pdf = out / f"{STEM}.pdf"
    subprocess.run(["/usr/bin/pdftoppm", "-r", "30", "-png", str(pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) > 10
    blue_pages = 0
    for page in pages:
        image = Image.open(page).convert("RGB")
        colours = image.getcolors(maxcolors=1 << 20)
        assert colours and len(colours) > 2, f"{page.name} is blank"
        dark = sum(count for count, (r, g, b) in colours if r + g + b < 600)
        assert dark > 200, f"{page.name} is nearly blank"
        bars = sum(count for count, (r, g, b) in colours if b > 120 and r < 90 and 80 < g < 140)
        blue_pages += bars > 500
    assert blue_pages >= 3, "the charts are missing"
    text = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    for heading in [
        "Logframe 2009",
        "Yearly trend 2008-2009",
        "Quarterly trend",
        "Indicators by sex and age group",
        "Indicators by NUTS-1 region",
        "Methodology",
        "Data vintage",
        "Victims identified",
    ]:
        assert heading in text, heading
    assert "c = confidential: not shown, to protect the people counted. Threshold: 10." in " ".join(
        text.split()
    )
    assert "Açıklama" in text and "gizli" in text


def test_demo_report_releases_only_safe_counts_and_passes_the_audit(built: Settings) -> None:
    request = parse_request("2009", "2008-01", "2009-12")
    source = read_source(built)
    report = build_report(source, request, generated_at=GENERATED_AT, software_version="test")
    assert_counts_safe(report, request.threshold)
    assert report.summary["Attack audit"].startswith("passed")
    release = release_for(source, request)
    hidden = 0
    for table in release.tables.values():
        for result in audit(table.protected):
            assert is_safe(result, request.threshold), (table.table_name, result)
            hidden += 1
    assert hidden > 10
    # shares: never shown when their base or numerator is small
    logframe = report.table("logframe")
    assert all(v in (None, SUPPRESSED) or isinstance(v, int | float) for v in logframe.column("actual"))


def test_demo_vintage_lists_the_active_batches_of_the_last_build(built: Settings) -> None:
    from taskforce.warehouse import connect

    report = make_demo_report(built)
    batches = report.table("batches")
    with connect(built) as wh:  # as the owner, from the bookkeeping the report itself may not read
        active = wh.fetchall(
            "select agency, source, period, file_name, file_sha256, rows_loaded from ops.batches "
            "where status = 'active'"
        )
        build = wh.fetchall(
            "select build_id, dbt_version from ops.builds where status = 'success' order by finished_at desc"
        )
    listed = zip(
        *(batches.column(key) for key in ("agency", "source", "period", "file_name", "file_sha256")),
        batches.column("rows_loaded"),
        strict=True,
    )
    assert sorted(listed) == sorted(tuple(row) for row in active)
    vintage = dict(report.table("data_vintage").rows)
    assert (vintage["Build id"], vintage["dbt version"]) == tuple(build[0])
    assert vintage["Warehouse engine"] == built.engine
    assert vintage["Batches used"] == str(len(active))
    assert vintage["Disclosure threshold"] == "10"


def make_demo_report(settings: Settings) -> Report:
    source = read_source(settings)
    return build_report(source, parse_request("2009"), generated_at=GENERATED_AT, software_version="test")


def test_report_bytes_for_a_dashboard_download(built_duckdb: Settings) -> None:
    pdf = build_report_bytes(built_duckdb, 2009, "pdf")
    assert pdf.startswith(b"%PDF")
    archive = zipfile.ZipFile(io.BytesIO(build_report_bytes(built_duckdb, "2009", "csv")))
    assert "donor-report-2009-csv/manifest.json" in archive.namelist()
    assert download_name(2009, "csv") == "donor-report-2009-csv.zip"
    with pytest.raises(ValueError, match="unknown report format"):
        build_report_bytes(built_duckdb, 2009, "docx")
