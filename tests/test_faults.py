"""Faults on a real PostgreSQL and a real DuckDB file, bounded in time and on loopback only
(shared reference reliability.md, section 6): a server restart in the middle of an ingest, a full disk
during a load or while publishing, and dashboards across a server restart. (A loader killed mid-file and
two concurrent ingests are in tests/test_ingest_safety.py; dashboards during a DuckDB build, which needs
neither root nor a restart, in tests/test_dashboards_during_build.py.)

Restarting PostgreSQL disturbs everyone using the server, and mounting a small tmpfs needs root, so
these tests run only as root and when asked: TASKFORCE_FAULT_TESTS=1, or in CI (CI=true, where .ci/run
runs as root with its own PostgreSQL). In CI a missing prerequisite is a failure, not a skip.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import duckdb
import psycopg
import pytest
from psycopg import sql

from ingest.run import ingest_file
from taskforce.build import publish_duckdb
from taskforce.settings import PROJECT_ROOT, Settings, load_settings
from taskforce.warehouse import connect
from tests.expected_counts import expected_from_files
from tests.test_dashboard_login import (
    dashboard_warehouse,
    metrics,
    new_app,
    sign_in,
    use_env,
)
from tests.test_ingest_safety import big_police_file, police_csv, row

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
SERVER_WAIT_SECONDS = 90


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def _not_possible(reason: str) -> None:
    if _in_ci():
        pytest.fail(f"fault test cannot run in CI: {reason}")
    pytest.skip(reason)


def _fault_tests_allowed() -> None:
    if os.environ.get("TASKFORCE_FAULT_TESTS") != "1" and not _in_ci():
        pytest.skip(
            "fault tests restart PostgreSQL or mount file systems: set TASKFORCE_FAULT_TESTS=1 (CI does)"
        )
    if os.geteuid() != 0:
        _not_possible("needs root (pg_ctlcluster, mount)")


def _cluster(url: str) -> tuple[str, str]:
    """The Debian cluster (version, name) serving ``url``, which must be on this machine."""
    parts = urlsplit(url)
    if parts.hostname not in LOCAL_HOSTS:
        _not_possible(f"PostgreSQL is not on this machine ({parts.hostname})")
    if not shutil.which("pg_lsclusters"):
        _not_possible("no pg_lsclusters (Debian's postgresql-common)")
    listing = subprocess.run(["pg_lsclusters", "-h"], capture_output=True, text=True, check=True).stdout
    for line in listing.splitlines():
        version, name, port, *_ = line.split()
        if int(port) == (parts.port or 5432):
            return version, name
    _not_possible(f"no local cluster on port {parts.port}")
    raise AssertionError("unreachable")


def _wait_for_server(url: str, seconds: float = SERVER_WAIT_SECONDS) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with psycopg.connect(url, connect_timeout=3) as con:
                con.execute("select 1")
                return
        except psycopg.OperationalError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def restart_postgres(url: str) -> None:
    """Restart the server behind ``url`` (fast mode: sessions are ended, transactions rolled back)."""
    version, name = _cluster(url)
    subprocess.run(
        ["pg_ctlcluster", "--mode", "fast", version, name, "restart"], check=True, timeout=SERVER_WAIT_SECONDS
    )
    _wait_for_server(url)


def _env(settings: Settings) -> dict[str, str]:
    return {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
        "TASKFORCE_DATA_DIR": str(settings.data_dir),
    }


def _counts(settings: Settings) -> tuple[int, int]:
    with connect(settings) as wh:
        batches = wh.fetchall("select count(*) from ops.batches")[0][0]
        rows = wh.fetchall("select count(*) from raw.police_identifications")[0][0] if batches else 0
    return batches, rows


# --- PostgreSQL restarted in the middle of an ingest -------------------------------------------------


@pytest.mark.postgres
def test_a_postgres_restart_during_an_ingest_leaves_nothing_half_loaded(
    empty_postgres: Settings, tmp_path: Path
) -> None:
    _fault_tests_allowed()
    url = empty_postgres.warehouse_url
    _cluster(url)
    path = big_police_file(tmp_path / "tnp_identifications_2008.csv", 300_000)
    log = tmp_path / "ingest.log"
    with log.open("wb") as out:
        loader = subprocess.Popen(
            [*TASKFORCE, "ingest", str(path)],
            env=_env(empty_postgres),
            cwd=PROJECT_ROOT,
            stdout=out,
            stderr=out,
        )
    copying = False
    deadline = time.monotonic() + 120
    with psycopg.connect(url, autocommit=True) as con:
        while time.monotonic() < deadline and loader.poll() is None and not copying:
            active = con.execute(
                "select count(*) from pg_stat_activity "
                "where datname = current_database() and query ilike 'copy %'"
            )
            copying = active.fetchone()[0] > 0
            time.sleep(0.05)
    assert copying, "the load finished before the restart; make the file bigger"
    restart_postgres(url)
    loader.wait(timeout=600)
    output = log.read_text(errors="replace")
    batches, rows = _counts(empty_postgres)
    assert (batches, rows) in {(0, 0), (1, 300_000)}, output[-2000:]  # all or nothing, never half
    with connect(empty_postgres) as wh:
        outcome = ingest_file(wh, path).outcome  # the re-run converges
    assert outcome in {"loaded", "already_loaded"}
    assert _counts(empty_postgres) == (1, 300_000)
    if loader.returncode == 0:  # the loader's own retry got through the restart
        assert "loaded as" in output and outcome == "already_loaded"


# --- dashboards across a PostgreSQL restart ------------------------------------------------------------


@pytest.mark.postgres
def test_dashboards_reconnect_after_a_postgres_restart(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    demo_paths: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _fault_tests_allowed()
    served = dashboard_warehouse("postgres", tmp_path_factory, demo_paths, request.config)
    _cluster(served.settings.warehouse_url)
    use_env(served, monkeypatch)
    app = new_app()
    app.run()
    app = sign_in(app, "coord", served.passwords["coord"])
    expected = expected_from_files(demo_paths)
    assert metrics(app)["Victims identified"] == f"{expected.identified_persons(2006, 2010):,}"
    restart_postgres(served.settings.warehouse_url)
    app.select_slider(key="years").set_value((2008, 2009)).run()  # pooled connections died in the restart
    assert not app.exception, app.exception
    assert metrics(app)["Victims identified"] == f"{expected.identified_persons(2008, 2009):,}"


# --- a full disk during a load ---------------------------------------------------------------------------


@contextmanager
def small_tmpfs(size: str, owner: str | None = None) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted for the test (root only), readable by ``owner`` when given."""
    point = Path(f"/tmp/taskforce_full_{uuid.uuid4().hex[:8]}")
    point.mkdir(mode=0o755)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0755", "tmpfs", str(point)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        point.rmdir()
        _not_possible(f"cannot mount a tmpfs: {mounted.stderr.strip()}")
    try:
        if owner:
            shutil.chown(point, owner, owner)
        yield point
    finally:
        subprocess.run(["umount", "-l", str(point)], check=False)
        point.rmdir()


