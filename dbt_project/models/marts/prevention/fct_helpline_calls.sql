-- One row per call to the 157 helpline, from active batches only (a resent year replaces the first
-- file). A call led to an identification when the victim's key it carries appears in an identification
-- record of the warehouse (the same link fct_returns uses for was_identified).
with calls as (
    select * from {{ ref('stg_helpline__calls') }}
),

batches as (
    select batch_id, agency from {{ ref('stg_ops__batches') }}
),

identified_persons as (
    select distinct person_key from {{ ref('int_identifications_unioned') }}
),

final as (
    select
        cast(calls.call_id as text) as call_id,
        cast(calls.batch_id as text) as batch_id,
        cast(batches.agency as text) as reporting_agency,
        cast(calls.received_at as timestamp) as received_at,
        cast(calls.received_on as date) as received_on,
        {{ calendar_year('calls.received_on') }} as call_year,
        -- extract is standard SQL on every engine; the cast evens out its return type (numeric on PostgreSQL)
        cast(extract(month from calls.received_on) as integer) as call_month,
        cast(calls.call_language as text) as call_language,
        cast(calls.caller_type as text) as caller_type,
        cast(calls.province_plate_code as integer) as province_plate_code,
        cast(calls.call_category as text) as call_category,
        cast(calls.call_outcome as text) as call_outcome,
        calls.call_category = 'notification' as is_notification,
        cast(calls.linked_person_key as text) as linked_person_key,
        identified_persons.person_key is not null as led_to_identification
    from calls
    inner join batches on calls.batch_id = batches.batch_id
    left join identified_persons on calls.linked_person_key = identified_persons.person_key
)

select * from final
