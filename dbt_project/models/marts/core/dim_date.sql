-- One row per day from var dim_date_start to var dim_date_end (default 2000-01-01 to 2030-12-31: the
-- demo's 2006-2010 data, court cases filed years before, stays ending after, and room for real
-- deployments). The day count is worked out in Jinja so the spine is dbt's portable generate_series.
{%- set start_date = var('dim_date_start', '2000-01-01') -%}
{%- set end_date = var('dim_date_end', '2030-12-31') -%}
{%- set day_count = (modules.datetime.date.fromisoformat(end_date)
    - modules.datetime.date.fromisoformat(start_date)).days + 1 %}

with day_numbers as (
    {{ dbt.generate_series(day_count) }}
),

days as (
    select
        cast({{ dbt.dateadd('day', 'cast(generated_number as integer) - 1', "cast('" ~ start_date ~ "' as date)") }} as date)
            as date_day
    from day_numbers
),

parts as (
    select
        date_day,
        {{ calendar_year('date_day') }} as calendar_year,
        {{ calendar_quarter('date_day') }} as calendar_quarter,
        {{ calendar_month('date_day') }} as calendar_month,
        {{ day_of_month('date_day') }} as day_of_month,
        {{ iso_day_of_week('date_day') }} as iso_day_of_week
    from days
),

final as (
    select
        date_day,
        calendar_year as year,
        calendar_quarter as quarter,
        calendar_month as month,
        day_of_month,
        iso_day_of_week,
        -- DHIS2-style ISO period ids, the keys the indicator layer and donor tables use
        cast(calendar_year as text) as period_year,
        cast(calendar_year as text) || 'Q' || cast(calendar_quarter as text) as period_quarter,
        cast(calendar_year as text) || lpad(cast(calendar_month as text), 2, '0') as period_month,
        cast({{ month_name('calendar_month', 'en') }} as text) as month_name_en,
        cast({{ month_name('calendar_month', 'tr') }} as text) as month_name_tr,
        iso_day_of_week >= 6 as is_weekend
    from parts
)

select * from final
