"""Ingestion keeps its promises end to end: personal data never gets in (nor into any message), the
agency-side check and pseudonymizer work, overlapping periods are refused, and on PostgreSQL a killed
or concurrent load leaves exactly one copy or nothing."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from ingest.run import ingest_file
from taskforce.demo_data import POLICE_HEADER, person_key
from taskforce.settings import PROJECT_ROOT, Settings
from taskforce.warehouse import connect

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]
TCKN = "17291716060"  # a valid Turkish ID number (public test vector)
PHONE = "0532 123 45 67"


def police_csv(path: Path, rows: list[list[str]]) -> Path:
    lines = [";".join(POLICE_HEADER), *(";".join(r) for r in rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("windows-1254"))
    return path


def row(n: int, op: str = "", key: str | None = None, when: str = "03.04.2008") -> list[str]:
    return [
        f"EGM-{n:07d}",
        key or person_key(n),
        when,
        "tespit_edilen",
        "34",
        "MDA",
        "K",
        "24",
        "cinsel",
        "stk",
        op,
    ]


def cli(args: list[str], settings: Settings | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, **env}
    if settings is not None:
        environment |= {
            "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
            "TASKFORCE_DATA_DIR": str(settings.data_dir),
        }
    return subprocess.run(
        [*TASKFORCE, *args],
        env=environment,
        cwd=PROJECT_ROOT,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )


def test_personal_data_rejects_the_file_and_never_appears_anywhere(
    empty_warehouse: Settings, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = police_csv(
        tmp_path / "tnp_identifications_2008.csv",
        [row(1), row(2, op=f"TC {TCKN}"), row(3, op=PHONE), row(4, key=TCKN)],
    )
    caplog.set_level(logging.DEBUG)
    with connect(empty_warehouse) as wh:
        result = ingest_file(wh, path)
        assert result.outcome == "rejected"
        assert "rule tr_national_id" in result.message and "rule phone" in result.message
        assert "column operation_ref" in result.message and "column person_key" in result.message
        stored = wh.fetchall("select problem from ops.rejected_files")
        assert wh.fetchall("select count(*) from ops.batches") == [(0,)]
        assert not wh.table_exists("raw", "police_identifications") or wh.fetchall(
            "select count(*) from raw.police_identifications"
        ) == [(0,)]
        assert wh.fetchall("select count(*) from ops.quarantine") == [(0,)]
    everything = result.message + repr(result) + str(stored) + caplog.text
    for secret in (TCKN, PHONE, PHONE.replace(" ", "")):
        assert secret not in everything
    printed = cli(["ingest", str(path)], empty_warehouse)
    assert printed.returncode == 1 and "personal data" in printed.stdout
    assert TCKN not in printed.stdout + printed.stderr and PHONE not in printed.stdout + printed.stderr


def test_a_name_column_is_refused_by_its_header(empty_duckdb: Settings, tmp_path: Path) -> None:
    header = [*POLICE_HEADER[:-1], "Adı Soyadı"]
    path = tmp_path / "tnp_identifications_2008.csv"
    path.write_bytes(
        (";".join(header) + "\r\n" + ";".join([*row(1)[:-1], "Ayşe Yılmaz"]) + "\r\n").encode("cp1254")
    )
    with connect(empty_duckdb) as wh:
        result = ingest_file(wh, path)
    assert result.outcome == "rejected" and "rule identifying_column" in result.message
    assert "Ayşe" not in result.message


def test_overlapping_periods_are_refused(empty_duckdb: Settings, tmp_path: Path) -> None:
    year = police_csv(tmp_path / "tnp_identifications_2008.csv", [row(1), row(2)])
    month = police_csv(tmp_path / "tnp_identifications_2008-04.csv", [row(3)])
    with connect(empty_duckdb) as wh:
        assert ingest_file(wh, year).outcome == "loaded"
        result = ingest_file(wh, month)
        assert result.outcome == "rejected"
        assert "overlaps the period 2008 already loaded" in result.message
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(2,)]


def test_check_touches_no_database(tmp_path: Path) -> None:
    good = police_csv(tmp_path / "tnp_identifications_2008.csv", [row(1), row(2, when="31.02.2008")])
    data_dir = tmp_path / "data"
    result = cli(["check", str(good)], TASKFORCE_DATA_DIR=str(data_dir))
    assert result.returncode == 0
    assert "would be accepted" in result.stdout and "1 would load, 1 would be quarantined" in result.stdout
    assert "would quarantine line 3: column identification_date" in result.stdout
    assert not data_dir.exists()
    bad = police_csv(tmp_path / "tnp_identifications_2009.csv", [row(1, op=TCKN)])
    rejected = cli(["check", str(bad)], TASKFORCE_DATA_DIR=str(data_dir))
    assert rejected.returncode == 1 and "personal data" in rejected.stdout and TCKN not in rejected.stdout


def test_pseudonymize_then_check_then_ingest(empty_duckdb: Settings, tmp_path: Path) -> None:
    """What an agency does: replace the ID column with person keys, check the file, send it."""
    key = cli(["pseudonymize", "--new-key"]).stdout.strip()
    assert len(key) == 64
    key_file = tmp_path / "taskforce.key"
    key_file.write_text(key)
    header = ["Kayıt No", "TC Kimlik No", *POLICE_HEADER[2:]]
    raw = tmp_path / "agency_export.csv"
    rows = [
        [f"EGM-{n}", tckn, "03.04.2008", "tespit_edilen", "34", "TUR", "K", "30", "cinsel", "stk", ""]
        for n, tckn in enumerate([TCKN, " 1729 171 6060 ", "10000000146"])
    ]
    raw.write_bytes(("\r\n".join(";".join(r) for r in [header, *rows]) + "\r\n").encode("cp1254"))
    out = tmp_path / "tnp_identifications_2008.csv"
    done = cli(
        [
            "pseudonymize",
            str(raw),
            str(out),
            "--columns",
            "TC Kimlik No",
            "--output-column",
            "Kişi Anahtarı",
            "--key-file",
            str(key_file),
        ]
    )
    assert done.returncode == 0, done.stderr
    text = out.read_bytes().decode("cp1254")
    assert TCKN not in text and key not in text and key not in done.stdout + done.stderr
    assert cli(["check", str(out)]).returncode == 0
    with connect(empty_duckdb) as wh:
        result = ingest_file(wh, out)
        keys = [
            k for (k,) in wh.fetchall("select person_key from raw.police_identifications order by record_id")
        ]
    assert result.outcome == "loaded" and result.rows_loaded == 3
    assert keys[0] == keys[1] != keys[2]  # the same person, written two ways, gets one key


def big_police_file(path: Path, rows: int) -> Path:
    lines = [";".join(POLICE_HEADER)]
    lines += [";".join(row(n, when=f"{1 + n % 28:02d}.{1 + n % 12:02d}.2008")) for n in range(rows)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("windows-1254"))
    return path


def test_killed_load_leaves_nothing_and_a_rerun_converges(empty_postgres: Settings, tmp_path: Path) -> None:
    path = big_police_file(tmp_path / "tnp_identifications_2008.csv", 400_000)
    env = {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": empty_postgres.warehouse_url,
        "TASKFORCE_DATA_DIR": str(empty_postgres.data_dir),
    }
    loader = subprocess.Popen(
        [*TASKFORCE, "ingest", str(path)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    copying = False
    with connect(empty_postgres) as wh:
        while time.monotonic() < deadline and loader.poll() is None and not copying:
            copying = (
                wh.fetchall(
                    "select count(*) from pg_stat_activity "
                    "where datname = current_database() and query ilike 'copy %'"
                )[0][0]
                > 0
            )
            time.sleep(0.05)
    assert copying, "the load finished before it could be killed; make the file bigger"
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    time.sleep(1)  # the server notices the dead client and rolls back
    with connect(empty_postgres) as wh:
        assert wh.fetchall("select count(*) from ops.batches") == [(0,)]
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(0,)]
        first = ingest_file(wh, path)
        second = ingest_file(wh, path)
        assert first.outcome == "loaded" and first.rows_loaded == 400_000
        assert second.outcome == "already_loaded"
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(400_000,)]


def test_concurrent_loads_of_one_file_give_one_batch(empty_postgres: Settings, tmp_path: Path) -> None:
    path = big_police_file(tmp_path / "tnp_identifications_2008.csv", 50_000)
    results = []

    def load() -> None:
        with connect(empty_postgres) as wh:
            results.append(ingest_file(wh, path))

    threads = [threading.Thread(target=load) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert sorted(r.outcome for r in results) == ["already_loaded", "loaded"]
    with connect(empty_postgres) as wh:
        assert wh.fetchall("select count(*), sum(rows_loaded) from ops.batches") == [(1, 50_000)]
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(50_000,)]


def test_concurrent_loads_of_two_versions_serialise(empty_postgres: Settings, tmp_path: Path) -> None:
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
    first = big_police_file(tmp_path / "a" / "tnp_identifications_2008.csv", 30_000)
    second = police_csv(tmp_path / "b" / "tnp_identifications_2008.csv", [row(1), row(2)])
    outcomes = []

    def load(path: Path) -> None:
        with connect(empty_postgres) as wh:
            outcomes.append(ingest_file(wh, path).outcome)

    threads = [threading.Thread(target=load, args=(p,)) for p in (first, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert outcomes == ["loaded", "loaded"]
    with connect(empty_postgres) as wh:
        statuses = sorted(s for (s,) in wh.fetchall("select status from ops.batches"))
        active = wh.fetchall("select rows_loaded from ops.batches where status = 'active'")[0][0]
        raw_active = wh.fetchall(
            "select count(*) from raw.police_identifications r "
            "join ops.batches b on r._batch_id = b.batch_id "
            "where b.status = 'active'"
        )[0][0]
    assert statuses == ["active", "superseded"]
    assert raw_active == active  # whichever came second won whole; nothing interleaved


def test_duckdb_busy_is_a_clear_message(empty_duckdb: Settings, tmp_path: Path) -> None:
    import duckdb

    path = police_csv(tmp_path / "tnp_identifications_2008.csv", [row(1)])
    empty_duckdb.duckdb_path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb,time; c=duckdb.connect({str(empty_duckdb.duckdb_path)!r}); "
            "print('ready', flush=True); time.sleep(30)",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = cli(["ingest", str(path)], empty_duckdb)
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 3
    assert "in use by another process" in result.stderr and "Traceback" not in result.stderr
    assert duckdb  # imported for the holder's environment check


def test_an_older_extract_arriving_late_never_wins(empty_warehouse: Settings, tmp_path: Path) -> None:
    """Resends are ordered by the date the agency made them (in the file name), not by arrival."""
    for folder in ("new", "old", "undated"):
        (tmp_path / folder).mkdir()
    newer = police_csv(tmp_path / "new" / "tnp_identifications_2008_20090301.csv", [row(1), row(2), row(3)])
    older = police_csv(tmp_path / "old" / "tnp_identifications_2008_20090115.csv", [row(1)])
    undated = police_csv(tmp_path / "undated" / "tnp_identifications_2008.csv", [row(1), row(2)])
    with connect(empty_warehouse) as wh:
        assert ingest_file(wh, newer).outcome == "loaded"
        late = ingest_file(wh, older)
        assert late.outcome == "rejected"
        assert (
            "made on 15.01.2009, before the one already loaded for 2008 (made on 01.03.2009)" in late.message
        )
        assert wh.fetchall("select rows_loaded from ops.batches where status = 'active'") == [(3,)]
        assert ingest_file(wh, undated).outcome == "loaded"  # no date: the last to arrive wins
        assert wh.fetchall("select rows_loaded, extracted_on from ops.batches where status = 'active'") == [
            (2, None)
        ]


def test_killed_duckdb_load_leaves_nothing(empty_duckdb: Settings, tmp_path: Path) -> None:
    """DuckDB: a SIGKILL mid-load leaves only what was committed before (here: nothing), and the
    re-run loads the file exactly once."""
    path = big_police_file(tmp_path / "tnp_identifications_2008.csv", 300_000)
    env = {**os.environ, "TASKFORCE_WAREHOUSE_URL": empty_duckdb.warehouse_url,
           "TASKFORCE_DATA_DIR": str(empty_duckdb.data_dir)}  # fmt: skip
    loader = subprocess.Popen(
        [*TASKFORCE, "ingest", str(path)], env=env, cwd=PROJECT_ROOT, stderr=subprocess.PIPE, text=True
    )
    database = empty_duckdb.duckdb_path
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and loader.poll() is None:
        # large appends are written to the file before commit (DuckDB's optimistic writes)
        if database.exists() and database.stat().st_size > 4_000_000:
            break
        time.sleep(0.02)
    assert loader.poll() is None, "the load finished before it could be killed; make the file bigger"
    loader.send_signal(signal.SIGKILL)
    loader.wait(timeout=30)
    with connect(empty_duckdb) as wh:
        assert wh.fetchall("select count(*) from ops.batches") == [(0,)]
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(0,)]
        assert ingest_file(wh, path).outcome == "loaded"
        assert ingest_file(wh, path).outcome == "already_loaded"
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(300_000,)]


def test_a_dropped_connection_is_retried_and_converges(empty_postgres: Settings, tmp_path: Path) -> None:
    """The server ends the loader's connection in the middle of its COPY (as a restart or a network cut
    would): the load rolls back, is tried again on a new connection, and the file is loaded once."""
    from ingest.run import ingest_with_retry

    path = big_police_file(tmp_path / "tnp_identifications_2008.csv", 300_000)
    outcome: list = []
    waits: list[float] = []
    loader = threading.Thread(
        target=lambda: outcome.append(ingest_with_retry(empty_postgres, path, sleep=waits.append))
    )
    loader.start()
    terminated = 0
    with connect(empty_postgres) as wh:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and loader.is_alive() and not terminated:
            terminated = wh.fetchall(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity "
                "where datname = current_database() and query ilike 'copy %' and pid <> pg_backend_pid()"
            )[0][0]
            time.sleep(0.05)
    loader.join(timeout=300)
    assert terminated == 1, "the load finished before its connection could be ended; make the file bigger"
    assert len(waits) == 1 and waits[0] > 0  # one retry, after a backoff
    assert outcome and outcome[0].outcome == "loaded" and outcome[0].rows_loaded == 300_000
    with connect(empty_postgres) as wh:
        assert wh.fetchall("select count(*) from ops.batches") == [(1,)]
        assert wh.fetchall("select count(*) from raw.police_identifications") == [(300_000,)]


def test_a_rejected_file_is_not_retried(empty_duckdb: Settings, tmp_path: Path) -> None:
    from ingest.run import ingest_with_retry

    waits: list[float] = []
    bad = police_csv(tmp_path / "tnp_identifications_2008.csv", [row(1, op=TCKN)])
    assert ingest_with_retry(empty_duckdb, bad, sleep=waits.append).outcome == "rejected"
    assert waits == []
