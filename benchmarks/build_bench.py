"""Warehouse build time: ``taskforce build`` (dbt seed, run and test) on the demo data with the police
identifications of one year grown to N rows, on DuckDB and PostgreSQL.

    python -m benchmarks.build_bench --rows 1000000 10000000 --repeat 3 [--postgres URL]

For each engine and size a fresh warehouse gets every demo extract (the 2008 police file replaced by
the grown one, N rows, each a new person) through the real ingest, then is built:
* full: ``taskforce build --full-refresh``, every model and test from scratch;
* start-up: ``dbt parse`` alone, the fixed cost every build pays before any model runs;
* incremental: one new monthly police extract (``--month-rows`` rows) ingested, then ``taskforce build``:
  the routine rebuild (incremental models only read batches they have not seen). Each repeat adds the
  next month.
Each figure is the median of ``--repeat`` runs, each run a fresh process; peak RSS is the build's process
tree on this machine (dbt and, on DuckDB, the engine; a PostgreSQL server's memory is not included).
Results go to docs/benchmarks/build.json and the "## Build" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from benchmarks.common import ROOT, drop_target, fresh_target, machine, replace_section
from benchmarks.scale import police_file, police_month_file
from taskforce.demo_data import generate_demo

RESULTS = ROOT / "docs" / "benchmarks" / "build.json"
GROWN = "tnp_identifications_2008.csv"

_BUILD = """
import resource, subprocess, sys, time
start = time.perf_counter()
done = subprocess.run([sys.executable, "-m", "taskforce.cli", "build", *sys.argv[1:]], capture_output=True,
                      text=True)
seconds = time.perf_counter() - start
if done.returncode != 0:
    sys.exit(done.stdout[-3000:] + done.stderr[-3000:])
print(seconds, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def _env(url: str, data_dir: Path) -> dict[str, str]:
    return {**os.environ, "TASKFORCE_WAREHOUSE_URL": url, "TASKFORCE_DATA_DIR": str(data_dir)}


def _extracts(rows: int, work: Path) -> list[Path]:
    """The demo extracts as files, with the 2008 police file replaced by one of ``rows`` rows."""
    demo_dir = work / "demo"
    paths = []
    for demo in generate_demo():
        if demo.path == GROWN:
            continue
        path = demo_dir / demo.path
        path.parent.mkdir(parents=True, exist_ok=True)
        if not path.exists():
            path.write_bytes(demo.content)
        paths.append(path)
    return [*paths, police_file(rows, work / f"rows_{rows}")]


def _ingest(url: str, data_dir: Path, paths: list[Path]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "taskforce.cli", "ingest", *map(str, paths)],
        cwd=ROOT,
        env=_env(url, data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode not in (0, 1):  # 1: some demo rows quarantined on purpose
        raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])


def _build(url: str, data_dir: Path, *args: str) -> dict[str, float]:
    done = subprocess.run(
        [sys.executable, "-c", _BUILD, *args],
        cwd=ROOT,
        env=_env(url, data_dir),
        capture_output=True,
        text=True,
        check=False,
        timeout=7200,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-4000:])
    seconds, rss_kb = done.stdout.split()[-2:]
    return {"seconds": float(seconds), "peak_rss_mb": int(rss_kb) / 1024}


def _summary(runs: list[dict[str, float]]) -> dict[str, float]:
    seconds = [r["seconds"] for r in runs]
    return {
        "median_s": statistics.median(seconds),
        "min_s": min(seconds),
        "max_s": max(seconds),
        "runs": len(runs),
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
    }


def _parse(url: str, data_dir: Path) -> dict[str, float]:
    start = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from taskforce.build import run_dbt; from taskforce.settings import "
            "load_settings; import sys; sys.exit(run_dbt(load_settings(), 'parse', '--no-partial-parse', "
            "quiet=True).returncode)",
        ],
        cwd=ROOT,
        env=_env(url, data_dir),
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(done.stdout[-2000:] + done.stderr[-2000:])
    return {"seconds": time.perf_counter() - start, "peak_rss_mb": 0.0}


