-- One row per call to the 157 helpline. The helpline resends a year as a correction: only the active
-- batch of each period is read, so calls of a superseded file never count twice.
with source as (
    select * from {{ source('helpline', 'calls') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'helpline_calls'
),

renamed as (
    select
        source.call_id,
        source._batch_id as batch_id,
        source._source_row as source_row,
        cast(source.received_at as timestamp) as received_at,
        cast(source.received_at as date) as received_on,
        source.language as language_source_code,
        language_code.code as call_language,
        source.caller_type as caller_type_source_code,
        caller_type_code.code as caller_type,
        cast(source.province_code as integer) as province_plate_code,
        source.category as category_source_code,
        category_code.code as call_category,
        source.outcome as outcome_source_code,
        outcome_code.code as call_outcome,
        source.linked_person_key
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as language_code
        on language_code.column_name = 'language' and language_code.source_code = source.language
    left join codes as caller_type_code
        on caller_type_code.column_name = 'caller_type' and caller_type_code.source_code = source.caller_type
    left join codes as category_code
        on category_code.column_name = 'category' and category_code.source_code = source.category
    left join codes as outcome_code
        on outcome_code.column_name = 'outcome' and outcome_code.source_code = source.outcome
)

select * from renamed
