"""Dashboard page time: the server-side time of each page (the eight coordinator pages and the donor's
Indicator reports), from the start of the page's script run to its last element, with the default filter
and a narrow one, on DuckDB and PostgreSQL.

    python -m benchmarks.dashboard_bench [--rows 1000000] [--repeat 20] [--cold 3] [--postgres URL] [--json F]
    python -m benchmarks.dashboard_bench --data-dir DIR [--warehouse-url URL]   # an already built warehouse

Each page runs headless in Streamlit's AppTest (the real script runner, the real queries, the audit log
written for every batch of reads), signed in as a coordinator, exactly as the server runs it for a browser.
A *cold* load is the first after the result cache was cleared (every query goes to the warehouse: the
first visit after a new build); a *warm* load is a new session while the cache holds the page's results
(the usual case: the cache lives until the next build or its TTL). Figures are p50 and p95 over the loads.

The warehouse: by default the demo data ingested and built into a throwaway DuckDB file (or PostgreSQL
database with --postgres); ``--rows N`` grows every demo extract to N identification rows first (every
other source in proportion, benchmarks/scale.py). On PostgreSQL the pages read with the owner's login
unless ``--dashboard-url`` gives a coordinator login (then row-level security is in the measured path too).
This script prints its figures (and writes them, with the process's peak RSS, as JSON with ``--json``);
``make bench`` (benchmarks/harness.py) runs it on the warehouse its build stage made and writes
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT, drop_target, fresh_target, machine
from benchmarks.scale import scaled_extracts
from taskforce.demo_data import write_demo_extracts

PAGES = (
    "overview",
    "identifications",
    "pathway",
    "justice",
    "returns",
    "prevention",
    "coordination",
    "data_health",
    "reports",  # the donor's page: its own report-year choice, so both filters show the same tables
)
FILTERS = {
    "default": {},
    # one year, one NUTS-1 region (İstanbul), one sex: the narrow end of what coordinators ask
    "narrow": {"from": "2008", "to": "2008", "region": "TR1", "sex": "female"},
}
# The page runs under the real gate (on PostgreSQL without a coordinator login, with the owner's), timed
# from the start of its script to its last element: AppTest's own harness (it scans every installed
# package for components on each run, ~0.6 s here) is not part of a page load on the server.
_PAGE = """
import time
from benchmarks import dashboard_bench
from dashboards import auth
if {patch_owner!r}:
    auth.connection_settings = lambda user, base, prefix=None: base
_start = time.perf_counter()
try:
    exec(compile(open({path!r}, encoding="utf-8").read(), {path!r}, "exec"))
finally:
    dashboard_bench.TIMES.append(time.perf_counter() - _start)
"""
TIMES: list[float] = []  # filled by the page runs above


def _cli(env: dict[str, str], *args: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "taskforce.cli", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if done.returncode not in (0, 1):  # ingest: 1 when demo rows are quarantined on purpose
        raise RuntimeError(done.stdout[-3000:] + done.stderr[-3000:])


def build_warehouse(url: str, data_dir: Path, rows: int | None, work: Path) -> None:
    """The demo extracts (grown to ``rows`` identification rows), ingested and built with the CLI."""
    env = {**os.environ, "TASKFORCE_WAREHOUSE_URL": url, "TASKFORCE_DATA_DIR": str(data_dir)}
    paths = scaled_extracts(rows, work / f"extracts_{rows}") if rows else write_demo_extracts(work / "demo")
    _cli(env, "ingest", *map(str, paths))
    _cli(env, "build")


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


def measure_page(page: str, query: dict[str, str], patch_owner: bool) -> float:
    """One load: a new session, signed in, the page's whole script run; seconds."""
    from streamlit.testing.v1 import AppTest

    from dashboards.auth import IDENTITY_KEY, Identity
    from taskforce.users import User

    path = str(ROOT / "dashboards" / "pages" / f"{page}.py")
    app = AppTest.from_string(_PAGE.format(path=path, patch_owner=patch_owner), default_timeout=600)
    app.session_state[IDENTITY_KEY] = Identity(User("bench", "coordinator"), "local", "bench")
    app.query_params.update(query)
    times = importlib.import_module("benchmarks.dashboard_bench").TIMES  # also when run as __main__
    times.clear()
    app.run()
    if len(times) != 1:
        raise RuntimeError(f"{page} {query}: the page's script did not run to its end")
    seconds = times[0]
    shown = app.table if page == "reports" else app.metric  # the donor's page is tables, no metrics
    if app.exception or not shown:
        raise RuntimeError(f"{page} {query}: {[e.message for e in app.exception] or 'no figures shown'}")
    return seconds


