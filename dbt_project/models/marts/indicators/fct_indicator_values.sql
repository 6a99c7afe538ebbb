-- Every indicator of the catalogue (seeds/indicators/indicators.csv) per period and breakdown, in long
-- format: one row per indicator x period x disaggregation. The numerators and denominators come from
-- the int_indicator_inputs_* models; this model only keeps the period types the catalogue publishes
-- the indicator for and applies its factor: value = numerator x factor for a count (no denominator in
-- the catalogue), numerator x factor / denominator for a share, rate or average (null when the
-- denominator is 0 or missing), rounded half away from zero to 4 decimals with exact integer
-- arithmetic, so both engines give the same value.
{%- set inputs = [
    'int_indicator_inputs_victims',
    'int_indicator_inputs_victim_rates',
    'int_indicator_inputs_enforcement',
    'int_indicator_inputs_protection',
    'int_indicator_inputs_prevention',
    'int_indicator_inputs_data_quality',
] %}

with inputs as (
    {%- for input in inputs %}
    select * from {{ ref(input) }}
    {%- if not loop.last %}
    union all
    {%- endif %}
    {%- endfor %}
),

catalogue as (
    select indicator_id, factor, period_types, denominator is not null as has_denominator
    from {{ ref('indicators') }}
),

published as (
    select
        inputs.*,
        catalogue.factor,
        catalogue.has_denominator
    from inputs
    inner join catalogue
        on inputs.indicator_id = catalogue.indicator_id
        and position('|' || inputs.period_type || '|' in '|' || catalogue.period_types || '|') > 0
),

final as (
    select
        cast(indicator_id as text) as indicator_id,
        cast(period_type as text) as period_type,
        cast(period_id as text) as period_id,
        cast(period_start as date) as period_start,
        cast(period_end as date) as period_end,
        cast(disaggregation as text) as disaggregation,
        disaggregation = 'total' as is_total,
        cast(province_plate_code as integer) as province_plate_code,
        cast(nuts1_code as text) as nuts1_code,
        cast(sex as text) as sex,
        cast(age_group as text) as age_group,
        cast(nationality_group as text) as nationality_group,
        cast(exploitation_type as text) as exploitation_type,
        cast(agency as text) as agency,
        cast(category as text) as category,
        (
            coalesce(nuts1_code, '') = 'unknown'
            or coalesce(sex, '') = 'unknown'
            or coalesce(age_group, '') = 'unknown'
            or coalesce(nationality_group, '') = 'unknown'
            or coalesce(exploitation_type, '') = 'unknown'
            or coalesce(agency, '') = 'unknown'
            or coalesce(category, '') = 'unknown'
        ) as is_unknown,
        cast(numerator as bigint) as numerator,
        cast(denominator as bigint) as denominator,
        cast(factor as integer) as factor,
        cast(
            case
                when not has_denominator then numerator * factor
                else {{ dq_round_ratio('cast(factor as bigint) * numerator', 'denominator', 4, 18) }}
            end
            as numeric(18, 4)
        ) as value
    from published
)

select * from final
