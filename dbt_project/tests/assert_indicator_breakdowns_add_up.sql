-- rule_deduplication: a person counted in a period has the characteristics of their first record in it,
-- so every breakdown of a count adds up to its total. Fails with one row per count indicator, period and
-- breakdown whose rows do not sum to the total. Exempt: multi-value breakdowns (rule_multi_value: forms
-- of exploitation, service types) and training sessions (T1: a session with several audiences or
-- topics counts in each).
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

catalogue as (
    select indicator_id from {{ ref('indicators') }} where denominator is null
),

counts as (
    select indicator_values.*
    from indicator_values
    inner join catalogue on indicator_values.indicator_id = catalogue.indicator_id
    where indicator_values.indicator_id <> 'T1'
),

breakdown_sums as (
    select indicator_id, period_id, disaggregation, sum(numerator) as breakdown_sum
    from counts
    where not is_total
        and disaggregation not in (
            'exploitation_type', 'exploitation_type_sex', 'exploitation_type_age_group', 'service_type'
        )
    group by indicator_id, period_id, disaggregation
),

totals as (
    select indicator_id, period_id, numerator as total from counts where is_total
)

select breakdown_sums.*, totals.total
from breakdown_sums
inner join totals
    on breakdown_sums.indicator_id = totals.indicator_id and breakdown_sums.period_id = totals.period_id
where breakdown_sums.breakdown_sum <> totals.total
