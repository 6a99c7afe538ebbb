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


def police_month_file(rows: int, directory: Path, month: str = "2011-01") -> Path:
    """One new monthly extract (``tnp_identifications_YYYY-MM.csv``): demo rows re-dated into ``month``,
    with record numbers and person keys no other scaled file uses. Broken demo rows stay broken."""
    year, mm = month.split("-")
    path = directory / f"tnp_identifications_{month}.csv"
    directory.mkdir(parents=True, exist_ok=True)
    header, *templates = demo_files()["tnp_identifications_2008.csv"].decode("windows-1254").split("\r\n")
    lines = [header]
    for n, template in enumerate(t for t in (templates * (rows // max(len(templates), 1) + 1))[:rows] if t):
        cells = template.split(";")
        cells[0] = f"EGM-{year}{mm}-{n:09d}"
        cells[1] = person_key(900_000_000 + n)
        if cells[2].count(".") == 2 and cells[2][:2].isdigit():
            cells[2] = f"{1 + n % 28:02d}.{mm}.{year}"
        lines.append(";".join(cells))
    path.write_text("\r\n".join(lines) + "\r\n", encoding="windows-1254", newline="")
    return path
