"""Data health: for each agency and extract, the last extract received, the periods expected, received and
received on time, rows loaded and quarantined with the top reasons (rule and column, never a value), failed
validation rules, incomplete key fields, files refused whole, and the last successful build. The page that
tells a coordinator whom to call.

The extract figures come from the data-quality marts. The quarantine reasons, batches, refused files and
builds are read from ``ops``; a role that may not read them sees a note instead of those parts. On
PostgreSQL ``taskforce db init`` grants them to the coordinator (of ``ops.quarantine`` only the batch, rules
and reason columns, never the original cells) and to no agency role (``taskforce/access.py``).
"""

from __future__ import annotations

import re
from datetime import date

import pandas as pd
import streamlit as st

from dashboards import charts, data, ui
from dashboards.filters import Dims, where

DIMS = Dims(year="period_year")
TOP_REASONS = 20
OPS = ("reasons", "batches", "rejected", "builds")

page = ui.start("data_health")
f, tr = page.filters, page.tr
c = where(f, DIMS)
overlap = {"first_day": date(f.first_year, 1, 1), "last_day": date(f.last_year, 12, 31)}
ACTIVE_IN_PERIOD = "b.status = 'active' and b.period_start <= :last_day and b.period_end >= :first_day"

frames = data.fetch(
    {
        "extracts": (
            f"""
            select agency, source_name, max(reporting_frequency) as frequency,
                cast(sum(expected_reports) as bigint) as expected,
                cast(sum(actual_reports) as bigint) as received,
                cast(sum(actual_reports_on_time) as bigint) as on_time,
                cast(sum(rows_loaded) as bigint) as rows_loaded,
                cast(sum(rows_quarantined) as bigint) as rows_quarantined,
                max(case when actual_reports > 0 then period_end end) as covered_until
            from marts.fct_extract_reporting where {c.sql}
            group by agency, source_name
            """,
            c.params,
        ),
        "last_received": (
            "select agency, source_name, max(received_on) as last_received "
            "from marts.fct_extract_reporting group by agency, source_name",
            {},
        ),
        "issues": (
            f"""
            select agency, source_name, period, period_start, deadline_on, received_on, days_after_deadline,
                case when actual_reports < expected_reports then 'missing' else 'late' end as issue
            from marts.fct_extract_reporting
            where {c.sql} and (actual_reports < expected_reports or actual_reports_on_time < actual_reports)
            """,
            c.params,
        ),
        "rules": (
            f"""
            select rule_id, rule_name, period_year, agency, left_value, operator, right_value, result,
                rule_description
            from marts.fct_validation_results where {c.sql}
            """,
            c.params,
        ),
        "fields": (
            f"""
            select agency, source_name, field_name, cast(sum(rows_total) as bigint) as rows_total,
                cast(sum(rows_known) as bigint) as rows_known
            from marts.fct_field_completeness where {c.sql}
            group by agency, source_name, field_name
            having sum(rows_known) < sum(rows_total)
            """,
            c.params,
        ),
        "reasons": (
            f"""
            select b.agency, b.source, q.rules,
                regexp_replace(regexp_replace(q.reason, '^line [0-9]+: ', ''), '[0-9]+', 'N', 'g') as reason,
                count(*) as rows_quarantined
            from ops.quarantine as q
            join ops.batches as b on b.batch_id = q.batch_id
            where {ACTIVE_IN_PERIOD}
            group by 1, 2, 3, 4
            order by rows_quarantined desc, 1, 2, 3, 4
            """,
            overlap,
        ),
        "batches": (
            f"""
            select b.agency, b.source, count(*) as batches,
                cast(sum(b.rows_read) as bigint) as rows_read, cast(sum(b.rows_loaded) as bigint) as
                    rows_loaded,
                cast(sum(b.rows_quarantined) as bigint) as rows_quarantined,
                cast(sum(b.rows_skipped) as bigint) as rows_skipped, max(b.loaded_at) as last_loaded
            from ops.batches as b
            where {ACTIVE_IN_PERIOD}
            group by b.agency, b.source
            """,
            overlap,
        ),
        "rejected": (
            "select agency, source, file_name, received_at, problem from ops.rejected_files "
            "order by received_at desc limit 20",
            {},
        ),
        "builds": (
            "select build_id, status, started_at, finished_at, dbt_version from ops.builds "
            "order by started_at desc limit 10",
            {},
        ),
    },
    optional=OPS,
)

