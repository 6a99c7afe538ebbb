"""Shared fixtures: demo extracts, and a warehouse per engine built from them with the real pipeline.

PostgreSQL runs when TASKFORCE_TEST_POSTGRES_URL points at a server and a role with CREATEDB: every
PostgreSQL warehouse in the tests is a fresh database made for it and dropped afterwards, so tests never
see each other's data. Without the variable the PostgreSQL tests are skipped, unless
TASKFORCE_REQUIRE_POSTGRES=1 (as in CI), where a missing server is a failure.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from ingest.run import ingest_file
from taskforce.build import build
from taskforce.demo_data import write_demo_extracts
from taskforce.settings import Settings, load_settings
from taskforce.warehouse import connect

PG_URL_VARIABLE = "TASKFORCE_TEST_POSTGRES_URL"
_created_databases: list[str] = []


def postgres_url() -> str | None:
    url = os.environ.get(PG_URL_VARIABLE)
    if url:
        return url
    if os.environ.get("TASKFORCE_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"TASKFORCE_REQUIRE_POSTGRES=1 but {PG_URL_VARIABLE} is not set")
    pytest.skip(f"no PostgreSQL configured ({PG_URL_VARIABLE})")
    return None


def fresh_postgres_database(url: str) -> str:
    """Create an empty database next to the configured one and return its URL."""
    import psycopg

    name = f"taskforce_t_{uuid.uuid4().hex[:10]}"
    try:
        with psycopg.connect(url, autocommit=True) as con:
            con.execute(f"create database {name}")
    except psycopg.Error as exc:
        pytest.fail(
            f"cannot create a test database through {PG_URL_VARIABLE}: {exc.__class__.__name__}: {exc}"
        )
    _created_databases.append(name)
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def drop_test_databases() -> None:
    url = os.environ.get(PG_URL_VARIABLE)
    if not url or not _created_databases:
        return
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        for name in _created_databases:
            for attempt in range(10):  # a killed client's backend can take a moment to go away
                try:
                    con.execute(f"drop database if exists {name} with (force)")
                    break
                except psycopg.Error:
                    time.sleep(0.5 * (attempt + 1))
    _created_databases.clear()


# Modules that take minutes (pytest --durations): collected first, so that the two workers of
# `make test` take them on early and do not end with one worker alone on a long module. make test keeps
# this order with --no-loadscope-reorder (xdist would order the modules by their number of tests, which
# put these few-test modules last). Every other module keeps its place after them.
LONG_MODULES = (
    "test_incremental_build.py",  # builds the shared demo warehouses, then two more builds per engine
    "test_cli.py",  # `taskforce demo` end to end
    "test_pipeline.py",
    "test_bench_harness.py",
    "test_dashboards_during_build.py",  # a whole `taskforce build` while the pages are asked
    "test_data_quality.py",
    "test_retention.py",
    "test_access_control.py",
    "test_dbt_project.py",
)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    rank = {name: n for n, name in enumerate(LONG_MODULES)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: the rest keep their order


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    drop_test_databases()
    if not os.environ.get("PYTEST_XDIST_WORKER"):  # the controlling process: the workers are done
        _drop_master_databases(Path(session.config._tmp_path_factory.getbasetemp()))


def _drop_master_databases(root: Path) -> None:
    masters = root / _MASTERS_FILE
    if masters.exists() and os.environ.get(PG_URL_VARIABLE):
        _created_databases.extend(masters.read_text().split())
        masters.unlink()
        drop_test_databases()


def settings_for(engine: str, data_dir: Path) -> Settings:
    env = {"TASKFORCE_DATA_DIR": str(data_dir)}
    if engine == "postgres":
        url = postgres_url()
        assert url
        env["TASKFORCE_WAREHOUSE_URL"] = fresh_postgres_database(url)
    else:
        env["TASKFORCE_WAREHOUSE_URL"] = f"duckdb:///{data_dir / 'warehouse.duckdb'}"
    return load_settings(env)


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_demo_extracts(tmp_path_factory.mktemp("demo_extracts"))


@pytest.fixture
def empty_duckdb(tmp_path: Path) -> Settings:
    return settings_for("duckdb", tmp_path)


@pytest.fixture
def empty_postgres(tmp_path: Path) -> Settings:
    return settings_for("postgres", tmp_path)


@pytest.fixture(params=["duckdb", "postgres"])
def empty_warehouse(request: pytest.FixtureRequest) -> Settings:
    """An empty warehouse on each engine in turn."""
    return request.getfixturevalue(f"empty_{request.param}")


def ingest_and_build(settings: Settings, paths: list[Path]) -> None:
    with connect(settings) as wh:
        for path in paths:
            result = ingest_file(wh, path)
            assert result.outcome == "loaded", result.message
    outcome = build(settings, quiet=True)
    assert outcome.ok, outcome.message


_built: dict[str, Settings] = {}
# The demo warehouse is built once per engine for the whole run, not once per xdist worker: the first
# worker to need it builds a master copy under a lock, and every worker (the builder too) gets its own
# clone: a copy of the data folder, and on PostgreSQL a database made from the master as a template.
_MASTERS_FILE = "built_masters.txt"


def _shared_root(factory: pytest.TempPathFactory) -> Path:
    base = factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


def _master(engine: str, factory: pytest.TempPathFactory, paths: list[Path]) -> Settings:
    """The master copy of the built demo warehouse; built by whichever process gets here first."""
    root = _shared_root(factory)
    folder = root / f"built_master_{engine}"
    with open(root / f"built_master_{engine}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        done = folder / "warehouse_url.txt"
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            settings = settings_for(engine, folder)
            if engine == "postgres":  # other workers clone it later: the controlling process drops it
                name = _created_databases.pop()
                with open(root / _MASTERS_FILE, "a") as masters:
                    masters.write(name + "\n")
            ingest_and_build(settings, paths)
            done.write_text(settings.warehouse_url)
        return load_settings({"TASKFORCE_DATA_DIR": str(folder), "TASKFORCE_WAREHOUSE_URL": done.read_text()})


def _clone(master: Settings, engine: str, data_dir: Path) -> Settings:
    shutil.copytree(master.data_dir, data_dir, dirs_exist_ok=True)
    if engine == "duckdb":
        url = f"duckdb:///{data_dir / 'warehouse.duckdb'}"
    else:
        import psycopg

        name = f"taskforce_t_{uuid.uuid4().hex[:10]}"
        template = master.warehouse_url.rsplit("/", 1)[1]
        with psycopg.connect(postgres_url(), autocommit=True) as con:
            con.execute(f"create database {name} template {template}")
        _created_databases.append(name)
        url = master.warehouse_url.rsplit("/", 1)[0] + "/" + name
    return load_settings({"TASKFORCE_DATA_DIR": str(data_dir), "TASKFORCE_WAREHOUSE_URL": url})


def built_warehouse(engine: str, factory: pytest.TempPathFactory, paths: list[Path]) -> Settings:
    """The demo warehouse, ingested and built once per engine for the whole run; this process's clone."""
    if engine not in _built:
        if engine == "postgres":
            postgres_url()  # skip (or fail in CI) before taking the lock when there is no server
        _built[engine] = _clone(_master(engine, factory, paths), engine, factory.mktemp(f"built_{engine}"))
    return _built[engine]


