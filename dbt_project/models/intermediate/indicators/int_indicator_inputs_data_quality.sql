-- Numerators and denominators of the data-quality indicators Q1 (reporting completeness), Q2
-- (timeliness) and Q3 (field completeness of identification records) per year and breakdown (shape:
-- macros/indicator_rollup.sql), summed from the data-quality marts, which count expected and received
-- extracts (from the agency registry) and known key fields per source, agency and year. Yearly only:
-- the marts are yearly.
-- A table, not a view: read by several models and tests, and PostgreSQL plans a stack of views badly
-- (no JIT for it on PostgreSQL: macros/indicator_planner_settings.sql).
{{ config(materialized='table', pre_hook="{{ indicator_planner_settings() }}") }}

with periods as (
    select period_type, period_id, period_start, period_end, period_year
    from {{ ref('int_indicator_periods_generated') }}
    where period_type = 'year'
),

reporting_rates as (
    select
        periods.period_type,
        periods.period_id,
        periods.period_start,
        periods.period_end,
        coalesce(rates.agency, 'unknown') as agency,
        coalesce(rates.source_name, 'unknown') as category,
        rates.expected_reports,
        rates.actual_reports,
        rates.actual_reports_on_time
    from {{ ref('fct_reporting_rates') }} as rates
    inner join periods on rates.period_year = periods.period_year
),

-- the sources identification records come from: those of the batches behind fct_identifications
identification_sources as (
    select distinct batches.source_name
    from {{ ref('stg_ops__batches') }} as batches
    inner join (select distinct batch_id from {{ ref('fct_identifications') }}) as identification_batches
        on batches.batch_id = identification_batches.batch_id
),

key_fields as (
    select
        periods.period_type,
        periods.period_id,
        periods.period_start,
        periods.period_end,
        coalesce(completeness.agency, 'unknown') as agency,
        completeness.field_name as category,
        completeness.rows_known,
        completeness.rows_total
    from {{ ref('fct_field_completeness') }} as completeness
    inner join periods on completeness.period_year = periods.period_year
    inner join identification_sources on completeness.source_name = identification_sources.source_name
    -- the key fields of the reporting frameworks' victim tables
    where completeness.field_name in ('sex', 'age', 'nationality', 'exploitation_types')
),

q1 as (
    {{ indicator_rollup('reporting_rates', 'Q1', 'coalesce(sum(actual_reports), 0)', 'coalesce(sum(expected_reports), 0)', {
        'total': [],
        'agency': ['agency'],
        'source': ['category'],
    }) }}
),

q2 as (
    {{ indicator_rollup('reporting_rates', 'Q2', 'coalesce(sum(actual_reports_on_time), 0)', 'coalesce(sum(expected_reports), 0)', {
        'total': [],
        'agency': ['agency'],
        'source': ['category'],
    }) }}
),

q3 as (
    {{ indicator_rollup('key_fields', 'Q3', 'coalesce(sum(rows_known), 0)', 'coalesce(sum(rows_total), 0)', {
        'total': [],
        'agency': ['agency'],
        'field': ['category'],
        'agency_field': ['agency', 'category'],
    }) }}
),

final as (
    select * from q1
    union all
    select * from q2
    union all
    select * from q3
)

select * from final