def _incremental(url: str, data_dir: Path, work: Path, month: str, rows: int) -> dict[str, float]:
    _ingest(url, data_dir, [police_month_file(rows, work / "months", month)])
    return _build(url, data_dir)


def measure(rows: int, engine: str, repeat: int, work: Path, postgres: str | None, month_rows: int) -> dict:
    url = fresh_target(engine, work, postgres)
    data_dir = work / f"data_{engine}_{rows}"
    try:
        _ingest(url, data_dir, _extracts(rows, work))
        full = [_build(url, data_dir, "--full-refresh") for _ in range(repeat)]
        startup = [_parse(url, data_dir) for _ in range(repeat)]
        months = [f"2011-{m:02d}" for m in range(1, repeat + 1)]
        incremental = [_incremental(url, data_dir, work, month, month_rows) for month in months]
    finally:
        drop_target(url, postgres)
    result = {
        "engine": engine,
        "rows": rows,
        "month_rows": month_rows,
        "full": _summary(full),
        "startup": _summary(startup),
        "incremental": _summary(incremental),
    }
    result["incremental_share_of_full"] = result["incremental"]["median_s"] / result["full"]["median_s"]
    print(
        f"{engine:8} {rows:>11,} full {result['full']['median_s']:7.1f} s, dbt start-up "
        f"{result['startup']['median_s']:5.1f} s, incremental {result['incremental']['median_s']:7.1f} s, "
        f"peak {result['full']['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    return result


def markdown(runs: list[dict]) -> str:
    commands = sorted({r["command"] for r in runs})
    lines = [
        "## Build",
        "",
        f"Machine: {machine()}. Commands: {', '.join(f'`{c}`' for c in commands)}. `taskforce build` = dbt "
        "seed, run and test of every model; the demo data with the 2008 police identifications grown to "
        "N rows (each row a new person). Median of the runs (min-max in brackets), each in a fresh "
        "process; every run in `docs/benchmarks/build.json`. Peak RSS: dbt and, on DuckDB, the engine "
        "inside it.",
        "",
        "| engine | identification rows | full build | of which dbt start-up | incremental, one new month "
        "| incremental / full | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in runs:
        full, inc, start = r["full"], r["incremental"], r["startup"]
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | "
            f"{full['median_s']:.1f} s ({full['min_s']:.1f}-{full['max_s']:.1f}) | "
            f"{start['median_s']:.1f} s | "
            f"{inc['median_s']:.1f} s ({inc['min_s']:.1f}-{inc['max_s']:.1f}; "
            f"{r['month_rows']:,} new rows) | "
            f"{r['incremental_share_of_full']:.0%} | {max(full['peak_rss_mb'], inc['peak_rss_mb']):,.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def write_report(results: list[dict], command: str) -> None:
    stored = json.loads(RESULTS.read_text()).get("runs", []) if RESULTS.exists() else []
    fresh = {(r["engine"], r["rows"]) for r in results}
    runs = [r for r in stored if (r["engine"], r["rows"]) not in fresh]
    runs = sorted(runs + [{**r, "command": command} for r in results], key=lambda r: (r["rows"], r["engine"]))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps({"machine": machine(), "runs": runs}, indent=2) + "\n")
    replace_section("## Build", markdown(runs))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or ""))
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--month-rows", type=int, default=10_000, help="rows of each new monthly extract")
    parser.add_argument("--postgres", help="postgresql:// URL of a role that may create databases")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "taskforce-bench")
    args = parser.parse_args(argv)
    engines = ["duckdb", *(["postgres"] if args.postgres else [])]
    results = [
        measure(rows, engine, args.repeat, args.work, args.postgres, args.month_rows)
        for rows in args.rows
        for engine in engines
    ]
    sizes = " ".join(map(str, args.rows))
    options = f"--rows {sizes} --repeat {args.repeat} --month-rows {args.month_rows}"
    command = f"python -m benchmarks.build_bench {options}"
    write_report(results, command + (" --postgres URL" if args.postgres else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
