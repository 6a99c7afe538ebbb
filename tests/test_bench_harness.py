"""The benchmark harness (benchmarks/harness.py) end to end at a tiny size: DuckDB only, one run of every
stage, written to a temporary folder instead of docs/. Speed is never checked here (benchmarks are not
timed tests): only that the JSON and the Markdown it writes hold every stage, that the targets are
computed from the figures, and that the hand-written parts of the report survive a run."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from benchmarks import harness
from benchmarks.common import begin_marker, end_marker
from benchmarks.dashboard_bench import FILTERS, PAGES
from benchmarks.scale import plan, scaled_extracts
from taskforce.demo_data import demo_extracts

PROSE = "## What limits it\n\nHand-written analysis that no run may touch.\n"
HEADINGS = (
    "## Quick run",
    "### Targets",
    "### 1. Ingest",
    "### 2. Build",
    "### 3. Dashboards",
    "### 4. Report",
    "### 5. Peak memory",
)


@pytest.fixture(scope="module")
def bench_run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docs")
    (out / "benchmarks.md").write_text(harness.HEADER + "\n" + PROSE)
    code = harness.main(
        [
            *("--mode", "quick", "--rows", "2000", "--repeat", "1", "--page-loads", "1", "1"),
            *("--engines", "duckdb", "--out", str(out), "--work", str(out.parent / "bench_work")),
        ]
    )
    assert code == 0
    return out


def test_json_has_every_stage(bench_run: Path) -> None:
    result = json.loads((bench_run / "benchmarks" / "quick.json").read_text())
    stages = result["stages"]
    assert set(stages) == set(harness.STAGES)
    for stage in ("ingest", "build", "dashboards", "report"):
        status = {r["engine"]: r["status"] for r in stages[stage]}
        assert status == {"duckdb": "measured", "postgres": "not measured"}, stages[stage]

    [ingest] = [r for r in stages["ingest"] if r["engine"] == "duckdb"]
    for reference in ("taskforce", "naive", "limit"):
        assert ingest[reference]["runs"] == 1 and ingest[reference]["peak_rss_mb"] > 0
    assert ingest["ratio_to_naive"] > 0 and ingest["share_of_limit"] > 0

    [build] = [r for r in stages["build"] if r["engine"] == "duckdb"]
    assert build["extract_rows"] == sum(p.rows for p in plan(2000)[1])
    for kind in ("full", "incremental"):
        assert build[kind]["median_s"] == pytest.approx(
            build[kind]["startup_median_s"] + build[kind]["dbt_median_s"]
        )
    assert build["incremental"]["month_rows"] > 0 and build["load"]["rows_per_s"] > 0

    [pages] = [r for r in stages["dashboards"] if r["engine"] == "duckdb"]
    assert {(p["page"], p["filter"]) for p in pages["pages"]} == {(p, f) for p in PAGES for f in FILTERS}

    [report] = [r for r in stages["report"] if r["engine"] == "duckdb"]
    assert any(name.endswith(".pdf") for name in report["files"])
    assert any(name.endswith(".xlsx") for name in report["files"])

    [memory] = stages["memory"]
    assert memory["engine"] == "duckdb"
    for key in ("ingest_taskforce_mb", "load_mb", "full_build_mb", "incremental_build_mb", "dashboards_mb"):
        assert memory[key] > 0
    assert memory["report_mb"] > 0

    # the targets are defined at 1M and 10M rows: a 2,000-row run measures none of them
    assert len(result["targets"]) == 6
    assert all(t["met"] is None for t in result["targets"])
    assert "password" not in json.dumps(result) and "taskforce:taskforce" not in json.dumps(result)


def test_markdown_has_every_stage_and_keeps_the_prose(bench_run: Path) -> None:
    text = (bench_run / "benchmarks.md").read_text()
    assert PROSE in text
    assert text.count(begin_marker("quick")) == 1 and text.count(end_marker("quick")) == 1
    inside = text[text.index(begin_marker("quick")) : text.index(end_marker("quick"))]
    positions = [inside.index(heading) for heading in HEADINGS]
    assert positions == sorted(positions)
    assert "| postgres | 2,000 | not measured" in inside
    assert "| duckdb | 2,000 |" in inside
    # a quick run writes neither the full run's part nor its JSON
    assert begin_marker("full") not in text
    assert not (bench_run / "benchmarks" / "full.json").exists()

    result = json.loads((bench_run / "benchmarks" / "quick.json").read_text())
    harness.write_outputs(result, bench_run, "again")  # a second run replaces its part, nothing else
    again = (bench_run / "benchmarks.md").read_text()
    assert PROSE in again and again.count(begin_marker("quick")) == 1 and "`again`" in again


def _ingest(engine: str, rows_per_s: float, naive: float, share: float, peak_mb: float, rows: int) -> dict:
    return {
        "engine": engine,
        "rows": rows,
        "status": "measured",
        "taskforce": {"rows_per_s": rows_per_s, "peak_rss_mb": peak_mb},
        "ratio_to_naive": naive,
        "share_of_limit": share,
    }


def test_targets_are_computed_from_the_figures() -> None:
    results = {
        "ingest": [
            _ingest("duckdb", 150_000, 5.0, 0.5, 900, 1_000_000),
            _ingest("postgres", 90_000, 4.5, 0.4, 900, 1_000_000),
            _ingest("duckdb", 150_000, 5.0, 0.5, 1_400, 10_000_000),
            _ingest("postgres", 150_000, 5.0, 0.5, 1_600, 10_000_000),
        ],
        "build": [
            {"engine": "duckdb", "rows": 10_000_000, "status": "measured", "incremental": {"median_s": 42.0}}
        ],
        "dashboards": [
            {"engine": "duckdb", "rows": 1_000_000, "status": "measured", "worst_warm_p95_s": 0.8},
        ],
    }
    met = {t["target"].split(" at ")[0]: t["met"] for t in harness.targets(results)}
    assert met == {
        "ingest ≥ 100k rows/s": False,  # PostgreSQL 90k
        "ingest ≥ 4× the naive way": True,
        "ingest ≥ ⅓ of the limit (COPY / read_csv)": True,
        "peak ingest memory < 1.5 GB": False,  # PostgreSQL 1.6 GB
        "incremental build after one monthly batch": True,
        "every dashboard page p95 < 2 s": None,  # PostgreSQL not measured, DuckDB passes
    }


def test_scaled_extracts_keep_every_file_and_grow_in_proportion(tmp_path: Path) -> None:
    factor, planned = plan(3_000)
    paths = scaled_extracts(3_000, tmp_path)
    assert [p.relative_to(tmp_path).as_posix() for p in paths] == [p.path for p in planned]
    identification = sum(p.rows for p in planned if "_identifications_" in p.path)
    assert abs(identification - 3_000) <= 10
    police = next(p for p in planned if p.path == "tnp_identifications_2008.csv")
    assert police.rows == round(police.demo_rows * factor)
    grown = (tmp_path / police.path).read_bytes()
    assert grown.count(b"\r\n") == police.rows + 1  # header, CRLF as the police send it
    keys = [line.split(b";")[1] for line in grown.split(b"\r\n")[1:] if line]
    assert len(set(keys)) > police.demo_rows  # later copies are new persons


def test_suspects_per_operation_stay_as_in_the_demo_beyond_the_operation_numbers(tmp_path: Path) -> None:
    """Operation numbers (OP-YYYY-NNNN) have room for 25 copies of the demo; a 30k set needs 28. The
    suspect files stop growing with the operations, so no operation gains the suspects of later copies
    (at 10M that was 900 suspects per operation, and the case-to-operation links grew with its square)."""
    rows = 30_000
    factor, planned = plan(rows)
    by_path = {p.path: p for p in planned}
    operations, suspects = by_path["tnp_operations_2010.csv"], by_path["tnp_suspects_2010.csv"]
    assert factor > operations.rows / operations.demo_rows  # the operations hit their room
    assert suspects.rows / suspects.demo_rows == operations.rows / operations.demo_rows
    assert "capped" in suspects.note
    scaled_extracts(rows, tmp_path)

    def per_operation(content: bytes) -> Counter[bytes]:
        return Counter(line.split(b";")[1] for line in content.split(b"\r\n")[1:] if line)

    demo = {d.path: d.content for d in demo_extracts()}
    grown = per_operation((tmp_path / suspects.path).read_bytes())
    assert max(grown.values()) == max(per_operation(demo[suspects.path]).values())
    known = {line.split(b";")[0] for line in (tmp_path / operations.path).read_bytes().split(b"\r\n")[1:]}
    assert set(grown) <= known  # every suspect's operation is in the operations file