extracts = frames["extracts"].merge(frames["last_received"], on=["agency", "source_name"], how="left")
expected, received = int(extracts["expected"].sum()), int(extracts["received"].sum())
on_time = int(extracts["on_time"].sum())
loaded, quarantined = int(extracts["rows_loaded"].sum()), int(extracts["rows_quarantined"].sum())
rules = frames["rules"]
failed = rules[rules["result"] == "failed"]
builds = frames["builds"]
successful = builds[builds["status"] == "success"] if builds is not None else None

st.subheader(tr("data_health_summary", period=tr.period(f.first_year, f.last_year)))
page.scope(DIMS)
row = st.columns(5)
row[0].metric(tr("extracts_received"), f"{tr.integer(received)} / {tr.integer(expected)}")
row[1].metric(tr("reporting_completeness"), tr.percent(ui.ratio(received, expected)))
row[2].metric(tr("reporting_timeliness"), tr.percent(ui.ratio(on_time, expected)))
row[3].metric(tr("rows_quarantined_share"), tr.percent(ui.ratio(quarantined, loaded + quarantined), 1))
row[4].metric(tr("failed_rules"), tr.integer(len(failed)))
st.caption(" ".join([page.definition("Q1"), page.definition("Q2")]))

if successful is None:
    st.info(tr("ops_not_readable"))
elif len(successful):
    last = successful.iloc[0]
    st.success(
        tr(
            "last_build",
            build=last["build_id"],
            finished=tr.timestamp(last["finished_at"]),
            dbt=last["dbt_version"] or "–",
        )
    )
    latest = builds.iloc[0]
    if latest["status"] != "success":
        st.warning(
            tr("last_build_failed", build=latest["build_id"], started=tr.timestamp(latest["started_at"]))
        )
else:
    st.warning(tr("no_successful_build"))

# --- whom to call -------------------------------------------------------------------------------------------

issues = frames["issues"]
calls = pd.DataFrame()
if len(issues):
    summary = issues.assign(
        missing=(issues["issue"] == "missing").astype(int), late=(issues["issue"] == "late").astype(int)
    )
    calls = (
        summary.groupby("agency")
        .agg(
            missing=("missing", "sum"),
            late=("late", "sum"),
            sources=("source_name", lambda s: sorted(set(s))),
        )
        .reset_index()
    )
    calls = calls.sort_values(["missing", "late", "agency"], ascending=[False, False, True])
    calls["name"] = page.labels(calls, "agency", "agency")
    calls["sources"] = calls["sources"].map(lambda names: ", ".join(tr.label("source", n) for n in names))
    calls = calls[["agency", "name", "missing", "late", "sources"]]
st.subheader(tr("whom_to_call"))
if calls.empty:
    st.success(tr("all_extracts_on_time"))
else:
    shown = calls.rename(
        columns={
            "agency": tr("col_code"),
            "name": tr("col_agency"),
            "missing": tr("col_periods_missing"),
            "late": tr("col_periods_late"),
            "sources": tr("col_sources"),
        }
    )
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(tr("def_whom_to_call"))
    page.download("whom_to_call", shown)

# --- every agency and extract -------------------------------------------------------------------------------

