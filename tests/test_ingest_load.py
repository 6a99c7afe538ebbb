"""The fast paths of the ingest give the same answers as the plain ones: the hashed duplicate tracker
agrees with a dictionary, and rows loaded through Arrow (DuckDB scan, PostgreSQL CSV COPY written by
pyarrow) keep every value, empty text, null and awkward character as the row checks typed them."""

from __future__ import annotations

import random
from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from ingest.contract import load_registry
from ingest.reader import read_extract
from ingest.run import ingest_file, ingest_with_retry, is_transient
from ingest.validate import DuplicateTracker, parse_period, validate, validate_chunk
from taskforce.demo_data import POLICE_HEADER, person_key
from taskforce.settings import Settings
from taskforce.warehouse import connect

POLICE = load_registry()["police_identifications"]


def test_duplicate_tracker_agrees_with_a_dictionary() -> None:
    """Random values over many chunks, some rows not usable, lines out of order inside a chunk (ragged
    rows come last): the first line of every value, as a plain dict would remember it."""
    rng = random.Random(3)
    tracker = DuplicateTracker()
    seen: dict[str, int] = {}
    next_line = 2
    for _ in range(25):
        size = rng.randint(0, 300)
        values = [f"v{rng.randint(0, 400)}" for _ in range(size)]
        lines = np.arange(next_line, next_line + size, dtype=np.int64)
        rng.shuffle(lines)  # a chunk's rows need not be in line order
        next_line += size
        usable = np.array([rng.random() > 0.1 for _ in range(size)], dtype=bool)
        first = tracker.first_lines("k", pd.Series(values, dtype="str"), lines, usable)
        chunk_first: dict[str, int] = {}
        for value, line, ok in zip(values, lines, usable, strict=True):
            if ok and value not in seen:
                chunk_first[value] = min(chunk_first.get(value, line), int(line))
        expected = [
            (seen.get(v) or (chunk_first[v] if chunk_first[v] != line else 0)) if ok else 0
            for v, line, ok in zip(values, lines, usable, strict=True)
        ]
        assert first.tolist() == expected
        seen.update(chunk_first)
    assert 1 < sum(len(run[0]) for run in tracker._runs["k"]) == len(seen)


def test_whole_rows_are_compared_column_by_column() -> None:
    """Row hashes combine the columns, so moving text from one cell to the next is not a repeat."""
    tracker = DuplicateTracker()
    frame = pd.DataFrame({"a": ["ab", "a", "ab"], "b": ["c", "bc", "c"]}, dtype="str")
    first = tracker.first_lines("_row", frame, np.array([2, 3, 4]), np.ones(3, dtype=bool))
    assert first.tolist() == [0, 0, 2]


def police_line(record: str, op: str = "", nationality: str = "MDA", age: str = "24") -> str:
    cells = [record, person_key(int(record[-3:])), "03.04.2008", "tespit_edilen", "34", nationality, "K",
             age, "cinsel", "operasyon", op]  # fmt: skip
    return ";".join(cells)


AWKWARD = {  # operation references as the agency typed them (quoted in the file) -> as loaded
    "A-001": ('"OP ""İç"";1"', 'OP "İç";1'),
    "A-002": ('"OP\r\nikinci satır"', "OP\r\nikinci satır"),
    "A-003": ("\\.", "\\."),  # PostgreSQL's end-of-data marker, as a value
    "A-004": ("ŞUBE-İĞ", "ŞUBE-İĞ"),
    "A-005": ("", None),  # empty text is null, as the row checks type it
}


