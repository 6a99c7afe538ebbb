-- Monthly event counts per sending agency, source and province, as complete series for outlier
-- detection: identifications (every identifying agency), 157 helpline calls and police operations.
--
-- A series holds every month covered by an active batch of that agency and source, with 0 for a
-- covered month without events; a month no active batch covers is absent (not received is not zero).
-- A series exists for each province that appears at least once in that agency's source, so provinces
-- an agency never reports from do not add all-zero series. Events without a province are not counted
-- (fct_field_completeness shows how many there are). Months are generated from at most
-- var('data_quality_max_window_months') months per batch.
{%- set max_months = var('data_quality_max_window_months', 1200) %}

with batches as (
    select batch_id, agency, source_name, period_start, period_end
    from {{ ref('stg_ops__batches') }}
    where is_active
),

events as (
    select batch_id, identified_on as event_on, province_plate_code
    from {{ ref('int_identifications_unioned') }}
    union all
    select batch_id, received_on as event_on, province_plate_code
    from {{ ref('stg_helpline__calls') }}
    union all
    select batch_id, carried_out_on as event_on, province_plate_code
    from {{ ref('stg_police__operations') }}
),

monthly_counts as (
    select
        batches.agency,
        batches.source_name,
        events.province_plate_code,
        cast({{ dbt.date_trunc('month', 'events.event_on') }} as date) as month_start,
        count(*) as event_count
    from events
    inner join batches on events.batch_id = batches.batch_id
    where events.province_plate_code is not null and events.event_on is not null
    group by
        batches.agency,
        batches.source_name,
        events.province_plate_code,
        cast({{ dbt.date_trunc('month', 'events.event_on') }} as date)
),

series_provinces as (
    select distinct agency, source_name, province_plate_code from monthly_counts
),

series_sources as (
    select distinct agency, source_name from monthly_counts
),

positions as (
    {{ dbt.generate_series(max_months) }}
),

batch_months as (
    select
        batches.agency,
        batches.source_name,
        cast({{ dbt.date_trunc('month', 'batches.period_start') }} as date) as first_month,
        batches.period_end
    from batches
    inner join series_sources
        on batches.agency = series_sources.agency and batches.source_name = series_sources.source_name
),

covered_months as (
    select distinct
        batch_months.agency,
        batch_months.source_name,
        cast({{ dbt.dateadd('month', 'positions.generated_number - 1', 'batch_months.first_month') }} as date)
            as month_start
    from batch_months
    cross join positions
    where cast({{ dbt.dateadd('month', 'positions.generated_number - 1', 'batch_months.first_month') }} as date)
        <= batch_months.period_end
),

filled as (
    select
        series_provinces.agency,
        series_provinces.source_name,
        series_provinces.province_plate_code,
        covered_months.month_start,
        cast(coalesce(monthly_counts.event_count, 0) as bigint) as event_count
    from series_provinces
    inner join covered_months
        on series_provinces.agency = covered_months.agency
        and series_provinces.source_name = covered_months.source_name
    left join monthly_counts
        on series_provinces.agency = monthly_counts.agency
        and series_provinces.source_name = monthly_counts.source_name
        and series_provinces.province_plate_code = monthly_counts.province_plate_code
        and covered_months.month_start = monthly_counts.month_start
)

select * from filled
