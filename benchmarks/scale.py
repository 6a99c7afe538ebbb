"""Scaled extracts for benchmarks, written the way the agencies send them.

Two kinds:

* ``police_file(rows)``: the demo police identifications file grown to N rows (windows-1254, ``;``,
  DD.MM.YYYY), each row a demo row with a fresh record number and person key, so about 2% of rows are
  the demo's deliberately broken ones. The ingest stage measures this one file against its references.
* ``scaled_extracts(rows)``: every demo extract of every agency and year (and the helpline's corrected
  resend), grown so that the identification files (police and gendarmerie) hold N rows together and
  every other file grows by the same factor. Row i of a grown file is demo row ``i mod m`` of copy
  ``i div m`` (m = the demo file's rows). Copy 0 is the demo file itself; in copy c > 0 every person key
  is replaced by another key derived from it and c (the same person stays the same person in every
  agency's files, and a different one from copy to copy), and every reference number is moved into a
  number range of its own. Encodings, delimiters, date forms, title and total rows and the demo's broken
  rows are kept byte for byte (the files are rewritten as bytes, never decoded).

  Reference numbers the contracts give a fixed width (operations ``OP-YYYY-NNNN``, trainings
  ``TRN-YYYY-NNN``, court cases ``YYYY/NNNNNN``) have room for a limited number of copies; beyond it
  copies reuse the numbers of an earlier copy. Rows that point at an operation or a case then point at
  an existing one (more victims per operation, more defendants per case). The files that only describe
  operations or trainings stop growing there (their copies would be exact duplicates), and so do the
  suspect files: each of their rows is a suspect detained in an operation, so a reused copy would add
  the demo's suspects to every operation again (about 900 per operation at 10M instead of 2 or 3), a
  shape no police file has, and case-to-operation links grow with its square. ``--list`` shows the
  rows of every file.

    python -m benchmarks.scale --scale 1000000 --out DIR [--list]
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from taskforce.demo_data import demo_extracts, demo_files, person_key

DATA_ROWS_PER_WRITE = 100_000
SCALE_VERSION = 2  # bump when the scaled files change, so cached ones are written again
IDENTIFICATION_FILE = re.compile(r"_identifications_\d{4}")

# person keys, and the reference numbers scaled copies renumber (one regex: one pass over a file)
_PATTERN = re.compile(
    rb"(?P<key>k1:[0-9a-f]{64})"
    rb"|\b(?P<op>J?OP-(?:19|20)\d\d-)(?P<op_n>\d{4})\b"
    rb"|\b(?P<trn>TRN-(?:19|20)\d\d-)(?P<trn_n>\d{3})\b"
    rb"|(?<![\d./])(?P<case>(?:19|20)\d\d/)(?P<case_n>\d{1,6})\b"
    rb"|\b(?P<ref>[A-Z0-9]{2,}(?:-[A-Z]+)?-(?:19|20)\d\d-)(?P<ref_n>\d+)\b"
)
BOUNDED_WIDTH = {"op": 4, "trn": 3, "case": 6}  # digits the contracts allow
# files with one row per suspect of an operation: they stop growing with the operation numbers' room
SUSPECTS_FILE = re.compile(r"_suspects_\d{4}")


@dataclass(frozen=True)
class Planned:
    path: str  # relative to the extracts folder, e.g. corrections/h157_calls_2009.csv
    demo_rows: int
    rows: int
    note: str = ""


# --------------------------------------------------------------------------------------------------------
# one source grown: the police identifications file (the ingest stage's file)


def police_file(rows: int, directory: Path, year: int = 2008) -> Path:
    path = directory / f"tnp_identifications_{year}.csv"
    if path.exists() and path.stat().st_size and _rows_in(path) == rows:
        return path
    directory.mkdir(parents=True, exist_ok=True)
    header, *templates = demo_files()[f"tnp_identifications_{year}.csv"].decode("windows-1254").split("\r\n")
    templates = [t.split(";") for t in templates if t]
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="windows-1254", newline="") as out:
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
    partial.replace(path)  # a run stopped half way never leaves a short file that looks finished
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


# --------------------------------------------------------------------------------------------------------
# every source grown in proportion


def demo_identification_rows() -> int:
    return sum(f.rows for f in demo_extracts() if not f.is_correction and IDENTIFICATION_FILE.search(f.name))


def _bounded_maxima() -> dict[str, int]:
    """The largest serial of each fixed-width reference in the demo: copies move by more than it."""
    maxima = dict.fromkeys(BOUNDED_WIDTH, 0)
    for demo in demo_extracts():
        if demo.path.endswith(".csv"):
            for match in _PATTERN.finditer(demo.content):
                kind = match.lastgroup.removesuffix("_n") if match.lastgroup else ""
                if kind in maxima:
                    maxima[kind] = max(maxima[kind], int(match.group(match.lastgroup)))
    return maxima


class _Renumber:
    """The substitution for copy ``c``: new person keys, reference numbers moved into copy c's range."""

    def __init__(self, maxima: dict[str, int]) -> None:
        self.stride = {kind: top + 1 for kind, top in maxima.items()}
        # copies that fit in a fixed width: serial + stride * slot must keep the contract's digits
        self.slots = {
            kind: (10 ** BOUNDED_WIDTH[kind] - 1 - maxima[kind]) // self.stride[kind] + 1 for kind in maxima
        }

    def copies_with_room(self, kinds: set[str]) -> int | None:
        return min((self.slots[k] for k in kinds), default=None)

    def function(self, copy: int) -> Callable[[re.Match[bytes]], bytes]:
        salt = copy.to_bytes(4, "big")

        def substitute(match: re.Match[bytes]) -> bytes:
            kind = match.lastgroup
            if kind == "key":
                digest = hashlib.blake2b(match.group("key")[3:], digest_size=32, key=salt).hexdigest()
                return b"k1:" + digest.encode()
            kind = kind.removesuffix("_n") if kind else ""
            serial = match.group(f"{kind}_n")
            if kind == "ref":  # free width: put the copy in front of the demo's digits
                moved = str(copy * 10 ** len(serial) + int(serial)).encode()
            else:
                slot = copy % self.slots[kind]
                moved = str(int(serial) + self.stride[kind] * slot).encode()
                if kind != "case":
                    moved = moved.zfill(BOUNDED_WIDTH[kind])
            return match.group(kind) + moved

        return substitute


