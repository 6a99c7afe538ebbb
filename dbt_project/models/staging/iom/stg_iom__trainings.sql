-- One row per training session and participant group: a session that brought police and prosecutors
-- together is two rows with the same training reference. The contract declares no unique key: the row
-- is identified by (batch_id, source_row).
with source as (
    select * from {{ source('iom', 'trainings') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'iom_trainings'
),

renamed as (
    select
        source._batch_id as batch_id,
        source._source_row as source_row,
        source.training_ref as training_reference,
        cast(source.training_date as date) as started_on,
        cast(source.province_code as integer) as province_plate_code,
        source.participant_agency as participant_agency_source_code,
        participant_agency_code.code as participant_agency,
        source.topic as topic_source_code,
        topic_code.code as topic,
        cast(source.participants_female as integer) as participants_female,
        cast(source.participants_male as integer) as participants_male
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as participant_agency_code
        on participant_agency_code.column_name = 'participant_agency'
        and participant_agency_code.source_code = source.participant_agency
    left join codes as topic_code
        on topic_code.column_name = 'topic' and topic_code.source_code = source.topic
)

select * from renamed
