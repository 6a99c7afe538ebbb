"""``taskforce retention``: destroy person-level rows kept longer than the retention period.

Personal data may be kept only as long as the purpose needs it (KVKK Art. 4; the Regulation on the
Erasure, Destruction or Anonymisation of Personal Data asks for a periodic destruction at most every six
months, and records of each destruction kept for at least three years). The Task Force's retention and
destruction policy sets the period; here it is ``TASKFORCE_RETENTION_YEARS`` (or ``--years``) years after
the end of the period a batch covers. There is no default: destroying data on a guessed period would lose
what the policy says to keep, so the job refuses to run until the period is configured.

For every batch (active or superseded) whose period ended before the cut-off:

* person-level sources (a contract column holds pseudonymous person keys): the batch's rows in
  ``raw.<source>`` are deleted;
* every source: the original cells kept in ``ops.quarantine.payload`` for the batch's quarantined rows
  are erased (the row number, rule and reason stay: they hold no values);
* one row in ``ops.retention_log`` per batch says what was destroyed: counts per source and batch, never
  values. It marks the batch as destroyed; the log is append-only on PostgreSQL.

The batch row in ``ops.batches`` stays (file name, period, counts: no personal data), so the same file
sent again is still recognised and not loaded a second time. Each batch is destroyed in its own
transaction, together with its log row. The dbt models still hold copies until the next build, which
``--apply`` runs unless told not to. Dry run by default.
"""

from __future__ import annotations

import getpass
import os
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from taskforce.settings import Settings
from taskforce.warehouse import Warehouse

YEARS_VARIABLE = "TASKFORCE_RETENTION_YEARS"
NOT_CONFIGURED = (
    f"the retention period is not configured: set {YEARS_VARIABLE} to the number of years in the Task "
    "Force's retention and destruction policy, or pass --years"
)
# a person key as the contracts' patterns write it (person_key, suspect_key, victim_keys, ...)
_PERSON_KEY_IN_PATTERN = re.compile(r"k\[0-9\]\+:\[0-9a-f\]\{64\}")


_PAYLOADS_SQL = "select count(*) from ops.quarantine where batch_id = ? and payload <> ''"


class RetentionError(ValueError):
    """The retention job cannot run as configured."""


@dataclass(frozen=True)
class BatchPlan:
    batch_id: str
    source: str
    agency: str
    period: str
    period_end: date
    person_level: bool
    raw_rows: int
    quarantine_payloads: int

    @property
    def action(self) -> str:
        return "rows_destroyed" if self.person_level else "payloads_destroyed_rows_kept"


def retention_years(value: int | None = None, environ: Mapping[str, str] | None = None) -> int:
    env = os.environ if environ is None else environ
    raw = value if value is not None else env.get(YEARS_VARIABLE)
    if raw is None or str(raw).strip() == "":
        raise RetentionError(NOT_CONFIGURED)
    try:
        years = int(raw)
    except ValueError:
        raise RetentionError(f"{YEARS_VARIABLE} must be a whole number of years; got '{raw}'") from None
    if years < 1:
        raise RetentionError(f"the retention period must be at least one year; got {years}")
    return years


def configured_years(environ: Mapping[str, str] | None = None) -> int | None:
    """The configured period, or None when the deployment has not set one (then nothing is expired)."""
    env = os.environ if environ is None else environ
    return retention_years(environ=env) if env.get(YEARS_VARIABLE, "").strip() else None


def cutoff(as_of: date, years: int) -> date:
    """Periods that ended before this date are past retention."""
    try:
        return as_of.replace(year=as_of.year - years)
    except ValueError:  # 29 February
        return as_of.replace(year=as_of.year - years, day=28)


def person_level_sources() -> dict[str, bool]:
    """Source name -> whether its raw table holds person keys (from the contracts, not from code)."""
    from ingest.contract import load_registry

    return {
        name: any(column.pattern and _PERSON_KEY_IN_PATTERN.search(column.pattern) for column in c.columns)
        for name, c in load_registry().items()
    }


def reload_refusal(
    wh: Warehouse,
    source: str,
    agency: str,
    period: str,
    period_end: date,
    today: date | None = None,
    environ: Mapping[str, str] | None = None,
) -> str | None:
    """Why an extract for this period may not be loaded, or None. Data destroyed by retention must not
    come back through a resend, and data already past the configured period must not enter at all."""
    destroyed = wh.fetchall(
        "select min(run_id), min(destroyed_at) from ops.retention_log "
        "where source = ? and agency = ? and period = ?",
        (source, agency, period),
    )
    if destroyed and destroyed[0][0] is not None:
        return (
            f"the data of period {period} was destroyed by retention run {destroyed[0][0]} "
            f"on {_as_date(destroyed[0][1]):%d.%m.%Y}; it may not be loaded again"
        )
    years = configured_years(environ)
    limit = cutoff(today or date.today(), years) if years else None
    if limit and period_end < limit:
        return (
            f"period {period} ended on {period_end:%d.%m.%Y}, more than {years} years ago "
            f"({YEARS_VARIABLE}): data past the retention period may not be loaded"
        )
    return None


def _count(wh: Warehouse, sql: str, params: tuple[object, ...]) -> int:
    return int(wh.fetchall(sql, params)[0][0])


