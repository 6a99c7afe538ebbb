"""Scaled extracts for benchmarks: the demo police identifications file grown to N rows, written the
way the agency sends it (windows-1254, ``;``, DD.MM.YYYY). Each row is a demo row with a fresh record
number and person key, so about 2% of rows are the demo's deliberately broken ones."""

from __future__ import annotations

from pathlib import Path

from taskforce.demo_data import demo_files, person_key

DATA_ROWS_PER_WRITE = 100_000


def police_file(rows: int, directory: Path, year: int = 2008) -> Path:
    path = directory / f"tnp_identifications_{year}.csv"
    if path.exists() and path.stat().st_size and _rows_in(path) == rows:
        return path
    directory.mkdir(parents=True, exist_ok=True)
    header, *templates = demo_files()[f"tnp_identifications_{year}.csv"].decode("windows-1254").split("\r\n")
    templates = [t.split(";") for t in templates if t]
    with path.open("w", encoding="windows-1254", newline="") as out:
        out.write(header + "\r\n")
        block: list[str] = []
        for n in range(rows):
            cells = list(templates[n % len(templates)])
            cells[0] = f"EGM-{year}-{n:09d}"
            cells[1] = person_key(1_000_000 + n)
            block.append(";".join(cells))
            if len(block) == DATA_ROWS_PER_WRITE:
                out.write("\r\n".join(block) + "\r\n")
                block = []
        if block:
            out.write("\r\n".join(block) + "\r\n")
    return path


def _rows_in(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(block.count(b"\n") for block in iter(lambda: handle.read(1 << 24), b"")) - 1