def grow_tmpfs(point: Path, size: str) -> None:
    """More room on a tmpfs of ``small_tmpfs``: what freeing disk space does."""
    subprocess.run(["mount", "-o", f"remount,size={size}", str(point)], check=True, capture_output=True)


def _ingest_cli(settings: Settings, path: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*TASKFORCE, "ingest", str(path)],
        env=_env(settings),
        cwd=PROJECT_ROOT,
        text=True,
        capture_output=True,
        timeout=600,
        check=False,
    )


def _assert_full_disk_is_clean(
    settings: Settings, tmp_path: Path, big_rows: int, make_room: Callable[[], None] | None = None
) -> None:
    """A small file loads; a big one fills the disk: a clear message, exit 4, the first batch intact
    (checked after ``make_room``, when given: what an IT officer does next)."""
    (tmp_path / "small").mkdir()
    (tmp_path / "big").mkdir()
    small = police_csv(tmp_path / "small" / "tnp_identifications_2007.csv", [row(1, when="03.04.2007")])
    big = big_police_file(tmp_path / "big" / "tnp_identifications_2008.csv", big_rows)
    first = _ingest_cli(settings, small)
    assert first.returncode == 0, first.stdout + first.stderr
    full = _ingest_cli(settings, big)
    assert full.returncode == 4, full.stdout[-2000:] + full.stderr[-2000:]
    assert "the disk that holds the warehouse is full" in full.stderr
    assert "retrying" not in full.stderr  # a full disk is an answer, not a glitch: no second attempt
    assert "Traceback" not in full.stdout + full.stderr
    if make_room:
        make_room()
    assert _counts(settings) == (1, 1)  # committed before: intact; the failed batch: nothing of it


