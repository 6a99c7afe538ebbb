"""The ``taskforce`` command as a user runs it: a real subprocess, real files, real dbt, a real server."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from taskforce.settings import PROJECT_ROOT, Settings

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]


def run(
    args: list[str], settings: Settings, cwd: Path = PROJECT_ROOT, timeout: int = 300
) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": settings.warehouse_url,
        "TASKFORCE_DATA_DIR": str(settings.data_dir),
    }
    return subprocess.run(
        args, env=env, cwd=cwd, text=True, capture_output=True, timeout=timeout, check=False
    )


def test_demo_without_serving_then_status(empty_duckdb: Settings) -> None:
    demo = run([*TASKFORCE, "demo", "--no-serve"], empty_duckdb)
    assert demo.returncode == 0, demo.stdout[-3000:] + demo.stderr[-3000:]
    assert "dbt build passed" in demo.stdout
    assert "quarantined line" in demo.stdout
    assert empty_duckdb.serving_path.exists()
    again = run([*TASKFORCE, "demo", "--no-serve"], empty_duckdb)
    assert again.returncode == 0
    written = int(re.search(r"wrote (\d+) demo extracts", again.stdout).group(1))
    assert written > 10
    assert again.stdout.count("already loaded") == written  # every file, corrections included
    status = run([*TASKFORCE, "status"], empty_duckdb)
    assert status.returncode == 0
    assert "police_identifications" in status.stdout and "iom_returns" in status.stdout
    assert "success" in status.stdout


def test_ingest_reports_rejected_files_and_exits_nonzero(empty_duckdb: Settings, tmp_path: Path) -> None:
    bad = tmp_path / "tnp_identifications_2008.csv"
    bad.write_bytes("Kayıt No,Kişi Anahtarı\r\nA,B\r\n".encode("windows-1254"))
    unknown = tmp_path / "notes.csv"
    unknown.write_text("a,b\n1,2\n")
    result = run([*TASKFORCE, "ingest", str(bad), str(unknown)], empty_duckdb)
    assert result.returncode == 1
    assert "REJECTED tnp_identifications_2008.csv: the header has a single column" in result.stdout
    assert "REJECTED notes.csv: the file name does not match any source" in result.stdout
    assert "Traceback" not in result.stdout + result.stderr
    missing = run([*TASKFORCE, "ingest", str(tmp_path / "nope.csv")], empty_duckdb)
    assert missing.returncode == 2 and "no such file" in missing.stderr


def test_bad_url_is_a_configuration_error(empty_duckdb: Settings) -> None:
    wrong = Settings(warehouse_url="mysql://x@y/z", data_dir=empty_duckdb.data_dir)
    result = run([*TASKFORCE, "status"], wrong)
    assert result.returncode == 2
    assert "TASKFORCE_WAREHOUSE_URL must start with duckdb:/// or postgresql://" in result.stderr


def test_plain_dbt_reads_the_same_setting(built: Settings) -> None:
    """profiles.yml parses the same URL as the CLI, so a plain `dbt` run hits the same warehouse."""
    dbt = str(Path(sys.executable).with_name("dbt"))
    url = f"duckdb:///{built.duckdb_path}" if built.engine == "duckdb" else built.warehouse_url
    env = {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": url,
        "DBT_TARGET_PATH": str(built.data_dir / "plain"),
        "DBT_LOG_PATH": str(built.data_dir / "plain"),
    }
    result = subprocess.run(
        [dbt, "show", "--inline", "select count(*) as n from marts.dim_province", "--output", "json"],
        cwd=PROJECT_ROOT / "dbt_project",
        env=env,
        text=True,
        capture_output=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:]
    assert '"n": 81' in result.stdout
    expected_target = "duckdb" if built.engine == "duckdb" else "postgres"
    assert f"target='{expected_target}'" in result.stdout or expected_target in result.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dashboard_is_served_on_localhost(built_duckdb: Settings) -> None:
    port = free_port()
    env = {
        **os.environ,
        "TASKFORCE_WAREHOUSE_URL": built_duckdb.warehouse_url,
        "TASKFORCE_DATA_DIR": str(built_duckdb.data_dir),
    }
    server = subprocess.Popen(
        [*TASKFORCE, "dashboard", "--port", str(port)],
        env=env,
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 60
        body = ""
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    body = response.read().decode()
                    break
            except OSError:
                time.sleep(0.5)
        assert body == "ok"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as response:
            assert response.status == 200
    finally:
        server.terminate()
        server.wait(timeout=20)


@pytest.mark.parametrize("command", [["--help"], ["ingest", "--help"]])
def test_help(command: list[str], empty_duckdb: Settings) -> None:
    result = run([*TASKFORCE, *command], empty_duckdb)
    assert result.returncode == 0 and "taskforce" in result.stdout