def _kinds_in(content: bytes) -> set[str]:
    return {(m.lastgroup or "").removesuffix("_n") for m in _PATTERN.finditer(content)}


def plan(rows: int) -> tuple[float, list[Planned]]:
    """The factor and every file's rows for ``rows`` identification rows, in ingest order."""
    factor = rows / demo_identification_rows()
    renumber = _Renumber(_bounded_maxima())
    planned = []
    for demo in demo_extracts():
        wanted = max(1, round(demo.rows * factor))
        note = ""
        if demo.path.endswith(".csv"):
            kinds = _kinds_in(demo.content)
            room = renumber.copies_with_room(kinds & set(BOUNDED_WIDTH))
            # only fixed-width references (further copies would duplicate), or suspects per operation
            capped = not kinds & {"key", "ref"} or SUSPECTS_FILE.search(demo.path)
            if room is not None and capped and wanted > room * demo.rows:
                wanted = room * demo.rows
                note = f"capped at {room} copies (fixed-width reference numbers)"
        planned.append(Planned(demo.path, demo.rows, wanted, note))
    return factor, planned


def scaled_extracts(rows: int, directory: Path) -> list[Path]:
    """Every demo extract grown to ``rows`` identification rows in ``directory``; paths in ingest order.
    Written once: a later call with the same size reuses the files."""
    planned = plan(rows)[1]
    marker = directory / "scale.json"
    expected = {"version": SCALE_VERSION, "rows": rows, "files": [p.__dict__ for p in planned]}
    paths = [directory / p.path for p in planned]
    if marker.exists() and json.loads(marker.read_text()) == expected and all(p.exists() for p in paths):
        return paths
    marker.unlink(missing_ok=True)
    renumber = _Renumber(_bounded_maxima())
    contents = {d.path: d.content for d in demo_extracts()}
    for p, path in zip(planned, paths, strict=True):
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_name(path.name + ".partial")
        if p.path.endswith(".xlsx"):
            _grow_xlsx(contents[p.path], p.rows, renumber, partial)
        else:
            _grow_csv(contents[p.path], p.rows, renumber, partial)
        partial.replace(path)
    marker.write_text(json.dumps(expected, indent=1) + "\n")
    return paths


