-- The donor-facing copy of fct_indicator_values: every indicator, period and breakdown with the
-- catalogue's names, after disclosure control (rule_disclosure). For indicators about victims,
-- defendants and their cases (catalogue is_disclosive), every count is rounded to the rounding base
-- on its own, and a share, rate or average is computed from the rounded numerator and denominator, or
-- withheld (null, is_withheld) when its exact base is below the threshold or its numerator a count
-- from 1 to the threshold minus one. No row here describes a person; no person key.
with indicator_values as (
    select * from {{ ref('fct_indicator_values') }}
),

catalogue as (
    select
        indicator_id,
        name_en,
        name_tr,
        unit,
        unit_of_count,
        logframe_level,
        is_disclosive,
        denominator is not null as has_denominator,
        sort_order
    from {{ ref('indicators') }}
),

provinces as (
    select province_plate_code, province_name from {{ ref('dim_province') }}
),

published as (
    select
        indicator_values.*,
        catalogue.name_en,
        catalogue.name_tr,
        catalogue.unit,
        catalogue.unit_of_count,
        catalogue.logframe_level,
        catalogue.is_disclosive,
        catalogue.has_denominator,
        catalogue.sort_order,
        case
            when catalogue.is_disclosive then {{ reporting_round_count('indicator_values.numerator') }}
            else indicator_values.numerator
        end as published_numerator,
        case
            when catalogue.is_disclosive then {{ reporting_round_count('indicator_values.denominator') }}
            else indicator_values.denominator
        end as published_denominator,
        catalogue.is_disclosive and catalogue.has_denominator and {{ reporting_is_withheld(
            'indicator_values.numerator', 'indicator_values.denominator', 'catalogue.unit') }} as is_withheld
    from indicator_values
    inner join catalogue on indicator_values.indicator_id = catalogue.indicator_id
),

final as (
    select
        cast(published.indicator_id as text) as indicator_id,
        cast(published.name_en as text) as indicator_name_en,
        cast(published.name_tr as text) as indicator_name_tr,
        cast(published.logframe_level as text) as logframe_level,
        cast(published.unit as text) as unit,
        cast(published.factor as integer) as factor,
        cast(published.period_type as text) as period_type,
        cast(published.period_id as text) as period_id,
        cast(published.period_start as date) as period_start,
        cast(published.period_end as date) as period_end,
        cast(published.disaggregation as text) as disaggregation,
        published.is_total,
        cast(published.province_plate_code as integer) as province_plate_code,
        cast(provinces.province_name as text) as province_name,
        cast(published.nuts1_code as text) as nuts1_code,
        cast(published.sex as text) as sex,
        cast(published.age_group as text) as age_group,
        cast(published.nationality_group as text) as nationality_group,
        cast(published.exploitation_type as text) as exploitation_type,
        cast(published.agency as text) as agency,
        cast(published.category as text) as category,
        cast(published.published_numerator as bigint) as numerator,
        cast(published.published_denominator as bigint) as denominator,
        cast(
            case
                when not published.has_denominator then published.published_numerator * published.factor
                when published.is_withheld then null
                -- rates per 100,000 to two decimals, shares and averages to one
                when published.unit = 'rate' then {{ dq_round_ratio(
                    'cast(published.factor as bigint) * published.published_numerator',
                    'published.published_denominator', 2, 18) }}
                else {{ dq_round_ratio(
                    'cast(published.factor as bigint) * published.published_numerator',
                    'published.published_denominator', 1, 18) }}
            end
            as numeric(18, 2)
        ) as value,
        published.is_withheld,
        published.is_disclosive as is_rounded,
        cast(published.sort_order as integer) as indicator_sort_order
    from published
    left join provinces on published.province_plate_code = provinces.province_plate_code
    -- a breakdown row exists only where someone was counted, so a row rounded to 0 would say "1 or 2
    -- people": breakdown rows of rounded indicators that round to 0 are left out, and a missing
    -- category always means 0 to 2 (totals stay, every period has one)
    where published.is_total
        or not published.is_disclosive
        or published.published_numerator > 0
)

select * from final
