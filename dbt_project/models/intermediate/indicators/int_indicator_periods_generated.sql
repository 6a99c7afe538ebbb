-- The reporting periods every indicator is computed for: each calendar year, quarter and month of the
-- years the active extracts cover (from their period_start to their period_end, whole years), with
-- DHIS2-style ISO period ids ('2008', '2008Q1', '200801') taken from dim_date. The spine is what makes
-- an empty month a 0 instead of a missing row.
-- A table, not a view: read by several models and tests, and PostgreSQL plans a stack of views badly.
{{ config(materialized='table') }}

with batches as (
    select period_start, period_end from {{ ref('stg_ops__batches') }} where is_active
),

bounds as (
    select
        {{ calendar_year('min(period_start)') }} as first_year,
        {{ calendar_year('max(period_end)') }} as last_year
    from batches
),

days as (
    select dim_date.*
    from {{ ref('dim_date') }} as dim_date
    inner join bounds on dim_date.year between bounds.first_year and bounds.last_year
),

years as (
    select
        'year' as period_type, period_year as period_id, min(date_day) as period_start, max(date_day) as period_end
    from days
    group by period_year
),

quarters as (
    select
        'quarter' as period_type, period_quarter as period_id, min(date_day) as period_start,
        max(date_day) as period_end
    from days
    group by period_quarter
),

months as (
    select
        'month' as period_type, period_month as period_id, min(date_day) as period_start,
        max(date_day) as period_end
    from days
    group by period_month
),

unioned as (
    select * from years
    union all
    select * from quarters
    union all
    select * from months
),

final as (
    select
        cast(period_type as text) as period_type,
        cast(period_id as text) as period_id,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        {{ calendar_year('period_start') }} as period_year
    from unioned
)

select * from final
