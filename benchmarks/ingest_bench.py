"""Ingest throughput and memory: ``taskforce ingest`` against the naive way and the engine's limit,
on the same file in the same run, on DuckDB and PostgreSQL.

    python -m benchmarks.ingest_bench --rows 100000 1000000 --repeat 3 [--postgres URL]

Every measurement runs in a fresh process (so peak RSS is that stage's alone) and is repeated; the
report gives median, min and max. References, on the same file:
* naive: pandas ``read_csv`` then ``to_sql`` (PostgreSQL, through SQLAlchemy) or DuckDB's DataFrame
  insert: what an analyst's script does, with no checks at all;
* limit: PostgreSQL ``COPY`` of the file's bytes into an unconstrained text table (client stream),
  DuckDB ``read_csv`` straight into a table: parsing and loading, nothing else.
Results go to docs/benchmarks/ingest.json and a section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import uuid
from pathlib import Path

from benchmarks.scale import police_file

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "docs" / "benchmarks" / "ingest.json"

_INGEST = """
import resource, sys, time
from pathlib import Path
from taskforce.settings import load_settings
from taskforce.warehouse import connect
from ingest.run import ingest_file
s = load_settings({"TASKFORCE_WAREHOUSE_URL": sys.argv[1], "TASKFORCE_DATA_DIR": sys.argv[3]})
start = time.perf_counter()
with connect(s) as wh:
    r = ingest_file(wh, Path(sys.argv[2]))
assert r.outcome == "loaded", r.message
seconds = time.perf_counter() - start
from ingest.side_checks import stop
stop()  # the side-check process's peak counts too: it is a child, measured once it has exited
usage = [resource.getrusage(who) for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)]
peak = sum(u.ru_maxrss for u in usage)
print(seconds, r.rows_read, peak, *(u.ru_utime + u.ru_stime for u in usage))  # CPU s: ingest, side process
"""

_NAIVE = """
import resource, sys, time
import pandas as pd
start = time.perf_counter()
frame = pd.read_csv(sys.argv[2], sep=";", encoding="cp1254", dtype=str, keep_default_na=False)
if sys.argv[1].startswith("postgres"):
    import sqlalchemy as sa
    engine = sa.create_engine(sys.argv[1].replace("postgresql://", "postgresql+psycopg://"))
    frame.to_sql("naive_identifications", engine, if_exists="replace", index=False, chunksize=10_000)
else:
    import duckdb
    con = duckdb.connect(sys.argv[1].removeprefix("duckdb:///"))
    con.execute("create or replace table naive_identifications as select * from frame")
    con.close()