def measure(repeat: int, cold: int, patch_owner: bool, pages: tuple[str, ...] = PAGES) -> list[dict]:
    import logging

    import streamlit as st

    for name in (
        "streamlit",
        "streamlit.runtime",
        "streamlit.runtime.scriptrunner_utils.script_run_context",
        "streamlit.runtime.caching.cache_data_api",
    ):
        logging.getLogger(name).setLevel(logging.ERROR)

    results = []
    measure_page("overview", {}, patch_owner)  # imports and the first connection, outside the figures
    for page in pages:
        for name, query in FILTERS.items():
            colds = []
            for _ in range(cold):
                st.cache_data.clear()
                colds.append(measure_page(page, query, patch_owner))
            warms = [measure_page(page, query, patch_owner) for _ in range(repeat)]
            result = {
                "page": page,
                "filter": name,
                "cold_p50_s": statistics.median(colds),
                "cold_max_s": max(colds),
                "warm_p50_s": statistics.median(warms),
                "warm_p95_s": _percentile(warms, 0.95),
                "loads": len(colds) + len(warms),
            }
            print(
                f"{page:16} {name:8} cold p50 {result['cold_p50_s']:6.3f} s  warm p50 "
                f"{result['warm_p50_s']:6.3f} s"
                f"  p95 {result['warm_p95_s']:6.3f} s",
                flush=True,
            )
            results.append(result)
    return results


def identification_rows(url: str, data_dir: Path) -> int:
    from taskforce.settings import load_settings
    from taskforce.warehouse import connect

    settings = load_settings({"TASKFORCE_WAREHOUSE_URL": url, "TASKFORCE_DATA_DIR": str(data_dir)})
    with connect(settings, read_only=settings.engine == "duckdb") as wh:
        return int(wh.frame("select count(*) from marts.fct_identifications").iloc[0, 0])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, help="grow the demo extracts to this many identification rows")
    parser.add_argument("--repeat", type=int, default=20, help="warm loads per page and filter (default 20)")
    parser.add_argument("--cold", type=int, default=3, help="cold loads per page and filter (default 3)")
    parser.add_argument("--postgres", help="measure PostgreSQL: a URL whose role may create databases")
    parser.add_argument("--data-dir", type=Path, help="use the warehouse already built in this data folder")
    parser.add_argument(
        "--warehouse-url", help="with --data-dir: its warehouse URL (default: its DuckDB file)"
    )
    parser.add_argument("--dashboard-url", help="PostgreSQL: a coordinator login for the pages' reads")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--pages", nargs="+", choices=PAGES, help="only these pages (default: every page)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="dashboard_bench_") as tmp:
        work = Path(tmp)
        made = None
        if args.data_dir:
            data_dir = args.data_dir.resolve()
            url = args.warehouse_url or f"duckdb:///{data_dir / 'warehouse.duckdb'}"
        else:
            data_dir = work / "data"
            data_dir.mkdir(parents=True)
            if args.postgres:
                url = made = fresh_target("postgres", work, args.postgres)
            else:  # the build publishes warehouse.serving.duckdb beside it, for the pages
                url = f"duckdb:///{data_dir / 'warehouse.duckdb'}"
            print(f"building the demo warehouse ({args.rows or 'demo'} identification rows) ...", flush=True)
            build_warehouse(url, data_dir, args.rows, work)
        try:
            os.environ.update({"TASKFORCE_WAREHOUSE_URL": url, "TASKFORCE_DATA_DIR": str(data_dir)})
            os.environ.pop("TASKFORCE_DASHBOARD_URL_COORDINATOR", None)
            patch_owner = url.startswith("postgres") and not args.dashboard_url
            if args.dashboard_url:
                os.environ["TASKFORCE_DASHBOARD_URL_COORDINATOR"] = args.dashboard_url
            pages = measure(args.repeat, args.cold, patch_owner, tuple(args.pages or PAGES))
            run = {
                "engine": "postgres" if url.startswith("postgres") else "duckdb",
                "identification_rows": identification_rows(url, data_dir),
                "when": time.strftime("%Y-%m-%d"),
                "repeat": args.repeat,
                "cold": args.cold,
                "pages": pages,
            }
        finally:
            if made:
                drop_target(made, args.postgres)
    run["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    run["machine"] = machine()
    if args.json:
        args.json.write_text(json.dumps(run, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