def test_a_full_disk_during_a_duckdb_load_fails_cleanly(tmp_path: Path) -> None:
    _fault_tests_allowed()
    with small_tmpfs("12m") as disk:
        settings = load_settings(
            {"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{disk / 'w.duckdb'}"}
        )
        _assert_full_disk_is_clean(settings, tmp_path, 300_000)


def test_a_full_disk_while_publishing_keeps_the_old_copy_and_leaves_no_half_copy(tmp_path: Path) -> None:
    """After a build, DuckDB's warehouse is copied for the dashboards. At 10M rows that copy once filled
    the disk and its half-written file (25 GB) stayed behind. Now the old copy keeps serving and the half
    copy is removed, as the message of a full disk promises."""
    _fault_tests_allowed()
    built = tmp_path / "w.duckdb"
    with duckdb.connect(str(built)) as con:  # incompressible rows: the file's size is what a copy needs
        con.execute(
            "create table filler as select md5(i::text) || md5((i + 1)::text) as s from range(150000) as r(i)"
        )
    size_kb = built.stat().st_size // 1024
    with small_tmpfs(f"{size_kb * 3 // 2}k") as disk:
        settings = load_settings(
            {"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{disk / 'w.duckdb'}"}
        )
        shutil.copyfile(built, settings.duckdb_path)
        settings.serving_path.write_bytes(b"the copy the dashboards read")
        with pytest.raises(OSError, match="No space left on device"):
            publish_duckdb(settings)
        assert sorted(p.name for p in disk.iterdir()) == ["w.duckdb", "w.serving.duckdb"]
        assert settings.serving_path.read_bytes() == b"the copy the dashboards read"


@pytest.mark.postgres
def test_a_full_tablespace_during_a_postgres_load_fails_cleanly(tmp_path: Path) -> None:
    """The test database lives in a tablespace on a small tmpfs (made by the postgres superuser)."""
    _fault_tests_allowed()
    from tests.conftest import postgres_url

    admin_url = postgres_url()
    assert admin_url
    _cluster(admin_url)
    port = str(urlsplit(admin_url).port or 5432)
    role = urlsplit(admin_url).username
    name = f"taskforce_full_{uuid.uuid4().hex[:8]}"

    def as_postgres(statement: str) -> None:
        done = subprocess.run(
            [
                "runuser",
                "-u",
                "postgres",
                "--",
                "psql",
                "-p",
                port,
                "-v",
                "ON_ERROR_STOP=1",
                "-qc",
                statement,
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, done.stderr

    with small_tmpfs("48m", owner="postgres") as disk:
        as_postgres(f"create tablespace {name} location '{disk}'")
        try:
            as_postgres(f"grant create on tablespace {name} to {role}")
            with psycopg.connect(admin_url, autocommit=True) as con:
                con.execute(
                    sql.SQL("create database {} tablespace {}").format(
                        sql.Identifier(name), sql.Identifier(name)
                    )
                )
            parts = urlsplit(admin_url)
            url = parts._replace(path=f"/{name}").geturl()
            settings = load_settings({"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": url})
            # PostgreSQL keeps the failed load's pages until a vacuum, and a new connection may need to
            # write its catalogue cache file into the database's (full) directory: grow the disk first
            _assert_full_disk_is_clean(settings, tmp_path, 600_000, make_room=lambda: grow_tmpfs(disk, "96m"))
            with connect(settings) as wh:  # the server is fine: other work goes on
                wh.execute("create table ops.still_writable (x integer)")
        finally:
            with psycopg.connect(admin_url, autocommit=True) as con:
                con.execute(sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name)))
            as_postgres(f"drop tablespace if exists {name}")
