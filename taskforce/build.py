"""Build the warehouse with dbt for the configured engine, record the build in ``ops.builds`` and, on
DuckDB, publish a snapshot for the dashboards.

DuckDB allows one writer process per file and a reader would block a build, so dashboards never read
the file dbt writes: after a successful build the file is checkpointed, copied, and the copy is swapped
in with an atomic rename. A failed build publishes nothing, so dashboards keep the last good warehouse.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path

from ingest.contract import load_registry
from ingest.load import ensure_raw_table
from taskforce.files import replaced_atomically
from taskforce.registry import sync_registry
from taskforce.settings import Settings
from taskforce.warehouse import connect


@dataclass(frozen=True)
class BuildResult:
    build_id: str
    ok: bool
    message: str


def dbt_executable() -> str:
    beside_python = Path(sys.executable).with_name("dbt")
    return str(beside_python) if beside_python.exists() else (shutil.which("dbt") or "dbt")


def dbt_command(settings: Settings, *args: str, project: Path | None = None) -> list[str]:
    project = project or settings.dbt_project_dir
    return [dbt_executable(), *args, "--project-dir", str(project), "--profiles-dir", str(project)]


# DuckDB spills what exceeds its memory limit to a temporary folder beside the warehouse file, by default
# up to 90 % of the free disk: a build at 10M identification rows filled the disk that the extracts, the
# published copy and a PostgreSQL server shared (docs/benchmarks.md). Capped, such a build fails with
# DuckDB's "out of temporary space" message and leaves the disk usable.
TEMP_LIMIT_VARIABLE = "TASKFORCE_DUCKDB_TEMP_LIMIT"


def duckdb_temp_limit(free_bytes: int, warehouse_bytes: int) -> str:
    """Half of the free disk once room for the published copy (as large as the warehouse file) is set
    aside; at least 1 GiB. A DuckDB size."""
    room = max(free_bytes - warehouse_bytes, 0) // 2
    return f"{max(room, 2**30) // 2**20}MiB"  # DuckDB: MB is 10^6 bytes, MiB 2^20


def run_dbt(
    settings: Settings, *args: str, quiet: bool = False, project: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run dbt with the warehouse URL in its environment; artifacts go under the data folder per engine.
    ``project``: another dbt project folder with its profiles.yml (default: the warehouse's)."""
    project = project or settings.dbt_project_dir
    env = settings.dbt_env()
    if settings.engine == "duckdb" and not env.get(TEMP_LIMIT_VARIABLE):
        folder = settings.duckdb_path.parent
        folder.mkdir(parents=True, exist_ok=True)
        size = settings.duckdb_path.stat().st_size if settings.duckdb_path.exists() else 0
        env[TEMP_LIMIT_VARIABLE] = duckdb_temp_limit(shutil.disk_usage(folder).free, size)
    artifacts = settings.data_dir / "dbt" / settings.engine
    env["DBT_TARGET_PATH"] = str(artifacts / "target")
    env["DBT_LOG_PATH"] = str(artifacts / "logs")
    env["DBT_SEND_ANONYMOUS_USAGE_STATS"] = "false"
    return subprocess.run(
        dbt_command(settings, *args, project=project),
        env=env,
        text=True,
        check=False,
        capture_output=quiet,
        cwd=project,
    )


# Tests whose failing rows hold codes, never person-level values, so they can be shown to whoever
# runs the build: they say exactly which code to add to a seed or fix at the agency.
SHOWABLE_TESTS = ("code_is_mapped_", "accepted_values_", "relationships_")


def failed_tests(settings: Settings, limit: int = 5) -> list[str]:
    """One line per failed dbt test, with the offending codes for the tests that are safe to show."""
    results_path = settings.data_dir / "dbt" / settings.engine / "target" / "run_results.json"
    if not results_path.exists():
        return []
    results = json.loads(results_path.read_text(encoding="utf-8")).get("results", [])
    lines = []
    with connect(settings) as wh:
        for result in results:
            unique_id = result.get("unique_id", "")
            if not unique_id.startswith("test.") or result.get("status") not in {"fail", "error"}:
                continue
            name = unique_id.split(".")[2]
            line = f"{name}: {result.get('message') or result.get('status')}"
            sql = result.get("compiled_code")
            if sql and name.startswith(SHOWABLE_TESTS) and result.get("status") == "fail":
                rows = wh.frame(f"select * from ({sql}) as failing limit {limit}")
                line += "; failing rows: " + "; ".join(
                    ", ".join(f"{k}={v}" for k, v in row.items()) for row in rows.to_dict("records")
                )
            lines.append(line)
    return lines


def prepare(settings: Settings) -> None:
    """Make sure ops and every source's raw table exist, so a build works before the first ingest, and
    copy the agency registry into ops for the models that read it."""
    with connect(settings) as wh:
        wh.ensure_ops()
        for contract in load_registry().values():
            ensure_raw_table(wh, contract)
        sync_registry(wh)


def publish_duckdb(settings: Settings) -> Path:
    import duckdb

    with duckdb.connect(str(settings.duckdb_path)) as con:
        con.execute("checkpoint")
    target = settings.serving_path
    with replaced_atomically(target) as staging:
        shutil.copyfile(settings.duckdb_path, staging)
    return target


def build(
    settings: Settings, full_refresh: bool = False, quiet: bool = False, unit_tests: bool = True
) -> BuildResult:
    """dbt build (seeds, models, data tests and, unless ``unit_tests`` is False, the dbt unit tests:
    those check the SQL logic on fixed inputs, not the data, so a rebuild of the same project may skip
    them)."""
    prepare(settings)
    build_id = f"{datetime.now(UTC):%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"
    command = ["build", *(["--full-refresh"] if full_refresh else [])]
    if not unit_tests:
        command += ["--exclude-resource-type", "unit_test"]
    with connect(settings) as wh, wh.transaction():
        wh.execute(
            "insert into ops.builds (build_id, engine, started_at, status, command, dbt_version)"
            " values (?, ?, ?, ?, ?, ?)",
            (
                build_id,
                settings.engine,
                datetime.now(UTC).replace(tzinfo=None),
                "running",
                "dbt " + " ".join(command),
                version("dbt-core"),
            ),
        )
        # the batches this build reads: the active ones when it starts (on DuckDB no ingest can run
        # during a build; on PostgreSQL a batch landing mid-build may be read too and is not listed)
        wh.execute(
            "insert into ops.build_batches (build_id, batch_id)"
            " select ?, batch_id from ops.batches where status = 'active'",
            (build_id,),
        )
    result = run_dbt(settings, *command, quiet=quiet)
    ok = result.returncode == 0
    message = "dbt build passed" if ok else f"dbt build failed (exit {result.returncode})"
    with connect(settings) as wh:
        wh.execute(
            "update ops.builds set finished_at = ?, status = ?, message = ? where build_id = ?",
            (datetime.now(UTC).replace(tzinfo=None), "success" if ok else "failed", message, build_id),
        )
    if ok and settings.engine == "duckdb":
        publish_duckdb(settings)
    if not ok:
        details = failed_tests(settings)
        if details:
            message += "\nfailed tests:\n  " + "\n  ".join(details)
        elif quiet:
            message += "\n" + (result.stdout or "")[-4000:]
    return BuildResult(build_id, ok, message)
