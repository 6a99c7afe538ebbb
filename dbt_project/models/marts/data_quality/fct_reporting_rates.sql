-- Reporting completeness (Q1) and timeliness (Q2) per agency, source and year, as DHIS2 computes them
-- for a data set: REPORTING_RATE = actual / expected x 100, REPORTING_RATE_ON_TIME = actual on time /
-- expected x 100 (both over the expected reports, so a missing report lowers both). A year has one
-- expected report for a yearly agency, 4 for quarterly, 12 for monthly (whole periods inside the
-- reporting window only). Percentages are rounded half away from zero to one decimal with exact
-- integer arithmetic (macros/data_quality_arithmetic.sql), identical on every engine.
with reports as (
    select * from {{ ref('fct_extract_reporting') }}
),

agencies as (
    select agency, agency_name_en from {{ ref('stg_ops__agencies') }}
),

yearly as (
    select
        agency,
        source_name,
        period_year,
        reporting_frequency,
        sum(expected_reports) as expected_reports,
        sum(actual_reports) as actual_reports,
        sum(actual_reports_on_time) as actual_reports_on_time,
        sum(superseded_batch_count) as superseded_batch_count,
        sum(rows_loaded) as rows_loaded,
        sum(rows_quarantined) as rows_quarantined
    from reports
    group by agency, source_name, period_year, reporting_frequency
),

final as (
    select
        cast(yearly.agency as text) as agency,
        cast(agencies.agency_name_en as text) as agency_name_en,
        cast(yearly.source_name as text) as source_name,
        cast(yearly.period_year as integer) as period_year,
        cast(yearly.reporting_frequency as text) as reporting_frequency,
        cast(yearly.expected_reports as integer) as expected_reports,
        cast(yearly.actual_reports as integer) as actual_reports,
        cast(yearly.actual_reports_on_time as integer) as actual_reports_on_time,
        {{ dq_percent('yearly.actual_reports', 'yearly.expected_reports', 1) }} as reporting_rate,
        {{ dq_percent('yearly.actual_reports_on_time', 'yearly.expected_reports', 1) }} as reporting_rate_on_time,
        cast(yearly.superseded_batch_count as integer) as superseded_batch_count,
        cast(yearly.rows_loaded as bigint) as rows_loaded,
        cast(yearly.rows_quarantined as bigint) as rows_quarantined
    from yearly
    left join agencies on yearly.agency = agencies.agency
)

select * from final