@pytest.fixture(scope="session", params=["duckdb", "postgres"])
def built(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> Iterator[Settings]:
    yield built_warehouse(request.param, tmp_path_factory, demo_paths)


@pytest.fixture(scope="session")
def built_duckdb(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> Settings:
    return built_warehouse("duckdb", tmp_path_factory, demo_paths)


@pytest.fixture(scope="session")
def built_postgres(tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]) -> Settings:
    """The demo warehouse on PostgreSQL only: for what DuckDB does not have (roles, row-level security)."""
    return built_warehouse("postgres", tmp_path_factory, demo_paths)


# The demo warehouse with dashboard users (tests/test_dashboard_login.py sets it up once per session and
# engine); the dashboard test modules take it through these.
@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def served(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]):
    from tests.test_dashboard_login import dashboard_warehouse

    return dashboard_warehouse(request.param, tmp_path_factory, demo_paths, request.config)


@pytest.fixture(scope="module")
def served_duckdb(
    tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path], pytestconfig: pytest.Config
):
    from tests.test_dashboard_login import dashboard_warehouse

    return dashboard_warehouse("duckdb", tmp_path_factory, demo_paths, pytestconfig)


@pytest.fixture(scope="module")
def served_postgres(
    tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path], pytestconfig: pytest.Config
):
    from tests.test_dashboard_login import dashboard_warehouse

    return dashboard_warehouse("postgres", tmp_path_factory, demo_paths, pytestconfig)
