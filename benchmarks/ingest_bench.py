"""Ingest throughput and memory: ``taskforce ingest`` against the naive way and the engine's limit,
on the same file in the same run, on DuckDB and PostgreSQL.

    python -m benchmarks.ingest_bench --rows 100000 1000000 --repeat 3 [--postgres URL] [--json FILE]

Every measurement runs in a fresh process (so peak RSS is that stage's alone) and is repeated; the
result gives median, min and max. References, on the same file:
* naive: pandas ``read_csv`` then ``to_sql`` (PostgreSQL, through SQLAlchemy) or DuckDB's DataFrame
  insert: what an analyst's script does, with no checks at all;
* limit: PostgreSQL ``COPY`` of the file into an unconstrained text table: server-side ``COPY ... FROM
  'file'`` when the role may read server files (superuser or ``pg_read_server_files``), otherwise the
  file's bytes streamed by the client (``COPY ... FROM STDIN``); DuckDB ``read_csv`` straight into a
  table: parsing and loading, nothing else. Which COPY was used is in each result (``limit_method``).
This script prints its figures (and writes them as JSON with ``--json``); ``make bench`` (benchmarks/
harness.py) runs it with every other stage and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import textwrap
from pathlib import Path

from benchmarks.common import ROOT, drop_target, fresh_target, run_measured
from benchmarks.scale import police_file

_INGEST = """
import json, resource, sys, time
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
print(json.dumps({"seconds": seconds, "rows": r.rows_read, "peak_rss_kb": sum(u.ru_maxrss for u in usage),
                  # CPU seconds of the ingest process and of its side-check process: steadier than wall
                  # time on a shared machine
                  "cpu_main_s": usage[0].ru_utime + usage[0].ru_stime,
                  "cpu_side_s": usage[1].ru_utime + usage[1].ru_stime}))
"""

_NAIVE = """
import json, resource, sys, time
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
print(json.dumps({"seconds": time.perf_counter() - start, "rows": len(frame),
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

_LIMIT = """
import json, resource, sys, time
start = time.perf_counter()
if sys.argv[1].startswith("postgres"):
    import psycopg
    from psycopg import sql
    options = "(format csv, delimiter ';', header true, encoding 'WIN1254')"
    table = "create table limit_identifications (" + ", ".join(f"c{i} text" for i in range(11)) + ")"
    with psycopg.connect(sys.argv[1]) as con, con.cursor() as cur:
        cur.execute("drop table if exists limit_identifications")
        cur.execute(table)
        # the server reads the file itself when the role may (superuser or pg_read_server_files) and
        # the server sees the file (same machine): pg_stat_file answers both
        try:
            cur.execute("select pg_stat_file(%s)", (sys.argv[2],))
            server_side = True
        except psycopg.Error:
            con.rollback()  # the table goes too: same transaction
            cur.execute(table)
            server_side = False
        if server_side:
            method = "PostgreSQL server-side COPY FROM the file"
            copy_file = sql.SQL("copy limit_identifications from {} " + options)
            cur.execute(copy_file.format(sql.Literal(sys.argv[2])))
        else:  # the client streams the file's bytes
            method = (
                "PostgreSQL COPY FROM STDIN, the client streaming the file (server-side COPY FROM the file "
                "needs superuser or pg_read_server_files, which this role does not have, or the file is not "
                "on the server's machine)"
            )
            with cur.copy("copy limit_identifications from stdin " + options) as copy:
                with open(sys.argv[2], "rb") as f:
                    while block := f.read(1 << 20):
                        copy.write(block)
        rows = cur.execute("select count(*) from limit_identifications").fetchone()[0]
else:
    import duckdb
    method = "DuckDB read_csv"
    con = duckdb.connect(sys.argv[1].removeprefix("duckdb:///"))
    con.execute(f"create or replace table limit_identifications as select * from read_csv('{sys.argv[2]}', "
                "delim=';', header=true, all_varchar=true, encoding='latin-1')")
    rows = con.execute("select count(*) from limit_identifications").fetchone()[0]
    con.close()
print(json.dumps({"seconds": time.perf_counter() - start, "rows": rows, "method": method,
                  "peak_rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""
STAGES = {"taskforce": _INGEST, "naive": _NAIVE, "limit": _LIMIT}


def measure(
    rows: int, engine: str, repeat: int, work: Path, postgres: str | None, with_naive: bool = True
) -> dict:
    """``taskforce ingest``, naive and limit on the same ``rows``-row police file, ``repeat`` times each."""
    path = police_file(rows, work / f"rows_{rows}")
    result: dict = {"engine": engine, "rows": rows, "file_mb": path.stat().st_size / 1e6}
    for stage, script in STAGES.items():
        if stage == "naive" and not with_naive:
            continue
        runs = []
        for _ in range(repeat):
            url = fresh_target(engine, work, postgres)
            try:
                runs.append(run_measured(script, url, str(path), str(work / "data"), timeout=4 * 3600))
            finally:
                drop_target(url, postgres)
        seconds = [r["seconds"] for r in runs]
        result[stage] = {
            "median_s": statistics.median(seconds),
            "min_s": min(seconds),
            "max_s": max(seconds),
            "rows_per_s": rows / statistics.median(seconds),
            "runs": len(runs),
            "peak_rss_mb": max(r["peak_rss_kb"] for r in runs) / 1024,
            "all_s": seconds,
        }
        for cpu in ("cpu_main_s", "cpu_side_s"):
            if all(cpu in r for r in runs):
                result[stage][cpu] = statistics.median(r[cpu] for r in runs)
        if stage == "limit":
            result["limit_method"] = runs[-1]["method"]
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=textwrap.dedent(__doc__ or ""), formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--postgres", help="postgresql:// URL of a role that may create databases")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "taskforce-bench")
    parser.add_argument("--naive-up-to", type=int, help="skip the naive reference above this many rows")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    engines = ["duckdb", *(["postgres"] if args.postgres else [])]
    results = [
        measure(rows, engine, args.repeat, args.work, args.postgres, rows <= (args.naive_up_to or rows))
        for rows in args.rows
        for engine in engines
    ]
    if args.json:
        args.json.write_text(json.dumps({"root": str(ROOT), "runs": results}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
