-- Identification records of every identifying agency in one shape: police and gendarmerie send the
-- same contract fields. Record numbers carry the agency's prefix (EGM-, JGK-); the unique test on
-- fct_identifications fails loudly if two agencies ever share one.
with police as (
    select * from {{ ref('stg_police__identifications') }}
),

gendarmerie as (
    select * from {{ ref('stg_gendarmerie__identifications') }}
),

unioned as (
    select
        identification_id, batch_id, person_key, identified_on, identification_status, province_plate_code,
        nationality_iso3, sex, age_at_identification, referral_source
    from police
    union all
    select
        identification_id, batch_id, person_key, identified_on, identification_status, province_plate_code,
        nationality_iso3, sex, age_at_identification, referral_source
    from gendarmerie
)

select * from unioned