def test_rows_keep_their_values_on_both_engines(empty_warehouse: Settings, tmp_path: Path) -> None:
    lines = [";".join(POLICE_HEADER)]
    lines += [police_line(record, op) for record, (op, _) in AWKWARD.items()]
    lines.append(police_line("A-006", nationality="", age=""))
    lines.append(police_line("A-007", op="x") + ";extra")  # ragged: quarantined with its payload
    path = tmp_path / "tnp_identifications_2008.csv"
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("utf-8"))
    with connect(empty_warehouse) as wh:
        result = ingest_file(wh, path)
        counts = (result.outcome, result.rows_loaded, result.rows_quarantined)
        assert counts == ("loaded", 6, 1), result.message
        rows = wh.fetchall(
            "select record_id, operation_ref, nationality, age, identification_date, province_code, "
            "_source_row from raw.police_identifications order by record_id"
        )
        quarantine = wh.fetchall("select source_row, rules, payload from ops.quarantine")
    loaded = {r[0]: r[1:] for r in rows}
    for record, (_, expected) in AWKWARD.items():
        assert loaded[record][0] == expected, record
    assert loaded["A-006"][1:3] == (None, None)  # empty code and number: null
    assert loaded["A-001"][2:5] == (24, date(2008, 4, 3), 34)
    assert [r[6] for r in rows] == [2, 3, 5, 6, 7, 8]  # the quoted line break takes a line
    assert len(quarantine) == 1 and quarantine[0][:2] == (9, "field_count")
    assert '"_extra_fields": ["extra"]' in quarantine[0][2]


def test_streamed_dates_are_arrow_dates_and_whole_file_dates_are_python_dates() -> None:
    """The streaming ingest keeps dates as Arrow dates (cheap to hand to the side process and the
    loaders); ``validate`` gives callers Python dates, as before."""
    data = ("\r\n".join([";".join(POLICE_HEADER), police_line("A-001")]) + "\r\n").encode("utf-8")
    parsed = read_extract(data, POLICE, "tnp_identifications_2008.csv")
    period = parse_period("2008", "f")
    rows, _ = validate_chunk(parsed.chunks[0], POLICE, period, DuplicateTracker())
    assert isinstance(rows["identification_date"].dtype, pd.ArrowDtype)
    assert rows.loc[0, "identification_date"] == date(2008, 4, 3)
    whole = validate(parsed, POLICE, period).rows
    assert whole["identification_date"].dtype == object
    assert whole.loc[0, "identification_date"] == date(2008, 4, 3)


def test_duckdb_loads_with_a_small_buffer_pool_and_gives_the_limit_back(tmp_path: Path) -> None:
    """DuckDB caches every block a load writes, up to its memory limit: the appends of a load run with
    a smaller limit, the commit and everything after with the configured one (never a larger one)."""
    from taskforce.settings import load_settings
    from taskforce.warehouse import _size_bytes

    def limit(wh) -> str:
        return wh.fetchall("select current_setting('memory_limit')")[0][0]

    for configured, during in (("512MB", "122.0 MiB"), ("64MB", "61.0 MiB")):
        settings = load_settings({
            "TASKFORCE_WAREHOUSE_URL": f"duckdb:///{tmp_path / configured}.duckdb",
            "TASKFORCE_DATA_DIR": str(tmp_path),
            "TASKFORCE_DUCKDB_MEMORY_LIMIT": configured,
        })  # fmt: skip
        with connect(settings) as wh:
            before = _size_bytes(limit(wh))
            after = []
            for _ in range(3):
                with wh.bulk_load():
                    assert limit(wh) == during
                after.append(limit(wh))
            assert abs(_size_bytes(after[0]) - before) <= 0.1 * 2**20  # DuckDB shows it rounded
            assert after[1:] == after[:-1]  # and loads do not wear it down a rounding at a time


def test_only_a_lost_connection_or_a_conflict_is_tried_again(empty_duckdb: Settings, tmp_path: Path) -> None:
    """A restart or a serialization conflict is retried; a full disk or memory is reported at once."""
    import psycopg

    assert is_transient(psycopg.OperationalError("server closed the connection unexpectedly"))
    assert is_transient(psycopg.errors.SerializationFailure("could not serialize access"))
    assert not is_transient(psycopg.errors.DiskFull("could not extend file"))
    assert not is_transient(psycopg.errors.OutOfMemory("out of memory"))
    assert not is_transient(OSError("No space left on device"))

    slept: list[float] = []
    missing = tmp_path / "tnp_identifications_2008.csv"  # never written: not a database fault
    with pytest.raises(FileNotFoundError):
        ingest_with_retry(empty_duckdb, missing, sleep=slept.append)
    assert slept == []
