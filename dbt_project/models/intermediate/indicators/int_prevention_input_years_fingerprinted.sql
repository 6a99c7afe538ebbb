-- What int_indicator_inputs_prevention reads, per calendar year, as a count and a checksum (docs block
-- incremental_models): the model recomputes only the years whose fingerprint changed since it was last
-- built. A year's figures depend on the helpline calls received in it (with the province's region, and
-- for H2 whether the person a call names was formally identified on or after the call, which an
-- identification of a later year can change), on the training sessions started in it (with the
-- audience's sector) and on the year's periods in the spine.
with provinces as (
    select province_plate_code, nuts1_code from {{ ref('dim_province') }}
),

sectors as (
    select participant_agency, sector from {{ ref('training_audience_sectors') }}
),

last_identified as (
    {{ last_formal_identifications() }}
),

calls as (
    select * from {{ ref('fct_helpline_calls') }}
),

trainings as (
    select * from {{ ref('fct_trainings') }}
),

rows_fingerprinted as (
    select
        cast({{ calendar_year('calls.received_on') }} as text) as unit,
        {{ row_fingerprint([
            "'call'", 'calls.call_id', 'calls.received_on', 'calls.linked_person_key', 'calls.call_outcome',
            'calls.province_plate_code', 'provinces.nuts1_code', 'calls.call_category', 'calls.call_language',
            'calls.caller_type', 'last_identified.last_identified_on >= calls.received_on',
        ]) }} as row_fingerprint
    from calls
    left join provinces on calls.province_plate_code = provinces.province_plate_code
    left join last_identified on calls.linked_person_key = last_identified.person_key

    union all

    select
        cast({{ calendar_year('trainings.started_on') }} as text),
        {{ row_fingerprint([
            "'training'", 'trainings.training_row_id', 'trainings.training_reference', 'trainings.started_on',
            'trainings.province_plate_code', 'provinces.nuts1_code', 'trainings.participant_agency',
            'sectors.sector', 'trainings.topic', 'trainings.participants_female', 'trainings.participants_male',
        ]) }}
    from trainings
    left join sectors on trainings.participant_agency = sectors.participant_agency
    left join provinces on trainings.province_plate_code = provinces.province_plate_code

    union all

    {{ period_spine_fingerprints() }}
),

final as (
    {{ fingerprint_units('rows_fingerprinted') }}
)

select * from final
