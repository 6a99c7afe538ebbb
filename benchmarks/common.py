"""What every benchmark script shares: the machine line, throwaway warehouses, median/min/max, running a
measured step in a fresh process, and the generator-owned sections of docs/benchmarks.md."""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
DATABASE_PREFIX = "bench_h"  # every PostgreSQL database a benchmark makes, and drops again
POSTGRES_ENV = "TASKFORCE_BENCH_POSTGRES_URL"


def machine() -> str:
    cpus = subprocess.run(["nproc"], text=True, capture_output=True, check=False).stdout.strip()
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    gigabytes = int(memory) / 1024**2
    return f"{platform.machine()}, {cpus} cores, {gigabytes:.0f} GB, Python {platform.python_version()}"


def machine_facts() -> dict[str, object]:
    """What the report says about the machine: enough to judge whether two runs can be compared."""
    facts: dict[str, object] = {"summary": machine(), "platform": platform.platform()}
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            facts["cpu"] = line.split(":", 1)[1].strip()
            break
    facts["load_average"] = [round(x, 2) for x in os.getloadavg()]
    versions = {}
    for package in ("duckdb", "dbt-core", "dbt-duckdb", "dbt-postgres", "pandas", "streamlit"):
        try:
            from importlib.metadata import version

            versions[package] = version(package)
        except Exception:  # a missing package is reported as such, not a failed run
            versions[package] = "not installed"
    facts["versions"] = versions
    return facts


def postgres_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url) as con:
        return str(con.execute("show server_version").fetchone()[0])


def fresh_target(engine: str, work: Path, postgres: str | None) -> str:
    """A warehouse URL nobody else uses: a new DuckDB file, or a new PostgreSQL database."""
    if engine == "duckdb":
        work.mkdir(parents=True, exist_ok=True)
        return f"duckdb:///{work / f'{uuid.uuid4().hex}.duckdb'}"
    import psycopg

    if not postgres:
        raise SystemExit(f"a PostgreSQL URL is needed for PostgreSQL figures (--postgres or ${POSTGRES_ENV})")
    name = f"{DATABASE_PREFIX}{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"create database {name}")
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def duckdb_files(url: str) -> list[Path]:
    """A DuckDB warehouse's files: the database, its write-ahead log, the copy a build publishes."""
    path = Path(url.removeprefix("duckdb:///"))
    return [path, path.with_name(path.name + ".wal"), path.with_name(f"{path.stem}.serving{path.suffix}")]


def drop_target(url: str, postgres: str | None) -> None:
    if url.startswith("duckdb"):
        for leftover in duckdb_files(url):
            leftover.unlink(missing_ok=True)
        return
    import psycopg

    name = url.rsplit("/", 1)[1]
    if not name.startswith(DATABASE_PREFIX):  # never drop a database a benchmark did not make
        raise ValueError(f"not a benchmark database: {name}")
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"drop database if exists {name} with (force)")


def summary(seconds: list[float], rows: int | None = None) -> dict[str, float | int]:
    """Median, min and max of repeated runs (and rows per second of the median, given the rows)."""
    middle = statistics.median(seconds)
    out: dict[str, float | int] = {"median_s": middle, "min_s": min(seconds), "max_s": max(seconds)}
    out["runs"] = len(seconds)
    if rows is not None and middle > 0:
        out["rows_per_s"] = rows / middle
    return out


def run_measured(script: str, *args: str, env: dict[str, str] | None = None, timeout: float = 14400) -> dict:
    """Run ``script`` (Python source) in a fresh interpreter; its last output line is a JSON object."""
    done = subprocess.run(
        [sys.executable, "-c", script, *args],
        cwd=ROOT,
        env=env,
        text=True,
        capture_output=True,
        check=False,
        timeout=timeout,
    )
    if done.returncode != 0:
        raise RuntimeError((done.stdout[-1500:] + done.stderr[-2500:]).strip())
    return json.loads(done.stdout.strip().splitlines()[-1])


# `taskforce <args>` in a child process: its wall time and the peak RSS of its largest process
_CLI = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "taskforce.cli", *sys.argv[2:]], capture_output=True, text=True)
seconds = time.perf_counter() - start
if done.returncode not in {int(code) for code in sys.argv[1].split(",")}:
    sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
print(json.dumps({"seconds": seconds, "peak_rss_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def warehouse_env(url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "TASKFORCE_WAREHOUSE_URL": url, "TASKFORCE_DATA_DIR": str(data_dir)}


def run_cli(url: str, data_dir: Path, ok_codes: str, *args: str) -> dict[str, float]:
    """``taskforce <args>`` against the warehouse ``url``; fails unless it exits with one of ``ok_codes``
    (e.g. "0,1")."""
    run = run_measured(_CLI, ok_codes, *args, env=warehouse_env(url, data_dir), timeout=12 * 3600)
    return {"seconds": run["seconds"], "peak_rss_mb": run["peak_rss_kb"] / 1024}


def begin_marker(name: str) -> str:
    return f"<!-- generated: {name} (benchmarks/harness.py writes this part; edit outside the markers) -->"


def end_marker(name: str) -> str:
    return f"<!-- end generated: {name} -->"


def replace_marked(text: str, name: str, body: str, after: str | None = None) -> str:
    """``text`` with the part between the markers of ``name`` replaced by ``body``; everything outside
    the markers is kept as it is. A part not there yet goes after the part ``after`` (or at the end)."""
    begin, end = begin_marker(name), end_marker(name)
    block = f"{begin}\n{body.strip()}\n{end}"
    if begin in text and end in text:
        start = text.index(begin)
        stop = text.index(end, start) + len(end)
        return text[:start] + block + text[stop:]
    if after and end_marker(after) in text:
        at = text.index(end_marker(after)) + len(end_marker(after))
        return text[:at] + "\n\n" + block + text[at:]
    return text.rstrip("\n") + "\n\n" + block + "\n"
