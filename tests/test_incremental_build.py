"""An incremental build gives exactly the rows of a full rebuild of the same state, and recomputes only
what changed (docs block incremental_models in dbt_project/models/intermediate/_incremental__docs.md).

Per engine: a clone of the built demo warehouse gets everything ingest and retention do between two
builds (a new monthly police batch for a new year, which identifies a person never identified before
and re-identifies one; a corrected resend of the police 2008 file that supersedes the first, with rows
dropped, rows changed and a late record dated in 2008 for a person first identified in 2010; the
gendarmerie 2006 batch destroyed by retention), then `taskforce build` (incremental), then
`taskforce build --full-refresh`. Every incremental model and every mart must hold the same rows after
both; the incremental build must have recomputed the changed units only (<model>__incr_changes), so this
fails if a model goes back to a full rebuild. Three dbt builds per engine: the shared demo build, the
incremental one and the full refresh.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pytest

from ingest.run import ingest_file
from taskforce import retention
from taskforce.build import build
from taskforce.demo_data import POLICE_HEADER, person_key
from taskforce.settings import Settings
from taskforce.warehouse import connect
from tests.conftest import _clone, _master, postgres_url

YEAR_MODELS = (
    "int_victim_periods_deduplicated",
    "int_victim_period_exploitation_types_collected",
    "int_indicator_inputs_victims",
    "int_indicator_inputs_protection",
    "int_indicator_inputs_prevention",
    "int_indicator_inputs_enforcement",
)
PERSON_MODELS = ("int_persons_resolved", "int_victim_pathways")
INCREMENTAL_MODELS = YEAR_MODELS + PERSON_MODELS
# a model whose stored state is lost before the incremental build (no state yet: every unit recomputed)
STATELESS_MODEL = "int_victim_pathways"
# the years whose identification records change below: retention (2006), the resend (2008), a new year
IDENTIFICATION_YEARS = {"2006", "2008", "2011"}


@dataclass
class Outcome:
    settings: Settings
    incremental: dict[str, list[tuple]]  # table -> sorted rows after the incremental build
    full: dict[str, list[tuple]]  # the same after --full-refresh
    changes: dict[str, set[str]]  # incremental model -> units its incremental run recomputed
    changes_after_full: dict[str, set[str]]
    state_units: dict[str, set[str]]  # incremental model -> every unit it holds
    touched_persons: set[str]  # persons whose records the changes add, alter or remove
    quiet_year: str  # a year of protection indicators that only a person's new attributes change
    plans: dict[str, str]  # incremental model -> its incremental select's plan (PostgreSQL only)


def normalised(value: object) -> object:
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, Decimal | float):
        return round(float(value), 6)
    if hasattr(value, "isoformat"):
        return value.isoformat()[:19]
    return value


def sorted_rows(settings: Settings, table: str) -> list[tuple]:
    with connect(settings) as wh:
        frame = wh.frame(f"select * from {table}")
    columns = sorted(frame.columns)  # rows compared column by column, whatever the column order
    rows = [
        tuple((column, normalised(v)) for column, v in zip(columns, record, strict=True))
        for record in frame[columns].astype(object).itertuples(index=False)
    ]
    return sorted(rows, key=lambda row: tuple((v is None, str(v)) for _, v in row))


def snapshot(settings: Settings) -> dict[str, list[tuple]]:
    with connect(settings) as wh:
        marts = [row[0] for row in wh.fetchall(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        )]  # fmt: skip
    tables = [f"intermediate.{m}" for m in INCREMENTAL_MODELS] + [f"marts.{t}" for t in sorted(marts)]
    return {table: sorted_rows(settings, table) for table in tables}


def units(settings: Settings, suffix: str) -> dict[str, set[str]]:
    with connect(settings) as wh:
        return {
            model: {row[0] for row in wh.fetchall(f"select unit from intermediate.{model}__{suffix}")}
            for model in INCREMENTAL_MODELS
        }


def incremental_plans(settings: Settings) -> dict[str, str]:
    """EXPLAIN of each incremental model's select as the incremental build compiled it (its changed units
    are still in <model>__incr_changes)."""
    compiled = settings.data_dir / "dbt" / "postgres" / "target" / "compiled"
    plans = {}
    with connect(settings) as wh:
        for model in INCREMENTAL_MODELS:
            sql = next(compiled.rglob(f"{model}.sql")).read_text()
            plans[model] = "\n".join(row[0] for row in wh.fetchall(f"explain {sql}"))
    return plans


def police_file(directory: Path, name: str, lines: list[str]) -> Path:
    path = directory / name
    path.write_bytes(("\r\n".join([";".join(POLICE_HEADER), *lines]) + "\r\n").encode("windows-1254"))
    return path


def ingest(settings: Settings, path: Path) -> None:
    with connect(settings) as wh:
        result = ingest_file(wh, path)
    assert result.outcome == "loaded", result.message


def first_column(settings: Settings, sql: str, params: tuple = ()) -> list:
    with connect(settings) as wh:
        return [row[0] for row in wh.fetchall(sql, params)]


def years_of_persons(settings: Settings) -> dict[str, set[int]]:
    """Person key -> the years of the events and pathway the protection indicators count them in."""
    dated = {
        "fct_shelter_stays": "admitted_on",
        "fct_health_services": "served_on",
        "fct_returns": "departed_on",
        "fct_victim_pathway": "identified_on",
        "fct_identifications": "identified_on",
    }
    years: dict[str, set[int]] = {}
    with connect(settings) as wh:
        for table, column in dated.items():
            for key, day in wh.fetchall(
                f"select person_key, {column} from marts.{table} where {column} is not null"
            ):
                years.setdefault(key, set()).add(int(str(day)[:4]))
    return years


def change_everything(settings: Settings, demo_paths: list[Path], folder: Path) -> tuple[set[str], str]:
    """Retention, a resend that supersedes a batch, a late record and a new batch. Returns the persons
    whose records they add, alter or remove, and a year that only a person's changed attributes touch:
    the protection indicators of that year change because a new identification resolves the sex and
    citizenship of a person counted in it (a return or health service), and for no other reason."""
    batches = first_column(settings, "select batch_id from ops.batches where status = 'active'")
    police = {b.split(":")[2]: b for b in batches if b.startswith("police_identifications:")}
    gendarmerie_2006 = next(b for b in batches if b.startswith("gendarmerie_identifications:jgk:2006:"))
    years = years_of_persons(settings)
    destroyed = set(
        first_column(
            settings,
            "select person_key from raw.gendarmerie_identifications where _batch_id = ?",
            (gendarmerie_2006,),
        )
    )
    loaded_2008 = sorted(
        first_column(
            settings,
            "select record_id from raw.police_identifications where _batch_id = ?",
            (police["2008"],),
        )
    )
    with connect(settings) as wh:
        first_identified = dict(
            wh.fetchall(
                "select person_key, min(identification_year) from marts.fct_identifications group by 1"
            )
        )
    only_2010 = sorted(k for k, first in first_identified.items() if first == 2010 and years[k] == {2010})
    late, reidentified = only_2010[0], only_2010[1]  # all their records in 2010

    # the gendarmerie 2006 batch destroyed by retention (its raw rows deleted; the batch stays active)
    with connect(settings) as wh:
        plans = [p for p in retention.plan(wh, 1, date(2008, 1, 1)) if p.batch_id == gendarmerie_2006]
        assert len(plans) == 1 and plans[0].raw_rows > 0
        retention.apply(wh, plans, 1)

    # a corrected resend of the police 2008 file: three rows dropped, two changed, and a late record
    # dated 2008 for a person first identified in 2010
    demo_2008 = next(p for p in demo_paths if p.name == "tnp_identifications_2008.csv")
    lines = demo_2008.read_bytes().decode("windows-1254").split("\r\n")[1:]
    by_record = {line.split(";")[0]: line.split(";") for line in lines if line}
    dropped, sex_changed, status_changed = loaded_2008[:3], loaded_2008[3], loaded_2008[4]
    cells = by_record[sex_changed]
    cells[6] = "E" if cells[6] == "K" else "K"
    cells = by_record[status_changed]
    cells[3] = "olasi" if cells[3] == "tespit_edilen" else "tespit_edilen"
    resend = [";".join(c) for record, c in by_record.items() if record not in dropped]
    resend.append(f"EGM-2008-90001;{late};30.06.2008;tespit_edilen;34;MDA;K;25;emek;operasyon;")
    resent = {by_record[r][1] for r in [*dropped, sex_changed, status_changed]} | {late}
    (folder / "resend").mkdir()
    ingest(settings, police_file(folder / "resend", "tnp_identifications_2008.csv", resend))

    # a year no other change touches, and a person never identified, with no shelter stay, counted in it
    touched_years = {2006, 2008, 2010, 2011}.union(*(years.get(k, set()) for k in destroyed | resent))
    never_identified = set(
        first_column(
            settings,
            "select person_key from marts.dim_person where person_identification_status = 'never_identified'"
            " and person_key not in (select person_key from marts.fct_shelter_stays)",
        )
    )
    quiet_year, newly_identified = min(
        (year, key) for key in never_identified for year in years.get(key, set()) if year not in touched_years
    )
    sex_before = first_column(
        settings, "select sex from marts.dim_person where person_key = ?", (newly_identified,)
    )
    new_sex = "K" if sex_before == ["male"] else "E"

    # a new monthly batch in a new year: two new persons, the person never identified before (now with
    # the other sex and a citizenship, which no record of theirs had), and one identified before
    new_month = [
        f"EGM-201101-0001;{person_key(990_001)};05.01.2011;tespit_edilen;34;UKR;K;19;cinsel;operasyon;",
        f"EGM-201101-0002;{person_key(990_002)};12.01.2011;olasi;6;TUR;E;16;emek;hat_157;",
        f"EGM-201101-0003;{newly_identified};20.01.2011;tespit_edilen;35;GEO;{new_sex};30;emek;stk;",
        f"EGM-201101-0004;{reidentified};28.01.2011;tespit_edilen;1;MDA;K;22;cinsel,emek;operasyon;",
    ]
    ingest(settings, police_file(folder, "tnp_identifications_2011-01.csv", new_month))
    return destroyed | resent | {line.split(";")[1] for line in new_month}, str(quiet_year)


@pytest.fixture(scope="module", params=["duckdb", "postgres"])
def outcome(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, demo_paths: list[Path]
) -> Outcome:
    engine = request.param
    if engine == "postgres":
        postgres_url()  # skip (or fail in CI) when there is no server
    # a clone of the demo warehouse of its own: the shared one must not change under other tests
    folder = tmp_path_factory.mktemp(f"incremental_{engine}")
    settings = _clone(_master(engine, tmp_path_factory, demo_paths), engine, folder / "warehouse")
    touched, quiet_year = change_everything(settings, demo_paths, folder)
    with connect(settings) as wh:
        wh.execute(f"delete from intermediate.{STATELESS_MODEL}__incr_state")

    result = build(settings, quiet=True, unit_tests=False)
    assert result.ok, result.message
    incremental, changes = snapshot(settings), units(settings, "incr_changes")
    state_units = units(settings, "incr_state")
    plans = incremental_plans(settings) if engine == "postgres" else {}

    result = build(settings, full_refresh=True, quiet=True, unit_tests=False)
    assert result.ok, result.message
    return Outcome(
        settings,
        incremental,
        snapshot(settings),
        changes,
        units(settings, "incr_changes"),
        state_units,
        touched,
        quiet_year,
        plans,
    )


def test_incremental_build_gives_the_rows_of_a_full_rebuild(outcome: Outcome) -> None:
    assert set(outcome.incremental) == set(outcome.full)
    assert len(outcome.full) > len(INCREMENTAL_MODELS) + 20  # every mart is compared
    differing = [table for table in outcome.full if outcome.incremental[table] != outcome.full[table]]
    assert differing == []
    # the changes did reach the models: the new year, the resent year, the destroyed batch
    victims = outcome.full["intermediate.int_victim_periods_deduplicated"]
    periods = {dict(row)["period_id"] for row in victims}
    assert {"2011", "201101"} <= periods


def test_the_build_recomputed_the_changed_units_only(outcome: Outcome) -> None:
    for model in INCREMENTAL_MODELS:
        if model == STATELESS_MODEL:
            continue
        changed = outcome.changes[model]
        assert not any(unit.startswith("*") for unit in changed), f"{model} was rebuilt whole: {changed}"
        assert changed, f"{model} recomputed nothing"
        assert len(changed) < len(outcome.state_units[model]), model
    for model in YEAR_MODELS[:3]:  # from identification records only: exactly the years they changed in
        assert outcome.changes[model] == IDENTIFICATION_YEARS, model
    # the new year, and a year changed only through the resolved attributes of a person counted in it
    assert {"2011", outcome.quiet_year} <= outcome.changes["int_indicator_inputs_protection"]
    # the new year, and the years of calls naming a person whose identifications changed (H2)
    assert "2011" in outcome.changes["int_indicator_inputs_prevention"]
    assert outcome.changes["int_indicator_inputs_enforcement"] == {"2011"}  # no justice data changed
    for model in PERSON_MODELS:  # exactly the persons whose records changed
        if model != STATELESS_MODEL:
            assert outcome.changes[model] == outcome.touched_persons, model


def test_postgres_joins_the_changed_units(outcome: Outcome) -> None:
    """A model's changed units are joined (hash semi join), never tested row by row against the whole
    list (a SubPlan: 1,163 s for int_victim_pathways when 98,404 persons changed at 100k rows). The plans
    are PostgreSQL's; DuckDB joins an IN list either way."""
    expected = INCREMENTAL_MODELS if outcome.settings.engine == "postgres" else ()
    assert sorted(outcome.plans) == sorted(expected)
    row_by_row = [model for model, plan in outcome.plans.items() if "SubPlan" in plan]
    assert row_by_row == []


def test_a_model_without_state_recomputes_every_unit(outcome: Outcome) -> None:
    """Its changes list every unit (and the rows without one), beside the unit that says why; its rows
    equal the full rebuild's (test above)."""
    changed = outcome.changes[STATELESS_MODEL]
    assert any(unit.startswith("*code:") for unit in changed), changed

    def plain(units: set[str]) -> set[str]:
        return {unit for unit in units if not unit.startswith("*")}

    assert plain(changed) == plain(outcome.state_units[STATELESS_MODEL]) | {"undated"}


def test_a_full_refresh_is_marked_and_leaves_the_same_state(outcome: Outcome) -> None:
    for model in INCREMENTAL_MODELS:
        assert outcome.changes_after_full[model] == {"*full-refresh"}
    assert units(outcome.settings, "incr_state") == outcome.state_units
