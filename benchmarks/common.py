"""What every benchmark script shares: the machine line, throwaway warehouses, and writing a section of
docs/benchmarks.md."""

from __future__ import annotations

import platform
import subprocess
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"


def machine() -> str:
    cpus = subprocess.run(["nproc"], text=True, capture_output=True, check=False).stdout.strip()
    memory = Path("/proc/meminfo").read_text().split("\n")[0].split()[1]
    gigabytes = int(memory) / 1024**2
    return f"{platform.machine()}, {cpus} cores, {gigabytes:.0f} GB, Python {platform.python_version()}"


def fresh_target(engine: str, work: Path, postgres: str | None) -> str:
    """A warehouse URL nobody else uses: a new DuckDB file, or a new PostgreSQL database."""
    if engine == "duckdb":
        work.mkdir(parents=True, exist_ok=True)
        return f"duckdb:///{work / f'{uuid.uuid4().hex}.duckdb'}"
    import psycopg

    if not postgres:
        raise SystemExit("--postgres URL is needed for PostgreSQL figures")
    name = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"create database {name}")
    return postgres.rsplit("/", 1)[0] + f"/{name}"


def drop_target(url: str, postgres: str | None) -> None:
    if url.startswith("duckdb"):
        path = Path(url.removeprefix("duckdb:///"))
        serving = path.with_name(f"{path.stem}.serving{path.suffix}")  # published by a build
        for leftover in (path, path.with_name(path.name + ".wal"), serving):
            leftover.unlink(missing_ok=True)
        return
    import psycopg

    with psycopg.connect(postgres, autocommit=True) as con:
        con.execute(f"drop database if exists {url.rsplit('/', 1)[1]} with (force)")


def replace_section(heading: str, section: str) -> None:
    """Put ``section`` (which starts with ``heading``) into docs/benchmarks.md, replacing the old one."""
    text = (
        REPORT.read_text()
        if REPORT.exists()
        else "# Benchmarks\n\nSpeed is measured by scripts in `benchmarks/`, never by tests.\n\n"
    )
    if heading + "\n" in text:
        start = text.index(heading + "\n")
        end = text.find("\n## ", start + 1)
        text = text[:start] + section + (text[end + 1 :] if end != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + section
    REPORT.write_text(text)
