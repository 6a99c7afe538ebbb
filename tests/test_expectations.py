"""Great Expectations suites: committed files match the contracts, a clean extract passes, each kind of
broken row fails the right expectation, and no cell value ever comes out of ``run_suite``."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from ingest.contract import Contract, load_registry, parse_contract
from ingest.expectations import (
    EXPECTATIONS_DIR,
    SuiteError,
    expected_suite_files,
    frame_for_gx,
    run_suite,
    suite_for_contract,
    suite_path,
    write_suites,
)
from ingest.reader import read_extract
from ingest.validate import parse_period, validate
from taskforce.demo_data import demo_files

ROOT = Path(__file__).resolve().parent.parent
POLICE_FILE = "tnp_identifications_2008.csv"
REGENERATE = (
    ".venv/bin/python -c 'from ingest.contract import load_registry; "
    "from ingest.expectations import write_suites; write_suites(load_registry())'"
)
PLANTED = "Ayse-Yilmaz-SECRET-4711"  # a recognizable "personal" value that must never come back


@pytest.fixture(scope="module")
def police() -> Contract:
    return load_registry()["police_identifications"]


@pytest.fixture(scope="module")
def police_rows(police: Contract) -> pd.DataFrame:
    """Typed loadable rows of a real demo extract, exactly as ingestion produces them."""
    data = demo_files()[POLICE_FILE]
    parsed = read_extract(data, police, POLICE_FILE)
    checked = validate(parsed, police, parse_period(police.period_of(POLICE_FILE) or "", POLICE_FILE))
    assert len(checked.rows) > 100
    return checked.rows


def _failed(result) -> set[tuple[str, str | None]]:
    return {(o.expectation_type, o.column) for o in result.failed}


# --- generated suites -------------------------------------------------------------------------------


def test_committed_suites_are_current() -> None:
    expected = expected_suite_files(load_registry())
    stale = [
        name
        for name, text in expected.items()
        if not (ROOT / name).is_file() or (ROOT / name).read_text(encoding="utf-8") != text
    ]
    assert not stale, f"suites out of date with the contracts: {stale}; regenerate with {REGENERATE}"
    committed = {f"{EXPECTATIONS_DIR.name}/{p.name}" for p in EXPECTATIONS_DIR.glob("*.json")}
    orphans = sorted(committed - set(expected))
    assert not orphans, f"suites without a contract in ingest/sources/: {orphans}; delete them"


def test_police_suite_follows_the_contract(police: Contract) -> None:
    suite = suite_for_contract(police)
    by_key = {(e["type"], e["kwargs"].get("column")): e["kwargs"] for e in suite["expectations"]}
    assert suite["name"] == "police_identifications"
    assert suite["meta"]["contract_version"] == police.version
    assert by_key[("expect_table_columns_to_match_set", None)] == {
        "column_set": sorted([*police.column_names, "_source_row"]),
        "exact_match": True,
    }
    assert ("expect_column_values_to_be_unique", "record_id") in by_key
    assert ("expect_column_values_to_not_be_null", "nationality") not in by_key  # optional column
    nationality = by_key[("expect_column_values_to_be_in_set", "nationality")]["value_set"]
    assert nationality == sorted(police.column("nationality").codes or ()) and "TUR" in nationality
    assert by_key[("expect_column_values_to_be_between", "province_code")] == {
        "column": "province_code",
        "min_value": 1,
        "max_value": 81,
    }
    assert suite_for_contract(police) == suite  # deterministic


def test_any_contract_gets_a_suite(tmp_path: Path) -> None:
    """Types the demo sources do not use yet: decimal bounds, a ';' code set, an escaped '$' pattern,
    a pattern on a date column (not checkable on typed dates, so left out)."""
    text = """
source: shelter_stays
agency: ngo
contract_version: 3
file: {name_pattern: '^stays_(?P<period>\\d{4})\\.csv$'}
period_column: admitted_at
columns:
  - {name: stay_id, type: text, required: true, unique: true, pattern: 'S-[0-9]+\\$'}
  - {name: admitted_at, type: datetime, format: '%Y-%m-%d %H:%M', pattern: '^[0-9-: ]+$'}
  - {name: cost, type: decimal, min: 0}
  - {name: services, type: code_set, separator: ';', codes: [legal, health]}
