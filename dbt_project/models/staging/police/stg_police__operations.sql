with source as (
    select * from {{ source('police', 'operations') }}
),

active_batches as (
    select batch_id from {{ ref('stg_ops__batches') }} where is_active
),

codes as (
    select column_name, source_code, code
    from {{ ref('source_codes') }}
    where source = 'police_operations'
),

renamed as (
    select
        source.operation_ref as operation_reference,
        source._batch_id as batch_id,
        source._source_row as source_row,
        cast(source.operation_date as date) as carried_out_on,
        cast(source.province_code as integer) as province_plate_code,
        cast(source.suspects_detained as integer) as suspects_detained,
        cast(source.victims_rescued as integer) as victims_rescued,
        source.article as article_source_code,
        offence_code.code as offence
    from source
    inner join active_batches on source._batch_id = active_batches.batch_id
    left join codes as offence_code
        on offence_code.column_name = 'article' and offence_code.source_code = source.article
)

select * from renamed