def _grow_csv(content: bytes, rows: int, renumber: _Renumber, out: Path) -> None:
    newline = b"\r\n" if b"\r\n" in content else b"\n"
    header, _, body = content.partition(newline)
    lines = body.split(newline)
    if lines and lines[-1] == b"":
        lines.pop()
    body = newline.join(lines) + newline
    with out.open("wb") as handle:
        handle.write(header + newline)
        copies, rest = divmod(rows, len(lines))
        for copy in range(copies + (1 if rest else 0)):
            text = body if copy == 0 else _PATTERN.sub(renumber.function(copy), body)
            if copy == copies:  # the last, partial copy
                text = newline.join(text.split(newline)[:rest]) + newline
            handle.write(text)


def _grow_xlsx(content: bytes, rows: int, renumber: _Renumber, out: Path) -> None:
    """The shelter's workbook with the same notes sheet, titles, header and total row, data grown."""
    from openpyxl import Workbook, load_workbook
    from openpyxl.cell import WriteOnlyCell

    source = load_workbook(io.BytesIO(content))
    *notes, data = source.worksheets
    values = list(data.iter_rows(values_only=True))
    header_at = next(i for i, row in enumerate(values) if sum(v is not None for v in row) > 2)
    titles, header, body = values[:header_at], values[header_at], values[header_at + 1 : -1]
    footer_label = values[-1][0]
    book = Workbook(write_only=True)
    for sheet in notes:
        copy_of = book.create_sheet(sheet.title)
        for row in sheet.iter_rows(values_only=True):
            copy_of.append(list(row))
    sheet = book.create_sheet(data.title)
    for title in titles:
        sheet.append([title[0]])
    sheet.append(list(header))
    for n in range(rows):
        copy, template = divmod(n, len(body))
        substitute = renumber.function(copy)
        cells = []
        for value in body[template]:
            if isinstance(value, datetime | date):
                cell = WriteOnlyCell(sheet, value)
                cell.number_format = "DD.MM.YYYY"
                cells.append(cell)
            elif isinstance(value, str) and copy:
                cells.append(_PATTERN.sub(substitute, value.encode()).decode())
            else:
                cells.append(value)
        sheet.append(cells)
    sheet.append([footer_label, rows])
    book.properties.creator = "benchmarks"
    book.save(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=int, required=True, help="identification rows (police + gendarmerie)")
    parser.add_argument("--out", type=Path, help="folder to write the extracts into")
    parser.add_argument("--list", action="store_true", help="print every file's rows; write nothing")
    args = parser.parse_args(argv)
    factor, planned = plan(args.scale)
    if args.list or not args.out:
        print(f"{args.scale:,} identification rows: {factor:,.1f} x the demo")
        for p in planned:
            print(f"  {p.path:44} {p.demo_rows:>6,} -> {p.rows:>12,}  {p.note}")
        demo_total, total = sum(p.demo_rows for p in planned), sum(p.rows for p in planned)
        print(f"  {'total':44} {demo_total:>6,} -> {total:>12,}")
        return 0
    for path in scaled_extracts(args.scale, args.out):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
