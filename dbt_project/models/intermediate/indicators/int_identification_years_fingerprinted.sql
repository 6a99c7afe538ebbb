-- What the victim indicator models read, per calendar year, as a count and a checksum (docs block
-- incremental_models): int_victim_periods_deduplicated, int_victim_period_exploitation_types_collected
-- and int_indicator_inputs_victims recompute only the years whose fingerprint changed since they were
-- last built. A year's rows depend on the identification records dated in it (with the province's
-- region and the citizenship group they are shown with) and on the year's periods in the spine; the
-- code list of forms is read whole (unit '*reference': a change recomputes every year).
-- Rebuilt in full on every build: one pass over the records, no sort.
with identifications as (
    select * from {{ ref('fct_identifications') }}
),

provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

nationalities as (
    select nationality_iso3, citizenship_group from {{ ref('dim_nationality') }}
),

exploitation_codes as (
    select exploitation_type from {{ ref('exploitation_types') }}
),

rows_fingerprinted as (
    select
        cast({{ calendar_year('identifications.identified_on') }} as text) as unit,
        {{ row_fingerprint([
            'identifications.identification_id',
            'identifications.person_key',
            'identifications.identified_on',
            'identifications.identification_status',
            'identifications.identifying_agency',
            'identifications.province_plate_code',
            'provinces.nuts1_code',
            'identifications.sex',
            'identifications.age_at_identification',
            'identifications.nationality_iso3',
            'nationalities.citizenship_group',
            'identifications.referral_source',
            'identifications.exploitation_types',
        ]) }} as row_fingerprint
    from identifications
    left join provinces on identifications.province_plate_code = provinces.province_plate_code
    left join nationalities on identifications.nationality_iso3 = nationalities.nationality_iso3

    union all

    {{ period_spine_fingerprints() }}

    union all

    select '*reference', {{ row_fingerprint(['exploitation_type']) }}
    from exploitation_codes
),

final as (
    {{ fingerprint_units('rows_fingerprinted') }}
)

select * from final
