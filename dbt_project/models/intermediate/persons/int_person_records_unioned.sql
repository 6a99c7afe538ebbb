-- One row per person key and record, from every extract that carries a victim's person key: the base of
-- cross-agency linkage (the same key in two agencies' extracts is the same person). Each record keeps the
-- person attributes its source carries (null where it carries none); the agency is the sending batch's
-- (ops.batches), never a code written into this SQL. record_id is unique within a source: the agency's
-- own number where the contract has one, otherwise batch_id:source_row.
with identifications as (
    select * from {{ ref('int_identifications_unioned') }}
),

returns as (
    select * from {{ ref('stg_iom__returns') }}
),

stays as (
    select * from {{ ref('stg_shelters__stays') }}
),

health_services as (
    select * from {{ ref('stg_health__services') }}
),

referrals as (
    select * from {{ ref('stg_referrals__referrals') }}
),

calls as (
    select * from {{ ref('stg_helpline__calls') }}
    where linked_person_key is not null  -- calls that led to no identification name nobody
),

prosecution_victims as (
    select * from {{ ref('stg_justice__prosecution_victims') }}
),

prosecutions as (
    select batch_id, source_row, filed_on from {{ ref('stg_justice__prosecutions') }}
),

batches as (
    select batch_id, agency, source_name from {{ ref('stg_ops__batches') }}
),

-- A case with three defendants repeats its victim list on three rows: one record per victim and case
-- (per batch), dated by the case's first filing.
victims_per_case as (
    select
        prosecution_victims.batch_id,
        prosecution_victims.case_reference,
        prosecution_victims.victim_key as person_key,
        min(prosecutions.filed_on) as filed_on
    from prosecution_victims
    inner join prosecutions
        on prosecution_victims.batch_id = prosecutions.batch_id
        and prosecution_victims.source_row = prosecutions.source_row
    group by prosecution_victims.batch_id, prosecution_victims.case_reference, prosecution_victims.victim_key
),

records as (
    select
        person_key,
        batch_id,
        identification_id as record_id,
        'identification' as event_kind,
        identified_on as event_on,
        identification_status,
        sex,
        nationality_iso3,
        age_at_identification as age_at_event,
        cast(null as boolean) as has_reintegration_assistance
    from identifications

    union all

    select
        person_key,
        batch_id,
        return_id,
        'return',
        departed_on,
        cast(null as text),
        sex,
        -- the country of return is not the citizenship (third-country resettlement): not used as one
        cast(null as text),
        age_at_return,
        has_reintegration_assistance
    from returns

    union all

    select
        person_key,
        batch_id,
        {{ dbt.concat(['batch_id', "':'", 'cast(source_row as text)']) }},
        'shelter_admission',
        admitted_on,
        cast(null as text),
        cast(null as text),
        cast(null as text),
        cast(null as integer),
        cast(null as boolean)
    from stays

    union all

    select
        person_key,
        batch_id,
        {{ dbt.concat(['batch_id', "':'", 'cast(source_row as text)']) }},
        'health_service',
        served_on,
        cast(null as text),
        cast(null as text),
        cast(null as text),
        cast(null as integer),
        cast(null as boolean)
    from health_services

    union all

    select
        person_key,
        batch_id,
        {{ dbt.concat(['batch_id', "':'", 'cast(source_row as text)']) }},
        'referral',
        referred_on,
        cast(null as text),
        cast(null as text),
        cast(null as text),
        cast(null as integer),
        cast(null as boolean)
    from referrals

    union all

    select
        linked_person_key,
        batch_id,
        call_id,
        'helpline_call',
        received_on,
        cast(null as text),
        cast(null as text),
        cast(null as text),
        cast(null as integer),
        cast(null as boolean)
    from calls

    union all

    select
        person_key,
        batch_id,
        {{ dbt.concat(['batch_id', "':'", 'case_reference']) }},
        'prosecution',
        filed_on,
        cast(null as text),
        cast(null as text),
        cast(null as text),
        cast(null as integer),
        cast(null as boolean)
    from victims_per_case
),

final as (
    select
        records.person_key,
        batches.source_name as source,
        records.record_id,
        records.batch_id,
        batches.agency,
        records.event_kind,
        records.event_on,
        records.event_kind = 'identification' as is_identification,
        records.identification_status,
        records.sex,
        records.nationality_iso3,
        records.age_at_event,
        -- an age in completed years on a date fixes the birth year to within two calendar years; the
        -- estimate makes ages reported on different dates comparable
        {{ calendar_year('records.event_on') }} - records.age_at_event as birth_year_estimate,
        records.has_reintegration_assistance
    from records
    inner join batches on records.batch_id = batches.batch_id
)

select * from final
