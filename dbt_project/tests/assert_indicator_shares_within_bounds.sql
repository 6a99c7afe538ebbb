-- A share (unit percent) is between 0 and 100: its numerator never exceeds its base. Fails with one row
-- per value outside. Exempt: V8's total row, which by design sums the shares of a multi-select
-- characteristic (rule_multi_value) and is 100 or more.
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

catalogue as (
    select indicator_id from {{ ref('indicators') }} where unit = 'percent'
)

select indicator_values.indicator_id, indicator_values.period_id, indicator_values.disaggregation,
    indicator_values.numerator, indicator_values.denominator, indicator_values.value
from indicator_values
inner join catalogue on indicator_values.indicator_id = catalogue.indicator_id
where (indicator_values.value < 0 or indicator_values.value > 100 or indicator_values.numerator > indicator_values.denominator)
    and not (indicator_values.indicator_id = 'V8' and indicator_values.is_total)
