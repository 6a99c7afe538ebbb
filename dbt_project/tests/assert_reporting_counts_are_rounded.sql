-- rule_disclosure: every published count of a disclosive indicator is a multiple of the rounding base,
-- and no share, rate or average is shown on a base below the threshold. Fails with one row per
-- offending row of rpt_indicator_values.
{%- set base = reporting_rounding_base() %}
select indicator_id, period_id, disaggregation, numerator, denominator, value, is_withheld
from {{ ref('rpt_indicator_values') }}
where is_rounded
    and (
        mod(numerator, {{ base }}) <> 0
        or mod(coalesce(denominator, 0), {{ base }}) <> 0
        or (denominator is not null and denominator < {{ reporting_threshold() }} and value is not null)
    )
