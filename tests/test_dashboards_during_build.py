"""Dashboards keep serving the last build, whole, while a DuckDB build runs (DESIGN.md section 4:
DuckDB's single-writer lock): the build writes the warehouse file, the dashboards read the copy that the
previous build published, and the new copy replaces it in one step when the build ends."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from taskforce.settings import PROJECT_ROOT, load_settings
from tests.expected_counts import expected_from_files
from tests.test_dashboard_login import (
    dashboard_warehouse,
    duckdb_dashboard_warehouse,
    metrics,
    new_app,
    sign_in,
    use_env,
)

TASKFORCE = [sys.executable, "-m", "taskforce.cli"]


def test_dashboards_keep_serving_during_a_duckdb_build(
    request: pytest.FixtureRequest,
    tmp_path: Path,
    tmp_path_factory: pytest.TempPathFactory,
    demo_paths: list[Path],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a copy of the demo warehouse (so the shared one is not rebuilt under other tests)."""
    source = dashboard_warehouse("duckdb", tmp_path_factory, demo_paths, request.config).settings
    settings = load_settings(
        {"TASKFORCE_DATA_DIR": str(tmp_path), "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{tmp_path / 'w.duckdb'}"}
    )
    shutil.copy(source.duckdb_path, settings.duckdb_path)
    shutil.copy(source.serving_path, settings.serving_path)
    served = duckdb_dashboard_warehouse(settings)
    use_env(served, monkeypatch)
    app = new_app()
    app.run()
    app = sign_in(app, "coord", served.passwords["coord"])
    expected = f"{expected_from_files(demo_paths).identified_persons(2006, 2010):,}"
    assert metrics(app)["Victims identified"] == expected
    log = tmp_path / "build.log"  # a file, not a pipe: dbt's output would fill a pipe nobody reads yet
    with log.open("wb") as out:
        env = {**os.environ, **served.env}
        builder = subprocess.Popen(
            [*TASKFORCE, "build"], env=env, cwd=PROJECT_ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    served_during_build = 0
    deadline = time.monotonic() + 900
    try:
        while builder.poll() is None and time.monotonic() < deadline:
            app.run()
            assert not app.exception, app.exception
            assert metrics(app)["Victims identified"] == expected  # the previous build, whole
            served_during_build += builder.poll() is None
            time.sleep(1)
    finally:
        if builder.poll() is None:
            builder.kill()
        builder.wait(timeout=60)
    assert builder.returncode == 0, log.read_text(errors="replace")[-3000:]
    assert served_during_build >= 2, "the build ended before the dashboards could be asked"
    app.run()
    assert metrics(app)["Victims identified"] == expected  # and the new build, whole
