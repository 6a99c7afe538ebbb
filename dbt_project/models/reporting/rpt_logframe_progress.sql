-- The action plan's logframe for donors: every indicator of the catalogue with its level, baseline and
-- target from the plan, the value measured in the baseline year, the latest year's value and whether it
-- moved the way the plan wants. National yearly totals as published in rpt_indicator_values (rounded
-- counts, withheld shares; rule_disclosure).
with catalogue as (
    select * from {{ ref('indicators') }}
),

yearly as (
    select indicator_id, cast(period_id as integer) as year, value
    from {{ ref('rpt_indicator_values') }}
    where period_type = 'year' and disaggregation = 'total'
),

latest_years as (
    select indicator_id, max(year) as latest_year
    from yearly
    where value is not null
    group by indicator_id
),

final as (
    select
        cast(catalogue.indicator_id as text) as indicator_id,
        cast(catalogue.name_en as text) as indicator_name_en,
        cast(catalogue.name_tr as text) as indicator_name_tr,
        cast(catalogue.logframe_level as text) as logframe_level,
        cast(catalogue.unit as text) as unit,
        cast(catalogue.target_direction as text) as target_direction,
        cast(catalogue.baseline_year as integer) as baseline_year,
        cast(catalogue.baseline_value as numeric(18, 2)) as planned_baseline_value,
        cast(baseline.value as numeric(18, 2)) as measured_baseline_value,
        cast(catalogue.target_year as integer) as target_year,
        cast(catalogue.target_value as numeric(18, 2)) as target_value,
        cast(latest_years.latest_year as integer) as latest_year,
        cast(latest.value as numeric(18, 2)) as latest_value,
        cast(
            case
                when latest.value is null or coalesce(catalogue.baseline_value, baseline.value) is null then null
                when catalogue.target_direction = 'increase'
                    then case when latest.value > coalesce(catalogue.baseline_value, baseline.value) then 'improved'
                        when latest.value = coalesce(catalogue.baseline_value, baseline.value) then 'unchanged'
                        else 'worsened' end
                when catalogue.target_direction = 'decrease'
                    then case when latest.value < coalesce(catalogue.baseline_value, baseline.value) then 'improved'
                        when latest.value = coalesce(catalogue.baseline_value, baseline.value) then 'unchanged'
                        else 'worsened' end
            end
            as text
        ) as progress_since_baseline,
        cast(
            case
                when catalogue.target_value is null or latest.value is null then null
                when catalogue.target_direction = 'decrease' then latest.value <= catalogue.target_value
                else latest.value >= catalogue.target_value
            end
            as boolean
        ) as is_target_met,
        cast(catalogue.sort_order as integer) as indicator_sort_order
    from catalogue
    left join yearly as baseline
        on catalogue.indicator_id = baseline.indicator_id and catalogue.baseline_year = baseline.year
    left join latest_years on catalogue.indicator_id = latest_years.indicator_id
    left join yearly as latest
        on latest_years.indicator_id = latest.indicator_id and latest_years.latest_year = latest.year
)

select * from final