def plan(wh: Warehouse, years: int, as_of: date) -> list[BatchPlan]:
    """What a run would destroy: every expired batch that still has rows or payloads, or that was never
    logged (e.g. an empty one)."""
    wh.ensure_ops()
    limit = cutoff(as_of, years)
    sources = person_level_sources()
    logged = {row[0] for row in wh.fetchall("select distinct batch_id from ops.retention_log")}
    batches = wh.fetchall(
        "select batch_id, source, agency, period, period_end from ops.batches where period_end < ? "
        "order by period_end, source, batch_id",
        (limit,),
    )
    plans = []
    for batch_id, source, agency, period, period_end in batches:
        person_level = sources.get(source, True)  # an unknown source is treated as person-level
        raw_rows = 0
        if person_level and wh.table_exists("raw", source):
            raw_rows = _count(wh, f'select count(*) from raw."{source}" where _batch_id = ?', (batch_id,))
        payloads = _count(wh, _PAYLOADS_SQL, (batch_id,))
        if raw_rows or payloads or batch_id not in logged:
            end = _as_date(period_end)
            plans.append(BatchPlan(batch_id, source, agency, period, end, person_level, raw_rows, payloads))
    return plans


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def _who(wh: Warehouse) -> str:
    if wh.engine == "postgres":
        return str(wh.fetchall("select current_user")[0][0])
    return getpass.getuser()


def apply(wh: Warehouse, plans: list[BatchPlan], years: int) -> str:
    """Destroy what ``plans`` lists, one transaction per batch with its log row. Returns the run id."""
    run_id = datetime.now(UTC).strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:8]
    who = _who(wh)
    for item in plans:
        with wh.transaction():
            raw_rows = 0
            if item.person_level and wh.table_exists("raw", item.source):
                raw_rows = _count(
                    wh, f'select count(*) from raw."{item.source}" where _batch_id = ?', (item.batch_id,)
                )
                wh.execute(f'delete from raw."{item.source}" where _batch_id = ?', (item.batch_id,))
            payloads = _count(wh, _PAYLOADS_SQL, (item.batch_id,))
            wh.execute("update ops.quarantine set payload = '' where batch_id = ?", (item.batch_id,))
            now = datetime.now(UTC).replace(tzinfo=None)
            wh.execute(
                "insert into ops.retention_log (run_id, batch_id, source, agency, period, period_end, "
                "retention_years, action, raw_rows_destroyed, quarantine_payloads_destroyed, destroyed_at, "
                "destroyed_by) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run_id,
                    item.batch_id,
                    item.source,
                    item.agency,
                    item.period,
                    item.period_end,
                    years,
                    item.action,
                    raw_rows,
                    payloads,
                    now,
                    who,
                ],
            )
    _reclaim(wh, {item.source for item in plans if item.person_level})
    return run_id


def _reclaim(wh: Warehouse, sources: set[str]) -> None:
    """Let the engine drop the deleted rows from its files now rather than some time later."""
    if wh.engine == "duckdb":
        wh.execute("checkpoint")
        return
    for source in sorted(sources):
        if wh.table_exists("raw", source):
            wh.execute(f'vacuum raw."{source}"')  # not in a transaction: the connection is autocommit
    wh.execute("vacuum ops.quarantine")


def describe(plans: list[BatchPlan], years: int, as_of: date) -> list[str]:
    """What a run destroys (or would), for the operator: counts per source and batch, never values."""
    limit = cutoff(as_of, years)
    if not plans:
        return [f"retention: nothing past {years} years (periods ended before {limit.isoformat()})"]
    lines = [
        f"retention: {len(plans)} batch(es) whose period ended before {limit.isoformat()} "
        f"({years} years before {as_of.isoformat()}):"
    ]
    for item in plans:
        rows = f"{item.raw_rows} raw rows" if item.person_level else "raw rows kept (no person keys)"
        lines.append(
            f"  {item.source:<28} {item.batch_id}  period {item.period} (ended {item.period_end}): {rows}, "
            f"{item.quarantine_payloads} quarantine payloads"
        )
    totals: dict[str, int] = {}
    for item in plans:
        totals[item.source] = totals.get(item.source, 0) + item.raw_rows
    lines.append("  per source: " + ", ".join(f"{s} {n}" for s, n in sorted(totals.items())))
    return lines


def run(
    settings: Settings,
    years: int | None = None,
    as_of: date | None = None,
    do_apply: bool = False,
    build: bool = True,
    out=print,
) -> int:
    """``taskforce retention``; returns the exit code."""
    from taskforce.warehouse import connect

    try:
        period = retention_years(years)
    except RetentionError as exc:
        out(f"retention: {exc}")
        return 2
    today = as_of or date.today()
    with connect(settings) as wh:
        plans = plan(wh, period, today)
        for line in describe(plans, period, today):
            out(line)
        if not do_apply:
            if plans:
                out("dry run: nothing was changed; run again with --apply to destroy the above")
            return 0
        if not plans:
            return 0
        run_id = apply(wh, plans, period)
    out(f"retention run {run_id}: destroyed as listed; logged in ops.retention_log")
    if not build:
        out("next: run `taskforce build`: until then the built models still hold copies of the rows")
        return 0
    from taskforce.build import build as run_build
    from taskforce.build import failed_tests

    result = run_build(settings, quiet=True)
    out(f"build {result.build_id}: {result.message.splitlines()[0] if result.message else ''}")
    if not result.ok:
        for line in failed_tests(settings):
            out(f"    failed: {line}")
        out(
            "the build failed: the built models may still hold copies of the destroyed rows; fix the "
            "build and run `taskforce build`"
        )
        return 1
    return 0