"""
    contract = parse_contract(text, tmp_path / "shelter_stays.yaml")
    kwargs = {
        (e["type"], e["kwargs"].get("column")): e["kwargs"]
        for e in suite_for_contract(contract)["expectations"]
    }
    assert kwargs[("expect_column_values_to_match_regex", "stay_id")]["regex"] == "^(?:S-[0-9]+\\$)$"
    assert kwargs[("expect_column_values_to_match_regex", "services")]["regex"] == (
        "^(?:health|legal)(?:;(?:health|legal))*$"
    )
    assert kwargs[("expect_column_values_to_be_between", "cost")] == {"column": "cost", "min_value": 0}
    assert ("expect_column_values_to_match_regex", "admitted_at") not in kwargs
    written = write_suites({"shelter_stays": contract}, tmp_path / "out")
    assert [p.name for p in written] == ["shelter_stays.json"]
    assert json.loads(written[0].read_text(encoding="utf-8")) == suite_for_contract(contract)


def test_gx_accepts_every_committed_suite() -> None:
    from ingest.expectations import _gx_suite, load_suite

    for source in load_registry():
        spec = load_suite(suite_path(source))
        assert len(_gx_suite(spec).expectations) == len(spec["expectations"])


def test_a_suite_with_an_unknown_expectation_is_refused() -> None:
    """GX itself only logs and drops an unknown expectation type; a suite must never shrink silently."""
    suite = {"name": "t", "expectations": [{"type": "expect_column_values_to_be_nonsense", "kwargs": {}}]}
    with pytest.raises(SuiteError):
        run_suite(suite, pd.DataFrame({"x": [1]}))


# --- running suites ---------------------------------------------------------------------------------


def test_clean_demo_rows_pass_and_are_not_modified(police_rows: pd.DataFrame) -> None:
    before = police_rows.copy()
    result = run_suite(suite_path("police_identifications"), police_rows)
    assert result.success, result.summary()
    assert result.evaluated_expectations == len(result.outcomes) == 16
    assert all(o.success for o in result.outcomes)
    pd.testing.assert_frame_equal(police_rows, before)
    assert police_rows["identification_date"].dtype == object  # the caller's dates stay dates


def test_every_demo_extract_passes_its_suite() -> None:
    registry = load_registry()
    for name, data in demo_files().items():
        contract = next(c for c in registry.values() if c.period_of(name))
        label = contract.period_of(name) or ""
        rows = validate(read_extract(data, contract, name), contract, parse_period(label, name)).rows
        result = run_suite(suite_path(contract.source), rows)
        assert result.success, f"{name}: {result.summary()}"


def test_frame_for_gx_types(police_rows: pd.DataFrame) -> None:
    adapted = frame_for_gx(police_rows)
    assert str(adapted["identification_date"].dtype).startswith("datetime64")
    assert (
        adapted["age"].dtype == "float64" and adapted["age"].isna().sum() == police_rows["age"].isna().sum()
    )


def _set(frame: pd.DataFrame, column: str, value: object, row: int = 0) -> pd.DataFrame:
    broken = frame.copy()
    broken.loc[row, column] = value
    return broken


BROKEN = {
    "code outside the set": (
        lambda f: _set(f, "status", "victim"),
        ("expect_column_values_to_be_in_set", "status"),
    ),
    "null in a required column": (
        lambda f: _set(f, "sex", None),
        ("expect_column_values_to_not_be_null", "sex"),
    ),
    "null required date": (
        lambda f: _set(f, "identification_date", None),
        ("expect_column_values_to_not_be_null", "identification_date"),
    ),
    "duplicated unique key": (
        lambda f: _set(f, "record_id", f.loc[0, "record_id"], row=1),
        ("expect_column_values_to_be_unique", "record_id"),
    ),
    "integer out of range": (
        lambda f: _set(f, "province_code", 82),
        ("expect_column_values_to_be_between", "province_code"),
    ),
    "unlisted code in a code set": (
        lambda f: _set(f, "exploitation_types", "cinsel,kacakcilik"),
        ("expect_column_values_to_match_regex", "exploitation_types"),
    ),
    "code set not normalized": (
        lambda f: _set(f, "exploitation_types", "cinsel, emek"),
        ("expect_column_values_to_match_regex", "exploitation_types"),
    ),
    "pattern broken": (
        lambda f: _set(f, "person_key", "k1:" + "g" * 64),
        ("expect_column_values_to_match_regex", "person_key"),
    ),
    "unexpected column": (
        lambda f: f.assign(extra="x"),
        ("expect_table_columns_to_match_set", None),
    ),
}


@pytest.mark.parametrize("case", BROKEN, ids=list(BROKEN))
def test_broken_row_fails_the_right_expectation(case: str, police_rows: pd.DataFrame) -> None:
    breaker, expected = BROKEN[case]
    result = run_suite(suite_path("police_identifications"), breaker(police_rows))
    assert not result.success
    assert _failed(result) == {expected}, result.summary()
    assert expected[0] in result.summary()


def test_no_value_ever_leaves_run_suite(
    police_rows: pd.DataFrame, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    """The planted value breaks several expectations (and makes one raise inside GX), so GX has every
    reason to report it; it must not appear in the result, its repr, the summary, logs or output."""
    broken = police_rows.copy()
    broken.loc[0, ["status", "person_key", "operation_ref"]] = PLANTED
    broken["province_code"] = broken["province_code"].astype(object)
    broken.loc[1, "province_code"] = PLANTED  # a string in a numeric column: GX's comparison raises
    caplog.set_level(logging.DEBUG)
    result = run_suite(suite_path("police_identifications"), broken)
    assert not result.success
    assert ("expect_column_values_to_be_between", "province_code") in _failed(result)
    captured = capfd.readouterr()
    for text in (repr(result), str(result), result.summary(), caplog.text, captured.out, captured.err):
        assert PLANTED not in text
    assert all(isinstance(o.success, bool) for o in result.outcomes)
    assert {o.column for o in result.outcomes} <= {*police_rows.columns, None}


def test_run_suite_from_a_dict_leaves_it_alone(police: Contract, police_rows: pd.DataFrame) -> None:
    suite = suite_for_contract(police)
    before = json.dumps(suite, sort_keys=True)
    assert run_suite(suite, police_rows).success
    assert json.dumps(suite, sort_keys=True) == before  # GX adds its version to meta: on a copy


def test_importing_the_module_does_not_import_gx() -> None:
    code = "import sys, ingest.expectations; print('great_expectations' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
