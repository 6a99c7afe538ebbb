-- Identified (V1) and presumed (V2) victims per year by sex and age group (child under 18 at
-- identification), with the margins: a null sex or age group is "all". Counts as published in
-- rpt_indicator_values (rounded; rule_disclosure). A cross table for donor reports.
with published as (
    select * from {{ ref('rpt_indicator_values') }}
    where indicator_id in ('V1', 'V2')
        and period_type = 'year'
        and disaggregation in ('total', 'sex', 'age_group', 'sex_age_group')
),

pivoted as (
    select
        period_id,
        sex,
        age_group,
        max(case when indicator_id = 'V1' then numerator end) as identified_victims,
        max(case when indicator_id = 'V2' then numerator end) as presumed_victims
    from published
    group by period_id, sex, age_group
),

final as (
    select
        cast(period_id as integer) as year,
        cast(sex as text) as sex,
        cast(age_group as text) as age_group,
        cast(coalesce(identified_victims, 0) as bigint) as identified_victims,
        cast(coalesce(presumed_victims, 0) as bigint) as presumed_victims
    from pivoted
)

select * from final
