"""The code-list seeds and the core dimensions (dim_date, dim_agency), checked on the built demo warehouse
(both engines), plus the guard that an unmapped code fails the build naming it.

Every harmonized code in seeds/source_codes.csv must be a code of its code-list seed; age_bands must cover
every single year 0-120; dim_date must have no gaps and cover every date the staging models hold;
dim_agency must hold exactly the registry's agencies. Expected values are computed here from the files
(CSV, YAML), independently of the SQL.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest
import yaml

from ingest.contract import AGENCY_FROM_FILE_NAME, load_registry
from taskforce.build import dbt_executable, failed_tests
from taskforce.settings import Settings
from taskforce.warehouse import connect

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT = ROOT / "dbt_project"
SEEDS = DBT_PROJECT / "seeds"
AGENCIES = ROOT / "ingest" / "agencies.yaml"

# (source, column_name) of source_codes -> (code-list seed, its code column, filter on the code list);
# source '*' means the column in every source. The same pairs as the tests in seeds/_seeds.yml.
CODE_LISTS: dict[tuple[str, str], tuple[str, str, str]] = {
    ("*", "exploitation_types"): ("exploitation_types", "exploitation_type", ""),
    ("*", "sex"): ("sexes", "sex", ""),
    ("*", "article"): ("criminal_code_articles", "offence", ""),
    ("justice_decisions", "outcome"): ("case_outcomes", "outcome", ""),
    ("shelter_stays", "services"): ("support_services", "service", "service_list = 'assistance'"),
    ("referrals", "service_requested"): ("support_services", "service", "service_list = 'assistance'"),
    ("health_services", "service_type"): ("support_services", "service", "service_list = 'health'"),
}


def rows(settings: Settings, sql: str) -> list[tuple]:
    with connect(settings) as wh:
        return wh.fetchall(sql)


def read_csv(name: str) -> list[dict[str, str]]:
    with (SEEDS / name).open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------------------------------------------
# Code lists


@pytest.mark.parametrize(("source_column", "code_list"), list(CODE_LISTS.items()), ids=lambda v: ".".join(v))
def test_every_source_code_maps_to_its_code_list(
    built: Settings, source_column: tuple[str, str], code_list: tuple[str, str, str]
) -> None:
    source, column = source_column
    seed, code_column, where = code_list
    source_filter = "" if source == "*" else f" and source = '{source}'"
    mapped = rows(
        built,
        "select distinct source, code from reference.source_codes "
        f"where column_name = '{column}'{source_filter}",
    )
    listed = {
        code
        for (code,) in rows(
            built, f"select {code_column} from reference.{seed}" + (f" where {where}" if where else "")
        )
    }
    assert mapped, f"source_codes has no line for {source}.{column}: nothing is checked"
    missing = sorted(f"{src}.{column}={code}" for src, code in mapped if code not in listed)
    assert not missing, f"harmonized codes missing from {seed}: {missing}"


def test_the_code_list_pairs_here_are_the_ones_the_dbt_tests_check() -> None:
    """The dbt tests on source_codes.code and CODE_LISTS above name the same source columns."""
    spec = yaml.safe_load((SEEDS / "_seeds.yml").read_text(encoding="utf-8"))
    source_codes = next(s for s in spec["seeds"] if s["name"] == "source_codes")
    code = next(c for c in source_codes["columns"] if c["name"] == "code")
    in_dbt = set()
    for test in code["data_tests"]:
        if isinstance(test, dict) and "code_is_mapped_to_code_list" in test:
            for entry in test["code_is_mapped_to_code_list"]["arguments"]["source_columns"]:
                in_dbt.add(tuple(entry.split(".", 1)))
    assert in_dbt == set(CODE_LISTS)


def test_age_bands_cover_every_year_0_to_120_without_gaps(built: Settings) -> None:
    known = rows(
        built,
        "select age, age_group, ctdc_age_broad, five_year_band from reference.age_bands "
        "where age is not null order by age",
    )
    assert [age for age, *_ in known] == list(range(121))
    ctdc = [
        (0, "0-8"),
        (9, "9-17"),
        (18, "18-20"),
        (21, "21-23"),
        (24, "24-26"),
        (27, "27-29"),
        (30, "30-38"),
        (39, "39-47"),
        (48, "48+"),
    ]
    for age, group, broad, five in known:
        assert group == ("child" if age < 18 else "adult"), age
        assert broad == [band for lower, band in ctdc if age >= lower][-1], age
        assert five == ("90+" if age >= 90 else f"{age // 5 * 5}-{age // 5 * 5 + 4}"), age
    unknown = rows(
        built,
        "select age_group, ctdc_age_broad, five_year_band, is_known_age from reference.age_bands "
        "where age is null",
    )
    assert unknown == [("unknown", "unknown", "unknown", False)]


def test_population_has_every_demo_year_and_flags_the_2006_estimate(built: Settings) -> None:
    got = {
        year: (population, is_estimate)
        for year, population, is_estimate in rows(
            built, "select year, population, is_estimate from reference.population where sex = 'total'"
        )
    }
    assert got == {
        2006: (69_395_000, True),
        2007: (70_586_256, False),
        2008: (71_517_100, False),
        2009: (72_561_312, False),
        2010: (73_722_988, False),
    }


def test_conviction_rate_flags() -> None:
    outcomes = {r["outcome"]: r for r in read_csv("case_outcomes.csv")}
    codes = {
        r["code"]
        for r in read_csv("source_codes.csv")
        if (r["source"], r["column_name"]) == ("justice_decisions", "outcome")
    }
    assert set(outcomes) == codes
    denominator = {o for o, r in outcomes.items() if r["counts_in_conviction_rate_denominator"] == "true"}
    assert denominator == {"convicted", "acquitted", "dismissed"}  # a merger decides nothing


@pytest.mark.parametrize("csv_path", sorted(SEEDS.glob("*.csv")), ids=lambda p: p.stem)
def test_every_seed_column_is_typed_and_described(csv_path: Path) -> None:
    spec = {s["name"]: s for s in yaml.safe_load((SEEDS / "_seeds.yml").read_text(encoding="utf-8"))["seeds"]}
    assert csv_path.stem in spec, f"{csv_path.name} is not described in seeds/_seeds.yml"
    seed = spec[csv_path.stem]
    with csv_path.open(encoding="utf-8", newline="") as f:
        header = next(csv.reader(f))
    assert list(seed["config"]["column_types"]) == header
    described = {c["name"] for c in seed["columns"] if c.get("description")}
    assert set(header) <= described
    assert seed.get("description")


# ---------------------------------------------------------------------------------------------------
# Staging code columns


def test_every_staging_source_code_column_has_a_mapping_test() -> None:
    """Each *_source_code(s) column of a staging model is checked by code_is_mapped (on the harmonized
    column) or code_is_mapped_in_list (on the list itself), so an unmapped value fails a named test."""
    unchecked = []
    for path in sorted((DBT_PROJECT / "models" / "staging").glob("*/_*__models.yml")):
        for model in yaml.safe_load(path.read_text(encoding="utf-8")).get("models", []):
            checked = set()
            code_columns = set()
            for column in model.get("columns", []):
                if column["name"].endswith(("_source_code", "_source_codes")):
                    code_columns.add(column["name"])
                for test in column.get("data_tests") or []:
                    if isinstance(test, dict) and "code_is_mapped" in test:
                        checked.add(test["code_is_mapped"]["arguments"]["source_column"])
                    if isinstance(test, dict) and "code_is_mapped_in_list" in test:
                        checked.add(column["name"])
            unchecked += [f"{model['name']}.{c}" for c in sorted(code_columns - checked)]
    assert not unchecked, f"source code columns no test maps: {unchecked}"


# ---------------------------------------------------------------------------------------------------
# dim_date


def test_dim_date_has_one_row_per_day_without_gaps(built: Settings) -> None:
    first, last, days, distinct_days = rows(
        built, "select min(date_day), max(date_day), count(*), count(distinct date_day) from marts.dim_date"
    )[0]
    assert (first, last) == (date(2000, 1, 1), date(2030, 12, 31))
    assert days == distinct_days == (last - first).days + 1


def test_dim_date_covers_every_staging_date(built: Settings) -> None:
    first, last = rows(built, "select min(date_day), max(date_day) from marts.dim_date")[0]
    columns = rows(
        built,
        "select table_name, column_name from information_schema.columns "
        "where table_schema = 'staging' and lower(data_type) = 'date'",
    )
    assert len(columns) >= 10, "expected the staging models' date columns"
    outside = []
    for table, column in columns:
        low, high = rows(built, f"select min({column}), max({column}) from staging.{table}")[0]
        if low is not None and (low < first or high > last):
            outside.append(f"{table}.{column}: {low}..{high}")
    assert not outside


def test_dim_date_calendar_attributes(built: Settings) -> None:
    sample = {d: None for d in (date(2000, 1, 1), date(2008, 2, 29), date(2009, 10, 5), date(2010, 1, 3))}
    got = {
        r[0]: r[1:]
        for r in rows(
            built,
            "select date_day, year, quarter, month, iso_day_of_week, period_year, period_quarter, "
            "period_month, month_name_en, month_name_tr, is_weekend from marts.dim_date where date_day in "
            "(" + ", ".join(f"cast('{d}' as date)" for d in sample) + ")",
        )
    }
    assert got == {
        date(2000, 1, 1): (2000, 1, 1, 6, "2000", "2000Q1", "200001", "January", "Ocak", True),
        date(2008, 2, 29): (2008, 1, 2, 5, "2008", "2008Q1", "200802", "February", "Şubat", False),
        date(2009, 10, 5): (2009, 4, 10, 1, "2009", "2009Q4", "200910", "October", "Ekim", False),
        date(2010, 1, 3): (2010, 1, 1, 7, "2010", "2010Q1", "201001", "January", "Ocak", True),
    }
    # every row agrees with Python's calendar (weekends and ISO periods), checked on one year
    year = rows(
        built,
        "select date_day, iso_day_of_week, is_weekend, period_quarter from marts.dim_date "
        "where year = 2008 order by date_day",
    )
    assert [r[0] for r in year] == [date(2008, 1, 1) + timedelta(days=i) for i in range(366)]
    for day, iso_dow, weekend, quarter in year:
        assert iso_dow == day.isoweekday() and weekend == (day.isoweekday() >= 6)
        assert quarter == f"{day.year}Q{(day.month - 1) // 3 + 1}"


# ---------------------------------------------------------------------------------------------------
# dim_agency


def test_dim_agency_has_every_agency_of_the_registry(built: Settings) -> None:
    registry = yaml.safe_load(AGENCIES.read_text(encoding="utf-8"))["agencies"]
    got = {
        agency: (name_en, name_tr, frequency, deadline, ministry)
        for agency, name_en, name_tr, frequency, deadline, ministry in rows(
            built,
            "select agency, agency_name_en, agency_name_tr, reporting_frequency, deadline_days, ministry "
            "from marts.dim_agency",
        )
    }
    expected = {
        a["code"]: (
            a["name_en"],
            a["name_tr"],
            a["reporting"],
            int(a["deadline_days"]),
            a["ministry"] or None,
        )
        for a in registry
    }
    assert got == expected


def test_identifying_agencies_are_those_sending_identification_extracts(built: Settings) -> None:
    expected = {
        contract.agency
        for contract in load_registry().values()
        if contract.agency != AGENCY_FROM_FILE_NAME and contract.source.endswith("_identifications")
    }
    got = {
        agency for (agency,) in rows(built, "select agency from marts.dim_agency where is_identifying_agency")
    }
    assert expected, "the registry has no identification contract: nothing is checked"
    assert got == expected


# ---------------------------------------------------------------------------------------------------
# An unmapped code fails the build and the message names it


def test_harmonized_code_missing_from_its_code_list_fails_naming_it(
    empty_warehouse: Settings, tmp_path: Path
) -> None:
    """A copy of the dbt project whose source_codes maps two agency codes to harmonized codes no code list
    has: the seeds' tests fail, and the build's failure message names source, column and code."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    with (project / "seeds" / "source_codes.csv").open("a", encoding="utf-8", newline="") as f:
        f.write("police_identifications,sex,X,planted_sex_code,Planted\n")
        f.write("gendarmerie_identifications,exploitation_types,suc,planted_form_code,Planted\n")
    artifacts = empty_warehouse.data_dir / "dbt" / empty_warehouse.engine  # where failed_tests reads
    env = empty_warehouse.dbt_env()
    env.update(
        DBT_TARGET_PATH=str(artifacts / "target"),
        DBT_LOG_PATH=str(artifacts / "logs"),
        DBT_SEND_ANONYMOUS_USAGE_STATS="false",
    )
    # the seeds and the tests on them alone (cautious: not the staging tests that also read a seed)
    result = subprocess.run(
        [
            dbt_executable(),
            "build",
            "--select",
            "resource_type:seed",
            "--indirect-selection",
            "cautious",
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
        ],
        env=env,
        cwd=project,
        text=True,
        capture_output=True,
        check=False,
    )
    assert result.returncode != 0, result.stdout[-2000:]
    message = "\n".join(failed_tests(empty_warehouse))
    assert "code_is_mapped_to_code_list_sexes" in message
    assert "source=police_identifications, column_name=sex, unmapped_code=planted_sex_code" in message
    assert "code_is_mapped_to_code_list_exploitation_types" in message
    assert (
        "source=gendarmerie_identifications, column_name=exploitation_types, unmapped_code=planted_form_code"
        in message
    )
    # nothing else failed: the other code lists still hold every code
    assert message.count("code_is_mapped_to_code_list_") == 2, message
