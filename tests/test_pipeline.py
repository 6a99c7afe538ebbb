"""Ingest → build → marts on both engines, checked against counts computed independently from the files."""

from __future__ import annotations

from pathlib import Path

from ingest.run import ingest_file
from taskforce.build import build
from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.expected_counts import expected_from_files


def scalar(settings: Settings, sql: str) -> int:
    with connect(settings) as wh:
        return int(wh.fetchall(sql)[0][0])


def test_rows_read_equal_loaded_plus_quarantined(built: Settings, demo_paths: list[Path]) -> None:
    expected = expected_from_files(demo_paths)
    with connect(built) as wh:
        rows = wh.fetchall(
            "select source, sum(rows_read), sum(rows_loaded), sum(rows_quarantined), sum(rows_skipped) "
            "from ops.batches "
            "where status = 'active' group by source"
        )
        quarantined = dict(
            wh.fetchall(
                "select q.source, count(*) from ops.quarantine q "
                "join ops.batches b on q.batch_id = b.batch_id "
                "where b.status = 'active' group by q.source"
            )
        )
    checked = 0
    for source, read, loaded, held, skipped in rows:
        assert read == loaded + held + skipped
        assert quarantined[source] == held
        if source not in expected.rows_read:  # counted independently for police, gendarmerie and IOM
            continue
        checked += 1
        assert read == expected.rows_read[source]
        assert loaded == expected.rows_loaded[source]
    assert checked == 3  # police, gendarmerie, IOM
    assert (
        scalar(built, "select count(*) from raw.police_identifications")
        == expected.rows_loaded["police_identifications"]
    )


def test_identification_mart_matches_files(built: Settings, demo_paths: list[Path]) -> None:
    expected = expected_from_files(demo_paths)
    with connect(built) as wh:
        records = dict(
            wh.fetchall("select identification_year, count(*) from marts.fct_identifications group by 1")
        )
        persons = dict(
            wh.fetchall(
                "select identification_year, count(distinct person_key) from marts.fct_identifications "
                "where identification_status = 'identified' group by 1"
            )
        )
        total_persons = wh.fetchall(
            "select count(distinct person_key) from marts.fct_identifications "
            "where identification_status = 'identified'"
        )[0][0]
    assert records == dict(expected.identification_records)
    assert persons == {y: len(p) for y, p in expected.identified_persons_by_year.items()}
    assert total_persons == expected.identified_persons(2006, 2010)
    # the order of magnitude of the period (shared reference turkey.md): one to three hundred a year
    assert min(persons.values()) >= 100 and max(persons.values()) <= 350


def test_return_mart_matches_files(built: Settings, demo_paths: list[Path]) -> None:
    expected = expected_from_files(demo_paths)
    with connect(built) as wh:
        returns = dict(wh.fetchall("select return_year, count(*) from marts.fct_returns group by 1"))
        reintegrated = dict(
            wh.fetchall(
                "select return_year, count(*) from marts.fct_returns "
                "where has_reintegration_assistance group by 1"
            )
        )
        unlinked = wh.fetchall("select count(*) from marts.fct_returns where not was_identified")[0][0]
    assert returns == dict(expected.returns_by_year)
    assert reintegrated == dict(expected.reintegration_by_year)
    # a return whose police record was quarantined has no identification to link to
    assert unlinked == expected.returns_without_identification


def test_dimensions_complete(built: Settings) -> None:
    assert scalar(built, "select count(*) from marts.dim_province") == 81
    assert scalar(built, "select count(distinct nuts1_code) from marts.dim_province") == 12
    assert scalar(built, "select count(distinct nuts2_code) from marts.dim_province") == 26
    assert scalar(built, "select count(*) from marts.dim_nationality") == 249


def test_same_file_twice_is_a_no_op(empty_duckdb: Settings, demo_paths: list[Path]) -> None:
    _ingest_twice(empty_duckdb, demo_paths[0])


def test_same_file_twice_is_a_no_op_postgres(empty_postgres: Settings, demo_paths: list[Path]) -> None:
    _ingest_twice(empty_postgres, demo_paths[0])


def _ingest_twice(settings: Settings, path: Path) -> None:
    with connect(settings) as wh:
        first = ingest_file(wh, path)
        snapshot = wh.fetchall("select count(*), sum(rows_loaded) from ops.batches")
        raw_rows = wh.fetchall("select count(*) from raw.police_identifications")
        second = ingest_file(wh, path)
        assert first.outcome == "loaded"
        assert second.outcome == "already_loaded" and second.batch_id == first.batch_id
        assert wh.fetchall("select count(*), sum(rows_loaded) from ops.batches") == snapshot
        assert wh.fetchall("select count(*) from raw.police_identifications") == raw_rows
        assert wh.fetchall("select count(*) from ops.quarantine")[0][0] == first.rows_quarantined


def test_corrected_resend_supersedes_old_batch(
    empty_warehouse: Settings, demo_paths: list[Path], tmp_path: Path
) -> None:
    original = next(p for p in demo_paths if p.name == "iom_returns_2008.csv")
    lines = original.read_bytes().decode("utf-8").splitlines(keepends=True)
    corrected = tmp_path / original.name
    corrected.write_bytes("".join(lines[:-3]).encode("utf-8"))  # the agency withdrew three returns
    with connect(empty_warehouse) as wh:
        first = ingest_file(wh, original)
        second = ingest_file(wh, corrected)
        statuses = dict(wh.fetchall("select batch_id, status from ops.batches"))
        supersedes = wh.fetchall(
            "select supersedes_batch_id from ops.batches where batch_id = ?", (second.batch_id,)
        )[0][0]
    assert statuses == {first.batch_id: "superseded", second.batch_id: "active"}
    assert supersedes == first.batch_id
    assert build(empty_warehouse, quiet=True, unit_tests=False).ok
    assert scalar(empty_warehouse, "select count(*) from marts.fct_returns") == second.rows_loaded
    assert second.rows_read == first.rows_read - 3


def test_build_failure_keeps_last_published_warehouse(
    empty_duckdb: Settings, demo_paths: list[Path], tmp_path: Path
) -> None:
    """A failing dbt test must not publish: the dashboards keep the last good snapshot."""
    good = [p for p in demo_paths if p.name.endswith("2006.csv")]
    with connect(empty_duckdb) as wh:
        for path in good:
            ingest_file(wh, path)
    assert build(empty_duckdb, quiet=True, unit_tests=False).ok
    published = empty_duckdb.serving_path.stat().st_mtime_ns
    with connect(empty_duckdb) as wh:  # a code nobody mapped in seeds/source_codes.csv
        wh.execute(
            "update raw.iom_returns set return_type = 'unmapped_kind' where case_id = "
            "(select min(case_id) from raw.iom_returns)"
        )
    outcome = build(empty_duckdb, quiet=True, unit_tests=False)
    assert not outcome.ok
    assert "unmapped_kind" in outcome.message  # the failing test names the value to map
    assert empty_duckdb.serving_path.stat().st_mtime_ns == published
    with connect(empty_duckdb) as wh:
        assert wh.fetchall("select status from ops.builds order by started_at") == [("success",), ("failed",)]
