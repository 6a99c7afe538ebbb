"""Warehouse build time: ``taskforce build`` (dbt seed, run and test) on the demo extracts of every agency
grown to N identification rows (benchmarks/scale.py: every other source grows in proportion), on DuckDB
and PostgreSQL.

    python -m benchmarks.build_bench --rows 1000000 --repeat 3 [--postgres URL] [--json FILE]

For each engine and size a fresh warehouse gets every grown extract through the real ingest (timed too:
``load``), then is built:
* full: ``taskforce build --full-refresh``, every model and test from scratch;
* incremental: one new monthly police extract (``--month-rows`` rows; default one month of the grown
  police files) ingested, then ``taskforce build``: the routine rebuild. Each repeat adds the next month.
Every build is split into dbt's work (``elapsed_time`` of dbt's run_results.json: models, seeds and tests)
and the fixed start-up around it (the rest of the wall time: Python and dbt start, project parse, the
registry copy, connections; on DuckDB the snapshot published for the dashboards).
Each figure is the median of ``--repeat`` runs, each run a fresh process; peak RSS is the largest process
of the build (dbt with, on DuckDB, the engine inside it; a PostgreSQL server's memory is not included).
After the full builds it records the disk the warehouse takes (``disk_mb``: the DuckDB file with the
copy published for the dashboards, or the PostgreSQL database).
This script prints its figures (and writes them as JSON with ``--json``, after each stage, so a run cut
short keeps what it measured); ``make bench`` (benchmarks/harness.py) runs it with every other stage
and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import tempfile
from collections.abc import Callable
from pathlib import Path

from benchmarks.common import ROOT, drop_target, duckdb_files, fresh_target, run_cli, summary
from benchmarks.scale import plan, police_month_file, scaled_extracts


def extracts(rows: int, work: Path) -> list[Path]:
    """Every demo extract grown to ``rows`` identification rows (written once per size)."""
    return scaled_extracts(rows, work / f"extracts_{rows}")


def extract_rows(rows: int) -> int:
    """Data rows of every grown extract together."""
    return sum(p.rows for p in plan(rows)[1])


def default_month_rows(rows: int) -> int:
    """One month of the grown police identification files: what a routine monthly batch brings."""
    police = sum(p.rows for p in plan(rows)[1] if p.path.startswith("tnp_identifications_"))
    return max(100, round(police / 60))


def load(url: str, data_dir: Path, paths: list[Path], rows: int) -> dict[str, float]:
    """``taskforce ingest`` of every extract (exit 1: some demo rows quarantined on purpose)."""
    run = run_cli(url, data_dir, "0,1", "ingest", *map(str, paths))
    return {**run, "rows": rows, "rows_per_s": rows / run["seconds"]}


def build(url: str, data_dir: Path, *args: str) -> dict[str, float]:
    """One ``taskforce build``: wall time, dbt's own elapsed time, the start-up around it, peak RSS."""
    results = data_dir / "dbt" / ("postgres" if url.startswith("postgres") else "duckdb") / "target"
    (results / "run_results.json").unlink(missing_ok=True)
    run = run_cli(url, data_dir, "0", "build", *args)
    dbt_s = json.loads((results / "run_results.json").read_text())["elapsed_time"]
    return {**run, "dbt_s": dbt_s, "startup_s": run["seconds"] - dbt_s}


def warehouse_disk_mb(url: str) -> float:
    """Disk the built warehouse takes: the DuckDB file with its published copy for the dashboards, or
    the PostgreSQL database (what an IT officer must provision at this size)."""
    if url.startswith("duckdb"):
        return sum(f.stat().st_size for f in duckdb_files(url) if f.exists()) / 2**20
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("select pg_database_size(current_database())").fetchone()[0] / 2**20


def builds_summary(runs: list[dict[str, float]]) -> dict:
    out: dict = summary([r["seconds"] for r in runs])
    out["dbt_median_s"] = summary([r["dbt_s"] for r in runs])["median_s"]
    out["startup_median_s"] = summary([r["startup_s"] for r in runs])["median_s"]
    out["peak_rss_mb"] = max(r["peak_rss_mb"] for r in runs)
    out["all_s"] = [r["seconds"] for r in runs]
    return out


def full_builds(url: str, data_dir: Path, repeat: int) -> dict:
    return builds_summary([build(url, data_dir, "--full-refresh") for _ in range(repeat)])


def incremental_builds(url: str, data_dir: Path, work: Path, repeat: int, month_rows: int) -> dict:
    """``repeat`` times: one new monthly police extract ingested, then ``taskforce build``."""
    runs = []
    for month in range(1, repeat + 1):
        path = police_month_file(month_rows, work / f"months_{month_rows}", f"2011-{month:02d}")
        run_cli(url, data_dir, "0,1", "ingest", str(path))
        runs.append(build(url, data_dir))
    return {**builds_summary(runs), "month_rows": month_rows}


def measure(
    rows: int,
    engine: str,
    repeat: int,
    work: Path,
    postgres: str | None,
    month_rows: int,
    save: Callable[[dict], None],
) -> dict:
    """Load, full builds, incremental builds; ``save`` gets the result after each stage, so a run cut
    short (a 10M PostgreSQL run takes hours) keeps the stages it finished."""
    url = fresh_target(engine, work, postgres)
    data_dir = work / f"data_{engine}_{rows}"
    result: dict = {"engine": engine, "rows": rows}
    try:
        result["load"] = load(url, data_dir, extracts(rows, work), extract_rows(rows))
        save(result)
        result["full"] = full_builds(url, data_dir, repeat)
        result["disk_mb"] = warehouse_disk_mb(url)
        save(result)
        result["incremental"] = incremental_builds(url, data_dir, work, repeat, month_rows)
        save(result)
    finally:
        drop_target(url, postgres)
    full, incremental = result["full"], result["incremental"]
    print(
        f"{engine:8} {rows:>11,} full {full['median_s']:7.1f} s "
        f"(dbt start-up {full['startup_median_s']:5.1f} s), incremental {incremental['median_s']:7.1f} s, "
        f"peak {full['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--month-rows", type=int, help="rows of each new monthly extract")
    parser.add_argument("--postgres", help="postgresql:// URL of a role that may create databases")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "taskforce-bench")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    engines = ["duckdb", *(["postgres"] if args.postgres else [])]
    done: list[dict] = []

    def save(current: dict) -> None:  # the finished runs and the stages of the current one so far
        if args.json:
            runs = [*done, current]
            args.json.write_text(json.dumps({"root": str(ROOT), "runs": runs}, indent=2) + "\n")

    for rows in args.rows:
        for engine in engines:
            month_rows = args.month_rows or default_month_rows(rows)
            done.append(measure(rows, engine, args.repeat, args.work, args.postgres, month_rows, save))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
