-- Every indicator has exactly one total row for every period of the spine of each period type the
-- catalogue publishes it for (an empty month is a 0, not a missing row). Fails with one row per
-- indicator, period type and period whose total is missing or repeated.
with catalogue as (
    select indicator_id, period_types from {{ ref('indicators') }}
),

periods as (
    select period_type, period_id from {{ ref('int_indicator_periods_generated') }}
),

expected as (
    select catalogue.indicator_id, periods.period_type, periods.period_id
    from catalogue
    inner join periods
        on position('|' || periods.period_type || '|' in '|' || catalogue.period_types || '|') > 0
),

totals as (
    select indicator_id, period_id, count(*) as total_rows
    from {{ ref('fct_indicator_values') }}
    where is_total
    group by indicator_id, period_id
)

select expected.indicator_id, expected.period_type, expected.period_id, coalesce(totals.total_rows, 0) as total_rows
from expected
left join totals on expected.indicator_id = totals.indicator_id and expected.period_id = totals.period_id
where coalesce(totals.total_rows, 0) <> 1
