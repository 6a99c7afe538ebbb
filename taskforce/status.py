"""What is in the warehouse: batches per agency and source, and the last build."""

from __future__ import annotations

import pandas as pd

from taskforce.settings import Settings
from taskforce.warehouse import connect


def batches_summary(settings: Settings) -> pd.DataFrame:
    with connect(settings, read_only=settings.engine == "duckdb" and settings.duckdb_path.exists()) as wh:
        if not wh.table_exists("ops", "batches"):
            return pd.DataFrame()
        return wh.frame(
            "select agency, source, count(*) as active_batches, min(period) as first_period, "
            "max(period) as last_period, cast(sum(rows_read) as bigint) as rows_read, "
            "cast(sum(rows_loaded) as bigint) as rows_loaded, "
            "cast(sum(rows_quarantined) as bigint) as rows_quarantined, "
            "cast(sum(rows_skipped) as bigint) as rows_skipped, max(loaded_at) as last_loaded_at "
            "from ops.batches where status = 'active' group by agency, source order by agency, source"
        )


def last_build(settings: Settings) -> dict[str, object] | None:
    with connect(settings, read_only=settings.engine == "duckdb" and settings.duckdb_path.exists()) as wh:
        if not wh.table_exists("ops", "builds"):
            return None
        rows = wh.fetchall(
            "select build_id, engine, started_at, finished_at, status, message from ops.builds "
            "order by started_at desc limit 1"
        )
    if not rows:
        return None
    keys = ("build_id", "engine", "started_at", "finished_at", "status", "message")
    return dict(zip(keys, rows[0], strict=True))
