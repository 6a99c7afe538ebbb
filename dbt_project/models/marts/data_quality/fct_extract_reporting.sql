-- One row per agency, source and expected reporting period: was the extract received, and on time?
-- (DHIS2 EXPECTED_REPORTS / ACTUAL_REPORTS / ACTUAL_REPORTS_ON_TIME, one report at a time.)
--
-- Received: the period's days are all covered by active batches of that agency and source (one
-- yearly file, or twelve monthly files for a year). A period only partly covered is not received;
-- covered_days says how much arrived.
--
-- Received date: the warehouse's own load time (stg_ops__batches.loaded_at), of the FIRST file the
-- agency sent for the batch's period, superseded versions included: a correction sent later does not
-- make an on-time report late. For a period covered by several files it is the date the last piece
-- arrived. extracted_on is not used: it is the agency's statement of when it made the file (from the
-- file name or --extracted-on), not evidence of when the Task Force had it, and a file made on time can
-- still be sent months later. The load time can only be later than the real arrival (files are loaded
-- when they arrive), never earlier, so on time is never overstated; historical files loaded in bulk
-- (the demo's 2006-2010) are all late, which is what the warehouse can prove.
--
-- Rows and superseded batches are attributed to the expected period in which the batch's period
-- starts, so that summing them over periods gives each batch once.
with expected as (
    select * from {{ ref('int_reporting_periods_expected') }}
),

batches as (
    select
        batch_id, agency, source_name, period, period_start, period_end, extracted_on, loaded_at,
        rows_read, rows_loaded, rows_quarantined, rows_skipped, is_active
    from {{ ref('stg_ops__batches') }}
),

first_arrivals as (
    select agency, source_name, period, min(loaded_at) as first_loaded_at
    from batches
    group by agency, source_name, period
),

active_batches as (
    select batches.*, first_arrivals.first_loaded_at
    from batches
    inner join first_arrivals
        on batches.agency = first_arrivals.agency
        and batches.source_name = first_arrivals.source_name
        and batches.period = first_arrivals.period
    where batches.is_active
),

coverage as (
    select
        expected.agency,
        expected.source_name,
        expected.period_start,
        sum(
            cast({{ dbt.datediff(
                'greatest(active_batches.period_start, expected.period_start)',
                'least(active_batches.period_end, expected.period_end)',
                'day'
            ) }} as integer) + 1
        ) as covered_days,
        max(active_batches.first_loaded_at) as last_piece_loaded_at,
        max(active_batches.extracted_on) as extracted_on
    from expected
    inner join active_batches
        on expected.agency = active_batches.agency
        and expected.source_name = active_batches.source_name
        and active_batches.period_start <= expected.period_end
        and active_batches.period_end >= expected.period_start
    group by expected.agency, expected.source_name, expected.period_start
),

attributed as (
    select
        expected.agency,
        expected.source_name,
        expected.period_start,
        sum(case when batches.is_active then 1 else 0 end) as active_batch_count,
        sum(case when batches.is_active then 0 else 1 end) as superseded_batch_count,
        sum(case when batches.is_active then batches.rows_read else 0 end) as rows_read,
        sum(case when batches.is_active then batches.rows_loaded else 0 end) as rows_loaded,
        sum(case when batches.is_active then batches.rows_quarantined else 0 end) as rows_quarantined,
        sum(case when batches.is_active then batches.rows_skipped else 0 end) as rows_skipped
    from expected
    inner join batches
        on expected.agency = batches.agency
        and expected.source_name = batches.source_name
        and batches.period_start >= expected.period_start
        and batches.period_start <= expected.period_end
    group by expected.agency, expected.source_name, expected.period_start
),

assessed as (
    select
        expected.*,
        coalesce(coverage.covered_days, 0) as covered_days,
        coalesce(coverage.covered_days, 0) >= expected.period_days as is_received,
        coverage.last_piece_loaded_at,
        coverage.extracted_on,
        coalesce(attributed.active_batch_count, 0) as active_batch_count,
        coalesce(attributed.superseded_batch_count, 0) as superseded_batch_count,
        coalesce(attributed.rows_read, 0) as rows_read,
        coalesce(attributed.rows_loaded, 0) as rows_loaded,
        coalesce(attributed.rows_quarantined, 0) as rows_quarantined,
        coalesce(attributed.rows_skipped, 0) as rows_skipped
    from expected
    left join coverage
        on expected.agency = coverage.agency
        and expected.source_name = coverage.source_name
        and expected.period_start = coverage.period_start
    left join attributed
        on expected.agency = attributed.agency
        and expected.source_name = attributed.source_name
        and expected.period_start = attributed.period_start
),

dated as (
    select
        assessed.*,
        case when is_received then cast(last_piece_loaded_at as date) end as received_on
    from assessed
),

final as (
    select
        cast(agency as text) as agency,
        cast(source_name as text) as source_name,
        cast(period as text) as period,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(period_year as integer) as period_year,
        cast(reporting_frequency as text) as reporting_frequency,
        cast(deadline_days as integer) as deadline_days,
        cast(deadline_on as date) as deadline_on,
        cast(1 as integer) as expected_reports,
        cast(case when is_received then 1 else 0 end as integer) as actual_reports,
        cast(case when is_received and received_on <= deadline_on then 1 else 0 end as integer)
            as actual_reports_on_time,
        cast(received_on as date) as received_on,
        cast(
            case when is_received then {{ dbt.datediff('deadline_on', 'received_on', 'day') }} end as integer
        ) as days_after_deadline,
        cast(extracted_on as date) as extracted_on,
        cast(covered_days as integer) as covered_days,
        cast(period_days as integer) as period_days,
        cast(active_batch_count as integer) as active_batch_count,
        cast(superseded_batch_count as integer) as superseded_batch_count,
        cast(rows_read as bigint) as rows_read,
        cast(rows_loaded as bigint) as rows_loaded,
        cast(rows_quarantined as bigint) as rows_quarantined,
        cast(rows_skipped as bigint) as rows_skipped,
        cast(window_start as date) as window_start,
        cast(window_end as date) as window_end
    from dated
)

select * from final
