"""The dbt project's own rules, checked on its artifacts: docs generate with no network, every mart and
reporting column documented and typed by an enforced contract, and no engine-specific SQL outside the
dispatched macros."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from taskforce.build import TEMP_LIMIT_VARIABLE, build, duckdb_temp_limit, run_dbt
from taskforce.settings import Settings
from taskforce.warehouse import connect

PROJECT = Path(__file__).resolve().parent.parent / "dbt_project"
DONOR_FACING = ("marts", "reporting")

# SQL that one engine has and the other lacks or spells differently: allowed only inside macros that
# dispatch per adapter (macros/*.sql with default__/duckdb__/postgres__ implementations).
ENGINE_SPECIFIC = {
    r"::": "a PostgreSQL-style cast (use cast(x as type))",
    r"\bilike\b": "ilike",
    r"\bstrftime\s*\(": "strftime (DuckDB)",
    r"\bto_char\s*\(": "to_char (PostgreSQL)",
    r"\bdate_part\s*\(": "date_part (use a dispatched macro)",
    r"\bstring_agg\s*\(": "string_agg (use dbt.listagg)",
    r"\barray_agg\s*\(": "array_agg",
    r"\bunnest\s*\(": "unnest",
    r"\bregexp_\w+\s*\(": "regular-expression functions differ",
    r"\bpercentile_(cont|disc)\s*\(": "percentiles (use a dispatched macro)",
    r"\bmedian\s*\(": "median (DuckDB only)",
    r"\bepoch\b": "epoch arithmetic",
    r"\bnow\s*\(\s*\)|\bcurrent_date\b|\bcurrent_timestamp\b": "the clock (builds must not depend on it)",
    r"\bgenerate_series\s*\(": "generate_series (use dbt.generate_series)",
    r"\blist_\w+\s*\(": "DuckDB list functions",
    r"\bstr_split\b|\bstring_split\b": "DuckDB string splitting (use split_part_portable)",
}


@pytest.fixture(scope="module")
def artifacts(built_duckdb: Settings) -> tuple[dict, dict]:
    """dbt docs generate against the built demo warehouse, with every proxy pointing at a closed port so
    that any attempt to reach the network fails."""
    settings = built_duckdb
    with pytest.MonkeyPatch.context() as env:
        for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
            env.setenv(name, "http://127.0.0.1:9")
        env.delenv("NO_PROXY", raising=False)
        env.delenv("no_proxy", raising=False)
        done = run_dbt(settings, "docs", "generate", quiet=True)
    assert done.returncode == 0, done.stdout[-3000:]
    target = settings.data_dir / "dbt" / settings.engine / "target"
    assert (target / "index.html").exists()
    manifest = json.loads((target / "manifest.json").read_text())
    catalog = json.loads((target / "catalog.json").read_text())
    return manifest, catalog


def donor_facing_models(manifest: dict) -> list[dict]:
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["schema"].split("_")[-1] in DONOR_FACING
    ]


def test_docs_generate_catalogues_every_mart(artifacts: tuple[dict, dict]) -> None:
    manifest, catalog = artifacts
    models = donor_facing_models(manifest)
    assert len(models) >= 10
    missing = [m["name"] for m in models if m["unique_id"] not in catalog["nodes"]]
    assert not missing


def test_every_donor_facing_column_is_documented(artifacts: tuple[dict, dict]) -> None:
    manifest, catalog = artifacts
    problems = []
    for model in donor_facing_models(manifest):
        if not model["description"].strip():
            problems.append(f"{model['name']}: no description")
        built_columns = {c.lower() for c in catalog["nodes"][model["unique_id"]]["columns"]}
        documented = {name.lower(): col for name, col in model["columns"].items()}
        for column in sorted(built_columns - documented.keys()):
            problems.append(f"{model['name']}.{column}: not in the model's YAML")
        for name, column in documented.items():
            if not column["description"].strip():
                problems.append(f"{model['name']}.{name}: no description")
    assert not problems, "\n".join(problems)


def test_every_mart_has_an_enforced_contract(artifacts: tuple[dict, dict]) -> None:
    manifest, _ = artifacts
    unenforced = [m["name"] for m in donor_facing_models(manifest) if not m["config"]["contract"]["enforced"]]
    assert not unenforced


def test_no_engine_specific_sql_in_models() -> None:
    problems = []
    for path in sorted((PROJECT / "models").rglob("*.sql")):
        # comments may name anything, and {{ ... }} / {% ... %} call macros (which are checked below)
        text = re.sub(r"--[^\n]*|\{#.*?#\}|\{\{.*?\}\}|\{%.*?%\}", "", path.read_text(), flags=re.S)
        for pattern, why in ENGINE_SPECIFIC.items():
            if re.search(pattern, text, flags=re.I):
                problems.append(f"{path.relative_to(PROJECT)}: {why}")
    assert not problems, "\n".join(problems)


def test_engine_specific_macros_dispatch() -> None:
    """A macro file that implements something per engine must offer a default__ (or both engines)."""
    problems = []
    for path in sorted((PROJECT / "macros").rglob("*.sql")):
        text = path.read_text()
        for name in set(re.findall(r"macro\s+(?:duckdb|postgres)__(\w+)", text)):
            if f"default__{name}" not in text and not (
                f"duckdb__{name}" in text and f"postgres__{name}" in text
            ):
                problems.append(f"{path.name}: {name} has an engine-specific version but no default__")
            dispatched = f"adapter.dispatch('{name}'" in text or f'adapter.dispatch("{name}"' in text
            overrides_dbt = name.startswith(("apply_grants", "get_", "create_", "generate_"))
            if not dispatched and not overrides_dbt:
                problems.append(f"{path.name}: {name} is never dispatched")
    assert not problems, "\n".join(problems)


def test_duckdb_temporary_folder_limit() -> None:
    """Half the free disk once the published copy has room; never under 1 GiB."""
    gib = 2**30
    assert duckdb_temp_limit(10 * gib, 2 * gib) == "4096MiB"
    assert duckdb_temp_limit(gib, 2 * gib) == "1024MiB"


def test_every_model_runs_with_the_temporary_folder_capped(
    empty_duckdb: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without a cap DuckDB may fill 90 % of the free disk with temporary files (a 10M build did). The
    cap is set once per run (on-run-start); a model of a copy of the project, run after it on another
    connection, reads it back."""
    monkeypatch.delenv(TEMP_LIMIT_VARIABLE, raising=False)
    project = tmp_path / "project"
    shutil.copytree(PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    probe = "{{ config(materialized='table') }}\nselect current_setting('max_temp_directory_size') as cap\n"
    (project / "models" / "zz_cap_probe.sql").write_text(probe)
    done = run_dbt(empty_duckdb, "run", "--select", "zz_cap_probe", quiet=True, project=project)
    assert done.returncode == 0, done.stdout[-2000:]
    with connect(empty_duckdb) as wh:
        [schema] = [
            r[0]
            for r in wh.fetchall(
                "select table_schema from information_schema.tables where table_name = 'zz_cap_probe'"
            )
        ]
        [(cap,)] = wh.fetchall(f'select cap from "{schema}".zz_cap_probe')
    number, unit = cap.split()
    expected = int(duckdb_temp_limit(shutil.disk_usage(empty_duckdb.data_dir).free, 0).removesuffix("MiB"))
    assert unit == "GiB", cap
    assert abs(float(number) * 1024 - expected) < 1024  # the free disk moves a little meanwhile


def test_a_new_temporary_folder_cap_does_not_make_dbt_reparse_the_project(
    empty_duckdb: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The cap follows the free disk, so it differs between any two builds. As a profile setting it made
    dbt reparse the whole project on every build (about 5 s of each)."""
    for cap in ("1000MiB", "2000MiB"):
        monkeypatch.setenv(TEMP_LIMIT_VARIABLE, cap)
        done = run_dbt(empty_duckdb, "parse", quiet=True)
        assert done.returncode == 0, done.stdout[-2000:]
    log = (empty_duckdb.data_dir / "dbt" / "duckdb" / "logs" / "dbt.log").read_text(encoding="utf-8")
    first, second = log.split("Running with dbt=")[-2:]
    assert "Starting full parse" in first  # no saved parse yet
    assert "Unable to do partial parsing" not in second and "Starting full parse" not in second


def test_build_before_the_first_extract_passes(empty_duckdb: Settings) -> None:
    """An IT officer builds right after installing, before any agency has sent a file: there is no period
    to count in, so the indicator mart is empty, and the catalogue's test that every indicator has values
    holds trivially instead of failing the build."""
    outcome = build(empty_duckdb, quiet=True, unit_tests=False)
    assert outcome.ok, outcome.message
    with connect(empty_duckdb) as wh:
        assert wh.fetchall("select count(*) from marts.fct_indicator_values") == [(0,)]