table = extracts.assign(
    agency_name=page.labels(extracts, "agency", "agency"),
    source=page.labels(extracts, "source_name", "source"),
    frequency=page.labels(extracts, "frequency", "frequency"),
    status=[
        tr.label("extract_status", "missing" if r < e else "late" if t < r else "ok")
        for e, r, t in zip(extracts["expected"], extracts["received"], extracts["on_time"], strict=True)
    ],
    last_received=extracts["last_received"].map(tr.date),
    covered_until=extracts["covered_until"].map(tr.date),
).sort_values(["agency", "source_name"])
page.table(
    "extracts",
    tr("extracts_by_agency"),
    table[
        [
            "agency",
            "agency_name",
            "source",
            "frequency",
            "last_received",
            "covered_until",
            "expected",
            "received",
            "on_time",
            "status",
            "rows_loaded",
            "rows_quarantined",
        ]
    ],
    tr("def_extracts_table"),
    {
        "agency": tr("col_code"),
        "agency_name": tr("col_agency"),
        "source": tr("col_source"),
        "frequency": tr("col_frequency"),
        "last_received": tr("col_last_received"),
        "covered_until": tr("col_covered_until"),
        "expected": tr("col_expected"),
        "received": tr("col_received_reports"),
        "on_time": tr("col_on_time"),
        "status": tr("col_status"),
        "rows_loaded": tr("col_rows_loaded"),
        "rows_quarantined": tr("col_rows_quarantined"),
    },
)

per_agency = extracts.groupby("agency")[["expected", "received", "on_time"]].sum().reset_index()
per_agency = per_agency.assign(name=page.labels(per_agency, "agency", "agency"))
page.chart(
    "reporting",
    tr("expected_received_on_time"),
    charts.grouped(
        per_agency,
        "name",
        [
            ("expected", tr("col_expected")),
            ("received", tr("col_received_reports")),
            ("on_time", tr("col_on_time")),
        ],
        page.lang,
        horizontal=True,
    )
    if len(per_agency)
    else None,
    per_agency[["agency", "name", "expected", "received", "on_time"]],
    tr("def_expected_received"),
    {
        "agency": tr("col_code"),
        "name": tr("col_agency"),
        "expected": tr("col_expected"),
        "received": tr("col_received_reports"),
        "on_time": tr("col_on_time"),
    },
)

# --- rows loaded and quarantined, and why -------------------------------------------------------------------

batches = frames["batches"]
if batches is not None:
    rows = batches.rename(columns={"source": "source_name"})
    rows_definition = tr("def_rows_batches")
else:
    rows = extracts[["agency", "source_name", "rows_loaded", "rows_quarantined"]]
    rows_definition = tr("def_rows_extracts")
rows = rows.groupby("agency")[["rows_loaded", "rows_quarantined"]].sum().reset_index()
rows = rows.assign(name=page.labels(rows, "agency", "agency")).sort_values("rows_loaded", ascending=False)
page.chart(
    "rows",
    tr("rows_loaded_quarantined"),
    charts.grouped(
        rows,
        "name",
        [("rows_loaded", tr("col_rows_loaded")), ("rows_quarantined", tr("col_rows_quarantined"))],
        page.lang,
        stacked=True,
        horizontal=True,
    )
    if len(rows)
    else None,
    rows[["agency", "name", "rows_loaded", "rows_quarantined"]],
    rows_definition,
    {
        "agency": tr("col_code"),
        "name": tr("col_agency"),
        "rows_loaded": tr("col_rows_loaded"),
        "rows_quarantined": tr("col_rows_quarantined"),
    },
)

reasons = frames["reasons"]
if reasons is None:
    st.subheader(tr("quarantine_reasons"))
    st.info(tr("ops_not_readable"))
