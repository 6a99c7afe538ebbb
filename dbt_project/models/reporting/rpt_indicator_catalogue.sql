-- The indicator catalogue for donors (the reporting schema is all a donor reads): definitions,
-- formulas, units, counting basis, breakdowns, framework mapping, logframe level, baseline and target.
with catalogue as (
    select * from {{ ref('indicators') }}
),

final as (
    select
        cast(indicator_id as text) as indicator_id,
        cast(name_en as text) as indicator_name_en,
        cast(name_tr as text) as indicator_name_tr,
        cast(definition as text) as definition,
        cast(numerator as text) as numerator,
        cast(denominator as text) as denominator,
        cast(factor as integer) as factor,
        cast(unit as text) as unit,
        cast(unit_of_count as text) as unit_of_count,
        cast(date_basis as text) as date_basis,
        cast(period_types as text) as period_types,
        cast(disaggregations as text) as disaggregations,
        cast(sdg as text) as sdg,
        cast(glotip as text) as glotip,
        cast(eurostat as text) as eurostat,
        cast(greta as text) as greta,
        cast(tip as text) as tip,
        cast(dhis2_indicator_type as text) as dhis2_indicator_type,
        cast(logframe_level as text) as logframe_level,
        cast(target_direction as text) as target_direction,
        cast(baseline_year as integer) as baseline_year,
        cast(baseline_value as numeric(18, 4)) as baseline_value,
        cast(target_year as integer) as target_year,
        cast(target_value as numeric(18, 4)) as target_value,
        is_disclosive as is_rounded_in_reports,
        cast(sort_order as integer) as indicator_sort_order
    from catalogue
)

select * from final
