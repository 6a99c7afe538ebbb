"""One benchmark run of every stage, on DuckDB and PostgreSQL, written to docs/benchmarks.md.

    make bench          # quick: python -m benchmarks.harness --mode quick   (a few minutes)
    make bench-full     # full:  python -m benchmarks.harness --mode full    (100k, 1M and 10M rows: hours)
    python -m benchmarks.harness --mode full --list                         # the plan only, nothing run

Stages, each measured for every size and engine in the same run:
1. ingest: ``taskforce ingest`` of the police identifications file grown to N rows, against the naive
   way (pandas) and the engine's limit (COPY / read_csv) on the same file (benchmarks/ingest_bench.py);
2. build: every demo extract grown to N identification rows (other sources in proportion,
   benchmarks/scale.py) loaded, then ``taskforce build --full-refresh``; later one new monthly police
   batch and ``taskforce build`` (the incremental rebuild); each split into dbt's start-up and its work
   (benchmarks/build_bench.py);
3. dashboards: every page, default and narrow filter, cold and warm loads, on the built warehouse
   (benchmarks/dashboard_bench.py);
4. report: ``taskforce report --period 2010 --format all`` on the built warehouse
   (benchmarks/report_bench.py);
5. peak memory (RSS) of every stage, from the same runs.

PostgreSQL is measured when a URL is given (``--postgres`` or $TASKFORCE_BENCH_POSTGRES_URL: a role that
may create databases; each warehouse is a new database ``bench_h...``, dropped afterwards); otherwise
its rows say "not measured". Results: ``docs/benchmarks/<mode>.json`` (every run) and the part of
docs/benchmarks.md between the markers of that mode; the rest of the file (hand-written analysis) is
kept. A quick run never touches the full run's figures. The targets of the issues are checked against
the figures of the run.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import traceback
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import build_bench, dashboard_bench, ingest_bench, report_bench
from benchmarks.common import (
    POSTGRES_ENV,
    ROOT,
    drop_target,
    fresh_target,
    machine_facts,
    postgres_version,
    replace_marked,
)
from benchmarks.scale import demo_identification_rows, plan
from taskforce.demo_data import demo_extracts

ENGINES = ("duckdb", "postgres")
STAGES = ("ingest", "build", "dashboards", "report", "memory")
GB = 1024  # MB
HEADER = (
    "# Benchmarks\n\nSpeed is measured by scripts in `benchmarks/`, never by tests. "
    "`make bench` (quick) and `make bench-full` write the generated parts of this file.\n"
)


@dataclass(frozen=True)
class Plan:
    mode: str
    ingest_rows: tuple[int, ...]  # police identifications file
    warehouse_rows: tuple[int, ...]  # identification rows of the grown extract set
    ingest_repeat: int
    build_repeat: int
    report_repeat: int
    warm_loads: int  # per page and filter
    cold_loads: int
    naive_up_to: int | None = None  # no naive reference above this many rows (None: at every size)


MODES = {
    # ingest at 100k (seconds a run); the warehouse stages at about 9x the demo: a build's fixed cost
    # (about 1,300 dbt nodes) dominates there, so a smaller size would not make the run much shorter
    "quick": Plan("quick", (100_000,), (10_000,), 3, 1, 1, 3, 1),
    "full": Plan("full", (100_000, 1_000_000, 10_000_000), (100_000, 1_000_000, 10_000_000), 3, 3, 3, 20, 3),
}


# ---------------------------------------------------------------------------------------------- running


def _failure(exc: BaseException) -> str:
    """A short reason for the report: the last lines of what failed (benchmark data is synthetic)."""
    text = str(exc).strip() or type(exc).__name__
    lines = [line for line in text.splitlines() if line.strip()]
    return " / ".join(lines[-3:])[:400]


def _stage(name: str, engine: str, rows: int, run: Callable[[], dict]) -> dict:
    print(f"[{time.strftime('%H:%M:%S')}] {name:10} {engine:8} {rows:>11,} ...", flush=True)
    start = time.perf_counter()
    try:
        result = {"engine": engine, "rows": rows, "status": "measured", **run()}
    except Exception as exc:
        traceback.print_exc()
        result = {"engine": engine, "rows": rows, "status": "failed", "error": _failure(exc)}
    result["stage_wall_s"] = time.perf_counter() - start
    print(f"[{time.strftime('%H:%M:%S')}] {name:10} {engine:8} {rows:>11,} {result['status']}", flush=True)
    return result


def _not_measured(engine: str, rows: int, why: str) -> dict:
    return {"engine": engine, "rows": rows, "status": "not measured", "why": why}


def _dashboards(url: str, data_dir: Path, warm: int, cold: int) -> dict:
    """The pages in a process of their own (its peak RSS is the stage's), on the built warehouse."""
    with tempfile.NamedTemporaryFile(suffix=".json", prefix="bench_h_pages_") as out:
        done = subprocess.run(
            [
                sys.executable,
                "-m",
                "benchmarks.dashboard_bench",
                "--data-dir",
                str(data_dir),
                "--warehouse-url",
                url,
                "--repeat",
                str(warm),
                "--cold",
                str(cold),
                "--json",
                out.name,
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=12 * 3600,
        )
        if done.returncode != 0:
            raise RuntimeError(done.stderr[-2500:])
        run = json.loads(Path(out.name).read_text())
    pages = run["pages"]
    return {
        "identification_rows_in_marts": run["identification_rows"],
        "warm_loads": warm,
        "cold_loads": cold,
        "pages": pages,
        "worst_warm_p95_s": max(p["warm_p95_s"] for p in pages),
        "worst_cold_p50_s": max(p["cold_p50_s"] for p in pages),
        "peak_rss_mb": run["peak_rss_mb"],
    }


def _warehouse_stages(p: Plan, engine: str, rows: int, work: Path, postgres: str | None) -> list[dict]:
    """Build, dashboards, report on one fresh warehouse: load, full builds, pages, report, incremental."""
    found: dict[str, dict] = {}
    url = fresh_target(engine, work, postgres)
    data_dir = work / f"data_{engine}_{rows}_{uuid.uuid4().hex[:6]}"
    month_rows = build_bench.default_month_rows(rows)
    try:

        def build() -> dict:
            paths = build_bench.extracts(rows, work)
            loaded = build_bench.load(url, data_dir, paths, build_bench.extract_rows(rows))
            return {"load": loaded, "full": build_bench.full_builds(url, data_dir, p.build_repeat)}

        found["build"] = _stage("build", engine, rows, build)
        if found["build"]["status"] != "measured":
            why = "not run: the build failed"
            return [found["build"], *(_not_measured(engine, rows, why) for _ in ("dashboards", "report"))]
        found["dashboards"] = _stage(
            "dashboards", engine, rows, lambda: _dashboards(url, data_dir, p.warm_loads, p.cold_loads)
        )
        found["report"] = _stage(
            "report", engine, rows, lambda: report_bench.measure(url, data_dir, p.report_repeat)
        )
        incremental = _stage(
            "increment",
            engine,
            rows,
            lambda: build_bench.incremental_builds(url, data_dir, work, p.build_repeat, month_rows),
        )
        found["build"]["incremental"] = (
            {k: v for k, v in incremental.items() if k not in ("engine", "rows", "status")}
            if incremental["status"] == "measured"
            else {"status": "failed", "error": incremental.get("error", ""), "month_rows": month_rows}
        )
        return [found["build"], found["dashboards"], found["report"]]
    finally:
        drop_target(url, postgres)
        shutil.rmtree(data_dir, ignore_errors=True)


def run(p: Plan, engines: list[str], postgres: str | None, work: Path) -> dict:
    started = datetime.now(UTC)
    clock = time.perf_counter()
    facts = machine_facts()
    results: dict[str, list[dict]] = {"ingest": [], "build": [], "dashboards": [], "report": []}
    pg_why = "" if postgres else f"not measured: no PostgreSQL URL (--postgres or ${POSTGRES_ENV})"
    for rows in p.ingest_rows:
        for engine in ENGINES:
            if engine not in engines or (engine == "postgres" and not postgres):
                results["ingest"].append(_not_measured(engine, rows, pg_why or "engine not selected"))
                continue
            naive = p.naive_up_to is None or rows <= p.naive_up_to
            results["ingest"].append(
                _stage(
                    "ingest",
                    engine,
                    rows,
                    lambda r=rows, e=engine, n=naive: ingest_bench.measure(
                        r, e, p.ingest_repeat, work, postgres, n
                    ),
                )
            )
    for rows in p.warehouse_rows:
        for engine in ENGINES:
            if engine not in engines or (engine == "postgres" and not postgres):
                for stage in ("build", "dashboards", "report"):
                    results[stage].append(_not_measured(engine, rows, pg_why or "engine not selected"))
                continue
            build, pages, report = _warehouse_stages(p, engine, rows, work, postgres)
            build["extract_rows"] = build_bench.extract_rows(rows)
            results["build"].append(build)
            results["dashboards"].append(pages)
            results["report"].append(report)
    results["memory"] = memory_rows(results)
    facts["load_average_end"] = [round(x, 2) for x in os.getloadavg()]
    return {
        "mode": p.mode,
        "plan": asdict(p),
        "started": started.isoformat(timespec="seconds"),
        "wall_s": time.perf_counter() - clock,
        "machine": facts,
        "postgres": _postgres_facts(postgres) if postgres and "postgres" in engines else pg_why,
        "demo_identification_rows": demo_identification_rows(),
        "stages": results,
        "targets": targets(results),
    }


def _postgres_facts(url: str) -> dict[str, str]:
    host = url.split("@", 1)[-1].split("/", 1)[0]  # never the user or password
    try:
        return {"server_version": postgres_version(url), "host": host}
    except Exception as exc:
        return {"server_version": f"unknown ({type(exc).__name__})", "host": host}


def memory_rows(results: dict[str, list[dict]]) -> list[dict]:
    """Peak RSS of every stage, by engine and size, from the stages' own runs."""
    by_key: dict[tuple[str, int], dict] = {}

    def cell(engine: str, rows: int) -> dict:
        return by_key.setdefault((engine, rows), {"engine": engine, "rows": rows})

    for r in results["ingest"]:
        if r["status"] == "measured":
            row = cell(r["engine"], r["rows"])
            for part in ("taskforce", "naive", "limit"):
                if part in r:
                    row[f"ingest_{part}_mb"] = r[part]["peak_rss_mb"]
    for r in results["build"]:
        if r["status"] == "measured":
            row = cell(r["engine"], r["rows"])
            row["load_mb"] = r["load"]["peak_rss_mb"]
            row["full_build_mb"] = r["full"]["peak_rss_mb"]
            if "peak_rss_mb" in r.get("incremental", {}):
                row["incremental_build_mb"] = r["incremental"]["peak_rss_mb"]
    for stage, key in (("dashboards", "dashboards_mb"), ("report", "report_mb")):
        for r in results[stage]:
            if r["status"] == "measured":
                cell(r["engine"], r["rows"])[key] = r["peak_rss_mb"]
    return sorted(by_key.values(), key=lambda r: (r["rows"], ENGINES.index(r["engine"])))


# ---------------------------------------------------------------------------------------------- targets


def _find(records: list[dict], engine: str, rows: int) -> dict | None:
    for r in records:
        if r["engine"] == engine and r["rows"] == rows and r["status"] == "measured":
            return r
    return None


def _target(
    text: str,
    records: list[dict],
    rows: int,
    engines: tuple[str, ...],
    value: Callable[[dict], float | None],
    ok: Callable[[float], bool],
    show: Callable[[float], str],
) -> dict:
    """Met when every engine's figure at ``rows`` passes; not met when any measured one fails; otherwise
    (a figure missing, none failing) not measured."""
    parts, verdicts = [], []
    for engine in engines:
        r = _find(records, engine, rows)
        figure = value(r) if r else None
        if figure is None:
            parts.append(f"{engine}: not measured")
            verdicts.append(None)
        else:
            parts.append(f"{engine}: {show(figure)}")
            verdicts.append(ok(figure))
    met = False if False in verdicts else (None if None in verdicts else True)
    return {"target": text, "rows": rows, "measured": "; ".join(parts), "met": met}


def targets(results: dict[str, list[dict]]) -> list[dict]:
    ingest, build, pages = results["ingest"], results["build"], results["dashboards"]
    both = ENGINES
    return [
        _target(
            "ingest ≥ 100k rows/s at 1M rows, both engines",
            ingest,
            1_000_000,
            both,
            lambda r: r["taskforce"]["rows_per_s"],
            lambda v: v >= 100_000,
            lambda v: f"{v / 1000:,.1f}k rows/s",
        ),
        _target(
            "ingest ≥ 4× the naive way at 1M rows, both engines",
            ingest,
            1_000_000,
            both,
            lambda r: r.get("ratio_to_naive"),
            lambda v: v >= 4,
            lambda v: f"{v:.1f}×",
        ),
        _target(
            "ingest ≥ ⅓ of the limit (COPY / read_csv) at 1M rows, both engines",
            ingest,
            1_000_000,
            both,
            lambda r: r["share_of_limit"],
            lambda v: v >= 1 / 3,
            lambda v: f"{v:.0%} of the limit",
        ),
        _target(
            "peak ingest memory < 1.5 GB at 10M rows, both engines",
            ingest,
            10_000_000,
            both,
            lambda r: r["taskforce"]["peak_rss_mb"],
            lambda v: v < 1.5 * GB,
            lambda v: f"{v / GB:.2f} GB",
        ),
        _target(
            "incremental build after one monthly batch at 10M rows < 60 s on DuckDB",
            build,
            10_000_000,
            ("duckdb",),
            lambda r: r.get("incremental", {}).get("median_s"),
            lambda v: v < 60,
            lambda v: f"{v:.1f} s",
        ),
        _target(
            "every dashboard page p95 < 2 s at 1M rows (warm loads, both filters), both engines",
            pages,
            1_000_000,
            both,
            lambda r: r["worst_warm_p95_s"],
            lambda v: v < 2,
            lambda v: f"slowest page p95 {v:.2f} s",
        ),
    ]


# ---------------------------------------------------------------------------------------------- report


def _s(value: float) -> str:
    return f"{value:,.2f} s" if value < 100 else f"{value:,.0f} s"


def _mb(value: float | None) -> str:
    return "–" if value is None else f"{value:,.0f} MB"


def _spread(part: dict) -> str:
    if part.get("runs", 0) < 2:
        return _s(part["median_s"])
    return f"{_s(part['median_s'])} ({_s(part['min_s'])}–{_s(part['max_s'])})"


def _skipped(r: dict, columns: int) -> str:
    why = r.get("why") or f"failed: {r.get('error', '')}"
    return f"| {r['engine']} | {r['rows']:,} | {why} |" + " |" * (columns - 3)


def _duration(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes} min" if hours else f"{minutes} min {rest} s"


def render(result: dict, json_name: str, command: str) -> str:
    """The generated part of docs/benchmarks.md for one run."""
    p, m, st = result["plan"], result["machine"], result["stages"]
    title = {"quick": "Quick run (`make bench`)", "full": "Full run (`make bench-full`)"}.get(
        result["mode"], f"{result['mode']} run"
    )
    pg = result["postgres"]
    pg_text = (
        f"PostgreSQL {pg['server_version']} on {pg['host']}" if isinstance(pg, dict) else f"PostgreSQL {pg}"
    )
    limit_methods = sorted({r["limit_method"] for r in st["ingest"] if r.get("limit_method")})
    lines = [
        f"## {title}",
        "",
        f"Run of {result['started'][:16].replace('T', ' ')} UTC, {_duration(result['wall_s'])} in all. "
        f"Command: `{command}`. Machine: {m['summary']} ({m.get('cpu', 'cpu unknown')}); load average "
        f"{m['load_average'][0]:.1f} at the start, {m['load_average_end'][0]:.1f} at the end (other work "
        f"shares the machine when it is above zero). {pg_text}. Versions: "
        + ", ".join(f"{k} {v}" for k, v in m["versions"].items())
        + f". Every figure below comes from this one run; every run's raw figures are in "
        f"`{json_name}`. Median of the runs (min–max in brackets); each run a fresh process.",
        "",
        "### Targets",
        "",
        "Computed from the figures below; a target at a size this run did not measure says so.",
        "",
        "| target | measured | met? |",
        "|---|---|---|",
    ]
    for t in result["targets"]:
        met = {True: "**met**", False: "**not met**", None: "not measured"}[t["met"]]
        lines.append(f"| {t['target']} | {t['measured']} | {met} |")
    lines += [
        "",
        "### 1. Ingest",
        "",
        f"`taskforce ingest` of the police identifications extract grown to N rows (windows-1254, `;`, "
        f"DD.MM.YYYY, 11 columns, about 2% broken rows that are quarantined; every row a new person), "
        f"runs: {p['ingest_repeat']} of each, against two references on the same file in the same run: "
        f"naive = pandas `read_csv` + `to_sql` (PostgreSQL) or the DataFrame put into DuckDB, no checks; "
        f"limit = {'; '.join(limit_methods) or 'COPY / read_csv'}, into an unconstrained table. "
        f"× naive = naive time / taskforce time; share of limit = limit time / taskforce time. Peak RSS: the "
        f"ingest process and its side-check process together.",
        "",
        "| engine | rows | taskforce ingest | rows/s | naive | limit | × naive | share of limit | peak RSS |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in st["ingest"]:
        if r["status"] != "measured":
            lines.append(_skipped(r, 9))
            continue
        t, lim = r["taskforce"], r["limit"]
        naive = _spread(r["naive"]) if "naive" in r else "not run"
        ratio = f"{r['ratio_to_naive']:.1f}×" if "ratio_to_naive" in r else "–"
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | {_spread(t)} | {t['rows_per_s']:,.0f} | {naive} | "
            f"{_spread(lim)} | {ratio} | {r['share_of_limit']:.0%} | {_mb(t['peak_rss_mb'])} |"
        )
    month = next((r["incremental"].get("month_rows") for r in st["build"] if "incremental" in r), None)
    lines += [
        "",
        "### 2. Build",
        "",
        "Every demo extract of every agency and year grown so the identification files hold N rows and "
        "every other source grows in proportion (benchmarks/scale.py: operations, their suspects and "
        "trainings stop at the copies their fixed-width reference numbers allow), loaded with "
        "`taskforce ingest` (load), "
        f"then `taskforce build --full-refresh` (runs: {p['build_repeat']}). Incremental: one new monthly "
        "police extract (one month of the grown police files"
        + (f", e.g. {month:,} rows" if month else "")
        + ") ingested, then `taskforce build`, the routine rebuild; each run adds the next month. "
        "Start-up = the build's wall time minus dbt's own elapsed time (run_results.json): Python and dbt "
        "start, project parse, registry copy, connections, on DuckDB the snapshot published for the "
        "dashboards. Work = dbt's elapsed time (seeds, models, data and unit tests).",
        "",
        "| engine | identification rows | rows of all extracts | load | full build | start-up "
        "| work | incremental build | start-up | work | incremental / full |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in st["build"]:
        if r["status"] != "measured":
            lines.append(_skipped(r, 11))
            continue
        full, inc, load = r["full"], r.get("incremental", {}), r["load"]
        if "median_s" in inc:
            inc_cells = (
                f"{_spread(inc)}, {inc['month_rows']:,} new rows | {_s(inc['startup_median_s'])} | "
                f"{_s(inc['dbt_median_s'])} | {inc['median_s'] / full['median_s']:.0%}"
            )
        else:
            inc_cells = f"failed: {inc.get('error', '')} | | |"
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | {r.get('extract_rows', 0):,} | {_s(load['seconds'])} "
            f"({load['rows_per_s']:,.0f} rows/s) | {_spread(full)} | {_s(full['startup_median_s'])} | "
            f"{_s(full['dbt_median_s'])} | {inc_cells} |"
        )
    lines += [
        "",
        "### 3. Dashboards",
        "",
        "Server-side time of one page load on the warehouse the build stage made: a new session signed in "
        "as a coordinator, the page's script run by Streamlit's script runner (AppTest: real queries, audit "
        "log written) from its first line to its last element (the browser's drawing is not included). "
        f"Cold: the first load after the result cache was cleared ({p['cold_loads']} per page and filter); "
        f"warm: later loads while the cache holds the page's results ({p['warm_loads']} per page and "
        "filter; p50 and p95 over them). Narrow filter: 2008, NUTS-1 TR1 (İstanbul), women. On PostgreSQL "
        "the pages read with the warehouse owner's login (row-level security is not in the path).",
        "",
        "| engine | rows | page | filter | cold p50 | warm p50 | warm p95 |",
        "|---|---:|---|---|---:|---:|---:|",
    ]
    for r in st["dashboards"]:
        if r["status"] != "measured":
            lines.append(_skipped(r, 7))
            continue
        for page in r["pages"]:
            lines.append(
                f"| {r['engine']} | {r['rows']:,} | {page['page']} | {page['filter']} | "
                f"{_s(page['cold_p50_s'])} | {_s(page['warm_p50_s'])} | {_s(page['warm_p95_s'])} |"
            )
    lines += [
        "",
        "### 4. Report",
        "",
        "`taskforce report --period 2010 --format all` (XLSX, PDF and CSV after disclosure control and the "
        f"attack audit) on the built warehouse (runs: {p['report_repeat']}), each a fresh process (Python's "
        "start and imports included, as for the user).",
        "",
        "| engine | identification rows | report | files written | peak RSS |",
        "|---|---:|---:|---|---:|",
    ]
    for r in st["report"]:
        if r["status"] != "measured":
            lines.append(_skipped(r, 5))
            continue
        lines.append(
            f"| {r['engine']} | {r['rows']:,} | {_spread(r)} | {', '.join(r['files'])} | "
            f"{_mb(r['peak_rss_mb'])} |"
        )
    lines += [
        "",
        "### 5. Peak memory",
        "",
        "Peak RSS of each stage's processes, from the runs above (largest of the runs). Ingest: the ingest "
        "process and its side-check process together; builds: the largest process (dbt, with DuckDB "
        "inside it); dashboards: the process running the pages (DuckDB inside it). A PostgreSQL server's "
        "own memory is not included. Ingest rows: the police file; the other columns: the grown extract "
        "set.",
        "",
        "| engine | rows | ingest | naive | limit | load all extracts | full build | incremental build | "
        "dashboards | report |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in st["memory"]:
        cells = [
            r.get(k)
            for k in (
                "ingest_taskforce_mb",
                "ingest_naive_mb",
                "ingest_limit_mb",
                "load_mb",
                "full_build_mb",
                "incremental_build_mb",
                "dashboards_mb",
                "report_mb",
            )
        ]
        lines.append(f"| {r['engine']} | {r['rows']:,} | " + " | ".join(_mb(c) for c in cells) + " |")
    if not st["memory"]:
        lines.append("| – | – | nothing measured | | | | | | | |")
    return "\n".join(lines) + "\n"


def write_outputs(result: dict, out: Path, command: str) -> tuple[Path, Path]:
    """``out``/benchmarks/<mode>.json and the run's part of ``out``/benchmarks.md (the rest is kept)."""
    results_dir = out / "benchmarks"
    results_dir.mkdir(parents=True, exist_ok=True)
    json_path = results_dir / f"{result['mode']}.json"
    json_path.write_text(json.dumps({**result, "command": command}, indent=2, ensure_ascii=False) + "\n")
    doc = out / "benchmarks.md"
    text = doc.read_text() if doc.exists() else HEADER
    json_name = f"docs/benchmarks/{json_path.name}" if out.resolve() == ROOT / "docs" else str(json_path)
    body = render(result, json_name, command)
    doc.write_text(
        replace_marked(text, result["mode"], body, after="full" if result["mode"] != "full" else None)
    )
    return json_path, doc


# ---------------------------------------------------------------------------------------------- the plan


def _size(n: float) -> str:
    return f"{n / 1e9:,.1f} GB" if n >= 1e9 else f"{n / 1e6:,.0f} MB"


def _existing(path: Path) -> Path:
    while not path.exists():
        path = path.parent
    return path


def describe(p: Plan, engines: list[str], postgres: str | None, work: Path) -> str:
    lines = [f"mode {p.mode}: engines {', '.join(engines)}"]
    if "postgres" in engines and not postgres:
        lines[0] += f" (PostgreSQL not measured: no --postgres or ${POSTGRES_ENV})"
    ingest_stages = "taskforce, naive, limit"
    for rows in p.ingest_rows:
        naive = p.naive_up_to is None or rows <= p.naive_up_to
        lines.append(
            f"  1. ingest   {rows:>11,} police rows (~{_size(rows * 149)} file): "
            f"{ingest_stages if naive else 'taskforce, limit'} x {p.ingest_repeat} runs, each engine"
        )
    demo_bytes = sum(len(d.content) for d in demo_extracts())
    for rows in p.warehouse_rows:
        factor, files = plan(rows)
        total = sum(f.rows for f in files)
        lines.append(
            f"  2. build    {rows:>11,} identification rows = {factor:,.1f} x the demo, {total:,} rows in "
            f"{len(files)} files (~{_size(demo_bytes * factor)}): load, full build "
            f"x {p.build_repeat}, incremental (one month, {build_bench.default_month_rows(rows):,} police "
            f"rows) x {p.build_repeat}"
        )
        lines.append(
            f"  3. pages    {rows:>11,}: {len(dashboard_bench.PAGES)} pages x 2 filters x "
            f"({p.cold_loads} cold + {p.warm_loads} warm) loads"
        )
        lines.append(
            f"  4. report   {rows:>11,}: taskforce report --period 2010 --format all x {p.report_repeat}"
        )
    lines.append("  5. memory: peak RSS of every stage above, from the same runs")
    lines.append(f"  scratch folder {work} ({_size(shutil.disk_usage(_existing(work)).free)} free); files")
    lines.append("  made there are kept for the next run, warehouses are dropped after each size")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mode", choices=sorted(MODES), default="quick")
    parser.add_argument(
        "--postgres", help=f"PostgreSQL URL (default: ${POSTGRES_ENV}); role may create databases"
    )
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--rows", type=int, nargs="+", help="sizes for every stage instead of the mode's")
    parser.add_argument("--repeat", type=int, help="runs of ingest, builds and report instead of the mode's")
    parser.add_argument(
        "--page-loads",
        type=int,
        nargs=2,
        metavar=("WARM", "COLD"),
        help="dashboard loads per page and filter",
    )
    parser.add_argument("--naive-up-to", type=int, help="no naive ingest reference above this many rows")
    parser.add_argument(
        "--out", type=Path, default=ROOT / "docs", help="where benchmarks.md and benchmarks/ go"
    )
    parser.add_argument(
        "--work", type=Path, default=Path(tempfile.gettempdir()) / "taskforce-bench", help="scratch folder"
    )
    parser.add_argument("--list", action="store_true", help="print the plan and stop (nothing is run)")
    args = parser.parse_args(argv)

    p = MODES[args.mode]
    if args.rows:
        p = replace(p, ingest_rows=tuple(args.rows), warehouse_rows=tuple(args.rows))
    if args.repeat:
        p = replace(p, ingest_repeat=args.repeat, build_repeat=args.repeat, report_repeat=args.repeat)
    if args.page_loads:
        p = replace(p, warm_loads=args.page_loads[0], cold_loads=args.page_loads[1])
    if args.naive_up_to:
        p = replace(p, naive_up_to=args.naive_up_to)
    postgres = (args.postgres or os.environ.get(POSTGRES_ENV) or None) if "postgres" in args.engines else None
    print(describe(p, args.engines, postgres, args.work), flush=True)
    if args.list:
        return 0
    command = "python -m benchmarks.harness " + " ".join(
        "URL" if a == postgres else a for a in (argv if argv is not None else sys.argv[1:])
    )
    args.work.mkdir(parents=True, exist_ok=True)
    result = run(p, args.engines, postgres, args.work)
    json_path, doc = write_outputs(result, args.out, command.strip())
    failed = [
        f"{stage} {r['engine']} {r['rows']:,}"
        for stage in ("ingest", "build", "dashboards", "report")
        for r in result["stages"][stage]
        if r["status"] == "failed" or r.get("incremental", {}).get("status") == "failed"
    ]
    print(f"wrote {json_path} and {doc} in {_duration(result['wall_s'])}", flush=True)
    for t in result["targets"]:
        met = {True: "met", False: "NOT MET", None: "not measured"}[t["met"]]
        print(f"  target: {t['target']}: {t['measured']} -> {met}")
    if failed:
        print("failed: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
