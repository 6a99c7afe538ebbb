-- What int_indicator_inputs_enforcement reads, per calendar year, as a count and a checksum (docs block
-- incremental_models): the model recomputes only the years whose fingerprint changed since it was last
-- built. A year's figures depend on the indictments filed in it and the court decisions taken in it
-- (with the court province's region, the citizenship group and the outcome's flags they are counted
-- with) and on the year's periods in the spine.
with provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

nationalities as (
    select nationality_iso3, citizenship_group from {{ ref('dim_nationality') }}
),

outcomes as (
    select outcome, is_conviction, counts_in_conviction_rate_denominator from {{ ref('case_outcomes') }}
),

prosecutions as (
    select * from {{ ref('fct_prosecutions') }}
),

decisions as (
    select * from {{ ref('fct_court_decisions') }}
),

rows_fingerprinted as (
    select
        cast({{ calendar_year('prosecutions.filed_on') }} as text) as unit,
        {{ row_fingerprint([
            "'prosecution'", 'prosecutions.case_reference', 'prosecutions.defendant_key', 'prosecutions.filed_on',
            'prosecutions.court_province_plate_code', 'provinces.nuts1_code', 'prosecutions.offence',
            'prosecutions.sex', 'prosecutions.nationality_iso3', 'nationalities.citizenship_group',
        ]) }} as row_fingerprint
    from prosecutions
    left join provinces on prosecutions.court_province_plate_code = provinces.province_plate_code
    left join nationalities on prosecutions.nationality_iso3 = nationalities.nationality_iso3

    union all

    select
        cast({{ calendar_year('decisions.decided_on') }} as text),
        {{ row_fingerprint([
            "'decision'", 'decisions.case_reference', 'decisions.defendant_key', 'decisions.decided_on',
            'decisions.court_instance', 'decisions.outcome', 'outcomes.is_conviction',
            'outcomes.counts_in_conviction_rate_denominator', 'decisions.sentence_band',
            'decisions.court_province_plate_code', 'provinces.nuts1_code', 'decisions.offence', 'decisions.sex',
            'decisions.nationality_iso3', 'nationalities.citizenship_group',
        ]) }}
    from decisions
    left join outcomes on decisions.outcome = outcomes.outcome
    left join provinces on decisions.court_province_plate_code = provinces.province_plate_code
    left join nationalities on decisions.nationality_iso3 = nationalities.nationality_iso3

    union all

    {{ period_spine_fingerprints() }}
),

final as (
    {{ fingerprint_units('rows_fingerprinted') }}
)

select * from final
