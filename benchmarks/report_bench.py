"""Donor report generation time: ``taskforce report --period YEAR --format all`` (XLSX, PDF and CSV after
disclosure control and the attack audit) on a built warehouse, as its user runs it.

    python -m benchmarks.report_bench --data-dir DIR [--warehouse-url URL] [--period 2010] [--repeat 3]

Each run is a fresh process (so Python's start and imports count, as they do for the user); the figures
are median, min and max of the runs and the peak RSS of the largest process. ``make bench``
(benchmarks/harness.py) runs it on the warehouse its build stage made and writes docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import run_cli, summary

PERIOD = "2010"  # the demo's last reporting year


def measure(url: str, data_dir: Path, repeat: int, period: str = PERIOD) -> dict:
    runs = []
    for _ in range(repeat):
        out = Path(tempfile.mkdtemp(prefix="bench_h_report_"))
        try:
            runs.append(
                run_cli(
                    url, data_dir, "0", "report", "--period", period, "--format", "all", "--out", str(out)
                )
            )
            files = sorted(p.name for p in out.iterdir())
        finally:
            shutil.rmtree(out, ignore_errors=True)
    result = summary([r["seconds"] for r in runs])
    return {
        **result,
        "period": period,
        "files": files,
        "peak_rss_mb": max(r["peak_rss_mb"] for r in runs),
        "all_s": [r["seconds"] for r in runs],
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data-dir", type=Path, required=True, help="the data folder of a built warehouse")
    parser.add_argument("--warehouse-url", help="its warehouse URL (default: its DuckDB file)")
    parser.add_argument("--period", default=PERIOD)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    args = parser.parse_args(argv)
    url = args.warehouse_url or f"duckdb:///{args.data_dir.resolve() / 'warehouse.duckdb'}"
    result = measure(url, args.data_dir.resolve(), args.repeat, args.period)
    print(
        f"report {args.period}: median {result['median_s']:.2f} s "
        f"({result['min_s']:.2f}-{result['max_s']:.2f}), peak {result['peak_rss_mb']:,.0f} MB",
        flush=True,
    )
    if args.json:
        args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