print(time.perf_counter() - start, len(frame), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""

_LIMIT = """
import resource, sys, time
start = time.perf_counter()
if sys.argv[1].startswith("postgres"):
    import psycopg
    with psycopg.connect(sys.argv[1]) as con, con.cursor() as cur:
        cur.execute("drop table if exists limit_identifications")
        cur.execute("create table limit_identifications (" + ", ".join(f"c{i} text" for i in range(11)) + ")")
        with cur.copy("copy limit_identifications from stdin (format csv, delimiter ';', header true, "
                      "encoding 'WIN1254')") as copy, open(sys.argv[2], "rb") as f:
            while block := f.read(1 << 20):
                copy.write(block)
        rows = cur.execute("select count(*) from limit_identifications").fetchone()[0]
else:
    import duckdb
    con = duckdb.connect(sys.argv[1].removeprefix("duckdb:///"))
    con.execute(f"create or replace table limit_identifications as select * from read_csv('{sys.argv[2]}', "
                "delim=';', header=true, all_varchar=true, encoding='latin-1')")
    rows = con.execute("select count(*) from limit_identifications").fetchone()[0]
    con.close()
print(time.perf_counter() - start, rows, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def _run(script: str, url: str, path: Path, data_dir: Path) -> dict[str, float]:
    out = subprocess.run(
        [sys.executable, "-c", script, url, str(path), str(data_dir)],
        cwd=ROOT,
        text=True,
        capture_output=True,
        check=False,
        timeout=3600,
    )
    if out.returncode != 0:
        raise RuntimeError(out.stderr[-2000:])
    seconds, rows, rss_kb, *cpu = out.stdout.strip().splitlines()[-1].split()
    run = {"seconds": float(seconds), "rows": int(rows), "peak_rss_mb": int(rss_kb) / 1024}
    if cpu:  # CPU seconds of the ingest process and of its side-check process: steadier than wall time
        run["cpu_main_s"], run["cpu_side_s"] = map(float, cpu)  # on a shared machine
    return run


def _fresh_target(engine: str, work: Path, postgres: str | None) -> str:
    if engine == "duckdb":
        path = work / f"{uuid.uuid4().hex}.duckdb"
        return f"duckdb:///{path}"
    import psycopg

    assert postgres
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"create database {name}")
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def _drop_target(url: str, postgres: str | None) -> None:
    if url.startswith("duckdb"):
        Path(url.removeprefix("duckdb:///")).unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")


def measure(
    rows: int, engine: str, repeat: int, work: Path, postgres: str | None, with_naive: bool = True
) -> dict:
    path = police_file(rows, work / f"rows_{rows}")
    stages = {"taskforce": _INGEST, "naive": _NAIVE, "limit": _LIMIT}
    if not with_naive:
        del stages["naive"]
    result: dict = {"engine": engine, "rows": rows, "file_mb": path.stat().st_size / 1e6}
    for stage, script in stages.items():
        runs = []
        for _ in range(repeat):
            url = _fresh_target(engine, work, postgres)
            try:
                runs.append(_run(script, url, path, work / "data"))
            finally:
                _drop_target(url, postgres)
        seconds = [r["seconds"] for r in runs]
        result[stage] = {
            "median_s": statistics.median(seconds),
            "min_s": min(seconds),
            "max_s": max(seconds),
            "rows_per_s": rows / statistics.median(seconds),
            "runs": len(runs),
            "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        }
        for cpu in ("cpu_main_s", "cpu_side_s"):
            if all(cpu in r for r in runs):
                result[stage][cpu] = statistics.median(r[cpu] for r in runs)
        print(
            f"{engine:8} {rows:>10,} {stage:9} median {statistics.median(seconds):7.2f} s "
            f"{rows / statistics.median(seconds):>10,.0f} rows/s  "
            f"peak {result[stage]['peak_rss_mb']:,.0f} MB"
            + (
                f"  cpu {result[stage]['cpu_main_s']:.2f} s + side {result[stage]['cpu_side_s']:.2f} s"
                if "cpu_main_s" in result[stage]
                else ""
            ),
            flush=True,
        )
    if "naive" in result:
        result["ratio_to_naive"] = result["naive"]["median_s"] / result["taskforce"]["median_s"]
    result["share_of_limit"] = result["limit"]["median_s"] / result["taskforce"]["median_s"]
    return result


def machine() -> str:
    cpus = subprocess.run(["nproc"], text=True, capture_output=True, check=False).stdout.strip()
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    gigabytes = int(memory) / 1024**2
    return f"{platform.machine()}, {cpus} cores, {gigabytes:.0f} GB, Python {platform.python_version()}"


def markdown(results: list[dict]) -> str:
    commands = sorted({r["command"] for r in results})
    lines = [
        "## Ingest",
        "",
        f"Machine: {machine()}. Commands: {', '.join(f'`{c}`' for c in commands)}. Each figure is the "
        "median of the runs (fresh process each; min-max in brackets; every run in "
        "`docs/benchmarks/ingest.json`). File: the demo police identifications extract grown to N rows "
        "(windows-1254, `;`, DD.MM.YYYY, 11 columns, about 2% broken rows that are quarantined).",
        "",
        "| engine | rows | taskforce ingest | rows/s | naive (pandas) | limit (COPY / read_csv) | "
        "× naive | share of limit | peak RSS ingest (both processes) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        t, lim = r["taskforce"], r["limit"]
        naive = f"{r['naive']['median_s']:.2f} s" if "naive" in r else "not run"
        ratio = f"{r['ratio_to_naive']:.1f}×" if "naive" in r else "–"
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | {t['median_s']:.2f} s ({t['min_s']:.2f}-{t['max_s']:.2f}) | "
            f"{t['rows_per_s']:,.0f} | {naive} | {lim['median_s']:.2f} s | "
            f"{ratio} | {r['share_of_limit']:.0%} | {t['peak_rss_mb']:,.0f} MB |"
        )
    return "\n".join(lines) + "\n"


def _merged(results: list[dict], command: str) -> list[dict]:
    """This run's results merged into the stored ones (a size measured again replaces the old figure),
    so the quick sizes and the long 10M run can come from separate commands."""
    stored = json.loads(RESULTS.read_text()).get("runs", []) if RESULTS.exists() else []
    fresh = {(r["engine"], r["rows"]) for r in results}
    runs = [r for r in stored if (r["engine"], r["rows"]) not in fresh]
    runs += [{**r, "command": command} for r in results]
    return sorted(runs, key=lambda r: (r["rows"], r["engine"]))


def write_report(results: list[dict], command: str) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    runs = _merged(results, command)
    RESULTS.write_text(json.dumps({"machine": machine(), "runs": runs}, indent=2) + "\n")
    doc = ROOT / "docs" / "benchmarks.md"
    text = (
        doc.read_text()
        if doc.exists()
        else "# Benchmarks\n\nSpeed is measured by scripts in `benchmarks/`, never by tests.\n\n"
    )
    section = markdown(runs)
    if "## Ingest" in text:
        start = text.index("## Ingest")
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text += "\n" + section
    doc.write_text(text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=textwrap.dedent(__doc__ or ""))
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="postgresql:// URL of a role that may create databases")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "taskforce-bench")
    parser.add_argument(
        "--naive-up-to", type=int, default=1_000_000, help="skip the naive reference above this many rows"
    )
    args = parser.parse_args(argv)
    engines = ["duckdb", *(["postgres"] if args.postgres else [])]
    results = [
        measure(rows, engine, args.repeat, args.work, args.postgres, rows <= args.naive_up_to)
        for rows in args.rows
        for engine in engines
    ]
    command = "python -m benchmarks.ingest_bench " + " ".join(
        [
            "--rows",
            *map(str, args.rows),
            "--repeat",
            str(args.repeat),
            *(["--postgres", "URL"] if args.postgres else []),
        ]
    )
    write_report(results, command)
    return 0


if __name__ == "__main__":
    sys.exit(main())
