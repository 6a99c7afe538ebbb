-- One row per agency, source and reporting period the agency owes the Task Force (DHIS2's "expected
-- reports"). Who owes what comes from the registry: stg_ops__agency_sources (the contracts with a fixed
-- sender) and stg_ops__agencies (reporting_frequency, deadline_days). Sources any agency may send
-- (referrals, shelter stays) are owed by nobody, so they have no rows here.
--
-- Reporting window: from the first day of the earliest period any batch covers to the last day of the
-- latest period any batch covers (all agencies, all sources, superseded batches included), so an
-- agency that sent nothing at all still owes every period in which others reported. The vars
-- data_quality_window_start / data_quality_window_end (ISO dates) override either end. A period is
-- expected when it lies entirely inside the window: periods are calendar years, quarters or months,
-- by the agency's reporting_frequency. The window is built from at most
-- var('data_quality_max_window_months') months; a test on window_month_count fails the build before
-- a longer window could be cut short.
{%- set max_months = var('data_quality_max_window_months', 1200) %}
{%- set window_start = var('data_quality_window_start', none) %}
{%- set window_end = var('data_quality_window_end', none) %}

with batches as (
    select period_start, period_end from {{ ref('stg_ops__batches') }}
),

agencies as (
    select agency, reporting_frequency, deadline_days from {{ ref('stg_ops__agencies') }}
),

agency_sources as (
    select agency, source_name from {{ ref('stg_ops__agency_sources') }}
),

reporting_window as (
    select
        {% if window_start %}cast('{{ window_start }}' as date){% else %}min(period_start){% endif %} as window_start,
        {% if window_end %}cast('{{ window_end }}' as date){% else %}max(period_end){% endif %} as window_end
    from batches
),

window_months as (
    select
        window_start,
        window_end,
        cast({{ dbt.date_trunc('month', 'window_start') }} as date) as first_month,
        cast({{ dbt.datediff('window_start', 'window_end', 'month') }} as integer) + 1 as window_month_count
    from reporting_window
    where window_start is not null and window_end is not null and window_start <= window_end
),

positions as (
    {{ dbt.generate_series(max_months) }}
),

months as (
    select
        window_months.window_start,
        window_months.window_end,
        window_months.window_month_count,
        cast({{ dbt.dateadd('month', 'positions.generated_number - 1', 'window_months.first_month') }} as date)
            as month_start
    from window_months
    cross join positions
    where positions.generated_number <= window_months.window_month_count
),

calendar as (
    select
        window_start,
        window_end,
        window_month_count,
        month_start,
        {{ calendar_year('month_start') }} as month_year,
        {{ dq_calendar_month('month_start') }} as month_number
    from months
),

-- Every calendar year, quarter and month starting in the window; the frequency picks which apply.
candidate_periods as (
    select
        'yearly' as reporting_frequency,
        cast(month_year as text) as period,
        month_start as period_start,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '12', 'month_start')) }} as date) as period_end,
        window_start,
        window_end,
        window_month_count
    from calendar
    where month_number = 1
    union all
    select
        'quarterly' as reporting_frequency,
        cast(month_year as text) || 'Q'
        || case month_number when 1 then '1' when 4 then '2' when 7 then '3' else '4' end as period,
        month_start as period_start,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '3', 'month_start')) }} as date) as period_end,
        window_start,
        window_end,
        window_month_count
    from calendar
    where month_number in (1, 4, 7, 10)
    union all
    select
        'monthly' as reporting_frequency,
        cast(month_year as text) || '-' || case when month_number < 10 then '0' else '' end
        || cast(month_number as text) as period,
        month_start as period_start,
        cast({{ dbt.dateadd('day', '-1', dbt.dateadd('month', '1', 'month_start')) }} as date) as period_end,
        window_start,
        window_end,
        window_month_count
    from calendar
),

expected as (
    select
        agency_sources.agency,
        agency_sources.source_name,
        agencies.reporting_frequency,
        agencies.deadline_days,
        candidate_periods.period,
        candidate_periods.period_start,
        candidate_periods.period_end,
        {{ calendar_year('candidate_periods.period_start') }} as period_year,
        cast({{ dbt.datediff('candidate_periods.period_start', 'candidate_periods.period_end', 'day') }} as integer)
            + 1 as period_days,
        cast({{ dbt.dateadd('day', 'agencies.deadline_days', 'candidate_periods.period_end') }} as date)
            as deadline_on,
        candidate_periods.window_start,
        candidate_periods.window_end,
        candidate_periods.window_month_count
    from agency_sources
    inner join agencies on agency_sources.agency = agencies.agency
    inner join candidate_periods on agencies.reporting_frequency = candidate_periods.reporting_frequency
    where candidate_periods.period_start >= candidate_periods.window_start
        and candidate_periods.period_end <= candidate_periods.window_end
),

final as (
    select * from expected
)

select * from final
