"""Data-protection duties (docs/security.md).

Retention: ``taskforce retention`` destroys person-level rows past the retention period (with their
quarantine payloads), logs what it destroyed as counts, never values, keeps the batches known so the same
file is not loaded again, changes nothing in a dry run, and a rebuild no longer shows the rows.

Key handling: the pseudonymization key never reaches the warehouse, the dbt artifacts and logs, the
command output or the dashboards' process, and no key is kept in the repository.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest

from ingest.run import ingest_file
from taskforce.retention import (
    RetentionError,
    cutoff,
    person_level_sources,
    plan,
    retention_years,
    run,
)
from taskforce.settings import PROJECT_ROOT, Settings, load_settings
from taskforce.warehouse import connect
from tests.test_ingest_safety import police_csv, row

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]
AS_OF = date(2018, 6, 1)  # with 10 years: periods that ended before 2008-06-01 are past retention


def test_the_cutoff_and_the_period() -> None:
    assert cutoff(date(2018, 6, 1), 10) == date(2008, 6, 1)
    assert cutoff(date(2020, 2, 29), 1) == date(2019, 2, 28)
    with pytest.raises(RetentionError, match="not configured"):  # no guessed default: it would destroy data
        retention_years(environ={})
    assert retention_years(environ={"TASKFORCE_RETENTION_YEARS": "3"}) == 3
    assert retention_years(5, environ={"TASKFORCE_RETENTION_YEARS": "3"}) == 5
    for bad in ("0", "ten", "-2"):
        with pytest.raises(RetentionError):
            retention_years(environ={"TASKFORCE_RETENTION_YEARS": bad})


def test_person_level_sources_come_from_the_contracts() -> None:
    sources = person_level_sources()
    assert sources["police_identifications"] and sources["iom_returns"] and sources["justice_prosecutions"]
    assert not sources["iom_trainings"] and not sources["police_operations"]


def _load(settings: Settings, tmp_path: Path, demo_paths: list[Path]) -> None:
    """2007 (with a quarantined row) and 2009 police identifications, and the 2007 IOM trainings."""
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    old = police_csv(
        tmp_path / "a" / "tnp_identifications_2007.csv",
        [row(1, when="03.04.2007"), row(2, when="05.05.2007"), row(3, when="31.02.2007")],
    )
    new = police_csv(tmp_path / "b" / "tnp_identifications_2009.csv", [row(4, when="03.04.2009")])
    trainings = next(p for p in demo_paths if p.name == "iom_trainings_2007.csv")
    with connect(settings) as wh:
        results = [ingest_file(wh, path) for path in (old, new, trainings)]
    assert [r.outcome for r in results] == ["loaded"] * 3
    assert results[0].rows_quarantined == 1


def _state(settings: Settings) -> dict[str, object]:
    with connect(settings) as wh:
        return {
            "police": dict(
                wh.fetchall(
                    "select b.period, count(*) from raw.police_identifications as r "
                    "join ops.batches as b on b.batch_id = r._batch_id group by b.period"
                )
            ),
            "trainings": wh.fetchall("select count(*) from raw.iom_trainings")[0][0],
            "payloads": wh.fetchall("select count(*) from ops.quarantine where payload <> ''")[0][0],
            "quarantined": wh.fetchall("select count(*) from ops.quarantine")[0][0],
            "batches": wh.fetchall("select count(*) from ops.batches")[0][0],
        }


def test_dry_run_then_apply_then_nothing_left(
    empty_warehouse: Settings, tmp_path: Path, demo_paths: list[Path]
) -> None:
    _load(empty_warehouse, tmp_path, demo_paths)
    before = _state(empty_warehouse)
    assert before["police"] == {"2007": 2, "2009": 1} and before["payloads"] == 1
    printed: list[str] = []
    assert run(empty_warehouse, 10, AS_OF, out=printed.append) == 0
    assert _state(empty_warehouse) == before  # a dry run changes nothing
    assert "dry run: nothing was changed" in printed[-1]
    assert any(
        "police_identifications" in line and "2 raw rows, 1 quarantine payloads" in line for line in printed
    )

    printed.clear()
    assert run(empty_warehouse, 10, AS_OF, do_apply=True, build=False, out=printed.append) == 0
    after = _state(empty_warehouse)
    assert after["police"] == {"2009": 1}  # the 2007 rows are gone, the 2009 ones kept
    assert after["trainings"] == before["trainings"]  # no person keys: kept
    assert after["payloads"] == 0 and after["quarantined"] == 1  # the cells are erased, the reason stays
    assert after["batches"] == before["batches"]  # the files stay known: a resend is not loaded again
    text = "\n".join(printed)
    assert "k1:" not in text and "EGM-" not in text  # counts only, never values
    with connect(empty_warehouse) as wh:
        log = wh.fetchall(
            "select source, period, action, raw_rows_destroyed, quarantine_payloads_destroyed, "
            "retention_years from ops.retention_log order by source"
        )
    assert log == [
        ("iom_trainings", "2007", "payloads_destroyed_rows_kept", 0, 0, 10),
        ("police_identifications", "2007", "rows_destroyed", 2, 1, 10),
    ]
    with connect(empty_warehouse) as wh:
        assert plan(wh, 10, AS_OF) == []  # the next run finds nothing to do
        again = ingest_file(wh, tmp_path / "a" / "tnp_identifications_2007.csv")
    assert again.outcome == "already_loaded"

    # a different file for the destroyed period does not bring the data back
    (tmp_path / "c").mkdir()
    resend = police_csv(tmp_path / "c" / "tnp_identifications_2007.csv", [row(5, when="03.06.2007")])
    with connect(empty_warehouse) as wh:
        refused = ingest_file(wh, resend)
        rows_2007 = wh.fetchall(
            "select count(*) from raw.police_identifications as r join ops.batches as b "
            "on b.batch_id = r._batch_id where b.period = '2007'"
        )[0][0]
    assert refused.outcome == "rejected" and rows_2007 == 0
    assert "destroyed by retention run" in refused.message and "may not be loaded again" in refused.message


def test_a_period_past_the_configured_retention_is_not_loaded(
    empty_warehouse: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old = police_csv(tmp_path / "tnp_identifications_2007.csv", [row(1, when="03.04.2007")])
    monkeypatch.setenv("TASKFORCE_RETENTION_YEARS", "10")  # 2007 ended more than 10 years ago
    with connect(empty_warehouse) as wh:
        refused = ingest_file(wh, old)
        loaded = wh.fetchall("select count(*) from ops.batches")[0][0]
    assert refused.outcome == "rejected" and loaded == 0
    assert "ended on 31.12.2007, more than 10 years ago" in refused.message
    monkeypatch.setenv("TASKFORCE_RETENTION_YEARS", "30")
    with connect(empty_warehouse) as wh:
        assert ingest_file(wh, old).outcome == "loaded"


def test_a_rebuild_no_longer_shows_destroyed_rows(built_duckdb: Settings, tmp_path: Path) -> None:
    """On a copy of the demo warehouse: `taskforce retention --apply` destroys 2006-2007 and rebuilds."""
    settings = load_settings(
        {"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{tmp_path / 'w.duckdb'}"}
    )
    shutil.copy(built_duckdb.duckdb_path, settings.duckdb_path)
    years_sql = "select identification_year, count(*) from marts.fct_identifications group by 1 order by 1"
    with connect(settings) as wh:
        before = dict(wh.fetchall(years_sql))
    assert {2006, 2007, 2008} <= set(before)
    env = {
        **os.environ,
        "TASKFORCE_DATA_DIR": str(tmp_path),
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
    }
    result = subprocess.run(
        [*TASKFORCE, "retention", "--apply", "--years", "10", "--as-of", "2018-01-01"],
        env=env,
        cwd=PROJECT_ROOT,
        text=True,
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "dbt build passed" in result.stdout
    with connect(settings) as wh:
        after = dict(wh.fetchall(years_sql))
        left = wh.fetchall(
            "select count(*) from raw.police_identifications as r join ops.batches as b "
            "on b.batch_id = r._batch_id where b.period_end < date '2008-01-01'"
        )[0][0]
    assert left == 0
    assert after == {year: n for year, n in before.items() if year >= 2008}


# --- the pseudonymization key --------------------------------------------------------------------------


def _files_holding(root: Path, needles: list[bytes]) -> list[str]:
    """Files under ``root`` (binary ones too: DuckDB files, dbt artifacts, logs) containing any needle."""
    hits = []
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            if any(needle in data for needle in needles):
                hits.append(str(path.relative_to(root)))
    return hits


def test_the_demo_key_is_in_no_warehouse_artifact_or_log(built: Settings, demo_paths: list[Path]) -> None:
    """After the demo flow (ingest, dbt build, publish), the data folder holds the DuckDB files or nothing
    of PostgreSQL, the dbt target and logs, and the extracts: none of them holds the demo key."""
    from taskforce.demo.common import DEMO_KEY

    needles = [DEMO_KEY, DEMO_KEY.hex().encode()]
    assert (built.data_dir / "dbt" / built.engine / "target" / "manifest.json").exists()
    assert _files_holding(built.data_dir, needles) == []
    assert _files_holding(demo_paths[0].parent, needles) == []


def test_a_secret_key_in_the_environment_leaks_nowhere(
    empty_duckdb: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """An operator's shell with the key set runs the agency tool, ingest, dbt and the dashboard: the key
    appears in no output, file, dbt artifact or log, and the dashboard drops it from its environment."""
    from streamlit.testing.v1 import AppTest

    from taskforce.build import run_dbt
    from tests.test_dashboard_login import APP
    from tests.test_ingest_safety import POLICE_HEADER, TCKN

    key = secrets.token_hex(32)
    monkeypatch.setenv("TASKFORCE_PSEUDONYMIZATION_KEY", key)
    env = {
        **os.environ,
        "TASKFORCE_DATA_DIR": str(empty_duckdb.data_dir),
        "TASKFORCE_WAREHOUSE_URL": empty_duckdb.warehouse_url,
    }
    raw = tmp_path / "export.csv"
    header = ["Kayıt No", "TC Kimlik No", *POLICE_HEADER[2:]]
    line = ["EGM-1", TCKN, "03.04.2008", "tespit_edilen", "34", "TUR", "K", "30", "cinsel", "stk", ""]
    raw.write_bytes(("\r\n".join(";".join(r) for r in [header, line]) + "\r\n").encode("cp1254"))
    extract = tmp_path / "out" / "tnp_identifications_2008.csv"
    extract.parent.mkdir()
    outputs = []
    for args in (
        [
            "pseudonymize",
            str(raw),
            str(extract),
            "--columns",
            "TC Kimlik No",
            "--output-column",
            "Kişi Anahtarı",
        ],
        ["check", str(extract)],
        ["ingest", str(extract)],
    ):
        done = subprocess.run(
            [*TASKFORCE, *args],
            env=env,
            cwd=PROJECT_ROOT,
            text=True,
            capture_output=True,
            timeout=300,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr
        outputs.append(done.stdout + done.stderr)
    parsed = run_dbt(empty_duckdb, "parse", quiet=True)  # dbt with the key in its environment
    assert parsed.returncode == 0, parsed.stdout[-2000:]
    outputs.append(parsed.stdout + parsed.stderr)
    monkeypatch.setenv("TASKFORCE_DATA_DIR", str(empty_duckdb.data_dir))
    monkeypatch.setenv("TASKFORCE_WAREHOUSE_URL", empty_duckdb.warehouse_url)
    app = AppTest.from_file(APP, default_timeout=60)
    app.run()
    assert "TASKFORCE_PSEUDONYMIZATION_KEY" not in os.environ  # the dashboard process dropped it
    needles = [key.encode(), bytes.fromhex(key)]
    assert not any(key in text for text in outputs)
    assert key not in caplog.text
    assert _files_holding(empty_duckdb.data_dir, needles) == []
    assert _files_holding(extract.parent, needles) == []


def test_a_dashboard_secrets_file_with_a_key_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from tests.test_dashboard_login import APP

    monkeypatch.setenv("TASKFORCE_DATA_DIR", str(tmp_path))
    app = AppTest.from_file(APP, default_timeout=60)
    app.secrets["taskforce"] = {"pseudonymization_key": "00" * 32}
    app.run()
    assert any("holds a pseudonymization key" in e.value for e in app.error)
    assert not app.text_input  # not even the sign-in form


def test_no_key_is_kept_in_the_repository() -> None:
    tracked = (
        subprocess.run(["git", "ls-files", "-z"], cwd=PROJECT_ROOT, capture_output=True, check=True)
        .stdout.decode()
        .split("\0")
    )
    assert [name for name in tracked if name.endswith((".key", "secrets.toml"))] == []
    assignment = re.compile(rb"PSEUDONYMIZATION_KEY\s*[=:]\s*[\"']?[0-9a-fA-F]{64}")
    offenders = [
        name
        for name in tracked
        if name and (PROJECT_ROOT / name).is_file() and assignment.search((PROJECT_ROOT / name).read_bytes())
    ]
    assert offenders == []