else:
    column = re.compile(r"^column ([A-Za-z0-9_]+):")
    reasons = reasons.assign(
        column=[m.group(1) if (m := column.match(str(r))) else "" for r in reasons["reason"]],
        rule=[
            ", ".join(tr.label("rule", code) for code in str(codes).split(",")) for codes in reasons["rules"]
        ],
    )
    top = (
        reasons.groupby(["agency", "source", "rule", "column"], as_index=False)["rows_quarantined"]
        .sum()
        .sort_values(["rows_quarantined", "agency", "source"], ascending=[False, True, True])
        .head(TOP_REASONS)
    )
    top = top.assign(
        agency_name=page.labels(top, "agency", "agency"), source_name=page.labels(top, "source", "source")
    )
    page.table(
        "quarantine_reasons",
        tr("quarantine_reasons"),
        top[["agency", "agency_name", "source_name", "rule", "column", "rows_quarantined"]],
        tr("def_quarantine_reasons"),
        {
            "agency": tr("col_code"),
            "agency_name": tr("col_agency"),
            "source_name": tr("col_source"),
            "rule": tr("col_rule"),
            "column": tr("col_column"),
            "rows_quarantined": tr("col_rows_quarantined"),
        },
    )

# --- validation rules, incomplete fields, refused files -----------------------------------------------------

failed = failed.assign(
    rule=[tr.label("validation_rule", r) for r in failed["rule_name"]],
    agency_name=[page.agency(a) if isinstance(a, str) else tr("all_agencies") for a in failed["agency"]],
    operator=failed["operator"].map(lambda o: tr.label("operator", o)),
)
columns = ["rule_id", "rule", "period_year", "agency_name", "left_value", "operator", "right_value"]
names = {
    "rule_id": tr("col_rule_id"),
    "rule": tr("col_rule"),
    "period_year": tr("granularity_year"),
    "agency_name": tr("col_agency"),
    "left_value": tr("col_left_value"),
    "operator": tr("col_operator"),
    "right_value": tr("col_right_value"),
}
if page.lang == "en":
    columns.append("rule_description")
    names["rule_description"] = tr("col_description")
page.table(
    "failed_rules",
    tr("failed_validation_rules"),
    failed[columns].sort_values(["rule_id", "period_year"]),
    tr("def_failed_rules", skipped=tr.integer(int((rules["result"] == "skipped").sum()))),
    names,
)

fields = frames["fields"]
fields = fields.assign(
    completeness=[
        tr.number(100 * k / t, 1) if t else "–"
        for k, t in zip(fields["rows_known"], fields["rows_total"], strict=True)
    ],
    share=[k / t if t else 1 for k, t in zip(fields["rows_known"], fields["rows_total"], strict=True)],
    agency_name=page.labels(fields, "agency", "agency"),
    source=page.labels(fields, "source_name", "source"),
    field=page.labels(fields, "field_name", "field"),
).sort_values(["share", "agency"])
page.table(
    "incomplete_fields",
    tr("incomplete_fields"),
    fields[["agency", "agency_name", "source", "field", "rows_total", "rows_known", "completeness"]],
    page.definition("Q3", "def_incomplete_fields"),
    {
        "agency": tr("col_code"),
        "agency_name": tr("col_agency"),
        "source": tr("col_source"),
        "field": tr("col_field"),
        "rows_total": tr("col_rows_total"),
        "rows_known": tr("col_rows_known"),
        "completeness": tr("col_completeness"),
    },
)

rejected = frames["rejected"]
st.subheader(tr("rejected_files"))
if rejected is None:
    st.info(tr("ops_not_readable"))
elif rejected.empty:
    st.success(tr("no_rejected_files"))
else:
    rejected = rejected.assign(
        agency_name=[page.agency(a) if isinstance(a, str) else "–" for a in rejected["agency"]],
        source_name=[tr.label("source", s) if isinstance(s, str) else "–" for s in rejected["source"]],
        received=rejected["received_at"].map(tr.timestamp),
    )
    columns = ["agency_name", "source_name", "file_name", "received"]
    names = {
        "agency_name": tr("col_agency"),
        "source_name": tr("col_source"),
        "file_name": tr("col_file"),
        "received": tr("col_received_at"),
    }
    if page.lang == "en":
        columns.append("problem")
        names["problem"] = tr("col_problem")
    shown = rejected[columns].rename(columns=names)
    st.dataframe(shown, hide_index=True, width="stretch")
    st.caption(tr("def_rejected_files"))
    page.download("rejected_files", shown)
